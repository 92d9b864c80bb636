"""Properties P1–P11 of the digest (§1.9) for mean-field inference (no training needed).

Tolerances are round-off scaled: float64 sums of at most a few hundred terms of size |L|, so
1e-9·(1 + |L|) leaves several orders of magnitude of headroom over the ~1e-14 relative round-off.
"""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import digamma

from refimpl.lda import (
    lda_elbo_nats,
    lda_group_offsets,
    lda_infer,
    lda_update_alpha_hat,
    lda_update_items,
    lda_update_labels,
)

from .strategies import problems


def _random_q(g, o, alpha, lam, c, seed):
    """A random (inconsistent) variational state; observed labels clamped to onehot(c)."""
    rng = np.random.default_rng(seed)
    K = g.shape[1]
    D = o.size - 1
    P = rng.dirichlet(np.ones(K), size=g.shape[0])
    pc = rng.dirichlet(np.ones(K), size=D)
    pc[c >= 0] = np.eye(K)[c[c >= 0]]
    ah = np.exp(rng.uniform(-2, 3, size=(D, K)))
    return P, pc, ah


# P1 -------------------------------------------------------------------------------------------


@given(problems(), st.integers(0, 2**31))
def test_p1_every_single_update_raises_elbo(prob, seed):
    g, o, alpha, lam, c = prob
    P, pc, ah = _random_q(g, o, alpha, lam, c, seed)

    def L(P, pc, ah):
        return lda_elbo_nats(g, o, alpha, lam, P, pc, ah, c)

    for _ in range(3):
        before = L(P, pc, ah)
        ah = lda_update_alpha_hat(P, o, pc, alpha, lam)              # (U3)
        after = L(P, pc, ah)
        assert np.all(after >= before - 1e-9 * (1 + np.abs(before)))
        P = lda_update_items(g, o, ah)                               # (U1)
        after2 = L(P, pc, ah)
        assert np.all(after2 >= after - 1e-9 * (1 + np.abs(after)))
        pc = lda_update_labels(ah, lam, c)                           # (U2)
        after3 = L(P, pc, ah)
        assert np.all(after3 >= after2 - 1e-9 * (1 + np.abs(after2)))


@given(problems(), st.integers(0, 2**31))
def test_p1_updates_are_block_maximisers(prob, seed):
    """Each update's output beats random perturbations of its own block (others fixed)."""
    g, o, alpha, lam, c = prob
    P, pc, ah = _random_q(g, o, alpha, lam, c, seed)
    rng = np.random.default_rng(seed + 1)
    ah = lda_update_alpha_hat(P, o, pc, alpha, lam)
    best = lda_elbo_nats(g, o, alpha, lam, P, pc, ah, c)
    for _ in range(5):
        other = ah * np.exp(rng.normal(scale=0.3, size=ah.shape))
        assert np.all(lda_elbo_nats(g, o, alpha, lam, P, pc, other, c) <= best + 1e-9 * (1 + np.abs(best)))
    P = lda_update_items(g, o, ah)
    best = lda_elbo_nats(g, o, alpha, lam, P, pc, ah, c)
    for _ in range(5):
        other = rng.dirichlet(np.ones(g.shape[1]), size=g.shape[0])
        assert np.all(lda_elbo_nats(g, o, alpha, lam, other, pc, ah, c) <= best + 1e-9 * (1 + np.abs(best)))


# P2 -------------------------------------------------------------------------------------------


@given(problems(), st.integers(0, 40))
def test_p2_normalisation_and_mass(prob, sweeps):
    g, o, alpha, lam, c = prob
    post = lda_infer(g, o, alpha, lam, c, sweeps)
    for p in (post.p_hat_dn, post.p_hat_d):
        assert np.all(p >= 0)
        np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-12)
    assert np.all(post.alpha_hat > 0)
    sizes = np.diff(o)
    np.testing.assert_allclose((post.alpha_hat - alpha).sum(axis=1), sizes + lam, rtol=1e-12, atol=1e-12)
    seen = c >= 0
    np.testing.assert_array_equal(post.p_hat_d[seen], np.eye(g.shape[1])[c[seen]])


# P3 -------------------------------------------------------------------------------------------


@settings(max_examples=30)
@given(problems(lams=(0.0, 1.0, 5.0)))
def test_p3_fixed_point(prob):
    g, o, alpha, lam, c = prob
    a = lda_infer(g, o, alpha, lam, c, 3000)
    b = lda_infer(g, o, alpha, lam, c, 3001)
    np.testing.assert_allclose(b.alpha_hat, a.alpha_hat, rtol=1e-8)
    np.testing.assert_allclose(b.p_hat_dn, a.p_hat_dn, atol=1e-8)
    # idempotence of (U1) and (U3) at the fixed point
    np.testing.assert_allclose(lda_update_items(g, o, a.alpha_hat), a.p_hat_dn, atol=1e-8)
    np.testing.assert_allclose(lda_update_alpha_hat(a.p_hat_dn, o, a.p_hat_d, alpha, lam), a.alpha_hat, rtol=1e-12)


