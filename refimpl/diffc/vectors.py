"""Test vectors for :mod:`refimpl.diffc` (``specs/vectors/diffc.v1.json``).

Verified by: numerical integration (the rate as h(Z) − h(Z|X) by quadrature, the distortions as
E(X − X̂)² by Gauss–Hermite quadrature over the joint density), a direct numerical minimisation
over rate splits for the realism optimum, and Monte Carlo for the posterior sample;
``tests/diffc/test_vectors.py`` re-derives the closed-form cases by those routes and replays the
codec cases through the encoder and decoder.
"""

from __future__ import annotations

import numpy as np

from . import codec as CD
from .chain import logsnr_schedule
from .gaussian import gaussian_distortion, gaussian_rate, realism_distortion_rate
from ..vectors import group, invalid, valid, vector_file

NOTES = {
    "high_rate": "σ ≤ 1e-3 or a²λ/σ² ≥ 1e6: needs log1p / (1 − ρ²)/(1 + ρ) forms to keep full precision",
    "low_rate": "σ ≥ 0.999: a² = (1 − σ)(1 + σ) avoids cancellation",
    "isotropic": "λ constant: DiffC-F equals the realism optimum",
    "bad_lambda": "λ ≤ 0, non-finite or empty: must be rejected",
    "bad_sigma": "σ outside the open interval (0, 1) or non-finite: must be rejected",
    "bad_rate": "rate negative or non-finite: must be rejected",
    "bad_mode": "mode not one of mean/ancestral/flow: must be rejected",
    "bitstream": "real DiffC stream: tag, then rANS over the chunk indices (specs/diffc.md § Codec)",
    "foreign_seed": "stream decoded with another seed: the tag check must reject it",
    "truncated": "stream cut short: must be rejected",
    "bad_level": "t beyond the schedule: must be rejected",
}

F64 = np.float64


def _lam(*v) -> np.ndarray:
    return np.array(v, dtype=F64)


SPECTRA = [
    (_lam(1.0), "unit variance"),
    (_lam(2.0), "λ = 2 (the digest's chain example)"),
    (_lam(1e3, 1.0, 1e-3), "spread over six decades"),
    (np.full(5, 0.7), "isotropic, d = 5"),
    ((1.0 / np.arange(1, 9)) / np.mean(1.0 / np.arange(1, 9)), "power law 1/i, d = 8, mean 1"),
]
SIGMAS = [(1e-3, ["high_rate"]), (0.2, []), (0.5, []), (0.9, []), (0.999, ["low_rate"])]
BAD_LAMBDA = [(_lam(), "empty"), (_lam(1.0, 0.0), "zero eigenvalue"), (_lam(-1.0), "negative"),
              (_lam(1.0, np.nan), "NaN"), (_lam(np.inf), "infinite")]
BAD_SIGMA = [0.0, 1.0, -0.5, 1.5, float("nan"), float("inf")]


def _closed_form_groups() -> list[dict]:
    floats = {"mode": "allclose", "rtol": 1e-12, "atol": 0.0}
    rate_cases, dist_groups = [], []
    for lam, what in SPECTRA:
        for s, fl in SIGMAS:
            iso = ["isotropic"] if np.all(lam == lam[0]) and lam.size > 1 else []
            rate_cases.append(valid(gaussian_rate, {"lam": lam, "sigma": s}, f"{what}, σ = {s}", fl + iso))
    for lam, what in BAD_LAMBDA:
        rate_cases.append(invalid(gaussian_rate, {"lam": lam, "sigma": 0.5}, what, ["bad_lambda"]))
    for s in BAD_SIGMA:
        rate_cases.append(invalid(gaussian_rate, {"lam": _lam(1.0), "sigma": s}, f"σ = {s}", ["bad_sigma"]))
    for mode in ("mean", "ancestral", "flow"):
        cases = []
        for lam, what in SPECTRA:
            for s, fl in SIGMAS:
                cases.append(valid(gaussian_distortion, {"lam": lam, "sigma": s}, f"{what}, σ = {s}", fl,
                                   params={"mode": mode}))
        cases.append(invalid(gaussian_distortion, {"lam": _lam(1.0, -2.0), "sigma": 0.5}, "negative λ",
                             ["bad_lambda"], params={"mode": mode}))
        cases.append(invalid(gaussian_distortion, {"lam": _lam(1.0), "sigma": 1.0}, "σ = 1", ["bad_sigma"],
                             params={"mode": mode}))
        dist_groups.append(group("gaussian_distortion", cases, params={"mode": mode}, tolerance=floats,
                                 comment=f"summed MSE of the {mode} reconstruction from z_t"))
    bad_mode = [invalid(gaussian_distortion, {"lam": _lam(1.0), "sigma": 0.5}, "mode 'median'", ["bad_mode"],
                        params={"mode": "median"})]
    realism = []
    for lam, what in SPECTRA:
        for r in (0.0, 0.3, 2.0, 20.0):
            realism.append(valid(realism_distortion_rate, {"lam": lam, "rate": r}, f"{what}, R = {r} bits",
                                 ["isotropic"] if np.all(lam == lam[0]) and lam.size > 1 else []))
    realism.append(invalid(realism_distortion_rate, {"lam": _lam(0.0), "rate": 1.0}, "λ = 0", ["bad_lambda"]))
    for r in (-1.0, float("nan"), float("inf")):
        realism.append(invalid(realism_distortion_rate, {"lam": _lam(1.0), "rate": r}, f"rate = {r}", ["bad_rate"]))
    # D_p from a bisection in log μ: converged to a few ulp, compared at 1e-10
    return [
        group("gaussian_rate", rate_cases, tolerance=floats, comment="R(σ) = Σ ½ log2(1 + a²λ/σ²) bits"),
        *dist_groups,
        group("gaussian_distortion", bad_mode, params={"mode": "median"}, comment="unknown mode"),
        group("realism_distortion_rate", realism, tolerance={"mode": "allclose", "rtol": 1e-10, "atol": 0.0},
              comment="perfect-realism Gaussian optimum D_p(R) (KKT form), summed MSE"),
    ]


