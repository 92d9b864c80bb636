"""The discrete DiffC chain (refimpl.diffc.chain): posterior coefficients by Gaussian conditioning,
the KL identity, chain sums, Monte Carlo, bad input."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from refimpl import random as R
from refimpl.diffc import chain as CH
from refimpl.diffc import gaussian as G

pairs = st.tuples(st.floats(1e-3, 0.999), st.floats(1e-3, 0.999)).filter(lambda p: abs(p[0] - p[1]) > 1e-6)


@given(pairs, st.floats(1e-3, 1e3))
def test_step_coefficients_by_gaussian_conditioning(p, lam):
    """Second route: condition the joint Gaussian (x, z_s, z_t) on (z_t, x) with linear algebra."""
    ss, st_ = sorted(p)
    a_s, a_t = math.sqrt(1 - ss**2), math.sqrt(1 - st_**2)
    # z_s = a_s x + ss u1;  z_t = (a_t/a_s) z_s + sqrt(st² − (a_t/a_s)² ss²) u2
    cov = np.array([[lam, a_s * lam, a_t * lam],
                    [a_s * lam, a_s**2 * lam + ss**2, (a_t / a_s) * (a_s**2 * lam + ss**2)],
                    [a_t * lam, (a_t / a_s) * (a_s**2 * lam + ss**2), a_t**2 * lam + st_**2]])
    # regress z_s (index 1) on (z_t, x) = indices (2, 0)
    S = cov[np.ix_([2, 0], [2, 0])]
    k = np.linalg.solve(S, cov[[2, 0], 1])
    var = cov[1, 1] - cov[1, [2, 0]] @ k
    b, c, beta2 = CH.step_coefficients(ss, st_)
    # the regression is ill-conditioned when the levels are close (S nearly singular)
    tol = 1e-7 / max(st_ - ss, 1e-3) ** 2
    assert b == pytest.approx(k[0], rel=tol, abs=tol)
    assert c == pytest.approx(k[1], rel=tol, abs=tol)
    assert beta2 == pytest.approx(var, rel=tol, abs=tol * lam)
    # identity c²/β² = SNR_s − SNR_t
    assert c * c / beta2 == pytest.approx(float(CH.snr(ss) - CH.snr(st_)), rel=1e-9)


def test_exact_chain_steps_are_conditional_informations():
    lam = np.array([3.0, 0.5, 0.02])
    sg = CH.logsnr_schedule(7, 0.1, 0.95)
    per = CH.exact_chain_rate(lam, sg).per_step_bits
    assert per[0] == pytest.approx(G.gaussian_rate(lam, sg[-1]), rel=1e-12)
    for j, k in enumerate(range(7, 0, -1), start=1):
        # I(X; Z_{k−1} | Z_k) = I(X; Z_{k−1}) − I(X; Z_k) by the Markov property
        want = G.gaussian_rate(lam, sg[k - 1]) - G.gaussian_rate(lam, sg[k])
        assert per[j] == pytest.approx(want, rel=1e-10)


@given(st.lists(st.floats(1e-3, 1e3), min_size=1, max_size=8).map(np.array), st.integers(1, 300))
def test_exact_chain_sums_to_mutual_information(lam, T):
    sg = CH.logsnr_schedule(T, 0.01, 0.999)
    assert CH.exact_chain_rate(lam, sg).total == pytest.approx(G.gaussian_rate(lam, 0.01), rel=1e-10)


@given(st.lists(st.floats(1e-3, 1e3), min_size=1, max_size=8).map(np.array), st.integers(1, 200))
def test_vdm_chain_upper_bounds_and_refines(lam, T):
    coarse = CH.vdm_chain_rate(lam, CH.logsnr_schedule(T, 0.05, 0.99), prior="exact").total
    fine = CH.vdm_chain_rate(lam, CH.logsnr_schedule(2 * T, 0.05, 0.99), prior="exact").total
    mi = G.gaussian_rate(lam, 0.05)
    assert mi <= fine * (1 + 1e-12) and fine <= coarse * (1 + 1e-12)


def test_vdm_chain_converges_to_i_mmse_integral():
    """Second route: ½∫ mmse(snr) dsnr by quadrature (I–MMSE) equals I(X; Z_t) in nats."""
    from scipy.integrate import quad

    lam = 2.0
    lo, hi = float(CH.snr(0.999)), float(CH.snr(0.2))
    integral = quad(lambda g: 0.5 * lam / (1 + g * lam), lo, hi, epsabs=1e-13)[0] + 0.5 * math.log1p(lo * lam)
    assert integral / math.log(2) == pytest.approx(G.gaussian_rate([lam], 0.2), rel=1e-10)
    sg = CH.logsnr_schedule(20000, 0.2, 0.999)
    assert CH.vdm_chain_rate([lam], sg, prior="exact").total == pytest.approx(integral / math.log(2), rel=1e-3)


def test_per_step_kl_monte_carlo():
    """E over (x, z_t) of the per-sample KL against the exact reverse kernel equals the closed form
    within 5 SE (n = 1e5 draws; SE from the sample standard deviation)."""
    lam, ss, st_ = 1.7, 0.3, 0.6
    n = 100_000
    idx = np.arange(n, dtype=np.uint64)
    x = math.sqrt(lam) * R.normal(3, 0, idx)
    zt = math.sqrt(1 - st_**2) * x + st_ * R.normal(3, 1, idx)
    b, c, beta2 = CH.step_coefficients(ss, st_)
    g = G.posterior_gain([lam], st_)[0]
    post_var = lam * st_**2 / ((1 - st_**2) * lam + st_**2)
    vp = beta2 + c * c * post_var
    kl = 0.5 * ((c * x - c * g * zt) ** 2 / vp + beta2 / vp - 1 - math.log(beta2 / vp))
    want = (G.gaussian_rate([lam], ss) - G.gaussian_rate([lam], st_)) * math.log(2)
    assert abs(kl.mean() - want) < 5 * kl.std(ddof=1) / math.sqrt(n)


def test_logsnr_schedule_is_uniform_in_log_snr():
    sg = CH.logsnr_schedule(10, 0.01, 0.99)
    assert sg[0] == 0.01 and sg[-1] == 0.99
    np.testing.assert_allclose(np.diff(CH.snr(sg, log=True)), np.diff(CH.snr(sg, log=True))[0], rtol=1e-9)


@pytest.mark.parametrize("sg", [[], [0.5, 0.5], [0.6, 0.4], [0.0, 0.5], [0.5, 1.0], [np.nan], [[0.1, 0.2]]])
def test_bad_schedule(sg):
    with pytest.raises(ValueError, match="sigmas"):
        CH.check_schedule(sg)


def test_bad_levels_and_arguments():
    sg = CH.logsnr_schedule(4, 0.1, 0.9)
    for t in (-1, 5, 1.5, True):
        with pytest.raises(ValueError, match="t must"):
            CH.exact_chain_rate([1.0], sg, t)
    with pytest.raises(ValueError, match="T must"):
        CH.logsnr_schedule(0, 0.1, 0.9)
    with pytest.raises(ValueError, match="prior"):
        CH.vdm_chain_rate([1.0], sg, prior="flat")
    with pytest.raises(ValueError, match="lam"):
        CH.vdm_chain_rate([0.0], sg)
