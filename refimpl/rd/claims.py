"""Claims of the rate–distortion(–perception) papers as runnable checks (topic ``rd``).

Citations: Blahut 1972 / Cover & Thomas Thm 10.3.3 (R(D), reverse water-filling); Blau &
Michaeli 2019 and Zhang et al. 2021 (RDPF closed forms); Theis & Wagner 2021 (RDPF coding
theorem: the RDPF is the operational rate); Theis & Agustsson 2021 (stochastic encoders).
Reference numbers from the project digest rdpf_uq_c3.md §1.4, §1.5, §2.1 (printed to 6 decimals).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from .. import random as R
from ..claims import at_least, at_most, close, holds_exactly, register, register_figure
from .blahut_arimoto import rate_distortion
from .circle import (circle_decode, circle_deterministic_distortion, circle_distortion, circle_encode,
                     circle_stochastic_distortion)
from .gaussian import gaussian_distortion_rate, gaussian_rate_distortion
from .rdpf import rdpf
from .rdpf_closed import (bernoulli_d2, bernoulli_rdpf, binary_entropy, gaussian_perfect_realism_distortion,
                          gaussian_rdpf)

BA = "Blahut 1972, Computation of channel capacity and rate-distortion functions"
CT = "Cover & Thomas, Elements of Information Theory, Thm 10.3.3"
BM = "Blau & Michaeli 2019, Rethinking lossy compression: the rate-distortion-perception tradeoff"
ZQ = "Zhang, Qian, Chen & Khisti 2021, Universal rate-distortion-perception representations"
TW = "Theis & Wagner 2021, A coding theorem for the rate-distortion-perception function"
TA = "Theis & Agustsson 2021, On the advantages of stochastic encoders"
ROUND6 = "reference printed to 6 decimals: rounding error <= 5e-7, plus 1e-7 float slack"


def _grid(seed, n, lo, hi):
    return lo + (hi - lo) * R.uniform(seed, 0, np.arange(n, dtype=np.uint64))


@register("rd")
def ba_binary_hamming(size: str):
    """Blahut–Arimoto (certified stop) = H_b(p) − H_b(D) on a seeded grid."""
    n = 12 if size == "quick" else 60
    ps, fs = _grid(1, n, 0.02, 0.98), _grid(2, n, 0.0, 0.999)
    err = 0.0
    for p, f in zip(ps, fs):
        D = f * min(p, 1 - p)
        err = max(err, abs(rate_distortion([1 - p, p], 1 - np.eye(2), D).rate
                           - (binary_entropy(p) - binary_entropy(D))))
    return at_most("ba_binary_hamming_closed_form", BA,
                   f"max |R_BA(D) − (H_b(p) − H_b(D))| over {n} seeded (p, D)", err, 1e-9,
                   "the issue's accuracy target; BA stops on a certified 1e-10-bit bracket")


@register("rd")
def ba_nary_hamming(size: str):
    """Uniform n-ary source, Hamming: R(D) = log2 n − H_b(D) − D log2(n − 1)."""
    err = 0.0
    for n in (3, 5, 16, 64):
        for f in (0.05, 0.3, 0.7, 0.95):
            D = f * (1 - 1 / n)
            want = math.log2(n) - binary_entropy(D) - D * math.log2(n - 1)
            err = max(err, abs(rate_distortion(np.full(n, 1 / n), 1 - np.eye(n), D).rate - want))
    return at_most("ba_nary_hamming_closed_form", CT, "max error, n ∈ {3,5,16,64}, 4 distortions",
                   err, 1e-9, "the issue's accuracy target")


@register("rd")
def ba_certificate(size: str):
    """The certified bracket holds: a loose run's [rate_lower, rate] contains a tight R(D)."""
    from .blahut_arimoto import blahut_arimoto
    fails = 0
    trials = 5 if size == "quick" else 30
    for s in range(trials):
        rng = np.random.Generator(np.random.Philox(100 + s))
        p, d = rng.dirichlet(np.ones(16)), rng.random((16, 16))
        loose = blahut_arimoto(p, d, 5.0, tol=1e-3, polish=False)
        ref = rate_distortion(p, d, loose.distortion, tol=1e-12).rate
        fails += not (loose.rate_lower - 1e-11 <= ref <= loose.rate + 1e-11)
    return holds_exactly("ba_certified_bracket", BA,
                         f"Blahut's bounds bracket R(D) for {trials} loose runs on 16×16 random problems",
                         fails, "a bound either holds or not; 1e-11 slack for the tight reference")


