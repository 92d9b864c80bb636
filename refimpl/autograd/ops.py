"""Primitives: arithmetic with broadcasting, reductions, shape ops and elementwise functions.

Citation: each backward is the textbook vector–Jacobian product of its forward (Griewank &
Walther 2008, ch. 3); formulas and gradient-check tolerances are tabulated in
``specs/autograd.md``. Every op is a (forward, backward) pair registered with
:func:`.core.primitive`; the numbers after each pair are its (rtol, atol) against float64 central
differences.

| symbol | name | meaning |
|---|---|---|
| x, y | ``x``, ``y`` | inputs (arrays, tracers or Python scalars) |
| ȳ | ``g`` | output cotangent |
| unbroadcast | :func:`unbroadcast` | sum ȳ over the axes that broadcasting added or stretched |
| σ | ``sigmoid`` | logistic function 1/(1 + e^{−x}) |
| ψ, ψ′ | ``digamma``, ``polygamma(1, ·)`` | digamma and trigamma |

Dtypes: outputs keep the float dtype of the inputs; mixing float32 and float64 arrays raises
ValueError (:func:`.core.check_float_dtypes`). Python scalars adapt to the array's dtype.
"""

from __future__ import annotations

import builtins

import numpy as np
from scipy import special

from . import _kernels
from .core import Tracer, check_float_dtypes, primitive, value_of

__all__ = [
    "unbroadcast", "add", "sub", "mul", "div", "neg", "matmul", "square", "sqrt",
    "sum", "mean", "reshape", "transpose", "concatenate", "getitem", "take", "pad",
    "exp", "log", "log1p", "softplus", "sigmoid", "tanh", "relu", "leaky_relu", "gelu", "clip",
    "logsumexp", "log_softmax", "softmax", "digamma", "gammaln", "abs", "power", "where", "stop_gradient",
]


def _scalar(x):
    """NumPy scalars become Python scalars, so they cannot upcast a float32 array."""
    return x.item() if isinstance(x, np.generic) else x


