"""Benchmarks for logistic-LDA inference: the Numba kernel against its readable twin, and the Numba
digamma against SciPy's (Korshunova et al., NeurIPS 2019; updates (U1)–(U3) of the digest §1.4).

| quantity | name |
|---|---|
| D groups × N_d items, K topics | ``D``, ``N``, ``K`` |
| T sweeps | ``sweeps`` |

``refimpl bench lda`` (or ``python -m refimpl.lda.bench [--full]``) prints a Markdown table of
medians over repeated timings, measured in the same run.
"""

from __future__ import annotations

import sys
import time

import numpy as np
from scipy import special

from .inference import lda_group_offsets, lda_infer, lda_infer_twin
from .special import lda_digamma


def _median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def run(quick: bool = True) -> int:
    repeats = 5 if quick else 15
    rng = np.random.default_rng(0)  # benchmark inputs only (explicit seed)
    rows = []
    for D, N, K, T in ((300, 20, 4, 30), (100, 100, 20, 20)):
        o = lda_group_offsets(np.full(D, N))
        g = rng.normal(size=(D * N, K))
        a = np.full(K, 0.5)
        lda_infer(g, o, a, 1.0, None, 1)  # compile
        t_k = _median_time(lambda: lda_infer(g, o, a, 1.0, None, T), repeats)
        t_t = _median_time(lambda: lda_infer_twin(g, o, a, 1.0, None, T), max(3, repeats // 3))
        rows.append((f"lda_infer D={D} N={N} K={K} T={T}", t_k, "lda_infer_twin (NumPy/SciPy)", t_t))
    x = np.exp(rng.uniform(-5, 8, size=1_000_000))
    lda_digamma(x[:10])
    t_k = _median_time(lambda: lda_digamma(x), repeats)
    t_s = _median_time(lambda: special.digamma(x), repeats)
    rows.append(("lda_digamma, 1e6 values", t_k, "scipy.special.digamma", t_s))
    print("| operation | refimpl (ms) | peer | peer (ms) | peer / refimpl |")
    print("|---|---|---|---|---|")
    for name, t, peer, tp in rows:
        print(f"| {name} | {1e3 * t:.1f} | {peer} | {1e3 * tp:.1f} | {tp / t:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(run(quick="--full" not in sys.argv[1:]))
