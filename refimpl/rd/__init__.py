"""Rate–distortion and rate–distortion–perception: Gaussian reverse water-filling,
Blahut–Arimoto, the RDPF for finite alphabets and its closed forms, stochastic vs deterministic
encoders on the circle."""

from .blahut_arimoto import BAResult, blahut_arimoto, rate_distortion
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
    "WaterFilling",
    "gaussian_distortion_rate",
    "gaussian_rate_distortion",
    "reverse_water_filling",
    "reverse_water_filling_rate",
]
