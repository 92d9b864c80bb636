"""Exact Poisson functional representation (PFR) with unbounded candidates and early stopping.

Citation: Li & El Gamal, *Strong functional representation lemma and applications to coding
theorems* (IEEE T-IT 2018), §II (the Poisson functional representation); stopping rule as in
Theis & Yosri (ICML 2022), notebook ``sample_pfr`` (``while s > t·w_min``). Digest §3.2, B2–B4.

| symbol | name | meaning |
|---|---|---|
| z_n ~ p | candidate n (0-based) | stream 0 of ``seed`` (categorical word / d normals) |
| T_n = E_1 + … + E_n | ``t`` | arrival times, E_n from stream 1 |
| ℓ(z) | ``log_w`` | log q(z) − log p(z) (nats) |
| ℓ_max = log sup w | ``log_w_max`` | stopping bound; must be finite |
| K = argmin_n T_n / w(z_n) | ``index`` (0-based; rank K = index + 1) | selected candidate |
| μ̂ | ``mu_hat`` | Zipf parameter shared with the decoder (default D + log2(e)/e + 1) |

Stopping: every later candidate has T ≥ T_n, so once log T_n − ℓ_max ≥ best score no later
candidate can win; the index equals the truncated argmin over any N ≥ the candidates drawn.
"""

from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np

from .. import random as R
from ._common import (DEFAULT_MAX_ITER, RccCapError, check_gaussians, check_int, check_q_p,
                      check_seed, gaussian_kl_bits, gaussian_log_w_max, kl_bits, whiten)
from .index_codes import index_decode, index_encode, zipf_lambda, zipf_mu_hat
from .select import _keys, rcc_categorical_candidates, rcc_gaussian_candidates

__all__ = ["RccEncoded", "pfr_search", "pfr_encode_categorical", "pfr_decode_categorical",
           "pfr_encode_gaussian", "pfr_decode_gaussian", "pfr_index_law"]


class RccEncoded(NamedTuple):
    """Result of an exact sampler's encoder: 0-based ``index``, the ``sample`` the decoder will
    reproduce, the index bitstream (``data``, exact length ``nbits``), its ``ideal_bits``, and
    ``iterations`` (candidates drawn)."""

    index: int
    sample: object
    data: bytes
    nbits: int
    ideal_bits: float
    iterations: int


def pfr_search(log_w_of: Callable[[int], float], log_w_max: float, seed: int,
               max_iter: int = DEFAULT_MAX_ITER) -> tuple[int, int]:
    """Readable exact PFR loop (digest §3.2): returns (0-based index, candidates drawn).

    ``log_w_of(n)`` is ℓ of candidate n; E_n is stream 1, word 0 of counter (n, 0, 1, 0).
    Raises :class:`RccCapError` after ``max_iter`` candidates."""
    if not math.isfinite(log_w_max):
        raise ValueError("log_w_max must be finite: exact PFR needs sup w < inf to stop")
    best, k, t = math.inf, -1, 0.0
    for n in range(max_iter):
        t += float(R.exponential(seed, R.STREAM_NOISE, np.array([n], dtype=np.uint64))[0])
        if k >= 0 and math.log(t) - log_w_max >= best:
            return k, n
        lw = log_w_of(n)
        s = math.inf if lw == -math.inf else math.log(t) - lw
        if s < best:
            best, k = s, n
    raise RccCapError(f"PFR drew max_iter={max_iter} candidates without stopping")


def _finish(k: int, iters: int, sample, mu_hat: float) -> RccEncoded:
    code = index_encode([k + 1], zipf_lambda(mu_hat))
    return RccEncoded(k, sample, code.data, code.nbits, code.ideal_bits, iters)


def pfr_encode_categorical(q, p, seed: int, mu_hat: float | None = None,
                           max_iter: int = DEFAULT_MAX_ITER, fast: bool = True) -> RccEncoded:
    """Exact PFR for a discrete target q against proposal p (both pmfs over 0..A−1).
    ``mu_hat`` (shared with the decoder) defaults to D(q‖p) + log2(e)/e + 1 (digest §4).
    ``fast=False`` runs the readable loop :func:`pfr_search` instead of the Numba kernel."""
    q, p, lw = check_q_p(q, p)
    seed = check_seed(seed)
    max_iter = check_int(max_iter, "max_iter", 1)
    lmax = float(np.max(lw[p > 0]))
    if mu_hat is None:
        mu_hat = zipf_mu_hat(kl_bits(q, p))
    if fast:
        from ._kernels import pfr_exact_categorical_kernel
        k0, k1 = _keys(seed)
        k, iters = pfr_exact_categorical_kernel(lw, np.cumsum(p), lmax, k0[0], k1[0], max_iter)
        if k < 0:
            raise RccCapError(f"PFR drew max_iter={max_iter} candidates without stopping")
    else:
        k, iters = pfr_search(lambda n: lw[rcc_categorical_candidates(p, seed, np.array([n], dtype=np.uint64))[0]],
                              lmax, seed, max_iter)
    z = int(rcc_categorical_candidates(p, seed, np.array([k], dtype=np.uint64))[0])
    return _finish(int(k), int(iters), z, mu_hat)


