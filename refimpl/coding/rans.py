"""rANS: range asymmetric numeral systems, a stack (last in, first out) entropy coder.

Citation: Duda, *Asymmetric numeral systems* (2009/2013); Giesen, *Interleaved entropy coders*
(2014, the rANS64/32 renormalisation used here); taught in Yang, Mandt & Theis,
*An Introduction to Neural Data Compression* (2023), §2.2 (ANS), and Townsend et al. (2019)
for the stack view used by bits-back coding. Specification: ``specs/coding.md`` § rANS.

| paper | code | meaning |
|---|---|---|
| x | ``x`` | coder state, an integer in [L, 2^63) between symbols |
| M = 2^n | ``1 << precision`` | total count of the model |
| f_s, c_s | ``cdf[s+1] − cdf[s]``, ``cdf[s]`` | frequency and cumulative count of s |
| C(s, x) | :func:`rans_push` | ⌊x / f_s⌋·M + (x mod f_s) + c_s (encode one symbol) |
| D(x) | :func:`rans_pop` | s with c_s ≤ x mod M < c_{s+1}; x ← f_s·⌊x/M⌋ + (x mod M) − c_s |
| L = 2^31, b = 2^32 | ``RANS_L``, 32-bit words | renormalisation interval [L, bL) and word size |

The functions ``*_py`` are the readable twin (Python ints, one symbol at a time); the public
functions run the Numba kernels of :mod:`refimpl.coding._rans_kernels`, equal byte for byte.
"""

from __future__ import annotations

import bisect

import numpy as np

from ..errors import DecodeError
from . import _rans_kernels as K
from .cdf import as_bytes, as_symbol_array, check_cdf, check_n, check_precision, check_symbols, raise_symbol_range
from .models import PRECISION_RANGE, check_family_args, family_cdf_at_py

__all__ = [
    "RANS_L",
    "RANS_LUT_MAX_PRECISION",
    "rans_encode",
    "rans_decode",
    "rans_encode_family",
    "rans_decode_family",
    "rans_encode_py",
    "rans_decode_py",
    "rans_encode_family_py",
    "rans_decode_family_py",
    "rans_push",
    "rans_pop",
    "rans_flush",
]

RANS_L = 1 << 31
#: Shared tables are decoded through a slot → symbol table up to this precision (2^16 entries).
RANS_LUT_MAX_PRECISION = 16
_MASK32 = (1 << 32) - 1

_STATUS = {
    K.TRUNCATED: "stream is truncated: the decoder needs more 32-bit words than it holds",
    K.BAD_STATE: "initial state out of range [2**31, 2**63): not a rANS stream",
    K.BAD_FINAL: "final state differs from 2**31: stream is corrupt or was made by another model",
    K.TRAILING: "unread words after the last symbol: stream is corrupt or longer than encoded",
}


# --- readable twin ---------------------------------------------------------------------------


