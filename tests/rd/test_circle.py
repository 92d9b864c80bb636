"""Circle toy: the dithered code's error law, codec round trip on real bits, bad input."""

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from refimpl.errors import DecodeError
from refimpl.rd.circle import (circle_decode, circle_det_decode_given, circle_det_encode, circle_encode,
                               circle_sto_decode_given, circle_sto_encode_given,
                               circle_deterministic_distortion, circle_stochastic_distortion)


@given(st.floats(0, 2 * math.pi, exclude_max=True), st.floats(0, 1, exclude_max=True), st.integers(2, 64))
def test_dithered_error_within_half_cell(theta, u, N):
    # crypto lemma support: the wrapped error lies in [−π/N, π/N]
    th = circle_sto_decode_given(circle_sto_encode_given(theta, u, N), u, N)
    err = (th - theta + math.pi) % (2 * math.pi) - math.pi
    assert abs(err) <= math.pi / N + 1e-9


@given(st.floats(0, 2 * math.pi, exclude_max=True), st.floats(0, 1, exclude_max=True), st.integers(2, 64))
def test_deterministic_decoder_stays_in_cell(theta, v, N):
    k = circle_det_encode(theta, N)
    th = circle_det_decode_given(k, v, N)
    assert 0 <= k < N and k * 2 * math.pi / N - 1e-12 <= th <= (k + 1) * 2 * math.pi / N + 1e-12


def test_closed_forms_by_quadrature():
    # second route: E[2 − 2cos E] with E ~ U(−π/N, π/N) by the trapezoid rule, and for the
    # deterministic code 2 − 2|E e^{iΘ} on an arc|² (X ⫫ X̂ given K)
    for N in (2, 3, 4, 8, 16):
        e = np.linspace(-math.pi / N, math.pi / N, 200_001)
        sto = np.trapezoid(2 - 2 * np.cos(e), e) / (2 * math.pi / N)
        mean_cos = np.trapezoid(np.cos(e), e) / (2 * math.pi / N)
        assert circle_stochastic_distortion(N) == pytest.approx(sto, abs=1e-9)
        assert circle_deterministic_distortion(N) == pytest.approx(2 - 2 * mean_cos ** 2, abs=1e-9)


@pytest.mark.parametrize("stochastic", [True, False])
def test_round_trip_and_rate(stochastic):
    theta = np.linspace(0, 2 * math.pi, 1000, endpoint=False)
    code = circle_encode(theta, 8, 3, stochastic)
    th = circle_decode(code.data, 1000, 8, 3, stochastic)
    assert code.nbits <= 3 * 1000 + 64          # uniform model: log2 8 bits + rANS flush
    k_enc = circle_det_encode(theta, 8)
    if not stochastic:
        np.testing.assert_array_equal(circle_det_encode(th, 8), k_enc)


def test_corrupt_stream_rejected():
    code = circle_encode(np.linspace(0, 6, 50), 4, 1)
    with pytest.raises(DecodeError):
        circle_decode(code.data[:-3], 50, 4, 1)


@pytest.mark.parametrize("N", [1, 0, -3, 2.5, True, 1 << 16])
def test_bad_N(N):
    with pytest.raises(ValueError):
        circle_stochastic_distortion(N)


def test_bad_dither():
    with pytest.raises(ValueError):
        circle_sto_encode_given([0.1], [1.0], 4)
    with pytest.raises(ValueError):
        circle_encode([np.nan], 4, 0)


def test_entropy_coded_cells_match_equal_cells_at_integer_rates():
    # at R = 1 and R = 2 the optimum is N = 2^R equal cells (fixed-length closed forms)
    from refimpl.rd import circle_entropy_coded_cells
    for R in (1.0, 2.0):
        N = int(2 ** R)
        a = circle_entropy_coded_cells(R, True, max_cells=5, starts=4)
        assert a.entropy <= R + 1e-7
        assert a.D == pytest.approx(circle_stochastic_distortion(N), abs=1e-6)


def test_cells_codec_stochastic_output_in_shifted_cell():
    from refimpl.rd import circle_cells_decode_given, circle_cells_encode_given
    p = np.array([0.6, 0.3, 0.1])
    theta = np.linspace(0, 6.2, 50)
    u = np.linspace(0, 0.98, 50)
    k = circle_cells_encode_given(theta, u, p)
    th = circle_cells_decode_given(k, u, None, p, True)
    half = math.pi * p[k]                       # half the arc of the received cell
    err = (th - theta + math.pi) % (2 * math.pi) - math.pi
    assert np.all(np.abs(err) <= half + 1e-9)
