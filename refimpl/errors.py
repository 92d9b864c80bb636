"""Exceptions that refimpl's users catch.

Bad arguments raise the built-in :class:`ValueError` (its message names the parameter and the
allowed range). A malformed, truncated or foreign bitstream raises :class:`DecodeError`; it
subclasses ``ValueError`` so that ``except ValueError`` also catches it.
"""

from __future__ import annotations

__all__ = ["DecodeError", "RefimplError"]


class RefimplError(Exception):
    """Base class of refimpl's own exceptions."""


class DecodeError(RefimplError, ValueError):
    """A bitstream could not be decoded: it is truncated, corrupted, or was made by another model."""
