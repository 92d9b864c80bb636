"""rANS: twin = kernel byte for byte, round trips, code length bound, byte format, errors."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refimpl.coding import (family_cdf, information_bits, quantize_pmf, rans_decode,
                            rans_decode_family, rans_encode, rans_encode_family)
from refimpl.coding.rans import (RANS_L, rans_decode_py, rans_encode_family_py, rans_encode_py)


@st.composite
def messages(draw, max_a=4096, max_n=300, per_symbol=None, precisions=(1, 24)):
    """(symbols, cdf, precision): alphabets 2…max_a, pmfs with tiny masses, short messages."""
    precision = draw(st.integers(*precisions))
    a = draw(st.integers(2, min(max_a, 1 << precision)))
    n = draw(st.integers(0, max_n))
    rows = draw(st.booleans()) if per_symbol is None else per_symbol
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    shape = (n, a) if rows else (a,)
    w = 10.0 ** rng.uniform(-12, 0, size=shape)  # tiny masses down to 1e-12
    if rows and n == 0:
        cdf = np.zeros((0, a + 1), dtype=np.int64)
    else:
        cdf = quantize_pmf(w, precision)
    s = rng.integers(0, a, size=n)
    return s, cdf, precision


def _bound_bits(info, n, precision):
    """len ≤ info + 64 + n·log2(1 + 2^(p−31)) (specs/coding.md § Invariants)."""
    return info + 64 + n * math.log2(1 + 2.0 ** (precision - 31))


@given(messages(max_n=200))
def test_kernel_equals_twin_and_round_trips(m):
    s, cdf, p = m
    data = rans_encode(s, cdf, p)
    assert data == rans_encode_py(s, cdf, p)
    np.testing.assert_array_equal(rans_decode(data, cdf, p, s.size), s)
    np.testing.assert_array_equal(rans_decode_py(data, cdf, p, s.size), s)
    assert len(data) % 4 == 0 and len(data) >= 8
    assert 8 * len(data) <= _bound_bits(information_bits(s, cdf, p), s.size, p) + 1e-9


@settings(max_examples=10)
@given(st.integers(0, 2**32 - 1), st.sampled_from([16, 24]))
def test_long_messages_round_trip(seed, p):
    """Lengths up to 10^4 with the shared-table LUT decoder (p=16) and the search decoder (p=24)."""
    rng = np.random.default_rng(seed)
    a = int(rng.integers(2, 4097))
    cdf = quantize_pmf(10.0 ** rng.uniform(-12, 0, a), p)
    n = int(rng.integers(0, 10_001))
    s = rng.integers(0, a, size=n)
    data = rans_encode(s, cdf, p)
    np.testing.assert_array_equal(rans_decode(data, cdf, p, n), s)
    assert 8 * len(data) <= _bound_bits(information_bits(s, cdf, p), n, p) + 1e-9


family_msgs = st.tuples(st.sampled_from([0, 1, 2]), st.integers(0, 2**32 - 1), st.integers(0, 100),
                        st.integers(12, 24))


@given(family_msgs)
def test_family_kernel_equals_twin_and_table_route(m):
    kind, seed, n, p = m
    rng = np.random.default_rng(seed)
    low, high = -40, 40
    loc = rng.uniform(-50, 50, n)
    scale = 10.0 ** rng.uniform(-2, 2, n)
    v = rng.integers(low, high + 1, n)
    data = rans_encode_family(v, kind, loc, scale, low, high, p)
    assert data == rans_encode_family_py(v, kind, loc, scale, low, high, p)
    # the family entry point is rANS over the per-symbol tables of family_cdf
    tab = family_cdf(kind, loc, scale, low, high, p)
    assert data == rans_encode(v - low, tab, p)
    np.testing.assert_array_equal(rans_decode_family(data, kind, loc, scale, low, high, p), v)


# --- second route: a spec-only reimplementation and exhaustive search --------------------------


def spec_encode(symbols, rows, precision):
    """Written from specs/coding.md alone (big ints, no shared code): push in reverse order."""
    M, x, emitted = 1 << precision, 1 << 31, []
    for s, row in reversed(list(zip(symbols, rows))):
        c, f = row[s], row[s + 1] - row[s]
        if x >= f * 2 ** (63 - precision):
            emitted.append(x % 2**32)
            x //= 2**32
        x = (x // f) * M + x % f + c
    words = [x % 2**32, x // 2**32] + emitted[::-1]
    return b"".join(w.to_bytes(4, "little") for w in words)


@given(messages(max_a=50, max_n=60))
def test_spec_reimplementation_agrees(m):
    s, cdf, p = m
    rows = [cdf.tolist()] * s.size if cdf.ndim == 1 else cdf.tolist()
    assert rans_encode(s, cdf, p) == spec_encode(s.tolist(), rows, p)


@pytest.mark.parametrize("a, n, p", [(2, 10, 1), (3, 6, 3), (4, 5, 8), (5, 4, 24)])
def test_exhaustive_injective_and_decoder_finds_the_preimage(a, n, p):
    """Every sequence of a tiny alphabet encodes to a distinct stream; decoding returns it."""
    cdf = quantize_pmf(np.arange(1, a + 1, dtype=float), p)
    seen = {}
    for seq in itertools.product(range(a), repeat=n):
        data = rans_encode(np.array(seq), cdf, p)
        assert data not in seen
        seen[data] = seq
    for data, seq in seen.items():
        assert tuple(rans_decode(data, cdf, p, n)) == seq


def test_byte_format_known_answers():
    # empty message: the initial state L = 2^31 flushed little-endian (low word first)
    assert rans_encode(np.array([], dtype=np.int64), np.array([0, 1, 2]), 1).hex() == "0000008000000000"
    # p=1, uniform bit: C(s, x) = 2x + s, no renormalisation until x reaches 2^63
    x = RANS_L
    bits = [1, 0, 1, 1]
    for b in reversed(bits):
        x = 2 * x + b
    assert rans_encode(np.array(bits), np.array([0, 1, 2]), 1) == x.to_bytes(8, "little")
    # single-symbol alphabet (A = 1, f = M): zero bits per symbol
    assert rans_encode(np.zeros(1000, dtype=np.int64), np.array([0, 16]), 4).hex() == "0000008000000000"
    np.testing.assert_array_equal(rans_decode(bytes.fromhex("0000008000000000"), np.array([0, 16]), 4, 7), np.zeros(7))


@pytest.mark.parametrize("kw, match", [
    (dict(symbols=np.array([0, 3])), "symbols"),
    (dict(symbols=np.array([-1])), "symbols"),
    (dict(symbols=np.array([0.5])), "symbols"),
    (dict(symbols=np.zeros((2, 2), dtype=int)), "symbols"),
    (dict(cdf=np.array([0, 2, 2, 16])), "cdf"),
    (dict(cdf=np.array([0, 5, 9, 15])), "cdf"),
    (dict(cdf=np.array([0.0, 5.0, 9.0, 16.0])), "cdf"),
    (dict(cdf=np.array([[0, 5, 9, 16]] * 3)), "rows"),
    (dict(precision=0), "precision"),
    (dict(precision=25), "precision"),
])
def test_encode_rejects(kw, match):
    args = dict(symbols=np.array([0, 1]), cdf=np.array([0, 5, 9, 16]), precision=4)
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        rans_encode(**args)


@pytest.mark.parametrize("kw, match", [
    (dict(data="abc"), "data"),
    (dict(n=-1), "n"),
    (dict(n=1.5), "n"),
    (dict(cdf=np.array([0, 9, 9, 16])), "cdf"),
    (dict(precision=25), "precision"),
    (dict(cdf=np.array([[0, 5, 9, 16]] * 3)), "rows"),
])
def test_decode_rejects_arguments(kw, match):
    args = dict(data=bytes(8), cdf=np.array([0, 5, 9, 16]), precision=4, n=2)
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        rans_decode(**args)


def test_family_rejects_values_outside_domain():
    with pytest.raises(ValueError, match="symbols"):
        rans_encode_family(np.array([0, 9]), 0, np.zeros(2), np.ones(2), -4, 4, 12)
    with pytest.raises(ValueError, match="symbols"):
        rans_encode_family(np.array([0]), 0, np.zeros(2), np.ones(2), -4, 4, 12)
    with pytest.raises(ValueError, match="scale"):
        rans_encode_family(np.array([0]), 0, np.zeros(1), np.zeros(1), -4, 4, 12)


# --- vectors: re-derive the valid cases of specs/vectors/rans.v1.json by the second routes ------

import json  # noqa: E402

from refimpl.vectors import decode_value, vectors_dir  # noqa: E402


def spec_decode(data, rows, precision, n):
    """Written from specs/coding.md alone: read x, pop n symbols by linear search, refill words."""
    w = [int.from_bytes(data[i:i + 4], "little") for i in range(0, len(data), 4)]
    x, pos, M, out = w[0] + (w[1] << 32), 2, 1 << precision, []
    for i in range(n):
        row = rows[i]
        slot = x % M
        s = next(k for k in range(len(row) - 1) if row[k] <= slot < row[k + 1])
        x = (row[s + 1] - row[s]) * (x // M) + slot - row[s]
        if x < 2**31:
            x, pos = x * 2**32 + w[pos], pos + 1
        out.append(s)
    assert x == 2**31 and pos == len(w)
    return out


def _vector_cases(function):
    doc = json.loads((vectors_dir() / "rans.v1.json").read_text())
    for g in doc["groups"]:
        if g["function"] == function:
            for c in g["cases"]:
                if c["result"] == "valid":
                    yield decode_value(c["input"]), decode_value(c["expected"])["output"]


def _rows_of(cdf, n):
    return [cdf.tolist()] * n if cdf.ndim == 1 else cdf.tolist()


def test_vectors_encode_by_spec_reimplementation():
    cases = list(_vector_cases("rans_encode"))
    assert len(cases) >= 10
    for inp, want in cases:
        s = inp["symbols"].tolist()
        assert spec_encode(s, _rows_of(inp["cdf"], len(s)), inp["precision"]) == want


def test_vectors_decode_by_spec_reimplementation():
    for inp, want in _vector_cases("rans_decode"):
        got = spec_decode(inp["data"], _rows_of(inp["cdf"], inp["n"]), inp["precision"], inp["n"])
        assert got == want.tolist()


def test_vectors_family_by_table_route():
    from refimpl.coding.models import family_cdf as fc
    for inp, want in _vector_cases("rans_encode_family"):
        tab = fc(inp["kind"], inp["loc"], inp["scale"], inp["low"], inp["high"], inp["precision"])
        s = (inp["symbols"] - inp["low"]).tolist()
        assert spec_encode(s, tab.tolist(), inp["precision"]) == want


def test_vectors_quantize_pmf_brute_force_and_baseline():
    from refimpl.coding.models import kl_bits, quantize_pmf_baseline
    for inp, want in _vector_cases("quantize_pmf"):
        p, prec = inp["pmf"], inp["precision"]
        assert np.all(np.diff(want, axis=-1) >= 1) and np.all(want[..., -1] == 1 << prec)
        assert np.all(kl_bits(p, want, prec) <= np.asarray(kl_bits(p, quantize_pmf_baseline(p, prec), prec)) + 1e-12)
        M = 1 << prec
        if p.ndim == 1 and p.size <= 4 and M <= 64:
            q = p / p.sum()
            best = min(sum(-a * math.log2(f / M) for a, f in zip(q, fs) if a > 0) for fs in _compositions(M, p.size))
            ours = sum(-a * math.log2(f / M) for a, f in zip(q, np.diff(want)) if a > 0)
            assert ours <= best + 1e-12


def _compositions(total, parts):
    for cut in itertools.combinations(range(1, total), parts - 1):
        b = (0,) + cut + (total,)
        yield [b[i + 1] - b[i] for i in range(parts)]


@settings(max_examples=300)
@given(st.integers(1, 24), st.data())
def test_reciprocal_division_is_exact(p, data):
    """mulhi(x, rcp) >> shift = ⌊x/f⌋ for the x the encoder can meet (x < f·2^(63−p) ≤ 2^63),
    including the extremes of that range, for f from 1 to M; and the update equals C(s, x)."""
    from refimpl.coding import _rans_kernels as K
    M = 1 << p
    f = data.draw(st.one_of(st.integers(1, M), st.sampled_from([1, 2, 3, M - 1, M])).filter(lambda v: 1 <= v <= M))
    cdf = np.array([0, f, M] if f < M else [0, M], dtype=np.int64)
    rcp, shift, bias, cmpl = K.reciprocals(cdf, p)
    hi = f << (63 - p)
    lo = max(f << (31 - p), 1)  # smallest state after a renormalisation
    xs = [lo, lo + 1, 2**31, hi - 1, hi - 2, data.draw(st.integers(lo, hi - 1)), data.draw(st.integers(lo, 2**40))]
    for x in xs:
        q = (((x * int(rcp[0])) >> 64) >> int(shift[0]))
        assert q == (x // f if f >= 2 else x - 1)  # f = 1: mulhi gives x − 1, the bias makes up
        assert x + int(bias[0]) + q * int(cmpl[0]) == (x // f) * M + x % f + int(cdf[0])