# P4 -------------------------------------------------------------------------------------------


@given(problems(), st.integers(0, 2**31), st.integers(0, 15))
def test_p4_shift_invariance(prob, seed, sweeps):
    g, o, alpha, lam, c = prob
    b = np.random.default_rng(seed).normal(scale=20.0, size=(g.shape[0], 1))
    p1 = lda_infer(g, o, alpha, lam, c, sweeps)
    p2 = lda_infer(g + b, o, alpha, lam, c, sweeps)
    for x, y in zip(p1, p2):
        np.testing.assert_allclose(x, y, rtol=1e-9, atol=1e-11)
    L1 = lda_elbo_nats(g, o, alpha, lam, *p1, c)
    L2 = lda_elbo_nats(g + b, o, alpha, lam, *p1, c)
    shift = np.array([b[o[d]:o[d + 1]].sum() for d in range(o.size - 1)])
    np.testing.assert_allclose(L2 - shift, L1, rtol=1e-10, atol=1e-9)


# P5 -------------------------------------------------------------------------------------------


def blei_e_step(words, alpha, beta, iters):
    """Variational E-step of LDA for one document (Blei, Ng & Jordan 2003, Fig. 6), written
    independently with plain loops: φ_nk ∝ β_{k,w_n} exp(ψ(γ_k)); γ = α + Σ_n φ_n."""
    K = len(alpha)
    N = len(words)
    phi = [[1.0 / K] * K for _ in range(N)]
    gamma = [alpha[k] + N / K for k in range(K)]
    for _ in range(iters):
        for n in range(N):
            un = [beta[k][words[n]] * math.exp(digamma(gamma[k])) for k in range(K)]
            s = sum(un)
            phi[n] = [u / s for u in un]
        gamma = [alpha[k] + sum(phi[n][k] for n in range(N)) for k in range(K)]
    return np.array(phi).reshape(N, K), np.array(gamma)


@settings(max_examples=30)
@given(st.integers(2, 5), st.integers(2, 8), st.lists(st.integers(0, 10), min_size=1, max_size=3),
       st.integers(0, 2**31))
def test_p5_reduces_to_lda_e_step(K, V, sizes, seed):
    rng = np.random.default_rng(seed)
    beta = rng.dirichlet(np.ones(V) * 0.5, size=K)
    beta = np.maximum(beta, 1e-300)
    alpha = np.exp(rng.uniform(np.log(0.1), np.log(3.0), size=K))
    o = lda_group_offsets(np.array(sizes))
    words = rng.integers(0, V, size=o[-1])
    g = np.log(beta[:, words]).T                       # g_k(x) = log β_{k, x}
    post = lda_infer(g, o, alpha, 0.0, None, 500)
    for d in range(len(sizes)):
        phi, gamma = blei_e_step(words[o[d]:o[d + 1]].tolist(), alpha.tolist(), beta.tolist(), 500)
        np.testing.assert_allclose(post.p_hat_dn[o[d]:o[d + 1]], phi, atol=1e-10)
        np.testing.assert_allclose(post.alpha_hat[d], gamma, rtol=1e-10)


# P6 -------------------------------------------------------------------------------------------


@given(problems(), st.integers(0, 2**31), st.integers(0, 10))
def test_p6_item_permutation(prob, seed, sweeps):
    g, o, alpha, lam, c = prob
    rng = np.random.default_rng(seed)
    perm = np.concatenate([o[d] + rng.permutation(o[d + 1] - o[d]) for d in range(o.size - 1)]).astype(int)
    a = lda_infer(g, o, alpha, lam, c, sweeps)
    b = lda_infer(g[perm], o, alpha, lam, c, sweeps)
    np.testing.assert_allclose(b.p_hat_dn, a.p_hat_dn[perm], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b.alpha_hat, a.alpha_hat, rtol=1e-10)
    np.testing.assert_allclose(b.p_hat_d, a.p_hat_d, rtol=1e-9, atol=1e-12)


@given(problems(), st.integers(0, 2**31), st.integers(0, 10))
def test_p6_topic_permutation(prob, seed, sweeps):
    g, o, alpha, lam, c = prob
    sigma = np.random.default_rng(seed).permutation(g.shape[1])   # new topic j = old topic sigma[j]
    inv = np.argsort(sigma)
    c2 = np.where(c >= 0, inv[np.maximum(c, 0)], -1)
    a = lda_infer(g, o, alpha, lam, c, sweeps)
    b = lda_infer(g[:, sigma], o, alpha[sigma], lam, c2, sweeps)
    np.testing.assert_allclose(b.p_hat_dn, a.p_hat_dn[:, sigma], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b.p_hat_d, a.p_hat_d[:, sigma], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b.alpha_hat, a.alpha_hat[:, sigma], rtol=1e-10)


