"""Test vectors for :mod:`refimpl.quantization` (``specs/vectors/quantization.v1.json``).

Verified by (``tests/quantization/test_vectors.py`` re-derives a subset by each route):
exact rational arithmetic (``fractions.Fraction``) for universal quantization and the dither
offsets; closed forms evaluated in 40-digit decimal arithmetic (Python's ``decimal`` module,
``tests/hp.py``) for the soft-rounding family and the conditional pmfs; numerical integration
for the Kumaraswamy moments; for the bitstreams, an independent re-encoding: dither from the
random stream, K and c_i in exact rationals, row pmfs from scipy.stats CDF differences, coding's
readable twins ``quantize_pmf_py`` and ``rans_encode_py``.
"""

from __future__ import annotations

import numpy as np

from . import (
    kumaraswamy_given,
    kumaraswamy_mode_b,
    kumaraswamy_moments,
    soft_round,
    soft_round_conditional_mean,
    soft_round_conditional_mean_derivative,
    soft_round_derivative,
    soft_round_inverse,
    soft_round_inverse_derivative,
    soft_round_temperature,
    universal_dequantize_given,
    universal_quantize_given,
    uq_conditional_pmf,
    uq_decode,
    uq_dither,
    uq_dither_levels,
    uq_encode,
    uq_level_offsets,
    uq_level_tables,
    uq_log2_density,
    uq_pmf_table,
)
from ..vectors import group, invalid, valid, vector_file

NOTES = {
    "tie": "fl(fl(y − u)/step) is exactly half an odd integer: round half to even",
    "step": "quantization step other than 1",
    "large_alpha": "α ≥ 1e3: s_α is rounding up to ~e^{−α/2}; no overflow",
    "small_alpha": "α below the identity threshold 1e-3 (tfc convention)",
    "tail": "far tail: computed through log-CDF / survival differences",
    "discretised": "discretised dither with L levels, offsets (i+1)/(L+1) − ½",
    "soft_rounded": "prior transformed by soft rounding (α given)",
    "float_tables": "bit-exact only if the float pmf tables round to the same integer CDFs (quantize_pmf)",
    "nan": "NaN input: must be rejected",
    "negative_alpha": "α < 0: must be rejected",
    "shape": "mismatched shapes: must be rejected",
    "range": "a parameter outside its range: must be rejected",
    "truncated": "bitstream cut short: must raise DecodeError",
    "family": "method 'family' (first byte 0x02): K coded with coding's quantized family at location (μ − u)/Δ",
    "foreign": "bitstream with a wrong header: must raise DecodeError",
}

F = np.float64


