"""The composition mechanism: vjp/pullback semantics, purity, pytrees, value_and_grad."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from refimpl import autograd as ag
from refimpl.autograd import ops
from refimpl.autograd.core import Trace
from refimpl.autograd.gradcheck import check_vjp


def model(params, x):
    h = ops.tanh(x @ params["layers"][0]["w"] + params["layers"][0]["b"])
    return ops.sum(ops.softplus(h @ params["layers"][1]["w"]) * params["scale"], axis=-1)


PARAMS = {"layers": [{"w": np.linspace(-1, 1, 6).reshape(3, 2), "b": np.array([0.1, -0.2])},
                     {"w": np.array([[0.5, -1.0], [2.0, 0.3]])}], "scale": np.array(1.5)}
X = np.array([[0.2, -0.4, 1.0], [1.5, 0.0, -0.3]])


def test_composed_model_matches_differences():
    dy = np.array([1.0, -2.0])
    res = check_vjp(model, (PARAMS, X), dy, rtol=1e-6, atol=1e-8)
    assert res.ok, res


def test_pullback_is_pure_and_repeatable():
    p0 = ag.tree_map(np.copy, PARAMS)
    y, pb = ag.vjp(model, PARAMS, X)
    g1 = pb(np.ones(2))
    g2 = pb(np.ones(2))
    for a, b in zip(ag.tree_leaves(g1), ag.tree_leaves(g2)):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(ag.tree_leaves(PARAMS), ag.tree_leaves(p0)):
        np.testing.assert_array_equal(a, b)  # inputs untouched
    # linearity of the pullback in the cotangent
    g3 = pb(np.array([2.0, -3.0]))
    ga, gb = pb(np.array([1.0, 0.0])), pb(np.array([0.0, 1.0]))
    for a, b, c in zip(ag.tree_leaves(g3), ag.tree_leaves(ga), ag.tree_leaves(gb)):
        np.testing.assert_allclose(a, 2 * b - 3 * c, rtol=1e-12, atol=1e-14)


def test_model_runs_untraced_on_plain_arrays():
    y_plain = model(PARAMS, X)
    y_traced, _ = ag.vjp(model, PARAMS, X)
    assert isinstance(y_plain, np.ndarray)
    np.testing.assert_array_equal(y_plain, y_traced)


def test_unreached_inputs_and_outputs():
    y, pb = ag.vjp(lambda a, b: (ops.exp(a), np.ones(3)), np.zeros(2), np.ones(4))
    da, db = pb((np.ones(2), np.ones(3)))
    np.testing.assert_array_equal(da, np.ones(2))
    np.testing.assert_array_equal(db, np.zeros(4))


def test_fan_out_accumulates():
    # f(x) = x·x + x: derivative 2x + 1, the same tracer used three times
    _, pb = ag.vjp(lambda x: x * x + x, np.array([3.0, -1.0]))
    np.testing.assert_array_equal(pb(np.ones(2))[0], [7.0, -1.0])


def test_value_and_grad_with_aux():
    f = ag.value_and_grad(lambda p, x: (ops.sum(ops.square(model(p, x))), {"y": model(p, x)}), has_aux=True)
    (v, aux), g = f(PARAMS, X)
    assert np.shape(v) == () and set(aux) == {"y"}
    _, pb = ag.vjp(lambda p: ops.sum(ops.square(model(p, X))), PARAMS)
    for a, b in zip(ag.tree_leaves(g), ag.tree_leaves(pb(np.ones(()))[0])):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="scalar"):
        ag.value_and_grad(model)(PARAMS, X)


def test_no_global_state_two_traces_independent():
    y1, pb1 = ag.vjp(ops.exp, np.array([0.0]))
    y2, pb2 = ag.vjp(ops.exp, np.array([1.0]))
    np.testing.assert_allclose(pb1(np.ones(1))[0], [1.0])
    np.testing.assert_allclose(pb2(np.ones(1))[0], [np.e])
    assert not any(isinstance(v, Trace) for v in vars(ag.core).values())


def test_mixing_traces_is_rejected():
    def f(x):
        inner = {}
        ag.vjp(lambda z: inner.setdefault("z", z), x * 1.0)
        return x + inner["z"]
    with pytest.raises(ValueError, match="nested differentiation"):
        ag.vjp(f, np.ones(2))
    leaked = {}
    ag.vjp(lambda z: leaked.setdefault("z", z), np.ones(2))
    with pytest.raises(ValueError, match="two different vjp calls"):
        ag.vjp(lambda x: x + leaked["z"], np.ones(2))
    with pytest.raises(ValueError, match="cannot become a NumPy array"):
        ag.vjp(lambda x: np.asarray(x), np.ones(2))


@given(st.recursive(hnp.arrays(np.float64, hnp.array_shapes(max_dims=2, max_side=3)),
                    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text("abc", max_size=2), c, max_size=3)
                    | st.tuples(c, c), max_leaves=6))
def test_tree_roundtrip(tree):
    leaves, d = ag.tree_flatten(tree)
    back = ag.tree_unflatten(d, leaves)
    l2, d2 = ag.tree_flatten(back)
    assert d2 == d and len(l2) == len(leaves)
    assert all(a is b for a, b in zip(l2, leaves))


def test_tree_ops():
    a = {"x": np.array([1.0, 2.0]), "y": (np.array(3.0), [np.array([4.0])])}
    b = ag.tree_scale(a, 2.0)
    assert ag.tree_vdot(a, b) == 2 * (1 + 4 + 9 + 16)
    assert ag.tree_size(a) == 4
    np.testing.assert_array_equal(ag.tree_sub(ag.tree_add(a, b), b)["x"], a["x"])
    with pytest.raises(ValueError, match="structure"):
        ag.tree_map(np.add, a, {"x": a["x"]})


def test_check_vjp_rejects_pullback_with_missing_or_misshapen_leaves(monkeypatch):
    """A faulty pullback that omits a leaf (or returns a wrong shape) must raise, not be zip-truncated."""
    from refimpl.autograd import gradcheck

    def f(a, b):
        return a * b

    args = (np.array([1.0, 2.0]), np.array([3.0, -1.0]))
    dy = np.array([1.0, 1.0])
    assert check_vjp(f, args, dy, rtol=1e-6, atol=1e-8).ok  # the genuine pullback passes

    def fake(returned):
        return lambda fn, *a: (fn(*a), lambda _dy: returned)

    monkeypatch.setattr(gradcheck, "vjp", fake((args[1],)))  # one leaf instead of two; correct first
    with pytest.raises(ValueError, match="1 leaves"):
        check_vjp(f, args, dy, rtol=1e-6, atol=1e-8)
    monkeypatch.setattr(gradcheck, "vjp", fake((args[1], np.zeros(3))))  # second leaf misshapen
    with pytest.raises(ValueError, match="shape"):
        check_vjp(f, args, dy, rtol=1e-6, atol=1e-8)
