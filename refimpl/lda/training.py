"""Training g in logistic LDA: (A) ERM through unrolled sweeps, (B) VI-style with clamped labels,
(C) unsupervised with the topic-usage regularizer, (D) semi-supervised; the MLP baseline.

Citation: Korshunova, Xiong, Fedoryszak & Theis, "Discriminative Topic Modeling with Logistic
LDA", NeurIPS 2019; regimes as read from the official code (``logistic_lda_ce``,
``logistic_lda``/``logistic_lda_online``, ``mlp_online``) in the digest
``shared/research/logistic_lda_and_anchors.md`` §1.5–1.6. Gradients: :mod:`refimpl.autograd`.

| symbol | name | meaning |
|---|---|---|
| g(x) = MLP(x) ∈ R^K | :func:`lda_mlp` | item logits: ReLU hidden layers, linear output |
| T | ``sweeps`` | number of (unrolled) inference sweeps |
| CE(t, l) | ``_soft_ce`` | −Σ_k t_k log softmax_k(l) (targets need not sum to 1, as in the code) |
| γ | ``gamma`` | weight of the topic-usage regularizer |
| p_dn = softmax(g(x_dn)) | ``p`` | the "unbiased" item prediction |
| p̄ | ``p_bar`` | dataset-wide mean of p (running mean in the official code) |
| r_dnk = (p_dnk + ε)/((p̄_k + ε)K) | :func:`lda_topic_usage_target` | regularizer target, ε = 1e-6 |
| (A) loss | :func:`lda_erm_loss` | mean_d CE(onehot(c_d), ψ(α̂_d)) after T unrolled sweeps (λ = 1) |
| (B–D) loss | :func:`lda_vi_loss` | mean_dn CE(stopgrad(p̂_dn + γ r_dn), g(x_dn)) |

Randomness: parameters are drawn from ``refimpl.random`` stream 20 (normals; index = layer·2^32
+ position), so a seed fixes the initial model on any platform. Optimiser: Adam (Kingma & Ba
2015) from ``refimpl.autograd.optim``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import random as R
from ..autograd import ops, value_and_grad
from ..autograd.optim import adam_init, adam_update
from ..autograd.core import Tracer, primitive
from .inference import (_alpha, _check_sweeps, _finite_2d, _is_int, _labels, _lam, _nonneg_int, _offsets, _pos_int,
                        _real, lda_infer)

__all__ = [
    "LdaTrained",
    "lda_mlp_init",
    "lda_mlp",
    "lda_unrolled_inference",
    "lda_erm_loss",
    "lda_topic_usage_target",
    "lda_topic_usage_objective",
    "lda_vi_loss",
    "lda_train_erm",
    "lda_train_vi",
    "lda_train_mlp_baseline",
    "lda_mlp_group_predictions",
]

STREAM_PARAMS = 20
EPS_USAGE = 1e-6


class LdaTrained(NamedTuple):
    """Result of a training regime (digest §1.5 (A)–(D), §1.6).

    Fields:
        params: the trained MLP g, a list of layers ``{"w": (n_in, n_out), "b": (n_out,)}``
            (input layer first; evaluate with :func:`lda_mlp`).
        losses: (steps,) the training loss before each Adam step, in nats (the regime's loss:
            :func:`lda_erm_loss`, :func:`lda_vi_loss` or the baseline's CE + l2 term).
    """

    params: list
    losses: np.ndarray


# --- argument checks (ValueError naming the argument) -------------------------------------------


def _layer_sizes(sizes, name: str = "sizes") -> list[int]:
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
        raise ValueError(f"{name} must be a list of integers >= 1, got {sizes!r}")
    out = list(sizes)
    if not all(_is_int(v) and v >= 1 for v in out):
        raise ValueError(f"{name} must be a list of integers >= 1, got {sizes!r}")
    return [int(v) for v in out]


def _check_params(params0, sizes: list[int]) -> list[dict]:
    """``params0`` must be an MLP of layer sizes ``sizes`` = [features, *hidden, K], finite."""
    want = [((n_in, n_out), (n_out,)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    msg = f"params0 must be a list of {len(want)} layers {{'w', 'b'}} with shapes {want} (from [x.shape[1], *hidden, K])"
    if not isinstance(params0, (list, tuple)) or len(params0) != len(want):
        raise ValueError(msg)
    out = []
    for layer, (ws, bs) in zip(params0, want):
        if not isinstance(layer, dict) or set(layer) != {"w", "b"}:
            raise ValueError(msg)
        w = np.asarray(layer["w"], dtype=np.float64)
        b = np.asarray(layer["b"], dtype=np.float64)
        if w.shape != ws or b.shape != bs:
            raise ValueError(msg + f", got w {w.shape}, b {b.shape}")
        if not (np.all(np.isfinite(w)) and np.all(np.isfinite(b))):
            raise ValueError("params0 must be finite (no NaN or inf)")
        out.append({"w": w, "b": b})
    return out


# --- the item network g -------------------------------------------------------------------------


def lda_mlp_init(seed: int, sizes: list[int], out_scale: float = 1.0) -> list[dict]:
    """Parameters of an MLP with layer sizes ``sizes`` = [d_in, h_1, …, K] (digest §1.6): weights
    N(0, 1/fan_in) from ``refimpl.random`` stream 20 (the output layer's times ``out_scale``,
    finite > 0), biases 0.01 (the official bias init)."""
    sizes = _layer_sizes(sizes)
    if len(sizes) < 2:
        raise ValueError(f"sizes must list >= 2 positive layer widths, got {sizes}")
    out_scale = _real(out_scale, "out_scale", positive=True)
    params = []
    for layer, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        idx = np.arange(n_in * n_out, dtype=np.uint64) + np.uint64(layer << 32)
        w = R.normal(seed, STREAM_PARAMS, idx).reshape(n_in, n_out) / np.sqrt(n_in)
        if layer == len(sizes) - 2:
            w = w * out_scale
        params.append({"w": w, "b": np.full(n_out, 0.01)})
    return params


def lda_mlp(params: list[dict], x):
    """g(x) = W_L·relu(… relu(x W_1 + b_1) …) + b_L: ReLU hidden layers, linear output — the item
    network of the digest §1.6 (the official code's MLP with ReLU activations). ``x`` is (N, d_in)
    (an array or an autograd tracer), ``params`` as made by :func:`lda_mlp_init`; returns the (N, K)
    logits g(x_dn) of (U1)."""
    h = x
    for i, layer in enumerate(params):
        h = h @ layer["w"] + layer["b"]
        if i < len(params) - 1:
            h = ops.relu(h)
    return h


# --- differentiable inference (autograd) -------------------------------------------------------


def _segment_sums(x: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """out[d] = Σ_{n ∈ d} x[n] by differences of a running sum (0 for empty groups)."""
    cs = np.concatenate([np.zeros((1,) + x.shape[1:], dtype=x.dtype), np.cumsum(x, axis=0)])
    return cs[offsets[1:]] - cs[offsets[:-1]]


def _segment_sum_fwd(x, offsets):
    """Σ over each group's rows: out[d] = Σ_{n ∈ d} x[n]; backward copies ȳ_d to every item of d."""
    return _segment_sums(np.asarray(x), offsets), np.repeat(np.arange(offsets.size - 1), np.diff(offsets))


def _to_items_fwd(x, offsets):
    """Row d of x copied to every item of group d; backward sums ȳ over each group's items."""
    return np.asarray(x)[np.repeat(np.arange(offsets.size - 1), np.diff(offsets))], offsets


segment_sum = primitive("lda_segment_sum", _segment_sum_fwd, lambda gidx, g: (g[gidx],), 1e-7, 1e-9)
to_items = primitive("lda_to_items", _to_items_fwd, lambda o, g: (_segment_sums(g, o),), 1e-7, 1e-9)


def lda_unrolled_inference(g, offsets, alpha, lam: float = 1.0, sweeps: int = 20):
    """(p̂_dn, p̂_d, α̂_d) after ``sweeps`` unrolled sweeps of (U3), (U1), (U3), (U2) and a final
    (U3), labels unobserved; differentiable in ``g`` through :mod:`refimpl.autograd` (the
    ``logistic_lda_ce`` graph, digest §1.5 (A)). Same schedule as :func:`lda_infer`.

    Validated like :func:`lda_infer` (``sweeps`` ∈ [0, 10^6], α scalar or (K,), λ ≥ 0, offsets
    from 0 to N); finiteness of ``g`` is checked when it is an array (not inside a trace)."""
    return _unrolled(g, *_unrolled_args(g, offsets, alpha, lam, sweeps))


def _unrolled(g, o, alpha, lam, sweeps):
    """The unrolled sweeps of :func:`lda_unrolled_inference` on checked arguments."""
    D, K = o.size - 1, np.shape(g)[1]
    P = np.full(np.shape(g), 1.0 / K)
    pc = np.full((D, K), 1.0 / K)
    for _ in range(sweeps):
        ahat = alpha + segment_sum(P, offsets=o) + lam * pc                      # (U3)
        P = ops.softmax(g + to_items(ops.digamma(ahat), offsets=o), axis=1)        # (U1)
        ahat = alpha + segment_sum(P, offsets=o) + lam * pc                      # (U3)
        pc = ops.softmax(lam * ops.digamma(ahat), axis=1)                        # (U2)
    ahat = alpha + segment_sum(P, offsets=o) + lam * pc
    return P, pc, ahat


def _unrolled_args(g, offsets, alpha, lam, sweeps):
    """Checks of :func:`lda_unrolled_inference`: on ``np.shape(g)`` (g may be a tracer) and the
    untraced arguments; finiteness of g only when it is not a tracer."""
    shape = np.shape(g)
    if len(shape) != 2 or shape[1] < 1:
        raise ValueError(f"g must be a 2-D array (N, K) with K >= 1, got shape {shape}")
    if not isinstance(g, Tracer):
        _finite_2d(g, "g")
    o = _offsets(offsets, shape[0])
    return o, _alpha(alpha, shape[1]), _lam(lam), _check_sweeps(sweeps)


def _need_a_label(cc: np.ndarray, offsets: np.ndarray | None = None) -> np.ndarray:
    """Indices of the labelled groups; ValueError if there is none (with ``offsets``: none that
    has an item — an empty group's α̂_d does not depend on g, so its loss has zero gradient)."""
    seen = np.flatnonzero(cc >= 0)
    if seen.size == 0:
        raise ValueError("c must label at least one group (c_d >= 0): with no labelled group the "
                         "supervised loss is empty (a silent no-op)")
    if offsets is not None and not np.any(np.diff(offsets)[seen] > 0):
        raise ValueError("c must label at least one group that has items (c_d >= 0 and N_d >= 1): "
                         "otherwise the loss does not depend on g (zero gradient, a silent no-op)")
    return seen


def lda_erm_loss(g, offsets, c, alpha, sweeps: int = 20, lam: float = 1.0):
    """(A) mean over labelled groups of CE(onehot(c_d), softmax(ψ(α̂_d))), α̂ after ``sweeps``
    unrolled sweeps with λ = 1 and labels unobserved (digest §1.5 (A); ``logistic_lda_ce``).
    ``c`` (D,) in [−1, K) must label at least one group (ValueError otherwise)."""
    o, a, lam_f, T = _unrolled_args(g, offsets, alpha, lam, sweeps)
    c = _labels(c, o.size - 1, np.shape(g)[1])
    seen = _need_a_label(c)
    _, _, ahat = _unrolled(g, o, a, lam_f, T)
    logp = ops.log_softmax(ops.digamma(ahat), axis=1)
    onehot = np.zeros(np.shape(logp))
    onehot[seen, c[seen]] = 1.0
    return -ops.sum(logp * onehot) / seen.size


# --- the topic-usage regularizer ---------------------------------------------------------------


def lda_topic_usage_target(p, p_bar, eps: float = EPS_USAGE) -> np.ndarray:
    """r_dnk = (p_dnk + ε)/((p̄_k + ε)·K) (digest §1.5 (C); ``expected_topics`` in the code)."""
    p = np.asarray(p, dtype=np.float64)
    p_bar = np.asarray(p_bar, dtype=np.float64)
    return (p + eps) / ((p_bar + eps) * p.shape[-1])


def lda_topic_usage_objective(g) -> float:
    """(1/K) Σ_k log p̄_k with p̄ = mean_n softmax(g_n): the function whose gradient, times −γN,
    equals the gradient of Σ_n CE(stopgrad(γ r_n), g_n) at ε = 0 (digest §1.5 (C), P12).
    Differentiable (autograd ops)."""
    p = ops.softmax(g, axis=1)
    p_bar = ops.mean(p, axis=0)
    return ops.mean(ops.log(p_bar))


def _soft_ce(targets, logits):
    """Σ_n −Σ_k t_nk log softmax_k(l_n) (targets are constants)."""
    return -ops.sum(targets * ops.log_softmax(logits, axis=1))


def lda_vi_loss(g, targets):
    """(B–D) mean over items of CE(stopgrad(targets), g): the unbiased model learns to predict the
    biased topics (``logistic_lda``; digest §1.5 (B))."""
    return _soft_ce(np.asarray(targets), g) / max(np.shape(g)[0], 1)


# --- optimiser -------------------------------------------------------------------------------


def _fit(loss_of_params, params, steps: int, lr: float, decay: float = 1.0) -> LdaTrained:
    """Full-batch Adam for ``steps`` steps; learning rate lr·decay^(step/steps)."""
    state = adam_init(params)
    losses = np.empty(steps)
    vg = value_and_grad(loss_of_params)
    for t in range(1, steps + 1):
        loss, grads = vg(params)
        losses[t - 1] = float(loss)
        params, state = adam_update(params, grads, state, lr * decay ** ((t - 1) / max(steps, 1)))
    return LdaTrained(params, losses)


class _Checked(NamedTuple):
    x: np.ndarray
    offsets: np.ndarray
    c: np.ndarray
    K: int
    sizes: list
    steps: int
    lr: float


def _check_training(x, offsets, c, K, hidden, steps, lr) -> _Checked:
    """The arguments every regime shares: x (N, features) finite; offsets from 0 to N; K and the
    ``hidden`` widths integers ≥ 1 (bool is not an integer here); c (D,) in [−1, K); steps an
    integer ≥ 0; lr finite > 0. Returns them normalised, with sizes = [features, *hidden, K]."""
    x = _finite_2d(x, "x", cols="features")
    o = _offsets(offsets, x.shape[0])
    K = _pos_int(K, "K")
    hidden = _layer_sizes(hidden, "hidden")
    cc = _labels(c, o.size - 1, K)
    steps = _nonneg_int(steps, "steps")
    lr = _real(lr, "lr", positive=True)
    return _Checked(x, o, cc, K, [x.shape[1], *hidden, K], steps, lr)


# --- the regimes -------------------------------------------------------------------------------


def lda_train_erm(x, offsets, c, K: int, hidden: list[int], seed: int, alpha=1.0, sweeps: int = 10,
                  steps: int = 300, lr: float = 0.02, out_scale: float = 0.1,
                  params0: list | None = None) -> LdaTrained:
    """(A) supervised ERM: minimise :func:`lda_erm_loss` over the MLP's parameters by full-batch
    Adam, gradients through every unrolled sweep (digest §1.5 (A)). Item labels are never used.
    The output layer starts small (``out_scale``): with large initial logits and α < 1 the
    unrolled loss starts on a plateau (ψ is steep near 0). ``params0`` replaces the seeded start
    (its shapes must be those of [x.shape[1], *hidden, K]). ``c`` must label a group with items;
    α is a scalar or (K,); ``sweeps`` ∈ [0, 10^6]; out_scale finite > 0."""
    k = _check_training(x, offsets, c, K, hidden, steps, lr)
    a = _alpha(alpha, k.K)
    sweeps = _check_sweeps(sweeps)
    out_scale = _real(out_scale, "out_scale", positive=True)
    _need_a_label(k.c, k.offsets)
    params = lda_mlp_init(seed, k.sizes, out_scale) if params0 is None else _check_params(params0, k.sizes)
    x, o, cc = k.x, k.offsets, k.c
    return _fit(lambda p: lda_erm_loss(lda_mlp(p, x), o, cc, a, sweeps), params, k.steps, k.lr)


def lda_train_vi(x, offsets, c, K: int, hidden: list[int], seed: int, alpha=1.0, lam: float = 1.0,
                 gamma: float = 0.0, sweeps: int = 10, steps: int = 300, lr: float = 0.02,
                 eps: float = EPS_USAGE) -> LdaTrained:
    """(B) supervised VI (labels c_d ≥ 0 clamped, λ large), (C) unsupervised (c = None or all −1,
    λ = 1, γ > 0) and (D) semi-supervised (a mix) — one loop (digest §1.5 (B)–(D)).

    Each step: g = MLP(x); q = ``sweeps`` sweeps of inference from uniform (labels clamped where
    observed); p̄ = mean_n softmax(g) (the official running mean, here over the full batch);
    targets p̂_dn + γ r_dn held fixed; one Adam step on mean_dn CE(targets, g).

    Checks: α scalar or (K,), λ, γ and ε finite ≥ 0, ``sweeps`` ∈ [0, 10^6], and the shared ones
    of the other regimes (K, hidden, steps, lr, x, offsets, c)."""
    x, o, cc, K, sizes, steps, lr = _check_training(x, offsets, c, K, hidden, steps, lr)
    a = _alpha(alpha, K)
    lam_f = _lam(lam)
    gamma = _real(gamma, "gamma")
    eps = _real(eps, "eps")
    sweeps = _check_sweeps(sweeps)
    params = lda_mlp_init(seed, sizes)
    state = adam_init(params)
    losses = np.empty(steps)
    for t in range(1, steps + 1):
        g = lda_mlp(params, x)
        post = lda_infer(g, o, a, lam_f, cc, sweeps)
        targets = post.p_hat_dn
        if gamma > 0:
            p = np.exp(g - g.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            targets = targets + gamma * lda_topic_usage_target(p, p.mean(axis=0), eps)
        loss, grads = value_and_grad(lambda q: lda_vi_loss(lda_mlp(q, x), targets))(params)
        losses[t - 1] = float(loss)
        params, state = adam_update(params, grads, state, lr)
    return LdaTrained(params, losses)


def lda_train_mlp_baseline(x, offsets, c, K: int, hidden: list[int], seed: int, steps: int = 300,
                           lr: float = 0.02, l2: float = 0.0) -> LdaTrained:
    """The "no group structure" control (``mlp_online``, digest §1.5): softmax(g(x)) fitted to each
    item's *group* label by CE (+ l2·Σ‖W‖² weight decay, l2 finite ≥ 0); unlabelled groups are
    skipped, and at least one labelled item is required (ValueError otherwise)."""
    x, o, cc, K, sizes, steps, lr = _check_training(x, offsets, c, K, hidden, steps, lr)
    l2 = _real(l2, "l2")
    item_c = np.repeat(cc, np.diff(o))
    keep = np.flatnonzero(item_c >= 0)
    if keep.size == 0:
        raise ValueError("c must label at least one group that has items (c_d >= 0 and N_d >= 1): "
                         "otherwise the baseline's loss is empty (a silent no-op)")
    onehot = np.zeros((keep.size, K))
    onehot[np.arange(keep.size), item_c[keep]] = 1.0
    xs = x[keep]
    params = lda_mlp_init(seed, sizes)

    def loss(p):
        out = _soft_ce(onehot, lda_mlp(p, xs)) / keep.size
        for layer in p:
            out = out + l2 * ops.sum(layer["w"] * layer["w"])
        return out

    return _fit(loss, params, steps, lr)


def lda_mlp_group_predictions(g, offsets) -> np.ndarray:
    """The baseline's group prediction (the MLP control of the digest §1.5):
    argmax_k Σ_{n ∈ d} log softmax_k(g(x_dn)) (a product of the items' predictions; −1 for empty
    groups). The official evaluation instead averages the per-item hits with weights 1/N_d; both
    are reported in the docs."""
    g = _finite_2d(g, "g")
    o = _offsets(offsets, g.shape[0])
    logp = g - g.max(axis=1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(axis=1, keepdims=True))
    out = np.full(o.size - 1, -1, dtype=np.int64)
    for d in range(o.size - 1):
        if o[d + 1] > o[d]:
            out[d] = int(np.argmax(logp[o[d]:o[d + 1]].sum(axis=0)))
    return out
