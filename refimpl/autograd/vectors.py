"""Gradient test vectors (``specs/vectors/autograd.v1.json``): (op, params, x, ȳ) → (y, p̄, x̄).

Each case names an op of :data:`.catalog.VJP_OPS` (a layer or primitive of refimpl.autograd with
parameters ``params``, a dict of arrays, and one input ``x``), its output cotangent ``dy``, and
the expected output y, parameter cotangents ``dparams`` (same keys as ``params``) and input
cotangent ``dx``. float64 throughout; inputs from refimpl.random (seed 2024, stream 8).

Verified by: float64 central differences of ⟨ȳ, f⟩ (:mod:`.gradcheck`, forwards only);
``tests/autograd/test_vectors.py`` re-derives dparams and dx of every valid case that way; the
conv forward is checked against explicit loops in ``tests/autograd/test_layers_optim.py``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import random as R
from ..vectors import group, invalid, valid, vector_file
from .catalog import VJP_OPS, example_inputs
from .core import vjp

__all__ = ["AutogradVjp", "autograd_vjp_case", "FILES"]


class AutogradVjp(NamedTuple):
    y: np.ndarray
    dparams: dict
    dx: np.ndarray


def autograd_vjp_case(op: str, params: dict, x: np.ndarray, dy: np.ndarray) -> AutogradVjp:
    """y = f_op(params, x) and (p̄, x̄) = pullback(ȳ) (float64). ValueError for an unknown op,
    shapes that do not fit it, a cotangent of the wrong shape, or mixed float dtypes."""
    if op not in VJP_OPS:
        raise ValueError(f"op must be one of {sorted(VJP_OPS)}, got {op!r}")
    fn = VJP_OPS[op][0]
    params = {k: np.asarray(v) for k, v in params.items()}
    y, pullback = vjp(fn, params, np.asarray(x))
    dparams, dx = pullback(np.asarray(dy))
    return AutogradVjp(y, dparams, dx)


NOTES = {
    "c3": "a layer of C3's synthesis or entropy model",
    "shape_mismatch": "params or x do not fit the op: must raise ValueError",
    "dtype_mismatch": "float32 mixed with float64: must raise ValueError (no silent upcast)",
    "bad_cotangent": "dy has the wrong shape: must raise ValueError",
    "unknown_op": "op not in the catalogue: must raise ValueError",
}

C3_OPS = {"conv2d_same_edge", "conv2d_1x1", "masked_conv2d", "residual_conv_edge", "resize_bilinear_x2",
          "gelu_tanh", "discretized_laplace", "soft_round_alpha4"}


def _dy(shape, seed: int = 2025) -> np.ndarray:
    n = int(np.prod(shape))
    return R.normal(seed, 8, np.arange(n, dtype=np.uint64)).reshape(shape)


def _autograd_file() -> dict:
    groups = []
    for name, (fn, _, comment) in VJP_OPS.items():
        params, x = example_inputs(name)
        dy = _dy(np.shape(fn(params, x)))
        cases = [valid(autograd_vjp_case, {"params": params, "x": x, "dy": dy}, comment,
                       ["c3"] if name in C3_OPS else [], params={"op": name})]
        groups.append(group("autograd_vjp_case", cases, params={"op": name},
                            tolerance={"mode": "allclose", "rtol": 1e-8, "atol": 1e-10},
                            comment=f"{name}: float64; summation order may differ across implementations"))
    p, x = example_inputs("linear")
    dy = _dy((2, 4))
    bad = [
        invalid(autograd_vjp_case, {"params": p, "x": np.ones((2, 5)), "dy": dy}, "x has 5 features, W expects 3",
                ["shape_mismatch"], params={"op": "linear"}),
        invalid(autograd_vjp_case, {"params": p, "x": x.astype(np.float32), "dy": dy}, "float32 x, float64 W",
                ["dtype_mismatch"], params={"op": "linear"}),
        invalid(autograd_vjp_case, {"params": p, "x": x, "dy": np.ones((4, 2))}, "dy transposed",
                ["bad_cotangent"], params={"op": "linear"}),
    ]
    pc, xc = example_inputs("conv2d_same_zero")
    bad.append(invalid(autograd_vjp_case, {"params": pc, "x": np.ones((1, 5, 4, 3)), "dy": np.ones((1, 5, 4, 3))},
                       "x has 3 channels, kernel expects 2", ["shape_mismatch"], params={"op": "conv2d_same_zero"}))
    groups.append(group("autograd_vjp_case", bad[:3], params={"op": "linear"}, comment="rejections"))
    groups.append(group("autograd_vjp_case", bad[3:], params={"op": "conv2d_same_zero"}, comment="rejections"))
    groups.append(group("autograd_vjp_case",
                        [invalid(autograd_vjp_case, {"params": {}, "x": np.ones(2), "dy": np.ones(2)},
                                 "no such op", ["unknown_op"], params={"op": "conv3d"})],
                        params={"op": "conv3d"}, comment="rejections"))
    return vector_file("autograd", 1, "specs/autograd.md",
                       ["float64 central differences of <dy, f> per coordinate (refimpl.autograd.gradcheck; "
                        "tests/autograd/test_vectors.py re-derives every valid case)",
                        "conv forward against explicit loops (tests/autograd/test_layers_optim.py)"],
                       NOTES, groups)


FILES = [_autograd_file]
