"""Tests for symderiv.numeric: the safe mpmath evaluator."""

from __future__ import annotations

import threading
import time

import mpmath
import pytest
import sympy as sp

from symderiv.errors import SymderivError
from symderiv.functions import relu, sigmoid, softplus
from symderiv.numeric import (
    MagnitudeError,
    NotRealError,
    NumericError,
    describe_number,
    evaluate,
    is_evaluable,
    kink_arguments,
    local_context,
    log2_abs,
    numeric_function,
)

x, y = sp.symbols("x y")
f = sp.Function("f")

# Rational sample values: SymPy substitutes them exactly, so sympy.N(..., 40) is a
# reference good to 40 digits.
X_VALUES = [sp.Rational(73, 100), sp.Rational(-61, 100), sp.Rational(237, 100)]
Y_VALUE = sp.Rational(37, 100)

EXPRESSIONS = [
    x**3 - 2 * x + sp.Rational(1, 3),
    sp.sin(x) * sp.cos(2 * x) + sp.tan(x / 3),
    sp.exp(-(x**2)) / sp.sqrt(2 * sp.pi),
    sp.log(x**2 + 1),
    sp.log(sp.Abs(x), 2),
    sp.sqrt(x**2 + y),
    sigmoid(x),
    sigmoid(3 * x - 1),
    softplus(x),
    softplus(-2 * x),
    relu(x),
    relu(x - y),
    sp.Abs(x) * x,
    sp.tanh(x) + sp.sinh(x) - sp.cosh(x),
    sp.asin(x / 3) + sp.acos(x / 4) + sp.atan(x),
    sp.acot(x) + sp.sec(x) + sp.csc(x) + sp.cot(x),
    sp.asinh(x) + sp.atanh(x / 3) + sp.acosh(x**2 + 1),
    sp.erf(x) + sp.gamma(x + 3),
    (x**2 + 1) ** (x + y),
    (x**2) ** sp.Rational(1, 3),
    sp.Max(x, y, 1 - x) + sp.Min(x, y),
    sp.Piecewise((x**2, x < 0), (sp.sin(x), True)),
    sp.sign(x) * sp.E + sp.Heaviside(x) * sp.pi + sp.EulerGamma,
    x * y / (1 + x**2) - sp.Float("0.125", 50) * y,
]


@pytest.mark.parametrize("expr", EXPRESSIONS, ids=str)
@pytest.mark.parametrize("xv", X_VALUES, ids=str)
def test_evaluate_matches_sympy_at_40_digits(expr: sp.Expr, xv: sp.Rational) -> None:
    reference = sp.N(expr.subs({x: xv, y: Y_VALUE}), 40)
    assert reference.is_real
    with mpmath.workdps(45):
        got = evaluate(expr, {x: mpmath.mpf(xv.p) / xv.q, y: mpmath.mpf(Y_VALUE.p) / Y_VALUE.q})
        ref = mpmath.mpf(sp.Float(reference, 40)._mpf_)
        err = abs(got - ref) / max(abs(ref), mpmath.mpf(10) ** -30)
    assert err < mpmath.mpf(10) ** -35, (expr, xv, got, ref)


def test_result_is_mpf_at_current_precision() -> None:
    with mpmath.workdps(60):
        value = evaluate(sp.sqrt(2) * sp.pi * x, {x: 1})
        assert isinstance(value, mpmath.mpf)
        assert abs(value - mpmath.sqrt(2) * mpmath.pi) < mpmath.mpf(10) ** -58


def test_cached_constants_follow_the_precision() -> None:
    expr = sp.sqrt(2) * x + sp.Rational(1, 3)
    with mpmath.workdps(15):
        low = evaluate(expr, {x: 1})
    with mpmath.workdps(50):
        high = evaluate(expr, {x: 1})
        exact = mpmath.sqrt(2) + mpmath.mpf(1) / 3
        assert abs(high - exact) < mpmath.mpf(10) ** -48
        assert abs(low - exact) > mpmath.mpf(10) ** -30  # the 15-digit value was not reused


def test_ml_functions_are_stable_for_large_arguments() -> None:
    with mpmath.workdps(30):
        assert evaluate(softplus(x), {x: 1000}) - 1000 < mpmath.mpf(10) ** -400
        assert evaluate(softplus(x), {x: -1000}) > 0
        small = evaluate(sigmoid(x), {x: -1000})
        assert abs(small / mpmath.exp(-1000) - 1) < mpmath.mpf(10) ** -25
        assert evaluate(relu(x), {x: -5}) == 0
        assert evaluate(relu(x), {x: 5}) == 5


def test_float_and_int_values_are_accepted() -> None:
    assert evaluate(x * y, {x: 2, y: 0.5}) == 1


@pytest.mark.parametrize(
    ("expr", "values", "fragment"),
    [
        (sp.log(x), {x: -1}, "log"),
        (sp.log(-1, evaluate=False), {}, "log"),
        (sp.Pow(-1, sp.S.Half, evaluate=False), {}, "square root"),
        (sp.sqrt(x), {x: -1}, "square root"),
        (1 / x, {x: 0}, "division by zero"),
        (sp.Pow(0, -1, evaluate=False), {}, "division by zero"),
        (x ** sp.Rational(1, 3), {x: -8}, "not real"),
        (x**y, {x: -2, y: 0.5}, "not real"),
        (sp.asin(x), {x: 2}, "not real"),
        (sp.gamma(x), {x: -1}, "gamma"),
        (sp.Heaviside(x), {x: 0}, "Heaviside"),
        (sp.log(x), {x: 0}, "log"),
        (sp.zoo, {}, "zoo"),
        (sp.I * x, {x: 1}, "imaginary"),
        (f(x), {x: 1}, "undefined function"),
        (sp.sin(f(x)), {x: 1}, "f(x)"),
        (sp.Derivative(f(x), x), {x: 1}, "derivative"),
        (sp.Subs(f(x), x, 1), {}, "substitution"),
        (sp.Integral(x, x), {x: 1}, "Integral"),
        (x + y, {x: 1}, "no value"),
    ],
)
def test_evaluate_refuses_what_is_not_a_finite_real(
    expr: sp.Expr, values: dict[sp.Symbol, float], fragment: str
) -> None:
    with pytest.raises(NumericError) as info:
        evaluate(expr, values)
    assert fragment.lower() in str(info.value).lower()
    assert isinstance(info.value, SymderivError)


