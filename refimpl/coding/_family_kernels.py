"""Numba kernels: integer CDFs of quantized parametric families (Gaussian, Laplace, logistic).

Specification: ``specs/coding.md`` § "Parametric families". Readable definition and the
vectorised table builder: :func:`refimpl.coding.models.family_cdf` (tested equal to these
kernels bit for bit).

Definition (``A = high − low + 1`` symbols, ``M = 2**precision``, ``R = M − A``)::

    z_k        = ((low + k) − 0.5 − loc) / scale          (float64, in this order)
    F(z)       = standard CDF of the family at z          (family_F below)
    cdf_at(k)  = 0                                        if k <= 0
               = M                                        if k >= A
               = k + floor(F(z_k) · R)                    otherwise

so every symbol has frequency ``1 + floor(F(z_{k+1})R) − floor(F(z_k)R) ≥ 1`` and the tail
mass beyond the domain is folded into the two edge symbols. Arguments are assumed valid
(the Python wrappers validate: scale > 0 and finite, loc finite, low ≤ high, A ≤ M); the
kernels still clamp F to [0, 1] (NaN → 0) and k to [0, A] so they never index or loop wildly.

Family codes (``kind``): 0 = Gaussian, 1 = Laplace, 2 = logistic.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

GAUSSIAN = 0
LAPLACE = 1
LOGISTIC = 2

_INV_SQRT2 = 0.7071067811865476  # float64 nearest to 1/sqrt(2)


@njit(cache=True)
def family_F(kind, z):
    """Standard CDF of the family at z (float64), computed in a tail-stable form."""
    if kind == 0:  # Gaussian: Phi(z) = erfc(-z / sqrt 2) / 2
        F = 0.5 * math.erfc(-z * _INV_SQRT2)
    elif kind == 1:  # Laplace: e^z / 2 below 0, 1 - e^-z / 2 above
        if z < 0.0:
            F = 0.5 * math.exp(z)
        else:
            F = 1.0 - 0.5 * math.exp(-z)
    else:  # logistic: 1 / (1 + e^-z), written without overflow
        if z < 0.0:
            e = math.exp(z)
            F = e / (1.0 + e)
        else:
            F = 1.0 / (1.0 + math.exp(-z))
    if not F >= 0.0:  # also catches NaN
        F = 0.0
    if F > 1.0:
        F = 1.0
    return F


@njit(cache=True)
def family_F_array(kind, z):
    """``family_F`` elementwise over a float64 array of any shape (used by the table builder)."""
    flat = z.ravel()
    out = np.empty(flat.size, dtype=np.float64)
    for i in range(flat.size):
        out[i] = family_F(kind, flat[i])
    return out.reshape(z.shape)


@njit(cache=True)
def family_cdf_at(kind, loc, scale, low, high, precision, k):
    """Cumulative count below symbol index k (symbol value low + k); see the module docstring."""
    A = high - low + 1
    M = np.int64(1) << precision
    if k <= 0:
        return np.int64(0)
    if k >= A:
        return M
    R = M - A
    z = (float(low + k) - 0.5 - loc) / scale
    q = np.int64(math.floor(family_F(kind, z) * float(R)))
    if q > R:
        q = R
    return np.int64(k) + q


# Acklam's rational approximation of the inverse normal CDF (relative error < 1.2e-9): used only
# to GUESS where to start searching; the result of a search never depends on the guess.
_A = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00)
_B = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
      6.680131188771972e+01, -1.328068155288572e+01)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549671010114140e+00, 4.374664141464968e+00, 2.938163982698783e+00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00)


@njit(cache=True)
def _tail_inv(u):
    q = math.sqrt(-2.0 * math.log(u))
    return ((((( _C[0] * q + _C[1]) * q + _C[2]) * q + _C[3]) * q + _C[4]) * q + _C[5]) / \
        ((((_D[0] * q + _D[1]) * q + _D[2]) * q + _D[3]) * q + 1.0)


@njit(cache=True)
def family_F_inv_approx(kind, u):
    """Approximate inverse of family_F for u in (0, 1) (a search hint, not part of the model)."""
    if kind == 0:
        if u < 0.02425:
            return _tail_inv(u)
        if u > 1.0 - 0.02425:
            return -_tail_inv(1.0 - u)
        q = u - 0.5
        r = q * q
        return (((((_A[0] * r + _A[1]) * r + _A[2]) * r + _A[3]) * r + _A[4]) * r + _A[5]) * q / \
            (((((_B[0] * r + _B[1]) * r + _B[2]) * r + _B[3]) * r + _B[4]) * r + 1.0)
    if kind == 1:
        return math.log(2.0 * u) if u < 0.5 else -math.log(2.0 * (1.0 - u))
    return math.log(u / (1.0 - u))


@njit(cache=True)
def family_find_bracket(kind, loc, scale, low, high, precision, target):
    """(k, cdf_at(k), cdf_at(k+1)) for the k with cdf_at(k) ≤ target < cdf_at(k+1).

    Starts at the symbol the inverse CDF points to (1–3 CDF evaluations when the guess is right
    or one off), then falls back to a binary search inside the bracket already established, so
    the answer is exactly that of a plain binary search (``target`` clamped to [0, M))."""
    A = high - low + 1
    M = np.int64(1) << precision
    if target < 0:
        target = np.int64(0)
    if target >= M:
        target = M - 1
    if A == 1:
        return np.int64(0), np.int64(0), M
    u = (float(target) + 0.5) / float(M)
    x = loc + scale * family_F_inv_approx(kind, u)
    g = x - float(low) + 0.5
    if not g >= 0.0:  # also NaN
        k = np.int64(0)
    elif g >= float(A - 1):
        k = np.int64(A - 1)
    else:
        k = np.int64(math.floor(g))
    c_lo = family_cdf_at(kind, loc, scale, low, high, precision, k)
    c_hi = family_cdf_at(kind, loc, scale, low, high, precision, k + 1)
    steps = 0
    while target < c_lo and steps < 2:
        k -= 1
        c_hi = c_lo
        c_lo = family_cdf_at(kind, loc, scale, low, high, precision, k)
        steps += 1
    while target >= c_hi and steps < 2:
        k += 1
        c_lo = c_hi
        c_hi = family_cdf_at(kind, loc, scale, low, high, precision, k + 1)
        steps += 1
    if c_lo <= target < c_hi:
        return k, c_lo, c_hi
    # binary search keeping cdf(lo) <= target < cdf(hi)
    if target < c_lo:
        lo, cl, hi, ch = np.int64(0), np.int64(0), k, c_lo
    else:
        lo, cl, hi, ch = k + 1, c_hi, np.int64(A), M
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        cm = family_cdf_at(kind, loc, scale, low, high, precision, mid)
        if cm <= target:
            lo = mid
            cl = cm
        else:
            hi = mid
            ch = cm
    return lo, cl, ch


@njit(cache=True)
def family_find(kind, loc, scale, low, high, precision, target):
    """The index k in [0, A) with cdf_at(k) ≤ target < cdf_at(k+1).

    ``target`` outside [0, 2**precision) is clamped, so the result is always in [0, A)."""
    return family_find_bracket(kind, loc, scale, low, high, precision, target)[0]
