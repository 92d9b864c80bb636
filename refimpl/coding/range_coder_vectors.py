"""Test vectors for the range coder (``specs/vectors/range_coder.v1.json``).

Verified by: exact ``fractions.Fraction`` interval arithmetic — ``tests/coding/test_range_fraction.py``
re-derives the bytes of every valid case (encode, decode, family) from the rational interval
model and the definition of the canonical flush, without the coder; and a brute-force decoder
over all messages of length ≤ 4 on alphabets of ≤ 3 symbols.
Imported into ``refimpl/coding/vectors.py``'s ``FILES`` by the coding topic.
"""

from __future__ import annotations

import numpy as np

from .. import random as R
from ..vectors import group, invalid, valid, vector_file
from .range_coder import range_decode, range_decode_family, range_encode, range_encode_family

NOTES = {
    "hand_derived": "the bytes were derived by hand in specs/coding.md § Range coder",
    "empty": "empty message: the code is the empty byte string",
    "per_symbol": "one CDF table per symbol, shape (n, A+1)",
    "tiny_mass": "symbols of mass 1/M (M = 2**precision) are coded",
    "carry": "low overflows its 64-bit window: a carry runs back through emitted 0xFF bytes",
    "family": "quantized parametric family (gaussian/laplace/logistic) via family_cdf_at",
    "bad_cdf": "cdf not an integer table starting at 0, ending at 2**precision, strictly increasing",
    "bad_symbol": "symbol outside the alphabet (or outside [low, high])",
    "bad_precision": "precision outside [1, 24]",
    "bad_scale": "scale <= 0 or non-finite (sigma <= 0 is not a distribution)",
    "bad_args": "other argument errors (n < 0, rows ≠ symbols, low > high)",
    "truncated": "stream cut short and not canonical for any message: a conforming decoder must reject it",
    "truncated_valid": "stream cut short that is the canonical code of another message: it decodes to that "
                       "message (range codes leave almost no redundancy, so most truncations are such codes)",
    "appended": "one byte appended to a valid stream: never canonical, a conforming decoder must reject it",
    "bit_flip": "stream with bits flipped: a conforming decoder must reject it",
    "trailing": "bytes appended after the stream: a conforming decoder must reject it",
    "noncanonical": "value inside the final interval but not the canonical (shortest, smallest) flush",
    "outside": "code value in the unused top of an interval (t >= M): must be rejected",
}


def _idx(n: int) -> np.ndarray:
    return np.arange(n, dtype=np.uint64)


def _cdf(seed: int, A: int, precision: int, rows: int | None = None) -> np.ndarray:
    """A reproducible integer CDF: f = 1 + ⌊w·(M − A)⌋, w ∝ 10^(−6u), deficit to the largest."""
    M = 1 << precision
    r = 1 if rows is None else rows
    u = R.uniform(seed, 0, _idx(r * A)).reshape(r, A)
    w = 10.0 ** (-6.0 * u)
    f = 1 + np.floor(w / w.sum(axis=1, keepdims=True) * (M - A)).astype(np.int64)
    f[np.arange(r), np.argmax(f, axis=1)] += M - f.sum(axis=1)
    cdf = np.zeros((r, A + 1), dtype=np.int64)
    np.cumsum(f, axis=1, out=cdf[:, 1:])
    return cdf[0] if rows is None else cdf


def _symbols(seed: int, cdf: np.ndarray, n: int) -> np.ndarray:
    """n symbols from the model itself (first row if per symbol)."""
    row = cdf if cdf.ndim == 1 else cdf[0]
    q = np.diff(row) / float(row[-1])
    return R.categorical(seed, 1, _idx(n), q / q.sum())


def _arr(*x) -> np.ndarray:
    return np.array(x, dtype=np.int64)


