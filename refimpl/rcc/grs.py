"""Greedy rejection sampling (GRS) for discrete targets, exact with unbounded candidates.

Citation: Harsha, Jain, McAllester & Radhakrishnan, *The communication complexity of
correlation* (CCC 2007 / IEEE T-IT 2010), the greedy rejection sampler; notebook
``select_harsha`` of Theis & Yosri (ICML 2022). Digest §3.5, B9, B10.

| symbol | name | meaning |
|---|---|---|
| z_n ~ p | candidate n | stream 0 (categorical) |
| U_n | uniform | stream 2 |
| L_n, R_n | :func:`refimpl.rcc.grs_schedule` | level and remaining mass before step n |
| accept iff U_n·R_n < w(z_n) − L_n | — | GRS acceptance (probability min(1, (w − L_n)₊/R_n)) |
| E[N] = sup w = 2^{D_∞} | :func:`grs_expected_steps` | expected candidates (B10) |
"""

from __future__ import annotations


import numpy as np

from .. import random as R
from ._common import DEFAULT_MAX_ITER, LOG2E, RccCapError, check_int, check_q_p, check_seed
from .index_codes import index_decode, index_encode, zipf_lambda
from .pfr import RccEncoded
from .select import rcc_categorical_candidates

__all__ = ["grs_encode_categorical", "grs_decode_categorical", "grs_expected_steps", "grs_mu_hat"]

_BLOCK = 256


def grs_mu_hat(q, p) -> float:
    """Decoder-known Zipf parameter for GRS: max(D_∞, 0.01) bits, since E[log2 K] ≤ log2 E[K] = D_∞
    by Jensen's inequality (B10)."""
    q, p, lw = check_q_p(q, p)
    return max(float(np.max(lw[q > 0])) * LOG2E, 0.01)


def grs_expected_steps(q, p, tol: float = 1e-13, max_steps: int = 10**7) -> float:
    """E[N] = Σ_n P(reach step n) = Σ_n R_n from the exact schedule (digest §7.9); stops when the
    remaining mass R_n < tol."""
    q, p, lw = check_q_p(q, p)
    w = np.exp(lw)
    level, total = 0.0, 0.0
    for _ in range(max_steps):
        r = float(np.sum(p * np.maximum(w - level, 0.0)))
        total += r
        level += r
        if r < tol:
            return total
    raise RccCapError(f"GRS schedule did not converge in {max_steps} steps")


def grs_encode_categorical(q, p, seed: int, mu_hat: float | None = None,
                           max_iter: int = DEFAULT_MAX_ITER) -> RccEncoded:
    """Exact GRS: the first candidate n with U_n·R_n < w(z_n) − L_n (digest §3.5). Candidates are
    drawn in blocks of 256, which changes nothing but speed. ``mu_hat`` defaults to
    :func:`grs_mu_hat`. Raises :class:`RccCapError` after ``max_iter`` candidates."""
    q, p, lw = check_q_p(q, p)
    seed = check_seed(seed)
    max_iter = check_int(max_iter, "max_iter", 1)
    if mu_hat is None:
        mu_hat = grs_mu_hat(q, p)
    w = np.exp(lw)
    level = 0.0
    for start in range(0, max_iter, _BLOCK):
        idx = np.arange(start, min(start + _BLOCK, max_iter), dtype=np.uint64)
        z = rcc_categorical_candidates(p, seed, idx)
        u = R.uniform(seed, R.STREAM_UNIFORMS, idx)
        for j in range(idx.size):
            r = float(np.sum(p * np.maximum(w - level, 0.0)))
            if u[j] * r < w[z[j]] - level:
                k = start + j
                code = index_encode([k + 1], zipf_lambda(mu_hat))
                return RccEncoded(k, int(z[j]), code.data, code.nbits, code.ideal_bits, k + 1)
            level += r
    raise RccCapError(f"GRS drew max_iter={max_iter} candidates without accepting")


def grs_decode_categorical(data: bytes, nbits: int, p, seed: int, mu_hat: float) -> int:
    """Decode :func:`grs_encode_categorical`: candidate ``index`` regenerated from (seed, index)."""
    k = int(index_decode(data, nbits, zipf_lambda(mu_hat), 1)[0]) - 1
    return int(rcc_categorical_candidates(p, check_seed(seed), np.array([k], dtype=np.uint64))[0])


