"""Grading ``classification`` problems: the kind of a critical point, in one word.

The expected kind, by the problem's ``test``: ``"any"`` -- the engine's proved kind
(``Classification.kind``, higher-order arguments included); "inconclusive" where only the
Hessian test is inconclusive earns ``Policy.inconclusive_credit``.
``"second_derivative"`` -- ``Classification.hessian_kind``. The word is read by
:func:`~symderiv.grading.kinds.words.read_kind`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from symderiv.errors import ParseError, SymderivError
from symderiv.grading.kinds.support import problem_constant, problem_function, problem_vars
from symderiv.grading.kinds.words import KIND_NAMES, kind_name, read_kind
from symderiv.grading.problems import TESTS, Problem, ProblemError
from symderiv.grading.verdict import Policy, Verdict, message
from symderiv.multivariate import hessian
from symderiv.notation import unicode_str

__all__ = ["expected_kind", "grade_classification", "kind_score"]


def expected_kind(classification: object, test: str) -> str:
    return classification.hessian_kind if test == "second_derivative" else classification.kind  # type: ignore[attr-defined]


def kind_score(
    yours: str, classification: object, test: str, policy: Policy, lang: str
) -> tuple[float, str | None, list[str]]:
    """(score, diagnosis id, feedback lines) for a stated kind; score 1 means right."""
    right = expected_kind(classification, test)
    if yours == right:
        return 1.0, None, []
    hessian_kind = classification.hessian_kind  # type: ignore[attr-defined]
    if test == "any" and yours == "inconclusive" and hessian_kind == "inconclusive":
        line = message("classification.higher_order", lang, right=kind_name(right, lang))
        return policy.inconclusive_credit, "classification.higher_order", [line]
    if (
        test == "second_derivative" and right == "inconclusive" and yours == classification.kind  # type: ignore[attr-defined]
    ):
        return 0.0, "classification.beyond_test", [message("classification.beyond_test", lang)]
    if {yours, right} == {"minimum", "maximum"}:
        line = message("classification.min_max_swapped", lang)
        return 0.0, "classification.min_max_swapped", [line]
    return 0.0, None, []


def _reason(classification: object, lang: str) -> str:
    try:
        return classification.reason_text(lang)  # type: ignore[attr-defined]
    except Exception:  # an explanation must never break grading
        return ""


@dataclass(frozen=True)
class _ClassExpected:
    classification: object
    point_text: str
    kind: str
    names: tuple[str, ...] = ()


@functools.lru_cache(maxsize=128)
def _classification_expected(problem: Problem) -> _ClassExpected:
    if problem.test not in TESTS:
        raise ProblemError(f"test must be one of {', '.join(TESTS)}")
    f = problem_function(problem)
    xs = problem_vars(problem, f)
    if len(problem.point) != len(xs):
        raise ProblemError(f"the point needs {len(xs)} values (one per var)")
    values = {x: problem_constant(v, "point") for x, v in zip(xs, problem.point, strict=True)}
    try:
        c = hessian(f, xs, verify=False).classify(values)
    except SymderivError as exc:
        raise ProblemError(f"cannot classify the point: {exc}") from None
    text = "(" + ", ".join(unicode_str(v) for v in values.values()) + ")"
    return _ClassExpected(c, text, expected_kind(c, problem.test), tuple(x.name for x in xs))


def grade_classification(
    problem: Problem, answer: str, *, lang: str, policy: Policy, **_: object
) -> Verdict:
    """Grade the kind named for a critical point (see the module doc)."""
    ce = _classification_expected(problem)
    expected_latex = rf"\text{{{KIND_NAMES['en'][ce.kind]}}}"
    try:
        yours = read_kind(answer, ce.names)
    except ParseError as exc:
        return Verdict(
            status="invalid",
            feedback=(
                message("unreadable", lang, error=exc.message),
                message("kind_unreadable", lang),
            ),
            expected=expected_latex,
        )
    parsed = rf"\text{{{KIND_NAMES['en'][yours]}}}"
    score, diagnosis, lines = kind_score(yours, ce.classification, problem.test, policy, lang)
    if score == 1.0:
        return Verdict(
            status="correct",
            score=1.0,
            feedback=(message("correct", lang),),
            expected=expected_latex,
            parsed=parsed,
            proved=True,
        )
    if not lines:
        lines = [message("kind_wrong", lang, point=ce.point_text, yours=kind_name(yours, lang))]
        reason = _reason(ce.classification, lang)
        if reason:
            lines.append(reason)
    return Verdict(
        status="incorrect",
        score=round(score, 6),
        feedback=(message("incorrect", lang), *lines),
        diagnosis=(diagnosis,) if diagnosis else (),
        expected=expected_latex,
        parsed=parsed,
    )
