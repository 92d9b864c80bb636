"""Exact rates: H(K|U), h(Y + U′) and H(round Y) (Agustsson & Theis 2020, §3, §4.1)."""

import numpy as np
import pytest
from scipy import stats

from refimpl.quantization import rounding_entropy_bits, uq_conditional_entropy_bits, uq_differential_entropy_bits

# digest §3.1 / §3.2 [derived+checked], 5 decimals
DIGEST = [("gaussian", 1.7, 2.83314), ("laplace", 0.8, 2.19426), ("gaussian", 0.3, 0.77971)]


@pytest.mark.parametrize("family,scale,h", DIGEST)
def test_two_quadratures_and_digest(family, scale, h):
    a = uq_conditional_entropy_bits(family, 0.0, scale)
    b = uq_differential_entropy_bits(family, 0.0, scale)
    assert a == pytest.approx(b, abs=1e-8)
    assert b == pytest.approx(h, abs=5e-6)


def test_rounding_entropy_by_scipy():
    k = np.arange(-20, 21)
    p = stats.norm.cdf(k + 0.5, 0, 0.3) - stats.norm.cdf(k - 0.5, 0, 0.3)
    p = p[p > 0]
    want = -np.sum(p * np.log2(p))
    assert rounding_entropy_bits("gaussian", 0.0, 0.3) == pytest.approx(want, abs=1e-12)
    assert want == pytest.approx(0.55042, abs=5e-6)


def test_wide_prior_rate_is_differential_entropy_of_prior():
    # for b ≫ 1, h(Y + U′) → h(Y) = ½ log2(2πe σ²) (the box is negligible): σ = 50
    h_y = 0.5 * np.log2(2 * np.pi * np.e * 50.0**2)
    assert uq_conditional_entropy_bits("gaussian", 0.0, 50.0, n_u=64) == pytest.approx(h_y, abs=1e-4)


def test_step_scaling():
    # H(K|U) with step Δ equals H(K|U) of Y/Δ with step 1
    assert uq_conditional_entropy_bits("laplace", 0.0, 0.8, step=0.4) == pytest.approx(
        uq_conditional_entropy_bits("laplace", 0.0, 2.0), abs=1e-9)


def test_soft_round_rate_limits():
    h0 = uq_conditional_entropy_bits("gaussian", 0.0, 0.3)
    assert uq_conditional_entropy_bits("gaussian", 0.0, 0.3, alpha=0.0) == pytest.approx(h0, abs=1e-12)
    assert uq_conditional_entropy_bits("gaussian", 0.0, 0.3, alpha=1e5, n_u=512) == pytest.approx(
        rounding_entropy_bits("gaussian", 0.0, 0.3), abs=1e-5)


def test_bad_arguments():
    with pytest.raises(ValueError):
        uq_conditional_entropy_bits("gaussian", 0.0, -1.0)
    with pytest.raises(ValueError):
        rounding_entropy_bits("cauchy", 0.0, 1.0)
