"""Layers as pure functions of (params, x): linear, conv, MLP, residual blocks, with seeded inits.

Citation: initialisation with std 1/√fan_in (LeCun et al., "Efficient BackProp", 1998; the
Haiku default C3 uses, Kim et al. CVPR 2024, §3 "synthesis"); residual blocks (He et al., 2016);
zero-initialised residual convolutions so that a block starts as the identity (C3).

| symbol | name | meaning |
|---|---|---|
| W, b | ``params["w"]``, ``params["b"]`` | weight and bias of a layer |
| x ↦ xW + b | :func:`linear` | dense layer on the last axis |
| x ↦ x ⋆ W + b | :func:`conv` | stride-1 convolution, NHWC / HWIO |
| x ↦ x + f(x) | :func:`residual_block` | f a chain of convolutions with activations between |

Initial weights are drawn with :func:`refimpl.random.normal` on stream ``STREAM_INIT`` = 8 at
indices ``offset + k`` (k = 0 … size − 1, C order), so every implementation can rebuild them.
Parameters are pytrees (dicts and lists of arrays), gradients have the same structure.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .. import random as R
from . import ops
from .image import conv2d

__all__ = ["STREAM_INIT", "normal_init", "linear_init", "linear", "conv_init", "conv", "mlp_init", "mlp",
           "residual_block_init", "residual_block"]

#: refimpl.random stream for parameter initialisation (streams 0–3 are the codecs').
STREAM_INIT = 8


def normal_init(seed: int, shape: tuple, std: float, dtype=np.float64, offset: int = 0) -> np.ndarray:
    """std · Z, Z[k] = refimpl.random.normal(seed, STREAM_INIT, offset + k) in C order."""
    n = int(np.prod(shape))
    z = R.normal(seed, STREAM_INIT, np.arange(offset, offset + n, dtype=np.uint64))
    return (std * z).reshape(shape).astype(dtype)


def linear_init(seed: int, n_in: int, n_out: int, dtype=np.float64, offset: int = 0) -> dict:
    """{"w": (n_in, n_out) with std 1/√n_in, "b": zeros (n_out,)}."""
    return {"w": normal_init(seed, (n_in, n_out), 1.0 / np.sqrt(n_in), dtype, offset),
            "b": np.zeros(n_out, dtype=dtype)}


def linear(params: dict, x):
    """x W + b on the last axis of x."""
    return ops.add(ops.matmul(x, params["w"]), params["b"])


def conv_init(seed: int, kh: int, kw: int, c_in: int, c_out: int, dtype=np.float64, offset: int = 0,
              zero: bool = False) -> dict:
    """{"w": (kh, kw, c_in, c_out) with std 1/√(kh·kw·c_in) (or zeros), "b": zeros (c_out,)}."""
    shape = (kh, kw, c_in, c_out)
    w = np.zeros(shape, dtype) if zero else normal_init(seed, shape, 1.0 / np.sqrt(kh * kw * c_in), dtype, offset)
    return {"w": w, "b": np.zeros(c_out, dtype=dtype)}


def conv(params: dict, x, padding="same", pad_mode: str = "constant"):
    """conv2d(x, W) + b (stride 1, NHWC)."""
    return conv2d(x, params["w"], params["b"], padding=padding, pad_mode=pad_mode)


def mlp_init(seed: int, sizes: list[int], dtype=np.float64, conv1x1: bool = False) -> list[dict]:
    """One linear layer per consecutive pair of ``sizes`` (as 1×1 convolutions if ``conv1x1``)."""
    layers, offset = [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        if conv1x1:
            layers.append(conv_init(seed, 1, 1, n_in, n_out, dtype, offset))
        else:
            layers.append(linear_init(seed, n_in, n_out, dtype, offset))
        offset += n_in * n_out
    return layers


def mlp(params: list[dict], x, activation: Callable = ops.gelu):
    """Linear layers with ``activation`` between them (none after the last). 4-D parameters
    (1×1 kernels) act per pixel on NHWC input: a "per-pixel MLP" as in C3's synthesis."""
    for i, p in enumerate(params):
        x = conv(p, x, padding="valid") if np.ndim(p["w"]) == 4 else linear(p, x)
        if i < len(params) - 1:
            x = activation(x)
    return x


def residual_block_init(seed: int, channels: int, n_convs: int = 1, k: int = 3, dtype=np.float64,
                        offset: int = 0, zero_last: bool = True) -> list[dict]:
    """``n_convs`` k×k convolutions channels → channels; the last zero-initialised (identity start)."""
    out = []
    for i in range(n_convs):
        zero = zero_last and i == n_convs - 1
        out.append(conv_init(seed, k, k, channels, channels, dtype, offset + i * k * k * channels ** 2, zero))
    return out


def residual_block(params: list[dict], x, activation: Callable = ops.gelu, pad_mode: str = "edge"):
    """x + f(x), f = conv ∘ act ∘ conv … (same padding; C3: one 3×3 conv, edge padding)."""
    h = x
    for i, p in enumerate(params):
        h = conv(p, h, padding="same", pad_mode=pad_mode)
        if i < len(params) - 1:
            h = activation(h)
    return ops.add(x, h)
