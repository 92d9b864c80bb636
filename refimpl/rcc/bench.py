"""Benchmark: seeded truncated-PFR selections per second, N = 2^10 … 2^20 candidates.

Citation: Theis & Yosri (ICML 2022), ``select_rcc`` (notebook style: materialise every candidate,
then argmin). Rows: the Numba kernel that generates each Philox candidate on the fly
(:func:`refimpl.rcc.select_gaussian_fast`, memory O(d)); the readable NumPy twin
(:func:`refimpl.rcc.select_gaussian`: the same Philox candidates materialised as an N × d array,
then cumsum/log/argmin); and the notebook-style NumPy route with NumPy's own PCG64 generator
(ziggurat normals: not portable, a decoder in another language cannot regenerate them).
Targets: d = 4, q = N(0.5·1, σ_q² I) with σ_q ∈ {1, 0.8}, p = N(0, I). Medians of repeated
timings in one run.
"""

from __future__ import annotations

import time

import numpy as np

from .select import select_gaussian, select_gaussian_fast

D = 4
MU = np.full(D, 0.5)


def _notebook_style(n: int, seed: int, sq: float) -> int:
    rng = np.random.Generator(np.random.PCG64(seed))
    x = rng.standard_normal((n, D))
    t = np.cumsum(rng.exponential(size=n))
    log_w = np.sum(-np.log(sq) - 0.5 * ((x - MU) / sq) ** 2 + 0.5 * x * x, axis=1)
    return int(np.argmin(np.log(t) - log_w))


def _median_time(fn, reps: int) -> float:
    ts = []
    for r in range(reps):
        t0 = time.perf_counter()
        fn(r)
        ts.append(time.perf_counter() - t0)
    return float(np.median(ts))


def run(quick: bool = True) -> int:
    for sq in (1.0, 0.8):
        what = ("σ_q = σ_p: unbounded w, every candidate is visited" if sq == 1.0 else
                "σ_q = 0.8·σ_p: bounded w, the kernel stops exactly once log T_n − sup ℓ ≥ best")
        print(f"\n{what}\n")
        _table(quick, sq)
    return 0


def _table(quick: bool, sq: float) -> None:
    select_gaussian_fast(MU, sq, 0.0, 1.0, 16, 0)  # compile outside the timings
    exps = [10, 12, 14, 16, 18, 20] if not quick else [10, 14, 18, 20]
    print("| N | kernel (sel/s) | NumPy twin, Philox materialised (sel/s) | notebook-style NumPy PCG64 (sel/s) | kernel / twin | kernel / notebook |")
    print("|---|---|---|---|---|---|")
    for e in exps:
        n = 1 << e
        reps = max(3, min(50, (1 << 22) // n)) if not quick else max(3, min(10, (1 << 20) // n))
        tk = _median_time(lambda r: select_gaussian_fast(MU, sq, 0.0, 1.0, n, r, "pfr"), reps)
        tt = _median_time(lambda r: select_gaussian(MU, sq, 0.0, 1.0, n, r, "pfr"), reps)
        tn = _median_time(lambda r: _notebook_style(n, r, sq), reps)
        print(f"| 2^{e} | {1 / tk:,.1f} | {1 / tt:,.1f} | {1 / tn:,.1f} | {tt / tk:.2f}× | {tn / tk:.2f}× |")


if __name__ == "__main__":
    raise SystemExit(run(quick=True))
