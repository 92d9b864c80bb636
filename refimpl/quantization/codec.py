"""Universal quantization with a real bitstream: K coded given the shared dither U with rANS.

Citation: Agustsson & Theis, *Universally Quantized Neural Compression*, NeurIPS 2020, §3
(encode K = round(y − U) with the pmf P(K = k | U = u) = p_{Y+U}(k + u); the decoder, knowing u,
outputs ŷ = K + U). Entropy coder: rANS of :mod:`refimpl.coding` with one integer CDF row per
element (``quantize_pmf`` then ``rans_encode``/``rans_decode``). Byte format: ``specs/quantization.md``.

| symbol | name | meaning |
|---|---|---|
| y | ``y`` | 1-D array of n values to transmit |
| prior | ``prior`` | {"family", "loc", "scale"}: the prior of Y (loc/scale scalars or length n) |
| u_i | dither | ``uq_dither(n, seed, step)``, or the discretised offsets with ``levels`` |
| K_i | symbols | round((y_i − u_i)/Δ) |
| c_i | centre | round((μ_i − u_i)/Δ) |
| W | support half-width | max_i |K_i − c_i|; symbol index s_i = K_i − c_i + W ∈ [0, 2W] |
| P | ``precision`` | rANS model total 2^P |
| α | ``alpha`` | optional soft rounding: transmit v = Δ s_α(y/Δ), the decoder returns v̂ = ΔK + u |

Support truncation rule: element i is coded over the 2W + 1 symbols c_i − W … c_i + W with
the pmf P(K = k | u_i) renormalised over them (``uq_pmf_table``) and quantized so every symbol has
a count ≥ 1 (``quantize_pmf``). W is the smallest half-width that contains every transmitted
symbol; it is written in the header, so the decoder builds the same tables. Mass outside the
support is dropped (renormalised), which is a valid model because both sides agree on it.

Byte format, method "tables": one byte 0x01, then W as unsigned LEB128 (at most 4 bytes,
W < 2^24), then the rANS stream of the n symbol indices. Method "family": one byte 0x02, then
low = min K as zigzag LEB128 (at most 7 bytes, |low| ≤ 2^40), then high − low as unsigned LEB128
(at most 4 bytes), then the stream of ``rans_encode_family`` coding K_i ∈ [low, high] under
coding's quantized family with location (μ_i − u_i)/Δ and scale b_i/Δ (P(K = k | u) is the
discretised prior shifted by −u: no float tables, the integer CDF is coding's closed rule).
Everything else (prior, seed, n, step, levels, precision, α) is side information shared by
encoder and decoder; the method is read from the first byte.
"""

from __future__ import annotations

from typing import Mapping, NamedTuple

import numpy as np

from ..coding import quantize_pmf, rans_decode, rans_decode_family, rans_encode, rans_encode_family
from ..errors import DecodeError
from .channel import check_prior, uq_pmf_table, uq_support_centre
from .soft_round import soft_round
from .universal import _check_step, _real, universal_quantize_given, uq_dither, uq_dither_levels, uq_level_offsets

__all__ = ["UQPrior", "UQHeader", "uq_encode", "uq_decode", "uq_header", "uq_level_tables", "UQ_FORMAT_VERSION"]

#: First byte of a stream: the coding method (both are version 1 of the format).
UQ_FORMAT_VERSION = 1
_METHOD_BYTE = {"tables": 0x01, "family": 0x02}
_FAMILY_BOUND = 1 << 40
_MAX_W = (1 << 24) - 1
#: Largest table (elements × alphabet) built at once: 2^26 float64 = 512 MiB would be too much,
#: so tables are limited to 2^24 entries (128 MiB).
_MAX_TABLE = 1 << 24
#: Table entries built per chunk (bounds the float temporaries to a few MiB).
_CHUNK = 1 << 20


class UQPrior(NamedTuple):
    """Prior of Y: ``family`` ∈ {"gaussian", "laplace", "logistic"}, ``loc``, ``scale``."""

    family: str
    loc: object
    scale: object


