"""Quantization primitives: straight-through rounding, soft rounding and discretized
Laplace/logistic log-probabilities (the rate term of C3 and of learned compression).

Citations: straight-through estimator (Bengio, Léonard & Courville 2013; Theis et al., "Lossy
image compression with compressive autoencoders", ICLR 2017, §2.1); soft rounding s_α
(Agustsson & Theis, NeurIPS 2020, §4.1; forward and derivative imported from
:mod:`refimpl.quantization.soft_round`); discretized logistic (Salimans et al., PixelCNN++,
2017, §2.1) and Laplace (C3, Kim et al., CVPR 2024, §3) likelihoods of unit-width bins.

| symbol | name | meaning |
|---|---|---|
| ⌊y⌉ | :func:`round_ste` | rounding; backward passes ȳ unchanged |
| s_α(y) = ⌊y⌋ + ½ tanh(α r)/tanh(α/2) + ½, r = y − ⌊y⌋ − ½ | :func:`soft_round` | §4.1 |
| v, μ, b | ``v``, ``mu``, ``b`` | value, location, scale (b > 0) |
| F | logistic σ(z) or Laplace CDF | standardized CDF, symmetric: F(−z) = 1 − F(z) |
| P(v) = F((v + ½ − μ)/b) − F((v − ½ − μ)/b) | :func:`discretized_logp_nats` | bin probability |

Stability: by symmetry P depends on m = v − μ only through |m|, so both bin edges are put on the
left tail, hi = (½ − |m|)/b, lo = (−½ − |m|)/b, and log P = log F(hi) + log(1 − e^{log F(lo) − log F(hi)})
with log F evaluated in closed form (no 1 − F cancellation): finite log-probabilities however far
v is from μ. Derivatives: ∂ log P/∂hi = f(hi)/P, ∂ log P/∂lo = −f(lo)/P (f the density), chained
through hi, lo to v, μ, b. Values are in nats (``_nats``); divide by ln 2 for bits.
"""

from __future__ import annotations

import numpy as np

from ..quantization.soft_round import soft_round as _soft_round_fwd64
from ..quantization.soft_round import soft_round_derivative as _soft_round_deriv64
from .core import check_float_dtypes, primitive
from .ops import unbroadcast

__all__ = ["round_ste", "soft_round", "discretized_logp_nats", "log1mexp"]

_LOG_HALF = float(np.log(0.5))

round_ste = primitive("round_ste", lambda x: (np.round(x), None), lambda r, g: (g,), 0.0, 0.0)
round_ste.__doc__ = "⌊x⌉ (half to even, as np.round/jnp.round) forward; identity backward (STE)."


def _soft_round_fwd(y, alpha):
    """s_α(y) of :mod:`refimpl.quantization.soft_round` (identity for α < 1e-3), dtype of y kept."""
    y = np.asarray(y)
    if y.dtype.kind != "f":
        raise ValueError(f"soft_round: y must be float32/float64, got dtype {y.dtype} (shape {y.shape})")
    s = np.asarray(_soft_round_fwd64(y, alpha)).astype(y.dtype, copy=False)
    return s, (y, alpha)


def _soft_round_bwd(r, g):
    y, alpha = r
    d = np.asarray(_soft_round_deriv64(y, alpha)).astype(y.dtype, copy=False)
    return g * d, None


soft_round = primitive("soft_round", _soft_round_fwd, _soft_round_bwd, 1e-5, 1e-7)


def log1mexp(d: np.ndarray) -> np.ndarray:
    """log(1 − e^d) for d < 0, accurate everywhere (Mächler 2012: switch at d = −ln 2)."""
    d = np.asarray(d)
    with np.errstate(divide="ignore"):
        return np.where(d > _LOG_HALF, np.log(-np.expm1(np.minimum(d, 0.0))),
                        np.log1p(-np.exp(np.minimum(d, _LOG_HALF))))


def _log_cdf(z, dist):
    """log F(z) in closed form."""
    if dist == "logistic":
        return -(np.maximum(-z, 0.0) + np.log1p(np.exp(-np.abs(z))))       # −softplus(−z)
    return np.where(z < 0, z + _LOG_HALF, np.log1p(-0.5 * np.exp(-np.abs(z))))  # Laplace


def _log_pdf(z, dist):
    """log f(z): logistic −softplus(−z) − softplus(z); Laplace log ½ − |z|."""
    if dist == "logistic":
        return -np.abs(z) - 2.0 * np.log1p(np.exp(-np.abs(z)))
    return _LOG_HALF - np.abs(z)


def _disc_fwd(v, mu, b, dist="laplace"):
    """log P(v) in nats for the unit-width bin around v of a logistic or Laplace(μ, b)."""
    if dist not in ("laplace", "logistic"):
        raise ValueError(f"discretized_logp_nats: dist must be 'laplace' or 'logistic', got {dist!r}")
    check_float_dtypes("discretized_logp_nats", v, mu, b)
    v, mu, b = np.asarray(v), np.asarray(mu), np.asarray(b)
    try:
        np.broadcast_shapes(v.shape, mu.shape, b.shape)
    except ValueError:
        raise ValueError(f"discretized_logp_nats: shapes v {v.shape}, mu {mu.shape}, b {b.shape} do not broadcast") from None
    if np.any(~(b > 0)):
        raise ValueError("discretized_logp_nats: scale b must be > 0 (and not NaN)")
    m = v - mu
    hi = (0.5 - np.abs(m)) / b
    lo = (-0.5 - np.abs(m)) / b
    lf_hi = _log_cdf(hi, dist)
    logp = lf_hi + log1mexp(_log_cdf(lo, dist) - lf_hi)
    return logp, (m, b, hi, lo, logp, dist, v.shape, mu.shape)


def _disc_bwd(r, g):
    m, b, hi, lo, logp, dist, vshape, mushape = r
    d_hi = np.exp(_log_pdf(hi, dist) - logp)            # ∂ log P / ∂hi
    d_lo = -np.exp(_log_pdf(lo, dist) - logp)           # ∂ log P / ∂lo
    dm = -np.sign(m) / b * (d_hi + d_lo)                # ∂hi/∂m = ∂lo/∂m = −sign(m)/b
    db = -(hi * d_hi + lo * d_lo) / b                   # ∂hi/∂b = −hi/b, ∂lo/∂b = −lo/b
    return (unbroadcast(g * dm, vshape), unbroadcast(-g * dm, mushape), unbroadcast(g * db, b.shape))


discretized_logp_nats = primitive("discretized_logp_nats", _disc_fwd, _disc_bwd, 1e-5, 1e-7)
