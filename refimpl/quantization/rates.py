"""Exact rates of universal quantization and of rounding, by numerical integration.

Citation: Agustsson & Theis, *Universally Quantized Neural Compression*, NeurIPS 2020, §3
(H(K | U) = I(Y; Y + U′) = h(Y + U′) for a unit step; rounding costs H(round Y) < h(Y + U′) for
narrow latents) and §4.1 (the rate of s_α(Y) + U interpolates between the two).

| symbol | name | meaning |
|---|---|---|
| H(K | U) | :func:`uq_conditional_entropy_bits` | E_u[−Σ_k P(k|u) log2 P(k|u)], midpoint rule in u |
| h(Y + U′) | :func:`uq_differential_entropy_bits` | −∫ p_{Y+U} log2 p_{Y+U}, adaptive quadrature in t |
| H(round Y) | :func:`rounding_entropy_bits` | entropy of the rounded prior (Δ = 1: pmf c(k + ½) − c(k − ½)) |

All in bits; ``alpha`` adds soft rounding before the channel (V = Δ s_α(Y/Δ)).
For a unit step H(K|U) = h(Y + U′): the two functions evaluate the same integral by different
quadratures (a periodic midpoint rule vs ``scipy.integrate.quad``) and serve as each other's check.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import integrate

from .channel import _log_mass, _to_y, check_family, uq_log2_density

__all__ = ["uq_conditional_entropy_bits", "uq_differential_entropy_bits", "rounding_entropy_bits"]

_LN2 = math.log(2.0)


def _scalars(family, loc, scale, step):
    check_family(family)
    loc, scale, step = float(loc), float(scale), float(step)
    if not (np.isfinite(loc) and np.isfinite(scale) and scale > 0 and np.isfinite(step) and step > 0):
        raise ValueError("loc must be finite, scale and step finite and > 0")
    return family, loc, scale, step


def _k_range(loc: float, scale: float, step: float) -> np.ndarray:
    """Integers covering the prior to ±60 scales (tail mass < 1e-26 for every family here)."""
    half = int(math.ceil(60.0 * scale / step)) + 3
    c = int(round(loc / step))
    return np.arange(c - half, c + half + 1, dtype=np.int64)


def _entropy_of_log_mass(lm: np.ndarray, axis: int = -1) -> np.ndarray:
    p = np.exp(lm)
    return -np.sum(np.where(p > 0, p * lm, 0.0), axis=axis) / _LN2


def uq_conditional_entropy_bits(family, loc, scale, step=1.0, alpha=None, n_u: int = 2048) -> float:
    """H(K | U) in bits, U ~ U(−Δ/2, Δ/2): midpoint rule with ``n_u`` points in u (the integrand is
    smooth and periodic in u, so the rule converges fast), exact sum over k (±60 scales)."""
    family, loc, scale, step = _scalars(family, loc, scale, step)
    u = step * ((np.arange(n_u) + 0.5) / n_u - 0.5)
    k = _k_range(loc, scale, step)
    t = step * k[None, :].astype(np.float64) + u[:, None]
    lo = _to_y(t - step / 2, step, alpha)
    hi = _to_y(t + step / 2, step, alpha)
    lm = _log_mass(lo, hi, family, np.float64(loc), np.float64(scale))
    return float(np.mean(_entropy_of_log_mass(lm, axis=1)))


def uq_differential_entropy_bits(family, loc, scale, step=1.0, alpha=None) -> float:
    """h(Y + U′) = −∫ p log2 p (bits) by ``scipy.integrate.quad`` over ±60 scales, split at the
    grid points Δ(k ± ½) where (with soft rounding) the density has kinks."""
    family, loc, scale, step = _scalars(family, loc, scale, step)

    def f(t):
        lp = float(uq_log2_density(np.array([t]), family, loc, scale, step, alpha)[0])
        return -(2.0**lp) * lp if np.isfinite(lp) else 0.0

    k = _k_range(loc, scale, step)
    edges = step * (np.concatenate([k - 0.5, [k[-1] + 0.5]]))
    # integrate cell by cell only where the mass matters; the rest adds < 1e-20
    mass = np.exp(_log_mass(edges[:-1] - step / 2, edges[1:] + step / 2, family, np.float64(loc), np.float64(scale)))
    # with soft rounding p(v) changes over ~1/α next to the half-integers: add breakpoints there
    d = [] if not alpha else [x * step / alpha for x in (0.25, 1.0, 4.0, 16.0) if x / alpha < 0.25]
    offsets = sorted({0.0, *d, *[step - x for x in d], step})
    total = 0.0
    for a, m in zip(edges[:-1], mass):
        if m < 1e-22:
            continue
        for lo, hi in zip(offsets[:-1], offsets[1:]):
            with warnings.catch_warnings():  # roundoff notices at this tight tolerance
                warnings.simplefilter("ignore", integrate.IntegrationWarning)
                total += integrate.quad(f, a + lo, a + hi, epsabs=1e-15, epsrel=1e-11, limit=200)[0]
    return float(total)


def rounding_entropy_bits(family, loc, scale, step=1.0) -> float:
    """H(round(Y/Δ)) in bits: the entropy of the pmf c(Δ(k + ½)) − c(Δ(k − ½))."""
    family, loc, scale, step = _scalars(family, loc, scale, step)
    k = _k_range(loc, scale, step).astype(np.float64)
    lm = _log_mass(step * (k - 0.5), step * (k + 0.5), family, np.float64(loc), np.float64(scale))
    return float(_entropy_of_log_mass(lm))
