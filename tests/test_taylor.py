"""Taylor polynomials: coefficients vs sympy.series, the measured order, error tables,
the multivariate quadratic model, every output format and the CLI."""

from __future__ import annotations

import argparse
import json

import mpmath
import pytest
import sympy as sp

import symderiv as sd
from symderiv.cli.taylor import add_commands
from symderiv.functions import sigmoid, softplus
from symderiv.series import SeriesError
from symderiv.taylor import ORDER_TOLERANCE, ErrorTable, Taylor, taylor

x, y = sp.symbols("x y")

# (text, point, order): compared with sympy.series term by term.
SERIES_CASES = [
    ("sigmoid(x)", 0, 5),
    ("softplus(x)", 0, 4),
    ("tanh(x)", 0, 5),
    ("ln(1+x)", 0, 5),
    ("1/(1-x)", 0, 6),
    ("sqrt(x)", 4, 4),
    ("x^x", 1, 4),
    ("e^x", 2, 5),
    ("ln(x)", 1, 5),
    ("sin(x)", "pi/4", 4),
    ("cos(x)", "pi/4", 4),
    ("atan(x)", 0, 7),
    ("atan(x)", 1, 3),
    ("sin(x)", 0, 7),
    ("cos(x)", 0, 6),
    ("exp(sin(x))", 0, 6),
    ("1/(1+x^2)", "1/2", 4),
    ("sqrt(1+x)", 0, 5),
    ("x^3 - 2x + 1", 1, 4),
    ("sigmoid(x)", 1, 3),
    ("softplus(x)", -1, 3),
    ("tanh(x)", "1/2", 3),
    ("ln(x)", 2, 4),
    ("exp(-x^2)", 0, 8),
    ("x sin(x)", 0, 6),
    ("sin(x)/x", 1, 3),
    ("cosh(x)", 0, 6),
]


def _sympy_coeffs(f: sp.Expr, a: sp.Expr, n: int) -> list[sp.Expr]:
    f = f.replace(sigmoid, lambda u: 1 / (1 + sp.exp(-u))).replace(
        softplus, lambda u: sp.log(1 + sp.exp(u))
    )
    h = sp.Symbol("h")
    s = sp.series(f.subs(x, a + h), h, 0, n + 1).removeO()
    return [sp.expand(s).coeff(h, k) for k in range(n + 1)]


@pytest.mark.parametrize(("text", "at", "order"), SERIES_CASES)
def test_coefficients_match_sympy_series(text: str, at: object, order: int) -> None:
    t = taylor(text, at=at, order=order, verify=False)
    a = sd.parse(at) if isinstance(at, str) else sp.Integer(at)
    expected = _sympy_coeffs(sd.parse(text), a, order)
    for ours, theirs in zip(t.coefficients, expected, strict=True):
        assert sp.N(ours - theirs, 40) == pytest.approx(0, abs=1e-30)


@pytest.mark.parametrize(
    ("text", "at", "order"),
    [
        ("sigmoid(x)", 0, 4),
        ("ln(x)", 1, 4),
        ("sqrt(x)", 4, 3),
        ("1/(1-x)", 0, 4),
        ("e^x", 2, 12),
        ("x^x", 1, 2),
        ("sin(x)", "pi/4", 3),
    ],
)
def test_verified_with_expected_order(text: str, at: object, order: int) -> None:
    t = taylor(text, at=at, order=order)
    assert t.verification.ok is True, t.verification.reason
    assert t.expected_order == order + 1
    assert abs(t.empirical_order - t.expected_order) <= ORDER_TOLERANCE
    assert "mpmath" in t.verification.method


def test_derivative_table_from_engine() -> None:
    t = taylor("sin(x)", order=6)
    assert len(t.derivations) == 4  # WORKED_ORDERS
    assert [d.result for d in t.derivations] == [sp.cos(x), -sp.sin(x), -sp.cos(x), sp.sin(x)]
    assert t.derivatives == (0, 1, 0, -1, 0, 1, 0)
    assert t.coefficients == (0, 1, 0, sp.Rational(-1, 6), 0, sp.Rational(1, 120), 0)
    assert [str(term) for term in t.terms] == ["x", "-x**3/6", "x**5/120"]
    assert t.derivations[-1].verification.ok is True


@pytest.mark.parametrize("order", [1, 2])
def test_vanishing_term_sin(order: int) -> None:
    t = taylor("sin(x)", at=0, order=order)
    assert t.polynomial == x
    assert t.expected_order == 3
    assert abs(t.empirical_order - 3) <= ORDER_TOLERANCE
    assert t.verification.ok is True


def test_vanishing_term_sigmoid() -> None:
    t = taylor("sigmoid(x)", order=1)
    assert t.polynomial == sp.Rational(1, 2) + x / 4
    assert t.expected_order == 3
    assert abs(t.empirical_order - 3) <= ORDER_TOLERANCE


