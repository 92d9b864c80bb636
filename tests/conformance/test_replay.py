"""Replay every vector case through the adapter named by ``$REFIMPL_ADAPTER`` (default: refimpl).

A function the adapter lacks skips with the reason; ``-rs`` lists them.
"""

import pytest

from refimpl import conformance as K

ADAPTER = K.load_adapter()
CASES = list(K.iter_cases())


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_vector(case):
    r = K.run_case(ADAPTER, case)
    if r.status == "skip":
        pytest.skip(r.reason)
    assert r.status == "pass", r.reason
