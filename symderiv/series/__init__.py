"""Exact Taylor coefficients by truncated power-series arithmetic ("Taylor mode").

Modules, from the bottom up: ``exceptions``, ``polynomials`` (sparse polynomials over ℚ in
exact constants), ``context`` (the generators of one expansion and their identities),
``truncated`` (truncated series and the elementary functions' recurrences), ``builder``
(the tree walk) and ``coefficients`` (the public functions; its docstring explains the
method).
"""

from symderiv.series.coefficients import (
    taylor_coefficients,
    taylor_coefficients_multivariate,
    taylor_polynomial,
)
from symderiv.series.exceptions import SeriesError

__all__ = [
    "SeriesError",
    "taylor_coefficients",
    "taylor_coefficients_multivariate",
    "taylor_polynomial",
]
