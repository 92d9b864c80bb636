"""Claims about :mod:`refimpl.random`: the generator is Philox4x64-10 and its variates have the
stated laws. Citation: Salmon et al., SC 2011 (Random123)."""

from __future__ import annotations

import numpy as np
from scipy import stats

from . import _philox
from . import random as R
from .claims import at_least, holds_exactly, register

PAPER = "Salmon et al. 2011, Parallel random numbers: as easy as 1, 2, 3"

# Random123 kat_vectors for philox4x64_10: (counter, key, expected output)
KNOWN_ANSWERS = [
    ((0, 0, 0, 0), (0, 0), (0x16554D9ECA36314C, 0xDB20FE9D672D0FDC, 0xD7E772CEE186176B, 0x7E68B68AEC7BA23B)),
    ((2**64 - 1,) * 4, (2**64 - 1,) * 2, (0x87B092C3013FE90B, 0x438C3C67BE8D0224, 0x9CC7D7C69CD777B6, 0xA09CAEBF594F0BA0)),
    ((0x243F6A8885A308D3, 0x13198A2E03707344, 0xA4093822299F31D0, 0x082EFA98EC4E6C89),
     (0x452821E638D01377, 0xBE5466CF34E90C6C),
     (0xA528F45403E61D95, 0x38C72DBD566E9788, 0xA5A1610E72FD18B5, 0x57BD43B5E52B7FE6)),
]


@register("random")
def known_answers(size: str):
    """Readable twin and Numba kernel both reproduce the Random123 known answers."""
    fails = 0
    for ctr, key, want in KNOWN_ANSWERS:
        fails += R.philox4x64_10(ctr, key) != want
        got = _philox.philox_block(*(np.uint64(c) for c in ctr), *(np.uint64(k) for k in key))
        fails += tuple(int(x) for x in got) != want
    return holds_exactly("philox_known_answers", PAPER,
                         "Philox4x64-10 reproduces the Random123 known-answer blocks", fails,
                         "bit-exact integers: no tolerance")


@register("random")
def normal_law(size: str):
    """The inverse-CDF normals are N(0, 1): Kolmogorov–Smirnov p-value."""
    n = 20_000 if size == "quick" else 1_000_000
    z = R.normal(2024, 0, np.arange(n, dtype=np.uint64))
    p = stats.kstest(z, "norm").pvalue
    return at_least("normal_ks", PAPER, f"KS test of {n} normals against N(0,1)", p, 1e-4,
                    "fixed seed; a correct generator fails with probability 1e-4 at this level")
