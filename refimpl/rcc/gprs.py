"""Greedy Poisson rejection sampling (GPRS): global (discrete and 1-D Gaussian) and
split-on-sample (1-D, unimodal w).

Citation: Flamich, *Greedy Poisson rejection sampling* (NeurIPS 2023), Algorithms 1–2 (global
and branch-and-bound / split-on-sample). Digest §3.8, B12, §7.11–12.

| symbol | name | meaning |
|---|---|---|
| (T_i, X_i) | — | Poisson process on R₊ × X with X_i ~ p: T += E_i (stream 1), X_i from stream 0 |
| σ(t) | stretch function, dσ/dt = E_p[(w − σ)₊] | accept the first i with w(X_i) ≥ σ(T_i) |
| τ(h) = ∫_0^h dη / E_p[(w − η)₊] | :func:`gprs_tau_discrete`, :class:`GaussianTau` | σ⁻¹; accept iff T_i ≤ τ(w(X_i)) |
| A_j, B_j | Q- and P-mass of {w > η} on a segment | discrete closed form: τ piecewise −log(A − Bη)/B |
| h | heap index (root 1; left 2h, right 2h + 1) | split-on-sample message |
| x* = a/(1 − s²) | mode of w for q = N(a, s²) vs p = N(0, 1) | |
"""

from __future__ import annotations

import functools
import math
import warnings


import numpy as np
from scipy import integrate
from scipy.special import ndtr, ndtri

from .. import random as R
from ._common import (DEFAULT_MAX_ITER, LOG2E, RccCapError, check_gaussians, check_int, check_q_p, check_seed,
                      gaussian_kl_bits, gaussian_log_w_max, whiten)
from .index_codes import index_decode, index_encode, zipf_lambda, zipf_mu_hat
from .pfr import RccEncoded
from .select import rcc_categorical_candidates

__all__ = ["gprs_tau_discrete", "GaussianTau", "gprs_encode_categorical", "gprs_decode_categorical",
           "gprs_encode_gaussian_1d", "gprs_split_encode_gaussian_1d", "gprs_split_decode_gaussian_1d",
           "gprs_decode_gaussian_1d", "gprs_tau_triangular", "gprs_encode_triangular"]


def gprs_tau_discrete(h, q, p) -> np.ndarray:
    """τ(h) for discrete q, p in closed form (digest §3.8): on each segment between consecutive
    distinct weights, E_p[(w − η)₊] = A − B·η, whose reciprocal integrates to
    (log(A − B·lo) − log(A − B·hi))/B. τ(h) = inf for h ≥ max w."""
    q, p, lw = check_q_p(q, p)
    w = np.where(q > 0, np.exp(lw), 0.0)
    ws = np.unique(np.concatenate([[0.0], w[p > 0]]))
    hs = np.atleast_1d(np.asarray(h, dtype=np.float64))
    out = np.empty(hs.shape)
    for i, hv in enumerate(hs.ravel()):
        if hv >= ws[-1]:
            out.flat[i] = math.inf
            continue
        tot = 0.0
        for j in range(1, ws.size):
            lo, hi = ws[j - 1], min(ws[j], hv)
            if hi <= lo:
                break
            sel = w >= ws[j]
            B = float(np.sum(p[sel]))
            # A − B·η computed as Σ_{w ≥ w_j} p (w − η), which has no cancellation
            ex_lo = float(np.sum(p[sel] * (w[sel] - lo)))
            ex_hi = float(np.sum(p[sel] * (w[sel] - hi)))
            tot += (math.log(ex_lo) - math.log(ex_hi)) / B
        out.flat[i] = tot
    return out.reshape(np.shape(h))


