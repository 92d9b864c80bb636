"""rcc.v1.json: replay through refimpl and re-derive cases by the second routes named in verifiedBy."""

import json
from pathlib import Path

import numpy as np

from refimpl import random as R
from refimpl.conformance import run_case, iter_cases
from refimpl.conformance import self_adapter
from refimpl.rcc import (gaussian_channel_decode, pfr_decode_categorical, select_given, zipf_lambda, zipf_mu_hat)
from refimpl.vectors import decode_value

from .test_select import brute

PATH = Path(__file__).resolve().parents[2] / "specs" / "vectors" / "rcc.v1.json"


def _groups():
    return {g["function"]: g for g in json.loads(PATH.read_text())["groups"]}


def test_replay_all_cases():
    res = [run_case(self_adapter, c) for c in iter_cases(PATH.parent) if c.file == "rcc.v1.json"]
    assert res and all(r.status == "pass" for r in res), [r for r in res if r.status != "pass"][:3]


def test_select_given_by_brute_force_loop():
    for c in _groups()["select_given"]["cases"]:
        if c["result"] != "valid":
            continue
        x = decode_value(c["input"])
        want = np.atleast_1d(decode_value(c["expected"])["output"])
        lw = np.atleast_2d(x["log_w"])
        m = x["method"]
        for r in range(lw.shape[0]):
            kw = dict(truncated=x.get("truncated", False))
            if m in ("pfr", "orc", "mrc"):
                got = brute(lw[r], np.atleast_2d(x["noise"])[r], m)
            elif m == "rs":
                got = brute(lw[r], None, "rs", np.atleast_2d(x["uniforms"])[r], np.atleast_1d(x["log_w_max"])[r], **kw)
            else:
                got = brute(lw[r], None, "grs", np.atleast_2d(x["uniforms"])[r], slw=x["states_log_w"], sp=x["states_p"], **kw)
            assert got == want[r], c["comment"]


def test_seeded_categorical_by_materialised_candidates():
    for c in _groups()["select_categorical"]["cases"]:
        if c["result"] != "valid":
            continue
        x = decode_value(c["input"])
        q, p, n, seed, m = x["q"], x["p"], x["N"], x["seed"], x["method"]
        idx = np.arange(n, dtype=np.uint64)
        u = R.uniform(seed, 0, idx)
        z = np.minimum(np.searchsorted(np.cumsum(p), u, side="right"), p.size - 1)
        with np.errstate(divide="ignore"):
            slw = np.where(q > 0, np.log(q) - np.log(p), -np.inf)
        if m in ("pfr", "orc", "mrc"):
            k = brute(slw[z], R.exponential(seed, 1, idx), m)
        elif m == "rs":
            k = brute(slw[z], None, "rs", R.uniform(seed, 2, idx), slw[p > 0].max())
        else:
            k = brute(slw[z], None, "grs", R.uniform(seed, 2, idx), slw=slw, sp=p)
        assert decode_value(c["expected"])["index"] == k, c["comment"]


def test_exact_pfr_cases_are_truncated_argmins_and_decode():
    for c in _groups()["pfr_encode_categorical"]["cases"]:
        x, e = decode_value(c["input"]), decode_value(c["expected"])
        q, p, seed = x["q"], x["p"], x["seed"]
        n = e["iterations"] + 20
        idx = np.arange(n, dtype=np.uint64)
        z = R.categorical(seed, 0, idx, p)
        with np.errstate(divide="ignore"):
            lw = np.where(q[z] > 0, np.log(q[z]) - np.log(p[z]), -np.inf)
        assert select_given(lw, R.exponential(seed, 1, idx), "pfr") == e["index"]
        mu = zipf_mu_hat(float(np.sum(q[q > 0] * np.log2(q[q > 0] / p[q > 0]))))
        assert pfr_decode_categorical(e["data"], e["nbits"], p, seed, mu) == e["sample"]


def test_gaussian_channel_cases_decode():
    for c in _groups()["gaussian_channel_encode"]["cases"]:
        if c["result"] != "valid":
            continue
        x, e = decode_value(c["input"]), decode_value(c["expected"])
        kw = {k: x[k] for k in ("d_kl_bits", "max_chunk_bits", "padding_bits", "exact", "coder", "chunk_kl") if k in x}
        z = gaussian_channel_decode(e["data"], e["nbits"], x["mu_p"], x["sigma_p"], x["seed"], **kw)
        np.testing.assert_array_equal(z, e["sample"])


def test_zipf_lambda_rule():
    # λ = 1 + 1/(log2(e)/e + 1) at D = 0 (log2(e)/e = 0.530737845...)
    assert abs(zipf_lambda(zipf_mu_hat(0.0)) - (1 + 1 / 1.530737845)) < 1e-8
