"""P14: the streaming estimator of Σ_n p̂_dn (``logistic_lda_online``) against the batch fixed point."""

import numpy as np
import pytest

from refimpl.lda import lda_group_offsets, lda_infer
from refimpl.lda.online import lda_online_pass, lda_online_step


def _problem(D=4, N=6, K=3, seed=0):
    g = np.random.default_rng(seed).normal(scale=2.0, size=(D * N, K))
    return g, lda_group_offsets(np.full(D, N))


def test_whole_group_batch_is_a_batch_sweep():
    """With a batch = one whole group and N̄ = N_d, the new table is Σ_n p̂_dn, p̂ computed from
    α̂ = α + s + λ p̂_d — written out here with SciPy."""
    from scipy.special import digamma
    g, o = _problem(D=1)
    alpha = np.array([0.5, 1.0, 2.0])
    s = np.array([[1.0, 2.0, 3.0]])
    st = lda_online_step(s, g, np.zeros(6, dtype=int), alpha, 0.0, None, 6)
    z = g + digamma(alpha + s[0])
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    np.testing.assert_allclose(st.counts[0], p.sum(0), rtol=1e-13)
    np.testing.assert_allclose(st.p_hat_dn, p, rtol=1e-13)
    np.testing.assert_array_equal(s, [[1.0, 2.0, 3.0]])          # input not modified


@pytest.mark.parametrize("lam,labelled", [(0.0, False), (1.0, False), (3.0, True)])
def test_p14_whole_groups_converge_to_batch_fixed_point(lam, labelled):
    g, o = _problem()
    alpha = np.full(3, 1.0)
    c = np.array([0, -1, 2, 1]) if labelled else None
    ref = lda_infer(g, o, alpha, lam, c, 3000)
    S = np.add.reduceat(ref.p_hat_dn, o[:-1], axis=0)
    final, _ = lda_online_pass(g, o, alpha, lam, c, 6, 6, 300, seed=0, iterations=20, shuffle=False)
    np.testing.assert_allclose(final, S, atol=1e-9)


def test_p14_shuffled_minibatches_approximate_batch():
    """Shuffled batches of 2 (N̄ = N_d = 6): a bias remains (EMA noise through the nonlinear ψ);
    bound 3% of N_d per entry on average (measured 0.6%)."""
    g, o = _problem(D=6)
    alpha = np.full(3, 2.0)
    ref = lda_infer(g, o, alpha, 1.0, None, 3000)
    S = np.add.reduceat(ref.p_hat_dn, o[:-1], axis=0)
    _, avg = lda_online_pass(g, o, alpha, 1.0, None, 6, 2, 60, seed=3, iterations=10)
    assert np.abs(avg - S).mean() / 6 <= 0.03
    np.testing.assert_allclose(avg.sum(axis=1), 6.0, rtol=0.05)   # total mass ≈ N̄


def test_online_rejects_bad_input():
    s = np.ones((2, 3))
    g = np.zeros((1, 3))
    with pytest.raises(ValueError, match="d_batch"):
        lda_online_step(s, g, np.array([2]), np.ones(3), 1.0, None, 5)
    with pytest.raises(ValueError, match="g_batch"):
        lda_online_step(s, np.zeros((1, 2)), np.array([0]), np.ones(3), 1.0, None, 5)
    with pytest.raises(ValueError, match="alpha"):
        lda_online_step(s, g, np.array([0]), np.zeros(3), 1.0, None, 5)
    with pytest.raises(ValueError, match="items_per_group"):
        lda_online_step(s, g, np.array([0]), np.ones(3), 1.0, None, 0)


@pytest.mark.parametrize("change,msg", [
    ({"iterations": -1}, "iterations"),              # used to mean 0 rounds silently
    ({"iterations": 1.5}, "iterations"),
    ({"iterations": True}, "iterations"),
    ({"items_per_group": np.inf}, "items_per_group"),
    ({"items_per_group": np.nan}, "items_per_group"),
    ({"items_per_group": -2.0}, "items_per_group"),
    ({"d_batch": np.array([0.0])}, "d_batch"),        # float group index: used to be an IndexError
    ({"counts": np.full((2, 3), np.nan)}, "counts"),
    ({"counts": np.ones(3)}, "counts"),
    ({"alpha": 1.0}, None),                            # scalar α: accepted (the symmetric prior)
])
def test_online_step_validates_every_argument(change, msg):
    kw = {"counts": np.ones((2, 3)), "g_batch": np.zeros((1, 3)), "d_batch": np.array([0]),
          "alpha": np.ones(3), "lam": 1.0, "c": None, "items_per_group": 5, "iterations": 1, **change}
    if msg is None:
        ref = lda_online_step(**{**kw, "alpha": np.ones(3)})
        got = lda_online_step(**kw)
        np.testing.assert_array_equal(got.counts, ref.counts)
        return
    with pytest.raises(ValueError, match=msg):
        lda_online_step(**kw)


@pytest.mark.parametrize("change,msg", [
    ({"iterations": -1}, "iterations"),
    ({"items_per_group": np.inf}, "items_per_group"),
    ({"batch_size": 2.0}, "batch_size"),             # used to be a NumPy TypeError
    ({"batch_size": 0}, "batch_size"),
    ({"batch_size": True}, "batch_size"),
    ({"epochs": 1.5}, "epochs"),
    ({"epochs": 0}, "epochs"),
    ({"counts0": np.ones((5, 3))}, "counts0"),        # wrong D: used to blame d_batch
    ({"counts0": np.ones((4, 2))}, "counts0"),
    ({"counts0": np.full((4, 3), np.inf)}, "counts0"),
    ({"alpha": np.ones(2)}, "alpha"),
    ({"c": np.array([0, 1, 3, 0])}, "c"),
    ({"shuffle": "yes"}, "shuffle"),
])
def test_online_pass_validates_every_argument(change, msg):
    g, o = _problem()
    kw = {"g": g, "offsets": o, "alpha": np.ones(3), "lam": 1.0, "c": None, "items_per_group": 6,
          "batch_size": 2, "epochs": 2, "seed": 0, **change}
    with pytest.raises(ValueError, match=msg):
        lda_online_pass(**kw)


def test_online_pass_rejects_bad_alpha_even_without_items():
    """No items → no batch runs; α, λ and c are still checked (they used to be checked per batch)."""
    g = np.zeros((0, 3))
    o = lda_group_offsets(np.array([0, 0]))
    with pytest.raises(ValueError, match="alpha"):
        lda_online_pass(g, o, -np.ones(3), 1.0, None, 6, 2, 1, seed=0)
    with pytest.raises(ValueError, match="lam"):
        lda_online_pass(g, o, np.ones(3), -1.0, None, 6, 2, 1, seed=0)
