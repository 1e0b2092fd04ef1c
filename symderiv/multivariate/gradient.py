"""Gradients and Jacobians worked step by step.

Every partial derivative is a full :class:`~symderiv.steps.Derivation` from
:func:`symderiv.derive` (the other variables held constant), and every result carries an
independent numeric cross-check (:func:`symderiv.verify.verify_partials`: central
differences per coordinate).

>>> g = gradient("x^2 + 3x y + y^2")
>>> g.at({"x": 1, "y": 2})
(8, 7)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symderiv.engine import derive
from symderiv.errors import DerivationError
from symderiv.multivariate.base import Printable
from symderiv.multivariate.checks import combine_verifications
from symderiv.multivariate.variables import (
    ordered,
    point_values,
    resolve_variables,
    scalar_expression,
    substitute,
)
from symderiv.steps import NOT_VERIFIED, Derivation, Verification
from symderiv.verify import verify_partials

# --------------------------------------------------------------------------- gradient


@dataclass(frozen=True, eq=False)
class Gradient(Printable):
    """The gradient of ``expr``: one worked :class:`Derivation` per variable.

    ``vector`` is the column of partials; ``at(point)`` evaluates it exactly.
    """

    expr: sp.Expr
    vars: tuple[sp.Symbol, ...]
    partials: tuple[Derivation, ...]
    verification: Verification = NOT_VERIFIED
    source: str = ""

    @property
    def components(self) -> tuple[sp.Expr, ...]:
        return tuple(d.result for d in self.partials)

    @property
    def vector(self) -> sp.ImmutableMatrix:
        return sp.ImmutableMatrix(len(self.vars), 1, list(self.components))

    @property
    def params(self) -> tuple[sp.Symbol, ...]:
        return ordered(self.expr.free_symbols - set(self.vars))

    def partial(self, var: str | sp.Symbol) -> Derivation:
        name = var.name if isinstance(var, sp.Symbol) else str(var)
        for x, d in zip(self.vars, self.partials, strict=True):
            if x.name == name:
                return d
        raise DerivationError(f"{name} is not one of the variables")

    def at(self, point: Mapping[Any, Any] | Sequence[Any]) -> tuple[sp.Expr, ...]:
        """The gradient at ``point`` (exact where the point is), in variable order."""
        values = point_values(point, self.vars, self.params)
        return tuple(substitute(c, values) for c in self.components)


def gradient(
    expr: str | sp.Expr,
    vars: str | Iterable[str | sp.Symbol] | None = None,
    *,
    detail: str = "normal",
    verify: bool = True,
) -> Gradient:
    """The gradient of a scalar ``expr``, each partial derived step by step.

    ``vars`` defaults to the free symbols in natural order (x1 < x2 < x10); the other
    variables are held constant in each partial. The result is checked against central
    differences of ``expr`` per coordinate (``.verification``).

    >>> gradient("x^2 y").components
    (2*x*y, x**2)
    """
    source, f = scalar_expression(expr)
    xs = resolve_variables([f], vars)
    partials = tuple(derive(f, x, detail=detail, verify=verify) for x in xs)
    verification = NOT_VERIFIED
    if verify:
        claims = {(x,): d.result for x, d in zip(xs, partials, strict=True)}
        verification = verify_partials(f, xs, claims)
    return Gradient(f, xs, partials, verification, source)


# --------------------------------------------------------------------------- Jacobian


@dataclass(frozen=True, eq=False)
class Jacobian(Printable):
    """The Jacobian of a vector function: ``entries[i][j]`` derives f_i by x_j."""

    exprs: tuple[sp.Expr, ...]
    vars: tuple[sp.Symbol, ...]
    entries: tuple[tuple[Derivation, ...], ...]
    verification: Verification = NOT_VERIFIED
    sources: tuple[str, ...] = ()

    @property
    def matrix(self) -> sp.ImmutableMatrix:
        return sp.ImmutableMatrix([[d.result for d in row] for row in self.entries])

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.exprs), len(self.vars))

    @property
    def params(self) -> tuple[sp.Symbol, ...]:
        free: set[sp.Symbol] = set()
        for e in self.exprs:
            free |= e.free_symbols
        return ordered(free - set(self.vars))

    def at(self, point: Mapping[Any, Any] | Sequence[Any]) -> sp.ImmutableMatrix:
        values = point_values(point, self.vars, self.params)
        return sp.ImmutableMatrix(self.matrix.applyfunc(lambda e: substitute(e, values)))


def jacobian(
    exprs: Sequence[str | sp.Expr] | sp.MatrixBase,
    vars: str | Iterable[str | sp.Symbol] | None = None,
    *,
    detail: str = "normal",
    verify: bool = True,
) -> Jacobian:
    """The Jacobian matrix of the functions ``exprs``, every entry derived step by step.

    ``vars`` defaults to all free symbols in natural order. Each row is checked against
    central differences of its function.
    """
    if isinstance(exprs, str | sp.Expr) and not isinstance(exprs, sp.MatrixBase):
        items: list[Any] = [exprs]
    else:
        items = list(exprs)
    if not items:
        raise DerivationError("give at least one function")
    parsed = [scalar_expression(e) for e in items]
    fs = tuple(f for _, f in parsed)
    xs = resolve_variables(fs, vars)
    entries = tuple(tuple(derive(f, x, detail=detail, verify=verify) for x in xs) for f in fs)
    verification = NOT_VERIFIED
    if verify:
        checks = [
            verify_partials(f, xs, {(x,): d.result for x, d in zip(xs, row, strict=True)})
            for f, row in zip(fs, entries, strict=True)
        ]
        verification = combine_verifications(checks)
    return Jacobian(fs, xs, entries, verification, tuple(s for s, _ in parsed))
