"""Image primitives: 2-D convolution (and its causal masked variant) and upsampling.

Citation: convolution as im2col + matrix product (Chellapilla, Puri & Simard, "High performance
convolutional neural networks for document processing", 2006); the masked causal convolution of
PixelCNN (van den Oord et al., 2016) as used by C3's entropy model (Kim et al., CVPR 2024,
§3); bilinear upsampling of the latent grids as in C3 (half-pixel centres, edges clamped) and
bicubic as in COOL-CHIC (Ladune et al., 2023), Keys' cubic kernel (Keys 1981).

Layout: images are NHWC ``(N, H, W, C)``, kernels HWIO ``(kh, kw, C_in, C_out)`` as in JAX/Haiku.

| symbol | name | meaning |
|---|---|---|
| x ∈ ℝ^{N×H×W×C} | ``x`` | input image batch |
| w ∈ ℝ^{kh×kw×C×C′} | ``w`` | kernel |
| y[n,i,j,:] = Σ_{a,b} x[n,i+a,j+b,:] w[a,b] + b | :func:`conv2d_valid` | stride-1 "valid" correlation |
| P | ``cols`` | im2col patches, (N·H′·W′) × (kh·kw·C) |
| M | :func:`causal_mask` | 1 on taps before the centre in raster order |
| A_H, A_W | :func:`resize_matrix` | upsampling as a linear map per axis: y = A_H x A_Wᵀ |
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .core import check_float_dtypes, primitive
from .ops import mul, pad

__all__ = ["conv2d_valid", "conv2d", "causal_mask", "masked_conv2d", "upsample_nearest",
           "resize_matrix", "resize"]


def _conv_check(x, w):
    check_float_dtypes("conv2d", x, w)
    x, w = np.asarray(x), np.asarray(w)
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError(f"conv2d: x must be (N, H, W, C) and w (kh, kw, C_in, C_out); got shapes {x.shape} and {w.shape}")
    if x.shape[3] != w.shape[2]:
        raise ValueError(f"conv2d: x has {x.shape[3]} channels (shape {x.shape}) but w expects {w.shape[2]} (shape {w.shape})")
    if w.shape[0] > x.shape[1] or w.shape[1] > x.shape[2]:
        raise ValueError(f"conv2d: kernel {w.shape[:2]} larger than the (padded) input {x.shape[1:3]}")
    return x, w


def _im2col(x, kh, kw):
    """P[(n, i, j), (a, b, c)] = x[n, i + a, j + b, c] (a copy unless the kernel is 1×1)."""
    n, h, w_, c = x.shape
    if kh == kw == 1:
        return x.reshape(n * h * w_, c)
    win = sliding_window_view(x, (kh, kw), axis=(1, 2))          # (N, H′, W′, C, kh, kw), a view
    return win.transpose(0, 1, 2, 4, 5, 3).reshape(-1, kh * kw * c)


def _conv_valid_fwd(x, w, b=None):
    """y = im2col(x) @ w.reshape(kh·kw·C, C′) + b: stride 1, no padding, y is (N, H−kh+1, W−kw+1, C′)."""
    x, w = _conv_check(x, w)
    kh, kw, c, c2 = w.shape
    n, h, wd, _ = x.shape
    if b is not None:
        check_float_dtypes("conv2d", x, b)
        if np.shape(b) != (c2,):
            raise ValueError(f"conv2d: bias shape {np.shape(b)} != ({c2},) for kernel shape {w.shape}")
    cols = _im2col(x, kh, kw)
    y = cols @ w.reshape(-1, c2)
    if b is not None:
        y += b                                                  # y is a fresh array
    return y.reshape(n, h - kh + 1, wd - kw + 1, c2), (cols, w, x.shape, b is not None)


def _conv_valid_bwd(r, g):
    """w̄ = Pᵀ ȳ; x̄ = col2im(ȳ wᵀ): each kernel tap (a, b) adds its shifted slice."""
    cols, w, xshape, has_b = r
    kh, kw, c, c2 = w.shape
    g2 = g.reshape(-1, c2)
    dw = (cols.T @ g2).reshape(w.shape)
    db = g2.sum(axis=0) if has_b else None
    dcols = g2 @ w.reshape(-1, c2).T                            # (N·H′·W′, kh·kw·C)
    if kh == kw == 1:
        return dcols.reshape(xshape), dw, db
    n, ho, wo = g.shape[:3]
    dcols = dcols.reshape(n, ho, wo, kh, kw, c)
    dx = np.zeros(xshape, dtype=g.dtype)
    for a in range(kh):
        for b in range(kw):
            dx[:, a:a + ho, b:b + wo, :] += dcols[:, :, :, a, b, :]
    return dx, dw, db


conv2d_valid = primitive("conv2d_valid", _conv_valid_fwd, _conv_valid_bwd, 1e-7, 1e-9)


def _same_pads(k: int) -> tuple[int, int]:
    return (k - 1) // 2, k // 2


def conv2d(x, w, b=None, padding="same", pad_mode: str = "constant"):
    """Stride-1 2-D convolution (cross-correlation) with bias: pad, :func:`conv2d_valid`, + b.

    ``padding``: "same" (output size = input size), "valid" (none) or an int p (p on every side).
    ``pad_mode``: "constant" (zeros) or "edge" (replicate; C3's synthesis convolutions)."""
    kh, kw = (np.shape(w) + (1, 1))[:2]
    if padding == "same":
        pads = (_same_pads(kh), _same_pads(kw))
    elif padding == "valid":
        pads = ((0, 0), (0, 0))
    elif isinstance(padding, (int, np.integer)) and padding >= 0:
        pads = ((int(padding),) * 2, (int(padding),) * 2)
    else:
        raise ValueError(f"conv2d: padding must be 'same', 'valid' or an int >= 0, got {padding!r}")
    if np.ndim(x) != 4 or np.ndim(w) != 4 or np.shape(x)[3] != np.shape(w)[2]:
        raise ValueError(f"conv2d: x must be (N, H, W, C) and w (kh, kw, C, C_out) with matching C; "
                         f"got shapes {np.shape(x)} and {np.shape(w)}")
    if any(pads[0] + pads[1]):
        x = pad(x, ((0, 0), pads[0], pads[1], (0, 0)), mode=pad_mode)
    return conv2d_valid(x, w, b)


def causal_mask(kh: int, kw: int, c_in: int = 1, c_out: int = 1, dtype=np.float64) -> np.ndarray:
    """M[a, b] = 1 for taps strictly before the centre in raster order (rows above; same row, left).

    With kh = kw = 2c + 1 this keeps the (kh·kw − 1)/2 causal neighbours (C3: c = 3 → 24)."""
    if kh < 1 or kw < 1 or kh % 2 == 0 or kw % 2 == 0:
        raise ValueError(f"causal_mask: kernel size must be odd and >= 1, got {kh}×{kw}")
    m = np.zeros((kh, kw), dtype=dtype)
    ch, cw = kh // 2, kw // 2
    m[:ch, :] = 1.0
    m[ch, :cw] = 1.0
    return np.broadcast_to(m[:, :, None, None], (kh, kw, c_in, c_out)).copy()


def masked_conv2d(x, w, b=None, pad_mode: str = "constant"):
    """Causal ("masked", PixelCNN type A) convolution: conv2d(x, w ⊙ M, same padding).

    y[i, j] depends only on x at positions before (i, j) in raster order; taps outside the mask
    get zero gradient because w̄ ⊙ M is the adjoint of w ↦ w ⊙ M."""
    kh, kw, c_in, c_out = np.shape(w)
    mask = causal_mask(kh, kw, c_in, c_out, dtype=np.asarray(getattr(w, "value", w)).dtype)
    return conv2d(x, mul(w, mask), b, padding="same", pad_mode=pad_mode)


# --- upsampling --------------------------------------------------------------------------------

def _upsample_nearest_fwd(x, factor):
    """Repeat every pixel ``factor``×``factor`` times: (N, H, W, C) → (N, fH, fW, C)."""
    x = np.asarray(x)
    if x.ndim != 4 or int(factor) != factor or factor < 1:
        raise ValueError(f"upsample_nearest: need x (N, H, W, C) and an integer factor >= 1, got shape {x.shape}, factor {factor!r}")
    f = int(factor)
    return x.repeat(f, axis=1).repeat(f, axis=2), f


def _upsample_nearest_bwd(f, g):
    n, h, w, c = g.shape
    return (g.reshape(n, h // f, f, w // f, f, c).sum(axis=(2, 4)),)


upsample_nearest = primitive("upsample_nearest", _upsample_nearest_fwd, _upsample_nearest_bwd, 1e-7, 1e-9)


def _keys_cubic(t: np.ndarray, a: float) -> np.ndarray:
    """Keys' cubic convolution kernel (Keys 1981, eq. 15), support |t| < 2."""
    t = np.abs(t)
    return np.where(t <= 1, ((a + 2) * t - (a + 3)) * t * t + 1,
                    np.where(t < 2, ((a * t - 5 * a) * t + 8 * a) * t - 4 * a, 0.0))


def resize_matrix(n_in: int, n_out: int, method: str = "bilinear", a: float = -0.5) -> np.ndarray:
    """A ∈ ℝ^{n_out × n_in} with y = A x along one axis; half-pixel centres
    s(o) = (o + ½) n_in / n_out − ½, indices clamped to the edge (replicate boundary).

    ``bilinear``: triangle kernel (C3's ``jax.image.resize`` when upsampling);
    ``bicubic``: Keys' kernel with parameter ``a`` (−0.5 as JAX; PyTorch uses −0.75);
    ``nearest``: the input pixel whose cell contains s(o)."""
    if n_in < 1 or n_out < 1:
        raise ValueError(f"resize_matrix: sizes must be >= 1, got n_in={n_in}, n_out={n_out}")
    s = (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5
    A = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    if method == "nearest":
        A[rows, np.clip(np.floor(s + 0.5), 0, n_in - 1).astype(int)] = 1.0
        return A
    if method == "bilinear":
        s = np.clip(s, 0, n_in - 1)
        i0 = np.floor(s).astype(int)
        t = s - i0
        np.add.at(A, (rows, i0), 1 - t)
        np.add.at(A, (rows, np.minimum(i0 + 1, n_in - 1)), t)
        return A
    if method == "bicubic":
        i0 = np.floor(s).astype(int)
        for k in range(-1, 3):
            np.add.at(A, (rows, np.clip(i0 + k, 0, n_in - 1)), _keys_cubic(s - (i0 + k), a))
        return A
    raise ValueError(f"resize_matrix: method must be 'nearest', 'bilinear' or 'bicubic', got {method!r}")


def _resize_fwd(x, out_hw, method="bilinear"):
    """y = A_H x A_Wᵀ per image and channel: (N, H, W, C) → (N, H′, W′, C)."""
    x = np.asarray(x)
    if x.ndim != 4 or len(out_hw) != 2:
        raise ValueError(f"resize: need x (N, H, W, C) and out_hw (H′, W′), got shape {x.shape}, out_hw {out_hw!r}")
    ah = resize_matrix(x.shape[1], int(out_hw[0]), method).astype(x.dtype)
    aw = resize_matrix(x.shape[2], int(out_hw[1]), method).astype(x.dtype)
    return _apply_hw(x, ah, aw), (ah, aw)


def _apply_hw(x, ah, aw):
    y = np.matmul(ah, x.transpose(0, 3, 1, 2))                 # (N, C, H′, W)
    y = np.matmul(y, aw.T)                                      # (N, C, H′, W′)
    return y.transpose(0, 2, 3, 1)


resize = primitive("resize", _resize_fwd,
                   lambda r, g: (_apply_hw(g, r[0].T, r[1].T),), 1e-7, 1e-9)
