"""Mean-field inference in logistic LDA: the updates (U1)–(U3) and the ELBO, batched over groups.

Citation: I. Korshunova, H. Xiong, M. Fedoryszak, L. Theis, "Discriminative Topic Modeling with
Logistic LDA", NeurIPS 2019 (arXiv 1909.01436), mean-field inference; equations as rebuilt in the
digest ``shared/research/logistic_lda_and_anchors.md`` §1.3–1.4 (from the official code
``lucastheis/logistic_lda``). Spec: ``specs/logistic_lda.md``.

Model (one group d, unnormalised):
p(θ_d, k_d, c_d | x_d) ∝ Dir(θ_d; α) · Π_n θ_{d,k_dn} exp(g_{k_dn}(x_dn)) · θ_{d,c_d}^λ.

| symbol | name | shape / meaning |
|---|---|---|
| g(x_dn) | ``g`` | (N, K) item logits, all groups' items stacked (flat) |
| group d's items | ``offsets`` | (D+1,) ints: items of group d are rows offsets[d]:offsets[d+1] |
| α | ``alpha`` | (K,) Dirichlet concentration, α_k > 0 (a scalar a means a·1, broadcast to (K,)) |
| λ | ``lam`` | weight of the label factor θ_c^λ, λ ≥ 0 |
| c_d | ``c`` | (D,) observed group labels, −1 = unobserved (None: all unobserved) |
| p̂_dn = q(k_dn) | ``p_hat_dn`` | (N, K) item topic posteriors |
| p̂_d = q(c_d) | ``p_hat_d`` | (D, K) group label posteriors |
| α̂_d | ``alpha_hat`` | (D, K) variational Dirichlet parameters |
| ψ | ``scipy.special.digamma`` (twin) / ``_kernels.digamma`` | digamma |
| L_d | ``lda_elbo_nats`` | ELBO of group d, nats |

Updates (each maximises L_d exactly in its own block):
(U1) p̂_dn = softmax(g(x_dn) + ψ(α̂_d)); (U2) p̂_d = softmax(λ ψ(α̂_d)) or onehot(c_d) if observed;
(U3) α̂_d = α + Σ_n p̂_dn + λ p̂_d. Schedule (Appendix B of the digest): p̂_dn and p̂_d start
uniform (p̂_d = onehot(c_d) if observed); each sweep is (U3), (U1), (U3), (U2); a final (U3)
makes the returned α̂ consistent with the returned p̂.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import digamma, entr, gammaln

__all__ = [
    "LdaPosterior",
    "lda_group_offsets",
    "lda_update_items",
    "lda_update_labels",
    "lda_update_alpha_hat",
    "lda_elbo_nats",
    "lda_infer",
    "lda_infer_twin",
]


class LdaPosterior(NamedTuple):
    """Variational posterior q(θ, k, c) = Π_d Dir(θ_d; α̂_d) Cat(c_d; p̂_d) Π_n Cat(k_dn; p̂_dn)
    (mean field, digest §1.3–1.4).

    Fields:
        p_hat_dn: (N, K) item topic posteriors q(k_dn), flat in the ``offsets`` layout.
        p_hat_d: (D, K) group label posteriors q(c_d) (onehot(c_d) where c_d is observed).
        alpha_hat: (D, K) Dirichlet parameters α̂_d of q(θ_d).
    """

    p_hat_dn: np.ndarray
    p_hat_d: np.ndarray
    alpha_hat: np.ndarray


# --- validation (ValueError naming the argument) ----------------------------------------------

#: Upper limit on ``sweeps``: mean-field converges in tens of sweeps (the default is 30), so more
#: than 10^6 is a caller error; without a cap ``sweeps=10**12`` would run for days in the kernel.
MAX_SWEEPS = 1_000_000
#: Tolerance on the row sums of p̂_dn and p̂_d given to :func:`lda_elbo_nats`.
SIMPLEX_TOL = 1e-9


def _finite_2d(x, name: str, cols: str = "K") -> np.ndarray:
    a = np.asarray(x, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (rows, {cols}), got shape {a.shape}")
    if a.shape[1] < 1:
        raise ValueError(f"{name} must have at least one column ({cols} >= 1), got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return a


def _offsets(offsets, n_items: int) -> np.ndarray:
    o = np.asarray(offsets)
    if o.ndim != 1 or o.size < 1 or not np.issubdtype(o.dtype, np.integer):
        raise ValueError(f"offsets must be a 1-D integer array of length D+1, got {o.dtype} shape {o.shape}")
    o = o.astype(np.int64)
    if o[0] != 0 or o[-1] != n_items or np.any(np.diff(o) < 0):
        raise ValueError(f"offsets must be non-decreasing from 0 to N = {n_items}")
    return o


def _alpha(alpha, K: int) -> np.ndarray:
    """α as a (K,) float array; a scalar a is the symmetric prior a·1 (accepted everywhere)."""
    try:
        a = np.asarray(alpha, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"alpha must be a positive scalar or a (K,) = ({K},) array of reals, got {alpha!r}") from None
    if a.ndim == 0:
        a = np.full(K, float(a))
    if a.shape != (K,):
        raise ValueError(f"alpha must be a scalar or have shape (K,) = ({K},) to match the K columns of g, "
                         f"got {a.shape}")
    if not np.all(np.isfinite(a)) or not np.all(a > 0):
        raise ValueError("alpha must be finite and > 0")
    return a


def _lam(lam) -> float:
    try:
        lam_f = float(lam)
    except (TypeError, ValueError):
        raise ValueError(f"lam must be a finite real >= 0, got {lam!r}") from None
    if not np.isfinite(lam_f) or lam_f < 0:
        raise ValueError(f"lam must be finite and >= 0, got {lam}")
    return lam_f


def _labels(c, D: int, K: int) -> np.ndarray:
    if c is None:
        return np.full(D, -1, dtype=np.int64)
    a = np.asarray(c)
    if a.shape != (D,) or not (a.size == 0 or np.issubdtype(a.dtype, np.integer)):
        raise ValueError(f"c must be an integer array of shape (D,) = ({D},), got {a.dtype} shape {a.shape}")
    if a.size and (a.min() < -1 or a.max() >= K):
        raise ValueError(f"c must be in [-1, K) = [-1, {K}) (-1 = unobserved)")
    return a.astype(np.int64)


def _alpha_hat(alpha_hat, D: int, K: int) -> np.ndarray:
    a = np.asarray(alpha_hat, dtype=np.float64)
    if a.shape != (D, K):
        raise ValueError(f"alpha_hat must have shape (D, K) = ({D}, {K}), got {a.shape}")
    if not np.all(np.isfinite(a)) or not np.all(a > 0):
        raise ValueError("alpha_hat must be finite and > 0")
    return a


def _probs(p, shape: tuple, name: str) -> np.ndarray:
    a = np.asarray(p, dtype=np.float64)
    if a.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {a.shape}")
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise ValueError(f"{name} must be finite and >= 0")
    return a


def _simplex_rows(p: np.ndarray, name: str) -> None:
    """Rows of a categorical posterior must sum to 1 (tolerance 1e-9: round-off of a K-term sum
    is ~K·1e-16, so 1e-9 only rejects inputs that are not distributions)."""
    if p.size and np.max(np.abs(p.sum(axis=1) - 1.0)) > SIMPLEX_TOL:
        raise ValueError(f"{name} rows must lie on the simplex (entries >= 0 summing to 1 within {SIMPLEX_TOL})")


def _check_sweeps(sweeps) -> int:
    if (isinstance(sweeps, (bool, np.bool_)) or not isinstance(sweeps, (int, np.integer))
            or not 0 <= sweeps <= MAX_SWEEPS):
        raise ValueError(f"sweeps must be an integer in [0, {MAX_SWEEPS}], got {sweeps!r}")
    return int(sweeps)


def _is_int(v) -> bool:
    """A Python or NumPy integer that is not a bool."""
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _pos_int(v, name: str) -> int:
    if not _is_int(v) or v < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {v!r}")
    return int(v)


def _nonneg_int(v, name: str) -> int:
    if not _is_int(v) or v < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {v!r}")
    return int(v)


def _real(v, name: str, positive: bool = False) -> float:
    """A finite real ≥ 0 (> 0 with ``positive``)."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        f = float("nan")
    if isinstance(v, (bool, np.bool_)) or not np.isfinite(f) or f < 0 or (positive and f == 0):
        raise ValueError(f"{name} must be a finite real {'> 0' if positive else '>= 0'}, got {v!r}")
    return f


