"""Densities of the uniform-noise channel and the conditional pmf P(k | u) used to code k given u.

Citation: Agustsson & Theis, *Universally Quantized Neural Compression*, NeurIPS 2020, §3
(entropy model = prior convolved with the unit box; P(K = k | U = u) = p_{Y+U}(k + u)) and §4.1
(density of s_α(Y) + U, tensorflow-compression ``NoisySoftRoundAdapter``).

| symbol | name | meaning |
|---|---|---|
| c | family CDF | Gaussian Φ, Laplace, logistic σ; standardised z = (y − μ)/b |
| μ, b | ``loc``, ``scale`` | location and scale (Gaussian: b = σ) |
| Δ | ``step`` | quantization step; U ~ U(−Δ/2, Δ/2) |
| p_{Y+U}(t) = (c(t + Δ/2) − c(t − Δ/2))/Δ | :func:`uq_density` | uniform-noise channel output density |
| P(K = k | u) = c(Δk + u + Δ/2) − c(Δk + u − Δ/2) | :func:`uq_conditional_pmf` | = Δ·p_{Y+U}(Δk + u) |
| V = Δ·s_α(Y/Δ) | ``alpha`` | optional soft rounding before the channel: c(·) → c(Δ s_α⁻¹(·/Δ)) |
| W, c_i | :func:`uq_support` | truncated support k ∈ [c_i − W, c_i + W] of element i |

Stability: an interval mass c(b) − c(a) is computed in logs as
log c(b) + log(−expm1(log c(a) − log c(b))) after reflecting the interval to the left half
(c(−z) = 1 − c(z) for these symmetric families), so far right tails use survival functions and
nothing cancels catastrophically; log c is ``log_ndtr`` (Gaussian), z − ln 2 / log1p(−½e^{−z})
(Laplace), −softplus(−z) (logistic).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import log_ndtr

from .soft_round import soft_round_inverse
from .universal import _check_k_u, _check_step, _real

__all__ = [
    "UQ_FAMILIES",
    "uq_log_mass_nats",
    "uq_density",
    "uq_log2_density",
    "uq_conditional_pmf",
    "uq_pmf_table",
    "uq_support_centre",
    "uq_information_bits",
]

#: The prior families of the uniform-noise channel.
UQ_FAMILIES = ("gaussian", "laplace", "logistic")

_LN2 = math.log(2.0)
#: Symbols k of a pmf table must satisfy |k| ≤ 2^52: exact in int64 (no wrap) and in float64 (Δk exact
#: to one rounding), the same bound universal quantization puts on K.
_K_RANGE = 1 << 52


def _log_cdf_std(z: np.ndarray, family: str) -> np.ndarray:
    """log c(z) for the standardised family (nats)."""
    if family == "gaussian":
        return log_ndtr(z)
    if family == "laplace":
        with np.errstate(over="ignore"):
            right = np.log1p(-0.5 * np.exp(-np.maximum(z, 0.0)))
        return np.where(z <= 0, z - _LN2, right)
    return -np.logaddexp(0.0, -z)  # logistic


def check_family(family) -> str:
    if family not in UQ_FAMILIES:
        raise ValueError(f"family must be one of {UQ_FAMILIES}, got {family!r}")
    return family


def check_prior(family, loc, scale, shape: tuple) -> tuple[str, np.ndarray, np.ndarray]:
    """Validate (family, loc, scale) and broadcast loc and scale to ``shape``."""
    family = check_family(family)
    loc = _real(loc, "loc")
    scale = _real(scale, "scale")
    if np.any(scale <= 0):
        raise ValueError("scale must be > 0")
    try:
        loc = np.broadcast_to(loc, shape)
        scale = np.broadcast_to(scale, shape)
    except ValueError:
        raise ValueError(f"loc {loc.shape} and scale {scale.shape} must broadcast to the data shape {shape}") from None
    return family, loc, scale


def _check_alpha(alpha, shape: tuple):
    """None, or α as soft_round checks it (finite, ≥ 0, an array α must broadcast to ``shape``
    without changing it): returns None, a float, or a float64 array broadcast to ``shape``."""
    if alpha is None:
        return None
    try:
        a = np.asarray(alpha, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"alpha must be None or a finite real >= 0 (or an array of them), got {alpha!r}") from None
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise ValueError(f"alpha must be None or finite and >= 0, got {alpha!r}")
    if a.ndim == 0:
        return float(a)
    try:
        out_shape = np.broadcast_shapes(shape, a.shape)
    except ValueError:
        out_shape = None
    if out_shape != tuple(shape):
        raise ValueError(f"alpha of shape {a.shape} must broadcast to the input's shape {tuple(shape)} without changing it")
    return np.broadcast_to(a, shape)


def _to_y(x: np.ndarray, step: float, alpha) -> np.ndarray:
    """Map a channel-input threshold x (V-space) back to Y-space: Δ·s_α⁻¹(x/Δ) (identity if α is None)."""
    if alpha is None:
        return x
    return step * np.asarray(soft_round_inverse(x / step, alpha), dtype=np.float64)


def _log_mass(lo: np.ndarray, hi: np.ndarray, family: str, loc: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """log P(lo < Y ≤ hi) (nats), lo ≤ hi, stable in both tails (see module docstring)."""
    za = (lo - loc) / scale
    zb = (hi - loc) / scale
    flip = za + zb > 0
    a = np.where(flip, -zb, za)
    b = np.where(flip, -za, zb)
    la = _log_cdf_std(a, family)
    lb = _log_cdf_std(b, family)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = lb + np.log(-np.expm1(la - lb))
    return np.where(b > a, out, -np.inf)


def uq_log_mass_nats(lo, hi, family, loc, scale) -> np.ndarray:
    """log(c(hi) − c(lo)) in nats for the prior (family, loc, scale), computed stably.

    ``lo``, ``hi``, ``loc``, ``scale`` broadcast together; requires lo ≤ hi."""
    lo = _real(lo, "lo")
    hi = _real(hi, "hi")
    try:
        shape = np.broadcast_shapes(lo.shape, hi.shape, np.shape(loc), np.shape(scale))
    except ValueError:
        raise ValueError("lo, hi, loc and scale must broadcast together") from None
    family, loc, scale = check_prior(family, loc, scale, shape)
    if np.any(lo > hi):
        raise ValueError("lo must be <= hi")
    return _log_mass(np.broadcast_to(lo, shape), np.broadcast_to(hi, shape), family, loc, scale)


def uq_log2_density(t, family, loc, scale, step=1.0, alpha=None) -> np.ndarray:
    """log2 p_{Y+U}(t) = log2[(c(t + Δ/2) − c(t − Δ/2))/Δ] (§3); with ``alpha``, the density of
    Δ·s_α(Y/Δ) + U, c(x) → c(Δ s_α⁻¹(x/Δ)) (§4.1)."""
    t = _real(t, "t")
    step = _check_step(step)
    alpha = _check_alpha(alpha, t.shape)
    family, loc, scale = check_prior(family, loc, scale, t.shape)
    lo = _to_y(t - step / 2, step, alpha)
    hi = _to_y(t + step / 2, step, alpha)
    return (_log_mass(lo, hi, family, loc, scale) - math.log(step)) / _LN2


def uq_density(t, family, loc, scale, step=1.0, alpha=None) -> np.ndarray:
    """p_{Y+U}(t) = (c(t + Δ/2) − c(t − Δ/2))/Δ (§3), see :func:`uq_log2_density`."""
    return np.exp2(uq_log2_density(t, family, loc, scale, step, alpha))


def uq_conditional_pmf(k, u, family, loc, scale, step=1.0, alpha=None) -> np.ndarray:
    """P(K = k | U = u) = c(Δk + u + Δ/2) − c(Δk + u − Δ/2) = Δ·p_{Y+U}(Δk + u) (§3).

    ``k`` (integers) and ``u`` must have the same shape; loc/scale broadcast to it."""
    k, u = _check_k_u(k, u)
    step = _check_step(step)
    if np.any(np.abs(u) > step / 2):
        raise ValueError(f"u must lie in [-step/2, step/2] = [{-step / 2}, {step / 2}]")
    t = step * k.astype(np.float64) + u
    return np.exp2(uq_log2_density(t, family, loc, scale, step, alpha)) * step


def uq_support_centre(u, loc, step=1.0) -> np.ndarray:
    """c_i = round((μ_i − u_i)/Δ): the symbol a value at the prior's location would get (int64)."""
    u = _real(u, "u")
    loc = np.broadcast_to(_real(loc, "loc"), u.shape)
    step = _check_step(step)
    return np.rint((loc - u) / step).astype(np.int64)


