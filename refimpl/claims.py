"""The papers' claims as runnable checks.

A *claim* is a theoretical statement of a paper (a bound, a limit, an identity, a headline
number) turned into a measurement with a verdict. Each topic keeps its claims in
``refimpl/<topic>/claims.py`` as functions decorated with :func:`register`; each function takes
``size`` (``"quick"`` or ``"full"``) and returns one :class:`Claim` or a list of them.
``refimpl reproduce`` runs them all and writes the report; ``tests/test_claims.py`` asserts every
verdict at quick size.

The verdict is always computed here, from the measured value, the reference and the tolerance,
never passed in by the caller.
"""

from __future__ import annotations

import importlib
import math
from dataclasses import asdict, dataclass, field
from typing import Callable

__all__ = [
    "Claim",
    "close",
    "at_most",
    "at_least",
    "within",
    "holds_exactly",
    "register",
    "register_figure",
    "TOPICS",
    "claims_of",
    "figures_of",
]

#: Topics in report order, each with the module that registers its claims (and figures).
TOPICS: dict[str, str] = {
    "random": "refimpl.random_claims",
    "coding": "refimpl.coding.claims",
    "quantization": "refimpl.quantization.claims",
    "rcc": "refimpl.rcc.claims",
    "rd": "refimpl.rd.claims",
    "diffc": "refimpl.diffc.claims",
    "realism": "refimpl.realism.claims",
    "autograd": "refimpl.autograd.claims",
    "c3": "refimpl.c3.claims",
    "diffusion": "refimpl.diffusion.claims",
    "lda": "refimpl.lda.claims",
}


@dataclass(frozen=True)
class Claim:
    """One checked statement. ``relation`` is how ``measured`` is compared with ``reference``:
    ``"=="`` (|measured − reference| ≤ tolerance), ``"<="`` (measured ≤ reference + tolerance),
    ``">="`` (measured ≥ reference − tolerance), ``"in"`` (reference is a (low, high) interval)."""

    name: str
    paper: str
    statement: str
    measured: float
    reference: float | tuple[float, float]
    relation: str
    tolerance: float
    tolerance_why: str
    holds: bool
    topic: str = ""
    details: dict = field(default_factory=dict)

    def __post_init__(self):
        if not (math.isfinite(float(self.tolerance)) and float(self.tolerance) >= 0):
            raise ValueError(f"tolerance must be finite and >= 0, got {self.tolerance}")
        if bool(self.holds) != _verdict(self.measured, self.reference, self.relation, self.tolerance):
            raise ValueError("holds must equal the verdict computed from measured, reference and tolerance")

    def as_record(self) -> dict:
        """JSON-ready record (non-finite floats as strings)."""
        rec = asdict(self)
        rec["holds"] = bool(rec["holds"])
        rec["details"] = {str(k): _plain(v) for k, v in rec["details"].items()}
        for k in ("measured", "tolerance"):
            rec[k] = _json_float(rec[k])
        ref = rec["reference"]
        rec["reference"] = [_json_float(r) for r in ref] if isinstance(ref, (tuple, list)) else _json_float(ref)
        return rec


def _plain(v):
    """NumPy scalars and arrays in ``details`` as plain JSON values."""
    if hasattr(v, "tolist"):
        v = v.tolist()
    if isinstance(v, float):
        return _json_float(v)
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    return v


def _json_float(x):
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def _verdict(measured: float, reference, relation: str, tolerance: float) -> bool:
    m = float(measured)
    if math.isnan(m):
        return False
    if relation == "==":
        return abs(m - float(reference)) <= tolerance
    if relation == "<=":
        return m <= float(reference) + tolerance
    if relation == ">=":
        return m >= float(reference) - tolerance
    if relation == "in":
        lo, hi = reference
        return float(lo) - tolerance <= m <= float(hi) + tolerance
    raise ValueError(f"relation must be one of '==', '<=', '>=', 'in', got {relation!r}")


def _make(name, paper, statement, measured, reference, relation, tolerance, why, details) -> Claim:
    if not why:
        raise ValueError("every claim states why its tolerance is what it is (why=...)")
    holds = bool(_verdict(measured, reference, relation, tolerance))
    ref = tuple(float(r) for r in reference) if relation == "in" else float(reference)
    return Claim(name, paper, statement, float(measured), ref, relation, float(tolerance), why, holds,
                 details=dict(details or {}))


