"""GRS (exact discrete) and hybrid coding: round trips, second routes, laws, errors."""

import numpy as np
import pytest
from scipy import stats

from refimpl.rcc._common import pooled_chisquare_pvalue
from refimpl.errors import DecodeError
from refimpl.rcc import (grs_decode_categorical, grs_encode_categorical, grs_expected_steps, grs_mu_hat,
                         hybrid_cost_bounds, hybrid_decode_gaussian, hybrid_encode_gaussian,
                         hybrid_gaussian_setup, select_categorical_fast)


def _qp(seed, a=7):
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.ones(a) * 0.3), rng.dirichlet(np.ones(a))


def test_grs_expected_steps_is_sup_w():
    # digest B10 / §7.9: exact recursion = max w to 1e-9 relative
    for s in range(5):
        q, p = _qp(s)
        assert np.isclose(grs_expected_steps(q, p), np.max(q / p), rtol=1e-9)


def test_grs_encode_equals_kernel_and_round_trip():
    q, p = _qp(0)
    mu = grs_mu_hat(q, p)
    for s in range(40):
        e = grs_encode_categorical(q, p, s)
        i, z = select_categorical_fast(q, p, e.iterations, [s], "grs")
        assert (i[0], z[0]) == (e.index, e.sample)
        assert grs_decode_categorical(e.data, e.nbits, p, s, mu) == e.sample


def test_grs_exact_law_and_mean_steps():
    # 20000 runs with N = 4096 (P(not accepted) < (1 − 1/max w)^4096 ≈ 0): chi² p > 1e-6;
    # mean steps within 5 standard errors of max w (digest §7.9)
    q, p = _qp(1)
    n = 20000
    idx, z = select_categorical_fast(q, p, 4096, np.arange(n), "grs")
    assert np.all(idx >= 0)
    m = q > 0
    assert pooled_chisquare_pvalue(np.bincount(z, minlength=q.size)[m], q[m] * n) > 1e-6
    k = idx + 1
    assert abs(k.mean() - np.max(q / p)) < 5 * k.std() / np.sqrt(n)


def test_rs_mean_steps():
    q, p = _qp(2)
    n = 20000
    idx, z = select_categorical_fast(q, p, 8192, np.arange(n), "rs")
    assert np.all(idx >= 0)
    k = idx + 1
    assert abs(k.mean() - np.max(q / p)) < 5 * k.std() / np.sqrt(n)
    m = q > 0
    assert pooled_chisquare_pvalue(np.bincount(z, minlength=q.size)[m], q[m] * n) > 1e-6


SX = np.array([40.0, 20.0])
SP = np.sqrt(1 + SX**2)
INFO = float(np.sum(0.5 * np.log2(1 + SX**2)))


def test_hybrid_notebook_grid_and_bounds():
    # digest §5.2: M = (12, 6), I = 9.6461, upper bound 15.8084 (notebook output)
    st = hybrid_gaussian_setup([0.0, 0.0], 1.0, 0.0, SP)
    assert st.m.tolist() == [12, 6]
    lo, hi = hybrid_cost_bounds(INFO, st.m)
    assert abs(lo - 9.6461) < 1e-4 and abs(hi - 15.8084) < 1e-4
    # M does not depend on μ_q
    assert hybrid_gaussian_setup([123.0, -7.0], 1.0, 0.0, SP).m.tolist() == [12, 6]


def test_hybrid_round_trip_and_truncated_normal_residuals():
    rng = np.random.default_rng(0)
    res = []
    for i in range(400):
        mu = rng.normal(size=2) * SX
        e = hybrid_encode_gaussian(mu, 1.0, 0.0, SP, seed=i, info_bits=INFO)
        z = hybrid_decode_gaussian(e.data, e.nbits, 1.0, 0.0, SP, i, INFO)
        np.testing.assert_array_equal(z, e.sample)
        assert np.all(e.k >= 0) and np.all(e.k < [12, 6])
        res.append(e.sample - mu)
    res = np.array(res)
    h = stats.norm.isf((1 - (1 - 1e-4) ** 0.5) / 2)
    for j in range(2):  # KS p > 1e-6 against the truncated standard normal (digest §7.13)
        assert stats.kstest(res[:, j], stats.truncnorm(-h, h).cdf).pvalue > 1e-6
    with pytest.raises(DecodeError):
        hybrid_decode_gaussian(e.data, e.nbits - 1, 1.0, 0.0, SP, i, INFO)


def test_hybrid_point_like_uniform_target_needs_no_search():
    # σ_q tiny: the target is far narrower than a grid cell; still decodes exactly
    e = hybrid_encode_gaussian([0.3], 0.01, 0.0, 1.0, seed=4, info_bits=5.0)
    assert np.array_equal(hybrid_decode_gaussian(e.data, e.nbits, 0.01, 0.0, 1.0, 4, 5.0), e.sample)
    assert abs(e.sample[0] - 0.3) < 0.05
