"""Inference: Numba digamma vs SciPy, kernel vs readable twin, the updates one by one, bad input."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import special

from refimpl.lda import (
    lda_digamma,
    lda_elbo_nats,
    lda_group_offsets,
    lda_infer,
    lda_infer_twin,
    lda_update_alpha_hat,
    lda_update_items,
    lda_update_labels,
)
from refimpl.lda.special import ROOT, digamma_twin

from .strategies import problems

# --- digamma -----------------------------------------------------------------------------------

DOMAIN = np.concatenate([
    np.logspace(-300, 300, 6001),                       # tiny to huge
    np.linspace(1e-3, 40.0, 40001),                     # recurrence / asymptotic switch at 10
    ROOT + np.linspace(-0.4, 0.4, 8001),                # around the root region |x - x0| < 0.3
    ROOT + np.logspace(-16, -1, 500), ROOT - np.logspace(-16, -1, 500),  # next to the zero
    np.array([ROOT, 1.0, 2.0, 0.5, 10.0, 10.0 - 1e-12, 1.1616321449683622, 1.7616321449683622]),
])


def test_digamma_matches_scipy_to_1e12_relative():
    ref = special.digamma(DOMAIN)
    got = lda_digamma(DOMAIN)
    rel = np.abs(got - ref) / np.abs(ref)
    assert rel.max() <= 1e-12, (rel.max(), DOMAIN[rel.argmax()])


@given(st.floats(min_value=1e-300, max_value=1e300, allow_nan=False, allow_infinity=False))
def test_digamma_random_points(x):
    ref = special.digamma(x)
    assert abs(lda_digamma(np.array([x]))[0] - ref) <= 1e-12 * abs(ref)


def test_digamma_twin_equals_kernel():
    xs = DOMAIN[::7]
    twin = np.array([digamma_twin(float(x)) for x in xs])
    np.testing.assert_array_equal(twin, lda_digamma(xs))


def test_digamma_edges_and_rejections():
    assert lda_digamma(np.array([np.inf]))[0] == np.inf
    assert lda_digamma(np.array([])).shape == (0,)
    assert lda_digamma(np.ones((2, 3))).shape == (2, 3)
    for bad in (0.0, -1.0, np.nan):
        with pytest.raises(ValueError, match="x must be positive"):
            lda_digamma(np.array([1.0, bad]))


# --- kernel vs twin ------------------------------------------------------------------------------


@given(problems(), st.integers(0, 12))
def test_kernel_equals_twin(prob, sweeps):
    g, o, alpha, lam, c = prob
    a = lda_infer(g, o, alpha, lam, c, sweeps)
    b = lda_infer_twin(g, o, alpha, lam, c, sweeps)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-13)


@given(problems(), st.integers(1, 6))
def test_infer_is_composition_of_updates(prob, sweeps):
    """lda_infer equals the schedule (U3, U1, U3, U2)×T then U3 written with the public updates."""
    g, o, alpha, lam, c = prob
    K = g.shape[1]
    D = o.size - 1
    P = np.full(g.shape, 1.0 / K)
    pc = np.where((c >= 0)[:, None], np.eye(K)[np.maximum(c, 0)], 1.0 / K)
    for _ in range(sweeps):
        ah = lda_update_alpha_hat(P, o, pc, alpha, lam)
        P = lda_update_items(g, o, ah)
        ah = lda_update_alpha_hat(P, o, pc, alpha, lam)
        pc = lda_update_labels(ah, lam, c)
    ah = lda_update_alpha_hat(P, o, pc, alpha, lam)
    post = lda_infer(g, o, alpha, lam, c, sweeps)
    np.testing.assert_allclose(post.p_hat_dn, P, rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(post.p_hat_d, pc, rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(post.alpha_hat, ah, rtol=1e-11)
    assert post.alpha_hat.shape == (D, K)


def test_elbo_hand_computed_single_item():
    """K = 2, one item, λ = 0: every ELBO term written out by hand with SciPy special functions."""
    g = np.array([[0.3, -1.2]])
    alpha = np.array([0.7, 1.9])
    p = np.array([[0.25, 0.75]])
    pd = np.array([[0.5, 0.5]])
    ah = np.array([[1.1, 2.4]])
    elog = special.digamma(ah[0]) - special.digamma(ah[0].sum())
    want = (special.gammaln(2.6) - special.gammaln(0.7) - special.gammaln(1.9)
            + (-0.3) * elog[0] + 0.9 * elog[1]
            + 0.25 * (0.3 + elog[0]) + 0.75 * (-1.2 + elog[1])
            - special.gammaln(3.5) + special.gammaln(1.1) + special.gammaln(2.4)
            - 0.1 * elog[0] - 1.4 * elog[1]
            - 0.25 * np.log(0.25) - 0.75 * np.log(0.75) + np.log(2.0))
    got = lda_elbo_nats(g, np.array([0, 1]), alpha, 0.0, p, pd, ah)
    assert got.shape == (1,)
    assert abs(got[0] - want) < 1e-13


def test_offsets_helper():
    np.testing.assert_array_equal(lda_group_offsets(np.array([2, 0, 3])), [0, 2, 2, 5])
    assert lda_group_offsets(np.array([], dtype=np.int64)).tolist() == [0]
    with pytest.raises(ValueError, match="sizes"):
        lda_group_offsets(np.array([1, -1]))


# --- bad input ---------------------------------------------------------------------------------


def _ok():
    return np.zeros((3, 2)), np.array([0, 1, 3]), np.array([1.0, 1.0]), 1.0, np.array([-1, 1])


@pytest.mark.parametrize("fn", [lda_infer, lda_infer_twin])
@pytest.mark.parametrize("change,name", [
    ({"alpha": np.array([1.0, 0.0])}, "alpha"),
    ({"alpha": np.array([1.0, -2.0])}, "alpha"),
    ({"alpha": np.array([1.0, np.nan])}, "alpha"),
    ({"alpha": np.array([1.0, 1.0, 1.0])}, "alpha"),   # K mismatch between g and α
    ({"lam": -0.5}, "lam"),
    ({"lam": np.nan}, "lam"),
    ({"g": np.array([[0.0, np.nan], [0, 0], [0, 0]])}, "g"),
    ({"g": np.array([[0.0, np.inf], [0, 0], [0, 0]])}, "g"),
    ({"offsets": np.array([0, 2, 1])}, "offsets"),
    ({"offsets": np.array([0, 1, 4])}, "offsets"),
    ({"c": np.array([-1, 2])}, "c"),
    ({"c": np.array([-2, 0])}, "c"),
    ({"c": np.array([0])}, "c"),
    ({"sweeps": -1}, "sweeps"),
    # above the documented cap MAX_SWEEPS = 10^6: rejected before the kernel runs (10^12 used to hang)
    ({"sweeps": 10**12}, r"sweeps must be an integer in \[0, 1000000\]"),
    ({"sweeps": 1_000_001}, "sweeps"),
])
def test_bad_input_names_the_argument(fn, change, name):
    g, o, a, lam, c = _ok()
    kw = {"g": g, "offsets": o, "alpha": a, "lam": lam, "c": c, "sweeps": 3, **change}
    with pytest.raises(ValueError, match=name):
        fn(**kw)


def test_updates_reject_bad_input():
    g, o, a, lam, c = _ok()
    ah = np.ones((2, 2))
    with pytest.raises(ValueError, match="alpha_hat"):
        lda_update_items(g, o, np.ones((2, 3)))
    with pytest.raises(ValueError, match="g"):
        lda_update_items(np.full((3, 2), np.nan), o, ah)
    with pytest.raises(ValueError, match="lam"):
        lda_update_labels(ah, -1.0)
    with pytest.raises(ValueError, match="alpha"):
        lda_update_alpha_hat(np.full((3, 2), 0.5), o, np.full((2, 2), 0.5), np.array([1.0, 0.0]), lam)
    with pytest.raises(ValueError, match="alpha"):
        lda_update_alpha_hat(np.full((3, 2), 0.5), o, np.full((2, 2), 0.5), np.ones(3), lam)
    with pytest.raises(ValueError, match="lam"):
        lda_elbo_nats(g, o, a, -1.0, np.full((3, 2), 0.5), np.full((2, 2), 0.5), ah)


# --- scalar α (accepted everywhere, broadcast to (K,)) ---------------------------------------


@given(problems(), st.floats(0.05, 5.0), st.integers(0, 6))
def test_scalar_alpha_is_the_symmetric_prior_everywhere(prob, a, sweeps):
    """α = a (a scalar) gives bit for bit what α = a·1 gives, in every function taking α."""
    g, o, _, lam, c = prob
    K = g.shape[1]
    vec = np.full(K, a)
    for fn in (lda_infer, lda_infer_twin):
        for x, y in zip(fn(g, o, a, lam, c, sweeps), fn(g, o, vec, lam, c, sweeps)):
            np.testing.assert_array_equal(x, y)
    post = lda_infer(g, o, vec, lam, c, sweeps)
    np.testing.assert_array_equal(lda_update_alpha_hat(post.p_hat_dn, o, post.p_hat_d, a, lam),
                                  lda_update_alpha_hat(post.p_hat_dn, o, post.p_hat_d, vec, lam))
    np.testing.assert_array_equal(lda_elbo_nats(g, o, a, lam, *post, c), lda_elbo_nats(g, o, vec, lam, *post, c))


@pytest.mark.parametrize("alpha", [0.0, -1.0, np.nan, np.inf, np.ones((2, 1)), np.ones((1, 2)), "a", None])
def test_bad_scalar_or_shaped_alpha_names_alpha(alpha):
    g, o, _, lam, c = _ok()
    with pytest.raises(ValueError, match="alpha"):
        lda_infer(g, o, alpha, lam, c, 3)
    with pytest.raises(ValueError, match="alpha"):
        lda_update_alpha_hat(np.full((3, 2), 0.5), o, np.full((2, 2), 0.5), alpha, lam)


# --- the ELBO needs a q of the mean-field family ---------------------------------------------


def _elbo_args():
    g, o, a, lam, c = _ok()                    # c = [-1, 1]: group 1 observed
    post = lda_infer(g, o, a, lam, c, 3)
    return g, o, a, lam, post, c


def test_elbo_accepts_inference_output_and_round_off():
    g, o, a, lam, post, c = _elbo_args()
    p = post.p_hat_dn * (1 + 1e-12)           # row sums off by 1e-12 < 1e-9: accepted
    assert np.all(np.isfinite(lda_elbo_nats(g, o, a, lam, p, post.p_hat_d, post.alpha_hat, c)))


@pytest.mark.parametrize("which,value,msg", [
    ("p_hat_dn", np.full((3, 2), 0.6), "p_hat_dn rows must lie on the simplex"),
    ("p_hat_dn", np.array([[1.0, 0.0], [0.5, 0.5], [0.5, 0.5 + 1e-8]]), "p_hat_dn rows must lie on the simplex"),
    ("p_hat_d", np.array([[0.2, 0.2], [0.0, 1.0]]), "p_hat_d rows must lie on the simplex"),
    ("p_hat_d", np.array([[0.5, 0.5], [0.5, 0.5]]), "onehot"),     # group 1 has c = 1: must be [0, 1]
    ("p_hat_d", np.array([[0.5, 0.5], [1.0, 0.0]]), "onehot"),
])
def test_elbo_rejects_q_off_the_simplex_or_unclamped(which, value, msg):
    g, o, a, lam, post, c = _elbo_args()
    q = {"p_hat_dn": post.p_hat_dn, "p_hat_d": post.p_hat_d, which: value}
    with pytest.raises(ValueError, match=msg):
        lda_elbo_nats(g, o, a, lam, q["p_hat_dn"], q["p_hat_d"], post.alpha_hat, c)


# --- every public name documents itself and cites the digest ------------------------------------


def test_public_names_have_docstrings_with_citations():
    """Each public function/class of inference, training, online and toy has its own docstring
    (not the NamedTuple default) citing a digest section (§) or appendix; NamedTuples list their
    fields."""
    import inspect

    from refimpl.lda import inference, online, toy, training
    for mod in (inference, online, toy, training):
        for name in mod.__all__:
            obj = getattr(mod, name)
            doc = inspect.getdoc(obj) or ""
            assert doc and not doc.startswith(f"{name}("), name
            assert "§" in doc or "App." in doc, name
            if isinstance(obj, type) and hasattr(obj, "_fields"):
                for field in obj._fields:
                    assert field in doc, (name, field)


def test_zero_topics_is_rejected_by_every_function():
    """K = 0 columns used to pass the shape checks of the updates and end in a NumPy reduction
    error; it is an argument error naming g (or g_batch / x)."""
    from refimpl.lda import lda_online_step
    g = np.zeros((3, 0))
    o = np.array([0, 1, 3])
    with pytest.raises(ValueError, match="g must have at least one column"):
        lda_infer(g, o, np.ones(0), 1.0)
    with pytest.raises(ValueError, match="g must have at least one column"):
        lda_update_items(g, o, np.ones((2, 0)))
    with pytest.raises(ValueError, match="g_batch must have at least one column"):
        lda_online_step(np.ones((2, 0)), g, np.array([0, 1, 1]), np.ones(0), 1.0, None, 3)
