"""Numba kernels of :mod:`refimpl.rcc`: candidates are generated on the fly from (seed, index)
with Philox4x64-10 and never materialised. Readable twins: :mod:`refimpl.rcc.select`
(``select_given`` over materialised arrays) and :mod:`refimpl.rcc.pfr` (exact PFR loops)."""

from __future__ import annotations

import math

import numpy as np
from numba import njit, uint64

from .._philox import philox_block, word_to_normal, word_to_open_uniform, word_to_uniform


PFR, ORC, MRC, RS, GRS = 0, 1, 2, 3, 4
S_CAND = uint64(0)
S_NOISE = uint64(1)
S_UNIF = uint64(2)
ZERO = uint64(0)


@njit(cache=True, inline="always")
def _word0(n, stream, k0, k1):
    w0, _, _, _ = philox_block(uint64(n), ZERO, stream, ZERO, k0, k1)
    return w0


@njit(cache=True, inline="always")
def _exp(n, k0, k1):
    return -math.log1p(-word_to_uniform(_word0(n, S_NOISE, k0, k1)))


@njit(cache=True, inline="always")
def _unif(n, k0, k1):
    return word_to_uniform(_word0(n, S_UNIF, k0, k1))


@njit(cache=True, inline="always")
def _categorical(n, cdf, k0, k1):
    """Smallest i with cdf[i] > u (clipped to A − 1), u from stream 0 word 0."""
    u = word_to_uniform(_word0(n, S_CAND, k0, k1))
    lo, hi = 0, cdf.shape[0]
    while lo < hi:
        mid = (lo + hi) // 2
        if cdf[mid] > u:
            hi = mid
        else:
            lo = mid + 1
    return min(lo, cdf.shape[0] - 1)


