"""Closed forms of DiffC on Gaussian data (refimpl.diffc.gaussian): properties, second routes,
Monte Carlo, and bad input."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import refimpl.diffc as D
from refimpl import random as R
from refimpl.diffc import claims as K
from refimpl.diffc import gaussian as G
from refimpl.rd import gaussian_distortion_rate
from tests import hp

lams = st.lists(st.floats(1e-3, 1e3), min_size=1, max_size=64).map(np.array)
sigmas = st.floats(1e-3, 0.999)


@given(st.integers(1, 64), sigmas)
def test_unit_variance_rate_is_minus_log2_sigma(d, s):
    assert D.gaussian_rate(np.ones(d), s) / d == pytest.approx(-math.log2(s), rel=1e-12)


@given(lams, sigmas)
def test_ancestral_is_twice_mean_and_ratio_is_one_plus_rho(lam, s):
    assert D.gaussian_distortion(lam, s, "ancestral") == 2 * D.gaussian_distortion(lam, s, "mean")
    ratio = G.gaussian_distortion_per_dim(lam, s, "ancestral") / G.gaussian_distortion_per_dim(lam, s, "flow")
    np.testing.assert_allclose(ratio, 1 + G.gaussian_correlation(lam, s), rtol=1e-13)


@given(lams, sigmas)
def test_orderings(lam, s):
    fails = K.orderings_failures(lam, s, rtol=1e-9)
    assert not any(fails.values()), fails


@given(lams, sigmas, sigmas)
def test_monotone_in_sigma(lam, s1, s2):
    s1, s2 = min(s1, s2), max(s1, s2)
    assert D.gaussian_rate(lam, s1) >= D.gaussian_rate(lam, s2)
    for m in G.MODES:
        assert D.gaussian_distortion(lam, s1, m) <= D.gaussian_distortion(lam, s2, m)


@given(st.integers(1, 64), st.floats(1e-3, 1e3), sigmas)
def test_isotropic_flow_equals_realism_optimum(d, v, s):
    lam = np.full(d, v)
    df = D.gaussian_distortion(lam, s, "flow")
    assert D.realism_distortion_rate(lam, D.gaussian_rate(lam, s)) == pytest.approx(df, rel=1e-9)


@given(lams, st.floats(1e-3, 200.0))
def test_sigma_for_rate_inverts_rate(lam, rate):
    try:
        s = G.sigma_for_rate(lam, rate)
    except ValueError:  # σ underflows in float64 at extreme rates per dimension
        assert rate / lam.size > 20
        return
    # near σ = 1 (low rate) σ itself carries only ~ulp(1)/(1 − σ) relative information about R
    assert D.gaussian_rate(lam, s) == pytest.approx(rate, rel=1e-9 + 1e-15 / (1 - s))


@given(lams, st.floats(0.0, 100.0))
def test_realism_optimum_satisfies_kkt_and_rate(lam, rate):
    opt = G.realism_optimum(lam, rate)
    assert float(np.sum(opt.rate_per_dim)) == pytest.approx(rate, rel=1e-9, abs=1e-12)
    if rate > 0:
        kkt = lam * (1 - opt.r**2) / opt.r
        ok = 1 - opt.r > 1e-4  # the naive 1 − r² of this check cancels as r → 1
        np.testing.assert_allclose(kkt[ok], opt.mu, rtol=1e-9)
        # every component gets positive rate (no cut-off, unlike water-filling)
        assert np.all(opt.r > 0)


def test_scalar_flow_is_diffc_eq_11():
    # DiffC eq. (11) as quoted: scalar unit variance D_F = 2(1 − √(1 − σ²))
    for s in (0.01, 0.3, 0.9):
        assert D.gaussian_distortion([1.0], s, "flow") == pytest.approx(2 * (1 - math.sqrt(1 - s * s)), rel=1e-12)


def test_high_rate_stability_against_decimal():
    for lam, s in ((1e3, 1e-3), (1e-3, 1e-3), (1.0, 0.999), (1e-3, 0.999)):
        with hp.digits(50):
            a2 = 1 - hp.D(s) ** 2
            snr = a2 / hp.D(s) ** 2
            rate = hp.log2(1 + snr * hp.D(lam)) / 2
            rho = hp.sqrt(a2 * hp.D(lam) / (a2 * hp.D(lam) + hp.D(s) ** 2))
            flow = 2 * hp.D(lam) * (1 - rho)
            mean = hp.D(lam) * (1 - rho**2)
        assert D.gaussian_rate([lam], s) == pytest.approx(float(rate), rel=1e-13, abs=0)
        assert D.gaussian_distortion([lam], s, "flow") == pytest.approx(float(flow), rel=1e-13, abs=0)
        assert D.gaussian_distortion([lam], s, "mean") == pytest.approx(float(mean), rel=1e-13, abs=0)


def test_general_covariance_via_eigenvalues():
    rng = np.random.Generator(np.random.Philox(5))
    a = rng.standard_normal((6, 6))
    cov = a @ a.T + 0.1 * np.eye(6)
    lam = G.gaussian_spectrum(cov)
    np.testing.assert_allclose(np.sort(lam), np.sort(np.linalg.eigvalsh(cov)), rtol=1e-12)
    # rate of a general Σ by the log-determinant route: ½ log2 det(I + snr Σ)
    s = 0.4
    snr = (1 - s * s) / (s * s)
    _, logdet = np.linalg.slogdet(np.eye(6) + snr * cov)
    assert D.gaussian_rate(lam, s) == pytest.approx(0.5 * logdet / math.log(2), rel=1e-12)
    with pytest.raises(ValueError, match="symmetric"):
        G.gaussian_spectrum(a)
    with pytest.raises(ValueError, match="positive definite"):
        G.gaussian_spectrum(-np.eye(2))


def test_monte_carlo_distortions_and_realism():
    """Sample X, Z_t; compare the MSE of the three decoders with the closed forms within 5 SE
    (SE from the sample standard deviation of the per-draw squared error, n = 2e5 draws)."""
    lam = np.array([4.0, 1.0, 0.3, 0.05, 0.01])
    s = 0.3
    n = 200_000
    idx = np.arange(n, dtype=np.uint64)
    x = R.normal(11, 0, idx, d=lam.size) * np.sqrt(lam)
    u = R.normal(11, 1, idx, d=lam.size)
    w = R.normal(11, 2, idx, d=lam.size)
    a = math.sqrt(1 - s * s)
    z = a * x + s * u
    mean = G.posterior_gain(lam, s) * z
    post_var = lam * s * s / (a * a * lam + s * s)
    outs = {"mean": mean, "ancestral": mean + np.sqrt(post_var) * w, "flow": G.flow_gain(lam, s) * z}
    for mode, xh in outs.items():
        err = np.sum((x - xh) ** 2, axis=1)
        se = err.std(ddof=1) / math.sqrt(n)
        assert abs(err.mean() - D.gaussian_distortion(lam, s, mode)) < 5 * se, mode
    # realism: the flow output has variance λ_i (SE of a sample variance: λ √(2/n))
    np.testing.assert_array_less(np.abs(outs["flow"].var(axis=0) - lam), 5 * lam * math.sqrt(2 / n))
    np.testing.assert_array_less(np.abs(outs["ancestral"].var(axis=0) - lam), 5 * lam * math.sqrt(2 / n))


def test_shannon_curve_is_the_shared_one():
    # D* comes from refimpl.rd (shared, not duplicated): scalar check σ²·2^-2R
    p = G.curves_at_rate([2.0], 1.5)
    assert p.shannon == pytest.approx(2.0 * 2 ** -3, rel=1e-12)
    assert p.shannon == gaussian_distortion_rate([2.0], 1.5)


@pytest.mark.parametrize("lam", [[], [[1.0]], [1.0, 0.0], [-1.0], [1.0, np.nan], [np.inf], "abc"])
def test_bad_lambda(lam):
    with pytest.raises(ValueError, match="lam"):
        D.gaussian_rate(lam, 0.5)
    with pytest.raises(ValueError, match="lam"):
        D.realism_distortion_rate(lam, 1.0)


@pytest.mark.parametrize("s", [0.0, 1.0, -0.1, 1.5, np.nan, np.inf, True, "x", None])
def test_bad_sigma(s):
    with pytest.raises(ValueError, match="sigma"):
        D.gaussian_rate([1.0], s)
    with pytest.raises(ValueError, match="sigma"):
        D.gaussian_distortion([1.0], s, "flow")


def test_bad_mode_and_rate():
    with pytest.raises(ValueError, match="mode"):
        D.gaussian_distortion([1.0], 0.5, "median")
    for r in (-1.0, np.nan, np.inf, None):
        with pytest.raises(ValueError, match="rate"):
            D.realism_distortion_rate([1.0], r)
    with pytest.raises(ValueError, match="rate"):
        G.sigma_for_rate([1.0], 0.0)
