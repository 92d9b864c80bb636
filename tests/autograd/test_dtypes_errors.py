"""Float32 stays float32 through every op, forward and backward; mixing dtypes and mismatched
shapes raise ValueError with the shapes in the message."""

import numpy as np
import pytest

from refimpl import autograd as ag
from refimpl.autograd import image, nn, ops, quant


def _x(shape, dtype):
    return (np.arange(np.prod(shape), dtype=np.float64).reshape(shape) % 7 / 7 + 0.2).astype(dtype)


UNARY = [ops.exp, ops.log, ops.log1p, ops.sigmoid, ops.softplus, ops.tanh, ops.relu, ops.leaky_relu,
         ops.gelu, lambda v: ops.gelu(v, approximate=False), ops.sqrt, ops.square, ops.digamma, ops.neg,
         lambda v: ops.clip(v, 0.1, 0.5), ops.logsumexp, ops.softmax, ops.log_softmax, ops.sum, ops.mean,
         lambda v: v * 2.0 + 1.0, lambda v: 1.0 / v, lambda v: v * np.float64(2.0),
         lambda v: ops.reshape(v, (-1,)), lambda v: ops.transpose(v), lambda v: v[1:, ::2],
         lambda v: ops.take(v, np.array([0, 0]), axis=1), lambda v: ops.pad(v, ((1, 0), (0, 2)), mode="edge"),
         lambda v: ops.concatenate([v, v], axis=1), lambda v: v @ v.T,
         lambda v: quant.soft_round(v, 4.0), quant.round_ste, ops.gammaln, ops.abs, lambda v: v ** 2,
         lambda v: ops.power(v, np.float64(0.5)), lambda v: ops.where(v > 0.5, v, 2.0 * v),
         lambda v: quant.discretized_logp_nats(v, v * 0.5, v + 1.0),
         lambda v: quant.discretized_logp_nats(v, v * 0.5, v + 1.0, dist="logistic")]
IMAGE = [lambda v: image.conv2d(v, _x((3, 3, 2, 2), v.dtype), _x((2,), v.dtype), pad_mode="edge"),
         lambda v: image.masked_conv2d(v, _x((3, 3, 2, 2), v.dtype)),
         lambda v: image.upsample_nearest(v, 2), lambda v: image.resize(v, (6, 7), "bicubic")]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("k", range(len(UNARY) + len(IMAGE)))
def test_dtype_preserved(dtype, k):
    fn = (UNARY + IMAGE)[k]
    x = _x((3, 4) if k < len(UNARY) else (1, 3, 4, 2), dtype)
    y, pb = ag.vjp(fn, x)
    assert np.asarray(y).dtype == dtype
    (g,) = pb(np.ones(np.shape(y), dtype=dtype))
    assert g.dtype == dtype and g.shape == x.shape


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_layers_and_adam_preserve_dtype(dtype):
    p = {"mlp": nn.mlp_init(0, [2, 5, 3], dtype), "conv": nn.conv_init(1, 3, 3, 3, 3, dtype)}
    x = _x((1, 4, 4, 2), dtype)

    def loss(p):
        h = nn.mlp(p["mlp"], x)
        return ops.mean(ops.square(nn.residual_block([p["conv"]], h)))

    v, g = ag.value_and_grad(loss)(p)
    assert v.dtype == dtype and all(a.dtype == dtype for a in ag.tree_leaves(g))
    p2, s = ag.adam_update(p, g, ag.adam_init(p), 1e-2)
    p3, _ = ag.sgd_update(p, g, ag.sgd_init(p), 1e-2, momentum=0.9)
    assert all(a.dtype == dtype for a in ag.tree_leaves((p2, s.m, s.v, p3)))


@pytest.mark.parametrize("fn", [ops.add, ops.sub, ops.mul, ops.div, ops.matmul,
                                lambda a, b: ops.concatenate([a, b]),
                                lambda a, b: quant.discretized_logp_nats(a, b, a * 0 + 1)])
def test_mixed_float_dtypes_rejected(fn):
    a = np.ones((2, 2), np.float32)
    b = np.ones((2, 2), np.float64)
    with pytest.raises(ValueError, match=r"float32.*float64|float64.*float32"):
        fn(a, b)
    with pytest.raises(ValueError, match="dtype mismatch"):
        ag.vjp(fn, a, b)


def test_shape_errors_name_the_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4,\)"):
        ops.add(np.ones((2, 3)), np.ones(4))
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4, 5\)"):
        ops.matmul(np.ones((2, 3)), np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"\(1, 4, 4, 2\).*\(3, 3, 3, 1\)"):
        image.conv2d(np.ones((1, 4, 4, 2)), np.ones((3, 3, 3, 1)))
    with pytest.raises(ValueError, match=r"\(4, 4\)"):
        image.conv2d(np.ones((4, 4)), np.ones((3, 3, 1, 1)))
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        ops.reshape(np.ones((2, 3)), (4,))
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        ops.concatenate([np.ones((2, 3)), np.ones((2, 4))], axis=0)
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        quant.discretized_logp_nats(np.ones(3), np.ones(2), np.ones(3))
    with pytest.raises(ValueError, match=r"bias shape \(3,\)"):
        image.conv2d(np.ones((1, 4, 4, 2)), np.ones((3, 3, 2, 2)), np.ones(3))
    _, pb = ag.vjp(ops.exp, np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"\(3, 2\) != output shape \(2, 3\)"):
        pb(np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"dtype float32 != output dtype float64"):
        pb(np.ones((2, 3), np.float32))


def test_other_bad_arguments():
    with pytest.raises(ValueError, match="int64"):
        ag.vjp(ops.exp, np.arange(3))
    with pytest.raises(ValueError, match="scale b"):
        quant.discretized_logp_nats(np.ones(2), np.ones(2), np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match="dist"):
        quant.discretized_logp_nats(np.ones(2), np.ones(2), np.ones(2), dist="gauss")
    with pytest.raises(ValueError, match="padding"):
        image.conv2d(np.ones((1, 4, 4, 1)), np.ones((3, 3, 1, 1)), padding="full")
    with pytest.raises(ValueError, match="mode"):
        ops.pad(np.ones(3), ((1, 1),), mode="reflect")
    with pytest.raises(ValueError, match="out of range"):
        ops.take(np.ones((2, 2)), np.array([2]), axis=0)
    with pytest.raises(ValueError, match="method"):
        image.resize_matrix(3, 6, "lanczos")
    with pytest.raises(ValueError, match="odd"):
        image.causal_mask(2, 3)
    with pytest.raises(ValueError, match="total_steps"):
        ag.cosine_schedule(0, 0, 1.0)
    with pytest.raises(ValueError, match="does not match"):
        ag.adam_update({"w": np.ones(2)}, {"w": np.ones(3)}, ag.adam_init({"w": np.ones(2)}))
