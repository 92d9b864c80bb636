"""Test vectors for :mod:`refimpl.rcc` (``specs/vectors/rcc.v1.json``).

Verified by: (1) every ``select_given`` case re-derived by a plain-Python loop over candidates
(``tests/rcc/test_vectors.py``, and the GRS cases by the notebook's mass-vector recursion);
(2) every seeded selection/encode case re-derived from materialised Philox candidates
(``refimpl.random``) and ``select_given`` (truncated argmin over N ≥ the candidates drawn), and
each encoded stream decoded back to the same sample.
"""

from __future__ import annotations

import numpy as np

from ..vectors import group, invalid, valid, vector_file
from . import (gaussian_channel_encode, hybrid_encode_gaussian, index_decode, index_encode,
               pfr_encode_categorical, pfr_encode_gaussian, select_categorical, select_gaussian, select_given)

NOTES = {
    "tie": "equal scores: the smallest index wins",
    "neg_inf": "log_w = -inf (q = 0) never wins",
    "all_neg_inf": "every candidate has q = 0: index 0 by convention",
    "no_accept": "RS/GRS accepted nothing within N: -1, or the notebook fallback when truncated",
    "nan": "NaN log weight: must be rejected",
    "not_abs_cont": "q > 0 where p = 0 (or log_w = +inf): must be rejected",
    "bad_size": "negative or zero N / shape mismatch: must be rejected",
    "beyond_n": "an index beyond the truncated table: must be rejected",
    "bad_stream": "truncated or foreign bitstream: must be rejected (DecodeError)",
    "unbounded": "sup w infinite where the method needs it: must be rejected",
    "escape": "rank beyond 2^16 coded through the escape table",
    "random_access": "large seeds (above 2^64) split into two key words",
}


def _rows(seed: int, m: int, n: int):
    rng = np.random.Generator(np.random.Philox(key=seed))
    lw = np.round(rng.normal(size=(m, n)), 6)
    e = np.round(rng.exponential(size=(m, n)), 6)
    u = np.round(rng.random(size=(m, n)), 6)
    return lw, e, u


def _select_given_cases() -> list[dict]:
    cases = []
    for method in ("pfr", "orc", "mrc"):
        lw, e, _ = _rows(1, 4, 7)
        cases.append(valid(select_given, {"log_w": lw, "noise": e, "method": method}, f"{method}: 4 targets × 7 candidates"))
    lw = np.array([[0.0, 0.0, 0.0], [-np.inf, 1.0, -np.inf], [-np.inf, -np.inf, -np.inf]])
    e = np.array([[1.0, 0.0, 0.5], [0.25, 0.5, 0.25], [1.0, 1.0, 1.0]])
    for method in ("pfr", "orc", "mrc"):
        cases.append(valid(select_given, {"log_w": lw, "noise": e, "method": method}, f"{method}: ties and -inf",
                           ["tie", "neg_inf", "all_neg_inf"]))
    lw, _, u = _rows(2, 3, 6)
    lmax = np.round(lw.max(axis=1) + 0.5, 6)
    for tr in (False, True):
        cases.append(valid(select_given, {"log_w": lw, "uniforms": u, "method": "rs", "log_w_max": lmax, "truncated": tr},
                           f"rs, truncated={tr}", ["no_accept"]))
    q = np.array([0.5, 0.3, 0.2, 0.0])
    p = np.array([0.1, 0.2, 0.3, 0.4])
    with np.errstate(divide="ignore"):
        slw = np.where(q > 0, np.log(q) - np.log(p), -np.inf)
    z = np.array([[3, 2, 1, 0, 3], [3, 3, 3, 3, 3]])
    u = np.array([[0.9, 0.95, 0.7, 0.99, 0.1], [0.0, 0.1, 0.2, 0.3, 0.4]])
    for tr in (False, True):
        cases.append(valid(select_given, {"log_w": slw[z], "uniforms": u, "method": "grs", "states_log_w": slw,
                                          "states_p": p, "truncated": tr}, f"grs, truncated={tr}", ["no_accept", "neg_inf"]))
    e1 = np.ones((1, 3))
    cases += [
        invalid(select_given, {"log_w": np.array([[0.0, np.nan, 1.0]]), "noise": e1, "method": "pfr"}, "NaN weight", ["nan"]),
        invalid(select_given, {"log_w": np.array([[0.0, np.inf, 1.0]]), "noise": e1, "method": "orc"}, "+inf weight", ["not_abs_cont"]),
        invalid(select_given, {"log_w": np.array([[0.0, 1.0]]), "noise": e1, "method": "mrc"}, "noise shape mismatch", ["bad_size"]),
        invalid(select_given, {"log_w": np.zeros((1, 0)), "noise": np.zeros((1, 0)), "method": "pfr"}, "N = 0", ["bad_size"]),
        invalid(select_given, {"log_w": np.array([0.0, 2.0]), "uniforms": np.array([0.1, 0.2]), "method": "rs",
                               "log_w_max": 1.0}, "log_w_max below a weight", ["unbounded"]),
    ]
    return cases


