"""A bank of gradient-descent problems: one or two steps from a start point, the student
gives the point reached (the grader's ``descent`` kind).

Functions are the lesson's: quadratics in one or two variables (x², (x − a)² + k(y − b)²,
...) and the double well x⁴ − 3x²; start points are small integers and learning rates short
decimals, and a draft is kept only when every coordinate of the next point is a short
terminating decimal (at most :data:`MAX_DIGITS` digits, at most :data:`MAX_VALUE` in size)
and the gradient is not zero at the start nor at the point reached. The exact next point is
:func:`symderiv.optim.exercises.next_point`.

A descent draft is a :class:`~symderiv.worksheet.banks.Draft` of kind ``"descent"``:
``vars`` the variables, ``at`` the start point as (name, value) pairs, ``order`` the
number of steps, and the learning rate as the one pair ``defs = (("lr", "0.1"),)`` (a
Draft has no field of its own for it; :func:`learning_rate` reads it back).

>>> import random
>>> d = descent_steps(random.Random(3), 1)
>>> d.kind, d.order, learning_rate(d) in LEARNING_RATES
('descent', 1, True)
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sympy as sp

from symderiv.notation import latex_str
from symderiv.optim.common import show_rate
from symderiv.optim.exercises import next_point
from symderiv.worksheet.problem import function_text

if TYPE_CHECKING:
    from symderiv.worksheet.banks import Draft

__all__ = [
    "BANK_NAME",
    "LEARNING_RATES",
    "TITLE_EN",
    "TITLE_KO",
    "answer_latex",
    "descent_steps",
    "expected_point",
    "grader_problem",
    "learning_rate",
    "question_parts",
]

BANK_NAME = "gradient-descent"
TITLE_EN = "Gradient descent steps"
TITLE_KO = "경사하강법 반복"
LEARNING_RATES = ("0.1", "0.05", "0.2", "0.25", "0.5", "0.01")
#: Limits on each coordinate of the answer: digits of the decimal, and size.
MAX_DIGITS = 6
MAX_VALUE = 60
#: Draws per draft before the generator gives up (it never does in practice).
MAX_TRIES = 200

x, y = sp.symbols("x y")


def _nonzero(rng: random.Random, low: int, high: int) -> int:
    value = rng.randint(low, high)
    return value if value else high


def _function(rng: random.Random, d: int) -> tuple[sp.Expr, tuple[sp.Symbol, ...]]:
    """A function of the difficulty: d1 one variable; d2 and d3 also two variables and the
    double well."""
    a, b = rng.randint(-3, 3), rng.randint(-3, 3)
    k = rng.randint(1, 3)
    one = [x**2, k * x**2, (x - a) ** 2, k * x**2 + _nonzero(rng, -4, 4) * x]
    if d == 1:
        return rng.choice(one), (x,)
    two = [
        x**2 + y**2,
        x**2 + k * y**2,
        (x - a) ** 2 + k * (y - b) ** 2,
        x**2 + x * y + y**2,
        k * x**2 + y**2 + _nonzero(rng, -3, 3) * x,
    ]
    choice = rng.choice(
        [*[(f, (x, y)) for f in two], (x**4 - 3 * x**2, (x,)), (rng.choice(one), (x,))]
    )
    return sp.expand(choice[0]), choice[1]


def _short(value: sp.Expr) -> bool:
    """Is ``value`` a rational that is a short terminating decimal of moderate size?"""
    if not value.is_Rational or abs(value) > MAX_VALUE:
        return False
    text = show_rate(value)
    return "/" not in text and len(text.lstrip("-").replace(".", "")) <= MAX_DIGITS


def descent_steps(rng: random.Random, d: int) -> Draft:
    """A descent draft of difficulty ``d`` (1: one variable, one step; 2: one step, or two
    in one variable; 3: two steps)."""
    from symderiv.worksheet.banks import Draft

    for _ in range(MAX_TRIES):
        f, names = _function(rng, d)
        steps = 1 if d == 1 else (2 if d == 3 or (len(names) == 1 and rng.random() < 0.5) else 1)
        lr = rng.choice(LEARNING_RATES[:3] if f.has(x**4) else LEARNING_RATES)
        high = 2 if f.has(x**4) else 5
        start = tuple((v.name, str(_nonzero(rng, -high, high))) for v in names)
        draft = Draft(f, var=names[0], order=steps, kind="descent", vars=names, at=start)
        draft = Draft(**{**draft.__dict__, "defs": (("lr", lr),)})
        if _fair(draft):
            return draft
    raise RuntimeError("the descent bank found no fair problem")  # pragma: no cover


def _fair(draft: Draft) -> bool:
    point = {sp.Symbol(n): sp.Integer(int(v)) for n, v in draft.at or ()}
    gradient = [sp.diff(draft.expr, v).subs(point) for v in draft.vars]
    if all(g == 0 for g in gradient):
        return False
    reached = expected_point(draft)
    if not all(_short(c) for c in reached):
        return False
    # Landing exactly on a critical point hides what the learning rate does.
    there = dict(zip(draft.vars, reached, strict=True))
    return any(sp.diff(draft.expr, v).subs(there) != 0 for v in draft.vars)


def learning_rate(draft: Any) -> str:
    """The learning rate of a descent draft (or worksheet problem) as text."""
    return dict(draft.defs)["lr"]


def _exercise(draft: Any) -> dict[str, Any]:
    return {
        "expr": function_text(draft.expr),
        "vars": [str(v) for v in draft.vars],
        "start": {n: v for n, v in draft.at},
        "lr": learning_rate(draft),
        "steps": draft.order,
    }


def expected_point(draft: Any) -> list[sp.Rational]:
    """The exact point after the draft's steps, in the order of its variables."""
    point = next_point(_exercise(draft))
    return [point[str(v)] for v in draft.vars]