def _uq_groups() -> list[dict]:
    y = np.array([-2.7, -0.5, 0.0, 0.49, 1.5, 2.5, 3.25, 1e6 + 0.3], dtype=F)
    u = np.array([0.1, 0.0, -0.5, 0.49, 0.0, 0.0, -0.25, 0.375], dtype=F)
    q = universal_quantize_given
    cases = [
        valid(q, {"y": y, "u": u, "step": 1.0}, "unit step, includes ties 1.5 and 2.5 (u = 0)", ["tie"]),
        valid(q, {"y": y * 0.4, "u": u * 0.4, "step": 0.4}, "C3's step 0.4; 1.3 − (−0.1) rounds to 1.4000000000000001, /0.4 to 3.5: a tie after IEEE rounding", ["step", "tie"]),
        valid(q, {"y": np.array([[0.3, -7.1], [12.0, 0.0]]), "u": np.array([[0.5, -1.5], [1.0, 0.0]]), "step": 3.0},
              "2-D input, step 3", ["step"]),
        valid(q, {"y": np.zeros(0), "u": np.zeros(0), "step": 1.0}, "empty input"),
        invalid(q, {"y": np.array([0.1, np.nan]), "u": np.zeros(2), "step": 1.0}, "NaN in y", ["nan"]),
        invalid(q, {"y": np.zeros(3), "u": np.zeros(2), "step": 1.0}, "y and u differ in shape", ["shape"]),
        invalid(q, {"y": np.zeros(1), "u": np.array([0.75]), "step": 1.0}, "u outside [−step/2, step/2]", ["range"]),
        invalid(q, {"y": np.zeros(1), "u": np.zeros(1), "step": 0.0}, "step = 0", ["range"]),
    ]
    dq = [
        valid(universal_dequantize_given, {"k": np.array([-3, 0, 7], dtype=np.int64), "u": np.array([0.2, -0.5, 0.1]), "step": 1.0}, "ŷ = k + u"),
        valid(universal_dequantize_given, {"k": np.array([-3, 0, 7], dtype=np.int64), "u": np.array([0.1, -0.2, 0.0]), "step": 0.4}, "ŷ = Δk + u", ["step"]),
        invalid(universal_dequantize_given, {"k": np.array([1.5]), "u": np.array([0.0]), "step": 1.0}, "k not integers", ["range"]),
    ]
    dith = [
        valid(uq_dither, {"shape": [6], "seed": 2024, "step": 1.0, "index0": 0}, "u = U − ½, U from stream 3"),
        valid(uq_dither, {"shape": [2, 3], "seed": 7, "step": 0.4, "index0": 100}, "random access, step 0.4", ["step"]),
    ]
    lev = [
        valid(uq_dither_levels, {"shape": [12], "seed": 2024, "levels": 15, "index0": 0}, "i = ((w >> 11)·L) >> 53", ["discretised"]),
        valid(uq_level_offsets, {"levels": 15, "step": 1.0}, "tfc's 15 offsets", ["discretised"]),
        valid(uq_level_offsets, {"levels": 4, "step": 0.4}, "4 offsets, step 0.4", ["discretised", "step"]),
        invalid(uq_level_offsets, {"levels": 0, "step": 1.0}, "no levels", ["range"]),
    ]
    return [
        group("universal_quantize_given", cases, comment="K = round_half_even((y − u)/Δ), ŷ = Δ·K + u: exact"),
        group("universal_dequantize_given", dq, comment="ŷ = Δ·k + u: exact"),
        group("uq_dither", dith, comment="continuous shared dither: exact (53-bit uniforms)"),
        group("uq_dither_levels", lev[:1], comment="discretised dither levels: exact integers"),
        group("uq_level_offsets", lev[1:], comment="offsets Δ·((i+1)/(L+1) − ½): exact"),
    ]


def _soft_groups() -> list[dict]:
    x = np.array([-1.75, -1.0, -0.5, -0.25, 0.0, 0.1, 0.3, 0.5, 0.8, 1.25, 3.0, 7.49], dtype=F)
    floats = {"mode": "allclose", "rtol": 1e-12, "atol": 1e-14}
    groups = []
    for name, fn in (("soft_round", soft_round), ("soft_round_inverse", soft_round_inverse),
                     ("soft_round_conditional_mean", soft_round_conditional_mean),
                     ("soft_round_derivative", soft_round_derivative),
                     ("soft_round_inverse_derivative", soft_round_inverse_derivative),
                     ("soft_round_conditional_mean_derivative", soft_round_conditional_mean_derivative)):
        arg = "y" if name in ("soft_round", "soft_round_derivative") else "v"
        xs = x if "inverse" not in name and "mean" not in name else x[x != 0.0]  # avoid the vertical point
        cases = [valid(fn, {arg: xs, "alpha": a}, f"α = {a}", (["small_alpha"] if a < 1e-3 else []) + (["large_alpha"] if a >= 1e3 else []))
                 for a in (0.0, 1e-6, 0.5, 1.0, 3.3333333333333335, 5.0, 10.0, 1e3)]
        if name in ("soft_round", "soft_round_inverse"):
            cases += [invalid(fn, {arg: np.array([0.1, np.nan]), "alpha": 1.0}, "NaN input", ["nan"]),
                      invalid(fn, {arg: np.array([0.1]), "alpha": -0.5}, "negative α", ["negative_alpha"]),
                      invalid(fn, {arg: np.zeros(3), "alpha": np.ones(2)}, "α does not broadcast to the input", ["shape"])]
        if name == "soft_round":
            cases.append(valid(fn, {arg: np.array([[0.2, 0.7], [1.2, -0.4]]), "alpha": np.array([1.0, 8.0])}, "per-column α"))
            cases.append(valid(fn, {arg: np.linspace(0.0, 1.0, 11), "alpha": 1e6}, "α = 1e6: finite, rounding", ["large_alpha"]))
        tol = floats if "derivative" not in name else {"mode": "allclose", "rtol": 1e-10, "atol": 1e-14}
        groups.append(group(name, cases, tolerance=tol, comment="tfc conventions: identity for α < 1e-3, atanh term clipped"))
    groups.append(group("soft_round_temperature", [
        valid(soft_round_temperature, {"y": x, "temperature": t}, f"C3 temperature T = {t}") for t in (0.3, 0.1)
    ] + [invalid(soft_round_temperature, {"y": x, "temperature": 0.0}, "T = 0", ["range"])],
        tolerance=floats, comment="s_{1/T}"))
    return groups


