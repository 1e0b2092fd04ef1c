"""Small dense linear algebra for Newton's method, exact over fractions or in floats.

The Hessian of a learner's function has a handful of rows, so plain Gaussian elimination
is the clearest tool; exact fractions make "singular" a fact rather than a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from symderiv.optim.common import Number

#: In floats a pivot this small relative to the matrix is treated as zero.
FLOAT_PIVOT_TOLERANCE = 1e-12


@dataclass(frozen=True)
class Solve:
    """The solution ``d`` of ``H·d = g``, or None when H is singular; ``positive_definite``
    tells whether H is (symmetric) positive definite, from the pivots of its LDLᵀ form."""

    d: tuple[Number, ...] | None
    singular: bool
    positive_definite: bool


def _is_zero(value: Number, scale: float) -> bool:
    if isinstance(value, Fraction):
        return value == 0
    return abs(value) <= FLOAT_PIVOT_TOLERANCE * scale


def positive_definite(h: Sequence[Sequence[Number]]) -> bool:
    """Whether the symmetric matrix ``h`` is positive definite: every pivot of Gaussian
    elimination without row swaps is positive (the leading minors are)."""
    n = len(h)
    a = [list(row) for row in h]
    for k in range(n):
        if a[k][k] <= 0:
            return False
        for i in range(k + 1, n):
            factor = a[i][k] / a[k][k]
            for j in range(k, n):
                a[i][j] -= factor * a[k][j]
    return True


def solve(h: Sequence[Sequence[Number]], g: Sequence[Number]) -> Solve:
    """Solve ``h·d = g`` by Gaussian elimination with partial pivoting."""
    n = len(h)
    scale = max((abs(float(x)) for row in h for x in row), default=0.0) or 1.0
    a = [[*row, rhs] for row, rhs in zip(h, g, strict=True)]
    for k in range(n):
        pivot = max(range(k, n), key=lambda i: abs(a[i][k]))
        if _is_zero(a[pivot][k], scale):
            return Solve(None, True, False)
        a[k], a[pivot] = a[pivot], a[k]
        for i in range(k + 1, n):
            factor = a[i][k] / a[k][k]
            if factor:
                for j in range(k, n + 1):
                    a[i][j] -= factor * a[k][j]
    d: list[Number] = [0] * n
    for i in reversed(range(n)):
        d[i] = (a[i][n] - sum(a[i][j] * d[j] for j in range(i + 1, n))) / a[i][i]
    return Solve(tuple(d), False, positive_definite(h))
