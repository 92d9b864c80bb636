"""Numba kernel of the CDF-table check (readable twin: :func:`refimpl.coding.cdf.check_cdf_np`).

One pass over a C-contiguous int64 table of shape (A+1,) or (n, A+1) (as a 2-D view), with the
twin's precedence: first every row's end points (0 and 2**precision), then strict increase.
Returns 0 (valid), 1 (an end point is wrong) or 2 (some frequency < 1).
"""

from __future__ import annotations

from numba import njit

CDF_OK, CDF_BAD_ENDS, CDF_NOT_INCREASING = 0, 1, 2


@njit(cache=True)
def cdf_status(c, total):
    """Status of the table ``c`` (int64, shape (rows, A+1), A ≥ 1) for total count ``total``."""
    rows, m = c.shape
    for i in range(rows):
        if c[i, 0] != 0 or c[i, m - 1] != total:
            return CDF_BAD_ENDS
    for i in range(rows):
        for j in range(m - 1):
            if c[i, j + 1] - c[i, j] < 1:
                return CDF_NOT_INCREASING
    return CDF_OK
