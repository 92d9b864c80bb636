"""Zipf index codes: round trips, real length vs ideal, malformed streams."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import zeta

from refimpl.errors import DecodeError
from refimpl.rcc import index_decode, index_encode, zipf_ideal_bits, zipf_lambda, zipf_mu_hat, zipf_table


@given(st.lists(st.integers(1, 2**62), min_size=0, max_size=12), st.floats(0.0, 30.0))
def test_round_trip_untruncated(ranks, d):
    lam = zipf_lambda(zipf_mu_hat(d))
    c = index_encode(np.array(ranks, dtype=np.int64), lam)
    assert index_decode(c.data, c.nbits, lam, len(ranks)).tolist() == ranks
    assert len(c.data) == (c.nbits + 7) // 8


@given(st.lists(st.integers(1, 2**10), min_size=1, max_size=8), st.floats(0.1, 12.0))
def test_in_table_length_within_one_bit_of_ideal(ranks, d):
    # canonical code with lengths <= ceil(log2(2^P/f)) <= -log2(f/2^P) + 1; quantisation floor(pmf·2^P)
    # can only shorten the table entries of ranks <= 2^10 by a negligible amount (0.01 bit slack).
    lam = zipf_lambda(zipf_mu_hat(d))
    c = index_encode(np.array(ranks), lam)
    assert c.nbits <= c.ideal_bits + 1.01 * len(ranks)


def test_ideal_cost_formula():
    lam = 1.5
    assert math.isclose(float(zipf_ideal_bits(8, lam)), 1.5 * 3 + math.log2(zeta(1.5)), rel_tol=1e-14)


def test_truncated_round_trip_and_bounds():
    ranks = [1, 256, 17]
    c = index_encode(ranks, [1.2, 1.3, 1.4], n=[256, 256, 512])
    assert index_decode(c.data, c.nbits, [1.2, 1.3, 1.4], 3, n=[256, 256, 512]).tolist() == ranks
    with pytest.raises(ValueError, match="beyond"):
        index_encode([257], 1.2, n=256)


def test_table_is_a_valid_cdf():
    for lam in (1.01, 1.653, 3.0):
        c = zipf_table(lam, 1 << 16, True)
        assert c[0] == 0 and c[-1] == 1 << 24 and np.all(np.diff(c) >= 1)


def test_malformed_streams_raise_decode_error():
    lam = 1.3
    c = index_encode([5, 70000], lam)
    with pytest.raises(DecodeError):
        index_decode(c.data, c.nbits - 1, lam, 2)
    with pytest.raises(DecodeError):
        index_decode(c.data, c.nbits + 8, lam, 2)
    with pytest.raises(DecodeError):
        index_decode(b"", 0, lam, 1)
    with pytest.raises(DecodeError):
        index_decode(b"\x00" * 20, 160, lam, 1)


def test_invalid_arguments():
    with pytest.raises(ValueError, match="mu_hat"):
        zipf_lambda(0.0)
    with pytest.raises(ValueError, match="ranks"):
        index_encode([0], 1.5)
    with pytest.raises(ValueError, match="d_kl_bits"):
        zipf_mu_hat(-1.0)


@given(st.floats(1.05, 4.0), st.integers(2, 300), st.booleans())
def test_canonical_code_is_prefix_free_and_within_shannon_lengths(lam, n, escape):
    from refimpl.rcc.index_codes import _canonical
    cdf = zipf_table(lam, n, escape, precision=16)
    c = _canonical(cdf, 16)
    f = np.diff(cdf)
    assert np.all(c.length <= 16 + 1 - np.array([int(x).bit_length() for x in f]))  # Shannon lengths
    assert sum(2.0 ** -int(x) for x in c.length) <= 1.0
    words = sorted(format(int(v), f"0{int(l)}b") for v, l in zip(c.code, c.length))
    assert all(not b.startswith(a) for a, b in zip(words, words[1:]))  # sorted: a prefix would be adjacent


def _stream_with_escaped_bits(lam: float, b: int, low: int = 5):
    """Hand-built escape stream (escape codeword, bucket b − 17, b − 1 low bits): the bytes an
    encoder without the 2^63 limit would have written for rank 2^(b−1) + low."""
    from refimpl.rcc.index_codes import (ZIPF_PRECISION, ZIPF_TABLE_SIZE, _Bits, _sym_put,
                                         _tail_table)
    out = _Bits()
    _sym_put(out, ZIPF_TABLE_SIZE, zipf_table(lam, ZIPF_TABLE_SIZE, True), ZIPF_PRECISION)
    _sym_put(out, b - 17, _tail_table(lam, ZIPF_PRECISION), ZIPF_PRECISION)
    out.put(low, b - 1)
    return out.to_bytes(), len(out.bits)


def test_rank_limit_is_two_to_the_63():
    lam = 1.5
    top = (1 << 63) - 1
    c = index_encode(np.array([top], dtype=np.int64), lam)
    assert index_decode(c.data, c.nbits, lam, 1).tolist() == [top]
    for bad in (1 << 63, (1 << 63) + 5, (1 << 64) - 1):
        with pytest.raises(ValueError, match="2\\*\\*63"):
            index_encode(np.array([bad], dtype=np.uint64), lam)
    # a corrupted/foreign stream in the b = 64 bucket is a DecodeError, never OverflowError
    data, nbits = _stream_with_escaped_bits(lam, 64)
    with pytest.raises(DecodeError):
        index_decode(data, nbits, lam, 1)
    # the same construction with b = 63 decodes (the hand-built stream matches the encoder)
    data, nbits = _stream_with_escaped_bits(lam, 63)
    assert index_decode(data, nbits, lam, 1).tolist() == [(1 << 62) + 5]


def test_pfr_and_grs_decoders_raise_decode_error_on_huge_rank():
    from refimpl.rcc import grs_decode_categorical, pfr_decode_categorical
    p = np.full(4, 0.25)
    lam_mu = 2.0
    data, nbits = _stream_with_escaped_bits(zipf_lambda(lam_mu), 64)
    for dec in (pfr_decode_categorical, grs_decode_categorical):
        with pytest.raises(DecodeError):
            dec(data, nbits, p, 7, lam_mu)
