"""Timings of universal quantization with real bitstreams (``refimpl bench``).

Prints a Markdown table of medians over repeats: the UQ core, the per-element table build
(``uq_pmf_table``), integer tables (``quantize_pmf``), and the full ``uq_encode``/``uq_decode``
round trip, for a Gaussian prior N(0, 1.7²). No peer library implements this codec with a
portable dither, so the table reports our own stages side by side (their shares of the
'tables' encode time) and the table-free 'family' method.
"""

from __future__ import annotations

import statistics
import time

import numpy as np


def _median_time(fn, repeats: int) -> float:
    ts = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts)


def run(quick: bool = True) -> int:
    from .. import random as R
    from ..coding import quantize_pmf
    from . import universal_quantize, uq_decode, uq_dither, uq_encode, uq_pmf_table, uq_support_centre

    n = 20_000 if quick else 200_000
    repeats = 3 if quick else 7
    y = 1.7 * R.normal(1, 0, np.arange(n, dtype=np.uint64))
    prior = {"family": "gaussian", "loc": 0.0, "scale": 1.7}
    u = uq_dither(n, 5)
    c = uq_support_centre(u, 0.0)
    W = int(np.max(np.abs(universal_quantize(y, seed=5).k - c)))
    pmf = uq_pmf_table(u, "gaussian", 0.0, 1.7, c - W, 2 * W + 1)
    data = uq_encode(y, prior, 5)
    uq_decode(data, prior, 5, n)  # warm the Numba kernels
    fdata = uq_encode(y, prior, 5, method="family")
    uq_decode(fdata, prior, 5, n)
    rows = [
        ("universal_quantize (dither + round)", _median_time(lambda: universal_quantize(y, seed=5), repeats)),
        (f"uq_pmf_table ({n} × {2 * W + 1})", _median_time(lambda: uq_pmf_table(u, "gaussian", 0.0, 1.7, c - W, 2 * W + 1), repeats)),
        ("quantize_pmf (P = 16)", _median_time(lambda: quantize_pmf(pmf, 16), repeats)),
        ("uq_encode (all stages)", _median_time(lambda: uq_encode(y, prior, 5), repeats)),
        ("uq_decode (all stages)", _median_time(lambda: uq_decode(data, prior, 5, n), repeats)),
        ("uq_encode, method 'family' (coding's family kernels)", _median_time(lambda: uq_encode(y, prior, 5, method="family"), repeats)),
        ("uq_decode, method 'family'", _median_time(lambda: uq_decode(fdata, prior, 5, n), repeats)),
    ]
    enc = rows[3][1]
    print(f"n = {n} elements, N(0, 1.7²) prior, {8 * len(data) / n:.4f} bits/element ('tables'), "
          f"{8 * len(fdata) / n:.4f} ('family'), median of {repeats}\n")
    print("| stage | median time (ms) | elements/s | share of uq_encode |")
    print("|---|---|---|---|")
    for name, t in rows:
        print(f"| {name} | {1e3 * t:.1f} | {n / t:,.0f} | {t / enc:.2f} |")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(run(quick=True))
