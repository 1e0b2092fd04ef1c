"""Structural facts about where an expression is a finite real number, read from its tree
alone (no assumption queries, no evaluation): the numeric check uses them to skip work
that cannot find anything.

:func:`has_edges` is False only when the expression is real, finite and smooth at every
real point, or stops being so only where a variable is 0 (``ln x``, ``1/x``, ``x^x``): the
check never samples within 1e-3 of 0 and looks around a point relatively (x ± 0.001x),
never across 0, so no sampled point can lie near an edge or a pole, and the check does
not evaluate the function around each point to look for one.

>>> import sympy as sp
>>> x = sp.Symbol("x")
>>> has_edges(sp.sqrt(x**2 + 1)), has_edges(sp.sqrt(x - 1)), has_edges(1 / (1 + sp.exp(-x)))
(False, True, False)
"""

from __future__ import annotations

import sympy as sp

from symderiv.functions import sigmoid, softplus
from symderiv.sympy_values import as_sympy

__all__ = ["has_edges"]

#: Functions real, finite and smooth at every real argument.
_EVERYWHERE_SMOOTH: tuple[type, ...] = (
    sp.exp,
    sp.sin,
    sp.cos,
    sp.sinh,
    sp.cosh,
    sp.tanh,
    sp.atan,
    sp.asinh,
    sp.erf,
    sp.erfc,
    sp.erfi,
    sigmoid,
    softplus,
)
#: Of those, the ones positive at every real argument.
_EVERYWHERE_POSITIVE: tuple[type, ...] = (sp.exp, sp.cosh, sigmoid, softplus, sp.erfc)


def has_edges(expr: sp.Expr) -> bool:
    """Whether ``expr`` may stop being a finite real number near a real point where no
    variable is 0: an edge of its real domain (``ln(x − 1)``, ``√(1 − x²)``, ``asin``), a
    pole (``1/(x − 2)``, ``tan``) or a node not known to be smooth. False for sums,
    products, whole powers and constants of everywhere-smooth functions (``exp``,
    ``sin``, ``tanh``, σ, ...), and for roots, quotients and logarithms of what is
    positive everywhere (``√(x² + 1)``, ``1/(1 + e^(−x))``, ``ln(x² + 1)``) or of a
    monomial, zero only where a variable is (``ln x``, ``1/x²``, ``x^x``, ``√(2xy)``)."""
    return not _smooth(as_sympy(expr), {})


def _smooth(node: sp.Expr, memo: dict[sp.Expr, bool]) -> bool:
    if node.is_Symbol or node.is_Number or isinstance(node, sp.NumberSymbol):
        return bool(node.is_Symbol or node.is_finite)
    found = memo.get(node)
    if found is not None:
        return found
    if isinstance(node, (sp.Add, sp.Mul, *_EVERYWHERE_SMOOTH)):
        found = all(_smooth(a, memo) for a in node.args)
    elif isinstance(node, sp.Pow):
        base, exponent = node.args
        if exponent.is_Integer and exponent >= 0:
            found = _smooth(base, memo)
        elif exponent.is_number and exponent.is_real:
            found = _positive(base, memo) or _monomial(base)  # √(x² + 1), 1/x
        elif _monomial(base):
            found = _smooth(exponent, memo)  # x^x
        else:
            found = bool(base.is_Number and base.is_positive) and _smooth(exponent, memo)
    elif isinstance(node, sp.log) and len(node.args) == 1:
        found = _positive(node.args[0], memo) or _monomial(node.args[0])
    else:
        found = False
    memo[node] = found
    return found


def _monomial(node: sp.Expr) -> bool:
    """A nonzero number times whole powers of symbols (x, 2x, x²y): zero only where a
    variable is."""
    for factor in sp.Mul.make_args(node):
        if factor.is_Symbol or (factor.is_Number and factor.is_finite and factor != 0):
            continue
        if isinstance(factor, sp.Pow) and factor.base.is_Symbol and factor.exp.is_Integer:
            continue
        return False
    return not node.is_Number


def _positive(node: sp.Expr, memo: dict[sp.Expr, bool]) -> bool:
    """Smooth and positive at every real point: a positive constant, e^u, cosh u, σ(u),
    softplus(u), a positive power of such, a product of such, or a sum of such with
    terms that are never negative (x², a positive multiple of an even power)."""
    if node.is_Number or isinstance(node, sp.NumberSymbol):
        return bool(node.is_positive)
    if not _smooth(node, memo):
        return False
    if isinstance(node, _EVERYWHERE_POSITIVE):
        return True
    if isinstance(node, sp.Mul):
        return all(_positive(a, memo) for a in node.args)
    if isinstance(node, sp.Pow):
        return _positive(node.base, memo)
    if isinstance(node, sp.Add):
        return all(_never_negative(t, memo) for t in node.args) and any(
            _positive(t, memo) for t in node.args
        )
    return False


def _never_negative(node: sp.Expr, memo: dict[sp.Expr, bool]) -> bool:
    if _positive(node, memo):
        return True
    if isinstance(node, sp.Pow) and node.exp.is_Integer and node.exp.is_even:
        return _smooth(node.base, memo)
    if isinstance(node, sp.Mul):
        return all(_positive(a, memo) or _never_negative(a, memo) for a in node.args)
    return False
