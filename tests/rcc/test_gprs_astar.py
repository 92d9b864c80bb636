"""GPRS (global discrete/Gaussian, split-on-sample) and AS*: τ identities, exactness, round trips."""

import math

import numpy as np
import pytest
from scipy import integrate, stats

from refimpl.rcc._common import pooled_chisquare_pvalue
from refimpl.rcc import (GaussianTau, astar_decode_gaussian_1d, astar_encode_gaussian_1d,
                         gprs_decode_categorical, gprs_decode_gaussian_1d, gprs_encode_categorical,
                         gprs_encode_gaussian_1d, gprs_split_decode_gaussian_1d, gprs_split_encode_gaussian_1d,
                         gprs_tau_discrete)


def _qp(seed, a=8):
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.ones(a) * 0.5), rng.dirichlet(np.ones(a))


def test_discrete_tau_matches_quadrature():
    # second route: numerical integration of 1/E_p[(w − η)₊] (digest §7.11, rtol 1e-8)
    q, p = _qp(0)
    w = q / p
    f = lambda eta: 1.0 / np.sum(p * np.maximum(w - eta, 0.0))
    pts = sorted(set(w.tolist()))
    for h in (0.3, 1.0, 2.5, 0.999 * w.max()):
        brk = [0.0] + [x for x in pts if x < h] + [h]
        ref = sum(integrate.quad(f, lo, hi, epsabs=0, epsrel=1e-12)[0] for lo, hi in zip(brk[:-1], brk[1:]))
        assert math.isclose(float(gprs_tau_discrete(h, q, p)), ref, rel_tol=1e-8)
    assert gprs_tau_discrete(1.0001 * w.max(), q, p) == math.inf


def _excess_by_quadrature(a, s, h):
    """E_p[(w − h)₊] = ∫ (N(x; a, s²) − h·N(x; 0, 1))₊ dx by adaptive quadrature over x (independent of
    the code's closed form and level sets); the integrand is below 1e-30 outside a ± 14 s."""
    f = lambda x: max(stats.norm.pdf(x, a, s) - h * stats.norm.pdf(x), 0.0)
    lo, hi = a - 14 * s, a + 14 * s
    grid = np.linspace(lo, hi, 57)  # sub-intervals so quad resolves the two kinks of the positive part
    return sum(integrate.quad(f, u, v, limit=200, epsabs=1e-15, epsrel=1e-12)[0] for u, v in zip(grid[:-1], grid[1:]))


def test_gaussian_tau_solves_the_ode():
    # dτ/dh = 1/E_p[(w − h)₊] (the stretch ODE written for τ = σ⁻¹), central differences, rtol 1e-4;
    # the excess is computed here by quadrature over x, not with GaussianTau.excess
    tau = GaussianTau(0.8, 0.6)
    for h in (0.2, 0.9, 1.7, 0.8 * tau.w_max):
        eps = 1e-5 * max(h, 1)
        d = (tau(h + eps) - tau(h - eps)) / (2 * eps)
        ex = _excess_by_quadrature(0.8, 0.6, h)
        assert math.isclose(d, 1.0 / ex, rel_tol=1e-4)
        assert math.isclose(tau.excess(h), ex, rel_tol=1e-8)
    # excess at η = 0 is E_p[w] = 1
    assert math.isclose(_excess_by_quadrature(0.8, 0.6, 0.0), 1.0, rel_tol=1e-10)
    assert math.isclose(tau.excess(0.0), 1.0, rel_tol=1e-12)


def test_global_discrete_exact_and_mean_steps():
    # 4000 runs: chi² p > 1e-6; mean N within 5 se of max w (B12)
    q, p = _qp(1)
    z, n = [], []
    for s in range(4000):
        e = gprs_encode_categorical(q, p, s)
        z.append(e.sample)
        n.append(e.iterations)
    m = q > 0
    assert pooled_chisquare_pvalue(np.bincount(z, minlength=q.size)[m], q[m] * 4000) > 1e-6
    n = np.array(n)
    assert abs(n.mean() - np.max(q / p)) < 5 * n.std() / np.sqrt(n.size)
    e = gprs_encode_categorical(q, p, 7, mu_hat=3.0)
    assert gprs_decode_categorical(e.data, e.nbits, p, 7, 3.0) == e.sample


@pytest.mark.parametrize("enc,dec", [(gprs_encode_gaussian_1d, gprs_decode_gaussian_1d),
                                     (gprs_split_encode_gaussian_1d, gprs_split_decode_gaussian_1d),
                                     (astar_encode_gaussian_1d, astar_decode_gaussian_1d)])
def test_gaussian_samplers_round_trip_and_ks(enc, dec):
    # 600 runs each (quadrature τ keeps this short): KS p > 1e-6 against q (digest §7.1)
    xs = []
    for s in range(600):
        e = enc(0.7, 0.6, 0.2, 1.1, s, mu_hat=2.0)
        if s < 40:
            np.testing.assert_array_equal(dec(e.data, e.nbits, 0.2, 1.1, s, 2.0), e.sample)
        xs.append(e.sample[0])
    assert stats.kstest(xs, "norm", args=(0.7, 0.6)).pvalue > 1e-6


def test_refuses_unbounded_ratio():
    for enc in (gprs_encode_gaussian_1d, gprs_split_encode_gaussian_1d, astar_encode_gaussian_1d):
        with pytest.raises(ValueError):
            enc(1.0, 1.0, 0.0, 1.0, 0)


def test_triangular_gprs_matches_closed_form_and_refuses_bad_shape():
    from refimpl.rcc import gprs_encode_triangular, gprs_tau_triangular
    # τ(h) = h/(1 − hW/2): at h = 2.5, W = 0.4 it is 2.5/0.5 = 5; at the peak h = 5 it is infinite
    assert gprs_tau_triangular(2.5, 0.4) == 5.0 and np.isinf(gprs_tau_triangular(5.0, 0.4))
    e = gprs_encode_triangular(0.3, 0.7, 0.58, 3)
    assert 0.3 <= e.sample <= 0.7 and e.iterations == e.index + 1
    with pytest.raises(ValueError):
        gprs_encode_triangular(0.7, 0.3, 0.5, 0)


def test_cached_gaussian_tau_is_read_only():
    # _gaussian_tau is an lru_cache: a caller mutating the shared tables would corrupt later encodes
    from refimpl.rcc.gprs import _gaussian_tau
    tau = _gaussian_tau(0.8, 0.6)
    assert tau is _gaussian_tau(0.8, 0.6)
    for arr in (tau.nodes, tau.cum):
        assert not arr.flags.writeable
        with pytest.raises(ValueError):
            arr[0] = 1.0
    with pytest.raises(AttributeError):
        tau.cum = np.zeros(3)
    assert tau(1.0) == GaussianTau(0.8, 0.6)(1.0)