def _group_index(offsets: np.ndarray) -> np.ndarray:
    """Group id of every item (length N)."""
    return np.repeat(np.arange(offsets.size - 1), np.diff(offsets))


def _softmax(z: np.ndarray) -> np.ndarray:
    """Row softmax by log-sum-exp."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _sum_by_group(p_hat_dn: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Σ_{n ∈ d} p̂_dn for every group (zeros for empty groups)."""
    out = np.zeros((offsets.size - 1, p_hat_dn.shape[1]))
    for d in range(offsets.size - 1):
        out[d] = p_hat_dn[offsets[d]:offsets[d + 1]].sum(axis=0)
    return out


# --- the updates ---------------------------------------------------------------------------------


def lda_group_offsets(sizes) -> np.ndarray:
    """offsets = (0, N_1, N_1 + N_2, …) from the group sizes N_d ≥ 0 (digest §1.4: a group d is
    the set of its items x_d1…x_dN_d; here they are stored flat, group d at rows
    offsets[d]:offsets[d+1] of every (N, ·) array — the layout in the module docstring)."""
    s = np.asarray(sizes)
    if s.ndim != 1 or not (s.size == 0 or np.issubdtype(s.dtype, np.integer)) or np.any(s < 0):
        raise ValueError("sizes must be a 1-D array of non-negative integers")
    return np.concatenate([[0], np.cumsum(s, dtype=np.int64)]).astype(np.int64)


