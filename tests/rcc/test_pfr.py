"""Exact PFR: twin = kernel, decode = encode, index = truncated argmin, exactness and index law."""

import numpy as np
import pytest
from scipy import stats

from refimpl.errors import DecodeError
from refimpl.rcc._common import kl_bits, pooled_chisquare_pvalue, tv_tolerance
from refimpl.rcc import (RccCapError, pfr_decode_categorical, pfr_decode_gaussian, pfr_encode_categorical,
                         pfr_encode_gaussian, pfr_index_law, select_categorical, select_categorical_fast)


def _qp(seed, a=6):
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.ones(a) * 0.4), rng.dirichlet(np.ones(a) * 2.0)


def test_twin_equals_kernel_and_truncated_argmin():
    q, p = _qp(0)
    for s in range(25):
        e, t = pfr_encode_categorical(q, p, s), pfr_encode_categorical(q, p, s, fast=False)
        assert e == t
        assert select_categorical(q, p, e.iterations, s, "pfr").index == e.index
        assert select_categorical(q, p, e.iterations + 50, s, "pfr").index == e.index


def test_gaussian_twin_equals_kernel_and_decode():
    for s in range(8):
        args = ([0.4, -1.0], [0.6, 0.5], [0.1, 0.0], [1.0, 1.2], s)
        e, t = pfr_encode_gaussian(*args), pfr_encode_gaussian(*args, fast=False)
        assert (e.index, e.iterations) == (t.index, t.iterations)
        e = pfr_encode_gaussian(*args, mu_hat=3.0)
        z = pfr_decode_gaussian(e.data, e.nbits, [0.1, 0.0], [1.0, 1.2], s, mu_hat=3.0)
        np.testing.assert_array_equal(z, e.sample)


def test_categorical_decode_round_trip():
    q, p = _qp(1)
    for s in range(30):
        e = pfr_encode_categorical(q, p, s, mu_hat=2.5)
        assert pfr_decode_categorical(e.data, e.nbits, p, s, 2.5) == e.sample
    with pytest.raises(DecodeError):
        pfr_decode_categorical(e.data, 0, p, s, 2.5)


def test_exact_law_chi2_and_index_law():
    # digest §7.1/§7.2: 20000 runs; pooled chi² p > 1e-6, and TV(index pmf, exact law) within
    # tv_tolerance(law, n) — the same n-derived bound the pfr_index_law_tv claim uses (Jensen bound
    # on E TV + McDiarmid deviation at δ = 1e-6 + truncation mass; ≈ 0.028 here, measured 0.007)
    q, p = _qp(2)
    n = 20000
    idx, st_ = select_categorical_fast(q, p, 512, np.arange(n), "pfr")
    counts = np.bincount(st_, minlength=q.size)
    m = q > 0
    assert pooled_chisquare_pvalue(counts[m], q[m] * n) > 1e-6
    law = pfr_index_law(q, p, 512)
    assert law.sum() > 1 - 1e-4  # truncation at 512 candidates changes (almost) nothing
    emp = np.bincount(idx, minlength=512) / n
    tv = 0.5 * np.abs(emp - law).sum() + (1 - law.sum())
    assert tv < tv_tolerance(law, n)
    # mean K = 1 + Σ q a: within 5 standard errors
    k = idx + 1
    assert abs(k.mean() - np.sum(np.arange(1, 513) * law)) < 5 * k.std() / np.sqrt(n)


def test_gaussian_exactness_ks():
    # digest §7.1: KS p > 1e-6 over 2000 exact draws (per coordinate)
    zs = np.array([pfr_encode_gaussian(0.7, 0.5, 0.0, 1.0, s).sample[0] for s in range(2000)])
    assert stats.kstest(zs, "norm", args=(0.7, 0.5)).pvalue > 1e-6


