"""Every registered claim holds at quick size (what ``refimpl reproduce`` reports)."""

import pytest

from refimpl import claims as C

JOBS = [(t, fn) for t in C.TOPICS for fn in C.claims_of(t)]


@pytest.mark.parametrize("topic,fn", JOBS, ids=[f"{t}.{fn.__name__}" for t, fn in JOBS])
def test_claim_holds(topic, fn):
    for c in C.run_claim(fn, topic, "quick"):
        assert c.holds, f"{c.name}: measured {c.measured} {c.relation} {c.reference} (tol {c.tolerance}); {c.statement}"


def test_verdict_is_computed_not_given():
    assert not C.close("x", "p", "s", 1.0, 2.0, 0.5, "why").holds
    assert C.close("x", "p", "s", 1.0, 1.4, 0.5, "why").holds
    assert not C.at_most("x", "p", "s", 3.0, 2.0, "why").holds
    assert C.at_least("x", "p", "s", 3.0, 2.0, "why").holds
    assert not C.within("x", "p", "s", 3.0, 0.0, 2.0, "why").holds
    assert not C.close("x", "p", "s", float("nan"), 0.0, 1.0, "why").holds
    assert not C.holds_exactly("x", "p", "s", 1, "why").holds
    with pytest.raises(ValueError, match="why"):
        C.close("x", "p", "s", 1.0, 1.0, 0.1, "")
