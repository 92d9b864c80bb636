"""Numba kernels of rANS64/32 (readable twin and specification: :mod:`refimpl.coding.rans`,
``specs/coding.md`` § rANS). The state x stays in [L, 2**63) with L = 2**31, and the
renormalisation test x ≥ f·2**(63−p) is written as (x >> (63 − p)) ≥ f so that nothing
overflows even for f = M.

State arithmetic is done in uint64 (unsigned division is markedly faster than Python-semantics
signed floor division); every operand is cast to uint64 explicitly, because Numba turns mixed
uint64/int64 arithmetic into float64.

Encoders fill a uint32 word buffer from its end and return the start index; the layout of
``buf[start:]`` is the byte format (x low word, x high word, then the emitted words in reverse
order of emission). Decoders return a status code: 0 ok, 1 stream exhausted (truncated),
2 initial state out of range, 3 final state ≠ L (corrupt or foreign), 4 unread words left.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

from ._family_kernels import family_cdf_at, family_find_bracket

L = np.uint64(1) << np.uint64(31)
_U32 = np.uint64(32)
_LO = np.uint64(0xFFFFFFFF)
OK, TRUNCATED, BAD_STATE, BAD_FINAL, TRAILING = 0, 1, 2, 3, 4


@njit(cache=True, inline="always")
def _put(x, c, f, p, buf, pos):
    """C(s, x) with renormalisation (x, c, f uint64; p int); returns (x', pos')."""
    c = np.uint64(c)
    f = np.uint64(f)
    if (x >> np.uint64(63 - p)) >= f:
        pos -= 1
        buf[pos] = np.uint32(x & _LO)
        x >>= _U32
    q = x // f
    x = (q << np.uint64(p)) + (x - q * f) + c
    return x, pos


@njit(cache=True, inline="always")
def _flush(x, buf, pos):
    pos -= 2
    buf[pos] = np.uint32(x & _LO)
    buf[pos + 1] = np.uint32(x >> _U32)
    return pos


@intrinsic
def _mulhi(typingctx, a, b):
    """High 64 bits of the 128-bit product a·b (uint64) as one LLVM i128 multiply (one ``mul``
    on x86-64; Numba has no 128-bit integer type). Equal to ⌊a·b / 2**64⌋ by definition."""
    sig = types.uint64(types.uint64, types.uint64)

    def codegen(context, builder, signature, args):
        i128 = ir.IntType(128)
        prod = builder.mul(builder.zext(args[0], i128), builder.zext(args[1], i128))
        return builder.trunc(builder.lshr(prod, ir.Constant(i128, 64)), ir.IntType(64))

    return sig, codegen


@njit(cache=True)
def reciprocals(cdf, p):
    """Per-symbol constants for division-free encoding (Giesen's rans64.h, after Alverson 1991):
    ⌊x/f⌋ = mulhi(x, rcp) >> shift for every x < 2**63, and C(s, x) = x + bias + q·(M − f).
    f = 1 uses rcp = 2**64 − 1, shift 0 (mulhi gives x − 1) and bias = c + M − 1."""
    A = cdf.size - 1
    M = np.uint64(1) << np.uint64(p)
    rcp = np.empty(A, np.uint64)
    shift = np.empty(A, np.uint64)
    bias = np.empty(A, np.uint64)
    cmpl = np.empty(A, np.uint64)
    for s in range(A):
        f = np.uint64(cdf[s + 1] - cdf[s])
        c = np.uint64(cdf[s])
        cmpl[s] = M - f
        if f < np.uint64(2):
            rcp[s] = ~np.uint64(0)
            shift[s] = np.uint64(0)
            bias[s] = c + M - np.uint64(1)
        else:
            k = np.uint64(0)  # k = ceil(log2 f)
            while f > (np.uint64(1) << k):
                k += np.uint64(1)
            # rcp = ceil(2**(k + 63) / f) by a two-step long division (fits in 64 bits)
            x1 = np.uint64(1) << (k + np.uint64(31))
            t1 = x1 // f
            x0 = (f - np.uint64(1)) + ((x1 % f) << _U32)
            rcp[s] = x0 // f + (t1 << _U32)
            shift[s] = k - np.uint64(1)
            bias[s] = c
    return rcp, shift, bias, cmpl


@njit(cache=True)
def encoder_table(cdf, p):
    """Per-symbol rows (threshold, rcp, shift, bias, M − f) packed in one (A, 5) uint64 array, so a
    symbol's constants share a cache line; threshold = f·2**(63−p) (renormalise iff x ≥ it, the
    same test as (x >> (63 − p)) ≥ f for integer x)."""
    rcp, shift, bias, cmpl = reciprocals(cdf, p)
    A = cdf.size - 1
    t = np.empty((A, 5), np.uint64)
    for s in range(A):
        t[s, 0] = np.uint64(cdf[s + 1] - cdf[s]) << np.uint64(63 - p)
        t[s, 1] = rcp[s]
        t[s, 2] = shift[s]
        t[s, 3] = bias[s]
        t[s, 4] = cmpl[s]
    return t


@njit(cache=True)
def encode_shared(sym, cdf, p):
    """Shared table: division-free C(s, x) through per-symbol reciprocals (same bytes as _put).
    Checks every symbol against [0, A) in the same pass: returns start = −1 if one is outside
    (the caller raises ValueError), so the public call makes one pass over the symbols."""
    t = encoder_table(cdf, p)
    A = cdf.size - 1
    n = sym.size
    buf = np.empty(n + 2, dtype=np.uint32)
    pos = n + 2
    x = L
    for i in range(n - 1, -1, -1):
        s = sym[i]
        if s < 0 or s >= A:
            return buf, -1
        if x >= t[s, 0]:
            pos -= 1
            buf[pos] = np.uint32(x & _LO)
            x >>= _U32
        x = x + t[s, 3] + (_mulhi(x, t[s, 1]) >> t[s, 2]) * t[s, 4]
    return buf, _flush(x, buf, pos)


@njit(cache=True)
def encode_rows(sym, cdf, p):
    """One table per symbol (row i for symbol i); start = −1 if a symbol is outside [0, A)."""
    n = sym.size
    buf = np.empty(n + 2, dtype=np.uint32)
    pos = n + 2
    x = L
    A = cdf.shape[1] - 1
    for i in range(n - 1, -1, -1):
        s = sym[i]
        if s < 0 or s >= A:
            return buf, -1
        c = cdf[i, s]
        x, pos = _put(x, c, cdf[i, s + 1] - c, p, buf, pos)
    return buf, _flush(x, buf, pos)


@njit(cache=True)
def encode_family(values, kind, loc, scale, low, high, p):
    """Values in [low, high] (int64) under a quantized family; start = −1 if one is outside."""
    n = values.size
    buf = np.empty(n + 2, dtype=np.uint32)
    pos = n + 2
    x = L
    for i in range(n - 1, -1, -1):
        v = values[i]
        if v < low or v > high:
            return buf, -1
        k = v - low
        c = family_cdf_at(kind, loc[i], scale[i], low, high, p, k)
        f = family_cdf_at(kind, loc[i], scale[i], low, high, p, k + 1) - c
        x, pos = _put(x, c, f, p, buf, pos)
    return buf, _flush(x, buf, pos)


@njit(cache=True, inline="always")
def _start(words):
    if words.size < 2:
        return L, TRUNCATED
    x = np.uint64(words[0]) | (np.uint64(words[1]) << _U32)
    if x < L or words[1] >= np.uint32(0x80000000):  # x must lie in [2**31, 2**63)
        return x, BAD_STATE
    return x, OK


@njit(cache=True, inline="always")
def _refill(x, words, pos):
    """After D: read one word if x < L; returns (x, pos, status)."""
    if x < L:
        if pos >= words.size:
            return x, pos, TRUNCATED
        x = (x << _U32) | np.uint64(words[pos])
        pos += 1
    return x, pos, OK


@njit(cache=True, inline="always")
def _finish(x, words, pos):
    if x != L:
        return BAD_FINAL
    if pos != words.size:
        return TRAILING
    return OK


@njit(cache=True)
def slot_table(cdf):
    """slot → symbol lookup table of size M (decoding of a shared table in O(1))."""
    A = cdf.size - 1
    lut = np.empty(cdf[A], dtype=np.int32)
    for s in range(A):
        for j in range(cdf[s], cdf[s + 1]):
            lut[j] = s
    return lut


@njit(cache=True)
def decode_shared_lut(words, cdf, lut, p, n):
    out = np.zeros(n, dtype=np.int64)
    x, st = _start(words)
    if st != OK:
        return out, st
    mask = (np.uint64(1) << np.uint64(p)) - np.uint64(1)
    pu = np.uint64(p)
    pos = 2
    for i in range(n):
        slot = x & mask
        s = lut[slot]
        c = np.uint64(cdf[s])
        x = (np.uint64(cdf[s + 1]) - c) * (x >> pu) + slot - c
        x, pos, st = _refill(x, words, pos)
        if st != OK:
            return out, st
        out[i] = s
    return out, _finish(x, words, pos)


@njit(cache=True, inline="always")
def _search(row, slot):
    """The s with row[s] ≤ slot < row[s+1] (row strictly increasing, row[0]=0 ≤ slot < row[-1])."""
    lo = 0
    hi = row.size - 1
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if row[mid] <= slot:
            lo = mid
        else:
            hi = mid
    return lo


@njit(cache=True)
def decode_shared_search(words, cdf, p, n):
    out = np.zeros(n, dtype=np.int64)
    x, st = _start(words)
    if st != OK:
        return out, st
    mask = (np.uint64(1) << np.uint64(p)) - np.uint64(1)
    pu = np.uint64(p)
    pos = 2
    for i in range(n):
        slot = x & mask
        s = _search(cdf, np.int64(slot))
        c = np.uint64(cdf[s])
        x = (np.uint64(cdf[s + 1]) - c) * (x >> pu) + slot - c
        x, pos, st = _refill(x, words, pos)
        if st != OK:
            return out, st
        out[i] = s
    return out, _finish(x, words, pos)


@njit(cache=True)
def decode_rows(words, cdf, p, n):
    out = np.zeros(n, dtype=np.int64)
    x, st = _start(words)
    if st != OK:
        return out, st
    mask = (np.uint64(1) << np.uint64(p)) - np.uint64(1)
    pu = np.uint64(p)
    pos = 2
    for i in range(n):
        slot = x & mask
        row = cdf[i]
        s = _search(row, np.int64(slot))
        c = np.uint64(row[s])
        x = (np.uint64(row[s + 1]) - c) * (x >> pu) + slot - c
        x, pos, st = _refill(x, words, pos)
        if st != OK:
            return out, st
        out[i] = s
    return out, _finish(x, words, pos)


@njit(cache=True)
def decode_family(words, kind, loc, scale, low, high, p):
    n = loc.size
    out = np.zeros(n, dtype=np.int64)
    x, st = _start(words)
    if st != OK:
        return out, st
    mask = (np.uint64(1) << np.uint64(p)) - np.uint64(1)
    pu = np.uint64(p)
    pos = 2
    for i in range(n):
        slot = x & mask
        lo, c_lo, c_hi = family_find_bracket(kind, loc[i], scale[i], low, high, p, np.int64(slot))
        x = np.uint64(c_hi - c_lo) * (x >> pu) + slot - np.uint64(c_lo)
        x, pos, st = _refill(x, words, pos)
        if st != OK:
            return out, st
        out[i] = lo
    return out, _finish(x, words, pos)