@register("rd")
def gaussian_water_filling(size: str):
    """Scalar D(R) = σ²2^(−2R); spectrum: D(R(D)) = D."""
    err = max(abs(gaussian_distortion_rate([2.5], r) - 2.5 * 2.0 ** (-2 * r)) / (2.5 * 2.0 ** (-2 * r))
              for r in np.linspace(0, 20, 41))
    lam = 1.0 / (1.0 + np.arange(32)) ** 2
    inv = max(abs(gaussian_distortion_rate(lam, gaussian_rate_distortion(lam, D)) - D) / D
              for D in np.geomspace(1e-6, lam.sum() * 0.999, 25))
    return [at_most("gaussian_scalar_closed_form", CT, "max relative |D(R) − σ²2^(−2R)|, R ∈ [0, 20]",
                    err, 1e-12, "exact formula up to round-off"),
            at_most("gaussian_water_filling_inverse", CT,
                    "max relative |D(R(D)) − D| on a 1/k² spectrum of 32 components", inv, 1e-9,
                    "the issue's accuracy target")]


@register("rd")
def rdpf_reference_values(size: str):
    """The digest's reference values of R(D, P) (Bernoulli(0.3)/Hamming/TV; Gaussian/MSE/W2²)."""
    bern = {(0.0,): [0.601546, 0.426422, 0.191631, 0.056574],
            (0.05,): [0.594894, 0.412295, 0.173451, 0.043458],
            (0.10,): [0.594894, 0.412295, 0.162065, 0.032268]}
    errc, errs = 0.0, 0.0
    for (P,), vals in bern.items():
        for D, v in zip((0.05, 0.1, 0.2, 0.3), vals):
            errc = max(errc, abs(bernoulli_rdpf(0.3, D, P) - v))
            errs = max(errs, abs(rdpf([0.7, 0.3], 1 - np.eye(2), D, P).rate - v))
    gauss = [(0.0, 0.1, 1.679227), (0.0, 0.5, 0.596323), (0.0, 1.0, 0.207519), (0.0, 1.5, 0.046555),
             (0.01, 0.5, 0.544113), (0.01, 1.0, 0.163222), (0.1, 0.5, 0.5), (0.1, 1.0, 0.089664), (0.1, 1.5, 0.0)]
    errg = max(abs(gaussian_rdpf(1.0, D, P) - v) for P, D, v in gauss)
    return [at_most("rdpf_bernoulli_reference_closed_form", BM, "12 digest values, closed form", errc, 6e-7, ROUND6),
            at_most("rdpf_bernoulli_reference_solver", TW, "12 digest values, numerical RDPF solver", errs, 6e-7, ROUND6),
            at_most("rdpf_gaussian_reference", ZQ, "9 digest values, Gaussian/MSE/W2² closed form", errg, 6e-7, ROUND6)]


@register("rd")
def rdpf_solver_vs_closed_form(size: str):
    """Numerical RDPF (nested Sinkhorn) = Bernoulli/Hamming/TV closed form to 1e-6."""
    n = 10 if size == "quick" else 80
    ps, fD, Ps = _grid(3, n, 0.05, 0.5), _grid(4, n, 0.02, 1.0), _grid(5, n, 0.0, 0.5)
    err = 0.0
    for p, f, P in zip(ps, fD, Ps):
        D = f * bernoulli_d2(p, P)
        err = max(err, abs(rdpf([1 - p, p], 1 - np.eye(2), D, P).rate - bernoulli_rdpf(p, D, P)))
    return at_most("rdpf_solver_equals_closed_form", TW, f"max |Δ| over {n} seeded (p, D, P)", err, 1e-6,
                   "the issue's target; measured values are ~1e-15 (both routes are exact up to round-off)")


