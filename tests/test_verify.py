"""Tests for symderiv.verify: the independent numeric cross-checks."""

from __future__ import annotations

import pytest
import sympy as sp

from symderiv.functions import relu, sigmoid, softplus
from symderiv.steps import Verification
from symderiv.verify import tolerance_for, verify_derivative, verify_equal, verify_partials

x, y, w, b = sp.symbols("x y w b")
xr = sp.Symbol("x", real=True)
f = sp.Function("f")

CORRECT = [
    (sp.sin(x**2), x, 1),
    (1 / x, x, 1),
    (sp.log(x), x, 1),
    (sp.sqrt(x), x, 1),
    (sp.asin(x), x, 1),
    (x**x, x, 1),
    (sp.Abs(xr), xr, 1),
    (relu(x), x, 1),
    (sigmoid(x), x, 1),
    (softplus(3 * x), x, 1),
    (sp.tanh(x) * sp.exp(-x), x, 1),
    (w * x + b, w, 1),
    (sigmoid(w * x + b), x, 1),
    (sp.sin(x) * sp.exp(x), x, 2),
    (sp.tan(x), x, 3),
    (sp.log(x) / x, x, 2),
    (x**2 * sp.Abs(xr), xr, 2),
    (sp.acos(2 * x) + sp.atan(x), x, 1),
]


@pytest.mark.parametrize(("expr", "var", "order"), CORRECT, ids=lambda c: str(c))
def test_correct_derivatives_pass(expr: sp.Expr, var: sp.Symbol, order: int) -> None:
    result = sp.diff(expr, var, order)
    v = verify_derivative(expr, var, result, order)
    assert isinstance(v, Verification)
    assert v.ok is True, v.reason
    assert v.max_rel_error is not None and v.max_rel_error < 1e-20
    assert v.digits == 30 and v.tolerance == 1e-20
    assert len(v.points) == 3 and all(isinstance(p, float) for p in v.points)


def test_points_lie_in_the_real_domain() -> None:
    assert all(p > 0 for p in verify_derivative(sp.log(x), x, 1 / x).points)
    assert all(-1 < p < 1 for p in verify_derivative(sp.asin(x), x, sp.diff(sp.asin(x))).points)


def test_parameters_are_held_fixed_and_reported() -> None:
    v = verify_derivative(w * x + b, w, x)
    assert v.ok is True
    assert "b = " in v.reason and "x = " in v.reason


def test_thirty_factor_product() -> None:
    product = sp.Mul(*[x + k for k in range(30)])
    v = verify_derivative(product, x, sp.diff(product, x))
    assert v.ok is True, v.reason
    wrong = sp.diff(product, x) - sp.Mul(*[x + k for k in range(1, 30)])  # a term dropped
    assert verify_derivative(product, x, wrong).ok is False


WRONG = [
    (sp.sin(3 * x), sp.cos(3 * x)),  # dropped chain factor
    (sp.cos(x), sp.sin(x)),  # sign error
    (x**3, 2 * x**2),  # off by a constant factor
    (x**2 + sp.sin(x), 2 * x),  # missing term
    (sp.exp(x**2), sp.exp(x**2)),  # dropped chain factor
    (sp.log(x), 1 / x + 1e-12),  # tiny but wrong
    (sp.Abs(xr), sp.Integer(1)),  # ignores the negative side
    (relu(x), sp.Integer(1)),
    (relu(x), sp.Integer(0)),  # right on the negative side only
    (sp.Abs(xr), -sp.Integer(1)),
    (sp.Max(x, x**2), 2 * x),  # right where x**2 wins only
]


@pytest.mark.parametrize(("expr", "result"), WRONG, ids=str)
def test_wrong_derivatives_fail(expr: sp.Expr, result: sp.Expr) -> None:
    var = next(iter(expr.free_symbols))
    v = verify_derivative(expr, var, result)
    assert v.ok is False
    assert v.max_rel_error is not None and v.max_rel_error > 1e-15
    # a failure is confirmed at double precision, where both sides settled, before it is
    # declared; the tolerance is the pass bar, the same at every precision
    assert v.digits == 60 and v.tolerance == 1e-20
    assert "at 60 digits" in v.reason
    assert "at " in v.reason and "relative error" in v.reason


def test_wrong_order_fails() -> None:
    assert verify_derivative(x**4, x, 12 * x**2, 3).ok is False
    assert verify_derivative(x**4, x, 24 * x, 3).ok is True


