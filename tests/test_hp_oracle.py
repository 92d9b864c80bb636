"""The tests' decimal oracle (tests/hp.py) checked by routes that do not share its formulas:
float64 ``math`` where it is accurate, exact values, an asymptotic series (Mills ratio), Laplace's
continued fraction and the alternating Maclaurin series for erf, and mpmath when it is installed."""

import math
from decimal import Decimal, getcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import hp

# π to 100 decimals (the classical digits, e.g. OEIS A000796)
PI_100 = Decimal("3.14159265358979323846264338327950288419716939937510"
                 "58209749445923078164062862089986280348253421170679")


def _rel(a: Decimal, b: Decimal) -> Decimal:
    return abs(a - b) / abs(b)


def _close(got: float, exact: Decimal, rel: float) -> bool:
    """abs(got − exact) ≤ rel·abs(exact), evaluated in 40 digits (exact is the oracle's value)."""
    with hp.digits(40):
        return abs(hp.D(got) - exact) <= hp.D(rel) * abs(exact)


# -- agreement with float64 math where float64 is accurate --------------------------------------
# Measured worst case over 400 points (Philox-seeded, x in (−6, 27) and 10^(−10…1)): erfc 2 ulp,
# erf/tanh/expm1/atanh 1 ulp, exp/log/log2 correctly rounded. 1e-15 relative is ≥ 4.5 ulp.

@given(st.floats(-6.0, 26.5))
def test_erfc_matches_math(x):
    with hp.digits(40):
        assert _close(math.erfc(x), hp.erfc(x), 1e-15)


@given(st.floats(-6.0, 6.0).filter(lambda x: abs(x) > 1e-300))  # erf x ≈ 1.13x: subnormal results keep < 53 bits
def test_erf_matches_math(x):
    with hp.digits(40):
        assert _close(math.erf(x), hp.erf(x), 1e-15)


@given(st.floats(-30.0, 30.0).filter(lambda x: x != 0))
def test_tanh_expm1_match_math(x):
    with hp.digits(40):
        assert _close(math.tanh(x), hp.tanh(x), 1e-15)
        assert _close(math.expm1(x), hp.expm1(x), 1e-15)
        assert _close(math.exp(x), hp.exp(x), 1e-15)


@given(st.floats(-1.0, 1.0, exclude_min=True, exclude_max=True).filter(lambda x: x != 0))
def test_atanh_matches_math(x):
    with hp.digits(40):
        assert _close(math.atanh(x), hp.atanh(x), 1e-15)


@given(st.floats(1e-300, 1e300).filter(lambda x: x != 1))
def test_logs_match_math(x):
    with hp.digits(40):
        assert _close(math.log(x), hp.ln(x), 1e-15)
        assert _close(math.log2(x), hp.log2(x), 1e-15)


def test_normal_cdf_matches_math_erfc():
    # Φ(z) = ½ erfc(−z/√2): choose x as a float, so that math.erfc sees no rounding of z/√2;
    # the oracle takes z = −√2·x exactly enough (60 digits)
    for x in (-3.0, -0.7, 0.1, 1.3, 4.0, 9.5, 18.0, 26.0):
        with hp.digits(60):
            z = -hp.sqrt(2) * hp.D(x)
            want = hp.normal_cdf(z)
        assert _close(0.5 * math.erfc(x), want, 1e-15)


# -- exact values and identities at 60 digits ---------------------------------------------------

def test_exact_values():
    with hp.digits(60):
        tol = Decimal(10) ** -58
        assert hp.normal_cdf(0) == Decimal("0.5")
        assert hp.tanh(0) == 0 and hp.atanh(0) == 0 and hp.erf(0) == 0 and hp.erfc(0) == 1
        assert hp.sech2(0) == 1 and hp.laplace_cdf(0) == Decimal("0.5") and hp.logistic_cdf(0) == Decimal("0.5")
        ln2 = hp.ln(2)
        assert _rel(hp.tanh(ln2), Decimal(3) / 5) < tol  # tanh(ln 2) = (2 − ½)/(2 + ½) = 3/5
        assert _rel(hp.atanh(Decimal(3) / 5), ln2) < tol
        assert _rel(hp.sech2(ln2), Decimal(16) / 25) < tol  # 1 − (3/5)²
        assert _rel(hp.logistic_cdf(hp.ln(3)), Decimal(3) / 4) < tol  # 1/(1 + 1/3)
        assert _rel(hp.laplace_cdf(-ln2), Decimal(1) / 4) < tol  # ½·½
        assert _rel(hp.laplace_cdf(ln2), Decimal(3) / 4) < tol  # 1 − ½·½
        assert hp.log2(1024) == 10 and hp.log2(Decimal(1) / 8) == -3
        assert _rel(hp.expm1(Decimal("1e-30")), Decimal("1e-30") + Decimal("5e-61")) < tol
        assert hp.floor(Decimal("-2.5")) == -3 and hp.floor(7) == 7
        assert _rel(hp.pi(), PI_100) < tol
    with hp.digits(100):
        assert abs(hp.pi() - PI_100) <= Decimal(10) ** -99


