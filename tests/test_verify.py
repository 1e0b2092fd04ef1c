"""Tests for symderiv.verify: the independent numeric cross-checks."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable

import mpmath
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


# --------------------------------------------------------------------------- extreme input


def _cpu_seconds(fn: Callable[[], object]) -> tuple[object, float]:
    start = time.thread_time()
    value = fn()
    return value, time.thread_time() - start


@pytest.mark.parametrize(
    "expr",
    [sp.sin(sp.exp(x**50)), sp.exp(sp.exp(sp.exp(sp.exp(sp.exp(x)))))],
    ids=str,
)
def test_issue17_1_hostile_magnitudes_are_bounded(expr: sp.Expr) -> None:
    # Both hung inside one mpmath call (> 30 s, > 60 s): now magnitudes are estimated first
    # and points whose values are out of range are skipped.
    v, seconds = _cpu_seconds(lambda: verify_derivative(expr, x, sp.diff(expr, x)))
    assert seconds < 5
    assert v.ok is True, v.reason


def test_issue17_1_wrong_result_with_huge_values_is_reported_briefly() -> None:
    expr = sp.exp(sp.exp(sp.exp(sp.exp(x))))
    v = verify_derivative(expr, x, 2 * sp.diff(expr, x))
    assert v.ok is False
    assert len(v.reason) < 400


def test_issue17_1_no_usable_point_says_why() -> None:
    expr = sp.sin(sp.exp(sp.exp(x**2 + 20)))  # exp(exp(20+)) is beyond every bound
    v = verify_derivative(expr, x, sp.diff(expr, x))
    assert v.ok is None
    assert "too large" in v.reason and "bounded work" in v.reason


def test_issue17_4_abs_of_sqrt_is_checked_where_the_function_is_real() -> None:
    expr = sp.Abs(sp.sqrt(x))
    wrong = sp.sign(sp.sqrt(x)) / (2 * sp.sqrt(x))  # what the engine said: +1/2 at x = -1
    v = verify_derivative(expr, x, wrong)
    assert v.ok is False, v.reason
    assert "x = -" in v.reason
    right = sp.sign(x) / (2 * sp.sqrt(sp.Abs(x)))  # d/dx sqrt|x|
    v = verify_derivative(expr, x, right)
    assert v.ok is True, v.reason
    assert any(p < 0 for p in v.points)


@pytest.mark.parametrize(
    "expr",
    [
        sp.tanh(20 * x),
        x + sp.Integer(10) ** 99,
        sp.exp(sp.exp(sp.exp(sp.exp(x)))),
        sp.tanh(7 * sp.E * x),
        sp.tanh(7 * sp.E * (x**2 + sp.Rational(5, 2))),  # derivative below 1e-40 everywhere
        (x + 1) ** 1000,
        (sp.Integer(10) ** 99 + x) ** 1000,
        sp.Integer(10) ** -30 * x,
    ],
    ids=str,
)
def test_issue17_5_and_16_28_correct_results_never_fail(expr: sp.Expr) -> None:
    v, seconds = _cpu_seconds(lambda: verify_derivative(expr, x, sp.diff(expr, x)))
    assert v.ok is True, v.reason
    assert seconds < 5


@pytest.mark.parametrize(
    ("expr", "wrong"),
    [
        (x + sp.Integer(10) ** 99, sp.Integer(0)),
        (sp.Integer(10) ** -30 * x, sp.Integer(0)),
        (sp.tanh(20 * x), 20 * sp.tanh(20 * x) ** 2),
        ((sp.Integer(10) ** 99 + x) ** 1000, 999 * (sp.Integer(10) ** 99 + x) ** 999),
    ],
    ids=str,
)
def test_issue17_5_wrong_results_still_fail_at_extreme_magnitudes(
    expr: sp.Expr, wrong: sp.Expr
) -> None:
    assert verify_derivative(expr, x, wrong).ok is False


def test_issue16_24_power_tower_is_bounded() -> None:
    tower = x
    for _ in range(7):
        tower = x**tower
    v, seconds = _cpu_seconds(lambda: verify_derivative(tower, x, sp.diff(tower, x)))
    assert seconds < 5
    assert v.ok is not False, v.reason


def test_issue16_26_large_powers_of_sums_check_fast() -> None:
    for expr in ((x + 1) ** 1000, (sp.Integer(10) ** 99 + x) ** 1000):
        v, seconds = _cpu_seconds(lambda e=expr: verify_derivative(e, x, 1000 * e / (e.base)))
        assert v.ok is True and seconds < 1


def test_issue18_3_budget_counts_cpu_time_of_this_thread() -> None:
    # Sleeping is not work: a check started after a long wall-clock pause is unaffected,
    # and a budget of 0 says the budget cut the check short, after how many points.
    v = verify_derivative(sp.sin(x), x, sp.cos(x), time_budget=0.0)
    assert v.ok is None
    assert "cut short by its CPU-time budget (0 s) after 0 of 3 points" in v.reason


def test_issue17_6_checks_are_thread_safe() -> None:
    # mpmath.workdps changes the process-wide context; each check now uses its own.
    cases = [
        (sp.sin(x**2), sp.diff(sp.sin(x**2), x)),
        (sp.tanh(20 * x), sp.diff(sp.tanh(20 * x), x)),
        (x**x, sp.diff(x**x, x)),
        (sp.exp(sp.exp(x)) / x, sp.diff(sp.exp(sp.exp(x)) / x, x)),
    ]
    wrong = (sp.sin(3 * x), sp.cos(3 * x))
    failures: list[str] = []

    def work(k: int) -> None:
        try:
            checks(k)
        except Exception as exc:  # a thread's exception must fail the test
            failures.append(repr(exc))

    def checks(k: int) -> None:
        for i in range(6):
            expr, result = cases[(k + i) % len(cases)]
            v = verify_derivative(expr, x, result, seed=k)
            if v.ok is not True:
                failures.append(f"{expr}: {v.reason}")
            if verify_derivative(wrong[0], x, wrong[1], seed=k).ok is not False:
                failures.append("wrong result passed")
            with mpmath.workdps(5 + 3 * k):  # other code changing the global precision
                mpmath.mpf(1) / 3

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert failures == []


# --------------------------------------------------------------------------- cheaper checks


@pytest.mark.parametrize(
    ("expr", "edges"),
    [
        (x**2 * sp.sin(3 * x), False),
        (sigmoid(x) * (1 - sigmoid(x)), False),
        (sp.exp(-(x**2)) + sp.tanh(2 * x + 1) + softplus(x) + sp.atan(x) + 2**x, False),
        (1 / x, False),  # a pole only where x = 0, never sampled
        (1 / (x - 2), True),
        (sp.log(x**2 + 1), False),  # of something positive everywhere
        (sp.sqrt(x**2 + 1) + 1 / (1 + sp.exp(-x)) + (4 * x**2 + 1) ** -1, False),
        (sp.log(x**2 - 1), True),
        (sp.sqrt(x**2 + x), True),
        (1 / (x**2 + sp.sin(x)), True),
        (sp.sqrt(x), False),
        (sp.sqrt(1 - x**2), True),
        (x**x, False),
        (sp.log(2 * x * y) + (x * y) ** sp.Rational(1, 3), False),
        ((x + 1) ** x, True),
        (sp.tan(x), True),
        (sp.Abs(x), True),
        ((-2) ** x, True),
        (f(x), True),
    ],
)
def test_has_edges_is_false_only_for_functions_smooth_at_every_real_point(expr, edges):
    from symderiv.numeric_domain import has_edges

    assert has_edges(expr) is edges


def test_the_first_difference_is_mpmath_diff_to_the_last_bit():
    from symderiv.numeric import local_context, numeric_function
    from symderiv.verify import _first_difference

    ctx = local_context()
    for expr in (sp.sin(3 * x), sp.exp(x**2), x**3 * sp.log(x), sp.atan(x) / x):
        fn = numeric_function(expr, [x], ctx=ctx)
        for digits, point, addprec in ((30, 0.7, 12), (60, 2.3, 40), (30, 0.013, 11)):
            with ctx.workdps(digits):
                at = ctx.mpf(point)
                for direction in (0, 1, -1):
                    ours = _first_difference(fn, at, direction, addprec)
                    theirs = ctx.diff(fn, at, 1, direction=direction, addprec=addprec)
                    assert ours._mpf_ == theirs._mpf_, (expr, point, direction)


@pytest.mark.parametrize(
    ("expr", "wrong"),
    [
        (sp.sin(3 * x), sp.cos(3 * x)),  # no edges: the stencil is skipped
        (sp.log(x), 1 / x**2),  # edges: half the candidates are not real
        (x**x, x**x * sp.log(x)),
    ],
)
def test_skipping_the_stencil_or_reusing_screen_values_still_fails_wrong_results(expr, wrong):
    assert verify_derivative(expr, x, sp.diff(expr, x)).ok is True
    bad = verify_derivative(expr, x, wrong)
    assert bad.ok is False, bad.reason
