"""What the graders of every problem kind (and ``grade_steps``) share.

The expected answer of a derivative-type problem (cached), the check for symbols and
functions an answer may not use, the mal-rule diagnosis of a wrong answer, and printing
that never breaks grading. This module sits below every kind's grader (see the layers in
:mod:`symderiv.grading`).
"""

from __future__ import annotations

import difflib
import functools
import time

import sympy as sp
from sympy.core.function import AppliedUndef

from symderiv.grading.answers import Answer
from symderiv.grading.equivalence import Comparison, compare
from symderiv.grading.malrules import Slip, slips
from symderiv.grading.problems import Expected, Problem, Target, expected_answer
from symderiv.grading.verdict import message
from symderiv.notation import latex_str, shape_latex, shape_unicode, unicode_str

__all__ = [
    "DIAGNOSIS_BUDGET",
    "answer_latex",
    "diagnose",
    "difference_line",
    "expected_latex",
    "expected_of",
    "expected_text",
    "latex_text",
    "plain_text",
    "symbol_problem",
]

#: Seconds for the mal-rule search of one entry.
DIAGNOSIS_BUDGET = 3.0


@functools.lru_cache(maxsize=256)
def expected_of(problem: Problem) -> Expected:
    """The expected answer of a derivative-type problem (cached per problem)."""
    return expected_answer(problem)


@functools.lru_cache(maxsize=512)
def _slips(target: Target) -> tuple[Slip, ...]:
    return tuple(slips(target.function, target.wrt))


def latex_text(expr: sp.Expr) -> str:
    """LaTeX of ``expr``; its plain ``str`` if printing fails."""
    try:
        return latex_str(expr)
    except Exception:  # printing must never break grading
        return str(expr)


def plain_text(expr: sp.Expr) -> str:
    """The text form of ``expr``; its plain ``str`` if printing fails."""
    try:
        return unicode_str(expr)
    except Exception:  # printing must never break grading
        return str(expr)


def _shaped_latex(shape: tuple[int, ...], entries: tuple[sp.Expr, ...]) -> str:
    if not shape:
        return latex_text(entries[0])
    if len(shape) == 1:
        return latex_text(sp.Matrix(entries))
    return latex_text(sp.Matrix(*shape, list(entries)))


def expected_latex(expected: Expected | None) -> str | None:
    """The expected answer in LaTeX (a scalar, a column vector or a matrix); a derivative
    is written as its worked derivation shows it (the teacher's final form)."""
    if expected is None:
        return None
    if expected.shown is not None:
        try:
            return shape_latex(expected.shown)
        except Exception:  # printing must never break grading
            return latex_text(expected.entries[0])
    return _shaped_latex(expected.shape, expected.entries)


def expected_text(expected: Expected) -> str:
    """The expected scalar answer as text, as its worked derivation shows it."""
    if expected.shown is not None:
        try:
            return shape_unicode(expected.shown)
        except Exception:  # printing must never break grading
            pass
    return plain_text(expected.entries[0])


def answer_latex(answer: Answer) -> str:
    """A read answer in LaTeX, shaped like it was written."""
    return _shaped_latex(answer.shape, answer.entries)


def symbol_problem(expr: sp.Expr, expected: Expected, lang: str) -> tuple[str, ...] | None:
    """Feedback for symbols or functions the problem does not have, or None."""
    allowed = {s.name: s for s in expected.symbols}
    for s in sorted(expr.free_symbols - set(expected.symbols), key=lambda s: s.name):
        if s.name in ("E", "e"):
            return (message("e_symbol", lang, name=s.name),)
        lines = [message("unknown_symbol", lang, name=s.name)]
        close = [n for n in allowed if n.lower() == s.name.lower()]
        close = close or difflib.get_close_matches(s.name, list(allowed), n=1, cutoff=0.5)
        if close:
            lines.append(message("did_you_mean", lang, name=close[0]))
        return tuple(lines)
    problem_functions = {type(f) for f in expected.functions for f in f.atoms(AppliedUndef)}
    for f in expr.atoms(AppliedUndef):
        if type(f) not in problem_functions:
            return (message("unknown_function", lang, name=str(f.func)),)
    return None


def difference_line(result: Comparison, lang: str, where: str | None = None) -> str:
    """The feedback line for a comparison that is not "equal": a counterexample (with its
    location, when there is one), a point where the answer is undefined, or why it is
    undecided."""
    where = result.counterexample if where is None else where
    if result.equal is None:
        if result.reason == "teacher_form":
            return message("teacher_form", lang, where=where)
        return message("few_points", lang, points=result.points)
    if result.undefined:
        return message("undefined", lang, where=where)
    yours, right = result.values
    if not where:
        return message("counterexample_value", lang, yours=yours, right=right)
    return message("counterexample", lang, where=where, yours=yours, right=right)


def diagnose(
    target: Target | None, answer: sp.Expr, expected: Expected, deadline: float
) -> list[Slip]:
    """The mal-rules (one slip each) whose result equals ``answer``, until ``deadline``."""
    if target is None:
        return []
    found: list[Slip] = []
    ids: set[str] = set()
    for slip in _slips(target):
        if time.monotonic() > deadline:
            break
        if slip.rule.id in ids:
            continue
        result = compare(
            answer, slip.derivative, expected.vars, domain=expected.domain, budget=0.5, prove=False
        )
        if result.equal:
            found.append(slip)
            ids.add(slip.rule.id)
    return found
