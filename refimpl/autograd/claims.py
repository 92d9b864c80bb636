"""Claims of the autograd topic: the backward passes are the derivatives of the forwards, and the
whole stack (core, layers, Adam, schedules) trains a network.

Citations: reverse-mode differentiation (Griewank & Walther 2008); coordinate MLP with random
Fourier features (Tancik et al., "Fourier features let networks learn high frequency functions
in low dimensional domains", NeurIPS 2020), the kind of per-image overfitting C3 relies on
(Kim et al., CVPR 2024).

| symbol | name | meaning |
|---|---|---|
| γ(v) = [sin 2πBv, cos 2πBv] | ``features`` | Fourier features of pixel centres v ∈ [0,1]², B ~ N(0, σ²) |
| PSNR = 10 log₁₀(1/MSE) | ``psnr`` | in dB, image values in [0, 1] |
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import random as R
from ..claims import at_least, at_most, holds_exactly, register
from . import nn, ops
from .catalog import VJP_OPS, example_inputs
from .core import value_and_grad
from .gradcheck import check_vjp
from .optim import adam_init, adam_update, warmup_cosine_schedule

__all__ = ["synthetic_image", "fit_coordinate_mlp"]

PAPER_AD = "Griewank & Walther 2008, Evaluating Derivatives (reverse mode)"
PAPER_FF = "Tancik et al. 2020, Fourier features (coordinate MLPs)"


@register("autograd")
def catalogue_vjps_match_differences(size: str):
    """Every op of the catalogue (layers, convs, resizes, activations, discretized log-probs):
    vjp within (rtol 1e-6, atol 1e-7·(1 + Σ|ȳ f|)) of float64 central differences."""
    fails, seeds = 0, (2024,) if size == "quick" else (2024, 7, 99)
    for seed in seeds:
        for name, (fn, _, _) in VJP_OPS.items():
            params, x = example_inputs(name, seed)
            out = np.asarray(fn(params, x))
            dy = R.normal(seed + 1, 8, np.arange(out.size, dtype=np.uint64)).reshape(out.shape)
            fails += not check_vjp(fn, (params, x), dy, rtol=1e-6, atol=1e-7).ok
    return holds_exactly("vjp_equals_central_differences", PAPER_AD,
                         f"pullbacks of {len(VJP_OPS)} ops × {len(seeds)} input draws agree with central differences",
                         fails, "float64 differences with h = 1e-6: truncation O(h²) and round-off O(ε/h) "
                                "are below 1e-7 relative, 10× under the tolerance")


def synthetic_image(n: int = 32) -> np.ndarray:
    """An n×n RGB image in [0, 1] made in code: a diagonal sinusoid (R), a hard-edged disk (G),
    a cosine ramp (B)."""
    u, v = np.meshgrid((np.arange(n) + 0.5) / n, (np.arange(n) + 0.5) / n, indexing="ij")
    r = 0.5 + 0.4 * np.sin(2 * np.pi * (2 * u + v))
    g = ((u - 0.5) ** 2 + (v - 0.45) ** 2 < 0.09) * 0.8 + 0.1
    b = 0.5 + 0.4 * np.cos(6 * np.pi * u) * v
    return np.stack([r, g, b], -1)


class CoordinateFit(NamedTuple):
    psnr_db: float                # trained MLP
    last_layer_ls_psnr_db: float  # closed-form least-squares last layer on the trained hidden features
    linear_ls_psnr_db: float      # closed-form least-squares linear model on the Fourier features γ(v)


def _psnr(mse: float) -> float:
    return float(10 * np.log10(1.0 / mse))


def _lstsq_psnr(design: np.ndarray, target: np.ndarray) -> float:
    """PSNR of the least-squares fit target ≈ [design, 1]·W (numpy.linalg.lstsq, closed form)."""
    a = np.concatenate([design, np.ones((design.shape[0], 1))], axis=1)
    w = np.linalg.lstsq(a, target, rcond=None)[0]
    return _psnr(float(np.mean((a @ w - target) ** 2)))


def fit_coordinate_mlp(image: np.ndarray, steps: int, n_freq: int = 64, sigma: float = 8.0, width: int = 64,
                       lr: float = 1e-2, seed: int = 0) -> CoordinateFit:
    """Fit MLP(γ(v)) ≈ image[v] (ReLU, 2 hidden layers) with Adam and warm-up + cosine (Tancik et al.
    2020 §5); PSNR in dB, with two closed-form least-squares references computed without autograd."""
    n = image.shape[0]
    c = (np.arange(n) + 0.5) / n
    coords = np.stack(np.meshgrid(c, c, indexing="ij"), -1).reshape(-1, 2)
    B = sigma * R.normal(seed + 3, nn.STREAM_INIT, np.arange(2 * n_freq, dtype=np.uint64)).reshape(2, n_freq)
    features = np.concatenate([np.sin(2 * np.pi * coords @ B), np.cos(2 * np.pi * coords @ B)], -1)
    target = image.reshape(-1, image.shape[-1])
    params = nn.mlp_init(seed, [2 * n_freq, width, width, target.shape[1]])

    def mse(p):
        d = ops.sub(nn.mlp(p, features, ops.relu), target)
        return ops.mean(ops.mul(d, d))

    step = value_and_grad(mse)
    state = adam_init(params)
    for k in range(steps):
        _, g = step(params)
        params, state = adam_update(params, g, state, warmup_cosine_schedule(k, 20, steps, lr, 0.01 * lr))
    hidden = features
    for layer in params[:-1]:  # the trained hidden layers, recomputed in plain NumPy
        hidden = np.maximum(hidden @ np.asarray(layer["w"]) + np.asarray(layer["b"]), 0.0)
    return CoordinateFit(_psnr(float(mse(params))), _lstsq_psnr(hidden, target), _lstsq_psnr(features, target))


#: Convergence criterion of the last layer: within 1 dB (MSE within a factor 10^0.1 = 1.26) of its
#: closed-form least-squares optimum given the trained hidden features.
LAST_LAYER_GAP_DB = 1.0


@register("autograd")
def coordinate_mlp_overfits(size: str):
    """A Fourier-feature coordinate MLP overfits a 32×32 synthetic image: Adam through the autograd
    reaches the closed-form optimum of its last layer, and beats the best linear model on γ(v)."""
    steps = 200 if size == "quick" else 1000
    img = synthetic_image(32)
    fit = fit_coordinate_mlp(img, steps)
    mean_psnr = _psnr(float(np.mean((img - img.mean(axis=(0, 1))) ** 2)))
    details = {"steps": steps, "psnr_db": fit.psnr_db, "last_layer_ls_psnr_db": fit.last_layer_ls_psnr_db,
               "linear_ls_psnr_db": fit.linear_ls_psnr_db, "mean_image_psnr_db": mean_psnr}
    arch = f"64 Fourier features (σ = 8) → 64 → 64 → 3 ReLU MLP, Adam, {steps} steps, 32×32 synthetic image"
    return [
        at_most("coordinate_mlp_last_layer_gap_db", PAPER_FF,
                f"{arch}: PSNR {fit.psnr_db:.2f} dB is within {LAST_LAYER_GAP_DB} dB of the least-squares "
                f"optimum of its last layer on the trained hidden features ({fit.last_layer_ls_psnr_db:.2f} dB)",
                fit.last_layer_ls_psnr_db - fit.psnr_db, LAST_LAYER_GAP_DB,
                "the reference is computed independently of the autograd (numpy.linalg.lstsq on the hidden "
                "activations recomputed in NumPy) and is ≥ the trained PSNR by construction; the 1 dB gap "
                "(MSE within 26% of optimal) is the stated convergence criterion, not a measured value minus "
                "a margin; deterministic (fixed seeds)", details=details),
        at_least("coordinate_mlp_beats_linear_ls", PAPER_FF,
                 f"{arch}: PSNR {fit.psnr_db:.2f} dB ≥ the closed-form least-squares linear model on the same "
                 f"Fourier features γ(v) ({fit.linear_ls_psnr_db:.2f} dB; the per-channel mean scores "
                 f"{mean_psnr:.1f} dB)",
                 fit.psnr_db, fit.linear_ls_psnr_db,
                 "independent bound: the MLP's hidden layers can only add to what a linear read-out of γ(v) "
                 "achieves, so a trained MLP below the lstsq linear fit means the gradients or optimiser are "
                 "wrong; deterministic (fixed seeds)", details=details),
    ]
