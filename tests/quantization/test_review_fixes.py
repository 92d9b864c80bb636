"""Regression tests for the review of the quantization topic (each fails on the code before the fix)."""

import numpy as np
import pytest
from scipy import stats

from refimpl import random as R
from refimpl.errors import DecodeError
from refimpl.quantization import (
    kumaraswamy_noise,
    kumaraswamy_noise_given,
    uq_conditional_pmf,
    uq_decode,
    uq_density,
    uq_dither,
    uq_dither_levels,
    uq_encode,
    uq_log2_density,
    uq_pmf_table,
    universal_quantize,
)
from refimpl.quantization import codec as codec_mod
from refimpl.quantization.codec import _leb128

GAUSS = {"family": "gaussian", "loc": 0.0, "scale": 1.7}
TOP = 2**64


# --- 1 and 6: index0 up to 2^64 − n, one index helper ------------------------------------------


def test_index0_above_2_63_is_valid_and_matches_the_stream():
    # the last three indices of the 64-bit counter: uniforms straight from refimpl.random
    idx = np.array([TOP - 3, TOP - 2, TOP - 1], dtype=np.uint64)
    want_u = R.uniform(4, R.STREAM_DITHER, idx)
    np.testing.assert_array_equal(uq_dither(3, 4, 1.0, TOP - 3), want_u - 0.5)
    w = R.words(4, R.STREAM_DITHER, idx)
    np.testing.assert_array_equal(uq_dither_levels(3, 4, 7, TOP - 3), [(int(x) >> 11) * 7 >> 53 for x in w])
    np.testing.assert_array_equal(kumaraswamy_noise(3, 2.0, 4, index0=TOP - 3), kumaraswamy_noise_given(want_u, 2.0))
    assert universal_quantize(np.zeros((1, 3)), 4, index0=TOP - 3).y_hat.shape == (1, 3)


@pytest.mark.parametrize("make", [
    lambda i0: uq_dither(3, 1, 1.0, i0),
    lambda i0: uq_dither_levels(3, 1, 5, i0),
    lambda i0: kumaraswamy_noise(3, 2.0, 1, index0=i0),
    lambda i0: universal_quantize(np.zeros(3), 1, index0=i0),
])
@pytest.mark.parametrize("index0", [TOP - 2, TOP - 1, TOP, 2**70])
def test_index0_past_the_counter_is_a_value_error(make, index0):
    with pytest.raises(ValueError, match="index0"):
        make(index0)


def test_index0_empty_shape_at_the_end_of_the_counter():
    assert uq_dither(0, 1, 1.0, TOP - 1).shape == (0,)
    with pytest.raises(ValueError, match="index0"):
        uq_dither(0, 1, 1.0, TOP)


def test_kumaraswamy_noise_rejects_non_integer_index0():
    # the shared helper rejects what the old copy silently truncated with int()
    with pytest.raises(ValueError, match="index0"):
        kumaraswamy_noise(3, 2.0, 1, index0=1.5)
    with pytest.raises(ValueError, match="index0"):
        kumaraswamy_noise(3, 2.0, 1, index0=True)


# --- 2: step and alpha checks of channel.py ---------------------------------------------------


@pytest.mark.parametrize("step", [None, "a", [1.0, 2.0], 0.0, -1.0, float("nan"), True])
def test_channel_step_errors_name_step(step):
    for f in (lambda: uq_log2_density([0.0], "gaussian", 0.0, 1.0, step=step),
              lambda: uq_conditional_pmf(np.array([0]), np.array([0.1]), "gaussian", 0.0, 1.0, step=step),
              lambda: uq_pmf_table(np.array([0.1]), "gaussian", 0.0, 1.0, np.array([-2]), 5, step=step)):
        with pytest.raises(ValueError, match="step"):
            f()


@pytest.mark.parametrize("alpha", ["a", -1.0, float("inf"), [1.0, -2.0], np.ones(3), object()])
def test_channel_alpha_errors_name_alpha(alpha):
    with pytest.raises(ValueError, match="alpha"):
        uq_log2_density([0.0, 0.5], "gaussian", 0.0, 1.0, alpha=alpha)
    with pytest.raises(ValueError, match="alpha"):
        uq_pmf_table(np.array([0.1, 0.2]), "gaussian", 0.0, 1.0, np.array([-2, -2]), 5, alpha=alpha)


