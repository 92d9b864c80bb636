"""Universal (dithered) quantization: the uniform-noise channel realised exactly at test time.

Citation: Agustsson & Theis, *Universally Quantized Neural Compression*, NeurIPS 2020
(arXiv 2006.09952), §3 (universal quantization, after Ziv 1985 and Zamir & Feder 1992);
discretised dither after tensorflow-compression ``entropy_models/universal.py``.

| symbol | name | meaning |
|---|---|---|
| y | ``y`` | the value to transmit (any shape) |
| Δ | ``step`` | quantization step (the paper: Δ = 1) |
| U ~ U(−Δ/2, Δ/2) | ``u`` | shared dither, in the units of y |
| K = round((y − U)/Δ) | ``k`` | the transmitted integer (round half to even, as tf.round) |
| ŷ = Δ·K + U | ``y_hat`` | the decoder's output; ŷ − y ~ U(−Δ/2, Δ/2) independent of y |
| L | ``levels`` | discretised dither: L levels, offsets o_i = Δ·((i+1)/(L+1) − ½) |

Randomness (``specs/quantization.md``): the dither of element i (C order of ``y``) is
u_i = Δ·(U_i − ½), U_i = ``refimpl.random.uniform(seed, 3, index0 + i)`` ∈ [0, 1), so
u_i ∈ [−Δ/2, Δ/2). The discretised level is i_L = ⌊L·U_i⌋ computed exactly in integers as
((w >> 11)·L) >> 53 from the same 64-bit word w (L ≤ 2048).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .. import random as R

__all__ = [
    "UQResult",
    "universal_quantize_given",
    "universal_dequantize_given",
    "uq_dither",
    "uq_dither_levels",
    "uq_level_offsets",
    "universal_quantize",
    "universal_dequantize",
]

#: |(y − u)/Δ| must stay below this so that K is an exact int64 and ŷ is exact to one rounding.
_K_BOUND = float(1 << 52)
#: Largest number of discretised dither levels (keeps ((w >> 11)·L) inside 64 bits).
_MAX_LEVELS = 2048
#: One past the largest stream index (Philox counters are 64-bit).
_INDEX_END = 1 << 64


class UQResult(NamedTuple):
    """``k``: the transmitted integers (int64); ``y_hat``: the reconstruction Δ·k + u."""

    k: np.ndarray
    y_hat: np.ndarray


def _positive(x, name: str) -> float:
    """``x`` as a finite real > 0, else ValueError naming ``name`` (shared by every quantization module)."""
    if isinstance(x, (bool, np.bool_)):
        raise ValueError(f"{name} must be a finite number > 0, got {x!r}")
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite number > 0, got {x!r}") from None
    if not np.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {x!r}")
    return v


def _check_step(step) -> float:
    """The one check of ``step``: a finite real > 0."""
    return _positive(step, "step")


def _check_k_u(k, u) -> tuple[np.ndarray, np.ndarray]:
    """``k`` an integer array and ``u`` a finite real array of the same shape (ValueError otherwise)."""
    k = np.asarray(k)
    if k.dtype == object or k.dtype.kind not in "iu":
        raise ValueError(f"k must be an integer array, got dtype {k.dtype}")
    u = _real(u, "u")
    if k.shape != u.shape:
        raise ValueError(f"k and u must have the same shape, got {k.shape} and {u.shape}")
    return k, u


def _real(x, name: str) -> np.ndarray:
    a = np.asarray(x)
    if a.dtype == object or a.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be a real array, got dtype {a.dtype}")
    a = a.astype(np.float64)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return a


def _check_u(u: np.ndarray, step: float) -> None:
    if np.any(np.abs(u) > step / 2):
        raise ValueError(f"u must lie in [-step/2, step/2] = [{-step / 2}, {step / 2}] (the dither, in y's units)")


def universal_quantize_given(y, u, step=1.0) -> UQResult:
    """K = round((y − u)/Δ), ŷ = Δ·K + u (§3; u is the shared dither, same shape as y).

    By the crypto lemma ŷ − y ~ U(−Δ/2, Δ/2) independently of y when u ~ U(−Δ/2, Δ/2)."""
    step = _check_step(step)
    y = _real(y, "y")
    u = _real(u, "u")
    if y.shape != u.shape:
        raise ValueError(f"y and u must have the same shape, got {y.shape} and {u.shape}")
    _check_u(u, step)
    q = (y - u) / step
    if np.any(np.abs(q) >= _K_BOUND):
        raise ValueError(f"|y − u|/step must be < 2**52, got up to {np.max(np.abs(q))}")
    k = np.rint(q).astype(np.int64)
    return UQResult(k, step * k + u)


def universal_dequantize_given(k, u, step=1.0) -> np.ndarray:
    """The decoder: ŷ = Δ·k + u (§3)."""
    step = _check_step(step)
    k, u = _check_k_u(k, u)
    _check_u(u, step)
    return step * k.astype(np.float64) + u


def _indices(shape, index0) -> np.ndarray:
    """Stream indices index0 + i (uint64) of the elements of ``shape`` in C order; ValueError unless
    shape ≥ 0 and index0 + size ≤ 2^64 (every index fits the 64-bit counter)."""
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    if any(s < 0 for s in shape):
        raise ValueError(f"shape must be non-negative, got {shape}")
    if isinstance(index0, (bool, np.bool_)) or not isinstance(index0, (int, np.integer)) or index0 < 0:
        raise ValueError(f"index0 must be an integer >= 0, got {index0!r}")
    n = math.prod(shape)
    if int(index0) >= _INDEX_END or int(index0) + n > _INDEX_END:
        raise ValueError(f"index0 must be < 2**64 and index0 + number of elements <= 2**64 (stream indices are 64-bit), "
                         f"got index0 = {int(index0)} and {n} elements")
    # built in uint64 throughout: index0 may exceed 2^63 (np.arange(int, int) would go through int64)
    return (np.uint64(int(index0)) + np.arange(n, dtype=np.uint64)).reshape(shape)


def uq_dither(shape, seed: int, step=1.0, index0: int = 0) -> np.ndarray:
    """Shared continuous dither u = Δ·(U − ½) ∈ [−Δ/2, Δ/2), U from ``refimpl.random`` stream 3."""
    step = _check_step(step)
    return step * (R.uniform(seed, R.STREAM_DITHER, _indices(shape, index0)) - 0.5)


def _check_levels(levels) -> int:
    if isinstance(levels, (bool, np.bool_)) or not isinstance(levels, (int, np.integer)):
        raise ValueError(f"levels must be an integer in [1, {_MAX_LEVELS}], got {levels!r}")
    if not 1 <= int(levels) <= _MAX_LEVELS:
        raise ValueError(f"levels must be in [1, {_MAX_LEVELS}], got {levels}")
    return int(levels)


def uq_level_offsets(levels, step=1.0) -> np.ndarray:
    """The L discretised-dither offsets Δ·((i+1)/(L+1) − ½), i = 0…L−1 (tfc ``num_noise_levels``)."""
    levels = _check_levels(levels)
    step = _check_step(step)
    i = np.arange(levels, dtype=np.float64)
    return step * ((i + 1.0) / (levels + 1.0) - 0.5)


def uq_dither_levels(shape, seed: int, levels, index0: int = 0) -> np.ndarray:
    """Shared discretised dither level i = ⌊L·U⌋ ∈ {0…L−1} (int64), exact integer arithmetic
    ((w >> 11)·L) >> 53 on the stream-3 word w whose top 53 bits give U."""
    levels = _check_levels(levels)
    w = R.words(seed, R.STREAM_DITHER, _indices(shape, index0))
    return (((w >> np.uint64(11)) * np.uint64(levels)) >> np.uint64(53)).astype(np.int64)


def _shared_dither(shape, seed, step, levels, index0) -> np.ndarray:
    if levels is None:
        return uq_dither(shape, seed, step, index0)
    return uq_level_offsets(levels, step)[uq_dither_levels(shape, seed, levels, index0)]


def universal_quantize(y, seed: int, step=1.0, levels=None, index0: int = 0) -> UQResult:
    """Seeded UQ: dither from ``seed`` (continuous, or discretised with ``levels`` L), then
    :func:`universal_quantize_given`."""
    y = _real(y, "y")
    return universal_quantize_given(y, _shared_dither(y.shape, seed, _check_step(step), levels, index0), step)


def universal_dequantize(k, seed: int, step=1.0, levels=None, index0: int = 0) -> np.ndarray:
    """Seeded decoder: the same dither from ``seed``, then ŷ = Δ·k + u."""
    k = np.asarray(k)
    return universal_dequantize_given(k, _shared_dither(k.shape, seed, _check_step(step), levels, index0), step)
