"""The conformance runner itself: a wrong adapter fails, a missing function skips, an adapter that
accepts invalid input fails, and refimpl passes against its own vectors."""

import types

import numpy as np

from refimpl import conformance as K
from refimpl import random as R
from refimpl.cli import main

CASES = [c for c in K.iter_cases() if c.file == "random.v1.json"]


def _adapter(**fns):
    return types.SimpleNamespace(__name__="fake", **fns)


def test_self_passes():
    assert all(K.run_case(K.load_adapter(), c).status == "pass" for c in CASES)


def test_missing_function_skips_with_reason():
    r = K.run_case(_adapter(), CASES[0])
    assert r.status == "skip" and "not provided" in r.reason


def test_off_by_one_word_fails():
    def words(seed, stream, index, d=None):
        w = R.words(seed, stream, index, d)
        return w ^ np.uint64(1)

    results = [K.run_case(_adapter(words=words), c) for c in CASES if c.function == "words"]
    valid = [r for r, c in zip(results, [c for c in CASES if c.function == "words"]) if c.case["result"] == "valid"]
    assert valid and all(r.status == "fail" and "differ" in r.reason for r in valid)


def test_accepting_invalid_input_fails():
    def words(seed, stream, index, d=None):
        return R.words(abs(seed) % 2**128, stream, np.abs(np.asarray(index)), d)

    inval = [c for c in CASES if c.function == "words" and c.case["result"] == "invalid"]
    assert inval and all(K.run_case(_adapter(words=words), c).status == "fail" for c in inval)


def test_float_tolerance_is_applied():
    def normal(seed, stream, index, d=None):
        return R.normal(seed, stream, index, d) * (1 + 1e-14)

    def normal_far(seed, stream, index, d=None):
        return R.normal(seed, stream, index, d) * (1 + 1e-9)

    cs = [c for c in CASES if c.function == "normal"]
    assert all(K.run_case(_adapter(normal=normal), c).status == "pass" for c in cs)
    assert all(K.run_case(_adapter(normal=normal_far), c).status == "fail" for c in cs)


def test_wrong_exception_type_fails():
    def words(seed, stream, index, d=None):
        raise RuntimeError("boom")

    c = next(c for c in CASES if c.function == "words" and c.case["result"] == "invalid")
    assert K.run_case(_adapter(words=words), c).status == "fail"


def test_cli_conformance_self(capsys):
    assert main(["conformance"]) == 0
    assert "| **total** |" in capsys.readouterr().out


def test_unencodable_result_is_a_failure_not_a_rejection():
    def words(seed, stream, index, d=None):
        return object()

    inval = [c for c in CASES if c.function == "words" and c.case["result"] == "invalid"]
    assert inval and all(K.run_case(_adapter(words=words), c).status == "fail" for c in inval)


def test_floats_where_integers_are_expected_fail():
    def words(seed, stream, index, d=None):
        return R.words(seed, stream, index, d).astype(np.float64)

    c = next(c for c in CASES if c.function == "words" and c.case["result"] == "valid")
    r = K.run_case(_adapter(words=words), c)
    assert r.status == "fail" and "integers" in r.reason


def test_module_adapter_import_leaves_sys_path_alone(tmp_path, monkeypatch):
    import sys

    (tmp_path / "my_adapter_mod.py").write_text("def words(seed, stream, index, d=None):\n    return 0\n")
    monkeypatch.chdir(tmp_path)
    before = list(sys.path)
    mod = K.load_adapter("my_adapter_mod")
    assert mod.words(0, 0, 0) == 0 and sys.path == before
