"""A catalogue of ops f(params, x) with fixed example inputs: the gradient vectors and the
"every op agrees with central differences" claim both run over it.

Each entry: name → (f, shapes) where ``f(params, x)`` uses only refimpl.autograd and ``shapes``
gives ``{"x": shape, param: shape, …}``; :func:`example_inputs` fills them with
refimpl.random normals (stream 8), transformed where an op needs a domain (scales > 0, …).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .. import random as R
from . import image, nn, ops, quant

__all__ = ["VJP_OPS", "example_inputs"]


def _mlp(p, x):
    return nn.mlp([{"w": p["w0"], "b": p["b0"]}, {"w": p["w1"], "b": p["b1"]}], x, ops.gelu)


def _disc(dist):
    return lambda p, x: quant.discretized_logp_nats(x, p["mu"], ops.exp(p["log_b"]), dist=dist)


#: name → (f(params, x), {"x": shape, param: shape, …}, comment)
VJP_OPS: dict[str, tuple[Callable, dict, str]] = {
    "linear": (nn.linear, {"x": (2, 3), "w": (3, 4), "b": (4,)}, "x W + b"),
    "mlp_gelu": (_mlp, {"x": (2, 3), "w0": (3, 5), "b0": (5,), "w1": (5, 2), "b1": (2,)},
                 "linear → GELU (tanh form) → linear"),
    "conv2d_same_zero": (lambda p, x: image.conv2d(x, p["w"], p["b"]),
                         {"x": (1, 5, 4, 2), "w": (3, 3, 2, 3), "b": (3,)}, "3×3 conv, zero padding, NHWC/HWIO"),
    "conv2d_same_edge": (lambda p, x: image.conv2d(x, p["w"], p["b"], pad_mode="edge"),
                         {"x": (2, 4, 5, 3), "w": (3, 3, 3, 3), "b": (3,)}, "3×3 conv, edge (replicate) padding"),
    "conv2d_1x1": (lambda p, x: image.conv2d(x, p["w"], p["b"]),
                   {"x": (1, 3, 3, 4), "w": (1, 1, 4, 2), "b": (2,)}, "1×1 conv = per-pixel linear"),
    "masked_conv2d": (lambda p, x: image.masked_conv2d(x, p["w"], p["b"]),
                      {"x": (1, 5, 5, 1), "w": (5, 5, 1, 2), "b": (2,)}, "causal 5×5 conv (12 taps)"),
    "residual_conv_edge": (lambda p, x: nn.residual_block([p], x, pad_mode="edge"),
                           {"x": (1, 4, 4, 3), "w": (3, 3, 3, 3), "b": (3,)}, "x + conv3×3_edge(x) (C3 synthesis)"),
    "resize_bilinear_x2": (lambda p, x: image.resize(x, (2 * x.shape[1], 2 * x.shape[2]), "bilinear"),
                           {"x": (1, 3, 4, 2)}, "half-pixel bilinear, edges clamped"),
    "resize_bicubic_x2": (lambda p, x: image.resize(x, (2 * x.shape[1], 2 * x.shape[2]), "bicubic"),
                          {"x": (1, 3, 4, 2)}, "half-pixel Keys cubic a = −0.5, edges clamped"),
    "upsample_nearest_x2": (lambda p, x: image.upsample_nearest(x, 2), {"x": (1, 2, 3, 2)}, "pixel repetition"),
    "gelu_tanh": (lambda p, x: ops.gelu(x), {"x": (3, 4)}, "½x(1 + tanh(√(2/π)(x + 0.044715x³)))"),
    "gelu_erf": (lambda p, x: ops.gelu(x, approximate=False), {"x": (3, 4)}, "x Φ(x)"),
    "softplus": (lambda p, x: ops.softplus(x), {"x": (3, 4)}, "log(1 + eˣ)"),
    "sigmoid": (lambda p, x: ops.sigmoid(x), {"x": (3, 4)}, "1/(1 + e^{−x})"),
    "log_softmax": (lambda p, x: ops.log_softmax(x, axis=-1), {"x": (3, 4)}, "last axis"),
    "softmax": (lambda p, x: ops.softmax(x, axis=0), {"x": (3, 4)}, "first axis"),
    "logsumexp": (lambda p, x: ops.logsumexp(x, axis=-1), {"x": (3, 4)}, "last axis"),
    "digamma": (lambda p, x: ops.digamma(ops.exp(x)), {"x": (5,)}, "ψ(eˣ) (positive argument)"),
    "soft_round_alpha4": (lambda p, x: quant.soft_round(2.0 * x, 4.0), {"x": (6,)}, "s_4(2x)"),
    "discretized_laplace": (_disc("laplace"), {"x": (6,), "mu": (6,), "log_b": (6,)},
                            "log P(x) nats, unit bins, scale e^{log_b}"),
    "discretized_logistic": (_disc("logistic"), {"x": (6,), "mu": (6,), "log_b": (6,)},
                             "log P(x) nats, unit bins, scale e^{log_b}"),
}


def example_inputs(name: str, seed: int = 2024) -> tuple[dict, np.ndarray]:
    """(params, x) for ``VJP_OPS[name]`` from refimpl.random normals (stream 8; consecutive
    index ranges in sorted key order, x last), discretized ops get x rounded ×3 (integer bins)."""
    shapes = VJP_OPS[name][1]
    out, offset = {}, 0
    for key in sorted(k for k in shapes if k != "x") + ["x"]:
        n = int(np.prod(shapes[key]))
        out[key] = R.normal(seed, 8, np.arange(offset, offset + n, dtype=np.uint64)).reshape(shapes[key])
        offset += n
    x = out.pop("x")
    if name.startswith("discretized"):
        x = np.round(3.0 * x)
    return out, x
