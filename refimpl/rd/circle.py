"""Stochastic vs deterministic encoders on the circle under perfect realism.

Citation: Theis & Agustsson, *On the advantages of stochastic encoders*, 2021 (toy example: a
circle source; the exact parameterisation of the paper is not available to us — this is the
project digest's reconstruction, rdpf_uq_c3.md §2.1, derived and Monte-Carlo checked there).

Θ ~ U[0, 2π), X = (cos Θ, sin Θ), distortion ‖X − X̂‖² = 2 − 2 cos(Θ − Θ̂); perfect realism:
X̂ uniform on the circle. N cells, rate log2 N bits (fixed-length) per sample.

- Stochastic (dithered) encoder with shared U ~ U[0, 1):  K = ⌊NΘ/2π − U⌋ mod N, decoder
  Θ̂ = (2π/N)(K + U + ½). The error is U(−π/N, π/N) independent of Θ, so Θ̂ is uniform and
  D_sto(N) = 2 − 2 sinc(π/N).
- Best deterministic encoder: K = ⌊NΘ/2π⌋, the decoder samples Θ̂ uniformly on the arc K
  (its own randomness V): D_det(N) = 2 − 2 sinc²(π/N).

==================  ===========================================================
paper               code
==================  ===========================================================
Θ, Θ̂                ``theta``, ``theta_hat`` (radians, [0, 2π))
N                   ``N`` (cells; rate log2 N bits)
U (shared dither)   ``u`` (stream 3 = refimpl.random.STREAM_DITHER, index = sample)
V (decoder noise)   ``v`` (stream 4, index = sample; deterministic encoder only)
K                   ``k`` (cell index, entropy coded with rANS under a uniform model)
(optimiser starts)  stream 5 = ``STREAM_STARTS`` (index = start; entropy-coded cells only)
==================  ===========================================================
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .. import random as R

__all__ = [
    "circle_stochastic_distortion",
    "circle_deterministic_distortion",
    "circle_sto_encode_given",
    "circle_sto_decode_given",
    "circle_det_encode",
    "circle_det_decode_given",
    "circle_distortion",
    "CircleCode",
    "circle_encode",
    "circle_decode",
]

TWO_PI = 2.0 * math.pi
STREAM_DECODER = 4
STREAM_STARTS = 5      # SLSQP starting points of circle_entropy_coded_cells (not a codec stream)
PRECISION = 16


def _check_N(N) -> int:
    if isinstance(N, bool) or not isinstance(N, (int, np.integer)) or not 2 <= int(N) <= 1 << 15:
        raise ValueError(f"N must be an integer in [2, 32768], got {N!r}")
    return int(N)


def _sinc(t: float) -> float:
    return math.sin(t) / t


def circle_stochastic_distortion(N: int) -> float:
    """D_sto(N) = 2 − 2 sinc(π/N): dithered encoder, perfect realism (digest §2.1)."""
    return 2.0 - 2.0 * _sinc(math.pi / _check_N(N))


def circle_deterministic_distortion(N: int) -> float:
    """D_det(N) = 2 − 2 sinc²(π/N): the best deterministic encoder with N equally likely cells
    and a decoder that must randomise to reach perfect realism (digest §2.1)."""
    return 2.0 - 2.0 * _sinc(math.pi / _check_N(N)) ** 2


def _angles(theta, name="theta") -> np.ndarray:
    t = np.asarray(theta, dtype=np.float64)
    if not np.all(np.isfinite(t)):
        raise ValueError(f"{name} must be finite")
    return np.mod(t, TWO_PI)


def _unit(u, name) -> np.ndarray:
    a = np.asarray(u, dtype=np.float64)
    if not np.all((a >= 0) & (a < 1)):
        raise ValueError(f"{name} must lie in [0, 1)")
    return a


def circle_sto_encode_given(theta, u, N: int) -> np.ndarray:
    """K = ⌊NΘ/2π − U⌋ mod N (dithered scalar quantisation of the angle)."""
    N = _check_N(N)
    return np.mod(np.floor(N * _angles(theta) / TWO_PI - _unit(u, "u")), N).astype(np.int64)


def circle_sto_decode_given(k, u, N: int) -> np.ndarray:
    """Θ̂ = (2π/N)(K + U + ½) mod 2π (centre of the shifted cell)."""
    N = _check_N(N)
    return np.mod(TWO_PI / N * (np.asarray(k, dtype=np.float64) + _unit(u, "u") + 0.5), TWO_PI)


def circle_det_encode(theta, N: int) -> np.ndarray:
    """K = ⌊NΘ/2π⌋ (equal arcs; ignores any shared randomness)."""
    N = _check_N(N)
    return np.minimum(np.floor(N * _angles(theta) / TWO_PI), N - 1).astype(np.int64)


def circle_det_decode_given(k, v, N: int) -> np.ndarray:
    """Θ̂ = (2π/N)(K + V): a uniform sample on the received arc (decoder randomness V)."""
    N = _check_N(N)
    return TWO_PI / N * (np.asarray(k, dtype=np.float64) + _unit(v, "v"))


def circle_distortion(theta, theta_hat) -> np.ndarray:
    """‖X − X̂‖² = 2 − 2 cos(Θ − Θ̂) for points on the unit circle."""
    return 2.0 - 2.0 * np.cos(np.asarray(theta) - np.asarray(theta_hat))


class CircleCode(NamedTuple):
    """A coded block: ``data`` the rANS bytes, ``nbits`` = 8·len(data), ``n`` samples."""

    data: bytes
    nbits: int
    n: int


def _uniform_cdf(N: int) -> np.ndarray:
    from ..coding import quantize_pmf
    return quantize_pmf(np.full(N, 1.0 / N), PRECISION)


def circle_encode(theta, N: int, seed: int, stochastic: bool = True) -> CircleCode:
    """Encode angles into real bits: cell indices (dithered with U from ``seed``, stream 3,
    index = sample, or deterministic) coded by rANS under the uniform model."""
    from ..coding import rans_encode
    N = _check_N(N)
    t = _angles(theta).ravel()
    idx = np.arange(t.size, dtype=np.uint64)
    k = circle_sto_encode_given(t, R.uniform(seed, R.STREAM_DITHER, idx), N) if stochastic \
        else circle_det_encode(t, N)
    data = rans_encode(k, _uniform_cdf(N), PRECISION)
    return CircleCode(data, 8 * len(data), int(t.size))


def circle_decode(data: bytes, n: int, N: int, seed: int, stochastic: bool = True) -> np.ndarray:
    """Decode ``n`` angles; the stochastic decoder re-draws U from ``seed`` (stream 3), the
    deterministic one samples V from ``seed`` (stream 4). Raises DecodeError on a bad stream."""
    from ..coding import rans_decode
    N = _check_N(N)
    k = rans_decode(data, _uniform_cdf(N), PRECISION, n)
    if np.any(k >= N):
        from ..errors import DecodeError
        raise DecodeError("cell index out of range")
    idx = np.arange(n, dtype=np.uint64)
    if stochastic:
        return circle_sto_decode_given(k, R.uniform(seed, R.STREAM_DITHER, idx), N)
    return circle_det_decode_given(k, R.uniform(seed, STREAM_DECODER, idx), N)


# --- entropy-coded (variable-length) variant: unequal cells, digest §2.1 -----------------------

class CircleCells(NamedTuple):
    """Optimised cell probabilities ``p`` (arc of cell k = 2π p_k) and the distortion ``D``
    reached at entropy ``H(p) <= rate`` bits."""

    p: np.ndarray
    D: float
    entropy: float


def _cells_starts(seed: int, starts: int, K: int) -> list[np.ndarray]:
    """SLSQP starting points of :func:`circle_entropy_coded_cells`: start j is a Dirichlet(α_j·1_K)
    draw, α_j = geomspace(0.05, 2, starts)[j], by inverse-CDF Gamma variates
    G_jk = P^-1(α_j, U_jk) (regularised lower incomplete gamma) of open uniforms
    U_jk = refimpl.random.uniform(seed, 5, j, d = K, open) — sorted in decreasing order."""
    from scipy.special import gammaincinv
    alphas = np.geomspace(0.05, 2.0, starts)
    u = R.uniform(seed, STREAM_STARTS, np.arange(starts, dtype=np.uint64), d=K, open=True)
    out = []
    for a, uj in zip(alphas, u):
        g = gammaincinv(a, uj)
        if not g.sum() > 0:              # every variate underflowed (tiny α): start at one cell
            g = np.zeros(K)
            g[0] = 1.0
        out.append(np.sort(g / g.sum())[::-1])
    return out


def _cells_distortion(p, stochastic: bool) -> float:
    s = np.sinc(np.asarray(p))          # np.sinc(x) = sin(πx)/(πx) = sinc(π p_k) in our notation
    return float(2.0 - 2.0 * np.sum(p * (s if stochastic else s * s)))


def circle_entropy_coded_cells(rate: float, stochastic: bool = True, max_cells: int = 8,
                               starts: int = 24, seed: int = 0) -> CircleCells:
    """min over cell probabilities p (≤ ``max_cells`` cells) of D(p) s.t. H(p) ≤ ``rate`` bits,
    with D = 2 − 2 Σ p_k sinc(π p_k) (stochastic: rotated partition + dither) or
    2 − 2 Σ p_k sinc²(π p_k) (deterministic cells, sampling decoder). SLSQP from ``starts``
    (an integer ≥ 1) Dirichlet(α_j) starts plus the equal-cell points with log2 m ≤ rate: a
    local method, so the value is an upper bound on the true optimum (digest §2.1 says the same
    of its table). Start j uses α_j = geomspace(0.05, 2, starts)[j] and Gamma(α_j) variates
    G = P^-1(α_j, U) from open uniforms U of ``refimpl.random`` (``seed``, stream 5 =
    ``STREAM_STARTS``, index j, d = ``max_cells``), p0 = sort(G / ΣG) descending. Raises
    ValueError if no start ends at a feasible point (H(p) ≤ rate + 1e-7)."""
    from scipy.optimize import minimize
    rate = float(rate)
    if not (math.isfinite(rate) and rate > 0):
        raise ValueError(f"rate must be finite and > 0, got {rate}")
    if isinstance(max_cells, bool) or not isinstance(max_cells, (int, np.integer)) or not 2 <= max_cells <= 64:
        raise ValueError(f"max_cells must be an integer in [2, 64], got {max_cells!r}")
    K = int(max_cells)
    if isinstance(starts, bool) or not isinstance(starts, (int, np.integer)) or not 1 <= starts <= 10_000:
        raise ValueError(f"starts must be an integer in [1, 10000], got {starts!r}")
    starts = int(starts)

    def H(p):
        p = np.clip(p, 1e-300, 1.0)
        return float(-np.sum(p * np.log2(p)))

    cons = [{"type": "eq", "fun": lambda p: np.sum(p) - 1.0},
            {"type": "ineq", "fun": lambda p: rate - H(p)}]
    inits = [np.concatenate([np.full(m, 1.0 / m), np.zeros(K - m)]) for m in range(2, K + 1) if math.log2(m) <= rate]
    inits += _cells_starts(seed, starts, K)
    best = None
    for p0 in inits:
        if H(p0) > rate:                 # shrink towards one cell until feasible
            e1 = np.zeros(K)
            e1[0] = 1.0
            lo, hi = 0.0, 1.0
            for _ in range(60):
                mid = 0.5 * (lo + hi)
                lo, hi = (mid, hi) if H((1 - mid) * p0 + mid * e1) > rate else (lo, mid)
            p0 = (1 - hi) * p0 + hi * e1
        res = minimize(lambda p: _cells_distortion(p, stochastic), np.maximum(p0, 1e-9), method="SLSQP",
                       bounds=[(1e-12, 1.0)] * K, constraints=cons, options={"ftol": 1e-13, "maxiter": 500})
        p = np.maximum(res.x, 0.0)
        p = p / p.sum()
        if H(p) <= rate + 1e-7:
            D = _cells_distortion(p, stochastic)
            if best is None or D < best.D:
                best = CircleCells(p, D, H(p))
    if best is None:
        raise ValueError(f"no SLSQP start reached a feasible point with H(p) <= rate = {rate} "
                         f"(max_cells = {K}, starts = {starts}, seed = {seed}); try more starts or another seed")
    return best


def circle_cells_encode_given(theta, u, p) -> np.ndarray:
    """Cell index of (Θ − 2πU) mod 2π in the partition with arcs 2π p_k (U = 0: deterministic)."""
    edges = TWO_PI * np.cumsum(np.asarray(p, dtype=np.float64))[:-1]
    t = np.mod(_angles(theta) - TWO_PI * _unit(u, "u"), TWO_PI)
    return np.searchsorted(edges, t, side="right").astype(np.int64)


def circle_cells_decode_given(k, u, v, p, stochastic: bool) -> np.ndarray:
    """Stochastic: Θ̂ = 2πU + centre of arc K; deterministic: Θ̂ = a uniform point (V) of arc K."""
    p = np.asarray(p, dtype=np.float64)
    lo = TWO_PI * np.concatenate([[0.0], np.cumsum(p)[:-1]])[k]
    w = TWO_PI * p[k]
    if stochastic:
        return np.mod(TWO_PI * _unit(u, "u") + lo + 0.5 * w, TWO_PI)
    return lo + _unit(v, "v") * w