class GaussianTau:
    """τ(h) for q = N(a, s²) against p = N(0, 1), s < 1 (digest §3.8, 1-D formulas), by adaptive
    quadrature: exact cumulative values at nodes linear on [0, 1] and log-spaced on [1, w_max)
    (the digest's numerics trap: a coarse first node overestimates τ), plus one quad to h."""

    def __init__(self, a: float, s: float):
        if not (0 < s < 1):
            raise ValueError(f"split/global GPRS for Gaussians needs 0 < s = sigma_q/sigma_p < 1, got {s}")
        self.a, self.s = float(a), float(s)
        self.log_w_max = gaussian_log_w_max(np.array([a]), np.array([s]))
        self.w_max = math.exp(self.log_w_max)
        self.xstar = self.a / (1.0 - self.s**2)
        top = np.geomspace(1.0, self.w_max, 160)[1:-1] if self.w_max > 1 else np.array([])
        self.nodes = np.unique(np.concatenate([np.linspace(0.0, min(1.0, self.w_max), 33)[:-1], top]))
        cum = [0.0]
        with warnings.catch_warnings():  # steep integrand next to w_max; checked against the ODE in tests
            warnings.simplefilter("ignore", integrate.IntegrationWarning)
            for lo, hi in zip(self.nodes[:-1], self.nodes[1:]):
                cum.append(cum[-1] + integrate.quad(self._inv, lo, hi, limit=200, epsabs=1e-13, epsrel=1e-10)[0])
        self.cum = np.array(cum)
        # instances are shared through the lru_cache of _gaussian_tau: the tables are read-only
        # and attributes cannot be rebound after construction
        self.nodes.setflags(write=False)
        self.cum.setflags(write=False)
        self._frozen = True

    def __setattr__(self, name, value):
        if getattr(self, "_frozen", False):
            raise AttributeError(f"GaussianTau is immutable (shared via a cache); cannot set {name!r}")
        object.__setattr__(self, name, value)

    def log_w(self, x):
        a, s = self.a, self.s
        return -math.log(s) - 0.5 * ((x - a) / s) ** 2 + 0.5 * x * x

    def level_set(self, eta: float) -> tuple[float, float]:
        """{w ≥ η} = [x₋, x₊] (empty: (nan, nan))."""
        a, s = self.a, self.s
        if eta <= 0:
            return -math.inf, math.inf
        A = 0.5 * (1.0 / s**2 - 1.0)
        B = a / s**2
        C = -a * a / (2 * s * s) - math.log(s) - math.log(eta)
        disc = B * B + 4 * A * C
        if disc < 0:
            return math.nan, math.nan
        r = math.sqrt(disc)
        return (B - r) / (2 * A), (B + r) / (2 * A)

    def excess(self, eta: float) -> float:
        """E_p[(w − η)₊] = [Φ((x₊ − a)/s) − Φ((x₋ − a)/s)] − η[Φ(x₊) − Φ(x₋)]."""
        lo, hi = self.level_set(eta)
        if math.isnan(lo):
            return 0.0
        a, s = self.a, self.s
        return float((ndtr((hi - a) / s) - ndtr((lo - a) / s)) - eta * (ndtr(hi) - ndtr(lo)))

    def _inv(self, eta):
        e = self.excess(eta)
        return 1.0 / e if e > 0 else math.inf

    def __call__(self, h: float) -> float:
        if h >= self.w_max:
            return math.inf
        i = int(np.searchsorted(self.nodes, h, side="right")) - 1
        with warnings.catch_warnings():  # near w_max the integrand is steep; quad still converges
            warnings.simplefilter("ignore", integrate.IntegrationWarning)
            v = integrate.quad(self._inv, self.nodes[i], h, limit=200, epsabs=1e-13, epsrel=1e-10)[0]
        return float(self.cum[i] + v)


@functools.lru_cache(maxsize=32)
def _gaussian_tau(a: float, s: float) -> GaussianTau:
    return GaussianTau(a, s)


def _zipf_code(rank: int, mu_hat: float):
    return index_encode([rank], zipf_lambda(mu_hat))


def gprs_encode_categorical(q, p, seed: int, mu_hat: float | None = None,
                            max_iter: int = DEFAULT_MAX_ITER) -> RccEncoded:
    """Global GPRS for discrete targets (Flamich 2023, Alg. 1): the first i with T_i ≤ τ(w(X_i)).
    E[N] = sup w (B12). ``mu_hat`` defaults to D + log2(e)/e + 1 [heuristic for GPRS]."""
    q, p, lw = check_q_p(q, p)
    seed = check_seed(seed)
    max_iter = check_int(max_iter, "max_iter", 1)
    w = np.where(q > 0, np.exp(lw), 0.0)
    tau_of_state = gprs_tau_discrete(w, q, p)
    if mu_hat is None:
        m = q > 0
        mu_hat = zipf_mu_hat(float(np.sum(q[m] * lw[m])) * LOG2E)
    t = 0.0
    for start in range(0, max_iter, 256):
        idx = np.arange(start, min(start + 256, max_iter), dtype=np.uint64)
        z = rcc_categorical_candidates(p, seed, idx)
        times = t + np.cumsum(R.exponential(seed, R.STREAM_NOISE, idx))
        hit = np.nonzero(times <= tau_of_state[z])[0]
        if hit.size:
            k = start + int(hit[0])
            c = _zipf_code(k + 1, mu_hat)
            return RccEncoded(k, int(z[hit[0]]), c.data, c.nbits, c.ideal_bits, k + 1)
        t = float(times[-1])
    raise RccCapError(f"GPRS drew max_iter={max_iter} candidates without accepting")