def test_undefined_function_cannot_be_checked() -> None:
    v = verify_derivative(x * f(x), x, f(x) + x * sp.Derivative(f(x), x))
    assert v.ok is None
    assert "f(x)" in v.reason and "undefined" in v.reason
    v = verify_derivative(x**2, x, sp.Derivative(x**2, x))
    assert v.ok is None and "result" in v.reason


def test_function_never_real() -> None:
    expr = sp.sqrt(-1 - x**2)
    v = verify_derivative(expr, x, sp.diff(expr, x))
    assert v.ok is None
    assert "not real" in v.reason
    assert v.points == ()


def test_time_budget() -> None:
    v = verify_derivative(sp.sin(x), x, sp.cos(x), time_budget=0.0)
    assert v.ok is None and "time budget" in v.reason


def test_one_sided_differences_for_kinks() -> None:
    v = verify_derivative(sp.Abs(xr), xr, sp.sign(xr))
    assert v.ok is True and "one-sided" in v.method
    assert "central" in verify_derivative(sp.sin(x), x, sp.cos(x)).method
    assert "one-sided" in verify_derivative(relu(x), x, sp.Heaviside(x)).method


def test_seed_changes_points_and_is_reproducible() -> None:
    a = verify_derivative(sp.sin(x), x, sp.cos(x), seed=1)
    assert a == verify_derivative(sp.sin(x), x, sp.cos(x), seed=1)
    assert a.points != verify_derivative(sp.sin(x), x, sp.cos(x), seed=2).points


def test_round_off_alone_never_fails() -> None:
    # A correct result written with heavy cancellation (16 digits lost): fails the
    # 30-digit threshold, passes on the retry at 60 digits.
    n = sp.Integer(10) ** 8
    cancelling = sp.Add((x + n) ** 2, -(n**2), -2 * n * x, evaluate=False)
    v = verify_derivative(x**3 / 3, x, cancelling)
    assert v.ok is True and v.digits == 60


def test_verification_is_jsonable() -> None:
    d = verify_derivative(sp.sin(x), x, sp.cos(x)).to_dict()
    assert d["ok"] is True and len(d["points"]) == 3


# --------------------------------------------------------------------------- partials

F = x**2 * y + sp.sin(x * y)


def test_gradient_passes() -> None:
    v = verify_partials(F, [x, y], {(x,): F.diff(x), (y,): F.diff(y)})
    assert v.ok is True, v.reason
    assert v.max_rel_error is not None and v.max_rel_error < 1e-20
    assert all(isinstance(p, dict) and set(p) == {"x", "y"} for p in v.points)


def test_hessian_passes() -> None:
    hessian = {(a, c): F.diff(a, c) for a in (x, y) for c in (x, y)}
    v = verify_partials(F, [x, y], hessian)
    assert v.ok is True, v.reason


def test_wrong_mixed_partial_fails() -> None:
    hessian = {(a, c): F.diff(a, c) for a in (x, y) for c in (x, y)}
    hessian[(x, y)] = 2 * x + sp.cos(x * y)  # forgot the product rule inside sin(xy)
    v = verify_partials(F, [x, y], hessian)
    assert v.ok is False
    assert "∂²f/∂x∂y" in v.reason


def test_partials_domain_and_kinks() -> None:
    g = sp.log(x) * y + sp.Abs(y)
    v = verify_partials(g, [x, y], {(x,): y / x, (x, y): 1 / x, (y,): sp.log(x) + sp.sign(y)})
    assert v.ok is True, v.reason
    assert "one-sided" in v.method
    assert all(p["x"] > 0 for p in v.points)


def test_partials_reject_unknown_variable() -> None:
    with pytest.raises(ValueError):
        verify_partials(F, [x], {(y,): F.diff(y)})


# --------------------------------------------------------------------------- equal


def test_equal_identities() -> None:
    v = verify_equal(sp.sin(2 * x), 2 * sp.sin(x) * sp.cos(x), [x])
    assert v.ok is True and len(v.points) == 8
    assert tolerance_for(30) == v.tolerance


def test_x_and_abs_x_are_not_equal() -> None:
    v = verify_equal(x, sp.Abs(x), [x])
    assert v.ok is False
    assert "second" in v.reason


def test_log_product_on_common_domain() -> None:
    v = verify_equal(sp.log(x * y), sp.log(x) + sp.log(y), [x, y])
    assert v.ok is True, v.reason
    assert all(p["x"] > 0 and p["y"] > 0 for p in v.points)


def test_equal_without_common_domain() -> None:
    v = verify_equal(sp.log(x), sp.log(-x), [x])
    assert v.ok is None and "not real" in v.reason
