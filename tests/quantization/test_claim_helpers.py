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
