"""Grading taylor, classification and critical_points problems (symderiv.grading.kinds)."""

from __future__ import annotations

import json
import time

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symderiv.errors import ParseError
from symderiv.grading import Policy, Problem, ProblemError, grade, grade_steps
from symderiv.grading.kinds import read_kind, read_points

SIN3 = {"kind": "taylor", "function": "sin(x)", "var": "x", "at": 0, "order": 3}
EXP1 = {"kind": "taylor", "function": "e^x", "var": "x", "at": 1, "order": 3}
MINP = {
    "kind": "classification",
    "function": "x^3 - 3x + y^2",
    "vars": ["x", "y"],
    "point": [1, 0],
}
QUART = {"kind": "classification", "function": "x^4 + y^4", "vars": ["x", "y"], "point": [0, 0]}
CP = {"kind": "critical_points", "function": "x^3 + y^3 - 3 x y", "vars": ["x", "y"]}


# --------------------------------------------------------------------------- problems


def test_problem_schema_new_fields_round_trip() -> None:
    p = Problem.from_dict({**MINP, "point": {"x": 1, "y": 0}, "test": "second_derivative"})
    assert p.point == ("1", "0") and p.vars == ("x", "y") and p.test == "second_derivative"
    again = Problem.from_dict(json.loads(json.dumps(p.to_dict())))
    assert again == p
    t = Problem.from_dict({**EXP1, "order": 0})
    assert t.order == 0 and t.at == "1" and t.to_dict()["order"] == 0
    assert Problem.from_dict({**CP, "kinds": False}).to_dict()["kinds"] is False


def test_point_dict_without_vars_sets_vars() -> None:
    p = Problem.from_dict(
        {"kind": "classification", "function": "x^2+y^2", "point": {"x": 0, "y": 0}}
    )
    assert p.vars == ("x", "y") and grade(p, "minimum").correct


@pytest.mark.parametrize(
    "bad",
    [
        {"kind": "taylor", "function": "sin(x)", "var": "x"},  # no order
        {**SIN3, "order": 13},
        {**SIN3, "order": -1},
        {**MINP, "point": {"x": 1}},
        {**CP, "kinds": "yes"},
    ],
)
def test_bad_problem_dicts(bad: dict) -> None:
    with pytest.raises(ProblemError):
        Problem.from_dict(bad)


@pytest.mark.parametrize(
    "bad",
    [
        {**MINP, "point": [0, 0]},  # not a critical point
        {**MINP, "point": [1]},
        {**MINP, "test": "third"},
        {"kind": "critical_points", "function": "sin(x) + y^2", "vars": ["x", "y"]},  # infinite
        {"kind": "critical_points", "function": "a x^2 + y^2", "vars": ["x", "y"]},  # parameter
        {"kind": "taylor", "function": "x y", "vars": ["x", "y"], "order": 2},
        {"kind": "taylor", "function": "ln(x)", "var": "x", "at": 0, "order": 2},
        {"kind": "taylor", "function": "sin(x)", "var": "x", "at": "y", "order": 2},
    ],
)
def test_problems_that_cannot_be_set(bad: dict) -> None:
    with pytest.raises(ProblemError):
        grade(bad, "0")


def test_steps_are_refused_for_other_kinds() -> None:
    with pytest.raises(ProblemError):
        grade_steps(SIN3, ["x", "x"])


# --------------------------------------------------------------------------- taylor


@pytest.mark.parametrize(
    "answer",
    [
        r"x - \frac{x^3}{6}",
        r"x - \frac{x^3}{3!}",
        r"x-\frac{1}{6}x^{3} + \cdots",
        r"x - \frac{x^3}{6} + \mathcal{O}(x^5)",
        r"T_3(x) = x - \frac{x^3}{6}",
        r"P_{3}(x) = x - \frac{x^3}{6}",
        r"\sin x \approx x - \frac{x^3}{6}",
        r"$x - x^3/6$",
        r"x - 0.5x^3/3",
    ],
)
def test_taylor_forms_pass(answer: str) -> None:
    v = grade(SIN3, answer)
    assert v.status == "correct" and v.score == 1.0 and v.proved, v.feedback


