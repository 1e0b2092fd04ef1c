"""Numeric derivatives as a lesson: finite differences in IEEE double for a sweep of h,
against the exact derivative from the engine.

The table shows the two regimes every learner meets: for large h the truncation error of
the formula dominates and falls like O(h) (forward, backward) or O(h²) (central) as h
shrinks; for small h the round-off error of f(x ± h), about ε·|f|, divided by h, takes
over and grows like ε/h. The best h sits where they cross.

>>> nd = numeric_derivative("sin(x)", 1)
>>> nd.best_h("central")  # doctest: +SKIP
1e-05
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import mpmath
import sympy as sp

import symderiv as sd
from symderiv.numeric import NumericError, evaluate
from symderiv.optim.common import (
    OptimError,
    Result,
    as_expr,
    check_no_parameters,
    point_in_order,
    resolve_vars,
)
from symderiv.optim.evaluator import NoValue, compile_scalar
from symderiv.steps import Verification

EPS = sys.float_info.epsilon
DEFAULT_HS = tuple(10.0**-k for k in range(1, 14))
FIRST_ORDER = ("forward", "backward", "central")
SECOND_ORDER = ("nested", "three_point")
#: Order of the truncation error and the power of h the round-off is divided by.
ORDERS = {
    "forward": (1, 1),
    "backward": (1, 1),
    "central": (2, 1),
    "nested": (2, 2),
    "three_point": (2, 2),
}
#: Where theory puts the best h (up to the size of f's derivatives).
THEORY = {
    "forward": math.sqrt(EPS),
    "backward": math.sqrt(EPS),
    "central": EPS ** (1 / 3),
    "nested": EPS ** (1 / 4),
    "three_point": EPS ** (1 / 4),
}


@dataclass(frozen=True)
class DifferenceRow:
    """One estimate: ``method`` with step ``h`` for the derivative by ``var``."""

    var: str
    method: str
    h: float
    estimate: float
    error: float
    regime: str  # "truncation" | "round-off" | "best" | "exact"


@dataclass(frozen=True)
class BestH:
    """The h with the smallest error for one method and variable, and the observed slopes
    of log(error) against log(h) above it (truncation) and below it (round-off)."""

    var: str
    method: str
    h: float
    error: float
    theory: float
    slope_truncation: float | None
    slope_roundoff: float | None
    flat: bool


@dataclass(frozen=True, eq=False)
class NumericDerivative(Result):
    expr: sp.Expr
    vars: tuple[sp.Symbol, ...]
    point: tuple[sp.Rational, ...]
    order: int
    derivations: tuple[Any, ...]  # one sd.Derivation per variable
    exact: tuple[sp.Expr, ...]  # the exact derivative's value per variable
    methods: tuple[str, ...]
    rows: tuple[DifferenceRow, ...]
    best: tuple[BestH, ...]
    verification: Verification
    source: str = ""

    printers: ClassVar[tuple[str, str]] = ("symderiv.render.optim.numeric", "numeric_")

    def table(self, method: str, var: str | None = None) -> list[DifferenceRow]:
        name = var or self.vars[0].name
        return [r for r in self.rows if r.method == method and r.var == name]

    def best_h(self, method: str, var: str | None = None) -> float:
        name = var or self.vars[0].name
        return next(b.h for b in self.best if b.method == method and b.var == name)


def _differences(
    f: Callable[[Sequence[float]], float], x: list[float], i: int, h: float, method: str
) -> float:
    """The difference quotient written as the learner writes it, with x_i = t varying."""

    def g(t: float) -> float:
        y = list(x)
        y[i] = t
        return f(y)

    t = x[i]
    if method == "forward":
        return (g(t + h) - g(t)) / h
    if method == "backward":
        return (g(t) - g(t - h)) / h
    if method == "central":
        return (g(t + h) - g(t - h)) / (2 * h)
    if method == "three_point":
        return (g(t + h) - 2 * g(t) + g(t - h)) / (h * h)

    def central(s: float) -> float:  # the lesson's exercise: numerical_derivative twice
        return (g(s + h) - g(s - h)) / (2 * h)

    return (central(t + h) - central(t - h)) / (2 * h)


def _slope(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of log10(error) against log10(h)."""
    pts = [(math.log10(h), math.log10(e)) for h, e in points if e > 0]
    if len(pts) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    den = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / den if den else None


