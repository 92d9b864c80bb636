"""Argument checks of the coders: the Numba ``check_cdf`` equals its NumPy twin ``check_cdf_np``
(same tables accepted, same ValueError message), and the encoders' in-kernel symbol range check
raises exactly the ValueError of ``check_symbols`` (refimpl.coding.cdf)."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refimpl.coding import quantize_pmf
from refimpl.coding.cdf import check_cdf, check_cdf_np, check_symbols
from refimpl.coding.range_coder import range_encode, range_encode_twin
from refimpl.coding.rans import rans_encode, rans_encode_py


def _outcome(f, *args):
    try:
        return ("ok", f(*args))
    except ValueError as e:
        return ("error", str(e))


def _same(a, b):
    assert a[0] == b[0], (a, b)
    if a[0] == "ok":
        assert a[1].dtype == b[1].dtype == np.int64 and a[1].flags.c_contiguous and b[1].flags.c_contiguous
        np.testing.assert_array_equal(a[1], b[1])
    else:
        assert a[1] == b[1]


@st.composite
def _tables(draw):
    """Valid tables, then (often) one corruption: an end point, a repeated or decreasing entry,
    a wrong dtype or shape — in one row of a 2-D table or in a 1-D table."""
    p = draw(st.integers(1, 12))
    A = draw(st.integers(1, min(20, 1 << p)))
    rows = draw(st.sampled_from([None, 0, 1, 3]))
    M = 1 << p
    def one():
        cuts = sorted(draw(st.sets(st.integers(1, M - 1), min_size=A - 1, max_size=A - 1))) if A > 1 else []
        return [0, *cuts, M]
    c = np.array(one() if rows is None else [one() for _ in range(rows)], dtype=np.int64)
    kind = draw(st.sampled_from(["none", "none", "start", "end", "repeat", "decrease", "float", "int32", "uint16"]))
    if c.size and kind in ("start", "end", "repeat", "decrease"):
        row = c if c.ndim == 1 else c[draw(st.integers(0, c.shape[0] - 1))]
        if kind == "start":
            row[0] = draw(st.sampled_from([-1, 1]))
        elif kind == "end":
            row[-1] += draw(st.sampled_from([-1, 1]))
        else:
            j = draw(st.integers(1, row.size - 1))
            row[j] = row[j - 1] - (kind == "decrease")
    if kind == "float":
        c = c.astype(np.float64)
    elif kind == "int32":
        c = c.astype(np.int32)
    elif kind == "uint16" and M < 1 << 16:
        c = c.astype(np.uint16)
    n = draw(st.sampled_from([None, c.shape[0] if c.ndim == 2 else None, 2]))
    return c, p, n


@settings(max_examples=400)
@given(_tables())
def test_check_cdf_kernel_equals_numpy_twin(case):
    c, p, n = case
    _same(_outcome(check_cdf, c, p, n), _outcome(check_cdf_np, c, p, n))


@pytest.mark.parametrize("table, p, msg", [
    ([0, 2, 2, 16], 4, "increase strictly"),
    ([0, 5, 3, 16], 4, "increase strictly"),
    ([1, 5, 9, 16], 4, "start at 0"),
    ([0, 5, 9, 15], 4, "end at 2\\*\\*precision = 16"),
    ([[0, 5, 9, 16], [0, 5, 5, 16]], 4, "increase strictly"),
    ([[0, 5, 9, 16], [0, 5, 5, 15]], 4, "start at 0"),  # end points are checked before increase
    ([[0, 5, 5, 16], [0, 5, 6, 15]], 4, "start at 0"),
])
def test_check_cdf_rejects_with_twin_message(table, p, msg):
    for f in (check_cdf, check_cdf_np):
        with pytest.raises(ValueError, match=msg):
            f(np.array(table), p)


def _symbol_error(s, A):
    with pytest.raises(ValueError) as e:
        check_symbols(s, A)
    return str(e.value)


@pytest.mark.parametrize("coder", [rans_encode, rans_encode_py, range_encode, range_encode_twin])
@pytest.mark.parametrize("symbols", [[0, 3], [-1], [2, 1, 0, 7, -3, 1], [3] * 5, [0, 1, 2, 2**40]])
@pytest.mark.parametrize("rows", [False, True])
def test_encoders_raise_check_symbols_message(coder, symbols, rows):
    """The kernels check the range in their encoding pass; the message is check_symbols' own."""
    s = np.array(symbols, dtype=np.int64)
    cdf = np.array([0, 5, 9, 16])
    if rows:
        cdf = np.tile(cdf, (s.size, 1))
    with pytest.raises(ValueError, match=re.escape(_symbol_error(s, 3))):
        coder(s, cdf, 4)