@njit(cache=True, inline="always")
def _normals(n, x, k0, k1):
    d = x.shape[0]
    for b in range((d + 3) // 4):
        w0, w1, w2, w3 = philox_block(uint64(n), uint64(b), S_CAND, ZERO, k0, k1)
        j = 4 * b
        x[j] = word_to_normal(w0)
        if j + 1 < d:
            x[j + 1] = word_to_normal(w1)
        if j + 2 < d:
            x[j + 2] = word_to_normal(w2)
        if j + 3 < d:
            x[j + 3] = word_to_normal(w3)


@njit(cache=True, inline="always")
def _gauss_log_w(x, a, s, log_s):
    acc = 0.0
    for j in range(x.shape[0]):
        r = (x[j] - a[j]) / s[j]
        acc += -log_s[j] - 0.5 * r * r + 0.5 * x[j] * x[j]
    return acc


@njit(cache=True, inline="always")
def _score(method, t, lw):
    if lw == -np.inf:
        return np.inf
    return math.log(t) - lw


@njit(cache=True)
def select_categorical_kernel(state_lw, cdf, sched_L, sched_R, lmax, k0s, k1s, N, method, truncated):
    """One selection per key (k0s[i], k1s[i]) among N on-the-fly categorical candidates.
    Returns (index, state) arrays; index −1 when RS/GRS accepted nothing (not truncated)."""
    m = k0s.shape[0]
    idx = np.empty(m, dtype=np.int64)
    st = np.empty(m, dtype=np.int64)
    for i in range(m):
        k0, k1 = k0s[i], k1s[i]
        best = np.inf
        k = -1
        t = 0.0
        for n in range(N):
            if method <= MRC:
                e = _exp(n, k0, k1)
                if method == PFR:
                    t += e
                elif method == ORC:
                    t += e / (N - n)
                else:
                    t = e
                if method != MRC and k >= 0 and math.log(t) - lmax >= best:
                    break  # T (PFR) and S (ORC) only grow: no later candidate can win
                z = _categorical(n, cdf, k0, k1)
                s = _score(method, t, state_lw[z])
                if s < best or k < 0:
                    best = s
                    k = n
            else:
                u = _unif(n, k0, k1)
                z = _categorical(n, cdf, k0, k1)
                if method == RS:
                    acc = u < math.exp(min(state_lw[z], lmax) - lmax)
                else:
                    acc = u * sched_R[n] < math.exp(state_lw[z]) - sched_L[n]
                if acc:
                    k = n
                    break
        if k < 0 and truncated:
            k = N - 1 if method == RS else 0
        idx[i] = k
        st[i] = _categorical(k, cdf, k0, k1) if k >= 0 else -1
    return idx, st


NBINS = 1024


def ndtri_table() -> np.ndarray:
    """Φ⁻¹ at the bin edges b/NBINS, b = 0..NBINS (±inf at the ends): a candidate coordinate whose
    open uniform lies in bin b has x ∈ [table[b], table[b+1]] (Φ⁻¹ is monotone)."""
    from scipy.special import ndtri

    return ndtri(np.arange(NBINS + 1, dtype=np.float64) / NBINS)


@njit(cache=True, inline="always")
def _coord_max(lo, hi, a, s, log_s):
    """Upper bound of f(x) = −log s − (x − a)²/(2s²) + x²/2 over x ∈ [lo, hi] (inf if unbounded)."""
    if s < 1.0:
        xs = a / (1.0 - s * s)
        x = min(max(xs, lo), hi)
        r = (x - a) / s
        return -log_s - 0.5 * r * r + 0.5 * x * x
    if lo == -np.inf or hi == np.inf:
        return np.inf
    r1 = (lo - a) / s
    r2 = (hi - a) / s
    return max(-log_s - 0.5 * r1 * r1 + 0.5 * lo * lo, -log_s - 0.5 * r2 * r2 + 0.5 * hi * hi)


@njit(cache=True)
def bin_bounds(a, s, table):
    """fmax[j, b] = upper bound of coordinate j's log-weight term over bin b (see _coord_max)."""
    d = a.shape[0]
    nb = table.shape[0] - 1
    out = np.empty((d, nb))
    for j in range(d):
        ls = math.log(s[j])
        for b in range(nb):
            out[j, b] = _coord_max(table[b], table[b + 1], a[j], s[j], ls)
    return out


@njit(cache=False)  # scipy's ndtri is a ctypes pointer: Numba cannot cache this kernel
def select_gaussian_kernel(a, s, lmax, k0, k1, N, method, truncated, table):
    """Index selected among N on-the-fly whitened Gaussian candidates (pfr/orc/mrc/rs).

    Exact shortcut: before computing the d inverse-CDF normals of candidate n, an upper bound on
    ℓ(x_n) from the bins of its uniforms (``table``) is checked; if even that bound cannot beat
    the current best score (or pass the RS test), the candidate is skipped. The bound is
    loosened by 1e-7 relative so round-off can never skip a candidate that would win: the
    selected index equals the full evaluation's (tested against the twin)."""
    d = a.shape[0]
    x = np.empty(d)
    log_s = np.log(s)
    best = np.inf
    k = -1
    t = 0.0
    nb = table.shape[0] - 1
    small = d <= 64  # a d × 1024 bound table fits in cache; for larger d compute the bound per bin
    fmax = bin_bounds(a, s, table) if small else np.empty((0, 0))
    for n in range(N):
        if method <= MRC:
            e = _exp(n, k0, k1)
            if method == PFR:
                t += e
            elif method == ORC:
                t += e / (N - n)
            else:
                t = e
        else:
            u = _unif(n, k0, k1)
        if method <= ORC and k >= 0 and math.log(t) - lmax >= best:
            break  # lmax = sup ℓ (inf when unbounded): T and S only grow, no later candidate can win
        if k >= 0 or method > MRC:
            # bound ℓ from the bins of the candidate's uniforms (one Philox block per 4 coordinates)
            ub = 0.0
            for b in range((d + 3) // 4):
                w0, w1, w2, w3 = philox_block(uint64(n), uint64(b), S_CAND, ZERO, k0, k1)
                j = 4 * b
                for jj in range(4):
                    if j + jj >= d:
                        break
                    wv = w0 if jj == 0 else (w1 if jj == 1 else (w2 if jj == 2 else w3))
                    i = int(word_to_open_uniform(wv) * nb)
                    if small:
                        ub += fmax[j + jj, i]
                    else:
                        ub += _coord_max(table[i], table[i + 1], a[j + jj], s[j + jj], log_s[j + jj])
            if ub != np.inf:
                ub += 1e-7 * (1.0 + abs(ub))
                if method <= MRC:
                    if math.log(t) - ub >= best:
                        continue
                elif u >= math.exp(min(ub, lmax) - lmax):
                    continue
        _normals(n, x, k0, k1)
        lw = _gauss_log_w(x, a, s, log_s)
        if method <= MRC:
            sc = math.log(t) - lw
            if sc < best or k < 0:
                best = sc
                k = n
        elif u < math.exp(min(lw, lmax) - lmax):
            return n
    if k < 0 and truncated:
        k = N - 1
    return k


@njit(cache=True)
def pfr_exact_categorical_kernel(state_lw, cdf, lmax, k0, k1, max_iter):
    """Exact PFR with early stopping (digest §3.2); returns (index, candidates drawn) or
    (−1, max_iter) when the cap was reached."""
    best = np.inf
    k = -1
    t = 0.0
    for n in range(max_iter):
        t += _exp(n, k0, k1)
        if k >= 0 and math.log(t) - lmax >= best:
            return k, n
        s = _score(PFR, t, state_lw[_categorical(n, cdf, k0, k1)])
        if s < best:
            best = s
            k = n
    return -1, max_iter


@njit(cache=False)  # scipy's ndtri is a ctypes pointer: Numba cannot cache this kernel
def pfr_exact_gaussian_kernel(a, s, lmax, k0, k1, max_iter):
    """Exact PFR for whitened Gaussian targets with sup ℓ = lmax < inf; as above."""
    d = a.shape[0]
    x = np.empty(d)
    log_s = np.log(s)
    best = np.inf
    k = -1
    t = 0.0
    for n in range(max_iter):
        t += _exp(n, k0, k1)
        if k >= 0 and math.log(t) - lmax >= best:
            return k, n
        _normals(n, x, k0, k1)
        sc = math.log(t) - _gauss_log_w(x, a, s, log_s)
        if sc < best:
            best = sc
            k = n
    return -1, max_iter
