"""Rate–distortion and rate–distortion–perception: Gaussian reverse water-filling,
Blahut–Arimoto, the RDPF for finite alphabets and its closed forms, stochastic vs deterministic
encoders on the circle."""

from .blahut_arimoto import BAResult, blahut_arimoto, rate_distortion
from .rdpf import RDPFResult, rdpf
from .rdpf_closed import bernoulli_rdpf, gaussian_perfect_realism_distortion, gaussian_rdpf
from .gaussian import (
    WaterFilling,
    gaussian_distortion_rate,
    gaussian_rate_distortion,
    reverse_water_filling,
    reverse_water_filling_rate,
)

__all__ = [
    "BAResult",
    "blahut_arimoto",
    "rate_distortion",
    "RDPFResult",
    "rdpf",
    "bernoulli_rdpf",
    "gaussian_rdpf",
    "gaussian_perfect_realism_distortion",
    "WaterFilling",
    "gaussian_distortion_rate",
    "gaussian_rate_distortion",
    "reverse_water_filling",
    "reverse_water_filling_rate",
]
