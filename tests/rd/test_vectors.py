"""Re-derive rd.v1.json's closed-form cases by a second route (the file's verifiedBy)."""

import json
import math
from fractions import Fraction
from pathlib import Path

import pytest

from refimpl.vectors import decode_value

FILE = Path(__file__).resolve().parents[2] / "specs" / "vectors" / "rd.v1.json"


def hb(x):
    return 0.0 if x <= 0 or x >= 1 else -x * math.log2(x) - (1 - x) * math.log2(1 - x)


def cases(function):
    doc = json.loads(FILE.read_text())
    for g in doc["groups"]:
        if g["function"] == function:
            for c in g["cases"]:
                if c["result"] == "valid" and "closed_form" in c["flags"]:
                    yield decode_value(c["input"]), decode_value(c["expected"])


def test_file_has_closed_form_cases():
    assert sum(1 for f in ("rate_distortion_rate", "rdpf_rate", "blahut_arimoto_point") for _ in cases(f)) >= 13


def test_water_filling_by_hand():
    for inp, exp in cases("gaussian_rate_distortion"):
        lam, D = list(inp["lam"]), inp["D"]
        if lam == [2.0]:
            assert exp["output"] == pytest.approx(0.5 * math.log2(2.0 / D), abs=1e-12)
        elif lam == [4.0, 1.0, 0.25]:
            assert exp["output"] == pytest.approx(0.5 * math.log2(4 / 0.625) + 0.5 * math.log2(1 / 0.625), abs=1e-12)
        else:
            assert D >= sum(lam) and exp["output"] == 0.0
    for inp, exp in cases("gaussian_distortion_rate"):
        assert exp["output"] == pytest.approx(inp["lam"][0] * 2.0 ** (-2 * inp["rate"]), rel=1e-12)


def test_binary_hamming_by_closed_form():
    for inp, exp in cases("blahut_arimoto_point"):
        p, beta = inp["p_x"][1], inp["beta"]
        D = 1 / (1 + math.exp(beta))          # Shannon test channel at slope −β (nats)
        assert exp["distortion"] == pytest.approx(D, abs=1e-9)
        assert exp["rate"] == pytest.approx(hb(p) - hb(D), abs=1e-9)
    for inp, exp in cases("rate_distortion_rate"):
        n, D = len(inp["p_x"]), inp["D"]
        if n == 2:
            p = inp["p_x"][1]
            want = hb(p) - hb(D) if D < min(p, 1 - p) else 0.0
        else:
            want = math.log2(n) - hb(D) - D * math.log2(n - 1)
        assert exp["output"] == pytest.approx(want, abs=1e-9)


def test_rdpf_by_blau_michaeli():
    for inp, exp in cases("rdpf_rate"):
        p = inp["p_x"]
        if len(p) == 2:
            q, D, P = p[1], inp["D"], inp["P"]
            # Blau & Michaeli Thm 2 form (digest §1.4), written independently of rdpf_closed.py
            if P >= q or D <= P / (1 - 2 * q + 2 * P):
                want = max(hb(q) - hb(D), 0.0) if D < q else 0.0
            elif D >= 2 * q * (1 - q) - (1 - 2 * q) * P:
                want = 0.0
            else:
                want = hb(q - P) - (1 - q) * hb((D - P) / (2 * (1 - q))) - q * hb((D + P) / (2 * q))
        else:
            want = -sum(x * math.log2(x) for x in p)
        assert exp["output"] == pytest.approx(want, abs=1e-6)


def test_gaussian_rdpf_reference_values():
    ref = {(0.5, 0.0): 0.596323, (1.0, 0.01): 0.163222, (1.0, 0.1): 0.089664, (0.5, 0.1): 0.5, (1.5, 0.1): 0.0}
    for inp, exp in cases("gaussian_rdpf"):
        assert exp["output"] == pytest.approx(ref[(inp["D"], inp["P"])], abs=6e-7)  # digest, 6 decimals
    for inp, exp in cases("gaussian_perfect_realism_distortion"):
        t = 2.0 ** (-2 * inp["rate"])
        assert exp["output"] == pytest.approx(2 * (1 - math.sqrt(1 - t)), rel=1e-9)


def test_circle_cells_exact():
    # exact rationals: θ/2π as a Fraction of the float, floors computed exactly
    pi2 = Fraction(2 * math.pi)
    for inp, exp in cases("circle_sto_encode_given"):
        for th, u, k in zip(inp["theta"], inp["u"], exp["output"]):
            assert k == math.floor(8 * Fraction(th) / pi2 - Fraction(u)) % 8
    for inp, exp in cases("circle_det_encode"):
        for th, k in zip(inp["theta"], exp["output"]):
            assert k == math.floor(8 * Fraction(th) / pi2)
    for inp, exp in cases("circle_sto_decode_given"):
        for k, u, th in zip(inp["k"], inp["u"], exp["output"]):
            assert th == pytest.approx((2 * math.pi * (k + u + 0.5) / 8) % (2 * math.pi), abs=1e-12)
