"""The synthetic toy of the digest (§1.8): Gaussian topics in the plane, Dirichlet groups.

Citation: Korshunova et al., NeurIPS 2019 (logistic LDA); the toy setting and its table are from
the digest ``shared/research/logistic_lda_and_anchors.md`` §1.8 (checked there with NumPy/SciPy).

| symbol | name | meaning |
|---|---|---|
| K | ``K`` | number of topics (4) |
| μ_k ~ N(0, sep² I) | ``mu`` | (K, dim) topic means |
| D, N_d | ``D``, ``N`` | groups (300) × items per group (20) |
| θ_d ~ Dir(α·1) | ``theta`` | (D, K) group topic proportions, α = 0.2 |
| k_dn ~ Cat(θ_d) | ``k`` | (D·N,) item topics |
| x_dn = μ_{k_dn} + ε | ``x`` | (D·N, dim) items, ε ~ N(0, I) |
| c_d = argmax θ_d | ``c`` | (D,) group labels |
| g_k(x) = −½‖x − μ_k‖² | :func:`lda_toy_ideal_logits` | ideal logits (log N(x; μ_k, I) up to a term in x only) |

Randomness (``refimpl.random``, all from one ``seed``): stream 10 → μ (normals, index k, width
dim); stream 11 → θ (open uniforms, index d, width K, θ_dk ∝ F⁻¹_Gamma(α)(u)); stream 12 → k_dn
(uniforms, index n, inverse CDF of θ_d); stream 13 → ε (normals, index n, width dim). The same
seed at different ``sep`` gives the same θ, k and ε and means scaled by ``sep``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import gammaincinv

from .. import random as R
from .inference import lda_group_offsets, lda_infer

__all__ = ["LdaToyData", "lda_toy_data", "lda_toy_data_given_means", "lda_toy_ideal_logits", "lda_toy_accuracies",
           "LdaToyAccuracy"]

STREAM_MEANS, STREAM_THETA, STREAM_TOPICS, STREAM_NOISE = 10, 11, 12, 13


class LdaToyData(NamedTuple):
    """One draw of the §1.8 toy (digest ``logistic_lda_and_anchors.md`` §1.8), items stored flat.

    Fields:
        x: (D·N, dim) items x_dn = μ_{k_dn} + ε_dn, group d at rows ``offsets[d]:offsets[d+1]``.
        k: (D·N,) int64 true item topics k_dn ∈ [0, K).
        offsets: (D+1,) int64 group boundaries (every group has N items).
        c: (D,) int64 group labels c_d = argmax_k θ_dk.
        mu: (K, dim) topic means μ_k.
        theta: (D, K) group topic proportions θ_d ~ Dir(α·1).
    """

    x: np.ndarray
    k: np.ndarray
    offsets: np.ndarray
    c: np.ndarray
    mu: np.ndarray
    theta: np.ndarray


class LdaToyAccuracy(NamedTuple):
    """The three columns of the digest's §1.8 table (fractions in [0, 1]).

    Fields:
        item_from_g: item accuracy of argmax_k g_k(x_dn) against k_dn (the item alone).
        item_with_groups: item accuracy of argmax p̂_dn after inference (the item in its group).
        group_label: group accuracy of argmax p̂_d against c_d = argmax θ_d.
    """

    item_from_g: float
    item_with_groups: float
    group_label: float


def lda_toy_data(seed: int, sep: float, K: int = 4, D: int = 300, N: int = 20, alpha: float = 0.2,
                 dim: int = 2, seed_offset: int = 0) -> LdaToyData:
    """Draw the §1.8 toy: μ_k = sep·z_k with z_k ~ N(0, I) (stream 10), then groups and items by
    :func:`lda_toy_data_given_means`. ``seed_offset`` shifts all group and item indices (fresh
    data with the same means: use D·N-sized offsets for a held-out set)."""
    if not sep > 0:
        raise ValueError(f"sep must be > 0, got {sep}")
    if not (isinstance(K, (int, np.integer)) and isinstance(dim, (int, np.integer)) and K >= 1 and dim >= 1):
        raise ValueError(f"K and dim must be integers >= 1, got K={K!r}, dim={dim!r}")
    mu = sep * R.normal(seed, STREAM_MEANS, np.arange(K, dtype=np.uint64), d=dim)
    return lda_toy_data_given_means(seed, mu, D, N, alpha, seed_offset)


def lda_toy_data_given_means(seed: int, mu, D: int = 300, N: int = 20, alpha: float = 0.2,
                             seed_offset: int = 0) -> LdaToyData:
    """The §1.8 toy's groups and items for fixed topic means ``mu`` (K, dim): θ_d ~ Dir(α·1),
    k_dn ~ Cat(θ_d), x_dn = μ_{k_dn} + ε, c_d = argmax θ_d (streams 11–13, see the module
    docstring). Holding μ fixed separates the spread due to the means from the spread due to the
    groups (the digest's table is one draw of both)."""
    mu = np.asarray(mu, dtype=np.float64)
    if mu.ndim != 2 or mu.shape[0] < 1 or mu.shape[1] < 1 or not np.all(np.isfinite(mu)):
        raise ValueError(f"mu must be a finite (K, dim) array with K, dim >= 1, got shape {mu.shape}")
    if not alpha > 0:
        raise ValueError(f"alpha must be > 0, got {alpha}")
    if not all(isinstance(v, (int, np.integer)) for v in (D, N, seed_offset)) or D < 1 or N < 0 or seed_offset < 0:
        raise ValueError(f"D must be >= 1, N and seed_offset >= 0 (integers), got D={D!r}, N={N!r}, "
                         f"seed_offset={seed_offset!r}")
    K, dim = mu.shape
    theta, k, n_idx = draw_groups(seed, K, D, N, alpha, seed_offset)
    x = mu[k] + R.normal(seed, STREAM_NOISE, n_idx, d=dim)
    return LdaToyData(x, k, lda_group_offsets(np.full(D, N)), np.argmax(theta, axis=1), mu, theta)


def draw_groups(seed: int, K: int, D: int, N: int, alpha: float, seed_offset: int = 0):
    """The group structure of the §1.8 generative process, shared by the toy and the digits demo:
    θ_d ~ Dir(α·1) as normalised F⁻¹_Gamma(α)(u), u open uniforms of stream 11 at index d + o;
    k_dn ~ Cat(θ_d) by inverse CDF of uniforms of stream 12 at item index n + o·N. Returns
    (θ (D, K), k (D·N,) int64, the item indices (D·N,) uint64 for the caller's item streams).
    Arguments are validated by the callers."""
    d_idx = np.arange(D, dtype=np.uint64) + np.uint64(seed_offset)
    gam = gammaincinv(alpha, R.uniform(seed, STREAM_THETA, d_idx, d=K, open=True))
    theta = gam / gam.sum(axis=1, keepdims=True)
    n_idx = np.arange(D * N, dtype=np.uint64) + np.uint64(seed_offset * N)
    u = R.uniform(seed, STREAM_TOPICS, n_idx).reshape(D, N)
    cdf = np.cumsum(theta, axis=1)
    k = np.minimum((u[:, :, None] >= cdf[:, None, :]).sum(axis=2), K - 1).reshape(-1)
    return theta, k.astype(np.int64), n_idx


def lda_toy_ideal_logits(x, mu) -> np.ndarray:
    """g_k(x) = −½‖x − μ_k‖² (digest §1.8)."""
    x = np.asarray(x, dtype=np.float64)
    mu = np.asarray(mu, dtype=np.float64)
    return -0.5 * ((x[:, None, :] - mu[None, :, :]) ** 2).sum(axis=2)


def lda_toy_accuracies(data: LdaToyData, g=None, alpha: float = 0.2, lam: float = 1.0,
                       sweeps: int = 30) -> LdaToyAccuracy:
    """The three columns of the §1.8 table: item accuracy of argmax g, of argmax p̂_dn after
    ``sweeps`` sweeps (labels unobserved), and group accuracy of argmax p̂_d against argmax θ_d.
    ``g`` defaults to the ideal logits."""
    g = lda_toy_ideal_logits(data.x, data.mu) if g is None else np.asarray(g, dtype=np.float64)
    K = g.shape[1]
    post = lda_infer(g, data.offsets, np.full(K, alpha), lam, None, sweeps)
    return LdaToyAccuracy(float(np.mean(np.argmax(g, axis=1) == data.k)),
                          float(np.mean(np.argmax(post.p_hat_dn, axis=1) == data.k)),
                          float(np.mean(np.argmax(post.p_hat_d, axis=1) == data.c)))
