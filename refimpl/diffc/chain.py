"""The discrete DiffC chain: per-step posteriors, per-step KL, and the expected cost of the chain
on Gaussian data with the exact reverse kernel and with the fixed-variance (VDM) kernel.

Citation: Theis, Salimans, Hoffman & Mentzer (2022), §3 (DiffC sends z_T, z_{T−1}, …, z_t by
reverse channel coding); the per-step distributions and KL follow Kingma, Salimans, Poole & Ho,
"Variational Diffusion Models" (2021), eqs. 4–6 and App. A (digest §1.3).

| paper | code | meaning |
|---|---|---|
| σ_t, α_t = √(1 − σ_t²) | ``sigmas[k]``, ``alpha`` | VP noise levels, ``sigmas`` strictly increasing |
| SNR_t = α_t²/σ_t², γ_t = −log SNR_t | ``snr``, ``gamma`` | signal-to-noise ratio, log-noise |
| α_{t\\|s}, σ²_{t\\|s} | ``alpha_ts``, ``sigma2_ts`` | forward kernel from level s < t to t |
| q(z_s \\| z_t, x) = N(b z_t + c x, β²) | :class:`StepCoefficients` ``b, c, beta2`` | forward posterior |
| p(z_s \\| z_t) = q(z_s \\| z_t, x̂(z_t)) | ``kernel="vdm"`` | fixed-variance model step |
| L_T, L_{s−1} | ``per_step_bits`` | KL terms of the negative ELBO, in bits |

Units: the ``_nats`` functions return nats; everything else is in bits.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .gaussian import _alpha2, check_lam

__all__ = [
    "check_schedule",
    "logsnr_schedule",
    "snr",
    "StepCoefficients",
    "step_coefficients",
    "step_kl_nats",
    "step_kl_eps_nats",
    "gaussian_kl_nats",
    "ChainRate",
    "exact_chain_rate",
    "vdm_chain_rate",
]

_LN2 = math.log(2.0)


def check_schedule(sigmas) -> np.ndarray:
    """A noise schedule: 1-D, non-empty, finite, strictly increasing, every σ in (0, 1).
    Level k has noise σ_k; k = len − 1 is the noisiest (sent first)."""
    try:
        s = np.asarray(sigmas, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"sigmas must be a 1-D array of noise levels in (0, 1), got {sigmas!r}") from None
    if s.ndim != 1 or s.size == 0:
        raise ValueError(f"sigmas must be a non-empty 1-D array, got shape {s.shape}")
    if not np.all((s > 0) & (s < 1)):  # NaN fails too
        raise ValueError("sigmas must lie in the open interval (0, 1)")
    if np.any(np.diff(s) <= 0):
        raise ValueError("sigmas must be strictly increasing (level k+1 noisier than level k)")
    return s


def logsnr_schedule(T: int, sigma_min: float, sigma_max: float) -> np.ndarray:
    """T + 1 noise levels from ``sigma_min`` to ``sigma_max``, uniform in log SNR (VDM's γ).
    T ≥ 1 steps; 0 < sigma_min < sigma_max < 1."""
    if isinstance(T, (bool, np.bool_)) or not isinstance(T, (int, np.integer)) or T < 1:
        raise ValueError(f"T must be an integer >= 1, got {T!r}")
    check_schedule([sigma_min, sigma_max])
    g = np.linspace(-snr(sigma_min, log=True), -snr(sigma_max, log=True), int(T) + 1)  # γ = −log SNR
    s = np.sqrt(1.0 / (1.0 + np.exp(-g)))  # σ² = sigmoid(γ)
    s[0], s[-1] = sigma_min, sigma_max
    return check_schedule(s)


def snr(sigma, log: bool = False):
    """SNR = α²/σ² = (1 − σ²)/σ² (or its log, −γ)."""
    s = np.asarray(sigma, dtype=np.float64)
    a2 = (1.0 - s) * (1.0 + s)
    return np.log(a2) - 2.0 * np.log(s) if log else a2 / (s * s)


class StepCoefficients(NamedTuple):
    """q(z_s | z_t, x) = N(b z_t + c x, beta2·I) for VP levels σ_s < σ_t (VDM App. A)."""

    b: float
    c: float
    beta2: float


def step_coefficients(sigma_s: float, sigma_t: float) -> StepCoefficients:
    """α_{t|s} = α_t/α_s, σ²_{t|s} = σ_t² − α²_{t|s}σ_s²; b = α_{t|s}σ_s²/σ_t²,
    c = α_sσ²_{t|s}/σ_t², β² = σ²_{t|s}σ_s²/σ_t² (digest §1.3). Needs 0 < σ_s < σ_t < 1."""
    check_schedule([sigma_s, sigma_t])
    a2s, a2t = _alpha2(sigma_s), _alpha2(sigma_t)
    alpha_ts = math.sqrt(a2t / a2s)
    # σ²_{t|s} = σ_t² − (α_t²/α_s²)σ_s² = (σ_t² − σ_s²)/α_s²  (no cancellation beyond σ_t² − σ_s²)
    sigma2_ts = (sigma_t - sigma_s) * (sigma_t + sigma_s) / a2s
    st2 = sigma_t * sigma_t
    return StepCoefficients(alpha_ts * sigma_s**2 / st2, math.sqrt(a2s) * sigma2_ts / st2,
                            sigma2_ts * sigma_s**2 / st2)


def step_kl_nats(snr_s: float, snr_t: float, x, x_hat) -> float:
    """KL(q(z_s|z_t,x) ‖ q(z_s|z_t,x̂)) = ½ (SNR_s − SNR_t) ‖x − x̂‖² nats (VDM eq. 13; c²/β² = ΔSNR)."""
    e = np.asarray(x, dtype=np.float64) - np.asarray(x_hat, dtype=np.float64)
    return 0.5 * (snr_s - snr_t) * float(np.sum(e * e))


def step_kl_eps_nats(gamma_s: float, gamma_t: float, eps, eps_hat) -> float:
    """The same KL in ε form: ½ expm1(γ_t − γ_s) ‖ε − ε̂‖² nats (VDM's ε-loss; digest §1.3)."""
    e = np.asarray(eps, dtype=np.float64) - np.asarray(eps_hat, dtype=np.float64)
    return 0.5 * math.expm1(gamma_t - gamma_s) * float(np.sum(e * e))


def gaussian_kl_nats(mq, vq, mp, vp) -> float:
    """KL(N(mq, diag vq) ‖ N(mp, diag vp)) in nats, summed over dimensions."""
    mq, vq, mp, vp = (np.asarray(a, dtype=np.float64) for a in (mq, vq, mp, vp))
    ratio = vq / vp
    return float(0.5 * np.sum((mq - mp) ** 2 / vp + ratio - 1.0 - np.log(ratio)))


class ChainRate(NamedTuple):
    """Expected cost of sending z_T, …, z_t: ``total`` bits and ``per_step_bits`` (first entry L_T)."""

    total: float
    per_step_bits: np.ndarray


def _levels(lam, sigmas, t: int):
    lam, s = check_lam(lam), check_schedule(sigmas)
    if isinstance(t, (bool, np.bool_)) or not isinstance(t, (int, np.integer)) or not 0 <= t < s.size:
        raise ValueError(f"t must be an integer level in [0, {s.size - 1}], got {t!r}")
    return lam, s, int(t)


def exact_chain_rate(lam, sigmas, t: int = 0) -> ChainRate:
    """Expected chain cost with the *true* reverse kernels of X ~ N(0, diag λ) (digest §1.3):
    first E KL(q(z_T|x) ‖ p(z_T)) with the exact marginal N(0, α_T²λ + σ_T²), then for each step
    E KL(N(bz + cx, β²) ‖ N(bz + c E[X|z], β² + c² Var(X|z))), evaluated through the Gaussian
    KL formula (E(μ_q − μ_p)² = c² Var(X|z)). Telescopes to I(X; Z_t) for any schedule."""
    lam, s, t = _levels(lam, sigmas, t)
    T = s.size - 1
    a2T, s2T = _alpha2(s[T]), s[T] ** 2
    steps = [0.5 * float(np.sum(np.log1p(a2T * lam / s2T))) / _LN2]  # E KL of the first step = I(X; Z_T)
    for k in range(T, t, -1):
        b, c, beta2 = step_coefficients(s[k - 1], s[k])
        post_var = lam * s[k] ** 2 / (_alpha2(s[k]) * lam + s[k] ** 2)  # Var(X | z_k)
        vp = beta2 + c * c * post_var
        kl = 0.5 * np.sum(c * c * post_var / vp + beta2 / vp - 1.0 - np.log(beta2 / vp))
        steps.append(float(kl) / _LN2)
    per = np.array(steps)
    return ChainRate(float(math.fsum(per)), per)


def vdm_chain_rate(lam, sigmas, t: int = 0, prior: str = "standard") -> ChainRate:
    """Expected chain cost with the fixed-variance (VDM/DDPM) kernel p(z_s|z_t) = q(z_s|z_t, x̂)
    and the exact denoiser x̂ = E[X|z_t]: each step costs ½(SNR_s − SNR_t)·mmse(SNR_t) nats, a left
    Riemann sum of the I–MMSE integral (digest §1.3). First step L_T against N(0, I)
    (``prior="standard"``: ½Σ(α_T²λ + σ_T² − ln σ_T² − 1)) or the exact marginal (``"exact"``)."""
    lam, s, t = _levels(lam, sigmas, t)
    if prior not in ("standard", "exact"):
        raise ValueError(f"prior must be 'standard' or 'exact', got {prior!r}")
    T = s.size - 1
    a2T, s2T = _alpha2(s[T]), s[T] ** 2
    if prior == "standard":
        first = 0.5 * float(np.sum(a2T * lam + s2T - math.log(s2T) - 1.0))
    else:
        first = 0.5 * float(np.sum(np.log1p(a2T * lam / s2T)))
    steps = [first / _LN2]
    for k in range(T, t, -1):
        snr_s, snr_t = float(snr(s[k - 1])), float(snr(s[k]))
        mmse = float(np.sum(lam / (1.0 + snr_t * lam)))
        steps.append(0.5 * (snr_s - snr_t) * mmse / _LN2)
    per = np.array(steps)
    return ChainRate(float(math.fsum(per)), per)
