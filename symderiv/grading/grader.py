"""``grade(problem, answer)``: grade one answer, in this process or under a hard time limit.

The work of one call is bounded by design: answers are limited in size and nesting by the
reader, numeric comparison and diagnosis have time budgets, symbolic confirmation is
size-gated. For a hard limit (also from threads and web workers) pass ``timeout=S``: the
call then runs in a recycled subprocess that is killed when the time is up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from symderiv.grading.extract import extract_answer
from symderiv.grading.kinds import DEFAULT_BUDGET, local_grade
from symderiv.grading.pool import shared_pool
from symderiv.grading.problems import Problem
from symderiv.grading.verdict import Policy, Verdict, message

__all__ = ["DEFAULT_BUDGET", "check_answer", "grade", "local_grade"]


def grade(
    problem: Problem | Mapping[str, Any],
    answer: str,
    *,
    lang: str = "en",
    timeout: float | None = None,
    abs_tol: float | None = None,
    rel_tol: float | None = None,
    policy: Policy | None = None,
    extract: bool = False,
) -> Verdict:
    """Grade ``answer`` to ``problem``; see :class:`~symderiv.grading.verdict.Verdict`.

    With ``timeout`` (seconds) the work runs in a recycled worker process that is killed
    when the time is up (status ``"timeout"``); this is safe from any thread.
    With ``extract=True`` ``answer`` is a whole solution (free text, Markdown, LaTeX): its
    final answer is found by :func:`~symderiv.grading.extract.extract_answer` and graded,
    and the verdict says what was found and where; no answer found is ``invalid``.

    >>> grade({"kind": "derivative", "function": "sin(3x)"}, "cos(3x)").diagnosis
    ('chain.missing_inner', 'constant.dropped_factor')
    """
    options = {"lang": lang, "abs_tol": abs_tol, "rel_tol": rel_tol, "policy": policy}
    if not extract:
        return _run(problem, answer, timeout, options)
    found = extract_answer(answer) if isinstance(answer, str) else None
    if found is None:
        return Verdict(status="invalid", feedback=(message("no_answer_found", lang),))
    verdict = _run(problem, found.answer, timeout, options)
    return replace(verdict, extracted=found.answer, extracted_from=found.describe())


def _run(
    problem: Problem | Mapping[str, Any],
    answer: str,
    timeout: float | None,
    options: dict[str, Any],
) -> Verdict:
    if timeout is None:
        return local_grade(problem, answer, **options)
    return shared_pool().grade(problem, answer, timeout=timeout, **options)


def check_answer(
    expr: str, answer: str, var: str | None = None, order: int = 1, **kw: Any
) -> Verdict:
    """Shorthand: grade ``answer`` as the ``order``-th derivative of ``expr``."""
    problem = {"kind": "derivative", "function": expr, "order": order}
    if var:
        problem["var"] = var
    return grade(problem, answer, **kw)
