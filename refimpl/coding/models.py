"""Integer probability models for entropy coding: quantized pmfs and quantized parametric families.

Citation: Yang, Mandt & Theis, *An Introduction to Neural Data Compression* (2023), §2.1–2.2
(entropy coding needs a model with integer frequencies; "quantized" continuous densities over
integer latents, e.g. the discretized Gaussian/logistic of learned image codecs, §3).
Specification: ``specs/coding.md`` §§ "quantize_pmf", "Parametric families".

| paper | code | meaning |
|---|---|---|
| p(s) | ``pmf`` | float probabilities (any non-negative weights; normalised per row) |
| M = 2^precision | ``precision`` | total count of the integer model |
| f(s), c(s) | ``np.diff(cdf)``, ``cdf[s]`` | integer frequency and cumulative count |
| q(s) = f(s)/M | | the integer model the coder actually uses |
| KL(p ‖ q) | :func:`kl_bits` | coding cost of quantizing p, bits/symbol |
| μ, σ (b, s) | ``loc``, ``scale`` | location and scale of the continuous density |
| [low, high] | ``low``, ``high`` | integer domain of the quantized family; A = high − low + 1 |
"""

from __future__ import annotations

import math

import numpy as np

from . import _family_kernels as FK
from . import _model_kernels as MK
from .cdf import check_precision

__all__ = [
    "quantize_pmf",
    "quantize_pmf_py",
    "quantize_pmf_baseline",
    "normalise_rows",
    "kl_bits",
    "information_bits",
    "family_kind",
    "check_family_args",
    "family_cdf",
    "family_cdf_at_py",
    "FAMILIES",
    "PRECISION_RANGE",
]

#: Family names → kernel codes (``kind`` may be given as either).
FAMILIES = {"gaussian": FK.GAUSSIAN, "laplace": FK.LAPLACE, "logistic": FK.LOGISTIC}

#: Supported ``precision`` (bits of the total count M) for models and rANS.
PRECISION_RANGE = (1, 24)

#: Integer domain bound: |low|, |high| ≤ 2**40 keeps low + k − 0.5 exact in float64.
_DOMAIN_BOUND = 1 << 40


# --- quantize_pmf ------------------------------------------------------------------------------


def _check_pmf(pmf, precision) -> tuple[np.ndarray, int, bool]:
    precision = check_precision(precision, *PRECISION_RANGE)
    p = np.asarray(pmf)
    if p.dtype == object or not (np.issubdtype(p.dtype, np.floating) or np.issubdtype(p.dtype, np.integer)):
        raise ValueError(f"pmf must be a real array, got dtype {p.dtype}")
    if p.ndim not in (1, 2) or p.shape[-1] < 1:
        raise ValueError(f"pmf must have shape (A,) or (n, A) with A >= 1, got {p.shape}")
    p = np.array(p, dtype=np.float64, ndmin=2)
    if not np.all(np.isfinite(p)):
        raise ValueError("pmf must be finite (no NaN or inf)")
    if np.any(p < 0):
        raise ValueError("pmf must be non-negative")
    if p.shape[0] and np.any(p.max(axis=1) <= 0):
        raise ValueError("pmf must have a positive sum in every row (all-zero pmf)")
    if p.shape[1] > (1 << precision):
        raise ValueError(f"pmf alphabet size {p.shape[1]} exceeds 2**precision = {1 << precision}")
    return normalise_rows(p), precision, np.ndim(pmf) == 1


def normalise_rows(p: np.ndarray) -> np.ndarray:
    """Rows of finite non-negative weights ``p`` (n, A), each with a positive entry, divided by
    their sums. A row whose float64 sum overflows to inf (e.g. [1e308, 1e308]) is first divided by
    its maximum (exact scaling by a power of two would also do; the maximum keeps every entry
    ≤ 1), so huge finite weights are valid; other rows are divided by their sum directly (the
    rule every stored vector was made with)."""
    p = np.array(p, dtype=np.float64, ndmin=2)
    with np.errstate(over="ignore"):
        total = p.sum(axis=1, keepdims=True)
    big = ~np.isfinite(total[:, 0])
    if np.any(big):
        p[big] = p[big] / p[big].max(axis=1, keepdims=True)
        total = p.sum(axis=1, keepdims=True)
    return p / total


