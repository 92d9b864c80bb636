"""Reverse channel coding (channel simulation): PFR, ORC, MRC, RS, GRS, exact samplers, hybrid
coding, Gaussian channel simulation, Zipf index codes. Specification: ``specs/rcc.md``."""

from ._common import RccCapError
from .gaussian_channel import (GaussianChannelEncoded, gaussian_channel_chunk_seed, gaussian_channel_chunk_sizes,
                               gaussian_channel_decode, gaussian_channel_encode, gaussian_channel_partition)
from .astar import astar_decode_gaussian_1d, astar_encode_gaussian_1d
from .gprs import (GaussianTau, gprs_decode_categorical, gprs_decode_gaussian_1d, gprs_encode_categorical,
                   gprs_encode_gaussian_1d, gprs_split_decode_gaussian_1d, gprs_split_encode_gaussian_1d,
                   gprs_encode_triangular, gprs_tau_discrete, gprs_tau_triangular)
from .grs import grs_decode_categorical, grs_encode_categorical, grs_expected_steps, grs_mu_hat
from .hybrid import (HybridEncoded, hybrid_cost_bounds, hybrid_decode_gaussian, hybrid_encode_gaussian,
                     hybrid_gaussian_setup)
from .index_codes import (IndexCode, index_decode, index_encode, truncated_zipf_ideal_bits, zipf_ideal_bits,
                          zipf_lambda, zipf_mu_hat, zipf_table)
from .pfr import (RccEncoded, pfr_decode_categorical, pfr_decode_gaussian, pfr_encode_categorical,
                  pfr_encode_gaussian, pfr_index_law)
from .select import (RccSelection, grs_schedule, orc_times, pfr_times, rcc_categorical_candidates,
                     rcc_gaussian_candidates, select_categorical, select_categorical_fast, select_gaussian,
                     select_gaussian_fast, select_given)

__all__ = [
    "RccCapError", "RccSelection", "RccEncoded", "IndexCode",
    "select_given", "pfr_times", "orc_times", "grs_schedule",
    "rcc_categorical_candidates", "rcc_gaussian_candidates",
    "select_categorical", "select_categorical_fast", "select_gaussian", "select_gaussian_fast",
    "zipf_lambda", "zipf_mu_hat", "zipf_ideal_bits", "truncated_zipf_ideal_bits", "zipf_table",
    "index_encode", "index_decode",
    "pfr_encode_categorical", "pfr_decode_categorical", "pfr_encode_gaussian", "pfr_decode_gaussian",
    "pfr_index_law",
    "GaussianChannelEncoded", "gaussian_channel_chunk_sizes", "gaussian_channel_partition",
    "gaussian_channel_chunk_seed", "gaussian_channel_encode", "gaussian_channel_decode",
    "grs_encode_categorical", "grs_decode_categorical", "grs_expected_steps", "grs_mu_hat",
    "HybridEncoded", "hybrid_gaussian_setup", "hybrid_encode_gaussian", "hybrid_decode_gaussian",
    "hybrid_cost_bounds",
    "GaussianTau", "gprs_tau_discrete", "gprs_encode_categorical", "gprs_decode_categorical",
    "gprs_encode_gaussian_1d", "gprs_decode_gaussian_1d", "gprs_split_encode_gaussian_1d",
    "gprs_split_decode_gaussian_1d", "astar_encode_gaussian_1d", "astar_decode_gaussian_1d",
    "gprs_tau_triangular", "gprs_encode_triangular",
]
