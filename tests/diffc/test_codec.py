"""The DiffC codec on Gaussian data (refimpl.diffc.codec): exact reproduction of z, progressive
prefixes, agreement with refimpl.rcc's own decoder, foreign/truncated/corrupt streams, bad input.
(The statistical claims — rate, MSE per mode, realism, D_A/D_F — run in refimpl.diffc.claims.)"""

import math

import numpy as np
import pytest

import refimpl.diffc as D
from refimpl import random as R
from refimpl.diffc import chain as CH
from refimpl.diffc import codec as CD
from refimpl.errors import DecodeError
from refimpl.rcc import gaussian_channel_decode, gaussian_channel_encode

LAM = np.linspace(0.2, 2.0, 8)
SG = CH.logsnr_schedule(8, 0.05, 0.999)
X = R.normal(3, 0, np.arange(8, dtype=np.uint64)) * np.sqrt(LAM)


@pytest.fixture(scope="module")
def enc():
    return CD.diffc_encode_steps(X, LAM, SG, 0, 42)


def test_round_trip_reproduces_every_level(enc):
    zs = CD.diffc_decode_levels(enc.data, LAM, SG, 0, 42)
    assert len(zs) == SG.size
    for a, b in zip(zs, enc.z_levels):
        assert np.array_equal(a, b)
    assert enc.nbits == 8 * len(enc.data)
    assert enc.index_bits == pytest.approx(float(np.sum(enc.step_bits)), rel=1e-12)
    assert D.diffc_encode(X, LAM, SG, 0, 42) == enc.data  # deterministic given the seed
    for mode in ("mean", "flow", "ancestral"):
        want = CD.diffc_reconstruct(enc.z, LAM, float(SG[0]), mode, 42)
        assert np.array_equal(D.diffc_decode(enc.data, LAM, SG, 0, 42, mode), want)


def test_stopping_level_t(enc):
    e3 = CD.diffc_encode_steps(X, LAM, SG, 3, 42)
    zs = CD.diffc_decode_levels(e3.data, LAM, SG, 3, 42)
    assert len(zs) == SG.size - 3 and np.array_equal(zs[-1], e3.z)
    assert len(e3.data) <= len(enc.data)


def test_progressive_prefixes_decode_coarser_levels(enc):
    T = SG.size - 1
    prev = None
    for level in range(T, -1, -1):
        need = None
        for n in range(CD.TAG_BYTES + 8, len(enc.data) + 1):
            try:
                zs = CD.diffc_decode_levels(enc.data[:n], LAM, SG, 0, 42, level=level)
            except DecodeError:
                continue
            need = n
            break
        assert need is not None
        assert np.array_equal(zs[-1], enc.z_levels[T - level])
        assert prev is None or need >= prev  # finer levels need longer prefixes
        prev = need
    assert prev == len(enc.data)


def test_steps_agree_with_rcc_decoder():
    """Second route: the codec's reconstruction of one step from indices equals refimpl.rcc's own
    gaussian_channel_decode of the channel simulator's stream."""
    plan = CD.codec_plan(LAM, SG, 0, 42)
    mu_p, sd_p, mu_q, sd_q = CD._prior_and_target(LAM, SG, SG.size - 1, None, X)
    e = gaussian_channel_encode(mu_q, np.full(LAM.size, sd_q), mu_p, sd_p, plan.step_keys[0],
                                d_kl_bits=plan.d_kl_bits[0], max_chunk_bits=14, padding_bits=8)
    via_rcc = gaussian_channel_decode(e.data, e.nbits, mu_p, sd_p, plan.step_keys[0],
                                      d_kl_bits=plan.d_kl_bits[0], max_chunk_bits=14, padding_bits=8)
    ours = CD._sample_from_indices(e.indices, plan.chunk_sizes[0], plan.step_keys[0], mu_p, sd_p)
    assert np.array_equal(via_rcc, ours) and np.array_equal(ours, e.sample)


