"""Claims of reverse channel coding (digest §2 bounds, §7 properties, §5 reproductions).

Citations: Li & El Gamal (IEEE T-IT 2018) — PFR, B2–B4; Theis & Yosri (ICML 2022) — ORC, hybrid
coding, notebooks; Harsha et al. (CCC 2007) — GRS; Flamich (NeurIPS 2023) — GPRS; Flamich,
Markou & Hernández-Lobato (ICML 2022) — A* coding; DiffC (Theis et al. 2022; JeremyIV/diffc).

| symbol | name | meaning |
|---|---|---|
| K | rank = index + 1 | PFR/ORC index |
| a(y) | ``a`` | Σ_{y'} p(y')(w(y) − w(y'))₊ (PFR index law) |
| D, I | ``d``, ``info`` | KL / mutual information in bits |
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats
from scipy.special import zeta

from ..claims import at_least, at_most, close, holds_exactly, register, register_figure, within
from ._common import PFR_CONST, kl_bits, pooled_chisquare_pvalue, tv_tolerance
from .experiments import hybrid_sweep, orc_experiment, runtime_vs_kl
from .grs import grs_expected_steps
from .index_codes import index_encode, zipf_lambda, zipf_mu_hat
from .pfr import pfr_index_law
from .select import select_categorical_fast, select_given

LEG = "Li & El Gamal 2018, Strong functional representation lemma"
TY = "Theis & Yosri 2022, Algorithms for the Communication of Samples"
HAR = "Harsha et al. 2007, The communication complexity of correlation"
GPRS = "Flamich 2023, Greedy Poisson rejection sampling"
ASTAR = "Flamich, Markou & Hernandez-Lobato 2022, Fast relative entropy coding with A* coding"
DIFFC = "Theis et al. 2022, Lossy compression with Gaussian diffusion (DiffC; JeremyIV/diffc chunking)"


def _qp(seed: int, d: int = 8, alpha: float = 0.4):
    rng = np.random.Generator(np.random.Philox(key=seed))
    q = rng.dirichlet(np.ones(d) * alpha)
    p = rng.dirichlet(np.ones(d) * 2.0)
    return q, p


def _n(size, quick, full):
    return quick if size == "quick" else full


@register("rcc")
def pfr_exact_and_index_law(size):
    """PFR output law = q (χ²) and index law = Σ q a^(k−1)/(1+a)^k (TV, mean)."""
    n = _n(size, 20000, 200000)
    q, p = _qp(1)
    idx, z = select_categorical_fast(q, p, 512, np.arange(n), "pfr")
    m = q > 0
    pv = pooled_chisquare_pvalue(np.bincount(z, minlength=q.size)[m], q[m] * n)
    law = pfr_index_law(q, p, 512)
    emp = np.bincount(idx, minlength=512) / n
    tv = 0.5 * np.abs(emp - law).sum() + (1 - law.sum())
    tol = tv_tolerance(law, n)
    k = idx + 1
    mean_law = float(np.sum(np.arange(1, 513) * law))
    return [
        at_least("pfr_output_chi2", LEG, f"PFR output ~ q: chi² p-value over {n} runs (cells with expected < 5 pooled)",
                 pv, 1e-6, "fixed seeds; an exact sampler fails at 1e-6 with probability 1e-6"),
        at_most("pfr_index_law_tv", LEG, f"TV(empirical index pmf, exact law) over 512 ranks, n = {n}", tv, tol,
                why="tv_tolerance(law, n): Jensen bound ½Σ sqrt(p(1−p)/n) on E TV + McDiarmid sqrt(ln(1e6)/(2n)) "
                    "+ truncation mass; fails with probability ≤ 1e-6 (digest §7.2's 0.01 at n = 4·10^4 is a "
                    "measured figure, not derived; the bound is 0.022 there and 0.0098 at n = 2·10^5)"),
        close("pfr_index_mean", LEG, "mean K = 1 + Σ_y q(y) a(y)", k.mean(), mean_law, 5 * k.std() / math.sqrt(n),
              "5 standard errors of the sample mean"),
    ]


@register("rcc")
def pfr_bound_chain(size):
    """B2–B4 on exact index laws: E log2 K ≤ E_q log2(1+w) ≤ D + 1.5307; H(K) ≤ μ + log2(μ+1) + 1;
    H(K) ≤ D + log2(D+1) + 4. The laws are exact (tail below 1e-12)."""
    fails = []
    for s in range(_n(size, 12, 60)):
        q, p = _qp(100 + s, d=int(2 + s % 10), alpha=0.2 + 0.15 * (s % 7))
        law = pfr_index_law(q, p, 1 << 16)
        k = np.arange(1, law.size + 1)
        mu = float(np.sum(law * np.log2(k)))
        m = q > 0
        e_w = float(np.sum(q[m] * np.log2(1 + q[m] / p[m])))
        d = kl_bits(q, p)
        nz = law[law > 0]
        h = float(-np.sum(nz * np.log2(nz)))
        ok = mu <= e_w + 1e-9 and e_w <= d + PFR_CONST + 1e-9 and h <= mu + math.log2(mu + 1) + 1 + 1e-9 \
            and h <= d + math.log2(d + 1) + 4 + 1e-9
        fails.append(not ok)
    return holds_exactly("pfr_b2_b4_chain", LEG, "E log2 K ≤ E_q log2(1+w) ≤ D + 1.5307, H ≤ μ+log2(μ+1)+1, H ≤ D+log2(D+1)+4 on random (q, p)",
                         int(sum(fails)), "exact laws (float arithmetic, 1e-9 slack)")


@register("rcc")
def zipf_real_bits(size):
    """Zipf code with λ = 1 + 1/(D + 1.5307): mean ideal ≤ μ̂ + 1 + log2(μ̂+1) and mean real bits ≤
    that + 1 (canonical prefix codewords, lengths ≤ Shannon lengths), over exact PFR indices."""
    n = _n(size, 4000, 40000)
    q, p = _qp(7, d=16, alpha=0.3)
    mu_hat = zipf_mu_hat(kl_bits(q, p))
    lam = zipf_lambda(mu_hat)
    idx, _ = select_categorical_fast(q, p, 2048, np.arange(n), "pfr")
    bits = np.array([index_encode([k + 1], lam).nbits for k in idx[:2000]])
    ideal = lam * np.log2(idx + 1) + math.log2(zeta(lam))
    bound = mu_hat + 1 + math.log2(mu_hat + 1)
    return [
        at_most("zipf_ideal_cost", LEG, "mean ideal Zipf cost ≤ μ̂ + 1 + log2(μ̂ + 1)", ideal.mean(), bound,
                tolerance=3 * ideal.std() / math.sqrt(n), why="3 standard errors"),
        at_most("zipf_real_bits", LEG, "mean real Zipf bitstream length ≤ μ̂ + 1 + log2(μ̂ + 1) + 1", bits.mean(),
                bound + 1, tolerance=3 * bits.std() / math.sqrt(bits.size), why="3 standard errors; +1 bounds a Shannon-length prefix code"),
    ]


@register("rcc")
def truncated_pfr_tv(size):
    """TV(q̂_N, q) ≤ Σ_y q (a/(1+a))^N + 3·sqrt(d/n) for N ∈ {1, 4, 16, 64}."""
    n = _n(size, 20000, 100000)
    q, p = _qp(3)
    w = np.where(q > 0, q / p, 0)
    a = np.sum(p[None] * np.maximum(w[:, None] - w[None], 0), axis=1)
    worst = -np.inf
    for N in (1, 4, 16, 64):
        _, z = select_categorical_fast(q, p, N, np.arange(n), "pfr")
        tv = 0.5 * np.abs(np.bincount(z, minlength=q.size) / n - q).sum()
        bnd = float(np.sum(q * (a / (1 + a)) ** N))
        worst = max(worst, tv - bnd)
    return at_most("truncated_pfr_tv_bound", LEG, "max_N [TV(q̂_N, q) − P(K > N)] over N ∈ {1,4,16,64}", worst,
                   3 * math.sqrt(q.size / n), why="sampling error of the TV of an n-sample histogram ≈ sqrt(d/n)")


@register("rcc")
def orc_properties(size):
    """ORC = MRC in law (TV within 1.5× the MRC-vs-MRC TV); K_ORC ≤ K_PFR,trunc always."""
    n = _n(size, 20000, 200000)
    q, p = _qp(5, d=12, alpha=0.3)
    _, z_orc = select_categorical_fast(q, p, 16, np.arange(n), "orc")
    _, z_mrc = select_categorical_fast(q, p, 16, np.arange(n), "mrc")
    _, z_mrc2 = select_categorical_fast(q, p, 16, np.arange(n, 2 * n), "mrc")
    h = lambda z: np.bincount(z, minlength=q.size) / n
    tv_om = 0.5 * np.abs(h(z_orc) - h(z_mrc2)).sum()
    tv_mm = 0.5 * np.abs(h(z_mrc) - h(z_mrc2)).sum()
    rng = np.random.Generator(np.random.Philox(key=17))
    lw = rng.normal(scale=2, size=(n, 32))
    e = rng.exponential(size=(n, 32))
    viol = int(np.sum(select_given(lw, e, "orc") > select_given(lw, e, "pfr")))
    return [
        at_most("orc_equals_mrc_in_law", TY, "TV(ORC, MRC') ≤ 1.5·TV(MRC, MRC') (independent runs, N = 16)", tv_om,
                1.5 * tv_mm, tolerance=1.0 / math.sqrt(n), why="two-sample noise floor; 1/sqrt(n) slack for the ratio's own noise"),
        holds_exactly("orc_le_pfr_coupling", TY, f"K_ORC ≤ K_PFR,trunc with shared (E, candidates), {n} draws", viol,
                      "exact pointwise property (digest B8)"),
    ]


@register("rcc")
def orc_limit(size):
    """ORC noise as refimpl derives it (:func:`orc_times` of stream-1 exponentials of
    :mod:`refimpl.random`): E_(n) are the order statistics of N i.i.d. Exp(1), so
    E[E_(n)] = H_N − H_{N−n} for every n. Small N (32) makes an off-by-one in the weights
    1/(N − i + 1) visible (it moves E_(N) by ≈ 1)."""
    from .. import random as R
    from .select import orc_times

    reps = _n(size, 20000, 200000)
    N = 32
    e = R.exponential(23, R.STREAM_NOISE, np.arange(reps * N, dtype=np.uint64)).reshape(reps, N)
    s = orc_times(e)
    h = np.concatenate([[0.0], np.cumsum(1.0 / np.arange(1, N + 1))])
    exact = h[N] - h[N - np.arange(1, N + 1)]
    z = np.abs(s.mean(axis=0) - exact) / (s.std(axis=0) / math.sqrt(reps))
    return at_most("orc_noise_mean", TY, f"max_n |mean E_(n) − (H_N − H_(N−n))| / se over n = 1..{N}, {reps} rows "
                   "(refimpl.random exponentials through orc_times)", float(z.max()), 5.0,
                   why="5 standard errors per coordinate (32 coordinates; fixed seed)")


@register("rcc")
def rejection_steps(size):
    """GRS: exact E[N] = sup w (B10); RS: mean N = w_max; global GPRS: mean N = sup w (B12)."""
    from .gprs import gprs_encode_categorical

    q, p = _qp(9)
    wmax = float(np.max(q / p))
    n = _n(size, 20000, 100000)
    out = [close("grs_expected_steps", HAR, "GRS exact recursion E[N] = max w", grs_expected_steps(q, p), wmax,
                 1e-9 * wmax, "1e-9 relative: float recursion")]
    for m in ("grs", "rs"):
        idx, _ = select_categorical_fast(q, p, 1 << 14, np.arange(n), m)
        k = idx + 1.0
        out.append(close(f"{m}_mean_steps", HAR if m == "grs" else TY, f"{m.upper()} mean candidates = max w",
                         k.mean(), wmax, 5 * k.std() / math.sqrt(n), "5 standard errors"))
    ng = _n(size, 2000, 20000)
    st = np.array([gprs_encode_categorical(q, p, s).iterations for s in range(ng)])
    out.append(close("gprs_global_mean_steps", GPRS, "global GPRS mean candidates = max w", st.mean(), wmax,
                     5 * st.std() / math.sqrt(ng), "5 standard errors"))
    return out


@register("rcc")
def astar_gprs_runtime(size):
    """AS* and split-on-sample GPRS: mean steps ≤ 1.5·D_KL + 3; split GPRS steps flat in D_∞ (∈ [2, 5])."""
    runs = _n(size, 150, 1000)
    rows = runtime_vs_kl([(0.5, 0.7), (1.5, 0.5), (3.0, 0.3)], runs)
    worst = max(max(r["astar"], r["gprs_split"]) - (1.5 * r["kl_bits"] + 3) for r in rows)
    # D_KL = 2 bits with s → 1 (μ re-solved): D_∞ grows, split-GPRS steps stay flat (digest §7.12)
    flat, astar, dinf = [], [], []
    for s in (0.5, 0.8, 0.95):
        mu = math.sqrt(2 * (2 / 1.4426950408889634 + math.log(s)) - (s * s - 1))
        r = runtime_vs_kl([(mu, s)], runs)[0]
        flat.append(r["gprs_split"])
        astar.append(r["astar"])
        dinf.append(r["dinf_bits"])
    return [at_most("astar_gprs_steps_linear_in_kl", ASTAR, "max over grid of mean steps − (1.5·D_KL + 3)", worst, 0.0,
                    why="digest §7.12 property (measured ≤ D_KL + 1.4); grid means over fixed seeds"),
            within("gprs_split_flat_in_dinf", GPRS, "split-on-sample GPRS mean steps at D_KL = 2 bits, s ∈ {0.5, 0.8, 0.95}",
                   max(flat), 2.0, 5.0, why="digest §7.12: measured 2.89–3.58 as D_∞ grows to 20 bits",
                   details={"steps": flat, "d_inf_bits": dinf}),
            at_least("astar_grows_with_dinf", ASTAR, "AS* mean steps at s = 0.95 / at s = 0.5 (D_KL = 2 bits fixed)",
                     astar[-1] / astar[0], 1.5, why="digest §7.12: 3.05 → 14.3 as D_∞ grows; 1.5 is a generous floor",
                     details={"steps": astar, "d_inf_bits": dinf})]


@register("rcc")
def hybrid_notebook(size):
    """Hybrid experiment A: M = (12, 6), I = 9.6461 ≤ mean cost ≤ 15.8084 (ideal and real bits)."""
    rows = hybrid_sweep([40.0], _n(size, 300, 2000), seed=0)
    # notebook: σ_x = (40, 20), so run that pair directly
    from .hybrid import hybrid_cost_bounds, hybrid_encode_gaussian, hybrid_gaussian_info_bits, hybrid_gaussian_setup
    sx = np.array([40.0, 20.0])
    sp = np.sqrt(1 + sx**2)
    info = hybrid_gaussian_info_bits(sx, 1.0)  # the module's I = E_x D(q_x‖p), not an inline formula
    m = hybrid_gaussian_setup([0.0, 0.0], 1.0, 0.0, sp).m
    lo, hi = hybrid_cost_bounds(info, m)
    rng = np.random.Generator(np.random.Philox(key=0))
    n = _n(size, 400, 2000)
    ideal, bits, its = [], [], []
    for i in range(n):
        e = hybrid_encode_gaussian(rng.normal(size=2) * sx, 1.0, 0.0, sp, seed=i, info_bits=info)
        ideal.append(e.ideal_bits)
        bits.append(e.nbits)
        its.append(e.iterations)
    se = np.std(ideal) / math.sqrt(n)
    return [
        holds_exactly("hybrid_grid_factor", TY, "the notebook's Gaussian wrapper gives M = (12, 6)", int(m.tolist() != [12, 6]),
                      "integers"),
        close("hybrid_information", TY, "I = E_x D(q_x‖p) of the hybrid experiment = 9.6461 bits", info, 9.6461, 5e-5, "4 decimals printed by the notebook"),
        close("hybrid_upper_bound", TY, "I + log2(I − log2 M + 1) + 4 = 15.8084", hi, 15.8084, 5e-5, "4 decimals printed"),
        within("hybrid_ideal_cost", TY, "I ≤ mean ideal cost ≤ upper bound", float(np.mean(ideal)), lo, hi,
               tolerance=3 * se, why="3 standard errors", details={"notebook": 12.2743, "median_iter": float(np.median(its))}),
        within("hybrid_real_bits", TY, "I ≤ mean real bits ≤ upper bound + 1 (prefix code) + 0.1 (truncated binary k)", float(np.mean(bits)),
               lo, hi + 1.1, tolerance=3 * np.std(bits) / math.sqrt(n), why="3 standard errors; coder overheads stated"),
        at_most("hybrid_median_iterations_sigma40", TY, "median iterations at σ = 40 ≤ 40", rows[0]["median_iter"], 40,
                why="digest §7.13 (notebook rerun ~20)"),
    ]


@register("rcc")
def hybrid_flat_runtime(size):
    """Hybrid median iterations stay ≤ 40 over the σ grid while plain PFR's median grows."""
    sig = np.linspace(0, 50, 8)[1:] if size == "full" else np.array([7.14, 21.43, 50.0])
    rows = hybrid_sweep(sig, _n(size, 60, 200), seed=1, plain_pfr=True)
    worst = max(r["median_iter"] for r in rows)
    grow = rows[-1]["pfr_median_iter"] / max(rows[0]["pfr_median_iter"], 1)
    return [at_most("hybrid_median_iter_flat", TY, "max over σ of hybrid median iterations", worst, 40,
                    why="digest §7.13", details={"rows": rows}),
            at_least("plain_pfr_median_grows", TY, "plain PFR median iterations grow ≥ 10× from smallest to largest σ",
                     grow, 10, why="digest §5.2: 103 → 4572 over the grid (≈ σ^d)")]


