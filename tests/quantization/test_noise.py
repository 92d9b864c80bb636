"""Kumaraswamy noise (C3) and the expected-gradient identity (UQ §4.2)."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate, optimize, stats

from refimpl.quantization import (
    expected_gradient,
    kumaraswamy_cdf,
    kumaraswamy_given,
    kumaraswamy_mode_b,
    kumaraswamy_moments,
    kumaraswamy_noise,
    kumaraswamy_noise_given,
    kumaraswamy_pdf,
)


def _pdf(x, a, b):  # Kumaraswamy (1980) density, typed in independently of the module
    return a * b * x ** (a - 1) * (1 - x**a) ** (b - 1)


@given(st.floats(1.0, 6.0))
def test_mode_fixed_at_half(a):
    b = kumaraswamy_mode_b(a)
    assert b == pytest.approx((2**a * (a - 1) + 1) / a, rel=1e-15)
    if a > 1.01:  # a = 1 is uniform: no unique mode
        res = optimize.minimize_scalar(lambda x: -_pdf(x, a, b), bounds=(1e-6, 1 - 1e-6), method="bounded",
                                       options={"xatol": 1e-10})
        assert res.x == pytest.approx(0.5, abs=1e-6)


def test_moments_digest_and_quadrature():
    # digest §4.3 [derived+checked]: a=1.5 var 0.0604; a=2 (b=2.5) var 0.0448, mean 0.4909; a=3 var 0.0263
    assert kumaraswamy_mode_b(2.0) == 2.5
    assert kumaraswamy_moments(1.5).variance == pytest.approx(0.0604, abs=5e-5)
    m = kumaraswamy_moments(2.0)
    assert m.variance == pytest.approx(0.0448, abs=5e-5) and m.mean == pytest.approx(0.4909, abs=5e-5)
    assert kumaraswamy_moments(3.0).variance == pytest.approx(0.0263, abs=5e-5)
    assert kumaraswamy_moments(1.0) == pytest.approx((0.5, 1 / 12), abs=1e-15)
    for a, b in ((1.5, None), (2.0, 0.7), (4.0, 3.0)):
        bb = kumaraswamy_mode_b(a) if b is None else b
        m1 = integrate.quad(lambda x: x * _pdf(x, a, bb), 0, 1, epsabs=1e-13)[0]
        m2 = integrate.quad(lambda x: x * x * _pdf(x, a, bb), 0, 1, epsabs=1e-13)[0]
        got = kumaraswamy_moments(a, b)
        assert got.mean == pytest.approx(m1, abs=1e-10) and got.variance == pytest.approx(m2 - m1 * m1, abs=1e-10)


def test_pdf_cdf_consistent():
    for a, b in ((2.0, 2.5), (1.3, 0.8)):
        x = np.linspace(0.05, 0.95, 7)
        np.testing.assert_allclose(kumaraswamy_pdf(x, a, b), _pdf(x, a, b), rtol=1e-13)
        for xi in x:
            assert kumaraswamy_cdf(xi, a, b) == pytest.approx(integrate.quad(_pdf, 0, xi, args=(a, b))[0], abs=1e-9)


def test_inverse_cdf_sampler():
    u = np.array([0.0, 1e-12, 0.3, 0.5, 0.9, 1 - 2**-53])
    x = kumaraswamy_given(u, 2.0)
    np.testing.assert_allclose(1 - (1 - x**2.0) ** 2.5, u, atol=1e-12)  # F(F⁻¹(u)) = u
    np.testing.assert_array_equal(kumaraswamy_noise_given(u, 1.0), u - 0.5)  # a = 1: uniform noise


def test_seeded_noise_law_ks():
    # n = 20000, fixed seed; a correct sampler fails a level-1e-3 KS test with probability 1e-3
    n = 20000
    x = kumaraswamy_noise(n, 2.0, seed=3) + 0.5
    p = stats.kstest(x, lambda t: 1 - (1 - np.clip(t, 0, 1) ** 2.0) ** 2.5).pvalue
    assert p > 1e-3
    assert kumaraswamy_noise((2, 3), 2.0, seed=3).shape == (2, 3)
    np.testing.assert_array_equal(kumaraswamy_noise(5, 2.0, seed=3, index0=2), kumaraswamy_noise(7, 2.0, seed=3)[2:])


@pytest.mark.parametrize("bad", [dict(a=0.5), dict(a=-1.0), dict(a=np.nan), dict(a=2.0, b=0.0)])
def test_bad_parameters(bad):
    with pytest.raises(ValueError):
        kumaraswamy_moments(**bad)


def test_bad_uniforms():
    with pytest.raises(ValueError, match="u"):
        kumaraswamy_given(np.array([1.0]), 2.0)


def test_expected_gradient_identity():
    # digest §3.1 [code; checked]: f = log N(·; 0, 1.3²) at y = 0.37 gives −0.2189349112 both ways
    f = lambda t: stats.norm.logpdf(t, 0, 1.3)
    assert expected_gradient(f, 0.37) == pytest.approx(-0.2189349112, abs=1e-10)
    # second route: finite difference of E f(y+U) computed by quadrature
    def ef(y):
        return ef2(f, y)
    h = 1e-4
    for y in (-1.0, 0.37, 2.5):
        fd = (ef(y + h) - ef(y - h)) / (2 * h)
        assert expected_gradient(f, y) == pytest.approx(fd, abs=1e-8)
    g = lambda t: np.sin(3 * t) + t**3
    ys = np.array([-0.4, 0.0, 1.1])
    np.testing.assert_allclose(expected_gradient(g, ys), [(ef2(g, y + h) - ef2(g, y - h)) / (2 * h) for y in ys], atol=1e-7)


_GL_X, _GL_W = np.polynomial.legendre.leggauss(40)


def ef2(g, y):
    """E g(y + U), U ~ U(−½, ½), by 40-point Gauss–Legendre (exact to round-off for these smooth g)."""
    return float(np.sum(_GL_W * g(y + 0.5 * _GL_X)) * 0.5)


def test_expected_gradient_rejects_nan():
    with pytest.raises(ValueError):
        expected_gradient(np.sin, np.array([np.nan]))


def test_c3_schedule_endpoint_is_uniform_noise_variance():
    assert kumaraswamy_moments(1.0).variance == pytest.approx(1 / 12)
    assert math.isclose(kumaraswamy_mode_b(1.0), 1.0)
