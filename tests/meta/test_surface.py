"""The conformance surface: names exported by the subpackages' ``__all__`` are unique across
refimpl, and every function a vector group calls exists on it."""

import importlib
import json

from refimpl import vectors as V
from refimpl.conformance import self_adapter


def _modules():
    for name in self_adapter.SURFACE_MODULES:
        try:
            yield name, importlib.import_module(name)
        except ModuleNotFoundError:
            continue


def test_surface_names_are_unique():
    seen = {}
    for name, mod in _modules():
        for attr in getattr(mod, "__all__", []):
            assert attr not in seen, f"{attr!r} exported by both {seen[attr]} and {name}"
            seen[attr] = name
            assert hasattr(mod, attr), f"{name}.__all__ lists {attr!r} but the module lacks it"


def test_every_vector_function_is_on_the_surface():
    fns = self_adapter.surface()
    for path in V.vectors_dir().glob("*.json"):
        for g in json.loads(path.read_text())["groups"]:
            assert g["function"] in fns, f"{path.name}: {g['function']!r} not on the conformance surface"
