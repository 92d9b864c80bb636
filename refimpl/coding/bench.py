"""Benchmark of the entropy coders: ns/symbol (encode, decode) and bit overhead over the
information content, side by side with constriction when it is installed.

Citation: Yang, Mandt & Theis, *An Introduction to Neural Data Compression* (2023), §2.
Run: ``refimpl bench coding`` (10^6 symbols) or ``refimpl bench coding --quick`` (10^5).

| quantity | name | meaning |
|---|---|---|
| −Σ log2 p(x_i) | ``info`` | information content under the exact float model (before quantization) |
| ℓ | ``bits`` | 8 · bytes of the stream |
| (ℓ − info)/info | ``overhead`` | in %; includes the cost of quantizing the model to integers |

Workloads: (a) one fixed 256-symbol table, weights U(0,1) normalised; (b) per-symbol quantized
Gaussians on [−256, 255], means U(−60, 60), stds log-uniform on [0.3, 30]. Data from
``refimpl.random`` (fixed seeds). Times are medians of ``REPEATS`` runs after one warm-up run,
each run timing the whole public call (argument checks and model set-up included).
"""

from __future__ import annotations

import time

import numpy as np
from scipy.special import ndtr

from .. import random as R
from .models import quantize_pmf
from .rans import rans_decode, rans_decode_family, rans_encode, rans_encode_family

REPEATS = 5
TABLE_PRECISION = 16
FAMILY_PRECISION = 24
LOW, HIGH = -256, 255


def _median_ns(fn, n: int) -> tuple[float, object]:
    out = fn()  # warm-up (JIT compilation, caches)
    ts = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t)
    return float(np.median(ts)) / max(n, 1) * 1e9, out


def _table_workload(n: int):
    pmf = R.uniform(2024, 0, np.arange(256, dtype=np.uint64))
    pmf = pmf / pmf.sum()
    s = R.categorical(2025, 0, np.arange(n, dtype=np.uint64), pmf).astype(np.int64)
    info = float(-np.sum(np.log2(pmf[s])))
    return pmf, s, info


def _gauss_workload(n: int):
    idx = np.arange(n, dtype=np.uint64)
    loc = -60 + 120 * R.uniform(2026, 0, idx)
    scale = np.exp(np.log(0.3) + (np.log(30.0) - np.log(0.3)) * R.uniform(2027, 0, idx))
    v = np.clip(np.rint(loc + scale * R.normal(2028, 0, idx)), LOW, HIGH).astype(np.int64)
    # exact mass of v under the quantized Gaussian, tails folded into the edge symbols
    hi = np.where(v == HIGH, 1.0, ndtr((v + 0.5 - loc) / scale))
    lo = np.where(v == LOW, 0.0, ndtr((v - 0.5 - loc) / scale))
    info = float(-np.sum(np.log2(hi - lo)))
    return loc, scale, v, info


def _row(name, enc_ns, dec_ns, bits, info, n, ok):
    ov = (bits - info) / info * 100
    return f"| {name} | {enc_ns:.1f} | {dec_ns:.1f} | {bits / n:.5f} | {ov:+.4f} % | {'yes' if ok else 'NO'} |"


def _ours_table(rows, pmf, s, info, n):
    cdf = quantize_pmf(pmf, TABLE_PRECISION)
    e, data = _median_ns(lambda: rans_encode(s, cdf, TABLE_PRECISION), n)
    d, out = _median_ns(lambda: rans_decode(data, cdf, TABLE_PRECISION, n), n)
    rows.append(_row(f"refimpl rANS64/32, {TABLE_PRECISION}-bit table", e, d, 8 * len(data), info, n,
                     np.array_equal(out, s)))
    try:
        from .range_coder import range_decode, range_encode
    except ImportError:
        return
    e, data = _median_ns(lambda: range_encode(s, cdf, TABLE_PRECISION), n)
    d, out = _median_ns(lambda: range_decode(data, cdf, TABLE_PRECISION, n), n)
    rows.append(_row(f"refimpl range coder, {TABLE_PRECISION}-bit table", e, d, 8 * len(data), info, n,
                     np.array_equal(out, s)))