def test_taylor_expanded_vs_shifted_basis() -> None:
    ln1 = {"kind": "taylor", "function": "ln(x)", "var": "x", "at": 1, "order": 3}
    assert grade(ln1, r"-\frac{11}{6} + 3x - \frac{3}{2}x^2 + \frac{1}{3}x^3").correct
    assert grade(ln1, r"(x-1) - \frac{(x-1)^2}{2} + \frac{(x-1)^3}{3}").correct


def test_taylor_right_value_wrong_higher_term_is_incorrect() -> None:
    v = grade(EXP1, r"e + e(x-1) + \frac{e}{2}(x-1)^2 + \frac{e}{3}(x-1)^3")
    assert v.status == "incorrect" and v.score == 0.0 and v.diagnosis == ()
    assert "(x - 1)^3" in v.feedback[-1] and "e/6" in v.feedback[-1]


@pytest.mark.parametrize(
    ("answer", "slip"),
    [
        (r"e + e(x-1) + e(x-1)^2 + e(x-1)^3", "taylor.missing_factorial"),
        (r"e + ex + \frac{e}{2}x^2 + \frac{e}{6}x^3", "taylor.powers_of_x"),
        (r"1 + x + \frac{x^2}{2} + \frac{x^3}{6}", "taylor.wrong_center"),
        (r"e + e(x-1)", "taylor.truncated"),
        (r"e(1 + (x-1) + (x-1)^2/2 + (x-1)^3/6 + (x-1)^4/24)", "taylor.extra_terms"),
    ],
)
def test_taylor_slips_diagnosed_with_partial_credit(answer: str, slip: str) -> None:
    v = grade(EXP1, answer)
    assert v.status == "incorrect" and v.diagnosis == (slip,) and v.score == 0.5
    assert grade(EXP1, answer, policy=Policy(slip_credit=0.25)).score == 0.25
    ko = grade(EXP1, answer, lang="ko")
    assert any("\uac00" <= ch <= "\ud7a3" for ch in ko.feedback[-1])


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        (r"x - \frac{x^3}{6} + 10^{-40}", "incorrect"),
        (r"x - 0.1667x^3", "incorrect"),
        (r"\sin x", "incorrect"),
        (r"\frac{1}{1-x}", "incorrect"),
        (r"x^{100}", "incorrect"),
        (r"\frac{d}{dx}\sin x", "incorrect"),
        (r"y - \frac{y^3}{6}", "invalid"),
        (r"(x, x^3)", "invalid"),
        (r"x - \frac{x^3}{", "invalid"),
    ],
)
def test_taylor_not_accepted(answer: str, status: str) -> None:
    assert grade(SIN3, answer).status == status


def test_taylor_tolerance_option() -> None:
    assert grade(SIN3, r"x - 0.1667x^3", abs_tol=1e-3).correct
    assert not grade(SIN3, r"x - 0.17x^3", abs_tol=1e-3).correct


def test_taylor_parameter_and_order_zero() -> None:
    k = {"kind": "taylor", "function": "e^{k x}", "var": "x", "at": 0, "order": 2}
    assert grade(k, r"1 + kx + \frac{k^2x^2}{2}").correct
    assert not grade(k, r"1 + kx + k^2x^2").correct
    zero = {"kind": "taylor", "function": "cos(x)", "var": "x", "at": 0, "order": 0}
    assert grade(zero, "1").correct and not grade(zero, "1 - x^2/2").correct


# --------------------------------------------------------------------------- classification


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("minimum", "minimum"),
        ("Local Minimum", "minimum"),
        (r"\text{relative min}", "minimum"),
        ("it is a local minimum.", "minimum"),
        ("극소점이다", "minimum"),
        ("극솟값입니다", "minimum"),
        ("max", "maximum"),
        ("극대", "maximum"),
        (r"\text{saddle point}", "saddle"),
        (r"$\mathrm{saddle}$", "saddle"),
        ("안장점", "saddle"),
        ("neither a minimum nor a maximum", "saddle"),
        ("inconclusive", "inconclusive"),
        ("the test is inconclusive", "inconclusive"),
        ("판정 불가", "inconclusive"),
        ("판정할 수 없음", "inconclusive"),
        ("minimum at (1, 0)", "minimum"),
    ],
)
def test_read_kind(text: str, kind: str) -> None:
    assert read_kind(text, ("x", "y")) == kind


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not a minimum",
        "minimum or maximum",
        "min, max",
        "극소가 아니다",
        "x^2",
        "minimal",
        "maximumminimum",
        "saddle? maybe",
        "__import__('os')",
        "x" * 5000,
    ],
)
def test_read_kind_refuses(text: str) -> None:
    with pytest.raises(ParseError):
        read_kind(text)


