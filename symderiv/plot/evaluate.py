"""A vectorised NumPy evaluator over symderiv's SymPy trees, for plotting.

The tree is walked once into a closure of NumPy operations (no ``lambdify``, no ``eval``,
no text), which then evaluates whole grids at once. Values that are not real or not
finite come out as NaN, so the curves drawn from them break there instead of lying.

>>> import numpy as np, sympy as sp
>>> x = sp.Symbol("x")
>>> f = compile_expression(sp.log(x) + 1 / x, (x,))
>>> f(np.array([-1.0, 0.0, 1.0])).tolist()
[nan, nan, 1.0]
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import sympy as sp

from symderiv.errors import SymderivError
from symderiv.functions import relu, sigmoid, softplus
from symderiv.sympy_values import as_sympy

__all__ = ["NumericFunction", "PlotError", "compile_expression", "evaluate"]

Array = np.ndarray
#: A compiled node: takes the variables' arrays (in order) and returns an array.
Node = Callable[[Sequence[Array]], Array]


class PlotError(SymderivError, ValueError):
    """A picture that cannot be drawn (an unsupported function, no real values, ...)."""


def _reciprocal(fn: Callable[[Array], Array]) -> Callable[[Array], Array]:
    return lambda a: fn(1.0 / a)


def _acot(a: Array) -> Array:
    # SymPy's acot(0) is π/2; the branch is (−π/2, π/2] with the jump at 0.
    return np.where(a == 0, np.pi / 2, np.arctan(1.0 / a))


def _heaviside(a: Array, at_zero: float = 0.5) -> Array:
    return np.heaviside(a, at_zero)


def _sigmoid(a: Array) -> Array:
    # exp of the negative magnitude never overflows.
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


#: Functions of one argument, by SymPy class.
UNARY: dict[type, Callable[[Array], Array]] = {
    sp.exp: np.exp,
    sp.sin: np.sin,
    sp.cos: np.cos,
    sp.tan: np.tan,
    sp.cot: lambda a: 1.0 / np.tan(a),
    sp.sec: lambda a: 1.0 / np.cos(a),
    sp.csc: lambda a: 1.0 / np.sin(a),
    sp.asin: np.arcsin,
    sp.acos: np.arccos,
    sp.atan: np.arctan,
    sp.acot: _acot,
    sp.asec: _reciprocal(np.arccos),
    sp.acsc: _reciprocal(np.arcsin),
    sp.sinh: np.sinh,
    sp.cosh: np.cosh,
    sp.tanh: np.tanh,
    sp.coth: lambda a: 1.0 / np.tanh(a),
    sp.sech: lambda a: 1.0 / np.cosh(a),
    sp.csch: lambda a: 1.0 / np.sinh(a),
    sp.asinh: np.arcsinh,
    sp.acosh: np.arccosh,
    sp.atanh: np.arctanh,
    sp.acoth: _reciprocal(np.arctanh),
    sp.asech: _reciprocal(np.arccosh),
    sp.acsch: _reciprocal(np.arcsinh),
    sp.Abs: np.abs,
    sp.sign: np.sign,
    sp.floor: np.floor,
    sp.ceiling: np.ceil,
    sigmoid: _sigmoid,
    softplus: lambda a: np.logaddexp(0.0, a),
    relu: lambda a: np.maximum(0.0, a),
}

_COMPARISONS: dict[type, Callable[[Array, Array], Array]] = {
    sp.StrictLessThan: np.less,
    sp.LessThan: np.less_equal,
    sp.StrictGreaterThan: np.greater,
    sp.GreaterThan: np.greater_equal,
    sp.Equality: np.equal,
    sp.Unequality: np.not_equal,
}


def _constant(value: float) -> Node:
    return lambda args: np.float64(value)


def _number(expr: sp.Expr) -> Node:
    value = complex(expr.evalf(17))
    if value.imag != 0:
        raise PlotError(f"cannot plot {expr}: the constant is not real")
    return _constant(value.real)


def _power(base: Node, exponent: sp.Expr, compile_: Callable[[sp.Expr], Node]) -> Node:
    if exponent == 2:
        return lambda args: np.square(base(args))
    if exponent == sp.S.Half:
        return lambda args: np.sqrt(base(args))
    if exponent == -1:
        return lambda args: 1.0 / base(args)
    if exponent.is_Integer:
        n = float(exponent)
        return lambda args: np.power(base(args), n)
    exp = compile_(exponent)
    # A non-integer power of a negative number is not real (the principal branch): NaN.
    return lambda args: np.power(base(args), exp(args))


class _Compiler:
    def __init__(self, vars: Sequence[sp.Symbol]) -> None:
        self.index = {v: i for i, v in enumerate(vars)}
        self.done: dict[sp.Basic, Node] = {}

    def compile(self, expr: sp.Basic) -> Node:
        """The node for ``expr``; a subtree met twice is compiled once."""
        if expr not in self.done:
            self.done[expr] = self._compile(expr)
        return self.done[expr]

    def _compile(self, expr: sp.Basic) -> Node:
        if isinstance(expr, sp.Symbol):
            if expr not in self.index:
                raise PlotError(f"cannot plot: {expr} has no value (give it one)")
            i = self.index[expr]
            return lambda args: args[i]
        if expr is sp.true:
            return lambda args: np.True_
        if expr is sp.false:
            return lambda args: np.False_
        if expr.is_number and not expr.has(sp.Piecewise):
            return _number(expr)
        if isinstance(expr, sp.Add):
            return self._fold(expr.args, operator.add)
        if isinstance(expr, sp.Mul):
            return self._fold(expr.args, operator.mul)
        if isinstance(expr, sp.Pow):
            return _power(self.compile(expr.base), expr.exp, self.compile)
        if isinstance(expr, sp.log):
            inner = self.compile(expr.args[0])
            if len(expr.args) == 1:
                return lambda args: np.log(inner(args))
            base = self.compile(expr.args[1])
            return lambda args: np.log(inner(args)) / np.log(base(args))
        if isinstance(expr, sp.Heaviside):
            inner = self.compile(expr.args[0])
            at_zero = float(expr.args[1]) if len(expr.args) > 1 else 0.5
            return lambda args: _heaviside(inner(args), at_zero)
        if type(expr) in UNARY:
            fn, inner = UNARY[type(expr)], self.compile(expr.args[0])
            return lambda args: fn(inner(args))
        if isinstance(expr, sp.Max | sp.Min):
            fn = np.maximum if isinstance(expr, sp.Max) else np.minimum
            return self._fold(expr.args, fn)
        if isinstance(expr, sp.atan2):
            y, x = self.compile(expr.args[0]), self.compile(expr.args[1])
            return lambda args: np.arctan2(y(args), x(args))
        if isinstance(expr, sp.Piecewise):
            return self._piecewise(expr)
        if type(expr) in _COMPARISONS:
            fn = _COMPARISONS[type(expr)]
            lhs, rhs = self.compile(expr.lhs), self.compile(expr.rhs)
            return lambda args: fn(lhs(args), rhs(args))
        if isinstance(expr, sp.And | sp.Or):
            fn = np.logical_and if isinstance(expr, sp.And) else np.logical_or
            return self._fold(expr.args, fn)
        if isinstance(expr, sp.Not):
            inner = self.compile(expr.args[0])
            return lambda args: np.logical_not(inner(args))
        raise PlotError(f"cannot plot {expr}: no numeric form for {type(expr).__name__}")

    def _fold(self, terms: Sequence[sp.Basic], fn: Callable[[Any, Any], Any]) -> Node:
        nodes = [self.compile(t) for t in terms]
        return lambda args: functools.reduce(fn, (n(args) for n in nodes))

    def _piecewise(self, expr: sp.Piecewise) -> Node:
        pieces = [(self.compile(e), self.compile(c)) for e, c in expr.args]

        def node(args: Sequence[Array]) -> Array:
            shape = np.broadcast(*args).shape if args else ()
            out = np.full(shape, np.nan)
            done = np.zeros(shape, dtype=bool)
            for value, cond in pieces:
                take = np.broadcast_to(cond(args), shape) & ~done
                if take.any():
                    out = np.where(take, np.broadcast_to(value(args), shape), out)
                done |= take
            return out

        return node


class NumericFunction:
    """A compiled expression: call it with one array per variable (same shapes, or
    broadcastable); it returns float64 values with NaN wherever the value is not real or
    not finite."""

    def __init__(self, expr: sp.Expr, vars: Sequence[sp.Symbol]) -> None:
        self.expr = expr
        self.vars = tuple(vars)
        if not isinstance(expr, sp.Basic | int | float) or isinstance(expr, bool):
            raise PlotError(f"cannot plot a {type(expr).__name__}: give a SymPy expression")
        self._node = _Compiler(self.vars).compile(as_sympy(expr))

    def __call__(self, *values: Any) -> Array:
        if len(values) != len(self.vars):
            raise PlotError(f"expected {len(self.vars)} arrays, got {len(values)}")
        arrays = [np.asarray(v, dtype=np.float64) for v in values]
        shape = np.broadcast(*arrays).shape if arrays else ()
        with np.errstate(all="ignore"):
            out = np.asarray(self._node(arrays), dtype=np.float64)
        out = np.broadcast_to(out, shape).copy()
        out[~np.isfinite(out)] = np.nan
        return out


def compile_expression(expr: sp.Expr, vars: Sequence[sp.Symbol]) -> NumericFunction:
    """Compile ``expr`` (a SymPy tree or a number; text is refused) into a vectorised
    function of ``vars``."""
    return NumericFunction(expr, vars)


def evaluate(expr: sp.Expr, values: Mapping[sp.Symbol, Any]) -> Array:
    """``expr`` at ``values`` (a variable → array mapping), NaN where not real or finite."""
    vars = tuple(values)
    return compile_expression(expr, vars)(*(values[v] for v in vars))
