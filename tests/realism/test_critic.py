"""Universal critics: real codes decode, Kraft/Gibbs by enumeration, bad input, second routes."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from refimpl import random as R
from refimpl.errors import DecodeError
from refimpl.realism import (DEFAULT_GRID, Grid, batch_critic, batch_decode, batch_encode, critic,
                             discretized_normal_pmf, family_pmfs, generic_bits, mixture_bits, neg_log2_prob,
                             to_symbols, two_part_decode, two_part_encode)
from refimpl.realism.codes import ideal_two_part_bits
from refimpl.realism.examples import example_images


def _sym(seed, d, s=1.0):
    return to_symbols(np.clip(np.round(s * R.normal(seed, 0, np.arange(d)) / 0.1) * 0.1, -6, 6))


@pytest.mark.parametrize("split", [False, True])
@pytest.mark.parametrize("name", ["sample", "mode", "constant_2", "low_contrast", "uniform", "half_half"])
def test_two_part_round_trip(name, split):
    k = to_symbols(example_images(9, d=512)[name])
    c = two_part_encode(k, split=split)
    np.testing.assert_array_equal(two_part_decode(c.data, k.size), k)
    assert c.bits == 8 * len(c.data)


def test_split_round_trip_with_constant_half_and_odd_size():
    k = np.concatenate([np.full(10, 60), _sym(1, 11, 2.0)])
    c = two_part_encode(k, split=True)
    assert c.chosen.startswith("split[constant")
    np.testing.assert_array_equal(two_part_decode(c.data, k.size), k)


def test_batch_round_trip():
    a, b = _sym(1, 128), _sym(2, 128)
    for batch in ([a, b, a], [a] * 5):
        c = batch_encode(batch)
        back = batch_decode(c.data, len(batch), 128)
        assert all(np.array_equal(x, y) for x, y in zip(back, batch))
    assert batch_encode([a] * 5).chosen.startswith("identical")


@pytest.mark.parametrize("mutate", ["empty", "bad_tag", "truncate", "extend"])
def test_malformed_streams_raise_decode_error(mutate):
    k = _sym(3, 256)
    data = two_part_encode(k).data
    bad = {"empty": b"", "bad_tag": bytes([250]) + data[1:], "truncate": data[:-4], "extend": data + b"\0\0\0\0"}[mutate]
    with pytest.raises(DecodeError):
        two_part_decode(bad, k.size)
    with pytest.raises(DecodeError):
        batch_decode(b"\x00" + len(bad).to_bytes(4, "big") + bad, 1, k.size)


def test_model_is_the_discretised_normal():
    # second route for −log2 p: scipy.stats.norm bin masses (normalisation changes < 1e-8 bits/pixel)
    k = _sym(4, 1000)
    v = DEFAULT_GRID.values[k]
    p = stats.norm.cdf(v + 0.05) - stats.norm.cdf(v - 0.05)
    assert abs(neg_log2_prob(v) - np.sum(-np.log2(p))) < 1e-5


@settings(max_examples=25)
@given(data=st.data(), A=st.integers(2, 5), d=st.integers(1, 3), M=st.integers(1, 4))
def test_kraft_and_gibbs_for_any_mixture(data, A, d, M):
    """Σ_x 2^−L_mix(x) = 1 and E_p δ ≤ 0 for random p and model families (exact enumeration)."""
    w = data.draw(st.lists(st.floats(0.01, 1.0), min_size=A * (M + 1), max_size=A * (M + 1)))
    P = np.array(w).reshape(M + 1, A)
    P /= P.sum(axis=1, keepdims=True)
    p, family = P[0], P[1:]
    xs = np.array(list(itertools.product(range(A), repeat=d)))
    L = np.array([mixture_bits(x, family, levels=A) for x in xs])
    nlp = np.array([np.sum(-np.log2(p[x])) for x in xs])
    assert abs(np.sum(2.0 ** -L) - 1.0) < 1e-9
    assert np.sum(2.0 ** -nlp * (nlp - L)) <= 1e-12


def test_kraft_for_the_real_code_on_a_tiny_grid():
    g = Grid(width=0.5, half=2)  # 5 levels, 5^4 = 625 images
    xs = np.array(list(itertools.product(range(g.levels), repeat=4)))
    total = sum(2.0 ** -two_part_encode(x, g, split=True).bits for x in xs)
    assert total <= 1.0


def test_real_code_is_never_shorter_than_what_a_stronger_family_gives():
    for seed in range(5):
        for x in example_images(seed, d=256).values():
            assert critic(x, code="two_part_split").delta >= critic(x, code="two_part").delta


def test_ideal_two_part_matches_direct_sum():
    k = _sym(6, 300)
    _, pmfs = family_pmfs()
    direct = np.log2(19) + min(np.sum(-np.log2(q[k])) for q in pmfs)
    assert abs(ideal_two_part_bits(k) - direct) < 1e-9


def test_generic_bits():
    k = np.full(1000, 60)
    assert generic_bits(k, "zlib") < 8 * 100 and generic_bits(k, "lzma") < 8 * 200
    with pytest.raises(ValueError, match="compressor"):
        generic_bits(k, "gzip")


@pytest.mark.parametrize("x,match", [(np.array([0.0, np.nan]), "finite"), (np.array([7.0]), "support"),
                                     (np.zeros(0), "at least one pixel")])
def test_bad_images(x, match):
    with pytest.raises(ValueError, match=match):
        critic(x)


def test_bad_arguments():
    with pytest.raises(ValueError, match="code"):
        critic(np.zeros(4), code="png")
    with pytest.raises(ValueError, match="model"):
        critic(np.zeros(4), model=np.ones(3) / 3)
    with pytest.raises(ValueError, match="at least one image"):
        batch_critic([])
    with pytest.raises(ValueError, match="scale"):
        discretized_normal_pmf(0.0)
    with pytest.raises(ValueError, match="levels"):
        two_part_encode(np.zeros(4, dtype=np.int64), Grid(0.01, 200))


def _spec_family(grid=DEFAULT_GRID):
    """The family of specs/realism.md rebuilt from scipy.stats (independent of refimpl.realism):
    17 discretised N(0, s²), s = 2^(j/4 − 2), then uniform, each as a 16-bit integer table made
    by coding's readable twin quantize_pmf_py."""
    from refimpl.coding.models import quantize_pmf_py

    v = grid.width * (np.arange(grid.levels) - grid.half)
    pmfs = []
    for j in range(17):
        s = 2.0 ** (j / 4 - 2)
        q = stats.norm.cdf((v + grid.width / 2) / s) - stats.norm.cdf((v - grid.width / 2) / s)
        pmfs.append(q / q.sum())
    pmfs.append(np.full(grid.levels, 1.0 / grid.levels))
    return [quantize_pmf_py(q, 16) for q in pmfs], pmfs


