"""DiffC on Gaussian data in closed form: rate, distortions, and the comparison curves.

Citation: L. Theis, T. Salimans, M. D. Hoffman, F. Mentzer, "Lossy Compression with Gaussian
Diffusion", arXiv:2206.08889 (2022), §4 (Gaussian analysis, eq. 11 for the scalar DiffC-F
distortion). Conventions and derivations: ``specs/diffc.md`` (digest Part 1, §1.2, §1.5).

Variance preserving noise: Z_t = sqrt(1 − σ²) X + σ U, U ~ N(0, I), X ~ N(0, diag(λ)).
Every quantity factorises over the eigen-dimensions of Σ (isotropic noise is rotation invariant),
so a general covariance enters only through its eigenvalues (:func:`gaussian_spectrum`).

| paper | code | meaning |
|---|---|---|
| λ_i | ``lam`` | eigenvalues of Σ = Cov(X) |
| σ_t | ``sigma`` | noise level of Z_t, in (0, 1) |
| α_t = sqrt(1 − σ_t²) | ``alpha`` | signal scale |
| a² λ_i / σ² | ``snr * lam`` | per-dimension signal-to-noise ratio |
| ρ_i = corr(X_i, Z_i) | ``rho`` | sqrt(a²λ_i / (a²λ_i + σ²)) |
| R(σ) = Σ ½ log2(1 + a²λ_i/σ²) | :func:`gaussian_rate` | I(X; Z_t) in bits |
| D_mean = Σ λ_i (1 − ρ_i²) | ``mode="mean"`` | posterior-mean (MMSE) denoiser |
| D_A = 2 D_mean | ``mode="ancestral"`` | DiffC-A: a posterior sample |
| D_F = Σ 2 λ_i (1 − ρ_i) | ``mode="flow"`` | DiffC-F: probability-flow ODE |
| D*(R) | ``refimpl.rd.gaussian_distortion_rate`` | Shannon, reverse water-filling |
| D_p(R) | :func:`realism_distortion_rate` | perfect-realism Gaussian optimum (KKT) |
| μ | ``mu`` | KKT level: λ_i (1 − r_i²)/r_i = μ |
| r_i = corr(X_i, X̂_i) | ``r`` | realism optimum's correlations |

All rates are in bits; distortions are summed squared errors (sum over dimensions of the MSE).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

__all__ = [
    "MODES",
    "gaussian_spectrum",
    "gaussian_rate",
    "gaussian_rate_per_dim",
    "gaussian_correlation",
    "gaussian_distortion",
    "gaussian_distortion_per_dim",
    "flow_gain",
    "posterior_gain",
    "sigma_for_rate",
    "RealismOptimum",
    "realism_optimum",
    "realism_distortion_rate",
    "CurvePoint",
    "curves_at_rate",
    "curves_at_sigma",
]

MODES = ("mean", "ancestral", "flow")
_LN2 = math.log(2.0)


# --- validation ------------------------------------------------------------------------------

def check_lam(lam) -> np.ndarray:
    """λ as a 1-D float64 array; ValueError unless non-empty, finite and > 0."""
    try:
        a = np.asarray(lam, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"lam must be an array of positive finite floats, got {lam!r}") from None
    if a.ndim == 0:
        a = a.reshape(1)
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"lam must be a non-empty 1-D array of eigenvalues, got shape {a.shape}")
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise ValueError("lam must be finite and > 0 (eigenvalues of a positive definite covariance)")
    return a


def check_sigma(sigma) -> float:
    """σ as a float; ValueError unless finite and 0 < σ < 1."""
    if isinstance(sigma, (bool, np.bool_)):
        raise ValueError(f"sigma must be a real number in (0, 1), got {sigma!r}")
    try:
        s = float(sigma)
    except (TypeError, ValueError):
        raise ValueError(f"sigma must be a real number in (0, 1), got {sigma!r}") from None
    if not (0.0 < s < 1.0):  # also rejects NaN
        raise ValueError(f"sigma must be in the open interval (0, 1), got {sigma!r}")
    return s


def check_rate(rate, allow_zero: bool = True) -> float:
    """A rate in bits; ValueError unless finite and ≥ 0 (> 0 if not ``allow_zero``)."""
    if isinstance(rate, (bool, np.bool_)):
        raise ValueError(f"rate must be a finite number of bits >= 0, got {rate!r}")
    try:
        r = float(rate)
    except (TypeError, ValueError):
        raise ValueError(f"rate must be a finite number of bits >= 0, got {rate!r}") from None
    if not math.isfinite(r) or r < 0 or (r == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"rate must be finite and {bound} bits, got {rate!r}")
    return r


def _alpha2(s: float) -> float:
    """a² = 1 − σ² written as (1 − σ)(1 + σ): no cancellation as σ → 1."""
    return (1.0 - s) * (1.0 + s)


def gaussian_spectrum(cov) -> np.ndarray:
    """Eigenvalues λ of a symmetric positive definite covariance Σ (§1.2: DiffC factorises over
    the eigenbasis). ValueError if Σ is not square, symmetric, finite and positive definite."""
    c = np.asarray(cov, dtype=np.float64)
    if c.ndim != 2 or c.shape[0] != c.shape[1] or c.shape[0] == 0:
        raise ValueError(f"cov must be a non-empty square matrix, got shape {c.shape}")
    if not np.all(np.isfinite(c)):
        raise ValueError("cov must be finite")
    if not np.allclose(c, c.T, rtol=1e-12, atol=1e-12 * np.max(np.abs(c))):
        raise ValueError("cov must be symmetric")
    lam = np.linalg.eigvalsh(c)
    if lam[0] <= 0:
        raise ValueError(f"cov must be positive definite, smallest eigenvalue {lam[0]!r}")
    return lam[::-1].copy()


# --- rate and distortions at a noise level σ (§1.5 table) --------------------------------------

def gaussian_rate_per_dim(lam, sigma) -> np.ndarray:
    """r_i = ½ log2(1 + a²λ_i/σ²) bits = I(X_i; Z_i) (§1.5; log1p form)."""
    lam, s = check_lam(lam), check_sigma(sigma)
    return 0.5 * np.log1p(_alpha2(s) * lam / (s * s)) / _LN2


def gaussian_rate(lam, sigma) -> float:
    """R(σ) = Σ_i ½ log2(1 + a²λ_i/σ²) = I(X; Z_t) in bits (§1.5). For λ ≡ 1, R/d = −log2 σ."""
    return float(np.sum(gaussian_rate_per_dim(lam, sigma)))


def gaussian_correlation(lam, sigma) -> np.ndarray:
    """ρ_i = corr(X_i, Z_i) = sqrt(a²λ_i / (a²λ_i + σ²)) (§1.5)."""
    lam, s = check_lam(lam), check_sigma(sigma)
    a2l = _alpha2(s) * lam
    return np.sqrt(a2l / (a2l + s * s))


def posterior_gain(lam, sigma) -> np.ndarray:
    """E[X_i | z] = g_i z_i with g_i = aλ_i/(a²λ_i + σ²); Var(X_i | z) = λ_iσ²/(a²λ_i + σ²) (§1.5)."""
    lam, s = check_lam(lam), check_sigma(sigma)
    a2 = _alpha2(s)
    return math.sqrt(a2) * lam / (a2 * lam + s * s)


def flow_gain(lam, sigma) -> np.ndarray:
    """The probability-flow ODE map from level σ to 0 is x̂_i = c_i z_i with
    c_i = sqrt(λ_i / (a²λ_i + σ²)) (§1.4: linear per eigen-dimension for Gaussian X)."""
    lam, s = check_lam(lam), check_sigma(sigma)
    return np.sqrt(lam / (_alpha2(s) * lam + s * s))


def gaussian_distortion_per_dim(lam, sigma, mode: str) -> np.ndarray:
    """Per-dimension MSE of a reconstruction from z_t (§1.5):
    mean λ(1 − ρ²) = λσ²/(a²λ + σ²); ancestral 2λ(1 − ρ²); flow 2λ(1 − ρ) with
    1 − ρ = (1 − ρ²)/(1 + ρ) (no cancellation at high rate)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    lam, s = check_lam(lam), check_sigma(sigma)
    a2l = _alpha2(s) * lam
    one_minus_rho2 = s * s / (a2l + s * s)
    if mode == "mean":
        return lam * one_minus_rho2
    if mode == "ancestral":
        return 2.0 * lam * one_minus_rho2
    rho = np.sqrt(a2l / (a2l + s * s))
    return 2.0 * lam * one_minus_rho2 / (1.0 + rho)