@register("rd")
def rdpf_structure(size: str):
    """R(D, ∞) = R(D); R(0, P) = H(p); monotone and jointly convex (midpoints); R = 0 iff D ≥ D2(P)."""
    out = []
    p3 = np.array([0.5, 0.3, 0.2])
    err = max(abs(rdpf(p3, 1 - np.eye(3), D, math.inf).rate - rate_distortion(p3, 1 - np.eye(3), D).rate)
              for D in (0.05, 0.2, 0.35))
    out.append(at_most("rdpf_infinite_P_is_RD", BM, "|R(D, ∞) − R_BA(D)|, 3-letter source", err, 1e-8,
                       "two independent solvers, each certified far below 1e-8"))
    H = float(-np.sum(p3 * np.log2(p3)))
    out.append(close("rdpf_zero_D_is_entropy", BM, "R(0, P=0.05) = H(p), Hamming", rdpf(p3, 1 - np.eye(3), 0.0, 0.05).rate,
                     H, 1e-12, "exact: X̂ = X is forced"))
    n = 2000 if size == "quick" else 50_000
    u = R.uniform(6, 0, np.arange(n, dtype=np.uint64), d=5)
    fails = 0
    for p, D1, P1, D2, P2 in u:
        p = 0.01 + 0.98 * p
        f = lambda D, P: bernoulli_rdpf(p, D, P)
        fails += f(max(D1, D2), P1 / 2) > f(min(D1, D2), P1 / 2) + 1e-12
        fails += f(D1, max(P1, P2) / 2) > f(D1, min(P1, P2) / 2) + 1e-12
        fails += f((D1 + D2) / 2, (P1 + P2) / 4) > (f(D1, P1 / 2) + f(D2, P2 / 2)) / 2 + 1e-12
    out.append(holds_exactly("rdpf_monotone_convex", BM, f"monotone in D, P and midpoint-convex, {n} seeded draws",
                             fails, "1e-12 round-off slack; a violation is a failure"))
    fails = 0
    for p, P, e in zip(_grid(7, 200, 0.02, 0.5), _grid(8, 200, 0.0, 0.6), _grid(9, 200, -0.05, 0.05)):
        D = bernoulli_d2(p, P) + e
        if 0 <= D <= 1 and abs(e) > 1e-9:
            fails += (bernoulli_rdpf(p, D, P) == 0.0) != (e > 0)
    for p, P in ((0.3, 0.0), (0.3, 0.05)):
        D2 = bernoulli_d2(p, P)
        fails += rdpf([1 - p, p], 1 - np.eye(2), D2 + 1e-6, P).rate != 0.0
        fails += not rdpf([1 - p, p], 1 - np.eye(2), D2 - 1e-3, P).rate > 1e-8
    out.append(holds_exactly("rdpf_zero_iff_D2", BM, "R = 0 iff D ≥ D2(P) (closed form, 200 draws; solver, 4 points)",
                             fails, "exact statement"))
    return out


@register("rd")
def gaussian_perfect_realism(size: str):
    """D(R, 0) = 2σ²(1 − √(1 − 2^(−2R))) ≤ 2 D(R, ∞); digest numbers at R = 0.25, 1; penalty → 1 at R = 4."""
    return [close("gaussian_perfect_realism_R025", ZQ, "D(0.25, 0), σ = 1", gaussian_perfect_realism_distortion(1, 0.25),
                  0.91761, 5e-6, "digest prints 5 decimals"),
            close("gaussian_perfect_realism_R1", ZQ, "D(1, 0), σ = 1", gaussian_perfect_realism_distortion(1, 1.0),
                  0.26795, 5e-6, "digest prints 5 decimals"),
            close("gaussian_perfect_realism_ratio_R4", ZQ, "D(4, 0) / D(4, ∞) → 1 at high rate",
                  gaussian_perfect_realism_distortion(1, 4.0) / 2.0 ** -8, 1.001, 5e-4, "digest prints 1.001"),
            close("gaussian_perfect_realism_inverse", ZQ, "R(D(R, 0), 0) = R at R = 1.3",
                  gaussian_rdpf(1, gaussian_perfect_realism_distortion(1, 1.3), 0.0), 1.3, 1e-9, "round-off")]


CIRCLE_TABLE = {2: (0.726760, 1.189431), 3: (0.346013, 0.632164), 4: (0.199367, 0.378861),
                8: (0.051009, 0.100718), 16: (0.012826, 0.025570)}