def uq_pmf_table(u, family, loc, scale, k_low, size: int, step=1.0, alpha=None) -> np.ndarray:
    """Per-element pmf table, shape (n, size): row i is P(K = k_low_i + j | u_i), j = 0…size−1,
    normalised over the row (the truncated support). Built by broadcasting (no Python loop);
    each row is scaled by its largest log-mass before exponentiating, so no row underflows.

    ``u``, ``loc``, ``scale``, ``k_low`` are 1-D of length n (loc/scale may be scalars)."""
    u = _real(u, "u").reshape(-1)
    n = u.size
    step = _check_step(step)
    alpha = _check_alpha(alpha, (n,))
    if isinstance(alpha, np.ndarray):
        alpha = alpha[:, None]  # one α per row, broadcast along the row's symbols
    family, loc, scale = check_prior(family, loc, scale, (n,))
    if isinstance(size, (bool, np.bool_)) or not isinstance(size, (int, np.integer)) or not 1 <= size <= _K_RANGE:
        raise ValueError(f"size must be an integer in [1, 2**52], got {size!r}")
    kl = np.asarray(k_low)
    if kl.dtype == object or kl.dtype.kind not in "iu":
        raise ValueError(f"k_low must be an integer array (no silent truncation of floats), got dtype {kl.dtype}")
    try:
        kl = np.broadcast_to(kl, (n,))
    except ValueError:
        raise ValueError(f"k_low of shape {kl.shape} must broadcast to ({n},)") from None
    if kl.size and (int(kl.min()) < -_K_RANGE or int(kl.max()) + int(size) - 1 > _K_RANGE):
        raise ValueError(f"k_low + j must lie in [-2**52, 2**52] for j < size (exact in int64 and float64), "
                         f"got k_low in [{int(kl.min())}, {int(kl.max())}] with size {int(size)}")
    k_low = kl.astype(np.int64)
    k = k_low[:, None] + np.arange(int(size), dtype=np.int64)[None, :]
    t = step * k.astype(np.float64) + u[:, None]
    lo = _to_y(t - step / 2, step, alpha)
    hi = _to_y(t + step / 2, step, alpha)
    lm = _log_mass(lo, hi, family, loc[:, None], scale[:, None])
    top = np.max(lm, axis=1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    p = np.exp(lm - top)
    s = p.sum(axis=1, keepdims=True)
    bad = ~(s[:, 0] > 0)
    if np.any(bad):  # every mass underflowed even after scaling (cannot happen for size >= 1 and finite inputs)
        p[bad] = 1.0
        s[bad] = size
    return p / s


def uq_information_bits(k, u, family, loc, scale, step=1.0, alpha=None) -> np.ndarray:
    """Ideal code length −log2 P(K = k | u) per element (bits) = −log2 (Δ·p_{Y+U}(ŷ)): the training
    rate term evaluated at the transmitted ŷ = Δk + u (§3)."""
    k, u = _check_k_u(k, u)
    step = _check_step(step)
    t = step * k.astype(np.float64) + u
    return -(uq_log2_density(t, family, loc, scale, step, alpha) + math.log2(step))
