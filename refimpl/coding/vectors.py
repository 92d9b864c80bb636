"""Test vectors of entropy coding: ``specs/vectors/rans.v1.json`` (this module) and, when present,
``range_coder.v1.json`` (built by :mod:`refimpl.coding.range_coder_vectors`).

Verified by: a reimplementation of the rANS encoder written from ``specs/coding.md`` alone with
Python big integers, an exhaustive decoder over tiny alphabets, brute-force optimality of
``quantize_pmf`` on tiny alphabets and scipy.stats for the family CDFs
(``tests/coding/test_rans.py::test_vectors_*`` re-derive the valid cases by those routes).
"""

from __future__ import annotations

import numpy as np

from .. import random as R
from ..vectors import acceptable, group, invalid, valid, vector_file
from .models import family_cdf, quantize_pmf
from .rans import rans_decode, rans_decode_family, rans_encode, rans_encode_family

NOTES = {
    "empty": "empty message (n = 0): the stream is the flushed initial state",
    "single_symbol": "one-symbol alphabet: f = M, zero bits per symbol",
    "tiny_mass": "pmf with masses down to 1e-12 (every symbol still gets one count)",
    "per_symbol": "one cdf row per symbol, shape (n, A+1)",
    "min_precision": "precision 1 (M = 2)",
    "max_precision": "precision 24, the largest supported",
    "large_alphabet": "alphabet of 4096 symbols",
    "bad_cdf": "cdf not strictly increasing from 0 to 2**precision, or not integer: must be rejected",
    "bad_symbol": "symbol outside the alphabet or domain: must be rejected",
    "bad_pmf": "negative, non-finite or all-zero pmf, or wrong shape: must be rejected",
    "bad_precision": "precision outside [1, 24]: must be rejected",
    "bad_scale": "scale <= 0 or non-finite: must be rejected",
    "bad_domain": "low > high or domain larger than 2**precision: must be rejected",
    "truncated": "stream with words missing at the end: a conforming decoder must reject it",
    "corrupt": "bit-flipped or foreign stream: a decoder may reject it or return in-domain symbols",
    "bad_length": "stream length not 8 + 4k bytes: must be rejected",
}


def _u(seed, n):
    return R.uniform(seed, 0, np.arange(n, dtype=np.uint64))


def _pmf(seed, a, tiny=False):
    u = _u(seed, a)
    w = 10.0 ** (-12.0 * u) if tiny else u + 1e-3
    return w / w.sum()


def _sym(seed, a, n):
    return (R.words(seed, 0, np.arange(n, dtype=np.uint64)) % np.uint64(a)).astype(np.int64)


def _messages():
    """(comment, symbols, cdf, precision, flags) of the valid encode/decode cases."""
    out = []
    for p in (1, 4, 8, 12, 16, 20, 24):
        a = 2 if p == 1 else 5
        cdf = quantize_pmf(_pmf(100 + p, a), p)
        flags = ["min_precision"] if p == 1 else (["max_precision"] if p == 24 else [])
        out.append((f"shared table, A={a}, precision {p}", _sym(200 + p, a, 24), cdf, p, flags))
    out.append(("empty message", np.zeros(0, dtype=np.int64), quantize_pmf(_pmf(1, 3), 12), 12, ["empty"]))
    out.append(("single-symbol alphabet", np.zeros(9, dtype=np.int64), np.array([0, 1 << 10], dtype=np.int64), 10,
                ["single_symbol"]))
    out.append(("tiny masses, A=64", _sym(3, 64, 40), quantize_pmf(_pmf(2, 64, tiny=True), 16), 16, ["tiny_mass"]))
    out.append(("A=4096, precision 16", _sym(5, 4096, 30), quantize_pmf(_pmf(4, 4096), 16), 16, ["large_alphabet"]))
    rows = quantize_pmf(np.stack([_pmf(10 + i, 7) for i in range(16)]), 14)
    out.append(("per-symbol tables, A=7", _sym(6, 7, 16), rows, 14, ["per_symbol"]))
    rows24 = quantize_pmf(np.stack([_pmf(40 + i, 3, tiny=True) for i in range(8)]), 24)
    out.append(("per-symbol tables, precision 24", _sym(7, 3, 8), rows24, 24, ["per_symbol", "max_precision", "tiny_mass"]))
    long_cdf = quantize_pmf(_pmf(8, 256), 16)
    out.append(("256 symbols, 300 long", _sym(9, 256, 300), long_cdf, 16, []))
    return out


