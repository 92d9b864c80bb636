"""The rate–distortion–perception function of a finite source, by a nested convex method.

Citation: Blau & Michaeli, ICML 2019 (the RDPF); Theis & Wagner, *A coding theorem for the
rate-distortion-perception function*, 2021 (its operational meaning); the nested algorithm is
that of the project digest (rdpf_uq_c3.md §1.6), solved here in Lagrangian form.

    R(D, P) = min_{r: δ(p, r) ≤ P}  min_{π ∈ Π(p, r), E_π d ≤ D}  KL(π ‖ p⊗r)

(with both marginals fixed, I(X; X̂) = KL(π ‖ p⊗r)). Dualising the distortion constraint with
β ≥ 0 (strong duality: everything is convex),

    R(D, P) = max_β  G(β) − βD,   G(β) = min_{r: δ(p,r) ≤ P}  F_β(r),
    F_β(r)  = min_{π ∈ Π(p, r)} KL(π ‖ p⊗r) + β E_π d          (entropic optimal transport)

F_β(r) is computed by log-domain Sinkhorn, π = p_i r_j exp(f_i + g_j − β d_ij); it is convex in
r with gradient g − 1 (envelope theorem), so G is a small convex program (bounded Brent for
|X| = 2, SLSQP over the TV ball otherwise). G(β) − βD is concave in β with derivative
E_π d − D, so the optimal β is found by bisection on the sign of E_π d − D; the optimal
channel is W = π / p at that β.

====================  ==========================================================
paper                 code
====================  ==========================================================
p_X                   ``p_x``
d(x, x̂)               ``d`` (square: X̂ takes values in the source alphabet)
D, P                  ``D``, ``P`` (TV distance ½ Σ |p − r|)
p_X̂ = r               ``RDPFResult.q``
p(x̂|x)                ``RDPFResult.channel``
β                     ``RDPFResult.beta`` (slope, nats per unit distortion)
====================  ==========================================================

Choices: rates are returned in bits; r is kept ≥ 1e-12 (Sinkhorn's 0/0, digest pitfall);
``D`` below the least distortion reachable under the perception constraint raises ValueError
(D_min(P) is a linear program); D = D_min(P) with a zero-diagonal d and D = 0 is solved exactly
(X̂ = X); only ``divergence="tv"`` is implemented.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from scipy.optimize import linprog, minimize, minimize_scalar
from scipy.special import logsumexp

from ._kernels import sinkhorn_kernel
from .blahut_arimoto import check_distortion, check_pmf, mutual_information

__all__ = ["RDPFResult", "rdpf", "rdpf_min_distortion", "entropic_ot"]

LN2 = math.log(2.0)
R_FLOOR = 1e-12


class RDPFResult(NamedTuple):
    """``rate`` R(D, P) in bits (dual value); ``channel`` W = p(x̂|x); ``q`` its output law;
    ``distortion`` E d under W; ``perception`` TV(p, q); ``beta`` the optimal slope;
    ``channel_rate`` I(p, W) in bits of the returned channel (equals ``rate`` up to the
    solver's accuracy)."""

    rate: float
    channel: np.ndarray
    q: np.ndarray
    distortion: float
    perception: float
    beta: float
    channel_rate: float


def sinkhorn_twin(lp, lr, C, tol, max_iter):
    """Readable twin of :func:`refimpl.rd._kernels.sinkhorn_kernel`: alternate the row and
    column scalings of π = p_i r_j exp(f_i + g_j + C_ij) (log domain). Returns (f, g, iters)."""
    g = np.zeros(lr.size)
    f = np.zeros(lp.size)
    it = 0
    while it < max_iter:
        f = -logsumexp(C + (lr + g)[None, :], axis=1)      # rows sum to p
        g = -logsumexp(C + (lp + f)[:, None], axis=0)      # columns sum to r
        it += 1
        rows = np.exp(lp + f + logsumexp(C + (lr + g)[None, :], axis=1))
        if np.max(np.abs(rows - np.exp(lp))) < tol:
            break
    return f, g, it


def entropic_ot(p, r, d, beta, tol=1e-14, max_iter=100_000, kernel=True):
    """F_β(r) = min_{π ∈ Π(p, r)} KL(π‖p⊗r) + β E_π d (nats) by log-domain Sinkhorn.
    Returns (F, π, g) with g the column potential (∂F/∂r_j = g_j − 1)."""
    lp, lr = np.log(p), np.log(r)
    C = -beta * d
    f, g, _ = (sinkhorn_kernel if kernel else sinkhorn_twin)(lp, lr, C, tol, max_iter)
    pi = np.exp(lp[:, None] + lr[None, :] + f[:, None] + g[None, :] + C)
    return float(p @ f + r @ g), pi, g


def _tv(p, r):
    return 0.5 * float(np.sum(np.abs(p - r)))


def _best_r(p, d, beta, P):
    """G(β) = min over r in the TV ball of F_β(r); returns (G, π, r)."""
    n = p.size
    if n == 2:
        lo, hi = max(R_FLOOR, p[1] - P), min(1.0 - R_FLOOR, p[1] + P)

        def F(s):
            return entropic_ot(p, np.array([1.0 - s, s]), d, beta)[0]

        if hi - lo < 1e-15:
            s = 0.5 * (lo + hi)
        else:
            s = minimize_scalar(F, bounds=(lo, hi), method="bounded",
                                options={"xatol": 1e-13, "maxiter": 500}).x
            for edge in (lo, hi):      # the minimiser may sit on the boundary of the ball
                if F(edge) < F(s):
                    s = edge
        r = np.array([1.0 - s, s])
    else:
        r = _best_r_slsqp(p, d, beta, P)
    Fv, pi, _ = entropic_ot(p, r, d, beta)
    return Fv, pi, r


def _best_r_slsqp(p, d, beta, P):
    """|X| > 2: SLSQP over z = (r, s) with −s ≤ r − p ≤ s, Σ s ≤ 2P, Σ r = 1, r ≥ 1e-12."""
    n = p.size

    def obj(z):
        r = z[:n]
        Fv, _, g = entropic_ot(p, r, d, beta, tol=1e-13)
        return Fv, np.concatenate([g - 1.0, np.zeros(n)])

    cons = [{"type": "eq", "fun": lambda z: np.sum(z[:n]) - 1.0,
             "jac": lambda z: np.concatenate([np.ones(n), np.zeros(n)])}]
    if math.isfinite(P):
        I = np.eye(n)
        cons += [
            {"type": "ineq", "fun": lambda z: z[n:] - (z[:n] - p), "jac": lambda z: np.hstack([-I, I])},
            {"type": "ineq", "fun": lambda z: z[n:] + (z[:n] - p), "jac": lambda z: np.hstack([I, I])},
            {"type": "ineq", "fun": lambda z: 2.0 * P - np.sum(z[n:]),
             "jac": lambda z: np.concatenate([np.zeros(n), -np.ones(n)])},
        ]
    z0 = np.concatenate([p, np.zeros(n)])
    bounds = [(R_FLOOR, 1.0)] * n + [(0.0, 1.0)] * n
    res = minimize(obj, z0, jac=True, method="SLSQP", bounds=bounds, constraints=cons,
                   options={"ftol": 1e-15, "maxiter": 500})
    r = np.maximum(res.x[:n], R_FLOOR)
    return r / r.sum()


def rdpf_min_distortion(p_x, d, P) -> float:
    """D_min(P) = min E d over channels whose output law is within TV distance P of p (a linear
    program over the joint π and slacks s: −s ≤ π-column-sums − p ≤ s, Σ s ≤ 2P)."""
    p = check_pmf(p_x)
    d = check_distortion(d, p.size)
    P = _check_P(P)
    n, m = d.shape
    if math.isinf(P):
        return float(np.sum(p * d.min(axis=1)))
    c = np.concatenate([d.ravel(), np.zeros(m)])
    A_eq = np.zeros((n, n * m + m))
    for i in range(n):
        A_eq[i, i * m:(i + 1) * m] = 1.0
    col = np.zeros((m, n * m))
    for j in range(m):
        col[j, j::m] = 1.0
    A_ub = np.vstack([np.hstack([col, -np.eye(m)]), np.hstack([-col, -np.eye(m)]),
                      np.concatenate([np.zeros(n * m), np.ones(m)])[None, :]])
    b_ub = np.concatenate([p, -p, [2.0 * P]])
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=p, bounds=(0, None), method="highs")
    return float(res.fun)


