"""The registered soft-rounding figure renders (needs matplotlib, the `report` extra)."""

import pytest

from refimpl import claims as C


@pytest.mark.slow
def test_soft_round_figure(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    figs = C.figures_of("quantization")
    assert [f.__name__ for f in figs] == ["soft_round_figure"]
    paths = figs[0]("quick", tmp_path)
    assert len(paths) == 1 and paths[0].stat().st_size > 10_000
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
