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

import sympy as sp


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
        if arg.is_zero:
            return sp.Rational(1, 2)
        return None

    def _eval_rewrite_as_exp(self, arg: sp.Expr, **kwargs: object) -> sp.Expr:
        return 1 / (1 + sp.exp(-arg))

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return self.rewrite(sp.exp)._eval_evalf(prec)

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
        if arg.is_zero:
            return sp.log(2)
        return None

    def _eval_rewrite_as_exp(self, arg: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.log(1 + sp.exp(arg))

    _eval_rewrite_as_log = _eval_rewrite_as_exp

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return self.rewrite(sp.exp)._eval_evalf(prec)

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
        if arg.is_number and arg.is_real:
            return sp.Max(0, arg)
        return None

    def _eval_rewrite_as_Max(self, arg: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.Max(0, arg)

    def _eval_rewrite_as_Piecewise(self, arg: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.Piecewise((0, arg < 0), (arg, True))

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return sp.Max(0, self.args[0])._eval_evalf(prec)

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
