"""Range coder: readable twin == Numba kernel byte for byte, round trips, hand-derived streams,
code-length bound, family entry points == table route, argument errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refimpl.coding import _range_kernels as K
from refimpl.coding import range_coder as RC
from refimpl.coding.models import family_cdf

# --- strategies ---------------------------------------------------------------------------------


@st.composite
def cdf_tables(draw, max_alphabet=64, max_len=1000, rows=None):
    """(symbols, cdf, precision): a random integer CDF (shared or per symbol, tiny masses
    included) and symbols drawn uniformly from the alphabet."""
    precision = draw(st.integers(1, 24))
    A = draw(st.integers(2, min(max_alphabet, 1 << precision)))
    n = draw(st.integers(0, max_len))
    per_symbol = draw(st.booleans()) if rows is None else rows
    seed = draw(st.integers(0, 2**32 - 1))
    g = np.random.default_rng(seed)  # seeded by hypothesis: reproducible tables
    M = 1 << precision

    def tables(rows):
        # frequencies 1 + ⌊w·(M − A)⌋ from skewed weights w (many tiny masses of 1/M), the
        # rounding deficit given to the largest: every frequency ≥ 1, rows sum to M
        w = g.random((rows, A)) ** g.uniform(1.0, 12.0)
        f = 1 + np.floor(w / w.sum(axis=1, keepdims=True) * (M - A)).astype(np.int64)
        f[np.arange(rows), np.argmax(f, axis=1)] += M - f.sum(axis=1)
        cdf = np.zeros((rows, A + 1), dtype=np.int64)
        np.cumsum(f, axis=1, out=cdf[:, 1:])
        return cdf

    cdf = tables(n) if per_symbol else tables(1)[0]
    symbols = g.integers(0, A, n)
    return symbols, cdf, precision


# --- twin == kernel -----------------------------------------------------------------------------


@settings(max_examples=200)
@given(cdf_tables(max_alphabet=1024))
def test_twin_equals_kernel_byte_for_byte(case):
    symbols, cdf, precision = case
    data = RC.range_encode(symbols, cdf, precision)
    assert RC.range_encode_twin(symbols, cdf, precision) == data
    n = symbols.size
    np.testing.assert_array_equal(RC.range_decode(data, cdf, precision, n), symbols)
    np.testing.assert_array_equal(RC.range_decode_twin(data, cdf, precision, n), symbols)


@settings(max_examples=300)
@given(cdf_tables(max_alphabet=8, max_len=40))
def test_short_messages_twin_equals_kernel(case):
    symbols, cdf, precision = case
    assert RC.range_encode_twin(symbols, cdf, precision) == RC.range_encode(symbols, cdf, precision)


# --- hand-derived streams (from the spec's recursion by hand, not by the code) ------------------


def test_hand_derived_streams():
    cdf = np.array([0, 1, 2])  # A = 2, precision 1: p(0) = p(1) = 1/2
    # empty message: the interval [0, 2^64 − 1) contains 0 = the empty byte string
    assert RC.range_encode(np.array([], dtype=np.int64), cdf, 1) == b""
    # s = 0: r = 2^63 − 1, interval [0, 2^63 − 1) contains 0 → b""
    assert RC.range_encode(np.array([0]), cdf, 1) == b""
    # s = 1: interval [2^63 − 1, 2^64 − 2): no multiple of 2^64 inside; smallest multiple of 2^56
    # at or above 2^63 − 1 is 2^63 = 0x80·2^56 → one byte 0x80
    assert RC.range_encode(np.array([1]), cdf, 1) == b"\x80"
    # s = 1, 1: r' = (2^63 − 1) >> 1 = 2^62 − 1; low = 2^63 − 1 + 2^62 − 1 = 0xBFFF…FE,
    # width 2^62 − 1: smallest multiple of 2^56 at or above is 0xC0·2^56 < low + width → b"\xc0"
    assert RC.range_encode(np.array([1, 1]), cdf, 1) == b"\xc0"
    for msg, data in (([0], b""), ([1], b"\x80"), ([1, 1], b"\xc0")):
        np.testing.assert_array_equal(RC.range_decode(data, cdf, 1, len(msg)), msg)


def test_carry_propagates_through_ff_bytes():
    # symbols at the very top of a 24-bit model push low just below a byte boundary over and over;
    # the kernel's carry handling must still match the twin (whose low never wraps)
    M = 1 << 24
    cdf = np.array([0, M - 2, M - 1, M])
    g = np.random.default_rng(5)
    for _ in range(50):
        s = g.choice(3, size=300, p=[0.02, 0.49, 0.49])
        data = RC.range_encode(s, cdf, 24)
        assert RC.range_encode_twin(s, cdf, 24) == data
        np.testing.assert_array_equal(RC.range_decode(data, cdf, 24, s.size), s)


def test_empty_message_is_empty_bytes_and_decodes():
    for precision in (1, 8, 16, 24):
        cdf = np.array([0, 1, 1 << precision])
        assert RC.range_encode(np.zeros(0, dtype=np.int64), cdf, precision) == b""
        assert RC.range_decode(b"", cdf, precision, 0).shape == (0,)


# --- decoder paths -------------------------------------------------------------------------------


@settings(max_examples=100)
@given(cdf_tables(max_alphabet=300, max_len=300, rows=False))
def test_slot_table_and_binary_search_decode_alike(case):
    symbols, cdf, precision = case
    data = np.frombuffer(RC.range_encode(symbols, cdf, precision), dtype=np.uint8)
    q = min(precision, 16)
    lut = K.build_slot_table(cdf, precision, q)
    a = np.empty(symbols.size, dtype=np.int64)
    b = np.empty(symbols.size, dtype=np.int64)
    assert K.decode_shared(data, cdf, precision, a, lut, precision - q) == 0
    assert K.decode_shared(data, cdf, precision, b, np.zeros(0, dtype=np.int32), -1) == 0
    np.testing.assert_array_equal(a, symbols)
    np.testing.assert_array_equal(b, symbols)


def test_slot_table_definition():
    cdf = np.array([0, 3, 4, 9, 16])  # precision 4
    lut = K.build_slot_table(cdf, 4, 2)  # slots 0, 4, 8, 12 → symbols 0, 2, 2, 3; lut[4] = A − 1
    np.testing.assert_array_equal(lut, [0, 2, 2, 3, 3])
    np.testing.assert_array_equal(K.build_slot_table(cdf, 4, 4), [0, 0, 0, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3])


# --- code length ----------------------------------------------------------------------------------


@settings(max_examples=100)
@given(cdf_tables(max_alphabet=4096, max_len=2000))
def test_code_length_bound_and_round_trip(case):
    symbols, cdf, precision = case
    data = RC.range_encode(symbols, cdf, precision)
    np.testing.assert_array_equal(RC.range_decode(data, cdf, precision, symbols.size), symbols)
    c = cdf if cdf.ndim == 2 else np.broadcast_to(cdf, (symbols.size, cdf.size))
    f = c[np.arange(symbols.size), symbols + 1] - c[np.arange(symbols.size), symbols]
    info = float(np.sum(precision - np.log2(f.astype(np.float64))))
    assert 8 * len(data) <= RC.range_code_length_bound(info, symbols.size, precision) + 1e-9


@settings(max_examples=20)
@given(cdf_tables(max_alphabet=4096, max_len=10_000, rows=False))
def test_long_messages_round_trip(case):
    symbols, cdf, precision = case
    data = RC.range_encode(symbols, cdf, precision)
    np.testing.assert_array_equal(RC.range_decode(data, cdf, precision, symbols.size), symbols)


def test_canonical_stream_never_ends_in_zero():
    g = np.random.default_rng(8)
    cdf = np.array([0, 1000, 1001, 1 << 16])
    for _ in range(300):
        s = g.integers(0, 3, g.integers(1, 20))
        data = RC.range_encode(s, cdf, 16)
        assert data == b"" or data[-1] != 0


# --- family entry points ---------------------------------------------------------------------------


@settings(max_examples=60)
@given(kind=st.sampled_from(["gaussian", "laplace", "logistic", 0, 1, 2]), seed=st.integers(0, 2**32 - 1),
       n=st.integers(0, 300), precision=st.integers(10, 24), low=st.integers(-300, 50), width=st.integers(0, 400))
def test_family_equals_table_route(kind, seed, n, precision, low, width):
    g = np.random.default_rng(seed)
    high = low + width
    loc = g.uniform(low - 5, high + 5, n)
    scale = np.exp(g.uniform(np.log(0.05), np.log(50), n))
    x = np.clip(np.round(loc + scale * g.standard_normal(n)), low, high).astype(np.int64)
    data = RC.range_encode_family(x, kind, loc, scale, low, high, precision)
    cdf = family_cdf(kind, loc, scale, low, high, precision)
    assert data == RC.range_encode(x - low, cdf, precision)
    np.testing.assert_array_equal(RC.range_decode_family(data, kind, loc, scale, low, high, precision), x)


def test_family_scalar_scale_and_errors():
    loc = np.array([0.0, 1.5, -2.0])
    x = np.array([0, 2, -3])
    data = RC.range_encode_family(x, "laplace", loc, 1.0, -8, 8, 16)
    np.testing.assert_array_equal(RC.range_decode_family(data, "laplace", loc, 1.0, -8, 8, 16), x)
    with pytest.raises(ValueError, match="scale"):
        RC.range_encode_family(x, "gaussian", loc, np.array([1.0, 0.0, 1.0]), -8, 8, 16)
    with pytest.raises(ValueError, match="symbols"):
        RC.range_encode_family(np.array([0, 2, 9]), "gaussian", loc, 1.0, -8, 8, 16)
    with pytest.raises(ValueError, match="symbols"):
        RC.range_encode_family(x[:2], "gaussian", loc, 1.0, -8, 8, 16)
    with pytest.raises(ValueError, match="kind"):
        RC.range_encode_family(x, "cauchy", loc, 1.0, -8, 8, 16)
    with pytest.raises(ValueError, match="precision"):
        RC.range_decode_family(data, "gaussian", loc, 1.0, -8, 8, 25)


# --- argument errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("precision", [0, 25, -1, 16.0, True, "16"])
def test_precision_out_of_range(precision):
    with pytest.raises(ValueError, match="precision"):
        RC.range_encode(np.array([0]), np.array([0, 1, 2]), precision)
    with pytest.raises(ValueError, match="precision"):
        RC.range_decode(b"", np.array([0, 1, 2]), precision, 1)


def test_bad_arguments():
    cdf = np.array([0, 3, 8])
    with pytest.raises(ValueError, match="symbols"):
        RC.range_encode(np.array([2]), cdf, 3)
    with pytest.raises(ValueError, match="symbols"):
        RC.range_encode(np.array([-1]), cdf, 3)
    with pytest.raises(ValueError, match="cdf"):
        RC.range_encode(np.array([0]), np.array([0, 3, 3, 8]), 3)  # zero frequency
    with pytest.raises(ValueError, match="cdf"):
        RC.range_encode(np.array([0]), np.array([0, 3, 7]), 3)  # does not end at 2**precision
    with pytest.raises(ValueError, match="cdf"):
        RC.range_encode(np.array([0]), np.array([0.0, 3.0, 8.0]), 3)  # not integer
    with pytest.raises(ValueError, match="cdf"):
        RC.range_encode(np.array([0, 1]), np.array([[0, 3, 8]] * 3), 3)  # rows ≠ symbols
    with pytest.raises(ValueError, match="cdf"):
        RC.range_decode(b"", np.array([[0, 3, 8]] * 3), 3, 2)
    with pytest.raises(ValueError, match="n must"):
        RC.range_decode(b"", cdf, 3, -1)
    with pytest.raises(ValueError, match="data"):
        RC.range_decode("00", cdf, 3, 1)
    for fn in (RC.range_encode_twin,):
        with pytest.raises(ValueError, match="symbols"):
            fn(np.array([2]), cdf, 3)