def test_symmetries():
    with hp.digits(60):
        tol = Decimal(10) ** -58
        for z in ("0.3", "1", "2.75", "5", "12.5"):
            z = Decimal(z)
            assert abs(hp.normal_cdf(-z) + hp.normal_cdf(z) - 1) < tol
            assert abs(hp.laplace_cdf(-z) + hp.laplace_cdf(z) - 1) < tol
            assert abs(hp.logistic_cdf(-z) + hp.logistic_cdf(z) - 1) < tol
            assert hp.tanh(-z) == -hp.tanh(z) and hp.erf(-z) == -hp.erf(z)
            assert _rel(hp.erfc(-z), 2 - hp.erfc(z)) < tol
            assert _rel(hp.atanh(hp.tanh(z / 8)), z / 8) < Decimal(10) ** -57
    with hp.digits(400):  # far tail: 1 − Φ(38) ≈ 3e−316, so only 400 digits resolve the identity
        z = Decimal(38)
        assert _rel(1 - hp.normal_cdf(z), hp.normal_cdf(-z)) < Decimal(10) ** -80


def _mills_asymptotic(z: Decimal):
    """Φ(−z) ≈ φ(z)/z · Σ_{k<K} (−1)^k (2k − 1)!!/z^{2k} (Mills ratio, Laplace's asymptotic series).
    The series is enveloping: the error is below the first omitted term. Terms are added while
    they shrink and exceed 1e−70; returns (value, bound on the relative error)."""
    phi = hp.exp(-z * z / 2) / hp.sqrt(2 * hp.pi())
    s, term, k = Decimal(0), Decimal(1), 0
    while True:
        nxt = -term * (2 * k + 1) / (z * z)
        s += term
        k += 1
        if abs(nxt) >= abs(term) or abs(nxt) < Decimal(10) ** -70:
            return phi / z * s, abs(nxt) / s
        term = nxt


@pytest.mark.parametrize("z, digits_expected", [(10, 20), (20, 58), (38, 58)])
def test_left_tail_against_mills_ratio(z, digits_expected):
    with hp.digits(60):
        approx, bound = _mills_asymptotic(Decimal(z))
        assert bound < Decimal(10) ** -digits_expected  # the route itself is this accurate
        assert _rel(hp.normal_cdf(-z), approx) <= bound + Decimal(10) ** -58
    if z == 38:  # Φ(−38) ≈ 2.885428360068784308e−316: the series' leading digits (mpmath.ncdf agrees)
        assert f"{approx:.18e}" == "2.885428360068784308e-316"


def _erfc_continued_fraction(x: Decimal, depth: int) -> Decimal:
    """erfc x = e^{−x²}/√π · 1/(x + (1/2)/(x + (2/2)/(x + (3/2)/(x + …)))) (Laplace; A&S 7.1.14),
    evaluated backwards from ``depth`` partial quotients."""
    t = x
    for k in range(depth, 0, -1):
        t = x + Decimal(k) / 2 / t
    return hp.exp(-x * x) / hp.sqrt(hp.pi()) / t


@pytest.mark.parametrize("x", ["2.5", "5", "11.25", "27"])
def test_erfc_against_continued_fraction(x):
    # the continued fraction converges for x > 0; depth 4000 and 8000 agreeing to 1e−62 shows
    # its value is settled at 60 digits
    with hp.digits(70):
        x = Decimal(x)
        cf, cf2 = _erfc_continued_fraction(x, 4000), _erfc_continued_fraction(x, 8000)
        assert _rel(cf, cf2) < Decimal(10) ** -62
        want = cf
    with hp.digits(60):
        assert _rel(hp.erfc(x), want) < Decimal(10) ** -58


