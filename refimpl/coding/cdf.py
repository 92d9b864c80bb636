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

from . import _cdf_kernels as _CK

__all__ = ["check_precision", "check_cdf", "check_cdf_np", "check_symbols", "as_symbol_array", "raise_symbol_range",
           "check_n", "as_bytes", "MAX_SYMBOLS"]

#: Largest number of symbols a decoder accepts (``n``): 2**32. A stream of k bytes does not bound
#: the number of symbols in general (a one-symbol alphabet costs 0 bits per symbol), so the cap is
#: explicit; the decoders allocate 8·n bytes of output, which may still fail below it.
MAX_SYMBOLS = 1 << 32


def check_precision(precision, low: int, high: int) -> int:
    """``precision`` as an int in [low, high], else ValueError naming the range."""
    if isinstance(precision, (bool, np.bool_)) or not isinstance(precision, (int, np.integer)):
        raise ValueError(f"precision must be an integer in [{low}, {high}], got {precision!r}")
    if not low <= int(precision) <= high:
        raise ValueError(f"precision must be in [{low}, {high}], got {precision}")
    return int(precision)


def _check_cdf_shape(cdf, n):
    """Dtype and shape checks shared by both routes; returns the table as a C-contiguous int64 array."""
    c = np.asarray(cdf)
    if c.dtype == object or not np.issubdtype(c.dtype, np.integer):
        raise ValueError(f"cdf must be an integer array, got dtype {c.dtype}")
    if c.ndim not in (1, 2) or c.shape[-1] < 2:
        raise ValueError(f"cdf must have shape (A+1,) or (n, A+1) with A >= 1, got {c.shape}")
    if c.ndim == 2 and n is not None and c.shape[0] != n:
        raise ValueError(f"cdf has {c.shape[0]} rows but there are {n} symbols")
    return np.ascontiguousarray(c, dtype=np.int64)


_ENDS_MSG = "every cdf row must start at 0 and end at 2**precision = {total}"
_INCREASING_MSG = "cdf must increase strictly: every symbol needs a frequency >= 1"


def check_cdf_np(cdf, precision: int, n: int | None = None) -> np.ndarray:
    """Readable NumPy twin of :func:`check_cdf` (same checks, same order, same messages)."""
    c = _check_cdf_shape(cdf, n)
    total = 1 << precision
    if c.size and (np.any(c[..., 0] != 0) or np.any(c[..., -1] != total)):
        raise ValueError(_ENDS_MSG.format(total=total))
    if c.size and np.any(np.diff(c, axis=-1) < 1):
        raise ValueError(_INCREASING_MSG)
    return c


def check_cdf(cdf, precision: int, n: int | None = None) -> np.ndarray:
    """Validate an integer CDF table and return it as a C-contiguous int64 array.

    Requirements (ValueError otherwise, naming ``cdf``): integer dtype; shape ``(A+1,)`` or
    ``(n, A+1)`` with A ≥ 1 (and the leading dimension equal to ``n`` when given); every row
    starts at 0, ends at 2**precision and increases strictly (every frequency ≥ 1).
    The value checks run in one Numba pass (``_cdf_kernels.cdf_status``); readable twin
    :func:`check_cdf_np` (a test shows both accept and reject the same tables with the same message).
    """
    c = _check_cdf_shape(cdf, n)
    total = 1 << precision
    if c.size:
        st = _CK.cdf_status(c.reshape(-1, c.shape[-1]), np.int64(total))
        if st == _CK.CDF_BAD_ENDS:
            raise ValueError(_ENDS_MSG.format(total=total))
        if st == _CK.CDF_NOT_INCREASING:
            raise ValueError(_INCREASING_MSG)
    return c


def as_symbol_array(symbols) -> np.ndarray:
    """The dtype and shape half of :func:`check_symbols`: a 1-D integer array (any values),
    returned as C-contiguous int64 (no copy if it already is). Kernels that check the range
    themselves take this and report a bad symbol through :func:`raise_symbol_range`."""
    s = np.asarray(symbols)
    if s.ndim != 1:
        raise ValueError(f"symbols must be a 1-D array, got shape {s.shape}")
    if s.size == 0:
        return np.zeros(0, dtype=np.int64)
    if s.dtype == object or not np.issubdtype(s.dtype, np.integer):
        raise ValueError(f"symbols must be integers, got dtype {s.dtype}")
    return np.ascontiguousarray(s, dtype=np.int64)


def raise_symbol_range(s: np.ndarray, alphabet_size: int) -> None:
    """ValueError of :func:`check_symbols` for symbols outside [0, alphabet_size) (if any)."""
    if s.size and (s.min() < 0 or s.max() >= alphabet_size):
        raise ValueError(f"symbols must be in [0, {alphabet_size}), got values in [{s.min()}, {s.max()}]")


def check_symbols(symbols, alphabet_size: int) -> np.ndarray:
    """Validate symbols: a 1-D integer array with values in [0, alphabet_size)."""
    s0 = np.asarray(symbols)
    s = as_symbol_array(s0)
    raise_symbol_range(s0, alphabet_size)  # on the caller's values, before the int64 cast
    return s


def check_n(n, name: str = "n", high: int = MAX_SYMBOLS) -> int:
    """``n`` as an int in [0, high] (default cap :data:`MAX_SYMBOLS` = 2**32), else ValueError
    naming ``name``. Shared by every decoder (range coder, rANS, bits-back)."""
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or int(n) < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {n!r}")
    if int(n) > high:
        raise ValueError(f"{name} must be <= {high} (2**{high.bit_length() - 1}), got {int(n)}")
    return int(n)


def as_bytes(data, name: str = "data") -> bytes:
    """A byte string from ``bytes``, ``bytearray``, ``memoryview`` or a 1-D ``uint8`` ndarray;
    anything else is a ValueError naming ``name``. Shared by every decoder (same accepted types)."""
    if isinstance(data, np.ndarray):
        if data.dtype == np.uint8 and data.ndim == 1:
            return data.tobytes()
        raise ValueError(f"{name} must be bytes or a 1-D uint8 array, got array of dtype {data.dtype} "
                         f"and shape {data.shape}")
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise ValueError(f"{name} must be bytes, got {type(data).__name__}")
