"""Second route for the range coder: exact ``fractions.Fraction`` interval arithmetic.

The model below restates the spec's recursion on rationals, without bytes, carries or windows:
the interval is [L, L + W) ⊂ [0, 1) on a grid u = 2^−S that is refined (u ← u/256) while
W < 2^56·u; a symbol s maps it to L ← L + r·c(s), W ← r·f(s) with r = ⌊W / (M·u)⌋·u. The
canonical code is the shortest byte string whose value (a binary fraction) lies in [L, L + W),
the smallest such value among those of that length. From this the tests check, against the
real coder: the bytes, the interval membership, minimality, the code-length bound, and (brute
force on tiny alphabets) that every message is recovered from its code prefix by prefix.
The vectors of ``specs/vectors/range_coder.v1.json`` are re-derived by this route too.
"""

import itertools
import json
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refimpl.coding import range_coder as RC
from refimpl.coding.models import family_cdf
from refimpl.vectors import decode_value


def fraction_interval(symbols, cdf, precision):
    """Exact (L, W) of the final interval, as Fractions."""
    M = 1 << precision
    cdf = np.asarray(cdf)
    L, W, u = Fraction(0), Fraction(2**64 - 1, 2**64), Fraction(1, 2**64)
    for i, s in enumerate(symbols):
        row = cdf if cdf.ndim == 1 else cdf[i]
        while W < 2**56 * u:
            u /= 256
        r = math.floor(W / (M * u)) * u
        L, W = L + r * int(row[s]), r * int(row[s + 1] - row[s])
    return L, W


def fraction_code(L, W) -> bytes:
    """Shortest byte string with value in [L, L + W); the smallest value among those."""
    for n in itertools.count():
        v = math.ceil(L * 256**n)
        if v < (L + W) * 256**n:
            return v.to_bytes(n, "big")


def fraction_encode(symbols, cdf, precision) -> bytes:
    return fraction_code(*fraction_interval(symbols, cdf, precision))


def value(data: bytes) -> Fraction:
    return Fraction(int.from_bytes(data, "big"), 256 ** len(data))


def freqs(symbols, cdf):
    c = np.asarray(cdf)
    return [int((c if c.ndim == 1 else c[i])[s + 1] - (c if c.ndim == 1 else c[i])[s]) for i, s in enumerate(symbols)]


def check_against_fraction(symbols, cdf, precision):
    data = RC.range_encode(np.asarray(symbols, dtype=np.int64), cdf, precision)
    L, W = fraction_interval(symbols, cdf, precision)
    x = value(data)
    assert L <= x < L + W  # the bytes read as a binary fraction lie in the final interval
    assert data == fraction_code(L, W)  # shortest, then smallest
    assert W * 2 ** (8 * len(data)) < 2**8  # 8·len < −log2 W + 8 (the stated constant, exactly)
    M, n = 1 << precision, len(symbols)
    # −log2 W ≤ I + n·log2(1/(1 − 2^(p−56))) + log2(2^64/(2^64 − 1)), exactly:
    bound = Fraction(2**64 - 1, 2**64) * (1 - Fraction(2**precision, 2**56)) ** n
    for f in freqs(symbols, cdf):
        bound *= Fraction(f, M)
    assert W >= bound
    return data


# --- random short messages ---------------------------------------------------------------------


@st.composite
def short_cases(draw):
    precision = draw(st.integers(1, 24))
    A = draw(st.integers(2, min(16, 1 << precision)))
    n = draw(st.integers(0, 12))
    per_symbol = draw(st.booleans())
    M = 1 << precision

    def table():
        cuts = draw(st.lists(st.integers(1, M - 1), min_size=A - 1, max_size=A - 1, unique=True))
        return np.array([0, *sorted(cuts), M], dtype=np.int64)

    cdf = np.stack([table() for _ in range(n)]) if per_symbol and n else table()
    symbols = draw(st.lists(st.integers(0, A - 1), min_size=n, max_size=n))
    return symbols, cdf, precision


