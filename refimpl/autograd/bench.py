"""Benchmark: one training step (forward + backward + Adam) of a C3-sized synthesis network.

Network (NHWC, float32, 128×128 input, ``c3_synthesis_*``): a per-pixel MLP of 1×1 convolutions
12 → 40 → 40 → 3 with GELU (tanh form) between, then two residual 3×3 convolutions 3 → 3 with
edge padding and a GELU between them (the shape of C3's synthesis, Kim et al. CVPR 2024, §3,
widened to ≈ 2.4k MACs/pixel: 480 + 1600 + 120 + 81 + 81 = 2362). Loss: mean squared error to a
fixed target. Peer: the same network and Adam in PyTorch on CPU, when ``import torch`` works
(torch is optional and never a dependency). Both run with the same number of threads
(OPENBLAS_NUM_THREADS / torch.set_num_threads), medians of repeated steps.

Run: ``OPENBLAS_NUM_THREADS=1 refimpl bench autograd`` (``--quick``: fewer repeats).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

from . import nn, ops
from .core import value_and_grad
from .optim import adam_init, adam_update

__all__ = ["MACS_PER_PIXEL", "c3_synthesis_init", "c3_synthesis", "time_steps", "run"]

WIDTHS = (12, 40, 40, 3)
MACS_PER_PIXEL = sum(a * b for a, b in zip(WIDTHS[:-1], WIDTHS[1:])) + 2 * 9 * 3 * 3


def c3_synthesis_init(seed: int = 0, dtype=np.float32) -> dict:
    """Parameters of the benchmark network (residual convs random, not zero, so that they do work)."""
    return {"mlp": nn.mlp_init(seed, list(WIDTHS), dtype, conv1x1=True),
            "res": [nn.conv_init(seed, 3, 3, 3, 3, dtype, offset=10_000 + 100 * i) for i in range(2)]}


def c3_synthesis(params: dict, x):
    """x (N, H, W, 12) → (N, H, W, 3): per-pixel MLP, then residual 3×3 convs with edge padding."""
    h = nn.mlp(params["mlp"], x, ops.gelu)
    h = nn.residual_block([params["res"][0]], h, pad_mode="edge")
    h = ops.gelu(h)
    return nn.residual_block([params["res"][1]], h, pad_mode="edge")


def _loss(params, x, target):
    d = ops.sub(c3_synthesis(params, x), target)
    return ops.mean(ops.mul(d, d))


def _inputs(size: int, dtype=np.float32):
    from .. import random as R
    x = R.normal(1, 8, np.arange(size * size * 12, dtype=np.uint64)).reshape(1, size, size, 12).astype(dtype)
    t = R.uniform(2, 8, np.arange(size * size * 3, dtype=np.uint64)).reshape(1, size, size, 3).astype(dtype)
    return x, t


def refimpl_stepper(size: int = 128):
    """A closure doing one refimpl training step per call (state kept inside, for timing only)."""
    params = c3_synthesis_init()
    x, t = _inputs(size)
    box = [params, adam_init(params)]
    step = value_and_grad(_loss)

    def one() -> float:
        loss, g = step(box[0], x, t)
        box[0], box[1] = adam_update(box[0], g, box[1], 1e-3)
        return float(loss)

    return one


def torch_model(params: dict):
    """The same network in PyTorch (NCHW), initialised from refimpl's parameters."""
    import torch

    class Synth(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.mlp = torch.nn.ModuleList(torch.nn.Conv2d(a, b, 1) for a, b in zip(WIDTHS[:-1], WIDTHS[1:]))
            self.res = torch.nn.ModuleList(torch.nn.Conv2d(3, 3, 3, padding=1, padding_mode="replicate")
                                           for _ in range(2))

        def forward(self, x):
            for i, c in enumerate(self.mlp):
                x = c(x)
                if i < len(self.mlp) - 1:
                    x = torch.nn.functional.gelu(x, approximate="tanh")
            x = x + self.res[0](x)
            x = torch.nn.functional.gelu(x, approximate="tanh")
            return x + self.res[1](x)

    m = Synth()
    with torch.no_grad():
        for c, p in zip(list(m.mlp) + list(m.res), params["mlp"] + params["res"]):
            c.weight.copy_(torch.from_numpy(np.ascontiguousarray(p["w"].transpose(3, 2, 0, 1))))
            c.bias.copy_(torch.from_numpy(p["b"]))
    return m


def torch_stepper(size: int = 128, threads: int = 1):
    """One PyTorch training step per call (same network, same initial weights, Adam, MSE)."""
    import torch

    torch.set_num_threads(threads)
    m = torch_model(c3_synthesis_init())
    x, t = (torch.from_numpy(np.ascontiguousarray(a.transpose(0, 3, 1, 2))) for a in _inputs(size))
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)

    def one() -> float:
        opt.zero_grad()
        loss = torch.mean((m(x) - t) ** 2)
        loss.backward()
        opt.step()
        return float(loss.detach())

    return one


def time_steps(threads: int = 1, repeats: int = 20, size: int = 128) -> dict:
    """Median seconds per step; refimpl and torch steps alternate so machine load hits both alike.

    Also returns the first-step losses of both (same weights and data: they must agree)."""
    steppers = {"refimpl": refimpl_stepper(size)}
    try:
        steppers["torch"] = torch_stepper(size, threads)
    except ImportError:
        pass
    times = {k: [] for k in steppers}
    first = {k: f() for k, f in steppers.items()}
    for _ in range(repeats):
        for k, f in steppers.items():
            t0 = time.perf_counter()
            f()
            times[k].append(time.perf_counter() - t0)
    return {"median": {k: statistics.median(v) for k, v in times.items()}, "first_loss": first}


def _child(threads: int, repeats: int) -> dict:
    """Time in a fresh process whose BLAS thread count is fixed before NumPy loads."""
    code = ("import json; from refimpl.autograd import bench as b; "
            "print(json.dumps(b.time_steps(%d, %d)))") % (threads, repeats)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": str(threads), "OMP_NUM_THREADS": str(threads),
           "MKL_NUM_THREADS": str(threads)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(quick: bool = False) -> int:
    """Print the Markdown table of docs/performance.md "## autograd"."""
    repeats = 5 if quick else 20
    print(f"C3-sized synthesis (1×1 convs {'→'.join(map(str, WIDTHS))}, GELU, 2 residual 3×3 convs 3→3, edge pad), "
          f"{MACS_PER_PIXEL} MACs/pixel, 128×128, float32; time per step = forward + backward + Adam; "
          f"median of {repeats} steps\n")
    print(f"Load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
          "(steps of both libraries alternate, so load slows both alike)\n")
    print("| threads | refimpl.autograd (ms) | PyTorch CPU (ms) | ratio refimpl/torch |")
    print("|---|---|---|---|")
    for threads in (1, 2):
        res = _child(threads, repeats)
        r, t = res["median"]["refimpl"], res["median"].get("torch")
        tt = "not installed" if t is None else f"{1e3 * t:.1f}"
        ratio = "–" if t is None else f"{r / t:.2f}"
        print(f"| {threads} | {1e3 * r:.1f} | {tt} | {ratio} |")
        if t is not None:
            print(f"<!-- first-step loss: refimpl {res['first_loss']['refimpl']:.6f}, "
                  f"torch {res['first_loss']['torch']:.6f} -->")
    return 0


if __name__ == "__main__":
    sys.exit(run("--quick" in sys.argv))
