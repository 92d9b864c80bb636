"""Entropy coding: integer CDF models, rANS, range coding and bits-back coding.

Citation: Yang, Mandt & Theis, *An Introduction to Neural Data Compression* (2023), §2.
Specification: ``specs/coding.md``. The names in ``__all__`` form the conformance surface (they
must be unique across refimpl, hence the ``rans_``/``range_``/``bits_back_`` prefixes); helpers
such as ``kl_bits``, ``information_bits``, ``check_cdf`` and the Numba family kernels
``family_cdf_at`` / ``family_find`` are importable here but not part of it.
"""

from .bits_back import (BitsBackModel, bits_back_decode, bits_back_decode_given, bits_back_encode,
                        bits_back_encode_given, bits_back_model, bits_back_neg_elbo_bits)
from ._family_kernels import family_cdf_at, family_find
from .cdf import check_cdf, check_precision, check_symbols
from .models import family_cdf, information_bits, kl_bits, quantize_pmf
from .rans import rans_decode, rans_decode_family, rans_encode, rans_encode_family

__all__ = [
    "quantize_pmf",
    "family_cdf",
    "rans_encode",
    "rans_decode",
    "rans_encode_family",
    "rans_decode_family",
    "BitsBackModel",
    "bits_back_model",
    "bits_back_encode",
    "bits_back_decode",
    "bits_back_encode_given",
    "bits_back_decode_given",
    "bits_back_neg_elbo_bits",
]

try:  # the range coder lives in its own module (another helper); re-export it when present
    from . import range_coder as _rc
except ImportError:  # pragma: no cover - until refimpl/coding/range_coder.py exists
    _rc = None
else:
    for _name in ("range_encode", "range_decode", "range_encode_family", "range_decode_family"):
        if hasattr(_rc, _name):
            globals()[_name] = getattr(_rc, _name)
            __all__.append(_name)
    del _name
