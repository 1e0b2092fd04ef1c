"""Gradient checking: compare an analytic gradient with central differences of f.

The analytic gradient is the engine's, or a learner's own formula given as text, which is
then checked against the function itself: the components that disagree are named.

>>> gradcheck("x^2 + 3x y + y^2", "x=1,y=2", gradient="2x + 3y, 3x + y").disagree
['y']
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
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

#: Relative error up to which a gradient passes.
TOLERANCE = 1e-4
#: Components this small (in absolute terms) agree when they differ by less than this.
ABSOLUTE_FLOOR = 1e-8


@dataclass(frozen=True)
class GradCheckRow:
    """One component: the formula used, the exact partial, both values at the point."""

    var: str
    symbol: sp.Symbol
    formula: sp.Expr
    exact: sp.Expr
    exact_formula: bool | None  # is the learner's formula the exact partial? None: engine's
    analytic: float
    numeric: float
    relative_error: float
    agrees: bool


@dataclass(frozen=True, eq=False)
class GradCheck(Result):
    expr: sp.Expr
    vars: tuple[sp.Symbol, ...]
    point: tuple[sp.Rational, ...]
    h: float
    gradient: Any  # the engine's sd.Gradient
    learner: str | None
    rows: tuple[GradCheckRow, ...]
    relative_error: float
    ok: bool
    verification: Verification
    source: str = ""

    printers: ClassVar[tuple[str, str]] = ("symderiv.render.optim.numeric", "gradcheck_")

    @property
    def disagree(self) -> list[str]:
        return [r.var for r in self.rows if not r.agrees]


def split_components(text: str) -> list[str]:
    """``"(2x + 3y, max(x, y))"`` → ``["2x + 3y", "max(x, y)"]``: commas or semicolons at
    the top level separate components; one pair of outer brackets is dropped."""
    text = text.strip()
    if text[:1] in "([" and text[-1:] in ")]":
        depth = 0
        for i, ch in enumerate(text):
            depth += ch in "([{"
            depth -= ch in ")]}"
            if depth == 0 and i < len(text) - 1:
                break
        else:
            text = text[1:-1]
    parts, depth, current = [], 0, []
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch in ",;" and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    parts.append("".join(current).strip())
    if any(not p for p in parts):
        raise OptimError(f"an empty component in the gradient {text!r}")
    return parts


def _learner_components(
    gradient: str | Sequence[Any] | Mapping[str, Any], vars: Sequence[sp.Symbol]
) -> list[sp.Expr]:
    names = [v.name for v in vars]
    if isinstance(gradient, Mapping):
        missing = [n for n in names if n not in gradient]
        if missing:
            raise OptimError(f"the gradient gives no component for {', '.join(missing)}")
        items = [gradient[n] for n in names]
    else:
        items = split_components(gradient) if isinstance(gradient, str) else list(gradient)
    if len(items) != len(vars):
        raise OptimError(
            f"the gradient has {len(items)} component(s) but the function has {len(vars)} "
            f"variable(s) ({', '.join(names)})"
        )
    out = []
    for item in items:
        expr, _ = (
            as_expr(item) if not isinstance(item, int | float) else (sp.Rational(str(item)), "")
        )
        extra = expr.free_symbols - set(vars)
        if extra:
            raise OptimError(
                f"the gradient component {item} uses {', '.join(sorted(s.name for s in extra))}, "
                "which is not a variable of the function"
            )
        out.append(expr)
    return out


def _same(a: sp.Expr, b: sp.Expr) -> bool:
    difference = sp.expand(a - b)
    return difference == 0 or sp.simplify(difference) == 0


def gradcheck(
    expr: str | sp.Expr,
    point: Any,
    vars: str | Iterable[str | sp.Symbol] | None = None,
    gradient: str | Sequence[Any] | Mapping[str, Any] | None = None,
    *,
    h: float = 1e-5,
    tolerance: float = TOLERANCE,
) -> GradCheck:
    """Check a gradient of ``expr`` at ``point`` against central differences with step h.

    Without ``gradient`` the engine's gradient is checked; with it (text such as
    ``"2x + 3y, 3x + 2y"``, a list, or ``{name: formula}``) the learner's formula is.
    """
    f, source = as_expr(expr)
    xs = resolve_vars(f, vars)
    check_no_parameters(f, xs)
    if not (h > 0 and math.isfinite(h)):
        raise OptimError("h must be a positive number")
    x0 = point_in_order(point, xs)
    engine = sd.gradient(f, list(xs))
    learner_text = None
    if gradient is None:
        formulas = list(engine.components)
    else:
        formulas = _learner_components(gradient, xs)
        learner_text = gradient if isinstance(gradient, str) else ", ".join(map(str, formulas))
    values = dict(zip(xs, x0, strict=True))
    fn = compile_scalar(f, xs, "float")
    x = [float(c) for c in x0]
    rows = []
    with mpmath.workdps(30):
        for i, (v, formula, exact) in enumerate(zip(xs, formulas, engine.components, strict=True)):
            try:
                analytic = float(evaluate(formula, values))
                plus, minus = list(x), list(x)
                plus[i] += h
                minus[i] -= h
                numeric = (fn(plus) - fn(minus)) / (2 * h)
            except (NumericError, NoValue) as exc:
                raise OptimError(f"cannot check ∂f/∂{v.name} at the point: {exc}") from exc
            scale = max(abs(analytic), abs(numeric))
            rel = abs(analytic - numeric) / scale if scale else 0.0
            agrees = rel <= tolerance or abs(analytic - numeric) <= ABSOLUTE_FLOOR
            same = None if gradient is None else _same(formula, exact)
            rows.append(
                GradCheckRow(v.name, v, formula, exact, same, analytic, numeric, rel, agrees)
            )
    diff = math.sqrt(sum((r.analytic - r.numeric) ** 2 for r in rows))
    scale = max(
        math.sqrt(sum(r.analytic**2 for r in rows)), math.sqrt(sum(r.numeric**2 for r in rows))
    )
    relative = diff / scale if scale else 0.0
    ok = (relative <= tolerance or diff <= ABSOLUTE_FLOOR) and all(r.agrees for r in rows)
    return GradCheck(
        f, xs, x0, h, engine, learner_text, tuple(rows), relative, ok, engine.verification, source
    )
