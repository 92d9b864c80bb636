"""Numba kernel of :func:`refimpl.coding.models.quantize_pmf` (readable twin:
``models.quantize_pmf_py``; specification: ``specs/coding.md`` § quantize_pmf). Gains use
``math.log2`` (libm), the same function the twin calls, so both agree bit for bit."""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def _gain(p, f):
    """p·log2(1 + 1/f): decrease of the cross-entropy when f → f + 1 (bits)."""
    return p * math.log2(1.0 + 1.0 / f)


@njit(cache=True)
def quantize_rows(p, precision):
    """Frequencies (n, A) for normalised pmfs p (n, A): start, fill the deficit, exchange.

    Returns (f, bad): bad = −1 on success, else the first row whose deficit M − Σ f is outside
    [0, A] (impossible for a row summing to 1 up to round-off; guards the ``order[t]`` index)."""
    n, A = p.shape
    M = np.int64(1) << precision
    f = np.empty((n, A), dtype=np.int64)
    g = np.empty(A, dtype=np.float64)
    for r in range(n):
        total = np.int64(0)
        for k in range(A):
            f[r, k] = 1 + np.int64(math.floor(p[r, k] * float(M - A)))
            total += f[r, k]
        deficit = M - total
        if deficit < 0 or deficit > A:
            return f, r
        if deficit > 0:
            for k in range(A):
                g[k] = -_gain(p[r, k], float(f[r, k]))
            order = np.argsort(g, kind="mergesort")  # stable: ties keep the lower index first
            for t in range(deficit):
                f[r, order[t]] += 1
        for _ in range(4 * A + 64):
            j = 0
            gj = -1.0
            i = -1
            ci = math.inf
            for k in range(A):
                gk = _gain(p[r, k], float(f[r, k]))
                if gk > gj:
                    gj = gk
                    j = k
                if f[r, k] >= 2:
                    ck = _gain(p[r, k], float(f[r, k] - 1))
                    if ck < ci:
                        ci = ck
                        i = k
            if i < 0 or i == j or not gj > ci:
                break
            f[r, i] -= 1
            f[r, j] += 1
    return f, -1


@njit(cache=True)
def family_params_status(mu, sg):
    """One pass over per-symbol family parameters (float64 arrays of equal length), with the
    precedence of the readable checks in ``models.check_family_values_np``: 1 if some loc is not
    finite, else 2 if some scale is not finite, else 3 if some scale ≤ 0, else 0."""
    bad_sg_finite = False
    bad_sg_sign = False
    for i in range(mu.size):
        m = mu[i]
        if not (m - m == 0.0):  # NaN or ±inf
            return 1
        s = sg[i]
        if not (s - s == 0.0):
            bad_sg_finite = True
        elif s <= 0.0:
            bad_sg_sign = True
    if bad_sg_finite:
        return 2
    if bad_sg_sign:
        return 3
    return 0