def _family_cases():
    out = []
    n = 12
    for kind, name in ((0, "gaussian"), (1, "laplace"), (2, "logistic")):
        loc = -8 + 16 * _u(300 + kind, n)
        scale = 10.0 ** (-1 + 2 * _u(310 + kind, n))
        v = np.clip(np.rint(loc + scale * R.normal(320 + kind, 0, np.arange(n, dtype=np.uint64))), -16, 15).astype(np.int64)
        for p in (12, 24):
            out.append((f"{name}, [-16, 15], precision {p}", v, name, loc, scale, -16, 15, p))
    return out


def _quantize_group():
    cases = [
        valid(quantize_pmf, {"pmf": _pmf(1, 5), "precision": 8}, "5 symbols, precision 8"),
        valid(quantize_pmf, {"pmf": _pmf(2, 16, tiny=True), "precision": 12}, "tiny masses", ["tiny_mass"]),
        valid(quantize_pmf, {"pmf": np.array([0.5, 0.0, 0.25, 0.25]), "precision": 4}, "an exact zero gets one count"),
        valid(quantize_pmf, {"pmf": np.array([3.0, 1.0]), "precision": 1}, "precision 1", ["min_precision"]),
        valid(quantize_pmf, {"pmf": np.array([1.0]), "precision": 6}, "one symbol", ["single_symbol"]),
        valid(quantize_pmf, {"pmf": np.stack([_pmf(3, 6), _pmf(4, 6, tiny=True)]), "precision": 10}, "batch of two"),
        valid(quantize_pmf, {"pmf": _pmf(5, 100), "precision": 24}, "precision 24", ["max_precision"]),
        invalid(quantize_pmf, {"pmf": np.array([0.5, -0.1, 0.6]), "precision": 8}, "negative mass", ["bad_pmf"]),
        invalid(quantize_pmf, {"pmf": np.array([0.5, np.nan]), "precision": 8}, "NaN", ["bad_pmf"]),
        invalid(quantize_pmf, {"pmf": np.array([0.5, np.inf]), "precision": 8}, "inf", ["bad_pmf"]),
        invalid(quantize_pmf, {"pmf": np.zeros(3), "precision": 8}, "all zero", ["bad_pmf"]),
        invalid(quantize_pmf, {"pmf": np.ones((1, 2, 2)), "precision": 8}, "3-D", ["bad_pmf"]),
        invalid(quantize_pmf, {"pmf": np.ones(5), "precision": 2}, "alphabet larger than 2**precision", ["bad_pmf"]),
        invalid(quantize_pmf, {"pmf": np.ones(3), "precision": 25}, "precision 25", ["bad_precision"]),
        invalid(quantize_pmf, {"pmf": np.ones(3), "precision": 0}, "precision 0", ["bad_precision"]),
    ]
    return group("quantize_pmf", cases, comment="integer CDF minimising KL(p || f/M), every f >= 1")


