r"""Grading ``taylor`` problems: the Taylor polynomial of degree ``order`` about ``at``.

The answer is a polynomial in the variable. It is expanded in powers of ``(x − a)`` and
compared coefficient by coefficient, exactly, with the engine's Taylor polynomial
(:func:`symderiv.taylor`): a right value at the centre with one wrong higher-order term is
incorrect. A trailing ``+ \cdots`` or ``+ O(x^4)`` is ignored. Slips diagnosed:
``taylor.missing_factorial`` (f⁽ᵏ⁾(a) for f⁽ᵏ⁾(a)/k!), ``taylor.powers_of_x`` (right
coefficients, powers of x instead of x − a), ``taylor.wrong_center`` (the polynomial about
0), ``taylor.truncated`` (a lower order), ``taylor.extra_terms`` (right up to the order,
then more terms).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from symderiv.errors import ParseError, SymderivError
from symderiv.grading.answers import MAX_ANSWER_LENGTH, _split_top, _strip_math, read_answer
from symderiv.grading.checks import latex_text
from symderiv.grading.equivalence import compare
from symderiv.grading.kinds.support import (
    check_symbols,
    invalid,
    problem_constant,
    problem_function,
    problem_vars,
    same_number,
)
from symderiv.grading.kinds.words import latex_spaces
from symderiv.grading.problems import Problem, ProblemError
from symderiv.grading.verdict import Policy, Verdict, message
from symderiv.notation import unicode_str
from symderiv.taylor import taylor

__all__ = ["grade_taylor"]

#: Highest power accepted before expanding, and the size gate.
MAX_POWER = 40
MAX_OPS = 600
_TRAILING = re.compile(
    r"(?:\+\s*(?:\\cdots|\\dots|\\ldots|\.\.\.|…|(?:\\mathcal\s*\{\s*O\s*\}|O)\s*(?:\\left)?\s*\(.*))\s*$",
    re.S,
)
#: ``3!`` and ``{4}!`` in a Taylor answer: small integer factorials only.
_FACTORIAL = re.compile(r"(?<![\w.])(1?\d|20)\s*!|\{(1?\d|20)\}\s*!")
_TAYLOR_LABEL = re.compile(
    r"^\s*(?:[A-Za-z]|\\mathrm\{[A-Za-z]\}|\\operatorname\{[A-Za-z]\})"
    r"(?:_\{?\w+\}?|_\{?\w+\}?\^\{?\w+\}?)?(?:\s*(?:\\left)?\(\s*[A-Za-z]\s*(?:\\right)?\))?\s*$"
)


@dataclass(frozen=True)
class _TaylorExpected:
    f: sp.Expr
    x: sp.Symbol
    at: sp.Expr
    order: int
    coefficients: tuple[sp.Expr, ...]
    polynomial: sp.Expr


@functools.lru_cache(maxsize=128)
def _taylor_expected(problem: Problem) -> _TaylorExpected:
    f = problem_function(problem)
    xs = problem_vars(problem, f)
    if len(xs) != 1:
        raise ProblemError("taylor problems have one variable (var)")
    (x,) = xs
    at = problem_constant(problem.at or "0", "point at")
    try:
        t = taylor(f, x, at, problem.order, verify=False)
    except SymderivError as exc:
        raise ProblemError(f"no Taylor polynomial: {exc}") from None
    return _TaylorExpected(f, x, at, problem.order, tuple(t.coefficients), t.polynomial)


def _shifted_coefficients(p: sp.Expr, x: sp.Symbol, a: sp.Expr) -> list[sp.Expr]:
    """Coefficients of p in powers of (x − a), lowest first."""
    y = sp.Dummy("h")
    shifted = sp.expand(p.xreplace({x: y + a}))
    coeffs = sp.Poly(shifted, y).all_coeffs()[::-1]
    return [sp.expand(c) for c in coeffs]


def _coefficients_equal(
    mine: Sequence[sp.Expr], theirs: Sequence[sp.Expr], abs_tol: float | None
) -> list[int]:
    """Indices where the coefficient lists differ (missing entries are 0)."""
    n = max(len(mine), len(theirs))
    wrong = []
    for k in range(n):
        a = mine[k] if k < len(mine) else sp.S.Zero
        e = theirs[k] if k < len(theirs) else sp.S.Zero
        if a == e:
            continue
        if a.free_symbols or e.free_symbols:
            result = compare(a, e, (), abs_tol=abs_tol, budget=0.5)
            same = result.equal is True
        else:
            same = same_number(a, e, abs_tol)
        if not same:
            wrong.append(k)
    return wrong


def _power(x: sp.Symbol, a: sp.Expr, k: int) -> str:
    base = unicode_str(x) if a == 0 else f"({unicode_str(x - a)})"
    return "1" if k == 0 else base if k == 1 else f"{base}^{k}"


def _taylor_diagnosis(
    te: _TaylorExpected, answer: sp.Expr, mine: list[sp.Expr], abs_tol: float | None
) -> tuple[str, dict[str, object]] | None:
    n, c, x, a = te.order, list(te.coefficients), te.x, te.at
    values: dict[str, object] = {"var": unicode_str(x), "at": unicode_str(a), "order": n}
    factorial = [sp.factorial(k) * ck for k, ck in enumerate(c)]
    if factorial != c and not _coefficients_equal(mine, factorial, abs_tol):
        return "taylor.missing_factorial", values
    if a != 0:
        plain = sp.Poly(sp.expand(answer), x).all_coeffs()[::-1]
        if not _coefficients_equal([sp.expand(v) for v in plain], c, abs_tol):
            return "taylor.powers_of_x", values
        try:
            at0 = taylor(te.f, x, 0, n, verify=False)
        except SymderivError:
            at0 = None
        if at0 is not None and at0.polynomial != te.polynomial:
            zero = sp.Poly(sp.expand(answer), x).all_coeffs()[::-1]
            if not _coefficients_equal(
                [sp.expand(v) for v in zero], list(at0.coefficients), abs_tol
            ):
                return "taylor.wrong_center", values
    wrong = _coefficients_equal(mine, c, abs_tol)
    if wrong and min(wrong) > n:
        return "taylor.extra_terms", values
    for m in range(n):
        if not _coefficients_equal(mine, c[: m + 1], abs_tol) and any(ck != 0 for ck in c[m + 1 :]):
            return "taylor.truncated", {**values, "got": m}
    return None


def grade_taylor(
    problem: Problem,
    answer: str,
    *,
    lang: str,
    policy: Policy,
    abs_tol: float | None,
    **_: object,
) -> Verdict:
    """Grade a Taylor polynomial coefficient by coefficient (see the module doc)."""
    te = _taylor_expected(problem)
    expected_latex = latex_text(te.polynomial)
    if isinstance(answer, str) and len(answer) <= MAX_ANSWER_LENGTH:
        body, _ = _strip_math(answer)
        body = _split_top(latex_spaces(body), "\\approx")[-1][0]
        body = _TRAILING.sub("", body)
        answer = _FACTORIAL.sub(
            lambda m: f"({math.factorial(int(m.group(1) or m.group(2)))})", body
        )
        parts = _split_top(answer, "=")
        if len(parts) == 2 and _TAYLOR_LABEL.match(parts[0][0]):
            answer = parts[1][0]
    try:
        read = read_answer(answer)
    except ParseError as exc:
        verdict = invalid(lang, "unreadable", expected_latex, error=exc.message)
        return Verdict(**{**verdict.__dict__, "where": exc.position})
    except RecursionError:
        return invalid(lang, "unreadable", expected_latex, error="nested too deeply")
    if read.shape:
        return invalid(lang, "shape_scalar", expected_latex)
    p = read.scalar()
    allowed = frozenset(te.f.free_symbols | {te.x})
    trouble = check_symbols(p, allowed, lang)
    if trouble is not None:
        return Verdict(**{**trouble.__dict__, "expected": expected_latex})
    parsed = latex_text(p)

    def wrong(lines: Sequence[str], diagnosis: Sequence[str] = (), score: float = 0.0) -> Verdict:
        return Verdict(
            status="incorrect",
            score=score,
            feedback=(message("incorrect", lang), *lines),
            diagnosis=tuple(diagnosis),
            expected=expected_latex,
            parsed=parsed,
        )

    if p.has(sp.Derivative, sp.Subs):
        return wrong([message("still_derivative", lang)])
    high = [q for q in p.atoms(sp.Pow) if q.exp.is_Number and abs(q.exp) > MAX_POWER]
    if high or sp.count_ops(p) > MAX_OPS:
        return wrong([message("degree_too_high", lang, limit=MAX_POWER, order=te.order)])
    if not p.is_polynomial(te.x):
        return wrong([message("not_polynomial", lang, var=unicode_str(te.x))])
    try:
        mine = _shifted_coefficients(p, te.x, te.at)
    except (sp.PolynomialError, sp.GeneratorsNeeded, ValueError, TypeError):
        return wrong([message("not_polynomial", lang, var=unicode_str(te.x))])
    bad = _coefficients_equal(mine, te.coefficients, abs_tol)
    if not bad:
        return Verdict(
            status="correct",
            score=1.0,
            feedback=(message("correct", lang),),
            expected=expected_latex,
            parsed=parsed,
            proved=abs_tol is None,
        )
    found = _taylor_diagnosis(te, p, mine, abs_tol)
    if found is not None:
        key, values = found
        return wrong([message(key, lang, **values)], (key,), policy.slip_credit)
    k = bad[0]
    yours = mine[k] if k < len(mine) else sp.S.Zero
    right = te.coefficients[k] if k < len(te.coefficients) else sp.S.Zero
    line = message(
        "constant_wrong" if k == 0 else "coefficient_wrong",
        lang,
        power=_power(te.x, te.at, k),
        right=unicode_str(right),
        yours=unicode_str(yours),
    )
    return wrong([line])
