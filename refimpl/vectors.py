"""Language-neutral test vectors (``specs/vectors/<topic>.vN.json``).

Format (``specs/vectors.md``; schema ``specs/vectors/schema/vectors.v1.schema.json``)::

    {"topic", "version", "spec", "verifiedBy": [...], "notes": {flag: meaning},
     "groups": [{"function", "params", "tolerance", "cases": [
         {"id", "comment", "input", "expected", "result", "flags"}]}]}

``function`` names a function of the conformance surface (``refimpl.conformance.self_adapter``);
a case calls ``function(**input, **params)``. ``expected`` maps output names to values: a
NamedTuple result maps field by field, any other result is ``{"output": value}``.
``result`` is ``valid`` (must match within the group's tolerance), ``invalid`` (must raise:
ValueError, or refimpl.errors.DecodeError for streams) or ``acceptable`` (either).

Value encoding: arrays are ``{"dtype", "shape", "data"}`` (C order; NaN/±inf as the strings
"NaN", "Infinity", "-Infinity"; integers beyond 2^53 in magnitude as decimal strings); byte
strings are ``{"hex": "..."}``; scalars are JSON numbers (NaN/±inf as above), integer
scalars beyond 2^53 are ``{"int": "decimal"}``.

Each topic's ``refimpl/<topic>/vectors.py`` defines ``FILES``: functions returning a file dict
(built with :func:`vector_file`, :func:`group`, :func:`valid`, :func:`invalid`).
"""

from __future__ import annotations

import importlib
import json
import math
from pathlib import Path
from typing import Any, Callable

import numpy as np

__all__ = [
    "encode_value",
    "decode_value",
    "as_outputs",
    "vector_file",
    "group",
    "valid",
    "invalid",
    "acceptable",
    "dumps",
    "VECTOR_MODULES",
    "all_files",
    "write_all",
    "vectors_dir",
]

#: Modules whose ``FILES`` list builds vector files, in generation order.
VECTOR_MODULES = [
    "refimpl.random_vectors",
    "refimpl.coding.vectors",
    "refimpl.quantization.vectors",
    "refimpl.rcc.vectors",
    "refimpl.rd.vectors",
    "refimpl.diffc.vectors",
    "refimpl.realism.vectors",
    "refimpl.autograd.vectors",
    "refimpl.c3.vectors",
    "refimpl.diffusion.vectors",
    "refimpl.lda.vectors",
]

_BIG = 1 << 53


def _scalar(x):
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        x = int(x)
        return str(x) if abs(x) > _BIG else x
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def encode_value(v: Any) -> Any:
    """Python/NumPy value → JSON-ready value (see module docstring)."""
    if isinstance(v, (bytes, bytearray)):
        return {"hex": bytes(v).hex()}
    if isinstance(v, np.ndarray):
        if v.dtype.kind not in "biuf":
            raise ValueError(f"cannot encode array of dtype {v.dtype}")
        return {"dtype": str(v.dtype), "shape": list(v.shape), "data": [_scalar(x) for x in v.reshape(-1).tolist()]}
    if isinstance(v, dict):
        return {str(k): encode_value(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [encode_value(x) for x in v]
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)) and abs(int(v)) > _BIG:
        return {"int": str(int(v))}
    if isinstance(v, (int, float, np.number)):
        return _scalar(v)
    raise ValueError(f"cannot encode value of type {type(v).__name__}")


def _unscalar(x, kind: str = ""):
    if isinstance(x, str):
        if x == "NaN":
            return math.nan
        if x == "Infinity":
            return math.inf
        if x == "-Infinity":
            return -math.inf
        return int(x)
    return x


def decode_value(v: Any) -> Any:
    """Inverse of :func:`encode_value`."""
    if isinstance(v, dict):
        if set(v) == {"hex"}:
            return bytes.fromhex(v["hex"])
        if set(v) == {"int"}:
            return int(v["int"])
        if set(v) == {"dtype", "shape", "data"}:
            dt = np.dtype(v["dtype"])
            data = [_unscalar(x) for x in v["data"]]
            if dt.kind in "iu":
                return np.array([int(x) for x in data], dtype=dt).reshape(v["shape"])
            return np.array(data, dtype=dt).reshape(v["shape"])
        return {k: decode_value(x) for k, x in v.items()}
    if isinstance(v, list):
        return [decode_value(x) for x in v]
    if isinstance(v, str) and v in ("NaN", "Infinity", "-Infinity"):
        return _unscalar(v)
    return v


