"""Hessians worked step by step, with the equality of mixed partials checked.

Each second partial derivative is a derivation of a first partial; the numeric check uses
nested central differences for the mixed partials.

>>> hessian("x^2 + 3x y + y^2").classify({"x": 0, "y": 0}).kind
'saddle'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symderiv.engine import derive
from symderiv.errors import DerivationError
from symderiv.multivariate.base import Printable
from symderiv.multivariate.classification import Classification
from symderiv.multivariate.gradient import Gradient, gradient
from symderiv.multivariate.second_derivative_test import classify_at
from symderiv.multivariate.variables import (
    ordered,
    point_values,
    resolve_variables,
    scalar_expression,
    substitute,
)
from symderiv.steps import NOT_VERIFIED, Derivation, Verification
from symderiv.verify import verify_equal, verify_partials

# --------------------------------------------------------------------------- Hessian


@dataclass(frozen=True)
class MixedPartials:
    """Whether d/dx_j(df/dx_i) equals d/dx_i(df/dx_j); ``method`` says how it was shown.

    ``method`` is "identical" (the same expression), "simplify" (their difference
    simplifies to 0), "numeric" (equal at sampled points only; ``proved`` is False) or
    "differ" (not equal: the function is not twice continuously differentiable there).
    """

    first: sp.Symbol
    second: sp.Symbol
    agree: bool
    proved: bool
    method: str
    value: sp.Expr


def _mixed_check(i_j: sp.Expr, j_i: sp.Expr, vars: Sequence[sp.Symbol]) -> tuple[bool, bool, str]:
    if i_j == j_i:
        return True, True, "identical"
    difference = i_j - j_i
    if sp.expand(difference) == 0:
        return True, True, "simplify"
    if sp.count_ops(difference) <= 300 and sp.simplify(difference) == 0:
        return True, True, "simplify"
    check = verify_equal(i_j, j_i, list(difference.free_symbols & set(vars)) or list(vars))
    if check.ok:
        return True, False, "numeric"
    return False, False, "differ"


@dataclass(frozen=True, eq=False)
class Hessian(Printable):
    """The Hessian of ``expr``: ``second[i][j]`` is the worked d/dx_j (df/dx_i).

    Both orders of every mixed partial are derived and compared (``mixed``). ``matrix`` is
    symmetric when they agree. ``classify(point)`` runs the second-derivative test.
    """

    expr: sp.Expr
    vars: tuple[sp.Symbol, ...]
    gradient: Gradient
    second: tuple[tuple[Derivation, ...], ...]
    matrix: sp.ImmutableMatrix
    mixed: tuple[MixedPartials, ...]
    verification: Verification = NOT_VERIFIED
    source: str = ""

    @property
    def params(self) -> tuple[sp.Symbol, ...]:
        return ordered(self.expr.free_symbols - set(self.vars))

    @property
    def symmetric(self) -> bool:
        return all(m.agree for m in self.mixed)

    def at(self, point: Mapping[Any, Any] | Sequence[Any]) -> sp.ImmutableMatrix:
        values = point_values(point, self.vars, self.params)
        return sp.ImmutableMatrix(self.matrix.applyfunc(lambda e: substitute(e, values)))

    def classify(
        self,
        point: Mapping[Any, Any] | Sequence[Any] | None = None,
        *,
        higher_order: bool = True,
        require_critical: bool = True,
    ) -> Classification:
        """Classify ``point`` (a critical point) by the second-derivative test.

        ``point`` may be omitted when the Hessian does not depend on the variables. When
        the test cannot decide and ``higher_order`` is True, exact higher-order checks
        follow (see :func:`classify_at`). A point where the gradient is provably not zero
        is refused unless ``require_critical`` is False (then only the curvature is
        described).
        """
        if point is None:
            if self.matrix.free_symbols & set(self.vars):
                raise DerivationError("the Hessian depends on the variables; give the point")
            values = {x: x for x in self.vars}
            constant = True
        else:
            values = point_values(point, self.vars, self.params)
            constant = False
        return classify_at(
            self.expr,
            self.vars,
            self.matrix,
            values,
            gradient=self.gradient.components,
            higher_order=higher_order and not constant,
            require_critical=require_critical and not constant,
            formulas_check=self.verification,
            anywhere=constant,
        )


def hessian(
    expr: str | sp.Expr,
    vars: str | Iterable[str | sp.Symbol] | None = None,
    *,
    detail: str = "normal",
    verify: bool = True,
) -> Hessian:
    """The Hessian matrix of a scalar ``expr``, every second partial derived step by step.

    Mixed partials are derived in both orders and shown to agree (symbolically when
    possible). The first and second partials are checked against finite differences of
    ``expr`` itself (four-point formula for mixed partials).
    """
    source, f = scalar_expression(expr)
    xs = resolve_variables([f], vars)
    grad = gradient(f, xs, detail=detail, verify=verify)
    n = len(xs)
    second = tuple(
        tuple(
            derive(grad.partials[i].result, xs[j], detail=detail, verify=verify) for j in range(n)
        )
        for i in range(n)
    )
    rows = [[second[i][j].result for j in range(n)] for i in range(n)]
    mixed: list[MixedPartials] = []
    for i in range(n):
        for j in range(i + 1, n):
            a, b = rows[i][j], rows[j][i]
            agree, proved, method = _mixed_check(a, b, xs)
            value = a if sp.count_ops(a) <= sp.count_ops(b) else b
            if agree:
                rows[i][j] = rows[j][i] = value
            mixed.append(MixedPartials(xs[i], xs[j], agree, proved, method, value))
    matrix = sp.ImmutableMatrix(rows)
    verification = NOT_VERIFIED
    if verify:
        claims: dict[tuple[sp.Symbol, ...], sp.Expr] = {
            (x,): c for x, c in zip(xs, grad.components, strict=True)
        }
        for i in range(n):
            for j in range(n):
                if j >= i or not mixed_agree(mixed, xs[j], xs[i]):
                    claims[(xs[i], xs[j])] = second[i][j].result
        verification = verify_partials(f, xs, claims)
    return Hessian(f, xs, grad, second, matrix, tuple(mixed), verification, source)


def mixed_agree(mixed: Sequence[MixedPartials], a: sp.Symbol, b: sp.Symbol) -> bool:
    for m in mixed:
        if {m.first, m.second} == {a, b}:
            return m.agree
    return True
