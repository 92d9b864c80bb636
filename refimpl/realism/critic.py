"""Universal critics with real code lengths: δ_L(x) = −log2 p(x) − L(x).

Citation: Theis, *What makes an image realistic?* (ICML 2024), §4: the universal critic
U(x) = −log2 p(x) − K(x) (the randomness deficiency of x under p). Any prefix-free code L
gives a p-critic, Σ_x p(x) 2^δ(x) = Σ_x 2^−L(x) ≤ 1 (Kraft), hence E_p δ ≤ 0 and
P_p(δ ≥ k) ≤ 2^−k. A large δ says x is unrealistic for p: it has a description much shorter
than p's code length.

| symbol | name | meaning |
|---|---|---|
| δ(x) | ``Critic.delta`` | critic value in bits |
| −log2 p(x) | ``Critic.neg_log2_p`` | code length under the model under test |
| L(x) | ``Critic.code_bits`` | length of the real (or ideal, for ``"mixture"``) code |
| δ^B | :func:`batch_critic` | critic of a batch: −Σ_b log2 p(x_b) − L(x_1…x_B) |
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .codes import batch_encode, generic_bits, mixture_bits, two_part_encode
from .models import DEFAULT_GRID, Grid, discretized_normal_pmf, family_pmfs, to_symbols

__all__ = ["Critic", "critic", "batch_critic", "neg_log2_prob", "CODES"]

CODES = ("two_part", "two_part_split", "mixture", "zlib", "lzma")


class Critic(NamedTuple):
    """δ in bits with its parts."""

    delta: float
    neg_log2_p: float
    code_bits: float
    chosen: str


def _model_pmf(model, grid: Grid) -> np.ndarray:
    if isinstance(model, str):
        if model != "normal":
            raise ValueError(f"model must be 'normal' or a pmf over the {grid.levels} levels, got {model!r}")
        return discretized_normal_pmf(1.0, grid)
    p = np.asarray(model, dtype=np.float64)
    if p.shape != (grid.levels,) or not np.all(np.isfinite(p)) or np.any(p <= 0) or abs(p.sum() - 1) > 1e-9:
        raise ValueError(f"model must be a positive pmf of shape ({grid.levels},) summing to 1")
    return p


def neg_log2_prob(x, model="normal", grid: Grid = DEFAULT_GRID) -> float:
    """−log2 p(x) for the i.i.d. per-pixel model ``model`` (default: discretised N(0, 1))."""
    p = _model_pmf(model, grid)
    return float(np.sum(-np.log2(p[to_symbols(x, grid)])))


def critic(x, model="normal", code: str = "two_part", grid: Grid = DEFAULT_GRID) -> Critic:
    """δ_L(x) = −log2 p(x) − L(x) for one image ``x`` (pixel values on ``grid``).

    ``code``: ``"two_part"`` (real rANS bitstream over the model family), ``"two_part_split"``
    (the same family plus "code the two halves separately"), ``"mixture"`` (ideal Bayesian
    mixture over the family, Kraft-exact), ``"zlib"`` or ``"lzma"`` (generic compressors)."""
    if code not in CODES:
        raise ValueError(f"code must be one of {CODES}, got {code!r}")
    k = to_symbols(x, grid)
    nlp = neg_log2_prob(x, model, grid)
    if code in ("two_part", "two_part_split"):
        c = two_part_encode(k, grid, split=code == "two_part_split")
        bits, chosen = float(c.bits), c.chosen
    elif code == "mixture":
        bits, chosen = mixture_bits(k, family_pmfs(grid)[1], levels=grid.levels), "mixture"
    else:
        bits, chosen = float(generic_bits(k, code)), code
    return Critic(nlp - bits, nlp, bits, chosen)


def batch_critic(xs, model="normal", split: bool = False, grid: Grid = DEFAULT_GRID) -> Critic:
    """δ^B = −Σ_b log2 p(x_b) − L(x_1…x_B) with the batch code of :func:`~refimpl.realism.codes.batch_encode`
    (which may declare "all identical"). ValueError for an empty batch."""
    xs = list(xs)
    if not xs:
        raise ValueError("xs must hold at least one image")
    ks = [to_symbols(x, grid) for x in xs]
    nlp = sum(neg_log2_prob(x, model, grid) for x in xs)
    c = batch_encode(ks, grid, split)
    return Critic(nlp - c.bits, nlp, float(c.bits), c.chosen)
