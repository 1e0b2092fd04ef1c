"""Grading ``descent`` problems (the point after gradient-descent steps) and the
gradient-descent worksheet bank."""

from __future__ import annotations

import json
import random
import re

import pytest
import sympy as sp

import symderiv as sd
from symderiv.grading import Policy, Problem, ProblemError
from symderiv.optim.exercises import next_point
from symderiv.worksheet import bank_descent

X2 = {"kind": "descent", "function": "x^2", "point": [5], "lr": "0.1", "steps": 1}
X2_TWO = {**X2, "steps": 2}
BOWL = {
    "kind": "descent",
    "function": "x^2 + y^2",
    "vars": ["x", "y"],
    "point": [4, 3],
    "lr": "0.1",
    "steps": 1,
}
BOWL_TWO = {**BOWL, "steps": 2}

# The Korean texts of the slips (symderiv/optim/messages.toml).
KO = {
    "added_gradient": "그래디언트를 빼야 하는데 더했습니다: 경사하강법은 그래디언트의 반대 "
    "방향으로 움직입니다, x − lr·∇f.",
    "forgot_lr": "학습률을 빠뜨렸습니다: 이동량은 ∇f 자체가 아니라 lr·∇f입니다.",
    "added_without_lr": "그래디언트를 더했고 학습률도 빠뜨렸습니다: 이동량은 −lr·∇f입니다.",
    "gradient_given": "다음 점 x − lr·∇f가 아니라 그래디언트 ∇f를 적었습니다.",
    "one_step": "한 걸음만 갔습니다; 문제는 2걸음을 묻습니다.",
}


# --------------------------------------------------------------------------- the lesson


def test_lesson_one_variable_x_5_lr_01_gives_4() -> None:
    v = sd.grade(X2, "4")
    assert v.status == "correct" and v.score == 1.0 and v.proved
    assert v.expected == "4" and v.feedback == ("Correct.",)
    assert sd.grade(X2, "x = 4").correct


def test_lesson_two_steps_on_x_squared() -> None:
    assert sd.grade(X2_TWO, "3.2").correct  # 5 → 4 → 3.2
    assert sd.grade(X2_TWO, "16/5").correct
    assert not sd.grade(X2_TWO, "4").correct


@pytest.mark.parametrize(
    "answer",
    [
        "(3.2, 2.4)",
        "[3.2, 2.4]",
        "x = 3.2, y = 2.4",
        "y = 2.4; x = 3.2",
        r"\begin{pmatrix}3.2\\2.4\end{pmatrix}",
        r"$\left(3.2, 2.4\right)$",
        "(x, y) = (3.2, 2.4)",
        "(16/5, 12/5)",
        "(3.20, 2.40)",
    ],
)
def test_lesson_bowl_from_4_3_every_notation(answer: str) -> None:
    v = sd.grade(BOWL, answer)
    assert v.status == "correct", v.feedback
    assert v.expected == r"\left(\frac{16}{5}, \frac{12}{5}\right)"
    assert [e.correct for e in v.entries] == [True, True]


def test_lesson_bowl_two_steps() -> None:
    assert sd.grade(BOWL_TWO, "(2.56, 1.92)").correct  # (4,3) → (3.2,2.4) → (2.56,1.92)
    assert not sd.grade(BOWL_TWO, "(2.56, 1.93)").correct


def test_decimal_versus_fraction_and_tolerance() -> None:
    third = {"kind": "descent", "function": "x^2", "point": [1], "lr": "1/3"}  # 1 − 2/3
    assert sd.grade(third, "1/3").correct
    rounded = sd.grade(third, "0.333")
    assert rounded.status == "incorrect" and rounded.score == 0.0
    assert "Your point is close to the right one but not equal" in rounded.feedback[1]
    assert sd.grade(third, "0.333", abs_tol=1e-3).correct
    assert not sd.grade(third, "0.33", abs_tol=1e-3).correct
    assert sd.grade(third, "0.3333", rel_tol=1e-3).correct


def test_non_rational_function_compared_in_floating_point() -> None:
    p = {"kind": "descent", "function": "e^x", "point": [0], "lr": "0.1"}
    assert sd.grade(p, "-0.1").correct  # 0 − 0.1·e⁰
    assert not sd.grade(p, "-0.2").correct


# --------------------------------------------------------------------------- slips


