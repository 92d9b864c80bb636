"""High-precision reference math on the standard library's ``decimal`` (the tests' oracle).

The tests' second route for closed forms (the soft-rounding family of Agustsson & Theis 2020,
interval masses of the uniform-noise channel in the far tails, DiffC's Gaussian rate and
distortions) needs more digits than float64 has. This module uses nothing beyond the standard
library, so those tests run everywhere CI runs (an earlier version used mpmath, which is not a
dependency, and was skipped).

Precision model (mpmath's ``mp.dps``, but never global). Arithmetic you write between Decimals
uses the *current* decimal context, so wrap a computation in ``with digits(40): ...``. Every
function below reads the current precision p, works in its own local context at p + guard digits
(more where it must cancel, see ``erfc``) and returns its result rounded once to p significant
digits. Nothing here changes the global context. Arguments are converted exactly (``D``): a float
becomes its exact binary value, as ``mpmath.mpf(float)`` does.

| symbol            | code                 | formula / method                                          |
|-------------------|----------------------|-----------------------------------------------------------|
| e^x, ln x, √x     | exp, ln, sqrt        | Decimal.exp / .ln / .sqrt (correctly rounded, libmpdec)    |
| e^x − 1           | expm1                | Taylor series for abs(x) < 1, else e^x − 1                |
| log₂ x            | log2                 | ln x / ln 2                                               |
| π                 | pi                   | Machin: 16 atan(1/5) − 4 atan(1/239)                      |
| tanh x            | tanh                 | sign(x)·(−expm1(−2abs(x)))/(2 + expm1(−2abs(x)))          |
| atanh x           | atanh                | ½ ln((1 + x)/(1 − x)), abs(x) < 1                         |
| sech² x           | sech2                | (2e^{−abs(x)}/(1 + e^{−2abs(x)}))²                        |
| ⌊x⌋               | floor                | exact                                                     |
| erf x, erfc x     | erf, erfc            | all-positive series (A&S 7.1.6), extra digits for 1 − erf |
| Φ(z)              | normal_cdf           | ½ erfc(−z/√2)                                             |
| Laplace c(z)      | laplace_cdf          | ½e^z (z < 0), 1 − ½e^{−z} (z ≥ 0); scale 1                |
| logistic c(z)     | logistic_cdf         | 1/(1 + e^{−z}); scale 1                                   |
"""

from __future__ import annotations

import math
import numbers
from contextlib import contextmanager
from decimal import ROUND_FLOOR, Decimal, getcontext, localcontext
from functools import lru_cache

__all__ = ["D", "digits", "exp", "expm1", "ln", "log2", "sqrt", "pi", "tanh", "atanh", "sech2", "floor",
           "erf", "erfc", "normal_cdf", "laplace_cdf", "logistic_cdf"]

GUARD = 10  # extra working digits of every function: covers the rounding of up to ~10⁸ series terms
ERF_MAX = 200.0  # erf/erfc accept abs(x) ≤ 200 (≈ 17 400 extra digits at the limit; enough for tests)


def D(x) -> Decimal:
    """Exact conversion of an int, float (its exact binary value), numpy scalar, str or Decimal."""
    if isinstance(x, Decimal):
        d = x
    elif isinstance(x, bool):
        raise TypeError("x must be a number, not bool")
    elif isinstance(x, numbers.Integral):
        d = Decimal(int(x))
    elif isinstance(x, numbers.Real):
        d = Decimal(float(x))
    elif isinstance(x, str):
        d = Decimal(x)
    else:
        raise TypeError(f"x must be a real number, got {type(x).__name__}")
    if not d.is_finite():
        raise ValueError(f"x must be finite, got {x!r}")
    return d


@contextmanager
def digits(n: int):
    """A local decimal context with ``n`` significant digits (the caller's arithmetic precision)."""
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"digits n must be an int >= 1, got {n!r}")
    with localcontext() as ctx:
        ctx.prec = n
        yield ctx