def _noise_groups() -> list[dict]:
    u = np.array([0.0, 1e-9, 0.1, 0.5, 0.9, 0.999999])
    floats = {"mode": "allclose", "rtol": 1e-12, "atol": 1e-15}
    return [
        group("kumaraswamy_given", [
            valid(kumaraswamy_given, {"u": u, "a": a, "b": b}, f"a = {a}, b = {b} (None: C3's b(a))")
            for a, b in ((1.0, None), (2.0, None), (1.5, None), (3.0, 0.7))
        ] + [invalid(kumaraswamy_given, {"u": u, "a": 0.5, "b": None}, "a < 1 has no mode-fixing b", ["range"])],
            tolerance=floats, comment="X = (1 − (1 − u)^{1/b})^{1/a}"),
        group("kumaraswamy_mode_b", [valid(kumaraswamy_mode_b, {"a": a}, f"a = {a}") for a in (1.0, 1.5, 2.0, 3.0)],
              tolerance=floats, comment="b(a) = (2^a (a − 1) + 1)/a"),
        group("kumaraswamy_moments", [valid(kumaraswamy_moments, {"a": a, "b": None}, f"a = {a}") for a in (1.0, 1.5, 2.0, 3.0)],
              tolerance=floats, comment="mean b·B(1 + 1/a, b), variance b·B(1 + 2/a, b) − mean²"),
    ]


