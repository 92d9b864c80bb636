"""Claims of the range coder as runnable checks (registered under topic "coding").

Citation: Yang, Mandt & Theis, *An Introduction to Neural Data Compression* (2023), §2.2
(arithmetic/range coding codes a message within a few bits of its information content).
Specification: ``specs/coding.md`` § "Range coder".

| paper | code | meaning |
|---|---|---|
| −log2 q(x) | ``info`` | information content under the integer model q = f/M, bits |
| ℓ(x) | ``8·len(data)`` | real code length of the range-coded stream, bits |
| ε_p | ``n·2^(p−55)`` | bound on the total rounding loss of n coding steps at precision p |
| H(p) + KL(p ‖ q) | ``cross`` | expected bits/symbol of an i.i.d. source coded with q |

Data come from ``refimpl.random`` (fixed seeds, stream 0 for tables, 1 for messages) so every
number is reproducible in another language.
"""

from __future__ import annotations

import math

import numpy as np

from .. import random as R
from ..claims import at_most, close, holds_exactly, register
from .range_coder import (range_code_length_bound, range_decode, range_decode_family, range_encode,
                          range_encode_family)

PAPER = "Yang, Mandt & Theis 2023, An Introduction to Neural Data Compression"


def _idx(n: int) -> np.ndarray:
    return np.arange(n, dtype=np.uint64)


def _table(seed: int, A: int, precision: int, rows: int = 1) -> np.ndarray:
    """Integer CDFs (rows, A+1) with skewed masses: f = 1 + ⌊w·(M − A)⌋, w ∝ 10^(−12u), the
    rounding deficit to the largest frequency. Many symbols get the minimum mass 1/M."""
    M = 1 << precision
    u = R.uniform(seed, 0, _idx(rows * A)).reshape(rows, A)
    w = 10.0 ** (-12.0 * u)
    f = 1 + np.floor(w / w.sum(axis=1, keepdims=True) * (M - A)).astype(np.int64)
    f[np.arange(rows), np.argmax(f, axis=1)] += M - f.sum(axis=1)
    cdf = np.zeros((rows, A + 1), dtype=np.int64)
    np.cumsum(f, axis=1, out=cdf[:, 1:])
    return cdf


def _message(seed: int, cdf: np.ndarray, n: int, uniform: bool) -> np.ndarray:
    """n symbols: from the model q of the first row, or uniform over the alphabet (which hits
    the tiny masses)."""
    A = cdf.shape[1] - 1
    if uniform:
        return np.minimum((R.uniform(seed, 1, _idx(n)) * A).astype(np.int64), A - 1)
    q = np.diff(cdf[0]) / float(cdf[0, -1])
    return R.categorical(seed, 1, _idx(n), q / q.sum())


def _info(symbols: np.ndarray, table: np.ndarray, precision: int) -> float:
    c = table if table.ndim == 2 else np.broadcast_to(table, (symbols.size, table.size))
    i = np.arange(symbols.size)
    return float(np.sum(precision - np.log2((c[i, symbols + 1] - c[i, symbols]).astype(np.float64))))


