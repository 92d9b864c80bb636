"""Bits-back coding with rANS on a small latent-variable model (a discretized mixture).

Citation: Townsend, Bird & Barber, *Practical lossless compression with latent variables using
bits back coding* (ICLR 2019, "BB-ANS"), after Wallace (1990) and Hinton & van Camp (1993);
taught in Yang, Mandt & Theis, *An Introduction to Neural Data Compression* (2023), §2.4.
Specification: ``specs/coding.md`` § Bits-back coding.

| paper | code | meaning |
|---|---|---|
| z ∈ {0..K−1} | ``z`` | latent variable |
| x ∈ {0..A−1} | ``x`` | observed symbol |
| p(z) | ``model.prior_cdf`` (K+1,) | prior, integer table of total 2^precision |
| p(x∣z) | ``model.likelihood_cdf`` (K, A+1) | likelihood, one row per z |
| q(z∣x) | ``model.posterior_cdf`` (A, K+1) | approximate posterior, one row per x |
| −ELBO(x) | :func:`bits_back_neg_elbo_bits` | E_q[log2 q(z∣x) − log2 p(x, z)], bits |

Encoding one x on the stack (Townsend et al. 2019, Alg. 1): **pop** z with q(z∣x) (this reads
bits already on the stack: the "bits back"), **push** x with p(x∣z), **push** z with p(z).
Decoding runs the reverse: pop z with p(z), pop x with p(x∣z), push z with q(z∣x). The first
pops need bits: the stack starts from an initial message drawn from ``refimpl.random``
(stream 16, see :func:`bits_back_initial_message`); the decoder ends with that message again
and checks it. Net bits = len(final stream) − len(initial stream) in bits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .. import random as R
from ..errors import DecodeError
from .cdf import as_bytes, check_cdf, check_n, check_precision, check_symbols
from .models import PRECISION_RANGE, normalise_rows, quantize_pmf
from .rans import RANS_L, _words_py, rans_flush, rans_pop, rans_push

__all__ = [
    "BitsBackModel",
    "BitsBackEncoded",
    "bits_back_model",
    "bits_back_initial_message",
    "bits_back_encode_given",
    "bits_back_encode",
    "bits_back_decode_given",
    "bits_back_decode",
    "bits_back_neg_elbo_bits",
    "bits_back_var_bits",
    "BITS_BACK_STREAM",
]

#: refimpl.random stream of the initial message's words.
BITS_BACK_STREAM = 16

#: Largest initial message accepted (``n_words``, ``n_init_words``): 2**24 words of 32 bits = 64 MiB.
_MAX_INIT_WORDS = 1 << 24


@dataclass(frozen=True)
class BitsBackModel:
    """Integer tables of a latent-variable model (all of total 2**precision)."""

    prior_cdf: np.ndarray  # (K+1,)
    likelihood_cdf: np.ndarray  # (K, A+1)
    posterior_cdf: np.ndarray  # (A, K+1)
    precision: int


class BitsBackEncoded(NamedTuple):
    data: bytes  # the final rANS stream (specs/coding.md byte format)
    net_bits: int  # 8·len(data) − bits of the initial message
    initial_bits: int  # 8·len(initial message)


def bits_back_model(prior, likelihood, precision: int, posterior=None) -> BitsBackModel:
    """Quantize p(z) (K,), p(x∣z) (K, A) and q(z∣x) (A, K) with :func:`quantize_pmf`.

    ``posterior`` defaults to the exact Bayes posterior q(z∣x) ∝ p(z)·p(x∣z) of the float model."""
    pz = np.asarray(prior, dtype=np.float64)
    px_z = np.asarray(likelihood, dtype=np.float64)
    if pz.ndim != 1 or px_z.ndim != 2 or px_z.shape[0] != pz.size:
        raise ValueError(f"prior must be (K,) and likelihood (K, A), got {pz.shape} and {px_z.shape}")
    prior_cdf = quantize_pmf(pz, precision)
    lik_cdf = quantize_pmf(px_z, precision)
    if posterior is None:  # rows normalised as quantize_pmf does (huge finite weights are valid)
        joint = normalise_rows(pz)[0][:, None] * normalise_rows(px_z)  # (K, A)
        posterior = joint.T
    qz_x = np.asarray(posterior, dtype=np.float64)
    if qz_x.shape != (px_z.shape[1], pz.size):
        raise ValueError(f"posterior must have shape (A, K) = {(px_z.shape[1], pz.size)}, got {qz_x.shape}")
    return BitsBackModel(prior_cdf, lik_cdf, quantize_pmf(qz_x, precision), int(precision))


def _check_model(model: BitsBackModel) -> tuple[int, int, int]:
    """(K, A, precision) of a valid model; ValueError naming the bad field otherwise."""
    if not isinstance(model, BitsBackModel):
        raise ValueError(f"model must be a BitsBackModel, got {type(model).__name__}")
    try:
        p = check_precision(model.precision, *PRECISION_RANGE)
    except ValueError as e:
        raise ValueError(f"model.{e}") from None
    K = check_cdf(model.prior_cdf, p).shape[0] - 1
    lik = check_cdf(model.likelihood_cdf, p, K)
    post = check_cdf(model.posterior_cdf, p, lik.shape[1] - 1)
    if lik.ndim != 2 or post.ndim != 2 or post.shape[1] != K + 1:
        raise ValueError("model tables must be prior (K+1,), likelihood (K, A+1), posterior (A, K+1)")
    return K, lik.shape[1] - 1, p


def bits_back_initial_message(seed: int, n_words: int) -> tuple[int, list[int]]:
    """Initial message: state x0 = 2^62 + (w_0 mod 2^62) and stack words w_i mod 2^32,
    i = 1..n_words, with w_i = refimpl.random.words(seed, 16, i)."""
    n_words = check_n(n_words, "n_words", _MAX_INIT_WORDS)
    w = [int(v) for v in R.words(seed, BITS_BACK_STREAM, np.arange(n_words + 1, dtype=np.uint64))]
    return (1 << 62) + (w[0] % (1 << 62)), [v & 0xFFFFFFFF for v in w[1:]]


def _check_initial(initial) -> tuple[int, list[int]]:
    """``initial`` = (state, words) as the decoder's end check and the encoder's start need it:
    state an int in [2**31, 2**63) (a rANS state between symbols; a smaller one makes a stream the
    decoder rejects), words a sequence of ints in [0, 2**32). ValueError naming ``initial``."""
    try:
        state, words = initial
    except (TypeError, ValueError):
        raise ValueError(f"initial must be a pair (state, words), got {type(initial).__name__}") from None
    if isinstance(state, (bool, np.bool_)) or not isinstance(state, (int, np.integer)) \
            or not RANS_L <= int(state) < 1 << 63:
        raise ValueError(f"initial state must be an integer in [2**31, 2**63), got {state!r}")
    try:
        ws = list(words)
    except TypeError:
        raise ValueError(f"initial words must be a sequence of integers, got {type(words).__name__}") from None
    for w in ws:
        if isinstance(w, (bool, np.bool_)) or not isinstance(w, (int, np.integer)) or not 0 <= int(w) < 1 << 32:
            raise ValueError(f"initial words must be integers in [0, 2**32), got {w!r}")
    return int(state), [int(w) for w in ws]


def _rows(model):
    return tuple(np.asarray(t).tolist() for t in (model.prior_cdf, model.likelihood_cdf, model.posterior_cdf))


def bits_back_encode_given(x, model: BitsBackModel, initial: tuple[int, list[int]]) -> BitsBackEncoded:
    """Encode x_1..x_N onto the given initial message (state, words); Townsend et al. Alg. 1."""
    K, A, p = _check_model(model)
    xs = check_symbols(x, A).tolist()
    prior, lik, post = _rows(model)
    state, words = _check_initial(initial)
    init_bits = 8 * len(rans_flush(state, list(words)))
    for xi in xs:
        try:
            z, state = rans_pop(state, words, post[xi], p)  # bits back: sample z ~ q(z|x)
        except DecodeError as e:
            raise ValueError("the initial message ran out of bits: give more initial words") from e
        state = rans_push(state, words, lik[z][xi], lik[z][xi + 1] - lik[z][xi], p)
        state = rans_push(state, words, prior[z], prior[z + 1] - prior[z], p)
    data = rans_flush(state, words)
    return BitsBackEncoded(data, 8 * len(data) - init_bits, init_bits)


def bits_back_decode_given(data, model: BitsBackModel, n: int, initial: tuple[int, list[int]]) -> np.ndarray:
    """Recover x_1..x_N (int64) and check that the stack ends as the initial message."""
    K, A, p = _check_model(model)
    n = check_n(n)
    init_state, init_words = _check_initial(initial)
    prior, lik, post = _rows(model)
    state, words = _words_py(as_bytes(data))
    out = np.zeros(n, dtype=np.int64)
    for i in reversed(range(n)):
        z, state = rans_pop(state, words, prior, p)
        xi, state = rans_pop(state, words, lik[z], p)
        state = rans_push(state, words, post[xi][z], post[xi][z + 1] - post[xi][z], p)
        out[i] = xi
    if state != init_state or words != init_words:
        raise DecodeError("bits-back stream did not end at the initial message: corrupt or wrong model/seed")
    return out


def bits_back_encode(x, model: BitsBackModel, seed: int, n_init_words: int = 4) -> BitsBackEncoded:
    """Seeded wrapper: the initial message is :func:`bits_back_initial_message` (seed, n_init_words)."""
    n_init_words = check_n(n_init_words, "n_init_words", _MAX_INIT_WORDS)
    return bits_back_encode_given(x, model, bits_back_initial_message(seed, n_init_words))


def bits_back_decode(data, model: BitsBackModel, n: int, seed: int, n_init_words: int = 4) -> np.ndarray:
    """Seeded wrapper of :func:`bits_back_decode_given`."""
    n = check_n(n)
    n_init_words = check_n(n_init_words, "n_init_words", _MAX_INIT_WORDS)
    return bits_back_decode_given(data, model, n, bits_back_initial_message(seed, n_init_words))


def _log_ratio(model: BitsBackModel):
    """(q(z|x) as (A, K), log2 q(z|x) − log2 p(z) − log2 p(x|z) as (A, K)) from the integer tables."""
    M = float(1 << model.precision)
    pz = np.diff(model.prior_cdf) / M  # (K,)
    px_z = np.diff(model.likelihood_cdf, axis=1) / M  # (K, A)
    qz_x = np.diff(model.posterior_cdf, axis=1) / M  # (A, K)
    return qz_x, np.log2(qz_x) - np.log2(pz)[None, :] - np.log2(px_z.T)


def bits_back_neg_elbo_bits(x, model: BitsBackModel) -> np.ndarray:
    """−ELBO(x_i) = Σ_z q(z∣x_i)·[log2 q(z∣x_i) − log2 p(z) − log2 p(x_i∣z)] in bits, per x_i,
    under the integer tables (the model the coder really uses)."""
    K, A, _ = _check_model(model)
    xs = check_symbols(x, A)
    q, r = _log_ratio(model)
    return np.sum(q * r, axis=1)[xs]


def bits_back_var_bits(x, model: BitsBackModel) -> np.ndarray:
    """Var_{q(z|x_i)}[log2 q(z|x_i) − log2 p(x_i, z)] in bits², per x_i: the spread of one
    symbol's net code length around −ELBO(x_i) when z is drawn from q (0 for the exact posterior
    of the integer model)."""
    K, A, _ = _check_model(model)
    xs = check_symbols(x, A)
    q, r = _log_ratio(model)
    mean = np.sum(q * r, axis=1, keepdims=True)
    return np.sum(q * (r - mean) ** 2, axis=1)[xs]