def gaussian_distortion(lam, sigma, mode: str) -> float:
    """Summed MSE Σ_i D_i of the reconstruction ``mode`` ∈ {"mean", "ancestral", "flow"} from
    z_t at noise level σ (§1.5; scalar unit variance flow: 2(1 − sqrt(1 − σ²)), DiffC eq. 11)."""
    return float(np.sum(gaussian_distortion_per_dim(lam, sigma, mode)))


# --- the σ reaching a given rate -----------------------------------------------------------------

def _bisect_log(f, lo: float, hi: float, iters: int = 200) -> float:
    """Root of a monotone f on [lo, hi] (f(lo), f(hi) of opposite sign) by bisection in log x."""
    flo = f(lo)
    a, b = math.log(lo), math.log(hi)
    for _ in range(iters):
        m = 0.5 * (a + b)
        if m == a or m == b:
            break
        fm = f(math.exp(m))
        if (fm > 0) == (flo > 0):
            a, flo = m, fm
        else:
            b = m
    return math.exp(0.5 * (a + b))


def _bracket(f, x0: float) -> tuple[float, float]:
    """Expand [x0/2^k, x0·2^k] until the monotone f changes sign on it."""
    lo, hi = x0, x0
    for _ in range(2200):
        if (f(lo) > 0) != (f(hi) > 0):
            return lo, hi
        lo, hi = lo * 0.5, hi * 2.0
        if lo == 0.0 or math.isinf(hi):
            break
    raise ValueError("rate is outside the range representable in float64")


