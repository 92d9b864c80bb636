"""Universal critics: realism measured with real code lengths (Theis, *What makes an image
realistic?*, ICML 2024). Specification: ``specs/realism.md``; tutorial: ``docs/realism.md``."""

from .codes import batch_decode, batch_encode, generic_bits, mixture_bits, two_part_decode, two_part_encode
from .critic import Critic, batch_critic, critic, neg_log2_prob
from .models import DEFAULT_GRID, Grid, discretized_normal_pmf, family_pmfs, to_symbols

__all__ = ["critic", "batch_critic", "neg_log2_prob", "Critic", "Grid", "DEFAULT_GRID", "to_symbols",
           "discretized_normal_pmf", "family_pmfs", "two_part_encode", "two_part_decode", "batch_encode",
           "batch_decode", "mixture_bits", "generic_bits", "realism_critic_bits"]


def realism_critic_bits(x, code: str = "two_part", half: int = 60, width: float = 0.1):
    """Conformance-surface wrapper: δ, −log2 p and L for ``x`` under discretised N(0, 1)."""
    c = critic(x, "normal", code, Grid(width, half))
    return c