def gprs_decode_categorical(data: bytes, nbits: int, p, seed: int, mu_hat: float) -> int:
    """Decode :func:`gprs_encode_categorical` (candidate regenerated from (seed, index))."""
    k = int(index_decode(data, nbits, zipf_lambda(mu_hat), 1)[0]) - 1
    return int(rcc_categorical_candidates(p, check_seed(seed), np.array([k], dtype=np.uint64))[0])


def _setup_1d(mu_q, sigma_q, mu_p, sigma_p):
    mu_q, sigma_q, mu_p, sigma_p = check_gaussians(mu_q, sigma_q, mu_p, sigma_p)
    if mu_q.size != 1:
        raise ValueError("GPRS/AS* for Gaussians is 1-D: mu_q etc. must be scalars")
    a, s = whiten(mu_q, sigma_q, mu_p, sigma_p)
    return float(a[0]), float(s[0]), float(mu_p[0]), float(sigma_p[0]), float(gaussian_kl_bits(a, s)[0])


def gprs_encode_gaussian_1d(mu_q, sigma_q, mu_p, sigma_p, seed: int, mu_hat: float | None = None,
                            max_iter: int = DEFAULT_MAX_ITER) -> RccEncoded:
    """Global GPRS for 1-D Gaussians: X_i = μ_p + σ_p·Φ⁻¹(u_open) from stream 0 (like every Gaussian
    candidate), T from stream 1; accept iff T_i ≤ τ(w(X_i)). Needs σ_q < σ_p."""
    a, s, mp, sp, dkl = _setup_1d(mu_q, sigma_q, mu_p, sigma_p)
    seed = check_seed(seed)
    tau = _gaussian_tau(a, s)
    if mu_hat is None:
        mu_hat = zipf_mu_hat(dkl)
    t = 0.0
    for i in range(check_int(max_iter, "max_iter", 1)):
        t += float(R.exponential(seed, R.STREAM_NOISE, np.array([i], dtype=np.uint64))[0])
        x = float(R.normal(seed, R.STREAM_CANDIDATES, np.array([i], dtype=np.uint64))[0])
        if t <= tau(math.exp(tau.log_w(x))):
            c = _zipf_code(i + 1, mu_hat)
            return RccEncoded(i, np.array([mp + sp * x]), c.data, c.nbits, c.ideal_bits, i + 1)
    raise RccCapError(f"GPRS drew max_iter={max_iter} candidates without accepting")


def gprs_decode_gaussian_1d(data: bytes, nbits: int, mu_p, sigma_p, seed: int, mu_hat: float) -> np.ndarray:
    """Decode :func:`gprs_encode_gaussian_1d`."""
    k = int(index_decode(data, nbits, zipf_lambda(mu_hat), 1)[0]) - 1
    x = R.normal(check_seed(seed), R.STREAM_CANDIDATES, np.array([k], dtype=np.uint64))
    return float(mu_p) + float(sigma_p) * x


def _split_point(a_lo: float, b_hi: float, u: float) -> tuple[float, float]:
    """X = Φ⁻¹(Φ(a) + u·P((a, b))) and P((a, b)) for the standard normal p."""
    fa, fb = float(ndtr(a_lo)), float(ndtr(b_hi))
    mass = fb - fa
    return float(ndtri(fa + u * mass)), mass