def _family_group():
    loc, scale = np.array([-2.3, 0.0, 3.7]), np.array([0.5, 1.0, 4.0])
    cases = [valid(family_cdf, {"kind": k, "loc": loc, "scale": scale, "low": -6, "high": 6, "precision": 10},
                   f"{k}, 3 rows, [-6, 6]") for k in ("gaussian", "laplace", "logistic")]
    cases.append(valid(family_cdf, {"kind": "gaussian", "loc": np.array([1e6]), "scale": np.array([1.0]), "low": -3,
                                    "high": 3, "precision": 8}, "all mass beyond the domain: folded into the top edge"))
    base = {"kind": "gaussian", "loc": np.array([0.0]), "scale": np.array([1.0]), "low": -4, "high": 4, "precision": 8}
    cases += [
        invalid(family_cdf, {**base, "scale": np.array([0.0])}, "scale 0", ["bad_scale"]),
        invalid(family_cdf, {**base, "scale": np.array([-1.0])}, "negative scale", ["bad_scale"]),
        invalid(family_cdf, {**base, "scale": np.array([np.nan])}, "NaN scale", ["bad_scale"]),
        invalid(family_cdf, {**base, "loc": np.array([np.inf])}, "infinite loc", ["bad_scale"]),
        invalid(family_cdf, {**base, "low": 5}, "low > high", ["bad_domain"]),
        invalid(family_cdf, {**base, "high": 300}, "domain of 305 symbols at precision 8", ["bad_domain"]),
        invalid(family_cdf, {**base, "precision": 25}, "precision 25", ["bad_precision"]),
    ]
    return group("family_cdf", cases, comment="k + floor(F((low+k-0.5-loc)/scale)·(M−A)), 0 < k < A")


def _rans_groups():
    enc, dec = [], []
    for comment, s, cdf, p, flags in _messages():
        enc.append(valid(rans_encode, {"symbols": s, "cdf": cdf, "precision": p}, comment, flags))
        data = rans_encode(s, cdf, p)
        dec.append(valid(rans_decode, {"data": data, "cdf": cdf, "precision": p, "n": int(s.size)}, comment, flags))
    cdf = quantize_pmf(_pmf(11, 4), 12)
    s = _sym(12, 4, 200)
    good = rans_encode(s, cdf, 12)
    enc += [
        invalid(rans_encode, {"symbols": np.array([0, 4]), "cdf": cdf, "precision": 12}, "symbol = A", ["bad_symbol"]),
        invalid(rans_encode, {"symbols": np.array([-1]), "cdf": cdf, "precision": 12}, "negative symbol", ["bad_symbol"]),
        invalid(rans_encode, {"symbols": np.array([0]), "cdf": np.array([0, 3, 3, 4096]), "precision": 12},
                "zero frequency", ["bad_cdf"]),
        invalid(rans_encode, {"symbols": np.array([0]), "cdf": np.array([0, 3, 9, 4095]), "precision": 12},
                "total != 2**precision", ["bad_cdf"]),
        invalid(rans_encode, {"symbols": np.array([0]), "cdf": np.array([1, 3, 9, 4096]), "precision": 12},
                "cdf[0] != 0", ["bad_cdf"]),
        invalid(rans_encode, {"symbols": np.array([0]), "cdf": np.array([0.0, 3.0, 9.0, 4096.0]), "precision": 12},
                "float cdf", ["bad_cdf"]),
        invalid(rans_encode, {"symbols": np.array([0, 1]), "cdf": np.stack([cdf] * 3), "precision": 12},
                "3 cdf rows for 2 symbols", ["bad_cdf", "per_symbol"]),
        invalid(rans_encode, {"symbols": np.array([0]), "cdf": np.array([0, 1 << 24, 1 << 25]), "precision": 25},
                "precision 25", ["bad_precision"]),
        invalid(rans_encode, {"symbols": np.array([0]), "cdf": np.array([0, 1, 1]), "precision": 0},
                "precision 0", ["bad_precision"]),
    ]
    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 0x10
    foreign = R.words(13, 0, np.arange(6, dtype=np.uint64)).astype("<u8").tobytes()
    dec += [
        invalid(rans_decode, {"data": good[:-4], "cdf": cdf, "precision": 12, "n": 200}, "last word missing", ["truncated"]),
        invalid(rans_decode, {"data": good[:8], "cdf": cdf, "precision": 12, "n": 200}, "only the state", ["truncated"]),
        invalid(rans_decode, {"data": b"", "cdf": cdf, "precision": 12, "n": 0}, "empty byte string", ["bad_length", "empty"]),
        invalid(rans_decode, {"data": good[:-1], "cdf": cdf, "precision": 12, "n": 200}, "length 8 + 4k − 1", ["bad_length"]),
        invalid(rans_decode, {"data": good + bytes(4), "cdf": cdf, "precision": 12, "n": 200}, "an extra zero word",
                ["corrupt"]),
        acceptable(rans_decode, {"data": bytes(flipped), "cdf": cdf, "precision": 12, "n": 200}, "one bit flipped",
                   ["corrupt"]),
        acceptable(rans_decode, {"data": foreign, "cdf": cdf, "precision": 12, "n": 20}, "foreign bytes", ["corrupt"]),
        invalid(rans_decode, {"data": good, "cdf": cdf, "precision": 25, "n": 200}, "precision 25", ["bad_precision"]),
    ]
    return [group("rans_encode", enc, comment="rANS64/32 stream of specs/coding.md (hex)"),
            group("rans_decode", dec, comment="inverse of rans_encode; malformed streams raise DecodeError")]


