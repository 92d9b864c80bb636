"""Numba kernels of the range coder (readable twin: :mod:`refimpl.coding.range_coder`).

Specification: ``specs/coding.md`` § "Range coder". State: ``low`` is the 64-bit window of the
interval's lower end (bits already shifted out live in ``out``), ``rng`` its width, both
``uint64``. A carry out of the window (``low + r·c(s)`` wraps) is propagated back through the
bytes already written: trailing 0xFF bytes become 0x00 and the byte before them is incremented.

Every index is checked before use (Numba does not): encoders return a negative length and
decoders a non-zero status instead of reading or writing outside a buffer; decoders read bytes
past the end of ``data`` as zeros (as the spec says) without touching memory beyond it.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._family_kernels import family_cdf_at, family_find_bracket

ERR_OUTSIDE = 1  # code value in the unused top of the interval (t ≥ M)
ERR_TRAILING = 2  # more bytes than the decoder's window ever reached
ERR_NONCANONICAL = 3  # data is not the canonical flush of the final interval
ERR_INTERNAL = 9  # a bug (bad symbol index, buffer too small): never caused by data

_ZERO = np.uint64(0)
_ONE = np.uint64(1)
_EIGHT = np.uint64(8)
_BYTE = np.uint64(0xFF)
_RANGE_INIT = np.uint64(0xFFFFFFFFFFFFFFFF)
_RANGE_MIN = np.uint64(1 << 56)


# --- encoder ------------------------------------------------------------------------------------


@njit(cache=True)
def _carry(out, pos):
    """Add one to the byte string out[:pos] (a carry out of the window). False if it overflows."""
    j = pos - 1
    while j >= 0 and out[j] == 255:
        out[j] = 0
        j -= 1
    if j < 0:
        return False
    out[j] += np.uint8(1)
    return True


@njit(cache=True)
def _encode_step(low, rng, c_lo, freq, p, out, pos):
    """One symbol: r = rng >> p; low += r·c_lo (with carry); rng = r·freq; renormalise.
    Returns (low, rng, pos), pos = −1 on an internal error."""
    r = rng >> p
    new = low + r * c_lo
    if new < low and not _carry(out, pos):
        return low, rng, -1
    low = new
    rng = r * freq
    while rng < _RANGE_MIN:
        if pos >= out.size:
            return low, rng, -1
        out[pos] = np.uint8(low >> np.uint64(56))
        pos += 1
        low = low << _EIGHT
        rng = rng << _EIGHT
    return low, rng, pos


@njit(cache=True)
def _canonical_offset(low, rng):
    """(t, d): the fewest window bytes t ∈ [0, 8] such that low + d, d = (−low) mod 2^(64−8t),
    lies below low + rng (the smallest point of the byte grid 2^(64−8t) in the interval)."""
    t = 0
    d = _ZERO - low
    while not d < rng:
        t += 1
        mask = (_ONE << np.uint64(64 - 8 * t)) - _ONE
        d = (_ZERO - low) & mask
    return t, d


@njit(cache=True)
def _flush(low, rng, out, pos):
    """Write the canonical flush (spec § Range coder, "Flush"); returns the final length."""
    t, d = _canonical_offset(low, rng)
    v = low + d
    if v < low and not _carry(out, pos):
        return -1
    for j in range(t):
        if pos >= out.size:
            return -1
        out[pos] = np.uint8((v >> np.uint64(56 - 8 * j)) & _BYTE)
        pos += 1
    if t == 0:  # the value is a multiple of 2^−8·shifts: drop its trailing zero bytes
        while pos > 0 and out[pos - 1] == 0:
            pos -= 1
    return pos


@njit(cache=True)
def encode_shared(symbols, cdf, precision, out):
    """Encode with one shared table; returns the byte length written to ``out`` (< 0: bug)."""
    p = np.uint64(precision)
    A = cdf.size - 1
    low, rng, pos = _ZERO, _RANGE_INIT, 0
    for i in range(symbols.size):
        s = symbols[i]
        if s < 0 or s >= A:
            return -2
        c_lo = np.uint64(cdf[s])
        low, rng, pos = _encode_step(low, rng, c_lo, np.uint64(cdf[s + 1]) - c_lo, p, out, pos)
        if pos < 0:
            return -1
    return _flush(low, rng, out, pos)


@njit(cache=True)
def encode_rows(symbols, cdf, precision, out):
    """Encode with one table per symbol (``cdf`` of shape (n, A+1))."""
    p = np.uint64(precision)
    A = cdf.shape[1] - 1
    if cdf.shape[0] != symbols.size:
        return -3
    low, rng, pos = _ZERO, _RANGE_INIT, 0
    for i in range(symbols.size):
        s = symbols[i]
        if s < 0 or s >= A:
            return -2
        c_lo = np.uint64(cdf[i, s])
        low, rng, pos = _encode_step(low, rng, c_lo, np.uint64(cdf[i, s + 1]) - c_lo, p, out, pos)
        if pos < 0:
            return -1
    return _flush(low, rng, out, pos)


@njit(cache=True)
def encode_family(values, kind, loc, scale, low_v, high_v, precision, out):
    """Encode values in [low_v, high_v] (int64; −2 if one is outside) under a quantized family,
    one (loc, scale) each; the symbol index is k = value − low_v."""
    p = np.uint64(precision)
    if loc.size != values.size or scale.size != values.size:
        return -3
    low, rng, pos = _ZERO, _RANGE_INIT, 0
    for i in range(values.size):
        v = values[i]
        if v < low_v or v > high_v:
            return -2
        k = v - low_v
        c0 = family_cdf_at(kind, loc[i], scale[i], low_v, high_v, precision, k)
        c1 = family_cdf_at(kind, loc[i], scale[i], low_v, high_v, precision, k + 1)
        if c1 <= c0:
            return -4
        low, rng, pos = _encode_step(low, rng, np.uint64(c0), np.uint64(c1 - c0), p, out, pos)
        if pos < 0:
            return -1
    return _flush(low, rng, out, pos)


# --- decoder ------------------------------------------------------------------------------------


@njit(cache=True)
def _byte(data, pos):
    """data[pos], or 0 past the end (the spec's zero padding); never reads outside ``data``."""
    if pos < data.size:
        return np.uint64(data[pos])
    return _ZERO


@njit(cache=True)
def _renorm(code, rng, data, pos):
    while rng < _RANGE_MIN:
        code = (code << _EIGHT) | _byte(data, pos)
        rng = rng << _EIGHT
        pos += 1
    return code, rng, pos


@njit(cache=True)
def _init_code(data):
    code = _ZERO
    for j in range(8):
        code = (code << _EIGHT) | _byte(data, j)
    return code


@njit(cache=True)
def _final_check(data, code, rng, pos):
    """Accept ``data`` only if it is the canonical flush of the final interval (0) — else a
    status. The window holds bytes [pos − 8, pos) (shifts = pos − 8)."""
    shifts = pos - 8
    if data.size > pos:
        return ERR_TRAILING
    x = _ZERO
    for j in range(shifts, pos):
        x = (x << _EIGHT) | _byte(data, j)
    t, d = _canonical_offset(x - code, rng)  # x − code = low mod 2^64
    if code != d:
        return ERR_NONCANONICAL
    if t >= 1:
        if data.size != shifts + t:
            return ERR_NONCANONICAL
    elif data.size > shifts or (data.size > 0 and data[data.size - 1] == 0):
        return ERR_NONCANONICAL
    return 0


@njit(cache=True)
def _search(cdf, t, lo, hi):
    """Largest s in [lo, hi] with cdf[s] ≤ t (binary search; cdf[lo] ≤ t is given)."""
    while lo < hi:
        mid = (lo + hi + 1) >> 1
        if cdf[mid] <= t:
            lo = mid
        else:
            hi = mid - 1
    return lo


@njit(cache=True)
def build_slot_table(cdf, precision, q):
    """lut[j] = the symbol whose interval contains slot j·2^(precision−q), j ∈ [0, 2^q];
    lut[2^q] = A − 1. The symbol of a target t lies in [lut[t >> shift], lut[(t >> shift) + 1]]."""
    shift = precision - q
    size = 1 << q
    A = cdf.size - 1
    lut = np.empty(size + 1, dtype=np.int32)
    bump = (np.int64(1) << shift) - 1
    for s in range(A):
        j0 = (cdf[s] + bump) >> shift
        j1 = min((cdf[s + 1] + bump) >> shift, size)
        for j in range(max(j0, 0), j1):
            lut[j] = s
    lut[size] = A - 1
    return lut


@njit(cache=True)
def decode_shared(data, cdf, precision, out, lut, shift):
    """Decode out.size symbols with one shared table; a slot table ``lut`` if shift ≥ 0, else a
    binary search over ``cdf``. Returns 0 or an ERR_* status."""
    p = np.uint64(precision)
    M = np.uint64(1) << p
    A = cdf.size - 1
    if shift >= 0 and lut.size != (1 << (precision - shift)) + 1:
        return ERR_INTERNAL
    code = _init_code(data)
    rng, pos = _RANGE_INIT, 8
    for i in range(out.size):
        r = rng >> p
        tu = code // r
        if tu >= M:
            return ERR_OUTSIDE
        t = np.int64(tu)
        if shift == 0:
            s = np.int64(lut[t])
        elif shift > 0:
            j = t >> shift
            s = _search(cdf, t, np.int64(lut[j]), np.int64(lut[j + 1]))
        else:
            s = _search(cdf, t, np.int64(0), np.int64(A - 1))
        c_lo = np.uint64(cdf[s])
        code = code - r * c_lo
        rng = r * (np.uint64(cdf[s + 1]) - c_lo)
        code, rng, pos = _renorm(code, rng, data, pos)
        out[i] = s
    return _final_check(data, code, rng, pos)


@njit(cache=True)
def decode_rows(data, cdf, precision, out):
    """Decode with one table per symbol (binary search in row i)."""
    p = np.uint64(precision)
    M = np.uint64(1) << p
    A = cdf.shape[1] - 1
    if cdf.shape[0] != out.size:
        return ERR_INTERNAL
    code = _init_code(data)
    rng, pos = _RANGE_INIT, 8
    for i in range(out.size):
        r = rng >> p
        tu = code // r
        if tu >= M:
            return ERR_OUTSIDE
        t = np.int64(tu)
        row = cdf[i]
        s = _search(row, t, np.int64(0), np.int64(A - 1))
        c_lo = np.uint64(row[s])
        code = code - r * c_lo
        rng = r * (np.uint64(row[s + 1]) - c_lo)
        code, rng, pos = _renorm(code, rng, data, pos)
        out[i] = s
    return _final_check(data, code, rng, pos)


@njit(cache=True)
def decode_family(data, kind, loc, scale, low_v, high_v, precision, out):
    """Decode symbol indices k (value − low) under a quantized family: ``family_find_bracket``
    (a search of the integer CDF started at the inverse-CDF guess; same k as a binary search)."""
    p = np.uint64(precision)
    M = np.uint64(1) << p
    if loc.size != out.size or scale.size != out.size:
        return ERR_INTERNAL
    code = _init_code(data)
    rng, pos = _RANGE_INIT, 8
    for i in range(out.size):
        r = rng >> p
        tu = code // r
        if tu >= M:
            return ERR_OUTSIDE
        t = np.int64(tu)
        k, c0, c1 = family_find_bracket(kind, loc[i], scale[i], low_v, high_v, precision, t)
        if not (c0 <= t < c1):
            return ERR_INTERNAL
        code = code - r * np.uint64(c0)
        rng = r * np.uint64(c1 - c0)
        code, rng, pos = _renorm(code, rng, data, pos)
        out[i] = k
    return _final_check(data, code, rng, pos)