def unbroadcast(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``g`` down to ``shape``: the adjoint of broadcasting ``shape`` up to ``g.shape``."""
    if g.shape == tuple(shape):
        return g
    lead = g.ndim - len(shape)
    g = g.sum(axis=tuple(range(lead))) if lead > 0 else g
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    return g.sum(axis=stretched, keepdims=True) if stretched else g


def _binary_check(name, x, y):
    check_float_dtypes(name, x, y)
    try:
        np.broadcast_shapes(np.shape(x), np.shape(y))
    except ValueError:
        raise ValueError(f"{name}: shapes {np.shape(x)} and {np.shape(y)} do not broadcast") from None


# --- arithmetic --------------------------------------------------------------------------------

def _add_fwd(x, y):
    """x + y (broadcasting)."""
    x, y = _scalar(x), _scalar(y)
    _binary_check("add", x, y)
    return x + y, (np.shape(x), np.shape(y))


def _add_bwd(r, g):
    return unbroadcast(g, r[0]), unbroadcast(g, r[1])


def _sub_fwd(x, y):
    """x − y (broadcasting)."""
    x, y = _scalar(x), _scalar(y)
    _binary_check("sub", x, y)
    return x - y, (np.shape(x), np.shape(y))


def _sub_bwd(r, g):
    return unbroadcast(g, r[0]), unbroadcast(-g, r[1])


def _mul_fwd(x, y):
    """x · y (broadcasting)."""
    x, y = _scalar(x), _scalar(y)
    _binary_check("mul", x, y)
    return x * y, (x, y)


def _mul_bwd(r, g):
    x, y = r
    return unbroadcast(g * y, np.shape(x)), unbroadcast(g * x, np.shape(y))


def _div_fwd(x, y):
    """x / y (broadcasting)."""
    x, y = _scalar(x), _scalar(y)
    _binary_check("div", x, y)
    out = x / y
    return out, (np.shape(x), y, out)


def _div_bwd(r, g):
    xshape, y, out = r
    gx = g / y
    return unbroadcast(gx, xshape), unbroadcast(-gx * out, np.shape(y))


def _neg_fwd(x):
    """−x."""
    return -x, ()


add = primitive("add", _add_fwd, _add_bwd, 1e-7, 1e-9)
sub = primitive("sub", _sub_fwd, _sub_bwd, 1e-7, 1e-9)
mul = primitive("mul", _mul_fwd, _mul_bwd, 1e-7, 1e-9)
div = primitive("div", _div_fwd, _div_bwd, 1e-6, 1e-8)  # inputs kept away from y = 0
neg = primitive("neg", _neg_fwd, lambda r, g: (-g,), 1e-7, 1e-9)


def _matmul_fwd(a, b):
    """a @ b: (…, n, k) @ (…, k, m) → (…, n, m), batch axes broadcast; 1-D operands as in NumPy."""
    check_float_dtypes("matmul", a, b)
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim == 0 or b.ndim == 0 or a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} are not aligned "
                         "(last axis of a must equal the second-to-last axis of b)")
    return a @ b, (a, b)


def _matmul_bwd(r, g):
    a, b = r
    a2 = a[None, :] if a.ndim == 1 else a          # promote 1-D operands as NumPy does
    b2 = b[:, None] if b.ndim == 1 else b
    g2 = g
    if b.ndim == 1:
        g2 = g2[..., None]
    if a.ndim == 1:
        g2 = np.expand_dims(g2, -2)
    da = g2 @ np.swapaxes(b2, -1, -2)
    db = np.swapaxes(a2, -1, -2) @ g2
    da = unbroadcast(da, a2.shape).reshape(a.shape)
    db = unbroadcast(db, b2.shape).reshape(b.shape)
    return da, db


matmul = primitive("matmul", _matmul_fwd, _matmul_bwd, 1e-7, 1e-9)

square = primitive("square", lambda x: (x * x, x), lambda x, g: (2.0 * g * x,), 1e-6, 1e-8)


def _sqrt_fwd(x):
    """√x (x > 0 for the derivative)."""
    y = np.sqrt(x)
    return y, y


sqrt = primitive("sqrt", _sqrt_fwd, lambda y, g: (0.5 * g / y,), 1e-6, 1e-8)


# --- reductions --------------------------------------------------------------------------------

def _axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(f"axis {a} out of range for an array of {ndim} dimensions")
    return tuple(a % ndim for a in axes)


def _sum_fwd(x, axis=None, keepdims=False):
    """Σ over ``axis`` (None: all axes)."""
    x = np.asarray(x)
    axes = _axes(axis, x.ndim)
    return x.sum(axis=axes, keepdims=keepdims), (x.shape, axes, keepdims)


def _sum_bwd(r, g):
    shape, axes, keepdims = r
    if not keepdims:
        g = np.expand_dims(g, axes)
    return (np.broadcast_to(g, shape),)


def _mean_fwd(x, axis=None, keepdims=False):
    """Mean over ``axis`` (None: all axes)."""
    x = np.asarray(x)
    axes = _axes(axis, x.ndim)
    count = int(np.prod([x.shape[a] for a in axes]))
    return x.mean(axis=axes, keepdims=keepdims), (x.shape, axes, keepdims, count)


def _mean_bwd(r, g):
    shape, axes, keepdims, count = r
    (gx,) = _sum_bwd((shape, axes, keepdims), g)
    return (gx * (1.0 / count),)


sum = primitive("sum", _sum_fwd, _sum_bwd, 1e-7, 1e-9)  # noqa: A001 - ops.sum mirrors np.sum
mean = primitive("mean", _mean_fwd, _mean_bwd, 1e-7, 1e-9)


# --- shape ops ---------------------------------------------------------------------------------

def _reshape_fwd(x, shape):
    """x viewed with a new ``shape`` (same size)."""
    x = np.asarray(x)
    try:
        return x.reshape(shape), x.shape
    except ValueError:
        raise ValueError(f"reshape: cannot reshape shape {x.shape} into {tuple(np.atleast_1d(shape))}") from None


def _transpose_fwd(x, axes=None):
    """Permute axes (None: reverse them)."""
    x = np.asarray(x)
    axes = tuple(range(x.ndim))[::-1] if axes is None else tuple(axes)
    if sorted(a % max(x.ndim, 1) for a in axes) != list(range(x.ndim)):
        raise ValueError(f"transpose: axes {axes} are not a permutation for shape {x.shape}")
    return x.transpose(axes), axes


reshape = primitive("reshape", _reshape_fwd, lambda shape, g: (g.reshape(shape),), 1e-7, 1e-9)
transpose = primitive("transpose", _transpose_fwd,
                      lambda axes, g: (g.transpose(np.argsort([a % g.ndim for a in axes])),), 1e-7, 1e-9)


def _concatenate_fwd(*xs, axis=0):
    """Join arrays along ``axis``."""
    check_float_dtypes("concatenate", *xs)
    xs = [np.asarray(x) for x in xs]
    try:
        out = np.concatenate(xs, axis=axis)
    except ValueError:
        raise ValueError(f"concatenate: shapes {[x.shape for x in xs]} do not join along axis {axis}") from None
    sizes = np.cumsum([x.shape[axis] for x in xs])[:-1]
    return out, (sizes, axis)


_concat = primitive("concatenate", _concatenate_fwd,
                    lambda r, g: tuple(np.split(g, r[0], axis=r[1])), 1e-7, 1e-9)


def concatenate(arrays, axis: int = 0):
    """Join a list of arrays/tracers along ``axis`` (the adjoint splits the cotangent)."""
    return _concat(*arrays, axis=axis)


concatenate.prim = _concat.prim


def _is_basic(index) -> bool:
    idx = index if isinstance(index, tuple) else (index,)
    return builtins.all(isinstance(i, (int, slice, type(None), type(Ellipsis))) for i in idx)


def _getitem_fwd(x, index):
    """x[index]: slicing, integer and boolean/integer-array indexing."""
    x = np.asarray(x)
    try:
        return x[index], (x.shape, x.dtype, index)
    except IndexError as e:
        raise ValueError(f"getitem: index {index!r} invalid for shape {x.shape}: {e}") from None


def _getitem_bwd(r, g):
    shape, dtype, index = r
    dx = np.zeros(shape, dtype=dtype)
    if _is_basic(index):
        dx[index] = g                 # a basic index touches each element at most once
    else:
        np.add.at(dx, index, g)       # repeated indices accumulate
    return (dx,)


getitem = primitive("getitem", _getitem_fwd, _getitem_bwd, 1e-7, 1e-9)


def _take_fwd(x, indices, axis=0):
    """Gather: x.take(indices, axis) with integer ``indices`` (not differentiated)."""
    x, idx = np.asarray(x), np.asarray(indices)
    if idx.dtype.kind not in "iu":
        raise ValueError(f"take: indices must be integers, got dtype {idx.dtype}")
    if idx.size and (idx.min() < -x.shape[axis] or idx.max() >= x.shape[axis]):
        raise ValueError(f"take: indices out of range for axis {axis} of shape {x.shape}")
    return x.take(idx, axis=axis), (x.shape, x.dtype, idx, axis)


def _take_bwd(r, g):
    shape, dtype, idx, axis = r
    dx = np.zeros(shape, dtype=dtype)
    dxm = np.moveaxis(dx, axis, 0)                       # a view: writes land in dx
    gm = np.moveaxis(g, list(range(axis, axis + idx.ndim)), list(range(idx.ndim)))
    np.add.at(dxm, idx, gm)
    return dx, None


take = primitive("take", _take_fwd, _take_bwd, 1e-7, 1e-9)


def _pad_fwd(x, pad_width, mode="constant"):
    """np.pad with zeros (``constant``) or by repeating the edge (``edge``, "replicate")."""
    x = np.asarray(x)
    if mode not in ("constant", "edge"):
        raise ValueError(f"pad: mode must be 'constant' or 'edge', got {mode!r}")
    pw = tuple((int(a), int(b)) for a, b in pad_width)
    if len(pw) != x.ndim or builtins.any(a < 0 or b < 0 for a, b in pw):
        raise ValueError(f"pad: pad_width {pad_width} must give (before, after) >= 0 for each of shape {x.shape}")
    if mode == "edge" and builtins.any(n == 0 and (a or b) for n, (a, b) in zip(x.shape, pw)):
        raise ValueError(f"pad: cannot edge-pad an empty axis of shape {x.shape}")
    return np.pad(x, pw, mode=mode), (pw, mode)


def _pad_bwd(r, g):
    pw, mode = r
    for axis, (a, b) in enumerate(pw):
        n = g.shape[axis] - a - b
        core = np.moveaxis(g, axis, 0)
        inner = core[a:a + n]
        if mode == "edge" and (a or b):
            inner = inner.copy()
            inner[0] += core[:a].sum(axis=0)             # the a copies of the first row
            inner[-1] += core[a + n:].sum(axis=0)        # the b copies of the last row
        g = np.moveaxis(inner, 0, axis)
    return (g,)


pad = primitive("pad", _pad_fwd, _pad_bwd, 1e-7, 1e-9)


# --- elementwise -------------------------------------------------------------------------------

def _exp_fwd(x):
    """e^x."""
    y = np.exp(x)
    return y, y


def _log_fwd(x):
    """ln x (x > 0)."""
    return np.log(x), x


def _log1p_fwd(x):
    """ln(1 + x) (x > −1)."""
    return np.log1p(x), x


def _sigmoid(x):
    e = np.exp(-np.abs(x))                             # never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_fwd(x):
    """σ(x) = 1/(1 + e^{−x}), evaluated without overflow."""
    y = _sigmoid(x)
    return y, y


def _softplus_fwd(x):
    """ln(1 + e^x) = max(x, 0) + ln(1 + e^{−|x|}); derivative σ(x)."""
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x))), x


def _tanh_fwd(x):
    """tanh x."""
    y = np.tanh(x)
    return y, y


def _relu_fwd(x):
    """max(x, 0); derivative 1[x > 0]."""
    return np.maximum(x, 0.0), x > 0


def _leaky_relu_fwd(x, slope=0.01):
    """x if x > 0 else slope · x."""
    pos = x > 0
    return np.where(pos, x, slope * x), (pos, slope)


exp = primitive("exp", _exp_fwd, lambda y, g: (g * y,), 1e-6, 1e-8)
log = primitive("log", _log_fwd, lambda x, g: (g / x,), 1e-6, 1e-8)  # x ≥ 0.1 in tests
log1p = primitive("log1p", _log1p_fwd, lambda x, g: (g / (1.0 + x),), 1e-6, 1e-8)
sigmoid = primitive("sigmoid", _sigmoid_fwd, lambda y, g: (g * y * (1.0 - y),), 1e-6, 1e-8)
softplus = primitive("softplus", _softplus_fwd, lambda x, g: (g * _sigmoid(x),), 1e-6, 1e-8)
tanh = primitive("tanh", _tanh_fwd, lambda y, g: (g * (1.0 - y * y),), 1e-6, 1e-8)
relu = primitive("relu", _relu_fwd, lambda pos, g: (g * pos,), 1e-7, 1e-9)  # tests avoid |x| < 1e-3
leaky_relu = primitive("leaky_relu", _leaky_relu_fwd,
                       lambda r, g: (np.where(r[0], g, r[1] * g),), 1e-7, 1e-9)

_GELU_C = float(np.sqrt(2.0 / np.pi))  # a Python float: keeps float32 as float32


def _gelu_fwd(x, approximate=True):
    """GELU: x Φ(x) (``approximate=False``) or ½x(1 + tanh(√(2/π)(x + 0.044715x³))) (C3, JAX default)."""
    if approximate:
        t = np.asarray(x * x)                       # in place below: 2 allocations, not 8
        t *= 0.044715
        t += 1.0
        t *= x
        t *= _GELU_C
        np.tanh(t, out=t)
        y = t + 1.0                                 # y = ½x(1 + t), in place: each fresh array
        y *= x                                      # costs page faults, which dominate on VMs
        y *= 0.5
        return y, (x, t, True)
    cdf = 0.5 * (1.0 + special.erf(x * float(1 / np.sqrt(2.0))))
    return x * cdf, (x, cdf, False)


def gelu_tanh_bwd(x, t, g):
    """Readable twin of ``_kernels.gelu_tanh_bwd_kernel``: ȳ · d/dx[½x(1 + t)]."""
    dt = (1.0 - t * t) * _GELU_C * (1.0 + 3 * 0.044715 * x * x)
    return g * (0.5 * (1.0 + t) + 0.5 * x * dt)


def _gelu_bwd(r, g):
    x, t, approximate = r
    if approximate:
        if x.dtype == t.dtype == g.dtype and x.dtype.kind == "f" and x.size > 4096:
            flat = _kernels.gelu_tanh_bwd_kernel(np.ascontiguousarray(x).reshape(-1), t.reshape(-1),
                                                 np.ascontiguousarray(g).reshape(-1), _GELU_C)
            return (flat.reshape(x.shape),)
        return (gelu_tanh_bwd(x, t, g),)
    pdf = np.exp(-0.5 * x * x) * float(1 / np.sqrt(2 * np.pi))
    return (g * (t + x * pdf),)


gelu = primitive("gelu", _gelu_fwd, _gelu_bwd, 1e-6, 1e-8)


def _clip_fwd(x, low, high):
    """min(max(x, low), high) with scalar bounds; derivative 1 strictly inside."""
    return np.clip(x, low, high), (x > low) & (x < high)


clip = primitive("clip", _clip_fwd, lambda inside, g: (g * inside,), 1e-7, 1e-9)


def _digamma_fwd(x):
    """ψ(x) = d ln Γ(x)/dx; derivative the trigamma ψ′(x) = polygamma(1, x) (x > 0 in tests)."""
    x = np.asarray(x)
    return special.digamma(x).astype(x.dtype, copy=False), x


digamma = primitive("digamma", _digamma_fwd,
                    lambda x, g: (g * special.polygamma(1, x).astype(x.dtype, copy=False),), 1e-6, 1e-8)


def _gammaln_fwd(x):
    """ln Γ(x) (x > 0); derivative ψ(x). Logistic LDA's Dirichlet terms need it."""
    x = np.asarray(x)
    return special.gammaln(x).astype(x.dtype, copy=False), x


gammaln = primitive("gammaln", _gammaln_fwd,
                    lambda x, g: (g * special.digamma(x).astype(x.dtype, copy=False),), 1e-6, 1e-8)


def _abs_fwd(x):
    """|x|; derivative sign(x) (0 at 0)."""
    return np.abs(x), np.sign(x)


abs = primitive("abs", _abs_fwd, lambda sgn, g: (g * sgn,), 1e-7, 1e-9)  # noqa: A001; tests avoid 0


def _power_fwd(x, p):
    """x^p for a static real exponent p (x > 0 unless p is a non-negative integer)."""
    p = _scalar(p)
    if isinstance(p, Tracer) or np.ndim(p) != 0:
        raise ValueError(f"power: the exponent must be a static scalar, got shape {np.shape(p)}")
    return x ** p, (x, p)


power = primitive("power", _power_fwd, lambda r, g: (g * r[1] * r[0] ** (r[1] - 1),), 1e-6, 1e-8)


def _where_fwd(cond, x, y):
    """cond ? x : y elementwise (broadcasting); ``cond`` is a boolean array, not differentiated."""
    cond = np.asarray(cond)
    if cond.dtype != bool:
        raise ValueError(f"where: cond must be boolean, got dtype {cond.dtype} (shape {cond.shape})")
    _binary_check("where", _scalar(x), _scalar(y))
    return np.where(cond, x, y), (cond, np.shape(x), np.shape(y))


def _where_bwd(r, g):
    cond, xs, ys = r
    zero = np.zeros((), dtype=g.dtype)
    return None, unbroadcast(np.where(cond, g, zero), xs), unbroadcast(np.where(cond, zero, g), ys)


where = primitive("where", _where_fwd, _where_bwd, 1e-7, 1e-9)


# --- softmax family ----------------------------------------------------------------------------

def _lse(x, axis):
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    return m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))


