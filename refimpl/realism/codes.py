"""Real prefix-free codes for images: the lengths L(x) that replace Kolmogorov complexity K(x).

Citation: Theis, *What makes an image realistic?* (ICML 2024), §4: U(x) = −log2 p(x) − K(x);
replacing K by the length of a real code gives a computable critic (a lower estimate of U up to
a constant, since K ≤ L + c). Byte formats: ``specs/realism.md``.

| symbol | name | meaning |
|---|---|---|
| L(x) | ``bits`` | length in bits of a real bitstream (8 × bytes) |
| m | ``tag`` | model chosen by the two-part code (first byte) |
| q_m | ``family_pmfs`` | alternatives; entropy coded with rANS at ``PRECISION`` bits |
| L_mix(x) | :func:`mixture_bits` | −log2 Σ_m w_m q_m(x), an ideal (Kraft-exact) mixture code |

A *two-part* code writes the model tag, then the data coded with that model by
``refimpl.coding.rans_encode``; the encoder tries every model and keeps the shortest stream.
Every stream decodes (:func:`two_part_decode`), so L is the length of a real code.
"""

from __future__ import annotations

import lzma
import zlib
from typing import NamedTuple

import numpy as np
from scipy.special import logsumexp

from ..coding import quantize_pmf, rans_decode, rans_encode
from ..errors import DecodeError
from .models import DEFAULT_GRID, Grid, family_pmfs

__all__ = ["PRECISION", "Coded", "two_part_encode", "two_part_decode", "batch_encode", "batch_decode",
           "mixture_bits", "generic_bits", "ideal_two_part_bits"]

PRECISION = 16
_BATCH_INDEPENDENT, _BATCH_IDENTICAL = 0, 1


class Coded(NamedTuple):
    """A real bitstream, its length in bits, and the chosen model's name."""

    data: bytes
    bits: int
    chosen: str


class _Family(NamedTuple):
    names: list[str]
    cdfs: np.ndarray  # (M, levels + 1) integer tables
    const_tag: int
    split_tag: int


def _family(grid: Grid) -> _Family:
    if grid.levels > 256:
        raise ValueError(f"the two-part code stores a constant in one byte: grid.levels must be <= 256, got {grid.levels}")
    names, pmfs = family_pmfs(grid)
    return _Family(names, quantize_pmf(pmfs, PRECISION), len(names), len(names) + 1)


def _rows_bits(cdf: np.ndarray, k: np.ndarray) -> float:
    """Ideal length of ``k`` under an integer table: Σ −log2 f(k)/M."""
    f = (cdf[k + 1] - cdf[k]).astype(np.float64)
    return float(np.sum(PRECISION - np.log2(f)))


def _candidates(k: np.ndarray, fam: _Family, split: bool):
    """(header bytes, per-symbol tables, name) for every model the encoder tries."""
    yield from ((bytes([m]), np.broadcast_to(fam.cdfs[m], (k.size, fam.cdfs.shape[1])), fam.names[m])
                for m in range(len(fam.names)))
    if np.all(k == k[0]):
        yield bytes([fam.const_tag, int(k[0])]), None, "constant"
    if split and k.size >= 2:
        h = k.size // 2
        head, tables, names = [fam.split_tag], [], []
        for part in (k[:h], k[h:]):
            if np.all(part == part[0]):
                head += [fam.const_tag, int(part[0])]
                names.append("constant")
            else:
                m = int(np.argmin([_rows_bits(c, part) for c in fam.cdfs]))
                head.append(m)
                tables.append(np.broadcast_to(fam.cdfs[m], (part.size, fam.cdfs.shape[1])))
                names.append(fam.names[m])
        yield bytes(head), (np.concatenate(tables) if tables else None), "split[" + ", ".join(names) + "]"


def _body_symbols(k: np.ndarray, header: bytes, fam: _Family) -> np.ndarray:
    """The symbols the rANS body codes for a given header (constant parts are not in the body)."""
    if header[0] != fam.split_tag:
        return k if header[0] < fam.const_tag else k[:0]
    h = k.size // 2
    parts, pos = [], 1
    for part in (k[:h], k[h:]):
        if header[pos] == fam.const_tag:
            pos += 2
        else:
            parts.append(part)
            pos += 1
    return np.concatenate(parts) if parts else k[:0]


