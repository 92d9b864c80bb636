"""Reproductions of the notebook experiments (used by the claims and figures).

Citations: Theis & Yosri (ICML 2022), ``ordered_random_coding.ipynb`` (categorical targets, TV
and index entropy vs number of proposals) and ``hybrid_coding.ipynb`` (diagonal Gaussians, cost
and runtime vs σ); Flamich (2023) / Flamich et al. (2022) for runtime vs D_KL. Digest §5.

| symbol | name | meaning |
|---|---|---|
| q ~ Dir(α·1), p uniform | ``alpha``, ``states`` | ORC experiment targets |
| n | ``ns`` | number of proposals per sample |
| H | ``entropy`` | notebook "coding cost": entropy of the smoothed, target-averaged index histogram |
| TV | ``tv`` | ½ Σ |q − q̂| of the sample histogram |
"""

from __future__ import annotations

import math

import numpy as np

from ._common import LOG2E, kl_bits
from .select import select_categorical_fast

__all__ = ["orc_experiment", "hybrid_sweep", "runtime_vs_kl", "ORC_SIZES"]

ORC_METHODS = ("pfr", "orc", "mrc", "grs", "rs")
ORC_SIZES = {
    "quick": dict(states=512, alpha=0.05, targets=3, samples=5000, ns=[1, 2, 4, 8, 16, 32, 64, 128, 256]),
    "full": dict(states=8192, alpha=0.01, targets=10, samples=50_000, ns=[2**i for i in range(11)]),
}


def _notebook_targets(states: int, alpha: float, targets: int) -> list[np.ndarray]:
    """The notebook's targets: for r = 0..targets−1, the legacy generator seeded with r draws
    q ~ Dirichlet(α·1) (the notebook seeds NumPy's legacy global generator with r, then calls
    ``scipy.stats.dirichlet.rvs``; a seeded ``RandomState(r)`` draws the same numbers)."""
    out = []
    for r in range(targets):
        q = np.random.RandomState(r).dirichlet([alpha] * states)
        out.append(q / q.sum())
    return out


def orc_experiment(size: str = "quick") -> dict:
    """TV and index entropy vs n for PFR, ORC, MRC, GRS (notebook's truncated Harsha) and RS
    (truncated, w_max over the alphabet). Sample i of target r uses seed 10^6·r + i."""
    cfg = ORC_SIZES[size]
    p = np.full(cfg["states"], 1.0 / cfg["states"])
    qs = _notebook_targets(cfg["states"], cfg["alpha"], cfg["targets"])
    kls = [kl_bits(q, p) for q in qs]
    nbins = 2 * max(cfg["ns"])
    res = {"ns": cfg["ns"], "kl_bits": kls, "tv": {}, "entropy": {}}
    for m in ORC_METHODS:
        tvs, hs = [], []
        for n in cfg["ns"]:
            hist = np.zeros(nbins)
            tv = 0.0
            for r, q in enumerate(qs):
                seeds = np.arange(cfg["samples"], dtype=np.int64) + 10**6 * r
                idx, z = select_categorical_fast(q, p, n, seeds, m, truncated=True)
                qhat = np.bincount(z, minlength=q.size) / cfg["samples"]
                tv += 0.5 * np.abs(q - qhat).sum()
                h = np.bincount(idx, minlength=nbins).astype(np.float64)
                h[:n] += 1.0 / n
                hist += h / h.sum()
            hist /= len(qs)
            nz = hist[hist > 0]
            hs.append(float(-np.sum(nz * np.log2(nz))))
            tvs.append(tv / len(qs))
        res["tv"][m], res["entropy"][m] = tvs, hs
    return res


def hybrid_sweep(sigmas, targets: int, seed: int = 1, plain_pfr: bool = False) -> list[dict]:
    """The notebook's σ sweep (d = 2, σ_q = 1, p = N(0, 1 + σ²)): per σ, M, I, bounds, mean ideal
    and real cost, and iteration statistics; optionally plain exact PFR on the same targets."""
    from .hybrid import hybrid_cost_bounds, hybrid_encode_gaussian, hybrid_gaussian_info_bits, hybrid_gaussian_setup
    from .pfr import pfr_encode_gaussian

    out = []
    rng = np.random.Generator(np.random.Philox(key=seed))
    for sig in sigmas:
        sx = np.array([sig, sig], dtype=np.float64)
        sp = np.sqrt(1.0 + sx**2)
        info = hybrid_gaussian_info_bits(sx, 1.0)
        m = hybrid_gaussian_setup([0.0, 0.0], 1.0, 0.0, sp).m
        lo, hi = hybrid_cost_bounds(info, m)
        ideal, real, its, pfr_its = [], [], [], []
        for i in range(targets):
            mu = rng.normal(size=2) * sx
            e = hybrid_encode_gaussian(mu, 1.0, 0.0, sp, seed=i, info_bits=info)
            ideal.append(e.ideal_bits)
            real.append(e.nbits)
            its.append(e.iterations)
            if plain_pfr:
                pfr_its.append(pfr_encode_gaussian(mu, 1.0, 0.0, sp, seed=i).iterations)
        row = dict(sigma=float(sig), m=m.tolist(), info=info, lower=lo, upper=hi,
                   mean_ideal=float(np.mean(ideal)), se_ideal=float(np.std(ideal) / math.sqrt(targets)),
                   mean_bits=float(np.mean(real)), median_iter=float(np.median(its)), mean_iter=float(np.mean(its)))
        if plain_pfr:
            row["pfr_median_iter"] = float(np.median(pfr_its))
        out.append(row)
    return out


def runtime_vs_kl(grid, runs: int) -> list[dict]:
    """Mean steps of AS*, split-on-sample GPRS and global GPRS for q = N(μ, s²) vs p = N(0, 1)."""
    from .astar import astar_encode_gaussian_1d
    from .gprs import gprs_encode_gaussian_1d, gprs_split_encode_gaussian_1d

    out = []
    for mu, s in grid:
        kl = (-math.log(s) + 0.5 * (s * s + mu * mu - 1.0)) * LOG2E
        dinf = (-math.log(s) + mu * mu / (2 * (1 - s * s))) * LOG2E
        row = dict(mu=mu, s=s, kl_bits=kl, dinf_bits=dinf)
        for name, enc in (("astar", astar_encode_gaussian_1d), ("gprs_split", gprs_split_encode_gaussian_1d),
                          ("gprs_global", gprs_encode_gaussian_1d)):
            if name == "gprs_global" and dinf > 8:
                continue
            st = [enc(mu, s, 0.0, 1.0, seed=r, mu_hat=kl + 1.5307).iterations for r in range(runs)]
            row[name] = float(np.mean(st))
            row[name + "_se"] = float(np.std(st) / math.sqrt(runs))
        out.append(row)
    return out
