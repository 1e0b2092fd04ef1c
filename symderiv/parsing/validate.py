"""The final allow-list check on every parsed expression.

Only Add, Mul, Pow, rational numbers, pi, E, I, symbols, the allowed functions (plus
re/im/arg/conjugate, which SymPy's own evaluation can introduce), f/g/h applications and
Derivative pass; zoo, nan and infinities are refused.
"""

from __future__ import annotations

import functools
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symderiv.parsing.failures import _error
from symderiv.parsing.limits import _too_big
from symderiv.parsing.names import (
    _FUNCS,
    _LETTER_FUNCTIONS,
    _OPERATOR_ONLY,
    _SUBSCRIPTED,
    _UNDEFINED_FUNCTIONS,
)

_PROBES = sp.symbols("p0:4")


def _built_types() -> frozenset[type]:
    """Classes our name tables build, probed with symbols (sqrt, log2 give Pow/Mul, which
    are checked anyway; Max of symbols gives Max, gamma of two gives the incomplete ones)."""
    # Probed unevaluated: SymPy's automatic evaluation of some special functions of
    # symbols imports sympy.physics (seconds); the class is the same, except that
    # polygamma(0, x) evaluates to digamma(x).
    built: set[type] = {sp.gamma, sp.uppergamma, sp.lowergamma, sp.besselk, sp.digamma}
    with sp.evaluate(False):
        return _probed(built)


def _probed(built: set[type]) -> frozenset[type]:
    for spec in (*_FUNCS.values(), *_OPERATOR_ONLY.values(), *_SUBSCRIPTED.values()):
        for count in spec.arity[:1]:
            probes = _PROBES[: count + (spec in _SUBSCRIPTED.values())]
            built.add(type(spec.build(*probes)))
    for letter in _LETTER_FUNCTIONS.values():
        for build, count in ((letter.plain, letter.arity[0]), (letter.indexed, 2)):
            if build is not None:
                built.add(type(build(*_PROBES[:count])))
    return frozenset(built - {sp.Pow, sp.Mul, sp.Add})


@functools.cache
def _allowed_function_types() -> tuple[type, ...]:
    """Classes our function tables build, probed on first use (not at import)."""
    return tuple(_built_types()) + _EVALUATION_FUNCTION_TYPES


# Functions no syntax produces but SymPy's own evaluation of allowed ones can, e.g.
# Abs(exp(x)) -> exp(re(x)) and Abs(x**y) -> ... arg(x) ...
_EVALUATION_FUNCTION_TYPES = (sp.re, sp.im, sp.arg, sp.conjugate)
_UNDEFINED_VALUES = frozenset({sp.zoo, sp.nan, sp.oo, sp.S.NegativeInfinity})


def _allowed_node(node: sp.Basic, parent: sp.Basic | None) -> bool:
    """True for the node types a parsed expression may contain."""
    if isinstance(node, sp.Add | sp.Mul | sp.Pow | sp.Symbol | sp.Rational | sp.Derivative):
        return True
    if node is sp.pi or node is sp.E or node is sp.I:
        return True
    if isinstance(node, _allowed_function_types()):
        return True
    if isinstance(node, AppliedUndef):
        return node.func.__name__ in _UNDEFINED_FUNCTIONS
    return isinstance(node, sp.Tuple) and isinstance(parent, sp.Derivative)


def _validate(expr: Any, text: str) -> sp.Expr:
    """Walk the result and refuse anything outside the allow-list (or undefined values)."""
    if not isinstance(expr, sp.Expr):
        _error(f"not an expression: {type(expr).__name__}", text, None)
    stack: list[tuple[sp.Basic, sp.Basic | None]] = [(expr, None)]
    while stack:
        node, parent = stack.pop()
        if node in _UNDEFINED_VALUES:
            _error(
                "the expression is undefined (division by zero, log(0), tan(pi/2), ...)",
                text,
                None,
            )
        if not _allowed_node(node, parent):
            _error(f"unsupported construct: {type(node).__name__}", text, None)
        if _too_big(node):
            _error("a number in the expression is too large", text, None)
        stack.extend((arg, node) for arg in node.args)
    return expr
