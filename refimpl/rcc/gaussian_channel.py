"""Gaussian channel simulation for diagonal Gaussians (what DiffC needs): whitening, a chunked
PFR with a portable dimension partition and per-chunk seeds, and Zipf index coding.

Citations: Theis, Salimans, Hoffman & Mentzer, *Lossy compression with Gaussian diffusion*
(2022) — DiffC sends each reverse step by channel simulation; Vonderfecht & Liu, *Lossy
compression with pretrained diffusion models* (ICLR 2025, JeremyIV/diffc) — chunking
(``get_chunk_sizes``, ``partition_mu``) and the truncated-Zipf index code; Li & El Gamal (2018)
— PFR. Digest §3.9 and §4. Departures from JeremyIV/diffc (non-portable there): the dimension
permutation and the chunk seeds come from Philox (streams 4 and 5), not ``default_rng`` and
Python ``hash``; candidates are Philox normals, not cuRAND.

| symbol | name | meaning |
|---|---|---|
| q = N(μ_q, diag σ_q²), p = N(μ_p, diag σ_p²) | ``mu_q, sigma_q, mu_p, sigma_p`` | target, prior |
| a = (μ_q − μ_p)/σ_p, s = σ_q/σ_p | whitened target N(a, diag s²) vs N(0, I) | |
| D | ``d_kl_bits`` | D_KL(q‖p) in bits (shared: given, or sent as side information) |
| D̂ = ⌈8D⌉/8 | side information | Elias-gamma code of ⌈8D⌉ + 1 at the stream head |
| size_i | :func:`gaussian_channel_chunk_sizes` | bits of chunk i: 2^size_i candidates |
| D_i = D̂·size_i/Σ size | per-chunk KL share | Zipf parameter |
| key_i | :func:`gaussian_channel_chunk_seed` | Philox key of chunk i |
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .. import random as R
from ._common import (DEFAULT_MAX_ITER, DIFFC_CONST, PFR_CONST, STREAM_CHUNK_KEY, STREAM_PARTITION,
                      RccCapError, check_gaussians, check_int, check_seed, gaussian_kl_bits,
                      gaussian_log_w_max, whiten)
from .index_codes import _Bits, _gamma_put, _gamma_get, _get_rank, _put_rank, _Reader, zipf_table
from .index_codes import ZIPF_PRECISION, ZIPF_TABLE_SIZE, truncated_zipf_ideal_bits, zipf_ideal_bits
from .select import _keys, _table, rcc_gaussian_candidates

__all__ = ["GaussianChannelEncoded", "gaussian_channel_chunk_sizes", "gaussian_channel_partition",
           "gaussian_channel_chunk_seed", "gaussian_channel_encode", "gaussian_channel_decode"]

KL_SIDE_INFO_STEPS = 8  # D̂ is D rounded up to a multiple of 1/8 bit


class GaussianChannelEncoded(NamedTuple):
    """``sample`` (what the decoder reproduces), the stream (``data``, exact ``nbits``), the ideal
    cost of the indices (``ideal_bits``, side information excluded), the 0-based ``indices`` per
    chunk, ``chunk_sizes`` (bits), the shared ``d_kl_bits`` (D̂ when sent as side information)
    and ``iterations`` (candidates drawn over all chunks)."""

    sample: np.ndarray
    data: bytes
    nbits: int
    ideal_bits: float
    indices: np.ndarray
    chunk_sizes: np.ndarray
    d_kl_bits: float
    iterations: int


#: Upper bound on the number of chunks when ``d`` is not given (guards against huge allocations).
MAX_CHUNKS = 1 << 24


def gaussian_channel_chunk_sizes(d_kl_bits: float, max_chunk_bits: int = 16, padding_bits: int = 2,
                                 d: int | None = None) -> np.ndarray:
    """DiffC's ``get_chunk_sizes`` (digest §3.9): n = ⌈D⌉, chunks = max(1, ⌈n/(max − pad)⌉); the
    n + pad·chunks bits are spread evenly, the first chunks getting one more. Each ≤ max.

    The chunk count is checked before anything is allocated: ValueError if it exceeds ``d`` (every
    chunk needs a dimension) or, when ``d`` is None, :data:`MAX_CHUNKS`."""
    if not (math.isfinite(d_kl_bits) and d_kl_bits >= 0):
        raise ValueError(f"d_kl_bits must be finite and >= 0, got {d_kl_bits}")
    mx = check_int(max_chunk_bits, "max_chunk_bits", 1, 30)
    pad = check_int(padding_bits, "padding_bits", 0, mx - 1)
    limit = MAX_CHUNKS if d is None else check_int(d, "d", 1)
    n = math.ceil(d_kl_bits)
    chunks = max(1, -(-n // (mx - pad)))
    if chunks > limit:
        what = f"d = {limit} dimensions" if d is not None else f"MAX_CHUNKS = {limit}"
        raise ValueError(f"d_kl_bits = {d_kl_bits} needs {chunks} chunks of <= {mx - pad} bits, more than "
                         f"{what} (every chunk needs a dimension)")
    total = n + pad * chunks
    base, rem = divmod(total, chunks)
    return np.array([base + 1] * rem + [base] * (chunks - rem), dtype=np.int64)


def gaussian_channel_partition(d: int, chunk_sizes, seed: int) -> list[np.ndarray]:
    """Portable partition of dimensions 0..d−1 into chunks (DiffC ``partition_mu`` with Philox):
    chunk i gets ⌊d·size_i/Σ size⌋ dimensions (the last chunk the rest; ValueError if any is
    empty). Dimensions are ranked by their stream-4 Philox word (word 0 of counter (j, 0, 4, 0),
    ties by j); chunk i takes the next count_i ranks, listed in increasing dimension order."""
    d = check_int(d, "d", 1)
    sizes = np.asarray(chunk_sizes, dtype=np.int64)
    counts = [int(d * int(s) // int(sizes.sum())) for s in sizes[:-1]]
    counts.append(d - sum(counts))
    if min(counts) < 1:
        raise ValueError(f"d = {d} dimensions cannot fill {sizes.size} chunks (every chunk needs one)")
    order = np.argsort(R.words(check_seed(seed), STREAM_PARTITION, np.arange(d, dtype=np.uint64)), kind="stable")
    edges = np.concatenate([[0], np.cumsum(counts)])
    return [np.sort(order[edges[i]:edges[i + 1]]) for i in range(sizes.size)]


def gaussian_channel_chunk_seed(seed: int, i: int) -> int:
    """Philox key of chunk i: words (w0, w1) of counter (i, 0, 5, 0) under ``seed``, as w0 + 2^64·w1."""
    w = R.words(check_seed(seed), STREAM_CHUNK_KEY, np.array([check_int(i, "i", 0)], dtype=np.uint64), 2)[0]
    return int(w[0]) | int(w[1]) << 64


def _lams(sizes: np.ndarray, d_hat: float, exact: bool, chunk_kl=None) -> np.ndarray:
    share = d_hat * sizes / sizes.sum() if chunk_kl is None else np.asarray(chunk_kl, dtype=np.float64)
    return 1.0 + 1.0 / (share + (PFR_CONST if exact else DIFFC_CONST))


def _range_tables(sizes: np.ndarray, lams: np.ndarray) -> np.ndarray:
    """One CDF row per chunk over A = 2^max(size) symbols for the range coder: chunk i's truncated
    Zipf table on 2^size_i ranks, then every unused rank (> 2^size_i) gets frequency 1, taken
    from rank 1 (so all rows share A and total 2^24)."""
    a = 1 << int(sizes.max())
    rows = np.empty((sizes.size, a + 1), dtype=np.int64)
    for i, (sz, lam) in enumerate(zip(sizes.tolist(), lams.tolist())):
        f = np.diff(zipf_table(float(lam), 1 << sz, False)).astype(np.int64)
        pad = a - f.size
        f = np.concatenate([f, np.ones(pad, dtype=np.int64)])
        f[0] -= pad
        if f[0] < 1:
            raise ValueError("chunk tables too unequal for one range-coder alphabet")
        rows[i, 0] = 0
        np.cumsum(f, out=rows[i, 1:])
    return rows


def _kl_header(out: _Bits, d_kl_bits: float) -> float:
    steps = math.ceil(d_kl_bits * KL_SIDE_INFO_STEPS)
    _gamma_put(out, steps + 1)
    return steps / KL_SIDE_INFO_STEPS


def gaussian_channel_encode(mu_q, sigma_q, mu_p, sigma_p, seed: int, d_kl_bits: float | None = None,
                            max_chunk_bits: int = 16, padding_bits: int = 2, exact: bool = False,
                            max_iter: int = DEFAULT_MAX_ITER, coder: str | None = None,
                            chunk_kl: bool = False) -> GaussianChannelEncoded:
    """Send a sample of q = N(μ_q, diag σ_q²) given the shared prior p = N(μ_p, diag σ_p²) and ``seed``.

    - ``d_kl_bits`` None: D is computed and sent as side information (D̂ = ⌈8D⌉/8, Elias gamma);
      a float: the shared value both sides use (DiffC's ``manual_dkl_per_step``), not sent.
    - ``exact=False`` (DiffC): chunk i runs truncated PFR over 2^size_i candidates and codes its
      rank with a truncated Zipf on 1..2^size_i, λ_i = 1 + 1/(D_i + e^-1 ln(e+1)). Biased: the
      law of the sample is not q (measured in the claims).
    - ``exact=True``: chunk i runs exact PFR (early stopping; needs σ_q < σ_p, or equal σ with
      equal μ, in every dimension of the chunk, else ValueError) and codes its rank with the
      untruncated Zipf λ_i = 1 + 1/(D_i + log2(e)/e + 1). ``max_iter`` caps each chunk.
    - ``coder``: ``"range"`` (default in truncated mode) codes all chunk ranks with
      :func:`refimpl.coding.range_encode` (precision 24, tables of :func:`_range_tables`) after
      the side-information bits padded to a byte; ``"prefix"`` (default and only choice in exact
      mode) concatenates the canonical prefix codewords of :mod:`refimpl.rcc.index_codes` bit-exactly.
    - ``chunk_kl=True``: each chunk's own KL D_i (over its dimensions) is sent as side
      information, D̂_i = ⌈8 D_i⌉/8 as Elias gamma of ⌈8 D_i⌉ + 1, after the total, and λ_i uses
      D̂_i instead of the share D̂·size_i/Σ size.
    """
    from ._kernels import pfr_exact_gaussian_kernel, select_gaussian_kernel

    coder = _check_coder(coder, exact)
    mu_q, sigma_q, mu_p, sigma_p = check_gaussians(mu_q, sigma_q, mu_p, sigma_p)
    seed = check_seed(seed)
    max_iter = check_int(max_iter, "max_iter", 1)
    a, s = whiten(mu_q, sigma_q, mu_p, sigma_p)
    out = _Bits()
    if d_kl_bits is None:
        d_hat = _kl_header(out, float(np.sum(gaussian_kl_bits(a, s))))
    else:
        d_hat = float(d_kl_bits)
    sizes = gaussian_channel_chunk_sizes(d_hat, max_chunk_bits, padding_bits, a.size)
    parts = gaussian_channel_partition(a.size, sizes, seed)
    kl_dims = gaussian_kl_bits(a, s)
    ckl = [_kl_header(out, float(np.sum(kl_dims[dims]))) for dims in parts] if chunk_kl else None
    lams = _lams(sizes, d_hat, exact, ckl)
    x = np.empty(a.size)
    idx = np.empty(sizes.size, dtype=np.int64)
    ideal, iters = 0.0, 0
    for i, dims in enumerate(parts):
        key = gaussian_channel_chunk_seed(seed, i)
        k0, k1 = _keys(key)
        if exact:
            lmax = gaussian_log_w_max(a[dims], s[dims])
            if not math.isfinite(lmax):
                raise ValueError("exact mode needs sup w < inf: sigma_q < sigma_p (or equal with mu_q = mu_p) in every dimension")
            k, n = pfr_exact_gaussian_kernel(a[dims], s[dims], lmax, k0[0], k1[0], max_iter)
            if k < 0:
                raise RccCapError(f"chunk {i}: PFR drew max_iter={max_iter} candidates without stopping")
            table = zipf_table(float(lams[i]), ZIPF_TABLE_SIZE, True)
            _put_rank(out, int(k) + 1, table, ZIPF_PRECISION, True, float(lams[i]))
            ideal += float(zipf_ideal_bits(int(k) + 1, lams[i]))
        else:
            n = 1 << int(sizes[i])
            k = select_gaussian_kernel(a[dims], s[dims], gaussian_log_w_max(a[dims], s[dims]), k0[0], k1[0], n, 0, False,
                                       _table())
            if coder == "prefix":
                _put_rank(out, int(k) + 1, zipf_table(float(lams[i]), n, False), ZIPF_PRECISION, False, float(lams[i]))
            ideal += float(truncated_zipf_ideal_bits(int(k) + 1, lams[i], n))
        idx[i] = k
        iters += int(n)
        x[dims] = rcc_gaussian_candidates(key, np.array([k], dtype=np.uint64), dims.size)[0]
    if coder == "range":
        from ..coding import range_encode

        data = out.to_bytes() + range_encode(idx, _range_tables(sizes, lams), ZIPF_PRECISION)
        return GaussianChannelEncoded(mu_p + sigma_p * x, data, 8 * len(data), ideal, idx, sizes, d_hat, iters)
    return GaussianChannelEncoded(mu_p + sigma_p * x, out.to_bytes(), len(out.bits), ideal, idx, sizes,
                                  d_hat, iters)


def _check_coder(coder, exact: bool) -> str:
    if coder is None:
        return "prefix" if exact else "range"
    if coder not in ("range", "prefix") or (exact and coder == "range"):
        raise ValueError(f"coder must be 'range' or 'prefix' ('prefix' only in exact mode), got {coder!r}")
    return coder


def gaussian_channel_decode(data: bytes, nbits: int, mu_p, sigma_p, seed: int, d_kl_bits: float | None = None,
                            max_chunk_bits: int = 16, padding_bits: int = 2, exact: bool = False,
                            coder: str | None = None, chunk_kl: bool = False) -> np.ndarray:
    """Inverse of :func:`gaussian_channel_encode` (same ``seed``, ``d_kl_bits``, chunk settings and
    ``exact``): the sample z = μ_p + σ_p·x. DecodeError on a malformed stream."""
    from ..errors import DecodeError

    coder = _check_coder(coder, exact)
    mu_p = np.atleast_1d(np.asarray(mu_p, dtype=np.float64))
    sigma_p = np.broadcast_to(np.asarray(sigma_p, dtype=np.float64), mu_p.shape)
    _, _, mu_p, sigma_p = check_gaussians(mu_p, sigma_p, mu_p, sigma_p)
    seed = check_seed(seed)
    rd = _Reader(bytes(data), check_int(nbits, "nbits", 0))
    if coder == "range" and nbits != 8 * len(data):
        raise DecodeError("a range-coded stream has nbits = 8·len(data)")
    if d_kl_bits is None:
        d_hat = (_gamma_get(rd) - 1) / KL_SIDE_INFO_STEPS
        if d_hat > 1e7:
            raise DecodeError("side-information KL is implausibly large")
    else:
        d_hat = float(d_kl_bits)
    try:
        sizes = gaussian_channel_chunk_sizes(d_hat, max_chunk_bits, padding_bits, mu_p.size)
    except ValueError as e:
        if d_kl_bits is None:  # D̂ came from the stream: a malformed stream, not a bad argument
            raise DecodeError(f"side-information KL does not fit d: {e}") from None
        raise
    parts = gaussian_channel_partition(mu_p.size, sizes, seed)
    ckl = [(_gamma_get(rd) - 1) / KL_SIDE_INFO_STEPS for _ in parts] if chunk_kl else None
    lams = _lams(sizes, d_hat, exact, ckl)
    x = np.empty(mu_p.size)
    if coder == "range":
        from ..coding import range_decode

        head = (rd.pos + 7) // 8
        if any(rd.bit() for _ in range(8 * head - rd.pos)):
            raise DecodeError("non-zero padding after the side information")
        ks = range_decode(bytes(data)[head:], _range_tables(sizes, lams), ZIPF_PRECISION, sizes.size)
        if np.any(ks >= (1 << sizes)):
            raise DecodeError("decoded index beyond its chunk's 2^size candidates")
        rd.pos = rd.nbits
    for i, dims in enumerate(parts):
        if coder == "range":
            k = int(ks[i])
        else:
            n = ZIPF_TABLE_SIZE if exact else 1 << int(sizes[i])
            k = _get_rank(rd, zipf_table(float(lams[i]), n, exact), ZIPF_PRECISION, exact, float(lams[i])) - 1
        if k >= 1 << 63:
            raise DecodeError("decoded index out of range")
        key = gaussian_channel_chunk_seed(seed, i)
        x[dims] = rcc_gaussian_candidates(key, np.array([k], dtype=np.uint64), dims.size)[0]
    if rd.pos != rd.nbits:
        raise DecodeError(f"{rd.nbits - rd.pos} bits left over after the last chunk")
    return mu_p + sigma_p * x
