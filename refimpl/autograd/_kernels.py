"""Numba kernels for the hot elementwise paths of :mod:`.ops` (twins: ``ops._gelu_bwd``)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def gelu_tanh_bwd_kernel(x: np.ndarray, t: np.ndarray, g: np.ndarray, c: float) -> np.ndarray:
    """x̄ = ȳ (½(1 + t) + ½ x (1 − t²) c (1 + 3·0.044715 x²)), t = tanh(c(x + 0.044715x³)), one fused pass.

    x, t, g: contiguous 1-D arrays of one dtype and length (checked)."""
    n = x.size
    if t.size != n or g.size != n:
        raise ValueError("gelu_tanh_bwd_kernel: x, t and g must have the same size")
    out = np.empty_like(x)
    one = x.dtype.type(1.0)
    half = x.dtype.type(0.5)
    cc = x.dtype.type(c)
    k3 = x.dtype.type(3 * 0.044715)
    for i in range(n):
        xi = x[i]
        ti = t[i]
        dt = (one - ti * ti) * cc * (one + k3 * xi * xi)
        out[i] = g[i] * (half * (one + ti) + half * xi * dt)
    return out