@pytest.mark.parametrize("coder", [rans_encode, range_encode])
def test_encoders_bad_symbol_anywhere_in_a_long_message(coder):
    cdf = quantize_pmf(np.full(256, 1 / 256), 16)
    s = np.arange(100_000, dtype=np.int64) % 256
    for pos in (0, 54_321, s.size - 1):
        t = s.copy()
        t[pos] = 256
        with pytest.raises(ValueError, match=re.escape("symbols must be in [0, 256), got values in [0, 256]")):
            coder(t, cdf, 16)
    for dt in (np.int32, np.uint8, np.uint64):  # other integer dtypes are converted, same bytes
        assert coder(s.astype(dt), cdf, 16) == coder(s, cdf, 16)


@pytest.mark.parametrize("coder", [rans_encode, range_encode, rans_encode_py, range_encode_twin])
def test_huge_unsigned_symbols_are_rejected_with_their_own_values(coder):
    """uint64 values ≥ 2**63 wrap to negatives in the int64 cast: still rejected, and the message
    quotes the caller's values, as check_symbols does."""
    s = np.array([1, 2**64 - 1, 0], dtype=np.uint64)
    with pytest.raises(ValueError, match=re.escape(_symbol_error(s, 3))):
        coder(s, np.array([0, 5, 9, 16]), 4)


# --- family encoders: parameter checks (Numba pass vs NumPy twin) and in-kernel range checks ---

from refimpl.coding import _model_kernels as MK  # noqa: E402
from refimpl.coding.models import check_family_values_np  # noqa: E402
from refimpl.coding.range_coder import range_encode_family  # noqa: E402
from refimpl.coding.rans import rans_encode_family, rans_encode_family_py  # noqa: E402

_SPECIAL = [0.0, -0.0, 1e-300, -1e-300, 5e-324, 1.0, -2.5, np.inf, -np.inf, np.nan, 1e308]


@settings(max_examples=400)
@given(st.lists(st.tuples(st.sampled_from(_SPECIAL), st.sampled_from(_SPECIAL)), max_size=6))
def test_family_params_kernel_equals_numpy_twin(pairs):
    mu = np.array([a for a, _ in pairs], dtype=np.float64)
    sg = np.array([b for _, b in pairs], dtype=np.float64)
    try:
        check_family_values_np(mu, sg)
        want = None
    except ValueError as e:
        want = str(e)
    st_ = MK.family_params_status(mu, sg)
    from refimpl.coding.models import _FAMILY_VALUE_ERRORS
    assert (None if st_ == 0 else _FAMILY_VALUE_ERRORS[st_]) == want


def _family_error(v, low, high):
    return f"symbols must be in [low, high] = [{low}, {high}], got values in [{min(v)}, {max(v)}]"


@pytest.mark.parametrize("coder", [rans_encode_family, rans_encode_family_py, range_encode_family])
@pytest.mark.parametrize("values", [[-5], [5], [0, 1, -4, 4, 9], [-2**62, 0, 0, 0, 0]])
def test_family_encoders_reject_values_outside_the_domain(coder, values):
    v = np.array(values, dtype=np.int64)
    with pytest.raises(ValueError, match=re.escape(_family_error(values, -4, 4))):
        coder(v, "gaussian", np.zeros(v.size), np.ones(v.size), -4, 4, 12)


@pytest.mark.parametrize("coder", [rans_encode_family, range_encode_family])
def test_family_encoders_same_bytes_for_other_integer_dtypes(coder):
    v = np.array([-4, 0, 3, 4, 1, -1], dtype=np.int64)
    args = ("laplace", np.linspace(-3, 3, 6), 1.5, -4, 4, 16)
    ref = coder(v, *args)
    for dt in (np.int8, np.int32, np.int16):
        assert coder(v.astype(dt), *args) == ref