def _prior(prior, n: int):
    if isinstance(prior, UQPrior):
        fam, loc, scale = prior
    elif isinstance(prior, Mapping):
        if set(prior) != {"family", "loc", "scale"}:
            raise ValueError(f"prior must have exactly the keys family, loc, scale; got {sorted(prior)}")
        fam, loc, scale = prior["family"], prior["loc"], prior["scale"]
    else:
        raise ValueError("prior must be a UQPrior or a mapping {family, loc, scale}")
    return check_prior(fam, loc, scale, (n,))


def _check_precision(precision) -> int:
    if isinstance(precision, (bool, np.bool_)) or not isinstance(precision, (int, np.integer)):
        raise ValueError(f"precision must be an integer in [1, 24], got {precision!r}")
    if not 1 <= int(precision) <= 24:
        raise ValueError(f"precision must be in [1, 24], got {precision}")
    return int(precision)


def _check_size(rows: int, size: int, precision: int) -> None:
    if size > (1 << precision):
        raise ValueError(f"support 2W+1 = {size} exceeds 2**precision = {1 << precision}: "
                         "a value lies too far from its prior for this precision")
    if rows * size > _MAX_TABLE:
        raise ValueError(f"table of {rows} x {size} entries exceeds {_MAX_TABLE}: values lie too far from the prior")


def uq_level_tables(levels, family, loc, scale, W, precision: int = 16, step=1.0, alpha=None) -> np.ndarray:
    """The L fixed integer CDF tables of the discretised dither for one shared prior (tfc builds
    one range-coding table per offset level): row l codes k ∈ [c_l − W, c_l + W],
    c_l = round((μ − o_l)/Δ), o_l the l-th offset. Shape (L, 2W + 2), int64.

    Row l equals the per-element row of any element whose dither is o_l (same float operations)."""
    o = uq_level_offsets(levels, step)
    fam, loc, scale = check_prior(family, loc, scale, o.shape)
    if isinstance(W, (bool, np.bool_)) or not isinstance(W, (int, np.integer)) or not 0 <= W <= _MAX_W:
        raise ValueError(f"W must be an integer in [0, 2**24 - 1], got {W!r}")
    precision = _check_precision(precision)
    _check_size(o.size, 2 * int(W) + 1, precision)
    centre = uq_support_centre(o, loc, step)
    return quantize_pmf(uq_pmf_table(o, fam, loc, scale, centre - W, 2 * int(W) + 1, step, alpha), precision)


def _shared_prior(loc: np.ndarray, scale: np.ndarray) -> bool:
    return loc.size > 0 and bool(np.all(loc == loc[0]) and np.all(scale == scale[0]))


