"""Numba kernels for logistic LDA. Readable twins: :func:`refimpl.lda.special.digamma_twin` (ψ)
and :func:`refimpl.lda.inference.lda_infer_twin` (the sweeps of (U1)–(U3)).

Kernels re-check their bounds (offsets, labels) and raise ValueError instead of reading out of
range; the public wrappers validate everything first with messages naming the argument.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .special import ASYMPTOTIC, ROOT, ROOT_RADIUS, ROOT_VALUE, ROOT_ZETA, SHIFT_TO

_EPS60 = 2.0**-60


@njit(cache=True)
def digamma(x):
    """ψ(x) for x > 0: Taylor series at the root, else recurrence to x ≥ 10 + asymptotic series."""
    if not x > 0.0:
        return math.nan
    if math.isinf(x):
        return math.inf
    h = x - ROOT
    if abs(h) < ROOT_RADIUS:
        total = ROOT_VALUE
        power = 1.0
        for k in range(1, ROOT_ZETA.shape[0] + 1):
            power *= h
            term = ROOT_ZETA[k - 1] * power
            if k % 2 == 0:
                term = -term
            total += term
            if abs(term) < _EPS60 * abs(total):
                break
        return total
    shift = 0.0
    while x < SHIFT_TO:
        shift += 1.0 / x
        x += 1.0
    inv2 = 0.0 if x > 1e150 else 1.0 / (x * x)
    series = 0.0
    for k in range(ASYMPTOTIC.shape[0] - 1, -1, -1):
        series = (series + ASYMPTOTIC[k]) * inv2
    return math.log(x) - 0.5 / x - series - shift


@njit(cache=True)
def digamma_array(x):
    out = np.empty(x.shape[0])
    for i in range(x.shape[0]):
        out[i] = digamma(x[i])
    return out


@njit(cache=True)
def _softmax_row(z, out):
    """out = softmax(z), by log-sum-exp (subtract the maximum)."""
    m = z[0]
    for k in range(1, z.shape[0]):
        if z[k] > m:
            m = z[k]
    s = 0.0
    for k in range(z.shape[0]):
        out[k] = math.exp(z[k] - m)
        s += out[k]
    for k in range(z.shape[0]):
        out[k] /= s


@njit(cache=True)
def _u3(alpha, lam, p_dn, a, b, p_d_row, alpha_hat_row):
    """(U3) α̂_d = α + Σ_n p̂_dn + λ p̂_d (sum over items in order)."""
    K = alpha.shape[0]
    for k in range(K):
        alpha_hat_row[k] = 0.0
    for n in range(a, b):
        for k in range(K):
            alpha_hat_row[k] += p_dn[n, k]
    for k in range(K):
        alpha_hat_row[k] = alpha[k] + alpha_hat_row[k] + lam * p_d_row[k]


@njit(cache=True)
def infer(g, offsets, alpha, lam, c, sweeps, p_dn, p_d, alpha_hat):
    """``sweeps`` × [(U3), (U1), (U3), (U2) if c_d < 0], then a final (U3), for every group.

    Writes into p_dn (N, K), p_d (D, K), alpha_hat (D, K)."""
    N, K = g.shape
    D = offsets.shape[0] - 1
    if offsets[0] != 0 or offsets[D] != N or c.shape[0] != D:
        raise ValueError("offsets must run from 0 to N and c must have one entry per group")
    psi = np.empty(K)
    z = np.empty(K)
    for d in range(D):
        a = offsets[d]
        b = offsets[d + 1]
        if b < a or c[d] >= K or c[d] < -1:
            raise ValueError("offsets must be non-decreasing and labels in [-1, K)")
        for n in range(a, b):
            for k in range(K):
                p_dn[n, k] = 1.0 / K
        for k in range(K):
            p_d[d, k] = 1.0 / K if c[d] < 0 else 0.0
        if c[d] >= 0:
            p_d[d, c[d]] = 1.0
        for _ in range(sweeps):
            _u3(alpha, lam, p_dn, a, b, p_d[d], alpha_hat[d])
            for k in range(K):
                psi[k] = digamma(alpha_hat[d, k])
            for n in range(a, b):  # (U1)
                for k in range(K):
                    z[k] = g[n, k] + psi[k]
                _softmax_row(z, p_dn[n])
            _u3(alpha, lam, p_dn, a, b, p_d[d], alpha_hat[d])
            if c[d] < 0:  # (U2)
                for k in range(K):
                    z[k] = lam * digamma(alpha_hat[d, k])
                _softmax_row(z, p_d[d])
        _u3(alpha, lam, p_dn, a, b, p_d[d], alpha_hat[d])
