"""Expression printers shared by every output format.

Pending derivatives print as ``d/dx[f]`` (Unicode) or ``\\frac{d}{dx}\\left[f\\right]``
(LaTeX), so a step shows what is still to be done; ``log`` prints as ``ln``, the sigmoid
as ``σ``, and small integer powers as superscripts in Unicode.

>>> import sympy as sp
>>> x = sp.Symbol("x")
>>> unicode_str(x**2 * sp.sin(x))
'x²·sin(x)'
>>> unicode_str(sp.Derivative(x**2, x, evaluate=False))
'd/dx[x²]'
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE, precedence
from sympy.printing.str import StrPrinter

_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_NAMES = {
    "sigmoid": "σ",
    "Heaviside": "H",
    "sign": "sgn",
    "log": "ln",
    "relu": "ReLU",
    "asin": "arcsin",
    "acos": "arccos",
    "atan": "arctan",
    "acot": "arccot",
    "asec": "arcsec",
    "acsc": "arccsc",
}


def _derivative_operator(variables: tuple[sp.Symbol, ...], unicode: bool) -> str:
    counts: dict[sp.Symbol, int] = {}
    for v in variables:
        counts[v] = counts.get(v, 0) + 1
    n = len(variables)
    if len(counts) == 1:
        (v,) = counts
        if n == 1:
            return f"d/d{v}"
        power = str(n).translate(_SUPERSCRIPTS) if unicode else f"^{n}"
        return f"d{power}/d{v}{power}"
    parts = "".join(
        f"∂{v}" + (str(k).translate(_SUPERSCRIPTS) if k > 1 else "") for v, k in counts.items()
    )
    power = str(n).translate(_SUPERSCRIPTS) if n > 1 else ""
    return f"∂{power}/{parts}"


def _ordered_terms(expr: sp.Add) -> list[sp.Expr] | None:
    """The sum rule's output (all pending derivatives) prints in the order of its terms."""
    if all(isinstance(term, sp.Derivative) for term in expr.args):
        return list(expr.args)
    return None


class UnicodePrinter(StrPrinter):
    """One-line Unicode: x²·sin(x), √(x), σ(x), d/dx[...]."""

    def _as_ordered_terms(self, expr: sp.Expr, order: str | None = None) -> list[sp.Expr]:
        terms = _ordered_terms(expr) if isinstance(expr, sp.Add) else None
        return terms if terms is not None else super()._as_ordered_terms(expr, order)

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        base, exp = expr.args
        if exp == sp.S.Half:
            return f"√({self._print(base)})"
        if exp == -sp.S.Half:
            return f"1/√({self._print(base)})"
        if exp.is_Integer and exp > 1:
            return self.parenthesize(base, PRECEDENCE["Pow"], strict=False) + str(exp).translate(
                _SUPERSCRIPTS
            )
        if exp.is_Integer and exp < 0:
            return super()._print_Pow(expr, rational)
        text = super()._print_Pow(expr, rational)
        return text.replace("**", "^")

    def _print_Function(self, expr: sp.Function) -> str:
        name = _NAMES.get(type(expr).__name__, type(expr).__name__)
        return f"{name}({', '.join(self._print(a) for a in expr.args)})"

    _print_log = _print_Function
    _print_sign = _print_Function

    def _print_Heaviside(self, expr: sp.Heaviside) -> str:
        return f"H({self._print(expr.args[0])})"

    def _print_exp(self, expr: sp.exp) -> str:
        arg = expr.args[0]
        shown = self._print(arg)
        if not arg.is_Atom:
            shown = f"({shown})"
        return f"e^{shown}"

    def _print_Exp1(self, expr: sp.Expr) -> str:
        return "e"

    def _print_Pi(self, expr: sp.Expr) -> str:
        return "π"

    def _print_Abs(self, expr: sp.Abs) -> str:
        return f"|{self._print(expr.args[0])}|"

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        primes = prime_count(expr)
        if primes:
            f = expr.expr
            return f"{f.func}{'′' * primes}({self._print(f.args[0])})"
        return f"{_derivative_operator(expr.variables, True)}[{self._print(expr.expr)}]"

    def _print_Subs(self, expr: sp.Subs) -> str:
        inner, (old,), (new,) = expr.args
        return f"{self._print(inner)}|_({old}={self._print(new)})"

    def _print_Mul(self, expr: sp.Mul) -> str:
        return super()._print_Mul(expr).replace("*", "·")


