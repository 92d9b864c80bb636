"""AS* coding (A* sampling with splits at the samples) for 1-D Gaussians with unimodal w.

Citation: Flamich, Markou & Hernández-Lobato, *Fast relative entropy coding with A* coding*
(ICML 2022), AS* (split on sample); Maddison, Tarlow & Minka, *A* sampling* (NeurIPS 2014).
Digest §3.7, B13, §7.12.

| symbol | name | meaning |
|---|---|---|
| node h | heap index (root 1, children 2h and 2h + 1) | message |
| C_h = (a, b) | region of node h | root (−inf, inf); children split at X_h |
| T_h = T_parent + E_h/P(C_h) | time form of the truncated Gumbel | E_h: stream 1, index h |
| X_h = F⁻¹(F(a) + U_h·P(C_h)) | location | U_h: open uniform of stream 0, index h |
| T_h / w(X_h) | score | the output minimises it |
| T_h / sup_{C_h} w | lower bound of the subtree | sup at clip(x*, a, b) |
"""

from __future__ import annotations

import heapq
import math

import numpy as np

from .. import random as R
from ._common import check_int, check_seed, RccCapError
from .gprs import GaussianTau, _setup_1d, _split_point
from .index_codes import index_decode, zipf_lambda, zipf_mu_hat
from .pfr import RccEncoded
from .gprs import _zipf_code

__all__ = ["astar_encode_gaussian_1d", "astar_decode_gaussian_1d"]


def _node(seed: int, h: int, lo: float, hi: float, t_parent: float):
    u = float(R.uniform(seed, R.STREAM_CANDIDATES, np.array([h], dtype=np.uint64), open=True)[0])
    x, mass = _split_point(lo, hi, u)
    t = t_parent + float(R.exponential(seed, R.STREAM_NOISE, np.array([h], dtype=np.uint64))[0]) / mass
    return x, t, mass


def astar_encode_gaussian_1d(mu_q, sigma_q, mu_p, sigma_p, seed: int, mu_hat: float | None = None,
                             max_iter: int = 100_000) -> RccEncoded:
    """AS* (digest §3.7): pop nodes in order of T/sup w; stop when the smallest bound is ≥ the best
    score. ``iterations`` counts expanded (popped) nodes; ``max_iter`` caps them (RccCapError).
    Node indices h must stay below 2^63 (a depth cap of 62). Needs σ_q < σ_p."""
    a, s, mp, sp, dkl = _setup_1d(mu_q, sigma_q, mu_p, sigma_p)
    seed = check_seed(seed)
    max_iter = check_int(max_iter, "max_iter", 1)
    if not 0 < s < 1:
        raise ValueError("AS* needs a bounded density ratio: 0 < sigma_q/sigma_p < 1")
    g = GaussianTau.__new__(GaussianTau)  # only its log_w; no τ table is built
    g.a, g.s = a, s
    xstar = a / (1 - s * s)

    def sup_log_w(lo, hi):
        return g.log_w(min(max(xstar, lo), hi))

    if mu_hat is None:
        mu_hat = zipf_mu_hat(dkl)
    x, t, _ = _node(seed, 1, -math.inf, math.inf, 0.0)
    heap = [(math.log(t) - sup_log_w(-math.inf, math.inf), 1, t, x, -math.inf, math.inf)]
    best, out = math.inf, None
    for popped in range(1, max_iter + 1):
        if not heap:
            popped -= 1
            break
        lb, h, t, x, lo, hi = heapq.heappop(heap)
        if lb >= best:
            popped -= 1
            break
        sc = math.log(t) - g.log_w(x)
        if sc < best:
            best, out = sc, (h, x)
        for (clo, chi), hc in (((lo, x), 2 * h), ((x, hi), 2 * h + 1)):
            if hc >= 1 << 63:
                raise RccCapError("AS* reached depth 62 (heap index beyond 2^63)")
            if chi <= clo:
                continue
            xc, tc, mass = _node(seed, hc, clo, chi, t)
            if mass <= 0:
                continue
            key = math.log(tc) - sup_log_w(clo, chi)
            if key < best:
                heapq.heappush(heap, (key, hc, tc, xc, clo, chi))
    else:
        if heap and heap[0][0] < best:
            raise RccCapError(f"AS* expanded max_iter={max_iter} nodes without stopping")
    h, x = out
    c = _zipf_code(h, mu_hat)
    return RccEncoded(h, np.array([mp + sp * x]), c.data, c.nbits, c.ideal_bits, popped)


def astar_decode_gaussian_1d(data: bytes, nbits: int, mu_p, sigma_p, seed: int, mu_hat: float) -> np.ndarray:
    """Decode :func:`astar_encode_gaussian_1d`: replay the ancestors of h (their U only) to rebuild
    the region of h, then X_h."""
    h = int(index_decode(data, nbits, zipf_lambda(mu_hat), 1)[0])
    seed = check_seed(seed)
    lo, hi = -math.inf, math.inf
    depth = h.bit_length() - 1
    node = 1
    for j in range(depth + 1):
        u = float(R.uniform(seed, R.STREAM_CANDIDATES, np.array([node], dtype=np.uint64), open=True)[0])
        x, _ = _split_point(lo, hi, u)
        if j == depth:
            return np.array([float(mu_p) + float(sigma_p) * x])
        bit = (h >> (depth - 1 - j)) & 1
        if bit:
            lo = x
        else:
            hi = x
        node = 2 * node + bit
    raise AssertionError("unreachable")