def quantize_pmf(pmf, precision: int) -> np.ndarray:
    """Integer CDF of total 2**precision with every frequency ≥ 1 minimising the cross-entropy.

    Rule (specs/coding.md § quantize_pmf): normalise p; start from f = 1 + floor(p·(M − A)),
    hand out the remaining counts to the symbols with the largest gain p·log2(1 + 1/f); then
    repeatedly move one count from the symbol whose removal costs least, p·log2(1 + 1/(f−1))
    (f ≥ 2), to the symbol whose gain is largest, while the gain strictly exceeds the cost.
    The cross-entropy Σ −p log2(f/M) is separable and convex in f, so this exchange optimum is
    the global minimum of KL(p ‖ f/M) over integer frequencies f ≥ 1 with Σ f = M (up to
    float ties). Returns int64 ``(A+1,)`` for a pmf ``(A,)`` and ``(n, A+1)`` for ``(n, A)``.
    Runs the Numba kernel ``_model_kernels.quantize_rows``; readable twin: :func:`quantize_pmf_py`.
    """
    p, precision, single = _check_pmf(pmf, precision)
    f, bad = MK.quantize_rows(np.ascontiguousarray(p), precision)
    if bad >= 0:  # cannot happen for a normalised row (0 <= deficit <= A); a guard, not a path
        raise ValueError(f"pmf row {bad} could not be quantized (its normalised sum is not 1)")
    cdf = np.zeros((f.shape[0], f.shape[1] + 1), dtype=np.int64)
    np.cumsum(f, axis=1, out=cdf[:, 1:])
    return cdf[0] if single else cdf


def quantize_pmf_py(pmf, precision: int) -> np.ndarray:
    """Readable twin of :func:`quantize_pmf` (one row at a time, Python floats and ``math.log2``)."""
    p, precision, single = _check_pmf(pmf, precision)
    M = 1 << precision
    out = []
    for row in p.tolist():
        A = len(row)

        def gain(k, fk):  # decrease of −Σ p log2(f/M) when f_k → f_k + 1
            return row[k] * math.log2(1.0 + 1.0 / fk)

        f = [1 + math.floor(pk * float(M - A)) for pk in row]
        deficit = M - sum(f)
        if not 0 <= deficit <= A:  # the kernel's guard: a normalised row has 0 <= deficit <= A
            raise ValueError(f"pmf row {len(out)} could not be quantized (its normalised sum is not 1)")
        for k in sorted(range(A), key=lambda k: -gain(k, f[k]))[:deficit]:  # stable sort
            f[k] += 1
        for _ in range(4 * A + 64):
            j = max(range(A), key=lambda k: gain(k, f[k]))  # first maximum
            movable = [k for k in range(A) if f[k] >= 2]
            if not movable:
                break
            i = min(movable, key=lambda k: gain(k, f[k] - 1))  # first minimum
            if i == j or not gain(j, f[j]) > gain(i, f[i] - 1):
                break
            f[i] -= 1
            f[j] += 1
        out.append([0] + list(np.cumsum(f)))
    cdf = np.array(out, dtype=np.int64)
    return cdf[0] if single else cdf


def quantize_pmf_baseline(pmf, precision: int) -> np.ndarray:
    """The simple rule quantize_pmf is tested against: f = round(p·M), zeros lifted to 1, the
    excess (or deficit) taken from (given to) the largest frequency, one count at a time."""
    p, precision, single = _check_pmf(pmf, precision)
    M = 1 << precision
    f = np.maximum(np.rint(p * M).astype(np.int64), 1)
    for row in f:
        while row.sum() != M:
            k = int(np.argmax(row))
            row[k] += 1 if row.sum() < M else -1
            if row[k] < 1:  # cannot happen while A <= M: the largest count of an excess is >= 2
                raise AssertionError("baseline rule failed")
    cdf = np.zeros((f.shape[0], f.shape[1] + 1), dtype=np.int64)
    np.cumsum(f, axis=1, out=cdf[:, 1:])
    return cdf[0] if single else cdf


def kl_bits(pmf, cdf, precision: int) -> np.ndarray | float:
    """KL(p ‖ q) in bits with q = diff(cdf)/2**precision (p normalised; 0·log 0 = 0)."""
    p, precision, single = _check_pmf(pmf, precision)
    q = np.diff(np.atleast_2d(np.asarray(cdf, dtype=np.int64)), axis=1) / float(1 << precision)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * (np.log2(p) - np.log2(q)), 0.0)
    out = terms.sum(axis=1)
    return float(out[0]) if single else out


def information_bits(symbols, cdf, precision: int) -> float:
    """Information content −Σ_i log2(f_i(s_i)/M) of symbol indices under an integer model."""
    c = np.asarray(cdf, dtype=np.int64)
    s = np.asarray(symbols, dtype=np.int64)
    if s.size == 0:
        return 0.0
    if c.ndim == 1:
        f = c[s + 1] - c[s]
    else:
        r = np.arange(s.size)
        f = c[r, s + 1] - c[r, s]
    return float(np.sum(precision - np.log2(f.astype(np.float64))))


# --- parametric families ---------------------------------------------------------------------


def family_kind(kind) -> int:
    """``kind`` as a kernel code: 0/1/2 or "gaussian"/"laplace"/"logistic"."""
    if isinstance(kind, str):
        if kind.lower() in FAMILIES:
            return FAMILIES[kind.lower()]
    elif isinstance(kind, (int, np.integer)) and not isinstance(kind, (bool, np.bool_)) and int(kind) in (0, 1, 2):
        return int(kind)
    raise ValueError(f"kind must be 0/'gaussian', 1/'laplace' or 2/'logistic', got {kind!r}")


