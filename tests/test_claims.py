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


def test_claims_cannot_be_built_inconsistent():
    with pytest.raises(ValueError, match="tolerance"):
        C.close("x", "p", "s", 1.0, 5.0, float("inf"), "why")
    with pytest.raises(ValueError, match="tolerance"):
        C.at_most("x", "p", "s", 1.0, 5.0, "why", tolerance=-1.0)
    with pytest.raises(ValueError, match="verdict"):
        C.Claim("x", "p", "s", 1.0, 5.0, "==", 0.1, "why", True)


def test_registering_the_same_claim_name_from_another_module_raises():
    def dup(size):
        return []

    dup.__name__ = C.claims_of("random")[0].__name__
    dup.__module__ = "somewhere.else"
    with pytest.raises(ValueError, match="registered twice"):
        C.register("random")(dup)