def test_classification_verdicts() -> None:
    v = grade(MINP, r"\text{local minimum}")
    assert v.correct and v.expected == r"\text{minimum}" and v.parsed == r"\text{minimum}"
    v = grade(MINP, "maximum")
    assert not v.correct and v.diagnosis == ("classification.min_max_swapped",)
    v = grade(MINP, "saddle", lang="ko")
    assert v.status == "incorrect" and "안장점" in v.feedback[1]
    assert grade(MINP, "not a minimum").status == "invalid"


def test_inconclusive_policy() -> None:
    assert grade(QUART, "minimum").correct  # proved by a higher-order argument
    v = grade(QUART, "inconclusive")
    assert v.status == "incorrect" and v.score == 0.5
    assert v.diagnosis == ("classification.higher_order",)
    assert grade(QUART, "inconclusive", policy=Policy(inconclusive_credit=0.0)).score == 0.0
    second = {**QUART, "test": "second_derivative"}
    assert grade(second, "판정 불가").correct
    v = grade(second, "minimum")
    assert not v.correct and v.diagnosis == ("classification.beyond_test",) and v.score == 0.0


# --------------------------------------------------------------------------- critical points


def _pts(text: str, names: tuple[str, ...] = ("x", "y")) -> list[tuple[tuple, str | None]]:
    return [(p.coordinates, p.kind) for p in read_points(text, names)]


@pytest.mark.parametrize(
    "text",
    [
        "(0,0) saddle; (1,1) minimum",
        r"\{(0,0)\ \text{saddle}, (1,1)\ \text{min}\}",
        r"\left\{ (0, 0)\ \text{saddle point},\ (1, 1)\ \text{local minimum} \right\}",
        "saddle at (0,0), minimum at (1,1)",
        "(0,0): saddle\n(1,1): minimum",
        "(0,0), saddle, (1,1), minimum",
        "saddle: (0,0); minimum: (1,1)",
        "(0,0) 안장점, (1,1) 극소",
        "(0, 0) 안장점이고 (1,1)은 극소",
        r"(x,y) = (0,0) \text{ saddle}; (x, y) = (1, 1) \text{ minimum}",
        r"$(0,0)$ saddle and $(1,1)$ minimum",
        r"\left(0, 0\right) saddle \\ \left(1, 1\right) minimum",
    ],
)
def test_read_points_forms(text: str) -> None:
    assert _pts(text) == [((0, 0), "saddle"), ((1, 1), "minimum")]


def test_read_points_without_kinds_and_one_variable() -> None:
    assert _pts(r"\{(0,0), (1, -1)\}") == [((0, 0), None), ((1, -1), None)]
    assert _pts(r"x = -1 (max), x = 1 (min)", ("x",)) == [((-1,), "maximum"), ((1,), "minimum")]
    assert _pts(r"\{-\frac{1}{2}, 3\}", ("x",)) == [((sp.Rational(-1, 2),), None), ((3,), None)]
    for empty in ("none", r"\emptyset", r"\{\}", "없음", "no critical points", r"$\varnothing$"):
        assert read_points(empty, ("x", "y")) == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "(0,0) not a saddle",
        "(0,0,0) saddle",
        "(a, 0) saddle",
        "(0, 0) saddle (1, 1) minimum",  # no separator: two kinds in one item
        "saddle",
        "(0, 0) saddle; maximum; minimum",
        "((0,0)",
        "(1/0, 0)",
        "(0, 0) banana",
        "x = 1, y = 0",
        "(0, 0) " + "saddle; (0,0) " * 200,
        "x" * 30_000,
    ],
)
def test_read_points_refuses(text: str) -> None:
    with pytest.raises(ParseError):
        read_points(text, ("x", "y"))


