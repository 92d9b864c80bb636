"""DiffC (Theis, Salimans, Hoffman & Mentzer 2022): the Gaussian analysis in closed form and a
DiffC codec on Gaussian data with real bits. See ``docs/diffc.md`` and ``specs/diffc.md``.

Conformance surface (``__all__``): the closed forms ``gaussian_rate``, ``gaussian_distortion``,
``realism_distortion_rate`` and the codec ``diffc_encode`` / ``diffc_decode``. The Shannon curve
is ``refimpl.rd.gaussian_distortion_rate`` (shared, not duplicated here)."""

from .codec import diffc_decode, diffc_encode
from .gaussian import gaussian_distortion, gaussian_rate, realism_distortion_rate

__all__ = ["gaussian_rate", "gaussian_distortion", "realism_distortion_rate", "diffc_encode", "diffc_decode"]
