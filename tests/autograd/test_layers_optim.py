"""Layers, optimisers and schedules; forward correctness of conv/resize by independent routes."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from refimpl import autograd as ag
from refimpl.autograd import _kernels, image, nn, ops


def naive_conv_valid(x, w):
    """Direct sum y[n,i,j,o] = Σ_{a,b,c} x[n,i+a,j+b,c] w[a,b,c,o] (loops)."""
    n, h, wd, c = x.shape
    kh, kw, _, co = w.shape
    y = np.zeros((n, h - kh + 1, wd - kw + 1, co))
    for i in range(h - kh + 1):
        for j in range(wd - kw + 1):
            for a in range(kh):
                for b in range(kw):
                    y[:, i, j, :] += x[:, i + a, j + b, :] @ w[a, b]
    return y


@given(st.integers(1, 3), st.integers(1, 3), st.integers(0, 3), st.integers(0, 3), st.integers(1, 3),
       st.integers(1, 3), st.integers(0, 2**31))
def test_conv_forward_matches_loops(kh, kw, dh, dw, c, co, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, kh + dh, kw + dw, c))
    w = rng.standard_normal((kh, kw, c, co))
    np.testing.assert_allclose(image.conv2d_valid(x, w), naive_conv_valid(x, w), rtol=1e-12, atol=1e-12)


def test_conv_same_edge_padding_is_np_pad():
    x = np.arange(2 * 5 * 4 * 2, dtype=float).reshape(2, 5, 4, 2) / 10
    w = np.linspace(-1, 1, 3 * 3 * 2 * 3).reshape(3, 3, 2, 3)
    want = naive_conv_valid(np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)), mode="edge"), w) + 0.5
    np.testing.assert_allclose(image.conv2d(x, w, np.full(3, 0.5), pad_mode="edge"), want, rtol=1e-12)


def test_masked_conv_is_causal():
    """∂y[i,j]/∂x[k,l] = 0 unless (k,l) is before (i,j) in raster order (PixelCNN type-A mask)."""
    w = np.linspace(0.5, 1.5, 5 * 5 * 2 * 1).reshape(5, 5, 2, 1)
    x = np.ones((1, 6, 6, 2))
    mask = image.causal_mask(5, 5)
    assert mask.sum() == 12  # (5·5 − 1)/2 neighbours
    for i, j in [(0, 0), (2, 3), (5, 5)]:
        dy = np.zeros((1, 6, 6, 1))
        dy[0, i, j, 0] = 1.0
        _, pb = ag.vjp(lambda v: image.masked_conv2d(v, w), x)
        dx = pb(dy)[0][0].sum(axis=-1)
        before = np.zeros((6, 6), bool)
        before.reshape(-1)[: i * 6 + j] = True
        assert np.all(dx[~before] == 0)
        near = before & (np.abs(np.arange(6)[:, None] - i) <= 2) & (np.abs(np.arange(6)[None, :] - j) <= 2)
        assert np.all(dx[near] != 0)


@pytest.mark.parametrize("method", ["nearest", "bilinear", "bicubic"])
def test_resize_properties(method):
    for n_in, n_out in [(1, 4), (3, 6), (4, 16), (5, 7)]:
        A = image.resize_matrix(n_in, n_out, method)
        np.testing.assert_allclose(A.sum(axis=1), 1.0, rtol=1e-12)  # constants are preserved
    # nearest resize by 2 equals pixel repetition
    x = np.arange(12, dtype=float).reshape(1, 3, 2, 2)
    if method == "nearest":
        np.testing.assert_array_equal(image.resize(x, (6, 4), "nearest"), image.upsample_nearest(x, 2))


def test_bilinear_interior_is_linear_interpolation():
    """Half-pixel centres: output o of a ×2 upsampling samples s = (o + ½)/2 − ½."""
    A = image.resize_matrix(4, 8, "bilinear")
    ramp = np.array([0.0, 1.0, 2.0, 3.0])
    np.testing.assert_allclose(A @ ramp, np.clip((np.arange(8) + 0.5) / 2 - 0.5, 0, 3), rtol=1e-12)


def test_gelu_kernel_equals_twin():
    x = np.linspace(-6, 6, 10_001)
    for dtype, tol in [(np.float64, 1e-14), (np.float32, 2e-6)]:
        xd = x.astype(dtype)
        g = np.cos(xd).astype(dtype)
        _, (xx, t, _) = ops._gelu_fwd(xd)
        twin = ops.gelu_tanh_bwd(xx, t, g)
        kern = _kernels.gelu_tanh_bwd_kernel(xx, t, g, ops._GELU_C)
        assert kern.dtype == dtype
        np.testing.assert_allclose(kern, twin, rtol=tol, atol=tol)


def test_init_is_portable_and_deterministic():
    a = nn.linear_init(7, 3, 4)
    b = nn.linear_init(7, 3, 4)
    np.testing.assert_array_equal(a["w"], b["w"])
    from refimpl import random as R
    z = R.normal(7, nn.STREAM_INIT, np.arange(12, dtype=np.uint64)).reshape(3, 4)
    np.testing.assert_allclose(a["w"], z / np.sqrt(3), rtol=1e-15, atol=0)
    layers = nn.mlp_init(7, [3, 4, 2])
    assert not np.allclose(layers[1]["w"].reshape(-1)[:8], layers[0]["w"].reshape(-1)[:8])
    assert np.all(nn.residual_block_init(0, 3)[0]["w"] == 0)  # zero init: block starts as identity
    x = np.ones((1, 4, 4, 3))
    np.testing.assert_array_equal(nn.residual_block(nn.residual_block_init(0, 3), x), x)


def test_adam_first_step_is_lr_times_sign():
    """After one step with bias correction, m̂ = g and v̂ = g², so θ moves by η g/(|g| + ε)."""
    p = {"w": np.array([1.0, -2.0, 0.5])}
    g = {"w": np.array([0.3, -4.0, 1e-3])}
    new, st_ = ag.adam_update(p, g, ag.adam_init(p), lr=0.1, eps=1e-8)
    np.testing.assert_allclose(new["w"], p["w"] - 0.1 * g["w"] / (np.abs(g["w"]) + 1e-8), rtol=1e-12)
    assert st_.step == 1 and p["w"][0] == 1.0  # input untouched


@pytest.mark.parametrize("opt", ["adam", "sgd"])
def test_optimisers_minimise_a_quadratic(opt):
    """f(θ) = ½ Σ c_i (θ_i − t_i)²: both optimisers reach t within 1e-3 in 500 steps."""
    c, t = np.array([1.0, 3.0, 0.5]), np.array([2.0, -1.0, 0.5])
    loss = ag.value_and_grad(lambda p: ops.sum(0.5 * c * ops.square(p["x"] - t)))
    p = {"x": np.zeros(3)}
    state = ag.adam_init(p) if opt == "adam" else ag.sgd_init(p)
    for k in range(500):
        _, g = loss(p)
        if opt == "adam":
            p, state = ag.adam_update(p, g, state, ag.cosine_schedule(k, 500, 0.1, 1e-3))
        else:
            p, state = ag.sgd_update(p, g, state, 0.1, momentum=0.5)
    np.testing.assert_allclose(p["x"], t, atol=1e-3)


def test_schedules():
    assert ag.cosine_schedule(0, 100, 1.0, 0.1) == 1.0
    assert ag.cosine_schedule(100, 100, 1.0, 0.1) == pytest.approx(0.1)
    assert ag.cosine_schedule(50, 100, 1.0, 0.0) == pytest.approx(0.5)
    assert ag.cosine_schedule(500, 100, 1.0, 0.1) == pytest.approx(0.1)
    assert ag.warmup_schedule(0, 10, 1.0) == pytest.approx(0.1)
    assert ag.warmup_schedule(9, 10, 1.0) == 1.0
    lrs = [ag.warmup_cosine_schedule(k, 10, 110, 2.0) for k in range(111)]
    assert max(lrs) == 2.0 and lrs[9] == 2.0 and lrs[10] == 2.0 and lrs[-1] == pytest.approx(0.0)
    assert all(a <= b for a, b in zip(lrs[:10], lrs[1:10]))
    assert all(a >= b for a, b in zip(lrs[10:], lrs[11:]))
    assert ag.cosine_schedule(25, 100, 1.0) == pytest.approx(0.5 * (1 + math.cos(math.pi / 4)))