@pytest.mark.parametrize("x", ["0.001", "0.5", "1", "2", "3.5"])
def test_erf_against_alternating_maclaurin_series(x):
    # erf x = (2/√π) Σ (−1)ⁿ x^{2n+1}/(n!(2n+1)); terms reach ~e^{x²}, so 60 + x²/ln 10 + 5 digits
    x = Decimal(x)
    with hp.digits(65 + int(float(x) ** 2 / math.log(10))):
        s, power, n = Decimal(0), x, 0
        while True:
            term = power / (math.factorial(n) * (2 * n + 1))
            if n > float(x) ** 2 and abs(term) < Decimal(10) ** -75:
                break
            s += term
            power *= -x * x
            n += 1
        want = 2 * s / hp.sqrt(hp.pi())
    with hp.digits(60):
        assert _rel(hp.erf(x), want) < Decimal(10) ** -58


# -- precision model ----------------------------------------------------------------------------

def test_global_context_untouched_and_results_rounded():
    before = getcontext().prec
    with hp.digits(25):
        vals = [hp.normal_cdf(-7), hp.tanh("0.3"), hp.atanh("0.3"), hp.sech2(4), hp.log2(3),
                hp.erfc(3), hp.expm1("1e-9"), hp.laplace_cdf(-3), hp.logistic_cdf(2), hp.pi()]
        assert getcontext().prec == 25
    assert getcontext().prec == before
    assert all(len(v.as_tuple().digits) <= 25 for v in vals)
    # 25-digit results are the 60-digit ones rounded (a correctly rounded result, ±1 in the last digit)
    with hp.digits(60):
        fine = [hp.normal_cdf(-7), hp.tanh("0.3"), hp.atanh("0.3"), hp.sech2(4), hp.log2(3),
                hp.erfc(3), hp.expm1("1e-9"), hp.laplace_cdf(-3), hp.logistic_cdf(2), hp.pi()]
        for v, f in zip(vals, fine):
            assert _rel(v, f) < Decimal(10) ** -24


def test_exact_conversion_of_floats():
    assert hp.D(0.1) == Decimal(0.1) != Decimal("0.1")  # the double's exact binary value
    import numpy as np
    assert hp.D(np.float64(0.1)) == Decimal(0.1) and hp.D(np.int64(-3)) == -3


@pytest.mark.parametrize("f, x", [(hp.atanh, 1), (hp.atanh, -1.5), (hp.ln, 0), (hp.log2, -1.0), (hp.sqrt, -2),
                                  (hp.tanh, math.nan), (hp.normal_cdf, math.inf), (hp.erfc, 1e3)])
def test_bad_arguments(f, x):
    with pytest.raises(ValueError):
        f(x)


def test_bad_digits():
    for n in (0, -3, 2.5, True):
        with pytest.raises(ValueError, match="digits"):
            with hp.digits(n):
                pass


# -- against mpmath, only where it happens to be installed ---------------------------------------

def test_against_mpmath_at_50_digits():
    mp = pytest.importorskip("mpmath")
    ctx = mp.mp
    pairs = [(hp.normal_cdf, ctx.ncdf, z) for z in ("-40", "-38", "-12.5", "-1", "0.3", "7")]
    pairs += [(hp.erfc, ctx.erfc, x) for x in ("0.2", "3", "26.5")]
    pairs += [(hp.tanh, ctx.tanh, x) for x in ("1e-20", "0.4", "-17")]
    pairs += [(hp.atanh, ctx.atanh, x) for x in ("1e-20", "0.4", "-0.999999")]
    pairs += [(hp.sech2, lambda v: ctx.sech(v) ** 2, x) for x in ("0.4", "60")]
    pairs += [(hp.log2, lambda v: ctx.log(v, 2), x) for x in ("3", "1e-300")]
    pairs += [(hp.expm1, ctx.expm1, x) for x in ("-1e-25", "0.5", "-40")]
    with hp.digits(50), mp.workdps(60):
        for f, g, x in pairs:
            got = f(Decimal(x))
            want = Decimal(ctx.nstr(g(ctx.mpf(x)), 58, strip_zeros=False))
            assert _rel(got, want) < Decimal(10) ** -48, (f.__name__, x)
        assert _rel(hp.pi(), Decimal(ctx.nstr(ctx.pi, 58))) < Decimal(10) ** -48
