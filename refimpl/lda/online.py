"""The streaming (online) estimator of the topic counts Σ_n p̂_dn (``logistic_lda_online``).

Citation: Korshunova et al., NeurIPS 2019 (logistic LDA); the estimator as read from the official
code (master branch, ``logistic_lda_online``) in the digest ``shared/research/
logistic_lda_and_anchors.md`` §1.4. Items arrive in minibatches; a per-group table s_d replaces
Σ_n p̂_dn, so a group's items need not be seen together.

| symbol | name | meaning |
|---|---|---|
| s_d | ``counts`` | (D, K) running estimate of Σ_n p̂_dn (the code's ``topic_counts``, init 1) |
| N̄ | ``items_per_group`` | assumed items per group (the code's ``items_per_author``) |
| α̂_d = α + s_d + λ p̂_d | — | (U3) with the table in place of the sum |
| p̂_d | — | ``iterations`` rounds of (U3)→(U2) from uniform (onehot(c_d) if observed) |
| p̂_dn = softmax(g(x_dn) + ψ(α̂_d)) | — | (U1) for the batch's items |
| s_d ← s_d + Σ_{n ∈ batch ∩ d} (p̂_dn − s_d/N̄) | :func:`lda_online_step` | the update |

If a batch holds all N̄ = N_d items of a group, the update writes s_d = Σ_n p̂_dn: one batch
sweep. With smaller batches it is an exponential moving average whose stationary point, on
average over shuffled orders, is the batch fixed point (property P14).

Randomness: :func:`lda_online_pass` shuffles the items of each epoch by sorting uniforms from
``refimpl.random`` stream 21 (index = epoch·N + item).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import digamma

from .. import random as R
from .inference import _alpha, _finite_2d, _labels, _lam, _offsets, _softmax

__all__ = ["LdaOnlineState", "lda_online_step", "lda_online_pass"]

STREAM_ORDER = 21


class LdaOnlineState(NamedTuple):
    counts: np.ndarray
    p_hat_dn: np.ndarray


def _group_labels(alpha, counts_d, lam, c_d, iterations):
    """p̂_d after ``iterations`` rounds of (U3)→(U2) from uniform; onehot(c_d) where observed."""
    D, K = counts_d.shape
    pc = np.full((D, K), 1.0 / K)
    seen = c_d >= 0
    pc[seen] = np.eye(K)[c_d[seen]]
    for _ in range(iterations):
        ahat = alpha + counts_d + lam * pc
        new = _softmax(lam * digamma(ahat))
        pc = np.where(seen[:, None], pc, new)
    return pc


def lda_online_step(counts, g_batch, d_batch, alpha, lam, c, items_per_group: float,
                    iterations: int = 1) -> LdaOnlineState:
    """One minibatch of the streaming estimator: p̂_dn for the batch items (of groups ``d_batch``)
    from the current table, then s_d ← s_d + Σ_{batch ∩ d} (p̂_dn − s_d/N̄). Returns the new table
    (the input is not modified) and the batch's p̂_dn."""
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 2:
        raise ValueError(f"counts must be a 2-D array (D, K), got shape {counts.shape}")
    D, K = counts.shape
    g = _finite_2d(g_batch, "g_batch")
    if g.shape[1] != K:
        raise ValueError(f"g_batch must have K = {K} columns, got {g.shape[1]}")
    d = np.asarray(d_batch)
    if d.shape != (g.shape[0],) or (d.size and (d.min() < 0 or d.max() >= D)):
        raise ValueError(f"d_batch must hold one group index in [0, {D}) per batch item")
    a = _alpha(alpha, K)
    lam_f = _lam(lam)
    cc = _labels(c, D, K)
    if not items_per_group > 0:
        raise ValueError(f"items_per_group must be > 0, got {items_per_group}")
    pc = _group_labels(a, counts[d], lam_f, cc[d], iterations)
    p = _softmax(g + digamma(a + counts[d] + lam_f * pc))          # (U1) with the table
    new = counts.copy()
    np.add.at(new, d, p - counts[d] / items_per_group)               # scatter-add, old counts
    return LdaOnlineState(new, p)


def lda_online_pass(g, offsets, alpha, lam, c, items_per_group: float, batch_size: int, epochs: int,
                    seed: int, iterations: int = 1, counts0=None, shuffle: bool = True
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Run the estimator for ``epochs`` epochs over all items (frozen g), in a fresh random order
    each epoch (``shuffle``) or in storage order (then batches of N_d hold whole groups when all
    groups have N_d items).

    Returns (final table, mean of the table over the last half of the epochs, sampled after each
    epoch): the averaged table is the estimate compared with the batch fixed point in P14."""
    g = _finite_2d(g, "g")
    o = _offsets(offsets, g.shape[0])
    N, K = g.shape
    D = o.size - 1
    if batch_size < 1 or epochs < 1:
        raise ValueError("batch_size and epochs must be >= 1")
    gidx = np.repeat(np.arange(D), np.diff(o))
    counts = np.ones((D, K)) if counts0 is None else np.array(counts0, dtype=np.float64)
    snapshots = []
    for e in range(epochs):
        order = np.arange(N)
        if shuffle:
            u = R.uniform(seed, STREAM_ORDER, np.arange(N, dtype=np.uint64) + np.uint64(e * N))
            order = np.argsort(u, kind="stable")
        for start in range(0, N, batch_size):
            b = order[start:start + batch_size]
            counts = lda_online_step(counts, g[b], gidx[b], alpha, lam, c, items_per_group, iterations).counts
        snapshots.append(counts)
    return counts, np.mean(snapshots[epochs // 2:], axis=0)