def _classify(
    var: str, method: str, raw: list[tuple[float, float, float]], exact: float
) -> tuple[list[DifferenceRow], BestH]:
    errors = [e for _, _, e in raw]
    if all(e == 0 for e in errors):
        rows = [DifferenceRow(var, method, h, est, e, "exact") for h, est, e in raw]
        return rows, BestH(var, method, raw[0][0], 0.0, THEORY[method], None, None, True)
    best = min(range(len(raw)), key=lambda i: errors[i])
    rows = []
    for i, (h, est, e) in enumerate(raw):
        regime = "best" if i == best else ("truncation" if i < best else "round-off")
        rows.append(DifferenceRow(var, method, h, est, e, regime))
    largest = raw[0]
    flat = largest[2] <= 1e3 * EPS * max(1.0, abs(exact))
    return rows, BestH(
        var,
        method,
        raw[best][0],
        raw[best][2],
        THEORY[method],
        _slope([(h, e) for h, _, e in raw[: best + 1]]) if not flat else None,
        _slope([(h, e) for h, _, e in raw[best:]]),
        flat,
    )


def numeric_derivative(
    expr: str | sp.Expr,
    at: Any,
    vars: str | Iterable[str | sp.Symbol] | None = None,
    *,
    order: int = 1,
    hs: Sequence[float] | None = None,
    methods: Sequence[str] | None = None,
) -> NumericDerivative:
    """Finite differences of ``expr`` at ``at`` for every h in ``hs`` (10⁻¹ … 10⁻¹³),
    against the exact derivative (order 1 or 2) derived by the engine.

    With several variables each partial derivative gets its own table (the numeric
    gradient). ``methods`` defaults to forward, backward and central differences for one
    variable, central differences for a gradient, and for ``order=2`` to the lesson's
    nested central difference and the three-point formula.
    """
    f, source = as_expr(expr)
    xs = resolve_vars(f, vars)
    check_no_parameters(f, xs)
    if order not in (1, 2):
        raise OptimError("the order must be 1 or 2")
    if order == 2 and len(xs) > 1:
        raise OptimError("second derivatives are shown for one variable; use the Hessian")
    allowed = FIRST_ORDER if order == 1 else SECOND_ORDER
    if methods is None:
        methods = allowed if len(xs) == 1 or order == 2 else ("central",)
    bad = [m for m in methods if m not in allowed]
    if bad or not methods:
        raise OptimError(f"methods for order {order} are {', '.join(allowed)}")
    steps = tuple(float(h) for h in (hs if hs is not None else DEFAULT_HS))
    if not steps or any(not (h > 0 and math.isfinite(h)) for h in steps):
        raise OptimError("every h must be a positive number")
    steps = tuple(sorted(set(steps), reverse=True))
    point = point_in_order(at, xs)
    x = [float(c) for c in point]
    fn = compile_scalar(f, xs, "float")
    derivations = tuple(sd.derive(f, v, order) for v in xs)
    values = dict(zip(xs, point, strict=True))
    exact = tuple(d.result.xreplace(values) for d in derivations)
    rows: list[DifferenceRow] = []
    best: list[BestH] = []
    with mpmath.workdps(30):
        for i, v in enumerate(xs):
            try:
                target = evaluate(derivations[i].result, values)
            except NumericError as exc:
                raise OptimError(f"the exact derivative has no value at the point: {exc}") from exc
            for method in methods:
                raw = []
                for h in steps:
                    try:
                        estimate = _differences(fn, x, i, h, method)
                    except (NoValue, ZeroDivisionError) as exc:
                        raise OptimError(
                            f"f has no value near the point (h = {h:g}): {exc}"
                        ) from exc
                    raw.append((h, estimate, float(abs(mpmath.mpf(estimate) - target))))
                r, b = _classify(v.name, method, raw, float(target))
                rows += r
                best.append(b)
    checks = [d.verification for d in derivations]
    verification = Verification(
        ok=all(c.ok for c in checks) if all(c.ran for c in checks) else None,
        max_rel_error=max((c.max_rel_error or 0.0) for c in checks),
        points=checks[0].points,
        tolerance=checks[0].tolerance,
        digits=checks[0].digits,
        method=checks[0].method,
        reason=checks[0].reason,
    )
    return NumericDerivative(
        f,
        xs,
        point,
        order,
        derivations,
        exact,
        tuple(methods),
        tuple(rows),
        tuple(best),
        verification,
        source,
    )
