"""Universal quantization: K = round((y − u)/Δ), ŷ = ΔK + u (Agustsson & Theis 2020, §3)."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from refimpl import random as R
from refimpl.quantization import (
    universal_dequantize,
    universal_dequantize_given,
    universal_quantize,
    universal_quantize_given,
    uq_dither,
    uq_dither_levels,
    uq_level_offsets,
)

finite = st.floats(-1e6, 1e6, allow_nan=False)


@given(finite, st.floats(-0.5, 0.5))
def test_given_core(y, u):
    k, y_hat = universal_quantize_given(np.array([y]), np.array([u]))
    assert k.dtype == np.int64
    assert y_hat[0] == k[0] + u
    assert abs(y_hat[0] - y) <= 0.5 + 1e-9 * max(1.0, abs(y))


@given(finite, st.floats(0.01, 100.0), st.floats(-0.5, 0.5))
def test_step_size(y, step, frac):
    u = np.array([frac * step])
    k, y_hat = universal_quantize_given(np.array([y]), u, step)
    assert y_hat[0] == step * k[0] + u[0]
    assert abs(y_hat[0] - y) <= step / 2 * (1 + 1e-9) + 1e-9 * abs(y)
    np.testing.assert_array_equal(universal_dequantize_given(k, u, step), y_hat)


def test_half_to_even_ties():
    k, _ = universal_quantize_given(np.array([0.5, 1.5, 2.5, -0.5]), np.zeros(4))
    np.testing.assert_array_equal(k, [0, 2, 2, 0])  # as tf.round / np.rint


@given(st.floats(-1e4, 1e4, allow_nan=False), st.sampled_from([0.25, 1.0, 3.0]))
def test_crypto_lemma_exact_on_a_grid(y0, step):
    # deterministic form of the crypto lemma: as u runs over N equispaced points of the cell,
    # ŷ − y runs over N equispaced points too (a shifted grid), whatever y is; so the sorted
    # errors have spacing Δ/N and their empirical CDF is within 1/N of U(−Δ/2, Δ/2)'s.
    N = 997
    u = step * ((np.arange(N) + 0.5) / N - 0.5)
    e = np.sort(universal_quantize_given(np.full(N, y0), u, step).y_hat - y0)
    tol = 1e-9 * max(1.0, abs(y0))
    assert np.all(np.abs(np.diff(e) - step / N) < tol + 1e-12)
    assert e[0] >= -step / 2 - tol and e[-1] <= step / 2 + tol


@pytest.mark.parametrize("y0", [0.0, 0.3, 17.25, -123.4567])
def test_crypto_lemma_constant_input(y0):
    # ŷ − y ~ U(−½, ½) for a constant y: KS at level 1e-3, n = 20000, fixed seed
    n = 20000
    y = np.full(n, y0)
    _, y_hat = universal_quantize(y, seed=42)
    assert stats.kstest(y_hat - y, stats.uniform(-0.5, 1).cdf).pvalue > 1e-3


def test_crypto_lemma_independent_of_y():
    # y ~ N(0, 1.7²); under independence corr(e, y) ≈ N(0, 1/n): |corr| < 4/√n fails w.p. 6e-5
    n = 40000
    y = 1.7 * R.normal(5, 0, np.arange(n, dtype=np.uint64))
    _, y_hat = universal_quantize(y, seed=9, step=1.0)
    e = y_hat - y
    assert abs(np.corrcoef(e, y)[0, 1]) < 4 / np.sqrt(n)
    assert abs(np.corrcoef(e, y * y)[0, 1]) < 4 / np.sqrt(n)
    # conditional laws: the error given |y| < 0.3 and given y > 2 is still U(−½, ½)
    for sel in (np.abs(y) < 0.3, y > 2):
        assert stats.kstest(e[sel], stats.uniform(-0.5, 1).cdf).pvalue > 1e-3


def test_seeded_wrappers_share_dither():
    y = np.linspace(-3, 3, 25).reshape(5, 5)
    k, y_hat = universal_quantize(y, seed=7, step=0.5)
    np.testing.assert_array_equal(universal_dequantize(k, seed=7, step=0.5), y_hat)
    u = uq_dither(y.shape, 7, 0.5)
    np.testing.assert_array_equal(u, 0.5 * (R.uniform(7, 3, np.arange(25, dtype=np.uint64)).reshape(5, 5) - 0.5))
    assert np.all((u >= -0.25) & (u < 0.25))
    np.testing.assert_array_equal(uq_dither(3, 7, index0=4), uq_dither(10, 7)[4:7])


def test_level_offsets_tfc_convention():
    o = uq_level_offsets(15)
    want = [float(Fraction(i + 1, 16) - Fraction(1, 2)) for i in range(15)]
    np.testing.assert_array_equal(o, want)
    assert o[0] == -0.4375 and o[-1] == 0.4375
    np.testing.assert_array_equal(uq_level_offsets(3, step=2.0), [-0.5, 0.0, 0.5])


def test_dither_levels_exact_floor():
    # i = ⌊L·U⌋ with U = (w >> 11)·2⁻⁵³, checked in exact rational arithmetic
    idx = np.arange(200, dtype=np.uint64)
    for L in (1, 2, 15, 2048):
        lev = uq_dither_levels(200, 11, L)
        w = R.words(11, 3, idx)
        want = [int(Fraction(int(x) >> 11, 1 << 53) * L) for x in w]
        np.testing.assert_array_equal(lev, want)
    counts = np.bincount(uq_dither_levels(30000, 2, 15), minlength=15)
    # chi-square with 14 d.o.f.: P(χ² > 36.1) = 1e-3
    assert stats.chisquare(counts).statistic < 36.1


def test_discretised_dither_error_uniform_after_averaging():
    # with continuous y the 15-level error is again U(−½, ½) (digest §3.3); KS at level 1e-3
    n = 20000
    y = 3.0 * R.normal(1, 0, np.arange(n, dtype=np.uint64))
    _, y_hat = universal_quantize(y, seed=4, levels=15)
    assert stats.kstest(y_hat - y, stats.uniform(-0.5, 1).cdf).pvalue > 1e-3
    # … but for a constant y it takes at most 15 values
    _, yc = universal_quantize(np.full(1000, 0.3), seed=4, levels=15)
    assert np.unique(np.round(yc - 0.3, 12)).size <= 15


@pytest.mark.parametrize("y,u,step", [
    (np.array([np.nan]), np.array([0.0]), 1.0),
    (np.array([np.inf]), np.array([0.0]), 1.0),
    (np.array([0.0, 1.0]), np.array([0.0]), 1.0),
    (np.array([0.0]), np.array([0.7]), 1.0),
    (np.array([0.0]), np.array([0.0]), 0.0),
    (np.array([0.0]), np.array([0.0]), -1.0),
    (np.array([1e17]), np.array([0.0]), 1.0),
])
def test_bad_arguments(y, u, step):
    with pytest.raises(ValueError):
        universal_quantize_given(y, u, step)


def test_bad_levels():
    for L in (0, 2049, 1.5, True):
        with pytest.raises(ValueError, match="levels"):
            uq_level_offsets(L)
