"""Test vectors for logistic-LDA inference (``specs/vectors/lda.v1.json``).

Citation: Korshunova et al., NeurIPS 2019 (updates (U1)–(U3) and the ELBO as in
``specs/logistic_lda.md``). Verified by: an independent plain-loop implementation with
``math.lgamma`` and ``scipy.special.digamma`` in ``tests/lda/test_vectors.py``, which re-derives
every valid case; ψ cases against ``scipy.special.digamma``.

| function | what it checks |
|---|---|
| ``lda_digamma`` | ψ on tiny, huge, root-region and ordinary arguments |
| ``lda_update_items`` / ``lda_update_labels`` / ``lda_update_alpha_hat`` | (U1) / (U2) / (U3) |
| ``lda_elbo_nats`` | L_d per group, nats |
| ``lda_infer`` | the full schedule (groups of different sizes, empty groups, observed labels) |
"""

from __future__ import annotations

import numpy as np

from .. import random as R
from ..vectors import group, invalid, valid, vector_file
from .inference import (lda_elbo_nats, lda_infer, lda_update_alpha_hat, lda_update_items,
                        lda_update_labels)
from .special import ROOT, lda_digamma

NOTES = {
    "empty_group": "a group with no items: alpha_hat = alpha + lam * p_hat_d",
    "observed_label": "some c_d >= 0: p_hat_d is clamped to onehot(c_d)",
    "large_logits": "|g| up to 1e3: needs a log-sum-exp softmax",
    "root_region": "x within 0.3 of the positive zero of digamma",
    "bad_alpha": "alpha <= 0: must be rejected",
    "bad_lam": "lam < 0: must be rejected",
    "k_mismatch": "alpha has a different K than the columns of g: must be rejected",
    "nan_logits": "NaN in g: must be rejected",
    "bad_x": "digamma argument <= 0 or NaN: must be rejected",
}

FLOATS = {"mode": "allclose", "rtol": 1e-10, "atol": 1e-12}


def _g(seed: int, n: int, K: int, scale: float) -> np.ndarray:
    """Logits from refimpl.random (stream 0, index = item), scaled."""
    return scale * R.normal(seed, 0, np.arange(n, dtype=np.uint64), d=K)


def _problems():
    """(comment, flags, inputs) for the update/ELBO/infer groups."""
    o1 = np.array([0, 3, 3, 8, 9], dtype=np.int64)       # sizes 3, 0, 5, 1
    p = []
    p.append(("4 groups of sizes 3, 0, 5, 1; K = 3; labels unobserved", ["empty_group"],
              {"g": _g(1, 9, 3, 1.5), "offsets": o1, "alpha": np.array([0.5, 1.0, 2.0]), "lam": 1.0,
               "c": np.array([-1, -1, -1, -1], dtype=np.int64)}))
    p.append(("same, two labels observed, lam = 5", ["empty_group", "observed_label"],
              {"g": _g(1, 9, 3, 1.5), "offsets": o1, "alpha": np.array([0.5, 1.0, 2.0]), "lam": 5.0,
               "c": np.array([2, -1, 0, -1], dtype=np.int64)}))
    p.append(("K = 5, one group of 12, small alpha, lam = 0", [],
              {"g": _g(2, 12, 5, 3.0), "offsets": np.array([0, 12], dtype=np.int64), "alpha": np.full(5, 0.05),
               "lam": 0.0, "c": np.array([-1], dtype=np.int64)}))
    p.append(("|g| = 1e3 logits, alpha = 1e-3", ["large_logits"],
              {"g": np.sign(_g(3, 4, 2, 1.0)) * 1e3, "offsets": np.array([0, 1, 4], dtype=np.int64),
               "alpha": np.full(2, 1e-3), "lam": 2.0, "c": np.array([-1, 1], dtype=np.int64)}))
    return p


def _alpha_hat_for(inp):
    return lda_infer(inp["g"], inp["offsets"], inp["alpha"], inp["lam"], inp["c"], 3).alpha_hat


def _digamma_cases():
    xs = [np.array([1.0, 2.0, 0.5, 10.0, 9.999999999, 30.0]),
          np.array([1e-300, 1e-10, 1e-3, 1e10, 1e300]),
          ROOT + np.array([-0.31, -0.29, -1e-9, 0.0, 1e-12, 0.2999, 0.3001])]
    comments = ["ordinary arguments and the recurrence/asymptotic switch at 10", "tiny and huge", "around the root"]
    flags = [[], [], ["root_region"]]
    cases = [valid(lda_digamma, {"x": x}, c, f) for x, c, f in zip(xs, comments, flags)]
    cases += [invalid(lda_digamma, {"x": np.array([1.0, 0.0])}, "x = 0", ["bad_x"]),
              invalid(lda_digamma, {"x": np.array([-2.5])}, "negative x", ["bad_x"]),
              invalid(lda_digamma, {"x": np.array([np.nan])}, "NaN", ["bad_x"])]
    return cases