def sigma_for_rate(lam, rate) -> float:
    """σ in (0, 1) with R(σ) = rate: bisection in log SNR on ½ Σ log2(1 + snr λ_i) = rate, then
    σ² = 1/(1 + snr) (§1.5, "bisection in log space"). ``rate`` must be > 0 bits."""
    lam, rate = check_lam(lam), check_rate(rate, allow_zero=False)

    def excess(snr: float) -> float:
        return 0.5 * float(np.sum(np.log1p(snr * lam))) / _LN2 - rate

    lo, hi = _bracket(excess, 1.0 / float(np.mean(lam)))
    snr = _bisect_log(excess, lo, hi)
    s = 1.0 / math.sqrt(1.0 + snr)
    if not 0.0 < s < 1.0:
        raise ValueError(f"rate {rate!r} bits needs a noise level outside (0, 1) in float64")
    return s


# --- perfect-realism optimum (§1.5, KKT form) ----------------------------------------------------

class RealismOptimum(NamedTuple):
    """The Gaussian perfect-realism optimum at ``rate`` bits: X̂ ~ N(0, Σ) jointly Gaussian with X,
    corr(X_i, X̂_i) = ``r[i]`` = (sqrt(μ² + 4λ_i²) − μ)/(2λ_i), distortion Σ 2λ_i(1 − r_i)."""

    distortion: float
    mu: float
    r: np.ndarray
    rate_per_dim: np.ndarray


def _realism_terms(lam: np.ndarray, mu: float):
    """With t = μ/(2λ): r = sqrt(1 + t²) − t = 1/(sqrt(1 + t²) + t), and
    1 − r = t(1 + r)/(1 + sqrt(1 + t²)) (all terms positive: stable for t → 0 and t → ∞)."""
    t = mu / (2.0 * lam)
    h = np.hypot(1.0, t)
    r = 1.0 / (h + t)
    one_minus_r = t * (1.0 + r) / (1.0 + h)
    rate = -0.5 * np.log(one_minus_r * (1.0 + r)) / _LN2
    return r, one_minus_r, rate


def realism_optimum(lam, rate) -> RealismOptimum:
    """Minimise Σ 2λ_i(1 − r_i) subject to Σ −½ log2(1 − r_i²) = rate (§1.5, KKT:
    λ_i(1 − r_i²)/r_i = μ). μ found by bisection in log μ. rate = 0 gives r = 0, D = 2 tr Σ."""
    lam, rate = check_lam(lam), check_rate(rate)
    if rate == 0.0:
        z = np.zeros_like(lam)
        return RealismOptimum(float(2.0 * lam.sum()), math.inf, z, z)

    def excess(mu: float) -> float:  # decreasing in μ
        return float(np.sum(_realism_terms(lam, mu)[2])) - rate

    lo, hi = _bracket(excess, float(np.mean(lam)))
    mu = _bisect_log(excess, lo, hi)
    r, one_minus_r, rpd = _realism_terms(lam, mu)
    return RealismOptimum(float(np.sum(2.0 * lam * one_minus_r)), mu, r, rpd)


def realism_distortion_rate(lam, rate) -> float:
    """D_p(R): the smallest summed MSE of a jointly Gaussian X̂ with X̂ ~ X (perfect realism) at
    ``rate`` bits, for X ~ N(0, diag(λ)) (§1.5, KKT form). Equals DiffC-F at the same rate when
    λ is constant; lies between D*(R) and min(D_F, 2 D*(R))."""
    return realism_optimum(lam, rate).distortion


# --- all curves at one operating point ------------------------------------------------------------

class CurvePoint(NamedTuple):
    """Every distortion of §1.5 at one rate (bits) and the DiffC noise level reaching it."""

    rate: float
    sigma: float
    shannon: float
    realism: float
    mean: float
    flow: float
    ancestral: float


def _shannon(lam: np.ndarray, rate: float) -> float:
    from refimpl.rd import gaussian_distortion_rate  # shared with the rate–distortion module

    return float(gaussian_distortion_rate(lam, rate))


def curves_at_sigma(lam, sigma) -> CurvePoint:
    """All distortions at the rate R(σ) that DiffC reaches with noise level σ."""
    lam, s = check_lam(lam), check_sigma(sigma)
    rate = gaussian_rate(lam, s)
    return CurvePoint(rate, s, _shannon(lam, rate), realism_distortion_rate(lam, rate),
                      gaussian_distortion(lam, s, "mean"), gaussian_distortion(lam, s, "flow"),
                      gaussian_distortion(lam, s, "ancestral"))


def curves_at_rate(lam, rate) -> CurvePoint:
    """All distortions at ``rate`` bits (> 0); DiffC's σ found by :func:`sigma_for_rate`."""
    return curves_at_sigma(lam, sigma_for_rate(lam, rate))
