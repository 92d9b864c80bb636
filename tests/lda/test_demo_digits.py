"""The offline real-data demo on scikit-learn's bundled digits (optional extra: skipped without
scikit-learn)."""

import numpy as np
import pytest

pytest.importorskip("sklearn", reason="the digits demo is an optional extra (pip install scikit-learn)")

from refimpl.lda import demo_digits as DD  # noqa: E402


def test_groups_are_deterministic_and_well_formed():
    xtr, ytr, xte, yte = DD.load_digits_split(1)
    assert len(ytr) + len(yte) == 1797 and xtr.shape[1] == 64
    a = DD.make_groups(xtr, ytr, 1, 10)
    b = DD.make_groups(xtr, ytr, 1, 10)
    np.testing.assert_array_equal(a.x, b.x)
    assert a.x.shape == (200, 64) and a.offsets[-1] == 200
    assert np.all((a.c >= 0) & (a.c < 10))
    # every drawn image really has the class it was drawn for
    pools = {tuple(r): y for r, y in zip(xtr, ytr)}
    assert all(pools[tuple(r)] == k for r, k in zip(a.x, a.k))


@pytest.mark.slow
def test_demo_shows_the_effect():
    res = DD.run("quick")
    assert res["erm"]["item_with_groups"] > res["erm"]["item_from_g"]          # group context helps
    assert res["erm"]["item_with_groups"] > res["mlp"]["item_from_g"]          # beats the baseline
    assert res["unsupervised_gamma_10"]["matched_item_accuracy"] > 0.5          # chance is 0.1
    assert res["unsupervised_gamma_0"]["topics_used"] <= 2                     # collapse
