"""The core of reverse-mode autograd: primitives as (forward, backward) pairs and ``vjp``.

Citation: reverse-mode automatic differentiation as vector–Jacobian products (Griewank & Walther,
*Evaluating Derivatives*, 2nd ed., SIAM 2008, ch. 3); the shape of the code follows micrograd
(a tape and a reverse sweep) and teenygrad (an op is a forward/backward pair keeping only what
its backward needs), made purely functional: no ``.grad`` fields, no global tape.

| symbol | name | meaning |
|---|---|---|
| f | ``fn`` | a pure function of pytrees of arrays |
| x | ``args`` | the point at which f is differentiated |
| y = f(x) | ``out`` | the primal output (a pytree) |
| ȳ | ``dout`` | output cotangent, same shapes as y |
| x̄ = ȳ · ∂f/∂x | ``pullback(dout)`` | input cotangents, same shapes as x |
| (forward, backward) | :class:`Primitive` | forward(x…) → (y, residuals); backward(residuals, ȳ) → (x̄…) |

How it works (``docs/autograd.md`` walks through it):

1. ``vjp(fn, *args)`` makes a fresh :class:`Trace` (a list, local to this call) and wraps every
   leaf of ``args`` in a :class:`Tracer` (a value, the trace, an integer id).
2. ``fn`` runs on the tracers. Every primitive call goes through :func:`apply`: if an argument is
   a tracer, it runs ``forward`` on the plain values and appends one record
   (primitive, residuals, input ids, output id) to the trace; otherwise it just returns the value.
   A model function therefore also runs, untraced and at full speed, on plain arrays.
3. ``pullback(dout)`` sweeps the records in reverse, calling each ``backward`` and summing the
   cotangents that arrive at each id. It can be called many times; it changes nothing.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import numpy as np

from .tree import tree_flatten, tree_map, tree_unflatten

__all__ = ["Primitive", "Tracer", "Trace", "primitive", "apply", "vjp", "value_and_grad", "value_of",
           "check_float_dtypes"]


class Primitive(NamedTuple):
    """An op as a pair of pure functions, plus the gradient-check tolerance stated with it.

    ``forward(*arrays, **static) -> (out, residuals)``;
    ``backward(residuals, dout) -> tuple`` with one cotangent (or None) per positional input.
    ``rtol``/``atol``: agreement with float64 central differences that tests demand."""

    name: str
    forward: Callable
    backward: Callable
    rtol: float
    atol: float


class Trace:
    """The tape of one ``vjp`` call: records (primitive, residuals, input ids, output id)."""

    __slots__ = ("records", "n_ids")

    def __init__(self) -> None:
        self.records: list[tuple] = []
        self.n_ids = 0

    def new_tracer(self, value) -> "Tracer":
        self.n_ids += 1
        return Tracer(value, self, self.n_ids - 1)


class Tracer:
    """A value seen by one trace. Arithmetic operators are defined in :mod:`.ops`."""

    __slots__ = ("value", "trace", "id")
    __array_ufunc__ = None  # ndarray ⊕ Tracer defers to Tracer's reflected operator

    def __init__(self, value, trace: Trace, id_: int) -> None:
        self.value, self.trace, self.id = value, trace, id_

    shape = property(lambda self: np.shape(self.value))
    dtype = property(lambda self: np.asarray(self.value).dtype)
    ndim = property(lambda self: np.ndim(self.value))
    size = property(lambda self: np.size(self.value))

    def __len__(self) -> int:
        return len(self.value)

    def __array__(self, *args, **kwargs):
        raise ValueError(f"{self!r} cannot become a NumPy array: inside traced code use the "
                         "refimpl.autograd ops (or ops.stop_gradient for a constant)")

    def __repr__(self) -> str:
        return f"Tracer(id={self.id}, shape={self.shape}, dtype={self.dtype})"


def value_of(x):
    """The plain value of a tracer (anything else is returned unchanged)."""
    return x.value if isinstance(x, Tracer) else x


def primitive(name: str, forward: Callable, backward: Callable, rtol: float = 1e-6,
              atol: float = 1e-8) -> Callable:
    """Make the user-facing op ``op(*args, **static)`` of a (forward, backward) pair.

    The op keeps its pair in ``op.prim`` so tests can check the backward against differences."""
    prim = Primitive(name, forward, backward, rtol, atol)

    def op(*args, **static):
        return apply(prim, *args, **static)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = forward.__doc__
    op.prim = prim
    return op


def apply(prim: Primitive, *args, **static):
    """Run ``prim`` on ``args``; record it on the trace if any argument is a tracer."""
    trace = None
    for a in args:
        if isinstance(a, Tracer):
            if trace is not None and a.trace is not trace:
                raise ValueError(f"{prim.name}: arguments come from two different vjp calls "
                                 "(nested differentiation is not supported)")
            trace = a.trace
    values = [a.value if isinstance(a, Tracer) else a for a in args]
    out, residuals = prim.forward(*values, **static)
    if trace is None:
        return out
    y = trace.new_tracer(out)
    ids = tuple(a.id if isinstance(a, Tracer) else None for a in args)
    trace.records.append((prim, residuals, ids, y.id))
    return y


def _as_input(x, where: str) -> np.ndarray:
    """A differentiable leaf: a float32/float64 array (Python floats become float64)."""
    if isinstance(x, float):
        return np.asarray(x, dtype=np.float64)
    if isinstance(x, Tracer):
        raise ValueError(f"vjp: input {where} is a Tracer of an outer vjp call "
                         "(nested differentiation is not supported)")
    a = np.asarray(x)
    if a.dtype not in (np.float32, np.float64):
        raise ValueError(f"vjp: input {where} of shape {a.shape} has dtype {a.dtype}; "
                         "differentiable inputs must be float32 or float64")
    return a


def vjp(fn: Callable, *args: Any) -> tuple[Any, Callable]:
    """(y, pullback) with y = fn(*args) and pullback(ȳ) = (x̄₁, …, x̄ₙ), one pytree per argument.

    Every leaf of every argument is differentiated (pass constants through a closure).
    Output leaves that do not depend on the inputs get no cotangent."""
    trace = Trace()
    flat, defs = [], []
    for k, arg in enumerate(args):
        leaves, d = tree_flatten(arg)
        flat.append([trace.new_tracer(_as_input(x, f"{k}, leaf {j}")) for j, x in enumerate(leaves)])
        defs.append(d)
    out = fn(*[tree_unflatten(d, lv) for d, lv in zip(defs, flat)])
    out_leaves, out_def = tree_flatten(out)
    primal = tree_unflatten(out_def, [value_of(x) for x in out_leaves])

    def pullback(dout: Any) -> tuple:
        d_leaves, d_def = tree_flatten(dout)
        if d_def != out_def:
            raise ValueError("pullback: cotangent tree differs in structure from the output")
        ct: dict[int, np.ndarray] = {}
        for y, g in zip(out_leaves, d_leaves):
            if isinstance(y, Tracer):
                ct[y.id] = _accumulate(ct.get(y.id), _check_cotangent(y.value, g))
        for prim, residuals, ids, out_id in reversed(trace.records):
            g = ct.pop(out_id, None)
            if g is None:
                continue  # this record does not reach the output
            grads = prim.backward(residuals, g)
            for i, gi in zip(ids, grads):
                if i is not None and gi is not None:
                    ct[i] = _accumulate(ct.get(i), gi)
        result = []
        for d, leaves in zip(defs, flat):
            grads = [ct.get(t.id, None) for t in leaves]
            grads = [np.zeros_like(t.value) if g is None else g for t, g in zip(leaves, grads)]
            result.append(tree_unflatten(d, grads))
        return tuple(result)

    return primal, pullback


def _accumulate(old, new):
    return new if old is None else old + new  # never in place: `new` may alias a residual


def _check_cotangent(y, g) -> np.ndarray:
    y = np.asarray(y)
    if isinstance(g, float):
        g = np.asarray(g, dtype=y.dtype)
    g = np.asarray(g)
    if g.shape != y.shape:
        raise ValueError(f"pullback: cotangent shape {g.shape} != output shape {y.shape}")
    if g.dtype != y.dtype:
        raise ValueError(f"pullback: cotangent dtype {g.dtype} != output dtype {y.dtype} "
                         f"(shape {y.shape}); cast it explicitly")
    return g


def value_and_grad(fn: Callable, argnum: int = 0, has_aux: bool = False) -> Callable:
    """``g(*args) -> (value, grad)``: fn must return a scalar (or ``(scalar, aux)`` with has_aux);
    grad is the gradient with respect to ``args[argnum]`` (a pytree like it)."""

    def wrapped(*args):
        def f_of_one(a):
            return fn(*args[:argnum], a, *args[argnum + 1:])

        out, pullback = vjp(f_of_one, args[argnum])
        value, aux = (out[0], out[1]) if has_aux else (out, None)
        value = np.asarray(value)
        if value.shape != ():
            raise ValueError(f"value_and_grad: fn must return a scalar, got shape {value.shape}")
        seed = np.ones((), dtype=value.dtype)
        dout = (seed, tree_map(np.zeros_like, aux)) if has_aux else seed
        (grad,) = pullback(dout)
        return ((value, aux), grad) if has_aux else (value, grad)

    return wrapped


def check_float_dtypes(name: str, *arrays) -> None:
    """ValueError if two floating arrays among ``arrays`` differ in dtype (no silent upcast).

    Python scalars are "weak" (NumPy 2 keeps the array's dtype) and are not checked."""
    seen = None
    for a in arrays:
        if isinstance(a, np.ndarray) and a.dtype.kind == "f":
            if seen is None:
                seen = a
            elif a.dtype != seen.dtype:
                raise ValueError(f"{name}: dtype mismatch {seen.dtype}{seen.shape} vs {a.dtype}{a.shape}; "
                                 "cast explicitly (refimpl never upcasts silently)")