def test_channel_array_alpha_equals_elementwise_scalar_alpha():
    t = np.array([-0.7, 0.2, 1.4])
    alpha = np.array([0.0, 3.0, 9.0])
    got = uq_log2_density(t, "gaussian", 0.1, 0.8, step=0.5, alpha=alpha)
    want = [uq_log2_density(t[i:i + 1], "gaussian", 0.1, 0.8, step=0.5, alpha=float(alpha[i]))[0] for i in range(3)]
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(uq_density(t, "gaussian", 0.1, 0.8, 0.5, alpha), np.exp2(want))
    u = np.array([0.1, -0.2, 0.05])
    k_low = np.array([-3, -2, -4])
    tab = uq_pmf_table(u, "laplace", 0.0, 1.0, k_low, 7, alpha=alpha)
    for i in range(3):
        np.testing.assert_array_equal(tab[i], uq_pmf_table(u[i:i + 1], "laplace", 0.0, 1.0, k_low[i:i + 1], 7,
                                                           alpha=float(alpha[i]))[0])


def test_codec_array_alpha_round_trips():
    y = np.linspace(-3, 3, 40)
    alpha = np.linspace(0.0, 8.0, 40)
    from refimpl.quantization import soft_round
    v = soft_round(y, alpha)
    for levels in (None, 5):
        d = uq_encode(y, GAUSS, 3, alpha=alpha, levels=levels)
        v_hat = uq_decode(d, GAUSS, 3, 40, alpha=alpha, levels=levels)
        # the per-element α reaches the soft rounding: v̂ = K + u with K = round(s_α(y) − u)
        np.testing.assert_array_equal(v_hat, universal_quantize(v, 3, levels=levels).y_hat)


# --- 3: empty streams are not malleable ----------------------------------------------------------


def test_empty_stream_requires_w_zero():
    data = uq_encode(np.zeros(0), GAUSS, 1)
    assert data[:2] == b"\x01\x00"
    assert uq_decode(data, GAUSS, 1, 0).shape == (0,)
    for w in (1, 5, 2**24 - 1):
        with pytest.raises(DecodeError, match="W"):
            uq_decode(bytes([1]) + _leb128(w) + data[2:], GAUSS, 1, 0)


def test_empty_family_stream_requires_zero_domain():
    data = uq_encode(np.zeros(0), GAUSS, 1, method="family")
    assert uq_decode(data, GAUSS, 1, 0).shape == (0,)
    head_len = 3  # 0x02, zigzag(0), span 0
    assert data[:head_len] == b"\x02\x00\x00"
    with pytest.raises(DecodeError):
        uq_decode(b"\x02\x02\x00" + data[head_len:], GAUSS, 1, 0)  # low = 1
    with pytest.raises(DecodeError):
        uq_decode(b"\x02\x00\x03" + data[head_len:], GAUSS, 1, 0)  # high = 3


# --- 4: uq_pmf_table's k_low ------------------------------------------------------------------------


@pytest.mark.parametrize("k_low", [np.array([0.5]), 0.5, np.array([-2.0]), np.array(["a"]), np.array([None])])
def test_pmf_table_rejects_non_integer_k_low(k_low):
    with pytest.raises(ValueError, match="k_low"):
        uq_pmf_table(np.array([0.1]), "gaussian", 0.0, 1.0, k_low, 5)


@pytest.mark.parametrize("k_low,size", [(np.array([2**63 - 3]), 5), (np.array([2**52 - 2]), 5),
                                         (np.array([-(2**52) - 1]), 1), (np.array([-(2**63)]), 3)])
def test_pmf_table_rejects_symbols_outside_the_exact_range(k_low, size):
    with pytest.raises(ValueError, match="k_low"):
        uq_pmf_table(np.array([0.1]), "gaussian", 0.0, 1.0, k_low, size)


def test_pmf_table_accepts_the_edges_of_the_range():
    tab = uq_pmf_table(np.array([0.1, 0.2]), "gaussian", 0.0, 1.0, np.array([2**52 - 4, -(2**52)], dtype=np.int64), 5)
    assert tab.shape == (2, 5) and np.all(np.isfinite(tab))
    np.testing.assert_allclose(tab.sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="size"):
        uq_pmf_table(np.array([0.1]), "gaussian", 0.0, 1.0, np.array([0]), 2**52 + 1)


# --- 5: the method byte -------------------------------------------------------------------------------


def test_method_byte_does_not_follow_the_format_version(monkeypatch):
    # the first byte names the method ("tables" = 0x01), not the format version
    monkeypatch.setattr(codec_mod, "UQ_FORMAT_VERSION", 7)
    assert codec_mod.uq_encode(np.array([0.3, -1.2]), GAUSS, 1)[0] == 0x01
    assert codec_mod.uq_encode(np.zeros(0), GAUSS, 1)[0] == 0x01
    monkeypatch.setitem(codec_mod._METHOD_BYTE, "tables", 0x09)
    assert codec_mod.uq_encode(np.array([0.3, -1.2]), GAUSS, 1)[0] == 0x09
    assert codec_mod.uq_encode(np.zeros(0), GAUSS, 1)[0] == 0x09