def pfr_decode_categorical(data: bytes, nbits: int, p, seed: int, mu_hat: float) -> int:
    """Decode :func:`pfr_encode_categorical`: read the rank, regenerate candidate index from (seed, index)."""
    k = int(index_decode(data, nbits, zipf_lambda(mu_hat), 1)[0]) - 1
    return int(rcc_categorical_candidates(p, check_seed(seed), np.array([k], dtype=np.uint64))[0])


def pfr_encode_gaussian(mu_q, sigma_q, mu_p, sigma_p, seed: int, mu_hat: float | None = None,
                        max_iter: int = DEFAULT_MAX_ITER, fast: bool = True) -> RccEncoded:
    """Exact PFR for q = N(μ_q, diag σ_q²) against p = N(μ_p, diag σ_p²). Needs a bounded density
    ratio (σ_q < σ_p, or σ_q = σ_p with μ_q = μ_p, in every dimension): otherwise ValueError up
    front, because the stopping rule would never fire. ``mu_hat`` defaults to D + 1.5307."""
    mu_q, sigma_q, mu_p, sigma_p = check_gaussians(mu_q, sigma_q, mu_p, sigma_p)
    seed = check_seed(seed)
    max_iter = check_int(max_iter, "max_iter", 1)
    a, s = whiten(mu_q, sigma_q, mu_p, sigma_p)
    lmax = gaussian_log_w_max(a, s)
    if not math.isfinite(lmax):
        raise ValueError("exact PFR needs sup w < inf: sigma_q < sigma_p (or equal with mu_q = mu_p) in every dimension")
    if mu_hat is None:
        mu_hat = zipf_mu_hat(float(np.sum(gaussian_kl_bits(a, s))))
    d = a.size
    if fast:
        from ._kernels import pfr_exact_gaussian_kernel
        k0, k1 = _keys(seed)
        k, iters = pfr_exact_gaussian_kernel(a, s, lmax, k0[0], k1[0], max_iter)
        if k < 0:
            raise RccCapError(f"PFR drew max_iter={max_iter} candidates without stopping")
    else:
        from ._common import gaussian_log_w_whitened

        def log_w_of(n):
            return float(gaussian_log_w_whitened(rcc_gaussian_candidates(seed, np.array([n], dtype=np.uint64), d)[0], a, s))
        k, iters = pfr_search(log_w_of, lmax, seed, max_iter)
    z = mu_p + sigma_p * rcc_gaussian_candidates(seed, np.array([k], dtype=np.uint64), d)[0]
    return _finish(int(k), int(iters), z, mu_hat)


def pfr_decode_gaussian(data: bytes, nbits: int, mu_p, sigma_p, seed: int, mu_hat: float) -> np.ndarray:
    """Decode :func:`pfr_encode_gaussian`: z = μ_p + σ_p·x_index."""
    mu_p = np.atleast_1d(np.asarray(mu_p, dtype=np.float64))
    sigma_p = np.broadcast_to(np.asarray(sigma_p, dtype=np.float64), mu_p.shape)
    k = int(index_decode(data, nbits, zipf_lambda(mu_hat), 1)[0]) - 1
    return mu_p + sigma_p * rcc_gaussian_candidates(check_seed(seed), np.array([k], dtype=np.uint64), mu_p.size)[0]


def pfr_index_law(q, p, kmax: int) -> np.ndarray:
    """Exact law of the 1-based PFR rank for discrete q, p (digest §2): P(K = k) =
    Σ_y q(y)·a(y)^(k−1)/(1 + a(y))^k with a(y) = Σ_{y'} p(y')(w(y) − w(y'))₊; k = 1..kmax."""
    q, p, lw = check_q_p(q, p)
    w = np.where(q > 0, np.exp(lw), 0.0)
    a = np.sum(p[None, :] * np.maximum(w[:, None] - w[None, :], 0.0), axis=1)
    k = np.arange(1, check_int(kmax, "kmax", 1) + 1, dtype=np.float64)
    m = q > 0
    r = a[m] / (1.0 + a[m])
    return np.sum(q[m, None] * r[:, None] ** (k[None, :] - 1) / (1.0 + a[m, None]), axis=0)
