"""Grading the derivative kinds: derivative, partial, gradient, jacobian, hessian, expression.

The answer is read (a scalar, vector or matrix), checked for symbols the problem does not
have, and each entry compared with the engine's derivative as a function on the problem's
real domain (:func:`~symderiv.grading.equivalence.compare`); a wrong entry is diagnosed
with the mal-rules; the ``form`` of a right entry is checked last.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import sympy as sp

from symderiv.errors import ParseError
from symderiv.grading.answers import read_answer
from symderiv.grading.checks import (
    DIAGNOSIS_BUDGET,
    answer_latex,
    diagnose,
    difference_line,
    expected_latex,
    expected_of,
    latex_text,
    plain_text,
    symbol_problem,
)
from symderiv.grading.equivalence import Comparison, compare
from symderiv.grading.malrules import Slip
from symderiv.grading.problems import Expected, Problem
from symderiv.grading.verdict import EntryVerdict, Policy, Verdict, message

__all__ = ["grade_derivative"]


def _invalid(lang: str, key: str, expected: Expected | None, **values: Any) -> Verdict:
    where = values.pop("where", None)
    feedback = [message(key, lang, **values)]
    extra = values.pop("extra", None)
    if extra:
        feedback.append(extra)
    return Verdict(
        status="invalid",
        feedback=tuple(feedback),
        expected=expected_latex(expected),
        where=where,
    )


def _form_ok(form: str, answer: sp.Expr, expected: sp.Expr, vars: Sequence[sp.Symbol]) -> bool:
    if form == "simplified":
        best = int(sp.count_ops(expected))
        if best <= 80:
            best = min(best, int(sp.count_ops(sp.factor_terms(sp.cancel(expected)))))
        mine = int(sp.count_ops(answer))
        return mine <= best + max(2, best // 4)
    if form == "factored":
        core = -answer if answer.could_extract_minus_sign() else answer
        if isinstance(core, sp.Add):
            return False
        if core.is_polynomial(*vars) and sp.count_ops(core) <= 80:
            mine = sum(
                int(e) if isinstance(f, sp.Pow) and f.exp.is_Integer else 1
                for f in sp.Mul.make_args(core)
                for e in [f.exp if isinstance(f, sp.Pow) else 1]
                if f.free_symbols
            )
            _, factors = sp.factor_list(core, *vars)
            theirs = sum(m for f, m in factors if f.free_symbols)
            return mine >= theirs
        return True
    return True


def _entry(
    answer: sp.Expr,
    index: int,
    expected: Expected,
    problem: Problem,
    policy: Policy,
    lang: str,
    abs_tol: float | None,
    rel_tol: float | None,
    budget: float,
) -> tuple[EntryVerdict, list[str], Comparison | None, list[Slip]]:
    """Grade one entry: (result, feedback lines, comparison, diagnosed slips)."""
    right = expected.entries[index]
    idx = _index(expected.shape, index)
    base = {"index": idx, "expected": latex_text(right), "parsed": latex_text(answer)}
    if answer.has(sp.Derivative, sp.Subs):
        return (
            EntryVerdict(correct=False, score=0.0, **base),
            [message("still_derivative", lang)],
            None,
            [],
        )
    result = compare(
        answer,
        right,
        expected.vars,
        domain=expected.domain,
        abs_tol=abs_tol,
        rel_tol=rel_tol,
        budget=budget,
    )
    if result.equal:
        if not _form_ok(problem.form, answer, right, expected.vars):
            key = "form_simplified" if problem.form == "simplified" else "form_factored"
            return (
                EntryVerdict(correct=False, score=policy.form_credit, **base),
                [message(key, lang)],
                result,
                [],
            )
        return EntryVerdict(correct=True, score=1.0, **base), [], result, []
    feedback: list[str] = []
    slips_found = diagnose(
        expected.targets[index], answer, expected, time.monotonic() + DIAGNOSIS_BUDGET
    )
    if slips_found:
        feedback.extend(s.feedback(lang) for s in slips_found)
    else:
        where = None
        if expected.point and not answer.free_symbols & {x for x, _ in expected.point}:
            # A value at the problem's point: say so, not where the test happened to look.
            where = ", ".join(f"{x} = {plain_text(v)}" for x, v in expected.point)
        feedback.append(difference_line(result, lang, where))
    score = policy.slip_credit if len(slips_found) >= 1 else 0.0
    diagnosis = tuple(s.rule.id for s in slips_found)
    return (
        EntryVerdict(correct=False, score=score, diagnosis=diagnosis, **base),
        feedback,
        result,
        slips_found,
    )


def _index(shape: tuple[int, ...], i: int) -> tuple[int, ...]:
    if not shape:
        return ()
    if len(shape) == 1:
        return (i,)
    return (i // shape[1], i % shape[1])


def grade_derivative(
    prob: Problem,
    answer: str,
    *,
    lang: str,
    policy: Policy,
    abs_tol: float | None,
    rel_tol: float | None,
    budget: float,
) -> Verdict:
    """Grade an answer to a derivative, partial, gradient, jacobian, hessian or expression
    problem (see the module doc)."""
    expected = expected_of(prob)
    try:
        read = read_answer(answer)
    except ParseError as exc:
        return _invalid(lang, "unreadable", expected, error=exc.message, where=exc.position)
    except RecursionError:
        return _invalid(lang, "unreadable", expected, error="nested too deeply")
    if read.shape != expected.shape:
        if not expected.shape:
            return _invalid(lang, "shape_scalar", expected)
        if not read.shape and len(expected.shape) == 1:
            return _invalid(lang, "shape_vector", expected, want=expected.shape[0])
        got = "×".join(map(str, read.shape)) or "1"
        want = "×".join(map(str, expected.shape))
        return _invalid(lang, "shape", expected, got=got, want=want)
    for entry in read.entries:
        trouble = symbol_problem(entry, expected, lang)
        if trouble is not None:
            return Verdict(
                status="invalid",
                feedback=trouble,
                expected=expected_latex(expected),
                parsed=answer_latex(read),
            )
    results = [
        _entry(e, i, expected, prob, policy, lang, abs_tol, rel_tol, budget)
        for i, e in enumerate(read.entries)
    ]
    entries = tuple(r[0] for r in results)
    correct = all(e.correct for e in entries)
    score = sum(e.score for e in entries) / len(entries)
    proved = correct and all(r[2] is not None and r[2].proved for r in results)
    # Undecided: no entry is wrong, and some could be neither proved nor refuted.
    undecided = not correct and all(
        e.correct or (r[2] is not None and r[2].equal is None and not r[3])
        for e, r in zip(entries, results, strict=True)
    )
    status = "correct" if correct else "undecided" if undecided else "incorrect"
    feedback: list[str] = []
    if correct:
        points = min((r[2].points for r in results if r[2] is not None), default=0)
        feedback.append(message("correct" if proved else "correct_tested", lang, points=points))
    else:
        feedback.append(message(status, lang))
        for entry_result, lines, _, _ in results:
            if entry_result.correct:
                continue
            if expected.shape:
                where = ",".join(str(i + 1) for i in entry_result.index)
                feedback.append(message("entry_wrong", lang, index=where))
            feedback.extend(lines)
    diagnosis = tuple(dict.fromkeys(d for e in entries for d in e.diagnosis))
    return Verdict(
        status=status,
        score=round(score, 6),
        feedback=tuple(feedback),
        diagnosis=diagnosis,
        expected=expected_latex(expected),
        parsed=answer_latex(read),
        proved=proved,
        entries=entries if expected.shape else (),
    )
