"""Test vectors for :mod:`refimpl.rd` (``specs/vectors/rd.v1.json``).

Verified by closed forms (``tests/rd/test_vectors.py`` re-derives them): scalar and hand-solved
reverse water-filling; binary Hamming R(D) = H_b(p) − H_b(D) and its slope form
D = 1/(1 + e^β); uniform n-ary Hamming R(D) = log2 n − H_b(D) − D log2(n − 1); Bernoulli/Hamming/TV
RDPF (Blau & Michaeli Thm 2); Gaussian/MSE/W2² RDPF (Zhang et al. 2021); the circle codec's
integer cells by exact rational arithmetic.
"""

from __future__ import annotations

import math

import numpy as np

from . import (bernoulli_rdpf, blahut_arimoto_point, circle_det_encode, circle_sto_decode_given,
               circle_sto_encode_given, gaussian_distortion_rate, gaussian_perfect_realism_distortion,
               gaussian_rate_distortion, gaussian_rdpf, rate_distortion_rate, rdpf_rate)
from ..vectors import group, invalid, valid, vector_file

NOTES = {
    "closed_form": "re-derived by a closed form in tests/rd/test_vectors.py",
    "infinite": "documented +inf (D = 0 for a Gaussian) or 0 (rate = inf)",
    "bad_pmf": "pmf that does not sum to 1 or has a negative entry: must be rejected",
    "bad_distortion": "negative or non-finite distortion: must be rejected",
    "infeasible": "D below the least achievable distortion: must be rejected",
    "bad_P": "P < 0: must be rejected",
    "bad_spectrum": "variance <= 0 or non-finite: must be rejected",
}

HAM2 = 1.0 - np.eye(2)
FLOAT9 = {"mode": "allclose", "rtol": 0.0, "atol": 1e-9}
FLOAT6 = {"mode": "allclose", "rtol": 0.0, "atol": 1e-6}
FLOAT12 = {"mode": "allclose", "rtol": 1e-12, "atol": 1e-14}


