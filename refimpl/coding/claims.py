"""Claims of entropy coding (rANS with integer models, bits-back coding) as runnable checks.

Citation: Yang, Mandt & Theis, *An Introduction to Neural Data Compression* (2023), §2
(source coding theorem; ANS codes within a constant of the information content); Townsend,
Bird & Barber (ICLR 2019) for bits-back with ANS. Specification: ``specs/coding.md``.

| paper | code | meaning |
|---|---|---|
| −log2 q(x) | ``information_bits`` | information content under the integer model q = f/M |
| H(p), KL(p ‖ q) | ``entropy``, ``kl_bits`` | entropy of the source, cost of quantizing the model |
| ℓ(x) | ``8·len(data)`` | real code length of the rANS stream, bits |
| −ELBO | ``bits_back_neg_elbo_bits`` | bits-back rate under the integer tables |

Data come from ``refimpl.random`` (stream 0, fixed seeds) so every number is reproducible.
"""

from __future__ import annotations

import math

import numpy as np

from .. import random as R
from ..claims import at_most, close, holds_exactly, register
from .bits_back import bits_back_decode, bits_back_encode, bits_back_model, bits_back_neg_elbo_bits, bits_back_var_bits
from .models import family_cdf, information_bits, kl_bits, quantize_pmf
from .rans import rans_decode, rans_decode_family, rans_encode, rans_encode_family

PAPER = "Yang, Mandt & Theis 2023, An Introduction to Neural Data Compression"
PAPER_BB = "Townsend, Bird & Barber 2019, Practical lossless compression with latent variables using bits back coding"


def excess_per_symbol(precision: int) -> float:
    """ε_p = log2(1 + 2^(p−31)): worst-case excess of one rANS64/32 step over log2(M/f) bits."""
    return math.log2(1.0 + 2.0 ** (precision - 31))


def _pmf(seed: int, a: int, tiny: bool) -> np.ndarray:
    u = R.uniform(seed, 0, np.arange(a, dtype=np.uint64))
    w = 10.0 ** (-12.0 * u) if tiny else u + 1e-3
    return w / w.sum()


def _draw(seed: int, pmf: np.ndarray, n: int) -> np.ndarray:
    return R.categorical(seed, 0, np.arange(n, dtype=np.uint64), pmf).astype(np.int64)


@register("coding")
def code_length_bound(size: str):
    """ℓ ≤ −Σ log2 q(s_i) + 64 + n·ε_p for every message (specs/coding.md § Invariants)."""
    cases = 60 if size == "quick" else 600
    worst = -math.inf
    for c in range(cases):
        p = (1, 8, 12, 16, 20, 24)[c % 6]
        a = int(2 + (R.words(c, 17, np.array([0], dtype=np.uint64))[0] % min(4095, (1 << p) - 1)))
        pmf = _pmf(1000 + c, a, tiny=bool(c % 2))
        n = 50 * c
        s = _draw(2000 + c, pmf, n)
        cdf = quantize_pmf(pmf, p)
        bits = 8 * len(rans_encode(s, cdf, p))
        worst = max(worst, bits - information_bits(s, cdf, p) - n * excess_per_symbol(p))
    return at_most("rans_code_length_bound", PAPER,
                   "rANS code length ≤ information content under the integer model + 64 bits (+ n·log2(1+2^(p−31)))",
                   worst, 64.0, "deterministic bound proved in specs/coding.md (state flush 64 bits); no tolerance",
                   details={"cases": cases})


def _iid_claim(name, statement, bits, info_cross, var, n, extra_const):
    sd = math.sqrt(var / n)
    tol = 4 * sd + (64 + n * extra_const) / n
    return close(name, PAPER, statement, bits / n, info_cross, tol,
                 f"4 standard errors of the mean information content ({sd:.2e} bit each, n = {n}) "
                 f"plus the flush (64 bits) and coder excess per symbol, over n; NaN if decoding failed")


@register("coding")
def iid_rate_shared_table(size: str):
    """i.i.d. source: bits/symbol → H(p) + KL(p ‖ q) (256-symbol table, precision 16)."""
    n = 100_000 if size == "quick" else 1_000_000
    p_bits = 16
    pmf = _pmf(7, 256, tiny=False)
    cdf = quantize_pmf(pmf, p_bits)
    s = _draw(8, pmf, n)
    data = rans_encode(s, cdf, p_bits)
    ok = np.array_equal(rans_decode(data, cdf, p_bits, n), s)  # a mismatch makes the claim fail (NaN)
    q = np.diff(cdf) / float(1 << p_bits)
    h = float(-np.sum(pmf * np.log2(pmf)))
    cross = h + kl_bits(pmf, cdf, p_bits)
    var = float(np.sum(pmf * (-np.log2(q) - cross) ** 2))
    return _iid_claim("rans_iid_rate_table", "bits/symbol of rANS on an i.i.d. source → H(p) + KL(p‖q)",
                      8 * len(data) if ok else math.nan, cross, var, n, excess_per_symbol(p_bits))