def gprs_split_encode_gaussian_1d(mu_q, sigma_q, mu_p, sigma_p, seed: int, mu_hat: float | None = None,
                                  max_iter: int = 10_000) -> RccEncoded:
    """Split-on-sample GPRS (Flamich 2023, Alg. 2 for 1-D unimodal w; digest §3.8): at step j,
    T += E_j/P((a, b)), X = F⁻¹(F(a) + U_j·P((a, b))) with U_j the open uniform of stream 0
    (index j); accept iff T ≤ τ(w(X)); otherwise keep the side containing x* (left: b = X,
    h = 2h; right: a = X, h = 2h + 1). Message: the heap index h, Zipf-coded as rank h."""
    a, s, mp, sp, dkl = _setup_1d(mu_q, sigma_q, mu_p, sigma_p)
    seed = check_seed(seed)
    tau = _gaussian_tau(a, s)
    if mu_hat is None:
        mu_hat = zipf_mu_hat(dkl)
    lo, hi, t, h = -math.inf, math.inf, 0.0, 1
    for j in range(check_int(max_iter, "max_iter", 1)):
        idx = np.array([j], dtype=np.uint64)
        u = float(R.uniform(seed, R.STREAM_CANDIDATES, idx, open=True)[0])
        x, mass = _split_point(lo, hi, u)
        if mass <= 0:
            raise RccCapError("split-on-sample GPRS: the search interval lost all its mass (round-off)")
        t += float(R.exponential(seed, R.STREAM_NOISE, idx)[0]) / mass
        if t <= tau(math.exp(tau.log_w(x))):
            c = _zipf_code(h, mu_hat)
            return RccEncoded(h, np.array([mp + sp * x]), c.data, c.nbits, c.ideal_bits, j + 1)
        if x < tau.xstar:
            lo, h = x, 2 * h + 1
        else:
            hi, h = x, 2 * h
    raise RccCapError(f"split-on-sample GPRS took max_iter={max_iter} steps without accepting")


def gprs_split_decode_gaussian_1d(data: bytes, nbits: int, mu_p, sigma_p, seed: int, mu_hat: float) -> np.ndarray:
    """Decode :func:`gprs_split_encode_gaussian_1d`: replay the path of h with U_0..U_depth."""
    h = int(index_decode(data, nbits, zipf_lambda(mu_hat), 1)[0])
    seed = check_seed(seed)
    depth = h.bit_length() - 1
    lo, hi = -math.inf, math.inf
    for j in range(depth + 1):
        u = float(R.uniform(seed, R.STREAM_CANDIDATES, np.array([j], dtype=np.uint64), open=True)[0])
        x, _ = _split_point(lo, hi, u)
        if j == depth:
            return np.array([float(mu_p) + float(sigma_p) * x])
        if (h >> (depth - 1 - j)) & 1:
            lo = x
        else:
            hi = x
    raise AssertionError("unreachable")




def gprs_tau_triangular(h, width: float) -> np.ndarray:
    """τ(h) for a triangular target of width W inside the uniform proposal on [0, 1]: the part of
    the triangle above η is a similar triangle, E_p[(w − η)₊] = (1 − ηW/2)², so
    τ(h) = h/(1 − hW/2) and σ(t) = 2t/(2 + Wt) (Flamich 2023, repo example; digest §3.8)."""
    h = np.asarray(h, dtype=np.float64)
    with np.errstate(divide="ignore"):
        return np.where(h * width / 2 < 1, h / (1 - h * width / 2), np.inf)


def gprs_encode_triangular(lo: float, hi: float, mode: float, seed: int, mu_hat: float = 2.0,
                           max_iter: int = 10_000) -> RccEncoded:
    """Global GPRS for q = Triangular(lo, hi, mode) against p = U(0, 1) (the GPRS repository's
    example: lo = 0.3, hi = 0.7, mode = 0.58; E[N] = sup w = 2/(hi − lo)). X_i is the stream-0
    uniform of index i, T from stream 1."""
    if not (0 <= lo <= mode <= hi <= 1 and hi > lo):
        raise ValueError("need 0 <= lo <= mode <= hi <= 1 and hi > lo")
    seed = check_seed(seed)
    width = hi - lo
    peak = 2.0 / width
    t = 0.0
    for start in range(0, check_int(max_iter, "max_iter", 1), 256):
        idx = np.arange(start, min(start + 256, max_iter), dtype=np.uint64)
        x = R.uniform(seed, R.STREAM_CANDIDATES, idx)
        w = np.where(x < mode, peak * (x - lo) / max(mode - lo, 1e-300), peak * (hi - x) / max(hi - mode, 1e-300))
        w = np.clip(np.where((x >= lo) & (x <= hi), w, 0.0), 0.0, peak)
        times = t + np.cumsum(R.exponential(seed, R.STREAM_NOISE, idx))
        hit = np.nonzero(times <= gprs_tau_triangular(w, width))[0]
        if hit.size:
            k = start + int(hit[0])
            c = _zipf_code(k + 1, mu_hat)
            return RccEncoded(k, float(x[hit[0]]), c.data, c.nbits, c.ideal_bits, k + 1)
        t = float(times[-1])
    raise RccCapError(f"GPRS drew max_iter={max_iter} candidates without accepting")
