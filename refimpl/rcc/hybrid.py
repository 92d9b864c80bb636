"""Hybrid coding: dithered (universal) quantization + PFR, for targets of bounded support.

Citation: Theis & Yosri, *Algorithms for the Communication of Samples* (ICML 2022), hybrid
coding, and its notebook ``hybrid_coding.ipynb`` (``sample_hybrid``, ``sample_gaussian``,
``coding_cost_hybrid``). Digest §3.6, B14, §5.2.

| symbol | name | meaning |
|---|---|---|
| M_d | ``m`` | grid factor per dimension (p becomes Uniform[0, M] after φ⁻¹) |
| φ(y) = F_p⁻¹(y/M) | :func:`_phi` | map from the grid space to the original space |
| q_φ(y) = q(φ(y))/(M·p(φ(y))) | ``log_q_phi`` | transformed target density |
| c | ``c`` | centre of the transformed support, clipped to [½, M − ½] |
| u_n ∈ (0,1)^d | dither | stream 3 (open uniforms: word j mod 4 of (n, j div 4, 3, 0)) |
| k_n = ⌊c − u_n + ½⌋, y_n = k_n + u_n | — | universal-quantization candidate ~ U[c − ½, c + ½) |
| T_n | — | PFR arrival times, E_n from stream 1 |
| w_min ≤ inf p/q | ``w_min`` | gives sup ℓ_bridge = −log(w_min·∏M) for the stopping rule |
| (n, k) | ``index``, ``k`` | message: n Zipf-coded, k one mixed-radix integer (truncated binary) |
| I | ``info_bits`` | decoder-known information (mutual information) for λ; :func:`hybrid_gaussian_info_bits` for the notebook experiment |
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from scipy.special import ndtr, ndtri

from .. import random as R
from ._common import (DEFAULT_MAX_ITER, LOG2E, RccCapError, check_gaussians, check_int, check_seed,
                      gaussian_kl_bits)
from .index_codes import _Bits, _Reader, _get_rank, _put_rank, zipf_ideal_bits, zipf_lambda, zipf_mu_hat, zipf_table
from .index_codes import ZIPF_PRECISION, ZIPF_TABLE_SIZE

__all__ = ["HybridEncoded", "hybrid_gaussian_setup", "hybrid_encode_gaussian", "hybrid_decode_gaussian",
           "hybrid_search", "hybrid_cost_bounds"]

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


class HybridEncoded(NamedTuple):
    """``index`` n (0-based), grid cell ``k`` (int per dimension), ``sample``, the stream
    (``data``, ``nbits``), ``ideal_bits`` (Zipf ideal of n + Σ log2 M) and ``iterations``."""

    index: int
    k: np.ndarray
    sample: np.ndarray
    data: bytes
    nbits: int
    ideal_bits: float
    iterations: int


class HybridSetup(NamedTuple):
    m: np.ndarray          # grid factor per dimension
    lo: np.ndarray         # truncated support of q
    hi: np.ndarray
    log_w_min: float       # log of w_min ≤ inf over the support of p/q_tr
    log_z: np.ndarray      # log(1 − D') normaliser of the truncated q per dimension


def hybrid_gaussian_setup(mu_q, sigma_q, mu_p, sigma_p, tail_mass: float = 1e-4) -> HybridSetup:
    """The notebook's ``sample_gaussian`` wrapper (digest §3.6): D' = 1 − (1 − D)^(1/d) per
    dimension, q truncated to μ_q ± σ_q·Φ⁻¹(1 − D'/2), M_d = ⌊1/(p-mass of that width centred at
    μ_p)⌋ (independent of μ_q), w_min = min over the truncated support of p/q_tr (the notebook
    takes the minimum over R, which is smaller; both bound inf p/q_tr)."""
    mu_q, sigma_q, mu_p, sigma_p = check_gaussians(mu_q, sigma_q, mu_p, sigma_p)
    if not (0 < tail_mass < 1):
        raise ValueError(f"tail_mass must be in (0, 1), got {tail_mass}")
    d = mu_q.size
    dp = 1.0 - (1.0 - tail_mass) ** (1.0 / d)
    h = sigma_q * ndtri(1.0 - dp / 2.0)
    m = np.floor(1.0 / (ndtr(h / sigma_p) - ndtr(-h / sigma_p))).astype(np.int64)
    lo, hi = mu_q - h, mu_q + h
    log_z = np.full(d, math.log1p(-dp))
    # log(p/q_tr)(z) is quadratic in z: its minimum over [lo, hi] is at an end or at the vertex
    cands = [lo, hi]
    den = sigma_p**2 - sigma_q**2
    with np.errstate(divide="ignore", invalid="ignore"):
        xs = np.where(den != 0, (sigma_p**2 * mu_q - sigma_q**2 * mu_p) / np.where(den != 0, den, 1.0), lo)
    cands.append(np.clip(xs, lo, hi))
    vals = np.min([_log_p(c, mu_p, sigma_p) - _log_q_tr(c, mu_q, sigma_q, log_z) for c in cands], axis=0)
    return HybridSetup(m, lo, hi, float(np.sum(vals)), log_z)


def _log_p(z, mu, sigma):
    return -0.5 * ((z - mu) / sigma) ** 2 - np.log(sigma) - _LOG_SQRT_2PI


def _log_q_tr(z, mu, sigma, log_z):
    return _log_p(z, mu, sigma) - log_z


def _phi(y, m, mu_p, sigma_p):
    """φ(y) = F_p⁻¹(y/M) for the Gaussian p."""
    return mu_p + sigma_p * ndtri(y / m)


def _dither(seed: int, idx: np.ndarray, d: int) -> np.ndarray:
    return R.uniform(seed, R.STREAM_DITHER, idx, d, open=True)


def hybrid_search(log_q_phi, c: np.ndarray, log_w_max: float, seed: int, max_iter: int = DEFAULT_MAX_ITER,
                  block: int = 64):
    """PFR against the unit-cube bridge U[c − ½, c + ½)^d (digest §3.6, step 3): returns
    (n, k_n, y_n, candidates drawn). Candidate n: u_n from stream 3, k_n = ⌊c − u_n + ½⌋,
    y_n = k_n + u_n, score log T_n − log q_φ(y_n); stop when log T_n − log_w_max ≥ best (the PFR rule
    with sup ℓ = log_w_max). Candidates are scored in blocks; the result equals the one-by-one loop."""
    d = c.size
    best, kept, t = math.inf, None, 0.0
    start = 0
    while start < max_iter:
        idx = np.arange(start, min(start + block, max_iter), dtype=np.uint64)
        u = _dither(seed, idx, d)
        kk = np.floor(c - u + 0.5)
        y = kk + u
        times = t + np.cumsum(R.exponential(seed, R.STREAM_NOISE, idx))
        with np.errstate(divide="ignore"):
            lt = np.log(times)
        lq = log_q_phi(y)
        s = np.where(lq == -np.inf, np.inf, lt - lq)
        for j in range(idx.size):
            if kept is not None and lt[j] - log_w_max >= best:
                return kept[0], kept[1], kept[2], start + j
            if s[j] < best:
                best, kept = s[j], (start + j, kk[j].astype(np.int64), y[j])
        t = float(times[-1])
        start += idx.size
        block = min(2 * block, 1 << 14)
    raise RccCapError(f"hybrid coding drew max_iter={max_iter} candidates without stopping")


def _k_put(out: _Bits, k: np.ndarray, m: np.ndarray):
    """k as v = Σ_d k_d ∏_{d'<d} M_{d'} ∈ [0, R), R = ∏M, in the truncated binary code:
    with b = ⌊log2 R⌋ and u = 2^(b+1) − R, v < u takes b bits, otherwise v + u in b + 1 bits
    (mean within 0.09 bit of log2 R)."""
    v, radix = 0, 1
    for kd, md in zip(k.tolist(), m.tolist()):
        v += kd * radix
        radix *= md
    b = radix.bit_length() - 1
    u = (1 << (b + 1)) - radix
    if v < u:
        out.put(v, b)
    else:
        out.put(v + u, b + 1)


def _k_get(rd: _Reader, m: np.ndarray) -> np.ndarray:
    radix = int(np.prod([int(x) for x in m]))
    b = radix.bit_length() - 1
    u = (1 << (b + 1)) - radix
    v = 0
    for _ in range(b):
        v = (v << 1) | rd.bit()
    if v >= u:
        v = ((v << 1) | rd.bit()) - u
    k = []
    for md in m.tolist():
        k.append(v % md)
        v //= md
    return np.array(k, dtype=np.int64)


def hybrid_gaussian_info_bits(sigma_x, sigma_q=1.0) -> float:
    """I(X; Z) in bits for the notebook's Gaussian experiment (digest §5.2): X ~ N(0, diag σ_x²),
    target q_X = N(X, diag σ_q²), proposal p = N(0, σ_q² + σ_x²) (the marginal of Z). I is the
    average coding target E_X D(q_X‖p); D is linear in a² = (X/σ_p)², so it is evaluated with
    :func:`refimpl.rcc._common.gaussian_kl_bits` at E a² = σ_x²/σ_p², s = σ_q/σ_p
    (= Σ_d ½ log2(1 + σ_x²/σ_q²))."""
    sx = np.atleast_1d(np.asarray(sigma_x, dtype=np.float64))
    sq = np.broadcast_to(np.asarray(sigma_q, dtype=np.float64), sx.shape)
    if sx.ndim != 1 or not np.all(np.isfinite(sx)) or np.any(sx < 0):
        raise ValueError("sigma_x must be finite and >= 0 (scalar or 1-D)")
    if not np.all(np.isfinite(sq)) or np.any(sq <= 0):
        raise ValueError("sigma_q must be finite and > 0")
    sp = np.sqrt(sq * sq + sx * sx)
    return float(np.sum(gaussian_kl_bits(sx / sp, sq / sp)))


def hybrid_cost_bounds(info_bits: float, m) -> tuple[float, float]:
    """(I, I + log2(I − log2 ∏M + 1) + 4): the coded bounds of ``coding_cost_hybrid`` (B14)."""
    lm = float(np.sum(np.log2(np.asarray(m, dtype=np.float64))))
    return info_bits, info_bits + math.log2(max(info_bits - lm, 0.0) + 1.0) + 4.0


def hybrid_encode_gaussian(mu_q, sigma_q, mu_p, sigma_p, seed: int, info_bits: float,
                           tail_mass: float = 1e-4, max_iter: int = DEFAULT_MAX_ITER) -> HybridEncoded:
    """Hybrid coding of q = N(μ_q, diag σ_q²) truncated to mass 1 − ``tail_mass``, against
    p = N(μ_p, diag σ_p²) (the notebook's ``sample_gaussian``). ``info_bits`` (I, shared with the
    decoder) sets λ = 1 + 1/(I − log2 ∏M + log2(e)/e + 1). Stream: Zipf codeword of n + 1, then k as
    the mixed-radix integer Σ k_d ∏_{d'<d} M_d' in the truncated binary code (:func:`_k_put`)."""
    st = hybrid_gaussian_setup(mu_q, sigma_q, mu_p, sigma_p, tail_mass)
    mu_q, sigma_q, mu_p, sigma_p = check_gaussians(mu_q, sigma_q, mu_p, sigma_p)
    seed = check_seed(seed)
    max_iter = check_int(max_iter, "max_iter", 1)
    m = st.m.astype(np.float64)
    a, b = m * ndtr((st.lo - mu_p) / sigma_p), m * ndtr((st.hi - mu_p) / sigma_p)
    if np.any(b - a > 1.0 + 1e-12):
        raise ValueError("the transformed support must have width <= 1 in every dimension")
    c = np.clip((a + b) / 2.0, 0.5, m - 0.5)
    log_m = float(np.sum(np.log(m)))

    def log_q_phi(y):
        z = _phi(y, m, mu_p, sigma_p)
        inside = np.all((z >= st.lo) & (z <= st.hi), axis=-1)
        v = np.sum(_log_q_tr(z, mu_q, sigma_q, st.log_z) - _log_p(z, mu_p, sigma_p), axis=-1) - log_m
        return np.where(inside, v, -np.inf)

    n, k, y, iters = hybrid_search(log_q_phi, c, -(st.log_w_min + log_m), seed, max_iter)
    lam = zipf_lambda(zipf_mu_hat(info_bits, "hybrid", log_m * LOG2E))
    out = _Bits()
    _put_rank(out, n + 1, zipf_table(lam, ZIPF_TABLE_SIZE, True), ZIPF_PRECISION, True, lam)
    _k_put(out, k, st.m)
    ideal = float(zipf_ideal_bits(n + 1, lam)) + log_m * LOG2E
    return HybridEncoded(int(n), k, _phi(y, m, mu_p, sigma_p), out.to_bytes(), len(out.bits), ideal, int(iters))


def hybrid_decode_gaussian(data: bytes, nbits: int, sigma_q, mu_p, sigma_p, seed: int, info_bits: float,
                           tail_mass: float = 1e-4) -> np.ndarray:
    """Decode :func:`hybrid_encode_gaussian`: M from (σ_q, σ_p, tail_mass) — independent of μ_q —
    then z = φ(k + u_n) with u_n regenerated from (seed, n)."""
    from ..errors import DecodeError

    st = hybrid_gaussian_setup(mu_p, sigma_q, mu_p, sigma_p, tail_mass)
    _, _, mu_p, sigma_p = check_gaussians(mu_p, sigma_q, mu_p, sigma_p)
    m = st.m.astype(np.float64)
    lam = zipf_lambda(zipf_mu_hat(info_bits, "hybrid", float(np.sum(np.log2(m)))))
    rd = _Reader(bytes(data), check_int(nbits, "nbits", 0))
    n = _get_rank(rd, zipf_table(lam, ZIPF_TABLE_SIZE, True), ZIPF_PRECISION, True, lam) - 1
    k = _k_get(rd, st.m)
    if rd.pos != rd.nbits:
        raise DecodeError("bits left over after the hybrid message")
    if n >= 1 << 63:
        raise DecodeError("decoded index out of range")
    u = _dither(check_seed(seed), np.array([n], dtype=np.uint64), m.size)[0]
    return _phi(k + u, m, mu_p, sigma_p)