def _tables(u, fam, loc, scale, centre, W, step, precision, alpha, levels=None, level_idx=None):
    n = u.size
    size = 2 * W + 1
    _check_size(n, size, precision)  # before any work: bounds what a hostile header can cost
    if alpha is not None and np.ndim(alpha) > 0:  # one α per element (validated as soft_round does)
        alpha = np.broadcast_to(np.asarray(alpha, dtype=np.float64), (n,))
    shared_alpha = alpha is None or np.ndim(alpha) == 0
    if levels is not None and shared_alpha and _shared_prior(loc, scale) and levels < n:
        # fixed tables: one per dither level, gathered per element (identical rows, fewer to build)
        return uq_level_tables(levels, fam, loc[0], scale[0], W, precision, step, alpha)[level_idx]
    # build in chunks of about 2^20 entries: bounded temporaries (the result is n × (2W + 2) ints)
    cdf = np.empty((n, size + 1), dtype=np.int64)
    rows = max(1, _CHUNK // size)
    for a in range(0, n, rows):
        b = min(n, a + rows)
        al = alpha if shared_alpha else alpha[a:b]
        pmf = uq_pmf_table(u[a:b], fam, loc[a:b], scale[a:b], centre[a:b] - W, size, step, al)
        cdf[a:b] = quantize_pmf(pmf, precision)
    return cdf


def _dither(n: int, seed, step: float, levels, index0):
    """(u, level indices or None): the shared dither of n elements (``universal._shared_dither``)."""
    if levels is None:
        return uq_dither((n,), seed, step, index0), None
    idx = uq_dither_levels((n,), seed, levels, index0)
    return uq_level_offsets(levels, step)[idx], idx


def _leb128(w: int) -> bytes:
    out = bytearray()
    while True:
        b = w & 0x7F
        w >>= 7
        out.append(b | (0x80 if w else 0))
        if not w:
            return bytes(out)


def _zigzag(v: int) -> int:
    return 2 * v if v >= 0 else -2 * v - 1


def _read_leb128(data: bytes, pos: int, max_bytes: int, what: str) -> tuple[int, int]:
    """Canonical unsigned LEB128 at ``pos`` (≤ max_bytes): (value, next position)."""
    w, shift = 0, 0
    for j in range(pos, min(len(data), pos + max_bytes)):
        b = data[j]
        w |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            if j > pos and b == 0:
                raise DecodeError(f"non-canonical (overlong) LEB128 {what}")
            return w, j + 1
    raise DecodeError(f"{what} is truncated or longer than {max_bytes} bytes")


class UQHeader(NamedTuple):
    """A parsed header: ``method`` ("tables" or "family"), ``W`` (tables), ``low``/``high``
    (family) and ``start``, the offset of the rANS stream."""

    method: str
    W: int | None
    low: int | None
    high: int | None
    start: int


def uq_header(data) -> UQHeader:
    """Parse the header of a ``uq_encode`` stream. DecodeError if malformed."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ValueError("data must be bytes")
    data = bytes(data)
    if len(data) < 2:
        raise DecodeError("stream too short for a universal-quantization header")
    if data[0] == _METHOD_BYTE["tables"]:
        w, pos = _read_leb128(data, 1, 4, "support width W")
        if w > _MAX_W:
            raise DecodeError(f"support width {w} exceeds 2**24 - 1")
        return UQHeader("tables", w, None, None, pos)
    if data[0] == _METHOD_BYTE["family"]:
        z, pos = _read_leb128(data, 1, 7, "zigzag low")
        low = z // 2 if z % 2 == 0 else -(z + 1) // 2
        span, pos = _read_leb128(data, pos, 4, "span high - low")
        if abs(low) > _FAMILY_BOUND or abs(low + span) > _FAMILY_BOUND or span > _MAX_W:
            raise DecodeError(f"family domain [{low}, {low + span}] out of range")
        return UQHeader("family", None, low, low + span, pos)
    raise DecodeError(f"unknown method byte {data[0]} (expected 1 = tables or 2 = family)")


def _family_params(loc, scale, u, step):
    """Location (μ − u)/Δ and scale b/Δ of the discretised family that is P(K = k | u)."""
    return (loc - u) / step, scale / step


def uq_encode(y, prior, seed: int, step=1.0, precision: int = 16, levels=None, alpha=None,
              index0: int = 0, method: str = "tables") -> bytes:
    """Encode a 1-D array y by universal quantization with shared dither from ``seed``.

    Returns the bytes of the format above. ``levels`` selects the discretised dither (tfc
    convention), ``alpha`` transmits Δ s_α(y/Δ) instead of y (the prior stays the prior of Y).
    ``method``: "tables" (optimal integer tables per element, ``quantize_pmf``) or "family"
    (coding's quantized-family kernels, no tables; not with ``alpha``)."""
    if method not in _METHOD_BYTE:
        raise ValueError(f"method must be 'tables' or 'family', got {method!r}")
    if method == "family" and alpha is not None:
        raise ValueError("method 'family' codes the prior itself: alpha must be None (use method 'tables')")
    y = _real(y, "y")
    if y.ndim != 1:
        raise ValueError(f"y must be a 1-D array, got shape {y.shape}")
    n = y.size
    fam, loc, scale = _prior(prior, n)
    step = _check_step(step)
    precision = _check_precision(precision)
    if alpha is not None:
        y = step * np.asarray(soft_round(y / step, alpha), dtype=np.float64).reshape(n)
    u, level_idx = _dither(n, seed, step, levels, index0)
    k = universal_quantize_given(y, u, step).k
    if method == "family":
        low, high = (int(k.min()), int(k.max())) if n else (0, 0)
        if max(abs(low), abs(high)) > _FAMILY_BOUND or high - low > _MAX_W or high - low + 1 > (1 << precision):
            raise ValueError(f"symbols span [{low}, {high}]: a value lies too far from the prior for this precision")
        fl, fs = _family_params(loc, scale, u, step)
        head = bytes([_METHOD_BYTE["family"]]) + _leb128(_zigzag(low)) + _leb128(high - low)
        return head + rans_encode_family(k, fam, fl, fs, low, high, precision)
    centre = uq_support_centre(u, loc, step)
    d = k - centre
    W = int(np.max(np.abs(d))) if n else 0
    if W > _MAX_W:
        raise ValueError(f"a value lies {W} steps from its prior's location; at most 2**24 - 1 is supported")
    if n == 0:
        return bytes([_METHOD_BYTE["tables"]]) + _leb128(0) + rans_encode(np.zeros(0, np.int64), np.array([0, 1 << precision]), precision)
    cdf = _tables(u, fam, loc, scale, centre, W, step, precision, alpha, levels, level_idx)
    return bytes([_METHOD_BYTE["tables"]]) + _leb128(W) + rans_encode(d + W, cdf, precision)


def uq_decode(data, prior, seed: int, n: int, step=1.0, precision: int = 16, levels=None, alpha=None,
              index0: int = 0) -> np.ndarray:
    """Decode n values: ŷ = Δ·K + u (with ``alpha``: v̂ = Δ·K + u, the noisy soft-rounded value;
    apply ``soft_round_conditional_mean`` for the estimate r_α). DecodeError for a malformed stream."""
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"n must be an integer >= 0, got {n!r}")
    n = int(n)
    fam, loc, scale = _prior(prior, n)
    step = _check_step(step)
    precision = _check_precision(precision)
    head = uq_header(data)
    u, level_idx = _dither(n, seed, step, levels, index0)
    if head.method == "family":
        if alpha is not None:
            raise ValueError("a 'family' stream has no soft rounding: alpha must be None")
        if n == 0 and (head.low, head.high) != (0, 0):  # the encoder writes low = high = 0 for n = 0
            raise DecodeError(f"stream of 0 elements must declare low = high = 0, got [{head.low}, {head.high}]")
        fl, fs = _family_params(loc, scale, u, step)
        try:
            k = rans_decode_family(bytes(data)[head.start:], fam, fl, fs, head.low, head.high, precision)
        except DecodeError:
            raise
        except ValueError as e:  # a domain no encoder with these parameters could have written
            raise DecodeError(f"stream declares an impossible symbol domain: {e}") from None
        return step * k.astype(np.float64) + u
    W, start = head.W, head.start
    if n == 0:
        if W != 0:  # the encoder writes W = 0 for n = 0; any other W would make the stream malleable
            raise DecodeError(f"stream of 0 elements must declare W = 0, got W = {W}")
        rans_decode(bytes(data)[start:], np.array([0, 1 << precision]), precision, 0)
        return np.zeros(0, dtype=np.float64)
    centre = uq_support_centre(u, loc, step)
    try:
        cdf = _tables(u, fam, loc, scale, centre, W, step, precision, alpha, levels, level_idx)
    except ValueError as e:  # a W no encoder with these parameters could have written
        raise DecodeError(f"stream declares an impossible support width: {e}") from None
    s = rans_decode(bytes(data)[start:], cdf, precision, n)
    k = centre + s - W
    return step * k.astype(np.float64) + u
