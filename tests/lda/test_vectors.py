"""lda.v1.json: every valid case re-derived by an independent plain-loop implementation
(math.lgamma, scipy.special.digamma, explicit loops — no code shared with refimpl.lda), every
case replayed through the conformance runner, and the file is what the builder makes."""

import json
import math

import numpy as np
import pytest
from scipy.special import digamma

from refimpl import conformance as K
from refimpl.lda.vectors import FILES
from refimpl.vectors import decode_value, dumps, vectors_dir

PATH = vectors_dir() / "lda.v1.json"
DOC = json.loads(PATH.read_text())


# --- the independent implementation ------------------------------------------------------------

def softmax(z):
    m = max(z)
    e = [math.exp(v - m) for v in z]
    s = sum(e)
    return [v / s for v in e]


def groups_of(offsets):
    return [list(range(offsets[d], offsets[d + 1])) for d in range(len(offsets) - 1)]


def u1(g, offsets, alpha_hat):
    out = [None] * len(g)
    for d, items in enumerate(groups_of(offsets)):
        psi = [digamma(a) for a in alpha_hat[d]]
        for n in items:
            out[n] = softmax([g[n][k] + psi[k] for k in range(len(psi))])
    return out


def u2(alpha_hat, lam, c):
    K_ = len(alpha_hat[0])
    return [[1.0 if k == c[d] else 0.0 for k in range(K_)] if c[d] >= 0 else
            softmax([lam * digamma(a) for a in alpha_hat[d]]) for d in range(len(alpha_hat))]


def u3(p_dn, offsets, p_d, alpha, lam):
    out = []
    for d, items in enumerate(groups_of(offsets)):
        out.append([alpha[k] + sum(p_dn[n][k] for n in items) + lam * p_d[d][k] for k in range(len(alpha))])
    return out


def xlogx(p):
    return p * math.log(p) if p > 0 else 0.0


def elbo(g, offsets, alpha, lam, p_dn, p_d, alpha_hat, c):
    out = []
    for d, items in enumerate(groups_of(offsets)):
        ah = alpha_hat[d]
        a0 = sum(ah)
        el = [digamma(a) - digamma(a0) for a in ah]
        L = math.lgamma(sum(alpha)) - sum(math.lgamma(a) for a in alpha)
        L += sum((alpha[k] - 1) * el[k] for k in range(len(el)))
        L += sum(p_dn[n][k] * (g[n][k] + el[k]) for n in items for k in range(len(el)))
        L += lam * sum(p_d[d][k] * el[k] for k in range(len(el)))
        L += -math.lgamma(a0) + sum(math.lgamma(a) for a in ah) - sum((ah[k] - 1) * el[k] for k in range(len(el)))
        L -= sum(xlogx(p) for n in items for p in p_dn[n])
        if c[d] < 0:
            L -= sum(xlogx(p) for p in p_d[d])
        out.append(L)
    return out


def infer(g, offsets, alpha, lam, c, sweeps):
    K_ = len(alpha)
    P = [[1.0 / K_] * K_ for _ in g]
    pc = [[1.0 if k == c[d] else 0.0 for k in range(K_)] if c[d] >= 0 else [1.0 / K_] * K_
          for d in range(len(offsets) - 1)]
    for _ in range(sweeps):
        ah = u3(P, offsets, pc, alpha, lam)
        P = u1(g, offsets, ah)
        ah = u3(P, offsets, pc, alpha, lam)
        pc = u2(ah, lam, c)
    return {"p_hat_dn": P, "p_hat_d": pc, "alpha_hat": u3(P, offsets, pc, alpha, lam)}


def independent(function, a):
    L = {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in a.items()}
    if function == "lda_digamma":
        return {"output": [float(digamma(x)) for x in L["x"]]}
    if function == "lda_update_items":
        return {"output": u1(L["g"], L["offsets"], L["alpha_hat"])}
    if function == "lda_update_labels":
        return {"output": u2(L["alpha_hat"], L["lam"], L["c"])}
    if function == "lda_update_alpha_hat":
        return {"output": u3(L["p_hat_dn"], L["offsets"], L["p_hat_d"], L["alpha"], L["lam"])}
    if function == "lda_elbo_nats":
        return {"output": elbo(L["g"], L["offsets"], L["alpha"], L["lam"], L["p_hat_dn"], L["p_hat_d"],
                               L["alpha_hat"], L["c"])}
    if function == "lda_infer":
        return infer(L["g"], L["offsets"], L["alpha"], L["lam"], L["c"], L["sweeps"])
    raise AssertionError(function)


CASES = [(g["function"], g["tolerance"], c) for g in DOC["groups"] for c in g["cases"]]


@pytest.mark.parametrize("function,tol,case", [x for x in CASES if x[2]["result"] == "valid"],
                         ids=[f"{x[0]}#{x[2]['id']}" for x in CASES if x[2]["result"] == "valid"])
def test_valid_case_rederived_independently(function, tol, case):
    want = decode_value(case["expected"])
    got = independent(function, decode_value(case["input"]))
    rtol = max(tol.get("rtol", 0.0), 1e-13)
    for key, w in want.items():
        np.testing.assert_allclose(np.asarray(got[key], dtype=float), np.asarray(w, dtype=float),
                                   rtol=rtol, atol=tol.get("atol", 0.0))


def test_every_case_replays_through_the_conformance_runner():
    adapter = K.load_adapter("refimpl.conformance.self_adapter")
    results = [K.run_case(adapter, c) for c in K.iter_cases() if c.file == "lda.v1.json"]
    assert len(results) == DOC["numberOfCases"]
    assert all(r.status == "pass" for r in results), [r for r in results if r.status != "pass"]


def test_file_is_what_the_builder_makes():
    assert dumps(FILES[0]()) == PATH.read_text()


def test_invalid_cases_cover_the_required_rejections():
    flags = {f for _, _, c in CASES if c["result"] == "invalid" for f in c["flags"]}
    assert {"bad_alpha", "bad_lam", "k_mismatch", "nan_logits"} <= flags