def _encode_cases():
    """(inputs, comment, flags) of valid range_encode cases."""
    M24 = 1 << 24
    half = _arr(0, 1, 2)
    carry_cdf = _arr(0, M24 - 2, M24 - 1, M24)
    carry_msg = np.array([1, 2] * 20 + [2] * 20, dtype=np.int64)
    c8, c12, c16 = _arr(0, 10, 100, 200, 256), _cdf(12, 16, 12), _cdf(16, 256, 16)
    rows4 = _arr(0, 1, 5, 9, 16, 0, 6, 7, 8, 16, 0, 13, 14, 15, 16, 0, 4, 8, 12, 16, 0, 1, 2, 3, 16).reshape(5, 5)
    rows16 = _cdf(161, 10, 16, rows=20)
    return [
        ({"symbols": _arr(), "cdf": half, "precision": 1}, "empty message", ["empty", "hand_derived"]),
        ({"symbols": _arr(0), "cdf": half, "precision": 1}, "one symbol whose interval contains 0", ["hand_derived"]),
        ({"symbols": _arr(1), "cdf": half, "precision": 1}, "one symbol: 0x80", ["hand_derived"]),
        ({"symbols": _arr(1, 1), "cdf": half, "precision": 1}, "two symbols: 0xc0", ["hand_derived"]),
        ({"symbols": _symbols(8, c8, 20), "cdf": c8, "precision": 8}, "A = 4, precision 8", []),
        ({"symbols": _symbols(12, c12, 100), "cdf": c12, "precision": 12}, "A = 16, precision 12", []),
        ({"symbols": _symbols(16, c16, 200), "cdf": c16, "precision": 16}, "A = 256, precision 16", []),
        ({"symbols": _arr(0, 1, 2, 0, 1, 2, 2, 2, 0), "cdf": _arr(0, 1, 2, M24), "precision": 24},
         "two symbols of mass 2^-24", ["tiny_mass"]),
        ({"symbols": carry_msg, "cdf": carry_cdf, "precision": 24}, "carries through runs of 0xff",
         ["carry", "tiny_mass"]),
        ({"symbols": np.zeros(300, dtype=np.int64), "cdf": _arr(0, 65535, 65536), "precision": 16},
         "300 symbols of probability 1 − 2^-16: a very short code", []),
        ({"symbols": np.zeros(0, dtype=np.int64), "cdf": np.zeros((0, 3), dtype=np.int64), "precision": 2},
         "empty message, per-symbol table of shape (0, 3)", ["empty", "per_symbol"]),
        ({"symbols": _arr(0, 3, 2, 1, 0), "cdf": rows4, "precision": 4}, "five tables, precision 4",
         ["per_symbol"]),
        ({"symbols": _symbols(162, rows16, 20), "cdf": rows16, "precision": 16}, "twenty tables, precision 16",
         ["per_symbol"]),
    ]


def _invalid_encode_cases():
    return [
        ({"symbols": _arr(0), "cdf": _arr(0, 3, 3, 8), "precision": 3}, "zero frequency", ["bad_cdf"]),
        ({"symbols": _arr(0), "cdf": _arr(0, 3, 7), "precision": 3}, "total ≠ 2**precision", ["bad_cdf"]),
        ({"symbols": _arr(0), "cdf": _arr(1, 3, 8), "precision": 3}, "does not start at 0", ["bad_cdf"]),
        ({"symbols": _arr(0), "cdf": _arr(0, 5, 3, 8), "precision": 3}, "decreasing", ["bad_cdf"]),
        ({"symbols": _arr(0), "cdf": np.array([0.0, 3.0, 8.0]), "precision": 3}, "float cdf", ["bad_cdf"]),
        ({"symbols": _arr(0), "cdf": _arr(0), "precision": 3}, "alphabet of 0 symbols", ["bad_cdf"]),
        ({"symbols": _arr(2), "cdf": _arr(0, 3, 8), "precision": 3}, "symbol = A", ["bad_symbol"]),
        ({"symbols": _arr(-1), "cdf": _arr(0, 3, 8), "precision": 3}, "negative symbol", ["bad_symbol"]),
        ({"symbols": _arr(0), "cdf": _arr(0, 1, 1), "precision": 0}, "precision 0", ["bad_precision"]),
        ({"symbols": _arr(0), "cdf": _arr(0, 1, 1 << 25), "precision": 25}, "precision 25", ["bad_precision"]),
        ({"symbols": _arr(0, 1), "cdf": _arr(0, 3, 8, 0, 3, 8, 0, 3, 8).reshape(3, 3), "precision": 3},
         "3 tables for 2 symbols", ["bad_args", "per_symbol"]),
    ]


