"""The optimisation commands: numeric, gradcheck, descend, fit."""

import json

import pytest

from symderiv.cli import main


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_numeric_gradient_at_a_point(capsys):
    code, out, _ = run(["numeric", "x^2 + 3x y + y^2", "--at", "x=1,y=2"], capsys)
    assert code == 0
    assert "Exact value from the engine: ∂f/∂x = 8" in out
    assert "Exact value from the engine: ∂f/∂y = 7" in out


def test_numeric_second_derivative_json(capsys):
    code, out, _ = run(
        ["numeric", "x^3", "--at", "2", "--order", "2", "--h", "1e-2", "1e-4", "--format", "json"],
        capsys,
    )
    data = json.loads(out)
    assert code == 0 and data["exact"][0]["float"] == 12.0
    assert [r["h"] for r in data["rows"] if r["method"] == "nested"] == [1e-2, 1e-4]


def test_gradcheck_with_a_wrong_gradient_exits_1(capsys):
    code, out, _ = run(
        ["gradcheck", "x^2 + 3x y + y^2", "--at", "x=1,y=2", "--gradient", "2x + 3y, 3x + y"],
        capsys,
    )
    assert code == 1
    assert "The components that disagree: ∂f/∂y." in out


def test_descend_lesson_step3(capsys):
    code, out, _ = run(["descend", "x^2", "--from", "x=5", "--lr", "0.1", "--steps", "20"], capsys)
    assert code == 0
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert "1 4 16 8 -0.8" in lines
    assert "Stopped after the step budget of 20 steps" in out


def test_descend_korean_markdown_and_latex(capsys):
    code, out, _ = run(
        [
            "descend",
            "x^2",
            "--from",
            "x=5",
            "--lr",
            "1.1",
            "--steps",
            "20",
            "--lang",
            "ko",
            "--format",
            "markdown",
        ],
        capsys,
    )
    assert code == 0 and "발산: 학습률이 너무 큽니다" in out and "| k |" in out
    code, out, _ = run(
        ["descend", "x^2+y^2", "--from", "x=4,y=3", "--method", "newton", "--format", "latex"],
        capsys,
    )
    assert code == 0 and r"\begin{tabular}" in out and r"\begin{pmatrix}" in out


def test_descend_compare(capsys):
    code, out, _ = run(
        [
            "descend",
            "x^4 - 3x^2",
            "--from",
            "x=2",
            "--lr",
            "0.01",
            "--steps",
            "2000",
            "--compare",
            "gd",
            "momentum",
            "--format",
            "json",
        ],
        capsys,
    )
    data = json.loads(out)
    assert code == 0 and data["schema"] == "symderiv.descent_comparison/1"
    assert [r["method"] for r in data["runs"]] == ["gd", "momentum"]
    assert all(r["outcome"] == "converged" for r in data["runs"])


def test_fit_lesson_data(capsys):
    code, out, _ = run(
        ["fit", "w x + b", "--data", "1,3", "2,5", "3,7", "4,9", "5,11", "--params", "w,b"], capsys
    )
    assert code == 0
    assert "Learned equation: y = 2.08·x + 0.73" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["descend", "x^2", "--from", "x=abc"], "not a number"),
        (["descend", "x^2", "--from", "x=1", "--lr", "-1"], "positive"),
        (["numeric", "x^2", "--at", "x=1,y=2"], "not a variable"),
        (["gradcheck", "x^2", "--at", "1", "--gradient", "2x, 1"], "component"),
        (["fit", "w x + b", "--data", "1", "--params", "w,b"], "2 numbers"),
    ],
)
def test_bad_input_exits_2_with_a_message(argv, message, capsys):
    code, _, err = run(argv, capsys)
    assert code == 2
    assert message in err and "Traceback" not in err