@given(problems(), st.integers(0, 10))
def test_p6_groups_never_interact(prob, sweeps):
    g, o, alpha, lam, c = prob
    whole = lda_infer(g, o, alpha, lam, c, sweeps)
    for d in range(o.size - 1):
        one = lda_infer(g[o[d]:o[d + 1]], np.array([0, o[d + 1] - o[d]]), alpha, lam, c[d:d + 1], sweeps)
        np.testing.assert_array_equal(one.p_hat_dn, whole.p_hat_dn[o[d]:o[d + 1]])
        np.testing.assert_array_equal(one.alpha_hat[0], whole.alpha_hat[d])
        np.testing.assert_array_equal(one.p_hat_d[0], whole.p_hat_d[d])


# P7 -------------------------------------------------------------------------------------------


def _p7_bound(sizes, lam, a):
    """(N_d + λ)(1/a + 1/a²)/4, the bound on max_k |p̂_dnk − softmax_k(g_n)| derived in
    :func:`test_p7_no_context_limit`."""
    return (sizes + lam) * (1.0 / a + 1.0 / a**2) / 4.0


@given(problems(lams=(0.0, 1.0, 5.0)))
def test_p7_no_context_limit(prob):
    """α = a·1, after ≥ 1 sweep: p̂_dn = softmax(g_n + v) with v_k = ψ(a + s_k), where
    s_k = Σ_n p̂_dnk + λ p̂_dk ∈ [0, N_d + λ] (rows of p̂ on the simplex).

    1. Spread of v: ψ is increasing and concave, so by the mean value theorem
       max_k v_k − min_k v_k ≤ ψ(a + N_d + λ) − ψ(a) ≤ (N_d + λ) ψ′(a) ≤ (N_d + λ)(1/a + 1/a²),
       using ψ′(a) ≤ 1/a + 1/a² for a > 0 (ψ′(a) > 1/a, so the bound 1/a alone would be false).
    2. Centring: softmax(g + v) = softmax(g + w) with w = v − ½(max v + min v)·1, and
       ‖w‖_∞ = ½(max v − min v).
    3. Softmax along z(t) = g + t·w: d softmax_k/dt = p_k (w_k − Σ_j p_j w_j) =
       p_k Σ_{j≠k} p_j (w_k − w_j), so |d softmax_k/dt| ≤ p_k (1 − p_k)·2‖w‖_∞ ≤ ½‖w‖_∞.
    Integrating over t ∈ [0, 1]: |p̂_dnk − softmax_k(g_n)| ≤ ½‖w‖_∞ ≤ (N_d + λ)(1/a + 1/a²)/4,
    which for a ≥ 1 implies the spec's (N_d + λ)/a. Slack 1e-12: round-off of ψ at a ≤ 1e8 and of
    the two softmaxes is ~1e-15."""
    g, o, _, lam, c = prob
    K = g.shape[1]
    sm = np.exp(g - g.max(axis=1, keepdims=True))
    sm /= sm.sum(axis=1, keepdims=True)
    errs = []
    for a in (1e2, 1e5, 1e8):
        post = lda_infer(g, o, np.full(K, a), lam, c, 20)
        bound = np.repeat(_p7_bound(np.diff(o), lam, a), np.diff(o))
        err = np.abs(post.p_hat_dn - sm).max(axis=1) if g.shape[0] else np.zeros(0)
        assert np.all(err <= bound + 1e-12)
        errs.append(err.max() if err.size else 0.0)
    assert errs[2] <= 1e-6


def test_p7_bound_is_close_to_tight():
    """The derived bound is not vacuous: one group, K = 2, one item with g = 0 and an observed label
    with λ ≫ N_d puts almost all of s in topic 0 (spread λ + O(N_d/a) of at most N_d + λ), so
    |p̂ − ½| ≈ spread·ψ′(a)/4 ≈ λ/(4a): within a factor 1.1 of the bound (ratio ≈ λ/(N_d + λ))."""
    a, N, lam = 1e6, 1, 1000.0
    post = lda_infer(np.zeros((N, 2)), np.array([0, N]), np.full(2, a), lam, np.array([0]), 20)
    err = np.abs(post.p_hat_dn - 0.5).max()
    bound = _p7_bound(np.array([N]), lam, a)[0]
    assert bound / 1.1 <= err <= bound, err / bound


