"""Range coder: arithmetic coding with a finite-precision interval (64-bit state, byte output).

Citation: Yang, Mandt & Theis, *An Introduction to Neural Data Compression* (2023), §2.2
(entropy coding: arithmetic coding narrows an interval by the model's probability of each
symbol; range coding is its finite-precision, byte-oriented form). Specification:
``specs/coding.md`` § "Range coder" (byte format, flush, decoder checks, code-length bound).

| paper | code | meaning |
|---|---|---|
| [low, low + range) | ``low``, ``rng`` | current interval, in units of 2^−S (S = 64 + 8·``shifts``) |
| M = 2^precision | ``precision`` | total count of the integer model |
| c(s), f(s) | ``cdf[s]``, ``cdf[s+1] − cdf[s]`` | cumulative count and frequency of symbol s |
| ⌊range / M⌋ | ``r`` | the integer unit every sub-interval is a multiple of |
| low ← low + r·c(s), range ← r·f(s) | :func:`range_encode_twin` | one coding step |
| x | ``data`` read as the binary fraction 0.b₁b₂b₃… | the code value |

The readable twins (:func:`range_encode_twin`, :func:`range_decode_twin`) keep ``low`` as one
unbounded Python integer, so carries need no special handling and the flush is the literal
definition "shortest byte string whose value lies in the final interval". The public functions
(:func:`range_encode`, :func:`range_decode`, and the ``*_family`` entry points) run the Numba
kernels of :mod:`refimpl.coding._range_kernels`, which keep a 64-bit window of ``low`` and
propagate carries back through the output buffer; a test asserts both give the same bytes.

Code length (proved in the spec, checked by claims and by exact ``Fraction`` arithmetic):
``8·len(range_encode(s)) < I(s) + 8 + n·2^(precision−55) + 2^−62`` bits, where
``I(s) = −Σ log2(f(s_i)/M)`` is the information content under the integer model.
"""

from __future__ import annotations

import numpy as np

from ..errors import DecodeError
from . import _range_kernels as K
from .cdf import as_bytes, as_symbol_array, check_cdf, check_n, check_precision, raise_symbol_range
from .models import check_family_args

__all__ = [
    "range_encode",
    "range_decode",
    "range_encode_family",
    "range_decode_family",
    "range_encode_twin",
    "range_decode_twin",
    "range_flush_twin",
    "range_code_length_bound",
    "RANGE_PRECISION_RANGE",
]

#: Supported ``precision`` (bits of M) for the range coder; outside it: ValueError.
RANGE_PRECISION_RANGE = (1, 24)
STATE_BITS = 64  # the interval window: low and range live in 64 bits
RANGE_INIT = (1 << 64) - 1  # initial range: the interval [0, 2^64 − 1) of the first window
RANGE_MIN = 1 << 56  # renormalise (shift out one byte) while range < 2^56
OVERHEAD_BITS = 8  # flush: code length < −log2(final width) + 8 bits


# --- readable twin ------------------------------------------------------------------------------


def _row(cdf: np.ndarray, i: int) -> np.ndarray:
    """The CDF table of the i-th symbol (shared table or row i)."""
    return cdf if cdf.ndim == 1 else cdf[i]


