"""The PFR block code of the RDPF coding theorem: round trip, exact conditional law, errors."""

import math

import numpy as np
import pytest
from scipy import stats

import refimpl.random as R
from refimpl.errors import DecodeError
from refimpl.rd.rdpf_code import rdpf_block_decode, rdpf_block_encode, rdpf_block_mu_hat

W = np.array([[0.9, 0.1], [0.4, 0.6]])
P_X = np.array([0.7, 0.3])
Q = P_X @ W


def _source(m, seed=1):
    return (R.uniform(seed, 0, np.arange(m, dtype=np.uint64)) < P_X[1]).astype(np.int64)


def test_round_trip_real_bits():
    x = _source(120)
    mu = rdpf_block_mu_hat(P_X, W, 4)
    code = rdpf_block_encode(x, W, Q, 4, 11, mu)
    assert code.nbits <= 8 * len(code.data) and code.blocks == 30
    xh = rdpf_block_decode(code.data, code.nbits, code.blocks, Q, 4, 11, mu)
    np.testing.assert_array_equal(xh, code.x_hat)


def test_conditional_law_is_the_channel():
    # X̂_i | X_i = x ~ W[x] exactly (product channel simulated exactly by PFR); 6000 symbols in
    # blocks of 2, one chi-square test per source letter; a correct coder fails w.p. ~2e-4
    x = _source(6000, seed=3)
    mu = rdpf_block_mu_hat(P_X, W, 2)
    xh = rdpf_block_encode(x, W, Q, 2, 5, mu).x_hat
    for s in (0, 1):
        sel = xh[x == s]
        counts = np.bincount(sel, minlength=2)
        assert stats.chisquare(counts, W[s] * sel.size).pvalue > 1e-4


def test_truncated_stream_rejected():
    x = _source(40)
    mu = rdpf_block_mu_hat(P_X, W, 4)
    code = rdpf_block_encode(x, W, Q, 4, 2, mu)
    with pytest.raises(DecodeError):
        rdpf_block_decode(code.data, code.nbits - 3, code.blocks, Q, 4, 2, mu)


@pytest.mark.parametrize("kw", [dict(n=3), dict(n=0), dict(W=np.array([[0.5, 0.6], [0.5, 0.5]])),
                                dict(x=np.array([0, 2, 0, 1])), dict(q=np.array([1.0, 0.0]))])
def test_bad_input(kw):
    args = dict(x=np.array([0, 1, 0, 1]), W=W, q=Q, n=2, seed=0, mu_hat=2.0)
    args.update(kw)
    with pytest.raises(ValueError):
        rdpf_block_encode(**args)


def test_bits_per_symbol_within_sfrl_bound():
    # mean over 256 blocks of n = 8: the bound holds in expectation; the sample mean's excess
    # over the true mean is a few tenths of a bit at most here, the bound's slack is > 1 bit
    x = _source(2048, seed=9)
    I = float(np.sum(P_X[:, None] * W * np.log2(W / Q[None, :])))
    mu = rdpf_block_mu_hat(P_X, W, 8)
    code = rdpf_block_encode(x, W, Q, 8, 4, mu)
    Rb = 8 * I
    assert code.nbits / code.blocks <= Rb + math.log2(Rb + 1) + 5