def test_orders_zero_and_one() -> None:
    t0 = taylor("e^x", at=2, order=0)
    assert t0.coefficients == (sp.exp(2),)
    assert t0.derivation is None and t0.derivations == ()
    assert t0.expected_order == 1 and t0.verification.ok is True
    t1 = taylor("ln(x)", at=1, order=1)
    assert t1.coefficients == (0, 1)
    assert t1.polynomial == x - 1
    assert t1.expected_order == 2 and t1.verification.ok is True


def test_exact_polynomial() -> None:
    t = taylor("x^2", order=3)
    assert t.expected_order is None and t.empirical_order is None
    assert t.verification.ok is True


@pytest.mark.parametrize("at", [0, -1, "-1/2"])
def test_point_outside_domain(at: object) -> None:
    with pytest.raises(SeriesError, match="no Taylor expansion"):
        taylor("ln(x)", at=at, order=2)
    assert issubclass(SeriesError, sd.SymderivError)


def test_point_as_text_and_float() -> None:
    assert taylor("sqrt(x)", at="4", order=1, verify=False).point == (4,)
    assert taylor("ln(x)", at=0.5, order=1, verify=False).point == (sp.Rational(1, 2),)
    assert taylor("sin(x)", at="pi/4", order=1, verify=False).point == (sp.pi / 4,)


def test_order_12_elementary() -> None:
    t = taylor("exp(sin(x))", order=12)
    assert t.verification.ok is True
    assert t.coefficients[12] == _sympy_coeffs(sp.exp(sp.sin(x)), sp.S.Zero, 12)[12]


def test_error_table_sin() -> None:
    t = taylor("sin(x)", order=3)
    table = t.error_table(["0.1", 0.5, 1, 2])
    assert isinstance(table, ErrorTable)
    assert [r.h for r in table.rows] == [sp.Rational(1, 10), sp.Rational(1, 2), 1, 2]
    with mpmath.workdps(50):
        row = table.rows[0]
        assert abs(row.value - mpmath.sin(mpmath.mpf(1) / 10)) < mpmath.mpf(10) ** -45
        assert row.approximations[1] == mpmath.mpf(1) / 10
        t3 = mpmath.mpf(1) / 10 - (mpmath.mpf(1) / 10) ** 3 / 6
        assert abs(row.errors[3] - abs(mpmath.sin(mpmath.mpf(1) / 10) - t3)) < mpmath.mpf(10) ** -45
        last = table.rows[-1]
        assert abs(last.errors[1] - (2 - mpmath.sin(2))) < mpmath.mpf(10) ** -45
    # the approximation holds near 0 and breaks far away
    assert table.rows[0].errors[3] < 1e-7 < 0.2 < table.rows[-1].errors[3]
    for fmt in (table.to_text(), table.to_latex(), table.to_markdown(lang="ko")):
        assert "1/10" in fmt or "frac{1}{10}" in fmt
    json.dumps(table.to_dict())


def test_error_table_undefined_value() -> None:
    table = taylor("ln(x)", at=1, order=2, verify=False).error_table([-2])
    assert table.rows[0].value is None and table.rows[0].errors == (None, None, None)


def test_multivariate_quadratic_polynomial() -> None:
    t = taylor("x^2 + 3x y + y^2", vars=[x, y], at={x: 1, y: 2}, order=2)
    assert t.multivariate and t.vars == (x, y)
    assert t.gradient_at == sp.Matrix([8, 7])
    assert t.hessian_at == sp.Matrix([[2, 3], [3, 2]])
    assert sp.expand(t.polynomial - (x**2 + 3 * x * y + y**2)) == 0
    assert sp.expand(sp.sympify(str(t.quadratic_form)) - t.polynomial) == 0
    assert t.verification.ok is True
    t2 = taylor("x^2 + 3x y + y^2", vars="x,y", at={"x": 1, "y": 2}, order=2, verify=False)
    assert t2.coefficients == t.coefficients


def test_multivariate_exp_sin() -> None:
    t = taylor("exp(x) sin(y)", vars=["x", "y"], at={"x": 0, "y": 0}, order=2)
    assert t.gradient_at == sp.Matrix([0, 1])
    assert t.hessian_at == sp.Matrix([[0, 1], [1, 0]])
    assert sp.expand(t.polynomial - (y + x * y)) == 0
    assert t.expected_order == 3
    assert abs(t.empirical_order - 3) <= ORDER_TOLERANCE
    assert t.verification.ok is True


def test_multivariate_vs_sympy_partials() -> None:
    f = sp.exp(x * y) + sp.log(1 + x + y**2)
    t = taylor(f, vars=[x, y], at=(sp.Rational(1, 2), 1), order=3, verify=False)
    p = {x: sp.Rational(1, 2), y: 1}
    for (i, j), c in t.coefficients.items():
        want = sp.diff(f, x, i, y, j).subs(p) / (sp.factorial(i) * sp.factorial(j))
        assert sp.N(c - want, 40) == pytest.approx(0, abs=1e-30)