def _invalid_infer():
    base = {"g": _g(1, 9, 3, 1.5), "offsets": np.array([0, 3, 3, 8, 9], dtype=np.int64),
            "alpha": np.array([0.5, 1.0, 2.0]), "lam": 1.0, "c": np.array([-1, -1, -1, -1], dtype=np.int64),
            "sweeps": 3}
    nan_g = base["g"].copy()
    nan_g[4, 1] = np.nan
    bad = [({"alpha": np.array([0.5, 0.0, 2.0])}, "alpha_k = 0", "bad_alpha"),
           ({"alpha": np.array([0.5, -1.0, 2.0])}, "alpha_k < 0", "bad_alpha"),
           ({"lam": -0.1}, "lam < 0", "bad_lam"),
           ({"alpha": np.array([0.5, 1.0])}, "alpha has K = 2, g has K = 3", "k_mismatch"),
           ({"g": nan_g}, "one NaN logit", "nan_logits")]
    return [invalid(lda_infer, {**base, **change}, comment, [flag]) for change, comment, flag in bad]


def _lda_file() -> dict:
    probs = _problems()
    items, labels, alphas, elbos, infers = [], [], [], [], []
    for comment, flags, inp in probs:
        ah = _alpha_hat_for(inp)
        post = lda_infer(inp["g"], inp["offsets"], inp["alpha"], inp["lam"], inp["c"], 3)
        items.append(valid(lda_update_items, {"g": inp["g"], "offsets": inp["offsets"], "alpha_hat": ah}, comment, flags))
        labels.append(valid(lda_update_labels, {"alpha_hat": ah, "lam": inp["lam"], "c": inp["c"]}, comment, flags))
        alphas.append(valid(lda_update_alpha_hat, {"p_hat_dn": post.p_hat_dn, "offsets": inp["offsets"],
                                                   "p_hat_d": post.p_hat_d, "alpha": inp["alpha"], "lam": inp["lam"]},
                            comment, flags))
        elbos.append(valid(lda_elbo_nats, {**inp, "p_hat_dn": post.p_hat_dn, "p_hat_d": post.p_hat_d,
                                           "alpha_hat": post.alpha_hat}, comment + " (after 3 sweeps)", flags))
        for sweeps in (0, 1, 30):
            infers.append(valid(lda_infer, {**inp, "sweeps": sweeps}, f"{comment}; {sweeps} sweeps", flags))
    infers += _invalid_infer()
    elbos.append(invalid(lda_elbo_nats, {**probs[0][2], "alpha": np.array([0.5, 1.0]),
                                         "p_hat_dn": np.full((9, 3), 1 / 3), "p_hat_d": np.full((4, 3), 1 / 3),
                                         "alpha_hat": np.ones((4, 3))}, "K mismatch", ["k_mismatch"]))
    groups = [
        group("lda_digamma", _digamma_cases(), tolerance={"mode": "allclose", "rtol": 1e-13, "atol": 0.0},
              comment="psi(x) for x > 0; SciPy agrees to 1e-13 relative on these points"),
        group("lda_update_items", items, tolerance=FLOATS, comment="(U1) p_hat_dn = softmax(g + psi(alpha_hat_d))"),
        group("lda_update_labels", labels, tolerance=FLOATS,
              comment="(U2) p_hat_d = softmax(lam * psi(alpha_hat_d)), or onehot(c_d) if c_d >= 0"),
        group("lda_update_alpha_hat", alphas, tolerance=FLOATS, comment="(U3) alpha_hat_d = alpha + sum_n p_hat_dn + lam p_hat_d"),
        group("lda_elbo_nats", elbos, tolerance=FLOATS, comment="per-group ELBO in nats"),
        group("lda_infer", infers, tolerance=FLOATS,
              comment="uniform start; sweeps x [(U3), (U1), (U3), (U2) if unobserved]; final (U3)"),
    ]
    return vector_file("lda", 1, "specs/logistic_lda.md",
                       ["independent plain-loop implementation (math.lgamma, scipy.special.digamma) in "
                        "tests/lda/test_vectors.py re-derives every valid case",
                        "lda_digamma cases against scipy.special.digamma"],
                       NOTES, groups)


FILES = [_lda_file]