@register("rd")
def circle_stochastic_vs_deterministic(size: str):
    """Circle toy: D_sto = 2 − 2 sinc(π/N), D_det = 2 − 2 sinc²(π/N) (digest table), measured
    on real rANS bitstreams with outputs uniform; ratio → 2."""
    out = []
    n = 50_000 if size == "quick" else 1_000_000
    theta = 2 * math.pi * R.uniform(2021, 0, np.arange(n, dtype=np.uint64))
    for N, (ds, dd) in CIRCLE_TABLE.items():
        out.append(close(f"circle_closed_form_sto_N{N}", TA, f"2 − 2 sinc(π/{N})", circle_stochastic_distortion(N),
                         ds, 6e-7, ROUND6))
        out.append(close(f"circle_closed_form_det_N{N}", TA, f"2 − 2 sinc²(π/{N})", circle_deterministic_distortion(N),
                         dd, 6e-7, ROUND6))
        for sto, ref in ((True, ds), (False, dd)):
            code = circle_encode(theta, N, 7, sto)
            th = circle_decode(code.data, n, N, 7, sto)
            dist = circle_distortion(theta, th)
            tol = 5 * dist.std() / math.sqrt(n)
            tag = "sto" if sto else "det"
            out.append(close(f"circle_codec_{tag}_N{N}", TA, f"measured distortion of the {tag} codec, {n} samples, "
                             f"{code.nbits / n:.4f} bits/sample", dist.mean(), ref, tol,
                             "5 standard errors of the sample mean (fixed seed)",
                             details={"bits_per_sample": code.nbits / n, "rate_log2N": math.log2(N)}))
            pv = stats.kstest(th / (2 * math.pi), "uniform").pvalue
            out.append(at_least(f"circle_codec_{tag}_N{N}_uniform", TA, "KS p-value of Θ̂/2π against U[0,1)",
                                pv, 1e-4, "fixed seed; a uniform output fails with probability 1e-4"))
    ratio = circle_deterministic_distortion(1024) / circle_stochastic_distortion(1024)
    out.append(close("circle_ratio_high_rate", TA, "D_det/D_sto at N = 1024 (→ 2)", ratio, 2.0, 1e-5,
                     "series: ratio = 2(1 − (π/N)²/12) + O(N^-4) ≈ 2 − 1.6e-6 at N = 1024"))
    return out


@register_figure("rd")
def circle_figure(size: str, outdir):
    """D(R) of the dithered (stochastic) and the best deterministic encoder on the circle."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from pathlib import Path
    Ns = np.arange(2, 65)
    rates = np.log2(Ns)
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.semilogy(rates, [circle_stochastic_distortion(int(N)) for N in Ns], label="stochastic (dithered)")
    ax.semilogy(rates, [circle_deterministic_distortion(int(N)) for N in Ns], label="best deterministic")
    ax.set_xlabel("rate log2 N (bits)")
    ax.set_ylabel("MSE under perfect realism")
    ax.set_title("Circle source (Theis & Agustsson 2021)")
    ax.legend()
    fig.tight_layout()
    path = Path(outdir) / "rd_circle_stochastic_vs_deterministic.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return [path]


@register_figure("rd")
def gaussian_rdp_figure(size: str, outdir):
    """Gaussian D(R, ∞) = σ²2^(−2R) against perfect realism D(R, 0)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from pathlib import Path
    r = np.linspace(0.01, 4, 200)
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.semilogy(r, [gaussian_distortion_rate([1.0], x) for x in r], label="D(R, ∞) (no realism)")
    ax.semilogy(r, [gaussian_perfect_realism_distortion(1.0, x) for x in r], label="D(R, 0) (perfect realism)")
    ax.semilogy(r, [2 * gaussian_distortion_rate([1.0], x) for x in r], ":", label="2 D(R, ∞)")
    ax.set_xlabel("rate (bits)")
    ax.set_ylabel("MSE")
    ax.set_title("N(0, 1), MSE, W2² perception")
    ax.legend()
    fig.tight_layout()
    path = Path(outdir) / "rd_gaussian_perfect_realism.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return [path]