@pytest.mark.parametrize(
    ("problem", "answer", "slip"),
    [
        (BOWL, "(4.8, 3.6)", "added_gradient"),
        (BOWL, "(-4, -3)", "forgot_lr"),
        (BOWL, "(12, 9)", "added_without_lr"),
        (BOWL, "(8, 6)", "gradient_given"),
        (BOWL_TWO, "(3.2, 2.4)", "one_step"),
        (X2, "6", "added_gradient"),
        (X2, "-5", "forgot_lr"),
        (X2, "15", "added_without_lr"),
        (X2, "10", "gradient_given"),
        (X2_TWO, "4", "one_step"),
    ],
)
def test_each_slip_diagnosed_with_its_korean_text(problem: dict, answer: str, slip: str) -> None:
    v = sd.grade(problem, answer, lang="ko")
    assert v.status == "incorrect"
    assert v.diagnosis == (f"descent.{slip}",)
    assert v.score == 0.5
    assert v.feedback[0] == "정답이 아닙니다."
    assert v.feedback[1] == KO[slip]


def test_slip_credit_follows_the_policy() -> None:
    assert sd.grade(BOWL, "(4.8, 3.6)", policy=Policy(slip_credit=0.25)).score == 0.25


def test_unknown_mistake_scores_zero_and_says_which_coordinate() -> None:
    v = sd.grade(BOWL, "(3.2, 2.5)")
    assert v.status == "incorrect" and v.score == 0.0 and v.diagnosis == ()
    assert v.feedback[1].startswith("This is not the next point")
    assert v.feedback[2:] == (
        "y should be 2.4 after 1 step(s) with learning rate 0.1; yours is 2.5.",
    )
    assert [e.correct for e in v.entries] == [True, False]
    ko = sd.grade(BOWL, "(3.2, 2.5)", lang="ko")
    assert ko.feedback[2] == "학습률 0.1로 1걸음 간 뒤 y은(는) 2.4이어야 하는데 답에서는 2.5입니다."


# --------------------------------------------------------------------------- invalid answers


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        ("(1, 2, 3)", "with 2 coordinate(s) (x, y); yours has 3."),
        ("3.2", "with 2 coordinate(s) (x, y); yours has 1."),
        ("[[1, 2], [3, 4]]", "yours has 2×2."),
    ],
)
def test_wrong_number_of_coordinates_is_invalid(answer: str, text: str) -> None:
    v = sd.grade(BOWL, answer)
    assert v.status == "invalid" and v.score == 0.0
    assert v.feedback[0].startswith("The answer is the point reached by gradient descent")
    assert v.feedback[0].endswith(text)
    assert v.expected == r"\left(\frac{16}{5}, \frac{12}{5}\right)"


def test_unreadable_and_non_numbers_are_invalid_with_reason() -> None:
    v = sd.grade(BOWL, "(3.2, 2.4+)")
    assert v.status == "invalid" and v.where == 9
    assert v.feedback[0].startswith("Could not read your point: expression ends after '+'")
    half = sd.grade(BOWL, "x = 3.2")
    assert half.status == "invalid"
    assert "each of x, y once" in half.feedback[0]
    symbol = sd.grade(BOWL, "(a, 2.4)", lang="ko")
    assert symbol.status == "invalid"
    assert symbol.feedback == ("점의 x 좌표는 실수여야 하는데 a입니다.",)
    assert sd.grade(BOWL, "(3.2, 2.4)", lang="ko").feedback == ("정답입니다.",)


# --------------------------------------------------------------------------- the problem


def test_problem_round_trip_and_json() -> None:
    p = Problem.from_dict({**BOWL_TWO, "point": {"x": 4, "y": 3}, "lr": 0.1})
    assert p.lr == "0.1" and p.steps == 2 and p.point == ("4", "3") and p.vars == ("x", "y")
    d = p.to_dict()
    assert d == {
        "kind": "descent",
        "function": "x^2 + y^2",
        "vars": ["x", "y"],
        "point": ["4", "3"],
        "lr": "0.1",
        "steps": 2,
    }
    assert Problem.from_dict(json.loads(json.dumps(d))) == p
    assert Problem.from_dict({**X2, "lr": "1/10"}).to_dict()["lr"] == "1/10"
    assert sd.grade(p, "(2.56, 1.92)").correct


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lr": None}, 'a descent problem needs a learning rate (lr), such as "0.1"'),
        ({"lr": "-0.1"}, "the learning rate must be a positive exact number"),
        ({"lr": "pi"}, "the learning rate must be a positive exact number"),
        ({"lr": "0.1 +"}, "cannot read the learning rate '0.1 +'"),
        ({"lr": [0.1]}, "the learning rate lr must be a number"),
        ({"steps": 3}, "steps must be 1 or 2"),
        ({"steps": True}, "steps must be 1 or 2"),
        ({"point": None}, "a descent problem needs the start point (point)"),
    ],
)
def test_bad_descent_problems_say_what_is_wrong(change: dict, message: str) -> None:
    data = {k: v for k, v in {**X2, **change}.items() if v is not None}
    with pytest.raises(ProblemError, match=re.escape(message)):
        Problem.from_dict(data)


