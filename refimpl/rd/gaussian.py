"""Gaussian rate–distortion by reverse water-filling.

Citation: Cover & Thomas, *Elements of Information Theory* (2nd ed.), Thm 10.3.3 (parallel
Gaussian sources, reverse water-filling); taught in Yang, Mandt & Theis, *An Introduction to
Neural Data Compression* (2023), §2 (rate–distortion theory). Shared with DiffC (Theis et al.
2022), whose analysis needs D(R) of a Gaussian spectrum.

A Gaussian vector with independent components of variances λ_i (a spectrum), squared error
summed over components:

    D_i = min(θ, λ_i),   Σ_i D_i = D,   R(D) = Σ_i ½ log2(λ_i / D_i)   (bits, total)

=========================  ===================================================
paper                      code
=========================  ===================================================
λ_i (variances)            ``lam`` (1-D array, every entry finite and > 0)
D (total MSE)              ``D`` (sum over components, not the mean)
R (total rate, bits)       ``rate``
θ (water level)            ``WaterFilling.theta``
D_i, R_i                   ``WaterFilling.d_i``, ``WaterFilling.r_i``
=========================  ===================================================

The water level is found exactly by sorting (no iteration): on each interval between
consecutive sorted variances the constraint is linear in θ (for D) or in log2 θ (for R).

Documented infinities: ``gaussian_rate_distortion(lam, 0) == +inf`` and
``gaussian_distortion_rate(lam, inf) == 0``.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

__all__ = [
    "WaterFilling",
    "reverse_water_filling",
    "reverse_water_filling_rate",
    "gaussian_rate_distortion",
    "gaussian_distortion_rate",
]


class WaterFilling(NamedTuple):
    """Result of reverse water-filling: water level θ, per-component distortions and rates
    (in the order of the input spectrum), and the totals (``D`` total MSE, ``rate`` bits)."""

    theta: float
    d_i: np.ndarray
    r_i: np.ndarray
    D: float
    rate: float


def _spectrum(lam) -> np.ndarray:
    a = np.atleast_1d(np.asarray(lam, dtype=np.float64))
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"lam must be a non-empty 1-D array of variances, got shape {np.shape(lam)}")
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise ValueError("lam must hold finite variances > 0")
    return a


def _scalar(x, name: str, allow_inf: bool = False) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {x!r}") from None
    if math.isnan(v) or (math.isinf(v) and not (allow_inf and v > 0)):
        raise ValueError(f"{name} must be finite{' or +inf' if allow_inf else ''}, got {v}")
    if v < 0:
        raise ValueError(f"{name} must be >= 0, got {v}")
    return v


def _from_theta(lam: np.ndarray, theta: float) -> WaterFilling:
    d_i = np.minimum(lam, theta)
    with np.errstate(divide="ignore"):
        r_i = np.where(lam > theta, 0.5 * (np.log2(lam) - math.log2(theta)) if theta > 0 else np.inf, 0.0)
    return WaterFilling(float(theta), d_i, r_i, float(math.fsum(d_i)), float(math.fsum(r_i)))


def reverse_water_filling(lam, D) -> WaterFilling:
    """Water level θ with Σ min(θ, λ_i) = D (Cover & Thomas Thm 10.3.3). ``D`` is the total MSE,
    ``0 <= D``; for ``D >= Σλ`` every component is left at zero rate (θ = max λ)."""
    lam = _spectrum(lam)
    D = _scalar(D, "D")
    if D == 0.0:
        return _from_theta(lam, 0.0)
    l = np.sort(lam)
    n = l.size
    prefix = np.concatenate([[0.0], np.cumsum(l)])  # S_j = Σ_{i<j} l_i
    f_at = prefix[:-1] + (n - np.arange(n)) * l     # f(l_j) = S_j + (n − j) l_j, nondecreasing
    if D >= prefix[-1]:
        return _from_theta(lam, float(l[-1]))
    j = int(np.searchsorted(f_at, D, side="left"))  # smallest j with D <= f(l_j)
    theta = (D - prefix[j]) / (n - j)
    return _from_theta(lam, float(theta))


def reverse_water_filling_rate(lam, rate) -> WaterFilling:
    """Water level θ with Σ_{λ_i>θ} ½ log2(λ_i/θ) = ``rate`` (bits, total); the inverse of
    :func:`reverse_water_filling`. ``rate = inf`` gives θ = 0 (zero distortion)."""
    lam = _spectrum(lam)
    rate = _scalar(rate, "rate", allow_inf=True)
    if math.isinf(rate):
        return _from_theta(lam, 0.0)
    m = np.sort(lam)[::-1]
    logm = np.log2(m)
    n = m.size
    # G_k = ½ Σ_{i<k} log2(m_i / m_k): rate when θ = m_k (nondecreasing in k)
    csum = np.cumsum(logm)
    G = 0.5 * (csum[:-1] - np.arange(1, n) * logm[1:])
    k = 1 + int(np.searchsorted(G, rate, side="left"))  # active components: G_{k-1} < rate <= G_k
    log_theta = (csum[k - 1] - 2.0 * rate) / k
    theta = 2.0 ** log_theta
    return _from_theta(lam, float(min(theta, m[k - 1])))


def gaussian_rate_distortion(lam, D) -> float:
    """R(D) in bits (total over components) of independent Gaussians with variances ``lam`` at
    total MSE ``D`` (Cover & Thomas Thm 10.3.3). Returns +inf at ``D = 0`` and 0 for
    ``D >= Σλ``. Raises ValueError for a bad spectrum or ``D < 0``."""
    wf = reverse_water_filling(lam, D)
    if wf.theta == 0.0:
        return math.inf
    return wf.rate


def gaussian_distortion_rate(lam, rate) -> float:
    """D(R): the least total MSE at total rate ``rate`` bits for independent Gaussians with
    variances ``lam`` (inverse of :func:`gaussian_rate_distortion`). Scalar case: σ²·2^(−2R).
    ``rate = inf`` gives 0. Raises ValueError for a bad spectrum or ``rate < 0``."""
    return reverse_water_filling_rate(lam, rate).D
