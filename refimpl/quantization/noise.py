"""Training-time noise: Kumaraswamy noise (C3) and the expected-gradient identity (UQ §4.2).

Citations: Kim, Bauer, Theis, Schwarz & Dupont, *C3: High-performance and low-complexity neural
compression from a single image or video*, CVPR 2024 (quantisation proxy: Kumaraswamy noise with
its mode fixed at ½, annealed from a = 2 to a = 1 = uniform); Kumaraswamy, *A generalized
probability density function for double-bounded random processes*, J. Hydrology 1980;
Agustsson & Theis, *Universally Quantized Neural Compression*, NeurIPS 2020, §4.2 (expected
gradients through uniform noise; tensorflow-compression ``math_ops.perturb_and_apply``).

| symbol | name | meaning |
|---|---|---|
| a, b | ``a``, ``b`` | Kumaraswamy shape parameters, X ∈ [0, 1], F(x) = 1 − (1 − x^a)^b |
| b(a) = (2^a (a − 1) + 1) / a | :func:`kumaraswamy_mode_b` | makes the mode ((a−1)/(ab−1))^{1/a} equal ½ |
| u | ``u`` | a uniform in [0, 1) (explicit randomness) |
| X = (1 − (1 − u)^{1/b})^{1/a} | :func:`kumaraswamy_given` | inverse-CDF sample |
| n = X − ½ | :func:`kumaraswamy_noise_given` | C3's additive noise (a = 1: U(−½, ½)) |
| E Xⁿ = b B(1 + n/a, b) | :func:`kumaraswamy_moments` | raw moments |
| f, y, U | ``f``, ``y`` | d/dy E f(y + U) = f(y + ½) − f(y − ½), U ~ U(−½, ½) |

Randomness: the seeded wrapper draws its uniforms from ``refimpl.random`` stream 3 (dither; C3's
noise plays the dither's role), element i of the flattened shape at index ``index0 + i``.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np
from scipy.special import beta as _beta

from .. import random as R
from .universal import _indices, _positive

__all__ = [
    "KumaraswamyMoments",
    "kumaraswamy_mode_b",
    "kumaraswamy_given",
    "kumaraswamy_noise_given",
    "kumaraswamy_noise",
    "kumaraswamy_moments",
    "kumaraswamy_cdf",
    "kumaraswamy_pdf",
    "expected_gradient",
]


class KumaraswamyMoments(NamedTuple):
    """Mean and variance of X ~ Kumaraswamy(a, b); the noise n = X − ½ has mean ``mean − ½``."""

    mean: float
    variance: float


def kumaraswamy_mode_b(a) -> float:
    """C3's b(a) = (2^a (a − 1) + 1) / a: the Kumaraswamy(a, b(a)) mode is ½ (a ≥ 1; a = 1 → b = 1)."""
    a = _positive(a, "a")
    if a < 1:
        raise ValueError(f"a must be >= 1 for the mode-fixing b(a) (an interior mode needs a >= 1), got {a}")
    return (2.0**a * (a - 1.0) + 1.0) / a


def _ab(a, b) -> tuple[float, float]:
    a = _positive(a, "a")
    b = kumaraswamy_mode_b(a) if b is None else _positive(b, "b")
    return a, b


def kumaraswamy_given(u, a, b=None) -> np.ndarray:
    """Inverse-CDF sample X = (1 − (1 − u)^{1/b})^{1/a} ∈ [0, 1] for uniforms u ∈ [0, 1)
    (C3's sampler); ``b=None`` uses the mode-fixing b(a)."""
    a, b = _ab(a, b)
    u = np.asarray(u, dtype=np.float64)
    if not np.all(np.isfinite(u)) or np.any(u < 0) or np.any(u >= 1):
        raise ValueError("u must be uniforms in [0, 1)")
    # 1 − (1−u)^{1/b} = −expm1(log1p(−u)/b): accurate for small u.
    return (-np.expm1(np.log1p(-u) / b)) ** (1.0 / a)


def kumaraswamy_noise_given(u, a, b=None) -> np.ndarray:
    """C3's noise n = X − ½, X = Kumaraswamy(a, b(a)) from uniforms u (a = 1: n = u − ½)."""
    return kumaraswamy_given(u, a, b) - 0.5


def kumaraswamy_noise(shape, a, seed: int, b=None, index0: int = 0) -> np.ndarray:
    """Seeded C3 noise of the given shape: uniforms from ``refimpl.random`` stream 3 (dither),
    element i (C order) at index ``index0 + i``."""
    idx = _indices(shape, index0)
    u = R.uniform(seed, R.STREAM_DITHER, idx.reshape(-1))
    return kumaraswamy_noise_given(u, a, b).reshape(idx.shape)


def kumaraswamy_moments(a, b=None) -> KumaraswamyMoments:
    """Mean b·B(1 + 1/a, b) and variance b·B(1 + 2/a, b) − mean² of Kumaraswamy(a, b)."""
    a, b = _ab(a, b)
    m1 = b * _beta(1.0 + 1.0 / a, b)
    m2 = b * _beta(1.0 + 2.0 / a, b)
    return KumaraswamyMoments(float(m1), float(m2 - m1 * m1))


def kumaraswamy_cdf(x, a, b=None) -> np.ndarray:
    """F(x) = 1 − (1 − x^a)^b on [0, 1] (0 below, 1 above)."""
    a, b = _ab(a, b)
    x = np.clip(np.asarray(x, dtype=np.float64), 0.0, 1.0)
    return -np.expm1(b * np.log1p(-(x**a)))


def kumaraswamy_pdf(x, a, b=None) -> np.ndarray:
    """f(x) = a b x^{a−1} (1 − x^a)^{b−1} on (0, 1), 0 outside."""
    a, b = _ab(a, b)
    x = np.asarray(x, dtype=np.float64)
    inside = (x > 0) & (x < 1)
    xc = np.where(inside, x, 0.5)
    f = a * b * xc ** (a - 1.0) * (1.0 - xc**a) ** (b - 1.0)
    return np.where(inside, f, 0.0)


def expected_gradient(f: Callable[[np.ndarray], np.ndarray], y) -> np.ndarray:
    """d/dy E_U f(y + U) = f(y + ½) − f(y − ½), U ~ U(−½, ½) (UQ §4.2; fundamental theorem of
    calculus: E f(y + U) = ∫_{y−½}^{y+½} f). Used as the backward pass of a noisy forward."""
    y = np.asarray(y, dtype=np.float64)
    if not np.all(np.isfinite(y)):
        raise ValueError("y must be finite")
    return np.asarray(f(y + 0.5), dtype=np.float64) - np.asarray(f(y - 0.5), dtype=np.float64)
