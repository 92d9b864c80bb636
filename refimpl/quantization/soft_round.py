"""Soft rounding, its inverse and the conditional mean r_α, with derivatives.

Citation: Agustsson & Theis, *Universally Quantized Neural Compression*, NeurIPS 2020
(arXiv 2006.09952), §4.1 (soft rounding, eqs. for s_α, s_α⁻¹ and r_α). Conventions follow
tensorflow-compression ``ops/round_ops.py`` (identity for α < 1e-3; the inverse clips its
atanh term to [−½, ½]); C3 (Kim et al., CVPR 2024) passes a temperature T = 1/α.

| symbol | name | meaning |
|---|---|---|
| y | ``y`` | input of the soft-rounding function |
| v | ``v`` | a soft-rounded (possibly noisy) value |
| α | ``alpha`` | sharpness: α → 0 identity, α → ∞ rounding |
| T | ``temperature`` | C3's parameter, T = 1/α |
| m = ⌊y⌋ + ½ | ``m`` | centre of the unit cell containing y |
| r = y − m ∈ [−½, ½) | ``r`` | offset from the cell centre |
| s_α(y) = m + tanh(α r) / (2 tanh(α/2)) | ``soft_round`` | §4.1 |
| s_α⁻¹(v) = m + atanh(2 tanh(α/2)(v − m)) / α | ``soft_round_inverse`` | §4.1 |
| r_α(v) = s_α⁻¹(v − ½) + ½ | ``soft_round_conditional_mean`` | E[Y | s_α(Y) + U = v], Y locally uniform |
| ε = 1e-3 | ``eps`` | below it every function is the identity (tfc convention) |

Numerics: every function is finite for α ∈ [0, ∞) finite. sech² is evaluated as
4e^{−2|x|}/(1 + e^{−2|x|})² (no overflow of cosh). For α ≥ 1 the inverse and its derivative use
1 ± z t = ((1 ± 2t) + E(1 ∓ 2t))/(1 + E), E = e^{−α}, z = 2 tanh(α/2), t = v − m, which keeps full
precision next to the integers (where s_α is flat and s_α⁻¹ steep); the derivative of the inverse
is sinh(α)/α at integers and +inf only once that overflows (α ≳ 709; tfc allows non-finite
gradients there too).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "SOFT_ROUND_EPS",
    "soft_round",
    "soft_round_inverse",
    "soft_round_conditional_mean",
    "soft_round_derivative",
    "soft_round_inverse_derivative",
    "soft_round_conditional_mean_derivative",
    "alpha_from_temperature",
    "soft_round_temperature",
    "soft_round_inverse_temperature",
    "soft_round_conditional_mean_temperature",
]

#: Below this α every soft-rounding function is the identity (tensorflow-compression's ``eps``).
SOFT_ROUND_EPS = 1e-3


def _check(x, alpha, xname: str) -> tuple[np.ndarray, np.ndarray]:
    """Validate input and α: finite floats, α ≥ 0, α broadcastable to the input's shape."""
    x = np.asarray(x, dtype=np.float64) if not isinstance(x, np.ndarray) or x.dtype != np.float64 else x
    if x.dtype.kind not in "f":
        raise ValueError(f"{xname} must be a real array")
    a = np.asarray(alpha, dtype=np.float64)
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{xname} must be finite (no NaN or inf)")
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise ValueError(f"alpha must be finite and >= 0 (alpha ∈ [0, ∞)), got {alpha!r}")
    try:
        shape = np.broadcast_shapes(x.shape, a.shape)
    except ValueError:
        raise ValueError(f"alpha of shape {a.shape} does not broadcast to {xname} of shape {x.shape}") from None
    if shape != x.shape:
        raise ValueError(f"alpha of shape {a.shape} would change the shape of {xname} {x.shape}")
    return x, a


def _sech2(x: np.ndarray) -> np.ndarray:
    """sech²(x) = 4e^{−2|x|} / (1 + e^{−2|x|})², finite for every finite x."""
    e = np.exp(-2.0 * np.abs(x))
    return 4.0 * e / (1.0 + e) ** 2