# P8 -------------------------------------------------------------------------------------------


@given(problems(k_range=(2, 5)), st.integers(0, 2**31))
def test_p8_label_clamping(prob, seed):
    g, o, alpha, _, _ = prob
    K = g.shape[1]
    g = np.clip(g, -5.0, 5.0)
    B = 5.0
    c = np.random.default_rng(seed).integers(0, K, size=o.size - 1)
    lam = 1e12
    post = lda_infer(g, o, alpha, lam, c, 10)
    for d in range(o.size - 1):
        Nd = o[d + 1] - o[d]
        gap = digamma(lam) - digamma(alpha.max() + Nd) - 2 * B   # ψ(α̂_c) − max_{j≠c} ψ(α̂_j) − 2B
        rows = post.p_hat_dn[o[d]:o[d + 1]]
        assert np.all(1.0 - rows[:, c[d]] <= (K - 1) * np.exp(-gap) + 1e-15)
    # λ = 0: the label has no effect on p̂_dn and α̂
    free = lda_infer(g, o, alpha, 0.0, None, 10)
    clamped = lda_infer(g, o, alpha, 0.0, c, 10)
    np.testing.assert_array_equal(free.p_hat_dn, clamped.p_hat_dn)
    np.testing.assert_array_equal(free.alpha_hat, clamped.alpha_hat)


# P9 -------------------------------------------------------------------------------------------


@settings(max_examples=50)
@given(problems(max_groups=1), st.integers(0, 5), st.sampled_from([5.0, 20.0, 100.0]))
def test_p9_evidence_monotonicity(prob, j, strength):
    g, o, alpha, lam, _ = prob
    K = g.shape[1]
    j = j % K
    extra = np.zeros((1, K))
    extra[0, j] = strength
    a = lda_infer(g, o, alpha, lam, None, 3000)
    b = lda_infer(np.vstack([g, extra]), np.array([0, o[-1] + 1]), alpha, lam, None, 3000)
    assert b.alpha_hat[0, j] >= a.alpha_hat[0, j] - 1e-9
    assert b.p_hat_d[0, j] >= a.p_hat_d[0, j] - 1e-9


# P10 ------------------------------------------------------------------------------------------


@given(problems(observed=False), st.floats(0.01, 10.0), st.integers(0, 20))
def test_p10_symmetry(prob, a, sweeps):
    g, o, _, lam, c = prob
    K = g.shape[1]
    g_flat = np.repeat(g[:, :1], K, axis=1)             # every row constant across topics
    post = lda_infer(g_flat, o, np.full(K, a), lam, None, sweeps)
    np.testing.assert_allclose(post.p_hat_dn, 1.0 / K, rtol=1e-12)
    np.testing.assert_allclose(post.p_hat_d, 1.0 / K, rtol=1e-12)
    np.testing.assert_allclose(post.alpha_hat, np.broadcast_to(post.alpha_hat[:, :1], post.alpha_hat.shape), rtol=1e-12)


# P11 ------------------------------------------------------------------------------------------


@given(problems(max_items=3), st.sampled_from([1e2, 1e3]), st.sampled_from([1e-3, 1e-2, 1.0]))
def test_p11_robustness(prob, scale, a):
    g, o, _, lam, c = prob
    K = g.shape[1]
    g = np.sign(g) * scale                                  # |g| = 1e2 … 1e3
    alpha = np.full(K, a)
    post = lda_infer(g, o, alpha, lam, c, 30)
    for x in post:
        assert np.all(np.isfinite(x))
    np.testing.assert_allclose(post.p_hat_dn.sum(axis=1), 1.0, atol=1e-12)
    L = lda_elbo_nats(g, o, alpha, lam, *post, c)
    assert np.all(np.isfinite(L))
    empty = np.diff(o) == 0                                  # empty group: α̂ = α + λ p̂_d
    np.testing.assert_allclose(post.alpha_hat[empty], alpha + lam * post.p_hat_d[empty], rtol=1e-14)


def test_p11_empty_and_single_item_groups():
    K = 3
    o = lda_group_offsets(np.array([0, 1, 0]))
    g = np.array([[1e3, -1e3, 0.0]])
    post = lda_infer(g, o, np.full(K, 1e-3), 2.0, np.array([-1, -1, 2]), 50)
    assert all(np.all(np.isfinite(x)) for x in post)
    np.testing.assert_allclose(post.p_hat_dn, [[1.0, 0.0, 0.0]], atol=1e-300)
    np.testing.assert_allclose(post.alpha_hat[2], [1e-3, 1e-3, 2.001], rtol=1e-14)
    np.testing.assert_allclose(post.p_hat_d[0], 1.0 / K, rtol=1e-12)   # empty and unlabelled: symmetric
