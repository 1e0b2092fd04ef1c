"""Grading ``critical_points`` problems: the set of critical points, each with its kind.

The answer is read by :func:`~symderiv.grading.kinds.points.read_points`. Points are
matched with the engine's (:func:`symderiv.critical_points`, which must prove it found them
all) exactly (numerically to 30 digits, then a symbolic check or a re-test at 100 digits),
or to ``abs_tol`` when given (default 1e-6 for points the engine found only numerically).
Each point's kind is scored as in :mod:`~symderiv.grading.kinds.classification`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from symderiv.errors import ParseError, SymderivError
from symderiv.grading.checks import latex_text
from symderiv.grading.kinds.classification import expected_kind, kind_score
from symderiv.grading.kinds.points import PointRead, read_points
from symderiv.grading.kinds.support import invalid, problem_function, problem_vars, same_number
from symderiv.grading.kinds.words import KIND_NAMES, kind_name
from symderiv.grading.problems import TESTS, Problem, ProblemError
from symderiv.grading.verdict import EntryVerdict, Policy, Verdict, message
from symderiv.multivariate.critical import critical_points
from symderiv.notation import unicode_str

__all__ = ["grade_critical"]

#: Seconds the engine may spend solving ∇f = 0 for a problem.
SOLVE_BUDGET = 5.0


@dataclass(frozen=True)
class _CPExpected:
    vars: tuple[sp.Symbol, ...]
    points: tuple[tuple[sp.Expr, ...], ...]
    exact: tuple[bool, ...]
    classifications: tuple[object, ...]
    gradient: tuple[sp.Expr, ...]


@functools.lru_cache(maxsize=64)
def _cp_expected(problem: Problem) -> _CPExpected:
    if problem.test not in TESTS:
        raise ProblemError(f"test must be one of {', '.join(TESTS)}")
    f = problem_function(problem)
    xs = problem_vars(problem, f)
    if f.free_symbols - set(xs):
        raise ProblemError("critical_points problems cannot have parameters")
    try:
        cps = critical_points(f, xs, time_budget=SOLVE_BUDGET, verify=False)
    except SymderivError as exc:
        raise ProblemError(f"cannot find the critical points: {exc}") from None
    if cps.status == "infinite":
        raise ProblemError("the function has infinitely many critical points")
    if not cps.complete:
        raise ProblemError("the engine could not prove it found every critical point")
    points = tuple(tuple(p.point[x] for x in xs) for p in cps)
    grad = tuple(cps.gradient.components)
    return _CPExpected(
        xs, points, tuple(p.exact for p in cps), tuple(p.classification for p in cps), grad
    )


def _point_text(coords: Sequence[sp.Expr]) -> str:
    if len(coords) == 1:
        return unicode_str(coords[0])
    return "(" + ", ".join(unicode_str(c) for c in coords) + ")"


def _pointlatex_text(coords: Sequence[sp.Expr], kind: str | None) -> str:
    inner = r"\left(" + ", ".join(latex_text(c) for c in coords) + r"\right)"
    return inner + (rf"\ \text{{{KIND_NAMES['en'][kind]}}}" if kind else "")


def grade_critical(
    problem: Problem,
    answer: str,
    *,
    lang: str,
    policy: Policy,
    abs_tol: float | None,
    **_: object,
) -> Verdict:
    """Grade a set of critical points with their kinds (see the module doc)."""
    ce = _cp_expected(problem)
    kinds = [expected_kind(c, problem.test) for c in ce.classifications]
    expected_latex = (
        r"\{"
        + ", ".join(
            _pointlatex_text(p, k if problem.kinds else None)
            for p, k in zip(ce.points, kinds, strict=True)
        )
        + r"\}"
        if ce.points
        else r"\emptyset"
    )
    names = [x.name for x in ce.vars]
    try:
        read = read_points(answer, names)
    except ParseError as exc:
        return invalid(lang, "points_unreadable", expected_latex, error=exc.message)
    except RecursionError:
        return invalid(lang, "points_unreadable", expected_latex, error="nested too deeply")
    parsed = r"\{" + ", ".join(_pointlatex_text(p.coordinates, p.kind) for p in read) + r"\}"
    # Match answer points with expected ones.
    matched: dict[int, list[PointRead]] = {}
    extra: list[PointRead] = []
    for p in read:
        for i, q in enumerate(ce.points):
            tol = abs_tol if abs_tol is not None else (None if ce.exact[i] else 1e-6)
            if all(same_number(a, e, tol) for a, e in zip(p.coordinates, q, strict=True)):
                matched.setdefault(i, []).append(p)
                break
        else:
            if not any(
                same_number(a, e)
                for r in extra
                for a, e in zip(p.coordinates, r.coordinates, strict=True)
            ):
                extra.append(p)
    entries: list[EntryVerdict] = []
    lines: list[str] = []
    diagnosis: list[str] = []
    total = 0.0
    for i, (q, c) in enumerate(zip(ce.points, ce.classifications, strict=True)):
        right_kind = kinds[i]
        got = matched.get(i)
        base = {
            "index": (i,),
            "expected": _pointlatex_text(q, right_kind if problem.kinds else None),
        }
        if not got:
            entries.append(EntryVerdict(correct=False, score=0.0, **base))
            continue
        stated = {p.kind for p in got if p.kind is not None}
        parsed_i = _pointlatex_text(got[0].coordinates, got[0].kind)
        if len(stated) > 1:
            lines.append(message("critical.duplicate", lang, point=_point_text(q)))
            diagnosis.append("critical.wrong_kind")
            entries.append(
                EntryVerdict(
                    index=(i,),
                    correct=False,
                    score=policy.point_credit,
                    diagnosis=("critical.wrong_kind",),
                    expected=base["expected"],
                    parsed=parsed_i,
                )
            )
            total += policy.point_credit
            continue
        if not stated:
            if problem.kinds:
                lines.append(message("critical.missing_kind", lang, point=_point_text(q)))
                diagnosis.append("critical.missing_kind")
                entries.append(
                    EntryVerdict(
                        index=(i,),
                        correct=False,
                        score=policy.point_credit,
                        diagnosis=("critical.missing_kind",),
                        expected=base["expected"],
                        parsed=parsed_i,
                    )
                )
                total += policy.point_credit
            else:
                entries.append(
                    EntryVerdict(
                        index=(i,),
                        correct=True,
                        score=1.0,
                        expected=base["expected"],
                        parsed=parsed_i,
                    )
                )
                total += 1.0
            continue
        (yours,) = stated
        score, why, why_lines = kind_score(yours, c, problem.test, policy, lang)
        if score == 1.0:
            entries.append(
                EntryVerdict(
                    index=(i,), correct=True, score=1.0, expected=base["expected"], parsed=parsed_i
                )
            )
            total += 1.0
            continue
        credit = max(score, policy.point_credit)
        ids = ("critical.wrong_kind",) + ((why,) if why else ())
        diagnosis.extend(ids)
        lines.append(
            message("critical.wrong_kind", lang, point=_point_text(q), yours=kind_name(yours, lang))
        )
        lines.extend(why_lines)
        entries.append(
            EntryVerdict(
                index=(i,),
                correct=False,
                score=credit,
                diagnosis=ids,
                expected=base["expected"],
                parsed=parsed_i,
            )
        )
        total += credit
    n = len(ce.points)
    for j, p in enumerate(extra):
        try:
            at = dict(zip(ce.vars, p.coordinates, strict=True))
            values = [g.xreplace(at) for g in ce.gradient]
            shown = [unicode_str(v if len(str(v)) <= 30 else sp.N(v, 6)) for v in values]
            grad = "(" + ", ".join(shown) + ")"
        except Exception:  # describing the gradient must never break grading
            grad = "≠ 0"
        lines.append(
            message("critical.extra_point", lang, point=_point_text(p.coordinates), gradient=grad)
        )
        diagnosis.append("critical.extra_point")
        entries.append(
            EntryVerdict(
                index=(n + j,),
                correct=False,
                score=0.0,
                diagnosis=("critical.extra_point",),
                parsed=_pointlatex_text(p.coordinates, p.kind),
            )
        )
    missing = sum(1 for i in range(n) if i not in matched)
    if missing:
        lines.insert(0, message("critical.missing_point", lang, count=missing))
        diagnosis.insert(0, "critical.missing_point")
    correct = all(e.correct for e in entries)
    if n == 0:
        score = 1.0 if not read else 0.0
        if read:
            lines.insert(0, message("no_points", lang))
    else:
        score = total / (n + len(extra))
    if correct:
        feedback: tuple[str, ...] = (message("correct", lang),)
    else:
        found = len(matched)
        head = [message("incorrect", lang)]
        if n:
            head.append(message("points_found", lang, found=found, total=n))
        feedback = (*head, *lines)
    return Verdict(
        status="correct" if correct else "incorrect",
        score=round(score, 6),
        feedback=feedback,
        diagnosis=tuple(dict.fromkeys(diagnosis)),
        expected=expected_latex,
        parsed=parsed,
        proved=correct and all(ce.exact),
        entries=tuple(entries),
    )