def test_wrong_hessian_would_show_order_2() -> None:
    """The order check is sharp: a polynomial with a wrong quadratic part has order 2."""
    from symderiv.taylor_check import check_line as _check_line

    t = sp.Dummy("t")
    line = sp.exp(t)
    good = _check_line(line, t, [1, 1, sp.Rational(1, 2)], lambda m: [sp.Rational(1, 6)] * (m - 2))
    assert good.ok and good.expected == 3
    bad = _check_line(line, t, [1, 1, 1], lambda m: [sp.Rational(1, 6)] * (m - 2))
    assert bad.ok is False and abs(bad.empirical - 2) <= ORDER_TOLERANCE


def test_outputs_every_format_and_language() -> None:
    t = taylor("sigmoid(x)", order=3)
    text = t.to_text()
    assert "T₃(x) = 1/2 + x/4 − x³/48" in text
    ko = t.to_text(lang="ko")
    assert "테일러 다항식" in ko and "도함수 표" in ko and "근사 차수" in ko
    latex = t.to_latex()
    assert latex.startswith("\\begin{align*}") and "T_{3}(x)" in latex
    assert "테일러" in t.to_latex(lang="ko")
    md = t._repr_markdown_()
    assert "$$ T_{3}(x)" in md
    assert t._repr_latex_() == latex
    data = json.loads(json.dumps(t.to_dict(), ensure_ascii=False))
    assert data["schema"] == "symderiv.taylor/1"
    assert data["expected_order"] == 5 and data["verification"]["ok"] is True
    assert [c["sympy"] for c in data["coefficients"]] == ["1/2", "1/4", "0", "-1/48"]
    multi = taylor("exp(x) sin(y)", vars="x,y", at=(0, 0), order=2)
    assert "∇f(p)" in multi.to_text() and "Hessian" in multi.to_text()
    assert "헤시안" in multi.to_text(lang="ko")
    assert "\\frac{1}{2}" in multi.to_latex()
    assert (
        json.loads(json.dumps(multi.to_dict()))["quadratic_model"]["hessian"][0][1]["sympy"] == "1"
    )
    assert isinstance(multi, Taylor)


def test_teacher_form_shift() -> None:
    assert "T₂(x) = (x - 1) − (x - 1)²/2" in taylor("ln(x)", at=1, order=2).to_text()


def _run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except sd.SymderivError:
        return 2


def test_cli_fresh_parser(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run_cli(["taylor", "sin(x)", "--order", "3", "--table", "0.1,0.5,1,2"]) == 0
    out = capsys.readouterr().out
    assert "T₃(x) = x − x³/6" in out and "|f−T₃|" in out
    assert _run_cli(["taylor", "ln(x)", "--at", "1", "--format", "json", "--table", "0.5"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == "symderiv.taylor/1" and data["error_table"]["rows"]
    assert _run_cli(["taylor", "exp(x) sin(y)", "--at", "x=0,y=0", "--lang", "ko"]) == 0
    assert "테일러" in capsys.readouterr().out
    assert (
        _run_cli(
            ["taylor", "x^2 y", "--vars", "x,y", "--at", "1,2", "--format", "latex", "--no-verify"]
        )
        == 0
    )
    assert "align*" in capsys.readouterr().out
    assert _run_cli(["taylor", "ln(x)", "--at", "0"]) == 2
    assert _run_cli(["taylor", "sin(x)", "--format", "markdown", "--table", ","]) == 2


def test_cli_main_if_registered(capsys: pytest.CaptureFixture[str]) -> None:
    from symderiv import cli

    try:
        cli.build_parser().parse_args(["taylor", "sin(x)"])
    except SystemExit:
        pytest.skip("taylor is not registered in symderiv.cli yet")
    assert cli.main(["taylor", "sin(x)", "--order", "1"]) == 0
    assert "T₁(x) = x" in capsys.readouterr().out
    assert cli.main(["taylor", "ln(x)", "--at", "0"]) == 2


@pytest.mark.slow
def test_order_20_composite() -> None:
    t = taylor("sin(exp(cos(x^2)))", at="1/2", order=20)
    assert t.verification.ok is True and t.expected_order == 21


def test_18_2_the_worked_table_is_built_only_when_asked() -> None:
    t = taylor("sin(exp(cos(x^2)))", at="1/2", order=10)
    assert "derivation" not in t.__dict__  # the coefficients never needed it
    assert [d.order for d in t.derivations] == [1, 1, 1, 1]
    assert t.derivation is not None and t.derivation.verification.ok is True
    assert "derivation" in t.__dict__


def test_18_2_the_table_fails_its_check_when_it_disagrees_with_the_coefficients() -> None:
    import dataclasses

    t = taylor("exp(2x)", at=0, order=3)
    wrong = dataclasses.replace(t, coefficients=(1, 2, 2, sp.Rational(5, 3)))
    assert wrong.derivation is not None
    assert wrong.derivation.verification.ok is False
    assert "differs from c_3" in wrong.derivation.verification.reason


def test_18_2_high_orders_check_every_coefficient_by_the_order_test() -> None:
    t = taylor("log(1+x)/(1+x)", at=0, order=40)
    assert t.verification.ok is True and t.expected_order == 41
    assert "c_0..c_12 vs mpmath.taylor" in t.verification.method
