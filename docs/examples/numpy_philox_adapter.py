"""A worked conformance adapter: refimpl's shared randomness re-implemented on NumPy's Philox.

This file is what a third party writes: functions with the names of refimpl's conformance
surface (here the `random` group: words, uniform, exponential, normal, categorical) that call
*their* implementation — NumPy's `numpy.random.Philox` bit generator, not refimpl — and raise
ValueError for input they reject. Run it with

    refimpl conformance --adapter docs/examples/numpy_philox_adapter.py

(from the repository root) or `REFIMPL_ADAPTER=docs/examples/numpy_philox_adapter.py pytest
tests/conformance`. Every `random.v1.json` case passes; every other function is skipped.
"""

import numpy as np
from scipy.special import ndtri

_MASK = (1 << 64) - 1


def _block(k0: int, k1: int, counter: int) -> np.ndarray:
    """Four words of the block with 256-bit ``counter``: NumPy increments before its first block."""
    c = (counter - 1) % (1 << 256)
    ctr = np.array([(c >> (64 * i)) & _MASK for i in range(4)], dtype=np.uint64)
    return np.random.Philox(key=np.array([k0, k1], dtype=np.uint64), counter=ctr).random_raw(4)


def words(seed, stream, index, d=None):
    if not isinstance(seed, int) or not 0 <= seed < 1 << 128:
        raise ValueError("seed must be an int in [0, 2**128)")
    if not isinstance(stream, int) or not 0 <= stream < 1 << 64:
        raise ValueError("stream must be an int in [0, 2**64)")
    idx = np.asarray(index)
    if idx.size and (not np.issubdtype(idx.dtype, np.integer) or idx.min() < 0):
        raise ValueError("index must be non-negative integers")
    if d is not None and (not isinstance(d, (int, np.integer)) or d < 0):
        raise ValueError("d must be None or an integer >= 0")
    width = 1 if d is None else int(d)
    out = np.empty(idx.shape + (width,), dtype=np.uint64)
    for pos, i in np.ndenumerate(idx):
        for b in range((width + 3) // 4):
            blk = _block(seed & _MASK, seed >> 64, int(i) | b << 64 | stream << 128)
            n = min(4, width - 4 * b)
            out[pos + (slice(4 * b, 4 * b + n),)] = blk[:n]
    return out[..., 0] if d is None else out


def uniform(seed, stream, index, d=None, open=False):
    x = words(seed, stream, index, d)
    if open:
        return ((x >> np.uint64(12)).astype(np.float64) + 0.5) * 2.0**-52
    return (x >> np.uint64(11)).astype(np.float64) * 2.0**-53


def exponential(seed, stream, index, d=None):
    return -np.log1p(-uniform(seed, stream, index, d))


def normal(seed, stream, index, d=None):
    return ndtri(uniform(seed, stream, index, d, open=True))


def categorical(seed, stream, index, pmf):
    p = np.asarray(pmf, dtype=np.float64)
    if p.ndim != 1 or np.any(p < 0) or abs(p.sum() - 1) > 1e-9:
        raise ValueError("pmf must be a probability vector")
    u = uniform(seed, stream, index)
    return np.minimum(np.searchsorted(np.cumsum(p), u, side="right"), np.flatnonzero(p > 0)[-1])
