"""The plotting evaluator: SymPy trees to NumPy, NaN where not real or not finite."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

import symderiv as sd
from symderiv.plot.evaluate import PlotError, compile_expression, evaluate

x, y = sp.symbols("x y")
POINTS = [-2.5, -0.7, 0.3, 0.9, 1.6, 3.2]

FUNCTIONS = [
    "x^2 sin(x) + 3",
    "e^(-x^2/2)",
    "ln(x^2 + 1) / (x + 4)",
    "sigmoid(2x - 1)",
    "softplus(x)",
    "relu(x - 1) + Abs(x)",
    "tan(x) + cot(x)",
    "sec(x) csc(x)",
    "atan(x) + acot(x)",
    "asinh(x) + tanh(x) + cosh(x) - sinh(x)",
    "coth(x) + sech(x) + csch(x)",
    "2^x + x^(-3)",
    "sqrt(x^2 + 1)",
    "sign(x) + Heaviside(x)",
]


def sympy_value(expr: sp.Expr, at: float) -> float:
    value = complex(expr.subs(x, sp.Float(at, 30)).evalf(30))
    return value.real if abs(value.imag) < 1e-12 and math.isfinite(value.real) else math.nan


@pytest.mark.parametrize("text", FUNCTIONS)
def test_values_agree_with_sympy(text: str) -> None:
    expr = sd.parse(text)
    got = compile_expression(expr, (x,))(np.array(POINTS))
    want = np.array([sympy_value(expr, p) for p in POINTS])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("asin(x) + acos(x)", 0.4),
        ("asec(x)", -2.0),
        ("acsc(x)", 3.0),
        ("acosh(x)", 2.0),
        ("atanh(x)", -0.5),
        ("acoth(x)", 2.0),
        ("asech(x)", 0.5),
        ("acsch(x)", -1.5),
    ],
)
def test_inverse_functions_take_sympys_branch(text: str, at: float) -> None:
    expr = sd.parse(text)
    got = compile_expression(expr, (x,))(np.array([at]))[0]
    assert got == pytest.approx(sympy_value(expr, at), rel=1e-12)


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("ln(x)", -1.0),
        ("sqrt(x)", -4.0),
        ("x^(1/3)", -8.0),
        ("asin(x)", 2.0),
        ("1/x", 0.0),
        ("e^x", 1000.0),
        ("ln(x)", 0.0),
        ("acosh(x)", 0.5),
    ],
)
def test_non_real_and_non_finite_values_are_nan(text: str, at: float) -> None:
    # SymPy's x^(1/3) at −8 is the principal (complex) root, so it is not drawn either.
    assert math.isnan(compile_expression(sd.parse(text), (x,))(np.array([at]))[0])


def test_piecewise_and_two_variables_broadcast() -> None:
    pw = sp.Piecewise((x**2, x < 0), (x, True))
    got = compile_expression(pw, (x,))(np.array([-2.0, 0.0, 3.0]))
    assert got.tolist() == [4.0, 0.0, 3.0]
    grid = evaluate(x**2 + 3 * x * y + y**2, {x: np.array([[1.0], [2.0]]), y: np.array([2.0])})
    assert grid.tolist() == [[11.0], [20.0]]


def test_sigmoid_does_not_overflow() -> None:
    got = compile_expression(sd.sigmoid(x), (x,))(np.array([-800.0, 800.0]))
    assert got.tolist() == [0.0, 1.0]


def test_refuses_text_unknown_functions_and_missing_values() -> None:
    with pytest.raises(PlotError, match="SymPy expression"):
        compile_expression("__import__('os')", (x,))
    with pytest.raises(PlotError, match="no numeric form"):
        compile_expression(sp.gamma(x), (x,))
    with pytest.raises(PlotError, match="y has no value"):
        compile_expression(x + y, (x,))
