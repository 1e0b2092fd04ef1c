"""Input limits and guarded arithmetic.

The public ``MAX_*`` constants bound what we read; the private ones bound the work done
on it. ``_power`` and ``_divide`` build powers and quotients of SymPy values but refuse,
with a ``_Refusal``, those that would be huge, slow or undefined; ``_number`` builds the
exact value of a decimal literal.
"""

from __future__ import annotations

import math
import re

import sympy as sp

from symderiv.parsing.failures import _Refusal

#: Longest accepted input, in characters.
MAX_LENGTH = 2000
#: Deepest bracket nesting in plain text: ``(``, ``[``.
MAX_DEPTH = 30
#: Deepest bracket nesting in LaTeX: ``{``, ``(``, ``[``, ``\left(`` ... together.
MAX_LATEX_DEPTH = 10
#: Most digits in one numeric literal (``0.5`` counts 2).
MAX_INTEGER_DIGITS = 100
#: Largest magnitude of a numeric exponent (``x^1000`` is fine, ``x^1001`` is refused).
MAX_EXPONENT = 1000
#: Most digits a power of numbers may produce (``2^996`` is fine, ``2^1000`` is refused).
MAX_RESULT_DIGITS = 300
#: Numbers at or above this magnitude (numerator or denominator) are refused, wherever they
#: come from: literals, powers, products, sums, gamma of an integer (``10^299`` is fine).
_NUMBER_CEILING = 10**MAX_RESULT_DIGITS
#: Highest derivative order accepted in ``d^n/dx^n``.
MAX_DERIVATIVE_ORDER = 10
#: CPU seconds that reading one expression with many functions may take (see _may_run_away).
MAX_READ_SECONDS = 2.0

# Syntax-tree nesting (groups, function applications, signs, exponents) — the backstop
# against recursion for nesting that brackets do not show, like ``- - - x`` or ``sin sin x``.
_MAX_NESTING = 3 * MAX_DEPTH
_MAX_LATEX_NESTING = 3 * MAX_LATEX_DEPTH
# Fractional powers of numbers need root extraction, which is slow for huge numbers.
_MAX_ROOT_DIGITS = 50
# Text with at least this many names of two or more letters (functions, LaTeX commands) is
# read under a CPU-time watch; textbook input has fewer and is read at full speed.
_WATCHED_NAMES = 6
# Operators in one skeleton handed to latex2sympy2_extended (its converter recurses once
# per operator and hits Python's recursion limit near 300).
_MAX_LIBRARY_OPERATORS = 100


def _may_run_away(text: str) -> bool:
    """Whether reading ``text`` may make SymPy's automatic evaluation run away: it has
    ``_WATCHED_NAMES`` or more names of two or more letters (``sinh``, ``\\tanh``)."""
    return len(re.findall(r"[A-Za-z]{2,}", text)) >= _WATCHED_NAMES


def _magnitude(expr: sp.Expr) -> float:
    """log10 of the numbers SymPy multiplies out when ``expr`` is raised to a power."""
    if expr.is_Rational:
        return math.log10(max(abs(expr.p), expr.q))
    if expr.is_Mul:
        return sum(_magnitude(arg) for arg in expr.args)
    if expr.is_Pow and expr.exp.is_Rational:
        return float(abs(expr.exp)) * _magnitude(expr.base)
    return 0.0


def _is_zero_literal(expr: sp.Expr) -> bool:
    """True only for a literal zero: a structural test, no assumption queries or evalf."""
    return bool(expr.is_Number) and not expr


def _too_big(number: sp.Expr) -> bool:
    """True for a rational number at or above ``_NUMBER_CEILING`` (top or bottom)."""
    return number.is_Rational and (abs(number.p) >= _NUMBER_CEILING or number.q >= _NUMBER_CEILING)


def _digits(number: sp.Rational) -> int:
    """About how many digits the larger of ``number``'s numerator and denominator has."""
    return int(max(abs(number.p).bit_length(), number.q.bit_length()) * math.log10(2)) + 1


def _bounded(expr: sp.Expr) -> sp.Expr:
    """``expr`` itself, refusing it if a number SymPy just combined in it is too large.

    Looks at the top two levels, where a new Mul, Add or function value puts the numbers
    it combined (``10^299*10^299`` → one integer; ``a/b + c/d`` → a coefficient);
    deeper numbers were checked when their own parts were built.
    """
    for node in (expr, *expr.args, *(grand for arg in expr.args for grand in arg.args)):
        if _too_big(node):
            raise _Refusal(
                f"a number here would have about {_digits(node)} digits (limit {MAX_RESULT_DIGITS})"
            )
    return expr


def _power(base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    """``base ** exponent``, refusing numeric powers that would be huge or slow to build.

    ``0^x`` with a non-numeric exponent is refused: it is 0 where it is defined (x > 0)
    and undefined elsewhere, so neither ``0^x`` nor 0 says what was meant, and its
    derivative ``0^x·ln 0`` would carry SymPy's complex infinity.
    """
    if base == sp.E:
        return sp.exp(exponent)
    if _is_zero_literal(base) and not exponent.is_number:
        raise _Refusal(
            f"0^({exponent}) is 0 where it is defined (exponent > 0) and undefined elsewhere;"
            " write 0 instead"
        )
    if exponent.is_Rational:
        if abs(exponent) > MAX_EXPONENT:
            raise _Refusal(f"the exponent {exponent} is too large (limit ±{MAX_EXPONENT})")
        if _is_zero_literal(base) and exponent.is_negative:
            raise _Refusal("division by zero (0 to a negative power)")
        size = _magnitude(base)
        if abs(exponent.p) * size > MAX_RESULT_DIGITS:
            digits = int(abs(exponent.p) * size) + 1
            raise _Refusal(
                f"this power would have about {digits} digits (limit {MAX_RESULT_DIGITS})"
            )
        if not exponent.is_Integer and size > _MAX_ROOT_DIGITS:
            raise _Refusal(f"roots of numbers over {_MAX_ROOT_DIGITS} digits are not supported")
    return _defined(_bounded(sp.Pow(base, exponent)), "division by zero")


def _divide(numerator: sp.Expr, denominator: sp.Expr) -> sp.Expr:
    """``numerator / denominator``, refusing a denominator that is exactly zero."""
    if _is_zero_literal(denominator):
        raise _Refusal("division by zero")
    return _bounded(sp.Mul(numerator, _power(denominator, sp.Integer(-1))))


_UNDEFINED_VALUES = frozenset({sp.zoo, sp.nan, sp.oo, sp.S.NegativeInfinity})


def _undefined(expr: sp.Expr) -> bool:
    """True if SymPy evaluated ``expr`` (or a direct part of it) to zoo, nan or ±oo."""
    return expr in _UNDEFINED_VALUES or any(arg in _UNDEFINED_VALUES for arg in expr.args)


def _defined(expr: sp.Expr, what: str) -> sp.Expr:
    """``expr`` itself, refused (with ``what`` as the reason) if it evaluated to infinity."""
    if _undefined(expr):
        raise _Refusal(what)
    return expr


def _number(integer_digits: str, fraction_digits: str) -> sp.Rational:
    """The exact value of a validated decimal literal, built from integers."""
    scale = 10 ** len(fraction_digits)
    return sp.Rational(int(integer_digits or "0") * scale + int(fraction_digits or "0"), scale)
