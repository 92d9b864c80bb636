"""Test vectors for :mod:`refimpl.random` (``specs/vectors/random.v1.json``).

Verified by: the Random123 known-answer blocks and ``numpy.random.Philox`` raw output
(``tests/test_random.py`` re-derives every ``words`` case through NumPy's Philox).
"""

from __future__ import annotations

import numpy as np

from . import random as R
from .vectors import group, invalid, valid, vector_file

NOTES = {
    "kat": "Random123 known-answer counter/key",
    "random_access": "an index range that does not start at 0: no earlier element is drawn",
    "wide": "more than one Philox block per element (d > 4)",
    "bad_seed": "seed outside [0, 2**128): must be rejected",
    "bad_index": "negative index: must be rejected",
}


def _random_file() -> dict:
    big = (1 << 128) - 1
    cases_w = [
        valid(R.words, {"seed": 0, "stream": 0, "index": np.array([0], dtype=np.uint64), "d": 4}, "all zero: Random123 KAT", ["kat"]),
        valid(R.words, {"seed": big, "stream": 0, "index": np.array([0], dtype=np.uint64), "d": 2}, "key all ones"),
        valid(R.words, {"seed": 12345, "stream": 1, "index": np.arange(1000, 1008, dtype=np.uint64), "d": None}, "exponential-noise stream, one word per element", ["random_access"]),
        valid(R.words, {"seed": 7, "stream": 3, "index": np.array([0, 5, 2**63], dtype=np.uint64), "d": 9}, "three blocks per element", ["wide", "random_access"]),
        invalid(R.words, {"seed": -1, "stream": 0, "index": np.array([0]), "d": None}, "negative seed", ["bad_seed"]),
        invalid(R.words, {"seed": 1 << 128, "stream": 0, "index": np.array([0]), "d": None}, "seed too large", ["bad_seed"]),
        invalid(R.words, {"seed": 1, "stream": 0, "index": np.array([-1]), "d": None}, "negative index", ["bad_index"]),
    ]
    floats = {"mode": "allclose", "rtol": 1e-12, "atol": 0.0}
    idx = np.arange(0, 16, dtype=np.uint64)
    cases_u = [valid(R.uniform, {"seed": 2024, "stream": 0, "index": idx, "d": 3, "open": o}, f"open={o}") for o in (False, True)]
    cases_e = [valid(R.exponential, {"seed": 2024, "stream": 1, "index": idx, "d": None}, "E = -log1p(-u)")]
    cases_n = [
        valid(R.normal, {"seed": 2024, "stream": 0, "index": idx, "d": 5}, "Z = ndtri(u_open)"),
        valid(R.normal, {"seed": 99, "stream": 0, "index": np.array([123456789], dtype=np.uint64), "d": 8}, "random access", ["random_access", "wide"]),
    ]
    cases_c = [valid(R.categorical, {"seed": 5, "stream": 0, "index": idx, "pmf": np.array([0.1, 0.2, 0.3, 0.4])}, "inverse CDF")]
    groups = [
        group("words", cases_w, comment="raw Philox4x64-10 words, counter (index, j // 4, stream, 0)"),
        group("uniform", cases_u, tolerance={"mode": "exact"}, comment="53-bit uniforms are exact"),
        group("exponential", cases_e, tolerance=floats, comment="log1p may differ in the last ulp across libms"),
        group("normal", cases_n, tolerance=floats, comment="ndtri may differ in the last ulp across libms"),
        group("categorical", cases_c),
    ]
    return vector_file("random", 1, "specs/random.md",
                       ["Random123 known answers", "numpy.random.Philox raw output (counter − 1, NumPy increments first)"],
                       NOTES, groups)


FILES = [_random_file]
