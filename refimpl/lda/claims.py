"""Claims of logistic LDA (Korshunova, Xiong, Fedoryszak & Theis, NeurIPS 2019) as runnable checks.

Properties P1, P5, P12, P14 of the digest (§1.9; the others are hypothesis tests in
``tests/lda``), the §1.8 toy table, and the trained regimes: ERM vs the ideal g and the MLP
baseline, unsupervised recovery and collapse without the regularizer.

| symbol | name | meaning |
|---|---|---|
| L_d | ``lda_elbo_nats`` | ELBO of group d |
| sep | ``sep`` | scale of the toy's topic means |
| γ | ``gamma`` | topic-usage regularizer weight |
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ..claims import at_least, at_most, close, holds_exactly, register, register_figure
from . import experiments as X
from .inference import (lda_elbo_nats, lda_group_offsets, lda_infer, lda_update_alpha_hat,
                        lda_update_items, lda_update_labels)
from .special import ROOT, lda_digamma
from .toy import lda_toy_accuracies
from .training import _soft_ce, lda_topic_usage_objective, lda_topic_usage_target

PAPER = "Korshunova, Xiong, Fedoryszak & Theis 2019, Discriminative Topic Modeling with Logistic LDA"


@register("lda")
def digamma_accuracy(size: str):
    """The Numba digamma agrees with scipy.special.digamma to 1e-12 relative on x > 0."""
    n = 20_001 if size == "quick" else 400_001
    x = np.concatenate([np.logspace(-300, 300, n), np.linspace(1e-3, 40, n), ROOT + np.linspace(-0.4, 0.4, n)])
    ref = special.digamma(x)
    rel = float(np.max(np.abs(lda_digamma(x) - ref) / np.abs(ref)))
    return at_most("lda_digamma_vs_scipy", PAPER,
                   f"max relative error of the Numba ψ against SciPy over {x.size} points in [1e-300, 1e300]",
                   rel, 1e-12, "float64 round-off is ~1e-16; 1e-12 is the issue's requirement")


def _random_problem(rng, max_groups=4, max_items=12):
    K = int(rng.integers(2, 8))
    sizes = rng.integers(0, max_items + 1, size=int(rng.integers(1, max_groups + 1)))
    o = lda_group_offsets(sizes)
    g = rng.normal(size=(o[-1], K)) * rng.choice([0.1, 1.0, 3.0, 10.0])
    alpha = np.exp(rng.uniform(np.log(0.05), np.log(5.0), size=K))
    lam = float(rng.choice([0.0, 1.0, 5.0]))
    c = np.where(rng.random(o.size - 1) < 0.5, rng.integers(0, K, size=o.size - 1), -1)
    return g, o, alpha, lam, c


@register("lda")
def p1_monotone_elbo(size: str):
    """P1: every single update (U1), (U2), (U3) leaves the ELBO the same or higher."""
    n = 200 if size == "quick" else 2000
    rng = np.random.default_rng(20191)
    fails = 0
    worst = 0.0
    for _ in range(n):
        g, o, alpha, lam, c = _random_problem(rng)
        K = g.shape[1]
        P = rng.dirichlet(np.ones(K), size=g.shape[0])
        pc = rng.dirichlet(np.ones(K), size=o.size - 1)
        pc[c >= 0] = np.eye(K)[c[c >= 0]]
        ah = np.exp(rng.uniform(-2, 3, size=(o.size - 1, K)))
        L = lda_elbo_nats(g, o, alpha, lam, P, pc, ah, c)
        for step in range(9):
            if step % 3 == 0:
                ah = lda_update_alpha_hat(P, o, pc, alpha, lam)
            elif step % 3 == 1:
                P = lda_update_items(g, o, ah)
            else:
                pc = lda_update_labels(ah, lam, c)
            new = lda_elbo_nats(g, o, alpha, lam, P, pc, ah, c)
            drop = np.max((L - new) / (1 + np.abs(L)))
            worst = max(worst, float(drop))
            fails += int(drop > 1e-9)
            L = new
    return holds_exactly("lda_p1_monotone_elbo", PAPER,
                         f"no single update lowers the ELBO by more than 1e-9·(1+|L|) in {9 * n} updates "
                         f"of {n} random problems (worst relative drop {worst:.1e})", fails,
                         "float64 round-off of an ELBO of a few hundred terms is ~1e-14 relative",
                         details={"worst_relative_drop": worst})


def _blei(words, alpha, beta, iters):
    """Blei, Ng & Jordan (2003) variational E-step for one document, plain loops."""
    K, N = len(alpha), len(words)
    phi = np.full((N, K), 1.0 / K)
    gamma = alpha + N / K
    for _ in range(iters):
        for n in range(N):
            u = beta[:, words[n]] * np.exp(special.digamma(gamma))
            phi[n] = u / u.sum()
        gamma = alpha + phi.sum(axis=0)
    return phi, gamma


@register("lda")
def p5_reduces_to_lda(size: str):
    """P5: with g = log β[:, w] and λ = 0 the fixed point is LDA's variational E-step."""
    n = 20 if size == "quick" else 200
    rng = np.random.default_rng(2003)
    worst = 0.0
    for _ in range(n):
        K, V = int(rng.integers(2, 6)), int(rng.integers(2, 10))
        beta = rng.dirichlet(np.full(V, 0.5), size=K)
        alpha = np.exp(rng.uniform(np.log(0.1), np.log(3.0), size=K))
        sizes = rng.integers(1, 15, size=3)
        o = lda_group_offsets(sizes)
        words = rng.integers(0, V, size=o[-1])
        post = lda_infer(np.log(beta[:, words]).T, o, alpha, 0.0, None, 300)
        for d in range(3):
            phi, gamma = _blei(words[o[d]:o[d + 1]], alpha, beta, 300)
            worst = max(worst, float(np.abs(post.p_hat_dn[o[d]:o[d + 1]] - phi).max()),
                        float(np.abs(post.alpha_hat[d] - gamma).max() / gamma.max()))
    return at_most("lda_p5_blei_e_step", PAPER,
                   f"max difference from Blei et al.'s LDA E-step (φ, γ) over {3 * n} random documents",
                   worst, 1e-10, "same iteration in exact arithmetic; float64 round-off ~1e-15")