def _logsumexp_fwd(x, axis=-1, keepdims=False):
    """ln Σ_axis e^x, stable (shift by the max); derivative softmax(x)."""
    x = np.asarray(x)
    lse = _lse(x, axis)
    out = lse if keepdims else np.squeeze(lse, axis=axis)
    return out, (np.exp(x - lse), axis, keepdims)


def _logsumexp_bwd(r, g):
    p, axis, keepdims = r
    return ((g if keepdims else np.expand_dims(g, axis)) * p,)


def _log_softmax_fwd(x, axis=-1):
    """x − logsumexp(x); derivative ȳ − softmax · Σȳ."""
    y = x - _lse(np.asarray(x), axis)
    return y, (y, axis)


def _log_softmax_bwd(r, g):
    y, axis = r
    return (g - np.exp(y) * g.sum(axis=axis, keepdims=True),)


def _softmax_fwd(x, axis=-1):
    """e^x / Σ e^x along ``axis``; derivative s ⊙ (ȳ − ⟨ȳ, s⟩)."""
    s = np.exp(x - _lse(np.asarray(x), axis))
    return s, (s, axis)


def _softmax_bwd(r, g):
    s, axis = r
    return (s * (g - (g * s).sum(axis=axis, keepdims=True)),)


logsumexp = primitive("logsumexp", _logsumexp_fwd, _logsumexp_bwd, 1e-6, 1e-8)
log_softmax = primitive("log_softmax", _log_softmax_fwd, _log_softmax_bwd, 1e-6, 1e-8)
softmax = primitive("softmax", _softmax_fwd, _softmax_bwd, 1e-6, 1e-8)