def two_part_encode(symbols, grid: Grid = DEFAULT_GRID, split: bool = False) -> Coded:
    """Shortest real stream over the family (optionally with the "split halves" model).

    Implements: the two-part (MDL) code of the digest §3.5: tag byte, then rANS data."""
    k = np.asarray(symbols, dtype=np.int64).reshape(-1)
    fam = _family(grid)
    best = None
    for header, tables, name in _candidates(k, fam, split):
        body = b"" if tables is None else rans_encode(_body_symbols(k, header, fam), tables, PRECISION)
        data = header + body
        if best is None or len(data) < len(best.data):
            best = Coded(data, 8 * len(data), name)
    return best


def _parse_header(data: bytes, d: int, fam: _Family):
    """(header length, constant fill or None per half, body tables) from the leading bytes."""
    if not data:
        raise DecodeError("empty stream")
    tag = data[0]
    if tag < fam.const_tag:
        return 1, [(0, d, None)], np.broadcast_to(fam.cdfs[tag], (d, fam.cdfs.shape[1]))
    if tag == fam.const_tag:
        if len(data) < 2 or data[1] >= fam.cdfs.shape[1] - 1:
            raise DecodeError("constant model: missing or invalid value byte")
        return 2, [(0, d, int(data[1]))], None
    if tag == fam.split_tag and d >= 2:
        h, pos, spans, tables = d // 2, 1, [], []
        for lo, hi in ((0, h), (h, d)):
            if pos >= len(data):
                raise DecodeError("split model: header truncated")
            if data[pos] == fam.const_tag:
                if pos + 1 >= len(data) or data[pos + 1] >= fam.cdfs.shape[1] - 1:
                    raise DecodeError("split model: invalid constant byte")
                spans.append((lo, hi, int(data[pos + 1])))
                pos += 2
            elif data[pos] < fam.const_tag:
                spans.append((lo, hi, None))
                tables.append(np.broadcast_to(fam.cdfs[data[pos]], (hi - lo, fam.cdfs.shape[1])))
                pos += 1
            else:
                raise DecodeError(f"split model: invalid half tag {data[pos]}")
        return pos, spans, (np.concatenate(tables) if tables else None)
    raise DecodeError(f"unknown model tag {tag}")


def two_part_decode(data: bytes, d: int, grid: Grid = DEFAULT_GRID) -> np.ndarray:
    """Inverse of :func:`two_part_encode` for an image of ``d`` pixels (DecodeError if malformed)."""
    fam = _family(grid)
    pos, spans, tables = _parse_header(bytes(data), d, fam)
    body = rans_decode(data[pos:], tables, PRECISION, tables.shape[0]) if tables is not None else None
    if body is None and len(data) != pos:
        raise DecodeError("trailing bytes after a constant-only code")
    out, used = np.empty(d, dtype=np.int64), 0
    for lo, hi, const in spans:
        if const is None:
            out[lo:hi] = body[used:used + hi - lo]
            used += hi - lo
        else:
            out[lo:hi] = const
    return out


def batch_encode(symbols_batch, grid: Grid = DEFAULT_GRID, split: bool = False) -> Coded:
    """A code for a batch of B images that may declare "all identical" (flag byte 1, then one
    image's two-part code) or code them independently (flag 0, then each image's two-part code
    preceded by its 4-byte big-endian length). The shorter stream is kept."""
    ks = [np.asarray(s, dtype=np.int64).reshape(-1) for s in symbols_batch]
    if not ks:
        raise ValueError("the batch must hold at least one image")
    parts = [two_part_encode(k, grid, split) for k in ks]
    indep = bytes([_BATCH_INDEPENDENT]) + b"".join(len(p.data).to_bytes(4, "big") + p.data for p in parts)
    best = Coded(indep, 8 * len(indep), "independent")
    if all(np.array_equal(k, ks[0]) for k in ks[1:]):
        ident = bytes([_BATCH_IDENTICAL]) + parts[0].data
        if len(ident) < len(indep):
            best = Coded(ident, 8 * len(ident), "identical[" + parts[0].chosen + "]")
    return best