def _coding_theorem_runs(size: str):
    """Bernoulli(0.3), Hamming, TV: D = 0.2, P = 0.05 (digest §1.2): code S source symbols in
    blocks of n with PFR and the Zipf index code; returns one record per n."""
    from .rdpf_code import rdpf_block_decode, rdpf_block_encode, rdpf_block_mu_hat
    p, D, P = 0.3, 0.2, 0.05
    res = rdpf([1 - p, p], 1 - np.eye(2), D, P)
    ns = (1, 2, 4, 8, 16) if size == "quick" else (1, 2, 4, 8, 12, 16, 18)
    S = 2048 if size == "quick" else 16384
    out = []
    for n in ns:
        m = S - S % n
        x = (R.uniform(1, 0, np.arange(m, dtype=np.uint64)) < p).astype(np.int64)
        mu = rdpf_block_mu_hat([1 - p, p], res.channel, n)
        code = rdpf_block_encode(x, res.channel, res.q, n, 7, mu)
        xh = rdpf_block_decode(code.data, code.nbits, code.blocks, res.q, n, 7, mu)
        Rb = n * res.rate
        out.append({"n": n, "symbols": m, "bits_per_symbol": code.nbits / m, "decoded_ok": bool(np.array_equal(xh, code.x_hat)),
                    "bound": (Rb + math.log2(Rb + 1) + 5) / n, "q1": float(xh.mean()), "dist": float(np.mean(xh != x))})
    return res, out


@register("rd")
def rdpf_coding_theorem(size: str):
    """Theis & Wagner's construction on real bitstreams: output marginal = q, distortion = D,
    bits/symbol within the one-shot bound and falling towards R(D, P) as n grows."""
    res, runs = _coding_theorem_runs(size)
    q1, D = float(res.q[1]), 0.2
    out = []
    for r in runs:
        n, m = r["n"], r["symbols"]
        sd_q = math.sqrt(q1 * (1 - q1) / m)          # X̂_i i.i.d. Bernoulli(q1) exactly
        sd_d = math.sqrt(D * (1 - D) / m)            # error indicators i.i.d. Bernoulli(D) exactly
        out += [
            close(f"rdpf_code_marginal_n{n}", TW, f"P(X̂ = 1) over {m} decoded symbols, blocks of {n}", r["q1"], q1,
                  5 * sd_q, "5 binomial standard deviations (fixed seeds)", details=r),
            close(f"rdpf_code_distortion_n{n}", TW, f"Hamming distortion over {m} symbols, blocks of {n}", r["dist"], D,
                  5 * sd_d, "5 binomial standard deviations (fixed seeds)"),
            at_most(f"rdpf_code_rate_n{n}", TW, f"bits/symbol of the real bitstream (R(D,P) = {res.rate:.4f})",
                    r["bits_per_symbol"], r["bound"], "one-shot SFRL bound (nR + log2(nR+1) + 5)/n holds in expectation; "
                    "the measured mean over many blocks sits well below it"),
        ]
    fails = sum(not r["decoded_ok"] for r in runs)
    fails += sum(b["bits_per_symbol"] >= a["bits_per_symbol"] for a, b in zip(runs, runs[1:]))
    out.append(holds_exactly("rdpf_code_decodes_and_rate_falls", TW,
                             "decoder reproduces the encoder's X̂ exactly and bits/symbol strictly fall with n",
                             fails, "exact statement on these fixed seeds"))
    out.append(at_least("rdpf_code_rate_above_rdpf", TW, "bits/symbol at the largest n is still ≥ R(D, P) (converse)",
                        runs[-1]["bits_per_symbol"], res.rate, "converse: no code beats R(D, P) on average"))
    return out