@register("rcc")
def degenerate_q_equals_p(size):
    """q = p: PFR/ORC pick index 0 every time; the Zipf cost is log2 ζ(1.653) = 1.107 ≤ log2(μ̂ + 1) = 1.34."""
    q = np.full(6, 1 / 6)
    fails = 0
    for m in ("pfr", "orc"):
        idx, _ = select_categorical_fast(q, q, 64, np.arange(2000), m)
        fails += int(np.sum(idx != 0))
    lam = zipf_lambda(zipf_mu_hat(0.0))
    return [holds_exactly("q_equals_p_index_zero", LEG, "q = p ⇒ index 0 (PFR, ORC; 2000 seeds)", fails, "exact"),
            at_most("q_equals_p_zipf_cost", LEG, "Zipf cost of rank 1 at D = 0: log2 ζ(1 + 1/1.5307) ≤ log2(μ̂ + 1)",
                    math.log2(zeta(lam)), math.log2(PFR_CONST + 1), why="exact arithmetic (the value is 1.107; the digest's "
                    "'≈ 1.14' is not reproduced, see specs/rcc.md Errata)")]


@register("rcc")
def orc_notebook_experiment(size):
    """ORC notebook experiment (quick: 512 states, α = 0.05, 5000 samples): orderings of digest §5.1."""
    r = orc_experiment(size)
    ns = r["ns"]
    i_big = len(ns) - 1
    h, tv = r["entropy"], r["tv"]
    fails = 0
    fails += int(abs(h["mrc"][i_big] - math.log2(ns[i_big])) > 0.05)
    fails += int(not h["orc"][i_big] < h["mrc"][i_big] - 1)
    fails += int(not tv["pfr"][i_big] <= tv["orc"][i_big] + 0.005)
    fails += int(not tv["orc"][i_big] < tv["rs"][len(ns) // 2])
    fails += int(not max(abs(a - b) for a, b in zip(tv["orc"], tv["mrc"])) < 0.02)
    details = {"ns": ns, "entropy": h, "tv": tv, "kl_bits": r["kl_bits"]}
    out = [holds_exactly("orc_notebook_orderings", TY,
                         "H_MRC = log2 n; H_ORC < H_MRC − 1 and TV_PFR ≤ TV_ORC at the largest n; TV_ORC ≈ TV_MRC at every n",
                         fails, "orderings at fixed seeds; 0.005/0.02 slack ≈ 3 sqrt(d/n)/… sampling noise", details)]
    if size == "full":  # digest §5.1 table at n = 1024
        ref = {"pfr": (7.73, 0.029), "orc": (7.56, 0.045), "mrc": (10.0, 0.046), "grs": (7.56, 0.079), "rs": (9.32, 0.065)}
        for m, (hr, tr) in ref.items():
            out.append(close(f"orc_notebook_tv_{m}", TY, f"TV of {m} at n = 1024 (digest table)", tv[m][-1], tr, 0.005,
                             "Monte-Carlo error of a 50k-sample TV over 8192 states, different random streams"))
            out.append(close(f"orc_notebook_h_{m}", TY, f"index entropy of {m} at n = 1024 (digest table)", h[m][-1], hr, 0.1,
                             "entropy of a 50k-sample histogram: bias/noise ~0.05 bit"))
    return out


@register("rcc")
def gaussian_channel_truncation_bias(size):
    """DiffC truncation bias: projection of E[z] onto μ, for q = N(μ, I) vs N(0, I), d = 16,
    grows toward 1 with padding bits (digest §3.9: 0.52, 0.81, 0.94, 0.99 for pad 0, 2, 4, 6)."""
    from .gaussian_channel import gaussian_channel_encode

    d, dkl = 16, 4.0
    mu = np.full(d, math.sqrt(2 * dkl / 1.4426950408889634 / d))
    runs = _n(size, 300, 3000)
    proj = {}
    for pad in (0, 2, 6):
        z = np.array([gaussian_channel_encode(mu, 1.0, 0.0, 1.0, seed=s, d_kl_bits=dkl, max_chunk_bits=16,
                                              padding_bits=pad).sample for s in range(runs)])
        proj[pad] = float(z.mean(0) @ mu / (mu @ mu))
    se = 1.0 / math.sqrt(runs * (mu @ mu))  # sd of the projection of one unit-variance sample is 1/|μ|
    return [within("diffc_bias_pad2", DIFFC, "projection of E[z] onto μ with 2 padding bits (biased: < 0.9)", proj[2],
                   0.6, 0.9, why="digest: 0.81 ± MC error; interval states 'clearly biased, not useless'",
                   tolerance=3 * se, details=proj),
            at_least("diffc_bias_pad6", DIFFC, "projection with 6 padding bits ≥ 0.95", proj[6], 0.95, tolerance=3 * se,
                     why="digest 0.99; 3 standard errors"),
            at_least("diffc_bias_monotone", DIFFC, "projection grows with padding (pad 6 − pad 0)", proj[6] - proj[0], 0.2,
                     why="digest 0.99 − 0.52; generous margin")]


@register_figure("rcc")
def fig_orc(size, outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    r = orc_experiment(size)
    fig, ax = plt.subplots(1, 2, figsize=(10, 4))
    for m in r["tv"]:
        ax[0].plot(r["entropy"][m], r["tv"][m], "o-", label=m.upper())
        ax[1].plot(r["ns"], r["tv"][m], "o-", label=m.upper())
    ax[0].axvline(np.mean(r["kl_bits"]), ls="--", c="k")
    ax[0].set(xlabel="coding cost [bits]", ylabel="TV")
    ax[1].set(xscale="log", xlabel="number of proposals", ylabel="TV")
    ax[0].legend()
    path = outdir / "rcc_orc.png"
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return [path]


@register_figure("rcc")
def fig_hybrid_and_runtime(size, outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sig = np.linspace(0, 50, 8)[1:] if size == "full" else np.array([7.14, 21.43, 35.71, 50.0])
    rows = hybrid_sweep(sig, _n(size, 60, 200), seed=1, plain_pfr=True)
    rt = runtime_vs_kl([(0.3, 0.8), (1.0, 0.6), (2.0, 0.4), (3.0, 0.3)], _n(size, 100, 500))
    fig, ax = plt.subplots(1, 3, figsize=(14, 4))
    s = [r["sigma"] for r in rows]
    ax[0].plot(s, [r["mean_ideal"] for r in rows], "o-", label="hybrid (ideal)")
    ax[0].plot(s, [r["mean_bits"] for r in rows], "s-", label="hybrid (real bits)")
    ax[0].plot(s, [r["lower"] for r in rows], "k--", label="I")
    ax[0].plot(s, [r["upper"] for r in rows], "k:", label="upper bound")
    ax[0].set(xlabel="σ", ylabel="bits")
    ax[0].legend()
    ax[1].plot(s, [r["median_iter"] for r in rows], "o-", label="hybrid median")
    ax[1].plot(s, [r["pfr_median_iter"] for r in rows], "s-", label="PFR median")
    ax[1].set(yscale="log", xlabel="σ", ylabel="candidates")
    ax[1].legend()
    k = [r["kl_bits"] for r in rt]
    for name in ("astar", "gprs_split", "gprs_global"):
        pts = [(r["kl_bits"], r[name]) for r in rt if name in r]
        ax[2].plot(*zip(*pts), "o-", label=name)
    ax[2].set(xlabel="D_KL [bits]", ylabel="mean steps", yscale="log")
    ax[2].legend()
    _ = k
    path = outdir / "rcc_hybrid_runtime.png"
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return [path]


@register("rcc")
def diffc_zipf_cost(size):
    """DiffC truncated-Zipf index cost for one chunk (d = 16, K = 2^(D+2)): digest §3.9 table
    3.13 / 4.89 / 6.57 bits at D = 2 / 4 / 6."""
    from .gaussian_channel import gaussian_channel_encode

    runs = _n(size, 300, 3000)
    out = []
    for dkl, ref in ((2.0, 3.13), (4.0, 4.89), (6.0, 6.57)):
        mu = np.full(16, math.sqrt(2 * dkl * math.log(2) / 16))
        c = np.array([gaussian_channel_encode(mu, 1.0, 0.0, 1.0, seed=s, d_kl_bits=dkl).ideal_bits for s in range(runs)])
        se = c.std() / math.sqrt(runs)
        out.append(close(f"diffc_zipf_cost_d{int(dkl)}", DIFFC, f"mean truncated-Zipf cost at D_chunk = {dkl:g} bits",
                         c.mean(), ref, 3 * se + 0.05, "3 standard errors + 0.05 for the digest's own Monte-Carlo error"))
    return out


@register("rcc")
def exact_samplers_ks(size):
    """Exactness of the unbounded continuous samplers: KS p-values of exact PFR, global GPRS,
    split-on-sample GPRS and AS* against q = N(0.7, 0.6²), p = N(0.2, 1.1²); hybrid residuals
    against the truncated normal (digest §7.1, §7.13)."""
    from .astar import astar_encode_gaussian_1d
    from .gprs import gprs_encode_gaussian_1d, gprs_split_encode_gaussian_1d
    from .hybrid import hybrid_encode_gaussian
    from .pfr import pfr_encode_gaussian

    n = _n(size, 400, 4000)
    out = []
    for name, enc, paper in (("pfr", pfr_encode_gaussian, LEG), ("gprs_global", gprs_encode_gaussian_1d, GPRS),
                             ("gprs_split", gprs_split_encode_gaussian_1d, GPRS),
                             ("astar", astar_encode_gaussian_1d, ASTAR)):
        xs = [float(np.ravel(enc(0.7, 0.6, 0.2, 1.1, seed=s, mu_hat=2.0).sample)[0]) for s in range(n)]
        out.append(at_least(f"{name}_exact_ks", paper, f"{name}: KS p-value of {n} samples against q", stats.kstest(
            xs, "norm", args=(0.7, 0.6)).pvalue, 1e-6, why="fixed seeds; an exact sampler fails at 1e-6 w.p. 1e-6"))
    h = stats.norm.isf(1e-4 / 2)
    res = [float(hybrid_encode_gaussian([m], 1.0, 0.0, 30.0, seed=s, info_bits=5.0).sample[0] - m)
           for s, m in enumerate(np.linspace(-40, 40, n))]
    out.append(at_least("hybrid_exact_ks", TY, f"hybrid: KS p-value of {n} residuals against the truncated normal",
                        stats.kstest(res, stats.truncnorm(-h, h).cdf).pvalue, 1e-6,
                        why="fixed seeds; an exact sampler fails at 1e-6 w.p. 1e-6"))
    return out


@register("rcc")
def gprs_triangular(size):
    """GPRS repository example (P = U(0,1), Q = Triangular(0.3, 0.7, 0.58)): σ(t) = 2t/(2 + Wt) is
    the inverse of τ (rtol 1e-12), mean N = sup w = 5, output law = Q (KS)."""
    from .gprs import gprs_encode_triangular, gprs_tau_triangular

    t = np.geomspace(1e-3, 1e3, 50)
    sig = 2 * t / (2 + 0.4 * t)
    rel = float(np.max(np.abs(gprs_tau_triangular(sig, 0.4) - t) / t))
    n = _n(size, 6000, 60000)
    r = [gprs_encode_triangular(0.3, 0.7, 0.58, s) for s in range(n)]
    steps = np.array([e.iterations for e in r], dtype=np.float64)
    xs = np.array([e.sample for e in r])
    pv = stats.kstest(xs, stats.triang(c=0.7, loc=0.3, scale=0.4).cdf).pvalue
    return [at_most("gprs_triangular_stretch", GPRS, "max relative error of τ(σ(t)) = t, σ(t) = 2t/(2 + Wt)", rel, 1e-12,
                    why="closed forms; float round-off only"),
            close("gprs_triangular_mean_steps", GPRS, "mean candidates = sup w = 5", steps.mean(), 5.0,
                  5 * steps.std() / math.sqrt(n), "5 standard errors (heavy tail: the sd is ≈ 20)"),
            at_least("gprs_triangular_ks", GPRS, f"KS p-value of {n} samples against the triangular target", pv, 1e-6,
                     why="fixed seeds; an exact sampler fails at 1e-6 w.p. 1e-6")]
