"""Non-Gaussian 1-D data (refimpl.diffc.mixture): exact denoiser, quantile map = flow map,
distortions by quadrature vs Monte Carlo, D_A/D_F → 2."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from refimpl import random as R
from refimpl.diffc import gaussian as G
from refimpl.diffc import mixture as MX

MIX = MX.DIGEST_MIXTURE


def _sample(mix, n, seed):
    """X ~ mix by categorical component then normal (Philox streams 0, 1)."""
    idx = np.arange(n, dtype=np.uint64)
    k = np.searchsorted(np.cumsum(mix.weights), R.uniform(seed, 0, idx), side="right")
    k = np.minimum(k, len(mix.weights) - 1)
    return mix.means[k] + mix.sds[k] * R.normal(seed, 1, idx)


@st.composite
def mixtures(draw):
    k = draw(st.integers(1, 4))
    w = np.array(draw(st.lists(st.floats(0.05, 1.0), min_size=k, max_size=k)))
    m = np.array(draw(st.lists(st.floats(-3.0, 3.0), min_size=k, max_size=k)))
    s = np.array(draw(st.lists(st.floats(0.1, 2.0), min_size=k, max_size=k)))
    return MX.Mixture(w / w.sum(), m, s)


def test_posterior_moments_against_bayes_quadrature():
    """Second route: E[X|z], Var(X|z) from ∫ x p(x) N(z; αx, σ²) dx by dense trapezoid in x."""
    s = 0.4
    a = math.sqrt(1 - s * s)
    x = np.linspace(-8, 8, 400_001)
    px = sum(w * stats.norm.pdf(x, m, sd) for w, m, sd in zip(*MIX))
    for z in (-2.5, 0.0, 1.3, 2.9):
        lik = px * stats.norm.pdf(z, a * x, s)
        norm = np.trapezoid(lik, x)
        mean = np.trapezoid(x * lik, x) / norm
        var = np.trapezoid((x - mean) ** 2 * lik, x) / norm
        m, v = MX.posterior_moments(MIX, s, z)
        assert m == pytest.approx(mean, abs=1e-8) and v == pytest.approx(var, rel=1e-7)


def test_single_component_reduces_to_gaussian_closed_forms():
    lam = 2.5
    mix = MX.Mixture(np.array([1.0]), np.array([0.0]), np.array([math.sqrt(lam)]))
    for s in (0.05, 0.5, 0.9):
        d = MX.mixture_distortions(mix, s)
        assert d.mean == pytest.approx(G.gaussian_distortion([lam], s, "mean"), rel=1e-9)
        assert d.flow == pytest.approx(G.gaussian_distortion([lam], s, "flow"), rel=1e-9)
        z = np.linspace(-3, 3, 7)
        np.testing.assert_allclose(MX.quantile_map(mix, s, z), G.flow_gain([lam], s) * z, rtol=1e-12, atol=1e-13)
        assert MX.mixture_information_bits(mix, s) == pytest.approx(G.gaussian_rate([lam], s), rel=1e-9)


def test_ddim_reproduces_linear_flow_map_for_gaussian():
    """Digest §1.8 item 8: DDIM with the exact Gaussian denoiser, 1e4 log-SNR-uniform steps, gives c·z
    to 1e-3 (DDIM is a first-order scheme: error ~ 1/steps)."""
    lam, s = 0.7, 0.6
    mix = MX.Mixture(np.array([1.0]), np.array([0.0]), np.array([math.sqrt(lam)]))
    z = np.linspace(-2, 2, 9)
    got = MX.ddim_flow(mix, s, z, 10_000)
    np.testing.assert_allclose(got, G.flow_gain([lam], s) * z, atol=1e-3)


def test_ddim_converges_to_quantile_map_first_order():
    z = np.linspace(-3, 4, 15)
    want = MX.quantile_map(MIX, 0.5, z)
    e1 = np.max(np.abs(MX.ddim_flow(MIX, 0.5, z, 500) - want))
    e2 = np.max(np.abs(MX.ddim_flow(MIX, 0.5, z, 2000) - want))
    assert e2 < 1e-2 and e2 < 0.4 * e1  # 4× the steps: error shrinks ~4× (first order)


def test_distortions_against_monte_carlo():
    """Quadrature vs sampling (n = 5e4): MSE of the posterior mean, a posterior sample (via the
    identity D_A = 2 E Var) and the quantile map within 5 SE (SE from the per-draw squared error)."""
    n, s = 50_000, 0.3
    a = math.sqrt(1 - s * s)
    x = _sample(MIX, n, 8)
    z = a * x + s * R.normal(8, 2, np.arange(n, dtype=np.uint64))
    d = MX.mixture_distortions(MIX, s)
    mean, var = MX.posterior_moments(MIX, s, z)
    for err, want in (((x - mean) ** 2, d.mean), ((x - MX.quantile_map(MIX, s, z)) ** 2, d.flow)):
        assert abs(err.mean() - want) < 5 * err.std(ddof=1) / math.sqrt(n)


def test_quantile_map_pushes_z_onto_x():
    """KS test: T(Z) has the law of X (fixed seed; a correct map fails with probability 1e-4)."""
    n, s = 20_000, 0.5
    a = math.sqrt(1 - s * s)
    x = _sample(MIX, n, 9)
    z = a * x + s * R.normal(9, 2, np.arange(n, dtype=np.uint64))
    t = MX.quantile_map(MIX, s, z)
    p = stats.kstest(t, lambda v: MX.mixture_cdf(MIX, v)).pvalue
    assert p > 1e-4


@settings(max_examples=15)
@given(mixtures(), st.floats(0.05, 0.95))
def test_quantile_map_is_monotone_and_inverts(mix, s):
    z = np.linspace(-5, 5, 41)
    t = MX.quantile_map(mix, s, z)
    assert np.all(np.diff(t) > 0)
    np.testing.assert_allclose(MX.inverse_quantile_map(mix, s, t), z, atol=1e-9)


@settings(max_examples=10)
@given(mixtures())
def test_three_db_limit_for_random_mixtures(mix):
    """At σ = 0.01·min sd every component is high-rate: D_A/D_F ≥ 1.98 (per-component
    2 − ratio ≈ σ²/(2 s²) = 5e-5, plus the posterior's mixing between components)."""
    s = 0.01 * float(np.min(mix.sds))
    d = MX.mixture_distortions(mix, s)
    ratio = d.ancestral / d.flow
    assert ratio >= 1.98 and ratio <= 2.0 + 1e-9
    assert d.mean <= d.flow <= d.ancestral * (1 + 1e-9)


@pytest.mark.parametrize("mix", [
    ([0.5, 0.6], [0.0, 1.0], [1.0, 1.0]),       # weights do not sum to 1
    ([1.0], [0.0], [0.0]),                      # zero sd
    ([1.0], [np.nan], [1.0]),                   # non-finite mean
    ([0.5, 0.5], [0.0], [1.0, 1.0]),            # ragged
    ([], [], []),
])
def test_bad_mixture(mix):
    with pytest.raises(ValueError, match="mix"):
        MX.mixture_distortions(mix, 0.5)


def test_bad_sigma_and_steps():
    with pytest.raises(ValueError, match="sigma"):
        MX.quantile_map(MIX, 1.0, [0.0])
    with pytest.raises(ValueError, match="steps"):
        MX.ddim_flow(MIX, 0.5, [0.0], 0)
    with pytest.raises(ValueError, match="distortion"):
        MX.shannon_lower_bound_bits(MIX, 0.0)