#: 2·x is written 2x; 2·sin(x) and 3·d/dx[...] keep their dot.
_NUMBER_TIMES = re.compile(r"(?<![\w.])(\d+)·(?=[A-Za-zα-ωπ](?![A-Za-z(/_]))")


def prime_count(expr: sp.Derivative) -> int:
    """n when ``expr`` is the n-th derivative of an undefined f at its own argument: f′′(u)."""
    f = expr.expr
    if (
        isinstance(f, AppliedUndef)
        and len(f.args) == 1
        and all(v == f.args[0] for v in expr.variables)
    ):
        return len(expr.variables)
    return 0


def unicode_str(expr: sp.Expr) -> str:
    """One-line Unicode form of ``expr``, with 2·x written 2x."""
    text = UnicodePrinter().doprint(expr)
    return _NUMBER_TIMES.sub(r"\1", text)


class TeachingLatexPrinter(LatexPrinter):
    """LaTeX with pending derivatives in brackets, ln for log, σ for the sigmoid."""

    def __init__(self, settings: dict | None = None) -> None:
        super().__init__({"ln_notation": True, "mul_symbol": None, **(settings or {})})

    def _as_ordered_terms(self, expr: sp.Expr, order: str | None = None) -> list[sp.Expr]:
        terms = _ordered_terms(expr) if isinstance(expr, sp.Add) else None
        return terms if terms is not None else super()._as_ordered_terms(expr, order)

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        primes = prime_count(expr)
        if primes:
            f = expr.expr
            return r"%s%s\left(%s\right)" % (f.func, "'" * primes, self._print(f.args[0]))
        counts: dict[sp.Symbol, int] = {}
        for v in expr.variables:
            counts[v] = counts.get(v, 0) + 1
        n = len(expr.variables)
        body = self._print(expr.expr)
        if len(counts) == 1:
            (v,) = counts
            var = self._print(v)
            op = r"\frac{d}{d%s}" % var if n == 1 else r"\frac{d^{%d}}{d%s^{%d}}" % (n, var, n)
        else:
            parts = " ".join(
                r"\partial %s%s" % (self._print(v), f"^{{{k}}}" if k > 1 else "")
                for v, k in counts.items()
            )
            op = r"\frac{\partial^{%d}}{%s}" % (n, parts)
        return r"%s\left[%s\right]" % (op, body)

    def _print_Heaviside(self, expr: sp.Heaviside, exp: str | None = None) -> str:
        text = r"H\left(%s\right)" % self._print(expr.args[0])
        return f"{text}^{{{exp}}}" if exp else text

    def _print_sign(self, expr: sp.sign, exp: str | None = None) -> str:
        text = r"\operatorname{sgn}\left(%s\right)" % self._print(expr.args[0])
        return f"{text}^{{{exp}}}" if exp else text


#: A factor printed right after a closing brace and starting with a digit (2^{x} 2^{y})
#: would read as one number glued on; such products get an explicit \cdot.
_GLUED_DIGIT = re.compile(r"\} (?=\d)")


def latex_str(expr: sp.Expr) -> str:
    """LaTeX form of ``expr`` for steps and results (readable back by ``symderiv.parse``)."""
    return _GLUED_DIGIT.sub(r"} \\cdot ", TeachingLatexPrinter().doprint(expr))


def needs_parentheses(expr: sp.Expr) -> bool:
    """Whether ``expr`` needs brackets when shown as a factor."""
    return precedence(expr) < PRECEDENCE["Mul"]
