"""Which symbols are the variables, in what order, and the values of a point.

When ``vars`` is omitted the variables are the free symbols of the expression in *natural*
order: names are compared piece by piece, digit runs as numbers, so
``x < x1 < x2 < x10 < y`` (see :func:`natural_key`). Given ``vars`` (a list of names or
symbols, or one string ``"x, y"``) fix the order and make every other symbol a parameter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import mpmath
import sympy as sp

from symderiv.engine import as_expression
from symderiv.errors import DerivationError
from symderiv.simplify import tidy

# --------------------------------------------------------------------------- variables


def natural_key(symbol: sp.Symbol) -> tuple[Any, ...]:
    """Sort key comparing digit runs as numbers: x < x1 < x2 < x10 < y."""
    parts = re.split(r"(\d+)", symbol.name)
    return (tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), symbol.name)


def ordered(symbols: Iterable[sp.Symbol]) -> tuple[sp.Symbol, ...]:
    return tuple(sorted(set(symbols), key=natural_key))


def _names(vars: str | sp.Symbol | Iterable[str | sp.Symbol]) -> list[str | sp.Symbol]:
    if isinstance(vars, str):
        return [n for n in re.split(r"[,\s]+", vars.strip()) if n]
    if isinstance(vars, sp.Symbol):
        return [vars]
    try:
        return list(vars)
    except TypeError as exc:
        raise DerivationError(f"vars must be names or symbols, not {vars!r}") from exc


def resolve_variables(
    exprs: Sequence[sp.Expr], vars: str | sp.Symbol | Iterable[str | sp.Symbol] | None
) -> tuple[sp.Symbol, ...]:
    """The variables, in order: the given ones, or all free symbols in natural order.

    A given variable must occur in at least one of ``exprs`` (a typo is an error, not a
    silent zero column).
    """
    free: set[sp.Symbol] = set()
    for e in exprs:
        free |= e.free_symbols
    if vars is None:
        if not free:
            raise DerivationError("the expression has no variables; say which ones (vars)")
        return ordered(free)
    by_name = {s.name: s for s in free}
    chosen: list[sp.Symbol] = []
    for item in _names(vars):
        name = item.name if isinstance(item, sp.Symbol) else str(item).strip()
        if not name.isidentifier():
            raise DerivationError(f"{name!r} is not a variable name")
        if name not in by_name:
            known = ", ".join(s.name for s in ordered(free)) or "none"
            raise DerivationError(
                f"{name} does not occur in the expression (its symbols are {known})"
            )
        symbol = by_name[name]
        if symbol in chosen:
            raise DerivationError(f"the variable {name} is given twice")
        chosen.append(symbol)
    if not chosen:
        raise DerivationError("no variables were given")
    return tuple(chosen)


def scalar_expression(expr: Any) -> tuple[str, sp.Expr]:
    """(source text, expression) for one scalar function; vectors are refused."""
    if isinstance(expr, list | tuple | set | dict | sp.MatrixBase | sp.NDimArray):
        raise DerivationError(
            "this needs a single scalar expression; for several functions use jacobian"
        )
    source = expr if isinstance(expr, str) else ""
    f = as_expression(expr)
    if not isinstance(f, sp.Expr) or isinstance(f, sp.MatrixBase):
        raise DerivationError("this needs a single scalar expression")
    if f.has(sp.Derivative):
        raise DerivationError("the input already contains a derivative; give the function")
    return source, f


def to_value(value: Any) -> sp.Expr:
    """A coordinate value: ints and fractions exactly, floats as Floats, text parsed."""
    if isinstance(value, bool):
        raise DerivationError("a coordinate must be a number, not a truth value")
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, float):
        return sp.Float(value)
    if hasattr(value, "_mpf_"):  # an mpf of any mpmath context
        return sp.Float(mpmath.nstr(value, 30), 30)
    if isinstance(value, str):
        return as_expression(value)
    if isinstance(value, sp.Expr):
        return value
    raise DerivationError(f"cannot use {value!r} as a coordinate")


def point_values(
    point: Mapping[Any, Any] | Sequence[Any],
    vars: Sequence[sp.Symbol],
    params: Iterable[sp.Symbol] = (),
) -> dict[sp.Symbol, sp.Expr]:
    """``{"x": 1, "y": 2}`` (or ``(1, 2)`` in variable order) as ``{x: 1, y: 2}``.

    Every variable needs a value; parameters may be given too. Unknown names are errors.
    """
    known = {s.name: s for s in (*vars, *params)}
    if isinstance(point, Mapping):
        items = list(point.items())
    elif isinstance(point, str):
        raise DerivationError("give the point as a dict such as {'x': 1, 'y': 2}")
    else:
        values = list(point)
        if len(values) != len(vars):
            raise DerivationError(
                f"the point has {len(values)} coordinates but there are {len(vars)} variables"
            )
        items = list(zip(vars, values, strict=True))
    out: dict[sp.Symbol, sp.Expr] = {}
    for key, value in items:
        name = key.name if isinstance(key, sp.Symbol) else str(key).strip()
        if name not in known:
            names = ", ".join(s.name for s in vars)
            raise DerivationError(f"{name} is not a variable here (the variables are {names})")
        out[known[name]] = to_value(value)
    missing = [s.name for s in vars if s not in out]
    if missing:
        raise DerivationError(f"the point needs a value for {', '.join(missing)}")
    return out


def clean(expr: sp.Expr) -> sp.Expr:
    """A value or coefficient in simplest cheap form (numbers simplified, Floats kept)."""
    expr = as_expression(expr)
    if expr.is_Rational or expr.is_Atom or expr.has(sp.Float):
        return expr
    ops = int(sp.count_ops(expr))
    if expr.is_number:
        return sp.simplify(expr) if ops <= 120 else sp.expand(expr)
    if ops <= 60 and expr.is_polynomial():
        return sp.factor(sp.expand(expr))
    return tidy(expr)


def substitute(expr: sp.Expr, values: Mapping[sp.Symbol, sp.Expr]) -> sp.Expr:
    return clean(as_expression(expr).subs(values))
