r"""Grading ``descent`` problems: the point after one or two gradient-descent steps.

The expected point is :func:`symderiv.optim.exercises.next_point` of the problem (exact
rationals when the function is rational, else floats). The answer is a point: ``(3.2,
2.4)``, ``[3.2, 2.4]``, ``\begin{pmatrix}3.2\\2.4\end{pmatrix}``, ``x = 3.2, y = 2.4``, or
one number in one variable; decimals are read exactly (3.2 is 16/5). A coordinate is right
when it equals the expected one exactly (within ``abs_tol``/``rel_tol`` when given; within
1e-6 when the expected point is only known in floating point). A wrong point is diagnosed
by :func:`symderiv.optim.exercises.diagnose_descent` (added the gradient, forgot the
learning rate, gave the gradient, one step of two).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

import sympy as sp

from symderiv.errors import ParseError, SymderivError
from symderiv.grading.answers import MAX_ANSWER_LENGTH, _split_top, _strip_math, read_answer
from symderiv.grading.checks import latex_text
from symderiv.grading.kinds.support import (
    invalid,
    problem_function,
    problem_vars,
    real_value,
    same_number,
)
from symderiv.grading.problems import DESCENT_STEPS, Problem, ProblemError
from symderiv.grading.verdict import EntryVerdict, Policy, Verdict, message
from symderiv.notation import unicode_str
from symderiv.numeric import NumericError
from symderiv.optim.common import OptimError, show_rate
from symderiv.optim.exercises import Slip, diagnose_descent, next_point
from symderiv.parsing import parse

__all__ = ["grade_descent"]

#: Tolerance for a point the function only allows in floating point (exp, sin, ...).
FLOAT_TOLERANCE = 1e-6
#: A wrong point this close (relative) to the right one is called rounded, not a slip.
ROUNDING = 5e-3

_PAIR = re.compile(r"^\s*([A-Za-z_]\w*)\s*=(?!=)(.+)$", re.S)
_FAILURES = (NumericError, ZeroDivisionError, OverflowError, ValueError, TypeError)


def _exercise(problem: Problem) -> dict[str, Any]:
    """The problem in the form :mod:`symderiv.optim.exercises` reads."""
    f = problem_function(problem)
    xs = problem_vars(problem, f)
    extra = sorted(s.name for s in f.free_symbols - set(xs))
    if extra:
        raise ProblemError(f"descent problems cannot have parameters ({', '.join(extra)})")
    if len(problem.point) != len(xs):
        raise ProblemError(f"the start point needs {len(xs)} values (one per var)")
    if problem.lr is None:
        raise ProblemError("a descent problem needs a learning rate (lr)")
    if problem.steps not in DESCENT_STEPS:
        raise ProblemError("steps must be 1 or 2")
    return {
        "expr": problem.function,
        "vars": [x.name for x in xs],
        "start": list(problem.point),
        "lr": problem.lr,
        "steps": problem.steps,
    }


@functools.lru_cache(maxsize=64)
def _expected(problem: Problem) -> tuple[tuple[str, ...], tuple[sp.Expr, ...]]:
    """The variable names and the exact (or float) next point."""
    exercise = _exercise(problem)
    try:
        point = next_point(exercise)
    except (OptimError, SymderivError, *_FAILURES) as exc:
        raise ProblemError(f"cannot take the gradient-descent steps: {exc}") from None
    names = tuple(exercise["vars"])
    values = tuple(point[n] for n in names)
    if any(not v.is_Rational and not sp.Float(v).is_finite for v in values):
        raise ProblemError("the gradient is not defined (finite) along the way")
    return names, values


def _point_latex(values: Sequence[sp.Expr]) -> str:
    if len(values) == 1:
        return latex_text(values[0])
    return r"\left(" + ", ".join(latex_text(v) for v in values) + r"\right)"


def _without_names(answer: str, names: Sequence[str]) -> tuple[str, int]:
    """``(x, y) = (3.2, 2.4)`` -> ``(3.2, 2.4)``: drop the variables written as a label;
    also the column where the rest starts."""
    body, offset = _strip_math(answer)
    parts = _split_top(body, "=")
    if len(parts) == 2:
        left = re.sub(r"\\left|\\right|[\s()\[\]]", "", parts[0][0])
        if left.split(",") == list(names):
            return parts[1][0], offset + parts[1][1]
    return answer, 0


def _by_name(answer: str, names: Sequence[str]) -> list[sp.Expr] | None:
    """``x = 3.2, y = 2.4``: the coordinates in the order of ``names``, or None when the
    answer is not written that way."""
    body, _ = _strip_math(answer)
    parts = [t for sep_part, _ in _split_top(body, ";") for t, _ in _split_top(sep_part, ",")]
    pairs = [_PAIR.match(t) for t in parts]
    named = [m for m in pairs if m is not None and m.group(1) in names]
    if not named:
        return None
    if len(parts) == 1 and len(names) > 1 and re.match(r"\s*(\(|\[|\\)", named[0].group(2)):
        return None  # "x = (3.2, 2.4)": a label, read as a vector
    given = [m.group(1) for m in named]
    if len(named) != len(parts) or sorted(given) != sorted(names):
        raise ParseError(
            f"write every coordinate as name = value, each of {', '.join(names)} once",
            answer,
            None,
        )
    values = {m.group(1): m.group(2) for m in named}
    out = []
    for n in names:
        try:
            out.append(parse(values[n]))
        except ParseError as exc:
            raise ParseError(f"cannot read {n}: {exc.message}", answer, None) from None
    return out


def _read(answer: str, names: Sequence[str]) -> list[sp.Expr] | tuple[str, str]:
    """The answer's coordinates, or ("shape", got) when it has the wrong number of them."""
    if not isinstance(answer, str):
        raise ParseError("an answer must be text", "", None)
    if len(answer) > MAX_ANSWER_LENGTH:
        raise ParseError(f"the answer is longer than {MAX_ANSWER_LENGTH} characters", "", None)
    whole = answer
    answer, offset = _without_names(answer, names)
    named = _by_name(answer, names)
    if named is not None:
        return named
    try:
        read = read_answer(answer)
    except ParseError as exc:
        where = None if exc.position is None else exc.position + offset
        raise ParseError(exc.message, whole, where) from None
    if len(read.shape) == 2 and 1 not in read.shape:
        return ("shape", "×".join(map(str, read.shape)))
    if len(read.entries) != len(names):
        return ("shape", str(len(read.entries)))
    return list(read.entries)


