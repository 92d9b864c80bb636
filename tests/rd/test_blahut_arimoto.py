"""Blahut–Arimoto against closed forms, twin vs kernel, the certificate, bad input."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from refimpl.rd import blahut_arimoto, rate_distortion
from refimpl.rd.blahut_arimoto import _kernel_matrix, ba_iterate_twin, mutual_information
from refimpl.rd._kernels import ba_iterate_kernel


def hb(x):
    return 0.0 if x <= 0 or x >= 1 else -x * math.log2(x) - (1 - x) * math.log2(1 - x)


@given(st.floats(0.01, 0.99), st.floats(0.0, 1.0))
@settings(max_examples=40)
def test_binary_hamming_closed_form(p, frac):
    D = frac * min(p, 1 - p)
    r = rate_distortion([1 - p, p], 1 - np.eye(2), D)
    assert r.rate == pytest.approx(hb(p) - hb(D), abs=1e-9)
    assert r.distortion == pytest.approx(D, abs=1e-12)
    assert r.rate_lower <= hb(p) - hb(D) + 1e-12 <= r.rate + 2e-12


@pytest.mark.parametrize("n", [3, 5, 16])
@pytest.mark.parametrize("frac", [0.05, 0.3, 0.7, 0.99])
def test_uniform_nary_hamming_closed_form(n, frac):
    D = frac * (1 - 1 / n)
    want = math.log2(n) - hb(D) - D * math.log2(n - 1)
    r = rate_distortion(np.full(n, 1 / n), 1 - np.eye(n), D)
    assert r.rate == pytest.approx(want, abs=1e-9)


def test_rate_zero_above_dmax_and_entropy_at_dmin():
    p = np.array([0.5, 0.3, 0.2])
    r = rate_distortion(p, 1 - np.eye(3), 0.6)
    assert r.rate == 0.0 and r.distortion == pytest.approx(0.5)
    r0 = rate_distortion(p, 1 - np.eye(3), 0.0)
    assert r0.rate == pytest.approx(-np.sum(p * np.log2(p)), abs=1e-12)


def random_problem(seed, n, m):
    rng = np.random.Generator(np.random.Philox(seed))
    return rng.dirichlet(np.ones(n)), rng.random((n, m))


@pytest.mark.parametrize("seed", range(4))
def test_twin_equals_kernel(seed):
    p, d = random_problem(seed, 7, 5)
    A = _kernel_matrix(d, 3.0)
    q0 = np.full(5, 0.2)
    qk, gk, ik = ba_iterate_kernel(p, A, q0, 1e-9, 500)
    qt, gt, it = ba_iterate_twin(p, A, q0, 1e-9, 500)
    assert ik == it
    np.testing.assert_allclose(qk, qt, rtol=1e-12, atol=1e-15)
    assert gk == pytest.approx(gt, abs=1e-13)
    a = blahut_arimoto(p, d, 3.0, polish=False, kernel=True, accelerate=False)
    b = blahut_arimoto(p, d, 3.0, polish=False, kernel=False, accelerate=False)
    assert a.iterations == b.iterations and a.rate == pytest.approx(b.rate, abs=1e-13)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("steps", [1, 2, 5, 12])
def test_squarem_twin_equals_kernel(seed, steps):
    # the branch decisions (positivity, f comparison) could flip on round-off only after many
    # cycles near convergence; over the first 12 BA maps they agree and q matches to round-off
    from refimpl.rd._kernels import ba_squarem_kernel
    from refimpl.rd.blahut_arimoto import ba_squarem_twin
    p, d = random_problem(seed, 7, 5)
    A = _kernel_matrix(d, 3.0)
    qk, gk, ik = ba_squarem_kernel(p, A, np.full(5, 0.2), 1e-14, steps)
    qt, gt, it = ba_squarem_twin(p, A, np.full(5, 0.2), 1e-14, steps)
    assert ik == it
    np.testing.assert_allclose(qk, qt, rtol=0, atol=1e-13)
    assert gk == pytest.approx(gt, abs=1e-13)


@pytest.mark.parametrize("seed", range(4))
def test_squarem_reaches_the_same_point(seed):
    p, d = random_problem(seed, 30, 20)
    a = blahut_arimoto(p, d, 4.0, tol=1e-10, polish=False, accelerate=True)
    b = blahut_arimoto(p, d, 4.0, tol=1e-10, polish=False, accelerate=False)
    assert a.gap <= 1e-10 and b.gap <= 1e-10
    assert a.rate + 4.0 / math.log(2) * a.distortion == pytest.approx(b.rate + 4.0 / math.log(2) * b.distortion, abs=2e-10)


@pytest.mark.parametrize("seed", range(6))
def test_certificate_brackets_a_converged_reference(seed):
    # a loose run must bracket the true point; the reference is a 1e-13 run at the same D
    p, d = random_problem(seed, 12, 9)
    loose = blahut_arimoto(p, d, 4.0, tol=1e-3, polish=False)
    ref = rate_distortion(p, d, loose.distortion, tol=1e-12)
    assert loose.rate_lower - 1e-11 <= ref.rate <= loose.rate + 1e-11
    assert loose.gap <= 1e-3


@pytest.mark.parametrize("seed", range(3))
def test_polish_equals_plain_ba(seed):
    p, d = random_problem(seed, 20, 20)
    a = blahut_arimoto(p, d, 6.0, tol=1e-11)
    b = blahut_arimoto(p, d, 6.0, tol=1e-11, polish=False)
    assert a.gap <= 1e-11 and b.gap <= 1e-11
    assert a.rate == pytest.approx(b.rate, abs=1e-9)
    assert a.distortion == pytest.approx(b.distortion, abs=1e-8)


def test_channel_is_consistent():
    p, d = random_problem(9, 6, 4)
    r = rate_distortion(p, d, 0.5 * (np.sum(p * d.min(1)) + np.min(p @ d)))
    np.testing.assert_allclose(r.channel.sum(1), 1.0, atol=1e-12)
    assert mutual_information(p, r.channel) == pytest.approx(r.rate, abs=1e-14)
    assert float(np.sum(p[:, None] * r.channel * d)) == pytest.approx(r.distortion, abs=1e-14)


@given(st.integers(0, 10_000), st.floats(0.05, 0.95), st.floats(0.05, 0.95))
@settings(max_examples=20)
def test_monotone_convex_in_D(seed, f1, f2):
    p, d = random_problem(seed, 5, 4)
    lo, hi = float(np.sum(p * d.min(1))), float(np.min(p @ d))
    a, b = sorted((lo + f1 * (hi - lo), lo + f2 * (hi - lo)))
    Ra, Rb = rate_distortion(p, d, a).rate, rate_distortion(p, d, b).rate
    Rm = rate_distortion(p, d, (a + b) / 2).rate
    assert Rb <= Ra + 1e-9
    assert Rm <= (Ra + Rb) / 2 + 1e-9


@pytest.mark.parametrize("kw, msg", [
    (dict(p_x=[0.5, 0.6], d=1 - np.eye(2), beta=1.0), "sum to 1"),
    (dict(p_x=[1.2, -0.2], d=1 - np.eye(2), beta=1.0), ">= 0"),
    (dict(p_x=[0.5, 0.5], d=[[0, -1], [1, 0]], beta=1.0), "negative"),
    (dict(p_x=[0.5, 0.5], d=[[0, np.nan], [1, 0]], beta=1.0), "finite"),
    (dict(p_x=[0.5, 0.5], d=np.zeros((3, 2)), beta=1.0), "shape"),
    (dict(p_x=[0.5, 0.5], d=1 - np.eye(2), beta=-1.0), "beta"),
    (dict(p_x=[0.5, 0.5], d=1 - np.eye(2), beta=np.nan), "beta"),
])
def test_bad_input_ba(kw, msg):
    with pytest.raises(ValueError, match=msg):
        blahut_arimoto(**kw)


def test_bad_input_rd():
    with pytest.raises(ValueError, match="D_min"):
        rate_distortion([0.5, 0.5], 1 + (1 - np.eye(2)), 0.5)  # D_min = 1
    with pytest.raises(ValueError, match="finite"):
        rate_distortion([0.5, 0.5], 1 - np.eye(2), np.inf)
    with pytest.raises(ValueError, match="sum to 1"):
        rate_distortion([0.5, 0.4], 1 - np.eye(2), 0.1)
