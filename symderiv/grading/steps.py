r"""``grade_steps(problem, lines)``: check a worked solution line by line.

Each line is one expression (a leading ``=`` is dropped; a line with several top-level
``=`` counts as several lines; a leading label such as ``f'(x)`` or ``\frac{d}{dx}(...)``
restating the question is allowed). Pending derivatives in a line (``\frac{d}{dx}\sin x``)
are worked out before comparing, so a line "follows" when it is equal, as a function, to
the line before it -- the first line to the derivative asked for. The first line that does
not follow is reported, with a mal-rule diagnosis when its value equals the derivative
with one slip. Lines after a wrong line are checked against their predecessor (error
carried forward), and the solution is correct when no line is wrong and the last line is
a finished derivative.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import sympy as sp

from symderiv.errors import ParseError
from symderiv.grading.answers import _split_top
from symderiv.grading.checks import diagnose, difference_line, expected_of, symbol_problem
from symderiv.grading.equivalence import compare
from symderiv.grading.problems import Problem, as_problem
from symderiv.grading.verdict import message
from symderiv.parsing import parse

__all__ = ["LineVerdict", "StepsVerdict", "grade_steps"]

MAX_LINES = 50


@dataclass(frozen=True)
class LineVerdict:
    """One line: ``status`` is "ok", "wrong" or "invalid"; ``follows`` from the line before."""

    index: int
    text: str
    status: str
    follows: bool
    finished: bool = False  # no derivative operator left
    feedback: tuple[str, ...] = ()
    diagnosis: tuple[str, ...] = ()


@dataclass(frozen=True)
class StepsVerdict:
    lines: tuple[LineVerdict, ...]
    first_wrong: int | None
    correct: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "correct": self.correct,
            "first_wrong": self.first_wrong,
            "lines": [
                {**asdict(line), "feedback": list(line.feedback), "diagnosis": list(line.diagnosis)}
                for line in self.lines
            ],
        }


def _pieces(lines: Sequence[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        for part, _ in _split_top(line, "="):
            if part.strip():
                out.append(part.strip())
    return out


def _value(expr: sp.Expr) -> sp.Expr:
    """Work out pending derivatives (innermost first)."""
    if not expr.has(sp.Derivative):
        return expr
    return expr.doit(deep=True)


def grade_steps(
    problem: Problem | Mapping[str, Any], lines: Sequence[str], *, lang: str = "en"
) -> StepsVerdict:
    """Check each line of a worked solution; see the module doc."""
    prob = as_problem(problem)
    expected = expected_of(prob)
    if expected.shape:
        raise ValueError("grade_steps handles scalar problems (derivative, partial, expression)")
    target = expected.targets[0]
    right = expected.entries[0]
    previous = right
    results: list[LineVerdict] = []
    first_wrong: int | None = None
    texts = _pieces(list(lines)[:MAX_LINES])
    for i, text in enumerate(texts):
        try:
            expr = parse(text)
        except ParseError as exc:
            if i == 0 and text.rstrip().endswith((")", "}")) and "'" in text:
                continue  # a label such as f'(x)
            results.append(
                LineVerdict(
                    i,
                    text,
                    "invalid",
                    False,
                    feedback=(message("unreadable", lang, error=str(exc)),),
                )
            )
            first_wrong = i if first_wrong is None else first_wrong
            continue
        trouble = symbol_problem(expr, expected, lang)
        if trouble is not None:
            results.append(LineVerdict(i, text, "invalid", False, feedback=trouble))
            first_wrong = i if first_wrong is None else first_wrong
            continue
        finished = not expr.has(sp.Derivative)
        try:
            value = _value(expr)
        except Exception:
            value = expr
        result = compare(value, previous, expected.vars, domain=expected.domain, budget=1.0)
        follows = bool(result.equal)
        feedback: list[str] = []
        diagnosis: tuple[str, ...] = ()
        if not follows:
            if first_wrong is None:
                first_wrong = i
                slips = diagnose(target, value, expected, time.monotonic() + 2.0)
                diagnosis = tuple(s.rule.id for s in slips)
                feedback.extend(s.feedback(lang) for s in slips)
            if not feedback and result.equal is not True:
                feedback.append(difference_line(result, lang))
        results.append(
            LineVerdict(
                i, text, "ok" if follows else "wrong", follows, finished, tuple(feedback), diagnosis
            )
        )
        previous = value
    correct = (
        first_wrong is None
        and bool(results)
        and results[-1].finished
        and results[-1].status == "ok"
    )
    return StepsVerdict(tuple(results), first_wrong, correct)
