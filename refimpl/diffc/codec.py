"""A working DiffC codec on Gaussian data with real bits: z_T, z_{T−1}, …, z_t sent by Gaussian
channel simulation (refimpl.rcc), every chunk index entropy coded with rANS (refimpl.coding).

Citation: Theis, Salimans, Hoffman & Mentzer (2022), §3 (DiffC: reverse channel coding of the
reverse diffusion chain, decoding by ancestral sampling or the probability-flow ODE); chunked
PFR and the truncated-Zipf index code of Vonderfecht & Liu (ICLR 2025) as implemented in
:mod:`refimpl.rcc.gaussian_channel`. Byte format and choices: ``specs/diffc.md`` § Codec.

The diffusion model is the exact (analytic) one for X ~ N(0, diag λ): the first step codes
q(z_T | x) = N(α_T x, σ_T²) against the marginal N(0, α_T²λ + σ_T²); each later step codes
q(z_s | z_k, x) = N(b z_k + c x, β²) against the true reverse kernel
p(z_s | z_k) = N(b z_k + c E[X|z_k], β² + c² Var(X|z_k)). The expected KL of every step is known
to both sides (I(X; Z_s | Z_k), :func:`refimpl.diffc.chain.exact_chain_rate`) and is the shared
``d_kl_bits`` of the channel simulation, so no side information is sent.

| paper | code | meaning |
|---|---|---|
| x | ``x`` | the data vector, len(λ) dimensions |
| λ, σ_0 < … < σ_T | ``lam``, ``sigmas`` | the model and its noise schedule |
| t | ``t`` | level to reach: T − t + 1 channel simulations |
| seed | ``seed`` | shared randomness; step j uses the Philox key of stream 6, index j |
| z_s | ``DiffCEncoded.z`` | the noisy copy the decoder reproduces exactly |
| DiffC-A, DiffC-F, mean | ``mode`` | posterior sample, flow map c·z, posterior mean |
"""

from __future__ import annotations

import math
import zlib
from typing import NamedTuple

import numpy as np

from .. import random as R
from ..coding.rans import RANS_L, rans_flush, rans_pop, rans_push
from ..errors import DecodeError
from ..rcc import (gaussian_channel_chunk_seed, gaussian_channel_chunk_sizes, gaussian_channel_encode,
                   gaussian_channel_partition, rcc_gaussian_candidates, zipf_lambda, zipf_mu_hat, zipf_table)
from .chain import check_schedule, exact_chain_rate, step_coefficients
from .gaussian import _alpha2, check_lam, flow_gain, posterior_gain

__all__ = [
    "STREAM_STEP_KEY",
    "STREAM_TAG",
    "STREAM_DECODER_NOISE",
    "CodecPlan",
    "codec_plan",
    "DiffCEncoded",
    "diffc_encode_steps",
    "diffc_encode",
    "diffc_decode_levels",
    "diffc_decode",
    "diffc_reconstruct",
]

STREAM_STEP_KEY = 6        # Philox stream (under the user seed): key of channel simulation j
STREAM_TAG = 7             # Philox stream: the 32-bit stream tag
STREAM_DECODER_NOISE = 8   # Philox stream: the decoder's posterior-sample noise (DiffC-A)
PRECISION = 24             # rANS / Zipf table precision (bits)
TAG_BYTES = 4
MAX_DIM = 4096


class CodecPlan(NamedTuple):
    """What encoder and decoder agree on before any bit is sent: the levels coded (noisiest first),
    the shared expected KL of each channel simulation (bits) and its chunk sizes."""

    levels: tuple[int, ...]
    d_kl_bits: tuple[float, ...]
    chunk_sizes: tuple[tuple[int, ...], ...]
    step_keys: tuple[int, ...]
    tag: bytes


def _check_t(t, T: int) -> int:
    if isinstance(t, (bool, np.bool_)) or not isinstance(t, (int, np.integer)) or not 0 <= int(t) <= T:
        raise ValueError(f"t must be an integer level of the schedule in [0, {T}], got {t!r}")
    return int(t)


def _check_seed(seed) -> int:
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or not 0 <= int(seed) < 1 << 128:
        raise ValueError(f"seed must be an integer in [0, 2**128), got {seed!r}")
    return int(seed)


