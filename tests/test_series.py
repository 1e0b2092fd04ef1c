"""Taylor mode (symderiv.series) against sympy.series, known values and mpmath."""

from __future__ import annotations

import time

import mpmath
import pytest
import sympy as sp

from symderiv.errors import SymderivError
from symderiv.functions import relu, sigmoid, softplus
from symderiv.series import (
    SeriesError,
    taylor_coefficients,
    taylor_coefficients_multivariate,
    taylor_polynomial,
)

x, y, z, a = sp.symbols("x y z a")
half, third = sp.Rational(1, 2), sp.Rational(1, 3)
nested = sp.sin(sp.exp(sp.cos(x**2)))


def reference(expr: sp.Expr, at: sp.Expr, order: int) -> list[sp.Expr]:
    """Coefficients of (x - at)^k read off sympy.series."""
    h = sp.Dummy("h")
    poly = sp.series(expr, x, at, order + 1).removeO()
    poly = sp.expand(poly.subs(x, h + at))
    return [poly.coeff(h, k) for k in range(order + 1)]


def assert_same(ours: list[sp.Expr], ref: list[sp.Expr]) -> None:
    """Equal to 45 digits (parameters replaced by a rational first)."""
    assert len(ours) == len(ref)
    for k, (c, r) in enumerate(zip(ours, ref, strict=True)):
        diff = (c - r).subs(a, sp.Rational(3, 7))
        assert abs(sp.N(diff, 50)) < sp.Float("1e-45"), (k, c, r)


CASES = [
    (sp.sin(x), 0, 12),
    (sp.cos(x), 1, 6),
    (sp.exp(x), 2, 6),
    (sp.log(1 + x), 0, 8),
    (1 / (1 - x), 0, 8),
    (sp.sqrt(x), 4, 6),
    (sp.log(x), 1, 6),
    (sp.exp(x), 2, 1),
    (x**x, 1, 5),
    (sigmoid(x), 0, 7),
    (softplus(x), 0, 6),
    (sigmoid(x), 1, 3),
    (sp.tanh(x), 0, 9),
    (sp.tan(x), half, 5),
    (sp.atan(x), 0, 9),
    (sp.asin(x), 0, 9),
    (sp.acos(x), third, 4),
    (sp.asinh(x), 1, 4),
    (sp.acosh(x), 2, 4),
    (sp.atanh(x), half, 5),
    (sp.sinh(x), 0, 7),
    (sp.cosh(x), 1, 6),
    (sp.exp(sp.sin(x)), 0, 8),
    (nested, 0, 6),
    (nested, half, 3),
    (1 / (1 + x**2), 0, 12),
    (x**3 - 2 * x, 1, 5),
    ((1 + x) ** third, 0, 6),
    (sp.exp(a * x), 0, 6),
    (sp.exp(a * x), 1, 3),
    (x**a, 1, 3),
    (1 / (a + x), 0, 4),
    (sp.sin(x), 0, 0),
    (sp.sin(x) / x, 0, 8),
    (x / sp.sin(x), 0, 6),
    (2**x, 1, 4),
    (sp.erf(x), 0, 7),
    (sp.log(sp.cos(x)), 0, 8),
    (sp.sqrt(1 + sp.sin(x)), 0, 6),
    (sp.exp(x) * sp.sin(x) / (1 + x), half, 5),
    (sp.cos(x) ** -3, sp.pi / 4, 4),
    (sp.besselj(0, x), 1, 3),  # not built in: SymPy fallback
]


@pytest.mark.parametrize(("expr", "at", "order"), CASES, ids=[f"{e}@{p}:{n}" for e, p, n in CASES])
def test_matches_sympy_series(expr: sp.Expr, at: sp.Expr, order: int) -> None:
    ours = taylor_coefficients(expr, x, at, order)
    assert len(ours) == order + 1
    assert not any(c.has(sp.Float) for c in ours)
    assert_same(ours, reference(expr, sp.sympify(at), order))


