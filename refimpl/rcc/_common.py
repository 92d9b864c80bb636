"""Shared validation, constants and result types of :mod:`refimpl.rcc`.

Citation: Theis & Yosri, *Algorithms for the Communication of Samples* (ICML 2022), §2 (notation).

| symbol | name | meaning |
|---|---|---|
| w(z) = q(z)/p(z) | ``w`` | density ratio (weight) |
| ℓ = log q − log p | ``log_w`` | log weight (nats, natural log) |
| D_KL(q‖p) | ``d_kl`` | KL divergence in bits |
| D_∞ = log2 sup w | ``d_inf`` | Rényi ∞-divergence in bits |
| E_n | ``noise`` | i.i.d. Exp(1) variates (stream 1) |
| U_n | ``uniforms`` | i.i.d. U[0,1) variates (stream 2) |
"""

from __future__ import annotations

import math

import numpy as np

LOG2E = 1.0 / math.log(2.0)
#: log2(e)/e + 1: the constant of bound B2, E[log2 K] ≤ D + 1.5307 (Li & El Gamal 2018).
PFR_CONST = LOG2E / math.e + 1.0
#: DiffC's Zipf constant e^-1·ln(e+1) (JeremyIV/diffc, zipf.rs); empirical, not a theorem.
DIFFC_CONST = math.log(math.e + 1.0) / math.e

STREAM_PARTITION = 4   # Gaussian channel: dimension permutation words
STREAM_CHUNK_KEY = 5   # Gaussian channel: per-chunk Philox keys

#: Default cap on the number of candidates an unbounded sampler may draw.
DEFAULT_MAX_ITER = 10_000_000


class RccCapError(RuntimeError):
    """An unbounded sampler reached its documented iteration cap (``max_iter``) without stopping."""


def check_int(x, name: str, low: int, high: int | None = None) -> int:
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
        raise ValueError(f"{name} must be an integer >= {low}, got {x!r}")
    x = int(x)
    if x < low or (high is not None and x > high):
        hi = "" if high is None else f" and <= {high}"
        raise ValueError(f"{name} must be >= {low}{hi}, got {x}")
    return x


def check_seed(seed) -> int:
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or not 0 <= int(seed) < 1 << 128:
        raise ValueError(f"seed must be an integer in [0, 2**128), got {seed!r}")
    return int(seed)


def check_pmf(x, name: str) -> np.ndarray:
    p = np.asarray(x, dtype=np.float64)
    if p.ndim != 1 or p.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D probability vector, got shape {p.shape}")
    if not np.all(np.isfinite(p)) or np.any(p < 0) or abs(p.sum() - 1.0) > 1e-9:
        raise ValueError(f"{name} must be finite, non-negative and sum to 1 (within 1e-9)")
    return p


