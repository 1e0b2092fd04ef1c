"""Reading what ``backprop`` is given: node names, numeric values, expressions with ``defs``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction

import sympy as sp

from symderiv.engine import as_expression
from symderiv.errors import DerivationError, ParseError
from symderiv.parsing import is_latex, parse

#: Significant digits of float arithmetic in numeric mode.
FLOAT_DIGITS = 15


def read_names(items: str | Iterable[str | sp.Symbol] | None) -> list[str] | None:
    if items is None:
        return None
    if isinstance(items, str | sp.Symbol):
        items = [items]
    out: list[str] = []
    for item in items:
        if isinstance(item, sp.Symbol):
            out.append(item.name)
            continue
        for part in str(item).split(","):
            if part.strip():
                out.append(part.strip())
    return out


def read_number(value: object, name: str) -> sp.Expr:
    """An input value as a SymPy number (exact unless it is a float)."""
    if isinstance(value, bool):
        raise DerivationError(f"the value of {name} must be a number, not {value!r}")
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, float):
        return sp.Float(value, FLOAT_DIGITS)
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, Decimal):
        return sp.Rational(str(value))
    number = as_expression(value) if isinstance(value, str | sp.Basic) else None
    if number is None or not isinstance(number, sp.Expr) or not number.is_number:
        raise DerivationError(f"the value of {name} must be a number, not {value!r}")
    if number.is_real is False:
        raise DerivationError(f"the value of {name} must be a real number, not {value!r}")
    return number


def finite_real(value: sp.Expr, exact: bool, what: str) -> sp.Expr:
    """``value`` evaluated (floats unless exact), refused unless a finite real number."""
    value = value if exact else sp.N(value, FLOAT_DIGITS)
    check = sp.N(value, 20)
    if not (check.is_real and check.is_finite):
        raise DerivationError(f"{what} is not a finite real number at the given point")
    return value


def _reads_as_itself(name: str) -> bool:
    """Whether the parser reads ``name`` as the one symbol ``name`` (not ``yhat`` = y·h·a·t)."""
    try:
        return parse(name) == sp.Symbol(name)
    except ParseError:
        return False


def read_expression(expr: str | sp.Expr, names: Sequence[str]) -> sp.Expr:
    """Text or SymPy as an expression, with the defined ``names`` read as single symbols.

    Names the parser would split or refuse (``yhat``, ``ŷ``) are swapped, as whole words,
    for placeholder symbols before parsing and restored afterwards.
    """
    if not isinstance(expr, str):
        return as_expression(expr)
    latex = is_latex(expr)
    swaps: dict[sp.Symbol, sp.Symbol] = {}
    text = expr
    for index, name in enumerate(n for n in names if not _reads_as_itself(n)):
        number = 9000 + index
        while f"Q_{number}" in expr or f"Q_{{{number}}}" in expr:
            number += 100
        placeholder = f"(Q_{{{number}}})" if latex else f"(Q_{number})"
        pattern = rf"(?<![\w\\]){re.escape(name)}(?!\w)"
        text = re.sub(pattern, lambda _m, p=placeholder: p, text)
        swaps[sp.Symbol(f"Q_{number}")] = sp.Symbol(name)
    result = as_expression(text)
    return result.xreplace(swaps) if swaps else result


def check_name(name: str, what: str) -> str:
    if not isinstance(name, str) or not name.isidentifier():
        raise DerivationError(f"{what} {name!r} is not a valid name")
    return name
