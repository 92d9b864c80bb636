"""Replay refimpl's test vectors through another implementation.

An *adapter* is a module (or object) with functions named as refimpl's conformance surface
(the ``function`` field of each vector group: ``rans_encode``, ``uniform``, …); it translates
arguments and results to and from its own implementation and raises ``ValueError`` for input it
rejects. Missing functions are skipped with a reason. See ``docs/conformance.md``.

Used by ``refimpl conformance --adapter MODULE`` and by ``tests/conformance`` (pytest, with
``REFIMPL_ADAPTER=MODULE``). The default adapter is :mod:`refimpl.conformance.self_adapter`.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any, Iterator, NamedTuple

import numpy as np

from ..vectors import as_outputs, decode_value, encode_value, vectors_dir

__all__ = ["DEFAULT_ADAPTER", "load_adapter", "iter_cases", "run_case", "replay", "CaseResult", "Case"]

DEFAULT_ADAPTER = "refimpl.conformance.self_adapter"


def load_adapter(target: str | None = None) -> Any:
    """The adapter named by ``target`` (default: ``$REFIMPL_ADAPTER``, else refimpl itself):
    ``pkg.module``, ``pkg.module:object``, or a file ``path/to/adapter.py[:object]``.
    Modules are imported with the current directory on the path, as ``python -m`` would."""
    target = target or os.environ.get("REFIMPL_ADAPTER") or DEFAULT_ADAPTER
    mod_name, _, attr = target.partition(":")
    if mod_name.endswith(".py"):
        path = Path(mod_name).resolve()
        if not path.is_file():
            raise ValueError(f"adapter file not found: {path}")
        spec = importlib.util.spec_from_file_location(path.stem, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
    else:
        added = os.getcwd() not in sys.path
        if added:
            sys.path.insert(0, os.getcwd())
        try:
            mod = importlib.import_module(mod_name)
        finally:
            if added:
                sys.path.remove(os.getcwd())
    return getattr(mod, attr) if attr else mod


class Case(NamedTuple):
    file: str
    function: str
    params: dict
    tolerance: dict
    case: dict

    @property
    def id(self) -> str:
        return f"{self.file}#{self.case['id']}:{self.function}"


class CaseResult(NamedTuple):
    case_id: str
    function: str
    status: str  # "pass" | "fail" | "skip"
    reason: str


def iter_cases(root: Path | None = None) -> Iterator[Case]:
    """Every case of every ``*.json`` vector file under ``root`` (default ``specs/vectors``)."""
    root = Path(root) if root else vectors_dir()
    for path in sorted(root.glob("*.json")):
        doc = json.loads(path.read_text())
        for g in doc["groups"]:
            for c in g["cases"]:
                yield Case(path.name, g["function"], g["params"], g["tolerance"], c)


def _normalise(v: Any) -> Any:
    return decode_value(encode_value(v))


def _compare(want: Any, got: Any, tol: dict, where: str) -> str | None:
    """None if equal within ``tol``, else a message saying how they differ."""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return f"{where}: expected a mapping, got {type(got).__name__}"
        for k, w in want.items():
            if k not in got:
                return f"{where}: missing output {k!r}"
            msg = _compare(w, got[k], tol, f"{where}.{k}")
            if msg:
                return msg
        return None
    if isinstance(want, (bytes, list, str)) or isinstance(got, (bytes, list, str)):
        return None if want == got else f"{where}: expected {want!r:.200}, got {got!r:.200}"
    w = np.asarray(want)
    g = np.asarray(got)
    if w.shape != g.shape:
        return f"{where}: shape {g.shape} != expected {w.shape}"
    if w.dtype.kind in "biu" and g.dtype.kind not in "biu":
        return f"{where}: expected integers, got dtype {g.dtype}"
    if w.dtype.kind in "biu":
        bad = w != g
    elif tol.get("mode") == "allclose":
        wf, gf = w.astype(np.float64), g.astype(np.float64)
        bad = ~np.isclose(gf, wf, rtol=tol.get("rtol", 0.0), atol=tol.get("atol", 0.0), equal_nan=True)
    else:
        wf, gf = w.astype(np.float64), g.astype(np.float64)
        bad = ~((wf == gf) | (np.isnan(wf) & np.isnan(gf)))
    if np.any(bad):
        i = np.flatnonzero(np.atleast_1d(bad))[0]
        return (f"{where}: {int(np.sum(bad))} of {bad.size} differ; first at flat index {i}: "
                f"got {np.atleast_1d(g).reshape(-1)[i]!r} != expected {np.atleast_1d(w).reshape(-1)[i]!r}")
    return None


def run_case(adapter: Any, case: Case) -> CaseResult:
    """Run one case through ``adapter``."""
    fn = getattr(adapter, case.function, None)
    if fn is None:
        name = getattr(adapter, "__name__", type(adapter).__name__)
        return CaseResult(case.id, case.function, "skip", f"{case.function!r} not provided by adapter {name}")
    kwargs = {**decode_value(case.case["input"]), **decode_value(case.params)}
    result = case.case["result"]
    try:
        raw = fn(**kwargs)
    except ValueError as e:
        if result in ("invalid", "acceptable"):
            return CaseResult(case.id, case.function, "pass", f"rejected: {type(e).__name__}")
        return CaseResult(case.id, case.function, "fail", f"raised {type(e).__name__}: {e}")
    except Exception as e:  # noqa: BLE001 - a conformance runner reports every failure
        return CaseResult(case.id, case.function, "fail",
                          f"raised {type(e).__name__} (conforming rejections raise ValueError): {e}")
    try:  # outside the try above: an unencodable result is never mistaken for a rejection
        out = _normalise(as_outputs(raw))
    except Exception as e:  # noqa: BLE001
        return CaseResult(case.id, case.function, "fail", f"returned a value that cannot be compared: {e}")
    if result == "invalid":
        return CaseResult(case.id, case.function, "fail", "accepted an invalid input: " + case.case["comment"])
    if result == "acceptable":
        return CaseResult(case.id, case.function, "pass", "accepted")
    msg = _compare(decode_value(case.case["expected"]), out, case.tolerance, case.function)
    return CaseResult(case.id, case.function, "fail" if msg else "pass", msg or "")


def replay(adapter: Any, root: Path | None = None) -> list[CaseResult]:
    """Run every vector case through ``adapter``."""
    return [run_case(adapter, c) for c in iter_cases(root)]


def summary_table(results: list[CaseResult]) -> str:
    """A Markdown table: per function, counts of pass / fail / skip."""
    rows: dict[str, list[int]] = {}
    for r in results:
        counts = rows.setdefault(r.function, [0, 0, 0])
        counts[("pass", "fail", "skip").index(r.status)] += 1
    lines = ["| function | pass | fail | skip |", "|---|---|---|---|"]
    for fn in sorted(rows):
        p, f, s = rows[fn]
        lines.append(f"| {fn} | {p} | {f} | {s} |")
    tot = [sum(r[i] for r in rows.values()) for i in range(3)]
    lines.append(f"| **total** | {tot[0]} | {tot[1]} | {tot[2]} |")
    return "\n".join(lines)
