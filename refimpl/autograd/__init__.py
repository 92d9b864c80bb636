"""A small pure-functional reverse-mode autograd over NumPy arrays, with the layers and
optimisers tiny C3, the diffusion codec and logistic LDA need.

Read :mod:`.core` first (the whole mechanism), then :mod:`.ops` (primitives as forward/backward
pairs). Spec: ``specs/autograd.md``; tutorial: ``docs/autograd.md``.

Use the submodules as namespaces::

    from refimpl import autograd as ag
    y, pullback = ag.vjp(lambda p, x: ag.ops.tanh(x @ p["w"]), params, x)
    dparams, dx = pullback(dy)
"""

from . import catalog, core, image, nn, ops, optim, quant, tree
from .core import Primitive, Tracer, value_and_grad, vjp
from .optim import (AdamState, SGDState, adam_init, adam_update, cosine_schedule, sgd_init, sgd_update,
                    warmup_cosine_schedule, warmup_schedule)
from .vectors import AutogradVjp, autograd_vjp_case
from .tree import (tree_add, tree_flatten, tree_leaves, tree_map, tree_scale, tree_size, tree_sub,
                   tree_unflatten, tree_vdot, tree_zeros_like)

__all__ = ["Primitive", "Tracer", "vjp", "value_and_grad", *tree.__all__, *optim.__all__,
           "AutogradVjp", "autograd_vjp_case"]
