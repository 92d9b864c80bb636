"""The README's Python example runs, and its first two commands are the ones CI runs."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def test_readme_example_runs(capsys):
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert blocks, "README has no python example"
    for code in blocks:
        exec(compile(code, "README.md", "exec"), {})


def test_readme_opens_with_the_two_commands_ci_runs():
    first = re.search(r"```sh\n(.*?)```", README, flags=re.S).group(1).strip().splitlines()
    assert len(first) == 2 and first[0].endswith("refimpl reproduce") and first[1].endswith("pytest")
    ci = (ROOT / ".ci" / "run").read_text()
    install_test = first[1].split("&& ")[-2].strip()  # pip install -e '.[test]'
    assert install_test in ci and "pytest" in ci and "refimpl reproduce" in ci
