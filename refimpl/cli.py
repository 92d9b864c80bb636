"""Command line: ``refimpl reproduce | vectors | conformance | bench``."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from pathlib import Path

from . import claims as C

BENCH_MODULES = {
    "coding": "refimpl.coding.bench",
    "quantization": "refimpl.quantization.bench",
    "rcc": "refimpl.rcc.bench",
    "rd": "refimpl.rd.bench",
    "diffc": "refimpl.diffc.bench",
    "autograd": "refimpl.autograd.bench",
    "c3": "refimpl.c3.bench",
    "lda": "refimpl.lda.bench",
}


def _err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _fmt(x) -> str:
    if isinstance(x, (tuple, list)):
        return "[" + ", ".join(_fmt(v) for v in x) + "]"
    if isinstance(x, float):
        return f"{x:.6g}"
    return str(x)


def _run_claims(topics: list[str], size: str) -> list[C.Claim]:
    jobs = [(t, fn) for t in topics for fn in C.claims_of(t)]
    results: list[C.Claim] = []
    for i, (topic, fn) in enumerate(jobs, 1):
        t0 = time.perf_counter()
        _err(f"[{i}/{len(jobs)}] {topic}.{fn.__name__} ...")
        try:
            got = C.run_claim(fn, topic, size)
        except Exception as e:  # a crashing claim is a failed claim, reported with its reason
            got = [C.Claim(fn.__name__, "", f"claim function raised {type(e).__name__}: {e}", float("nan"),
                           0.0, "==", 0.0, "crashed", False, topic)]
        dt = time.perf_counter() - t0
        for c in got:
            _err(f"      {'PASS' if c.holds else 'FAIL'} {c.name}: measured {_fmt(c.measured)} "
                 f"{c.relation} {_fmt(c.reference)} (tol {_fmt(c.tolerance)}) [{dt:.1f} s]")
        results.extend(got)
    return results


def _figures(topics: list[str], size: str, out: Path) -> list[tuple[str, str]]:
    try:
        import matplotlib

        matplotlib.use("Agg")
    except ImportError:
        _err("matplotlib not installed: figures skipped (pip install '.[report]')")
        return []
    made = []
    figdir = out / "figures"
    figdir.mkdir(parents=True, exist_ok=True)
    for t in topics:
        for fn in C.figures_of(t):
            _err(f"figure {t}.{fn.__name__} ...")
            try:
                paths = fn(size, figdir)
            except Exception as e:  # a broken figure is reported; the claims report is still written
                _err(f"      figure {t}.{fn.__name__} FAILED: {type(e).__name__}: {e}")
                continue
            for p in paths:
                made.append((t, str(Path(p).relative_to(out))))
    return made


def _report(results: list[C.Claim], figures, out: Path, size: str, seconds: float) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "claims.json").write_text(json.dumps([c.as_record() for c in results], indent=1, sort_keys=True) + "\n")
    n_ok = sum(c.holds for c in results)
    lines = ["# refimpl reproduce report", "",
             f"Size: {size}. Claims: {len(results)}, holding: {n_ok}, failing: {len(results) - n_ok}. "
             f"Time: {seconds:.0f} s.", "",
             "| topic | claim | paper | measured | relation | reference | tolerance | verdict |",
             "|---|---|---|---|---|---|---|---|"]
    for c in results:
        lines.append(f"| {c.topic} | {c.name} | {c.paper} | {_fmt(c.measured)} | {c.relation} | "
                     f"{_fmt(c.reference)} | {_fmt(c.tolerance)} | {'holds' if c.holds else '**FAILS**'} |")
    lines += ["", "## Statements", ""]
    for c in results:
        lines.append(f"- **{c.topic}.{c.name}**: {c.statement.rstrip('.')}. Tolerance: {c.tolerance_why.rstrip('.')}.")
    if figures:
        lines += ["", "## Figures", ""]
        lines += [f"![{t}]({p})" for t, p in figures]
    (out / "index.md").write_text("\n".join(lines) + "\n")


def cmd_reproduce(args) -> int:
    topics = [args.topic] if args.topic else list(C.TOPICS)
    size = "full" if args.full else "quick"
    out = Path(args.out)
    t0 = time.perf_counter()
    results = _run_claims(topics, size)
    figures = [] if args.no_figures else _figures(topics, size, out)
    _report(results, figures, out, size, time.perf_counter() - t0)
    bad = [c for c in results if not c.holds]
    _err(f"{len(results) - len(bad)}/{len(results)} claims hold; report in {out / 'index.md'}")
    return 1 if bad or not results else 0


def cmd_vectors(args) -> int:
    from . import vectors as V

    root = Path(args.dir) if args.dir else V.vectors_dir()
    differ = V.write_all(root, check=args.check, progress=lambda s: _err(f"building {s} ..."))
    if args.check:
        for name in differ:
            _err(f"differs from a fresh build: {root / name}")
        _err("vectors up to date" if not differ else f"{len(differ)} vector file(s) differ")
        return 1 if differ else 0
    _err(f"wrote {len(differ)} changed file(s) under {root}")
    return 0


def cmd_conformance(args) -> int:
    from . import conformance as K

    adapter = K.load_adapter(args.adapter)
    results = K.replay(adapter, Path(args.vectors) if args.vectors else None)
    print(K.summary_table(results))
    for r in results:
        if r.status == "fail" or (args.verbose and r.status == "skip"):
            print(f"{r.status.upper()} {r.case_id}: {r.reason}")
    return 1 if any(r.status == "fail" for r in results) else 0


def cmd_bench(args) -> int:
    topics = [args.topic] if args.topic else list(BENCH_MODULES)
    status = 0
    for t in topics:
        if t not in BENCH_MODULES:
            _err(f"topic must be one of {sorted(BENCH_MODULES)}, got {t!r}")
            return 2
        try:
            mod = importlib.import_module(BENCH_MODULES[t])
        except ModuleNotFoundError as e:
            if e.name and BENCH_MODULES[t].startswith(e.name):
                _err(f"no benchmark for {t} yet")
                continue
            raise
        status |= mod.run(quick=args.quick) or 0
    return status


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="refimpl", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("reproduce", help="run every claim, write report/index.md and report/claims.json")
    r.add_argument("--topic", choices=list(C.TOPICS))
    r.add_argument("--full", action="store_true", help="paper sizes (slow)")
    r.add_argument("--out", default="report")
    r.add_argument("--no-figures", action="store_true")
    r.set_defaults(fn=cmd_reproduce)
    v = sub.add_parser("vectors", help="regenerate specs/vectors/*.json (or --check them)")
    v.add_argument("--check", action="store_true")
    v.add_argument("--dir")
    v.set_defaults(fn=cmd_vectors)
    c = sub.add_parser("conformance", help="replay every vector through an adapter module")
    c.add_argument("--adapter", help="pkg.module[:object]; default $REFIMPL_ADAPTER or refimpl itself")
    c.add_argument("--vectors", help="directory of vector files (default specs/vectors)")
    c.add_argument("-v", "--verbose", action="store_true")
    c.set_defaults(fn=cmd_conformance)
    b = sub.add_parser("bench", help="performance tables (docs/performance.md)")
    b.add_argument("topic", nargs="?")
    b.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    b.set_defaults(fn=cmd_bench)
    args = p.parse_args(argv)
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
