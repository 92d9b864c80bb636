"""The statistics behind the rate claims: stratified latents and their standard error."""

import numpy as np
from scipy import stats

from refimpl.quantization.claims import _sample, _stratified_se


def test_stratified_sample_is_the_prior():
    # each stratum holds exactly one element: the sorted CDF values lie one per interval [i/n, (i+1)/n)
    y = _sample("laplace", 0.8, 1000, seed=3, stratified=True)
    c = stats.laplace.cdf(y, 0, 0.8)
    np.testing.assert_array_equal(np.floor(c * 1000).astype(int), np.arange(1000))


def test_collapsed_strata_se_is_conservative():
    # over 150 independent stratified samples (n = 200) of f(Y) = −log2 N(Y; 0, 1), the spread of
    # the means is below the average estimated SE (collapsed strata overestimate the variance);
    # and for i.i.d. data the estimator matches s/√n: the ratio is ~ √(χ²₁₀₀/100), sd ≈ 0.07, so 0.3 is 4 sd
    f = lambda y: -stats.norm.logpdf(y) / np.log(2)  # noqa: E731
    means, ses = [], []
    for s in range(150):
        x = f(_sample("gaussian", 1.0, 200, seed=s, stratified=True))
        means.append(x.mean())
        ses.append(_stratified_se(x))
    assert np.std(means) <= np.mean(ses)
    x = f(_sample("gaussian", 1.0, 200, seed=1))
    assert abs(_stratified_se(x) / (np.std(x) / np.sqrt(200)) - 1) < 0.3


def test_payload_bounds_use_the_coding_constant_and_hold():
    # the upper end is specs/coding.md's 64 + n·log2(1 + 2^(p−31)) (the claims used 96 before),
    # and real streams land inside [lo, hi] including the empty message (8·len = 64, I = 0)
    from refimpl import random as R
    from refimpl.coding import quantize_pmf, rans_encode
    from refimpl.quantization.claims import _payload_bounds
    for p in (8, 16, 24):
        lo, hi = _payload_bounds(0, 64, p)
        assert (lo, hi) == (31, 64)
        assert _payload_bounds(1000, 64, p)[1] == 64 + 1000 * np.log2(1 + 2.0 ** (p - 31))
    for seed, (a, n, p) in enumerate([(2, 3000, 4), (5, 2000, 12), (300, 5000, 16), (40, 800, 24)]):
        pmf = np.exp(3 * R.normal(seed, 0, np.arange(a, dtype=np.uint64)))
        cdf = quantize_pmf(pmf / pmf.sum(), p)
        f = np.diff(cdf)
        s = np.minimum((R.uniform(seed, 1, np.arange(n, dtype=np.uint64)) * a).astype(np.int64), a - 1)
        bits = 8 * len(rans_encode(s, cdf, p))
        info = float(np.sum(p - np.log2(f[s])))
        lo, hi = _payload_bounds(n, bits, p)
        assert lo <= bits - info <= hi, (p, lo, bits - info, hi)