def grader_problem(draft: Any, function: str | None = None) -> dict[str, Any]:
    """The draft (or worksheet problem) in the grader's problem format."""
    exercise = _exercise(draft)
    return {
        "kind": "descent",
        "function": function or exercise["expr"],
        "vars": exercise["vars"],
        "point": [int(v) for _, v in draft.at],
        "lr": exercise["lr"],
        "steps": draft.order,
    }


def _point_latex(values: Sequence[Any]) -> str:
    shown = [latex_str(v) if isinstance(v, sp.Basic) else str(v) for v in values]
    return shown[0] if len(shown) == 1 else r"\left(%s\right)" % ", ".join(shown)


def _names_latex(draft: Any) -> str:
    return _point_latex([sp.Symbol(str(v)) for v in draft.vars])


def question_parts(draft: Any, lang: str = "en") -> list[tuple[str, str]]:
    """The question as text ("t") and formula ("m") pieces, like
    :func:`symderiv.worksheet.questions.question_parts`."""
    names = ", ".join(latex_str(sp.Symbol(str(v))) for v in draft.vars)
    f = r"f(%s) = %s" % (names, latex_str(draft.expr))
    start = r"%s = %s" % (_names_latex(draft), _point_latex([int(v) for _, v in draft.at]))
    rate = r"\eta = %s" % learning_rate(draft)
    rule = r"\mathbf{x} \leftarrow \mathbf{x} - \eta \nabla f(\mathbf{x})"
    if len(draft.vars) == 1:
        rule = r"x \leftarrow x - \eta f'(x)"
    if lang == "ko":
        times = "한 번" if draft.order == 1 else "두 번"
        return [
            ("m", f),
            ("t", "에 대하여 "),
            ("m", start),
            ("t", "에서 시작해 학습률 "),
            ("m", rate),
            ("t", "로 경사하강법 갱신 "),
            ("m", rule),
            ("t", f"을(를) {times} 적용하시오. 도달한 점을 구하시오."),
        ]
    times = "one step" if draft.order == 1 else "two steps"
    return [
        ("t", "Starting from "),
        ("m", start),
        ("t", f", take {times} of gradient descent "),
        ("m", rule),
        ("t", " with learning rate "),
        ("m", rate),
        ("t", " on "),
        ("m", f),
        ("t", ". Give the point reached."),
    ]


def answer_latex(draft: Any) -> str:
    """The key's answer: ``(x, y) = (3.2, 2.4)``, coordinates as decimals."""
    values = [show_rate(v) for v in expected_point(draft)]
    return r"%s = %s" % (_names_latex(draft), _point_latex(values))
