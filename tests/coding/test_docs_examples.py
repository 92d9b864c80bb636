"""The code blocks of docs/neural_compression_intro.md run and print what the page says.

Each ```python block is executed in a fresh namespace; for every ``print(...)  # expected`` line
the printed line must equal the comment (the page's numbers are what the code prints)."""

import contextlib
import io
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "neural_compression_intro.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_doc_has_examples():
    assert len(BLOCKS) >= 4


@pytest.mark.parametrize("i", range(len(BLOCKS)))
def test_doc_example_runs_and_prints_what_it_says(i):
    code = BLOCKS[i]
    expected = [m.group(1).strip() for m in re.finditer(r"^\s*print\(.*\)\s+#\s*(.+)$", code, re.M)]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, f"{DOC.name}[block {i}]", "exec"), {})
    printed = out.getvalue().splitlines()
    assert printed == expected