def _seeded_cases():
    q = np.array([0.05, 0.5, 0.0, 0.25, 0.2])
    p = np.array([0.3, 0.1, 0.2, 0.2, 0.2])
    cat = [valid(select_categorical, {"q": q, "p": p, "N": 32, "seed": s, "method": m}, f"{m}, seed {s}",
                 ["random_access"] if s > 2**64 else [])
           for m in ("pfr", "orc", "mrc", "rs", "grs") for s in (0, 2**70 + 5)]
    cat += [invalid(select_categorical, {"q": np.array([0.5, 0.5]), "p": np.array([1.0, 0.0]), "N": 4, "seed": 1},
                    "q not absolutely continuous w.r.t. p", ["not_abs_cont"]),
            invalid(select_categorical, {"q": q, "p": p, "N": -3, "seed": 1}, "negative N", ["bad_size"])]
    gau = [valid(select_gaussian, {"mu_q": np.array([0.4, -0.3, 1.0]), "sigma_q": np.array([0.5, 0.8, 0.9]),
                                   "mu_p": np.zeros(3), "sigma_p": np.ones(3), "N": 64, "seed": s, "method": m},
                 f"{m}, seed {s}") for m in ("pfr", "orc", "mrc", "rs") for s in (3, 4)]
    gau += [invalid(select_gaussian, {"mu_q": 1.0, "sigma_q": 1.0, "mu_p": 0.0, "sigma_p": 1.0, "N": 8, "seed": 0,
                                      "method": "rs"}, "RS with unbounded w", ["unbounded"])]
    enc = [valid(pfr_encode_categorical, {"q": q, "p": p, "seed": s}, f"exact PFR, seed {s}") for s in range(4)]
    gen = [valid(pfr_encode_gaussian, {"mu_q": np.array([0.5, -1.0]), "sigma_q": np.array([0.6, 0.5]),
                                       "mu_p": np.zeros(2), "sigma_p": np.ones(2), "seed": s}, f"exact PFR, seed {s}")
           for s in range(3)]
    gen += [invalid(pfr_encode_gaussian, {"mu_q": 1.0, "sigma_q": 1.0, "mu_p": 0.0, "sigma_p": 1.0, "seed": 0},
                    "equal variances, different means: sup w = inf", ["unbounded"])]
    return cat, gau, enc, gen


def _codes_cases():
    enc = [valid(index_encode, {"ranks": np.array([1, 2, 3, 17, 1000]), "lams": 1.4}, "untruncated Zipf"),
           valid(index_encode, {"ranks": np.array([70000, 1, 2**40]), "lams": 1.1}, "escape", ["escape"]),
           valid(index_encode, {"ranks": np.array([1, 256, 5]), "lams": np.array([1.2, 1.3, 1.5]), "n": 256}, "truncated (DiffC)"),
           invalid(index_encode, {"ranks": np.array([257]), "lams": 1.2, "n": 256}, "rank beyond the truncated table", ["beyond_n"]),
           invalid(index_encode, {"ranks": np.array([0]), "lams": 1.2}, "rank 0", ["bad_size"])]
    c = index_encode(np.array([5, 70000]), 1.3)
    dec = [valid(index_decode, {"data": c.data, "nbits": c.nbits, "lams": 1.3, "count": 2}, "two ranks", ["escape"]),
           invalid(index_decode, {"data": c.data, "nbits": c.nbits - 1, "lams": 1.3, "count": 2}, "truncated stream", ["bad_stream"]),
           invalid(index_decode, {"data": b"\x00" * 8, "nbits": 64, "lams": 1.3, "count": 1}, "all zeros", ["bad_stream"])]
    return enc, dec