def as_outputs(result: Any) -> dict:
    """A function result as a dict of named outputs (NamedTuple fields, or ``{"output": r}``)."""
    if hasattr(result, "_asdict"):
        return dict(result._asdict())
    return {"output": result}


def vector_file(topic: str, version: int, spec: str, verified_by: list[str], notes: dict[str, str],
                groups: list[dict]) -> dict:
    """The envelope of one vector file; ids are numbered 1… across the file (the groups given
    are copied, not changed)."""
    groups = [{**g, "cases": [dict(c) for c in g["cases"]]} for g in groups]
    n = 0
    for g in groups:
        for c in g["cases"]:
            n += 1
            c["id"] = n
        for c in g["cases"]:
            for f in c["flags"]:
                if f not in notes:
                    raise ValueError(f"flag {f!r} used in {topic} but not defined in notes")
    return {"topic": topic, "version": version, "spec": spec, "verifiedBy": list(verified_by),
            "notes": dict(notes), "numberOfCases": n, "groups": groups}


def group(function: str, cases: list[dict], params: dict | None = None, tolerance: dict | None = None,
          comment: str = "") -> dict:
    """A group of cases calling ``function`` with fixed ``params``."""
    tol = tolerance or {"mode": "exact"}
    if tol["mode"] not in ("exact", "allclose"):
        raise ValueError(f"tolerance mode must be 'exact' or 'allclose', got {tol['mode']!r}")
    return {"function": function, "comment": comment, "params": encode_value(params or {}),
            "tolerance": tol, "cases": cases}


def _call(fn: Callable, inputs: dict, params: dict | None):
    return fn(**inputs, **(params or {}))


def valid(fn: Callable, inputs: dict, comment: str, flags: list[str] | None = None, params: dict | None = None) -> dict:
    """A case that must succeed; ``expected`` is computed by refimpl (see the file's verifiedBy)."""
    out = as_outputs(_call(fn, inputs, params))
    return {"id": 0, "comment": comment, "input": encode_value(inputs), "expected": encode_value(out),
            "result": "valid", "flags": list(flags or [])}


def invalid(fn: Callable, inputs: dict, comment: str, flags: list[str] | None = None, params: dict | None = None) -> dict:
    """A case that must be rejected; the generator checks that refimpl does raise ValueError."""
    try:
        _call(fn, inputs, params)
    except ValueError:
        pass
    else:
        raise AssertionError(f"invalid case {comment!r} was accepted by refimpl")
    return {"id": 0, "comment": comment, "input": encode_value(inputs), "expected": {},
            "result": "invalid", "flags": list(flags or [])}


def acceptable(fn: Callable, inputs: dict, comment: str, flags: list[str] | None = None,
               params: dict | None = None) -> dict:
    """A case where raising and returning are both conforming; refimpl's output is recorded if any."""
    try:
        out = encode_value(as_outputs(_call(fn, inputs, params)))
    except ValueError:
        out = {}
    return {"id": 0, "comment": comment, "input": encode_value(inputs), "expected": out,
            "result": "acceptable", "flags": list(flags or [])}


def dumps(doc: dict) -> str:
    """Canonical JSON: sorted keys, 1-space indent, ASCII, trailing newline."""
    return json.dumps(doc, sort_keys=True, indent=1, ensure_ascii=True, allow_nan=False) + "\n"


def vectors_dir() -> Path:
    """``specs/vectors`` of the source tree this package was loaded from."""
    return Path(__file__).resolve().parent.parent / "specs" / "vectors"


def _builders() -> list[Callable[[], dict]]:
    out = []
    for name in VECTOR_MODULES:
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name is not None and name.startswith(e.name):
                continue
            raise
        out.extend(mod.FILES)
    return out


def all_files(progress: Callable[[str], None] | None = None) -> dict[str, str]:
    """Every vector file as ``{file name: canonical JSON text}``."""
    files = {}
    for build in _builders():
        if progress:
            progress(f"{build.__module__}.{build.__name__}")
        doc = build()
        files[f"{doc['topic']}.v{doc['version']}.json"] = dumps(doc)
    return files


def write_all(root: Path, check: bool = False, progress: Callable[[str], None] | None = None) -> list[str]:
    """Write every file under ``root`` (or with ``check``, write nothing and return the names of
    files that are missing or differ)."""
    root.mkdir(parents=True, exist_ok=True) if not check else None
    differ = []
    for name, text in all_files(progress).items():
        path = root / name
        old = path.read_text() if path.exists() else None
        if old != text:
            differ.append(name)
            if not check:
                path.write_text(text)
    return differ