@register_figure("rd")
def coding_theorem_figure(size: str, outdir):
    """Bits per symbol of the PFR block code against n, with R(D, P) and the one-shot bound."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from pathlib import Path
    res, runs = _coding_theorem_runs(size)
    ns = [r["n"] for r in runs]
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.plot(ns, [r["bits_per_symbol"] for r in runs], "o-", label="PFR block code (real bits)")
    ax.plot(ns, [r["bound"] for r in runs], "--", label="(nR + log2(nR+1) + 5)/n")
    ax.axhline(res.rate, color="k", lw=0.8, label=f"R(D, P) = {res.rate:.3f}")
    ax.set_xlabel("block length n")
    ax.set_ylabel("bits per symbol")
    ax.set_yscale("log")
    ax.set_title("Bernoulli(0.3), D = 0.2, TV P = 0.05")
    ax.legend()
    fig.tight_layout()
    path = Path(outdir) / "rd_coding_theorem_rate_vs_n.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return [path]


CIRCLE_EC_TABLE = {0.25: (1.8337, 1.9135), 0.5: (1.5686, 1.7624), 0.75: (1.2055, 1.5317), 1.0: (0.7268, 1.1894),
                   2.0: (0.1994, 0.3789)}


@register("rd")
def circle_entropy_coded(size: str):
    """Entropy-coded circle codes (unequal cells, H(p) ≤ R): the digest's table, and the
    stochastic code with real rANS bits at R = 0.5."""
    from ..coding import quantize_pmf, rans_decode, rans_encode
    from .circle import _cells_distortion, circle_cells_decode_given, circle_cells_encode_given, circle_entropy_coded_cells
    out = []
    cells, starts = (5, 6) if size == "quick" else (8, 24)
    # The digest's table comes from its own local SLSQP run and is to be treated as upper bounds
    # (§2.1), so the claim is one-sided: our optimum must not be worse than the printed value.
    why = ("digest §2.1: local SLSQP optima, 'treat as upper bounds' -> one-sided (ours may be lower); tolerance "
           "5e-5 = half a unit of the 4th printed decimal (the digest's own optimum may sit that far above the "
           "printed number) + 1e-9 float slack")
    for rate, (ds, dd) in CIRCLE_EC_TABLE.items():
        a = circle_entropy_coded_cells(rate, True, cells, starts, seed=0)
        b = circle_entropy_coded_cells(rate, False, cells, starts, seed=0)
        out.append(at_most(f"circle_ec_sto_R{rate}", TA, f"min 2 − 2Σp sinc(πp) s.t. H(p) ≤ {rate} is at most the "
                           "digest's value", a.D, ds, why, tolerance=5e-5 + 1e-9, details={"entropy": a.entropy}))
        out.append(at_most(f"circle_ec_det_R{rate}", TA, f"min 2 − 2Σp sinc²(πp) s.t. H(p) ≤ {rate} is at most the "
                           "digest's value", b.D, dd, why, tolerance=5e-5 + 1e-9, details={"entropy": b.entropy}))
    # real bits at R = 0.5: rotated partition + dither, cell index rANS-coded with the cell pmf,
    # the decoder reads the cell indices back from the rANS bytes and reconstructs from those
    a = circle_entropy_coded_cells(0.5, True, cells, starts, seed=0)
    p = a.p[a.p > 1e-9]
    p = p / p.sum()
    n = 50_000 if size == "quick" else 500_000
    idx = np.arange(n, dtype=np.uint64)
    theta = 2 * math.pi * R.uniform(77, 0, idx)
    u = R.uniform(78, R.STREAM_DITHER, idx)
    k = circle_cells_encode_given(theta, u, p)
    cdf = quantize_pmf(p, 16)
    data = rans_encode(k, cdf, 16)
    try:
        k_dec = np.asarray(rans_decode(data, cdf, 16, n), dtype=np.int64)
        decoded_ok = bool(np.array_equal(k_dec, k))
    except ValueError:           # DecodeError is a ValueError
        k_dec, decoded_ok = None, False
    if decoded_ok:
        th = circle_cells_decode_given(k_dec, u, None, p, True)
        dist = circle_distortion(theta, th)
    else:                        # a lossless-coding failure sets NaN (verdict False), never an assert
        th = dist = np.full(n, np.nan)
    out.append(holds_exactly("circle_ec_codec_roundtrip_R0.5", TA, f"rANS decode of the {8 * len(data)}-bit stream "
                             f"returns the encoder's {n} cell indices", int(not decoded_ok),
                             "lossless coding: exact on this fixed seed"))
    out.append(close("circle_ec_codec_distortion_R0.5", TA, f"measured distortion, {n} samples",
                     dist.mean(), _cells_distortion(p, True), 5 * dist.std() / math.sqrt(n) if decoded_ok else 0.0,
                     "5 standard errors of the sample mean (fixed seeds)"))
    out.append(at_most("circle_ec_codec_rate_R0.5", TA, "bits/sample of the rANS stream", 8 * len(data) / n if decoded_ok
                       else math.nan, 0.5 + 0.01,
                       "H(p) ≤ 0.5 plus the 16-bit model quantisation and the rANS flush (< 0.01 bit/sample here)"))
    out.append(at_least("circle_ec_codec_uniform_R0.5", TA, "KS p-value of the decoded angles against uniform",
                        stats.kstest(th / (2 * math.pi), "uniform").pvalue, 1e-4,
                        "fixed seed; a uniform output fails with probability 1e-4"))
    return out