def test_critical_points_scoring() -> None:
    assert grade(CP, "(0,0) saddle; (1,1) minimum").score == 1.0
    v = grade(CP, "(1,1) minimum")  # found 1 of 2
    assert v.score == 0.5 and v.diagnosis == ("critical.missing_point",)
    assert [e.correct for e in v.entries] == [False, True]
    v = grade(CP, "(0,0) saddle; (1,1) minimum; (2,2) maximum")  # 2 right of 3 given
    assert v.score == pytest.approx(2 / 3) and "critical.extra_point" in v.diagnosis
    assert "(6, 6)" in " ".join(v.feedback)  # the gradient at the extra point
    v = grade(CP, "(0,0) minimum; (1,1) minimum")
    assert v.score == 0.75 and v.diagnosis == ("critical.wrong_kind",)
    v = grade(CP, r"\{(0,0), (1,1)\}")
    assert v.score == 0.5 and v.diagnosis == ("critical.missing_kind",)
    assert grade(CP, r"\{(0,0), (1,1)\}", policy=Policy(point_credit=0.8)).score == 0.8
    assert grade({**CP, "kinds": False}, r"\{(0,0), (1,1)\}").correct
    assert not grade({**CP, "kinds": False}, r"(0,0) minimum, (1,1)").correct  # stated kinds count
    assert grade(CP, "none").score == 0.0


def test_critical_points_exactness() -> None:
    root = {"kind": "critical_points", "function": "x^3 - 6x + y^2", "vars": ["x", "y"]}
    assert grade(root, r"(\sqrt{2}, 0) min; (-\sqrt 2, 0) saddle").correct
    assert grade(root, r"(\frac{2}{\sqrt{2}}, 0) min; (-\sqrt 2, 0) saddle").correct
    rounded = r"(1.41421356, 0) min; (-1.41421356, 0) saddle"
    assert not grade(root, rounded).correct
    assert grade(root, rounded, abs_tol=1e-6).correct
    assert not grade(CP, r"(1 + 10^{-40}, 1) minimum; (0,0) saddle").correct


def test_critical_points_inconclusive_and_ko() -> None:
    quart = {"kind": "critical_points", "function": "x^4 + y^2", "vars": ["x", "y"]}
    assert grade(quart, "(0,0) minimum").correct
    v = grade(quart, "(0,0) inconclusive")
    assert v.score == 0.5 and "classification.higher_order" in v.diagnosis
    assert grade({**quart, "test": "second_derivative"}, "(0,0) 판정 불가").correct
    v = grade(CP, "(1,1) 극소", lang="ko")
    assert "2개 중 1개" in " ".join(v.feedback)
    assert json.loads(json.dumps(v.to_dict()))["entries"][0]["index"] == [0]


# ------------------------------------------------------------ gradient and hessian at a point

GRAD_AT = {"kind": "gradient", "function": "x^2 y + 3 y^2", "vars": ["x", "y"], "point": [1, 2]}
HESS_AT = {
    "kind": "hessian",
    "function": "x^3 - 3x + y^2",
    "vars": ["x", "y"],
    "point": {"x": 1, "y": 0},
}


def test_point_problems_round_trip() -> None:
    p = Problem.from_dict({**GRAD_AT, "point": {"y": 2, "x": 1}})
    assert p.point == ("1", "2") and p.to_dict()["point"] == ["1", "2"]
    assert Problem.from_dict(json.loads(json.dumps(p.to_dict()))) == p


@pytest.mark.parametrize(
    "answer",
    [
        "(4, 13)",
        "[4, 13]",
        r"\begin{pmatrix} 4 \\ 13 \end{pmatrix}",
        r"\nabla f(1, 2) = \begin{pmatrix} 4 \\ 13 \end{pmatrix}",
        r"\left( \frac{8}{2}, 13 \right)",
    ],
)
def test_gradient_at_a_point_correct(answer: str) -> None:
    v = grade(GRAD_AT, answer)
    assert v.correct and v.score == 1 and v.proved, v.feedback
    assert [e.correct for e in v.entries] == [True, True]


def test_gradient_at_a_point_wrong_entry() -> None:
    v = grade(GRAD_AT, "(4, 12)")
    assert v.status == "incorrect" and v.score == 0.5 and v.diagnosis == ()
    assert [(e.index, e.correct, e.score) for e in v.entries] == [
        ((0,), True, 1.0),
        ((1,), False, 0.0),
    ]
    # The feedback names the problem's point, not a random test point.
    assert any("x = 1, y = 2" in line and "13" in line for line in v.feedback), v.feedback
    # Leaving the formula in is not the value at the point.
    assert grade(GRAD_AT, "(2 x y, x^2 + 6 y)").status == "incorrect"


