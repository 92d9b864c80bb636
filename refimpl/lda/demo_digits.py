"""Real-data demonstration: logistic LDA on groups of scikit-learn's bundled handwritten digits.

Citation: Korshunova, Xiong, Fedoryszak & Theis, NeurIPS 2019 — the paper's effect (group context
raises item accuracy; unsupervised topics align with classes) on a small real image set that ships
inside scikit-learn (``sklearn.datasets.load_digits``: 1797 8×8 images, 10 classes; no download).
Optional extra: needs ``scikit-learn`` (proposed extra ``lda-demo``). Run
``python -m refimpl.lda.demo_digits [--full]``; the numbers are in ``docs/logistic_lda.md``.

| symbol | name | meaning |
|---|---|---|
| x_dn ∈ [0, 1]^64 | ``x`` | a digit image (pixel/16), drawn from the train or the test half |
| K = 10 | ``K`` | topics = digit classes |
| θ_d ~ Dir(0.2·1) | — | a group's class proportions (as in the digest's toy, §1.8) |
| k_dn ~ Cat(θ_d) | ``k`` | the class of item n; the image is a random image of that class |
| c_d = argmax θ_d | ``c`` | group label (the only label training ever sees) |

Randomness (``refimpl.random``, one ``seed``): stream 22 splits the images in halves (sort of
uniforms); streams 11/12 draw θ and the classes as in :mod:`.toy`; stream 23 picks the image
(index = item, uniform → floor(u·count)).
"""

from __future__ import annotations

import sys
from typing import NamedTuple

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.special import gammaincinv

from .. import random as R
from .inference import lda_group_offsets, lda_infer
from .training import lda_mlp, lda_mlp_group_predictions, lda_train_erm, lda_train_mlp_baseline, lda_train_vi

K = 10
ALPHA = 0.2


class DigitGroups(NamedTuple):
    x: np.ndarray
    k: np.ndarray
    offsets: np.ndarray
    c: np.ndarray


def load_digits_split(seed: int):
    """(train images, train classes, test images, test classes): a seeded half/half split."""
    try:
        from sklearn.datasets import load_digits
    except ImportError as e:  # the optional extra is missing
        raise ImportError("the digits demo needs scikit-learn (pip install scikit-learn)") from e
    data = load_digits()
    x = data.data.astype(np.float64) / 16.0
    y = data.target.astype(np.int64)
    order = np.argsort(R.uniform(seed, 22, np.arange(len(y), dtype=np.uint64)), kind="stable")
    half = len(y) // 2
    return x[order[:half]], y[order[:half]], x[order[half:]], y[order[half:]]


def make_groups(images, classes, seed: int, D: int, N: int = 20, offset: int = 0) -> DigitGroups:
    """D groups of N images each: θ_d ~ Dir(0.2), k_dn ~ Cat(θ_d), image uniform among class k_dn."""
    d_idx = np.arange(D, dtype=np.uint64) + np.uint64(offset)
    gam = gammaincinv(ALPHA, R.uniform(seed, 11, d_idx, d=K, open=True))
    theta = gam / gam.sum(axis=1, keepdims=True)
    n_idx = np.arange(D * N, dtype=np.uint64) + np.uint64(offset * N)
    u = R.uniform(seed, 12, n_idx).reshape(D, N)
    k = np.minimum((u[:, :, None] >= np.cumsum(theta, axis=1)[:, None, :]).sum(axis=2), K - 1).reshape(-1)
    pools = [np.flatnonzero(classes == j) for j in range(K)]
    v = R.uniform(seed, 23, n_idx)
    pick = np.array([pools[j][int(v[i] * len(pools[j]))] for i, j in enumerate(k)])
    return DigitGroups(images[pick], classes[pick], lda_group_offsets(np.full(D, N)), np.argmax(theta, axis=1))


def _scores(g, te: DigitGroups, alpha: float, sweeps: int = 30) -> dict:
    post = lda_infer(g, te.offsets, np.full(K, alpha), 1.0, None, sweeps)
    return {"item_from_g": float(np.mean(g.argmax(axis=1) == te.k)),
            "item_with_groups": float(np.mean(post.p_hat_dn.argmax(axis=1) == te.k)),
            "group": float(np.mean(post.p_hat_d.argmax(axis=1) == te.c))}