def _flip(data: bytes, i: int, bit: int) -> bytes:
    b = bytearray(data)
    b[i] ^= 1 << bit
    return bytes(b)


def _invalid_decode_cases(encoded):
    """Corruptions of valid streams; each is checked to be rejected by refimpl (invalid())."""
    out = []
    for inputs, _, _ in encoded:
        data = range_encode(**inputs)
        base = {"cdf": inputs["cdf"], "precision": inputs["precision"], "n": int(inputs["symbols"].size)}
        if len(data) >= 3:
            for cut in (len(data) - 1, len(data) // 2):
                d = data[:cut]
                if _rejected(d, base):
                    out.append(({**base, "data": d}, f"cut to {cut} of {len(data)} bytes", ["truncated"]))
                    break
            for i, bit in ((0, 7), (len(data) // 2, 0), (len(data) - 1, 3)):
                d = _flip(data, i, bit)
                if _rejected(d, base):
                    out.append(({**base, "data": d}, f"bit {bit} of byte {i} flipped", ["bit_flip"]))
                    break
        if len(out) >= 8:
            break
    for inputs, comment, _ in encoded[5:7]:
        base = {"cdf": inputs["cdf"], "precision": inputs["precision"], "n": int(inputs["symbols"].size)}
        out.append(({**base, "data": range_encode(**inputs) + b"\x01"}, comment + ", 0x01 appended", ["appended"]))
    half = {"cdf": _arr(0, 1, 2), "precision": 1}
    out += [
        ({**half, "n": 1, "data": b"\x80\x00"}, "canonical 0x80 plus a zero byte", ["noncanonical"]),
        ({**half, "n": 1, "data": b"\x80\x01"}, "inside the interval of [1] but not the smallest point",
         ["noncanonical"]),
        ({**half, "n": 0, "data": b"\x01"}, "the empty message is coded as b''", ["noncanonical", "empty"]),
        ({**half, "n": 1, "data": b"\x80" + bytes(8) + b"\x01"}, "a byte beyond the decoder's window",
         ["trailing"]),
        ({**half, "n": 1, "data": b"\xff" * 8}, "x = 1 − 2^-64: above every symbol's interval", ["outside"]),
        ({**half, "n": -1, "data": b""}, "n < 0", ["bad_args"]),
        ({"cdf": _arr(0, 1, 2), "precision": 25, "n": 1, "data": b""}, "precision 25", ["bad_precision"]),
        ({"cdf": _arr(0, 2, 2), "precision": 1, "n": 1, "data": b""}, "zero frequency", ["bad_cdf"]),
    ]
    return out


def _rejected(data: bytes, base: dict) -> bool:
    try:
        range_decode(data=data, **base)
    except ValueError:
        return True
    return False


def _family_cases():
    g = [
        ("gaussian", -10, 10, 16, 20, 4.0),
        ("laplace", -5, 40, 12, 25, 2.0),
        ("logistic", -256, 255, 24, 30, 30.0),
        (0, 0, 0, 1, 4, 1.0),  # a one-symbol domain: every code is empty
    ]
    cases = []
    for j, (kind, low, high, p, n, spread) in enumerate(g):
        loc = R.uniform(300 + j, 0, _idx(n)) * (high - low) + low
        scale = np.exp(R.uniform(310 + j, 0, _idx(n)) * np.log(spread * 4)) * 0.25 + 0.01
        x = np.clip(np.round(loc + scale * R.normal(320 + j, 1, _idx(n))), low, high).astype(np.int64)
        cases.append(({"symbols": x, "kind": kind, "loc": loc, "scale": scale, "low": low, "high": high,
                       "precision": p}, f"{kind} on [{low}, {high}], precision {p}, {n} symbols", ["family"]))
    cases.append(({"symbols": _arr(), "kind": "laplace", "loc": np.zeros(0), "scale": np.zeros(0), "low": -3,
                   "high": 3, "precision": 8}, "empty message", ["family", "empty"]))
    return cases


def _invalid_family_cases():
    base = {"symbols": _arr(0, 1), "kind": "gaussian", "loc": np.array([0.0, 1.0]), "low": -4, "high": 4,
            "precision": 12}
    return [
        ({**base, "scale": np.array([1.0, 0.0])}, "scale 0", ["bad_scale", "family"]),
        ({**base, "scale": np.array([-1.0, 1.0])}, "negative scale", ["bad_scale", "family"]),
        ({**base, "scale": np.array([1.0, np.inf])}, "infinite scale", ["bad_scale", "family"]),
        ({**base, "scale": np.array([1.0, 1.0]), "symbols": _arr(0, 5)}, "symbol above high",
         ["bad_symbol", "family"]),
        ({**base, "scale": np.array([1.0, 1.0]), "precision": 25}, "precision 25", ["bad_precision", "family"]),
        ({**base, "scale": np.array([1.0, 1.0]), "low": 5}, "low > high", ["bad_args", "family"]),
    ]


def range_coder_file() -> dict:
    """The dict of ``range_coder.v1.json`` (see the module docstring)."""
    enc = _encode_cases()
    fam = _family_cases()
    dec_inputs = [({"data": range_encode(**i), "cdf": i["cdf"], "precision": i["precision"],
                    "n": int(i["symbols"].size)}, c, f) for i, c, f in enc]
    fam_dec = [({"data": range_encode_family(**i), **{k: v for k, v in i.items() if k != "symbols"}}, c, f)
               for i, c, f in fam]
    inv_fam_dec, cut_fam_dec = [], []
    for i, _, _ in fam[:3]:
        data = range_encode_family(**i)
        args = {k: v for k, v in i.items() if k != "symbols"}
        inv_fam_dec.append(({"data": data + b"\x01", **args}, f"{i['kind']}: 0x01 appended", ["appended", "family"]))
        cut_fam_dec.append(({"data": data[:-1], **args}, f"{i['kind']}: last byte cut",
                            ["truncated_valid", "family"]))
    cut_dec = [({**d, "data": d["data"][:-1]}, c + ", last byte cut", ["truncated_valid"])
               for d, c, _ in dec_inputs[5:7]]
    groups = [
        group("range_encode", [valid(range_encode, i, c, f) for i, c, f in enc]
              + [invalid(range_encode, i, c, f) for i, c, f in _invalid_encode_cases()],
              comment="symbols → canonical bytes; cdf shared (A+1,) or per symbol (n, A+1)"),
        group("range_decode", [valid(range_decode, i, c, f) for i, c, f in dec_inputs + cut_dec]
              + [invalid(range_decode, i, c, f) for i, c, f in _invalid_decode_cases(enc)],
              comment="bytes → n symbols; non-canonical streams are rejected"),
        group("range_encode_family", [valid(range_encode_family, i, c, f) for i, c, f in fam]
              + [invalid(range_encode_family, i, c, f) for i, c, f in _invalid_family_cases()],
              comment="integer values in [low, high] under a quantized family, one (loc, scale) per symbol"),
        group("range_decode_family", [valid(range_decode_family, i, c, f) for i, c, f in fam_dec + cut_fam_dec]
              + [invalid(range_decode_family, i, c, f) for i, c, f in inv_fam_dec],
              comment="bytes → len(loc) integer values in [low, high]"),
    ]
    return vector_file("range_coder", 1, "specs/coding.md",
                       ["exact fractions.Fraction interval arithmetic re-derives every valid case "
                        "(tests/coding/test_range_fraction.py)",
                        "brute-force decoding of every message of length <= 4 over alphabets of <= 3 symbols"],
                       NOTES, groups)


FILES = [range_coder_file]
