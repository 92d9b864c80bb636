"""The digamma function ψ = (log Γ)′ on the positive reals, for the updates (U1)–(U3).

Citation: the logistic LDA updates (Korshunova, Xiong, Fedoryszak & Theis, NeurIPS 2019; digest
``shared/research/logistic_lda_and_anchors.md`` §1.4) need E_q[log θ_k] = ψ(α̂_k) − ψ(Σ_j α̂_j).
Numba has no digamma, so :mod:`refimpl.lda._kernels` carries one; this module is its readable twin
and the public, vectorised entry point :func:`lda_digamma`. Spec: ``specs/logistic_lda.md`` §Digamma.

| symbol | name | meaning |
|---|---|---|
| x | ``x`` | argument, x > 0 |
| x₀ ≈ 1.4616321449683622 | ``ROOT`` | the positive zero of ψ (rounded to double) |
| ψ(x₀) | ``ROOT_VALUE`` | ψ at the *rounded* root, −9.2412655217294275e-17 |
| B_2k | ``_BERNOULLI`` | Bernoulli numbers of the asymptotic series |
| ζ(s, x₀) | ``ROOT_ZETA`` | Hurwitz zeta values, Taylor coefficients of ψ at x₀ |

Algorithm (Abramowitz & Stegun 6.3.5, 6.3.18; Taylor series at the root as in Cephes/SciPy):

1. x ≤ 0 or NaN: NaN (outside the domain; the public wrappers reject such input first).
2. |x − x₀| < 0.3 (the root region, where the recurrence would cancel catastrophically):
   ψ(x) = ψ(x₀) + Σ_{k≥1} (−1)^{k+1} ζ(k+1, x₀) (x − x₀)^k, summed until the term is below
   2^-60 of the partial sum.
3. Otherwise shift up with the recurrence ψ(x) = ψ(x + 1) − 1/x until x ≥ 10, then the
   asymptotic series ψ(y) = log y − 1/(2y) − Σ_{k=1}^{8} B_2k / (2k y^2k), whose first omitted
   term at y ≥ 10 is below 5e-17·log y.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import zeta

__all__ = ["lda_digamma"]

ROOT = 1.4616321449683622
ROOT_VALUE = -9.2412655217294275e-17
ROOT_RADIUS = 0.3
SHIFT_TO = 10.0
#: B_2, B_4, ..., B_16
_BERNOULLI = (1.0 / 6.0, -1.0 / 30.0, 1.0 / 42.0, -1.0 / 30.0, 5.0 / 66.0, -691.0 / 2730.0, 7.0 / 6.0,
              -3617.0 / 510.0)
#: ASYMPTOTIC[k-1] = B_2k / (2k): ψ(y) ≈ log y − 1/(2y) − Σ_k ASYMPTOTIC[k-1] y^(-2k)
ASYMPTOTIC = np.array([b / (2.0 * (k + 1)) for k, b in enumerate(_BERNOULLI)])
#: ROOT_ZETA[k-1] = ζ(k+1, x₀) for k = 1..40 (the k-th Taylor coefficient of ψ at x₀ is
#: (−1)^(k+1) ζ(k+1, x₀)). Evaluated once by SciPy's Hurwitz zeta.
ROOT_ZETA = np.array([float(zeta(k + 1.0, ROOT)) for k in range(1, 41)])


def digamma_twin(x: float) -> float:
    """ψ(x) for one float x > 0 (readable twin of ``_kernels.digamma``; algorithm in the module
    docstring: A&S 6.3.5 recurrence + 6.3.18 asymptotic series, Taylor series at the root)."""
    if not x > 0.0:
        return math.nan
    if math.isinf(x):
        return math.inf
    h = x - ROOT
    if abs(h) < ROOT_RADIUS:  # step 2: Taylor series around the positive root
        total = ROOT_VALUE
        power = 1.0
        for k in range(1, ROOT_ZETA.size + 1):
            power *= h
            term = (1.0 if k % 2 == 1 else -1.0) * ROOT_ZETA[k - 1] * power
            total += term
            if abs(term) < 2.0**-60 * abs(total):
                break
        return total
    shift = 0.0  # step 3: recurrence ψ(x) = ψ(x+1) − 1/x
    while x < SHIFT_TO:
        shift += 1.0 / x
        x += 1.0
    inv2 = 0.0 if x > 1e150 else 1.0 / (x * x)
    series = 0.0
    for k in range(ASYMPTOTIC.size - 1, -1, -1):  # Horner in 1/y²
        series = (series + ASYMPTOTIC[k]) * inv2
    return math.log(x) - 0.5 / x - series - shift


def lda_digamma(x) -> np.ndarray:
    """ψ(x) elementwise for x > 0 (float64 array of the shape of ``x``; Numba kernel).

    Raises ValueError if any x is not a positive real (x ≤ 0 or NaN); +inf maps to +inf."""
    from . import _kernels

    arr = np.asarray(x, dtype=np.float64)
    if arr.size and not np.all(arr > 0.0):
        raise ValueError("x must be positive reals (x > 0, not NaN)")
    flat = np.ascontiguousarray(arr.reshape(-1))
    return _kernels.digamma_array(flat).reshape(arr.shape)
