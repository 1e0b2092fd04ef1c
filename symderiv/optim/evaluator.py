"""Compile a SymPy tree once into Python closures over floats or exact fractions.

The descent loop, the finite differences and the fitting loop evaluate the same few
expressions thousands of times. Walking the SymPy tree each time is slow, and ``lambdify``
would generate and ``exec`` source code, which this project does not do. Instead each node
becomes a closure taking the values of the variables as a tuple (by position).

``kind="float"`` computes in IEEE double, as the learner's Python does; ``kind="exact"``
computes with :class:`fractions.Fraction` and refuses anything that is not rational
(``sin``, a square root, ...) with :class:`NotExact`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import sympy as sp

from symderiv.functions import relu, sigmoid, softplus
from symderiv.numeric import NumericError, evaluate
from symderiv.optim.common import Number, OptimError

Values = Sequence[Number]
Closure = Callable[[Values], Number]


class NotExact(OptimError):
    """The value is not a rational number, so exact arithmetic cannot carry it."""


class NoValue(OptimError):
    """The expression has no finite real value at the point (log of a negative, overflow)."""


def _show(node: sp.Basic) -> str:
    text = str(node)
    return text if len(text) <= 60 else text[:57] + "..."


def _sigmoid(v: float) -> float:
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


def _softplus(v: float) -> float:
    return max(v, 0.0) + math.log1p(math.exp(-abs(v)))


def _log(v: float) -> float:
    if v <= 0:
        raise ValueError("logarithm of a non-positive number")
    return math.log(v)


_FLOAT_FUNCTIONS: dict[type, Callable[[float], float]] = {
    sp.exp: math.exp,
    sp.log: _log,
    sp.sin: math.sin,
    sp.cos: math.cos,
    sp.tan: math.tan,
    sp.asin: math.asin,
    sp.acos: math.acos,
    sp.atan: math.atan,
    sp.sinh: math.sinh,
    sp.cosh: math.cosh,
    sp.tanh: math.tanh,
    sp.asinh: math.asinh,
    sp.acosh: math.acosh,
    sp.atanh: math.atanh,
    sp.erf: math.erf,
    sp.Abs: abs,
    sigmoid: _sigmoid,
    softplus: _softplus,
    relu: lambda v: v if v > 0 else 0.0,
    sp.sign: lambda v: (v > 0) - (v < 0),
}

_EXACT_FUNCTIONS: dict[type, Callable[[Fraction], Fraction]] = {
    sp.Abs: abs,
    relu: lambda v: v if v > 0 else Fraction(0),
    sp.sign: lambda v: Fraction((v > 0) - (v < 0)),
}


def _constant(node: sp.Expr, kind: str) -> Number:
    if node.is_Rational:
        q = Fraction(int(node.p), int(node.q))
        return q if kind == "exact" else float(q)
    if kind == "exact":
        raise NotExact(f"{_show(node)} is not a rational number; use decimal arithmetic")
    try:
        return float(evaluate(node, {}))
    except NumericError as exc:
        raise NoValue(str(exc)) from exc


def _linear_term(node: sp.Expr, index: dict[sp.Symbol, int], kind: str) -> tuple[Any, int] | None:
    """``(c, i)`` when ``node`` is ``c·x_i`` (or ``x_i``) with a rational c, else None."""
    if isinstance(node, sp.Symbol) and node in index:
        return (Fraction(1) if kind == "exact" else 1.0), index[node]
    if isinstance(node, sp.Mul) and len(node.args) == 2:
        c, x = node.args
        if c.is_Rational and isinstance(x, sp.Symbol) and x in index:
            return _constant(c, kind), index[x]
    return None


def _compile_add(node: sp.Add, index: dict[sp.Symbol, int], kind: str) -> Closure:
    """Sums are the bulk of gradients: the linear part c_j·x_j and the constant are folded
    into one closure, the other terms are compiled as usual."""
    constant: Any = Fraction(0) if kind == "exact" else 0.0
    linear: list[tuple[Any, int]] = []
    others: list[Closure] = []
    for arg in node.args:
        if not arg.free_symbols:
            constant += _constant(arg, kind)
            continue
        term = _linear_term(arg, index, kind)
        if term is None:
            others.append(_compile(arg, index, kind))
        else:
            linear.append(term)
    if len(others) == 2 and not linear:
        a, b = others
        if not constant:
            return lambda v: a(v) + b(v)
        return lambda v: a(v) + b(v) + constant
    if len(linear) == 1 and len(others) == 1:
        (c, i), (a,) = linear[0], others
        return lambda v: a(v) + c * v[i] + constant
    if len(linear) == 2 and not others:
        (c, i), (d, j) = linear
        return lambda v: c * v[i] + d * v[j] + constant

    def ev(v: Values) -> Number:
        acc = constant
        for c, i in linear:
            acc += c * v[i]
        for part in others:
            acc += part(v)
        return acc

    return ev


def _compile_mul(node: sp.Mul, index: dict[sp.Symbol, int], kind: str) -> Closure:
    coefficient: Any = Fraction(1) if kind == "exact" else 1.0
    parts: list[Closure] = []
    for arg in node.args:
        if arg.free_symbols:
            parts.append(_compile(arg, index, kind))
        else:
            coefficient *= _constant(arg, kind)
    if len(parts) == 1:
        (a,) = parts
        return lambda v: coefficient * a(v)
    if len(parts) == 2:
        a, b = parts
        if coefficient == 1:
            return lambda v: a(v) * b(v)
        return lambda v: coefficient * a(v) * b(v)

    def ev(v: Values) -> Number:
        acc = coefficient
        for part in parts:
            acc *= part(v)
        return acc

    return ev


def _power(node: sp.Pow, base: Closure, exponent: sp.Expr, kind: str) -> Closure:
    if exponent.is_Integer:
        n = int(exponent)
        if n == 2:

            def square(v: Values) -> Number:
                b = base(v)
                return b * b

            return square
        if n >= 0:
            return lambda v: base(v) ** n

        def inverse(v: Values) -> Number:
            b = base(v)
            if not b:
                raise NoValue(f"division by zero in {_show(node)}")
            return 1 / b ** (-n)

        return inverse
    if kind == "exact":
        raise NotExact(f"{_show(node)} is not rational in general; use decimal arithmetic")
    e = _compile(exponent, {}, kind) if exponent.free_symbols else None
    fixed = None if e else _constant(exponent, kind)

    def power(v: Values) -> Number:
        b = base(v)
        x = e(v) if e else fixed
        if b < 0 and not float(x).is_integer():
            raise NoValue(f"{_show(node)}: a negative number to a fractional power")
        if b == 0 and x < 0:
            raise NoValue(f"division by zero in {_show(node)}")
        return math.pow(b, x)

    return power


def _compile(node: sp.Basic, index: dict[sp.Symbol, int], kind: str) -> Closure:
    if isinstance(node, sp.Symbol):
        if node not in index:
            raise OptimError(f"no value for the symbol {node}")
        i = index[node]
        return lambda v: v[i]
    if not node.free_symbols:
        value = _constant(node, kind)
        return lambda v: value
    if isinstance(node, sp.Add):
        return _compile_add(node, index, kind)
    if isinstance(node, sp.Mul):
        return _compile_mul(node, index, kind)
    if isinstance(node, sp.Pow):
        return _power(node, _compile(node.base, index, kind), node.exp, kind)
    if isinstance(node, sp.Max | sp.Min):
        pick = max if isinstance(node, sp.Max) else min
        parts = [_compile(a, index, kind) for a in node.args]
        return lambda v: pick(p(v) for p in parts)
    table = _EXACT_FUNCTIONS if kind == "exact" else _FLOAT_FUNCTIONS
    fn = table.get(type(node))
    if fn is None or len(node.args) != 1:
        if kind == "exact" and type(node) in _FLOAT_FUNCTIONS:
            raise NotExact(f"{_show(node)} is not rational in general; use decimal arithmetic")
        raise OptimError(f"cannot evaluate {_show(node)} numerically")
    arg = _compile(node.args[0], index, kind)
    return lambda v: fn(arg(v))


def _guard(fn: Callable[[Values], Any], exprs: Sequence[sp.Expr]) -> Callable[[Values], Any]:
    def guarded(values: Values) -> Any:
        try:
            return fn(values)
        except (ValueError, OverflowError, ZeroDivisionError) as exc:
            where = ", ".join(_show(e) for e in exprs)
            raise NoValue(f"{where} has no finite real value here ({exc})") from exc

    return guarded


def compile_scalar(expr: sp.Expr, vars: Sequence[sp.Symbol], kind: str = "float") -> Closure:
    """``f(values) -> number`` for ``expr`` with ``vars`` given by position."""
    index = {s: i for i, s in enumerate(vars)}
    return _guard(_compile(expr, index, kind), [expr])


def compile_vector(
    exprs: Sequence[sp.Expr], vars: Sequence[sp.Symbol], kind: str = "float"
) -> Callable[[Values], list[Number]]:
    """``g(values) -> [number, ...]`` for several expressions sharing the variables."""
    index = {s: i for i, s in enumerate(vars)}
    parts = [_compile(e, index, kind) for e in exprs]
    return _guard(lambda v: [p(v) for p in parts], exprs)


def is_finite(values: Sequence[Number]) -> bool:
    """Whether no value is inf or nan (fractions always are finite)."""
    try:
        return all(map(math.isfinite, values))
    except OverflowError:  # a fraction too large for a float is finite
        return True
