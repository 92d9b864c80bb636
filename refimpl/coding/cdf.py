"""Integer CDF tables shared by every coder: validation of ``cdf``, ``precision`` and symbols.

Citation: Yang, Mandt & Theis, *An Introduction to Neural Data Compression* (2023), §2
(entropy coding with finite-precision models).

| symbol | name | meaning |
|---|---|---|
| M = 2^precision | ``precision`` | total count of the integer model |
| c(s) | ``cdf[s]`` | cumulative count below symbol s; c(0) = 0, c(A) = M |
| f(s) = c(s+1) − c(s) | frequency | ≥ 1 for every symbol of the alphabet |
| A | ``cdf.shape[-1] − 1`` | alphabet size |

A ``cdf`` is one shared table of shape ``(A+1,)`` or one table per symbol, ``(n, A+1)``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["check_precision", "check_cdf", "check_symbols"]


def check_precision(precision, low: int, high: int) -> int:
    """``precision`` as an int in [low, high], else ValueError naming the range."""
    if isinstance(precision, (bool, np.bool_)) or not isinstance(precision, (int, np.integer)):
        raise ValueError(f"precision must be an integer in [{low}, {high}], got {precision!r}")
    if not low <= int(precision) <= high:
        raise ValueError(f"precision must be in [{low}, {high}], got {precision}")
    return int(precision)


def check_cdf(cdf, precision: int, n: int | None = None) -> np.ndarray:
    """Validate an integer CDF table and return it as a C-contiguous int64 array.

    Requirements (ValueError otherwise, naming ``cdf``): integer dtype; shape ``(A+1,)`` or
    ``(n, A+1)`` with A ≥ 1 (and the leading dimension equal to ``n`` when given); every row
    starts at 0, ends at 2**precision and increases strictly (every frequency ≥ 1).
    """
    c = np.asarray(cdf)
    if c.dtype == object or not np.issubdtype(c.dtype, np.integer):
        raise ValueError(f"cdf must be an integer array, got dtype {c.dtype}")
    if c.ndim not in (1, 2) or c.shape[-1] < 2:
        raise ValueError(f"cdf must have shape (A+1,) or (n, A+1) with A >= 1, got {c.shape}")
    if c.ndim == 2 and n is not None and c.shape[0] != n:
        raise ValueError(f"cdf has {c.shape[0]} rows but there are {n} symbols")
    c = np.ascontiguousarray(c, dtype=np.int64)
    total = 1 << precision
    if c.size and (np.any(c[..., 0] != 0) or np.any(c[..., -1] != total)):
        raise ValueError(f"every cdf row must start at 0 and end at 2**precision = {total}")
    if c.size and np.any(np.diff(c, axis=-1) < 1):
        raise ValueError("cdf must increase strictly: every symbol needs a frequency >= 1")
    return c


def check_symbols(symbols, alphabet_size: int) -> np.ndarray:
    """Validate symbols: a 1-D integer array with values in [0, alphabet_size)."""
    s = np.asarray(symbols)
    if s.ndim != 1:
        raise ValueError(f"symbols must be a 1-D array, got shape {s.shape}")
    if s.size == 0:
        return np.zeros(0, dtype=np.int64)
    if s.dtype == object or not np.issubdtype(s.dtype, np.integer):
        raise ValueError(f"symbols must be integers, got dtype {s.dtype}")
    if s.min() < 0 or s.max() >= alphabet_size:
        raise ValueError(f"symbols must be in [0, {alphabet_size}), got values in [{s.min()}, {s.max()}]")
    return np.ascontiguousarray(s, dtype=np.int64)