def _spec_stream(k, tables, split):
    """Shortest stream over the spec's tags, built with coding's readable rANS twin."""
    from refimpl.coding.rans import rans_encode_py

    cands = [bytes([m]) + rans_encode_py(k, t, 16) for m, t in enumerate(tables)]
    if np.all(k == k[0]):
        cands.append(bytes([18, int(k[0])]))
    if split and k.size >= 2:
        h, head, rows, body = k.size // 2, [19], [], []
        for part in (k[:h], k[h:]):
            if np.all(part == part[0]):
                head += [18, int(part[0])]
            else:
                costs = [np.sum(16 - np.log2(np.diff(t)[part])) for t in tables]
                m = int(np.argmin(costs))
                head.append(m)
                rows += [tables[m]] * part.size
                body.append(part)
        tail = rans_encode_py(np.concatenate(body), np.array(rows), 16) if body else b""
        cands.append(bytes(head) + tail)
    return min(cands, key=len)


def test_vectors_second_route():
    """Every vector is re-derived from the spec with scipy and coding's readable twins:
    two_part_encode streams byte for byte, and realism_critic_bits' −log2 p, code length and δ."""
    import json
    import zlib

    from refimpl.vectors import decode_value, vectors_dir

    doc = json.loads((vectors_dir() / "realism.v1.json").read_text())
    tables, pmfs = _spec_family()
    checked = 0
    for g in doc["groups"]:
        for c in g["cases"]:
            if c["result"] != "valid":
                continue
            inp, exp = decode_value(c["input"]), decode_value(c["expected"])
            if g["function"] == "two_part_encode":
                k = inp["symbols"]
                assert _spec_stream(k, tables, inp.get("split", False)) == exp["data"], c["comment"]
                np.testing.assert_array_equal(two_part_decode(exp["data"], k.size), k)
            else:
                grid = Grid(inp.get("width", 0.1), inp.get("half", 60))
                tabs, fam = (tables, pmfs) if grid == DEFAULT_GRID else _spec_family(grid)
                v = grid.width * (np.arange(grid.levels) - grid.half)
                k = np.floor(inp["x"] / grid.width + 0.5).astype(int) + grid.half
                p = stats.norm.cdf(v + grid.width / 2) - stats.norm.cdf(v - grid.width / 2)
                nlp = float(np.sum(-np.log2((p / p.sum())[k])))
                if inp["code"] == "zlib":
                    bits = 8 * len(zlib.compress(k.astype(np.uint8).tobytes(), 9))
                elif inp["code"] == "mixture":
                    terms = [np.prod(q[k]) for q in fam] + [1.0 / grid.levels if np.all(k == k[0]) else 0.0]
                    bits = -np.log2(np.mean(terms))
                else:
                    bits = 8 * len(_spec_stream(k, tabs, inp["code"] == "two_part_split"))
                assert abs(exp["neg_log2_p"] - nlp) < 1e-6 and abs(exp["code_bits"] - bits) < 1e-6, c["comment"]
                assert abs(exp["delta"] - (nlp - bits)) < 1e-6
            checked += 1
    assert checked >= 9


def test_vectorised_mixture_critic_equals_critic():
    from refimpl.realism.claims import _mixture_deltas

    got = _mixture_deltas(7, 5, 16)
    z = R.normal(7, 0, np.arange(5 * 16)).reshape(5, 16)
    for i in range(5):
        x = np.clip(np.round(z[i] / 0.1) * 0.1, -6, 6)
        assert abs(critic(x, code="mixture").delta - got[i]) < 1e-9
