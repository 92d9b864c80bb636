"""Rate–distortion and rate–distortion–perception: Gaussian reverse water-filling,
Blahut–Arimoto, the RDPF for finite alphabets and its closed forms, the RDPF coding-theorem
construction (PFR over blocks), stochastic vs deterministic encoders on the circle.
Specification: ``specs/rd.md``. The names in ``__all__`` form the conformance surface."""

from .blahut_arimoto import (BAResult, RDPoint, blahut_arimoto, blahut_arimoto_point, rate_distortion,
                             rate_distortion_rate)
from .circle import (CircleCells, CircleCode, circle_cells_decode_given, circle_cells_encode_given, circle_decode,
                     circle_det_decode_given, circle_det_encode, circle_deterministic_distortion, circle_encode,
                     circle_entropy_coded_cells, circle_sto_decode_given, circle_sto_encode_given,
                     circle_stochastic_distortion)
from .gaussian import (WaterFilling, gaussian_distortion_rate, gaussian_rate_distortion, reverse_water_filling,
                       reverse_water_filling_rate)
from .rdpf import RDPFResult, rdpf, rdpf_rate
from .rdpf_closed import bernoulli_rdpf, gaussian_perfect_realism_distortion, gaussian_rdpf
from .rdpf_code import RDPFCode, rdpf_block_decode, rdpf_block_encode, rdpf_block_mu_hat

__all__ = [
    # Gaussian reverse water-filling (shared with DiffC)
    "WaterFilling", "gaussian_rate_distortion", "gaussian_distortion_rate",
    "reverse_water_filling", "reverse_water_filling_rate",
    # Blahut–Arimoto
    "BAResult", "RDPoint", "blahut_arimoto", "rate_distortion", "blahut_arimoto_point", "rate_distortion_rate",
    # RDPF
    "RDPFResult", "rdpf", "rdpf_rate", "bernoulli_rdpf", "gaussian_rdpf", "gaussian_perfect_realism_distortion",
    "RDPFCode", "rdpf_block_encode", "rdpf_block_decode", "rdpf_block_mu_hat",
    # circle: stochastic vs deterministic encoders
    "CircleCode", "CircleCells", "circle_stochastic_distortion", "circle_deterministic_distortion",
    "circle_sto_encode_given", "circle_sto_decode_given", "circle_det_encode", "circle_det_decode_given",
    "circle_encode", "circle_decode", "circle_entropy_coded_cells", "circle_cells_encode_given",
    "circle_cells_decode_given",
]