CODEC_LAM = _lam(1.5, 1.0, 0.5, 0.25)
CODEC_SIGMAS = logsnr_schedule(3, 0.2, 0.999)


def _codec_groups() -> list[dict]:
    base = {"lam": CODEC_LAM, "sigmas": CODEC_SIGMAS}
    xs = [_lam(0.3, -1.2, 0.5, 0.1), _lam(2.0, 0.0, -0.4, 0.9)]
    enc, dec = [], []
    for i, x in enumerate(xs):
        for t in (0, 2):
            inp = {"x": x, **base, "t": t, "seed": 1000 + i}
            enc.append(valid(CD.diffc_encode, inp, f"x #{i}, stop at level {t}", ["bitstream"]))
            data = CD.diffc_encode(**inp)
            for mode in ("flow", "mean"):
                dec.append(valid(CD.diffc_decode, {"data": data, **base, "t": t, "seed": 1000 + i, "mode": mode},
                                 f"x #{i}, level {t}, {mode}", ["bitstream"]))
    enc.append(invalid(CD.diffc_encode, {"x": xs[0], **base, "t": 4, "seed": 1}, "t = 4 > T = 3", ["bad_level"]))
    enc.append(invalid(CD.diffc_encode, {"x": xs[0], "lam": _lam(1.0, 1.0, 0.0, 1.0), "sigmas": CODEC_SIGMAS,
                                         "t": 0, "seed": 1}, "λ = 0", ["bad_lambda"]))
    data = CD.diffc_encode(xs[0], CODEC_LAM, CODEC_SIGMAS, 0, 1000)
    dec.append(invalid(CD.diffc_decode, {"data": data, **base, "t": 0, "seed": 1001, "mode": "flow"},
                       "decoded with another seed", ["foreign_seed"]))
    dec.append(invalid(CD.diffc_decode, {"data": data[:-4], **base, "t": 0, "seed": 1000, "mode": "flow"},
                       "last 32-bit word missing", ["truncated"]))
    dec.append(invalid(CD.diffc_decode, {"data": data[:6], **base, "t": 0, "seed": 1000, "mode": "flow"},
                       "6 bytes", ["truncated"]))
    return [
        group("diffc_encode", enc, comment="seeded DiffC encoder (default chunking 14/8); bytes exact"),
        group("diffc_decode", dec, tolerance={"mode": "allclose", "rtol": 1e-12, "atol": 1e-15},
              comment="decoded reconstruction (flow or posterior mean) from z_t"),
    ]


def _diffc_file() -> dict:
    return vector_file("diffc", 1, "specs/diffc.md",
                       ["numerical integration: rate as h(Z) − h(Z|X) by quadrature, distortions by "
                        "Gauss–Hermite quadrature over the joint density of (X, Z_t)",
                        "realism optimum by direct minimisation over rate splits (Nelder–Mead)",
                        "Monte Carlo (posterior sampling) within 5 standard errors",
                        "codec: round trip through refimpl.rcc.gaussian_channel_decode and the rANS twin"],
                       NOTES, _closed_form_groups() + _codec_groups())


FILES = [_diffc_file]