def rans_push(x: int, words: list[int], c: int, f: int, precision: int) -> int:
    """Encode one symbol (c, f) onto state x: renormalise (emit the low word to ``words`` if
    x ≥ f·2^(63−n)), then x ← C(s, x) = ⌊x/f⌋·M + (x mod f) + c. Returns the new state."""
    if x >= f << (63 - precision):
        words.append(x & _MASK32)
        x >>= 32
    return ((x // f) << precision) + (x % f) + c


def rans_pop(x: int, words: list[int], cdf_row, precision: int) -> tuple[int, int]:
    """Decode one symbol from state x with the table ``cdf_row``: D(x), then refill a word from
    the end of ``words`` (the top of the stack) while x < L. Returns (symbol, new state).
    Raises DecodeError if a word is needed and ``words`` is empty."""
    M = 1 << precision
    slot = x % M
    s = bisect.bisect_right(cdf_row, slot) - 1  # c_s <= slot < c_{s+1}
    c, f = int(cdf_row[s]), int(cdf_row[s + 1]) - int(cdf_row[s])
    x = f * (x >> precision) + slot - c
    if x < RANS_L:
        if not words:
            raise DecodeError(_STATUS[K.TRUNCATED])
        x = (x << 32) | words.pop()
    return s, x


def rans_flush(x: int, words: list[int]) -> bytes:
    """Byte format: x as two little-endian uint32 (low word first), then the words in reverse
    order of emission (the decoder reads them front to back), each little-endian uint32."""
    out = [x & _MASK32, x >> 32] + words[::-1]
    return b"".join(w.to_bytes(4, "little") for w in out)


def _rows(cdf: np.ndarray):
    """Row i of the model as a list of Python ints (the same row for a shared table)."""
    if cdf.ndim == 1:
        shared = cdf.tolist()
        return lambda i: shared
    return lambda i: cdf[i].tolist()


def rans_encode_py(symbols, cdf, precision: int) -> bytes:
    """Readable twin of :func:`rans_encode`: push symbols in reverse order, then flush."""
    precision = check_precision(precision, *PRECISION_RANGE)
    s = np.asarray(symbols)
    cdf = check_cdf(cdf, precision, s.shape[0] if s.ndim == 1 else None)
    s = check_symbols(s, cdf.shape[-1] - 1)
    row = _rows(cdf)
    x, words = RANS_L, []
    for i in reversed(range(s.size)):
        r = row(i)
        x = rans_push(x, words, r[s[i]], r[s[i] + 1] - r[s[i]], precision)
    return rans_flush(x, words)


def _words_py(data) -> tuple[int, list[int]]:
    b = as_bytes(data)
    if len(b) < 8 or len(b) % 4:
        raise DecodeError(f"a rANS stream is 8 + 4k bytes long, got {len(b)} bytes")
    w = [int.from_bytes(b[i:i + 4], "little") for i in range(0, len(b), 4)]
    x = w[0] | (w[1] << 32)
    if not RANS_L <= x < 1 << 63:
        raise DecodeError(_STATUS[K.BAD_STATE])
    return x, w[2:][::-1]  # stack: top of stack (next word to read) at the end


def rans_decode_py(data, cdf, precision: int, n: int) -> np.ndarray:
    """Readable twin of :func:`rans_decode`: pop n symbols, then check x = L and no words left."""
    precision = check_precision(precision, *PRECISION_RANGE)
    n = check_n(n)
    cdf = check_cdf(cdf, precision, n)
    x, words = _words_py(data)
    row = _rows(cdf)
    out = np.zeros(n, dtype=np.int64)
    for i in range(n):
        out[i], x = rans_pop(x, words, row(i), precision)
    if x != RANS_L:
        raise DecodeError(_STATUS[K.BAD_FINAL])
    if words:
        raise DecodeError(_STATUS[K.TRAILING])
    return out


def rans_encode_family_py(symbols, kind, loc, scale, low, high, precision) -> bytes:
    """Readable twin of :func:`rans_encode_family` (cumulative counts by ``family_cdf_at_py``)."""
    k, mu, sg, low, high, precision = check_family_args(kind, loc, scale, low, high, precision)
    idx = _family_indices(symbols, mu.size, low, high)
    x, words = RANS_L, []
    for i in reversed(range(idx.size)):
        c = family_cdf_at_py(k, mu[i], sg[i], low, high, precision, int(idx[i]))
        f = family_cdf_at_py(k, mu[i], sg[i], low, high, precision, int(idx[i]) + 1) - c
        x = rans_push(x, words, c, f, precision)
    return rans_flush(x, words)


class _FamilyRow:
    """Row i of a family model as a lazy sequence: row[k] = family_cdf_at_py(…, k) (for bisect)."""

    def __init__(self, k, mu, sg, low, high, precision):
        self.args = (k, float(mu), float(sg), low, high, precision)
        self.n = high - low + 2

    def __len__(self):
        return self.n

    def __getitem__(self, j):
        return family_cdf_at_py(*self.args, j)


def rans_decode_family_py(data, kind, loc, scale, low, high, precision) -> np.ndarray:
    """Readable twin of :func:`rans_decode_family`: pop with the family's cumulative counts
    (found by bisection over ``family_cdf_at_py``), then the same end checks as rans_decode_py."""
    k, mu, sg, low, high, precision = check_family_args(kind, loc, scale, low, high, precision)
    x, words = _words_py(data)
    out = np.zeros(mu.size, dtype=np.int64)
    for i in range(mu.size):
        out[i], x = rans_pop(x, words, _FamilyRow(k, mu[i], sg[i], low, high, precision), precision)
    if x != RANS_L:
        raise DecodeError(_STATUS[K.BAD_FINAL])
    if words:
        raise DecodeError(_STATUS[K.TRAILING])
    return out + low


# --- fast path (Numba kernels) ---------------------------------------------------------------


def _to_bytes(buf: np.ndarray, start: int) -> bytes:
    return buf[start:].astype("<u4", copy=False).tobytes()


def _words(data) -> np.ndarray:
    b = as_bytes(data)
    if len(b) < 8 or len(b) % 4:
        raise DecodeError(f"a rANS stream is 8 + 4k bytes long, got {len(b)} bytes")
    return np.frombuffer(b, dtype="<u4").astype(np.uint32)


def _raise(status: int) -> None:
    if status != K.OK:
        raise DecodeError(_STATUS[int(status)])


def rans_encode(symbols, cdf, precision: int) -> bytes:
    """Encode symbol indices with one shared integer CDF ``(A+1,)`` or one per symbol ``(n, A+1)``.

    Returns the byte string of specs/coding.md § rANS (8 + 4k bytes; 8 for an empty message).
    ``precision`` in [1, 24]; ValueError for a bad table, precision or symbol."""
    precision = check_precision(precision, *PRECISION_RANGE)
    s0 = np.asarray(symbols)
    cdf = check_cdf(cdf, precision, s0.shape[0] if s0.ndim == 1 else None)
    s = as_symbol_array(s0)  # dtype and shape; the kernels check the range in their own pass
    if cdf.ndim == 1:
        buf, start = K.encode_shared(s, cdf, precision)
    else:
        if cdf.shape[0] != s.size:
            raise ValueError(f"cdf has {cdf.shape[0]} rows but there are {s.size} symbols")
        buf, start = K.encode_rows(s, cdf, precision)
    if start < 0:  # a symbol outside [0, A): the same ValueError as check_symbols
        raise_symbol_range(s0, cdf.shape[-1] - 1)  # the caller's values (before any int64 cast)
        raise AssertionError("rANS kernel reported a bad symbol that is in range")  # a bug
    return _to_bytes(buf, start)


def rans_decode(data, cdf, precision: int, n: int) -> np.ndarray:
    """Decode n symbol indices (int64) from ``data``; inverse of :func:`rans_encode`.

    Raises DecodeError when the stream is too short, its state is out of range, the final state
    is not L or words are left over (so truncated or foreign streams are almost always caught)."""
    precision = check_precision(precision, *PRECISION_RANGE)
    n = check_n(n)
    cdf = check_cdf(cdf, precision, n)
    if cdf.ndim == 2 and cdf.shape[0] != n:
        raise ValueError(f"cdf has {cdf.shape[0]} rows but n = {n}")
    words = _words(data)
    if cdf.ndim == 1 and precision <= RANS_LUT_MAX_PRECISION:
        out, st = K.decode_shared_lut(words, cdf, K.slot_table(cdf), precision, n)
    elif cdf.ndim == 1:
        out, st = K.decode_shared_search(words, cdf, precision, n)
    else:
        out, st = K.decode_rows(words, cdf, precision, n)
    _raise(st)
    return out


def _family_values(symbols, n: int) -> np.ndarray:
    """Shape and dtype checks of the family encoders; the values as C-contiguous int64 (no copy
    if they already are). The range [low, high] is checked by the kernel (or _family_indices)."""
    v = np.asarray(symbols)
    if v.ndim != 1 or v.shape[0] != n:
        raise ValueError(f"symbols must be a 1-D array of len(loc) = {n} values, got shape {v.shape}")
    if v.size and (v.dtype == object or not np.issubdtype(v.dtype, np.integer)):
        raise ValueError(f"symbols must be integers, got dtype {v.dtype}")
    return np.ascontiguousarray(v, dtype=np.int64)


def _raise_family_range(v: np.ndarray, low: int, high: int) -> None:
    if v.size and (v.min() < low or v.max() > high):
        raise ValueError(f"symbols must be in [low, high] = [{low}, {high}], got values in [{v.min()}, {v.max()}]")


def _family_indices(symbols, n: int, low: int, high: int) -> np.ndarray:
    """Checked symbol indices value − low (readable route, used by the twins)."""
    v = _family_values(symbols, n)
    _raise_family_range(v, low, high)
    return v - low


def rans_encode_family(symbols, kind, loc, scale, low: int, high: int, precision: int) -> bytes:
    """Encode integer values ``symbols[i]`` ∈ [low, high] under the quantized family
    ``kind`` (0/"gaussian", 1/"laplace", 2/"logistic") with (loc[i], scale[i]) per symbol.

    Same byte format as :func:`rans_encode` (its per-symbol table is ``family_cdf``)."""
    k, mu, sg, low, high, precision = check_family_args(kind, loc, scale, low, high, precision)
    v = _family_values(symbols, mu.size)
    buf, start = K.encode_family(v, k, mu, sg, low, high, precision)
    if start < 0:  # a value outside [low, high], found in the kernel's pass: the same ValueError
        _raise_family_range(v, low, high)
        raise AssertionError("rANS family kernel reported a value that is in range")  # a bug
    return _to_bytes(buf, start)


def rans_decode_family(data, kind, loc, scale, low: int, high: int, precision: int) -> np.ndarray:
    """Decode len(loc) integer values in [low, high] (int64); inverse of :func:`rans_encode_family`."""
    k, mu, sg, low, high, precision = check_family_args(kind, loc, scale, low, high, precision)
    words = _words(data)
    out, st = K.decode_family(words, k, mu, sg, low, high, precision)
    _raise(st)
    return out + low
