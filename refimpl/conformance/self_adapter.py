"""refimpl as its own conformance adapter: every name of the conformance surface, resolved from
the public modules below (``__all__`` of each). CI replays every vector through it."""

from __future__ import annotations

import importlib

SURFACE_MODULES = [
    "refimpl.random",
    "refimpl.coding",
    "refimpl.quantization",
    "refimpl.rcc",
    "refimpl.rd",
    "refimpl.diffc",
    "refimpl.realism",
    "refimpl.autograd",
    "refimpl.c3",
    "refimpl.diffusion",
    "refimpl.lda",
]


def surface() -> dict[str, object]:
    """Name → function over every surface module that exists (names must be unique)."""
    out: dict[str, object] = {}
    for name in SURFACE_MODULES:
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name is not None and name.startswith(e.name):
                continue
            raise
        for attr in getattr(mod, "__all__", []):
            out.setdefault(attr, getattr(mod, attr))
    return out


def __getattr__(name: str):
    fns = surface()
    if name in fns:
        return fns[name]
    raise AttributeError(name)
