"""Regression tests for the grader's items of issue 16 (2, 3, 4, 5) and its parts of 17 and 20.

Each test is named after its item.
"""

from __future__ import annotations

import pytest

from symderiv import cli
from symderiv.grading import grade
from symderiv.grading.equivalence import compare
from symderiv.parsing import parse

LOG_FAR = {"kind": "derivative", "function": "log(x-3) + log(abs(x+3))"}


# ----------------------------------------------------------------- item 2: (a^b)^c


def test_item2_power_of_a_power_is_refuted_where_both_are_real() -> None:
    problem = {"kind": "expression", "expected": "a^(b c)", "vars": ["a", "b", "c"]}
    v = grade(problem, "(a^b)^c")
    assert v.status == "incorrect" and not v.correct
    # The counterexample is a point where both are real and differ (a < 0, exact exponents).
    assert v.feedback[1].startswith("At a = -")
    assert grade(problem, "a^(c b)").correct


def test_item2_x_squared_to_the_c_is_not_x_to_the_2c() -> None:
    v = grade({"kind": "expression", "expected": "x^(2c)", "vars": ["x"]}, "(x^2)^c")
    assert v.status == "incorrect"
    assert "c = " in v.feedback[1]  # the parameter took an exact value where they differ
    d = grade({"kind": "derivative", "function": "x^(2c)", "var": "x"}, "2c (x^2)^c / x")
    assert d.status == "incorrect"
    assert grade({"kind": "derivative", "function": "x^(2c)", "var": "x"}, "2c x^(2c-1)").correct


def test_item2_equal_only_where_the_teachers_form_is_real_is_undecided() -> None:
    v = grade({"kind": "expression", "expected": "sqrt(x) sqrt(x-1)"}, "sqrt(x^2 - x)")
    assert v.status == "undecided" and v.score == 0 and not v.correct
    assert "also real at x = -" in v.feedback[1]
    v = grade({"kind": "expression", "expected": "ln(x) + ln(y)", "vars": ["x", "y"]}, r"\ln(xy)")
    assert v.status == "undecided"


def test_item2_a_larger_domain_of_the_derivative_alone_is_still_correct() -> None:
    # 1/x is real for x < 0 where ln x is not, but so is the right derivative 1/x.
    assert grade({"kind": "derivative", "function": "ln(x)"}, r"\frac{1}{x}").correct
    problem = {"kind": "derivative", "function": "sqrt(x) sqrt(x-1)"}
    assert grade(problem, "(2x-1)/(2 sqrt(x^2-x))").correct
    assert grade({"kind": "expression", "expected": "x^(3/2)"}, "(x^3)^(1/2)").correct


# ----------------------------------------------------------------- item 3: far domains


def test_item3_domain_far_from_the_origin_is_found() -> None:
    v = grade(LOG_FAR, "2x/(x^2-9)")
    assert v.correct, v.feedback
    assert grade(LOG_FAR, "2x/(x^2+9)").status == "incorrect"
    assert grade(LOG_FAR, "1/(x-3) + 1/(x+3)").correct


def test_item3_large_domain_points_are_sampled() -> None:
    x = parse("x")
    answer, right = parse("(x-99)/((x-100)(x-99))"), parse("1/(x-100)")
    result = compare(answer, right, (x,), domain=(parse("log(x-100)"),), prove=False)
    assert result.equal is True and result.points == 8


def test_item3_narrow_domain_far_out_is_found_between_its_edges() -> None:
    # The real domain is 1000 < x < 1001 (edges: the roots of the logarithms' arguments).
    problem = {"kind": "derivative", "function": "log(x-1000) + log(1001-x)"}
    v = grade(problem, "1/(x-1000) + 1/(1001-x)")
    assert v.status == "incorrect"
    assert v.feedback[1].startswith("At x = 1000.")
    assert grade(problem, "1/(x-1000) - 1/(1001-x)").correct
    narrow = {"kind": "derivative", "function": "log(x-1000.001) + log(1000.002-x)"}
    v = grade(narrow, "1/(x-1000.001) + 1/(1000.002-x)")
    assert v.status == "incorrect" and v.feedback[1].startswith("At x = 1000.001")


