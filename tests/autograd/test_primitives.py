"""Every primitive's backward against float64 central differences, hypothesis over shapes and values.

Tolerances are the (rtol, atol) in ``TOL`` below, owned by this test (not read from the code under
test) and derived from the central-difference error; specs/autograd.md tabulates the same numbers. Value domains avoid the kinks of non-smooth ops (relu at 0, clip at its bounds, the Laplace
CDF at 0) by a margin far larger than the difference step (1e-6), so the derivative exists there.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from refimpl.autograd import image, ops, quant
from refimpl.autograd.gradcheck import check_vjp

F = st.floats(-3, 3, allow_nan=False, allow_infinity=False)


def arr(shape, elements=F):
    return hnp.arrays(np.float64, shape, elements=elements)


def shapes(min_dims=0, max_dims=3, max_side=4):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)


def away_from(points, lo=-3.0, hi=3.0, margin=1e-3):
    return st.floats(lo, hi).filter(lambda v: all(abs(v - p) > margin for p in points))


def bcast_pair(draw, elements=F, elements2=F):
    s = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3))
    return draw(arr(s.input_shapes[0], elements)), draw(arr(s.input_shapes[1], elements2))


@st.composite
def case(draw, name):
    """(fn, args) for primitive ``name``: fn takes only differentiable arrays."""
    if name in ("add", "sub", "mul"):
        x, y = bcast_pair(draw)
        return getattr(ops, name), (x, y)
    if name == "div":
        x, y = bcast_pair(draw, F, st.floats(0.5, 3) | st.floats(-3, -0.5))
        return ops.div, (x, y)
    if name == "neg":
        return ops.neg, (draw(arr(draw(shapes()))),)
    if name == "matmul":
        n, k, m = (draw(st.integers(1, 4)) for _ in range(3))
        kind = draw(st.sampled_from(["2d", "batch", "vec_left", "vec_right"]))
        a_shape = {"2d": (n, k), "batch": (2, n, k), "vec_left": (k,), "vec_right": (n, k)}[kind]
        b_shape = {"2d": (k, m), "batch": (k, m), "vec_left": (k, m), "vec_right": (k,)}[kind]
        return ops.matmul, (draw(arr(a_shape)), draw(arr(b_shape)))
    if name == "square":
        return ops.square, (draw(arr(draw(shapes()))),)
    if name == "sqrt":
        return ops.sqrt, (draw(arr(draw(shapes()), st.floats(0.1, 5))),)
    if name in ("sum", "mean"):
        x = draw(arr(draw(shapes(1))))
        axis = draw(st.none() | st.integers(-x.ndim, x.ndim - 1))
        keep = draw(st.booleans())
        return (lambda v: getattr(ops, name)(v, axis=axis, keepdims=keep)), (x,)
    if name == "reshape":
        x = draw(arr(draw(shapes(1))))
        return (lambda v: ops.reshape(v, (-1,) + (1,))), (x,)
    if name == "transpose":
        x = draw(arr(draw(shapes(1))))
        perm = tuple(draw(st.permutations(range(x.ndim))))
        return (lambda v: ops.transpose(v, perm)), (x,)
    if name == "concatenate":
        rows = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
        cols = draw(st.integers(1, 3))
        xs = tuple(draw(arr((r, cols))) for r in rows)
        return (lambda *v: ops.concatenate(list(v), axis=0)), xs
    if name == "getitem":
        x = draw(arr((draw(st.integers(2, 5)), draw(st.integers(2, 4)))))
        idx = draw(st.sampled_from([(slice(1, None), slice(None, None, 2)), (0,), (Ellipsis, -1)]))
        if draw(st.booleans()):
            idx = np.array(draw(st.lists(st.integers(0, x.shape[0] - 1), min_size=1, max_size=6)))
        return (lambda v: ops.getitem(v, idx)), (x,)
    if name == "take":
        x = draw(arr((draw(st.integers(1, 4)), draw(st.integers(1, 4)))))
        axis = draw(st.integers(0, 1))
        idx = np.array(draw(st.lists(st.integers(0, x.shape[axis] - 1), min_size=1, max_size=5)))
        return (lambda v: ops.take(v, idx, axis=axis)), (x,)
    if name == "pad":
        x = draw(arr((draw(st.integers(1, 3)), draw(st.integers(1, 3)))))
        pw = tuple((draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in range(2))
        mode = draw(st.sampled_from(["constant", "edge"]))
        return (lambda v: ops.pad(v, pw, mode=mode)), (x,)
    if name in ("exp", "tanh", "sigmoid", "softplus"):
        return getattr(ops, name), (draw(arr(draw(shapes()))),)
    if name == "log":
        return ops.log, (draw(arr(draw(shapes()), st.floats(0.1, 5))),)
    if name == "log1p":
        return ops.log1p, (draw(arr(draw(shapes()), st.floats(-0.9, 5))),)
    if name == "relu":
        return ops.relu, (draw(arr(draw(shapes()), away_from([0.0]))),)
    if name == "leaky_relu":
        slope = draw(st.floats(0.0, 0.5))
        return (lambda v: ops.leaky_relu(v, slope=slope)), (draw(arr(draw(shapes()), away_from([0.0]))),)
    if name == "gelu":
        approx = draw(st.booleans())
        return (lambda v: ops.gelu(v, approximate=approx)), (draw(arr(draw(shapes()))),)
    if name == "clip":
        return (lambda v: ops.clip(v, -1.0, 0.5)), (draw(arr(draw(shapes()), away_from([-1.0, 0.5]))),)
    if name == "digamma":
        return ops.digamma, (draw(arr(draw(shapes()), st.floats(0.1, 10))),)
    if name in ("logsumexp", "log_softmax", "softmax"):
        x = draw(arr(draw(shapes(1)), st.floats(-10, 10)))
        axis = draw(st.integers(-x.ndim, x.ndim - 1))
        return (lambda v: getattr(ops, name)(v, axis=axis)), (x,)
    if name == "gammaln":
        return ops.gammaln, (draw(arr(draw(shapes()), st.floats(0.1, 10))),)
    if name == "abs":
        return ops.abs, (draw(arr(draw(shapes()), away_from([0.0]))),)
    if name == "power":
        p = draw(st.sampled_from([2, 3, 0.5, -1.5, 1.7]))
        return (lambda v: ops.power(v, p)), (draw(arr(draw(shapes()), st.floats(0.2, 3))),)
    if name == "where":
        x, y = bcast_pair(draw)
        cond = draw(hnp.arrays(bool, np.broadcast_shapes(x.shape, y.shape)))
        return (lambda a, b: ops.where(cond, a, b)), (x, y)
    if name == "conv2d_valid":
        kh, kw, c, c2 = (draw(st.integers(1, 3)) for _ in range(4))
        n, h, w = draw(st.integers(1, 2)), kh + draw(st.integers(0, 2)), kw + draw(st.integers(0, 2))
        with_bias = draw(st.booleans())
        args = (draw(arr((n, h, w, c))), draw(arr((kh, kw, c, c2))))
        if with_bias:
            return image.conv2d_valid, args + (draw(arr((c2,))),)
        return image.conv2d_valid, args
    if name == "upsample_nearest":
        f = draw(st.integers(1, 3))
        return (lambda v: image.upsample_nearest(v, f)), (draw(arr((1, draw(st.integers(1, 3)), draw(st.integers(1, 3)), 2))),)
    if name == "resize":
        method = draw(st.sampled_from(["nearest", "bilinear", "bicubic"]))
        x = draw(arr((1, draw(st.integers(1, 4)), draw(st.integers(1, 4)), 2)))
        out = (draw(st.integers(1, 8)), draw(st.integers(1, 8)))
        return (lambda v: image.resize(v, out, method)), (x,)
    if name == "soft_round":
        alpha = draw(st.floats(0.5, 20))
        return (lambda v: quant.soft_round(v, alpha)), (draw(arr(draw(shapes()), st.floats(-5, 5))),)
    if name == "discretized_logp_nats":
        dist = draw(st.sampled_from(["laplace", "logistic"]))
        n = draw(st.integers(1, 5))
        b = draw(arr((n,), st.floats(0.05, 5)))
        mu = draw(arr((n,), st.floats(-3, 3)))
        # keep |v − μ| off ½ (a Laplace kink) by 1e-3 · b in standardized units
        m = draw(arr((n,), st.floats(-6, 6)))
        m = np.where(np.abs(np.abs(m) - 0.5) < 1e-3 * (1 + b), m + 0.01, m)
        return (lambda v, mu_, b_: quant.discretized_logp_nats(v, mu_, b_, dist=dist)), (mu + m, mu, b)
    raise KeyError(name)


def _all_primitives():
    out = {}
    for mod in (ops, image, quant):
        for name in mod.__all__:
            fn = getattr(mod, name)
            if hasattr(fn, "prim"):
                out[fn.prim.name] = fn.prim
    return out


PRIMS = _all_primitives()
CHECKED = sorted(set(PRIMS) - {"round_ste"})   # STE: backward is identity by definition (test_quant)


# Gradient-check tolerances, derived here (check_vjp: |x̄ − n| ≤ atol·(1 + S) + rtol·|n|, S = Σ|ȳ⊙f(x)|).
# Central difference with step s = H·max(1, |x_i|), H = 1e-6, in float64 (EPS = 2.2e-16):
#   truncation ≤ s²/6·|ȳ|·|f⁽³⁾| (Nocedal & Wright eq. 8.7); |x| ≤ 10 in these cases, so s ≤ 1e-5;
#   round-off  ≤ (log2 m + 2)·EPS·S/(2H) for L a pairwise (NumPy) sum of m ≤ 64 terms: only the
#              ≤ log2 m partial sums on the perturbed term's path differ between L(x+s) and L(x−s),
#              each rounded to ≤ EPS·S/2, plus ≈ 1 ulp per term from the op → 8·EPS·S/(2H) ≈ 9e-10·S.
# LIN: ops linear (or bilinear, or piecewise linear with inputs ≥ 1e-3 ≫ s from the kinks) in each
#   coordinate, so truncation = 0 exactly; atol 1e-9 > the 9e-10 round-off bound; rtol 1e-7 only
#   absorbs the analytic side's own round-off (a few EPS relative) with a wide margin.
# SMOOTH: atol 1e-8 ≥ round-off 9e-10 + truncation s²/6·|ȳ|·M3 (|ȳ| ≤ 3), with the bound M3 on
#   |f⁽³⁾| over the test domain stated per op; rtol 1e-6 ≫ the relative truncation s²/6·max|f⁽³⁾/f'|.
LIN = (1e-7, 1e-9)
SMOOTH = (1e-6, 1e-8)
TOL = {
    "add": LIN, "sub": LIN, "neg": LIN, "sum": LIN, "mean": LIN,      # linear: f⁽³⁾ = 0
    "mul": LIN, "matmul": LIN, "conv2d_valid": LIN,                    # bilinear: linear per coordinate
    "reshape": LIN, "transpose": LIN, "concatenate": LIN, "getitem": LIN, "take": LIN, "pad": LIN,
    "where": LIN, "upsample_nearest": LIN, "resize": LIN,              # selections / fixed linear maps
    "relu": LIN, "leaky_relu": LIN, "abs": LIN, "clip": LIN,           # piecewise linear, kinks ≥ 1e-3 away
    "square": SMOOTH,       # f⁽³⁾ = 0: truncation 0; round-off as LIN
    "div": SMOOTH,          # y ∈ [0.5, 3]: |∂³(x/y)/∂y³| = 6|x|/y⁴ ≤ 288, s ≤ 3e-6 → 4.3e-10·|ȳ|
    "sqrt": SMOOTH,         # x ≥ 0.1: |f⁽³⁾| = (3/8)x^-2.5 ≤ 119 at s = 1e-6 → 2e-11·|ȳ|
    "exp": SMOOTH,          # |x| ≤ 3: f⁽³⁾ = eˣ ≤ 20, s ≤ 3e-6 → 3e-11·|ȳ|
    "log": SMOOTH,          # x ≥ 0.1: |f⁽³⁾| = 2/x³ ≤ 2000 at s = 1e-6 → 3.3e-10·|ȳ|
    "log1p": SMOOTH,        # x ≥ −0.9: |f⁽³⁾| = 2/(1+x)³ ≤ 2000 at s = 1e-6 → 3.3e-10·|ȳ|
    "softplus": SMOOTH, "sigmoid": SMOOTH, "tanh": SMOOTH, "gelu": SMOOTH,  # |x| ≤ 3: |f⁽³⁾| ≤ 2, s ≤ 3e-6 → 3e-12·|ȳ|
    "logsumexp": SMOOTH, "log_softmax": SMOOTH, "softmax": SMOOTH,  # |x| ≤ 10: |∂³| ≤ 1, s ≤ 1e-5 → 1.7e-11·|ȳ|
    "digamma": SMOOTH,      # x ≥ 0.1: |ψ⁽³⁾/ψ'| ≲ 6/x² ≤ 600 → relative truncation ≤ 1e-12/6·600 = 1e-10
    "gammaln": SMOOTH,      # x ≥ 0.1: |ψ''| ≈ 2/x³ ≤ 2000 at s = 1e-6 → 3.3e-10·|ȳ|
    "power": SMOOTH,        # x ∈ [0.2, 3], p ∈ {2,3,.5,−1.5,1.7}: |f⁽³⁾/f'| = |(p−1)(p−2)|/x² ≤ 219 → rel. 1.1e-9
    # α ≤ 20, |x| ≤ 5 (s ≤ 5e-6): f⁽³⁾ = α²·f'·(tanh⁽³⁾/tanh')(αr), the ratio in [−2, 4] → relative
    # truncation ≤ s²/6·4α² = 6.7e-9 (≪ rtol); atol 1e-7 covers the forward's round-off,
    # ≈ EPS·(|x| + 1)/H = 1.3e-9 per evaluation, with margin for the 1/tanh(α/2) normalisation.
    "soft_round": (1e-5, 1e-7),
    # b ≥ 0.05, |v| ≤ 9 (s ≤ 9e-6): log P is smooth in z = (±½ − |m|)/b on each side of the kink
    # (kept ≥ 1e-3·(1 + b) ≫ s away) with |∂³/∂| ≲ 6/b² in v → relative truncation ≤ s²/6·6/b²
    # = 3.2e-8 (≪ rtol); log1mexp of two log-CDFs loses up to ~100 EPS relative → atol 1e-7.
    "discretized_logp_nats": (1e-5, 1e-7),
}


def test_every_primitive_is_checked():
    assert set(PRIMS) - set(CHECKED) == {"round_ste"}
    assert len(PRIMS) >= 35
    assert set(TOL) == set(CHECKED), "every checked primitive needs a derived tolerance here"


@pytest.mark.parametrize("name", CHECKED)
@settings(max_examples=40)
@given(data=st.data())
def test_vjp_matches_central_differences(name, data):
    fn, args = data.draw(case(name), label="case")
    out = np.asarray(fn(*args))
    dy = data.draw(arr(out.shape), label="dy")
    rtol, atol = TOL[name]   # this test's derived table, not the primitive's own attributes
    res = check_vjp(fn, args, dy, rtol=rtol, atol=atol)
    assert res.ok, f"{name}: max abs err {res.max_abs_err:.3g} (rtol {rtol}, atol {atol})"