@register("lda")
def p12_regularizer_identity(size: str):
    """P12: CE with the fixed target γr has the gradient of −γN·(1/K)Σ_k log p̄_k (ε = 0).

    Measured against the autograd gradient of (1/K)Σ log p̄ (a different function from the CE
    with a constant target, so the identity is not circular); central differences of the
    objective are reported in ``details`` (and asserted in tests/lda/test_training.py)."""
    from ..autograd import value_and_grad

    rng = np.random.default_rng(12)
    worst, worst_fd = 0.0, 0.0
    for _ in range(20 if size == "quick" else 200):
        N, K = int(rng.integers(1, 15)), int(rng.integers(2, 6))
        g = rng.normal(scale=2.0, size=(N, K))
        gamma = float(rng.uniform(0.1, 100))
        p = np.exp(g - g.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        r = lda_topic_usage_target(p, p.mean(axis=0), eps=0.0)
        _, lhs = value_and_grad(lambda h: _soft_ce(gamma * r, h))(g)
        _, grad = value_and_grad(lda_topic_usage_objective)(g)
        rhs = -gamma * N * grad
        scale = np.abs(rhs).max() + 1e-300
        worst = max(worst, float(np.abs(lhs - rhs).max() / scale))
        fd = np.zeros_like(g)
        h = 1e-6
        for i in np.ndindex(g.shape):
            e = np.zeros_like(g)
            e[i] = h
            fd[i] = (float(lda_topic_usage_objective(g + e)) - float(lda_topic_usage_objective(g - e))) / (2 * h)
        worst_fd = max(worst_fd, float(np.abs(lhs + gamma * N * fd).max() / scale))
    return at_most("lda_p12_regularizer_gradient", PAPER,
                   "relative gap between the CE-with-fixed-target gradient and −γN∇(1/K)Σ log p̄ "
                   f"(autograd); central differences agree to {worst_fd:.1e}",
                   worst, 1e-9, "an exact identity: float64 round-off ~1e-15 relative",
                   details={"central_difference_gap": worst_fd})


@register("lda")
def toy_table(size: str):
    """§1.8: item accuracy from g alone, with group inference, and group label accuracy.

    Three routes: (1) the digest's own draw (NumPy, reconstructed) through our inference must give
    its nine printed numbers; (2) with the digest's topic means held fixed, the mean over seeds of
    fresh groups must land within the issue's ±0.03; (3) over seeds that redraw the means too,
    group inference must raise item accuracy on every seed."""
    n = 100 if size == "quick" else 400
    cols = ("item accuracy from g alone", "item accuracy with group inference", "group label accuracy")
    out = []
    for sep, ref in X.DIGEST_TOY_TABLE.items():
        ref = np.array(ref)
        digest = X.digest_toy_draw(sep)
        exact = np.array(lda_toy_accuracies(digest))
        out.append(at_most(
            f"lda_toy_table_sep_{sep:g}_digest_draw", PAPER,
            f"sep = {sep:g}: the digest's own data (NumPy default_rng(1), reconstructed) through lda_infer gives "
            f"its table row {ref.tolist()}: we get {np.round(exact, 4).tolist()}; largest |difference|",
            float(np.abs(exact - ref).max()), 5e-4,
            "the table prints three decimals, so an exact reproduction differs by at most half a unit (5e-4)",
            details={"ours": exact.tolist(), "reference": ref.tolist()}))
        n_cond = 200 if size == "quick" else 1000   # the mean's sd ≤ 0.027/√n_cond: 0.0019 / 0.0009
        acc = X.toy_table_given_means(range(1, n_cond + 1), digest.mu)
        mean, sd = acc.mean(axis=0), acc.std(axis=0, ddof=1)
        gap = mean - ref
        out.append(at_most(
            f"lda_toy_table_sep_{sep:g}_over_seeds", PAPER,
            f"sep = {sep:g}, the digest's topic means, {n_cond} seeds of fresh groups (θ, k, ε from refimpl.random): "
            f"mean {np.round(mean, 3).tolist()} vs the digest's {ref.tolist()}; largest |mean − digest| over the "
            f"three columns ({', '.join(cols)})", float(np.abs(gap).max()), 0.03,
            "±0.03 is the issue's target (not derived). For scale: the mean has sd ≤ "
            f"{float(sd.max() / np.sqrt(n_cond)):.4f}; the digest's row is itself one draw of groups, with per-draw sd "
            f"{np.round(sd, 3).tolist()} (300 groups make the group-label column the noisiest)",
            details={"mean": mean.tolist(), "sd": sd.tolist(), "reference": ref.tolist(),
                     "fraction_of_seeds_within_0.03": np.mean(np.abs(acc - ref) <= 0.03, axis=0).tolist()}))
        acc_free = X.toy_table(range(1, n + 1), sep)
        gain = acc_free[:, 1] - acc_free[:, 0]
        out.append(at_least(
            f"lda_toy_group_context_gain_sep_{sep:g}", PAPER,
            f"sep = {sep:g}, {n} seeds each drawing new topic means and groups: group inference raises item "
            f"accuracy over g alone on every seed (smallest gain {gain.min():.3f}, mean {gain.mean():.3f})",
            float(gain.min()), 0.0, "no seed may lose accuracy (bound 0); 6000 items per seed",
            details={"mean_gain": float(gain.mean()), "mean": acc_free.mean(axis=0).tolist(),
                     "median": np.median(acc_free, axis=0).tolist(), "sd": acc_free.std(axis=0, ddof=1).tolist()}))
    return out


@register("lda")
def supervised_erm(size: str):
    """(A) ERM reaches the ideal-g group accuracy and beats the MLP baseline on item accuracy."""
    seeds = (1, 2, 3) if size == "quick" else tuple(range(1, 9))  # ≈ 5 s per seed (ERM + baseline)
    runs = [X.supervised_run(s, steps=150 if size == "quick" else 200) for s in seeds]
    gap = np.array([r.erm[2] - r.ideal[2] for r in runs])
    margin = np.array([r.erm[1] - r.mlp_item for r in runs])
    margin_inf = np.array([r.erm[1] - r.mlp_with_groups[1] for r in runs])
    details = {"seeds": list(seeds), "group_gap": gap.tolist(), "erm": [r.erm.tolist() for r in runs],
               "ideal": [r.ideal.tolist() for r in runs], "mlp_item": [r.mlp_item for r in runs],
               "mlp_group": [r.mlp_group for r in runs],
               "mlp_with_group_inference": [r.mlp_with_groups.tolist() for r in runs]}
    return [
        at_most("lda_erm_group_accuracy_vs_ideal", PAPER,
                f"toy sep 1.5, linear g, 500 training groups, 5 unrolled sweeps, α = 0.2: largest over seeds "
                f"{list(seeds)} of |ERM group acc. − ideal-g group acc.| on 500 held-out groups (per seed "
                + ", ".join(f"{g:+.3f}" for g in gap) + ")",
                float(np.abs(gap).max()), 0.03,
                "±0.03 is the issue's target (not derived), here for every seed; for scale, one accuracy over "
                "500 groups has a binomial sd ≈ 0.015, the paired difference less",
                details=details),
        at_least("lda_erm_beats_mlp_items", PAPER,
                 "smallest over seeds of (ERM item acc. with group inference − MLP-baseline item acc.); the "
                 "baseline (digest §1.5, the official mlp_online) predicts an item from the item alone (argmax g)",
                 float(margin.min()), 0.0,
                 "ERM at least as accurate on every seed (bound 0: any deficit fails); 10 000 held-out items "
                 "per seed", details=details),
        at_least("lda_erm_beats_mlp_with_inference_items", PAPER,
                 "smallest over seeds of (ERM item acc. − item acc. of the baseline's g run through the same "
                 "group inference): the gain is from training g through inference, not from inference alone",
                 float(margin_inf.min()), 0.0,
                 "ERM at least as accurate on every seed (bound 0); the margin is thin on some seeds (per "
                 "seed in details), so this is reported, not derived", details=details),
    ]


@register("lda")
def unsupervised_recovery(size: str):
    """(C) with γ = 10 the topics are recovered up to permutation; with γ = 0 they collapse."""
    seeds = (1, 2, 3) if size == "quick" else tuple(range(1, 9))  # ≈ 1–2 s per VI run
    with_reg = [X.unsupervised_run(s, 10.0) for s in seeds]
    without = [X.unsupervised_run(s, 0.0)[0] for s in seeds]
    dist = np.array([r[0].max_distance for r in with_reg])
    ideal_dist = np.array([r[1].max_distance for r in with_reg])
    acc_gap = np.array([r[0].accuracy - r[1].accuracy for r in with_reg])
    usage = np.array([r[0].min_usage for r in with_reg])
    usage0 = np.array([r.min_usage for r in without])
    dist0 = np.array([r.max_distance for r in without])
    details = {"seeds": list(seeds), "max_distance": dist.tolist(), "ideal_max_distance": ideal_dist.tolist(),
               "accuracy_gap": acc_gap.tolist(), "min_usage": usage.tolist(), "min_usage_gamma0": usage0.tolist(),
               "max_distance_gamma0": dist0.tolist()}
    return [
        at_most("lda_unsupervised_means_recovered", PAPER,
                "toy sep 2, linear g, no labels, γ = 10: largest over seeds of the largest distance between a "
                f"matched recovered mean (Hungarian) and the true mean (median over seeds {np.median(dist):.3f})",
                float(dist.max()), 0.5,
                "a quarter of the means' prior scale sep = 2 (the ideal g scores 0.03–0.09 on the same data); "
                "the regularizer pulls topic usage towards uniform, so a seed with uneven true usage recovers "
                "its means less well (seed 4: 0.43)", details=details),
        at_least("lda_unsupervised_accuracy_vs_ideal", PAPER,
                 "smallest over seeds of (item acc. after matching − ideal-g item acc. with groups); median over "
                 f"seeds {np.median(acc_gap):+.3f}", float(acc_gap.min()), -0.1,
                 "'close to the ideal' read as within 10 points on every seed, bound set after a first "
                 "measurement (worst seed −0.053, median −0.016); 6000 held-out items per seed (sd ≈ 0.006)",
                 details=details),
        at_least("lda_unsupervised_all_topics_used", PAPER,
                 "with γ = 10, the least-used topic's share of items (min over seeds)", float(usage.min()), 0.1,
                 "uniform usage is 0.25; the toy's Dir(0.2) draws make usage uneven", details=details),
        at_most("lda_unsupervised_collapse_without_regularizer", PAPER,
                "NEGATIVE CHECK: with γ = 0 the least-used topic's share (max over seeds) — topics collapse",
                float(usage0.max()), 0.01, "a collapsed topic has share ≈ 0; 0.01 is 1/25 of uniform",
                details=details),
    ]


@register("lda")
def p14_online_vs_batch(size: str):
    """P14: the streaming estimator of Σ_n p̂_dn agrees with the batch fixed point."""
    epochs = 30 if size == "quick" else 200
    whole, shuffled = X.online_vs_batch(epochs=epochs)
    return [
        at_most("lda_p14_online_whole_groups", PAPER,
                "batches = whole groups (N̄ = N_d = 20, α = 1, 10 groups): max |s_d − Σ_n p̂_dn| after 200 passes",
                whole, 1e-9, "the update then is a batch sweep; converged to round-off"),
        at_most("lda_p14_online_shuffled", PAPER,
                f"shuffled minibatches of 5 (N̄ = N_d = 20, α = 1, 20 groups, {epochs} epochs): mean |s̄_d − Σ_n p̂_dn| / N_d, s̄ averaged over "
                "the last half of the epochs", shuffled, 0.01,
                "the running average fluctuates by O(√N̄) items and ψ is nonlinear, so a small bias remains "
                "(measured 0.0031 with 30 epochs, 0.0036 with 200, at α = 1; 0.004 at α = 0.2); 1% of N_d"),
    ]


@register_figure("lda")
def figure_toy(size: str, outdir):
    """Left: the toy (sep 2, seed 1) with true means, means recovered unsupervised with γ = 10 and
    the collapsed fit with γ = 0. Right: the §1.8 columns against sep: the digest's row and the
    mean ± sd over seeds of fresh groups with the digest's topic means."""
    from pathlib import Path

    import matplotlib.pyplot as plt

    from .toy import lda_toy_data
    from .training import lda_mlp, lda_train_vi

    data = lda_toy_data(1, 2.0, D=200)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
    ax = axes[0]
    ax.scatter(data.x[:, 0], data.x[:, 1], c=data.k, s=3, cmap="tab10", alpha=0.35)
    ax.scatter(data.mu[:, 0], data.mu[:, 1], marker="x", s=120, c="k", label="true μ_k")
    for gamma, marker, label in ((10.0, "o", "recovered, γ = 10"), (0.0, "^", "γ = 0 (collapse)")):
        res = lda_train_vi(data.x, data.offsets, None, 4, [], seed=1001, alpha=0.2, lam=1.0, gamma=gamma,
                           sweeps=10, steps=300, lr=0.05)
        P = lda_infer(lda_mlp(res.params, data.x), data.offsets, np.full(4, 0.2), 1.0, None, 30).p_hat_dn
        used = P.mean(axis=0) > 0.01
        m = (P.T @ data.x) / np.maximum(P.sum(axis=0), 1e-300)[:, None]
        ax.scatter(m[used, 0], m[used, 1], marker=marker, s=90, facecolors="none", edgecolors="r" if gamma else "b",
                   label=f"{label} ({used.sum()} topics used)")
    ax.set_title("unsupervised logistic LDA on the toy (sep 2)")
    ax.legend(fontsize=7, loc="best")
    ax = axes[1]
    n = 40 if size == "quick" else 400
    seps = [1.0, 1.5, 2.0]
    cond = [X.toy_table_given_means(range(1, n + 1), X.digest_toy_draw(s).mu) for s in seps]
    mean = np.array([a.mean(axis=0) for a in cond])
    sd = np.array([a.std(axis=0, ddof=1) for a in cond])
    ref = np.array([X.DIGEST_TOY_TABLE[s] for s in seps])
    for j, (name, col) in enumerate((("item, g alone", "C0"), ("item, with groups", "C1"), ("group label", "C2"))):
        ax.errorbar(seps, mean[:, j], yerr=sd[:, j], fmt="o-", color=col, capsize=3,
                    label=f"{name}: mean ± sd of {n} seeds, digest's μ")
        ax.plot(seps, ref[:, j], "s--", color=col, alpha=0.6, label=f"{name}: digest (its one draw)")
    ax.set_xlabel("sep")
    ax.set_ylabel("accuracy")
    ax.set_title("§1.8 toy: group context raises item accuracy")
    ax.legend(fontsize=7)
    fig.tight_layout()
    path = Path(outdir) / "lda_toy.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return [path]
