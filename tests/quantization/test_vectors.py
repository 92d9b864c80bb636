"""Re-derive quantization.v1.json by its verifiedBy routes (not by the code that wrote it)."""

import json
import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import integrate, stats

from refimpl import random as R
from refimpl.coding.models import family_cdf, quantize_pmf_py
from refimpl.coding.rans import rans_encode_py
from refimpl.quantization.vectors import FILES
from refimpl.vectors import decode_value, dumps, vectors_dir
from tests import hp

PATH = vectors_dir() / "quantization.v1.json"
DOC = json.loads(PATH.read_text())


def _cases(function, result="valid"):
    for g in DOC["groups"]:
        if g["function"] == function:
            params = decode_value(g["params"])
            for c in g["cases"]:
                if c["result"] == result:
                    yield {**decode_value(c["input"]), **params}, decode_value(c["expected"])


def test_file_is_up_to_date():
    assert PATH.read_text() == dumps(FILES[0]())


def _round_half_even(q: Fraction) -> int:
    f = math.floor(q)
    d = q - f
    if d > Fraction(1, 2) or (d == Fraction(1, 2) and f % 2 == 1):
        return f + 1
    return f


def fl(q: Fraction) -> Fraction:
    """Round a rational to the nearest double (ties to even), as one IEEE operation does."""
    return Fraction(float(q))


def test_universal_quantize_exact_rationals():
    # the spec fixes the rounding points: K = round_half_even(fl(fl(y − u) / Δ)), ŷ = fl(fl(Δ·K) + u)
    n = 0
    for inp, exp in _cases("universal_quantize_given"):
        y, u, step = inp["y"].reshape(-1), inp["u"].reshape(-1), inp["step"]
        k = [_round_half_even(fl(fl(Fraction(a) - Fraction(b)) / Fraction(step))) for a, b in zip(y, u)]
        np.testing.assert_array_equal(exp["k"].reshape(-1), k)
        # ŷ = Δk + u rounded once per IEEE operation (Δk exact for these cases, then one addition)
        want = [float(Fraction(float(Fraction(step) * kk)) + Fraction(b)) for kk, b in zip(k, u)]
        np.testing.assert_array_equal(exp["y_hat"].reshape(-1), want)
        n += 1
    assert n >= 3


def test_level_offsets_exact_rationals():
    for inp, exp in _cases("uq_level_offsets"):
        L, step = inp["levels"], inp["step"]
        # spec: o_i = fl(Δ · fl(fl((i+1)/(L+1)) − ½))
        want = [float(Fraction(step) * fl(fl(Fraction(i + 1, L + 1)) - Fraction(1, 2))) for i in range(L)]
        np.testing.assert_array_equal(exp["output"], want)


HALF = hp.D(0.5)
CDFS = {"gaussian": hp.normal_cdf, "laplace": hp.laplace_cdf, "logistic": hp.logistic_cdf}


def _s(y, a):
    """s_α(y) = m + tanh(α(y − m))/(2 tanh(α/2)), m = ⌊y⌋ + ½, in the current decimal precision."""
    m = hp.floor(y) + HALF
    return m + hp.tanh(a * (y - m)) / (2 * hp.tanh(a / 2))


def _sinv(v, a):
    m = hp.floor(v) + HALF
    r = hp.atanh(2 * hp.tanh(a / 2) * (v - m)) / a
    return m + min(max(r, -HALF), HALF)


@pytest.mark.parametrize("function", ["soft_round", "soft_round_inverse", "soft_round_conditional_mean",
                                      "soft_round_derivative"])