def _tag(seed: int, lam: np.ndarray, sigmas: np.ndarray, t: int, max_chunk_bits: int, padding_bits: int) -> bytes:
    """32-bit tag = word 0 of Philox(seed, stream 7, index = CRC-32 of the shared parameters)."""
    params = (np.ascontiguousarray(lam, "<f8").tobytes() + np.ascontiguousarray(sigmas, "<f8").tobytes()
              + np.array([t, max_chunk_bits, padding_bits], "<i8").tobytes())
    w = int(R.words(seed, STREAM_TAG, np.array([zlib.crc32(params)], dtype=np.uint64))[0])
    return (w & 0xFFFFFFFF).to_bytes(TAG_BYTES, "big")


def codec_plan(lam, sigmas, t: int, seed: int, max_chunk_bits: int = 14, padding_bits: int = 8) -> CodecPlan:
    """The shared plan (specs/diffc.md § Codec): levels T, T−1, …, t; expected KL of each channel
    simulation (I(X; Z_T), then I(X; Z_{k−1} | Z_k)); chunk sizes; Philox step keys; stream tag."""
    lam, s = check_lam(lam), check_schedule(sigmas)
    if lam.size > MAX_DIM:
        raise ValueError(f"lam has {lam.size} dimensions; the codec supports at most {MAX_DIM}")
    T = s.size - 1
    t = _check_t(t, T)
    seed = _check_seed(seed)
    kl = exact_chain_rate(lam, s, t).per_step_bits
    sizes, keys = [], []
    for j, d in enumerate(kl):
        cs = gaussian_channel_chunk_sizes(float(d), max_chunk_bits, padding_bits)
        if cs.size > lam.size:
            raise ValueError(f"step {j} carries {d:.1f} bits: {cs.size} chunks for {lam.size} dimensions; "
                             "use a finer schedule (more steps) or a larger max_chunk_bits")
        sizes.append(tuple(int(c) for c in cs))
        w = R.words(seed, STREAM_STEP_KEY, np.array([j], dtype=np.uint64), 2)[0]
        keys.append(int(w[0]) | int(w[1]) << 64)
    levels = tuple(range(T, t - 1, -1))
    return CodecPlan(levels, tuple(float(d) for d in kl), tuple(sizes), tuple(keys),
                     _tag(seed, lam, s, t, max_chunk_bits, padding_bits))


def _prior_and_target(lam: np.ndarray, s: np.ndarray, level: int, z_prev, x=None):
    """(μ_p, σ_p, μ_q, σ_q) of the channel simulation that produces z at ``level`` (the first
    step when ``z_prev`` is None). μ_q, σ_q are None without ``x`` (decoder side)."""
    if z_prev is None:
        a2, s2 = _alpha2(s[level]), s[level] ** 2
        mu_p, sd_p = np.zeros_like(lam), np.sqrt(a2 * lam + s2)
        return mu_p, sd_p, (None if x is None else math.sqrt(a2) * x), math.sqrt(s2)
    k = level + 1
    b, c, beta2 = step_coefficients(s[level], s[k])
    post_mean = posterior_gain(lam, s[k]) * z_prev
    post_var = lam * s[k] ** 2 / (_alpha2(s[k]) * lam + s[k] ** 2)
    mu_p, sd_p = b * z_prev + c * post_mean, np.sqrt(beta2 + c * c * post_var)
    return mu_p, sd_p, (None if x is None else b * z_prev + c * x), math.sqrt(beta2)


def _tables(d_kl: float, sizes: tuple[int, ...]) -> list[np.ndarray]:
    """Truncated Zipf CDF of each chunk: ranks 1..2^size_i, λ_i = 1 + 1/(D·size_i/Σ size + e⁻¹ln(e+1))."""
    tot = sum(sizes)
    return [zipf_table(zipf_lambda(zipf_mu_hat(d_kl * sz / tot, "diffc")), 1 << sz, False, PRECISION)
            for sz in sizes]


def _sample_from_indices(indices, sizes, key: int, mu_p: np.ndarray, sd_p: np.ndarray) -> np.ndarray:
    """z = μ_p + σ_p·x with x assembled chunk by chunk from the candidates ``indices``."""
    parts = gaussian_channel_partition(mu_p.size, np.array(sizes, dtype=np.int64), key)
    x = np.empty(mu_p.size)
    for i, dims in enumerate(parts):
        x[dims] = rcc_gaussian_candidates(gaussian_channel_chunk_seed(key, i),
                                          np.array([int(indices[i])], dtype=np.uint64), dims.size)[0]
    return mu_p + sd_p * x


