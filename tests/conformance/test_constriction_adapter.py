"""docs/conformance.md § "A worked example that does not pass: constriction" matches a fresh
replay of the coding vectors through docs/examples/constriction_adapter.py.

Runs only when constriction is importable. The expected numbers are parsed from the doc itself
(the per-function table and the list of passing cases), so neither can drift from the adapter's
behaviour without this test failing. Measured with constriction 0.5.0; another version may quantize
differently, so the test skips (with the reason) on any other version.
"""

import re
from collections import Counter
from importlib.metadata import version
from pathlib import Path

import pytest

pytest.importorskip("constriction")

from refimpl import conformance as K  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "conformance.md"
ADAPTER = ROOT / "docs" / "examples" / "constriction_adapter.py"
FILES = ("rans.v1.json", "range_coder.v1.json")
MEASURED_WITH = "0.5.0"


def _section() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("## A worked example that does not pass: constriction")
    end = text.find("\n## ", start + 1)
    return text[start:] if end < 0 else text[start:end]


def _documented():
    sec = _section()
    table = {}
    for m in re.finditer(r"^\| `(\w+)` \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$", sec, re.M):
        table[m.group(1)] = tuple(int(g) for g in m.groups()[1:])
    passing = set()
    listing = sec[sec.index("Passing cases"):]
    for m in re.finditer(r"`([\w.]+\.json)`((?:\s*#\d+,?)+)", listing):
        passing |= {f"{m.group(1)}#{n}" for n in re.findall(r"#(\d+)", m.group(2))}
    return table, passing


@pytest.fixture(scope="module")
def measured():
    if version("constriction") != MEASURED_WITH:
        pytest.skip(f"docs/conformance.md was measured with constriction {MEASURED_WITH}, "
                    f"this is {version('constriction')}")
    adapter = K.load_adapter(str(ADAPTER))
    counts, passing = Counter(), set()
    for case in K.iter_cases():
        if case.file not in FILES:
            continue
        r = K.run_case(adapter, case)
        kind = "valid" if case.case["result"] == "valid" else "invalid"
        counts[(case.function, kind, r.status)] += 1
        if r.status == "pass":
            passing.add(r.case_id.split(":")[0])
    table = {}
    for f in {k[0] for k in counts}:
        table[f] = (counts[(f, "valid", "pass")], counts[(f, "valid", "fail")], counts[(f, "invalid", "pass")],
                    counts[(f, "invalid", "fail")], counts[(f, "valid", "skip")] + counts[(f, "invalid", "skip")])
    return table, passing


def test_documented_table_matches_replay(measured):
    doc_table, _ = _documented()
    assert doc_table and doc_table == measured[0]


def test_documented_passing_cases_match_replay(measured):
    _, doc_passing = _documented()
    assert doc_passing and doc_passing == measured[1]


def test_documented_totals(measured):
    table = measured[0]
    sec = _section()
    p = sum(v[0] + v[2] for v in table.values())
    f = sum(v[1] + v[3] for v in table.values())
    s = sum(v[4] for v in table.values())
    assert f"| {p} pass | {f} fail |" in sec and f"| {s} skip |" in sec


def test_bit_exact_encoders_fail_every_nonempty_valid_case(measured):
    """The headline of the section: constriction does not produce refimpl's bytes."""
    table = measured[0]
    for fn in ("rans_encode", "rans_encode_family"):
        assert table[fn][0] == 0 and table[fn][1] > 0
