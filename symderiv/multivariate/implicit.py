"""Implicit differentiation, step by step: dy/dx from an equation F(x, y) = G(x, y).

The steps are the ones taught: treat y as a function y(x); differentiate both sides with
respect to x (each side a worked :class:`~symderiv.steps.Derivation`, where the chain rule
produces y′(x)); collect the y′(x) terms on one side; solve for y′(x); simplify and write
y again for y(x).

The check is independent of the symbolic work and takes place *on the curve*: for sampled
x₀ it solves F(x₀, y) = G(x₀, y) for y numerically (``mpmath.findroot`` from several
starts, 50 digits), then differentiates that solved branch x ↦ y(x) by a central
difference (h = 1e-12, each y(x₀ ± h) found by Newton's method from y₀) and compares with
the result at (x₀, y₀). Points where the curve has a vertical tangent (∂/∂y of the
equation near 0) are skipped. Tolerance: relative error 1e-15 (the difference quotient
is good to about 1e-24).

>>> d = implicit("x^2 + y^2 = 1")
>>> d.result
-x/y
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import sympy as sp
from mpmath import mpf
from mpmath.ctx_mp import MPContext

from symderiv.engine import as_expression, derive
from symderiv.errors import DerivationError
from symderiv.functions import to_elementary
from symderiv.multivariate.base import Printable
from symderiv.multivariate.variables import clean, point_values
from symderiv.numeric import NumericError, local_context, numeric_function
from symderiv.parsing import parse_equation
from symderiv.simplify import tidy
from symderiv.steps import Derivation, Verification

__all__ = ["ImplicitDerivative", "ImplicitStep", "implicit"]

#: Relative error allowed between the result and the slope of the solved branch.
TOLERANCE = 1e-15
_DIGITS = 50
#: Step of the central differences (a binary number: 1e-12 rounded to 53 bits, exact in
#: every context).
_STEP = 1e-12


@dataclass(frozen=True)
class ImplicitStep:
    """One line of the working: ``lhs = rhs`` after the move named by ``kind``
    ("substitute", "differentiate", "collect", "solve", "simplify")."""

    kind: str
    lhs: sp.Expr
    rhs: sp.Expr


@dataclass(frozen=True, eq=False)
class ImplicitDerivative(Printable):
    """dy/dx for the curve ``lhs = rhs``; ``result`` is in terms of x and y."""

    lhs: sp.Expr
    rhs: sp.Expr
    x: sp.Symbol
    y: sp.Symbol
    y_of_x: sp.Expr
    lhs_derivation: Derivation
    rhs_derivation: Derivation
    steps: tuple[ImplicitStep, ...]
    result: sp.Expr
    verification: Verification
    source: str = ""

    @property
    def dydx_symbol(self) -> sp.Expr:
        """y′(x) as it appears in the steps."""
        return sp.Derivative(self.y_of_x, self.x)

    @property
    def params(self) -> tuple[sp.Symbol, ...]:
        free = (self.lhs.free_symbols | self.rhs.free_symbols) - {self.x, self.y}
        return tuple(sorted(free, key=lambda s: s.name))

    def at(self, point: Mapping[Any, Any] | Sequence[Any]) -> sp.Expr:
        """The slope at a point ``{"x": ..., "y": ...}`` (exact where the point is)."""
        values = point_values(point, (self.x, self.y), self.params)
        return clean(self.result.subs(values))


def _sides(equation: Any) -> tuple[str, sp.Expr, sp.Expr]:
    if isinstance(equation, str):
        if "=" not in equation:
            raise DerivationError(
                "implicit differentiation needs an equation with '=', e.g. x^2 + y^2 = 1"
            )
        lhs, rhs = parse_equation(equation)
        return equation, lhs, rhs
    if isinstance(equation, sp.Equality):
        return "", equation.lhs, equation.rhs
    if isinstance(equation, tuple) and len(equation) == 2:
        return "", as_expression(equation[0]), as_expression(equation[1])
    raise DerivationError(
        "implicit differentiation needs an equation: text with '=', a sympy Eq, "
        "or a pair (lhs, rhs)"
    )


def _symbol(name: str | sp.Symbol, free: set[sp.Symbol], role: str) -> sp.Symbol:
    text = name.name if isinstance(name, sp.Symbol) else str(name).strip()
    if not text.isidentifier():
        raise DerivationError(f"{text!r} is not a variable name ({role})")
    for s in free:
        if s.name == text:
            return s
    return sp.Symbol(text)


def implicit(
    equation: str | sp.Equality | tuple[Any, Any],
    y: str | sp.Symbol = "y",
    x: str | sp.Symbol = "x",
    *,
    detail: str = "normal",
    verify: bool = True,
) -> ImplicitDerivative:
    """dy/dx for the curve given by ``equation``, with ``y`` a function of ``x``.

    >>> implicit("x^3 + y^3 = 6 x y").result
    (x**2 - 2*y)/(2*x - y**2)
    """
    source, lhs, rhs = _sides(equation)
    free = lhs.free_symbols | rhs.free_symbols
    ys = _symbol(y, free, "the dependent variable")
    xs = _symbol(x, free, "the independent variable")
    if ys == xs:
        raise DerivationError("the dependent and independent variables must differ")
    if ys not in free:
        raise DerivationError(f"the equation does not involve {ys}")
    if lhs.has(sp.Derivative) or rhs.has(sp.Derivative):
        raise DerivationError("the equation already contains a derivative")
    y_of_x = sp.Function(ys.name)(xs)
    left, right = lhs.xreplace({ys: y_of_x}), rhs.xreplace({ys: y_of_x})
    pending = Verification(
        ok=None,
        max_rel_error=None,
        reason=f"{ys}({xs}) is unknown here; the result is checked on the curve",
    )
    d_left = replace(derive(left, xs, detail=detail, verify=False), verification=pending)
    d_right = replace(derive(right, xs, detail=detail, verify=False), verification=pending)
    prime = sp.Derivative(y_of_x, xs)
    difference = sp.expand(d_left.result - d_right.result)
    coefficient = sp.factor_terms(difference.coeff(prime))
    rest = sp.expand(difference - coefficient * prime)
    if rest.has(prime) or coefficient == 0:
        raise DerivationError(f"cannot solve for d{ys}/d{xs}: the equation does not determine it")
    solved = -rest / coefficient
    back = {y_of_x: ys}
    result = _simplest(solved.xreplace(back))
    steps = (
        ImplicitStep("substitute", left, right),
        ImplicitStep("differentiate", d_left.result, d_right.result),
        ImplicitStep("collect", coefficient * prime, sp.factor_terms(-rest)),
        ImplicitStep("solve", prime, solved),
        ImplicitStep("simplify", sp.Derivative(ys, xs), result),
    )
    verification = (
        check_on_curve(lhs - rhs, xs, ys, result)
        if verify
        else Verification(ok=None, max_rel_error=None, reason="the check was turned off")
    )
    return ImplicitDerivative(
        lhs=lhs,
        rhs=rhs,
        x=xs,
        y=ys,
        y_of_x=y_of_x,
        lhs_derivation=d_left,
        rhs_derivation=d_right,
        steps=steps,
        result=result,
        verification=verification,
        source=source,
    )


def _simplest(expr: sp.Expr) -> sp.Expr:
    candidates = [tidy(expr)]
    if sp.count_ops(expr) <= 120:
        candidates.append(sp.cancel(expr))
        candidates.append(sp.factor(sp.cancel(expr)))
    return min(candidates, key=lambda e: (sp.count_ops(e), len(str(e))))


def check_on_curve(
    F: sp.Expr,
    x: sp.Symbol,
    y: sp.Symbol,
    result: sp.Expr,
    *,
    points: int = 3,
    seed: int = 0,
) -> Verification:
    """Compare ``result`` with the slope of the numerically solved curve F(x, y) = 0."""
    method = f"slope of the solved curve by central differences (mpmath, {_DIGITS} digits)"
    rng = random.Random(seed)
    params = sorted((F.free_symbols | result.free_symbols) - {x, y}, key=lambda s: s.name)
    fixed = {p: round(rng.uniform(0.6, 2.4), 3) for p in params}
    ctx = local_context()
    try:
        f = numeric_function(to_elementary(F), (x, y), fixed, ctx=ctx)
        g = numeric_function(to_elementary(result), (x, y), fixed, ctx=ctx)
    except NumericError as exc:
        return Verification(ok=None, max_rel_error=None, method=method, reason=str(exc))
    accepted: list[dict[str, float]] = []
    worst = ctx.zero
    with ctx.workdps(_DIGITS):
        step = ctx.mpf(_STEP)
        for _ in range(80):
            if len(accepted) == points:
                break
            x0 = ctx.mpf(round(rng.uniform(-2.5, 2.5), 4))
            if abs(x0) < 0.05:
                continue
            for start in (0.7, -0.7, 1.6, -1.6, 3.1, -3.1, 0.2, -0.2):
                branch = _branch_point(ctx, f, x0, ctx.mpf(start))
                if branch is None:
                    continue
                y0 = branch
                try:
                    slope = (_solve_y(ctx, f, x0 + step, y0) - _solve_y(ctx, f, x0 - step, y0)) / (
                        2 * step
                    )
                    claimed = g(x0, y0)
                except (NumericError, ValueError, ZeroDivisionError, ArithmeticError):
                    continue
                scale = max(abs(slope), abs(claimed), ctx.one)
                error = abs(slope - claimed) / scale
                worst = max(worst, error)
                accepted.append({str(x): float(x0), str(y): float(y0)})
                if error > TOLERANCE:
                    return Verification(
                        ok=False,
                        max_rel_error=float(worst),
                        points=tuple(accepted),
                        tolerance=TOLERANCE,
                        digits=_DIGITS,
                        method=method,
                        reason=(
                            f"at {x} = {ctx.nstr(x0, 8)}, {y} = {ctx.nstr(y0, 12)} "
                            f"the curve's slope is {ctx.nstr(slope, 12)} but the "
                            f"result gives {ctx.nstr(claimed, 12)}"
                        ),
                    )
                break
    if not accepted:
        return Verification(
            ok=None,
            max_rel_error=None,
            method=method,
            digits=_DIGITS,
            tolerance=TOLERANCE,
            reason="no point of the curve was found to check at",
        )
    note = (
        ""
        if not fixed
        else "; parameters held at " + ", ".join(f"{p} = {v}" for p, v in fixed.items())
    )
    return Verification(
        ok=True,
        max_rel_error=float(worst),
        points=tuple(accepted),
        tolerance=TOLERANCE,
        digits=_DIGITS,
        method=method,
        reason=f"all {len(accepted)} points on the curve agreed{note}",
    )


def _solve_y(ctx: MPContext, f: Any, x0: mpf, y_start: mpf) -> mpf:
    return ctx.findroot(lambda t: f(x0, t), y_start, tol=ctx.mpf(10) ** -(_DIGITS - 5))


def _branch_point(ctx: MPContext, f: Any, x0: mpf, start: mpf) -> mpf | None:
    """A point (x0, y0) on the curve where it is a graph of y over x (∂F/∂y not near 0)."""
    try:
        y0 = _solve_y(ctx, f, x0, start)
        if abs(f(x0, y0)) > ctx.mpf(10) ** -(_DIGITS - 10):
            return None
        fy = ctx.diff(lambda t: f(x0, t), y0)
        scale = max(abs(ctx.diff(lambda s: f(s, y0), x0)), ctx.one)
        if abs(fy) < ctx.mpf("1e-3") * scale or abs(y0) > 50:
            return None
        return y0
    except (NumericError, ValueError, ZeroDivisionError, ArithmeticError, TypeError):
        return None