def _rans_family_groups():
    enc, dec = [], []
    for comment, v, kind, loc, scale, low, high, p in _family_cases():
        inp = {"kind": kind, "loc": loc, "scale": scale, "low": low, "high": high, "precision": p}
        enc.append(valid(rans_encode_family, {"symbols": v, **inp}, comment))
        dec.append(valid(rans_decode_family, {"data": rans_encode_family(v, **inp), **inp}, comment))
    base = {"kind": "gaussian", "loc": np.array([0.0, 1.0]), "scale": np.array([1.0, 2.0]), "low": -4, "high": 4,
            "precision": 16}
    good = rans_encode_family(np.array([0, 2]), **base)
    enc += [
        invalid(rans_encode_family, {"symbols": np.array([0, 5]), **base}, "value above high", ["bad_symbol"]),
        invalid(rans_encode_family, {"symbols": np.array([0, 1]), **{**base, "scale": np.array([1.0, 0.0])}},
                "scale 0", ["bad_scale"]),
        invalid(rans_encode_family, {"symbols": np.array([0, 1]), **{**base, "precision": 25}}, "precision 25",
                ["bad_precision"]),
        invalid(rans_encode_family, {"symbols": np.array([0, 1]), **{**base, "low": 5}}, "low > high", ["bad_domain"]),
    ]
    dec += [
        invalid(rans_decode_family, {"data": good[:4], **base}, "shorter than the state", ["truncated", "bad_length"]),
        invalid(rans_decode_family, {"data": good, **{**base, "scale": np.array([-1.0, 1.0])}}, "negative scale",
                ["bad_scale"]),
    ]
    return [group("rans_encode_family", enc, comment="values in [low, high], per-symbol (loc, scale)"),
            group("rans_decode_family", dec, comment="n = len(loc) values in [low, high]")]


def rans_file() -> dict:
    groups = [_quantize_group(), _family_group(), *_rans_groups(), *_rans_family_groups()]
    return vector_file("rans", 1, "specs/coding.md",
                       ["encoder reimplemented from specs/coding.md with Python big integers (tests/coding/test_rans.py)",
                        "exhaustive decoding over tiny alphabets",
                        "quantize_pmf: brute-force optimum over all integer frequency vectors on tiny alphabets",
                        "family_cdf: scipy.stats CDFs within (A + 1)/M"],
                       NOTES, groups)


FILES = [rans_file]

try:  # the range coder's vector builders live in the range-coder helper's module
    from . import range_coder_vectors as _rcv
except ImportError:  # pragma: no cover - until that module exists
    _rcv = None
if _rcv is not None:  # its FILES list, or else every builder named *_file
    FILES.extend(getattr(_rcv, "FILES", None) or [getattr(_rcv, k) for k in sorted(dir(_rcv))
                                                   if k.endswith("_file") and callable(getattr(_rcv, k))])
