"""Cells and sentences the optimisation printers share: numbers, points and expressions
in text and LaTeX, and the verification line."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import sympy as sp

from symderiv.optim.common import say, show_number
from symderiv.render.common import verification_line
from symderiv.render.json import expression_dict
from symderiv.render.optim.blocks import Math, Para


def number_latex(value: Any, digits: int = 6) -> str:
    if isinstance(value, Fraction) and value.denominator != 1:
        text = show_number(value, digits)
        if text.startswith("≈"):
            return r"\approx " + text[1:]
        sign = "-" if value < 0 else ""
        return r"%s\frac{%d}{%d}" % (sign, abs(value.numerator), value.denominator)
    text = show_number(value, digits)
    if "e" in text and not text.startswith(("inf", "nan")):
        mantissa, exponent = text.split("e")
        return r"%s \cdot 10^{%d}" % (mantissa, int(exponent))
    return text.replace("inf", r"\infty")


def scientific(value: float) -> Math:
    """A small error or difference as 1.2e-05 in text and 1.2 \\cdot 10^{-5} in LaTeX."""
    text = f"{value:.1e}"
    mantissa, exponent = text.split("e")
    return Math(text, r"%s \cdot 10^{%d}" % (mantissa, int(exponent)))


def number(value: Any, digits: int = 6) -> Math:
    if isinstance(value, float) and math.isnan(value):
        return Math("—", "\\text{—}")
    return Math(show_number(value, digits), number_latex(value, digits))


def vector(values: Sequence[Any], digits: int = 6) -> Math:
    if not values:
        return Math("—", "\\text{—}")
    if len(values) == 1:
        return number(values[0], digits)
    text = "(" + ", ".join(show_number(v, digits) for v in values) + ")"
    latex = r"\left(" + ", ".join(number_latex(v, digits) for v in values) + r"\right)"
    return Math(text, latex)


def names_cell(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else "(" + ", ".join(names) + ")"


def check_para(verification: Any, lang: str, key: str | None = None) -> Para:
    """The verification sentence: the engine's wording, or ``key`` of our messages for
    checks that recompute iterates or epochs."""
    if key is None or verification.ok is None:
        return Para(verification_line(verification, lang))
    error = "n/a" if verification.max_rel_error is None else f"{verification.max_rel_error:.1e}"
    reason = f" ({verification.reason})" if verification.ok is False and verification.reason else ""
    outcome = "ok" if verification.ok else "failed"
    return Para(say(f"{key}_{outcome}", lang, error=error) + reason)


def expr_dict(expr: sp.Expr) -> dict[str, str]:
    return expression_dict(expr)