def _channel_groups() -> list[dict]:
    floats = {"mode": "allclose", "rtol": 1e-10, "atol": 0.0}
    k = np.array([-3, -1, 0, 0, 1, 2, 5], dtype=np.int64)
    u = np.array([0.2, -0.5, 0.0, 0.49, -0.3, 0.1, 0.0])
    pmf = []
    for fam in ("gaussian", "laplace", "logistic"):
        pmf.append(valid(uq_conditional_pmf, {"k": k, "u": u, "family": fam, "loc": 0.3, "scale": 1.2, "step": 1.0, "alpha": None},
                         f"{fam}(0.3, 1.2)"))
    pmf.append(valid(uq_conditional_pmf, {"k": k, "u": u * 0.4, "family": "laplace", "loc": 0.0, "scale": 0.5, "step": 0.4, "alpha": None},
                     "laplace, step 0.4", ["step"]))
    pmf.append(valid(uq_conditional_pmf, {"k": k, "u": u, "family": "gaussian", "loc": np.linspace(-1, 1, 7), "scale": np.linspace(0.2, 3, 7),
                                          "step": 1.0, "alpha": 5.0}, "soft-rounded gaussian, per-element prior", ["soft_rounded"]))
    pmf += [
        invalid(uq_conditional_pmf, {"k": k, "u": u[:3], "family": "gaussian", "loc": 0.0, "scale": 1.0, "step": 1.0, "alpha": None}, "k and u differ in shape", ["shape"]),
        invalid(uq_conditional_pmf, {"k": k, "u": u, "family": "gaussian", "loc": 0.0, "scale": 0.0, "step": 1.0, "alpha": None}, "scale = 0", ["range"]),
        invalid(uq_conditional_pmf, {"k": k, "u": u, "family": "gaussian", "loc": np.nan, "scale": 1.0, "step": 1.0, "alpha": None}, "NaN loc", ["nan"]),
    ]
    t = np.array([-40.0, -8.3, 0.0, 0.7, 12.0, 38.5])
    dens = [valid(uq_log2_density, {"t": t * (s if fam != "gaussian" else 1.0), "family": fam, "loc": 0.0, "scale": 1.0, "step": 1.0, "alpha": None},
                  f"{fam}: log2 p_(Y+U) into the tails", ["tail"]) for fam, s in (("gaussian", 1), ("laplace", 15), ("logistic", 15))]
    dens.append(invalid(uq_log2_density, {"t": np.array([np.nan]), "family": "gaussian", "loc": 0.0, "scale": 1.0, "step": 1.0, "alpha": None}, "NaN t", ["nan"]))
    tab = [valid(uq_pmf_table, {"u": np.array([0.1, -0.4, 0.3]), "family": "logistic", "loc": np.array([0.0, 2.0, -1.0]),
                                "scale": np.array([0.5, 1.0, 2.0]), "k_low": np.array([-2, 0, -4], dtype=np.int64), "size": 5,
                                "step": 1.0, "alpha": None}, "rows renormalised over the truncated support")]
    return [
        group("uq_conditional_pmf", pmf, tolerance=floats, comment="P(K = k | u) = c(Δk + u + Δ/2) − c(Δk + u − Δ/2)"),
        group("uq_log2_density", dens, tolerance=floats, comment="stable through log-CDF / survival differences"),
        group("uq_pmf_table", tab, tolerance=floats, comment="per-element tables, no Python loop"),
    ]


