"""Closed forms of the rate–distortion–perception function (RDPF).

Citations: Blau & Michaeli, *Rethinking lossy compression: the rate–distortion–perception
tradeoff*, ICML 2019 (definition; Thm 2, Bernoulli/Hamming/TV); Zhang, Qian, Chen & Khisti,
*Universal rate-distortion-perception representations*, NeurIPS 2021 (Gaussian/MSE/W2²); used by
Theis & Wagner, *A coding theorem for the rate-distortion-perception function*, 2021. Forms as
restated and checked in the project digest (rdpf_uq_c3.md §1.4–§1.5).

    R(D, P) = min_{p(x̂|x)} I(X; X̂)  s.t.  E d(X, X̂) ≤ D,  δ(p_X, p_X̂) ≤ P     (bits)

==================  =============================================================
paper               code
==================  =============================================================
p (Bernoulli)       ``p`` = P(X = 1)
σ²                  ``sigma2``
D, P                ``D`` (Hamming: error probability; Gaussian: MSE), ``P``
                    (TV distance; Gaussian: squared 2-Wasserstein distance W2²)
D1(P), D2(P)        ``bernoulli_d1``, ``bernoulli_d2`` (perception binds above D1,
                    rate is 0 from D2 on)
H_b                 ``binary_entropy``
==================  =============================================================
"""

from __future__ import annotations

import math

__all__ = [
    "binary_entropy",
    "bernoulli_d1",
    "bernoulli_d2",
    "bernoulli_rdpf",
    "gaussian_rdpf",
    "gaussian_perfect_realism_distortion",
]


def binary_entropy(x: float) -> float:
    """H_b(x) in bits (0 at x ∈ {0, 1})."""
    if x <= 0.0 or x >= 1.0:
        return 0.0
    return -x * math.log2(x) - (1.0 - x) * math.log2(1.0 - x)


def _real(x, name, lo=0.0, hi=math.inf, allow_inf=False):
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {x!r}") from None
    if math.isnan(v) or (math.isinf(v) and not allow_inf):
        raise ValueError(f"{name} must be finite{' or +inf' if allow_inf else ''}, got {v}")
    if not lo <= v <= hi:
        raise ValueError(f"{name} must be in [{lo}, {hi}], got {v}")
    return v


def _fold(p):
    return min(p, 1.0 - p)


def bernoulli_d1(p: float, P: float) -> float:
    """D1(P) = P / (1 − 2p + 2P) (p ≤ ½ after folding): below it the Shannon test channel
    already meets the TV constraint (digest §1.4)."""
    p = _fold(_real(p, "p", 0.0, 1.0))
    return P / (1.0 - 2.0 * p + 2.0 * P)


def bernoulli_d2(p: float, P: float) -> float:
    """D2(P) = 2p(1 − p) − (1 − 2p)P (p ≤ ½ after folding): R(D, P) = 0 iff D ≥ D2(P) (for
    P < p; for P ≥ p the rate is 0 iff D ≥ p)."""
    p = _fold(_real(p, "p", 0.0, 1.0))
    if P >= p:
        return p
    return 2.0 * p * (1.0 - p) - (1.0 - 2.0 * p) * P


def bernoulli_rdpf(p: float, D: float, P: float) -> float:
    """R(D, P) in bits of a Bernoulli(p) source, Hamming distortion, TV perception (Blau &
    Michaeli 2019 Thm 2; digest §1.4). ``P = inf`` gives the Shannon R(D). Raises ValueError
    for p ∉ [0, 1], D ∉ [0, 1], P < 0."""
    p = _fold(_real(p, "p", 0.0, 1.0))
    D = _real(D, "D", 0.0, 1.0)
    P = _real(P, "P", 0.0, math.inf, allow_inf=True)
    if p == 0.0:
        return 0.0
    if P >= p or p == 0.5:
        return max(binary_entropy(p) - binary_entropy(D), 0.0) if D < p else 0.0
    d1, d2 = bernoulli_d1(p, P), bernoulli_d2(p, P)
    if D <= d1:
        return binary_entropy(p) - binary_entropy(D)
    if D >= d2:
        return 0.0
    return (binary_entropy(p - P) - (1.0 - p) * binary_entropy((D - P) / (2.0 * (1.0 - p)))
            - p * binary_entropy((D + P) / (2.0 * p)))


def gaussian_rdpf(sigma2: float, D: float, P: float) -> float:
    """R(D, P) in bits of N(0, σ²), MSE distortion, squared-W2 perception (Zhang et al. 2021;
    digest §1.5). +inf at D = 0. Raises ValueError for σ² ≤ 0, D < 0, P < 0."""
    sigma2 = _real(sigma2, "sigma2")
    if sigma2 <= 0:
        raise ValueError(f"sigma2 must be > 0, got {sigma2}")
    D = _real(D, "D")
    P = _real(P, "P", 0.0, math.inf, allow_inf=True)
    if D == 0.0:
        return math.inf
    sigma = math.sqrt(sigma2)
    if D >= sigma2:
        if math.isinf(P) or math.sqrt(P) >= sigma:
            return 0.0
    elif math.isinf(P) or math.sqrt(P) >= sigma - math.sqrt(sigma2 - D):
        return 0.5 * math.log2(sigma2 / D)
    s = sigma - math.sqrt(P)
    theta = max(0.5 * (sigma2 + s * s - D), 0.0)
    if theta == 0.0:
        return 0.0
    return 0.5 * math.log2(sigma2 * s * s / (sigma2 * s * s - theta * theta))


def gaussian_perfect_realism_distortion(sigma2: float, rate: float) -> float:
    """D(R, 0) = 2σ²(1 − √(1 − 2^(−2R))): the least MSE at rate R bits with X̂ ~ N(0, σ²)
    exactly (perfect realism; digest §1.5). At most 2·σ²2^(−2R)."""
    sigma2 = _real(sigma2, "sigma2")
    if sigma2 <= 0:
        raise ValueError(f"sigma2 must be > 0, got {sigma2}")
    rate = _real(rate, "rate", allow_inf=True)
    t = 2.0 ** (-2.0 * rate)
    return 2.0 * sigma2 * t / (1.0 + math.sqrt(1.0 - t))   # = 2σ²(1 − √(1−t)), no cancellation