def test_is_evaluable() -> None:
    assert is_evaluable(sp.sin(x) * sigmoid(x) + sp.log(x, 2)) == (True, "")
    ok, why = is_evaluable(x * f(x))
    assert not ok and "f(x)" in why and "undefined" in why
    ok, why = is_evaluable(sp.Derivative(f(x), x) + 1)
    assert not ok and "derivative" in why
    assert is_evaluable(sp.log(x))[0]  # evaluable as a tree, even if not real everywhere


def test_numeric_function() -> None:
    fn = numeric_function(x**2 * y, [x], {y: 3})
    assert fn(mpmath.mpf(2)) == 12
    fn2 = numeric_function(x - y, [y, x])
    assert fn2(1, 5) == 4
    with pytest.raises(NumericError, match="y"):
        numeric_function(x * y, [x])
    with pytest.raises(NumericError, match="undefined"):
        numeric_function(f(x), [x])
    with pytest.raises(TypeError):
        fn2(1)


def test_numeric_function_works_with_mpmath_diff() -> None:
    fn = numeric_function(sp.sin(x**2), [x])
    with mpmath.workdps(30):
        d = mpmath.diff(fn, mpmath.mpf("0.7"))
        exact = 2 * mpmath.mpf("0.7") * mpmath.cos(mpmath.mpf("0.49"))
        assert abs(d - exact) < mpmath.mpf(10) ** -28


def test_kink_arguments() -> None:
    found = kink_arguments(sp.Abs(x - 1) + relu(y) + sp.Max(x, 0) + sp.Heaviside(2 - x))
    assert set(found) == {x - 1, y, -x, 2 - x}
    assert kink_arguments(sp.Piecewise((x, x < 3), (0, True))) == [x - 3]
    assert kink_arguments(sp.sin(x)) == []


# --------------------------------------------------------------------------- bounds


def _cpu(fn):  # type: ignore[no-untyped-def]
    start = time.thread_time()
    try:
        fn()
    except NumericError as exc:
        return exc, time.thread_time() - start
    return None, time.thread_time() - start


def _tower(height: int) -> sp.Expr:
    tower = x
    for _ in range(height - 1):
        tower = x**tower
    return tower


@pytest.mark.parametrize(
    ("expr", "value"),
    [
        (sp.sin(sp.exp(x**50)), 1.5),  # sin of e^(6e8): pi to 10^9 bits for the reduction
        (sp.exp(sp.exp(sp.exp(sp.exp(sp.exp(x))))), 2),
        (_tower(8), 3),  # issue 16 item 24: MemoryError in the evaluator
        (x ** (sp.Integer(10) ** 100), 3),
        (sp.factorial(x), 10**9),
        (sp.erfi(x), 10**8),
        ((-1) ** (x**x**x), 5),
    ],
    ids=str,
)
def test_issue17_1_magnitudes_are_refused_before_they_are_computed(
    expr: sp.Expr, value: float
) -> None:
    with mpmath.workdps(30):
        error, seconds = _cpu(lambda: evaluate(expr, {x: value}))
    assert seconds < 0.5
    if error is not None:
        assert isinstance(error, MagnitudeError)
        assert "too large" in str(error) and len(str(error)) < 200


def test_issue17_1_huge_numbers_are_described_without_expanding_them() -> None:
    ctx = local_context()
    huge = ctx.exp(ctx.mpf(10) ** 15)
    assert log2_abs(huge) == pytest.approx(1.4426950408889634e15)
    assert describe_number(huge) == "about 10^434294481903252"
    assert describe_number(-1 / huge) == "-about 10^-434294481903252"
    assert describe_number(ctx.mpf(2) / 3, 4) == "0.6667"


def test_issue17_4_complex_intermediates_when_the_value_is_real() -> None:
    expr = sp.Abs(sp.sqrt(x))
    with pytest.raises(NotRealError, match="square root"):
        evaluate(expr, {x: -4})
    assert evaluate(expr, {x: -4}, through_complex=True) == 2
    assert evaluate(sp.sqrt(x) ** 2, {x: -3}, through_complex=True) == -3
    assert evaluate(sp.sign(sp.sqrt(x)) / sp.sqrt(x), {x: -4}, through_complex=True) == 0.5
    with pytest.raises(NotRealError):  # the value itself is not real
        evaluate(sp.sqrt(x), {x: -4}, through_complex=True)
    with pytest.raises(NotRealError):  # an order needs real arguments
        evaluate(relu(sp.sqrt(x)), {x: -4}, through_complex=True)


def test_issue17_6_contexts_are_private_to_a_thread() -> None:
    seen: dict[str, object] = {}

    def run(name: str) -> None:
        seen[name] = local_context()

    threads = [threading.Thread(target=run, args=(n,)) for n in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen["a"] is not seen["b"] and local_context() not in seen.values()
    ctx = local_context()
    fn = numeric_function(sp.pi * x, [x], ctx=ctx)
    with ctx.workdps(50), mpmath.workdps(10):
        value = fn(1)
        assert isinstance(value, ctx.mpf)
        assert abs(value - ctx.pi) < ctx.mpf(10) ** -48