def _check_P(P) -> float:
    try:
        v = float(P)
    except (TypeError, ValueError):
        raise ValueError(f"P must be a real number >= 0 (or inf), got {P!r}") from None
    if math.isnan(v) or v < 0:
        raise ValueError(f"P must be >= 0 (or inf), got {v}")
    return v


def rdpf(p_x, d, D, P, divergence: str = "tv", *, tol_beta: float = 1e-10) -> RDPFResult:
    """R(D, P) in bits of a finite source (digest §1.6, Lagrangian form; see module docstring),
    with the optimal channel. ``P = inf`` removes the perception constraint (R(D)). Raises
    ValueError for a bad pmf or matrix, a non-square d, P < 0, an unknown divergence, or
    D < D_min(P) (no channel reaches it)."""
    if divergence != "tv":
        raise ValueError(f"divergence must be 'tv' (the only one implemented), got {divergence!r}")
    p = check_pmf(p_x)
    d = check_distortion(d, p.size)
    if d.shape[0] != d.shape[1]:
        raise ValueError(f"d must be square (X̂ in the source alphabet for δ(p_X, p_X̂)), got {d.shape}")
    P = _check_P(P)
    try:
        D = float(D)
    except (TypeError, ValueError):
        raise ValueError(f"D must be a real number, got {D!r}") from None
    if not math.isfinite(D) or D < 0:
        raise ValueError(f"D must be finite and >= 0, got {D}")
    if np.any(p == 0):
        raise ValueError("p_x must have full support (drop zero-probability letters)")
    Dmin = rdpf_min_distortion(p, d, P)
    if D < Dmin - 1e-12:
        raise ValueError(f"D must be >= D_min(P) = {Dmin!r} (least distortion under the perception constraint), got {D!r}")
    offdiag = d[~np.eye(p.size, dtype=bool)]
    if D <= 1e-12 and np.all(np.diag(d) == 0) and np.all(offdiag > 0):
        W = np.eye(p.size)                       # X̂ = X is the only channel with E d = 0
        return _result(p, d, W, float(-np.sum(p * np.log2(p))) + 0.0, math.inf)
    scale = float(np.max(d) - np.min(d)) or 1.0
    Gv, pi, r = _best_r(p, d, 1e-9 / scale, P)
    if float(np.sum(pi * d)) <= D:               # D >= D_max(P): rate 0 with X̂ ⫫ X
        return _result(p, d, pi / p[:, None], 0.0, 0.0)
    # bracket the slope: E_π d is non-increasing in β
    b_lo, b_hi = 0.0, 1.0 / scale
    Gv, pi, r = _best_r(p, d, b_hi, P)
    while float(np.sum(pi * d)) > D and b_hi < 1e7 / scale:
        b_lo, b_hi = b_hi, 2.0 * b_hi
        Gv, pi, r = _best_r(p, d, b_hi, P)
    while b_hi - b_lo > tol_beta * max(1.0, b_hi):
        b = 0.5 * (b_lo + b_hi)
        Gv, pi, r = _best_r(p, d, b, P)
        if float(np.sum(pi * d)) > D:
            b_lo = b
        else:
            b_hi = b
    Gv, pi, r = _best_r(p, d, b_hi, P)
    rate = (Gv - b_hi * D) / LN2
    return _result(p, d, pi / p[:, None], rate, b_hi)


def _result(p, d, W, rate, beta) -> RDPFResult:
    W = W / W.sum(axis=1, keepdims=True)
    q = p @ W
    return RDPFResult(float(rate), W, q, float(np.sum(p[:, None] * W * d)), _tv(p, q), float(beta),
                      mutual_information(p, W))


def rdpf_rate(p_x, d, D, P, divergence: str = "tv") -> float:
    """R(D, P) in bits (:func:`rdpf`), the rate alone (conformance surface), rounded to 10
    decimals (BLAS-independent vector files; tolerance 1e-6)."""
    return round(rdpf(p_x, d, D, P, divergence).rate, 10)
