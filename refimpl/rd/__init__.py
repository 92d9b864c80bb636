"""Rate–distortion and rate–distortion–perception: Gaussian reverse water-filling,
Blahut–Arimoto, the RDPF for finite alphabets and its closed forms, stochastic vs deterministic
encoders on the circle."""

from .blahut_arimoto import BAResult, RDPoint, blahut_arimoto, blahut_arimoto_point, rate_distortion, rate_distortion_rate
from .rdpf import RDPFResult, rdpf, rdpf_rate
from .rdpf_code import RDPFCode, rdpf_block_decode, rdpf_block_encode, rdpf_block_mu_hat
from .rdpf_closed import bernoulli_rdpf, gaussian_perfect_realism_distortion, gaussian_rdpf
from .circle import (CircleCells, CircleCode, circle_cells_decode_given, circle_cells_encode_given, circle_entropy_coded_cells, circle_decode, circle_det_decode_given, circle_det_encode, circle_deterministic_distortion,
                     circle_encode, circle_sto_decode_given, circle_sto_encode_given, circle_stochastic_distortion)
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
    "RDPoint",
    "blahut_arimoto_point",
    "rate_distortion_rate",
    "rdpf_rate",
    "RDPFCode",
    "rdpf_block_encode",
    "rdpf_block_decode",
    "rdpf_block_mu_hat",
    "RDPFResult",
    "rdpf",
    "bernoulli_rdpf",
    "gaussian_rdpf",
    "gaussian_perfect_realism_distortion",
    "WaterFilling",
    "CircleCode",
    "CircleCells",
    "circle_entropy_coded_cells",
    "circle_cells_encode_given",
    "circle_cells_decode_given",
    "circle_encode",
    "circle_decode",
    "circle_sto_encode_given",
    "circle_sto_decode_given",
    "circle_det_encode",
    "circle_det_decode_given",
    "circle_stochastic_distortion",
    "circle_deterministic_distortion",
    "gaussian_distortion_rate",
    "gaussian_rate_distortion",
    "reverse_water_filling",
    "reverse_water_filling_rate",
]