@register("coding")
def iid_rate_gaussian_family(size: str):
    """Per-symbol quantized Gaussians on [−256, 255], precision 24: bits/symbol → E[−log2 q]."""
    n = 20_000 if size == "quick" else 1_000_000  # the reference costs 512 CDF values per symbol
    p_bits, low, high = 24, -256, 255
    idx = np.arange(n, dtype=np.uint64)
    loc = -60 + 120 * R.uniform(11, 0, idx)
    scale = np.exp(np.log(0.3) + (np.log(30) - np.log(0.3)) * R.uniform(12, 0, idx))
    v = np.clip(np.rint(loc + scale * R.normal(13, 0, idx)), low, high).astype(np.int64)
    data = rans_encode_family(v, "gaussian", loc, scale, low, high, p_bits)
    ok = np.array_equal(rans_decode_family(data, "gaussian", loc, scale, low, high, p_bits), v)  # else NaN
    # reference: Σ_i E_{P_i}[−log2 q_i(x)], the expected information content given the parameters,
    # with P_i the exact quantized Gaussian (tails folded into the edges, scipy's ndtr)
    from scipy.special import ndtr
    edges = np.arange(low, high + 2) - 0.5
    ref = var = 0.0
    for a in range(0, n, 20_000):
        sl = slice(a, min(n, a + 20_000))
        q = np.diff(family_cdf("gaussian", loc[sl], scale[sl], low, high, p_bits), axis=1) / float(1 << p_bits)
        P = np.diff(ndtr((edges[None, :] - loc[sl, None]) / scale[sl, None]), axis=1)
        P[:, 0] += ndtr((edges[0] - loc[sl]) / scale[sl])
        P[:, -1] += 1 - ndtr((edges[-1] - loc[sl]) / scale[sl])
        li = -np.log2(q)
        per = np.sum(P * li, axis=1)
        ref += float(per.sum())
        var += float(np.sum(P * (li - per[:, None]) ** 2))
    return close("rans_iid_rate_gaussian_family", PAPER,
                 "bits/symbol of rANS with per-symbol quantized Gaussians → Σ E[−log2 q_i(x)]/n (precision 24)",
                 8 * len(data) / n if ok else math.nan, ref / n, 4 * math.sqrt(var) / n + (64 + n * excess_per_symbol(p_bits)) / n,
                 f"4 standard deviations of the information content given the parameters (n = {n}), "
                 "plus flush and coder excess, over n; NaN if decoding failed")


@register("coding")
def round_trip(size: str):
    """decode(encode(s)) = s on random alphabets 2…4096, tiny masses, lengths 0…10^4."""
    cases = 60 if size == "quick" else 2000
    fails = 0
    for c in range(cases):
        w = R.words(50_000 + c, 17, np.arange(4, dtype=np.uint64))
        p = int(1 + w[0] % 24)
        a = int(2 + w[1] % min(4095, (1 << p) - 1))
        n = int(w[2] % 10_001) if c % 4 else int(w[2] % 101)
        rows = bool(w[3] % 2) and n * a <= 100_000
        pmf = _pmf(60_000 + c, a, tiny=bool(c % 3))
        if rows:
            pm = np.stack([np.roll(pmf, k) for k in range(n)]) if n else np.zeros((0, a))
            cdf = quantize_pmf(pm, p) if n else np.zeros((0, a + 1), dtype=np.int64)
        else:
            cdf = quantize_pmf(pmf, p)
        s = (R.words(70_000 + c, 0, np.arange(n, dtype=np.uint64)) % np.uint64(a)).astype(np.int64)
        fails += not np.array_equal(rans_decode(rans_encode(s, cdf, p), cdf, p, n), s)
    return holds_exactly("rans_round_trip", PAPER, f"decode(encode(s)) = s on {cases} random messages",
                         fails, "exact integer coder: every failure is a bug", details={"cases": cases})


@register("coding")
def quantization_overhead(size: str):
    """quantize_pmf at precision 16 costs ≤ 0.01 % of the entropy on a 256-symbol U(0,1) pmf."""
    pmf = _pmf(7, 256, tiny=False)
    h = float(-np.sum(pmf * np.log2(pmf)))
    kl = kl_bits(pmf, quantize_pmf(pmf, 16), 16)
    return at_most("quantize_pmf_overhead_16bit", PAPER,
                   "KL(p ‖ quantize_pmf(p, 16)) / H(p) ≤ 1e-4 (256 symbols, weights U(0,1))",
                   kl / h, 1e-4, "the issue's overhead target (0.01 %); deterministic, no tolerance")


@register("coding")
def bits_back_rate(size: str):
    """Bits-back with rANS: net bits/symbol ≈ −ELBO/symbol, and decoding recovers x exactly."""
    n = 20_000 if size == "quick" else 200_000
    K, A, p_bits = 8, 64, 16
    pz = _pmf(21, K, tiny=False)
    pxz = np.stack([_pmf(100 + k, A, tiny=True) for k in range(K)])
    z = _draw(22, pz, n)
    u = R.uniform(23, 0, np.arange(n, dtype=np.uint64))
    x = np.minimum((np.cumsum(pxz[z], axis=1) < u[:, None]).sum(axis=1), A - 1).astype(np.int64)
    results = []
    for label, post in (("exact", None), ("flattened", np.sqrt(pxz.T * pz[None, :]))):
        m = bits_back_model(pz, pxz, p_bits, posterior=post)
        enc = bits_back_encode(x, m, seed=24)
        ok = np.array_equal(bits_back_decode(enc.data, m, n, seed=24), x)
        ne = float(bits_back_neg_elbo_bits(x, m).sum())
        sd = math.sqrt(float(bits_back_var_bits(x, m).sum()))
        tol = (5 * sd + 64 + 3 * n * excess_per_symbol(p_bits)) / n
        results.append(close(f"bits_back_rate_{label}_posterior", PAPER_BB,
                             f"bits-back net bits/symbol ≈ −ELBO/symbol ({label} q(z|x), n = {n})",
                             enc.net_bits / n if ok else math.nan, ne / n, tol,
                             "5 standard deviations of the sum of per-symbol log2 q/p(x,z) under q, plus the "
                             "word granularity of the streams (64 bits) and 3 coder steps per symbol, over n; "
                             "NaN if decoding failed"))
    return results


# the range coder's claims (another module, same topic) register themselves on import; a broken
# import must fail loudly rather than silently drop those claims
from . import range_claims as _range_claims  # noqa: E402,F401
