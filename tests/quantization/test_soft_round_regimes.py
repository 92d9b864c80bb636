"""Soft rounding in the regimes the vectors do not reach: large α·abs(r), the cell edges r → ±½
and the cells next to 0, against a decimal oracle (tests/hp.py) evaluated on the exact binary
value of each float input.

Paper: Agustsson & Theis 2020, §4.1; spec: specs/quantization.md § Soft rounding.

Oracle (second route): the defining closed forms in decimal arithmetic,
    s_α(y) = m + tanh(α r)/(2 tanh(α/2)),  s_α⁻¹(v) = m + clip(atanh(2 tanh(α/2)(v − m))/α, ±½),
    r_α(v) = s_α⁻¹(v − ½) + ½,  s_α′(y) = α sech²(α r)/(2 tanh(α/2)),
    (s_α⁻¹)′(v) = z/(α (1 − z t)(1 + z t)),  z = 2 tanh(α/2),
with m = ⌊x⌋ + ½ and r, t = x − m computed exactly. ``_digits(α)`` gives enough digits that
every oracle value keeps ≥ 40 correct digits: the worst cancellations are 1 − z t ≈ 2e^{−α}
(α/ln 10 digits) and m + (≈ −m) next to 0, where s_α(y) ≈ y·α/sinh α (another
α/ln 10 + 12 digits for abs(y) ≥ 1e-12).

Tolerance (derivation). Each function is a handful of float64 operations, each with relative error
≤ u = 2^-53 (numpy's exp/log/tanh/arctanh within a few ulp). Say ≤ 20 such roundings per value:
20u ≈ 2.2e-15, so a relative budget of 1e-12 leaves a factor ≥ 400 for the constants. What the
formula then adds is its conditioning:

* s_α′ = α sech²(α r)/(2 tanh(α/2)) is a product/quotient of positive factors: relative errors add.
  The only amplified one is the input: r = y − m is rounded (by δr ≤ 2^-55, only for abs(y) < ¼,
  where abs(m) = ½), and d log s′/dr = −2α tanh(α r), so δr costs ≤ 2α·2^-55 ≤ 5.6e-15 relative
  for α ≤ 100. Bound: relative 1e-12, no other term.
* s_α(y) = m + T and s_α⁻¹(v) = m + ρ end with a sum whose addends are computed to relative
  1e-12; the sum's condition number is (abs(m) + abs(T))/abs(m + T), so the bound is
  1e-12·(abs(m) + abs(T)) — relative 1e-12 wherever the result is not near 0, absolute ½e-12 next
  to 0 (where m = ±½ and T ≈ ∓½ cancel: the spec's formula, tfc's too, keeps only absolute
  accuracy there; ``test_relative_accuracy_next_to_zero_is_not_reached`` pins that gap).
  For ρ = atanh(z t)/α the inner conditioning is where a careless evaluation fails: 1 − z t is
  ≈ 2e^{−α} at the integers, so forming z t in float64 (absolute error ≈ u) and subtracting from 1
  costs u/(2α(1 − z t)) ≈ u e^α/(4α) absolute in ρ — 7e-10 at α = 20, far above 1e-12·8 in cell
  k = 7. The edge-accurate form builds 1 ± z t from 1 ± 2t (exact differences) and E = e^{−α},
  so ρ keeps absolute accuracy ≈ (few u + u·abs(log(1 ± z t)))/α ≤ 1e-14 and the bound above
  holds. The rounding of t = v − m itself (≤ 2^-55, only for abs(v) < ¼) enters with the slope
  (s_α⁻¹)′ = 2(1 − E²)/(α(1 ± …)(1 ∓ …)) ≤ 16/α once both factors are ≥ ⅛ (abs(v) ≥ 1/16):
  ≤ 4.4e-16 for α ≥ 1; below 1/16 it would be amplified without limit next to v = 0, which is
  why the code forms 1 ± 2t there from exact differences (the old code lost 2.2e-7 absolute at
  s_50⁻¹(±1e-12)). For α < 1 the atanh form's slope is ≤ 1/(1 − tanh²½) < 1.3.
* r_α(v) = s_α⁻¹(w) + ½ with w = fl(v − ½): bound 1e-12·(½ + abs(s_α⁻¹(w)) + abs(m_w) + abs(ρ_w))
  (both sums) + r_α′(v)·abs(w − (v − ½)) (the rounding of v − ½, amplified by the slope; it is
  exactly computable, and non-zero only where v − ½ is inexact).
* (s_α⁻¹)′ = 2(1 − E²)/(α (1 ± …)(1 ∓ …)): a product of factors each computed to a few u once
  1 ± 2t are exact differences; relative 1e-12.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refimpl.quantization import (
    soft_round,
    soft_round_conditional_mean,
    soft_round_derivative,
    soft_round_inverse,
    soft_round_inverse_derivative,
)
from tests import hp

ALPHAS = [1e-3, 0.1, 1.0, 5.0, 20.0, 50.0, 100.0]
CELLS = [-3, 0, 7]  # m = k + ½
DISTANCES = [10.0**-e for e in range(1, 13)]  # 1e-1 … 1e-12
REL = 1e-12
HALF = Decimal(1) / 2


def _digits(alpha: float) -> int:
    """Decimal digits for the oracle: 40 kept + 2·α/ln 10 + 12 lost to cancellation + guard."""
    return 40 + 2 * math.ceil(alpha / math.log(10)) + 12 + 10


def _points() -> list[float]:
    """Inputs around the cells m = k + ½: r = y − m at distance d from the edges ±½ and from 0,
    both signs, built two ways — y = fl(m + fl(±(½ − d))) (r has no bits below ulp(½)) and
    y = n ± d for the edges n = k, k + 1 (all of d's bits: next to 0 this is where v − m is
    rounded) — plus the integers and half-integers themselves."""
    pts = set()
    for k in CELLS:
        m = k + 0.5
        pts.update([float(k), m, float(k + 1)])
        for d in DISTANCES:
            for r in (-0.5 + d, 0.5 - d, d, -d):
                pts.add(m + r)
            for n in (k, k + 1):
                pts.update([n + d, n - d])
        for d in (0.2, 0.0625, math.nextafter(0.0625, 0.0)):  # around the code's switch abs(v) < 1/16
            for n in (k, k + 1):
                pts.update([n + d, n - d])
    return sorted(pts)


POINTS = _points()


# --- oracle -----------------------------------------------------------------------------------

def _cell(x: Decimal) -> tuple[Decimal, Decimal]:
    m = hp.floor(x) + HALF
    return m, x - m


def _s_parts(y: float, a: float) -> tuple[Decimal, Decimal]:
    """(m, T) with s_α(y) = m + T, T = tanh(α r)/(2 tanh(α/2))."""
    A = hp.D(a)
    m, r = _cell(hp.D(y))
    return m, hp.tanh(A * r) / (2 * hp.tanh(A / 2))


def _sinv_parts(v: Decimal, a: float) -> tuple[Decimal, Decimal]:
    """(m, ρ) with s_α⁻¹(v) = m + ρ, ρ = clip(atanh(2 tanh(α/2) t)/α, ±½) (tfc's clip)."""
    A = hp.D(a)
    m, t = _cell(v)
    rho = hp.atanh(2 * hp.tanh(A / 2) * t) / A
    return m, min(max(rho, -HALF), HALF)


def _sinv_slope(v: Decimal, a: float) -> Decimal:
    A = hp.D(a)
    _, t = _cell(v)
    z = 2 * hp.tanh(A / 2)
    return z / (A * (1 - z * t) * (1 + z * t))


def _deriv(y: float, a: float) -> Decimal:
    A = hp.D(a)
    _, r = _cell(hp.D(y))
    return A * hp.sech2(A * r) / (2 * hp.tanh(A / 2))


# --- the check: error and bound of each function at one point --------------------------------

def _err_and_bound(name: str, x: float, a: float) -> tuple[float, float, float]:
    """(abs(got − want), bound, want) for one function at float input x, in the caller's context."""
    if name == "soft_round":
        m, T = _s_parts(x, a)
        want = m + T
        bound = REL * float(abs(m) + abs(T))
        got = soft_round(x, a)
    elif name == "soft_round_inverse":
        m, rho = _sinv_parts(hp.D(x), a)
        want = m + rho
        bound = REL * float(abs(m) + abs(rho))
        got = soft_round_inverse(x, a)
    elif name == "soft_round_conditional_mean":
        w_exact = hp.D(x) - HALF
        w = hp.D(x - 0.5)  # the float the code passes on
        m, rho = _sinv_parts(w_exact, a)
        inner = m + rho
        want = inner + HALF
        input_err = float(abs(_sinv_slope(w_exact, a)) * abs(w - w_exact))
        bound = REL * float(HALF + abs(inner) + abs(m) + abs(rho)) + input_err
        got = soft_round_conditional_mean(x, a)
    elif name == "soft_round_derivative":
        want = _deriv(x, a)
        bound = REL * float(want)
        got = soft_round_derivative(x, a)
    elif name == "soft_round_inverse_derivative":
        want = _sinv_slope(hp.D(x), a)
        bound = REL * float(want)
        got = soft_round_inverse_derivative(x, a)
    else:  # pragma: no cover
        raise AssertionError(name)
    return float(abs(hp.D(got) - want)), bound, float(want)


FUNCTIONS = ["soft_round", "soft_round_inverse", "soft_round_conditional_mean", "soft_round_derivative",
             "soft_round_inverse_derivative"]


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("alpha", ALPHAS)
def test_grid_against_decimal_oracle(name, alpha):
    bad = []
    with hp.digits(_digits(alpha)):
        for x in POINTS:
            err, bound, want = _err_and_bound(name, x, alpha)
            if not err <= bound:
                bad.append((x, want, err, bound))
    assert not bad, f"{name}, alpha={alpha}: {len(bad)} of {len(POINTS)} points out of bound, e.g. " \
                    f"(x, want, |err|, bound) = {bad[:3]}"


def test_grid_reaches_the_regimes():
    """The grid really contains what the broken variants need: α·abs(r) ≥ 20 (tanh(α r) == ±1 in
    float64, so 1 − tanh² is 0), 1 − z t below 1e-8 at α ≥ 20 (integers in cells −3 and 7), and
    inputs next to 0 with all of d's bits (where v − m is rounded)."""
    a = 50.0
    big = [y for y in POINTS if abs(a * (y - (math.floor(y) + 0.5))) >= 20]
    assert big and all(math.tanh(a * (y - (math.floor(y) + 0.5))) in (-1.0, 1.0) for y in big)
    ints = [v for v in POINTS if v == math.floor(v) and v not in (0.0, 1.0)]
    assert len(ints) >= 3  # −3, −2, 7, 8
    tiny = [v for v in POINTS if 0 < abs(v) <= 1e-12]
    assert any(v - 0.5 + 0.5 != v for v in tiny)  # fl(v − m) lost bits of v


@given(alpha=st.floats(1e-3, 100.0), k=st.integers(-5, 10), e=st.floats(1.0, 12.0),
       where=st.sampled_from(["lo", "hi", "mid"]), sign=st.sampled_from([-1.0, 1.0]),
       name=st.sampled_from(FUNCTIONS))
def test_property_sweep(alpha, k, e, where, sign, name):
    """Random α ∈ [1e-3, 100], cell k, distance 10^-e from an edge (lo: the integer k, hi: k + 1)
    or from the centre, either side; the same bound as the grid."""
    d = 10.0**-e
    x = {"lo": k + sign * d, "hi": k + 1 + sign * d, "mid": k + 0.5 + sign * d}[where]
    with hp.digits(_digits(alpha)):
        err, bound, want = _err_and_bound(name, x, alpha)
    assert err <= bound, (name, x, alpha, want, err, bound)


@pytest.mark.parametrize("name", ["soft_round", "soft_round_inverse", "soft_round_conditional_mean"])
@pytest.mark.xfail(strict=True, reason="spec formula m + T cancels next to 0: only absolute accuracy "
                                       "(≈ 1e-16) there; strict, so a future fix shows up here")
def test_relative_accuracy_next_to_zero_is_not_reached(name):
    """s_α(y) ≈ y·α/sinh α, s_α⁻¹(v) ≈ v·sinh α/α and r_α(v) ≈ v·2 tanh(α/2)/α near 0 are well
    conditioned (relative condition number ≈ 1), yet m + T (m + ρ) loses the digits of ½: at
    α = 1, x = 1e-12 the relative errors are 5.1e-5, 2.6e-5 and 2.9e-5 (measured 2026-11-25). Pure
    relative 1e-12 is therefore not met (see the module docstring)."""
    x, a = 1e-12, 1.0
    with hp.digits(_digits(a)):
        err, _, want = _err_and_bound(name, x, a)
    assert err <= REL * abs(want)
