"""Training machinery: P12 (regularizer gradient identity), P13 (ERM gradient check), the
unrolled graph equals the inference kernel, the segment primitives, the baseline, bad input.

Finite differences: central, h = 1e-6 in float64, so truncation O(h²·f''') ≈ 1e-12 and
round-off O(eps·|f|/h) ≈ 2.2e-10·|f|; rtol 1e-5 (the digest's P13 tolerance) leaves wide headroom
for large entries. For the ERM loss |f| reaches ~20 (CE against ψ(α̂) with α down to 0.05, where
ψ ≈ −20) and its round-off accumulates over the unrolled sweeps (tens of operations at that scale),
so the absolute floor is atol = 1e-8·(1 + |f|) (a seen case: |f| = 17.4, FD error 1.3e-8).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refimpl.autograd import value_and_grad, vjp
from refimpl.lda import lda_group_offsets, lda_infer
from refimpl.lda.training import (
    _soft_ce,
    lda_erm_loss,
    lda_mlp,
    lda_mlp_group_predictions,
    lda_mlp_init,
    lda_topic_usage_objective,
    lda_topic_usage_target,
    lda_train_erm,
    lda_train_mlp_baseline,
    lda_train_vi,
    lda_unrolled_inference,
    segment_sum,
    to_items,
)

from .strategies import problems


def central_diff(f, x, h=1e-6):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        grad[i] = (f(x + e) - f(x - e)) / (2 * h)
    return grad


def _softmax(g):
    e = np.exp(g - g.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# P12 ------------------------------------------------------------------------------------------


@given(st.integers(1, 12), st.integers(2, 5), st.floats(0.1, 100.0), st.integers(0, 2**31))
def test_p12_regularizer_gradient_identity(N, K, gamma, seed):
    """∇_g Σ_n CE(stopgrad(γ r_n), g_n) = −γ N ∇_g (1/K) Σ_k log p̄_k  at ε = 0, p̄ = mean_n p_n."""
    g = np.random.default_rng(seed).normal(scale=2.0, size=(N, K))
    p = _softmax(g)
    r = lda_topic_usage_target(p, p.mean(axis=0), eps=0.0)
    _, ce_grad = value_and_grad(lambda h: _soft_ce(gamma * r, h))(g)
    fd = central_diff(lambda h: float(lda_topic_usage_objective(h)), g)
    np.testing.assert_allclose(ce_grad, -gamma * N * fd, rtol=1e-5, atol=1e-7 * gamma)
    _, ag_grad = value_and_grad(lda_topic_usage_objective)(g)
    np.testing.assert_allclose(ce_grad, -gamma * N * ag_grad, rtol=1e-10, atol=1e-12 * gamma)


def test_regularizer_target_formula():
    p = np.array([[0.5, 0.5], [0.9, 0.1]])
    r = lda_topic_usage_target(p, np.array([0.7, 0.3]), eps=1e-6)
    np.testing.assert_allclose(r, (p + 1e-6) / (np.array([0.7, 0.3]) + 1e-6) / 2)


# P13 and the unrolled graph ---------------------------------------------------------------------


@settings(max_examples=25)
@given(problems(max_groups=3, max_items=5, k_range=(2, 4), observed=False), st.integers(1, 6),
       st.integers(0, 2**31))
def test_p13_erm_gradient_matches_finite_differences(prob, sweeps, seed):
    g, o, alpha, _, _ = prob
    K = g.shape[1]
    c = np.random.default_rng(seed).integers(0, K, size=o.size - 1)
    g = np.clip(g, -4, 4)

    def f(h):
        return float(lda_erm_loss(h, o, c, alpha, sweeps))

    loss, grad = value_and_grad(lambda h: lda_erm_loss(h, o, c, alpha, sweeps))(g)
    np.testing.assert_allclose(grad, central_diff(f, g), rtol=1e-5, atol=1e-8 * (1 + abs(float(loss))))


def test_p13_erm_gradient_wrt_network_parameters():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(9, 3))
    o = lda_group_offsets(np.array([4, 0, 5]))
    c = np.array([1, 0, 2])
    alpha = np.array([0.5, 1.0, 2.0])
    params = lda_mlp_init(3, [3, 4, 3])

    def loss(p):
        return lda_erm_loss(lda_mlp(p, x), o, c, alpha, 4)

    _, grads = value_and_grad(loss)(params)
    for layer in range(2):
        for name in ("w", "b"):
            def f(v, layer=layer, name=name):
                q = [dict(d) for d in params]
                q[layer][name] = v
                return float(loss(q))
            np.testing.assert_allclose(grads[layer][name], central_diff(f, params[layer][name]),
                                       rtol=1e-5, atol=1e-8)


@given(problems(observed=False), st.integers(0, 8))
def test_unrolled_graph_equals_inference_kernel(prob, sweeps):
    g, o, alpha, lam, _ = prob
    P, pc, ahat = lda_unrolled_inference(g, o, alpha, lam, sweeps)
    post = lda_infer(g, o, alpha, lam, None, sweeps)
    np.testing.assert_allclose(P, post.p_hat_dn, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(pc, post.p_hat_d, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ahat, post.alpha_hat, rtol=1e-12)


def test_segment_primitives_gradients():
    o = lda_group_offsets(np.array([2, 0, 3]))
    x = np.random.default_rng(1).normal(size=(5, 2))
    y = np.random.default_rng(2).normal(size=(3, 2))
    np.testing.assert_allclose(segment_sum(x, offsets=o), [x[:2].sum(0), [0, 0], x[2:].sum(0)])
    w = np.random.default_rng(3).normal(size=(3, 2))
    _, pb = vjp(lambda a: segment_sum(a, offsets=o), x)
    np.testing.assert_allclose(pb(w)[0], central_diff(lambda a: float((segment_sum(a, offsets=o) * w).sum()), x),
                               rtol=1e-7)
    v = np.random.default_rng(4).normal(size=(5, 2))
    _, pb = vjp(lambda a: to_items(a, offsets=o), y)
    np.testing.assert_allclose(pb(v)[0], central_diff(lambda a: float((to_items(a, offsets=o) * v).sum()), y),
                               rtol=1e-7)


# training loops (tiny, fast) -------------------------------------------------------------------


def _tiny():
    from refimpl.lda.toy import lda_toy_data
    return lda_toy_data(9, 2.0, D=40, N=10)


def test_erm_loss_decreases():
    d = _tiny()
    res = lda_train_erm(d.x, d.offsets, d.c, 4, [], seed=1, alpha=0.2, sweeps=3, steps=40, lr=0.05)
    assert res.losses[-1] < 0.7 * res.losses[0]


def test_vi_and_baseline_run_and_learn():
    d = _tiny()
    vi = lda_train_vi(d.x, d.offsets, d.c, 4, [3], seed=1, alpha=0.2, lam=100.0, sweeps=2, steps=40, lr=0.05)
    assert vi.losses[-1] < vi.losses[0]
    mlp = lda_train_mlp_baseline(d.x, d.offsets, d.c, 4, [], seed=1, steps=60, lr=0.05)
    assert mlp.losses[-1] < mlp.losses[0]
    pred = lda_mlp_group_predictions(lda_mlp(mlp.params, d.x), d.offsets)
    assert np.mean(pred == d.c) > 0.5        # 4 classes: chance is 0.25


def test_mlp_group_prediction_is_product_of_items():
    g = np.log(np.array([[0.6, 0.4], [0.6, 0.4], [0.05, 0.95], [0.5, 0.5]]))
    o = np.array([0, 3, 3, 4])
    # group 0: 0.6·0.6·0.05 = 0.018 < 0.4·0.4·0.95 = 0.152 → topic 1 (a majority vote would say 0)
    np.testing.assert_array_equal(lda_mlp_group_predictions(g, o), [1, -1, 0])


def test_training_rejects_bad_input():
    d = _tiny()
    with pytest.raises(ValueError, match="alpha"):
        lda_train_erm(d.x, d.offsets, d.c, 4, [], seed=1, alpha=-1.0, steps=1)
    with pytest.raises(ValueError, match="lam"):
        lda_train_vi(d.x, d.offsets, d.c, 4, [], seed=1, lam=-1.0, steps=1)
    with pytest.raises(ValueError, match="gamma"):
        lda_train_vi(d.x, d.offsets, d.c, 4, [], seed=1, gamma=-1.0, steps=1)
    with pytest.raises(ValueError, match="x"):
        lda_train_mlp_baseline(np.full_like(d.x, np.nan), d.offsets, d.c, 4, [], seed=1, steps=1)
    with pytest.raises(ValueError, match="c"):
        lda_train_erm(d.x, d.offsets, d.c + 10, 4, [], seed=1, steps=1)


_ALL_REGIMES = ("erm", "vi", "mlp")
_BAD_SHARED = [                       # (change, message fragment): every regime must reject these
    ({"K": 0}, "K must be an integer >= 1"),
    ({"K": 4.0}, "K must be an integer >= 1"),
    ({"K": True}, "K must be an integer >= 1"),
    ({"hidden": [2.5]}, "hidden"),
    ({"hidden": None}, "hidden"),
    ({"hidden": [0]}, "hidden"),
    ({"hidden": [True]}, "hidden"),
    ({"hidden": "3"}, "hidden"),
    ({"lr": np.inf}, "lr"),
    ({"lr": np.nan}, "lr"),
    ({"lr": 0.0}, "lr"),
    ({"steps": True}, "steps"),
    ({"steps": -1}, "steps"),
    ({"steps": 2.0}, "steps"),
    ({"x": np.zeros(10)}, r"x must be a 2-D array \(rows, features\)"),
    ({"offsets": np.array([0, 5, 3])}, "offsets"),
]


def _regime(name, **change):
    d = _tiny()
    kw = dict(x=d.x, offsets=d.offsets, c=d.c, K=4, hidden=[], seed=1, steps=1, lr=0.05)
    kw.update(change)
    fn = {"erm": lda_train_erm, "vi": lda_train_vi, "mlp": lda_train_mlp_baseline}[name]
    return fn(**kw)


@pytest.mark.parametrize("regime", _ALL_REGIMES)
@pytest.mark.parametrize("change,msg", _BAD_SHARED)
def test_every_regime_rejects_bad_shared_arguments(regime, change, msg):
    with pytest.raises(ValueError, match=msg):
        _regime(regime, **change)


@pytest.mark.parametrize("regime,change,msg", [
    ("erm", {"sweeps": -1}, "sweeps"),                 # used to run 0 sweeps: zero gradient
    ("erm", {"sweeps": 2.5}, "sweeps"),
    ("erm", {"sweeps": 10**7}, "sweeps"),
    ("vi", {"sweeps": -1}, "sweeps"),
    ("erm", {"alpha": np.ones(3)}, "alpha"),            # wrong shape: used to be a broadcast error
    ("vi", {"alpha": np.ones((2, 2))}, "alpha"),
    ("erm", {"alpha": np.nan}, "alpha"),
    ("erm", {"out_scale": np.nan}, "out_scale"),
    ("erm", {"out_scale": 0.0}, "out_scale"),
    ("erm", {"params0": lda_mlp_init(1, [3, 4])}, "params0"),        # x has 2 features, K = 4
    ("erm", {"params0": lda_mlp_init(1, [2, 5, 4])}, "params0"),     # hidden = [] given
    ("erm", {"params0": [{"w": np.full((2, 4), np.nan), "b": np.zeros(4)}]}, "params0"),
    ("erm", {"params0": "weights"}, "params0"),
    ("vi", {"eps": -1e-6}, "eps"),
    ("vi", {"eps": np.nan}, "eps"),
    ("vi", {"gamma": np.nan}, "gamma"),
    ("mlp", {"l2": -0.1}, "l2"),
    ("mlp", {"l2": np.nan}, "l2"),
])
def test_regimes_reject_their_own_bad_arguments(regime, change, msg):
    with pytest.raises(ValueError, match=msg):
        _regime(regime, **change)


def test_mlp_init_rejects_bad_sizes_and_scale():
    for sizes in ([3], [3, 0], [3, 2.5], [3, True], None):
        with pytest.raises(ValueError, match="sizes"):
            lda_mlp_init(1, sizes)
    for scale in (np.nan, np.inf, 0.0, -1.0):
        with pytest.raises(ValueError, match="out_scale"):
            lda_mlp_init(1, [3, 2], scale)


def test_no_labelled_group_is_an_error_not_a_no_op():
    """With every c_d = −1 the ERM loss was −0 with zero gradients and the baseline's loss 0: both
    'trained' silently. Labels only on empty groups give the baseline no item either."""
    d = _tiny()
    none = np.full(d.c.shape, -1)
    g = lda_mlp(lda_mlp_init(1, [2, 4]), d.x)
    with pytest.raises(ValueError, match="c must label at least one group"):
        lda_erm_loss(g, d.offsets, none, np.ones(4), 2)
    for c in (None, none):
        with pytest.raises(ValueError, match="c must label at least one group"):
            lda_train_erm(d.x, d.offsets, c, 4, [], seed=1, steps=1)
        with pytest.raises(ValueError, match="c must label at least one group"):
            lda_train_mlp_baseline(d.x, d.offsets, c, 4, [], seed=1, steps=1)
    o = lda_group_offsets(np.array([0, 5]))
    for train in (lda_train_mlp_baseline, lda_train_erm):     # labels only on an empty group
        with pytest.raises(ValueError, match="c must label at least one group that has items"):
            train(d.x[:5], o, np.array([2, -1]), 4, [], seed=1, steps=1)
    # one labelled group is enough (and unsupervised VI with c = None stays allowed)
    assert np.isfinite(float(lda_erm_loss(g, d.offsets, np.where(np.arange(40) == 3, d.c, -1), np.ones(4), 2)))
    lda_train_vi(d.x, d.offsets, None, 4, [], seed=1, steps=1)


@pytest.mark.parametrize("fn", ["unrolled", "erm_loss"])
@pytest.mark.parametrize("change,msg", [
    ({"sweeps": -1}, "sweeps"),
    ({"sweeps": 1.5}, "sweeps"),
    ({"sweeps": True}, "sweeps"),
    ({"sweeps": 10**6 + 1}, "sweeps"),
    ({"g": np.array([[0.0, np.nan, 1.0]] * 5)}, "g"),
    ({"g": np.zeros(5)}, "g"),
    ({"alpha": np.array([1.0, -1.0, 1.0])}, "alpha"),
    ({"alpha": np.ones(2)}, "alpha"),
    ({"lam": -1.0}, "lam"),
    ({"offsets": np.array([0, 2, 9])}, "offsets"),
    ({"offsets": np.array([0, 3, 2, 5])}, "offsets"),
])
def test_unrolled_and_erm_loss_validate(fn, change, msg):
    kw = {"g": np.zeros((5, 3)), "offsets": np.array([0, 2, 5]), "alpha": np.ones(3), "lam": 1.0,
          "sweeps": 2, **change}
    with pytest.raises(ValueError, match=msg):
        if fn == "unrolled":
            lda_unrolled_inference(**kw)
        else:
            lda_erm_loss(c=np.array([0, 2]), **kw)


@pytest.mark.parametrize("c,msg", [(np.array([0, 3]), "c"), (np.array([0]), "c"), (np.array([-2, 0]), "c")])
def test_erm_loss_validates_labels(c, msg):
    with pytest.raises(ValueError, match=msg):
        lda_erm_loss(np.zeros((5, 3)), np.array([0, 2, 5]), c, np.ones(3), 2)


def test_scalar_alpha_and_params0_are_honoured():
    """α = a (scalar) trains exactly as α = a·1; ``params0`` equal to the seeded start with the same
    out_scale reproduces the seeded run bit for bit."""
    d = _tiny()
    kw = dict(seed=1, sweeps=2, steps=3, lr=0.05)
    a = lda_train_erm(d.x, d.offsets, d.c, 4, [], alpha=0.2, **kw)
    b = lda_train_erm(d.x, d.offsets, d.c, 4, [], alpha=np.full(4, 0.2), **kw)
    np.testing.assert_array_equal(a.losses, b.losses)
    p0 = lda_mlp_init(1, [2, 4], 0.1)
    c = lda_train_erm(d.x, d.offsets, d.c, 4, [], alpha=0.2, params0=p0, **kw)
    np.testing.assert_array_equal(a.losses, c.losses)
    P, _, _ = lda_unrolled_inference(np.zeros((5, 3)), np.array([0, 2, 5]), 0.5, 1.0, 2)
    Q, _, _ = lda_unrolled_inference(np.zeros((5, 3)), np.array([0, 2, 5]), np.full(3, 0.5), 1.0, 2)
    np.testing.assert_array_equal(P, Q)


def _toy100():
    from refimpl.lda.toy import lda_toy_data, lda_toy_ideal_logits
    d = lda_toy_data(4, 2.0, D=100, N=20)
    ideal = np.mean(lda_toy_ideal_logits(d.x, d.mu).argmax(axis=1) == d.k)   # 0.654 on this draw
    return d, ideal


def test_vi_supervised_reaches_ideal_item_accuracy():
    """(B): every group labelled and clamped, λ = 8000 (the official supervised value). Labels pin
    the topic order, so argmax g is scored without matching; 2000 items → binomial sd ≈ 0.011,
    bound ideal − 0.05. Measured 0.656 vs ideal 0.654."""
    d, ideal = _toy100()
    res = lda_train_vi(d.x, d.offsets, d.c, 4, [], seed=1, alpha=0.2, lam=8000.0, sweeps=5, steps=150, lr=0.05)
    assert np.mean(lda_mlp(res.params, d.x).argmax(axis=1) == d.k) >= ideal - 0.05


def test_semi_supervised_needs_the_regularizer():
    """(D): half the groups labelled (clamped, λ = 20), half inferred. With γ = 10 argmax g is
    within 0.05 of the ideal item accuracy (measured 0.636 vs 0.654); with γ = 0 the unlabelled
    groups' self-training collapses g onto one topic (measured: all 2000 items in one topic)."""
    d, ideal = _toy100()
    c = np.where(np.arange(100) % 2 == 0, d.c, -1)
    kw = dict(seed=2, alpha=0.2, lam=20.0, sweeps=5, steps=150, lr=0.05)
    good = lda_mlp(lda_train_vi(d.x, d.offsets, c, 4, [], gamma=10.0, **kw).params, d.x)
    assert np.mean(good.argmax(axis=1) == d.k) >= ideal - 0.05
    bad = lda_mlp(lda_train_vi(d.x, d.offsets, c, 4, [], gamma=0.0, **kw).params, d.x)
    assert np.bincount(bad.argmax(axis=1), minlength=4).max() >= 0.9 * len(d.k)
