"""Malformed input to every range decoder: truncated, bit-flipped, extended, empty or foreign
bytes, and a wrong symbol count. Each decoder must raise refimpl.errors.DecodeError or return
in-domain symbols; never crash, hang or read outside ``data``. The range coder is stricter than
that: it accepts exactly the canonical streams, so an accepted input re-encodes to itself.

Each hypothesis example encodes one random message and checks all six corruptions of it
(truncate, flip a bit, overwrite bytes, append, empty, foreign), each with the true or a wrong
symbol count: 2,000 examples (max_examples set on each test, whatever the profile) × 6 =
12,000 malformed inputs per decoder in the default run — batched because hypothesis' own
per-example cost is ~5× the decoding cost here. The slow test adds 6 × 10^5 per decoder.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refimpl.coding import _range_kernels as K
from refimpl.coding import range_coder as RC
from refimpl.errors import DecodeError

CASES = 2_000  # × 6 corruptions = 12,000 malformed inputs per decoder
SLOW_CASES = 100_000
HOWS = range(6)
FAST = dict(deadline=None, suppress_health_check=list(HealthCheck), database=None)


def corrupt(data: bytes, g: np.random.Generator, how: int) -> bytes:
    """One of: truncate, flip one bit, flip several bytes, append, empty, foreign bytes."""
    b = bytearray(data)
    if how == 0 and b:
        return bytes(b[: g.integers(0, len(b))])
    if how == 1 and b:
        i = int(g.integers(0, len(b)))
        b[i] ^= 1 << int(g.integers(0, 8))
        return bytes(b)
    if how == 2 and b:
        for i in g.integers(0, len(b), g.integers(1, 4)):
            b[i] = int(g.integers(0, 256))
        return bytes(b)
    if how == 3:
        return bytes(b) + g.integers(0, 256, g.integers(1, 4), dtype=np.uint8).tobytes()
    if how == 4:
        return b""
    return g.integers(0, 256, g.integers(0, 24), dtype=np.uint8).tobytes()  # foreign


def random_table(g, A, precision, rows=None):
    M = 1 << precision
    shape = (A,) if rows is None else (rows, A)
    w = g.random(shape) ** g.uniform(1.0, 8.0)
    f = 1 + np.floor(w / w.sum(axis=-1, keepdims=True) * (M - A)).astype(np.int64)
    f2 = np.atleast_2d(f)
    f2[np.arange(f2.shape[0]), np.argmax(f2, axis=1)] += M - f2.sum(axis=1)
    cdf = np.zeros(f2.shape[:-1] + (A + 1,), dtype=np.int64)
    np.cumsum(f2, axis=1, out=cdf[:, 1:])
    return cdf[0] if rows is None else cdf


def check_outcome(decode, data, n, A, reencode):
    """DecodeError, or n in-domain symbols whose canonical code is ``data`` itself."""
    try:
        out = decode(data)
    except DecodeError:
        return None
    assert out.shape == (n,) and out.dtype == np.int64
    assert np.all((out >= 0) & (out < A))
    assert reencode(out) == data
    return out


def shared_case(seed, wrong_n):
    g = np.random.default_rng(seed)
    precision = int(g.integers(1, 25))
    A = int(g.integers(2, min(40, 1 << precision) + 1))
    cdf = random_table(g, A, precision)
    n = int(g.integers(0, 20))
    good = RC.range_encode(g.integers(0, A, n), cdf, precision)
    for how in HOWS:
        shared_one(corrupt(good, g, how), cdf, precision, max(0, n + wrong_n), A)


def shared_one(data, cdf, precision, n, A):
    out = check_outcome(lambda d: RC.range_decode(d, cdf, precision, n), data, n, A,
                        lambda s: RC.range_encode(s, cdf, precision))
    # the twin rejects and accepts the same inputs, and the slot-table and binary-search
    # paths of the kernel agree with it
    try:
        twin = RC.range_decode_twin(data, cdf, precision, n)
    except DecodeError:
        twin = None
    assert (out is None) == (twin is None) and (out is None or np.array_equal(out, twin))
    buf = np.frombuffer(data, dtype=np.uint8)
    q = min(precision, 16)
    lut = K.build_slot_table(cdf, precision, q)
    for args in ((lut, precision - q), (np.zeros(0, dtype=np.int32), -1)):
        o = np.empty(n, dtype=np.int64)
        status = K.decode_shared(buf, cdf, precision, o, *args)
        assert status in (0, K.ERR_OUTSIDE, K.ERR_TRAILING, K.ERR_NONCANONICAL)
        assert (status == 0) == (out is not None) and (out is None or np.array_equal(o, out))


def rows_case(seed, wrong_n):
    g = np.random.default_rng(seed)
    precision = int(g.integers(1, 25))
    A = int(g.integers(2, min(40, 1 << precision) + 1))
    n = int(g.integers(0, 20))
    cdf = random_table(g, A, precision, rows=n + 2)
    good = RC.range_encode(g.integers(0, A, n), cdf[:n], precision)
    m = min(max(0, n + wrong_n), n + 2)
    for how in HOWS:
        check_outcome(lambda d: RC.range_decode(d, cdf[:m], precision, m), corrupt(good, g, how), m, A,
                      lambda s: RC.range_encode(s, cdf[:m], precision))


def family_case(seed, wrong_n):
    g = np.random.default_rng(seed)
    precision = int(g.integers(10, 25))
    kind = int(g.integers(0, 3))
    low = int(g.integers(-100, 10))
    high = low + int(g.integers(0, 200))
    n = int(g.integers(0, 20))
    loc = g.uniform(low - 3, high + 3, n + 2)
    scale = np.exp(g.uniform(-3, 4, n + 2))
    x = g.integers(low, high + 1, n)
    good = RC.range_encode_family(x, kind, loc[:n], scale[:n], low, high, precision)
    m = min(max(0, n + wrong_n), n + 2)
    args = (kind, loc[:m], scale[:m], low, high, precision)
    for how in HOWS:
        check_outcome(lambda d: RC.range_decode_family(d, *args) - low, corrupt(good, g, how), m,
                      high - low + 1, lambda s: RC.range_encode_family(s + low, *args))


CASE = dict(seed=st.integers(0, 2**63 - 1), wrong_n=st.sampled_from([0, 0, 0, -1, 1]))


@settings(max_examples=CASES, **FAST)
@given(**CASE)
def test_malformed_shared_table(seed, wrong_n):
    shared_case(seed, wrong_n)


@settings(max_examples=CASES, **FAST)
@given(**CASE)
def test_malformed_per_symbol_tables(seed, wrong_n):
    rows_case(seed, wrong_n)


@settings(max_examples=CASES, **FAST)
@given(**CASE)
def test_malformed_family(seed, wrong_n):
    family_case(seed, wrong_n)


def test_known_rejections():
    cdf = np.array([0, 1, 2])
    with pytest.raises(DecodeError, match="trailing"):
        RC.range_decode(b"\x80" + bytes(9), cdf, 1, 1)  # the window never reaches byte 9
    with pytest.raises(DecodeError, match="canonical"):
        RC.range_decode(b"\x80\x00", cdf, 1, 1)  # trailing zero byte: not the canonical code
    with pytest.raises(DecodeError, match="canonical"):
        RC.range_decode(b"\x01", cdf, 1, 0)  # the empty message is coded as b""
    with pytest.raises(DecodeError, match="outside"):
        RC.range_decode(b"\xff" * 8, cdf, 1, 1)  # x ≥ r·M: the unused top of the interval


@pytest.mark.slow
@pytest.mark.parametrize("case", [shared_case, rows_case, family_case], ids=["shared", "rows", "family"])
def test_malformed_many(case):
    g = np.random.default_rng(20261125)
    for seed in g.integers(0, 2**63 - 1, SLOW_CASES):
        case(int(seed), int(seed % 3) - 1 if seed % 4 == 0 else 0)


_BOUNDSCHECK_SCRIPT = """
import sys
sys.path.insert(0, {testdir!r})
import test_malformed_range as T
for i in range({n}):
    T.shared_case(i, (0, 0, -1, 1)[i % 4])
    T.rows_case(i, (0, 1, 0, -1)[i % 4])
    T.family_case(i, (0, -1, 0, 1)[i % 4])
print("ok")
"""


def test_kernels_stay_in_bounds_under_numba_boundscheck(tmp_path):
    # NUMBA_BOUNDSCHECK=1 (with a fresh kernel cache) turns any out-of-bounds index in the
    # encoders and decoders into an IndexError, which check_outcome does not catch
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = dict(os.environ, NUMBA_BOUNDSCHECK="1", NUMBA_CACHE_DIR=str(tmp_path), OPENBLAS_NUM_THREADS="1")
    script = _BOUNDSCHECK_SCRIPT.format(testdir=str(Path(__file__).parent), n=400)
    r = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.strip().endswith("ok")