def test_item3_too_few_points_is_undecided_never_incorrect() -> None:
    # Two variables, x confined to 1000 < x < 1001: no points are found, so a wrong answer
    # is not proved wrong: undecided (and says why), not incorrect.
    problem = {"kind": "partial", "function": "log(x-1000) + log(1001-x) + y", "var": "x"}
    v = grade(problem, "1/(x-1000) + 1/(1001-x)")
    assert v.status == "undecided" and v.score == 0
    assert v.feedback[1] == (
        "Only 0 test point(s) were found where both your answer and the right one are real "
        "numbers; that is too few to decide."
    )
    assert grade(problem, "1/(x-1000) - 1/(1001-x)").correct  # proved symbolically
    ko = grade(problem, "1/(x-1000) + 1/(1001-x)", lang="ko")
    assert ko.feedback[0].startswith("판정하지 못했습니다")


# ----------------------------------------------------------------- item 4: σ and cosh


@pytest.mark.parametrize(
    "answer",
    [
        "1/(4 cosh(x/2)^2)",
        "1/(2 cosh(x) + 2)",
        r"\frac{1}{4}\operatorname{sech}^2(x/2)",
        "e^{-x}/(1+e^{-x})^2",
        "sigmoid(x)(1 - sigmoid(x))",
    ],
)
def test_item4_sigmoid_derivative_as_hyperbolic_is_proved(answer: str) -> None:
    # Proved by the cheap exp-rational rewrite, not left to trigsimp/simplify.
    for function in ("sigmoid(x)", "1/(1+e^{-x})"):
        v = grade({"kind": "derivative", "function": function}, answer)
        assert v.correct and v.proved, (function, answer, v.feedback)


def test_item4_wrong_hyperbolic_answer_still_fails() -> None:
    assert grade({"kind": "derivative", "function": "sigmoid(x)"}, "1/(4 cosh(x)^2)").status == (
        "incorrect"
    )


# ----------------------------------------------------------------- item 5: number answers


def test_item5_number_answer_has_no_empty_location() -> None:
    v = grade({"kind": "expression", "expected": "1", "vars": []}, "0.99999999")
    assert v.feedback[1] == "Your answer is 0.99999999, but the right value is 1.0."
    v = grade({"kind": "expression", "expected": "pi", "vars": []}, "3.14159265359")
    assert (
        v.feedback[1] == "Your answer is 3.14159265359, but the right value is 3.141592653589793."
    )


def test_item5_values_at_a_point_show_enough_digits_to_differ() -> None:
    problem = {"kind": "gradient", "function": "x^2 y", "vars": ["x", "y"], "point": [1, 2]}
    v = grade(problem, "(3.99999999, 1)")
    assert v.feedback[2] == "At x = 1, y = 2 your answer is 3.99999999, but the right value is 4.0."
    ko = grade(problem, "(3.99999999, 1)", lang="ko")
    assert ko.feedback[2] == "x = 1, y = 2에서 답의 값은 3.99999999이지만 정답의 값은 4.0입니다."


# ----------------------------------------------------------------- items 17 and 20: check


def test_item17_check_text_is_korean(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", "sin(3x)", "--answer", "cos(3x)", "--lang", "ko"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "오답 (점수 0.5)"
    assert out[-2] == "진단: chain.missing_inner, constant.dropped_factor"
    assert out[-1] == "정답: 3·cos(3x)"
    assert not any(w in line for line in out for w in ("incorrect", "diagnosis", "expected"))


def test_item20_check_text_prints_text_not_latex(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", "x^2 sin(x)", "--answer", r"2x\cos x"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "incorrect (score 0.5)"
    assert out[-1] == "expected: 2x·sin(x) + x²·cos(x)"  # as the worked derivation shows it
    assert not any("\\" in line for line in out)


def test_item20_check_names_the_option_not_the_field(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", "x y", "--answer", "y"]) == 2
    err = capsys.readouterr().err
    assert "--var" in err and "(var)" not in err
    assert cli.main(["check", "x y", "--answer", "y", "--var", "x"]) == 0


def test_item17_korean_messages_exist_and_say_gradient_not_slope() -> None:
    from symderiv.grading.verdict import _MESSAGES

    for key, texts in _MESSAGES.items():
        assert texts.get("ko"), key
        assert "기울기" not in texts["ko"], key  # 그래디언트, as in the lesson
    problem = {"kind": "critical_points", "function": "x^2 + y^2", "vars": ["x", "y"]}
    v = grade(problem, "(0, 0) minimum; (1, 1) minimum", lang="ko")
    assert "(1, 1)은(는) 임계점이 아닙니다(그 점에서 그래디언트는 (2, 2))." in v.feedback