def test_lr_and_steps_only_for_descent() -> None:
    with pytest.raises(ProblemError, match="lr only belongs to descent problems"):
        Problem.from_dict({"kind": "derivative", "function": "x^2", "lr": "0.1"})


def test_problems_that_cannot_be_set() -> None:
    with pytest.raises(ProblemError, match="needs 1 values"):
        sd.grade({**BOWL, "vars": ["x"], "function": "x^2", "point": [1, 2]}, "1")
    with pytest.raises(ProblemError, match="cannot have parameters"):
        sd.grade({**X2, "function": "x^2 + a x", "vars": ["x"]}, "1")
    with pytest.raises(ProblemError, match="cannot take the gradient-descent steps"):
        sd.grade({**X2, "function": "1/x", "point": [0]}, "1")


# --------------------------------------------------------------------------- the bank


def _by_hand(gp: dict) -> list[sp.Rational]:
    """Independent recomputation: x ← x − lr·∇f(x) with SymPy's diff, exactly."""
    f = sd.parse(gp["function"])
    xs = [sp.Symbol(n) for n in gp["vars"]]
    lr = sp.Rational(gp["lr"])
    point = [sp.Integer(v) for v in gp["point"]]
    for _ in range(gp["steps"]):
        at = dict(zip(xs, point, strict=True))
        point = [p - lr * sp.diff(f, x).subs(at) for p, x in zip(point, xs, strict=True)]
    return point


def test_bank_30_problems_exact_and_graded_correct() -> None:
    rng = random.Random(13)
    seen_kinds = set()
    for i in range(30):
        draft = bank_descent.descent_steps(rng, 1 + i % 3)
        assert draft.kind == "descent"
        gp = bank_descent.grader_problem(draft)
        expected = bank_descent.expected_point(draft)
        assert expected == _by_hand(gp)
        assert expected == [
            next_point(
                {
                    "expr": gp["function"],
                    "vars": gp["vars"],
                    "start": gp["point"],
                    "lr": gp["lr"],
                    "steps": gp["steps"],
                }
            )[n]
            for n in gp["vars"]
        ]
        key = bank_descent.answer_latex(draft)
        answer = key.split(" = ", 1)[1]
        verdict = sd.grade(gp, answer)
        assert verdict.status == "correct", (gp, answer, verdict.feedback)
        assert sd.grade(gp, key).correct
        assert "/" not in answer  # short decimals, as the bank promises
        assert len(gp["vars"]) == 1 or i % 3
        seen_kinds.add((len(gp["vars"]), gp["steps"]))
    assert seen_kinds == {(1, 1), (2, 1), (1, 2), (2, 2)}


def test_bank_question_wording() -> None:
    draft = bank_descent.descent_steps(random.Random(2), 3)
    ko = "".join(s for _, s in bank_descent.question_parts(draft, "ko"))
    en = "".join(s for _, s in bank_descent.question_parts(draft, "en"))
    assert "학습률" in ko and "경사하강법" in ko and "두 번" in ko
    assert en.startswith("Starting from ") and "take two steps of gradient descent" in en
    assert en.endswith("Give the point reached.")
    assert rf"\eta = {bank_descent.learning_rate(draft)}" in en


def test_13_6_worksheet_descent_bank_keys_grade_correct() -> None:
    """The gradient-descent bank is registered: a sheet draws it, and the grader accepts
    every expected answer of its answers JSON (the key and the grader agree)."""
    spec = {
        "title": "Gradient descent practice",
        "sections": [
            {
                "title": "Steps",
                "problems": [{"bank": "gradient-descent", "count": 4, "difficulty": 2}],
            }
        ],
    }
    ws = sd.worksheet(spec, seed=5)
    entries = ws.answers()
    assert [e["problem"]["kind"] for e in entries] == ["descent"] * 4
    for entry in entries:
        answer = "(" + ", ".join(entry["expected"]) + ")"
        if len(entry["expected"]) == 1:
            answer = entry["expected"][0]
        verdict = sd.grade(entry["problem"], answer)
        assert verdict.status == "correct", (entry, verdict.feedback)
