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
each run timing the whole public call (argument checks and model set-up included); the runs of
all coders are interleaved so that load from other processes affects them alike.
"""

from __future__ import annotations

import time

import numpy as np
from scipy.special import ndtr

from .. import random as R
from .models import quantize_pmf
from .rans import rans_decode, rans_decode_family, rans_encode, rans_encode_family

REPEATS = 7
TABLE_PRECISION = 16
FAMILY_PRECISION = 24
LOW, HIGH = -256, 255


def _time_interleaved(coders, n: int) -> list[tuple[float, float, object, object]]:
    """For each coder (enc, dec): one warm-up, then REPEATS rounds in which every coder encodes and
    decodes once (interleaved, so load from other jobs hits all coders alike); median ns/symbol."""
    data = [enc() for enc, _ in coders]
    outs = [dec(d) for (_, dec), d in zip(coders, data)]
    te = [[] for _ in coders]
    td = [[] for _ in coders]
    for _ in range(REPEATS):
        for j, (enc, dec) in enumerate(coders):
            t = time.perf_counter()
            data[j] = enc()
            te[j].append(time.perf_counter() - t)
            t = time.perf_counter()
            outs[j] = dec(data[j])
            td[j].append(time.perf_counter() - t)
    k = 1e9 / max(n, 1)
    return [(float(np.median(a)) * k, float(np.median(b)) * k, d, o) for a, b, d, o in zip(te, td, data, outs)]


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


def _ours(pmf, s, loc, scale, v):
    """(workload, name, encode(), decode(data), reference, bits(data)) of refimpl's coders."""
    cdf = quantize_pmf(pmf, TABLE_PRECISION)
    n = s.size
    args = ("gaussian", loc, scale, LOW, HIGH, FAMILY_PRECISION)
    out = [("a", f"refimpl rANS64/32, {TABLE_PRECISION}-bit table", lambda: rans_encode(s, cdf, TABLE_PRECISION),
            lambda d: rans_decode(d, cdf, TABLE_PRECISION, n), s),
           ("b", f"refimpl rANS64/32, Gaussian family, {FAMILY_PRECISION}-bit", lambda: rans_encode_family(v, *args),
            lambda d: rans_decode_family(d, *args), v)]
    try:
        from .range_coder import range_decode, range_decode_family, range_encode, range_encode_family
    except ImportError:
        return out
    out += [("a", f"refimpl range coder, {TABLE_PRECISION}-bit table", lambda: range_encode(s, cdf, TABLE_PRECISION),
             lambda d: range_decode(d, cdf, TABLE_PRECISION, n), s),
            ("b", f"refimpl range coder, Gaussian family, {FAMILY_PRECISION}-bit",
             lambda: range_encode_family(v, *args), lambda d: range_decode_family(d, *args), v)]
    return out


def _constriction(pmf, s, loc, scale, v):
    try:
        import constriction
    except ImportError:
        return None
    try:
        from importlib.metadata import version
        ver = version("constriction")
    except Exception:  # pragma: no cover - metadata missing
        ver = "?"
    stack, queue, model = constriction.stream.stack, constriction.stream.queue, constriction.stream.model
    s32, v32 = s.astype(np.int32), v.astype(np.int32)
    mu, sd = loc.astype(np.float64), scale.astype(np.float64)
    n = s.size
    fam = model.QuantizedGaussian(LOW, HIGH)

    def cat():
        return model.Categorical(pmf, perfect=False)

    def ans_enc(sym, *m):
        c = stack.AnsCoder()
        c.encode_reverse(sym, *m)
        return c.get_compressed()

    def rc_enc(sym, *m):
        c = queue.RangeEncoder()
        c.encode(sym, *m)
        return c.get_compressed()

    return [
        ("a", f"constriction {ver} AnsCoder, Categorical perfect=False", lambda: ans_enc(s32, cat()),
         lambda d: stack.AnsCoder(d).decode(cat(), n), s),
        ("a", f"constriction {ver} RangeEncoder, Categorical perfect=False", lambda: rc_enc(s32, cat()),
         lambda d: queue.RangeDecoder(d).decode(cat(), n), s),
        ("b", f"constriction {ver} AnsCoder, QuantizedGaussian", lambda: ans_enc(v32, fam, mu, sd),
         lambda d: stack.AnsCoder(d).decode(fam, mu, sd), v),
        ("b", f"constriction {ver} RangeEncoder, QuantizedGaussian", lambda: rc_enc(v32, fam, mu, sd),
         lambda d: queue.RangeDecoder(d).decode(fam, mu, sd), v),
    ]


def _bits(d) -> int:
    return 8 * len(d) if isinstance(d, (bytes, bytearray)) else 8 * np.asarray(d).nbytes


def run(quick: bool = False) -> int:
    """Print the Markdown table of docs/performance.md § coding; returns 0 (1 if a coder failed to round-trip)."""
    n = 100_000 if quick else 1_000_000
    pmf, s, info_t = _table_workload(n)
    loc, scale, v, info_g = _gauss_workload(n)
    peer = _constriction(pmf, s, loc, scale, v)
    coders = _ours(pmf, s, loc, scale, v) + (peer or [])
    timed = _time_interleaved([(enc, dec) for _, _, enc, dec, _ in coders], n)
    info = {"a": info_t, "b": info_g}
    lines = {"a": [], "b": []}
    for (w, name, _, _, ref), (e, d, data, out) in zip(coders, timed):
        lines[w].append(_row(name, e, d, _bits(data), info[w], n, np.array_equal(np.asarray(out), ref)))
    rows = ["| coder | encode ns/sym | decode ns/sym | bits/sym | overhead vs info | round trip |",
            "|---|---|---|---|---|---|",
            f"| **(a) fixed 256-symbol table**, n = {n}, H = {info_t / n:.5f} bit/sym | | | | | |", *lines["a"],
            f"| **(b) per-symbol quantized Gaussians** on [−256, 255], info = {info_g / n:.5f} bit/sym | | | | | |",
            *lines["b"]]
    if peer is None:
        rows.append("| constriction | not installed (`pip install .[peers]`) | | | | |")
    print("\n".join(rows), flush=True)
    return 0 if all(not r.endswith("| NO |") for r in rows) else 1
