"""Portable shared randomness: every variate is a function of (seed, stream, index).

Specification: ``specs/random.md``. Generator: Philox4x64-10 (Salmon, Moraes, Dror & Shaw,
"Parallel random numbers: as easy as 1, 2, 3", SC 2011; the Random123 library), the generator
behind ``numpy.random.Philox``. Encoder and decoder share randomness by sharing ``seed``.

| symbol | name | meaning |
|---|---|---|
| key (k0, k1) | ``seed`` | ``seed`` in [0, 2^128) split little-endian into two 64-bit words |
| counter (c0, c1, c2, c3) | ``(index, block, stream, 0)`` | one 4-word block per counter |
| u | ``uniform`` | (x >> 11)·2^-53 ∈ [0, 1); open variant ((x >> 12) + ½)·2^-52 ∈ (0, 1) |
| E | ``exponential`` | −log1p(−u) |
| Z | ``normal`` | Φ^-1(u_open) (inverse normal CDF) |

Word j of element ``index`` on ``stream`` is word j mod 4 of the block with counter
(index, j div 4, stream, 0). Any element can be drawn without drawing the ones before it.

Streams used across refimpl (``specs/random.md`` keeps the table): 0 candidates, 1 selection
noise (exponentials), 2 accept/reject uniforms, 3 dither.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from . import _philox

__all__ = [
    "STREAM_CANDIDATES",
    "STREAM_NOISE",
    "STREAM_UNIFORMS",
    "STREAM_DITHER",
    "philox4x64_10",
    "words",
    "uniform",
    "exponential",
    "normal",
    "categorical",
]

STREAM_CANDIDATES = 0
STREAM_NOISE = 1
STREAM_UNIFORMS = 2
STREAM_DITHER = 3

_M0, _M1 = 0xD2E7470EE14C6C93, 0xCA5A826395121157
_W0, _W1 = 0x9E3779B97F4A7C15, 0xBB67AE8584CAA73B
_MASK64 = (1 << 64) - 1


def philox4x64_10(counter: tuple[int, int, int, int], key: tuple[int, int]) -> tuple[int, int, int, int]:
    """One Philox4x64-10 block (readable twin of the Numba kernel).

    Implements: Salmon et al. (2011), Philox-4×64 with R = 10 rounds. A round multiplies words
    0 and 2 by M0 and M1 into 128-bit products (hi, lo) and outputs
    (hi1 ⊕ x1 ⊕ k0, lo1, hi0 ⊕ x3 ⊕ k1, lo0); the key is bumped by the Weyl constants (W0, W1)
    before rounds 2…10.
    """
    x0, x1, x2, x3 = (int(c) & _MASK64 for c in counter)
    k0, k1 = (int(k) & _MASK64 for k in key)
    for r in range(10):
        if r > 0:
            k0, k1 = (k0 + _W0) & _MASK64, (k1 + _W1) & _MASK64
        p0, p1 = _M0 * x0, _M1 * x2
        hi0, lo0 = p0 >> 64, p0 & _MASK64
        hi1, lo1 = p1 >> 64, p1 & _MASK64
        x0, x1, x2, x3 = hi1 ^ x1 ^ k0, lo1, hi0 ^ x3 ^ k1, lo0
    return x0, x1, x2, x3


def _key(seed) -> tuple[np.uint64, np.uint64]:
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be an integer in [0, 2**128), got {seed!r}")
    seed = int(seed)
    if not 0 <= seed < 1 << 128:
        raise ValueError(f"seed must be in [0, 2**128), got {seed}")
    return np.uint64(seed & _MASK64), np.uint64(seed >> 64)


def _u64(value, name: str) -> np.uint64:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer in [0, 2**64), got {value!r}")
    if not 0 <= int(value) < 1 << 64:
        raise ValueError(f"{name} must be in [0, 2**64), got {value}")
    return np.uint64(int(value))


def _indices(index) -> tuple[np.ndarray, tuple[int, ...]]:
    idx = np.asarray(index)
    if idx.dtype == object or not (np.issubdtype(idx.dtype, np.integer)):
        raise ValueError(f"index must be integers in [0, 2**64), got dtype {idx.dtype}")
    if np.issubdtype(idx.dtype, np.signedinteger) and idx.size and idx.min() < 0:
        raise ValueError("index must be non-negative")
    return np.ascontiguousarray(idx.reshape(-1), dtype=np.uint64), idx.shape


def words(seed: int, stream: int, index, d: int | None = None) -> np.ndarray:
    """Raw 64-bit words: shape ``index.shape`` (d is None: word 0) or ``index.shape + (d,)``."""
    k0, k1 = _key(seed)
    s = _u64(stream, "stream")
    if d is not None and (isinstance(d, (bool, np.bool_)) or not isinstance(d, (int, np.integer)) or d < 0):
        raise ValueError(f"d must be None or an integer >= 0, got {d!r}")
    width = 1 if d is None else int(d)
    flat, shape = _indices(index)
    out = _philox.philox_words(k0, k1, s, flat, width)
    return out.reshape(shape) if d is None else out.reshape(shape + (width,))


def uniform(seed: int, stream: int, index, d: int | None = None, open: bool = False) -> np.ndarray:
    """Uniforms in [0, 1) from the top 53 bits, (x >> 11)·2^-53; or, with ``open=True``, in
    (0, 1) from the top 52 bits, ((x >> 12) + ½)·2^-52. (With 53 bits the open rule would need
    54 bits of mantissa: the largest word would round up to exactly 1.0.)"""
    x = words(seed, stream, index, d)
    if open:
        return ((x >> np.uint64(12)).astype(np.float64) + 0.5) * 2.0**-52
    return (x >> np.uint64(11)).astype(np.float64) * 2.0**-53


def exponential(seed: int, stream: int, index, d: int | None = None) -> np.ndarray:
    """Exp(1) variates E = −log1p(−u), u ∈ [0, 1) (always finite)."""
    return -np.log1p(-uniform(seed, stream, index, d))


def normal(seed: int, stream: int, index, d: int | None = None) -> np.ndarray:
    """Standard normals Z = Φ^-1(u), u ∈ (0, 1) the open uniform (one word per normal)."""
    return ndtri(uniform(seed, stream, index, d, open=True))


def categorical(seed: int, stream: int, index, pmf) -> np.ndarray:
    """Inverse-CDF categorical draw: the smallest i with cumsum(pmf)[i] > u (u from word 0),
    clipped to the last symbol of positive mass.

    ``pmf`` is one probability vector (summing to 1 within 1e-9, non-negative)."""
    p = np.asarray(pmf, dtype=np.float64)
    if p.ndim != 1 or p.size == 0:
        raise ValueError(f"pmf must be a non-empty 1-D array, got shape {p.shape}")
    if not np.all(np.isfinite(p)) or np.any(p < 0) or abs(p.sum() - 1.0) > 1e-9:
        raise ValueError("pmf must be finite, non-negative and sum to 1 (within 1e-9)")
    u = uniform(seed, stream, index)
    c = np.cumsum(p)
    last = int(np.flatnonzero(p > 0)[-1])  # u beyond a sum slightly below 1 maps to the last positive mass
    return np.minimum(np.searchsorted(c, u, side="right"), last).astype(np.int64)
