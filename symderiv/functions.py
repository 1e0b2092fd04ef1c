"""Machine-learning functions as SymPy functions.

Each class knows its own derivative (``fdiff``), how to rewrite itself in elementary
functions (``rewrite(exp)``), and how to evaluate numerically, so SymPy, mpmath and the
rule engine all treat it like ``sin`` or ``exp``.

>>> from sympy import Symbol
>>> x = Symbol("x")
>>> sigmoid(x).diff(x)
(1 - sigmoid(x))*sigmoid(x)
>>> softplus(0).rewrite("exp")
log(2)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mpmath
import sympy as sp


def _is_exact_zero(arg: sp.Expr) -> bool:
    """True only for a literal zero: a structural test, never SymPy's assumption system.

    ``arg.is_zero`` on a number such as ``sigmoid(asin(2))`` evaluates it numerically, and
    nested applications compound that cost level by level (seconds at depth four).
    """
    return bool(arg.is_Number) and not arg


def _evalf_with(
    function: sp.Function, prec: int, formula: Callable[[Any, Any], Any]
) -> sp.Expr | None:
    """Numeric value of ``function`` at binary precision ``prec``: the argument's value, then
    ``formula(ctx, z)`` in a private mpmath context.

    One evaluation per level, in the caller's thread: no symbolic rewrite (SymPy re-checks
    the precision of every nested rewritten level, exponentially in depth) and no change
    to mpmath's global precision.
    """
    value = function.args[0]._eval_evalf(prec)
    if value is None or not value.is_number:
        return None
    real, imag = value.as_real_imag()
    if not (real.is_Float or real.is_Rational) or not (imag.is_Float or imag.is_Rational):
        return None
    ctx = mpmath.MPContext()
    ctx.prec = prec + 10

    def number(part: sp.Expr) -> Any:  # exactly, in ctx (not mpmath's global context)
        return ctx.mpf(part.p) / part.q if part.is_Rational else ctx.make_mpf(part._mpf_)

    z = ctx.mpc(number(real), number(imag)) if imag else number(real)
    return sp.Expr._from_mpmath(formula(ctx, z), prec)


def _with_power(text: str, exp: str | None) -> str:
    """LaTeX of f(u), raised to ``exp`` when SymPy prints a power of it (σ(u)²)."""
    return text if exp is None else "%s^{%s}" % (text, exp)


class sigmoid(sp.Function):
    """The logistic sigmoid σ(x) = 1 / (1 + e^(−x))."""

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        return sigmoid(self.args[0]) * (1 - sigmoid(self.args[0]))

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        if _is_exact_zero(arg):
            return sp.Rational(1, 2)
        return None

    def _eval_rewrite_as_exp(self, arg: sp.Expr, **kwargs: object) -> sp.Expr:
        return 1 / (1 + sp.exp(-arg))

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        return _evalf_with(self, prec, lambda ctx, z: 1 / (1 + ctx.exp(-z)))

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _latex(self, printer: sp.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        return _with_power(r"\sigma\left(%s\right)" % printer._print(self.args[0]), exp)


class softplus(sp.Function):
    """softplus(x) = ln(1 + e^x), a smooth ReLU."""

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        return sigmoid(self.args[0])

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        if _is_exact_zero(arg):
            return sp.log(2)
        return None

    def _eval_rewrite_as_exp(self, arg: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.log(1 + sp.exp(arg))

    _eval_rewrite_as_log = _eval_rewrite_as_exp

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        return _evalf_with(self, prec, lambda ctx, z: ctx.log1p(ctx.exp(z)))

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _latex(self, printer: sp.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        text = r"\operatorname{softplus}\left(%s\right)" % printer._print(self.args[0])
        return _with_power(text, exp)


class relu(sp.Function):
    """ReLU(x) = max(0, x); its derivative is the Heaviside step H(x) (undefined at 0)."""

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        return sp.Heaviside(self.args[0])

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        # Only literal numbers: deciding the sign of relu(asin(2)) or relu(pi - 22/7) would
        # need numeric evaluation, which automatic evaluation must never do.
        if arg.is_Rational or arg.is_Float:
            return sp.Max(0, arg)
        return None

    def _eval_rewrite_as_Max(self, arg: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.Max(0, arg)

    def _eval_rewrite_as_Piecewise(self, arg: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.Piecewise((0, arg < 0), (arg, True))

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        value = self.args[0]._eval_evalf(prec)
        if value is None or not value.is_Float:
            return None  # not a real number (relu(asin(2))): ReLU has no value there
        return value if value > 0 else sp.Float(0, precision=prec)

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _latex(self, printer: sp.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        text = r"\operatorname{ReLU}\left(%s\right)" % printer._print(self.args[0])
        return _with_power(text, exp)


#: Our functions by the names users type.
ML_FUNCTIONS: dict[str, type[sp.Function]] = {
    "sigmoid": sigmoid,
    "softplus": softplus,
    "relu": relu,
}


def to_elementary(expr: sp.Expr) -> sp.Expr:
    """Rewrite our ML functions in elementary terms (``exp``, ``log``, ``Max``)."""
    return expr.replace(
        lambda e: isinstance(e, sigmoid | softplus), lambda e: e.rewrite(sp.exp)
    ).replace(lambda e: isinstance(e, relu), lambda e: sp.Max(0, e.args[0]))