def _ours_gauss(rows, loc, scale, v, info, n):
    args = ("gaussian", loc, scale, LOW, HIGH, FAMILY_PRECISION)
    e, data = _median_ns(lambda: rans_encode_family(v, *args), n)
    d, out = _median_ns(lambda: rans_decode_family(data, *args), n)
    rows.append(_row(f"refimpl rANS64/32, Gaussian family, {FAMILY_PRECISION}-bit", e, d, 8 * len(data), info, n,
                     np.array_equal(out, v)))
    try:
        from .range_coder import range_decode_family, range_encode_family
    except ImportError:
        return
    e, data = _median_ns(lambda: range_encode_family(v, *args), n)
    d, out = _median_ns(lambda: range_decode_family(data, *args), n)
    rows.append(_row(f"refimpl range coder, Gaussian family, {FAMILY_PRECISION}-bit", e, d, 8 * len(data), info, n,
                     np.array_equal(out, v)))


def _constriction(rows, pmf, s, info_t, loc, scale, v, info_g, n):
    try:
        import constriction
    except ImportError:
        rows.append("| constriction | not installed (`pip install .[peers]`) | | | | |")
        return
    try:
        from importlib.metadata import version
        ver = version("constriction")
    except Exception:  # pragma: no cover - metadata missing
        ver = "?"
    stack, queue, model = constriction.stream.stack, constriction.stream.queue, constriction.stream.model
    s32, v32 = s.astype(np.int32), v.astype(np.int32)
    p32 = pmf.astype(np.float64)
    mu, sd = loc.astype(np.float64), scale.astype(np.float64)

    def ans_enc_t():
        c = stack.AnsCoder()
        c.encode_reverse(s32, model.Categorical(p32, perfect=False))
        return c.get_compressed()

    def ans_dec_t(comp):
        return stack.AnsCoder(comp).decode(model.Categorical(p32, perfect=False), n)

    def rc_enc_t():
        c = queue.RangeEncoder()
        c.encode(s32, model.Categorical(p32, perfect=False))
        return c.get_compressed()

    def rc_dec_t(comp):
        return queue.RangeDecoder(comp).decode(model.Categorical(p32, perfect=False), n)

    fam = model.QuantizedGaussian(LOW, HIGH)

    def ans_enc_g():
        c = stack.AnsCoder()
        c.encode_reverse(v32, fam, mu, sd)
        return c.get_compressed()

    def ans_dec_g(comp):
        return stack.AnsCoder(comp).decode(fam, mu, sd)

    def rc_enc_g():
        c = queue.RangeEncoder()
        c.encode(v32, fam, mu, sd)
        return c.get_compressed()

    def rc_dec_g(comp):
        return queue.RangeDecoder(comp).decode(fam, mu, sd)

    for name, enc, dec, ref, info in (
            (f"constriction {ver} AnsCoder, Categorical perfect=False", ans_enc_t, ans_dec_t, s, info_t),
            (f"constriction {ver} RangeEncoder, Categorical perfect=False", rc_enc_t, rc_dec_t, s, info_t),
            (f"constriction {ver} AnsCoder, QuantizedGaussian", ans_enc_g, ans_dec_g, v, info_g),
            (f"constriction {ver} RangeEncoder, QuantizedGaussian", rc_enc_g, rc_dec_g, v, info_g)):
        e, comp = _median_ns(enc, n)
        d, out = _median_ns(lambda: dec(comp), n)
        rows.append(_row(name, e, d, 32 * comp.size, info, n, np.array_equal(np.asarray(out), ref)))


def run(quick: bool = False) -> int:
    """Print the Markdown table of docs/performance.md § coding; returns 0 (1 if a coder failed to round-trip)."""
    n = 100_000 if quick else 1_000_000
    pmf, s, info_t = _table_workload(n)
    loc, scale, v, info_g = _gauss_workload(n)
    rows = ["| coder | encode ns/sym | decode ns/sym | bits/sym | overhead vs info | round trip |",
            "|---|---|---|---|---|---|"]
    rows.append(f"| **(a) fixed 256-symbol table**, n = {n}, H = {info_t / n:.5f} bit/sym | | | | | |")
    _ours_table(rows, pmf, s, info_t, n)
    rows_g = [f"| **(b) per-symbol quantized Gaussians** on [−256, 255], info = {info_g / n:.5f} bit/sym | | | | | |"]
    _ours_gauss(rows_g, loc, scale, v, info_g, n)
    peer = []
    _constriction(peer, pmf, s, info_t, loc, scale, v, info_g, n)
    rows += [r for r in peer if "Categorical" in r or "not installed" in r] + rows_g
    rows += [r for r in peer if "QuantizedGaussian" in r]
    print("\n".join(rows), flush=True)
    return 0 if all(not r.endswith("| NO |") for r in rows) else 1