def _matched(g, te: DigitGroups, alpha: float) -> dict:
    """Unsupervised topics matched to classes (Hungarian on the item–class co-occurrence)."""
    P = lda_infer(g, te.offsets, np.full(K, alpha), 1.0, None, 30).p_hat_dn
    co = P.T @ np.eye(K)[te.k]                        # co[t, j] = Σ_n p̂_nt [k_n = j]
    rows, cols = linear_sum_assignment(-co)
    perm = np.empty(K, dtype=np.int64)
    perm[rows] = cols
    usage = P.mean(axis=0)
    return {"matched_item_accuracy": float(np.mean(perm[P.argmax(axis=1)] == te.k)),
            "topics_used": int(np.sum(usage > 0.02)), "min_usage": float(usage.min())}


def run(size: str = "quick", seed: int = 1) -> dict:
    """All numbers of the demo (linear g on the 64 pixels, 20 images per group):

    - a generative g (isotropic Gaussian classes fitted with item labels; scored with α = 0.2);
    - (A) ERM with model α = 1 (the official CE configs' α; with α = 0.2 the unrolled loss is too
      steep for Adam at these step sizes), 5 unrolled sweeps; scored with α = 1 and the same 5
      sweeps (item accuracy with 1, 2, 5, 30 sweeps also reported);
    - the MLP baseline (items labelled with their group's label) and (B) VI-style training
      (labels clamped, λ = 200, α = 1), each scored by argmax g and with group inference (α = 1);
    - (C) unsupervised (α = 0.2 = the generating α, λ = 1, γ = 10) and the same with γ = 0."""
    full = size == "full"
    D_train = 400 if full else 200
    xtr, ytr, xte, yte = load_digits_split(seed)
    tr = make_groups(xtr, ytr, seed, D_train)
    te = make_groups(xte, yte, seed, 300, offset=100_000)
    out = {"D_train": D_train, "D_test": 300, "N": 20}
    # the analogue of the toy's ideal g: g_k(x) = log N(x; μ_k, σ²I) up to a term in x, μ_k and σ²
    # fitted by maximum likelihood on the train half WITH item labels (an oracle-style g)
    mu = np.array([xtr[ytr == j].mean(axis=0) for j in range(K)])
    var = float(np.mean((xtr - mu[ytr]) ** 2))
    out["generative_g"] = _scores(-0.5 * ((te.x[:, None, :] - mu[None]) ** 2).sum(axis=2) / var, te, ALPHA)
    erm = lda_train_erm(tr.x, tr.offsets, tr.c, K, [], seed=seed, alpha=1.0, sweeps=5, steps=300, lr=0.05)
    g_erm = lda_mlp(erm.params, te.x)
    out["erm"] = _scores(g_erm, te, 1.0, sweeps=5)          # scored as trained: 5 sweeps
    out["erm_sweeps_sensitivity"] = {T: _scores(g_erm, te, 1.0, sweeps=T)["item_with_groups"] for T in (1, 2, 5, 30)}
    mlp = lda_train_mlp_baseline(tr.x, tr.offsets, tr.c, K, [], seed=seed, steps=150, lr=0.05)
    gm = lda_mlp(mlp.params, te.x)
    out["mlp"] = {**_scores(gm, te, 1.0),
                  "group_product_of_items": float(np.mean(lda_mlp_group_predictions(gm, te.offsets) == te.c))}
    vi = lda_train_vi(tr.x, tr.offsets, tr.c, K, [], seed=seed, alpha=1.0, lam=200.0, sweeps=2, steps=150, lr=0.05)
    out["vi_supervised"] = _scores(lda_mlp(vi.params, te.x), te, 1.0)
    for gamma in (10.0, 0.0):
        un = lda_train_vi(tr.x, tr.offsets, None, K, [], seed=seed + 1000, alpha=ALPHA, lam=1.0, gamma=gamma,
                          sweeps=10, steps=300 if full else 150, lr=0.05)
        out[f"unsupervised_gamma_{gamma:g}"] = _matched(lda_mlp(un.params, te.x), te, ALPHA)
    return out


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    res = run("full" if "--full" in argv else "quick")
    for key, val in res.items():
        print(f"{key}: {val}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
