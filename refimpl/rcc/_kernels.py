"""Numba kernels of :mod:`refimpl.rcc`: candidates are generated on the fly from (seed, index)
with Philox4x64-10 and never materialised. Readable twins: :mod:`refimpl.rcc.select`
(``select_given`` over materialised arrays) and :mod:`refimpl.rcc.pfr` (exact PFR loops)."""

from __future__ import annotations

import math

import numpy as np
from numba import njit, uint64

from .._philox import philox_block, word_to_normal, word_to_uniform

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


@njit(cache=False)  # scipy's ndtri is a ctypes pointer: Numba cannot cache this kernel
def select_gaussian_kernel(a, s, lmax, k0, k1, N, method, truncated):
    """Index selected among N on-the-fly whitened Gaussian candidates (pfr/orc/mrc/rs)."""
    d = a.shape[0]
    x = np.empty(d)
    log_s = np.log(s)
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
            _normals(n, x, k0, k1)
            sc = math.log(t) - _gauss_log_w(x, a, s, log_s)
            if sc < best or k < 0:
                best = sc
                k = n
        else:
            u = _unif(n, k0, k1)
            _normals(n, x, k0, k1)
            lw = min(_gauss_log_w(x, a, s, log_s), lmax)
            if u < math.exp(lw - lmax):
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
