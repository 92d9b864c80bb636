"""Optional cross-check against PyTorch (skipped when torch is not installed; never a dependency):
the benchmark's C3-sized network gives the same loss and gradients, bilinear ×2 upsampling
matches ``F.interpolate(..., align_corners=False)``, Adam matches ``torch.optim.Adam``."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from refimpl import autograd as ag  # noqa: E402
from refimpl.autograd import bench, image  # noqa: E402


def test_c3_synthesis_gradients_match_torch_float64():
    params = ag.tree_map(lambda a: a.astype(np.float64), bench.c3_synthesis_init(seed=3))
    x, t = (a.astype(np.float64) for a in bench._inputs(8))
    loss, g = ag.value_and_grad(bench._loss)(params, x, t)
    m = bench.torch_model(params).double()
    xt, tt = (torch.from_numpy(np.ascontiguousarray(a.transpose(0, 3, 1, 2))) for a in (x, t))
    lt = torch.mean((m(xt) - tt) ** 2)
    lt.backward()
    assert float(loss) == pytest.approx(float(lt.detach()), rel=1e-12)
    layers = list(m.mlp) + list(m.res)
    for c, p in zip(layers, g["mlp"] + g["res"]):
        np.testing.assert_allclose(p["w"], c.weight.grad.numpy().transpose(2, 3, 1, 0), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(p["b"], c.bias.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_bilinear_upsampling_matches_torch():
    x = np.random.default_rng(0).standard_normal((1, 5, 7, 2))
    got = image.resize(x, (10, 14), "bilinear")
    want = torch.nn.functional.interpolate(torch.from_numpy(x.transpose(0, 3, 1, 2)), scale_factor=2,
                                           mode="bilinear", align_corners=False).numpy().transpose(0, 2, 3, 1)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_adam_matches_torch():
    p = {"w": np.array([1.0, -2.0, 0.5])}
    w = torch.tensor(p["w"].copy(), requires_grad=True)
    opt = torch.optim.Adam([w], lr=0.05)
    state = ag.adam_init(p)
    for k in range(5):
        g = {"w": np.array([0.3, -4.0, 1e-3]) * (k + 1) + p["w"]}
        p, state = ag.adam_update(p, g, state, lr=0.05)
        w.grad = torch.tensor(np.array([0.3, -4.0, 1e-3]) * (k + 1) + w.detach().numpy())
        opt.step()
    np.testing.assert_allclose(p["w"], w.detach().numpy(), rtol=1e-12)