def test_known_values_are_exact() -> None:
    assert taylor_coefficients(sp.exp(sp.sin(x)), x, 0, 4) == [1, 1, half, 0, -sp.Rational(1, 8)]
    assert taylor_coefficients(softplus(x), x, 0, 4) == [
        sp.log(2),
        half,
        sp.Rational(1, 8),
        0,
        -sp.Rational(1, 192),
    ]
    assert taylor_coefficients(sp.exp(a * x), x, 0, 3) == [1, a, a**2 / 2, a**3 / 6]
    assert taylor_coefficients(x**3 - 2 * x, x, 1, 4) == [-1, 1, 3, 1, 0]
    assert taylor_coefficients(sp.Abs(x), x, -2, 2) == [2, -1, 0]
    assert taylor_coefficients(relu(x), x, 3, 2) == [3, 1, 0]
    assert taylor_coefficients(relu(x), x, -1, 2) == [0, 0, 0]
    assert taylor_coefficients(sp.Integer(7), x, 0, 2) == [7, 0, 0]
    # the constant term is the function evaluated exactly at the point
    c = taylor_coefficients(nested, x, half, 1)
    assert c[0] == sp.sin(sp.exp(sp.cos(sp.Rational(1, 4))))
    assert sp.simplify(c[1] - sp.diff(nested, x).subs(x, half)) == 0


def test_order_20_is_exact_fast_and_right() -> None:
    """The performance target, with a generous bound, checked against mpmath."""
    mpmath.mp.dps = 60
    try:
        for at in (0, half):
            start = time.perf_counter()
            coeffs = taylor_coefficients(nested, x, at, 20)
            assert time.perf_counter() - start < 10
            ref = mpmath.taylor(
                lambda t: mpmath.sin(mpmath.exp(mpmath.cos(t**2))), mpmath.mpf(at), 20
            )
            assert not any(c.has(sp.Float) for c in coeffs)
            for k in (0, 1, 2, 7, 16, 20):  # evaluating all 21 big coefficients is slow
                r = sp.Float(mpmath.nstr(ref[k], 55), 50)
                assert abs(sp.N(coeffs[k], 50) - r) < sp.Float("1e-35"), k
    finally:
        mpmath.mp.dps = 15


def test_exp_sin_order_12_against_mpmath() -> None:
    coeffs = taylor_coefficients(sp.exp(sp.sin(x)), x, 0, 12)
    assert all(c.is_Rational for c in coeffs)
    mpmath.mp.dps = 40
    try:
        ref = mpmath.taylor(lambda t: mpmath.exp(mpmath.sin(t)), 0, 12)
    finally:
        mpmath.mp.dps = 15
    for c, r in zip(coeffs, ref, strict=True):
        assert abs(float(c) - float(r)) < 1e-14


def test_unknown_function_falls_back_to_sympy() -> None:
    f = sp.Function("f")
    c = taylor_coefficients(f(x), x, 1, 2)
    assert c[0] == f(1)
    assert c[1] == sp.Subs(sp.Derivative(f(y), y), y, 1)
    c = taylor_coefficients(f(x**2), x, 0, 4)
    assert c[1] == 0 and c[3] == 0
    assert c[2] == sp.Subs(sp.Derivative(f(y), y), y, 0)


@pytest.mark.parametrize(
    ("expr", "at", "names"),
    [
        (sp.log(x), 0, "log(x)"),
        (sp.log(x), -1, "log(x)"),
        (1 / x, 0, "1/x"),
        (sp.sqrt(x), 0, "sqrt(x)"),
        (sp.Abs(x), 0, "Abs(x)"),
        (sp.sin(sp.log(x)) + x, 0, "log(x)"),
        (sp.asin(x), 2, "asin(x)"),
        (sp.cot(x), 0, "cot(x)"),
        (1 / (x - 1) ** 2, 1, "(x - 1)**(-2)"),
        (sp.tan(x), sp.pi / 2, "tan(x)"),
        (relu(x), 0, "relu(x)"),
    ],
)
def test_series_error_names_subexpression_and_point(expr: sp.Expr, at: int, names: str) -> None:
    with pytest.raises(SeriesError) as info:
        taylor_coefficients(expr, x, at, 3)
    message = str(info.value)
    assert names in message
    assert f"x = {sp.sympify(at)}" in message
    assert isinstance(info.value, SymderivError)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        taylor_coefficients(sp.sin(x), x, 0, -1)
    with pytest.raises(TypeError):
        taylor_coefficients(sp.sin(x), "x", 0, 2)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        taylor_coefficients(sp.sin(x), x, x, 2)