def stop_gradient(x):
    """The value of ``x`` with no path back to the inputs (treated as a constant)."""
    return value_of(x)


# --- operators on tracers ----------------------------------------------------------------------

def _install_operators() -> None:
    """x + y, x * y, x @ W, x ** p, x[i], -x, x.T … on tracers call the primitives above;
    x > y etc. return plain boolean arrays (for ``where`` and masks)."""
    T = Tracer
    T.__add__ = lambda a, b: add(a, b)
    T.__radd__ = lambda a, b: add(b, a)
    T.__sub__ = lambda a, b: sub(a, b)
    T.__rsub__ = lambda a, b: sub(b, a)
    T.__mul__ = lambda a, b: mul(a, b)
    T.__rmul__ = lambda a, b: mul(b, a)
    T.__truediv__ = lambda a, b: div(a, b)
    T.__rtruediv__ = lambda a, b: div(b, a)
    T.__matmul__ = lambda a, b: matmul(a, b)
    T.__rmatmul__ = lambda a, b: matmul(b, a)
    T.__neg__ = lambda a: neg(a)
    T.__pow__ = lambda a, p: power(a, p)
    T.__gt__ = lambda a, b: value_of(a) > value_of(b)     # comparisons give plain boolean arrays
    T.__lt__ = lambda a, b: value_of(a) < value_of(b)
    T.__ge__ = lambda a, b: value_of(a) >= value_of(b)
    T.__le__ = lambda a, b: value_of(a) <= value_of(b)
    T.__getitem__ = lambda a, i: getitem(a, i)
    T.T = property(lambda a: transpose(a))
    T.reshape = lambda a, *shape: reshape(a, shape[0] if len(shape) == 1 else shape)
    T.sum = lambda a, axis=None, keepdims=False: sum(a, axis=axis, keepdims=keepdims)
    T.mean = lambda a, axis=None, keepdims=False: mean(a, axis=axis, keepdims=keepdims)


_install_operators()
