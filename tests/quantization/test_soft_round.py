"""Soft rounding s_α, its inverse, r_α and their derivatives (Agustsson & Theis 2020, §4.1).

Reference values are the digest's (rdpf_uq_c3.md §3.2, tagged [code; checked]: tfc, C3 and
Cool-Chic agree), quoted to 10 decimals, so the tolerance is 1e-9.
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from refimpl.quantization import (
    alpha_from_temperature,
    soft_round,
    soft_round_conditional_mean,
    soft_round_conditional_mean_derivative,
    soft_round_conditional_mean_temperature,
    soft_round_derivative,
    soft_round_inverse,
    soft_round_inverse_derivative,
    soft_round_temperature,
)

X = np.array([-0.75, 0.1, 0.3, 0.8, 1.25])
DIGEST = {
    1.0: dict(s=[-0.7649962878, 0.0889040730, 0.2864445010, 0.8151934611, 1.2350037122],
              inv=[-0.7353074599, 0.1119317074, 0.3130035891, 0.7847225980, 1.2646925401],
              r=[-0.7646925401, 0.0926879516, 0.2847225980, 0.8130035891, 1.2353074599]),
    5.0: dict(s=[-0.9298962835, 0.0114465795, 0.1140365301, 0.9587143402, 1.0701037165],
              inv=[-0.6080843499, 0.2860900977, 0.4165418177, 0.6361382445, 1.3919156501],
              r=[-0.8919156501, 0.0399890827, 0.1361382445, 0.9165418177, 1.1080843499]),
    10.0: dict(s=[-0.9933519433, 0.0002899786, 0.0179424412, 0.9975725543, 1.0066480567],
               r=[-0.9450754384, 0.0202713638, 0.0693062064, 0.9576394305, 1.0549245616]),
}

alphas = st.floats(min_value=0.0, max_value=50.0, allow_nan=False)
ys = st.floats(min_value=-100.0, max_value=100.0, allow_nan=False)


@pytest.mark.parametrize("alpha", sorted(DIGEST))
def test_digest_reference_values(alpha):
    ref = DIGEST[alpha]
    np.testing.assert_allclose(soft_round(X, alpha), ref["s"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(soft_round_conditional_mean(X, alpha), ref["r"], rtol=0, atol=1e-9)
    if "inv" in ref:
        np.testing.assert_allclose(soft_round_inverse(X, alpha), ref["inv"], rtol=0, atol=1e-9)


def test_closed_form_written_out():
    # second route: the formula of §4.1 typed in scalar math, one element at a time
    for a in (0.5, 2.0, 7.0):
        for y in (-2.3, -0.5, 0.0, 0.2, 0.49, 3.7):
            m = math.floor(y) + 0.5
            want = m + math.tanh(a * (y - m)) / (2 * math.tanh(a / 2))
            assert abs(soft_round(y, a) - want) < 1e-15


@given(ys, alphas)
def test_period_one(y, alpha):
    assert abs(soft_round(y + 1.0, alpha) - (soft_round(y, alpha) + 1.0)) < 1e-12


@given(st.integers(-10**6, 10**6), st.floats(0, 1e6))
def test_integers_are_fixed(n, alpha):
    assert soft_round(float(n), alpha) == pytest.approx(n, abs=1e-9)
    assert soft_round_inverse(float(n), alpha) == pytest.approx(n, abs=1e-9)


@given(ys, st.floats(0.0, 1e6))
def test_monotone_nondecreasing(y, alpha):
    grid = y + np.linspace(0.0, 1.0, 101)
    assert np.all(np.diff(soft_round(grid, alpha)) >= 0)
    assert np.all(np.diff(soft_round_inverse(grid, alpha)) >= 0)


@given(ys, st.floats(0.0, 5.0))
def test_inverse_round_trip_1e14(y, alpha):
    assert abs(soft_round_inverse(soft_round(y, alpha), alpha) - y) <= 1e-14 * max(1.0, abs(y))


def test_limits():
    x = np.linspace(-2.0, 2.0, 50)
    np.testing.assert_array_equal(soft_round(x, 1e-13), x)  # identity below eps (tfc)
    np.testing.assert_array_equal(soft_round_inverse(x, 1e-13), x)
    for off in range(-5, 5):  # α = 2000: rounding away from half-integers (tfc's test)
        g = np.linspace(off - 0.499, off + 0.499, 100)
        assert np.max(np.abs(soft_round(g, 2000.0) - np.round(g))) < 0.02
        h = np.linspace(off + 0.001, off + 0.999, 100)
        assert np.max(np.abs(soft_round_inverse(h, 5000.0) - (np.ceil(h) - 0.5))) < 1e-3
        assert np.max(np.abs(soft_round_conditional_mean(h, 5000.0) - np.round(h))) < 1e-3
    # small α: s_α(y) = y + O(α²)
    assert np.max(np.abs(soft_round(x, 1e-2) - x)) < 1e-5


def test_slopes_closed_form():
    for a in (0.5, 1.0, 2.0, 10.0, 30.0):
        assert soft_round_derivative(3.0, a) == pytest.approx(a / math.sinh(a), rel=1e-12)
        assert soft_round_derivative(3.5, a) == pytest.approx(a / (2 * math.tanh(a / 2)), rel=1e-12)
    # digest numbers (α = 2: 0.55144, 1.31304; α = 10: 9.08e-4, 5.00045)
    assert soft_round_derivative(0.0, 2.0) == pytest.approx(0.55144, abs=5e-6)
    assert soft_round_derivative(0.5, 2.0) == pytest.approx(1.31304, abs=5e-6)
    assert soft_round_derivative(0.0, 10.0) == pytest.approx(9.08e-4, abs=5e-7)
    assert soft_round_derivative(0.5, 10.0) == pytest.approx(5.00045, abs=5e-6)


@pytest.mark.parametrize("alpha", [0.01, 0.7, 3.0, 12.0])
def test_derivatives_match_finite_differences(alpha):
    # central differences, h = 1e-6: truncation O(h²·f''') ≲ 1e-9·α³, round-off ~1e-10
    y = np.array([-1.3, -0.2, 0.05, 0.41, 2.77])
    h = 1e-6
    fd = (soft_round(y + h, alpha) - soft_round(y - h, alpha)) / (2 * h)
    np.testing.assert_allclose(soft_round_derivative(y, alpha), fd, rtol=1e-6, atol=1e-8)
    if alpha > 3:  # s⁻¹ is too steep for plain differences; the reciprocal test covers it
        return
    v = soft_round(y, alpha)
    fd = (soft_round_inverse(v + h, alpha) - soft_round_inverse(v - h, alpha)) / (2 * h)
    np.testing.assert_allclose(soft_round_inverse_derivative(v, alpha), fd, rtol=1e-5)
    fd = (soft_round_conditional_mean(y + h, alpha) - soft_round_conditional_mean(y - h, alpha)) / (2 * h)
    np.testing.assert_allclose(soft_round_conditional_mean_derivative(y, alpha), fd, rtol=1e-5)


@given(ys, st.floats(0.01, 30.0))
def test_inverse_derivative_is_reciprocal(y, alpha):
    d = soft_round_derivative(y, alpha)
    di = soft_round_inverse_derivative(soft_round(y, alpha), alpha)
    if d > 1e-6:
        assert di * d == pytest.approx(1.0, rel=1e-6)


@pytest.mark.parametrize("alpha", [0.0, 1e-6, 1e-2, 5.0, 1e6])
def test_finite_values_and_derivatives(alpha):
    x = np.linspace(0.0, 1.0, 11)  # integers and half-integers (tfc's test)
    assert np.all(np.isfinite(soft_round(x, alpha)))
    assert np.all(np.isfinite(soft_round_derivative(x, alpha)))
    v = np.linspace(-0.5, 0.5, 11)
    assert np.all(np.isfinite(soft_round_inverse(v, alpha)))
    assert np.all(np.isfinite(soft_round_conditional_mean(v, alpha)))
    d = soft_round_inverse_derivative(v, alpha)
    ok = np.isfinite(d)
    if alpha > 15:  # s is flat at integers, so s⁻¹ may be vertical at v = 0 (tfc allows it too)
        ok[5] = True
    assert np.all(ok)
    assert not np.any(np.isnan(d))


def test_temperature_parameterisation():
    y = np.linspace(-2, 2, 41)
    for t in (0.3, 0.1, 1e-4):
        a = alpha_from_temperature(t)
        assert a == 1.0 / t
        np.testing.assert_array_equal(soft_round_temperature(y, t), soft_round(y, 1.0 / t))
        np.testing.assert_array_equal(soft_round_conditional_mean_temperature(y, t), soft_round_conditional_mean(y, 1.0 / t))


@pytest.mark.parametrize("bad", [
    dict(y=np.array([0.1, np.nan]), alpha=1.0),
    dict(y=np.array([0.1, np.inf]), alpha=1.0),
    dict(y=np.array([0.1]), alpha=-1.0),
    dict(y=np.array([0.1]), alpha=np.nan),
    dict(y=np.zeros(3), alpha=np.ones(4)),
    dict(y=np.zeros(3), alpha=np.ones((2, 3))),
])
def test_bad_arguments(bad):
    with pytest.raises(ValueError):
        soft_round(**bad)
    with pytest.raises(ValueError):
        soft_round_inverse(bad["y"], bad["alpha"])


def test_bad_temperature():
    for t in (0.0, -0.1, np.inf, np.nan):
        with pytest.raises(ValueError, match="temperature"):
            alpha_from_temperature(t)


def test_per_element_alpha_and_shapes():
    y = np.linspace(-1, 1, 6).reshape(2, 3)
    a = np.array([0.5, 2.0, 8.0])
    got = soft_round(y, a)
    assert got.shape == (2, 3)
    for j in range(3):
        np.testing.assert_array_equal(got[:, j], soft_round(y[:, j], a[j]))
    assert isinstance(soft_round(0.3, 2.0), float)