@contextmanager
def _work(extra: int = 0):
    """Working context at the caller's precision + GUARD + ``extra`` digits."""
    with localcontext() as ctx:
        ctx.prec = ctx.prec + GUARD + extra
        yield ctx


def exp(x) -> Decimal:
    """e^x, correctly rounded to the current precision (Decimal.exp)."""
    return D(x).exp()


def ln(x) -> Decimal:
    """ln x for x > 0, correctly rounded to the current precision (Decimal.ln)."""
    x = D(x)
    if x <= 0:
        raise ValueError(f"ln: x must be > 0, got {x}")
    return x.ln()


def sqrt(x) -> Decimal:
    """√x for x ≥ 0, correctly rounded to the current precision (Decimal.sqrt)."""
    x = D(x)
    if x < 0:
        raise ValueError(f"sqrt: x must be >= 0, got {x}")
    return x.sqrt()


def log2(x) -> Decimal:
    """log₂ x = ln x / ln 2 for x > 0."""
    x = D(x)
    if x <= 0:
        raise ValueError(f"log2: x must be > 0, got {x}")
    with _work():
        r = x.ln() / Decimal(2).ln()
    return +r


def _expm1_work(y: Decimal) -> Decimal:
    """e^y − 1 in the current (working) context: Σ_{n≥1} yⁿ/n! for abs(y) < 1 (no cancellation:
    the terms shrink at least twofold after the first), else e^y − 1 (abs(result) ≥ 1 − 1/e)."""
    if abs(y) >= 1:
        return y.exp() - 1
    s, term, n = Decimal(0), y, 1
    while s + term != s:  # the tail after a negligible term is at most twice that term
        s += term
        n += 1
        term = term * y / n
    return s


def expm1(x) -> Decimal:
    """e^x − 1 with full relative precision near x = 0."""
    x = D(x)
    with _work():
        r = _expm1_work(x)
    return +r


@lru_cache(maxsize=32)
def _pi_at(prec: int) -> Decimal:
    """π to ``prec`` + GUARD digits by Machin's formula π = 16 atan(1/5) − 4 atan(1/239),
    atan(1/n) = Σ_k (−1)^k / ((2k + 1) n^{2k+1}) (alternating, terms shrink ≥ 25-fold)."""
    with localcontext() as ctx:
        ctx.prec = prec + GUARD

        def acot(n: int) -> Decimal:
            power, s, k = Decimal(1) / n, Decimal(0), 0
            while True:
                term = power / (2 * k + 1)
                if s + term == s:
                    return s
                s = s + term if k % 2 == 0 else s - term
                power /= n * n
                k += 1

        return 16 * acot(5) - 4 * acot(239)


def pi() -> Decimal:
    """π rounded to the current precision (Machin's formula, cached per precision)."""
    return +_pi_at(getcontext().prec)


def tanh(x) -> Decimal:
    """tanh x = sign(x)·(−expm1(−2abs(x)))/(2 + expm1(−2abs(x))): no cancellation near 0 or in the tails."""
    x = D(x)
    if x == 0:
        return +x
    with _work():
        e = _expm1_work(-2 * abs(x))
        r = (-e / (2 + e)).copy_sign(x)
    return +r


def atanh(x) -> Decimal:
    """atanh x = ½ ln((1 + x)/(1 − x)) for abs(x) < 1. The working precision is raised by the
    number of leading zeros of x (ln of a quotient near 1 keeps only absolute precision) and
    so that 1 ± x is exact for the digits x carries."""
    x = D(x)
    if abs(x) >= 1:
        raise ValueError(f"atanh: x must satisfy abs(x) < 1, got {x}")
    if x == 0:
        return +x
    p = getcontext().prec
    need = max(p + GUARD + max(0, -x.adjusted()), -x.as_tuple().exponent + 2)
    with localcontext() as ctx:
        ctx.prec = need
        r = ((1 + x) / (1 - x)).ln() / 2
    return +r