def check_q_p(q, p) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate a discrete target/proposal pair; return (q, p, ℓ) with ℓ = −inf where q = 0.

    ValueError when q is not absolutely continuous w.r.t. p (q > 0 where p = 0)."""
    q = check_pmf(q, "q")
    p = check_pmf(p, "p")
    if q.shape != p.shape:
        raise ValueError(f"q and p must have the same length, got {q.size} and {p.size}")
    if np.any((q > 0) & (p == 0)):
        raise ValueError("q must be absolutely continuous w.r.t. p (q > 0 where p = 0)")
    with np.errstate(divide="ignore"):
        log_w = np.where(q > 0, np.log(q) - np.log(np.where(p > 0, p, 1.0)), -np.inf)
    return q, p, log_w


def check_gaussians(mu_q, sigma_q, mu_p, sigma_p):
    """Broadcast diagonal Gaussian parameters to 1-D float arrays of equal length d ≥ 1."""
    arrs = [np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in (mu_q, sigma_q, mu_p, sigma_p)]
    try:
        arrs = [np.ascontiguousarray(a) for a in np.broadcast_arrays(*arrs)]
    except ValueError as e:
        raise ValueError(f"mu_q, sigma_q, mu_p, sigma_p must broadcast to one shape: {e}") from None
    if arrs[0].ndim != 1 or arrs[0].size == 0:
        raise ValueError("Gaussian parameters must be scalars or 1-D arrays with d >= 1")
    names = ("mu_q", "sigma_q", "mu_p", "sigma_p")
    for a, n in zip(arrs, names):
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{n} must be finite")
    for a, n in ((arrs[1], "sigma_q"), (arrs[3], "sigma_p")):
        if np.any(a <= 0):
            raise ValueError(f"{n} must be > 0")
    return tuple(arrs)


def whiten(mu_q, sigma_q, mu_p, sigma_p):
    """Whitening (digest §3.9): z = μ_p + σ_p·x maps p to N(0, I) and q to N(a, diag s²),
    a = (μ_q − μ_p)/σ_p, s = σ_q/σ_p."""
    return (mu_q - mu_p) / sigma_p, sigma_q / sigma_p


def gaussian_log_w_whitened(x, a, s):
    """ℓ(x) = Σ_d [−log s − (x − a)²/(2 s²) + x²/2] (nats), x in whitened coordinates."""
    return np.sum(-np.log(s) - 0.5 * ((x - a) / s) ** 2 + 0.5 * x * x, axis=-1)


def gaussian_kl_bits(a, s) -> np.ndarray:
    """Per-dimension D_KL(N(a, s²)‖N(0, 1)) in bits: (−log s + (s² + a² − 1)/2)·log2 e."""
    return (-np.log(s) + 0.5 * (s * s + a * a - 1.0)) * LOG2E


def gaussian_log_w_max(a, s) -> float:
    """sup_x ℓ(x) (nats) = Σ_d [−log s + a²/(2(1 − s²))] when every s < 1 (or s = 1 and a = 0);
    +inf otherwise (the density ratio is unbounded)."""
    a = np.asarray(a, dtype=np.float64)
    s = np.asarray(s, dtype=np.float64)
    if np.any((s > 1) | ((s == 1) & (a != 0))):
        return math.inf
    safe = np.where(s < 1, 1.0 - s * s, 1.0)
    return float(np.sum(-np.log(s) + np.where(s < 1, a * a / (2.0 * safe), 0.0)))


# --- shared statistics helpers (claims and tests) -------------------------------------------

def kl_bits(q, p) -> float:
    """Categorical D_KL(q‖p) in bits, Σ_{q>0} q log2(q/p) (Cover & Thomas eq. 2.26); +inf if q > 0
    where p = 0."""
    q = np.asarray(q, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    m = q > 0
    if np.any(p[m] == 0):
        return math.inf
    return float(np.sum(q[m] * (np.log2(q[m]) - np.log2(p[m]))))


def tv_tolerance(pmf, n: int, delta: float = 1e-6) -> float:
    """Upper bound, holding with probability ≥ 1 − δ, on TV(p̂_n, p) of the empirical pmf of n
    i.i.d. draws from ``pmf`` (over the listed cells; the mass 1 − Σ pmf outside them is added):
    E TV ≤ ½ Σ_k sqrt(p_k(1 − p_k)/n) (Jensen on E|p̂_k − p_k|) plus sqrt(ln(1/δ)/(2n)) (McDiarmid:
    one draw moves TV by ≤ 1/n). δ = 1e-6 matches the χ²/KS thresholds of digest §7."""
    p = np.asarray(pmf, dtype=np.float64)
    n = check_int(n, "n", 1)
    if not 0 < delta < 1:
        raise ValueError(f"delta must be in (0, 1), got {delta}")
    return float(0.5 * np.sum(np.sqrt(p * (1 - p) / n)) + math.sqrt(math.log(1 / delta) / (2 * n))
                 + max(0.0, 1.0 - float(p.sum())))


def pooled_chisquare_pvalue(counts, expected, min_expected: float = 5.0) -> float:
    """Pearson χ² p-value after pooling cells with expected count < ``min_expected`` (digest §7):
    all such cells form one cell; if that cell is still below ``min_expected`` the smallest
    remaining cell joins it. Needs ≥ 2 cells after pooling (else ValueError)."""
    from scipy import stats

    c = np.asarray(counts, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    if c.shape != e.shape or c.ndim != 1:
        raise ValueError("counts and expected must be 1-D of equal length")
    small = e < min_expected
    big_c, big_e = list(c[~small]), list(e[~small])
    if np.any(small):
        pc, pe = float(c[small].sum()), float(e[small].sum())
        if pe < min_expected and big_e:
            j = int(np.argmin(big_e))
            pc, pe = pc + big_c.pop(j), pe + big_e.pop(j)
        big_c.append(pc)
        big_e.append(pe)
    if len(big_e) < 2:
        raise ValueError("fewer than 2 cells after pooling: the χ² test is undefined")
    return float(stats.chisquare(big_c, big_e).pvalue)
