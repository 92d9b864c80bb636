"""Index codes: Zipf codes for candidate ranks, with real bitstreams beside the ideal cost.

Citations: Li & El Gamal (IEEE T-IT 2018), proof of the SFRL (Zipf code with λ = 1 + 1/μ);
Theis & Yosri (ICML 2022), hybrid-coding notebook (``coding_cost_hybrid``: λ = 1 + 1/μ̂ with
μ̂ = I − log2 M + log2(e)/e + 1); JeremyIV/diffc ``zipf.rs`` (truncated Zipf, s = 1 + 1/(D + 0.4831),
CMF quantised to 2^24). Digest §4. Codewords: a canonical prefix code with Shannon lengths,
Kraft-tightened (Cover & Thomas, *Elements of Information Theory*, §5.4 and §5.8), Elias gamma
(Elias 1975) for side information.

| symbol | name | meaning |
|---|---|---|
| K = idx + 1 | ``rank`` | 1-based rank of the selected candidate |
| μ̂ | ``mu_hat`` | decoder-known upper bound on E[log2 K] (bits) |
| λ = 1 + 1/μ̂ | ``lam`` | Zipf exponent |
| ζ(λ), H_{n,λ} | ``scipy.special.zeta`` | normaliser (untruncated, truncated to n ranks) |
| λ log2 k + log2 ζ(λ) | :func:`zipf_ideal_bits` | ideal code length |
| 2^P | ``precision`` | total count of the quantised table |

Bitstream (``specs/rcc.md`` § Index codes): each rank is one codeword of a canonical prefix code
of its quantised table (length ≤ ⌈log2(2^P/f)⌉, so ≤ ideal + 1 bit plus quantisation loss;
prefix-free, so codewords concatenate). With ``escape`` the table covers ranks 1..n plus an escape symbol
carrying the Zipf tail mass; a rank k > n (n = 2^16) is the escape codeword, then the
codeword of its bit length b in an octave table (mass ∝ 2^{(1−λ)(b−17)}), then its b − 1 low bits. Bits are packed MSB first into bytes, zero-padded; ``nbits`` is the exact length.
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np
from scipy.special import zeta

from ..errors import DecodeError
from ._common import DIFFC_CONST, PFR_CONST, check_int

__all__ = ["zipf_lambda", "zipf_ideal_bits", "truncated_zipf_ideal_bits", "zipf_table",
           "IndexCode", "index_encode", "index_decode", "elias_gamma_bits", "ZIPF_TABLE_SIZE",
           "ZIPF_PRECISION", "zipf_mu_hat"]

ZIPF_TABLE_SIZE = 1 << 16
ZIPF_PRECISION = 24


class IndexCode(NamedTuple):
    """A coded index stream: ``data`` (bytes), ``nbits`` (exact bit length, ≤ 8·len(data)) and the
    ideal cost ``ideal_bits`` (Σ −log2 of the unquantised model probabilities)."""

    data: bytes
    nbits: int
    ideal_bits: float


def zipf_mu_hat(d_kl_bits: float, rule: str = "pfr", log2_m: float = 0.0) -> float:
    """μ̂ for the λ rules of digest §4: ``pfr`` D + log2(e)/e + 1 (B2), ``hybrid``
    D − log2 M + log2(e)/e + 1, ``diffc`` D + e^-1·ln(e+1) (empirical)."""
    if not math.isfinite(d_kl_bits) or d_kl_bits < 0:
        raise ValueError(f"d_kl_bits must be finite and >= 0, got {d_kl_bits}")
    if rule == "pfr":
        return d_kl_bits + PFR_CONST
    if rule == "hybrid":
        return max(d_kl_bits - log2_m, 0.0) + PFR_CONST
    if rule == "diffc":
        return d_kl_bits + DIFFC_CONST
    raise ValueError(f"rule must be 'pfr', 'hybrid' or 'diffc', got {rule!r}")


def zipf_lambda(mu_hat: float) -> float:
    """λ = 1 + 1/μ̂ (digest B3); μ̂ > 0 bits."""
    if not (math.isfinite(mu_hat) and mu_hat > 0):
        raise ValueError(f"mu_hat must be finite and > 0, got {mu_hat}")
    return 1.0 + 1.0 / mu_hat


def zipf_ideal_bits(rank, lam: float):
    """Ideal Zipf code length λ·log2 k + log2 ζ(λ) of rank k ≥ 1 (digest §4)."""
    k = np.asarray(rank, dtype=np.float64)
    if np.any(k < 1):
        raise ValueError("rank must be >= 1")
    return lam * np.log2(k) + math.log2(zeta(lam))


def truncated_zipf_ideal_bits(rank, lam: float, n: int):
    """Ideal length of rank k ∈ [1, n] under p(k) ∝ k^-λ on 1..n (DiffC): λ log2 k + log2 H_{n,λ}."""
    k = np.asarray(rank, dtype=np.float64)
    if np.any(k < 1) or np.any(k > n):
        raise ValueError(f"rank must be in [1, {n}]")
    h = float(np.sum(np.arange(1, n + 1, dtype=np.float64) ** -lam))
    return lam * np.log2(k) + math.log2(h)


def zipf_table(lam: float, n: int, escape: bool, precision: int = ZIPF_PRECISION) -> np.ndarray:
    """Read-only cached :func:`_zipf_table`; see there."""
    return _zipf_table_cached(float(lam), check_int(n, "n", 1, 1 << 22), bool(escape),
                              check_int(precision, "precision", 8, 30))


@functools.lru_cache(maxsize=64)
def _zipf_table_cached(lam, n, escape, precision):
    t = _zipf_table(lam, n, escape, precision)
    t.setflags(write=False)
    return t


def _zipf_table(lam: float, n: int, escape: bool, precision: int = ZIPF_PRECISION) -> np.ndarray:
    """Integer CDF (length A + 1) of the Zipf table: ranks 1..n (symbols 0..n−1), plus the escape
    symbol n with the tail mass ζ(λ, n+1)/ζ(λ) when ``escape``; otherwise normalised over 1..n.
    Quantisation: f = max(1, ⌊pmf·2^P⌋), then symbol 0 absorbs the difference to 2^P."""
    n = check_int(n, "n", 1, 1 << 22)
    precision = check_int(precision, "precision", 8, 30)
    if not (math.isfinite(lam) and lam > 1):
        raise ValueError(f"lam must be finite and > 1, got {lam}")
    w = np.arange(1, n + 1, dtype=np.float64) ** -lam
    if escape:
        z = float(zeta(lam))
        pmf = np.append(w / z, float(zeta(lam, n + 1)) / z)
    else:
        pmf = w / w.sum()
    total = 1 << precision
    f = np.maximum(1, np.floor(pmf * total)).astype(np.int64)
    f[0] += total - int(f.sum())
    if f[0] < 1:
        raise ValueError("precision too small for this table (rank 1 lost its mass)")
    return np.concatenate([[0], np.cumsum(f)]).astype(np.int64)


# --- bit I/O and the two codeword constructions ------------------------------------------------

class _Bits:
    def __init__(self):
        self.bits: list[int] = []

    def put(self, value: int, length: int):
        self.bits.extend((value >> (length - 1 - i)) & 1 for i in range(length))

    def to_bytes(self) -> bytes:
        b = self.bits + [0] * (-len(self.bits) % 8)
        return bytes(int("".join(map(str, b[i:i + 8])), 2) for i in range(0, len(b), 8))


class _Reader:
    def __init__(self, data: bytes, nbits: int):
        if nbits > 8 * len(data) or nbits < 0:
            raise DecodeError(f"nbits {nbits} exceeds the {8 * len(data)} bits of data")
        self.data, self.nbits, self.pos = data, nbits, 0

    def bit(self) -> int:
        if self.pos >= self.nbits:
            raise DecodeError("index stream truncated")
        b = (self.data[self.pos >> 3] >> (7 - (self.pos & 7))) & 1
        self.pos += 1
        return b


class _Canonical(NamedTuple):
    length: np.ndarray   # l_s: Shannon length ⌈log2(2^P/f_s)⌉ = P − bitlen(f_s) + 1, then Kraft-tightened
    code: np.ndarray     # canonical codeword of each symbol (as an integer of l_s bits)
    order: np.ndarray    # symbols sorted by (l_s, s)
    first: list          # first codeword of each length L (index L)
    count: list          # number of symbols of each length
    start: list          # position in ``order`` of the first symbol of each length


_CANON: dict = {}


def _canonical(cdf: np.ndarray, precision: int) -> _Canonical:
    """Canonical prefix code of a quantised table: Shannon lengths ⌈log2(2^P/f)⌉ (Kraft:
    Σ 2^-l ≤ Σ f/2^P = 1), tightened greedily (most probable symbols first) while Kraft holds, so
    every length stays ≤ its Shannon length (≤ ideal + 1 bit); codewords are assigned in order
    of (length, symbol)."""
    key = (id(cdf), cdf.size, precision)
    hit = _CANON.get(key)
    if hit is not None and hit[0] is cdf:
        return hit[1]
    f = np.diff(cdf).astype(np.int64)
    length = precision + 1 - np.frexp(f.astype(np.float64))[1].astype(np.int64)  # frexp exponent = bit length
    # Kraft tightening: in order of decreasing f (ties: smaller symbol first), shorten each
    # codeword while Σ 2^-l stays ≤ 1 (integer arithmetic in units of 2^-maxL).
    maxl = int(length.max())
    kraft = int(np.sum(np.left_shift(np.int64(1), maxl - length)))
    full = 1 << maxl
    ls = length.tolist()
    for sym in np.lexsort((np.arange(f.size), -f)).tolist():
        while ls[sym] > 1 and kraft + (1 << (maxl - ls[sym])) <= full:
            kraft += 1 << (maxl - ls[sym])
            ls[sym] -= 1
        if kraft == full:
            break
    length = np.array(ls, dtype=np.int64)
    order = np.lexsort((np.arange(f.size), length))
    maxl = int(length.max())
    count = np.bincount(length, minlength=maxl + 1).tolist()
    first, start, code_v, pos = [0] * (maxl + 2), [0] * (maxl + 2), 0, 0
    for L in range(1, maxl + 1):
        code_v <<= 1
        first[L], start[L] = code_v, pos
        code_v += count[L]
        pos += count[L]
    rank = np.empty(f.size, dtype=np.int64)
    rank[order] = np.arange(f.size)
    code = np.array(first, dtype=np.int64)[length] + rank - np.array(start, dtype=np.int64)[length]
    res = _Canonical(length, code, order, first, count, start)
    if len(_CANON) > 64:
        _CANON.clear()
    _CANON[key] = (cdf, res)
    return res


def _sym_put(out: _Bits, sym: int, cdf: np.ndarray, precision: int):
    c = _canonical(cdf, precision)
    out.put(int(c.code[sym]), int(c.length[sym]))


def _sym_get(rd: _Reader, cdf: np.ndarray, precision: int) -> int:
    c = _canonical(cdf, precision)
    v = 0
    for L in range(1, len(c.count)):
        v = (v << 1) | rd.bit()
        off = v - c.first[L]
        if c.count[L] and 0 <= off < c.count[L]:
            return int(c.order[c.start[L] + off])
    raise DecodeError("no Zipf codeword matches the stream")


def elias_gamma_bits(j: int) -> int:
    """Length 2⌊log2 j⌋ + 1 of the Elias-gamma code of j ≥ 1."""
    return 2 * (int(j).bit_length() - 1) + 1


def _gamma_put(out: _Bits, j: int):
    nb = int(j).bit_length()
    out.put(0, nb - 1)
    out.put(int(j), nb)


def _gamma_get(rd: _Reader) -> int:
    z = 0
    while rd.bit() == 0:
        z += 1
        if z > 80:
            raise DecodeError("Elias-gamma prefix longer than 80 zeros")
    v = 1
    for _ in range(z):
        v = (v << 1) | rd.bit()
    return v


TAIL_BUCKETS = 48  # escape buckets: bit lengths 17..64 of the rank (the table keeps 48 symbols)
#: Ranks must be < 2^63 (decoded ranks are int64): the last bucket (b = 64) is never used.
MAX_RANK_BITS = 63


@functools.lru_cache(maxsize=64)
def _tail_table(lam: float, precision: int) -> np.ndarray:
    """Escape bucket table: bucket j (rank bit length b = 17 + j) has mass ∝ 2^{(1−λ)j}, the
    Zipf mass ratio between consecutive octaves, so bucket + raw low bits cost ≈ λ·log2 k."""
    pmf = 2.0 ** ((1.0 - lam) * np.arange(TAIL_BUCKETS))
    pmf /= pmf.sum()
    total = 1 << precision
    f = np.maximum(1, np.floor(pmf * total)).astype(np.int64)
    f[0] += total - int(f.sum())
    t = np.concatenate([[0], np.cumsum(f)]).astype(np.int64)
    t.setflags(write=False)
    return t


def _put_rank(out: _Bits, k: int, cdf: np.ndarray, precision: int, escape: bool, lam: float):
    n = cdf.size - 1 - (1 if escape else 0)
    if k <= n:
        _sym_put(out, k - 1, cdf, precision)
    elif escape:
        b = int(k).bit_length()
        if b > MAX_RANK_BITS or n != ZIPF_TABLE_SIZE:
            raise ValueError(f"rank must be < 2**{MAX_RANK_BITS} (and the escape table has 2**16 ranks), got {k}")
        _sym_put(out, n, cdf, precision)
        _sym_put(out, b - 17, _tail_table(lam, precision), precision)
        out.put(int(k) - (1 << (b - 1)), b - 1)
    else:
        raise ValueError(f"rank {k} is beyond the truncated table of {n} ranks")


def _get_rank(rd: _Reader, cdf: np.ndarray, precision: int, escape: bool, lam: float) -> int:
    n = cdf.size - 1 - (1 if escape else 0)
    s = _sym_get(rd, cdf, precision)
    if s < n:
        return s + 1
    b = 17 + _sym_get(rd, _tail_table(lam, precision), precision)
    if b > MAX_RANK_BITS:  # ranks are stored as int64: bucket b = 64 (rank >= 2^63) is never written
        raise DecodeError(f"escaped rank of {b} bits (ranks must be < 2**{MAX_RANK_BITS})")
    v = 1
    for _ in range(b - 1):
        v = (v << 1) | rd.bit()
    if v <= n:
        raise DecodeError("escaped rank inside the table range")
    return v


def index_encode(ranks, lams, n=None, precision: int = ZIPF_PRECISION) -> IndexCode:
    """Code 1-based ``ranks`` in [1, 2^63) (one per chunk/target) with Zipf(λ_i) tables, concatenated.

    ``n`` None: untruncated Zipf (table of :data:`ZIPF_TABLE_SIZE` ranks + escape + Elias gamma);
    ``n`` an int or per-rank ints: truncated Zipf on 1..n_i (DiffC), a rank > n_i is a ValueError."""
    r = np.atleast_1d(np.asarray(ranks))
    if r.ndim != 1 or (r.size and not np.issubdtype(r.dtype, np.integer)) or np.any(r < 1):
        raise ValueError("ranks must be a 1-D array of integers >= 1")
    if r.size and int(r.max()) >= 1 << MAX_RANK_BITS:
        raise ValueError(f"ranks must be < 2**{MAX_RANK_BITS} (decoded ranks are int64), got {int(r.max())}")
    lam = np.broadcast_to(np.asarray(lams, dtype=np.float64), r.shape)
    out = _Bits()
    ideal = 0.0
    tables: dict = {}
    for i, k in enumerate(r.tolist()):
        ni = None if n is None else int(np.broadcast_to(np.asarray(n), r.shape)[i])
        key = (float(lam[i]), ni)
        if key not in tables:
            tables[key] = zipf_table(key[0], ni or ZIPF_TABLE_SIZE, ni is None, precision)
        _put_rank(out, k, tables[key], precision, ni is None, key[0])
        ideal += float(zipf_ideal_bits(k, lam[i]) if ni is None else truncated_zipf_ideal_bits(k, lam[i], ni))
    return IndexCode(out.to_bytes(), len(out.bits), ideal)


def index_decode(data: bytes, nbits: int, lams, count: int, n=None, precision: int = ZIPF_PRECISION) -> np.ndarray:
    """Inverse of :func:`index_encode`: ``count`` 1-based ranks (int64). DecodeError on a truncated or
    foreign stream, an escaped rank ≥ 2^63 (tail bucket b = 64), or when bits are left over."""
    count = check_int(count, "count", 0)
    lam = np.broadcast_to(np.asarray(lams, dtype=np.float64), (count,))
    rd = _Reader(bytes(data), check_int(nbits, "nbits", 0))
    out = np.empty(count, dtype=np.int64)
    tables: dict = {}
    for i in range(count):
        ni = None if n is None else int(np.broadcast_to(np.asarray(n), (count,))[i])
        key = (float(lam[i]), ni)
        if key not in tables:
            tables[key] = zipf_table(key[0], ni or ZIPF_TABLE_SIZE, ni is None, precision)
        out[i] = _get_rank(rd, tables[key], precision, ni is None, key[0])
    if rd.pos != rd.nbits:
        raise DecodeError(f"{rd.nbits - rd.pos} bits left over after {count} indices")
    return out
