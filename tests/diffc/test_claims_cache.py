"""The shared codec run of the diffc claims is memoised by functools.lru_cache and immutable."""

import numpy as np
import pytest

from refimpl.diffc import claims as C


def test_codec_run_is_lru_cached_pure_function():
    assert hasattr(C._codec_run, "cache_info")       # functools.lru_cache, no module-level dict
    assert not hasattr(C, "_CODEC_CACHE")


def test_read_only_freezes_arrays_and_dicts():
    ex = C._read_only({"a": np.zeros(3), "err": {"flow": np.ones((2, 2))}, "plan": (1, 2)})
    with pytest.raises(ValueError):
        ex["a"][0] = 1.0
    with pytest.raises(ValueError):
        ex["err"]["flow"][0, 0] = 2.0
    with pytest.raises(TypeError):
        ex["a"] = np.ones(3)
    with pytest.raises(TypeError):
        ex["err"]["flow"] = None
    assert ex["plan"] == (1, 2)


def test_power_law_table_widens_only_the_errata_cells():
    """Cells outside POWER_LAW_ERRATA_CELLS must round correctly (≤ 1 half-unit); the errata cells are
    exactly those that do not (so the widened set can neither hide nor outlive a misrounding)."""
    from refimpl.diffc import gaussian as G

    lam = C.power_law(4096)
    d = lam.size
    bad = set()
    for i, row in enumerate(C.POWER_LAW_TABLE):
        p = G.curves_at_sigma(lam, row[0])
        vals = [row[0], p.rate / d, p.shannon / d, p.mean / d, p.realism / d, p.flow / d, p.ancestral / d,
                p.ancestral / p.flow, p.flow / p.shannon, p.ancestral / p.shannon]
        for j, (printed, v) in enumerate(zip(row, vals)):
            m = abs(v - float(printed)) / C.half_unit(str(printed))
            assert m <= 2.0, (i, j, printed, v)
            if m > 1.0:
                bad.add((i, j))
    assert bad == set(C.POWER_LAW_ERRATA_CELLS)
    assert C._table_misfit([("0.5737",)], [[0.5736496790448264]], {(0, 0): 2})[0] <= 1.0
    assert C._table_misfit([("0.5737",)], [[0.5736496790448264]])[0] > 1.0