def test_soft_round_family_decimal(function):
    n = 0
    with hp.digits(40):
        for inp, exp in _cases(function):
            a = inp["alpha"]
            if np.ndim(a) or a < 1e-3 or a > 100:  # identity branch / rounding branch: covered elsewhere
                continue
            x = inp.get("y", inp.get("v"))
            A = hp.D(a)
            for xi, got in zip(x.reshape(-1), exp["output"].reshape(-1)):
                X = hp.D(float(xi))
                if function == "soft_round":
                    want = _s(X, A)
                elif function == "soft_round_inverse":
                    want = _sinv(X, A)
                elif function == "soft_round_conditional_mean":
                    want = _sinv(X - HALF, A) + HALF
                else:
                    m = hp.floor(X) + HALF
                    want = A * hp.sech2(A * (X - m)) / (2 * hp.tanh(A / 2))
                assert abs(float(want) - got) <= 1e-12 * max(1.0, abs(got)) + 1e-14
                if function != "soft_round":  # s_α(y) ≈ 0 near y = 0 keeps only absolute accuracy;
                    assert float(want) == pytest.approx(got, rel=1e-12, abs=0)  # the others: relative too
                n += 1
    assert n > 20


def test_conditional_pmf_decimal():
    n = 0
    with hp.digits(40):
        for inp, exp in _cases("uq_conditional_pmf"):
            if inp["alpha"] is not None:
                continue
            c = CDFS[inp["family"]]
            step = hp.D(inp["step"])
            loc = hp.D(float(inp["loc"]))
            scale = hp.D(float(inp["scale"]))
            for k, u, got in zip(inp["k"], inp["u"], exp["output"]):
                t = step * int(k) + hp.D(float(u))
                want = c((t + step / 2 - loc) / scale) - c((t - step / 2 - loc) / scale)
                assert float(want) == pytest.approx(got, rel=1e-12, abs=0)
                n += 1
    assert n >= 20


def test_log2_density_tails_decimal():
    n = 0
    with hp.digits(60):
        for inp, exp in _cases("uq_log2_density"):
            c = CDFS[inp["family"]]
            for t, got in zip(inp["t"], exp["output"]):
                tt = -abs(hp.D(float(t)))  # symmetric: reflect so that 60 digits suffice
                want = hp.log2(c(tt + HALF) - c(tt - HALF))
                assert float(want) == pytest.approx(got, rel=1e-12, abs=0)
                n += 1
    assert n >= 18


def test_kumaraswamy_moments_quadrature():
    for inp, exp in _cases("kumaraswamy_moments"):
        a = inp["a"]
        b = (2**a * (a - 1) + 1) / a
        pdf = lambda x: a * b * x ** (a - 1) * (1 - x**a) ** (b - 1)  # noqa: E731
        m1 = integrate.quad(lambda x: x * pdf(x), 0, 1, epsabs=1e-14)[0]
        m2 = integrate.quad(lambda x: x * x * pdf(x), 0, 1, epsabs=1e-14)[0]
        assert exp["mean"] == pytest.approx(m1, abs=1e-11)
        assert exp["variance"] == pytest.approx(m2 - m1 * m1, abs=1e-11)


def _row_pmfs_scipy(u, family, loc, scale, c, W, step, alpha):
    """Second route to the spec's row pmfs (§ Truncation rule), written out here: row i is
    P(K = k | u_i) ∝ F(hi) − F(lo) over k = c_i − W … c_i + W, with [lo, hi] = [Δk + u_i − Δ/2,
    Δk + u_i + Δ/2] mapped back to Y-space by Δ·s_α⁻¹(·/Δ) when α is given, F the scipy.stats
    CDF of the prior (survival-function differences right of the location, so nothing cancels),
    normalised over the row."""
    dist = {"gaussian": stats.norm, "laplace": stats.laplace, "logistic": stats.logistic}[family]
    n = u.size
    loc = np.broadcast_to(np.asarray(loc, dtype=np.float64), (n,))
    scale = np.broadcast_to(np.asarray(scale, dtype=np.float64), (n,))

    def to_y(x):
        if alpha is None:
            return x
        v = x / step  # s_α⁻¹(v) = m + atanh(2 tanh(α/2)(v − m))/α, m = ⌊v⌋ + ½ (Agustsson & Theis §4.1)
        m = np.floor(v) + 0.5
        r = np.clip(np.arctanh(2 * np.tanh(alpha / 2) * (v - m)) / alpha, -0.5, 0.5)
        return step * (m + r)

    rows = np.empty((n, 2 * W + 1))
    for i in range(n):
        k = np.arange(c[i] - W, c[i] + W + 1, dtype=np.float64)
        lo, hi = to_y(step * k + u[i] - step / 2), to_y(step * k + u[i] + step / 2)
        right = lo + hi > 2 * loc[i]
        mass = np.where(right, dist.sf(lo, loc[i], scale[i]) - dist.sf(hi, loc[i], scale[i]),
                        dist.cdf(hi, loc[i], scale[i]) - dist.cdf(lo, loc[i], scale[i]))
        rows[i] = mass / mass.sum()
    return rows


