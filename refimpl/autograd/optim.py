"""Optimisers and learning-rate schedules as pure functions (state in, state out).

Citation: Adam (Kingma & Ba, ICLR 2015, Algorithm 1, with bias correction); SGD with heavy-ball
momentum (Polyak 1964); cosine decay (Loshchilov & Hutter, SGDR, ICLR 2017, eq. 5) with linear
warm-up (Goyal et al. 2017). C3 trains with Adam and a cosine schedule (Kim et al. 2024, §4).

| symbol | name | meaning |
|---|---|---|
| θ, g | ``params``, ``grads`` | parameters and gradient (pytrees of one structure) |
| t | ``state.step`` | number of updates done |
| m, v | ``state.m``, ``state.v`` | first and second moment estimates |
| β₁, β₂, ε, η | ``b1``, ``b2``, ``eps``, ``lr`` | Adam's constants and step size |
| μ, u | ``momentum``, ``state.velocity`` | SGD momentum and velocity |

Every update returns new arrays; the inputs are never modified. Leaves keep their dtype.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from .tree import tree_flatten, tree_map, tree_unflatten, tree_zeros_like

__all__ = ["AdamState", "adam_init", "adam_update", "SGDState", "sgd_init", "sgd_update",
           "cosine_schedule", "warmup_schedule", "warmup_cosine_schedule"]


class AdamState(NamedTuple):
    step: int
    m: Any
    v: Any


def adam_init(params: Any) -> AdamState:
    """t = 0, m = v = 0 shaped like ``params``."""
    return AdamState(0, tree_zeros_like(params), tree_zeros_like(params))


def adam_update(params: Any, grads: Any, state: AdamState, lr: float = 1e-3, b1: float = 0.9,
                b2: float = 0.999, eps: float = 1e-8) -> tuple[Any, AdamState]:
    """One Adam step (Algorithm 1): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
    θ ← θ − η m̂/(√v̂ + ε) with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)."""
    lr, b1, b2, eps = float(lr), float(b1), float(b2), float(eps)
    t = state.step + 1
    c1, c2 = 1.0 - b1 ** t, 1.0 - b2 ** t
    p_l, d = tree_flatten(params)
    g_l, dg = tree_flatten(grads)
    if dg != d:
        raise ValueError("adam_update: grads and params differ in structure")
    m_l, v_l = tree_flatten(state.m)[0], tree_flatten(state.v)[0]
    new_p, new_m, new_v = [], [], []
    for p, g, m, v in zip(p_l, g_l, m_l, v_l):
        if np.shape(g) != np.shape(p) or np.asarray(g).dtype != np.asarray(p).dtype:
            raise ValueError(f"adam_update: gradient {np.asarray(g).dtype}{np.shape(g)} does not match "
                             f"parameter {np.asarray(p).dtype}{np.shape(p)}")
        m = b1 * m + (1.0 - b1) * g
        v = b2 * v + (1.0 - b2) * (g * g)
        new_p.append(p - (lr / c1) * m / (np.sqrt(v * (1.0 / c2)) + eps))
        new_m.append(m)
        new_v.append(v)
    return tree_unflatten(d, new_p), AdamState(t, tree_unflatten(d, new_m), tree_unflatten(d, new_v))


class SGDState(NamedTuple):
    velocity: Any


def sgd_init(params: Any) -> SGDState:
    """u = 0 shaped like ``params``."""
    return SGDState(tree_zeros_like(params))


def sgd_update(params: Any, grads: Any, state: SGDState, lr: float = 1e-2,
               momentum: float = 0.0) -> tuple[Any, SGDState]:
    """u ← μu + g, θ ← θ − ηu (plain SGD for μ = 0)."""
    lr, momentum = float(lr), float(momentum)
    vel = tree_map(lambda u, g: momentum * u + g, state.velocity, grads)
    return tree_map(lambda p, u: p - lr * u, params, vel), SGDState(vel)


def cosine_schedule(step: int, total_steps: int, lr_max: float, lr_min: float = 0.0) -> float:
    """η_t = η_min + ½(η_max − η_min)(1 + cos(π t/T)) for 0 ≤ t ≤ T, η_min after (SGDR eq. 5)."""
    if total_steps <= 0:
        raise ValueError(f"cosine_schedule: total_steps must be > 0, got {total_steps}")
    t = min(max(step, 0), total_steps) / total_steps
    return lr_min + 0.5 * (lr_max - lr_min) * (1.0 + math.cos(math.pi * t))


def warmup_schedule(step: int, warmup_steps: int, lr: float) -> float:
    """η_t = η (t + 1)/W for t < W, then η (linear warm-up)."""
    if warmup_steps < 0:
        raise ValueError(f"warmup_schedule: warmup_steps must be >= 0, got {warmup_steps}")
    return lr * min(1.0, (step + 1) / warmup_steps) if warmup_steps else lr


def warmup_cosine_schedule(step: int, warmup_steps: int, total_steps: int, lr_max: float,
                           lr_min: float = 0.0) -> float:
    """Linear warm-up to η_max over W steps, then cosine decay to η_min over the remaining T − W."""
    if not 0 <= warmup_steps < total_steps:
        raise ValueError(f"warmup_cosine_schedule: need 0 <= warmup_steps < total_steps, got {warmup_steps}, {total_steps}")
    if step < warmup_steps:
        return warmup_schedule(step, warmup_steps, lr_max)
    return cosine_schedule(step - warmup_steps, total_steps - warmup_steps, lr_max, lr_min)
