"""Rate–distortion and rate–distortion–perception: Gaussian reverse water-filling,
Blahut–Arimoto, the RDPF for finite alphabets and its closed forms, stochastic vs deterministic
encoders on the circle."""

from .gaussian import (
    WaterFilling,
    gaussian_distortion_rate,
    gaussian_rate_distortion,
    reverse_water_filling,
    reverse_water_filling_rate,
)

__all__ = [
    "WaterFilling",
    "gaussian_distortion_rate",
    "gaussian_rate_distortion",
    "reverse_water_filling",
    "reverse_water_filling_rate",
]