class DiffCEncoded(NamedTuple):
    """The stream (``data``; ``nbits`` = 8·len(data)), the reached ``z`` (= z_t), every level's z
    (``z_levels``, noisiest first), the chunk ``indices`` per step, the ideal code length of the
    indices under the quantised tables (``index_bits``, and per step ``step_bits``) and the plan."""

    data: bytes
    nbits: int
    z: np.ndarray
    z_levels: tuple[np.ndarray, ...]
    indices: tuple[np.ndarray, ...]
    index_bits: float
    step_bits: np.ndarray
    plan: CodecPlan


def _check_x(x, d: int) -> np.ndarray:
    a = np.asarray(x, dtype=np.float64)
    if a.shape != (d,) or not np.all(np.isfinite(a)):
        raise ValueError(f"x must be a finite 1-D array of len(lam) = {d} values, got shape {a.shape}")
    return a


def diffc_encode_steps(x, lam, sigmas, t: int, seed: int, max_chunk_bits: int = 14,
                       padding_bits: int = 8) -> DiffCEncoded:
    """Encode x down to level t (DiffC §3): for each level T, …, t, simulate the channel with
    :func:`refimpl.rcc.gaussian_channel_encode` (truncated chunked PFR, shared KL = the plan's),
    then rANS-code all chunk indices (first step's first) behind the 4-byte tag.

    Defaults differ from the channel simulator's (16, 2): a chunk of KL D has an information
    density with standard deviation ≈ √(2D/ln 2) bits, so 2 bits of padding truncate PFR often,
    the sample falls short of q, and along the chain the error compounds (measured: MSE 2.5× the
    closed form with (16, 2) at T = 20, d = 16). With (14, 8) each chunk carries ≤ 6 bits and
    draws 2^8 times more candidates than 2^KL; the measured MSE then matches the closed forms."""
    lam = check_lam(lam)
    x = _check_x(x, lam.size)
    s = check_schedule(sigmas)
    plan = codec_plan(lam, s, t, seed, max_chunk_bits, padding_bits)
    z, zs, idx = None, [], []
    syms, rows = [], []
    for j, level in enumerate(plan.levels):
        mu_p, sd_p, mu_q, sd_q = _prior_and_target(lam, s, level, z, x)
        enc = gaussian_channel_encode(mu_q, np.full(lam.size, sd_q), mu_p, sd_p, plan.step_keys[j],
                                      d_kl_bits=plan.d_kl_bits[j], max_chunk_bits=max_chunk_bits,
                                      padding_bits=padding_bits)
        if tuple(int(c) for c in enc.chunk_sizes) != plan.chunk_sizes[j]:
            raise AssertionError("channel simulation used other chunk sizes than the plan")
        z = enc.sample
        zs.append(z)
        idx.append(np.asarray(enc.indices, dtype=np.int64))
        syms.extend(int(k) for k in enc.indices)
        rows.extend(_tables(plan.d_kl_bits[j], plan.chunk_sizes[j]))
    state, words = RANS_L, []
    bits = np.zeros(len(syms))
    for i in reversed(range(len(syms))):
        k, row = syms[i], rows[i]
        c, f = int(row[k]), int(row[k + 1] - row[k])
        bits[i] = PRECISION - math.log2(f)
        state = rans_push(state, words, c, f, PRECISION)
    data = plan.tag + rans_flush(state, words)
    per_step = np.add.reduceat(bits, np.cumsum([0] + [len(c) for c in plan.chunk_sizes[:-1]]))
    return DiffCEncoded(data, 8 * len(data), z, tuple(zs), tuple(idx), float(math.fsum(bits)), per_step, plan)


def diffc_encode(x, lam, sigmas, t: int, seed: int, max_chunk_bits: int = 14, padding_bits: int = 8) -> bytes:
    """DiffC encoder: the bytes that let a decoder with the same (λ, sigmas, t, seed) reproduce z_t."""
    return diffc_encode_steps(x, lam, sigmas, t, seed, max_chunk_bits, padding_bits).data


