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
