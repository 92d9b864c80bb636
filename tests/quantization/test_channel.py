"""Uniform-noise channel densities and the conditional pmf P(k | u) (Agustsson & Theis 2020, §3)."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate, stats

from refimpl.quantization import (
    uq_conditional_pmf,
    uq_density,
    uq_information_bits,
    uq_log2_density,
    uq_log_mass_nats,
    uq_pmf_table,
)
from tests import hp

DISTS = {"gaussian": stats.norm, "laplace": stats.laplace, "logistic": stats.logistic}
families = st.sampled_from(sorted(DISTS))


def _naive_mass(family, lo, hi, loc, scale):
    """Second route: scipy.stats CDF/survival differences (fine away from the far tails)."""
    d = DISTS[family](loc, scale)
    return np.where((lo + hi) / 2 > loc, d.sf(lo) - d.sf(hi), d.cdf(hi) - d.cdf(lo))


@given(families, st.floats(-5, 5), st.floats(0.05, 20), st.floats(-30, 30))
def test_density_matches_scipy(family, loc, scale, t):
    want = _naive_mass(family, t - 0.5, t + 0.5, loc, scale)
    got = uq_density(np.array([t]), family, loc, scale)[0]
    assert got == pytest.approx(want, rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("family", sorted(DISTS))
@pytest.mark.parametrize("scale", [0.05, 0.3, 1.7, 40.0])
def test_density_integrates_to_one(family, scale):
    lim = 80 * scale + 5
    val = integrate.quad(lambda t: uq_density(np.array([t]), family, 0.3, scale)[0], -lim, lim,
                         points=[0.3 - 0.5, 0.3 + 0.5], limit=500)[0]
    assert val == pytest.approx(1.0, abs=1e-8)


@pytest.mark.parametrize("family", sorted(DISTS))
def test_pmf_sums_to_one_for_any_u(family):
    k = np.arange(-400, 401)
    for u in (-0.5, -0.21, 0.0, 0.37, 0.5):
        p = uq_conditional_pmf(k, np.full(k.shape, u), family, 0.4, 2.3)
        assert p.sum() == pytest.approx(1.0, abs=1e-12)


def test_pmf_with_step():
    # Δ = 0.25: P(K = k | u) = c(Δk + u + Δ/2) − c(Δk + u − Δ/2)
    k = np.arange(-3, 4)
    u = np.full(7, 0.1)
    want = stats.norm.cdf(0.25 * k + 0.1 + 0.125, 0, 0.7) - stats.norm.cdf(0.25 * k + 0.1 - 0.125, 0, 0.7)
    np.testing.assert_allclose(uq_conditional_pmf(k, u, "gaussian", 0.0, 0.7, step=0.25), want, rtol=1e-12)
    np.testing.assert_allclose(uq_density(0.25 * k + 0.1, "gaussian", 0.0, 0.7, step=0.25), want / 0.25, rtol=1e-12)


def test_far_tails_stable():
    cdfs = {"gaussian": hp.normal_cdf, "laplace": hp.laplace_cdf, "logistic": hp.logistic_cdf}
    half = hp.D(0.5)
    for family, t in (("gaussian", 30.0), ("gaussian", -38.0), ("laplace", 700.0), ("laplace", -2000.0),
                      ("logistic", 600.0), ("logistic", -5000.0)):
        c = cdfs[family]
        with hp.digits(50):
            tt = -abs(hp.D(t))  # symmetric families: reflect so that 50 digits suffice
            exact = hp.ln(c(tt + half) - c(tt - half))
        got = uq_log_mass_nats(t - 0.5, t + 0.5, family, 0.0, 1.0)
        assert np.isfinite(got)
        assert float(got) == pytest.approx(float(exact), rel=1e-12, abs=0)


def test_tiny_interval_relative_accuracy():
    # for a very wide prior the mass of a unit cell is ≈ pdf·1; no catastrophic cancellation
    got = uq_density(np.array([0.0, 3e5]), "gaussian", 0.0, 1e6)
    want = stats.norm.pdf([0.0, 3e5], 0, 1e6)
    np.testing.assert_allclose(got, want, rtol=1e-9)


@given(families, st.floats(-3, 3), st.floats(0.1, 5), st.integers(0, 2**32))
def test_table_rows_are_normalised_pmfs(family, loc, scale, seed):
    n, size = 9, 13
    rng_u = (np.arange(n) / n) - 0.5 + 0.01 * (seed % 7)
    u = np.clip(rng_u, -0.5, 0.5)
    k_low = np.arange(n) - 6
    tab = uq_pmf_table(u, family, loc, scale, k_low, size)
    assert tab.shape == (n, size)
    np.testing.assert_allclose(tab.sum(axis=1), 1.0, atol=1e-12)
    for i in range(n):  # same as the per-element pmf renormalised over the support
        k = k_low[i] + np.arange(size)
        p = uq_conditional_pmf(k, np.full(size, u[i]), family, loc, scale)
        normal = p > 1e-290  # subnormal masses of the naive route have lost their relative precision
        if p.sum() > 1e-200:
            np.testing.assert_allclose(tab[i][normal], (p / p.sum())[normal], rtol=1e-9)
            assert np.all(tab[i][~normal] < 1e-90)  # true value < 1e-290 / 1e-200


def test_table_never_all_zero_far_from_prior():
    tab = uq_pmf_table(np.zeros(2), "gaussian", 0.0, 1.0, np.array([1000, -5000]), 5)
    assert np.all(np.isfinite(tab)) and np.all(tab.sum(axis=1) > 0.999)


def test_soft_rounded_density_integrates_to_one():
    for alpha in (1.0, 5.0, 20.0):
        edges = np.arange(-14, 14) + 0.5  # ±7σ; kinks of the density sit at the half-integers
        f = lambda t: uq_density(np.array([t]), "gaussian", 0.0, 2.0, alpha=alpha)[0]
        val = sum(integrate.quad(f, a, b, limit=200)[0] for a, b in zip(edges[:-1], edges[1:]))
        assert val == pytest.approx(1.0, abs=1e-7)


def test_soft_rounded_density_matches_histogram():
    # digest §3.2: density of s_α(Z) + U, Z ~ N(0, 2²), α = 3, by a histogram of 2·10⁵ samples:
    # bin counts are binomial, so each bin is within 5 standard errors (Bonferroni over 40 bins)
    from refimpl import random as R
    from refimpl.quantization import soft_round
    n = 200_000
    z = 2.0 * R.normal(1, 0, np.arange(n, dtype=np.uint64))
    v = soft_round(z, 3.0) + (R.uniform(1, 3, np.arange(n, dtype=np.uint64)) - 0.5)
    edges = np.linspace(-5, 5, 41)
    counts, _ = np.histogram(v, edges)
    probs = np.array([integrate.quad(lambda t: uq_density(np.array([t]), "gaussian", 0.0, 2.0, alpha=3.0)[0], a, b)[0]
                      for a, b in zip(edges[:-1], edges[1:])])
    se = np.sqrt(n * probs * (1 - probs))
    assert np.all(np.abs(counts - n * probs) < 5 * se)


def test_information_bits():
    k = np.array([0, 1, -2])
    u = np.array([0.1, -0.3, 0.45])
    bits = uq_information_bits(k, u, "laplace", 0.2, 0.8)
    np.testing.assert_allclose(bits, -np.log2(uq_conditional_pmf(k, u, "laplace", 0.2, 0.8)), rtol=1e-12)


@pytest.mark.parametrize("kw", [
    dict(family="cauchy"), dict(scale=0.0), dict(scale=-1.0), dict(loc=np.nan),
    dict(loc=np.zeros(4)),
])
def test_bad_priors(kw):
    args = dict(family="gaussian", loc=0.0, scale=1.0)
    args.update(kw)
    with pytest.raises(ValueError):
        uq_conditional_pmf(np.zeros(3, dtype=np.int64), np.zeros(3), **args)


def test_bad_pmf_inputs():
    with pytest.raises(ValueError, match="same shape"):
        uq_conditional_pmf(np.zeros(3, dtype=np.int64), np.zeros(2), "gaussian", 0.0, 1.0)
    with pytest.raises(ValueError, match="integer"):
        uq_conditional_pmf(np.zeros(3), np.zeros(3), "gaussian", 0.0, 1.0)
    with pytest.raises(ValueError, match="u must"):
        uq_conditional_pmf(np.zeros(1, dtype=np.int64), np.array([0.9]), "gaussian", 0.0, 1.0)
    with pytest.raises(ValueError):
        uq_log2_density(np.array([np.nan]), "gaussian", 0.0, 1.0)
    assert math.isinf(float(uq_log_mass_nats(1.0, 1.0, "gaussian", 0.0, 1.0)))