def _rd_file() -> dict:
    cf = ["closed_form"]
    g_rd = [
        valid(gaussian_rate_distortion, {"lam": np.array([2.0]), "D": 0.5}, "scalar: ½ log2(σ²/D) = 1", cf),
        valid(gaussian_rate_distortion, {"lam": np.array([4.0, 1.0, 0.25]), "D": 1.5}, "θ = 0.625 by hand", cf),
        valid(gaussian_rate_distortion, {"lam": 1.0 / (1.0 + np.arange(8)) ** 2, "D": 0.05}, "1/k² spectrum"),
        valid(gaussian_rate_distortion, {"lam": np.array([1.0, 2.0]), "D": 3.0}, "D = Σλ: rate 0", cf),
        valid(gaussian_rate_distortion, {"lam": np.array([1.0, 2.0]), "D": 0.0}, "D = 0: +inf", ["infinite"]),
        invalid(gaussian_rate_distortion, {"lam": np.array([1.0, 0.0]), "D": 0.5}, "zero variance", ["bad_spectrum"]),
        invalid(gaussian_rate_distortion, {"lam": np.array([1.0]), "D": -0.1}, "negative D"),
    ]
    g_dr = [
        valid(gaussian_distortion_rate, {"lam": np.array([3.0]), "rate": 2.0}, "scalar: σ² 2^(−2R)", cf),
        valid(gaussian_distortion_rate, {"lam": np.array([4.0, 1.0, 0.25]), "rate": 1.0}, "water level below two components"),
        valid(gaussian_distortion_rate, {"lam": 1.0 / (1.0 + np.arange(8)) ** 2, "rate": 10.0}, "all components active"),
        valid(gaussian_distortion_rate, {"lam": np.array([1.0, 2.0]), "rate": math.inf}, "rate = inf: 0", ["infinite"]),
        invalid(gaussian_distortion_rate, {"lam": np.array([1.0, np.inf]), "rate": 1.0}, "infinite variance", ["bad_spectrum"]),
        invalid(gaussian_distortion_rate, {"lam": np.array([1.0]), "rate": -1.0}, "negative rate"),
    ]
    g_ba = [
        valid(blahut_arimoto_point, {"p_x": np.array([0.7, 0.3]), "d": HAM2, "beta": b},
              f"binary Hamming, β = {b}: D = 1/(1+e^β)", cf) for b in (1.5, 3.0, 6.0)
    ] + [
        valid(blahut_arimoto_point, {"p_x": np.array([0.5, 0.3, 0.2]), "d": np.array([[0, 1, 2], [1, 0, 1], [2, 1, 0.0]]),
                                     "beta": 2.0}, "3 letters, |x − x̂| distortion"),
        invalid(blahut_arimoto_point, {"p_x": np.array([0.5, 0.6]), "d": HAM2, "beta": 1.0}, "pmf sums to 1.1", ["bad_pmf"]),
        invalid(blahut_arimoto_point, {"p_x": np.array([0.5, 0.5]), "d": -HAM2, "beta": 1.0}, "negative distortion", ["bad_distortion"]),
        invalid(blahut_arimoto_point, {"p_x": np.array([0.5, 0.5]), "d": HAM2, "beta": -1.0}, "negative β"),
    ]
    g_rdr = [
        valid(rate_distortion_rate, {"p_x": np.array([0.7, 0.3]), "d": HAM2, "D": D}, f"binary Hamming D = {D}", cf)
        for D in (0.0, 0.05, 0.2, 0.3, 0.5)
    ] + [
        valid(rate_distortion_rate, {"p_x": np.full(4, 0.25), "d": 1.0 - np.eye(4), "D": 0.3}, "uniform 4-ary Hamming", cf),
        valid(rate_distortion_rate, {"p_x": np.array([0.5, 0.3, 0.2]), "d": np.array([[0, 1, 2], [1, 0, 1], [2, 1, 0.0]]),
                                     "D": 0.4}, "3 letters, |x − x̂| distortion"),
        invalid(rate_distortion_rate, {"p_x": np.array([0.5, 0.5]), "d": 1.0 + HAM2, "D": 0.5}, "D < D_min = 1", ["infeasible"]),
        invalid(rate_distortion_rate, {"p_x": np.array([1.2, -0.2]), "d": HAM2, "D": 0.1}, "negative probability", ["bad_pmf"]),
    ]
    g_rdpf = [
        valid(rdpf_rate, {"p_x": np.array([0.7, 0.3]), "d": HAM2, "D": D, "P": P}, f"Bernoulli(0.3), D = {D}, P = {P}", cf)
        for D, P in ((0.05, 0.0), (0.2, 0.05), (0.3, 0.1), (0.1, math.inf), (0.45, 0.02))
    ] + [
        valid(rdpf_rate, {"p_x": np.array([0.5, 0.3, 0.2]), "d": 1.0 - np.eye(3), "D": 0.0, "P": 0.05}, "D = 0: H(p)", cf),
        invalid(rdpf_rate, {"p_x": np.array([0.7, 0.3]), "d": HAM2, "D": 0.1, "P": -0.1}, "P < 0", ["bad_P"]),
        invalid(rdpf_rate, {"p_x": np.array([0.7, 0.3]), "d": 1.0 + HAM2, "D": 0.5, "P": 0.1}, "D < D_min(P)", ["infeasible"]),
        invalid(rdpf_rate, {"p_x": np.array([0.7, 0.4]), "d": HAM2, "D": 0.1, "P": 0.1}, "pmf sums to 1.1", ["bad_pmf"]),
    ]
    g_cf = [valid(bernoulli_rdpf, {"p": 0.3, "D": D, "P": P}, f"D = {D}, P = {P}", cf)
            for D, P in ((0.1, 0.0), (0.2, 0.05), (0.3, 0.1), (0.05, 0.3))]
    g_cf.append(invalid(bernoulli_rdpf, {"p": 0.3, "D": 0.1, "P": -0.01}, "P < 0", ["bad_P"]))
    g_gr = [valid(gaussian_rdpf, {"sigma2": 1.0, "D": D, "P": P}, f"σ = 1, D = {D}, P = {P}", cf)
            for D, P in ((0.5, 0.0), (1.0, 0.01), (1.0, 0.1), (0.5, 0.1), (1.5, 0.1))]
    g_gr.append(invalid(gaussian_rdpf, {"sigma2": 0.0, "D": 0.5, "P": 0.0}, "σ² = 0"))
    g_pr = [valid(gaussian_perfect_realism_distortion, {"sigma2": 1.0, "rate": r}, f"R = {r}", cf) for r in (0.25, 1.0, 4.0)]
    theta = np.array([0.0, 1.0, 3.0, 6.0])
    u = np.array([0.0, 0.25, 0.5, 0.875])
    g_circ = [
        valid(circle_sto_encode_given, {"theta": theta, "u": u, "N": 8}, "K = ⌊Nθ/2π − u⌋ mod N", cf),
        valid(circle_det_encode, {"theta": theta, "N": 8}, "K = ⌊Nθ/2π⌋", cf),
        invalid(circle_sto_encode_given, {"theta": theta, "u": u, "N": 1}, "N < 2"),
    ]
    g_circd = [valid(circle_sto_decode_given, {"k": np.array([0, 3, 7]), "u": np.array([0.0, 0.5, 0.875]), "N": 8},
                     "θ̂ = 2π(k + u + ½)/N mod 2π", cf)]
    groups = [
        group("gaussian_rate_distortion", g_rd, tolerance=FLOAT12, comment="reverse water-filling, bits, total MSE"),
        group("gaussian_distortion_rate", g_dr, tolerance=FLOAT12),
        group("blahut_arimoto_point", g_ba, tolerance=FLOAT9, comment="β in nats: W ∝ q e^(−βd)"),
        group("rate_distortion_rate", g_rdr, tolerance=FLOAT9),
        group("rdpf_rate", g_rdpf, tolerance=FLOAT6, comment="TV perception; the issue's accuracy target is 1e-6"),
        group("bernoulli_rdpf", g_cf, tolerance=FLOAT12),
        group("gaussian_rdpf", g_gr, tolerance=FLOAT12),
        group("gaussian_perfect_realism_distortion", g_pr, tolerance=FLOAT12),
        group("circle_sto_encode_given", g_circ[:1] + g_circ[2:], tolerance={"mode": "exact"}),
        group("circle_det_encode", g_circ[1:2], tolerance={"mode": "exact"}),
        group("circle_sto_decode_given", g_circd, tolerance=FLOAT12),
    ]
    return vector_file("rd", 1, "specs/rd.md",
                       ["closed forms: water-filling, binary/n-ary Hamming R(D), Bernoulli/TV and Gaussian/W2² RDPF",
                        "circle cells by exact rational arithmetic"], NOTES, groups)


FILES = [_rd_file]
