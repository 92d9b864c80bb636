"""Universal quantization, soft rounding and the uniform-noise channel (Agustsson & Theis 2020).

The public (conformance) surface of the topic; see ``specs/quantization.md`` and
``docs/universal_quantization.md``.
"""

from .channel import (
    UQ_FAMILIES,
    uq_conditional_pmf,
    uq_density,
    uq_information_bits,
    uq_log2_density,
    uq_log_mass_nats,
    uq_pmf_table,
    uq_support_centre,
)
from .codec import UQ_FORMAT_VERSION, UQHeader, UQPrior, uq_decode, uq_encode, uq_header, uq_level_tables
from .noise import (
    KumaraswamyMoments,
    expected_gradient,
    kumaraswamy_cdf,
    kumaraswamy_given,
    kumaraswamy_mode_b,
    kumaraswamy_moments,
    kumaraswamy_noise,
    kumaraswamy_noise_given,
    kumaraswamy_pdf,
)
from .rates import rounding_entropy_bits, uq_conditional_entropy_bits, uq_differential_entropy_bits
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
from .universal import (
    UQResult,
    universal_dequantize,
    universal_dequantize_given,
    universal_quantize,
    universal_quantize_given,
    uq_dither,
    uq_dither_levels,
    uq_level_offsets,
)

__all__ = [
    # soft rounding (§4.1)
    "soft_round",
    "soft_round_inverse",
    "soft_round_conditional_mean",
    "soft_round_derivative",
    "soft_round_inverse_derivative",
    "soft_round_conditional_mean_derivative",
    "alpha_from_temperature",
    "soft_round_temperature",
    "soft_round_inverse_temperature",
    "soft_round_conditional_mean_temperature",
    # noise (C3; §4.2)
    "kumaraswamy_mode_b",
    "kumaraswamy_given",
    "kumaraswamy_noise_given",
    "kumaraswamy_noise",
    "kumaraswamy_moments",
    "kumaraswamy_cdf",
    "kumaraswamy_pdf",
    "expected_gradient",
    # universal quantization (§3)
    "universal_quantize_given",
    "universal_dequantize_given",
    "universal_quantize",
    "universal_dequantize",
    "uq_dither",
    "uq_dither_levels",
    "uq_level_offsets",
    # uniform-noise channel (§3)
    "uq_log_mass_nats",
    "uq_density",
    "uq_log2_density",
    "uq_conditional_pmf",
    "uq_pmf_table",
    "uq_support_centre",
    "uq_information_bits",
    # real bitstreams (§3 with rANS)
    "uq_encode",
    "uq_decode",
    "uq_header",
    "uq_level_tables",
    # exact rates
    "uq_conditional_entropy_bits",
    "uq_differential_entropy_bits",
    "rounding_entropy_bits",
]
