"""The digest's example images (`../shared/research/diffc_hfd_realism.md` §3.6), made from
``refimpl.random`` so that any seed gives a new realisation of the random ones.

Citation: Theis, *What makes an image realistic?* (ICML 2024), §2 (probability and typicality):
the mode of a model and low-contrast images are more likely than real samples, yet unrealistic.
"""

from __future__ import annotations

import numpy as np

from .. import random as R
from .models import DEFAULT_GRID, Grid

__all__ = ["EXAMPLE_NAMES", "example_images", "DIGEST_TABLE"]

EXAMPLE_NAMES = ("sample", "mode", "constant_2", "low_contrast", "too_noisy", "uniform", "half_half")

#: The digest's table [derived+checked]: (−log2 p / d, δ iid code, δ split code, δ zlib), d = 64×64.
DIGEST_TABLE = {
    "sample": (5.367, -4.2, -5.2, -832.0),
    "mode": (4.648, 19028.0, 19027.0, 18815.0),
    "constant_2": (7.531, 30837.0, 30836.0, 30624.0),
    "low_contrast": (4.830, 1859.0, 1858.0, -265.0),
    "too_noisy": (7.469, 4579.0, 4578.0, 4087.0),
    "uniform": (6.776, 2559.0, 2558.0, 3034.0),
    "half_half": (5.375, -4.2, 9967.0, 9336.0),
}


def _on_grid(v: np.ndarray, grid: Grid) -> np.ndarray:
    lim = grid.half * grid.width
    return np.clip(np.round(v / grid.width) * grid.width, -lim, lim)


def example_images(seed: int, d: int = 4096, grid: Grid = DEFAULT_GRID) -> dict[str, np.ndarray]:
    """The seven inputs of the digest's table, each with ``d`` pixels on ``grid``:
    a sample of p = N(0, 1); the mode (all 0); constant 2.0; N(0, 0.5²); N(0, 2²);
    uniform on [−3, 3]; half zeros and half N(0, 2) (variance 2)."""
    idx = np.arange(d)
    z = R.normal(seed, 0, idx)
    u = R.uniform(seed, R.STREAM_UNIFORMS, idx)
    h = d // 2
    return {
        "sample": _on_grid(z, grid),
        "mode": np.zeros(d),
        "constant_2": np.full(d, 2.0),
        "low_contrast": _on_grid(0.5 * z, grid),
        "too_noisy": _on_grid(2.0 * z, grid),
        "uniform": _on_grid(6.0 * u - 3.0, grid),
        "half_half": np.concatenate([np.zeros(h), _on_grid(np.sqrt(2.0) * z[h:], grid)]),
    }
