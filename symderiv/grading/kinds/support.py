"""What the taylor, classification and critical-point graders share.

Reading the problem's function, variables and constants (a :class:`ProblemError` when they
cannot be set), exact comparison of two constants, the unknown-symbol check and the
``invalid`` verdict of an unreadable answer.
"""

from __future__ import annotations

import mpmath
import sympy as sp

from symderiv.errors import SymderivError
from symderiv.grading.checks import latex_text, symbol_problem
from symderiv.grading.problems import Expected, Problem, ProblemError
from symderiv.grading.verdict import Verdict, message
from symderiv.numeric import NumericError, evaluate
from symderiv.parsing import parse

__all__ = [
    "DIGITS",
    "check_symbols",
    "invalid",
    "problem_constant",
    "problem_function",
    "problem_vars",
    "real_value",
    "same_number",
]

DIGITS = 30


def real_value(expr: sp.Expr, digits: int = DIGITS) -> mpmath.mpf:
    with mpmath.workdps(digits):
        v = evaluate(expr, {})
    if not isinstance(v, mpmath.mpf) or not mpmath.isfinite(v):
        raise NumericError("not a finite real number")
    return v


def same_number(a: sp.Expr, e: sp.Expr, abs_tol: float | None = None) -> bool:
    """Are two constants equal? Exactly (numeric screen, then proof or a 100-digit
    re-test), or within ``abs_tol`` when given."""
    try:
        va, ve = real_value(a), real_value(e)
    except (NumericError, ZeroDivisionError, OverflowError, ValueError, TypeError):
        return False
    if abs_tol is not None:
        return bool(abs(va - ve) <= abs_tol)
    scale = max(mpmath.mpf(1), abs(ve))
    if abs(va - ve) > scale * mpmath.mpf(10) ** (-(DIGITS - 8)):
        return False
    d = a - e
    try:
        if sp.expand(d) == 0:
            return True
        if sp.count_ops(d) <= 60 and sp.simplify(d) == 0:
            return True
        with mpmath.workdps(110):
            return bool(
                abs(real_value(a, 110) - real_value(e, 110)) <= scale * mpmath.mpf(10) ** -100
            )
    except (NumericError, ZeroDivisionError, OverflowError, ValueError, TypeError, RecursionError):
        return False


def problem_constant(text: str, what: str) -> sp.Expr:
    try:
        value = parse(text)
    except SymderivError as exc:
        raise ProblemError(f"cannot read the {what} {text!r}: {exc}") from None
    if value.free_symbols:
        raise ProblemError(f"the {what} must be a number, got {text!r}")
    return value


def problem_function(problem: Problem) -> sp.Expr:
    if not problem.function:
        raise ProblemError("the problem needs a function")
    try:
        return parse(problem.function)
    except SymderivError as exc:
        raise ProblemError(f"cannot read the problem's function: {exc}") from None


def problem_vars(problem: Problem, f: sp.Expr) -> tuple[sp.Symbol, ...]:
    names = problem.vars or ((problem.var,) if problem.var else ())
    if not names:
        names = tuple(sorted(s.name for s in f.free_symbols))
    if not names or len(names) > 6:
        raise ProblemError("the problem needs 1 to 6 vars")
    by_name = {s.name: s for s in f.free_symbols}
    return tuple(by_name.get(n) or sp.Symbol(n) for n in names)


def check_symbols(expr: sp.Expr, allowed: frozenset[sp.Symbol], lang: str) -> Verdict | None:
    fake = Expected((), (sp.S.Zero,), (None,), (), (), allowed, ())
    trouble = symbol_problem(expr, fake, lang)
    if trouble is None:
        return None
    return Verdict(status="invalid", feedback=trouble, parsed=latex_text(expr))


def invalid(lang: str, key: str, expected: str | None, **values: object) -> Verdict:
    where = values.pop("where", None)
    return Verdict(
        status="invalid",
        feedback=(message(key, lang, **values),),
        expected=expected,
        where=where if isinstance(where, int) else None,
    )