def _codec_groups() -> list[dict]:
    y = np.array([0.31, -1.7, 2.2, 0.0, 5.9, -0.49, 1.01, 3.3])
    prior = {"family": "gaussian", "loc": 0.0, "scale": 1.7}
    lap = {"family": "laplace", "loc": np.linspace(-1, 1, 8), "scale": np.full(8, 0.8)}
    enc = [
        valid(uq_encode, {"y": y, "prior": prior, "seed": 2024, "step": 1.0, "precision": 16, "levels": None, "alpha": None, "index0": 0},
              "gaussian prior, continuous dither", ["float_tables"]),
        valid(uq_encode, {"y": y, "prior": lap, "seed": 5, "step": 1.0, "precision": 12, "levels": 15, "alpha": None, "index0": 0},
              "per-element laplace prior, 15 dither levels", ["float_tables", "discretised"]),
        valid(uq_encode, {"y": y, "prior": prior, "seed": 9, "step": 0.4, "precision": 16, "levels": None, "alpha": None, "index0": 0},
              "step 0.4", ["float_tables", "step"]),
        valid(uq_encode, {"y": y, "prior": prior, "seed": 9, "step": 1.0, "precision": 16, "levels": None, "alpha": 4.0, "index0": 0},
              "soft-rounded before the channel", ["float_tables", "soft_rounded"]),
        valid(uq_encode, {"y": y, "prior": lap, "seed": 5, "step": 1.0, "precision": 16, "levels": None, "alpha": None, "index0": 0,
                          "method": "family"}, "method 'family': coding's quantized-family model, no float tables", ["family"]),
        invalid(uq_encode, {"y": y, "prior": prior, "seed": 5, "step": 1.0, "precision": 16, "levels": None, "alpha": 2.0, "index0": 0,
                            "method": "family"}, "method 'family' with soft rounding", ["range"]),
        invalid(uq_encode, {"y": np.array([0.0, np.nan]), "prior": prior, "seed": 1, "step": 1.0, "precision": 16, "levels": None, "alpha": None, "index0": 0},
                "NaN in y", ["nan"]),
        invalid(uq_encode, {"y": y, "prior": {"family": "gaussian", "loc": np.zeros(3), "scale": 1.0}, "seed": 1, "step": 1.0,
                            "precision": 16, "levels": None, "alpha": None, "index0": 0}, "prior of the wrong length", ["shape"]),
    ]
    good = uq_encode(y, prior, 2024)
    dec = [
        valid(uq_decode, {"data": good, "prior": prior, "seed": 2024, "n": 8, "step": 1.0, "precision": 16, "levels": None, "alpha": None, "index0": 0},
              "decodes to ŷ = k + u", ["float_tables"]),
        invalid(uq_decode, {"data": good[:-4], "prior": prior, "seed": 2024, "n": 8, "step": 1.0, "precision": 16, "levels": None, "alpha": None, "index0": 0},
                "truncated stream", ["truncated"]),
        invalid(uq_decode, {"data": b"\x07" + good[1:], "prior": prior, "seed": 2024, "n": 8, "step": 1.0, "precision": 16, "levels": None, "alpha": None, "index0": 0},
                "unknown format version", ["foreign"]),
        valid(uq_decode, {"data": uq_encode(y, prior, 2024, method="family"), "prior": prior, "seed": 2024, "n": 8, "step": 1.0,
                          "precision": 16, "levels": None, "alpha": None, "index0": 0}, "a 'family' stream", ["family"]),
        invalid(uq_decode, {"data": bytes([2, 0, 0x80, 0x80, 0x80, 0x08]) + bytes(8), "prior": prior, "seed": 2024, "n": 8, "step": 1.0,
                            "precision": 16, "levels": None, "alpha": None, "index0": 0}, "family domain span 2^24 > 2^24 − 1", ["foreign"]),
        invalid(uq_decode, {"data": b"", "prior": prior, "seed": 2024, "n": 8, "step": 1.0, "precision": 16, "levels": None, "alpha": None, "index0": 0},
                "empty stream", ["truncated"]),
    ]
    fixed = [valid(uq_level_tables, {"levels": 15, "family": "gaussian", "loc": 0.0, "scale": 1.7, "W": 5, "precision": 12,
                                     "step": 1.0, "alpha": None}, "tfc-style fixed tables, one per offset level",
                   ["float_tables", "discretised"]),
             invalid(uq_level_tables, {"levels": 15, "family": "gaussian", "loc": 0.0, "scale": 1.7, "W": -1, "precision": 12,
                                       "step": 1.0, "alpha": None}, "negative W", ["range"])]
    return [
        group("uq_level_tables", fixed, comment="(L, 2W+2) integer CDFs; row l = per-element row for dither o_l"),
        group("uq_encode", enc, comment="header 0x01, LEB128 W, rANS of k − c + W (specs/quantization.md)"),
        group("uq_decode", dec, tolerance={"mode": "exact"}, comment="ŷ = Δ·k + u, exact given the same dither"),
    ]


def _quantization_file() -> dict:
    groups = _uq_groups() + _soft_groups() + _noise_groups() + _channel_groups() + _codec_groups()
    return vector_file(
        "quantization", 1, "specs/quantization.md",
        ["exact rational arithmetic (fractions.Fraction) for universal_quantize_given and the dither offsets",
         "closed forms in 40-digit decimal arithmetic (Python's decimal module) for the soft-rounding family and the conditional pmfs",
         "numerical integration (scipy.integrate.quad) for the Kumaraswamy moments",
         "every 'tables' uq_encode stream re-encoded byte for byte: row pmfs from scipy.stats CDF differences, "
         "coding's readable twins quantize_pmf_py and rans_encode_py, header written out",
         "a 'family' stream equals coding's rans_encode_py of k − low under family_cdf at location (μ − u)/Δ"],
        NOTES, groups)


FILES = [_quantization_file]
