"""Discretised image models and the model family of the two-part code.

Citation: Theis, *What makes an image realistic?* (ICML 2024), §4 (universal critics); the
setting (an i.i.d. discretised Gaussian "image model", a family of simple alternatives) is the
NumPy reproduction of this project's digest (`../shared/research/diffc_hfd_realism.md` §3.6).

| symbol | name | meaning |
|---|---|---|
| x | ``x`` | an image: real pixel values on the grid ``width · (k − half)``, k ∈ {0…2·half} |
| k | ``symbols`` | bin index of each pixel, ``round(x / width) + half`` |
| p | ``Grid.pmf(…)`` | the model under test: i.i.d. discretised N(0, 1) per pixel |
| q_m | ``family_pmfs(grid)`` | the alternatives: discretised N(0, s²) for 17 scales s ∈ [¼, 4], uniform |
| d | ``x.size`` | number of pixels |
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import ndtr

__all__ = ["Grid", "DEFAULT_GRID", "to_symbols", "discretized_normal_pmf", "family_pmfs", "FAMILY_SCALES"]

#: The 17 scales of the i.i.d. Gaussian alternatives: 2^(j/4 − 2), j = 0…16, so ¼ … 4 with s = 1 among them.
FAMILY_SCALES = 2.0 ** (np.arange(17) / 4.0 - 2.0)


class Grid(NamedTuple):
    """Pixel values ``width · (k − half)`` for k = 0…2·half (so 2·half + 1 levels on ±half·width)."""

    width: float = 0.1
    half: int = 60

    @property
    def levels(self) -> int:
        return 2 * self.half + 1

    @property
    def values(self) -> np.ndarray:
        return self.width * (np.arange(self.levels) - self.half)


DEFAULT_GRID = Grid()


def to_symbols(x, grid: Grid = DEFAULT_GRID) -> np.ndarray:
    """Bin indices of the pixels of ``x`` (flattened, C order).

    ValueError if ``x`` is empty, not finite, or has a pixel outside the support
    [−(half + ½)·width, (half + ½)·width)."""
    a = np.asarray(x, dtype=np.float64).reshape(-1)
    if a.size == 0:
        raise ValueError("x must have at least one pixel")
    if not np.all(np.isfinite(a)):
        raise ValueError("x must be finite (no NaN or inf)")
    k = np.floor(a / grid.width + 0.5).astype(np.int64) + grid.half
    if k.min() < 0 or k.max() >= grid.levels:
        lim = (grid.half + 0.5) * grid.width
        raise ValueError(f"x has pixels outside the model's support [-{lim:g}, {lim:g}): "
                         f"range [{a.min():g}, {a.max():g}]")
    return k


def discretized_normal_pmf(scale: float, grid: Grid = DEFAULT_GRID) -> np.ndarray:
    """P(k) ∝ Φ((v_k + w/2)/s) − Φ((v_k − w/2)/s) over the grid, normalised (mass outside is dropped)."""
    if not scale > 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    v = grid.values
    p = ndtr((v + grid.width / 2) / scale) - ndtr((v - grid.width / 2) / scale)
    p = np.maximum(p, 1e-300)
    return p / p.sum()


def family_pmfs(grid: Grid = DEFAULT_GRID) -> tuple[list[str], np.ndarray]:
    """Names and pmfs (M, levels) of the i.i.d. alternatives: 17 Gaussian scales, then uniform."""
    names = [f"iid_normal(s={s:g})" for s in FAMILY_SCALES] + ["iid_uniform"]
    pmfs = np.array([discretized_normal_pmf(s, grid) for s in FAMILY_SCALES]
                    + [np.full(grid.levels, 1.0 / grid.levels)])
    return names, pmfs
