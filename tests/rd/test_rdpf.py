"""RDPF: numerical solver vs closed forms, the digest's reference values, structural
properties (monotone, convex, R(D,∞)=R(D), R(0,P)=H(p), zero region), bad input."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st
from scipy.optimize import minimize

from refimpl.rd import rate_distortion, rdpf
from refimpl.rd.rdpf_closed import (bernoulli_d1, bernoulli_d2, bernoulli_rdpf, binary_entropy,
                                    gaussian_perfect_realism_distortion, gaussian_rdpf)

HAM2 = 1 - np.eye(2)

# digest rdpf_uq_c3.md §1.4 / §1.5, printed to 6 decimals (so |error| <= 5e-7 + float noise)
BERN_REF = {(0.3, 0.0): [0.601546, 0.426422, 0.191631, 0.056574],
            (0.3, 0.05): [0.594894, 0.412295, 0.173451, 0.043458],
            (0.3, 0.10): [0.594894, 0.412295, 0.162065, 0.032268]}
BERN_D = [0.05, 0.10, 0.20, 0.30]
GAUSS_REF = [(0.0, 0.1, 1.679227), (0.0, 0.5, 0.596323), (0.0, 1.0, 0.207519), (0.0, 1.5, 0.046555),
             (0.01, 0.5, 0.544113), (0.01, 1.0, 0.163222), (0.1, 0.5, 0.5), (0.1, 1.0, 0.089664),
             (0.1, 1.5, 0.0)]


@pytest.mark.parametrize("key", list(BERN_REF))
def test_bernoulli_reference_values(key):
    p, P = key
    for D, want in zip(BERN_D, BERN_REF[key]):
        assert bernoulli_rdpf(p, D, P) == pytest.approx(want, abs=6e-7)
        assert rdpf([1 - p, p], HAM2, D, P).rate == pytest.approx(want, abs=6e-7)


def test_bernoulli_half_reference():
    for D, want in [(0.1, 0.531004), (0.2, 0.278072), (0.3, 0.118709)]:
        assert bernoulli_rdpf(0.5, D, 0.0) == pytest.approx(want, abs=6e-7)


@pytest.mark.parametrize("P, D, want", GAUSS_REF)
def test_gaussian_reference_values(P, D, want):
    assert gaussian_rdpf(1.0, D, P) == pytest.approx(want, abs=6e-7)


@given(st.floats(0.02, 0.5), st.floats(0.0, 1.0), st.floats(0.0, 0.6))
@settings(max_examples=25)
def test_solver_equals_closed_form(p, fD, P):
    D = max(fD * (bernoulli_d2(p, P) + 0.02), 1e-3)
    r = rdpf([1 - p, p], HAM2, D, P)
    assert r.rate == pytest.approx(bernoulli_rdpf(p, D, P), abs=1e-6)
    assert r.distortion <= D + 1e-9 and r.perception <= P + 1e-9
    assert r.channel_rate == pytest.approx(r.rate, abs=1e-6)


@given(st.floats(0.01, 0.99), st.floats(0, 1), st.floats(0, 0.5), st.floats(0, 1), st.floats(0, 0.5))
@settings(max_examples=300)
def test_closed_form_monotone_and_jointly_convex(p, D1, P1, D2, P2):
    R = lambda D, P: bernoulli_rdpf(p, D, P)
    # monotone: more distortion or more perception slack never costs rate
    assert R(max(D1, D2), P1) <= R(min(D1, D2), P1) + 1e-12
    assert R(D1, max(P1, P2)) <= R(D1, min(P1, P2)) + 1e-12
    # joint convexity, midpoint test
    assert R((D1 + D2) / 2, (P1 + P2) / 2) <= (R(D1, P1) + R(D2, P2)) / 2 + 1e-12


@pytest.mark.parametrize("pts", [((0.05, 0.0), (0.25, 0.1)), ((0.1, 0.08), (0.2, 0.0)), ((0.02, 0.02), (0.3, 0.2))])
def test_solver_jointly_convex_midpoint(pts):
    (a, b), (c, e) = pts
    R = lambda D, P: rdpf([0.6, 0.25, 0.15], 1 - np.eye(3), D, P).rate
    assert R((a + c) / 2, (b + e) / 2) <= (R(a, b) + R(c, e)) / 2 + 1e-7


@given(st.floats(0.01, 0.99), st.floats(0, 1), st.floats(0, 1))
def test_closed_form_infinite_P_and_zero_D(p, D, P):
    Dc = min(D, min(p, 1 - p))
    assert bernoulli_rdpf(p, Dc, math.inf) == pytest.approx(binary_entropy(p) - binary_entropy(Dc), abs=1e-12)
    assert bernoulli_rdpf(p, 0.0, P) == pytest.approx(binary_entropy(p), abs=1e-12)


@given(st.floats(0.01, 0.5), st.floats(0, 0.6), st.floats(-0.05, 0.05))
def test_closed_form_zero_iff_D2(p, P, eps):
    D = bernoulli_d2(p, P) + eps
    assume(0 <= D <= 1 and abs(eps) > 1e-9)
    assert (bernoulli_rdpf(p, D, P) == 0.0) == (eps > 0)


@pytest.mark.parametrize("p, P", [(0.3, 0.0), (0.3, 0.05), (0.2, 0.15)])
def test_solver_zero_iff_D2(p, P):
    D2 = bernoulli_d2(p, P)
    assert rdpf([1 - p, p], HAM2, D2 + 1e-6, P).rate == 0.0
    assert rdpf([1 - p, p], HAM2, D2 - 1e-3, P).rate > 1e-8


def test_d1_is_where_perception_starts_to_bind():
    p, P = 0.3, 0.05
    D1 = bernoulli_d1(p, P)
    # the Shannon test channel at D1 has TV exactly P: D(1−2p)/(1−2D)
    assert D1 * (1 - 2 * p) / (1 - 2 * D1) == pytest.approx(P, abs=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_infinite_P_is_rate_distortion(seed):
    rng = np.random.Generator(np.random.Philox(seed))
    p = rng.dirichlet(np.ones(3) * 2)
    d = 1 - np.eye(3)
    for D in (0.05, 0.2):
        assert rdpf(p, d, D, math.inf).rate == pytest.approx(rate_distortion(p, d, D).rate, abs=1e-8)


def test_zero_distortion_is_entropy():
    p = np.array([0.5, 0.3, 0.2])
    assert rdpf(p, 1 - np.eye(3), 0.0, 0.05).rate == pytest.approx(-np.sum(p * np.log2(p)), abs=1e-12)


def _slsqp_on_W(p, d, D, P, starts=6):
    """Independent route: SLSQP directly on the channel W (row sums 1, E d <= D, TV <= P via
    slacks), multi-start; digest §1.6 cross-check solver."""
    n = p.size
    best = math.inf
    rng = np.random.Generator(np.random.Philox(7))

    def mi(z):
        W = np.clip(z[:n * n].reshape(n, n), 1e-12, 1)
        q = p @ W
        return float(np.sum(p[:, None] * W * np.log2(W / q[None, :])))

    cons = [{"type": "eq", "fun": lambda z: z[:n * n].reshape(n, n).sum(1) - 1},
            {"type": "ineq", "fun": lambda z: D - np.sum(p[:, None] * z[:n * n].reshape(n, n) * d)},
            {"type": "ineq", "fun": lambda z: z[n * n:] - (p @ z[:n * n].reshape(n, n) - p)},
            {"type": "ineq", "fun": lambda z: z[n * n:] + (p @ z[:n * n].reshape(n, n) - p)},
            {"type": "ineq", "fun": lambda z: 2 * P - np.sum(z[n * n:])}]
    if P == 0:      # slacks at zero make SLSQP stall: state q = p as equalities instead
        cons = cons[:2] + [{"type": "eq", "fun": lambda z: (p @ z[:n * n].reshape(n, n) - p)[:-1]}]
    for s in range(starts):
        W0 = 0.7 * np.eye(n) + 0.3 * rng.dirichlet(np.ones(n), size=n)
        z0 = np.concatenate([W0.ravel(), np.full(n, 0.5)])
        res = minimize(mi, z0, method="SLSQP", bounds=[(1e-12, 1)] * (n * n) + [(0, 1)] * n,
                       constraints=cons, options={"ftol": 1e-12, "maxiter": 1000})
        if res.success:
            best = min(best, res.fun)
    return best


@pytest.mark.parametrize("D, P", [(0.1, 0.02), (0.3, 0.05), (0.2, 0.0)])
def test_three_letters_against_direct_slsqp(D, P):
    p = np.array([0.5, 0.3, 0.2])
    d = np.array([[0, 1, 2], [1, 0, 1], [2, 1, 0]], dtype=float)
    ours = rdpf(p, d, D, P).rate
    ref = _slsqp_on_W(p, d, D, P)
    assert ours <= ref + 1e-6           # never worse than the direct optimiser
    assert ours == pytest.approx(ref, abs=1e-5)   # SLSQP on W is itself only ~1e-6 accurate


@given(st.floats(0.05, 10))
def test_perfect_realism_curve(R):
    D0 = gaussian_perfect_realism_distortion(1.0, R)
    assert D0 <= 2 * 2.0 ** (-2 * R) + 1e-15
    assert gaussian_rdpf(1.0, D0, 0.0) == pytest.approx(R, abs=1e-9)


def test_perfect_realism_numbers():
    assert gaussian_perfect_realism_distortion(1.0, 0.25) == pytest.approx(0.91761, abs=5e-6)
    assert gaussian_perfect_realism_distortion(1.0, 1.0) == pytest.approx(0.26795, abs=5e-6)


@given(st.floats(0.01, 0.99))
def test_gaussian_switch_point_continuous(D):
    sw = (1 - math.sqrt(1 - D)) ** 2
    assert gaussian_rdpf(1.0, D, sw * (1 - 1e-9)) == pytest.approx(gaussian_rdpf(1.0, D, sw), abs=1e-6)


@given(st.floats(0.01, 3), st.floats(0, 2), st.floats(0.01, 3), st.floats(0, 2))
def test_gaussian_monotone_convex(D1, P1, D2, P2):
    R = lambda D, P: gaussian_rdpf(1.0, D, P)
    assert R(max(D1, D2), P1) <= R(min(D1, D2), P1) + 1e-12
    assert R(D1, max(P1, P2)) <= R(D1, min(P1, P2)) + 1e-12
    assert R((D1 + D2) / 2, (P1 + P2) / 2) <= (R(D1, P1) + R(D2, P2)) / 2 + 1e-12


@pytest.mark.parametrize("args, msg", [
    (([0.5, 0.6], HAM2, 0.1, 0.1), "sum to 1"),
    (([0.5, 0.5], -HAM2, 0.1, 0.1), "negative"),
    (([0.5, 0.5], HAM2, 0.1, -0.1), "P must be"),
    (([0.5, 0.5], HAM2, -0.1, 0.1), "D must be"),
    (([0.5, 0.5], np.ones((2, 3)), 0.1, 0.1), "square"),
    (([0.5, 0.5], 1 + HAM2, 0.5, 0.1), "D_min"),
])
def test_bad_input(args, msg):
    with pytest.raises(ValueError, match=msg):
        rdpf(*args)
    with pytest.raises(ValueError, match="divergence"):
        rdpf([0.5, 0.5], HAM2, 0.1, 0.1, divergence="kl")


@pytest.mark.parametrize("fn, args", [(bernoulli_rdpf, (1.2, 0.1, 0.1)), (bernoulli_rdpf, (0.3, 0.1, -1)),
                                      (gaussian_rdpf, (0.0, 0.1, 0.1)), (gaussian_rdpf, (1.0, -0.1, 0.1)),
                                      (gaussian_rdpf, (1.0, 0.1, -0.1)),
                                      (gaussian_perfect_realism_distortion, (1.0, -1.0))])
def test_bad_input_closed_forms(fn, args):
    with pytest.raises(ValueError):
        fn(*args)


@pytest.mark.parametrize("beta", [0.5, 4.0, 30.0])
def test_sinkhorn_twin_equals_kernel(beta):
    from refimpl.rd._kernels import sinkhorn_kernel
    from refimpl.rd.rdpf import sinkhorn_twin
    rng = np.random.Generator(np.random.Philox(3))
    p, r, d = rng.dirichlet(np.ones(4)), rng.dirichlet(np.ones(4)), rng.random((4, 4))
    fk, gk, ik = sinkhorn_kernel(np.log(p), np.log(r), -beta * d, 1e-13, 10_000)
    ft, gt, it = sinkhorn_twin(np.log(p), np.log(r), -beta * d, 1e-13, 10_000)
    assert ik == it
    np.testing.assert_allclose(fk, ft, atol=1e-12)
    np.testing.assert_allclose(gk, gt, atol=1e-12)


@pytest.mark.parametrize("D, P", [(0.1, 0.0), (0.5, 0.0), (1.0, 0.01), (0.5, 0.1), (1.0, 0.1), (0.3, 0.02)])
def test_gaussian_closed_form_by_direct_search(D, P):
    # second route (digest §1.5): jointly Gaussian X̂ ~ N(0, s²) with correlation ρ:
    # R = −½ log2(1 − ρ²), D = 1 + s² − 2ρs, W2² = (1 − s)²; minimise R over (s, ρ) on the
    # feasible set by a fine grid in s and the smallest feasible ρ in closed form
    s = np.linspace(max(0.0, 1 - math.sqrt(P)), 1 + math.sqrt(P), 20001)
    rho = np.clip((1 + s**2 - D) / np.maximum(2 * s, 1e-300), 0.0, 1.0)   # least ρ meeting D
    ok = rho < 1
    R = np.where(ok, -0.5 * np.log2(1 - rho**2 + 1e-300), np.inf)
    assert gaussian_rdpf(1.0, D, P) == pytest.approx(float(np.min(R)), abs=2e-6)


@given(st.floats(0.02, 0.4), st.floats(0.02, 0.4), st.floats(0.0, 0.2), st.floats(0.0, 0.2))
@settings(max_examples=8)
def test_solver_monotone_three_letters(D1, D2, P1, P2):
    p = np.array([0.6, 0.25, 0.15])
    d = 1 - np.eye(3)
    R = lambda D, P: rdpf(p, d, D, P).rate
    assert R(max(D1, D2), P1) <= R(min(D1, D2), P1) + 1e-7
    assert R(D1, max(P1, P2)) <= R(D1, min(P1, P2)) + 1e-7


@pytest.mark.parametrize("n, D, P", [(4, 0.3, 0.05), (5, 0.6, 0.0)])
def test_larger_alphabets_against_direct_slsqp(n, D, P):
    # |x − x̂| distortion on n letters; the direct optimiser on W agrees to ~1e-12 here
    rng = np.random.Generator(np.random.Philox(n))
    p = rng.dirichlet(np.ones(n) * 2)
    d = np.abs(np.subtract.outer(np.arange(n), np.arange(n))).astype(float)
    r = rdpf(p, d, D, P)
    ref = _slsqp_on_W(p, d, D, P, starts=4)
    assert r.rate <= ref + 1e-9
    assert r.rate == pytest.approx(ref, abs=1e-6)
    assert r.distortion <= D + 1e-9 and r.perception <= P + 1e-9