@pytest.mark.parametrize("answer", ["(4, 13, 0)", "4", "[[4, 13]]", "[[4], [13]]"])
def test_gradient_at_a_point_wrong_shape(answer: str) -> None:
    assert grade(GRAD_AT, answer).status == "invalid"


def test_point_values_are_exact_or_within_tolerance() -> None:
    p = {"kind": "gradient", "function": "sin(x) + y^2", "vars": ["x", "y"], "point": ["pi/4", 1]}
    assert grade(p, r"(\frac{\sqrt{2}}{2}, 2)").correct
    assert grade(p, "(0.7071, 2)").status == "incorrect"
    assert grade(p, "(0.7071, 2)", abs_tol=1e-3).correct
    assert grade(p, "(0.7071, 2)", rel_tol=1e-3).correct
    assert grade({**GRAD_AT}, "(4.0001, 13)", abs_tol=1e-3).correct


def test_point_problem_with_a_parameter() -> None:
    p = {"kind": "gradient", "function": "a x^2 + y", "vars": ["x", "y"], "point": [1, 5]}
    assert grade(p, "(2a, 1)").correct
    assert grade(p, "(2, 1)").status == "incorrect"


def test_hessian_at_a_point() -> None:
    assert grade(HESS_AT, "[[6, 0], [0, 2]]").correct
    assert grade(HESS_AT, r"H = \begin{pmatrix} 6 & 0 \\ 0 & 2 \end{pmatrix}").correct
    v = grade(HESS_AT, "[[6, 0], [0, 3]]")
    assert v.status == "incorrect" and v.score == 0.75
    assert [e.correct for e in v.entries] == [True, True, True, False]
    assert [e.index for e in v.entries if not e.correct] == [(1, 1)]
    assert grade(HESS_AT, "(6, 0, 0, 2)").status == "invalid"
    assert grade(HESS_AT, "(6, 2)").status == "invalid"


@pytest.mark.parametrize(
    "bad",
    [
        {**GRAD_AT, "point": [1]},
        {**GRAD_AT, "point": [1, "z"]},
        {"kind": "gradient", "function": "ln(x)", "vars": ["x"], "point": [0]},
        {"kind": "derivative", "function": "x^2", "var": "x", "point": [1]},
        {"kind": "jacobian", "functions": ["x", "y"], "vars": ["x", "y"], "point": [1, 2]},
    ],
)
def test_point_problems_that_cannot_be_set(bad: dict) -> None:
    with pytest.raises(ProblemError):
        grade(bad, "0")


def test_at_is_not_a_gradient_point() -> None:
    with pytest.raises(ProblemError, match="point"):
        Problem.from_dict({**GRAD_AT, "point": None, "at": {"x": 1, "y": 2}})
    with pytest.raises(ProblemError):
        Problem.from_dict({**GRAD_AT, "point": {"x": 1}})


# --------------------------------------------------------------------------- safety


ADVERSARIAL = [
    "{" * 5000 + "}" * 5000,
    r"x^{9^{9^{9}}}",
    "x" * 100_000,
    r"\left( \left( \left( x",
    "\x00\x07\x1b[31m",
    "__import__('os').system('echo pwned')",
    "lambda: 0",
    "(" * 3000 + "0,0" + ")" * 3000,
    r"\text{" * 200 + "minimum" + "}" * 200,
    "; " * 10_000,
    r"(10^{10^{10}}, 0) saddle",
    "(0,0) " + "saddle " * 3000,
]


@pytest.mark.parametrize("problem", [SIN3, MINP, CP])
@pytest.mark.parametrize("answer", ADVERSARIAL)
def test_adversarial_answers_get_a_verdict_quickly(problem: dict, answer: str) -> None:
    start = time.monotonic()
    v = grade(problem, answer)
    assert v.status in ("invalid", "incorrect")
    assert time.monotonic() - start < 3


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.sampled_from(list("(){}[],;:=-+ 0123456789xy\\^_.saddleminumax극소안장")),
        max_size=60,
    )
)
def test_fuzz_other_kinds(text: str) -> None:
    for problem in (SIN3, MINP, CP):
        v = grade(problem, text)
        assert v.status in ("correct", "incorrect", "invalid")


def test_hard_timeout_from_pool() -> None:
    v = grade(CP, "(0,0) saddle; (1,1) minimum", timeout=30)
    assert v.correct
