"""Test vectors for universal critics (``specs/vectors/realism.v1.json``).

Verified by: ``tests/realism/test_critic.py::test_vectors_second_route`` rebuilds every stream
from the spec with ``scipy.stats`` pmfs and coding's readable twins (``quantize_pmf_py``,
``rans_encode_py``), byte for byte, and recomputes −log2 p, L and δ for every critic case.
"""

from __future__ import annotations

import numpy as np

from .. import random as R
from ..vectors import group, invalid, valid, vector_file
from . import realism_critic_bits, two_part_encode

NOTES = {
    "mode": "the model's most likely image: more likely than typical samples, yet unrealistic",
    "structured": "an image with structure the model does not capture",
    "outside_support": "a pixel outside the model's support: must be rejected",
    "nan": "a NaN pixel: must be rejected",
}


def _img(seed: int, d: int, s: float = 1.0) -> np.ndarray:
    return np.clip(np.round(s * R.normal(seed, 0, np.arange(d)) / 0.1) * 0.1, -6.0, 6.0)


def _file() -> dict:
    crit = []
    for code in ("two_part", "two_part_split", "mixture", "zlib"):
        crit.append(valid(realism_critic_bits, {"x": _img(1, 64), "code": code}, f"sample of p, {code} code"))
    crit += [
        valid(realism_critic_bits, {"x": np.zeros(64), "code": "two_part"}, "the mode", ["mode"]),
        valid(realism_critic_bits, {"x": np.concatenate([np.zeros(32), _img(2, 32, 2.0)]), "code": "two_part_split"},
              "half zeros, half too noisy", ["structured"]),
        valid(realism_critic_bits, {"x": _img(3, 16, 0.5), "code": "two_part", "half": 4, "width": 0.5},
              "9-level grid"),
        invalid(realism_critic_bits, {"x": np.array([0.0, 7.0]), "code": "two_part"}, "pixel 7.0 > 6.05", ["outside_support"]),
        invalid(realism_critic_bits, {"x": np.array([0.0, np.nan]), "code": "two_part"}, "NaN pixel", ["nan"]),
        invalid(realism_critic_bits, {"x": np.zeros(0), "code": "two_part"}, "empty image"),
        invalid(realism_critic_bits, {"x": np.zeros(4), "code": "gzip"}, "unknown code"),
    ]
    streams = [
        valid(two_part_encode, {"symbols": (np.round(_img(4, 32) / 0.1) + 60).astype(np.int64)}, "i.i.d. sample"),
        valid(two_part_encode, {"symbols": np.full(32, 60, dtype=np.int64)}, "constant image", ["mode"]),
        valid(two_part_encode, {"symbols": np.concatenate([np.full(16, 60), (np.round(_img(5, 16, 2.0) / 0.1) + 60)]).astype(np.int64),
                                "split": True}, "split halves", ["structured"]),
    ]
    floats = {"mode": "allclose", "rtol": 1e-9, "atol": 1e-9}
    return vector_file("realism", 1, "specs/realism.md",
                       ["streams rebuilt from specs/realism.md with scipy.stats pmfs and coding's readable "
                        "twins (quantize_pmf_py, rans_encode_py), byte for byte",
                        "−log2 p, mixture lengths (direct products) and zlib lengths recomputed independently"],
                       NOTES,
                       [group("realism_critic_bits", crit, tolerance=floats,
                              comment="code_bits of real codes are whole bits; −log2 p is a float sum"),
                        group("two_part_encode", streams, comment="bitstreams exact")])


FILES = [_file]
