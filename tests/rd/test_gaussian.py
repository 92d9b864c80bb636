"""Reverse water-filling against the scalar closed form and its defining properties."""

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from refimpl.rd import (
    gaussian_distortion_rate,
    gaussian_rate_distortion,
    reverse_water_filling,
    reverse_water_filling_rate,
)

variances = st.floats(1e-3, 1e3)
spectra = st.lists(variances, min_size=1, max_size=12)


@given(variances, st.floats(0, 30))
def test_scalar_closed_form(s2, R):
    # one component: D(R) = σ² 2^(−2R), R(D) = ½ log2(σ²/D)
    assert gaussian_distortion_rate([s2], R) == pytest.approx(s2 * 2.0 ** (-2 * R), rel=1e-12)
    D = s2 * 2.0 ** (-2 * R)
    assert gaussian_rate_distortion(s2, D) == pytest.approx(R, abs=1e-9)


def test_hand_example():
    # λ = (4, 1, 0.25), D = 1.5: by hand 0.25 < θ <= 1, so 0.25 + 2θ = 1.5 and θ = 0.625
    wf = reverse_water_filling([4.0, 1.0, 0.25], 1.5)
    assert wf.theta == pytest.approx(0.625)
    want = 0.5 * math.log2(4 / 0.625) + 0.5 * math.log2(1 / 0.625)
    assert wf.rate == pytest.approx(want, abs=1e-12)
    np.testing.assert_allclose(wf.d_i, [0.625, 0.625, 0.25])


@given(spectra, st.floats(0.0, 1.0))
def test_inverse_D_of_R_of_D(lam, frac):
    D = frac * sum(lam)
    if D <= 0:
        return
    R = gaussian_rate_distortion(lam, D)
    assert gaussian_distortion_rate(lam, R) == pytest.approx(D, rel=1e-9, abs=1e-12)


@given(spectra, st.floats(0.0, 40.0))
def test_inverse_R_of_D_of_R(lam, R):
    D = gaussian_distortion_rate(lam, R)
    assert gaussian_rate_distortion(lam, D) == pytest.approx(R, abs=1e-9)


@given(spectra, st.floats(0.0, 20.0), st.floats(0.0, 20.0))
def test_monotone_and_convex_in_rate(lam, r1, r2):
    a, b = sorted((r1, r2))
    Da, Db = gaussian_distortion_rate(lam, a), gaussian_distortion_rate(lam, b)
    tol = 1e-12 * sum(lam)
    assert Db <= Da + tol
    assert gaussian_distortion_rate(lam, (a + b) / 2) <= (Da + Db) / 2 + tol


@given(spectra, st.floats(1e-6, 1.0), st.floats(1e-6, 1.0))
def test_monotone_and_convex_in_D(lam, f1, f2):
    tot = sum(lam)
    a, b = sorted((f1 * tot, f2 * tot))
    Ra, Rb = gaussian_rate_distortion(lam, a), gaussian_rate_distortion(lam, b)
    assert Rb <= Ra + 1e-12
    assert gaussian_rate_distortion(lam, (a + b) / 2) <= (Ra + Rb) / 2 + 1e-9


@given(spectra)
def test_sum_of_independent_components_equals_total(lam):
    # same water level θ for every component: R_total = Σ ½ log2(λ_i / min(θ, λ_i))
    wf = reverse_water_filling_rate(lam, 3.0)
    assert wf.rate == pytest.approx(3.0, abs=1e-9)
    assert np.all(wf.d_i <= np.asarray(lam) + 0)


def test_edges():
    assert gaussian_rate_distortion([1.0, 2.0], 0.0) == math.inf
    assert gaussian_rate_distortion([1.0, 2.0], 3.0) == 0.0
    assert gaussian_rate_distortion([1.0, 2.0], 10.0) == 0.0
    assert gaussian_distortion_rate([1.0, 2.0], 0.0) == pytest.approx(3.0)
    assert gaussian_distortion_rate([1.0, 2.0], math.inf) == 0.0


@pytest.mark.parametrize("lam, D", [([], 1.0), ([1.0, 0.0], 1.0), ([1.0, -1.0], 1.0), ([np.nan], 1.0),
                                    ([np.inf], 1.0), ([[1.0, 2.0]], 1.0), ([1.0], -0.1), ([1.0], np.nan),
                                    ([1.0], np.inf), ([1.0], "x")])
def test_bad_input_rate_distortion(lam, D):
    with pytest.raises(ValueError):
        gaussian_rate_distortion(lam, D)


@pytest.mark.parametrize("lam, R", [([1.0], -1.0), ([1.0], np.nan), ([1.0], -np.inf), ([0.0], 1.0)])
def test_bad_input_distortion_rate(lam, R):
    with pytest.raises(ValueError):
        gaussian_distortion_rate(lam, R)
