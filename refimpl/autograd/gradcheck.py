"""Gradient checking by float64 central differences: the second route behind every backward.

Citation: central differences, error O(h²) + O(ε/h) (Nocedal & Wright, *Numerical
Optimization*, 2nd ed., §8.1, eq. 8.7).

| symbol | name | meaning |
|---|---|---|
| L(x) = ⟨ȳ, f(x)⟩ | ``loss`` | the scalar whose gradient is the vjp ȳ·∂f/∂x |
| h | ``h`` | step, scaled by max(1, |x_i|) per coordinate |
| (L(x + h eᵢ) − L(x − h eᵢ)) / 2h | :func:`numerical_vjp` | i-th coordinate of the numerical vjp |

Only forward evaluations are used, so this checks :mod:`.core` and every backward independently.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import numpy as np

from .core import vjp
from .tree import tree_flatten, tree_unflatten

__all__ = ["numerical_vjp", "VjpCheck", "check_vjp"]


def _loss(fn, args, dy, absolute: bool = False) -> float:
    out = fn(*args)
    f = np.abs if absolute else (lambda v: v)
    return float(sum(np.sum(f(np.asarray(d, np.float64) * np.asarray(o, np.float64)))
                     for d, o in zip(tree_flatten(dy)[0], tree_flatten(out)[0])))


def numerical_vjp(fn: Callable, args: tuple, dy: Any, h: float = 1e-6) -> tuple:
    """Central-difference estimate of pullback(ȳ) for every leaf of every argument (float64)."""
    flat = [tree_flatten(a) for a in args]
    grads = []
    for k, (leaves, d) in enumerate(flat):
        g_leaves = []
        for j, leaf in enumerate(leaves):
            base = np.array(leaf, dtype=np.float64)
            g = np.zeros_like(base)
            for i in np.ndindex(base.shape):
                step = h * max(1.0, abs(base[i]))
                vals = []
                for s in (step, -step):
                    moved = base.copy()
                    moved[i] += s
                    new = list(leaves)
                    new[j] = moved
                    a2 = list(args)
                    a2[k] = tree_unflatten(d, new)
                    vals.append(_loss(fn, a2, dy))
                g[i] = (vals[0] - vals[1]) / (2 * step)
            g_leaves.append(g)
        grads.append(tree_unflatten(d, g_leaves))
    return tuple(grads)


class VjpCheck(NamedTuple):
    ok: bool
    max_abs_err: float
    max_rel_err: float  # |analytic − numeric| / max(|numeric|, 1e-12), over coordinates failing atol


def check_vjp(fn: Callable, args: tuple, dy: Any, rtol: float, atol: float, h: float = 1e-6) -> VjpCheck:
    """Compare ``vjp(fn, *args)[1](dy)`` with :func:`numerical_vjp`:
    |a − n| ≤ atol·(1 + S) + rtol·|n|, S = Σ|ȳ ⊙ f(x)|.

    The round-off of a central difference is about ε·S/h (ε the float64 epsilon), hence the
    absolute tolerance scales with S, the size of the summands of L."""
    scale = 1.0 + _loss(fn, args, dy, absolute=True)
    atol = atol * scale
    _, pullback = vjp(fn, *args)
    analytic, a_def = tree_flatten(pullback(dy))
    numeric, n_def = tree_flatten(numerical_vjp(fn, args, dy, h))
    # Compare structure before values: zip() would silently drop leaves a faulty pullback omits.
    if len(analytic) != len(numeric) or a_def != n_def:
        raise ValueError(f"pullback returned {len(analytic)} leaves in structure {a_def!r}; the "
                         f"arguments have {len(numeric)} leaves in structure {n_def!r}")
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        if np.shape(a) != np.shape(n):
            raise ValueError(f"pullback leaf {i} has shape {np.shape(a)}, argument leaf has {np.shape(n)}")
    ok, mabs, mrel = True, 0.0, 0.0
    for a, n in zip(analytic, numeric):
        err = np.abs(np.asarray(a, np.float64) - n)
        if err.size:
            mabs = max(mabs, float(err.max()))
            mrel = max(mrel, float((err / np.maximum(np.abs(n), 1e-12)).max()))
            ok = ok and bool(np.all(err <= atol + rtol * np.abs(n)))
    return VjpCheck(ok, mabs, mrel)
