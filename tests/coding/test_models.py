"""quantize_pmf and the quantized parametric families (refimpl.coding.models, _family_kernels)."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from refimpl.coding import _family_kernels as FK
from refimpl.coding.models import (family_cdf, family_cdf_at_py, kl_bits, quantize_pmf,
                                   quantize_pmf_baseline)


@st.composite
def pmfs(draw, max_a=64):
    """pmfs with tiny masses: weights are 10**e for e in [-15, 0] or exact zeros."""
    a = draw(st.integers(1, max_a))
    e = draw(st.lists(st.floats(-15, 0), min_size=a, max_size=a))
    zero = draw(st.lists(st.booleans(), min_size=a, max_size=a))
    w = np.array([0.0 if z else 10.0 ** x for x, z in zip(e, zero)])
    if w.sum() == 0:
        w[0] = 1.0
    return w


@given(pmfs(), st.integers(1, 16))
def test_quantize_pmf_valid_and_never_worse_than_baseline(p, precision):
    if p.size > 1 << precision:
        with pytest.raises(ValueError, match="alphabet"):
            quantize_pmf(p, precision)
        return
    cdf = quantize_pmf(p, precision)
    f = np.diff(cdf)
    assert cdf.dtype == np.int64 and cdf.shape == (p.size + 1,)
    assert cdf[0] == 0 and cdf[-1] == 1 << precision and f.min() >= 1
    base = quantize_pmf_baseline(p, precision)
    assert np.diff(base).min() >= 1 and base[-1] == 1 << precision
    # float rounding of the two KL sums: a relative 1e-12 slack
    assert kl_bits(p, cdf, precision) <= kl_bits(p, base, precision) * (1 + 1e-12) + 1e-15


def _compositions(total, parts):
    """All (f_1..f_parts), f_i >= 1, summing to total."""
    for cut in itertools.combinations(range(1, total), parts - 1):
        b = (0,) + cut + (total,)
        yield [b[i + 1] - b[i] for i in range(parts)]


@given(st.lists(st.floats(1e-9, 1.0), min_size=2, max_size=4), st.integers(2, 5))
def test_quantize_pmf_is_the_brute_force_optimum(w, precision):
    """Second route: exhaustive search over every integer frequency vector (tiny cases)."""
    p = np.array(w) / np.sum(w)
    M = 1 << precision
    if p.size > M:
        return
    best = min(sum(-pi * math.log2(fi / M) for pi, fi in zip(p, f)) for f in _compositions(M, p.size))
    f = np.diff(quantize_pmf(p, precision))
    ours = sum(-pi * math.log2(fi / M) for pi, fi in zip(p, f))
    assert ours <= best + 1e-12


def test_quantize_pmf_batch_equals_rows():
    rng = np.random.default_rng(3)
    p = rng.dirichlet(np.full(40, 0.2), size=7)
    batch = quantize_pmf(p, 12)
    assert batch.shape == (7, 41)
    for i in range(7):
        np.testing.assert_array_equal(batch[i], quantize_pmf(p[i], 12))


def test_quantize_pmf_zero_mass_gets_one_count():
    f = np.diff(quantize_pmf(np.array([0.5, 0.0, 0.5]), 4))  # M = 16: the zero keeps one count
    assert f[1] == 1 and sorted(f[[0, 2]].tolist()) == [7, 8]


@pytest.mark.parametrize("pmf, precision, match", [
    (np.array([0.5, -0.1, 0.6]), 8, "non-negative"),
    (np.array([0.5, np.nan]), 8, "finite"),
    (np.array([0.5, np.inf]), 8, "finite"),
    (np.zeros(4), 8, "all-zero"),
    (np.ones((2, 2, 2)), 8, "shape"),
    (np.ones(0), 8, "shape"),
    (np.ones(5), 2, "alphabet"),
    (np.ones(3), 0, "precision"),
    (np.ones(3), 25, "precision"),
    (np.array(["a", "b"]), 8, "pmf"),
])
def test_quantize_pmf_rejects(pmf, precision, match):
    with pytest.raises(ValueError, match=match):
        quantize_pmf(pmf, precision)


# --- families --------------------------------------------------------------------------------

family_args = st.tuples(
    st.sampled_from([0, 1, 2]),
    st.floats(-300, 300),
    st.floats(1e-3, 1e3),
    st.integers(-300, 300),
    st.integers(0, 600),
    st.integers(10, 24),
)


@given(family_args)
def test_family_table_equals_kernel_and_twin(args):
    kind, loc, scale, low, width, precision = args
    high = low + width
    if width + 1 > 1 << precision:
        return
    tab = family_cdf(kind, np.array([loc]), np.array([scale]), low, high, precision)[0]
    A = width + 1
    ks = list(range(A + 1)) if A <= 64 else sorted(set(np.linspace(0, A, 64).astype(int)))
    for k in ks:
        assert tab[k] == FK.family_cdf_at(kind, loc, scale, low, high, precision, k)
        assert tab[k] == family_cdf_at_py(kind, loc, scale, low, high, precision, k)
    assert tab[0] == 0 and tab[-1] == 1 << precision and np.diff(tab).min() >= 1


@given(family_args, st.integers(0, (1 << 24) - 1))
def test_family_find_brackets_target(args, target):
    kind, loc, scale, low, width, precision = args
    high = low + width
    if width + 1 > 1 << precision:
        return
    target %= 1 << precision
    k = FK.family_find(kind, loc, scale, low, high, precision, target)
    assert 0 <= k <= width
    assert FK.family_cdf_at(kind, loc, scale, low, high, precision, k) <= target
    assert target < FK.family_cdf_at(kind, loc, scale, low, high, precision, k + 1)


@pytest.mark.parametrize("kind, dist", [(0, stats.norm), (1, stats.laplace), (2, stats.logistic)])
def test_family_matches_scipy_cdf(kind, dist):
    """Second route: scipy.stats. cdf[k] = k + floor(F·(M−A)) so |cdf[k]/M − F| ≤ (A + 1)/M."""
    loc = np.array([-3.7, 0.2, 40.0])
    scale = np.array([0.4, 5.0, 12.0])
    low, high, precision = -64, 63, 20
    tab = family_cdf(kind, loc, scale, low, high, precision)
    M, A = 1 << precision, high - low + 1
    edges = np.arange(low + 1, high + 1) - 0.5
    F = dist.cdf((edges[None, :] - loc[:, None]) / scale[:, None])
    assert np.max(np.abs(tab[:, 1:-1] / M - F)) <= (A + 1) / M


def test_family_tails_are_valid_far_from_the_domain():
    loc = np.array([-1e6, 1e6, 0.0, 0.0])
    scale = np.array([1.0, 1.0, 1e-12, 1e12])
    for kind in (0, 1, 2):
        tab = family_cdf(kind, loc, scale, -10, 10, 8)
        assert np.all(tab[:, 0] == 0) and np.all(tab[:, -1] == 256) and np.diff(tab, axis=1).min() >= 1


@pytest.mark.parametrize("kw, match", [
    (dict(scale=np.array([0.0])), "scale"),
    (dict(scale=np.array([-1.0])), "scale"),
    (dict(scale=np.array([np.nan])), "scale"),
    (dict(loc=np.array([np.inf])), "loc"),
    (dict(loc=np.ones((1, 1))), "loc"),
    (dict(scale=np.ones(2)), "scale"),
    (dict(low=5, high=4), "low"),
    (dict(low=0, high=300), "domain"),
    (dict(kind=3), "kind"),
    (dict(kind="cauchy"), "kind"),
    (dict(precision=25), "precision"),
    (dict(low=0.5), "low"),
])
def test_family_rejects(kw, match):
    args = dict(kind=0, loc=np.array([0.0]), scale=np.array([1.0]), low=-4, high=4, precision=8)
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        family_cdf(**args)


def test_family_kind_names_and_scalar_scale():
    a = family_cdf("laplace", np.array([0.5, 1.5]), 2.0, -5, 5, 12)
    b = family_cdf(1, np.array([0.5, 1.5]), np.array([2.0, 2.0]), -5, 5, 12)
    np.testing.assert_array_equal(a, b)


def test_vectors_family_cdf_within_scipy_bound():
    """specs/vectors/rans.v1.json family_cdf cases against scipy.stats (second route)."""
    import json

    from refimpl.vectors import decode_value, vectors_dir
    dists = {"gaussian": stats.norm, "laplace": stats.laplace, "logistic": stats.logistic}
    doc = json.loads((vectors_dir() / "rans.v1.json").read_text())
    n = 0
    for g in doc["groups"]:
        if g["function"] != "family_cdf":
            continue
        for c in g["cases"]:
            if c["result"] != "valid":
                continue
            inp, want = decode_value(c["input"]), decode_value(c["expected"])["output"]
            M, A = 1 << inp["precision"], inp["high"] - inp["low"] + 1
            edges = np.arange(inp["low"] + 1, inp["high"] + 1) - 0.5
            F = dists[inp["kind"]].cdf((edges[None, :] - inp["loc"][:, None]) / inp["scale"][:, None])
            assert np.max(np.abs(want[:, 1:-1] / M - F)) <= (A + 1) / M
            assert np.all(want[:, 0] == 0) and np.all(want[:, -1] == M)
            n += 1
    assert n >= 3


@given(family_args, st.integers(0, (1 << 24) - 1))
def test_family_find_bracket_returns_the_counts(args, target):
    kind, loc, scale, low, width, precision = args
    high = low + width
    if width + 1 > 1 << precision:
        return
    target %= 1 << precision
    k, c_lo, c_hi = FK.family_find_bracket(kind, loc, scale, low, high, precision, target)
    assert c_lo == FK.family_cdf_at(kind, loc, scale, low, high, precision, k) <= target
    assert target < c_hi == FK.family_cdf_at(kind, loc, scale, low, high, precision, k + 1)


@given(st.lists(pmfs(max_a=40), min_size=1, max_size=4).filter(lambda ps: len({p.size for p in ps}) == 1),
       st.integers(6, 24))
def test_quantize_pmf_kernel_equals_twin(ps, precision):
    from refimpl.coding.models import quantize_pmf_py
    p = np.stack(ps)
    if p.shape[1] > 1 << precision:
        return
    np.testing.assert_array_equal(quantize_pmf(p, precision), quantize_pmf_py(p, precision))
    np.testing.assert_array_equal(quantize_pmf(p[0], precision), quantize_pmf_py(p[0], precision))