def _channel_cases():
    rng = np.random.Generator(np.random.Philox(key=5))
    mu = np.round(rng.normal(size=24) * 0.5, 6)
    gc = [valid(gaussian_channel_encode, {"mu_q": mu, "sigma_q": 1.0, "mu_p": np.zeros(24), "sigma_p": 1.0, "seed": 11,
                                          "max_chunk_bits": 6}, "truncated, KL side information"),
          valid(gaussian_channel_encode, {"mu_q": mu, "sigma_q": 1.0, "mu_p": np.zeros(24), "sigma_p": 1.0, "seed": 11,
                                          "d_kl_bits": 7.5, "max_chunk_bits": 6}, "truncated, fixed KL"),
          valid(gaussian_channel_encode, {"mu_q": mu, "sigma_q": 1.0, "mu_p": np.zeros(24), "sigma_p": 1.0, "seed": 11,
                                          "max_chunk_bits": 6, "coder": "prefix", "chunk_kl": True},
                "prefix codewords, per-chunk KL side information"),
          valid(gaussian_channel_encode, {"mu_q": mu[:6] * 0.5, "sigma_q": 0.8, "mu_p": np.zeros(6), "sigma_p": 1.0,
                                          "seed": 2, "max_chunk_bits": 3, "padding_bits": 0, "exact": True}, "exact mode"),
          invalid(gaussian_channel_encode, {"mu_q": mu, "sigma_q": 1.0, "mu_p": np.zeros(24), "sigma_p": 1.0, "seed": 1,
                                            "exact": True}, "exact mode with sup w = inf", ["unbounded"])]
    sx = np.array([40.0, 20.0])
    sp = np.sqrt(1 + sx**2)
    info = float(np.sum(0.5 * np.log2(1 + sx**2)))
    hy = [valid(hybrid_encode_gaussian, {"mu_q": np.array([m1, m2]), "sigma_q": 1.0, "mu_p": np.zeros(2), "sigma_p": sp,
                                         "seed": s, "info_bits": info}, f"notebook experiment A, seed {s}")
          for s, (m1, m2) in enumerate([(10.0, -5.0), (-31.5, 12.25), (0.0, 0.0)])]
    return gc, hy


def _rcc_file() -> dict:
    floats = {"mode": "allclose", "rtol": 1e-12, "atol": 0.0}
    cat, gau, enc, gen = _seeded_cases()
    ienc, idec = _codes_cases()
    gc, hy = _channel_cases()
    groups = [
        group("select_given", _select_given_cases(), comment="indices exact; inputs rounded to 6 decimals"),
        group("select_categorical", cat, comment="candidates: stream 0 inverse CDF; E stream 1; U stream 2"),
        group("select_gaussian", gau, tolerance=floats, comment="index exact; sample floats to rtol 1e-12"),
        group("pfr_encode_categorical", enc, tolerance=floats, comment="exact PFR; index, bitstream exact"),
        group("pfr_encode_gaussian", gen, tolerance=floats, comment="exact PFR; index, bitstream exact"),
        group("index_encode", ienc, comment="canonical prefix codewords of the quantised Zipf tables"),
        group("index_decode", idec),
        group("gaussian_channel_encode", gc, tolerance=floats, comment="chunked PFR (DiffC); streams exact"),
        group("hybrid_encode_gaussian", hy, tolerance=floats, comment="hybrid coding, M = (12, 6)"),
    ]
    return vector_file("rcc", 1, "specs/rcc.md",
                       ["select_given: plain-Python loop over candidates; GRS: the notebook's mass-vector recursion",
                        "seeded cases: materialised Philox candidates + select_given over N >= candidates drawn; "
                        "every stream decoded back to the same sample"], NOTES, groups)


FILES = [_rcc_file]