def lda_update_items(g, offsets, alpha_hat) -> np.ndarray:
    """(U1) p̂_dn = softmax(g(x_dn) + ψ(α̂_d)) for every item n of every group d (digest §1.4)."""
    g = _finite_2d(g, "g")
    N, K = g.shape
    o = _offsets(offsets, N)
    ah = _alpha_hat(alpha_hat, o.size - 1, K)
    return _softmax(g + digamma(ah)[_group_index(o)])


def lda_update_labels(alpha_hat, lam, c=None) -> np.ndarray:
    """(U2) p̂_d = softmax(λ ψ(α̂_d)) if c_d is unobserved, onehot(c_d) if observed (digest §1.4)."""
    a = np.asarray(alpha_hat, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"alpha_hat must be a 2-D array (D, K), got shape {a.shape}")
    D, K = a.shape
    a = _alpha_hat(a, D, K)
    lam_f = _lam(lam)
    cc = _labels(c, D, K)
    p = _softmax(lam_f * digamma(a))
    seen = cc >= 0
    p[seen] = np.eye(K)[cc[seen]]
    return p


def lda_update_alpha_hat(p_hat_dn, offsets, p_hat_d, alpha, lam) -> np.ndarray:
    """(U3) α̂_d = α + Σ_n p̂_dn + λ p̂_d (digest §1.4)."""
    p = np.asarray(p_hat_dn, dtype=np.float64)
    if p.ndim != 2:
        raise ValueError(f"p_hat_dn must be a 2-D array (N, K), got shape {p.shape}")
    N, K = p.shape
    p = _probs(p, (N, K), "p_hat_dn")
    o = _offsets(offsets, N)
    pd = _probs(p_hat_d, (o.size - 1, K), "p_hat_d")
    return _alpha(alpha, K) + _sum_by_group(p, o) + _lam(lam) * pd


def lda_elbo_nats(g, offsets, alpha, lam, p_hat_dn, p_hat_d, alpha_hat, c=None) -> np.ndarray:
    """Per-group ELBO L_d in nats (digest §1.4), a lower bound on the log normaliser of group d's
    unnormalised posterior. With E[log θ_k] = ψ(α̂_k) − ψ(Σ_j α̂_j):

    L_d = log Γ(Σα) − Σ log Γ(α_k) + Σ_k (α_k − 1) E[log θ_k] + Σ_n Σ_k p̂_dnk (g_k(x_dn) + E[log θ_k])
          + λ Σ_k p̂_dk E[log θ_k] + H[Dir(α̂_d)] + Σ_n H[p̂_dn] + H[p̂_d] (the last only if c_d unobserved).

    The rows of ``p_hat_dn`` and ``p_hat_d`` must be distributions (row sums 1 within
    ``SIMPLEX_TOL`` = 1e-9), and p̂_d = onehot(c_d) exactly where c_d is observed: otherwise the
    formula is not the ELBO of any q in the mean-field family and ValueError is raised.
    """
    g = _finite_2d(g, "g")
    N, K = g.shape
    o = _offsets(offsets, N)
    D = o.size - 1
    a = _alpha(alpha, K)
    lam_f = _lam(lam)
    cc = _labels(c, D, K)
    p = _probs(p_hat_dn, (N, K), "p_hat_dn")
    pd = _probs(p_hat_d, (D, K), "p_hat_d")
    _simplex_rows(p, "p_hat_dn")
    _simplex_rows(pd, "p_hat_d")
    seen = cc >= 0
    if np.any(pd[seen] != np.eye(K)[cc[seen]]):
        raise ValueError("p_hat_d must equal onehot(c_d) for every group with an observed label c_d >= 0 "
                         "(q(c_d) is clamped by (U2))")
    ah = _alpha_hat(alpha_hat, D, K)

    a0 = ah.sum(axis=1, keepdims=True)
    e_log_theta = digamma(ah) - digamma(a0)  # (D, K)
    prior = gammaln(a.sum()) - gammaln(a).sum() + ((a - 1.0) * e_log_theta).sum(axis=1)
    items = _sum_by_group((p * (g + e_log_theta[_group_index(o)])).sum(axis=1, keepdims=True), o)[:, 0]
    label = lam_f * (pd * e_log_theta).sum(axis=1)
    h_dir = -gammaln(a0[:, 0]) + gammaln(ah).sum(axis=1) - ((ah - 1.0) * e_log_theta).sum(axis=1)
    h_items = _sum_by_group(entr(p).sum(axis=1, keepdims=True), o)[:, 0]
    h_label = np.where(cc < 0, entr(pd).sum(axis=1), 0.0)
    return prior + items + label + h_dir + h_items + h_label