def _equal(
    a: sp.Expr, e: sp.Expr, abs_tol: float | None, rel_tol: float | None
) -> tuple[bool, bool]:
    """(equal, proved exactly)."""
    if abs_tol is None and rel_tol is None:
        if e.is_Rational:
            same = same_number(a, e)
            return same, same
        abs_tol = rel_tol = FLOAT_TOLERANCE
    try:
        va, ve = real_value(a), real_value(e)
    except _FAILURES:
        return False, False
    return bool(abs(va - ve) <= max(abs_tol or 0.0, (rel_tol or 0.0) * abs(ve))), False


def _near(answer: Sequence[sp.Expr], right: Sequence[sp.Expr]) -> bool:
    """Is every coordinate within rounding (:data:`ROUNDING`) of the right one?"""
    try:
        return all(
            abs(real_value(a) - real_value(e)) <= ROUNDING * max(1, abs(real_value(e)))
            for a, e in zip(answer, right, strict=True)
        )
    except _FAILURES:
        return False


def _shown(value: sp.Expr) -> str:
    """A coordinate as a learner writes it: 3.2 rather than 16/5 when it is a decimal."""
    return show_rate(value) if value.is_Rational else unicode_str(value)


def _as_number(value: sp.Expr) -> sp.Rational | float:
    return value if value.is_Rational else float(real_value(value))


def _diagnose(problem: Problem, coordinates: Sequence[sp.Expr]) -> list[Slip]:
    try:
        return diagnose_descent([_as_number(c) for c in coordinates], _exercise(problem))
    except (OptimError, SymderivError, *_FAILURES):
        return []


def grade_descent(
    problem: Problem,
    answer: str,
    *,
    lang: str,
    policy: Policy,
    abs_tol: float | None = None,
    rel_tol: float | None = None,
    **_: object,
) -> Verdict:
    """Grade the point after the problem's gradient-descent steps (see the module doc)."""
    names, right = _expected(problem)
    expected = _point_latex(right)
    try:
        read = _read(answer, names)
    except ParseError as exc:
        return invalid(lang, "descent.unreadable", expected, error=exc.message, where=exc.position)
    except RecursionError:
        return invalid(lang, "descent.unreadable", expected, error="nested too deeply")
    if isinstance(read, tuple):
        return invalid(
            lang, "descent.shape", expected, want=len(names), names=", ".join(names), got=read[1]
        )
    for name, value in zip(names, read, strict=True):
        try:
            if value.free_symbols:
                raise NumericError("not a number")
            real_value(value)
        except _FAILURES:
            verdict = invalid(
                lang, "descent.not_number", expected, name=name, value=unicode_str(value)
            )
            return Verdict(
                status="invalid",
                feedback=verdict.feedback,
                expected=expected,
                parsed=_point_latex(read),
            )
    results = [_equal(a, e, abs_tol, rel_tol) for a, e in zip(read, right, strict=True)]
    entries = tuple(
        EntryVerdict(
            index=(i,),
            correct=ok,
            score=1.0 if ok else 0.0,
            expected=latex_text(e),
            parsed=latex_text(a),
        )
        for i, (a, e, (ok, _)) in enumerate(zip(read, right, results, strict=True))
    )
    parsed = _point_latex(read)
    if all(ok for ok, _ in results):
        return Verdict(
            status="correct",
            score=1.0,
            feedback=(message("correct", lang),),
            expected=expected,
            parsed=parsed,
            proved=all(exact for _, exact in results),
            entries=entries,
        )
    slips = _diagnose(problem, read)
    known = [s for s in slips if s.id != "unknown"]
    lines = [message("incorrect", lang)]
    if not known and _near(read, right):
        lines.append(message("descent.rounded", lang))
    else:
        lines.extend(s.text(lang) for s in slips)
    lr = show_rate(parse(problem.lr or "0"))
    for (ok, _), name, a, e in zip(results, names, read, right, strict=True):
        if not ok:
            lines.append(
                message(
                    "descent.coordinate_wrong",
                    lang,
                    name=name,
                    right=_shown(e),
                    yours=_shown(a),
                    steps=problem.steps,
                    lr=lr,
                )
            )
    return Verdict(
        status="incorrect",
        score=policy.slip_credit if known else 0.0,
        feedback=tuple(lines),
        diagnosis=tuple(f"descent.{s.id}" for s in known),
        expected=expected,
        parsed=parsed,
        entries=entries,
    )
