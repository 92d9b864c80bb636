"""specs/vectors/diffc.v1.json: re-derive the closed-form cases by the file's verifiedBy routes
(quadrature of h(Z) − h(Z|X), Gauss–Hermite moments of the joint density, direct minimisation,
Monte Carlo) instead of the formulas of refimpl.diffc.gaussian."""

import json
import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.optimize import minimize

from refimpl import random as R
from refimpl.diffc import codec as CD
from refimpl.diffc import vectors as V
from refimpl.vectors import decode_value, dumps, vectors_dir

PATH = vectors_dir() / "diffc.v1.json"
DOC = json.loads(PATH.read_text())


def _cases(function, result="valid"):
    for g in DOC["groups"]:
        if g["function"] == function:
            params = decode_value(g["params"])
            for c in g["cases"]:
                if c["result"] == result:
                    yield decode_value(c["input"]), params, decode_value(c["expected"])


def test_file_is_what_the_generator_makes():
    assert PATH.read_text() == dumps(V._diffc_file())


def _entropy_bits(var):
    """h of N(0, var) by quadrature of −p ln p (not the closed form ½ log2(2πe var))."""
    sd = math.sqrt(var)

    def integrand(y):  # y = z / sd
        logp = -0.5 * y * y - math.log(sd) - 0.5 * math.log(2 * math.pi)
        return -math.exp(-0.5 * y * y) / math.sqrt(2 * math.pi) * logp

    return quad(integrand, -40, 40, epsabs=1e-13, epsrel=1e-12, limit=200)[0] / math.log(2)


def test_rate_by_differential_entropies():
    n = 0
    for inp, _, exp in _cases("gaussian_rate"):
        s = inp["sigma"]
        a2 = 1 - s * s
        mi = sum(_entropy_bits(a2 * l + s * s) - _entropy_bits(s * s) for l in inp["lam"])
        # entropies cancel to ~1e-13 bits absolute; the high-rate cases are large numbers
        assert exp["output"] == pytest.approx(mi, rel=1e-9, abs=1e-11)
        n += 1
    assert n >= 20


def _gh_moments(lam, s):
    """E X², E XZ, E Z² per dimension by Gauss–Hermite quadrature over X ~ N(0, λ), U ~ N(0, 1)."""
    g, w = np.polynomial.hermite_e.hermegauss(40)
    w = w / w.sum()
    a = math.sqrt(1 - s * s)
    out = []
    for l in lam:
        x = math.sqrt(l) * g[:, None]
        z = a * x + s * g[None, :]
        ww = w[:, None] * w[None, :]
        out.append((float(np.sum(ww * x * x)), float(np.sum(ww * x * z)), float(np.sum(ww * z * z)), x, z, ww))
    return out


def test_distortions_by_quadrature():
    n = 0
    for inp, params, exp in _cases("gaussian_distortion"):
        total = 0.0
        for exx, exz, ezz, x, z, ww in _gh_moments(inp["lam"], inp["sigma"]):
            if params["mode"] == "flow":
                xh = math.sqrt(exx / ezz) * z       # monotone map matching the law of X (quantile map)
                total += float(np.sum(ww * (x - xh) ** 2))
            else:
                g = exz / ezz                        # linear regression = posterior mean (Gaussian)
                d_mean = float(np.sum(ww * (x - g * z) ** 2))
                total += d_mean if params["mode"] == "mean" else 2 * d_mean
        assert exp["output"] == pytest.approx(total, rel=1e-9), (params, inp)
        n += 1
    assert n >= 60


def test_ancestral_by_monte_carlo():
    """Posterior sampling by an independent sampler (exact joint Gaussian conditioning) within 5 SE."""
    lam, s = np.array([2.0]), 0.5
    want = next(e["output"] for i, p, e in _cases("gaussian_distortion")
                if p["mode"] == "ancestral" and np.array_equal(i["lam"], lam) and i["sigma"] == s)
    n = 200_000
    idx = np.arange(n, dtype=np.uint64)
    a = math.sqrt(1 - s * s)
    x = math.sqrt(2.0) * R.normal(21, 0, idx)
    z = a * x + s * R.normal(21, 1, idx)
    cov = np.array([[2.0, a * 2.0], [a * 2.0, a * a * 2.0 + s * s]])
    m = cov[0, 1] / cov[1, 1] * z
    v = cov[0, 0] - cov[0, 1] ** 2 / cov[1, 1]
    err = (x - (m + math.sqrt(v) * R.normal(21, 2, idx))) ** 2
    assert abs(err.mean() - want) < 5 * err.std(ddof=1) / math.sqrt(n)


def test_realism_by_direct_minimisation():
    n = 0
    for inp, _, exp in _cases("realism_distortion_rate"):
        lam, rate = inp["lam"], inp["rate"]
        if rate == 0:
            assert exp["output"] == pytest.approx(2 * lam.sum(), rel=1e-15)
            continue
        if lam.size > 5:
            continue

        def dist(wt):
            p = np.exp(wt - wt.max())
            ri = rate * p / p.sum()
            r = np.sqrt(-np.expm1(-2 * ri * math.log(2)))
            return float(np.sum(2 * lam * (1 - r)))

        best = min(minimize(dist, x0, method="Nelder-Mead",
                            options={"xatol": 1e-12, "fatol": 1e-16, "maxiter": 40000}).fun
                   for x0 in (np.zeros(lam.size), np.log(lam)))
        assert exp["output"] == pytest.approx(best, rel=1e-7), (lam, rate)
        n += 1
    assert n >= 8


def test_codec_cases_replay():
    for inp, _, exp in _cases("diffc_encode"):
        data = exp["output"]
        zs = CD.diffc_decode_levels(data, inp["lam"], inp["sigmas"], inp["t"], inp["seed"])
        enc = CD.diffc_encode_steps(inp["x"], inp["lam"], inp["sigmas"], inp["t"], inp["seed"])
        assert enc.data == data and np.array_equal(zs[-1], enc.z)
    for inp, _, _ in _cases("diffc_decode", "invalid"):
        with pytest.raises(ValueError):
            CD.diffc_decode(**inp)