def sech2(x) -> Decimal:
    """sech² x = (2e^{−abs(x)}/(1 + e^{−2abs(x)}))² (never 1 − tanh², which cancels for large abs(x))."""
    x = D(x)
    with _work():
        e = (-abs(x)).exp()
        r = (2 * e / (1 + e * e)) ** 2
    return +r


def floor(x) -> Decimal:
    """⌊x⌋, exact (an integral Decimal)."""
    return D(x).to_integral_value(rounding=ROUND_FLOOR)


def _erf_erfc(x: Decimal) -> tuple[Decimal, Decimal]:
    """(erf x, erfc x) for x ≥ 0 in a working context with enough digits for erfc.

    erf x = (2/√π) e^{−x²} Σ_{n≥0} 2ⁿ x^{2n+1} / (2n+1)!!   (Abramowitz & Stegun 7.1.6).
    All terms are positive, so the sum does not cancel; the ratio of consecutive terms is
    2x²/(2n+3), and once it is below ½ a negligible term bounds the whole tail (stop rule).
    erfc x = 1 − erf x cancels log₁₀(1/erfc x) leading digits; since
    erfc x > 2e^{−x²}/(√π (x + √(x² + 2))) ≥ e^{−x²}/(√π (x + 1)) (A&S 7.1.13), at most
    x²/ln 10 + log₁₀(√π (x + 1)) digits are lost, and that many are added to the working precision.
    """
    xf = float(x)
    if xf > ERF_MAX:
        raise ValueError(f"erf/erfc: abs(x) must be <= {ERF_MAX}, got {x}")
    lost = math.ceil(xf * xf / math.log(10) + math.log10(math.sqrt(math.pi) * (xf + 1))) + 1
    with _work(lost) as ctx:
        x2 = x * x
        term, s, n = x, x, 0
        while True:
            n += 1
            term = term * 2 * x2 / (2 * n + 1)
            s += term
            if 4 * x2 < 2 * n + 3 and s + term == s:
                break
        e = 2 * (-x2).exp() * s / _pi_at(ctx.prec).sqrt()
        return e, 1 - e


def erf(x) -> Decimal:
    """erf x = (2/√π) ∫₀ˣ e^{−t²} dt, odd; abs(x) ≤ 200 (series of ``_erf_erfc``)."""
    x = D(x)
    if x == 0:
        return +x
    e, _ = _erf_erfc(abs(x))
    return +e.copy_sign(x)


def erfc(x) -> Decimal:
    """erfc x = 1 − erf x with full relative precision in the right tail (abs(x) ≤ 200)."""
    x = D(x)
    e, c = _erf_erfc(abs(x))
    return +(c if x >= 0 else 1 + e)


def normal_cdf(z) -> Decimal:
    """Φ(z) = ½ erfc(−z/√2), full relative precision in the left tail (abs(z) ≤ 282)."""
    z = D(z)
    if z == 0:
        return Decimal(1) / 2
    with localcontext() as ctx:  # z/√2 to p + 2·GUARD digits + the erfc slope 2x² (relative)
        ctx.prec += 2 * GUARD + len(str(int(abs(float(z)) ** 2)))
        x = abs(z) / Decimal(2).sqrt()
        e, c = _erf_erfc(x)
        r = c / 2 if z < 0 else (1 + e) / 2
    return +r


def laplace_cdf(z) -> Decimal:
    """Standard Laplace CDF: ½e^z for z < 0, 1 − ½e^{−z} for z ≥ 0."""
    z = D(z)
    with _work():
        r = z.exp() / 2 if z < 0 else 1 - (-z).exp() / 2
    return +r


def logistic_cdf(z) -> Decimal:
    """Standard logistic CDF: 1/(1 + e^{−z})."""
    z = D(z)
    with _work():
        r = 1 / (1 + (-z).exp())
    return +r
