"""Regression tests for the reviewer's defects (each fails without its fix).

1. quantize_pmf / bits_back_model on rows whose float64 sum overflows (segfault before);
2. claims that compared decoded output with ``assert`` (vanished under -O, crashed otherwise);
3. bits-back argument checks; 4. the cap on ``n``; 5. one ``check_n`` and one ``as_bytes``.
"""

import math
import os
import subprocess
import sys

import numpy as np
import pytest

from refimpl.coding import (bits_back_decode, bits_back_encode, bits_back_encode_given, bits_back_model,
                            quantize_pmf, range_decode, range_encode, rans_decode, rans_encode)
from refimpl.coding import claims as coding_claims
from refimpl.coding import bits_back as BB
from refimpl.coding import cdf as CDF
from refimpl.coding import range_coder, rans
from refimpl.coding._model_kernels import quantize_rows
from refimpl.coding.bits_back import BitsBackModel, bits_back_decode_given, bits_back_initial_message
from refimpl.coding.models import quantize_pmf_py

# --- 1. overflowing row sums --------------------------------------------------------------------


@pytest.mark.parametrize("q", [quantize_pmf, quantize_pmf_py])
def test_quantize_pmf_huge_finite_weights_are_a_valid_pmf(q):
    # [1e308, 1e308] sums to inf in float64; it is the uniform pmf (hand-derived: 128/128 of 256)
    assert q([1e308, 1e308], 8).tolist() == [0, 128, 256]
    assert q([1e308, 1e308, 0.0, 1e308], 4).tolist() == [0, 5, 10, 11, 16]  # 3 × 5 + 1 = 16
    rows = q(np.array([[1e308, 1e308], [1.0, 3.0]]), 4)
    assert rows.tolist() == [[0, 8, 16], [0, 4, 16]]  # second row: 1/4·16 = 4, scaling untouched


def test_quantize_pmf_huge_weights_in_a_subprocess_do_not_crash():
    # before the fix this killed the interpreter (exit 139); run it out of process so a crash is a failure
    code = "from refimpl.coding import quantize_pmf; print(quantize_pmf([1e308, 1e308], 8).tolist())"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, OPENBLAS_NUM_THREADS="1"))
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "[0, 128, 256]"


@pytest.mark.parametrize("row", [[np.inf, np.inf], [2.0, 2.0], [-1.0, 3.0]])
def test_quantize_rows_kernel_reports_a_bad_deficit_instead_of_indexing_out_of_bounds(row):
    # rows that are not normalised (or not finite) give a deficit outside [0, A]: the kernel
    # returns the row index instead of reading order[t] with t >= A
    f, bad = quantize_rows(np.array([[0.5, 0.5], row]), 8)
    assert bad == 1
    f, bad = quantize_rows(np.array([[0.25, 0.75]]), 8)
    assert bad == -1 and f.tolist() == [[64, 192]]


def test_bits_back_model_huge_weights():
    m = bits_back_model([1e308, 1e308], [[1e308, 1e308], [1.0, 3.0]], 8)
    assert m.prior_cdf.tolist() == [0, 128, 256]
    # exact posterior of the float model: q(z|x=0) ∝ (½·½, ½·¼) = (2/3, 1/3), q(z|x=1) ∝ (¼, 3/8) = (2/5, 3/5)
    assert m.posterior_cdf.tolist() == [[0, 171, 256], [0, 102, 256]]
    x = np.array([0, 1, 1, 0, 1])
    enc = bits_back_encode(x, m, seed=5)
    assert bits_back_decode(enc.data, m, x.size, seed=5).tolist() == x.tolist()


# --- 2. claims do not assert ----------------------------------------------------------------------


def test_claims_module_has_no_assert_and_imports_range_claims_unguarded():
    src = open(coding_claims.__file__, encoding="utf-8").read()
    assert "assert " not in src
    assert "except ImportError" not in src


def test_iid_claim_decode_mismatch_is_nan_not_a_crash(monkeypatch):
    monkeypatch.setattr(coding_claims, "rans_decode", lambda data, cdf, p, n: np.zeros(n, dtype=np.int64) - 1)
    c = coding_claims.iid_rate_shared_table("quick")
    assert math.isnan(c.measured) and c.holds is False


def test_family_claim_decode_mismatch_is_nan_not_a_crash(monkeypatch):
    monkeypatch.setattr(coding_claims, "rans_decode_family", lambda data, kind, loc, *a: np.zeros(len(loc)) + 1e9)
    c = coding_claims.iid_rate_gaussian_family("quick")
    assert math.isnan(c.measured) and c.holds is False


def test_bits_back_claim_decode_mismatch_is_nan(monkeypatch):
    monkeypatch.setattr(coding_claims, "bits_back_decode", lambda data, m, n, seed: np.zeros(n, dtype=np.int64) - 1)
    cs = coding_claims.bits_back_rate("quick")
    assert len(cs) == 2 and all(math.isnan(c.measured) and c.holds is False for c in cs)


# --- 3. bits-back argument checks -----------------------------------------------------------------


@pytest.fixture(scope="module")
def bb():
    m = bits_back_model([0.3, 0.7], [[0.2, 0.8], [0.6, 0.4]], 12)
    x = np.array([0, 1, 1, 0])
    return m, x, bits_back_encode(x, m, seed=3)


