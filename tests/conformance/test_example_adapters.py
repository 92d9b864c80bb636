"""The worked example adapters in docs/examples behave as docs/conformance.md says."""

from pathlib import Path

from refimpl import conformance as K

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def _load(name):
    return K.load_adapter(str(EXAMPLES / f"{name}.py"))


def test_numpy_philox_adapter_passes_every_random_case():
    adapter = _load("numpy_philox_adapter")
    results = K.replay(adapter)
    random_results = [r for r in results if r.case_id.startswith("random.")]
    assert random_results and all(r.status == "pass" for r in random_results), [
        r for r in random_results if r.status != "pass"]
    assert all(r.status == "skip" for r in results if not r.case_id.startswith("random."))
