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


@njit(cache=True)
def family_find(kind, loc, scale, low, high, precision, target):
    """The index k in [0, A) with cdf_at(k) ≤ target < cdf_at(k+1) (binary search).

    ``target`` outside [0, 2**precision) is clamped, so the result is always in [0, A)."""
    A = high - low + 1
    lo = np.int64(0)
    hi = np.int64(A)
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if family_cdf_at(kind, loc, scale, low, high, precision, mid) <= target:
            lo = mid
        else:
            hi = mid
    return lo
