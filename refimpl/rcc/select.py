"""Selection over a finite candidate set: PFR (truncated), ORC, MRC, RS and GRS.

Citations: Li & El Gamal, *Strong functional representation lemma and applications to coding
theorems* (IEEE T-IT 2018) — Poisson functional representation (PFR); Havasi, Peharz &
Hernández-Lobato, *Minimal random code learning* (ICLR 2019) — MRC; Theis & Yosri,
*Algorithms for the Communication of Samples* (ICML 2022), §3 — ordered random coding (ORC)
and the common interface; Harsha, Jain, McAllester & Radhakrishnan, *The communication
complexity of correlation* (CCC 2007) — greedy rejection sampling (GRS). Digest §3.1–§3.5.

| symbol | name | meaning |
|---|---|---|
| ℓ_{m,n} = log q − log p | ``log_w[m, n]`` | log weight of candidate n for target m (nats) |
| E_{m,n} ~ Exp(1) | ``noise[m, n]`` | raw exponentials (stream 1) |
| T_n = Σ_{i≤n} E_i | :func:`pfr_times` | PFR arrival times |
| E_(n) = Σ_{i≤n} E_i/(N−i+1) | :func:`orc_times` | ORC order statistics |
| U_n | ``uniforms[m, n]`` | accept/reject uniforms (stream 2) |
| w_max | ``log_w_max`` | RS bound, sup ℓ (nats) |
| L_n, R_n | :func:`grs_schedule` | GRS level and remaining mass before step n |
| K = idx + 1 | — | 1-based rank used by the Zipf index codes |

Every method returns the 0-based index of the selected candidate per row. The notebooks pass
log p − log q and take an argmin; here ℓ = log q − log p is passed (the sign is flipped inside).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import random as R
from ._common import (check_gaussians, check_int, check_q_p, check_seed, gaussian_log_w_max,
                      gaussian_log_w_whitened, whiten)

METHODS = ("pfr", "orc", "mrc", "rs", "grs")

__all__ = ["METHODS", "select_given", "pfr_times", "orc_times", "grs_schedule", "RccSelection",
           "rcc_categorical_candidates", "rcc_gaussian_candidates", "select_categorical",
           "select_gaussian"]


class RccSelection(NamedTuple):
    """A seeded finite-set selection: 0-based ``index`` (−1: RS/GRS accepted nothing) and the
    selected ``sample`` (state for categorical targets, vector for Gaussian targets)."""

    index: int
    sample: object


def pfr_times(noise: np.ndarray) -> np.ndarray:
    """PFR arrival times T_n = E_1 + … + E_n along the last axis (digest §3.2)."""
    return np.cumsum(noise, axis=-1)


def orc_times(noise: np.ndarray) -> np.ndarray:
    """ORC sorted noise E_(n) = Σ_{i=1..n} E_i/(N−i+1) along the last axis (digest §3.4):
    the order statistics of N i.i.d. Exp(1), generated directly in ascending order."""
    n = noise.shape[-1]
    return np.cumsum(noise / (n - np.arange(n, dtype=np.float64)), axis=-1)


def grs_schedule(states_log_w, states_p, n: int) -> tuple[np.ndarray, np.ndarray]:
    """GRS level L_n and remaining mass R_n before step n = 0..n−1 (digest §3.5).

    After n steps GRS has assigned mass min(q, L_n·p) to every state, so its acceptance
    probability for a candidate of weight w at step n is min(1, (w − L_n)₊/R_n) with
    R_n = Σ_y p(y)(w(y) − L_n)₊ and L_{n+1} = L_n + R_n, L_0 = 0. Shapes: (…, A) in,
    (…, n) out."""
    lw = np.asarray(states_log_w, dtype=np.float64)
    p = np.asarray(states_p, dtype=np.float64)
    w = np.exp(lw)
    level = np.zeros(np.broadcast_shapes(lw.shape, p.shape)[:-1])
    L = np.empty(level.shape + (n,))
    Rm = np.empty(level.shape + (n,))
    for i in range(n):
        r = np.sum(p * np.maximum(w - level[..., None], 0.0), axis=-1)
        L[..., i] = level
        Rm[..., i] = r
        level = level + r
    return L, Rm


def _check_log_w(log_w) -> np.ndarray:
    lw = np.asarray(log_w, dtype=np.float64)
    if lw.ndim not in (1, 2) or lw.shape[-1] == 0:
        raise ValueError(f"log_w must have shape (N,) or (M, N) with N >= 1, got {lw.shape}")
    if np.any(np.isnan(lw)):
        raise ValueError("log_w must not contain NaN")
    if np.any(lw == np.inf):
        raise ValueError("log_w must be < +inf: q must be absolutely continuous w.r.t. p")
    return lw


def _check_variates(x, shape, name: str) -> np.ndarray:
    if x is None:
        raise ValueError(f"{name} is required for this method")
    v = np.asarray(x, dtype=np.float64)
    if v.shape != shape:
        raise ValueError(f"{name} must have the shape of log_w {shape}, got {v.shape}")
    if not np.all(np.isfinite(v)) or np.any(v < 0):
        raise ValueError(f"{name} must be finite and >= 0")
    return v


def _argmin_scores(times: np.ndarray, lw: np.ndarray) -> np.ndarray:
    """argmin_n log(t_n) − ℓ_n, first index on ties; candidates with ℓ = −inf never win
    (a row whose every ℓ is −inf returns 0, as the notebook's argmin does)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.log(times) - lw
    s = np.where(lw == -np.inf, np.inf, s)
    return np.argmin(s, axis=-1)


def _first_accept(accept: np.ndarray, fallback: int) -> np.ndarray:
    hit = accept.any(axis=-1)
    return np.where(hit, np.argmax(accept, axis=-1), fallback)


def select_given(log_w, noise=None, method: str = "pfr", uniforms=None, truncated: bool = False,
                 log_w_max=None, states_log_w=None, states_p=None) -> np.ndarray:
    """0-based selected index per row (Theis & Yosri 2022, §3; digest §3.1).

    - ``pfr``: argmin_n log T_n − ℓ_n with T = cumsum(E) (truncated PFR, digest §3.2).
    - ``orc``: argmin_n log E_(n) − ℓ_n with E_(n) = cumsum(E/(N−i)) (digest §3.4).
    - ``mrc``: argmin_n log E_n − ℓ_n (Gumbel-max importance sampling, digest §3.3).
    - ``rs``: first n with U_n < exp(ℓ_n − log_w_max); needs ``uniforms`` and ``log_w_max``
      (scalar or per row, ≥ every ℓ).
    - ``grs``: first n with U_n·R_n < w_n − L_n (:func:`grs_schedule`); needs ``uniforms`` and the
      proposal law of the weights: ``states_log_w`` (ℓ of every state) and ``states_p`` (their
      p-masses), shape (A,) or (M, A).

    RS/GRS return −1 where no candidate was accepted; with ``truncated=True`` they return the
    notebook's fallback instead (RS: N−1, GRS: 0; digest §3.5). Ties pick the first index.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    lw = _check_log_w(log_w)
    n = lw.shape[-1]
    if method in ("pfr", "orc", "mrc"):
        e = _check_variates(noise, lw.shape, "noise")
        times = {"pfr": pfr_times, "orc": orc_times, "mrc": lambda x: x}[method](e)
        return _argmin_scores(times, lw).astype(np.int64)
    u = _check_variates(uniforms, lw.shape, "uniforms")
    if np.any(u >= 1):
        raise ValueError("uniforms must be in [0, 1)")
    if method == "rs":
        if log_w_max is None:
            raise ValueError("method 'rs' needs log_w_max (sup of log_w, nats)")
        lmax = np.asarray(log_w_max, dtype=np.float64)
        if lmax.ndim > 0:
            if lw.ndim != 2 or lmax.shape != (lw.shape[0],):
                raise ValueError(f"log_w_max must be a scalar or have shape (M,), got {lmax.shape}")
            lmax = lmax[:, None]
        if np.any(~np.isfinite(lmax)):
            raise ValueError("log_w_max must be finite (RS needs sup w < inf)")
        if np.any(lw > lmax):
            raise ValueError("log_w_max must be >= every log_w")
        accept = u < np.exp(lw - lmax)
        return _first_accept(accept, n - 1 if truncated else -1).astype(np.int64)
    if states_log_w is None or states_p is None:
        raise ValueError("method 'grs' needs states_log_w and states_p (the law of w under p)")
    slw = np.asarray(states_log_w, dtype=np.float64)
    sp = np.asarray(states_p, dtype=np.float64)
    if np.any(np.isnan(slw)) or np.any(slw == np.inf) or np.any(slw > 700):
        raise ValueError("states_log_w must be finite or -inf and <= 700")
    if not np.all(np.isfinite(sp)) or np.any(sp < 0) or np.any(np.abs(sp.sum(-1) - 1) > 1e-9):
        raise ValueError("states_p must be a probability vector (or one per row)")
    if lw.ndim == 1 and (slw.ndim > 1 or sp.ndim > 1):
        raise ValueError("states_log_w and states_p must be 1-D when log_w is 1-D")
    if lw.ndim == 2:
        slw = np.broadcast_to(slw, (lw.shape[0], slw.shape[-1]))
        sp = np.broadcast_to(sp, slw.shape)
    L, Rm = grs_schedule(slw, sp, n)
    accept = u * Rm < np.exp(lw) - L
    return _first_accept(accept, 0 if truncated else -1).astype(np.int64)


# --- seeded wrappers: candidates, noise and uniforms from refimpl.random (digest §6) -----------

def rcc_categorical_candidates(p, seed: int, index) -> np.ndarray:
    """Candidate states z_n ~ p for 0-based indices n: stream 0, word 0 of counter (n, 0, 0, 0),
    inverse CDF (smallest i with cumsum(p)[i] > u)."""
    return R.categorical(check_seed(seed), R.STREAM_CANDIDATES, np.asarray(index), p)


def rcc_gaussian_candidates(seed: int, index, d: int) -> np.ndarray:
    """Standard-normal candidates x_n ∈ R^d (whitened coordinates): stream 0, dimension j is word
    j mod 4 of counter (n, j div 4, 0, 0), x = Φ^-1(u_open). The candidate in the proposal's
    space is z_n = μ_p + σ_p·x_n."""
    return R.normal(check_seed(seed), R.STREAM_CANDIDATES, np.asarray(index), check_int(d, "d", 1))


def _variates(seed: int, n: int, method: str):
    idx = np.arange(n, dtype=np.uint64)
    if method in ("rs", "grs"):
        return None, R.uniform(seed, R.STREAM_UNIFORMS, idx)
    return R.exponential(seed, R.STREAM_NOISE, idx), None


def select_categorical(q, p, N: int, seed: int, method: str = "pfr", truncated: bool = False) -> RccSelection:
    """Seeded selection among N candidates z_0..z_{N−1} ~ p for a discrete target q (readable
    twin of :func:`select_categorical_fast`). Noise: E_n from stream 1, U_n from stream 2 (word 0
    of counter (n, 0, stream, 0)). RS uses w_max = max over p's support of q/p."""
    q, p, state_lw = check_q_p(q, p)
    N = check_int(N, "N", 1)
    seed = check_seed(seed)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    z = rcc_categorical_candidates(p, seed, np.arange(N, dtype=np.uint64))
    e, u = _variates(seed, N, method)
    lmax = float(np.max(state_lw[p > 0]))
    k = int(select_given(state_lw[z], e, method, u, truncated, lmax, state_lw, p))
    return RccSelection(k, int(z[k]) if k >= 0 else -1)


def select_gaussian(mu_q, sigma_q, mu_p, sigma_p, N: int, seed: int, method: str = "pfr",
                    truncated: bool = False) -> RccSelection:
    """Seeded selection among N candidates z_n = μ_p + σ_p·x_n ~ p = N(μ_p, diag σ_p²) for the
    target q = N(μ_q, diag σ_q²) (readable twin of :func:`select_gaussian_fast`). ``grs`` is for
    discrete targets only; ``rs`` needs σ_q < σ_p (bounded w)."""
    mu_q, sigma_q, mu_p, sigma_p = check_gaussians(mu_q, sigma_q, mu_p, sigma_p)
    N = check_int(N, "N", 1)
    seed = check_seed(seed)
    if method not in METHODS or method == "grs":
        raise ValueError(f"method must be one of ('pfr', 'orc', 'mrc', 'rs') for Gaussians, got {method!r}")
    a, s = whiten(mu_q, sigma_q, mu_p, sigma_p)
    x = rcc_gaussian_candidates(seed, np.arange(N, dtype=np.uint64), a.size)
    lw = gaussian_log_w_whitened(x, a, s)
    e, u = _variates(seed, N, method)
    lmax = None
    if method == "rs":
        lmax = gaussian_log_w_max(a, s)
        if not np.isfinite(lmax):
            raise ValueError("method 'rs' needs a bounded density ratio: sigma_q < sigma_p in every dimension")
        lw = np.minimum(lw, lmax)  # round-off guard: ℓ(x) ≤ sup ℓ up to ulps (the kernel clips alike)
    k = int(select_given(lw, e, method, u, truncated, lmax))
    return RccSelection(k, mu_p + sigma_p * x[k] if k >= 0 else None)


# --- fast paths (Numba kernels generating candidates on the fly) ------------------------------

_CODES = {m: i for i, m in enumerate(METHODS)}


def _keys(seeds) -> tuple[np.ndarray, np.ndarray]:
    s = [check_seed(int(x)) for x in np.atleast_1d(np.asarray(seeds, dtype=object))]
    k0 = np.array([x & (2**64 - 1) for x in s], dtype=np.uint64)
    k1 = np.array([x >> 64 for x in s], dtype=np.uint64)
    return k0, k1


def select_categorical_fast(q, p, N: int, seeds, method: str = "pfr", truncated: bool = False):
    """:func:`select_categorical` for many seeds at once (Numba; candidates never materialised).
    Returns ``(index, state)`` int64 arrays of shape (len(seeds),), equal to the twin's."""
    from ._kernels import select_categorical_kernel

    q, p, state_lw = check_q_p(q, p)
    N = check_int(N, "N", 1)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    k0, k1 = _keys(seeds)
    L, Rm = grs_schedule(state_lw, p, N) if method == "grs" else (np.zeros(1), np.zeros(1))
    lmax = float(np.max(state_lw[p > 0]))
    return select_categorical_kernel(state_lw, np.cumsum(p), L, Rm, lmax, k0, k1, N, _CODES[method],
                                     bool(truncated))


def select_gaussian_fast(mu_q, sigma_q, mu_p, sigma_p, N: int, seed: int, method: str = "pfr",
                         truncated: bool = False) -> RccSelection:
    """:func:`select_gaussian` through the Numba kernel: memory O(d) for any N."""
    from ._kernels import select_gaussian_kernel

    mu_q, sigma_q, mu_p, sigma_p = check_gaussians(mu_q, sigma_q, mu_p, sigma_p)
    N = check_int(N, "N", 1)
    seed = check_seed(seed)
    if method not in METHODS or method == "grs":
        raise ValueError(f"method must be one of ('pfr', 'orc', 'mrc', 'rs') for Gaussians, got {method!r}")
    a, s = whiten(mu_q, sigma_q, mu_p, sigma_p)
    lmax = gaussian_log_w_max(a, s)  # PFR/ORC stop early when finite; RS needs it finite
    if method == "rs":
        if not np.isfinite(lmax):
            raise ValueError("method 'rs' needs a bounded density ratio: sigma_q < sigma_p in every dimension")
    k0, k1 = _keys(seed)
    k = int(select_gaussian_kernel(a, s, lmax, k0[0], k1[0], N, _CODES[method], bool(truncated), _table()))
    if k < 0:
        return RccSelection(k, None)
    return RccSelection(k, mu_p + sigma_p * rcc_gaussian_candidates(seed, np.array([k], dtype=np.uint64), a.size)[0])


_TABLE: list = []


def _table() -> np.ndarray:
    if not _TABLE:
        from ._kernels import ndtri_table
        _TABLE.append(ndtri_table())
    return _TABLE[0]


__all__ += ["select_categorical_fast", "select_gaussian_fast"]
