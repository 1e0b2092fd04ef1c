"""The errors of Taylor-mode series arithmetic."""

from __future__ import annotations

from symderiv.errors import SymderivError


class SeriesError(SymderivError, ValueError):
    """The Taylor expansion does not exist (pole, branch point, outside the domain)."""


class Singular(Exception):
    """A constant came out infinite or undefined (internal; turned into SeriesError)."""
