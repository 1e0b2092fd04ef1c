r"""Grading the kinds whose answer is not a derivative: taylor, classification, critical_points.

Reading is done here, by bracket-aware scanning and fixed word lists, never by eval; each
number or polynomial goes through :func:`symderiv.parse`.

* **taylor** -- the answer is a polynomial in the variable. It is expanded in powers of
  ``(x − a)`` and compared coefficient by coefficient, exactly, with the engine's Taylor
  polynomial (:func:`symderiv.taylor`): a right value at the centre with one wrong
  higher-order term is incorrect. A trailing ``+ \cdots`` or ``+ O(x^4)`` is ignored.
  Slips diagnosed: ``taylor.missing_factorial`` (f⁽ᵏ⁾(a) for f⁽ᵏ⁾(a)/k!),
  ``taylor.powers_of_x`` (right coefficients, powers of x instead of x − a),
  ``taylor.wrong_center`` (the polynomial about 0), ``taylor.truncated`` (a lower order),
  ``taylor.extra_terms`` (right up to the order, then more terms).
* **classification** -- the answer is one kind: ``minimum``/``min``/``local minimum``/
  ``극소``/``극솟값``…, ``maximum``…/``극대``…, ``saddle (point)``/``안장점`` (also
  ``neither`` / ``inflection point`` / ``변곡점`` for "neither minimum nor maximum"),
  ``inconclusive``/``판정 불가``…, possibly in ``\text{…}`` and with filler words ("a local
  minimum", "it is a saddle point", "극소점이다"). Anything else (a negation, two kinds,
  an unknown word) is invalid, never guessed.
* **critical_points** -- a set of points, each optionally with a kind: items separated by
  ``;``, ``,`` (at the top level), ``\\``, new lines or "and"; an item is a point
  ``(a, b)`` (one variable: ``x = a``, ``a`` or ``(a)``) and a kind before or after it
  (``saddle at (0,0)``, ``(0,0): saddle``, ``(0,0) \text{ saddle}``); a kind alone follows
  the previous point. ``\{…\}`` around the set and a label (``(x, y) =``) are dropped;
  ``none``, ``\emptyset``, ``없음`` are the empty set. Coordinates must be numbers; they
  are compared exactly (numerically to 30 digits, then a symbolic check or a re-test at
  100 digits), or to ``abs_tol`` when given (default 1e-6 for points the engine found
  only numerically).

The expected kind of a point, by the problem's ``test``: ``"any"`` -- the engine's proved
kind (``Classification.kind``, higher-order arguments included); "inconclusive" where only
the Hessian test is inconclusive earns ``Policy.inconclusive_credit``.
``"second_derivative"`` -- ``Classification.hessian_kind``.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import mpmath
import sympy as sp

from symderiv.critical import critical_points
from symderiv.errors import ParseError, SymderivError
from symderiv.grading.answers import (
    MAX_ANSWER_LENGTH,
    MAX_ENTRIES,
    _enclosed,
    _split_top,
    _strip_math,
    read_answer,
)
from symderiv.grading.equivalence import compare
from symderiv.grading.problems import TESTS, Expected, Problem, ProblemError
from symderiv.grading.verdict import EntryVerdict, Policy, Verdict, message
from symderiv.multivariate import hessian
from symderiv.numeric import NumericError, evaluate
from symderiv.parsing import parse
from symderiv.render.printers import latex_str, unicode_str
from symderiv.taylor import taylor

__all__ = ["grade_other", "read_kind", "read_points"]

#: Critical points: seconds the engine may spend solving ∇f = 0 for a problem.
SOLVE_BUDGET = 5.0
#: Taylor answers: highest power accepted before expanding, and the size gate.
MAX_POWER = 40
MAX_OPS = 600
DIGITS = 30

KIND_NAMES = {
    "en": {
        "minimum": "minimum",
        "maximum": "maximum",
        "saddle": "saddle point",
        "inconclusive": "inconclusive",
    },
    "ko": {"minimum": "극소", "maximum": "극대", "saddle": "안장점", "inconclusive": "판정 불가"},
}

_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "minimum": (
        "minimum",
        "minima",
        "min",
        "minimum point",
        "local minimum",
        "relative minimum",
        "극소",
        "극소점",
        "극솟값",
        "극소값",
        "최소",
        "최소점",
        "최솟값",
        "최소값",
    ),
    "maximum": (
        "maximum",
        "maxima",
        "max",
        "maximum point",
        "local maximum",
        "relative maximum",
        "극대",
        "극대점",
        "극댓값",
        "극대값",
        "최대",
        "최대점",
        "최댓값",
        "최대값",
    ),
    "saddle": (
        "saddle",
        "saddle point",
        "neither",
        "neither minimum nor maximum",
        "neither a minimum nor a maximum",
        "neither max nor min",
        "neither min nor max",
        "neither maximum nor minimum",
        "neither a maximum nor a minimum",
        "inflection point",
        "point of inflection",
        "stationary inflection point",
        "안장점",
        "안장",
        "변곡점",
        "극값 아님",
        "극값이 아님",
        "극값이 아니다",
        "극점 아님",
    ),
    "inconclusive": (
        "inconclusive",
        "indeterminate",
        "undetermined",
        "undecided",
        "cannot be determined",
        "can't be determined",
        "cannot be decided",
        "cannot determine",
        "test fails",
        "test is inconclusive",
        "no conclusion",
        "판정 불가",
        "판정불가",
        "판정 불능",
        "판정할 수 없음",
        "판정할 수 없다",
        "판정할 수 없습니다",
        "알 수 없음",
        "결정할 수 없음",
        "결정 불가",
    ),
}
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _phrase_pattern(phrase: str) -> str:
    if _HANGUL.search(phrase):
        return r"\s*".join(re.escape(w) for w in phrase.split())
    words = r"\s+".join(re.escape(w) for w in phrase.split())
    return rf"(?<![a-z]){words}(?![a-z])"


_KIND_RE = re.compile(
    "|".join(
        f"(?P<{kind}_{i}>{_phrase_pattern(p)})"
        for kind, phrases in _KIND_WORDS.items()
        for i, p in sorted(enumerate(phrases), key=lambda ip: -len(ip[1]))
    )
)
#: Words that may surround a kind ("it is a local minimum", "극소점이다").
_FILLER_EN = frozenset(
    (
        *("a", "an", "the", "it", "is", "its", "it's", "this", "that", "point", "points"),
        *("local", "relative", "strict", "critical", "there", "has", "have", "f", "at"),
        *("of", "type", "kind", "answer", "are", "which", "so", "and", "stationary"),
    )
)
_FILLER_KO = tuple(
    sorted(
        (
            *("입니다", "이에요", "예요", "이다", "에서는", "에서", "임계점", "점은", "점이"),
            *("점", "은", "는", "이", "가", "임", "의", "요", "다", "함수", "와", "과"),
        ),
        key=len,
        reverse=True,
    )
)
_TEXT_CMD = re.compile(
    r"\\(?:text|mathrm|textrm|mbox|textbf|mathbf|textit|operatorname)\s*\{([^{}]*)\}"
)
_SPACES = re.compile(r"\\\\|\\[,;:! ]|\\q?quad|~|\\left\.|\\right\.")
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
_EMPTY_SET = re.compile(
    r"^(?:\\emptyset|\\varnothing|∅|\\\{\s*\\\}|\\left\\\{\s*\\right\\\}|\{\s*\})$"
)
_EMPTY_WORDS = frozenset(
    {
        "none",
        "no critical points",
        "no critical point",
        "there are no critical points",
        "there is no critical point",
        "없음",
        "없다",
        "임계점 없음",
        "임계점이 없음",
        "임계점이 없다",
        "임계점이 없습니다",
        "없습니다",
    }
)


def _kind_name(kind: str, lang: str) -> str:
    return (KIND_NAMES.get(lang) or KIND_NAMES["en"])[kind]


def _latex(expr: sp.Expr) -> str:
    try:
        return latex_str(expr)
    except Exception:  # printing must never break grading
        return str(expr)


def _unwrap_text(text: str) -> str:
    """``\\text{saddle point}`` -> `` saddle point `` (repeatedly, for nested wrappers)."""
    for _ in range(5):
        new = _TEXT_CMD.sub(lambda m: f" {m.group(1)} ", text)
        if new == text:
            break
        text = new
    return _spaces(text)


def _spaces(text: str) -> str:
    """LaTeX spacing commands as spaces (a row break ``\\\\`` is kept)."""
    return _SPACES.sub(lambda m: m.group(0) if m.group(0) == "\\\\" else " ", text)


# --------------------------------------------------------------------------- kinds


@dataclass(frozen=True)
class _KindRead:
    kind: str | None  # None: no kind word
    rest: str  # the text with the kind phrases removed


def _find_kind(text: str) -> _KindRead:
    """Find the kind phrases of ``text`` (already unwrapped); raises ParseError on two kinds."""
    lowered = text.lower()
    kinds: set[str] = set()
    pieces: list[str] = []
    last = 0
    for m in _KIND_RE.finditer(lowered):
        assert m.lastgroup is not None
        kinds.add(m.lastgroup.rsplit("_", 1)[0])
        pieces.append(text[last : m.start()])
        pieces.append(" ")
        last = m.end()
    pieces.append(text[last:])
    if len(kinds) > 1:
        raise ParseError("the answer names more than one kind", text, None)
    return _KindRead(next(iter(kinds)) if kinds else None, "".join(pieces))


def _strip_filler(text: str, names: Sequence[str] = ()) -> str:
    """Remove filler words (English whole words, Korean particles)."""
    words = _FILLER_EN | {n.lower() for n in names}

    def drop(m: re.Match[str]) -> str:
        return " " if m.group(0).lower() in words else m.group(0)

    text = re.sub(r"(?<![\\A-Za-z])[A-Za-z']+(?![A-Za-z])", drop, text)
    for w in _FILLER_KO:
        text = text.replace(w, " ")
    return text


def read_kind(text: str, names: Sequence[str] = ()) -> str:
    """The kind named by a classification answer; raises ParseError when there is none or
    the text says more than one kind (or anything else, such as a negation)."""
    if not isinstance(text, str):
        raise ParseError("an answer must be text", "", None)
    if len(text) > 1000:
        raise ParseError("the answer is too long for one word", "", None)
    body, _ = _strip_math(text)
    read = _find_kind(_unwrap_text(body))
    if read.kind is None:
        raise ParseError("no kind of point found", text, None)
    rest = _strip_filler(_latex_free(read.rest), names)
    rest = re.sub(r"[\s$.,;:!()\[\]{}\\=+\-/0-9]+", "", rest)
    if rest:
        raise ParseError(f"unexpected {rest[:20]!r} next to the kind", text, None)
    return read.kind


# --------------------------------------------------------------------------- numbers


def _value(expr: sp.Expr, digits: int = DIGITS) -> mpmath.mpf:
    with mpmath.workdps(digits):
        v = evaluate(expr, {})
    if not isinstance(v, mpmath.mpf) or not mpmath.isfinite(v):
        raise NumericError("not a finite real number")
    return v


def _same_number(a: sp.Expr, e: sp.Expr, abs_tol: float | None = None) -> bool:
    """Are two constants equal? Exactly (numeric screen, then proof or a 100-digit
    re-test), or within ``abs_tol`` when given."""
    try:
        va, ve = _value(a), _value(e)
    except (NumericError, ZeroDivisionError, OverflowError, ValueError, TypeError):
        return False
    if abs_tol is not None:
        return bool(abs(va - ve) <= abs_tol)
    scale = max(mpmath.mpf(1), abs(ve))
    if abs(va - ve) > scale * mpmath.mpf(10) ** (-(DIGITS - 8)):
        return False
    d = a - e
    try:
        if sp.expand(d) == 0:
            return True
        if sp.count_ops(d) <= 60 and sp.simplify(d) == 0:
            return True
        with mpmath.workdps(110):
            return bool(abs(_value(a, 110) - _value(e, 110)) <= scale * mpmath.mpf(10) ** -100)
    except (NumericError, ZeroDivisionError, OverflowError, ValueError, TypeError, RecursionError):
        return False


def _constant(text: str, what: str) -> sp.Expr:
    try:
        value = parse(text)
    except SymderivError as exc:
        raise ProblemError(f"cannot read the {what} {text!r}: {exc}") from None
    if value.free_symbols:
        raise ProblemError(f"the {what} must be a number, got {text!r}")
    return value


def _function(problem: Problem) -> sp.Expr:
    if not problem.function:
        raise ProblemError("the problem needs a function")
    try:
        return parse(problem.function)
    except SymderivError as exc:
        raise ProblemError(f"cannot read the problem's function: {exc}") from None


def _var_symbols(problem: Problem, f: sp.Expr) -> tuple[sp.Symbol, ...]:
    names = problem.vars or ((problem.var,) if problem.var else ())
    if not names:
        names = tuple(sorted(s.name for s in f.free_symbols))
    if not names or len(names) > 6:
        raise ProblemError("the problem needs 1 to 6 vars")
    by_name = {s.name: s for s in f.free_symbols}
    return tuple(by_name.get(n) or sp.Symbol(n) for n in names)


def _check_symbols(expr: sp.Expr, allowed: frozenset[sp.Symbol], lang: str) -> Verdict | None:
    from symderiv.grading.grader import _symbol_problem

    fake = Expected((), (sp.S.Zero,), (None,), (), (), allowed, ())
    trouble = _symbol_problem(expr, fake, lang)
    if trouble is None:
        return None
    return Verdict(status="invalid", feedback=trouble, parsed=_latex(expr))


def _invalid(lang: str, key: str, expected: str | None, **values: object) -> Verdict:
    where = values.pop("where", None)
    return Verdict(
        status="invalid",
        feedback=(message(key, lang, **values),),
        expected=expected,
        where=where if isinstance(where, int) else None,
    )


# --------------------------------------------------------------------------- taylor


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
    f = _function(problem)
    xs = _var_symbols(problem, f)
    if len(xs) != 1:
        raise ProblemError("taylor problems have one variable (var)")
    (x,) = xs
    at = _constant(problem.at or "0", "point at")
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
            same = _same_number(a, e, abs_tol)
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


def _grade_taylor(
    problem: Problem, answer: str, lang: str, policy: Policy, abs_tol: float | None
) -> Verdict:
    te = _taylor_expected(problem)
    expected_latex = _latex(te.polynomial)
    if isinstance(answer, str) and len(answer) <= MAX_ANSWER_LENGTH:
        body, _ = _strip_math(answer)
        body = _split_top(_spaces(body), "\\approx")[-1][0]
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
        verdict = _invalid(lang, "unreadable", expected_latex, error=exc.message)
        return Verdict(**{**verdict.__dict__, "where": exc.position})
    except RecursionError:
        return _invalid(lang, "unreadable", expected_latex, error="nested too deeply")
    if read.shape:
        return _invalid(lang, "shape_scalar", expected_latex)
    p = read.scalar()
    allowed = frozenset(te.f.free_symbols | {te.x})
    trouble = _check_symbols(p, allowed, lang)
    if trouble is not None:
        return Verdict(**{**trouble.__dict__, "expected": expected_latex})
    parsed = _latex(p)

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


# --------------------------------------------------------------------------- classification


def _expected_kind(classification: object, test: str) -> str:
    return classification.hessian_kind if test == "second_derivative" else classification.kind  # type: ignore[attr-defined]


def _kind_score(
    yours: str, classification: object, test: str, policy: Policy, lang: str
) -> tuple[float, str | None, list[str]]:
    """(score, diagnosis id, feedback lines) for a stated kind; score 1 means right."""
    right = _expected_kind(classification, test)
    if yours == right:
        return 1.0, None, []
    hessian_kind = classification.hessian_kind  # type: ignore[attr-defined]
    if test == "any" and yours == "inconclusive" and hessian_kind == "inconclusive":
        line = message("classification.higher_order", lang, right=_kind_name(right, lang))
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
    f = _function(problem)
    xs = _var_symbols(problem, f)
    if len(problem.point) != len(xs):
        raise ProblemError(f"the point needs {len(xs)} values (one per var)")
    values = {x: _constant(v, "point") for x, v in zip(xs, problem.point, strict=True)}
    try:
        c = hessian(f, xs, verify=False).classify(values)
    except SymderivError as exc:
        raise ProblemError(f"cannot classify the point: {exc}") from None
    text = "(" + ", ".join(unicode_str(v) for v in values.values()) + ")"
    return _ClassExpected(c, text, _expected_kind(c, problem.test), tuple(x.name for x in xs))


def _grade_classification(problem: Problem, answer: str, lang: str, policy: Policy) -> Verdict:
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
    score, diagnosis, lines = _kind_score(yours, ce.classification, problem.test, policy, lang)
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
        lines = [message("kind_wrong", lang, point=ce.point_text, yours=_kind_name(yours, lang))]
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


# --------------------------------------------------------------------------- critical points


@dataclass(frozen=True)
class PointRead:
    """One point of an answer: its coordinates and the kind stated (None: none stated)."""

    coordinates: tuple[sp.Expr, ...]
    kind: str | None


_OUTER_SET = (("\\left\\{", "\\right\\}"), ("\\{", "\\}"))


def _strip_set(text: str) -> str:
    t = text.strip()
    for left, right in _OUTER_SET:
        if t.startswith(left) and t.endswith(right):
            inner = t[len(left) : len(t) - len(right)]
            depth = 0
            ok = True
            for _, _c, d in _scan_depths(inner):
                depth = d
                if d < 0:
                    ok = False
                    break
            if ok and depth == 0:
                return inner
    return t


def _scan_depths(text: str):
    from symderiv.grading.answers import _scan

    return _scan(text)


def _split_items(text: str) -> list[str]:
    parts = [text]
    for sep in (";", "\\\\", "\n", ","):
        parts = [q for p in parts for q, _ in _split_top(p, sep)]
    out: list[str] = []
    for p in parts:
        out.extend(re.split(r"(?<![A-Za-z])(?:and|그리고)(?![A-Za-z])|이고|이며", p))
    return [p for p in out if p.strip()]


def _drop_label(text: str, names: Sequence[str]) -> str:
    parts = _split_top(text, "=")
    if len(parts) == 2:
        left = re.sub(r"\\left|\\right|[\s()\[\],]", "", parts[0][0])
        if (
            left
            and not re.search(r"\d", left)
            and (left in names or left == "".join(names) or not _enclosed(parts[0][0].strip()))
        ):
            return parts[1][0]
    return text


def _read_point(text: str, names: Sequence[str], whole: str) -> tuple[sp.Expr, ...]:
    n = len(names)
    body = _drop_label(text, names)
    body = re.sub(r"(\\left)?\(\s*(\\right)?\)|\[\s*\]", " ", body)  # emptied "(min)"
    body = body.strip().strip(":=").strip()
    enclosed = _enclosed(body)
    if enclosed is not None:
        parts = [t for t, _ in _split_top(enclosed[0], ",")]
    elif n == 1:
        parts = [body]
    else:
        raise ParseError(f"a point needs {n} coordinates in brackets, like (1, 2)", whole, None)
    if len(parts) != n:
        raise ParseError(
            f"a point has {n} coordinate(s); {body.strip()!r} has {len(parts)}", whole, None
        )
    coordinates = []
    for t in parts:
        if not t.strip():
            raise ParseError("a coordinate is empty", whole, None)
        try:
            value = parse(t)
        except ParseError as exc:
            raise ParseError(f"cannot read {t.strip()!r}: {exc.message}", whole, None) from None
        if value.free_symbols:
            raise ParseError(f"the coordinate {t.strip()!r} is not a number", whole, None)
        try:
            _value(value)
        except (NumericError, ZeroDivisionError, OverflowError, ValueError, TypeError):
            raise ParseError(
                f"the coordinate {t.strip()!r} is not a real number", whole, None
            ) from None
        coordinates.append(value)
    return tuple(coordinates)


def read_points(text: str, names: Sequence[str]) -> list[PointRead]:
    """Read a set of points with optional kinds (see the module doc); raises ParseError."""
    if not isinstance(text, str):
        raise ParseError("an answer must be text", "", None)
    if len(text) > MAX_ANSWER_LENGTH:
        raise ParseError(f"the answer is longer than {MAX_ANSWER_LENGTH} characters", "", None)
    body, _ = _strip_math(text)
    body = _unwrap_text(body).replace("$", " ").strip().rstrip(".")
    if not body.strip():
        raise ParseError("the answer is empty", text, None)
    if _EMPTY_SET.match(body.strip()):
        return []
    plain = re.sub(r"\s+", " ", body.lower()).strip(" .")
    if plain in _EMPTY_WORDS:
        return []
    parts = _split_top(body, "=")
    if len(parts) == 2 and not re.search(r"\d", parts[0][0]) and "{" in parts[1][0]:
        body = parts[1][0]  # "S = \{...\}"
    body = _strip_set(body)
    if _EMPTY_SET.match(body.strip()) or not body.strip():
        return []
    points: list[PointRead] = []
    pending_kind: str | None = None
    for item in _split_items(body):
        read = _find_kind(item)
        rest = _strip_filler(read.rest)
        if not re.sub(r"[\s:=\-–()]+", "", rest):
            if read.kind is None:
                continue
            if points and points[-1].kind is None:
                points[-1] = PointRead(points[-1].coordinates, read.kind)
            elif pending_kind is None:
                pending_kind = read.kind  # "minimum: (1, 1)" style, the point follows
            else:
                raise ParseError("a kind without a point", text, None)
            continue
        if _HANGUL.search(rest) or re.search(r"(?<![\\A-Za-z])[A-Za-z]{2,}", _latex_free(rest)):
            word = _HANGUL.search(rest) or re.search(r"[A-Za-z]{2,}", _latex_free(rest))
            assert word is not None
            raise ParseError(f"unexpected word near {word.group(0)!r}", text, None)
        coordinates = _read_point(rest, names, text)
        kind = read.kind
        if kind is None and pending_kind is not None:
            kind, pending_kind = pending_kind, None
        points.append(PointRead(coordinates, kind))
        if len(points) > MAX_ENTRIES:
            raise ParseError(f"more than {MAX_ENTRIES} points", text, None)
    if pending_kind is not None:
        raise ParseError("a kind without a point", text, None)
    if not points:
        raise ParseError("no point found", text, None)
    return points


def _latex_free(text: str) -> str:
    return re.sub(r"\\[A-Za-z]+", " ", text)


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
    f = _function(problem)
    xs = _var_symbols(problem, f)
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


def _point_latex(coords: Sequence[sp.Expr], kind: str | None) -> str:
    inner = r"\left(" + ", ".join(_latex(c) for c in coords) + r"\right)"
    return inner + (rf"\ \text{{{KIND_NAMES['en'][kind]}}}" if kind else "")


def _grade_critical(
    problem: Problem, answer: str, lang: str, policy: Policy, abs_tol: float | None
) -> Verdict:
    ce = _cp_expected(problem)
    kinds = [_expected_kind(c, problem.test) for c in ce.classifications]
    expected_latex = (
        r"\{"
        + ", ".join(
            _point_latex(p, k if problem.kinds else None)
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
        return _invalid(lang, "points_unreadable", expected_latex, error=exc.message)
    except RecursionError:
        return _invalid(lang, "points_unreadable", expected_latex, error="nested too deeply")
    parsed = r"\{" + ", ".join(_point_latex(p.coordinates, p.kind) for p in read) + r"\}"
    # Match answer points with expected ones.
    matched: dict[int, list[PointRead]] = {}
    extra: list[PointRead] = []
    for p in read:
        for i, q in enumerate(ce.points):
            tol = abs_tol if abs_tol is not None else (None if ce.exact[i] else 1e-6)
            if all(_same_number(a, e, tol) for a, e in zip(p.coordinates, q, strict=True)):
                matched.setdefault(i, []).append(p)
                break
        else:
            if not any(
                _same_number(a, e)
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
        base = {"index": (i,), "expected": _point_latex(q, right_kind if problem.kinds else None)}
        if not got:
            entries.append(EntryVerdict(correct=False, score=0.0, **base))
            continue
        stated = {p.kind for p in got if p.kind is not None}
        parsed_i = _point_latex(got[0].coordinates, got[0].kind)
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
        score, why, why_lines = _kind_score(yours, c, problem.test, policy, lang)
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
            message(
                "critical.wrong_kind", lang, point=_point_text(q), yours=_kind_name(yours, lang)
            )
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
                parsed=_point_latex(p.coordinates, p.kind),
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


# --------------------------------------------------------------------------- dispatch


def grade_other(
    problem: Problem,
    answer: str,
    *,
    lang: str = "en",
    policy: Policy | None = None,
    abs_tol: float | None = None,
) -> Verdict:
    """Grade a taylor, classification or critical_points problem (see the module doc)."""
    policy = policy or Policy()
    if problem.kind == "taylor":
        return _grade_taylor(problem, answer, lang, policy, abs_tol)
    if problem.kind == "classification":
        return _grade_classification(problem, answer, lang, policy)
    if problem.kind == "critical_points":
        return _grade_critical(problem, answer, lang, policy, abs_tol)
    raise ProblemError(f"not a kind graded here: {problem.kind!r}")