def test_plan_kl_is_the_exact_chain():
    plan = CD.codec_plan(LAM, SG, 2, 1)
    np.testing.assert_allclose(sum(plan.d_kl_bits), D.gaussian_rate(LAM, float(SG[2])), rtol=1e-12)
    assert plan.levels == tuple(range(SG.size - 1, 1, -1))


def test_foreign_streams_are_rejected(enc):
    with pytest.raises(DecodeError, match="tag"):
        CD.diffc_decode_levels(enc.data, LAM, SG, 0, 43)           # another seed
    with pytest.raises(DecodeError, match="tag"):
        CD.diffc_decode_levels(enc.data, LAM * 1.01, SG, 0, 42)    # another model
    with pytest.raises(DecodeError, match="tag"):
        CD.diffc_decode_levels(enc.data, LAM, SG, 1, 42)           # another level t
    with pytest.raises(DecodeError):
        CD.diffc_decode_levels(b"", LAM, SG, 0, 42)


def test_truncated_and_extended_streams_are_rejected(enc):
    for n in range(len(enc.data)):
        with pytest.raises(DecodeError):
            CD.diffc_decode_levels(enc.data[:n], LAM, SG, 0, 42)
    with pytest.raises(DecodeError):
        CD.diffc_decode_levels(enc.data + b"\0\0\0\0", LAM, SG, 0, 42)


def test_corrupted_bytes_are_rejected(enc):
    """Every single-byte corruption: the tag check or rANS's final-state check catches it."""
    caught = 0
    for i in range(len(enc.data)):
        for flip in (0x01, 0x80):
            bad = bytearray(enc.data)
            bad[i] ^= flip
            try:
                CD.diffc_decode_levels(bytes(bad), LAM, SG, 0, 42)
            except DecodeError:
                caught += 1
    assert caught == 2 * len(enc.data)


def test_bad_input():
    with pytest.raises(ValueError, match="t must"):
        D.diffc_encode(X, LAM, SG, SG.size, 1)                     # t beyond the schedule
    with pytest.raises(ValueError, match="t must"):
        D.diffc_encode(X, LAM, SG, -1, 1)
    with pytest.raises(ValueError, match="x must"):
        D.diffc_encode(X[:-1], LAM, SG, 0, 1)
    with pytest.raises(ValueError, match="x must"):
        D.diffc_encode(np.full(8, np.nan), LAM, SG, 0, 1)
    with pytest.raises(ValueError, match="lam"):
        D.diffc_encode(X, -LAM, SG, 0, 1)
    with pytest.raises(ValueError, match="sigmas"):
        D.diffc_encode(X, LAM, SG[::-1], 0, 1)
    with pytest.raises(ValueError, match="seed"):
        D.diffc_encode(X, LAM, SG, 0, -5)
    data = D.diffc_encode(X, LAM, SG, 0, 1)
    with pytest.raises(ValueError, match="mode"):
        D.diffc_decode(data, LAM, SG, 0, 1, mode="median")
    with pytest.raises(ValueError, match="level"):
        D.diffc_decode(data, LAM, SG, 2, 1, level=1)
    with pytest.raises(ValueError, match="data must be bytes"):
        CD.diffc_decode_levels("abc", LAM, SG, 0, 1)
    # a schedule too coarse for d = 1: one step carrying many bits needs several chunks
    with pytest.raises(ValueError, match="finer schedule"):
        D.diffc_encode([0.3], [1.0], [1e-4, 0.999], 0, 1)


def test_dimension_64_round_trip():
    lam = np.full(64, 1.0)
    sg = CH.logsnr_schedule(6, 0.3, 0.999)
    x = R.normal(4, 0, np.arange(64, dtype=np.uint64))
    e = CD.diffc_encode_steps(x, lam, sg, 0, 9)
    assert np.array_equal(CD.diffc_decode_levels(e.data, lam, sg, 0, 9)[-1], e.z)
    # z_t is close to its target law: ‖(z_t − αx)/σ‖² ~ χ²_64 (mean 64, sd 11.3); generous 6 sd band
    a = math.sqrt(1 - 0.09)
    assert abs(float(np.sum((e.z - a * x) ** 2)) / 0.09 - 64) < 6 * math.sqrt(128)