def _uleb128(w: int) -> bytes:
    out = bytearray()
    while True:
        out.append((w & 0x7F) | (0x80 if w >> 7 else 0))
        w >>= 7
        if not w:
            return bytes(out)


def _dither_from_stream(n, seed, step, levels):
    """u_i from refimpl.random stream 3 as the spec states it (§ Randomness), in Python integers."""
    w = [int(x) for x in R.words(seed, 3, np.arange(n, dtype=np.uint64))]
    if levels is None:
        return np.array([step * ((x >> 11) * 2.0**-53 - 0.5) for x in w])
    idx = [((x >> 11) * levels) >> 53 for x in w]
    return np.array([float(Fraction(step) * fl(fl(Fraction(i + 1, levels + 1)) - Fraction(1, 2))) for i in idx])


def test_bitstreams_reencode_by_an_independent_route():
    # Every uq_encode vector, rebuilt without the code under test (no uq_pmf_table, quantize_pmf,
    # uq_support_centre, uq_header, uq_dither): dither from the random stream, K and c_i by exact
    # rationals, row pmfs from scipy.stats, then coding's readable twins quantize_pmf_py and
    # rans_encode_py (family streams: family_cdf + rans_encode_py), header bytes written out.
    n_cases = 0
    for inp, exp in _cases("uq_encode"):
        y, prior, seed, step = inp["y"], inp["prior"], inp["seed"], inp["step"]
        levels, alpha, precision = inp["levels"], inp["alpha"], inp["precision"]
        data = exp["output"]
        n = y.size
        u = _dither_from_stream(n, seed, step, levels)
        with hp.digits(40):
            v = y if alpha is None else step * np.array([float(_s(hp.D(float(x / step)), hp.D(alpha))) for x in y])
        k = np.array([_round_half_even(fl(fl(Fraction(a) - Fraction(b)) / Fraction(step))) for a, b in zip(v, u)])
        loc = np.broadcast_to(prior["loc"], (n,))
        if inp.get("method", "tables") == "family":
            low, high = int(k.min()), int(k.max())
            zz = 2 * low if low >= 0 else -2 * low - 1
            cdf = family_cdf(prior["family"], (loc - u) / step, np.broadcast_to(prior["scale"], (n,)) / step, low, high, precision)
            want = bytes([0x02]) + _uleb128(zz) + _uleb128(high - low) + rans_encode_py(k - low, cdf, precision)
        else:
            c = np.array([_round_half_even(fl(fl(Fraction(float(m)) - Fraction(b)) / Fraction(step))) for m, b in zip(loc, u)])
            W = int(np.max(np.abs(k - c)))
            pmf = _row_pmfs_scipy(u, prior["family"], prior["loc"], prior["scale"], c, W, step, alpha)
            cdf = quantize_pmf_py(pmf, precision)
            want = bytes([0x01]) + _uleb128(W) + rans_encode_py(k - c + W, cdf, precision)
        assert data == want, f"case {n_cases}"
        n_cases += 1
    assert n_cases == 5