# --- full inference ------------------------------------------------------------------------------


def _inputs(g, offsets, alpha, lam, c, sweeps):
    g = _finite_2d(g, "g")
    N, K = g.shape
    o = _offsets(offsets, N)
    a = _alpha(alpha, K)
    lam_f = _lam(lam)
    cc = _labels(c, o.size - 1, K)
    return g, o, a, lam_f, cc, _check_sweeps(sweeps)


def lda_infer(g, offsets, alpha, lam=1.0, c=None, sweeps: int = 30) -> LdaPosterior:
    """Mean-field inference for every group (Numba kernel; readable twin :func:`lda_infer_twin`).

    ``sweeps`` × [(U3), (U1), (U3), (U2)] from uniform p̂, then a final (U3) (digest §1.4, App. B).
    ``alpha`` is a (K,) array or a scalar a (the symmetric prior a·1); ``sweeps`` ∈ [0, 10^6].
    """
    from . import _kernels

    g, o, a, lam_f, cc, T = _inputs(g, offsets, alpha, lam, c, sweeps)
    N, K = g.shape
    D = o.size - 1
    p_dn = np.empty((N, K))
    p_d = np.empty((D, K))
    alpha_hat = np.empty((D, K))
    _kernels.infer(np.ascontiguousarray(g), o, a, lam_f, cc, T, p_dn, p_d, alpha_hat)
    return LdaPosterior(p_dn, p_d, alpha_hat)


def lda_infer_twin(g, offsets, alpha, lam=1.0, c=None, sweeps: int = 30) -> LdaPosterior:
    """Readable twin of :func:`lda_infer` (digest §1.4 updates (U1)–(U3), schedule of its
    Appendix B): ``sweeps`` × [(U3), (U1), (U3), (U2)] from uniform p̂ (onehot(c_d) where observed)
    and a final (U3), group by group in NumPy/SciPy. Same arguments, validation and result."""
    g, o, a, lam_f, cc, T = _inputs(g, offsets, alpha, lam, c, sweeps)
    N, K = g.shape
    D = o.size - 1
    p_dn = np.empty((N, K))
    p_d = np.empty((D, K))
    alpha_hat = np.empty((D, K))
    for d in range(D):
        g_d = g[o[d]:o[d + 1]]
        P = np.full(g_d.shape, 1.0 / K)                                 # p̂_dn, uniform start
        pc = np.eye(K)[cc[d]] if cc[d] >= 0 else np.full(K, 1.0 / K)   # p̂_d
        for _ in range(T):
            ahat = a + P.sum(axis=0) + lam_f * pc                       # (U3)
            P = _softmax(g_d + digamma(ahat))                           # (U1)
            ahat = a + P.sum(axis=0) + lam_f * pc                       # (U3)
            if cc[d] < 0:
                pc = _softmax(lam_f * digamma(ahat))                    # (U2)
        p_dn[o[d]:o[d + 1]] = P
        p_d[d] = pc
        alpha_hat[d] = a + P.sum(axis=0) + lam_f * pc                   # final (U3)
    return LdaPosterior(p_dn, p_d, alpha_hat)
