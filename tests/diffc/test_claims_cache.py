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