def close(name, paper, statement, measured, reference, tolerance, why, details=None) -> Claim:
    """|measured − reference| ≤ tolerance."""
    return _make(name, paper, statement, measured, reference, "==", tolerance, why, details)


def at_most(name, paper, statement, measured, bound, why, tolerance=0.0, details=None) -> Claim:
    """measured ≤ bound + tolerance."""
    return _make(name, paper, statement, measured, bound, "<=", tolerance, why, details)


def at_least(name, paper, statement, measured, bound, why, tolerance=0.0, details=None) -> Claim:
    """measured ≥ bound − tolerance."""
    return _make(name, paper, statement, measured, bound, ">=", tolerance, why, details)


def within(name, paper, statement, measured, low, high, why, tolerance=0.0, details=None) -> Claim:
    """low − tolerance ≤ measured ≤ high + tolerance."""
    return _make(name, paper, statement, measured, (low, high), "in", tolerance, why, details)


def holds_exactly(name, paper, statement, failures: int, why, details=None) -> Claim:
    """A property checked case by case: ``failures`` counts the cases that broke it (must be 0)."""
    return _make(name, paper, statement, failures, 0.0, "==", 0.0, why, details)


# --- registry -------------------------------------------------------------------------------

_CLAIMS: dict[str, list[Callable]] = {}
_FIGURES: dict[str, list[Callable]] = {}


def register(topic: str) -> Callable[[Callable], Callable]:
    """Decorator: add a claim function ``f(size) -> Claim | list[Claim]`` to ``topic``."""
    if topic not in TOPICS:
        raise ValueError(f"topic must be one of {sorted(TOPICS)}, got {topic!r}")

    def deco(fn: Callable) -> Callable:
        lst = _CLAIMS.setdefault(topic, [])
        same = [f for f in lst if f.__name__ == fn.__name__]
        if same and same[0].__module__ != fn.__module__:
            raise ValueError(f"claim {topic}.{fn.__name__} registered twice ({same[0].__module__}, {fn.__module__})")
        if not same:  # re-importing the same module registers nothing new
            lst.append(fn)
        return fn

    return deco


def register_figure(topic: str) -> Callable[[Callable], Callable]:
    """Decorator: add a figure function ``f(size, outdir) -> list[path]`` (needs matplotlib)."""
    if topic not in TOPICS:
        raise ValueError(f"topic must be one of {sorted(TOPICS)}, got {topic!r}")

    def deco(fn: Callable) -> Callable:
        lst = _FIGURES.setdefault(topic, [])
        same = [f for f in lst if f.__name__ == fn.__name__]
        if same and same[0].__module__ != fn.__module__:
            raise ValueError(f"figure {topic}.{fn.__name__} registered twice ({same[0].__module__}, {fn.__module__})")
        if not same:
            lst.append(fn)
        return fn

    return deco


def _load(topic: str) -> bool:
    """Import the topic's claims module; False if the topic has none yet."""
    if topic not in TOPICS:
        raise ValueError(f"topic must be one of {sorted(TOPICS)}, got {topic!r}")
    try:
        importlib.import_module(TOPICS[topic])
    except ModuleNotFoundError as e:
        if e.name is not None and TOPICS[topic].startswith(e.name):
            return False
        raise
    return True


def claims_of(topic: str) -> list[Callable]:
    """The registered claim functions of ``topic`` (empty if the topic has none yet)."""
    _load(topic)
    return list(_CLAIMS.get(topic, []))


def figures_of(topic: str) -> list[Callable]:
    """The registered figure functions of ``topic``."""
    _load(topic)
    return list(_FIGURES.get(topic, []))


def run_claim(fn: Callable, topic: str, size: str) -> list[Claim]:
    """Run one claim function; returns its claims with ``topic`` filled in."""
    out = fn(size)
    claims = out if isinstance(out, (list, tuple)) else [out]
    result = []
    for c in claims:
        if not isinstance(c, Claim):
            raise TypeError(f"{fn.__module__}.{fn.__name__} returned {type(c).__name__}, not Claim")
        result.append(Claim(**{**asdict(c), "topic": topic}))
    return result
