"""Benchmark: Blahut–Arimoto at a fixed slope, refimpl vs dit (when installed).

Problem: Dirichlet(1) source on n letters (Philox seed 0), Hamming distortion, slope β = 3 in
dit's base-2 convention (q(y|x) ∝ q(y)·2^(−βd); refimpl's β in nats is 3·ln 2). Accuracy is the
excess of the Lagrangian L = R + βD (bits) over its optimum L*, which is slope-exact and does not
depend on where along the curve a solver stopped; L* comes from a refimpl run certified to
1e-13 bits. dit runs serially (DIT_OPT_JOBS=1, set here) with its defaults (100 restarts,
max_iters = 100, stop when D changes by < rtol 1e-5) and with restarts=1. Timings are medians.

Run: ``refimpl bench rd`` (or ``python -m refimpl.rd.bench``).
"""

from __future__ import annotations

import math
import os
import statistics
import time

import numpy as np

from .blahut_arimoto import blahut_arimoto, mutual_information

BETA_BITS = 3.0


def _problem(n):
    rng = np.random.Generator(np.random.Philox(0))
    return rng.dirichlet(np.ones(n)), 1.0 - np.eye(n)


def _median_time(fn, repeats):
    ts, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts), out


def _ours(p, d, tol):
    r = blahut_arimoto(p, d, BETA_BITS * math.log(2), tol=tol)
    return r.rate + BETA_BITS * r.distortion


def _dit(p, d, restarts):
    from dit.rate_distortion.blahut_arimoto import blahut_arimoto as dit_ba
    res, q_xy = dit_ba(p, BETA_BITS, distortion=lambda px, q: d, restarts=restarts)
    W = np.asarray(q_xy) / p[:, None]
    # re-evaluate (R, D) from dit's returned joint so both sides are measured the same way
    return mutual_information(p, W) + BETA_BITS * float(np.sum(np.asarray(q_xy) * d))


def run(quick: bool = True) -> int:
    os.environ.setdefault("DIT_OPT_JOBS", "1")
    try:
        import dit  # noqa: F401
        have_dit = True
    except ImportError:
        have_dit = False
    rows = []
    for n in (64, 256):
        p, d = _problem(n)
        L_star = _ours(p, d, 1e-13)
        blahut_arimoto(p, d, 1.0, tol=1e-6)          # warm the Numba cache outside the timings
        reps = 5 if quick else 9
        for tol in (1e-2, 1e-3, 1e-6, 1e-10):
            t, L = _median_time(lambda: _ours(p, d, tol), reps)
            rows.append((n, f"refimpl tol={tol:g}", t, L - L_star, None))
        t_loose, t_ref = rows[-3][2], rows[-2][2]      # refimpl at 1e-3 and 1e-6 bits (certified)
        if have_dit:
            for restarts in (1, 100):
                t, L = _median_time(lambda: _dit(p, d, restarts), 1 if (quick and n == 256 and restarts == 100) else reps)
                rows.append((n, f"dit restarts={restarts}", t, L - L_star, (t / t_loose, t / t_ref)))
    print("| n | solver | median time | L − L* (bits) | dit time / refimpl(tol=1e-3) | dit time / refimpl(tol=1e-6) |")
    print("|---|---|---|---|---|---|")
    for n, name, t, err, ratio in rows:
        rs = "— | —" if ratio is None else f"{ratio[0]:.1f}× | {ratio[1]:.1f}×"
        print(f"| {n} | {name} | {t * 1e3:.2f} ms | {err:.2e} | {rs} |")
    if not have_dit:
        print("\n(dit not installed: `pip install dit` to compare)")
    return 0


if __name__ == "__main__":
    raise SystemExit(run(quick=True))
