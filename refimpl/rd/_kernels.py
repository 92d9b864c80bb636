"""Numba hot paths of :mod:`refimpl.rd` (readable twins live beside their callers)."""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def _dot4(A, i, q, m):
    """Σ_j A[i, j] q[j] with four interleaved partial sums (lets the loop vectorise without
    fastmath; the order is fixed, so the result is deterministic)."""
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    j = 0
    while j + 4 <= m:
        s0 += A[i, j] * q[j]
        s1 += A[i, j + 1] * q[j + 1]
        s2 += A[i, j + 2] * q[j + 2]
        s3 += A[i, j + 3] * q[j + 3]
        j += 4
    while j < m:
        s0 += A[i, j] * q[j]
        j += 1
    return (s0 + s1) + (s2 + s3)


@njit(cache=True)
def ba_iterate_kernel(p, A, q0, tol_nats, max_iter):
    """Blahut–Arimoto fixed-point iteration on the output law q (twin:
    :func:`refimpl.rd.blahut_arimoto.ba_iterate_twin`). ``A[i, j] = exp(−β(d_ij − min_j d_ij))``
    (or the 0/1 mask of row minima at β = ∞). Stops when the certified gap
    max_j ln c_j − Σ_j q_j c_j ln c_j is at most ``tol_nats``. Returns (q, gap, iterations)."""
    n, m = A.shape
    if p.shape[0] != n or q0.shape[0] != m:
        raise ValueError("shape mismatch")
    q = q0.copy()
    Z = np.empty(n)
    c = np.empty(m)
    gap = np.inf
    it = 0
    while True:
        for i in range(n):
            Z[i] = _dot4(A, i, q, m)
        for j in range(m):
            c[j] = 0.0
        for i in range(n):
            if p[i] > 0.0:
                w = p[i] / Z[i]
                for j in range(m):
                    c[j] += w * A[i, j]
        cmax = -np.inf
        mean = 0.0
        for j in range(m):
            if c[j] > 0.0:
                lc = math.log(c[j])
                if lc > cmax:
                    cmax = lc
                qn = q[j] * c[j]
                if qn > 0.0:
                    mean += qn * lc
        gap = cmax - mean
        if gap <= tol_nats or it >= max_iter:
            break
        tot = 0.0
        for j in range(m):
            q[j] = q[j] * c[j]
            tot += q[j]
        for j in range(m):
            q[j] = q[j] / tot
        it += 1
    return q, gap, it


@njit(cache=True)
def _lse_row(C, i, v):
    m = -np.inf
    for j in range(C.shape[1]):
        t = C[i, j] + v[j]
        if t > m:
            m = t
    s = 0.0
    for j in range(C.shape[1]):
        s += math.exp(C[i, j] + v[j] - m)
    return m + math.log(s)


@njit(cache=True)
def _lse_col(C, j, u):
    m = -np.inf
    for i in range(C.shape[0]):
        t = C[i, j] + u[i]
        if t > m:
            m = t
    s = 0.0
    for i in range(C.shape[0]):
        s += math.exp(C[i, j] + u[i] - m)
    return m + math.log(s)


@njit(cache=True)
def sinkhorn_kernel(lp, lr, C, tol, max_iter):
    """Log-domain Sinkhorn for π_ij = p_i r_j exp(f_i + g_j + C_ij) with marginals (p, r)
    (twin: :func:`refimpl.rd.rdpf.sinkhorn_twin`). Stops when the row-marginal error (the
    column marginals are exact after each g update) is below ``tol``. Returns (f, g, iters)."""
    n, m = C.shape
    if lp.shape[0] != n or lr.shape[0] != m:
        raise ValueError("shape mismatch")
    f = np.zeros(n)
    g = np.zeros(m)
    u = np.empty(n)
    v = np.empty(m)
    it = 0
    while it < max_iter:
        for j in range(m):
            v[j] = lr[j] + g[j]
        for i in range(n):
            f[i] = -_lse_row(C, i, v)
        for i in range(n):
            u[i] = lp[i] + f[i]
        for j in range(m):
            g[j] = -_lse_col(C, j, u)
        it += 1
        err = 0.0
        for j in range(m):
            v[j] = lr[j] + g[j]
        for i in range(n):
            row = math.exp(lp[i] + f[i] + _lse_row(C, i, v))
            e = abs(row - math.exp(lp[i]))
            if e > err:
                err = e
        if err < tol:
            break
    return f, g, it


