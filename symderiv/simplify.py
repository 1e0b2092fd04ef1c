"""Bounded tidying of a derivative into the form a teacher would write.

``sympy.simplify`` can run for minutes on the derivative of a 10-factor product, and it
rewrites function families a student expects to see kept (``1 − tanh²`` becomes
``1/cosh²``). So this module tries a few cheap, shape-preserving rewrites, each gated by
the size of the expression, and keeps the smallest candidate by operation count, preferring
the expression as it stands on a tie.

>>> import sympy as sp
>>> x = sp.Symbol("x")
>>> tidy(-x*sp.exp(-x) + sp.exp(-x))
(1 - x)*exp(-x)
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

#: Above this many operations only the linear-time rewrites are tried.
CHEAP_LIMIT = 400
#: Rational-function rewrites (together/cancel) are tried up to this size.
RATIONAL_LIMIT = 80
#: A rewrite must save at least this fraction of the operations to replace the
#: expression: 2x sin x + x² cos x stays as it is rather than becoming x(x cos x + 2 sin x).
MIN_SAVING = 0.2


def _candidates(expr: sp.Expr, ops: int) -> list[Callable[[sp.Expr], sp.Expr]]:
    """Rewrites worth trying at this size, the preferred form first (it wins ties)."""
    rewrites: list[Callable[[sp.Expr], sp.Expr]] = []
    if ops <= CHEAP_LIMIT:
        rewrites.append(sp.factor_terms)
    if ops <= RATIONAL_LIMIT:
        if expr.is_rational_function():
            rewrites.append(sp.factor)
            rewrites.append(sp.cancel)
        rewrites.append(lambda e: sp.factor_terms(sp.together(e)))
    return rewrites


def _functions(expr: sp.Expr) -> set[sp.Expr]:
    return expr.atoms(sp.Function)


def tidy(expr: sp.Expr) -> sp.Expr:
    """The smallest of a few cheap rewrites of ``expr``, if it is clearly smaller.

    A rewrite may not bring in function applications the expression did not have, so
    e^(−x)/(1 + e^(−x))² is not turned into e^x/(e^x + 1)².
    """
    original_ops = int(sp.count_ops(expr))
    functions = _functions(expr)
    best, best_ops = expr, original_ops
    for rewrite in _candidates(expr, original_ops):
        candidate = rewrite(expr)
        ops = int(sp.count_ops(candidate))
        if (
            ops < best_ops
            and ops <= (1 - MIN_SAVING) * original_ops
            and _functions(candidate) <= functions
        ):
            best, best_ops = candidate, ops
    return best
