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
sweep, and repeated passes converge to the batch fixed point (to round-off; P14). With smaller
batches it is an exponential moving average with a fixed step 1/N̄; averaged over shuffled orders
its stationary point is close to the batch fixed point but not equal to it: the batch-to-batch
noise passes through the nonlinear ψ, so a small bias remains (mean |s̄_d − Σ_n p̂_dn| ≈ 0.3–0.6%
of N_d in the P14 claim and ``tests/lda/test_online.py``; it does not vanish with more epochs).

Randomness: :func:`lda_online_pass` shuffles the items of each epoch by sorting uniforms from
``refimpl.random`` stream 21 (index = epoch·N + item).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import digamma

from .. import random as R
from .inference import _alpha, _finite_2d, _labels, _lam, _nonneg_int, _offsets, _pos_int, _real, _softmax

__all__ = ["LdaOnlineState", "lda_online_step", "lda_online_pass"]

STREAM_ORDER = 21


class LdaOnlineState(NamedTuple):
    """Result of one minibatch of the streaming estimator (digest §1.4, ``logistic_lda_online``).

    Fields:
        counts: (D, K) the updated table s_d ≈ Σ_n p̂_dn (a new array; the input is not modified).
        p_hat_dn: (B, K) the (U1) posteriors p̂_dn of the batch's B items, in batch order.
    """

    counts: np.ndarray
    p_hat_dn: np.ndarray


def _counts(counts, name: str, shape: tuple | None = None) -> np.ndarray:
    a = np.asarray(counts, dtype=np.float64)
    if (shape is None and a.ndim != 2) or (shape is not None and a.shape != shape):
        want = "a 2-D array (D, K)" if shape is None else f"shape (D, K) = {shape}"
        raise ValueError(f"{name} must be {want}, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return a


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
    from the current table, then s_d ← s_d + Σ_{batch ∩ d} (p̂_dn − s_d/N̄) (digest §1.4,
    streaming). Returns the new table (the input is not modified) and the batch's p̂_dn.
    ``items_per_group`` N̄ finite > 0; ``iterations`` (rounds of (U3)→(U2)) an integer ≥ 0."""
    counts = _counts(counts, "counts")
    D, K = counts.shape
    g = _finite_2d(g_batch, "g_batch")
    if g.shape[1] != K:
        raise ValueError(f"g_batch must have K = {K} columns, got {g.shape[1]}")
    d = np.asarray(d_batch)
    if (d.shape != (g.shape[0],) or not (d.size == 0 or np.issubdtype(d.dtype, np.integer))
            or (d.size and (d.min() < 0 or d.max() >= D))):
        raise ValueError(f"d_batch must hold one integer group index in [0, {D}) per batch item")
    a = _alpha(alpha, K)
    lam_f = _lam(lam)
    cc = _labels(c, D, K)
    items_per_group = _real(items_per_group, "items_per_group", positive=True)
    iterations = _nonneg_int(iterations, "iterations")
    pc = _group_labels(a, counts[d], lam_f, cc[d], iterations)
    p = _softmax(g + digamma(a + counts[d] + lam_f * pc))          # (U1) with the table
    new = counts.copy()
    np.add.at(new, d, p - counts[d] / items_per_group)               # scatter-add, old counts
    return LdaOnlineState(new, p)


def lda_online_pass(g, offsets, alpha, lam, c, items_per_group: float, batch_size: int, epochs: int,
                    seed: int, iterations: int = 1, counts0=None, shuffle: bool = True
                    ) -> tuple[np.ndarray, np.ndarray]:
    """The streaming estimator of the digest §1.4 (``logistic_lda_online``: minibatches of items,
    the table s_d in place of Σ_n p̂_dn), run for ``epochs`` epochs over all items with g frozen,
    in a fresh random order each epoch (``shuffle``; stream 21) or in storage order (then batches
    of N_d hold whole groups when all groups have N_d items). Each batch is one
    :func:`lda_online_step`.

    ``counts0`` (D, K) finite, default all ones (the code's init); ``batch_size`` and ``epochs``
    integers ≥ 1; ``iterations`` integer ≥ 0; ``items_per_group`` finite > 0.

    Returns (final table, mean of the table over the last half of the epochs, sampled after each
    epoch): the averaged table is the estimate compared with the batch fixed point in P14."""
    g = _finite_2d(g, "g")
    o = _offsets(offsets, g.shape[0])
    N, K = g.shape
    D = o.size - 1
    batch_size = _pos_int(batch_size, "batch_size")
    epochs = _pos_int(epochs, "epochs")
    iterations = _nonneg_int(iterations, "iterations")
    _real(items_per_group, "items_per_group", positive=True)
    _alpha(alpha, K), _lam(lam), _labels(c, D, K)              # reject before any batch runs
    if not isinstance(shuffle, (bool, np.bool_)):
        raise ValueError(f"shuffle must be a bool, got {shuffle!r}")
    gidx = np.repeat(np.arange(D), np.diff(o))
    counts = np.ones((D, K)) if counts0 is None else _counts(counts0, "counts0", (D, K))
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
