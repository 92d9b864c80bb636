"""Universal quantization, soft rounding and the uniform-noise channel (Agustsson & Theis 2020).

The public (conformance) surface of the topic; see ``specs/quantization.md`` and
``docs/universal_quantization.md``.
"""

from .soft_round import (
    SOFT_ROUND_EPS,
    alpha_from_temperature,
    soft_round,
    soft_round_conditional_mean,
    soft_round_conditional_mean_derivative,
    soft_round_conditional_mean_temperature,
    soft_round_derivative,
    soft_round_inverse,
    soft_round_inverse_derivative,
    soft_round_inverse_temperature,
    soft_round_temperature,
)

__all__ = [
    "SOFT_ROUND_EPS",
    "alpha_from_temperature",
    "soft_round",
    "soft_round_conditional_mean",
    "soft_round_conditional_mean_derivative",
    "soft_round_conditional_mean_temperature",
    "soft_round_derivative",
    "soft_round_inverse",
    "soft_round_inverse_derivative",
    "soft_round_inverse_temperature",
    "soft_round_temperature",
]