def diffc_decode_levels(data, lam, sigmas, t: int, seed: int, level: int | None = None, max_chunk_bits: int = 14,
                        padding_bits: int = 8) -> tuple[np.ndarray, ...]:
    """The z of every level T, …, ``level`` (default t) decoded from ``data``. Progressive: for
    ``level`` > t only the first steps are decoded and a byte prefix holding them suffices.
    DecodeError for another seed or parameters (tag), a truncated or corrupt stream."""
    lam, s = check_lam(lam), check_schedule(sigmas)
    plan = codec_plan(lam, s, t, seed, max_chunk_bits, padding_bits)
    level = plan.levels[-1] if level is None else _check_t(level, s.size - 1)
    if not plan.levels[-1] <= level <= plan.levels[0]:
        raise ValueError(f"level must be in [t, T] = [{plan.levels[-1]}, {plan.levels[0]}], got {level}")
    b = bytes(data) if isinstance(data, (bytes, bytearray, memoryview)) else None
    if b is None:
        raise ValueError(f"data must be bytes, got {type(data).__name__}")
    if len(b) < TAG_BYTES + 8:
        raise DecodeError(f"stream too short: {len(b)} bytes (tag and rANS state need {TAG_BYTES + 8})")
    if b[:TAG_BYTES] != plan.tag:
        raise DecodeError("stream tag mismatch: made with another seed, schedule, model or level t")
    body = b[TAG_BYTES:]
    full = level == plan.levels[-1]
    if (len(body) % 4) and full:
        raise DecodeError(f"a rANS stream is 8 + 4k bytes long, got {len(body)} bytes")
    w = [int.from_bytes(body[i:i + 4], "little") for i in range(0, len(body) - len(body) % 4, 4)]
    state = w[0] | (w[1] << 32)
    if not RANS_L <= state < 1 << 63:
        raise DecodeError("rANS state out of range: not a DiffC stream")
    words = w[2:][::-1]
    z, out = None, []
    for j, lv in enumerate(plan.levels):
        if lv < level:
            break
        mu_p, sd_p, _, _ = _prior_and_target(lam, s, lv, z)
        ks = []
        for row in _tables(plan.d_kl_bits[j], plan.chunk_sizes[j]):
            k, state = rans_pop(state, words, row, PRECISION)
            ks.append(k)
        z = _sample_from_indices(ks, plan.chunk_sizes[j], plan.step_keys[j], mu_p, sd_p)
        out.append(z)
    if full and (state != RANS_L or words):
        raise DecodeError("stream does not end where the last step ends: corrupt or foreign")
    return tuple(out)


def diffc_reconstruct(z, lam, sigma: float, mode: str, seed: int = 0) -> np.ndarray:
    """x̂ from z at noise level σ (§1.4): ``mean`` E[X|z] = g·z; ``flow`` the PF-ODE map c·z
    (DiffC-F); ``ancestral`` a posterior sample g·z + √Var(X|z)·w with w from Philox stream 8
    of ``seed`` (DiffC-A: the reverse chain run to 0 with the exact model has this law)."""
    lam = check_lam(lam)
    z = _check_x(z, lam.size)
    if mode == "mean":
        return posterior_gain(lam, sigma) * z
    if mode == "flow":
        return flow_gain(lam, sigma) * z
    if mode == "ancestral":
        s2 = float(sigma) ** 2
        post_var = lam * s2 / (_alpha2(float(sigma)) * lam + s2)
        w = R.normal(_check_seed(seed), STREAM_DECODER_NOISE, np.arange(lam.size, dtype=np.uint64))
        return posterior_gain(lam, sigma) * z + np.sqrt(post_var) * w
    raise ValueError(f"mode must be 'mean', 'ancestral' or 'flow', got {mode!r}")


def diffc_decode(data, lam, sigmas, t: int, seed: int, mode: str = "flow", level: int | None = None,
                 max_chunk_bits: int = 14, padding_bits: int = 8) -> np.ndarray:
    """DiffC decoder: z at ``level`` (default t; any level in [t, T] decodes from a prefix) and the
    reconstruction ``mode`` ∈ {"flow" (DiffC-F), "ancestral" (DiffC-A), "mean"}."""
    if mode not in ("mean", "ancestral", "flow"):
        raise ValueError(f"mode must be 'mean', 'ancestral' or 'flow', got {mode!r}")
    zs = diffc_decode_levels(data, lam, sigmas, t, seed, level, max_chunk_bits, padding_bits)
    s = check_schedule(sigmas)
    lv = s.size - len(zs)
    return diffc_reconstruct(zs[-1], lam, float(s[lv]), mode, seed)