def _out(x: np.ndarray, res: np.ndarray):
    """Return a Python float for 0-d input, else an array of the input's shape."""
    res = np.asarray(res, dtype=np.float64).reshape(x.shape)
    return float(res) if res.ndim == 0 else res


def soft_round(y, alpha, eps: float = SOFT_ROUND_EPS):
    """s_α(y) = m + tanh(α r) / (2 tanh(α/2)), m = ⌊y⌋ + ½, r = y − m (§4.1); y itself for α < eps.

    Integers are fixed points, s_α(y + 1) = s_α(y) + 1, increasing; α → ∞ gives round(y)."""
    y, a = _check(y, alpha, "y")
    ab = np.maximum(a, eps)                      # tfc: guards the unused branch
    m = np.floor(y) + 0.5
    r = y - m
    z = 2.0 * np.tanh(ab / 2.0)
    s = m + np.tanh(ab * r) / z
    return _out(y, np.where(a < eps, y, s))


def _edge_factors(v: np.ndarray, ab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(1 + z t)(1 + E) and (1 − z t)(1 + E) for z = 2 tanh(α/2) = 2(1 − E)/(1 + E), E = e^{−α},
    t = v − m: (1 + 2t) + E(1 − 2t) and (1 − 2t) + E(1 + 2t), free of the cancellation in 1 ∓ z t
    near the cell edges t = ∓½ (where z t → ∓1 for large α).

    t = v − m is exact (Sterbenz) except for abs(v) < ¼, where it is rounded by up to 2^-55; next
    to v = 0 that rounding is most of 1 ± 2t ≈ 2·abs(v) (it cost 1e-6 relative in s_50⁻¹(±1e-12)).
    For abs(v) < 1/16 the factors are therefore formed from exact differences:
    1 + 2t = 2(v − ⌊v⌋) and 1 − 2t = 2((⌊v⌋ + 1) − v), each exact whenever it is below ½ and
    rounded once otherwise. For abs(v) ≥ 1/16 the rounding of t (≤ 2^-55) changes 1 ± 2t ≥ ⅛ by at
    most 2·2^-55/2^-3 = 2^-51 relative, so 1 ± 2t from t is kept there (the published vectors' bits;
    tests/quantization/test_soft_round_regimes.py checks both regions against a decimal oracle)."""
    e = np.exp(-ab)
    fl = np.floor(v)
    t = v - (fl + 0.5)
    near0 = np.abs(v) < 0.0625
    one_plus = np.where(near0, 2.0 * (v - fl), 1.0 + 2.0 * t)
    one_minus = np.where(near0, 2.0 * ((fl + 1.0) - v), 1.0 - 2.0 * t)
    return one_plus + e * one_minus, one_minus + e * one_plus


def soft_round_inverse(v, alpha, eps: float = SOFT_ROUND_EPS):
    """s_α⁻¹(v) = m + atanh(2 tanh(α/2)(v − m)) / α, m = ⌊v⌋ + ½, atanh term clipped to [−½, ½]
    (§4.1; tfc clipping); v itself for α < eps.

    For α ≥ 1 the atanh is evaluated as ½ log(((1 + 2t) + E(1 − 2t)) / ((1 − 2t) + E(1 + 2t))),
    t = v − m, E = e^{−α} (the same function; exact at the cell edges, where the atanh form loses
    all digits of 1 − z t: s_23⁻¹(0) = 0 rather than 1e-9)."""
    v, a = _check(v, alpha, "v")
    ab = np.maximum(a, eps)
    m = np.floor(v) + 0.5
    t = v - m
    z = 2.0 * np.tanh(ab / 2.0)
    plus, minus = _edge_factors(v, ab)
    with np.errstate(divide="ignore", invalid="ignore"):
        r_small = np.arctanh(np.clip(z * t, -1.0, 1.0)) / ab
        r_large = (np.log(plus) - np.log(minus)) / (2.0 * ab)
    r = np.clip(np.where(ab >= 1.0, r_large, r_small), -0.5, 0.5)
    return _out(v, np.where(a < eps, v, m + r))


def soft_round_conditional_mean(v, alpha, eps: float = SOFT_ROUND_EPS):
    """r_α(v) = s_α⁻¹(v − ½) + ½ = E[Y | s_α(Y) + U = v] for Y locally uniform (§4.1).

    α → 0: identity; α → ∞: round(v)."""
    v, a = _check(v, alpha, "v")
    inner = np.asarray(soft_round_inverse(v - 0.5, a, eps)) + 0.5
    return _out(v, np.where(a < eps, v, inner))  # exactly v below eps ((v − ½) + ½ can differ by an ulp)


def soft_round_derivative(y, alpha, eps: float = SOFT_ROUND_EPS):
    """ds_α/dy = α sech²(α r) / (2 tanh(α/2)) (§4.1); 1 for α < eps.

    At integers it equals α / sinh α, at half-integers α / (2 tanh(α/2))."""
    y, a = _check(y, alpha, "y")
    ab = np.maximum(a, eps)
    r = y - (np.floor(y) + 0.5)
    d = ab * _sech2(ab * r) / (2.0 * np.tanh(ab / 2.0))
    return _out(y, np.where(a < eps, 1.0, d))


def soft_round_inverse_derivative(v, alpha, eps: float = SOFT_ROUND_EPS):
    """d s_α⁻¹/dv = z / (α (1 − z t)(1 + z t)), z = 2 tanh(α/2), t = v − m (= 1 / s_α′(s_α⁻¹(v)));
    1 for α < eps. For α ≥ 1 evaluated as 2(1 − E²) / (α·[(1 + 2t) + E(1 − 2t)]·[(1 − 2t) + E(1 + 2t)]),
    E = e^{−α} (sinh α / α at integers); +inf only where that overflows (integers, α ≳ 709)."""
    v, a = _check(v, alpha, "v")
    ab = np.maximum(a, eps)
    t = v - (np.floor(v) + 0.5)
    z = 2.0 * np.tanh(ab / 2.0)
    zt = np.clip(z * t, -1.0, 1.0)
    plus, minus = _edge_factors(v, ab)
    e = np.exp(-ab)
    with np.errstate(divide="ignore", over="ignore"):
        d_small = z / (ab * ((1.0 - zt) * (1.0 + zt)))
        d_large = 2.0 * (1.0 - e) * (1.0 + e) / (ab * plus * minus)
    return _out(v, np.where(a < eps, 1.0, np.where(ab >= 1.0, d_large, d_small)))


def soft_round_conditional_mean_derivative(v, alpha, eps: float = SOFT_ROUND_EPS):
    """dr_α/dv = (s_α⁻¹)′(v − ½) (§4.1)."""
    v, a = _check(v, alpha, "v")
    return _out(v, np.asarray(soft_round_inverse_derivative(v - 0.5, a, eps)))


# --- C3's temperature parameterisation, T = 1/α ------------------------------------------------

def alpha_from_temperature(temperature):
    """α = 1/T (C3, Kim et al. 2024, quantisation proxy). T must be finite and > 0."""
    t = np.asarray(temperature, dtype=np.float64)
    if not np.all(np.isfinite(t)) or np.any(t <= 0):
        raise ValueError(f"temperature must be finite and > 0, got {temperature!r}")
    a = 1.0 / t
    return float(a) if a.ndim == 0 else a


def soft_round_temperature(y, temperature, eps: float = SOFT_ROUND_EPS):
    """s_{1/T}(y): soft rounding with C3's temperature T (C3 anneals T from 0.3 to 0.1)."""
    return soft_round(y, alpha_from_temperature(temperature), eps)


def soft_round_inverse_temperature(v, temperature, eps: float = SOFT_ROUND_EPS):
    """s_{1/T}⁻¹(v) with C3's temperature T."""
    return soft_round_inverse(v, alpha_from_temperature(temperature), eps)


def soft_round_conditional_mean_temperature(v, temperature, eps: float = SOFT_ROUND_EPS):
    """r_{1/T}(v) with C3's temperature T (C3's decoder-side proxy r_T(s_T(v) + n))."""
    return soft_round_conditional_mean(v, alpha_from_temperature(temperature), eps)
