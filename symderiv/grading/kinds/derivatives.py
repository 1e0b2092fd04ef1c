"""``grade(problem, answer)``: read, validate, compare, diagnose, score.

The work of one call is bounded by design: answers are limited in size and nesting by the
reader, numeric comparison and diagnosis have time budgets, symbolic confirmation is
size-gated. For a hard limit (also from threads and web workers) pass ``timeout=S``: the
call then runs in a recycled subprocess that is killed when the time is up.
"""

from __future__ import annotations

import difflib
import functools
import time
from collections.abc import Mapping, Sequence
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symderiv.errors import ParseError
from symderiv.grading.answers import Answer, read_answer
from symderiv.grading.equivalence import Comparison, compare
from symderiv.grading.malrules import Slip, slips
from symderiv.grading.problems import (
    OTHER_KINDS,
    Expected,
    Problem,
    Target,
    as_problem,
    expected_answer,
)
from symderiv.grading.verdict import EntryVerdict, Policy, Verdict, message
from symderiv.render.printers import latex_str, unicode_str

__all__ = ["DEFAULT_BUDGET", "check_answer", "grade", "local_grade"]

#: Seconds for the numeric and symbolic comparison of one entry.
DEFAULT_BUDGET = 2.0
#: Seconds for the mal-rule search of one entry.
DIAGNOSIS_BUDGET = 3.0


@functools.lru_cache(maxsize=256)
def _expected(problem: Problem) -> Expected:
    return expected_answer(problem)


@functools.lru_cache(maxsize=512)
def _slips(target: Target) -> tuple[Slip, ...]:
    return tuple(slips(target.function, target.wrt))


def _latex(expr: sp.Expr) -> str:
    try:
        return latex_str(expr)
    except Exception:  # printing must never break grading
        return str(expr)


def _invalid(lang: str, key: str, expected: Expected | None, **values: Any) -> Verdict:
    where = values.pop("where", None)
    feedback = [message(key, lang, **values)]
    extra = values.pop("extra", None)
    if extra:
        feedback.append(extra)
    return Verdict(
        status="invalid",
        feedback=tuple(feedback),
        expected=_expected_latex(expected),
        where=where,
    )


def _expected_latex(expected: Expected | None) -> str | None:
    if expected is None:
        return None
    if not expected.shape:
        return _latex(expected.entries[0])
    if len(expected.shape) == 1:
        return _latex(sp.Matrix(expected.entries))
    return _latex(sp.Matrix(*expected.shape, list(expected.entries)))


def _plain(expr: sp.Expr) -> str:
    try:
        return unicode_str(expr)
    except Exception:  # printing must never break grading
        return str(expr)


def _parsed_latex(answer: Answer) -> str:
    if not answer.shape:
        return _latex(answer.entries[0])
    if len(answer.shape) == 1:
        return _latex(sp.Matrix(answer.entries))
    return _latex(sp.Matrix(*answer.shape, list(answer.entries)))


def _symbol_problem(expr: sp.Expr, expected: Expected, lang: str) -> tuple[str, ...] | None:
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


def _diagnose(
    target: Target | None, answer: sp.Expr, expected: Expected, deadline: float
) -> list[Slip]:
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
    base = {"index": idx, "expected": _latex(right), "parsed": _latex(answer)}
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
    slips_found = _diagnose(
        expected.targets[index], answer, expected, time.monotonic() + DIAGNOSIS_BUDGET
    )
    if slips_found:
        feedback.extend(s.feedback(lang) for s in slips_found)
    elif result.equal is False and result.undefined:
        feedback.append(message("undefined", lang, where=result.counterexample))
    elif result.equal is False:
        yours, right_value = result.values
        where = result.counterexample
        if expected.point and not answer.free_symbols & {x for x, _ in expected.point}:
            # A value at the problem's point: say so, not where the test happened to look.
            where = ", ".join(f"{x} = {_plain(v)}" for x, v in expected.point)
        feedback.append(
            message(
                "counterexample",
                lang,
                where=where,
                yours=yours,
                right=right_value,
            )
        )
    else:
        feedback.append(message("untestable", lang))
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


def local_grade(
    problem: Problem | Mapping[str, Any],
    answer: str,
    *,
    lang: str = "en",
    abs_tol: float | None = None,
    rel_tol: float | None = None,
    policy: Policy | None = None,
    budget: float = DEFAULT_BUDGET,
) -> Verdict:
    """Grade in this process (bounded by design, not by a hard kill)."""
    policy = policy or Policy()
    prob = as_problem(problem)
    if prob.kind in OTHER_KINDS:
        from symderiv.grading.kinds import grade_other

        return grade_other(prob, answer, lang=lang, policy=policy, abs_tol=abs_tol)
    expected = _expected(prob)
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
        trouble = _symbol_problem(entry, expected, lang)
        if trouble is not None:
            return Verdict(
                status="invalid",
                feedback=trouble,
                expected=_expected_latex(expected),
                parsed=_parsed_latex(read),
            )
    results = [
        _entry(e, i, expected, prob, policy, lang, abs_tol, rel_tol, budget)
        for i, e in enumerate(read.entries)
    ]
    entries = tuple(r[0] for r in results)
    correct = all(e.correct for e in entries)
    score = sum(e.score for e in entries) / len(entries)
    proved = correct and all(r[2] is not None and r[2].proved for r in results)
    feedback: list[str] = []
    if correct:
        points = min((r[2].points for r in results if r[2] is not None), default=0)
        feedback.append(message("correct" if proved else "correct_tested", lang, points=points))
    else:
        feedback.append(message("incorrect", lang))
        for entry_result, lines, _, _ in results:
            if entry_result.correct:
                continue
            if expected.shape:
                where = ",".join(str(i + 1) for i in entry_result.index)
                feedback.append(message("entry_wrong", lang, index=where))
            feedback.extend(lines)
    diagnosis = tuple(dict.fromkeys(d for e in entries for d in e.diagnosis))
    return Verdict(
        status="correct" if correct else "incorrect",
        score=round(score, 6),
        feedback=tuple(feedback),
        diagnosis=diagnosis,
        expected=_expected_latex(expected),
        parsed=_parsed_latex(read),
        proved=proved,
        entries=entries if expected.shape else (),
    )


def grade(
    problem: Problem | Mapping[str, Any],
    answer: str,
    *,
    lang: str = "en",
    timeout: float | None = None,
    abs_tol: float | None = None,
    rel_tol: float | None = None,
    policy: Policy | None = None,
) -> Verdict:
    """Grade ``answer`` to ``problem``; see :class:`~symderiv.grading.verdict.Verdict`.

    With ``timeout`` (seconds) the work runs in a recycled worker process that is killed
    when the time is up (status ``"timeout"``); this is safe from any thread.

    >>> grade({"kind": "derivative", "function": "sin(3x)"}, "cos(3x)").diagnosis
    ('chain.missing_inner', 'constant.dropped_factor')
    """
    options = {"lang": lang, "abs_tol": abs_tol, "rel_tol": rel_tol, "policy": policy}
    if timeout is None:
        return local_grade(problem, answer, **options)
    from symderiv.grading.pool import shared_pool

    return shared_pool().grade(problem, answer, timeout=timeout, **options)


def check_answer(
    expr: str, answer: str, var: str | None = None, order: int = 1, **kw: Any
) -> Verdict:
    """Shorthand: grade ``answer`` as the ``order``-th derivative of ``expr``."""
    problem = {"kind": "derivative", "function": expr, "order": order}
    if var:
        problem["var"] = var
    return grade(problem, answer, **kw)