def test_taylor_polynomial_groups_x_minus_a() -> None:
    p = taylor_polynomial(sp.log(x), x, 1, 3)
    assert p.has(x - 1) and p.has((x - 1) ** 2) and p.has((x - 1) ** 3)
    assert sp.expand(p - sp.series(sp.log(x), x, 1, 4).removeO()) == 0
    q = taylor_polynomial(x**3 - 2 * x, x, 1, 3)
    assert q.has(x - 1) and sp.expand(q - (x**3 - 2 * x)) == 0
    r = taylor_polynomial(1 + x, x, 1, 2)
    assert r.has(x - 1) and sp.expand(r - (1 + x)) == 0
    assert taylor_polynomial(sp.exp(x), x, 0, 3) == 1 + x + x**2 / 2 + x**3 / 6
    s = taylor_polynomial(sp.cos(x), x, sp.pi / 4, 3)
    assert s.has(x - sp.pi / 4)
    assert sp.simplify(s - sp.series(sp.cos(x), x, sp.pi / 4, 4).removeO()) == 0


def test_multivariate_exp_sin() -> None:
    got = taylor_coefficients_multivariate(sp.exp(x) * sp.sin(y), [x, y], {x: 0, y: 0}, 3)
    expected = {(0, 1): 1, (1, 1): 1, (2, 1): half, (0, 3): -sp.Rational(1, 6)}
    assert set(got) == {(i, j) for i in range(4) for j in range(4) if i + j <= 3}
    for key, value in got.items():
        assert value == expected.get(key, 0), key


def test_multivariate_polynomial_at_point() -> None:
    got = taylor_coefficients_multivariate(x**2 * y, [x, y], {x: 1, y: 2}, 3)
    nonzero = {k: v for k, v in got.items() if v != 0}
    assert nonzero == {(0, 0): 2, (1, 0): 4, (0, 1): 1, (2, 0): 2, (1, 1): 2, (2, 1): 1}
    assert taylor_coefficients_multivariate(x**2 * y, [x, y], [1, 2], 3) == got


def test_multivariate_against_partial_derivatives() -> None:
    f = sp.sin(x * y + z) * sp.exp(x)
    point = {x: 1, y: half, z: 0}
    got = taylor_coefficients_multivariate(f, [x, y, z], point, 3)
    for (i, j, k), c in got.items():
        d = f
        for var, n in ((x, i), (y, j), (z, k)):
            if n:
                d = sp.diff(d, var, n)
        ref = d.subs(point) / (sp.factorial(i) * sp.factorial(j) * sp.factorial(k))
        assert abs(sp.N(c - ref, 40)) < sp.Float("1e-35"), (i, j, k)


def test_multivariate_removable_singularity() -> None:
    got = taylor_coefficients_multivariate(sp.sin(x - y) / (x - y), [x, y], {}, 4)
    assert got[(2, 0)] == -sp.Rational(1, 6)
    assert got[(1, 1)] == third
    assert got[(4, 0)] == sp.Rational(1, 120)


def test_multivariate_error_names_the_point() -> None:
    with pytest.raises(SeriesError, match="x = 0, y = 1"):
        taylor_coefficients_multivariate(sp.log(x) * y, [x, y], {y: 1}, 2)


def test_coefficients_are_canonical_sympy_expressions() -> None:
    """The fast construction of large sums must give what SymPy itself would build."""
    for expr, at in ((nested, half), (sp.exp(a * x) * sp.tan(x + 1), 1), (softplus(x), 2)):
        for c in taylor_coefficients(expr, x, at, 8):
            assert c.func(*c.args) == c
            assert sp.srepr(sp.Add(*sp.Add.make_args(c))) == sp.srepr(c)