def batch_decode(data: bytes, batch: int, d: int, grid: Grid = DEFAULT_GRID) -> list[np.ndarray]:
    """Inverse of :func:`batch_encode` (DecodeError if malformed)."""
    data = bytes(data)
    if not data or data[0] not in (_BATCH_INDEPENDENT, _BATCH_IDENTICAL):
        raise DecodeError("batch code: missing or invalid flag byte")
    if data[0] == _BATCH_IDENTICAL:
        k = two_part_decode(data[1:], d, grid)
        return [k.copy() for _ in range(batch)]
    out, pos = [], 1
    for _ in range(batch):
        if pos + 4 > len(data):
            raise DecodeError("batch code: truncated length field")
        n = int.from_bytes(data[pos:pos + 4], "big")
        if pos + 4 + n > len(data):
            raise DecodeError("batch code: truncated image code")
        out.append(two_part_decode(data[pos + 4:pos + 4 + n], d, grid))
        pos += 4 + n
    if pos != len(data):
        raise DecodeError("batch code: trailing bytes")
    return out


def ideal_two_part_bits(symbols, grid: Grid = DEFAULT_GRID, split: bool = False) -> float:
    """Ideal length of the two-part code with float models (the digest's construction):
    L(x) = log2 |F| + min_m −log2 q_m(x) over the family F (17 Gaussian scales, uniform,
    constant; the constant model costs log2 levels). With ``split``, one flag bit chooses between
    that code for the whole image and the same code applied to each half separately."""
    k = np.asarray(symbols, dtype=np.int64).reshape(-1)
    names, pmfs = family_pmfs(grid)
    log2_family = np.log2(len(names) + 1)

    def whole(part):
        c = [float(np.sum(-np.log2(p[part]))) for p in pmfs]
        if np.all(part == part[0]):
            c.append(np.log2(grid.levels))
        return log2_family + min(c)

    if not split:
        return float(whole(k))
    if k.size < 2:
        return float(1.0 + whole(k))
    h = k.size // 2
    return float(1.0 + min(whole(k), whole(k[:h]) + whole(k[h:])))


def mixture_bits(symbols, pmfs, log2_weights=None, include_constant: bool = True, levels: int | None = None) -> float:
    """Ideal length −log2 Σ_m w_m q_m(x) of a Bayesian mixture code (exact Kraft: Σ_x 2^−L = 1).

    ``pmfs`` (M, A) are i.i.d. per-pixel models; with ``include_constant`` the "constant image"
    model q(x) = 1/A if all pixels are equal (else 0) is one more component. Weights default to
    uniform over the components."""
    k = np.asarray(symbols, dtype=np.int64).reshape(-1)
    P = np.asarray(pmfs, dtype=np.float64)
    A = levels or P.shape[1]
    with np.errstate(divide="ignore"):
        logs = [float(np.sum(np.log2(p[k]))) for p in P]
        if include_constant:
            logs.append(-np.log2(A) if np.all(k == k[0]) else -np.inf)
    logs = np.array(logs)
    w = np.full(logs.size, -np.log2(logs.size)) if log2_weights is None else np.asarray(log2_weights, dtype=np.float64)
    if w.shape != logs.shape:
        raise ValueError(f"log2_weights must have {logs.size} entries, got shape {w.shape}")
    return float(-logsumexp((logs + w) * np.log(2.0)) / np.log(2.0))


def generic_bits(symbols, compressor: str) -> int:
    """Length in bits of a generic compressor's output on the symbols as bytes (zlib level 9, or
    lzma/xz preset 9)."""
    raw = np.asarray(symbols, dtype=np.int64).reshape(-1)
    if raw.size and (raw.min() < 0 or raw.max() > 255):
        raise ValueError("generic compressors code one byte per pixel: symbols must be in [0, 255]")
    b = raw.astype(np.uint8).tobytes()
    if compressor == "zlib":
        return 8 * len(zlib.compress(b, 9))
    if compressor == "lzma":
        return 8 * len(lzma.compress(b, preset=9))
    raise ValueError(f"compressor must be 'zlib' or 'lzma', got {compressor!r}")
