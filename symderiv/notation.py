"""Expression printers shared by every output format (one expression, not a result).

It sits below the engine, which compares how its last tidy-up step prints, and below every
result and printer module that writes an expression.

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

from symderiv.shapes import is_negative_term, negated, shaped, unevaluated

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


# ----------------------------------------------------------------------------- shapes
# Shape trees (symderiv.shapes) print in the order of their arguments: the order the
# learner wrote, or the order a rule built. Numbers are never moved or multiplied here.


def _split_fraction(args: list[sp.Expr]) -> tuple[list[sp.Expr], list[sp.Expr]]:
    """Factors above and below the fraction bar: x·y⁻²·(1/3) is x over 3y²."""
    top: list[sp.Expr] = []
    bottom: list[sp.Expr] = []
    for factor in args:
        if isinstance(factor, sp.Pow) and factor.exp.is_Rational and factor.exp.is_negative:
            bottom.append(_positive_power(factor))
        elif factor.is_Rational and not factor.is_Integer:
            if factor.p != 1:
                top.append(sp.Integer(factor.p))
            bottom.append(sp.Integer(factor.q))
        else:
            top.append(factor)
    return top, bottom


def _positive_power(factor: sp.Pow) -> sp.Expr:
    """b^n for b^(−n); b itself for n = 1."""
    return factor.base if factor.exp == -1 else unevaluated(sp.Pow, factor.base, -factor.exp)


def _letter_power(factor: sp.Expr) -> bool:
    """x, w or x²: a factor written right after a number or another letter (3xy, 2x²)."""
    if isinstance(factor, sp.Pow) and factor.exp.is_Integer and factor.exp > 1:
        factor = factor.base
    return isinstance(factor, sp.Symbol) and len(factor.name) == 1


def _letter(factor: sp.Expr) -> sp.Expr:
    return factor.base if isinstance(factor, sp.Pow) else factor


class _ShapeMixin:
    """Add, Mul and Pow of shape trees, shared by the Unicode and LaTeX printers (mixed
    in before a SymPy printer).

    Printed forms of compound nodes are kept in ``cache``: a derivation's lines share the
    terms a step did not touch, so one printer prints each of them once.
    """

    cache: dict[sp.Basic, str]

    def _print(self, expr: sp.Basic, **kwargs: object) -> str:
        if kwargs or not isinstance(expr, sp.Basic) or not expr.args:
            return super()._print(expr, **kwargs)  # type: ignore[misc]
        text = self.cache.get(expr)
        if text is None:
            text = super()._print(expr)  # type: ignore[misc]
            self.cache[expr] = text
        return text

    times = "·"
    juxtapose = ""
    partial = False
    bare_numerator = False

    def _paren(self, text: str) -> str:
        return f"({text})"

    def _fraction(self, top: str, bottom: str, compound: bool) -> str:
        return f"{top}/({bottom})" if compound else f"{top}/{bottom}"

    def _glue(self, left: str, right: str, left_expr: sp.Expr, right_expr: sp.Expr) -> str:
        """2x, 3xy, 2(3x + 1) without a sign; otherwise a visible product sign."""
        letters = (left_expr.is_Integer or _letter_power(left_expr)) and _letter_power(right_expr)
        if letters and _letter(left_expr) != _letter(right_expr):  # 3xy, x²y; but x²·x³
            return f"{left}{self.juxtapose}{right}"
        bracketed = isinstance(right_expr, sp.Add) or (
            isinstance(right_expr, sp.Pow)
            and (
                (isinstance(right_expr.base, sp.Add) and right_expr.exp.is_Integer)
                or right_expr.exp == sp.S.Half
            )
            and right_expr.exp > 0
        )
        if (left_expr.is_Integer or _letter_power(left_expr)) and bracketed:
            return f"{left}{self.juxtapose}{right}"
        return f"{left}{self.times}{right}"

    def _factor_text(self, factor: sp.Expr, first: bool) -> str:
        text = self._print(factor)
        if isinstance(factor, sp.Add):
            return self._paren(text)
        if not first and (is_negative_term(factor) or text.startswith("-")):
            return self._paren(text)
        if isinstance(factor, sp.Mul) or (factor.is_Rational and not factor.is_Integer):
            return self._paren(text)
        return text

    def _product(self, factors: list[sp.Expr]) -> str:
        text = ""
        previous: sp.Expr | None = None
        for factor in factors:
            piece = self._factor_text(factor, previous is None)
            text = piece if previous is None else self._glue(text, piece, previous, factor)
            previous = factor
        return text

    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        text = ""
        for index, term in enumerate(expr.args):
            if index == 0:
                text = self._print(term)
                if isinstance(term, sp.Add):
                    text = self._paren(text)
                continue
            if is_negative_term(term):
                positive = negated(term)
                shown = self._print(positive)
                if isinstance(positive, sp.Add):
                    shown = self._paren(shown)
                text += f" - {shown}"
            else:
                shown = self._print(term)
                text += f" + {self._paren(shown) if isinstance(term, sp.Add) else shown}"
        return text

    def _print_Mul(self, expr: sp.Mul) -> str:
        args = list(expr.args)
        sign = ""
        if args[0].is_Number and args[0].is_negative:
            sign = "-"
            rest = args[1:]
            args = rest if args[0] == -1 and rest else [-args[0], *rest]
        top, bottom = _split_fraction(args)
        if not bottom:
            return sign + self._product(top)
        if not top:
            top_text = "1"
        elif len(top) == 1 and self.bare_numerator:
            top_text = self._print(top[0])
        else:
            top_text = self._product(top)
        if len(bottom) == 1 and self.bare_numerator:  # \frac needs no brackets
            bottom_text = self._print(bottom[0])
        else:
            bottom_text = self._product(bottom)
        return sign + self._fraction(top_text, bottom_text, len(bottom) > 1)


def _base_needs_brackets(base: sp.Expr) -> bool:
    return isinstance(base, sp.Add | sp.Mul | sp.Pow) or (
        base.is_Number and (base.is_negative or not base.is_Integer)
    )


class ShapeUnicodePrinter(_ShapeMixin, UnicodePrinter):
    """One-line Unicode of a shape tree, in the order it was written.

    Printed forms of compound nodes are kept in ``cache``: a derivation's lines share the
    terms a step did not touch, so one printer prints each of them once.
    """

    def __init__(self, partial: bool = False) -> None:
        super().__init__()
        self.partial = partial
        self.cache = {}

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        base, exponent = expr.args
        if exponent == sp.S.Half:
            return f"√({self._print(base)})"
        if exponent.is_Rational and exponent.is_negative:
            positive = _positive_power(expr)
            below = self._print(positive)
            if isinstance(positive, sp.Add | sp.Mul):
                below = f"({below})"
            return f"1/{below}"
        base_text = self._print(base)
        if _base_needs_brackets(base):
            base_text = f"({base_text})"
        if exponent.is_Integer and exponent > 1:
            return base_text + str(exponent).translate(_SUPERSCRIPTS)
        exponent_text = self._print(exponent)
        if not (exponent.is_Atom and not exponent.is_negative):
            exponent_text = f"({exponent_text})"
        return f"{base_text}^{exponent_text}"

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        primes = prime_count(expr)
        if primes:
            f = expr.expr
            return f"{f.func}{'′' * primes}({self._print(f.args[0])})"
        operator = _derivative_operator(expr.variables, True)
        if self.partial:
            operator = operator.replace("d", "∂")
        return f"{operator}[{self._print(expr.expr)}]"


def shape_unicode(expr: sp.Expr, *, partial: bool = False) -> str:
    """A shape tree as one line of Unicode, terms and factors in their order;
    ``partial`` writes ∂/∂x for pending derivatives (other symbols held constant)."""
    return ShapeUnicodePrinter(partial).doprint(expr)


class ShapeLatexPrinter(_ShapeMixin, TeachingLatexPrinter):
    """LaTeX of a shape tree, in the order it was written."""

    times = r" \cdot "
    juxtapose = " "
    bare_numerator = True

    def __init__(self, partial: bool = False) -> None:
        super().__init__({"order": "none"})
        self.partial = partial
        self.cache = {}

    def doprint(self, expr: sp.Basic) -> str:
        return _GLUED_DIGIT.sub(r"} \\cdot ", super().doprint(expr))

    def _paren(self, text: str) -> str:
        return rf"\left({text}\right)"

    def _glue(self, left: str, right: str, left_expr: sp.Expr, right_expr: sp.Expr) -> str:
        r"""Juxtaposition, with \cdot before a number, a sign or a pending derivative."""
        if (
            right[:1].isdigit()
            or right.startswith("-")
            or isinstance(left_expr, sp.Derivative)
            or isinstance(right_expr, sp.Derivative)
        ):
            return f"{left}{self.times}{right}"
        return f"{left} {right}"

    def _fraction(self, top: str, bottom: str, compound: bool) -> str:
        return rf"\frac{{{top}}}{{{bottom}}}"

    def _print_Pow(self, expr: sp.Pow, exp: str | None = None) -> str:
        base, exponent = expr.args
        if exponent == sp.S.Half:
            return rf"\sqrt{{{self._print(base)}}}"
        if exponent.is_Rational and exponent.is_negative:
            return rf"\frac{{1}}{{{self._print(_positive_power(expr))}}}"
        base_text = self._print(base)
        if _base_needs_brackets(base) or isinstance(base, sp.Function):
            base_text = self._paren(base_text)
        return f"{base_text}^{{{self._print(exponent)}}}"

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        text = super()._print_Derivative(expr)
        if self.partial and not prime_count(expr):
            text = text.replace(r"\frac{d}{d", r"\frac{\partial}{\partial ")
            text = re.sub(r"\\frac\{d\^\{(\d+)\}\}\{d", r"\\frac{\\partial^{\1}}{\\partial ", text)
        return text


def shape_latex(expr: sp.Expr, *, partial: bool = False) -> str:
    """A shape tree as LaTeX, terms and factors in their order."""
    return ShapeLatexPrinter(partial).doprint(expr)


def teacher_unicode(expr: sp.Expr, *, partial: bool = False) -> str:
    """An evaluated SymPy expression in the derivations' presentation: SymPy's printed
    order, a number first, a positive term first, 2(3x + 1), 1/x² (for results that
    other modules print beside a derivation)."""
    if not _shapeable(expr):
        return unicode_str(expr)
    return shape_unicode(shaped(expr), partial=partial)


def teacher_latex(expr: sp.Expr, *, partial: bool = False) -> str:
    """:func:`teacher_unicode` in LaTeX."""
    if not _shapeable(expr):
        return latex_str(expr)
    return shape_latex(shaped(expr), partial=partial)


def _shapeable(expr: object) -> bool:
    """An expression a shape tree can stand for (not a matrix, relation or plain number)."""
    return isinstance(expr, sp.Expr) and not isinstance(expr, sp.MatrixBase)
