"""Pytrees: nested dicts, lists and tuples whose leaves are arrays (or scalars).

Model parameters, gradients and optimiser states are pytrees. Citation: the pytree idea of JAX
(``jax.tree_util``); nothing here depends on it.

| name | meaning |
|---|---|
| leaf | anything that is not a dict, list or tuple (an array, a float, None) |
| treedef | the structure without the leaves: ``tree_flatten`` returns it, ``tree_unflatten`` uses it |

Dicts are walked in sorted-key order so that two trees with the same keys flatten alike.
NamedTuples are tuples here: they flatten to their fields and rebuild with their own type.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

__all__ = [
    "tree_flatten",
    "tree_unflatten",
    "tree_leaves",
    "tree_map",
    "tree_add",
    "tree_sub",
    "tree_scale",
    "tree_zeros_like",
    "tree_vdot",
    "tree_size",
]


def _is_namedtuple(t) -> bool:
    return isinstance(t, tuple) and hasattr(t, "_fields")


def tree_flatten(tree: Any) -> tuple[list, Any]:
    """(leaves, treedef): the leaves in a fixed order and what is needed to rebuild the tree."""
    if isinstance(tree, dict):
        keys = sorted(tree)
        leaves, defs = [], []
        for k in keys:
            lv, d = tree_flatten(tree[k])
            leaves += lv
            defs.append(d)
        return leaves, ("dict", tuple(keys), tuple(defs))
    if isinstance(tree, (list, tuple)):
        leaves, defs = [], []
        for x in tree:
            lv, d = tree_flatten(x)
            leaves += lv
            defs.append(d)
        kind = type(tree) if _is_namedtuple(tree) else ("list" if isinstance(tree, list) else "tuple")
        return leaves, (kind, len(tree), tuple(defs))
    return [tree], "leaf"


def _count(treedef) -> int:
    if treedef == "leaf":
        return 1
    return sum(_count(d) for d in treedef[2])


def tree_unflatten(treedef: Any, leaves: list) -> Any:
    """Inverse of :func:`tree_flatten`."""
    leaves = list(leaves)
    if len(leaves) != _count(treedef):
        raise ValueError(f"treedef has {_count(treedef)} leaves, got {len(leaves)}")
    out, _ = _build(treedef, leaves, 0)
    return out


def _build(treedef, leaves, i):
    if treedef == "leaf":
        return leaves[i], i + 1
    kind, keys, defs = treedef
    kids = []
    for d in defs:
        x, i = _build(d, leaves, i)
        kids.append(x)
    if kind == "dict":
        return dict(zip(keys, kids)), i
    if kind == "list":
        return kids, i
    if kind == "tuple":
        return tuple(kids), i
    return kind(*kids), i  # a NamedTuple type


def tree_leaves(tree: Any) -> list:
    """The leaves of ``tree`` in flattening order."""
    return tree_flatten(tree)[0]


def tree_map(fn: Callable, tree: Any, *rest: Any) -> Any:
    """Apply ``fn`` leaf-wise; ``rest`` must have the same structure as ``tree``."""
    leaves, treedef = tree_flatten(tree)
    others = []
    for r in rest:
        lv, d = tree_flatten(r)
        if d != treedef:
            raise ValueError("tree_map: trees differ in structure "
                             f"({len(leaves)} leaves vs {len(lv)} leaves, or different keys)")
        others.append(lv)
    return tree_unflatten(treedef, [fn(*xs) for xs in zip(leaves, *others)])


def tree_add(a: Any, b: Any) -> Any:
    """Leaf-wise a + b."""
    return tree_map(lambda x, y: x + y, a, b)


def tree_sub(a: Any, b: Any) -> Any:
    """Leaf-wise a − b."""
    return tree_map(lambda x, y: x - y, a, b)


def tree_scale(a: Any, c: float) -> Any:
    """Leaf-wise c · a (c a Python float keeps each leaf's dtype)."""
    c = float(c)
    return tree_map(lambda x: x * c, a)


def tree_zeros_like(a: Any) -> Any:
    """A tree of zeros shaped and typed like ``a``."""
    return tree_map(np.zeros_like, a)


def tree_vdot(a: Any, b: Any) -> float:
    """Σ over leaves of ⟨a, b⟩ (float64 accumulation)."""
    return float(sum(np.vdot(np.asarray(x, np.float64), np.asarray(y, np.float64))
                     for x, y in zip(tree_leaves(a), tree_leaves(b))))


def tree_size(a: Any) -> int:
    """Total number of scalars in the leaves."""
    return int(sum(np.size(x) for x in tree_leaves(a)))