def range_flush_twin(low: int, rng: int, shifts: int) -> bytes:
    """The canonical flush: the shortest byte string b₁…b_L whose value v = Σ b_j 256^−j lies in
    the final interval [low, low + rng)·2^−S, S = 64 + 8·shifts; among those, the smallest v
    (specs/coding.md § Range coder, "Flush"). A decoder reads missing bytes as zeros."""
    S = STATE_BITS + 8 * shifts
    for L in range(shifts + 9):
        step = 1 << (S - 8 * L)  # grid spacing 2^−8L in units of 2^−S
        v = -(-low // step)  # smallest multiple of the grid at or above low
        if v * step < low + rng:
            return v.to_bytes(L, "big")
    raise AssertionError("unreachable: the grid of step 1 (L = shifts + 8) always hits the interval")


def range_encode_twin(symbols, cdf, precision: int) -> bytes:
    """Readable range encoder (Python integers), equal byte for byte to :func:`range_encode`.

    Per symbol s (the paper's interval refinement with integer rounding):
    r = ⌊range / M⌋; low ← low + r·c(s); range ← r·f(s); then while range < 2^56 shift one byte
    (low ← 256·low, range ← 256·range, S ← S + 8). ``low`` never loses a bit, so carries are
    implicit. Finally :func:`range_flush_twin`.
    """
    s, c, precision = _prepare(symbols, cdf, precision)
    low, rng, shifts = 0, RANGE_INIT, 0
    for i, sym in enumerate(s.tolist()):
        row = _row(c, i)
        c_lo, c_hi = int(row[sym]), int(row[sym + 1])
        r = rng >> precision
        low, rng = low + r * c_lo, r * (c_hi - c_lo)
        while rng < RANGE_MIN:
            low, rng, shifts = low << 8, rng << 8, shifts + 1
    return range_flush_twin(low, rng, shifts)


def range_decode_twin(data: bytes, cdf, precision: int, n: int) -> np.ndarray:
    """Readable range decoder (Python integers), equal to :func:`range_decode` (also in which
    malformed inputs it rejects).

    ``code`` = x − low inside the 64-bit window; per symbol: r = ⌊range/M⌋, t = ⌊code/r⌋
    (t ≥ M ⇒ DecodeError: x lies in the unused top of the interval), s = the symbol with
    c(s) ≤ t < c(s+1); code ← code − r·c(s); range ← r·f(s); renormalise reading one byte
    (zero past the end). At the end the decoder rebuilds the encoder's final interval and
    accepts ``data`` only if it is exactly the canonical flush of it.
    """
    precision = check_precision(precision, *RANGE_PRECISION_RANGE)
    n = check_n(n)
    data = as_bytes(data)
    c = check_cdf(cdf, precision, n)
    M = 1 << precision
    byte = lambda j: data[j] if j < len(data) else 0  # noqa: E731  (zeros past the end)
    code = int.from_bytes(bytes(byte(j) for j in range(8)), "big")
    rng, pos = RANGE_INIT, 8
    out = np.empty(n, dtype=np.int64)
    for i in range(n):
        row = _row(c, i)
        r = rng >> precision
        t = code // r
        if t >= M:
            raise DecodeError("range coder: code value outside the coded interval (corrupt stream)")
        s = int(np.searchsorted(row, t, side="right")) - 1  # c(s) ≤ t < c(s+1)
        code, rng = code - r * int(row[s]), r * int(row[s + 1] - row[s])
        while rng < RANGE_MIN:
            code, rng, pos = (code << 8) | byte(pos), rng << 8, pos + 1
        out[i] = s
    shifts = pos - 8
    if len(data) > shifts + 8:
        raise DecodeError("range coder: trailing bytes after the stream")
    x = int.from_bytes(data + bytes(shifts + 8 - len(data)), "big")  # data at scale S
    if range_flush_twin(x - code, rng, shifts) != data:
        raise DecodeError("range coder: data is not the canonical encoding of any message (corrupt stream)")
    return out


# --- argument checks ----------------------------------------------------------------------------


def _prepare(symbols, cdf, precision, check_range=True):
    """Validated (symbols, cdf, precision). With ``check_range=False`` the symbols' range is left
    to the kernel (which returns −2 for a symbol outside [0, A); see :func:`range_encode`)."""
    precision = check_precision(precision, *RANGE_PRECISION_RANGE)
    symbols = np.asarray(symbols)
    n = symbols.shape[0] if symbols.ndim == 1 else None
    c = check_cdf(cdf, precision, n)
    s = as_symbol_array(symbols)
    if check_range:
        raise_symbol_range(symbols, c.shape[-1] - 1)  # on the caller's values, before the int64 cast
    if c.ndim == 2 and c.shape[0] != s.size:
        raise ValueError(f"cdf has {c.shape[0]} rows but there are {s.size} symbols")
    return s, c, precision


def _out_buffer(n: int, precision: int) -> np.ndarray:
    # each symbol shifts out at most ceil(precision/8) bytes (range ≥ 2^(56−precision) after a step)
    # and the flush at most 8: n·ceil(p/8) + 8 suffice; + 9 keeps one spare byte (specs/coding.md)
    return np.empty(n * ((precision + 7) // 8) + 9, dtype=np.uint8)


def _raise_status(status: int) -> None:
    if status == K.ERR_OUTSIDE:
        raise DecodeError("range coder: code value outside the coded interval (corrupt stream)")
    if status == K.ERR_TRAILING:
        raise DecodeError("range coder: trailing bytes after the stream")
    if status == K.ERR_NONCANONICAL:
        raise DecodeError("range coder: data is not the canonical encoding of any message (corrupt stream)")
    if status != 0:
        raise AssertionError(f"range coder kernel failed with status {status}")  # a bug, not bad input


# --- public API (Numba kernels) -----------------------------------------------------------------


def range_encode(symbols, cdf, precision: int) -> bytes:
    """Range-encode symbol indices ``symbols`` (1-D, in [0, A)) with integer CDF ``cdf``: one
    shared table ``(A+1,)`` or one per symbol ``(n, A+1)``, total 2**precision, precision in
    [1, 24]. Returns the canonical byte string (specs/coding.md § Range coder)."""
    s, c, precision = _prepare(symbols, cdf, precision, check_range=False)
    out = _out_buffer(s.size, precision)
    if c.ndim == 1:
        length = K.encode_shared(s, c, precision, out)
    else:
        length = K.encode_rows(s, c, precision, out)
    if length == -2:  # a symbol outside [0, A), found by the kernel: check_symbols' ValueError
        raise_symbol_range(np.asarray(symbols), c.shape[-1] - 1)  # the caller's values, uncast
    if length < 0:
        raise AssertionError(f"range coder kernel failed with status {length}")
    return out[:length].tobytes()


def range_decode(data, cdf, precision: int, n: int) -> np.ndarray:
    """Decode ``n`` symbol indices (int64) from ``data`` made by :func:`range_encode` with the
    same ``cdf`` and ``precision``. Malformed data raises :class:`refimpl.errors.DecodeError`
    (or, if it happens to be the canonical code of another message, returns that message)."""
    precision = check_precision(precision, *RANGE_PRECISION_RANGE)
    n = check_n(n)
    buf = np.frombuffer(as_bytes(data), dtype=np.uint8)
    c = check_cdf(cdf, precision, n)
    out = np.empty(n, dtype=np.int64)
    if c.ndim == 1:
        lut, shift = _slot_table(c, precision, n)
        status = K.decode_shared(buf, c, precision, out, lut, shift)
    else:
        status = K.decode_rows(buf, c, precision, out)
    _raise_status(status)
    return out


def _slot_table(c: np.ndarray, precision: int, n: int) -> tuple[np.ndarray, int]:
    """slot → symbol table over the top min(precision, 16) bits of the target, built only when
    there are enough symbols to repay it (else the decoder binary-searches the CDF)."""
    q = min(precision, 16)
    if n < (1 << q) // 8:
        return np.zeros(0, dtype=np.int32), -1
    return K.build_slot_table(c, precision, q), precision - q


def range_encode_family(symbols, kind, loc, scale, low: int, high: int, precision: int) -> bytes:
    """Range-encode integer values ``symbols[i]`` in [low, high] under the quantized family
    ``kind`` (0/"gaussian", 1/"laplace", 2/"logistic") with parameters ``loc[i]``, ``scale[i]``
    (scale may be a scalar); the integer CDF is ``_family_kernels.family_cdf_at``, computed per
    symbol without a table (specs/coding.md § Parametric families)."""
    k, mu, sg, low, high, precision = check_family_args(kind, loc, scale, low, high, precision)
    if precision > RANGE_PRECISION_RANGE[1]:
        raise ValueError(f"precision must be in {list(RANGE_PRECISION_RANGE)}, got {precision}")
    x = np.asarray(symbols)
    if x.ndim != 1 or x.shape[0] != mu.shape[0]:
        raise ValueError(f"symbols must be a 1-D array of loc's length {mu.shape[0]}, got shape {x.shape}")
    if x.size and (x.dtype == object or not np.issubdtype(x.dtype, np.integer)):
        raise ValueError(f"symbols must be integers, got dtype {x.dtype}")
    v = np.ascontiguousarray(x, dtype=np.int64)  # no copy if already int64; range checked in the kernel
    out = _out_buffer(v.size, precision)
    length = K.encode_family(v, k, mu, sg, low, high, precision, out)
    if length == -2:  # the kernel found a value outside [low, high]: the message quotes the caller's values
        raise ValueError(f"symbols must be in [low, high] = [{low}, {high}], got values in [{x.min()}, {x.max()}]")
    if length < 0:
        raise AssertionError(f"range coder kernel failed with status {length}")
    return out[:length].tobytes()


def range_decode_family(data, kind, loc, scale, low: int, high: int, precision: int) -> np.ndarray:
    """Decode ``len(loc)`` integer values in [low, high] (int64) encoded by
    :func:`range_encode_family` with the same parameters."""
    k, mu, sg, low, high, precision = check_family_args(kind, loc, scale, low, high, precision)
    if precision > RANGE_PRECISION_RANGE[1]:
        raise ValueError(f"precision must be in {list(RANGE_PRECISION_RANGE)}, got {precision}")
    buf = np.frombuffer(as_bytes(data), dtype=np.uint8)
    out = np.empty(mu.shape[0], dtype=np.int64)
    _raise_status(K.decode_family(buf, k, mu, sg, low, high, precision, out))
    return out + low


def range_code_length_bound(information_bits: float, n: int, precision: int) -> float:
    """The stated bound on ``8·len(range_encode(...))`` in bits (specs/coding.md § Range coder):
    I + 8 + n·2^(precision − 55) + 2^−62, from log2(1 + x) ≤ 2x for the per-symbol rounding
    loss log2(1 + 2^(precision − 56)) and the initial range 2^64 − 1."""
    return float(information_bits) + OVERHEAD_BITS + n * 2.0 ** (precision - 55) + 2.0 ** -62
