"""Blahut–Arimoto for the rate–distortion function of a finite source, with a certified stop.

Citation: R. E. Blahut, *Computation of channel capacity and rate-distortion functions*, IEEE
Trans. IT 18(4), 1972 (Thm 8: the upper/lower bounds used as stopping rule); S. Arimoto 1972;
Cover & Thomas, *Elements of Information Theory*, §10.8; taught in Yang, Mandt & Theis, *An
Introduction to Neural Data Compression* (2023), §2.

At slope β (in nats of exponent per unit of distortion) the iteration is

    W(x̂|x) = q(x̂) e^{−β d(x,x̂)} / Z(x),  Z(x) = Σ_x̂ q(x̂) e^{−β d(x,x̂)}
    c(x̂)   = Σ_x p(x) e^{−β d(x,x̂)} / Z(x),  q ← q·c          (q·c = pW, the output law)

and for every q (Blahut Thm 8, from the dual of R(D)) the point D_W = E d(X, X̂) satisfies

    I(p, W) − [max_x̂ ln c(x̂) − Σ_x̂ q(x̂)c(x̂) ln c(x̂)]  ≤  R(D_W)  ≤  I(p, W)      (nats)

so we stop when that bracket (``gap``) is below ``tol`` bits, never on small changes of q.
Rates are reported in bits.

=====================  =======================================================
paper                  code
=====================  =======================================================
p(x)                   ``p_x`` (1-D pmf)
d(x, x̂)                ``d`` (|X| × |X̂|, finite, ≥ 0)
β (slope parameter)    ``beta`` (≥ 0, may be ``inf``: D = D_min)
q(x̂)                   ``BAResult.q`` (output law p_X̂ = pW)
W = p(x̂|x)             ``BAResult.channel``
I(p, W)                ``BAResult.rate`` (bits; an upper bound on R(distortion))
lower bound            ``BAResult.rate_lower`` (bits)
=====================  =======================================================

Choices: rows of ``d`` are shifted by their minimum before exponentiating (W is invariant, and
no row underflows); at β = ∞ the exponential is replaced by the 0/1 mask of row minima, which
solves R(D_min) exactly (the limit of the iteration).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ._kernels import ba_iterate_kernel, ba_squarem_kernel

__all__ = [
    "BAResult",
    "blahut_arimoto",
    "ba_iterate_twin",
    "rate_distortion",
    "mutual_information",
    "check_pmf",
    "check_distortion",
]

LN2 = math.log(2.0)
POLISH_FROM = 1e-4  # bits: BA runs to this bracket before the Newton polish takes over
POLISH_FROM_SQUAREM = 1e-5  # SQUAREM leaves more small outputs alive: hand over later


class BAResult(NamedTuple):
    """A point of the rate–distortion curve: ``rate`` = I(p, W) in bits (upper bound on
    R(distortion)), ``rate_lower`` a certified lower bound, ``distortion`` = E d(X, X̂) under W,
    ``channel`` W (|X| × |X̂|, rows sum to 1), ``q`` the output law, ``beta`` the slope used
    (``nan`` for a time-shared point), ``gap`` = rate − rate_lower (bits), ``iterations``."""

    rate: float
    rate_lower: float
    distortion: float
    channel: np.ndarray
    q: np.ndarray
    beta: float
    gap: float
    iterations: int


def check_pmf(p, name: str = "p_x", atol: float = 1e-9) -> np.ndarray:
    """A 1-D pmf: finite, ≥ 0, summing to 1 within ``atol``; returned renormalised (float64)."""
    a = np.asarray(p, dtype=np.float64)
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D pmf, got shape {a.shape}")
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise ValueError(f"{name} must hold finite probabilities >= 0")
    s = math.fsum(a)
    if abs(s - 1.0) > atol:
        raise ValueError(f"{name} must sum to 1 (within {atol}), sums to {s!r}")
    return a / s


def check_distortion(d, n: int) -> np.ndarray:
    """A distortion matrix with ``n`` rows: 2-D, finite, ≥ 0."""
    a = np.asarray(d, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] != n or a.shape[1] == 0:
        raise ValueError(f"d must be a 2-D (|X|={n}, |X̂|>=1) distortion matrix, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError("d must be finite")
    if np.any(a < 0):
        raise ValueError("d must be >= 0 (negative distortions are not allowed)")
    return a


def _check_beta(beta) -> float:
    try:
        b = float(beta)
    except (TypeError, ValueError):
        raise ValueError(f"beta must be a real number >= 0 (or inf), got {beta!r}") from None
    if math.isnan(b) or b < 0:
        raise ValueError(f"beta must be >= 0 (or inf), got {b}")
    return b


def mutual_information(p_x, W) -> float:
    """I(X; X̂) in bits for input law ``p_x`` and channel ``W`` (0 log 0 = 0)."""
    p = np.asarray(p_x, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    q = p @ W
    joint = p[:, None] * W
    mask = joint > 0
    ratio = W[mask] / np.broadcast_to(q, W.shape)[mask]
    return float(np.sum(joint[mask] * np.log2(ratio)))


def _kernel_matrix(d: np.ndarray, beta: float) -> np.ndarray:
    shifted = d - d.min(axis=1, keepdims=True)
    if math.isinf(beta):
        return (shifted == 0.0).astype(np.float64)
    return np.exp(-beta * shifted)


def ba_iterate_twin(p, A, q0, tol_nats, max_iter):
    """Readable twin of :func:`refimpl.rd._kernels.ba_iterate_kernel` (same arithmetic order
    is not guaranteed: equal to round-off). Returns (q, gap_nats, iterations)."""
    q = np.array(q0, dtype=np.float64)
    it = 0
    while True:
        Z = A @ q                                   # Z(x) = Σ q(x̂) A(x, x̂)
        w = np.where(p > 0, p / np.where(p > 0, Z, 1.0), 0.0)
        c = w @ A                                   # c(x̂) = Σ p(x) A(x, x̂) / Z(x)
        with np.errstate(divide="ignore"):
            lc = np.log(c)
        q_new = q * c                               # = pW, the output law of the current W
        pos = q_new > 0
        gap = np.max(lc[c > 0]) - np.sum(q_new[pos] * lc[pos])   # Blahut Thm 8 bracket
        if gap <= tol_nats or it >= max_iter:
            return q, float(gap), it
        q = q_new / q_new.sum()
        it += 1


def _ba_map_twin(p, A, q):
    """One BA map: (F(q), certified gap of q in nats, f(q) = −Σ p ln (Aq))."""
    Z = A @ q
    pos = p > 0
    f = -float(np.sum(p[pos] * np.log(Z[pos])))
    c = np.where(pos, p / np.where(pos, Z, 1.0), 0.0) @ A
    qn = q * c
    with np.errstate(divide="ignore"):
        lc = np.log(c)
    gap = float(np.max(lc[c > 0]) - np.sum(qn[qn > 0] * lc[qn > 0]))
    return qn / qn.sum(), gap, f


def ba_squarem_twin(p, A, q0, tol_nats, max_iter):
    """Readable twin of :func:`refimpl.rd._kernels.ba_squarem_kernel`: Blahut–Arimoto
    accelerated by SQUAREM (Varadhan & Roland 2008, S3) — extrapolate along two BA steps,
    keep the extrapolation only if it does not raise f = −Σ p ln(Aq). The certified stop is
    unchanged (the gap of whichever q is returned). Returns (q, gap_nats, BA maps)."""
    q = np.array(q0, dtype=np.float64)
    pos = p > 0

    def f(qq):
        return -float(np.sum(p[pos] * np.log((A @ qq)[pos])))

    it = 0
    while True:
        q1, gap, _ = _ba_map_twin(p, A, q)
        it += 1
        if gap <= tol_nats or it >= max_iter:
            return q, gap, it
        q2, gap1, _ = _ba_map_twin(p, A, q1)
        it += 1
        if gap1 <= tol_nats or it >= max_iter:
            return q1, gap1, it
        r, v = q1 - q, q2 - 2.0 * q1 + q
        nv = math.sqrt(float(v @ v))
        if nv == 0.0:
            q = q2
            continue
        a = min(-math.sqrt(float(r @ r)) / nv, -1.0)
        while True:
            qn = q - 2.0 * a * r + a * a * v
            if np.all(qn > 0) or a >= -1.0:
                break
            a = 0.5 * (a - 1.0)
        qn = np.maximum(qn, 1e-300)
        qn = qn / qn.sum()
        q = qn if f(qn) <= f(q2) else q2


def _point(p, d, A, q, beta, gap_nats, it) -> BAResult:
    Z = A @ q
    W = q[None, :] * A / Z[:, None]
    rate = mutual_information(p, W)
    gap = max(gap_nats, 0.0) / LN2
    return BAResult(rate, rate - gap, float(np.sum(p[:, None] * W * d)), W, p @ W, beta, gap, it)


def blahut_arimoto(p_x, d, beta, *, tol: float = 1e-12, max_iter: int = 1_000_000, q0=None,
                   kernel: bool = True, polish: bool = True, accelerate: bool = True) -> BAResult:
    """The point of the R(D) curve of slope −β (Blahut 1972; stopping rule of his Thm 8):
    iterate until the certified bracket on R(distortion) is ≤ ``tol`` bits (or ``max_iter``;
    then ``gap`` says how far it got). ``kernel=False`` runs the readable twin instead of the
    Numba kernel. ``accelerate`` (default) runs BA under SQUAREM extrapolation (same fixed
    point, same certificate; ``iterations`` then counts BA maps). With ``polish`` (default) BA
    runs only to a 1e-4-bit (1e-5 with SQUAREM) bracket and an active-set
    Newton method (:func:`newton_polish`) on the same convex problem finishes to ``tol``; the
    stopping certificate is the same, so the answer is as trustworthy and much faster (BA is
    linearly convergent, often with a rate close to 1). ``q0`` warm-starts the output law
    (default uniform). Raises ValueError for a bad pmf, matrix, β or tolerance."""
    p = check_pmf(p_x)
    d = check_distortion(d, p.size)
    beta = _check_beta(beta)
    if not (tol > 0):
        raise ValueError(f"tol must be > 0, got {tol}")
    if int(max_iter) < 0:
        raise ValueError(f"max_iter must be >= 0, got {max_iter}")
    m = d.shape[1]
    warm = q0 is not None
    q0 = np.full(m, 1.0 / m) if q0 is None else check_pmf(q0, "q0")
    if q0.size != m:
        raise ValueError(f"q0 must have |X̂|={m} entries, got {q0.size}")
    q0 = np.maximum(q0, 1e-300)  # a zero output can never revive; keep the support full
    q0 = q0 / q0.sum()
    A = _kernel_matrix(d, beta)
    if accelerate:
        run = ba_squarem_kernel if kernel else ba_squarem_twin
    else:
        run = ba_iterate_kernel if kernel else ba_iterate_twin
    if not polish:
        q, gap_nats, it = run(p, A, q0, tol * LN2, int(max_iter))
        return _point(p, d, A, np.asarray(q), beta, float(gap_nats), int(it))
    if warm:     # a warm start may miss outputs that BA would take long to revive: Newton first
        q, gap_nats, it = newton_polish(p, A, q0, tol * LN2)
        if gap_nats <= tol * LN2:
            return _point(p, d, A, np.asarray(q), beta, float(gap_nats), int(it))
        q0 = 0.5 * q0 + 0.5 / m
    start = POLISH_FROM_SQUAREM if accelerate else POLISH_FROM
    q, gap_nats, it = run(p, A, q0, max(tol, start) * LN2, min(int(max_iter), 100_000))
    if gap_nats > tol * LN2:
        q2, gap2, rounds = newton_polish(p, A, np.asarray(q), tol * LN2)
        it += rounds
        if gap2 <= gap_nats:
            q, gap_nats = q2, gap2
        if gap_nats > tol * LN2:        # polish stalled: fall back to plain BA from there
            q = np.maximum(np.asarray(q), 1e-300)
            q, gap_nats, it2 = run(p, A, q / q.sum(), tol * LN2, max(int(max_iter) - it, 0))
            it += it2
    return _point(p, d, A, np.asarray(q), beta, float(gap_nats), int(it))


def d_min(p, d) -> float:
    """D_min = Σ_x p(x) min_x̂ d(x, x̂), the least achievable distortion."""
    return float(np.sum(p * d.min(axis=1)))


def d_max(p, d) -> float:
    """D_max = min_x̂ Σ_x p(x) d(x, x̂): the least distortion at rate 0 (R(D) = 0 for D ≥ D_max)."""
    return float(np.min(p @ d))


def rate_distortion(p_x, d, D, *, tol: float = 1e-10, max_iter: int = 1_000_000) -> BAResult:
    """R(D) in bits at target distortion ``D`` (Blahut–Arimoto plus bisection on β).

    Bisection keeps two slopes β_lo < β_hi whose points bracket D; R is convex, so the chord
    between the points is an upper bound and the two tangents (slopes −β/ln 2 bits) a lower
    bound; stop when they are within ``tol`` bits (plus the BA gaps). The returned channel is
    the time-sharing mixture of the two end channels, with distortion exactly D and
    I(p, W) ≤ chord (I is convex in W). ``D = D_min`` is solved at β = ∞; ``D ≥ D_max`` gives
    rate 0 with a constant channel. Raises ValueError if ``D < D_min`` (infeasible) or inputs
    are bad."""
    p = check_pmf(p_x)
    d = check_distortion(d, p.size)
    try:
        D = float(D)
    except (TypeError, ValueError):
        raise ValueError(f"D must be a real number, got {D!r}") from None
    if not math.isfinite(D):
        raise ValueError(f"D must be finite, got {D}")
    lo_D, hi_D = d_min(p, d), d_max(p, d)
    eps = 1e-12 * max(1.0, float(np.max(d)))
    if D < lo_D - eps:
        raise ValueError(f"D must be >= D_min = {lo_D!r} (the least achievable distortion), got {D!r}")
    ba_tol = tol / 4
    if D >= hi_D:
        j = int(np.argmin(p @ d))
        W = np.zeros_like(d)
        W[:, j] = 1.0
        return BAResult(0.0, 0.0, hi_D, W, p @ W, 0.0, 0.0, 0)
    if D <= lo_D:
        return blahut_arimoto(p, d, math.inf, tol=ba_tol, max_iter=max_iter)
    # bracket: D(β) is non-increasing in β
    b_lo, b_hi = 0.0, 1.0 / max(hi_D - lo_D, 1e-300)
    P_lo = _rate0_point(p, d, hi_D)
    P_hi = blahut_arimoto(p, d, b_hi, tol=ba_tol, max_iter=max_iter)
    while P_hi.distortion > D:
        b_lo, P_lo = b_hi, P_hi
        b_hi *= 2.0
        P_hi = blahut_arimoto(p, d, b_hi, tol=ba_tol, max_iter=max_iter, q0=P_lo.q)
        if b_hi > 1e300:
            break
    for _ in range(200):
        up, low = _chord_and_tangents(P_lo, P_hi, D, b_lo, b_hi)
        if up - low <= tol:
            break
        if b_lo == 0.0:
            b_mid = 0.5 * b_hi
        else:
            b_mid = math.sqrt(b_lo * b_hi) if b_hi / b_lo > 4 else 0.5 * (b_lo + b_hi)
        P_mid = blahut_arimoto(p, d, b_mid, tol=ba_tol, max_iter=max_iter, q0=P_hi.q)
        if P_mid.distortion > D:
            b_lo, P_lo = b_mid, P_mid
        else:
            b_hi, P_hi = b_mid, P_mid
    return _time_share(p, d, P_lo, P_hi, D, low)


def _rate0_point(p, d, Dmax) -> BAResult:
    j = int(np.argmin(p @ d))
    W = np.zeros_like(d)
    W[:, j] = 1.0
    return BAResult(0.0, 0.0, Dmax, W, p @ W, 0.0, 0.0, 0)


def _chord_and_tangents(P_lo, P_hi, D, b_lo, b_hi):
    """Upper (chord through the two points) and lower (max of the tangent lines, minus BA gaps)
    bounds on R(D) in bits, for D_hi <= D <= D_lo (P_lo has the larger distortion)."""
    D1, R1, D2, R2 = P_lo.distortion, P_lo.rate, P_hi.distortion, P_hi.rate
    t = 0.0 if D1 == D2 else (D1 - D) / (D1 - D2)
    up = (1 - t) * R1 + t * R2
    low = max(P_lo.rate_lower - b_lo / LN2 * (D - D1), P_hi.rate_lower - b_hi / LN2 * (D - D2))
    return up, min(low, up)


def _time_share(p, d, P_lo, P_hi, D, low) -> BAResult:
    D1, D2 = P_lo.distortion, P_hi.distortion
    t = 0.0 if D1 == D2 else min(max((D1 - D) / (D1 - D2), 0.0), 1.0)
    W = (1 - t) * P_lo.channel + t * P_hi.channel
    rate = mutual_information(p, W)
    low = min(low, rate)
    return BAResult(rate, low, float(np.sum(p[:, None] * W * d)), W, p @ W, float("nan"),
                    rate - low, P_lo.iterations + P_hi.iterations)


def _certificate(p, A, q):
    """(c, gap_nats) for the output law q: c(x̂) = Σ p(x)A(x,x̂)/(Aq)(x), gap of Blahut Thm 8."""
    Z = A @ q
    w = np.where(p > 0, p / np.where(p > 0, Z, 1.0), 0.0)
    c = w @ A
    with np.errstate(divide="ignore"):
        lc = np.log(c)
    qn = q * c
    pos = qn > 0
    return c, float(np.max(lc[c > 0]) - np.sum(qn[pos] * lc[pos]))


def _newton_direction(p, A, q, S):
    """Equality-constrained Newton direction on the face S = {x̂: q(x̂) > 0} of the simplex.
    Returns (idx, gradient on S, direction, multiplier ν); at a face optimum c = ν on S."""
    idx = np.flatnonzero(S)
    As = A[:, idx]
    z = As @ q[idx]
    g = -(p / z) @ As                               # ∂f/∂q = −c
    H = As.T @ ((p / z**2)[:, None] * As)
    k = idx.size
    K = np.zeros((k + 1, k + 1))
    K[:k, :k] = H
    K[:k, k] = K[k, :k] = 1.0
    rhs = np.concatenate([-g, [0.0]])
    try:
        sol = np.linalg.solve(K, rhs)
        if not np.all(np.isfinite(sol)):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:          # singular H (e.g. duplicate outputs): least squares
        sol = np.linalg.lstsq(K, rhs, rcond=None)[0]
    return idx, g, sol[:k], float(sol[k])


def newton_polish(p, A, q, tol_nats, max_rounds: int = 2000):
    """Active-set Newton on min_q f(q) = −Σ p(x) ln (Aq)(x) over the simplex (the problem BA
    solves by EM; its optimum gives the R(D) point of slope −β). On the current face
    (support of q) take Newton steps with a ratio test (a coordinate reaching 0 leaves the face)
    and Armijo backtracking; once the face is optimal (c constant on it), add the output with
    the largest c(x̂) above that constant (a KKT violator). Stops on the same certified gap
    (Blahut Thm 8) as BA. Returns (q, gap_nats, rounds)."""
    keep = p > 0
    p, A = p[keep], A[keep]
    q = np.array(q, dtype=np.float64)
    q[q < 1e-6 * q.max()] = 0.0
    q /= q.sum()

    def f(qq):
        return -float(np.sum(p * np.log(A @ qq)))

    gap = math.inf
    for r in range(max_rounds):
        c, gap = _certificate(p, A, q)
        if gap <= tol_nats:
            return q, gap, r
        S = q > 0
        idx, g, delta, nu = _newton_direction(p, A, q, S)
        slope = float(g @ delta)                                  # −(Newton decrement)
        f0 = f(q)
        spread = np.max(c[idx]) - np.min(c[idx])
        if spread < 1e-13:                                         # face optimal: grow the face
            out = np.flatnonzero(~S)
            if out.size == 0 or np.max(c[out]) <= np.max(c[idx]):
                break
            S[out[np.argmax(c[out])]] = True
            idx, g, delta, nu = _newton_direction(p, A, q, S)
            slope = float(g @ delta)
        qs = q[idx]
        neg = delta < 0
        t = min(1.0, float(np.min(-qs[neg] / delta[neg]))) if np.any(neg) else 1.0
        new = None
        for _ in range(60):
            trial = q.copy()
            trial[idx] = np.maximum(qs + t * delta, 0.0)
            trial /= trial.sum()
            if f(trial) <= f0 + 1e-4 * t * slope or -t * slope < 1e-15 * abs(f0):
                new = trial
                break
            t *= 0.5
        if new is None:
            break
        q = new
    c, gap = _certificate(p, A, q)
    return q, gap, max_rounds


class RDPoint(NamedTuple):
    """A point (rate in bits, distortion) of the R(D) curve."""

    rate: float
    distortion: float


def blahut_arimoto_point(p_x, d, beta) -> RDPoint:
    """The (rate, distortion) point of slope −β (nats) from :func:`blahut_arimoto` at 1e-12
    bits: the implementation-independent part of its result (conformance surface). Rounded to
    12 decimals so that the vector file does not depend on the BLAS build (tolerance 1e-9)."""
    r = blahut_arimoto(p_x, d, beta)
    return RDPoint(round(r.rate, 12), round(r.distortion, 12))


def rate_distortion_rate(p_x, d, D) -> float:
    """R(D) in bits (:func:`rate_distortion`), the rate alone (conformance surface), rounded
    to 12 decimals (BLAS-independent vector files; tolerance 1e-9)."""
    return round(rate_distortion(p_x, d, D).rate, 12)