def _int_arg(v, name: str) -> int:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
        raise ValueError(f"{name} must be an integer, got {v!r}")
    v = int(v)
    if abs(v) > _DOMAIN_BOUND:
        raise ValueError(f"{name} must be in [-2**40, 2**40], got {v}")
    return v


def check_family_args(kind, loc, scale, low, high, precision):
    """Validate family arguments; returns (kind code, loc (n,) float64, scale (n,) float64,
    low, high, precision). ``scale`` may be a scalar (broadcast to ``loc``'s shape)."""
    k = family_kind(kind)
    precision = check_precision(precision, *PRECISION_RANGE)
    low, high = _int_arg(low, "low"), _int_arg(high, "high")
    if low > high:
        raise ValueError(f"low must be <= high, got low={low}, high={high}")
    if high - low + 1 > (1 << precision):
        raise ValueError(f"domain size high - low + 1 = {high - low + 1} exceeds 2**precision = {1 << precision}")
    mu = np.asarray(loc)
    if mu.ndim != 1 or mu.dtype == object or mu.dtype.kind not in "iuf":
        raise ValueError(f"loc must be a 1-D real array, got shape {mu.shape} dtype {mu.dtype}")
    mu = np.ascontiguousarray(mu, dtype=np.float64)
    sg = np.asarray(scale)
    if sg.dtype == object or sg.dtype.kind not in "iuf" or sg.ndim > 1 or (sg.ndim == 1 and sg.shape != mu.shape):
        raise ValueError(f"scale must be a scalar or a real array of loc's shape {mu.shape}, got shape {sg.shape}")
    sg = np.ascontiguousarray(np.broadcast_to(np.asarray(sg, dtype=np.float64), mu.shape))
    st = MK.family_params_status(mu, sg)  # one Numba pass; readable twin: check_family_values_np
    if st:
        raise ValueError(_FAMILY_VALUE_ERRORS[st])
    return k, mu, sg, low, high, precision


_FAMILY_VALUE_ERRORS = {1: "loc must be finite", 2: "scale must be finite",
                        3: "scale must be > 0 (sigma <= 0 is not a distribution)"}


def check_family_values_np(mu: np.ndarray, sg: np.ndarray) -> None:
    """Readable twin of the value checks in :func:`check_family_args` (``_model_kernels.
    family_params_status``): the same ValueError, with the same precedence."""
    if not np.all(np.isfinite(mu)):
        raise ValueError(_FAMILY_VALUE_ERRORS[1])
    if not np.all(np.isfinite(sg)):
        raise ValueError(_FAMILY_VALUE_ERRORS[2])
    if np.any(sg <= 0):
        raise ValueError(_FAMILY_VALUE_ERRORS[3])


def family_cdf(kind, loc, scale, low: int, high: int, precision: int) -> np.ndarray:
    """Integer CDF tables ``(n, A+1)`` of a quantized family, one row per (loc, scale).

    ``cdf[i, k] = k + floor(F((low + k − 0.5 − loc_i)/scale_i) · (M − A))`` for 0 < k < A,
    0 at k = 0 and M at k = A (specs/coding.md § Parametric families), computed vectorised;
    equal bit for bit to :func:`refimpl.coding._family_kernels.family_cdf_at`.
    """
    k, mu, sg, low, high, precision = check_family_args(kind, loc, scale, low, high, precision)
    M = 1 << precision
    A = high - low + 1
    edges = np.arange(low + 1, high + 1, dtype=np.int64).astype(np.float64) - 0.5  # (low + k) − 0.5, k=1..A−1
    z = (edges[None, :] - mu[:, None]) / sg[:, None]
    F = FK.family_F_array(k, z)
    q = np.minimum(np.floor(F * float(M - A)).astype(np.int64), M - A)
    cdf = np.empty((mu.size, A + 1), dtype=np.int64)
    cdf[:, 0] = 0
    cdf[:, 1:A] = np.arange(1, A, dtype=np.int64)[None, :] + q
    cdf[:, A] = M
    return cdf


def _F_py(kind: int, z: float) -> float:
    """Readable twin of ``_family_kernels.family_F`` with Python's ``math`` (same libm calls)."""
    if kind == 0:
        F = 0.5 * math.erfc(-z * FK._INV_SQRT2)
    elif kind == 1:
        F = 0.5 * math.exp(z) if z < 0.0 else 1.0 - 0.5 * math.exp(-z)
    else:
        F = math.exp(z) / (1.0 + math.exp(z)) if z < 0.0 else 1.0 / (1.0 + math.exp(-z))
    return min(max(F, 0.0), 1.0) if F == F else 0.0


def family_cdf_at_py(kind: int, loc: float, scale: float, low: int, high: int, precision: int, k: int) -> int:
    """Readable twin of ``_family_kernels.family_cdf_at`` (Python ints and floats)."""
    A, M = high - low + 1, 1 << precision
    if k <= 0:
        return 0
    if k >= A:
        return M
    z = (float(low + k) - 0.5 - loc) / scale
    return k + min(math.floor(_F_py(kind, z) * float(M - A)), M - A)