def test_refusals_and_caps():
    with pytest.raises(ValueError, match="sup w"):
        pfr_encode_gaussian(1.0, 1.0, 0.0, 1.0, 0)
    with pytest.raises(ValueError, match="sup w"):
        pfr_encode_gaussian(0.0, 1.5, 0.0, 1.0, 0)
    q = np.zeros(1000)
    q[0] = 1.0
    with pytest.raises(RccCapError):
        pfr_encode_categorical(q, np.full(1000, 1e-3), 0, max_iter=3)
    with pytest.raises(ValueError, match="max_iter"):
        pfr_encode_categorical(q, np.full(1000, 1e-3), 0, max_iter=0)


def test_point_mass_index_is_geometric():
    # digest §7.15: q = δ_y, p(y) = π: K is the first candidate equal to y (geometric, mean 1/π)
    q = np.array([0.0, 1.0, 0.0, 0.0])
    p = np.array([0.4, 0.1, 0.3, 0.2])
    idx, st_ = select_categorical_fast(q, p, 2000, np.arange(4000), "pfr")
    assert np.all(st_ == 1)
    from refimpl.rcc import rcc_categorical_candidates
    for s in range(50):
        z = rcc_categorical_candidates(p, s, np.arange(idx[s] + 1))
        assert z[-1] == 1 and np.all(z[:-1] != 1)


def test_tv_tolerance_formula():
    # ½ Σ sqrt(p(1−p)/n) + sqrt(ln(1/δ)/(2n)) + (1 − Σp), by hand for a uniform pmf on 4 cells
    n = 100
    want = 0.5 * 4 * np.sqrt(0.25 * 0.75 / n) + np.sqrt(np.log(1e6) / (2 * n))
    assert abs(tv_tolerance(np.full(4, 0.25), n) - want) < 1e-15
    assert abs(tv_tolerance([0.5, 0.25], n) - (0.5 * (0.5 / 10 + np.sqrt(0.1875) / 10) + np.sqrt(np.log(1e6) / 200)
                                              + 0.25)) < 1e-15
    # it shrinks like 1/sqrt(n) (what the claim's and this file's index-law checks rely on)
    assert abs(tv_tolerance(np.full(4, 0.25), 4 * n) - want / 2) < 1e-15


def test_pooled_chisquare_pools_small_cells():
    # one rare cell (expected 0.02) hit once: unpooled Pearson χ² gives p ≈ 1e-11, which would
    # fail an exact sampler; digest §7 pools cells with expected count < 5
    expected = np.array([4999.99, 4999.99, 0.02])
    counts = np.array([5000, 4999, 1])
    assert stats.chisquare(counts, expected).pvalue < 1e-6
    pv = pooled_chisquare_pvalue(counts, expected)
    assert pv > 0.5
    # the pooled cell (still < 5) joins the smallest large cell: cells (5000+1 | 4999) by hand
    assert pv == pytest.approx(stats.chisquare([4999, 5001], [4999.99, 5000.01]).pvalue, rel=1e-12)
    # several small cells pool into one cell of expected >= 5
    pv2 = pooled_chisquare_pvalue([50, 3, 2, 1], [50.0, 2.0, 2.0, 2.0])
    assert pv2 == pytest.approx(stats.chisquare([50, 6], [50.0, 6.0]).pvalue, rel=1e-12)
    with pytest.raises(ValueError):
        pooled_chisquare_pvalue([1, 1], [1.0, 1.0])


def test_kl_bits_shared_helper():
    # D(q‖p) in bits by hand: q = (½, ½), p = (¼, ¾) → ½ log2 2 + ½ log2(2/3)
    assert abs(kl_bits(np.array([0.5, 0.5]), np.array([0.25, 0.75])) - (0.5 + 0.5 * np.log2(2 / 3))) < 1e-15
    assert kl_bits(np.array([0.0, 1.0]), np.array([0.5, 0.5])) == 1.0
    assert kl_bits(np.array([0.5, 0.5]), np.array([1.0, 0.0])) == np.inf
