"""The graders of each problem kind, and :func:`local_grade`, which picks one by kind.

``GRADERS`` maps a problem kind to the function that grades it; every such function is
called as ``grader(problem, answer, lang=..., policy=..., abs_tol=..., rel_tol=...,
budget=...)`` with a :class:`~symderiv.grading.problems.Problem` and returns a
:class:`~symderiv.grading.verdict.Verdict` (keywords it does not use are taken by
``**_``). One module per family of kinds:

* :mod:`.derivatives` -- derivative, partial, gradient, jacobian, hessian, expression;
* :mod:`.taylor` -- taylor;
* :mod:`.classification` -- classification (reading the kind word: :mod:`.words`);
* :mod:`.critical` -- critical_points (reading the points: :mod:`.points`);
* :mod:`.descent` -- descent (the exercises of :mod:`symderiv.optim.exercises`).

To add a kind: write its module here (importing only from below: ``support``, ``words``,
``symderiv.grading.checks`` and the floor under it), add its name to
``symderiv.grading.problems.KINDS`` (and any new problem field to ``Problem``), and add
one line to ``GRADERS``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from symderiv.grading.kinds.classification import grade_classification
from symderiv.grading.kinds.critical import grade_critical
from symderiv.grading.kinds.derivatives import grade_derivative
from symderiv.grading.kinds.descent import grade_descent
from symderiv.grading.kinds.points import PointRead, read_points
from symderiv.grading.kinds.taylor import grade_taylor
from symderiv.grading.kinds.words import read_kind
from symderiv.grading.problems import DERIVATIVE_KINDS, KINDS, Problem, ProblemError, as_problem
from symderiv.grading.verdict import Policy, Verdict

__all__ = ["DEFAULT_BUDGET", "GRADERS", "PointRead", "local_grade", "read_kind", "read_points"]

#: Seconds for the numeric and symbolic comparison of one entry.
DEFAULT_BUDGET = 2.0

KindGrader = Callable[..., Verdict]

GRADERS: dict[str, KindGrader] = {
    **dict.fromkeys(DERIVATIVE_KINDS, grade_derivative),
    "taylor": grade_taylor,
    "classification": grade_classification,
    "critical_points": grade_critical,
    "descent": grade_descent,
}


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
    prob = as_problem(problem)
    grader = GRADERS.get(prob.kind)
    if grader is None:
        raise ProblemError(f"unknown problem kind {prob.kind!r}; known: {', '.join(KINDS)}")
    return grader(
        prob,
        answer,
        lang=lang,
        policy=policy or Policy(),
        abs_tol=abs_tol,
        rel_tol=rel_tol,
        budget=budget,
    )
