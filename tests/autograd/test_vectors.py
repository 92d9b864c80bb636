"""autograd.v1.json: re-derive every valid case by float64 central differences (the file's
verifiedBy route), and check the committed file is what the generator makes."""

import json

import numpy as np
import pytest

from refimpl.autograd.catalog import VJP_OPS
from refimpl.autograd.gradcheck import numerical_vjp
from refimpl.vectors import decode_value, vectors_dir

PATH = vectors_dir() / "autograd.v1.json"
DOC = json.loads(PATH.read_text())
VALID = [(g["params"]["op"], c) for g in DOC["groups"] for c in g["cases"] if c["result"] == "valid"]


def test_every_catalogue_op_has_a_vector():
    assert {op for op, _ in VALID} == set(VJP_OPS)


@pytest.mark.parametrize("op,case", VALID, ids=[op for op, _ in VALID])
def test_vector_matches_central_differences(op, case):
    inp, exp = decode_value(case["input"]), decode_value(case["expected"])
    fn = VJP_OPS[op][0]
    np.testing.assert_allclose(fn(inp["params"], inp["x"]), exp["y"], rtol=1e-12, atol=1e-12)
    dparams, dx = numerical_vjp(fn, (inp["params"], inp["x"]), inp["dy"])
    # central differences, h = 1e-6·max(1, |x|): error ~ h² f''' + ε S/h ≲ 1e-7 for these O(1) cases
    np.testing.assert_allclose(exp["dx"], dx, rtol=1e-6, atol=1e-7)
    assert set(exp["dparams"]) == set(inp["params"])
    for k in inp["params"]:
        np.testing.assert_allclose(exp["dparams"][k], dparams[k], rtol=1e-6, atol=1e-7, err_msg=k)


def test_committed_file_is_fresh():
    from refimpl.autograd.vectors import FILES
    from refimpl.vectors import dumps
    assert dumps(FILES[0]()) == PATH.read_text()