@settings(max_examples=300)
@given(short_cases())
def test_coder_equals_exact_interval_model(case):
    symbols, cdf, precision = case
    data = check_against_fraction(symbols, cdf, precision)
    np.testing.assert_array_equal(RC.range_decode(data, cdf, precision, len(symbols)), symbols)


def test_extreme_masses():
    # one symbol of mass 1/M next to one of mass 1 − 1/M, at the top precision
    M = 1 << 24
    cdf = np.array([0, 1, M])
    for msg in ([0] * 5, [1] * 40, [0, 1, 0, 1, 1, 0], [1] * 20 + [0]):
        check_against_fraction(msg, cdf, 24)


# --- brute force on tiny alphabets -------------------------------------------------------------

TINY_TABLES = [
    (np.array([0, 1, 2]), 1),
    (np.array([0, 1, 4]), 2),
    (np.array([0, 3, 4]), 2),
    (np.array([0, 1, 2, 4]), 2),
    (np.array([0, 5, 6, 8]), 3),
    (np.array([0, 1, 2, 1 << 16]), 16),
    (np.array([0, (1 << 24) - 2, (1 << 24) - 1, 1 << 24]), 24),
    (np.array([0, 100, 70000, 1 << 24]), 24),
]


@pytest.mark.parametrize("cdf,precision", TINY_TABLES, ids=[f"{c.tolist()}@{p}" for c, p in TINY_TABLES])
def test_brute_force_decoder(cdf, precision):
    A = cdf.size - 1
    for n in range(5):
        messages = list(itertools.product(range(A), repeat=n))
        codes = {m: check_against_fraction(list(m), cdf, precision) for m in messages}
        assert len(set(codes.values())) == len(messages)  # all codes distinct
        intervals = {k: {m: fraction_interval(m, cdf, precision) for m in itertools.product(range(A), repeat=k)}
                     for k in range(n + 1)}
        for m, data in codes.items():
            x = value(data)
            for k in range(n + 1):  # prefix by prefix: exactly one k-prefix interval holds x
                holders = [p for p, (L, W) in intervals[k].items() if L <= x < L + W]
                assert holders == [m[:k]]
            np.testing.assert_array_equal(RC.range_decode(data, cdf, precision, n), m)


def test_per_symbol_tables_brute_force():
    tables = np.array([[0, 1, 2, 4], [0, 2, 3, 4], [0, 1, 3, 4]])
    codes = {}
    for m in itertools.product(range(3), repeat=3):
        codes[m] = check_against_fraction(list(m), tables, 2)
        np.testing.assert_array_equal(RC.range_decode(codes[m], tables, 2, 3), m)
    assert len(set(codes.values())) == 27


# --- the vector file, re-derived ----------------------------------------------------------------

VECTORS = Path(__file__).resolve().parents[2] / "specs" / "vectors" / "range_coder.v1.json"


@pytest.mark.skipif(not VECTORS.exists(), reason="range_coder.v1.json not generated yet")
def test_vectors_rederived_by_fraction_route():
    doc = json.loads(VECTORS.read_text())
    checked = 0
    for g in doc["groups"]:
        params = decode_value(g["params"])
        for c in g["cases"]:
            if c["result"] != "valid":
                continue
            inp = {**decode_value(c["input"]), **params}
            out = decode_value(c["expected"])["output"]
            p = inp["precision"]
            if g["function"] == "range_encode":
                assert fraction_encode(inp["symbols"].tolist(), inp["cdf"], p) == out
            elif g["function"] == "range_decode":
                assert fraction_encode(out.tolist(), inp["cdf"], p) == inp["data"]
            elif g["function"] in ("range_encode_family", "range_decode_family"):
                cdf = family_cdf(inp["kind"], inp["loc"], inp["scale"], inp["low"], inp["high"], p)
                if g["function"] == "range_encode_family":
                    assert fraction_encode((inp["symbols"] - inp["low"]).tolist(), cdf, p) == out
                else:
                    assert fraction_encode((out - inp["low"]).tolist(), cdf, p) == inp["data"]
            else:
                continue
            checked += 1
    assert checked >= 10