def _cases(size: str):
    """(seed, precision, A, n, per_symbol, uniform) for the seeded messages of both claims."""
    count = 48 if size == "quick" else 480
    for c in range(count):
        precision = (8, 12, 16, 20, 24, 16)[c % 6]
        A = int(2 + R.words(7000 + c, 0, _idx(1))[0] % min(4095, (1 << precision) - 1))
        per_symbol = c % 4 == 3
        n_max = 10_000 if not per_symbol else max(1, min(10_000, 2_000_000 // A))
        n = int(R.words(8000 + c, 0, _idx(1))[0] % (n_max + 1))
        yield c, precision, A, n, per_symbol, bool(c % 2)


@register("coding")
def range_code_length(size: str):
    """ℓ(x) < −Σ log2 q(x_i) + 8 + n·2^(p−55) for every seeded message (spec § Range coder)."""
    worst, total_over, total_n = -math.inf, 0.0, 0
    for c, p, A, n, per_symbol, uniform in _cases(size):
        cdf = _table(c, A, p, rows=max(n, 1) if per_symbol else 1)
        table = cdf[:n] if per_symbol else cdf[0]
        s = _message(c, cdf, n, uniform)
        info = _info(s, table, p)
        bits = 8 * len(range_encode(s, table, p))
        worst = max(worst, bits - (range_code_length_bound(info, n, p) - 8.0))
        total_over, total_n = total_over + bits - info, total_n + n
    return at_most(
        "range_code_length_within_8_bits", PAPER,
        "range coder: real code length − (information content + n·2^(p−55)) over seeded messages "
        "(alphabets 2…4096, precision 8…24, lengths 0…10^4, shared and per-symbol tables)",
        worst, 8.0,
        "deterministic integer arithmetic, no sampling error: the flush picks the shortest byte "
        "string in the final interval, so it adds < 8 bits (proved in specs/coding.md)",
        details={"mean_overhead_bits_per_message": total_over / (48 if size == "quick" else 480),
                 "symbols": total_n})


@register("coding")
def range_round_trip(size: str):
    """range_decode(range_encode(s)) = s on random alphabets 2…4096 with tiny masses, lengths up
    to 10^4, shared and per-symbol tables, and the quantized families."""
    fails = cases = 0
    for c, p, A, n, per_symbol, uniform in _cases(size):
        cdf = _table(c, A, p, rows=max(n, 1) if per_symbol else 1)
        table = cdf[:n] if per_symbol else cdf[0]
        s = _message(c, cdf, n, uniform)
        fails += not np.array_equal(range_decode(range_encode(s, table, p), table, p, n), s)
        cases += 1
    for c in range(12 if size == "quick" else 120):
        n = 2_000 * (c % 6)
        kind, low, high, p = c % 3, -256, 255, (16, 24)[c % 2]
        loc = R.uniform(9000 + c, 0, _idx(n)) * 120.0 - 60.0
        scale = np.exp(R.uniform(9500 + c, 0, _idx(n)) * math.log(100.0) + math.log(0.3))
        x = np.clip(np.round(loc + scale * R.normal(9900 + c, 1, _idx(n))), low, high).astype(np.int64)
        data = range_encode_family(x, kind, loc, scale, low, high, p)
        fails += not np.array_equal(range_decode_family(data, kind, loc, scale, low, high, p), x)
        cases += 1
    return holds_exactly("range_round_trip", PAPER,
                         f"range_decode(range_encode(s)) = s for {cases} seeded messages", fails,
                         "exact integer coder: a single mismatch is a bug", details={"messages": cases})


@register("coding")
def range_rate_iid(size: str):
    """For an i.i.d. source p coded with its quantized model q, bits/symbol → H(p) + KL(p ‖ q)."""
    n = 200_000 if size == "quick" else 2_000_000
    A, p = 256, 12
    w = 10.0 ** (-3.0 * R.uniform(31, 0, _idx(A)))
    pmf = w / w.sum()
    cdf = _table(31, A, p)  # a fixed integer model q (not fitted to pmf: KL > 0 is part of the rate)
    q = np.diff(cdf[0]) / float(1 << p)
    cross = float(-np.sum(pmf * np.log2(q)))  # H(p) + KL(p ‖ q), bits/symbol
    s = R.categorical(32, 1, _idx(n), pmf)
    rate = 8 * len(range_encode(s, cdf[0], p)) / n
    sd = float(np.sqrt(np.sum(pmf * (np.log2(q) + cross) ** 2)))  # sd of −log2 q(X)
    tol = 5 * sd / math.sqrt(n) + 8.0 / n + 2.0 ** (p - 55)
    return close("range_rate_iid", PAPER,
                 f"range coder bits/symbol of {n} i.i.d. symbols (A = {A}, precision {p}) = "
                 "H(p) + KL(p ‖ q)", rate, cross, tol,
                 "5 standard errors of the empirical mean of −log2 q(X) (sd from the exact pmf), "
                 "plus the < 8-bit flush and the per-symbol rounding bound, spread over n")
