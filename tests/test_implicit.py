"""Implicit differentiation (symderiv.implicit) and the multivariate CLI commands."""

from __future__ import annotations

import argparse
import json

import pytest
import sympy as sp

from symderiv import cli
from symderiv.cli.multivariate import add_commands, parse_point
from symderiv.errors import DerivationError
from symderiv.multivariate.implicit import ImplicitDerivative, check_on_curve, implicit

x, y, t, a = sp.symbols("x y t a")


def test_circle():
    d = implicit("x^2 + y^2 = 1", y="y", x="x")
    assert isinstance(d, ImplicitDerivative)
    assert d.result == -x / y
    assert [s.kind for s in d.steps] == [
        "substitute",
        "differentiate",
        "collect",
        "solve",
        "simplify",
    ]
    yx = sp.Function("y")(x)
    assert d.steps[0].lhs == x**2 + yx**2
    assert d.steps[1].lhs == 2 * x + 2 * yx * sp.Derivative(yx, x)
    assert d.steps[2].lhs == 2 * yx * sp.Derivative(yx, x) and d.steps[2].rhs == -2 * x
    assert "chain" in d.lhs_derivation.rule_ids
    assert d.verification.ok is True and len(d.verification.points) == 3
    for point in d.verification.points:  # the check ran on the curve
        assert abs(point["x"] ** 2 + point["y"] ** 2 - 1) < 1e-12
    assert d.at({"x": "3/5", "y": "4/5"}) == sp.Rational(-3, 4)


@pytest.mark.parametrize(
    ("equation", "expected"),
    [
        ("x^3 + y^3 = 6 x y", (2 * y - x**2) / (y**2 - 2 * x)),
        ("exp(x y) = x + y", (1 - y * sp.exp(x * y)) / (x * sp.exp(x * y) - 1)),
        ("sin(x + y) = x y", (y - sp.cos(x + y)) / (sp.cos(x + y) - x)),
        ("x y = 1", -y / x),
        ("y^2 = x^3 + a x", (3 * x**2 + a) / (2 * y)),
        ("y = x^2", 2 * x),
    ],
)
def test_curves(equation, expected):
    d = implicit(equation)
    assert sp.simplify(d.result - expected) == 0
    assert d.verification.ok is True


def test_other_letters_and_sympy_input():
    d = implicit(sp.Eq(t**2 + a**2, 4), y="a", x="t")
    assert d.result == -t / a
    assert implicit((x**2, y), y="y").result == 2 * x


@pytest.mark.parametrize(
    ("equation", "kwargs", "message"),
    [
        ("x^2 + y^2", {}, "needs an equation with '='"),
        ("x^2 = 4", {}, "does not involve y"),
        ("x^2 + y^2 = 1", {"y": "x", "x": "x"}, "must differ"),
        ("x^2 + y^2 = 1", {"y": "1y"}, "not a variable name"),
        (x**2 + y**2, {}, "needs an equation"),
    ],
)
def test_bad_input(equation, kwargs, message):
    with pytest.raises(DerivationError, match=message):
        implicit(equation, **kwargs)


def test_the_check_catches_a_wrong_slope():
    wrong = check_on_curve(x**2 + y**2 - 1, x, y, x / y)
    assert wrong.ok is False and "slope" in wrong.reason
    right = check_on_curve(x**2 + y**2 - 1, x, y, -x / y)
    assert right.ok is True


def test_no_curve_to_check_on():
    check = check_on_curve(x**2 + y**2 + 1, x, y, -x / y)
    assert check.ok is None and "no point of the curve" in check.reason


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_formats(lang):
    d = implicit("x^2 + y^2 = 1")
    text = d.to_text(lang)
    assert "dy/dx = -x/y" in text
    if lang == "ko":
        assert "음함수 미분" in text and "양변을 x에 대해 미분합니다" in text
    else:
        assert "Differentiate both sides with respect to x" in text
    assert "\\frac{dy}{dx} = -\\frac{x}{y}" in d.to_latex(lang)
    assert d.to_markdown(lang).startswith("### ")
    data = json.loads(json.dumps(d.to_dict(), ensure_ascii=False))
    assert data["schema"] == "symderiv.implicit/1"
    assert data["result"]["sympy"] == "-x/y"
    assert [s["kind"] for s in data["steps"]][-1] == "simplify"


# --------------------------------------------------------------------------- CLI


@pytest.fixture
def run(monkeypatch, capsys):
    """symderiv.cli.main with the multivariate commands added (as the lead will wire it)."""
    original = cli.build_parser

    def build() -> argparse.ArgumentParser:
        parser = original()
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        if "grad" not in sub.choices:
            add_commands(sub)
        return parser

    monkeypatch.setattr(cli, "build_parser", build)

    def invoke(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def test_cli_grad_at_a_point(run):
    code, out, err = run("grad", "x^2 + 3x y + y^2", "--at", "x=1,y=2")
    assert code == cli.EXIT_OK and err == ""
    assert "∇f(x = 1, y = 2) = (8, 7)" in out
    code, out, _ = run("grad", "x^2 + 3x y + y^2", "--at", "x=1,y=2", "--format", "json")
    data = json.loads(out)
    assert [v["sympy"] for v in data["at"]["value"]] == ["8", "7"]


def test_cli_jacobian(run):
    code, out, _ = run(
        "jacobian",
        "w11 x1 + w12 x2 + b1",
        "w21 x1 + w22 x2 + b2",
        "--vars",
        "x1,x2",
        "--format",
        "json",
    )
    assert code == cli.EXIT_OK
    assert [[e["sympy"] for e in row] for row in json.loads(out)["matrix"]] == [
        ["w11", "w12"],
        ["w21", "w22"],
    ]


def test_cli_hessian_classifies_a_point(run):
    code, out, _ = run("hessian", "x^2 + 3x y + y^2", "--at", "x=0,y=0", "--lang", "ko")
    assert code == cli.EXIT_OK and "안장점" in out
    code, out, _ = run(
        "hessian", "x^4 + y^2", "--at", "x=0,y=0", "--no-higher-order", "--format", "json"
    )
    data = json.loads(out)
    assert data["classification"]["kind"] == "inconclusive"
    assert data["classification"]["definiteness"] == "positive semidefinite"


def test_cli_critical(run):
    code, out, _ = run("critical", "x^3 - 3x + y^2", "--format", "markdown")
    assert code == cli.EXIT_OK and "**saddle point**" in out and "**local minimum**" in out
    code, out, _ = run("critical", "x^3 - 3x + y^2", "--format", "latex")
    assert "\\begin{pmatrix}" in out


def test_cli_implicit(run):
    code, out, _ = run("implicit", "x^2 + y^2 = 1", "--dep", "y", "--wrt", "x")
    assert code == cli.EXIT_OK and "dy/dx = -x/y" in out


@pytest.mark.parametrize(
    "argv",
    [
        ("implicit", "x^2 + y^2"),
        ("grad", "x^2", "--vars", "z"),
        ("grad", "x^2 + y", "--at", "x=1"),
        ("hessian", "x^2", "--at", "x"),
        ("critical", "x^2 +"),
    ],
)
def test_cli_bad_input_exits_2(run, argv):
    code, out, err = run(*argv)
    assert code == cli.EXIT_BAD_INPUT and out == "" and err.startswith("error:")


def test_parse_point():
    assert parse_point("x=1, y = pi/2") == {"x": "1", "y": "pi/2"}
    with pytest.raises(DerivationError):
        parse_point("x")
