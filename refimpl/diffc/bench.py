"""Timings of the DiffC codec (``python -m refimpl.diffc.bench [--full]``).

No peer library implements a DiffC codec with real bits, so the table splits one encode into
its stages: the shared plan, the channel simulations (refimpl.rcc chunked PFR, the hot path),
and the rANS coding of the indices; and times the decoder, which rebuilds z from the indices
without any search. Medians of repeated timings, streams of the claims' setting (λ_i ∝ 1/i,
16 log-SNR steps from σ = 0.999 to 0.01)."""

from __future__ import annotations

import sys
import time

import numpy as np

from .. import random as R
from . import chain as CH
from . import codec as CD
from .claims import power_law


def _median_ms(fn, reps: int) -> float:
    fn()  # warm-up (Numba compilation, caches)
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return 1e3 * float(np.median(ts))


def run(quick: bool = True) -> int:
    reps = 3 if quick else 7
    dims = (16, 64) if quick else (16, 64, 256)
    sg = CH.logsnr_schedule(16, 0.01, 0.999)
    print(f"DiffC codec, λ_i ∝ 1/i (mean 1), T = 16 log-SNR steps σ = 0.999 → 0.01, chunking (14, 8); "
          f"median of {reps}\n")
    print("| d | I(X; Z_t) bits | stream bits | chunks | plan (ms) | encode (ms) | rANS alone (ms) | decode (ms) |")
    print("|---|---|---|---|---|---|---|---|")
    for d in dims:
        lam = power_law(d)
        x = R.normal(3, 0, np.arange(d, dtype=np.uint64)) * np.sqrt(lam)
        enc = CD.diffc_encode_steps(x, lam, sg, 0, 11)
        syms = [int(k) for idx in enc.indices for k in idx]
        rows = [r for j, dk in enumerate(enc.plan.d_kl_bits) for r in CD._tables(dk, enc.plan.chunk_sizes[j])]

        def rans_only():
            state, words = CD.RANS_L, []
            for i in reversed(range(len(syms))):
                row = rows[i]
                state = CD.rans_push(state, words, int(row[syms[i]]), int(row[syms[i] + 1] - row[syms[i]]),
                                     CD.PRECISION)
            return CD.rans_flush(state, words)

        t_plan = _median_ms(lambda: CD.codec_plan(lam, sg, 0, 11), reps)
        t_enc = _median_ms(lambda: CD.diffc_encode_steps(x, lam, sg, 0, 11), reps)
        t_rans = _median_ms(rans_only, reps)
        t_dec = _median_ms(lambda: CD.diffc_decode_levels(enc.data, lam, sg, 0, 11), reps)
        from .gaussian import gaussian_rate

        print(f"| {d} | {gaussian_rate(lam, 0.01):.1f} | {enc.nbits} | {len(syms)} | {t_plan:.1f} | "
              f"{t_enc:.1f} | {t_rans:.2f} | {t_dec:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(run(quick="--full" not in sys.argv))
