"""Rounding primitives and discretized log-probabilities against independent references."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from refimpl import autograd as ag
from refimpl.autograd import quant
from refimpl.quantization import soft_round as quantization_soft_round  # the function


def test_round_ste():
    x = np.array([-1.5, -0.4, 0.5, 1.5, 2.7])
    y, pb = ag.vjp(quant.round_ste, x)
    np.testing.assert_array_equal(y, [-2.0, -0.0, 0.0, 2.0, 3.0])  # half to even
    np.testing.assert_array_equal(pb(np.arange(5.0))[0], np.arange(5.0))


def test_soft_round_shared_with_quantization_and_limits():
    y = np.linspace(-3, 3, 61)
    np.testing.assert_array_equal(quant.soft_round(y, 5.0), quantization_soft_round(y, 5.0))
    z = np.arange(-3, 3) + np.array([[-0.3], [0.0], [0.2]])  # ≥ 0.2 from half-integers
    np.testing.assert_allclose(quant.soft_round(z, 200.0), np.round(z), atol=1e-12)
    np.testing.assert_array_equal(quant.soft_round(y, 0.0), y)  # identity for α < 1e-3
    _, pb = ag.vjp(lambda v: quant.soft_round(v, 1e4), y + 0.3)   # large α: finite, no NaN
    assert np.all(np.isfinite(pb(np.ones_like(y))[0]))


# C3 reference values of −log2 P for integer v, from the research digest (C3 code, §4.2)
C3_BITS = [(0, 0, 1.0, 1.345677), (0, 0, 0.1, 0.009754), (1, 0, 1.0, 2.383076), (3, 0, 0.5, 8.423262)]


@pytest.mark.parametrize("v,mu,b,bits", C3_BITS)
def test_discretized_laplace_c3_values(v, mu, b, bits):
    got = -quant.discretized_logp_nats(np.array(float(v)), np.array(float(mu)), np.array(b)) / np.log(2)
    assert got == pytest.approx(bits, abs=1e-6)


@given(st.floats(-8, 8), st.floats(-3, 3), st.floats(0.05, 5), st.sampled_from(["laplace", "logistic"]))
def test_discretized_logp_matches_scipy_cdf_differences(v, mu, b, dist):
    law = stats.laplace if dist == "laplace" else stats.logistic
    if v >= mu:   # subtract on the tail where the values are small (no cancellation near 1)
        p = law.sf(v - 0.5, mu, b) - law.sf(v + 0.5, mu, b)
    else:
        p = law.cdf(v + 0.5, mu, b) - law.cdf(v - 0.5, mu, b)
    if p < 1e-200:  # underflow of scipy's route; the tail test covers it
        return
    got = quant.discretized_logp_nats(np.array(v), np.array(mu), np.array(b), dist=dist)
    assert got == pytest.approx(np.log(p), rel=1e-7, abs=1e-9)


def test_discretized_logp_tails_and_normalisation():
    b = 0.3
    v = np.array([5.0, 40.0, 400.0, -400.0])
    got = quant.discretized_logp_nats(v, np.zeros(4), np.full(4, b))
    # Laplace, |m| ≥ ½: P = ½ e^{−(|m| − ½)/b} (1 − e^{−1/b}) exactly
    want = -(np.abs(v) - 0.5) / b + np.log(0.5) + np.log1p(-np.exp(-1 / b))
    np.testing.assert_allclose(got, want, rtol=1e-12)
    grid = np.arange(-200.0, 201.0)
    for dist in ("laplace", "logistic"):
        lp = quant.discretized_logp_nats(grid, np.full_like(grid, 0.3), np.full_like(grid, 2.0), dist=dist)
        assert np.exp(lp).sum() == pytest.approx(1.0, abs=1e-12 if dist == "laplace" else 1e-30 + 1e-12)
    _, pb = ag.vjp(quant.discretized_logp_nats, v, np.zeros(4), np.full(4, b))
    assert all(np.all(np.isfinite(g)) for g in pb(np.ones(4)))
