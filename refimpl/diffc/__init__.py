"""DiffC (Theis, Salimans, Hoffman & Mentzer 2022): the Gaussian analysis in closed form and a
DiffC codec on Gaussian data. See ``docs/diffc.md`` and ``specs/diffc.md``."""

from .gaussian import gaussian_distortion, gaussian_rate, realism_distortion_rate

__all__ = ["gaussian_rate", "gaussian_distortion", "realism_distortion_rate"]