@pytest.mark.parametrize("n", [1.5, -1, True, "3", 2**32 + 1])
def test_bits_back_decode_rejects_bad_n(bb, n):
    m, x, enc = bb
    with pytest.raises(ValueError, match=r"^n must be"):
        bits_back_decode(enc.data, m, n, seed=3)
    with pytest.raises(ValueError, match=r"^n must be"):
        bits_back_decode_given(enc.data, m, n, bits_back_initial_message(3, 4))


@pytest.mark.parametrize("w", [2.5, -1, None, 2**24 + 1])
def test_bits_back_rejects_bad_n_init_words(bb, w):
    m, x, enc = bb
    with pytest.raises(ValueError, match=r"^n_init_words must be"):
        bits_back_encode(x, m, seed=3, n_init_words=w)
    with pytest.raises(ValueError, match=r"^n_init_words must be"):
        bits_back_decode(enc.data, m, x.size, seed=3, n_init_words=w)
    with pytest.raises(ValueError, match=r"^n_words must be"):
        bits_back_initial_message(3, w)


@pytest.mark.parametrize("initial, match", [
    ((5, [1, 2, 3, 4]), "initial state"),  # below 2**31: a stream the decoder would reject
    ((1 << 63, [1]), "initial state"),
    ((2.0**40, [1]), "initial state"),
    (((1 << 40), [1, -1]), "initial words"),
    (((1 << 40), [1 << 32]), "initial words"),
    (((1 << 40), [1.0]), "initial words"),
    ((1 << 40,), "initial must be a pair"),
    (None, "initial must be a pair"),
])
def test_bits_back_rejects_bad_initial_message(bb, initial, match):
    m, x, enc = bb
    with pytest.raises(ValueError, match=match):
        bits_back_encode_given(x, m, initial)
    with pytest.raises(ValueError, match=match):
        bits_back_decode_given(enc.data, m, x.size, initial)


@pytest.mark.parametrize("precision", [8.0, True, 0, 25, "12"])
def test_bits_back_rejects_bad_model_precision(bb, precision):
    m, x, enc = bb
    bad = BitsBackModel(m.prior_cdf, m.likelihood_cdf, m.posterior_cdf, precision)
    with pytest.raises(ValueError, match=r"^model\.precision must be"):
        bits_back_encode(x, bad, seed=3)
    with pytest.raises(ValueError, match=r"^model\.precision must be"):
        bits_back_decode(enc.data, bad, x.size, seed=3)


def test_bits_back_integer_precision_of_numpy_type_is_accepted(bb):
    m, x, enc = bb
    m2 = BitsBackModel(m.prior_cdf, m.likelihood_cdf, m.posterior_cdf, np.int64(12))
    assert bits_back_encode(x, m2, seed=3).data == enc.data


# --- 4. cap on n ----------------------------------------------------------------------------------

T3 = np.array([0, 3, 5, 8])


@pytest.mark.parametrize("decode", [range_decode, rans_decode, range_coder.range_decode_twin, rans.rans_decode_py])
def test_huge_n_is_a_value_error_not_memory_error(decode):
    with pytest.raises(ValueError, match=r"^n must be <= 4294967296"):
        decode(b"", T3, 3, 2**40)
    with pytest.raises(ValueError, match=r"^n must be <= 4294967296"):
        decode(b"", T3, 3, CDF.MAX_SYMBOLS + 1)


def test_max_symbols_is_documented_in_the_spec():
    spec = open(os.path.join(os.path.dirname(__file__), "..", "..", "specs", "coding.md"), encoding="utf-8").read()
    assert "2**32" in spec and "MAX_SYMBOLS" in spec


# --- 5. one check_n, one as_bytes -----------------------------------------------------------------


def test_coders_share_one_check_n_and_one_as_bytes():
    for mod in (range_coder, rans, BB):
        assert mod.check_n is CDF.check_n
        assert mod.as_bytes is CDF.as_bytes
    for mod in (range_coder, rans):
        for old in ("_check_n", "_check_data", "_as_bytes"):
            assert not hasattr(mod, old)


@pytest.mark.parametrize("enc, dec", [(range_encode, range_decode), (rans_encode, rans_decode),
                                      (range_coder.range_encode_twin, range_coder.range_decode_twin),
                                      (rans.rans_encode_py, rans.rans_decode_py)])
def test_both_coders_accept_the_same_data_types(enc, dec):
    s = np.array([0, 2, 1, 1, 2, 0, 0])
    data = enc(s, T3, 3)
    for d in (data, bytearray(data), memoryview(data), np.frombuffer(data, dtype=np.uint8).copy()):
        assert dec(d, T3, 3, s.size).tolist() == s.tolist()
    for d in (list(data), np.frombuffer(data, dtype=np.uint8).astype(np.int64),
              np.frombuffer(data, dtype=np.uint8).reshape(1, -1), data.hex()):
        with pytest.raises(ValueError, match=r"^data must be bytes"):
            dec(d, T3, 3, s.size)


def test_bits_back_decode_accepts_the_same_data_types(bb):
    m, x, enc = bb
    out = bits_back_decode(np.frombuffer(enc.data, dtype=np.uint8).copy(), m, x.size, seed=3)
    assert out.tolist() == x.tolist()
    with pytest.raises(ValueError, match=r"^data must be bytes"):
        bits_back_decode(list(enc.data), m, x.size, seed=3)


# NUMBA_BOUNDSCHECK on quantize_pmf / quantize_rows: see the script in test_malformed_rans.py
# (test_kernels_stay_in_bounds_under_numba_boundscheck).
