"""Pure functions for ``descent`` problems on worksheets and in the grader: the exact next
point after one or two gradient-descent steps, and the diagnosis of the usual slips.

A problem is a mapping (or an object with these attributes)::

    {"expr": "x^2 + y^2", "start": {"x": 4, "y": 3}, "lr": "0.1", "steps": 1}

>>> next_point({"expr": "x^2 + y^2", "start": {"x": 4, "y": 3}, "lr": "0.1"})
{'x': 16/5, 'y': 12/5}
>>> [s.id for s in diagnose_descent({"x": 4.8, "y": 3.6}, {"expr": "x^2 + y^2",
...     "start": {"x": 4, "y": 3}, "lr": "0.1"})]
['added_gradient']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from symderiv.optim.common import (
    Number,
    OptimError,
    exact_number,
    parse_point,
    point_in_order,
    say,
    to_fraction,
    to_sympy,
)
from symderiv.optim.evaluator import NotExact
from symderiv.optim.objective import Objective, prepare

#: Slip ids in the order they are tried.
SLIPS = ("added_gradient", "forgot_lr", "added_without_lr", "gradient_given", "one_step")
MAX_PROBLEM_STEPS = 5


@dataclass(frozen=True)
class Slip:
    """A recognised mistake, with the sentence to show in English and Korean."""

    id: str
    en: str
    ko: str

    def text(self, lang: str = "en") -> str:
        return self.ko if lang == "ko" else self.en


@dataclass(frozen=True)
class _Problem:
    objective: Objective
    start: tuple[sp.Rational, ...]
    lr: sp.Rational
    steps: int


def _field(problem: Any, name: str, default: Any = None) -> Any:
    if isinstance(problem, Mapping):
        return problem.get(name, default)
    return getattr(problem, name, default)


def _read(problem: Any) -> _Problem:
    expr = _field(problem, "expr")
    if expr is None:
        raise OptimError("a descent problem needs expr")
    objective = prepare(expr, _field(problem, "vars"), verify=False)
    start = point_in_order(_field(problem, "start"), objective.vars)
    lr = exact_number(_field(problem, "lr", "0.1"), "learning rate")
    steps = _field(problem, "steps", 1)
    if not isinstance(steps, int) or not 1 <= steps <= MAX_PROBLEM_STEPS:
        raise OptimError(f"a descent problem takes 1 to {MAX_PROBLEM_STEPS} steps")
    return _Problem(objective, start, lr, steps)


def _iterate(p: _Problem, coefficient: sp.Rational, steps: int) -> tuple[Number, ...]:
    """``steps`` updates x ← x − coefficient·∇f(x), exactly when f allows it."""
    try:
        grad = p.objective.grad("exact")
        x: list[Number] = [to_fraction(c) for c in p.start]
        c: Number = to_fraction(coefficient)
        for _ in range(steps):
            x = [xi - c * gi for xi, gi in zip(x, grad(x), strict=True)]
    except NotExact:
        grad = p.objective.grad("float")
        x = [float(v) for v in p.start]
        c = float(coefficient)
        for _ in range(steps):
            x = [xi - c * gi for xi, gi in zip(x, grad(x), strict=True)]
    return tuple(x)


def next_point(problem: Any) -> dict[str, sp.Expr]:
    """The point after the problem's gradient-descent steps, by variable name (exact
    rationals when the function is rational, else floats)."""
    p = _read(problem)
    x = _iterate(p, p.lr, p.steps)
    return {name: to_sympy(v) for name, v in zip(p.objective.names, x, strict=True)}


def _slip(slip_id: str, **values: Any) -> Slip:
    key = f"slip_{slip_id}"
    return Slip(slip_id, say(key, "en", **values), say(key, "ko", **values))


def _close(answer: tuple[Any, ...], target: tuple[Number, ...], tolerance: float) -> bool:
    for a, t in zip(answer, target, strict=True):
        if isinstance(t, Fraction) and isinstance(a, Fraction):
            if a != t and abs(float(a - t)) > tolerance * max(1.0, abs(float(t))):
                return False
        elif abs(float(a) - float(t)) > tolerance * max(1.0, abs(float(t))):
            return False
    return True


def diagnose_descent(answer_point: Any, problem: Any, *, tolerance: float = 1e-6) -> list[Slip]:
    """The slips ``answer_point`` shows for ``problem``: an empty list when it is the next
    point, else the recognised slips (or ``unknown``).

    ``answer_point`` is ``{"x": ...}``, a list in variable order, or text ``"x=3.2, y=2.4"``;
    values are compared within ``tolerance`` relative (so a rounded 3.2 is accepted).
    """
    p = _read(problem)
    parsed = parse_point(answer_point, p.objective.vars)
    answer = tuple(
        to_fraction(v)
        for v in point_in_order(
            parsed if isinstance(parsed, dict) else list(parsed), p.objective.vars
        )
    )
    one = sp.Integer(1)
    if _close(answer, _iterate(p, p.lr, p.steps), tolerance):
        return []
    candidates = {
        "added_gradient": _iterate(p, -p.lr, p.steps),
        "forgot_lr": _iterate(p, one, p.steps),
        "added_without_lr": _iterate(p, -one, p.steps),
    }
    found = [_slip(k) for k, target in candidates.items() if _close(answer, target, tolerance)]
    if p.steps == 1:
        gradient = p.objective.grad("float")([float(c) for c in p.start])
        if _close(answer, tuple(gradient), tolerance):
            found.append(_slip("gradient_given"))
    elif _close(answer, _iterate(p, p.lr, 1), tolerance):
        found.append(_slip("one_step", steps=p.steps))
    return found or [_slip("unknown")]