@njit(cache=True)
def _ba_map(p, A, q, out, Z, c):
    """One BA map q → q·c/Σ(q·c) into ``out``; returns (certified gap of q in nats, f(q))
    with f(q) = −Σ p ln (Aq)."""
    n, m = A.shape
    f = 0.0
    for i in range(n):
        Z[i] = _dot4(A, i, q, m)
        if p[i] > 0.0:
            f -= p[i] * math.log(Z[i])
    for j in range(m):
        c[j] = 0.0
    for i in range(n):
        if p[i] > 0.0:
            w = p[i] / Z[i]
            for j in range(m):
                c[j] += w * A[i, j]
    cmax = -np.inf
    mean = 0.0
    tot = 0.0
    for j in range(m):
        qn = q[j] * c[j]
        out[j] = qn
        tot += qn
        if c[j] > 0.0:
            lc = math.log(c[j])
            if lc > cmax:
                cmax = lc
            if qn > 0.0:
                mean += qn * lc
    for j in range(m):
        out[j] = out[j] / tot
    return cmax - mean, f


@njit(cache=True)
def _objective(p, A, q, Z):
    n, m = A.shape
    f = 0.0
    for i in range(n):
        Z[i] = _dot4(A, i, q, m)
        if p[i] > 0.0:
            f -= p[i] * math.log(Z[i])
    return f


@njit(cache=True)
def ba_squarem_kernel(p, A, q0, tol_nats, max_iter):
    """Blahut–Arimoto accelerated by SQUAREM (Varadhan & Roland 2008, scheme S3) with the
    certified stop of :func:`ba_iterate_kernel` (twin:
    :func:`refimpl.rd.blahut_arimoto.ba_squarem_twin`). Each cycle: q1 = F(q), q2 = F(q1),
    r = q1 − q, v = q2 − 2q1 + q, α = min(−‖r‖/‖v‖, −1) halved towards −1 until
    q − 2αr + α²v > 0, kept if f does not exceed f(q2), else q2. Returns (q, gap, BA maps)."""
    n, m = A.shape
    if p.shape[0] != n or q0.shape[0] != m:
        raise ValueError("shape mismatch")
    q = q0.copy()
    q1 = np.empty(m)
    q2 = np.empty(m)
    qn = np.empty(m)
    Z = np.empty(n)
    c = np.empty(m)
    it = 0
    while True:
        gap, f0 = _ba_map(p, A, q, q1, Z, c)
        it += 1
        if gap <= tol_nats or it >= max_iter:
            return q, gap, it
        gap1, f1 = _ba_map(p, A, q1, q2, Z, c)
        it += 1
        if gap1 <= tol_nats or it >= max_iter:
            return q1, gap1, it
        nr = 0.0
        nv = 0.0
        for j in range(m):
            r = q1[j] - q[j]
            v = q2[j] - 2.0 * q1[j] + q[j]
            nr += r * r
            nv += v * v
        if nv == 0.0:
            q[:] = q2
            continue
        a = min(-math.sqrt(nr) / math.sqrt(nv), -1.0)
        while True:
            pos = True
            for j in range(m):
                r = q1[j] - q[j]
                v = q2[j] - 2.0 * q1[j] + q[j]
                qn[j] = q[j] - 2.0 * a * r + a * a * v
                if qn[j] <= 0.0:
                    pos = False
            if pos or a >= -1.0:
                break
            a = 0.5 * (a - 1.0)
        tot = 0.0
        for j in range(m):
            qn[j] = max(qn[j], 1e-300)
            tot += qn[j]
        for j in range(m):
            qn[j] = qn[j] / tot
        if _objective(p, A, qn, Z) <= _objective(p, A, q2, Z):
            q[:] = qn
        else:
            q[:] = q2
