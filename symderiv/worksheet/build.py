"""Build a worksheet from a spec: draw problems from banks, derive and verify their answers.

>>> ws = worksheet('''
... title = "Demo"
... [[sections]]
... [[sections.problems]]
... function = "x^2 sin(x)"
... ''')
>>> ws.problems[0].expected
x**2*cos(x) + 2*x*sin(x)
>>> ws.answers()[0]["problem"]
{'kind': 'derivative', 'function': 'x^2 sin(x)', 'var': 'x', 'order': 1}
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sympy as sp

from symderiv.engine import derive
from symderiv.errors import SymderivError
from symderiv.notation import latex_str
from symderiv.parsing import parse
from symderiv.sympy_values import as_sympy
from symderiv.worksheet.banks import BANKS, Draft
from symderiv.worksheet.document import Section, Worksheet
from symderiv.worksheet.figures import check_figure, require_matplotlib
from symderiv.worksheet.problem import DERIVATIVE_KINDS, Problem, function_text
from symderiv.worksheet.spec import LANGUAGES, ProblemSpec, Spec, WorksheetError, load_spec

#: Attempts per requested problem before a bank gives up.
MAX_ATTEMPTS = 40


def _problem(
    pid: str,
    number: int,
    part: int | None,
    entry: ProblemSpec,
    text: str,
    var: str | None,
    order: int,
    kind: str,
    solution: Any,
    bank: str | None,
    draft: Draft | None = None,
) -> Problem:
    figure = entry.figure
    if kind in DERIVATIVE_KINDS:
        return Problem(
            id=pid,
            number=number,
            part=part,
            kind=kind,
            function=text,
            var=str(solution.var) if var is None else var,
            order=order,
            points=entry.points,
            expr=solution.expr,
            derivation=solution,
            bank=bank,
            difficulty=entry.difficulty if bank else None,
            at=entry.at,
            figure=figure,
        )
    at = draft.at if draft is not None else entry.at
    defs = draft.defs if draft is not None else entry.defs
    if kind in ("taylor", "slope"):
        names: tuple[str, ...] = ()
        var = str(solution.var)
        at = ((var, at[0][1]),) if at else ((var, "0"),)
    elif kind == "backprop":
        names = tuple(s.name for s in solution.wrt)
        var = names[0]
    else:
        names = tuple(str(v) for v in solution.vars)
        var = names[0]
    return Problem(
        id=pid,
        number=number,
        part=part,
        kind=kind,
        function=text,
        var=var,
        order=order,
        points=entry.points,
        expr=parse(text),
        derivation=None,
        bank=bank,
        difficulty=entry.difficulty if bank else None,
        result=solution,
        vars=names,
        at=at,
        defs=defs,
        figure=figure,
    )


def _solve(
    kind: str,
    text: str,
    var: str | None,
    vars: tuple[str, ...] | None,
    at: tuple[tuple[str, str], ...] | None,
    order: int,
    defs: tuple[tuple[str, str], ...] = (),
) -> Any:
    """The engine's worked solution of one problem (raises SymderivError when it cannot)."""
    from symderiv.backprop import backprop
    from symderiv.multivariate import gradient, hessian
    from symderiv.multivariate.critical import critical_points
    from symderiv.taylor import taylor

    names = list(vars) if vars else None
    point = {k: parse(v) for k, v in at or ()}
    if kind in DERIVATIVE_KINDS:
        return derive(text, var, order)
    if kind == "slope":
        return derive(text, var)
    if kind == "gradient":
        return gradient(text, names)
    if kind == "hessian":
        return hessian(text, names).classify(point)
    if kind in ("critical_points", "saddle"):
        return critical_points(text, names)
    if kind == "taylor":
        return taylor(text, var, next(iter(point.values()), 0), order)
    if kind == "backprop":
        return backprop(text, names, point or None, defs=dict(defs))
    if kind == "descent":
        from symderiv.optim import descend

        lr = dict(defs)["lr"]
        return descend(text, dict(at or ()), lr=lr, steps=order, tol=0, exact=True, vars=names)
    raise WorksheetError(f"unknown kind {kind!r}")


def _explicit(entry: ProblemSpec, number: int, source: str | None) -> Problem:
    assert entry.function is not None
    try:
        solution = _solve(
            entry.kind,
            entry.function,
            entry.var,
            entry.vars or entry.wrt,
            entry.at,
            entry.order,
            entry.defs,
        )
    except SymderivError as exc:
        what = "differentiate" if entry.kind in DERIVATIVE_KINDS else f"set ({entry.kind})"
        raise WorksheetError(
            f"cannot {what} {entry.function!r}: {exc}", entry.line, source
        ) from None
    if not _renders(solution):
        raise WorksheetError(f"{entry.function!r} cannot be printed in LaTeX", entry.line, source)
    problem = _problem(
        str(number),
        number,
        None,
        entry,
        entry.function,
        entry.var,
        entry.order,
        entry.kind,
        solution,
        None,
    )
    why = check_figure(problem) if problem.figure else None
    if why:
        raise WorksheetError(f"{entry.function!r}: {why}", entry.line, source)
    return problem


def _well_posed(draft: Draft, limit: int) -> tuple[str, Any] | None:
    """The draft's text and worked solution when it is a fair problem, else None."""
    text = function_text(draft.expr)
    if draft.kind in DERIVATIVE_KINDS and draft.var not in draft.expr.free_symbols:
        return None
    try:
        if parse(text) != draft.expr:
            return None
        solution = _solve(
            draft.kind,
            text,
            str(draft.var),
            tuple(str(v) for v in draft.vars) or None,
            draft.at,
            draft.order,
            draft.defs,
        )
    except SymderivError:
        return None
    if solution.verification.ok is not True or not _fair(draft, solution, limit):
        return None
    return (text, solution) if _renders(solution) else None


def _small(value: sp.Expr, limit: int) -> bool:
    return not value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) and sp.count_ops(value) <= limit


def _fair(draft: Draft, solution: Any, limit: int) -> bool:
    """Is the answer of a size that suits the difficulty, and not degenerate?"""
    kind = draft.kind
    if kind == "descent":  # the bank draws only fair descent problems
        return True
    if kind in DERIVATIVE_KINDS:
        result = solution.result
        return result != 0 and bool(result.free_symbols) and _small(result, limit)
    if kind == "gradient":
        if draft.at:
            values = solution.at({k: parse(v) for k, v in draft.at})
            return any(v != 0 for v in values) and all(
                v.is_Rational and abs(v) <= 60 and v.q <= 12 for v in values
            )
        comps = solution.components
        return all(c != 0 for c in comps) and sum(sp.count_ops(c) for c in comps) <= limit
    if kind == "hessian":
        return (
            solution.kind in ("minimum", "maximum", "saddle")
            and solution.hessian_kind == solution.kind
            and all(e.is_Integer and abs(e) <= 40 for e in solution.matrix)
        )
    if kind == "critical_points":
        return (
            solution.complete
            and 1 <= len(solution) <= 4
            and all(p.exact and not p.family and p.kind != "inconclusive" for p in solution)
            and all(c.is_Rational for p in solution for c in p.coordinates)
        )
    if kind == "taylor":
        coeffs = [as_sympy(c) for c in solution.coefficients]
        return (
            sum(c != 0 for c in coeffs) >= 2
            and _small(solution.polynomial, limit)
            and all(not c.is_Rational or (abs(c.p) <= 200 and c.q <= 720) for c in coeffs)
        )
    if kind == "backprop":
        return all(_small(v, limit) for v in solution.gradient.values())
    if kind == "slope":
        return _readable_slope(draft, solution)
    if kind == "saddle":
        return (
            solution.complete
            and 2 <= len(solution) <= 4
            and sum(p.kind == "saddle" for p in solution) == 1
            and all(p.exact and not p.family and p.kind != "inconclusive" for p in solution)
            and all(c.is_Rational and abs(c) <= 3 for p in solution for c in p.coordinates)
        )
    return False


#: A slope read from a graph: a simple fraction, on a graph of modest height around the point.
MAX_SLOPE, MAX_HEIGHT = 6, 12


def _readable_slope(draft: Draft, solution: Any) -> bool:
    x, a = solution.var, parse(draft.at[0][1]) if draft.at else sp.S.Zero
    slope = sp.simplify(solution.result.subs(x, a))
    if not (slope.is_Rational and slope != 0 and abs(slope) <= MAX_SLOPE and slope.q <= 5):
        return False
    heights = [draft.expr.subs(x, a + t) for t in (-2.5, -1, 0, 1, 2.5)]
    return all(h.is_real and h.is_finite and abs(float(h)) <= MAX_HEIGHT for h in heights)


def _renders(solution: Any) -> bool:
    """True when the problem and its solution print in LaTeX (a printer may not cope)."""
    try:
        latex_str(getattr(solution, "expr", sp.S.Zero))
        solution.to_latex("en")
    except (TypeError, ValueError, AttributeError):
        return False
    return True


def _from_bank(
    entry: ProblemSpec, rng: random.Random, seen: set[str], number: int, source: str | None
) -> list[Problem]:
    assert entry.bank is not None
    bank = BANKS[entry.bank]
    limit = bank.max_ops[entry.difficulty - 1]
    problems: list[Problem] = []
    attempts = 0
    while len(problems) < entry.count:
        attempts += 1
        if attempts > MAX_ATTEMPTS * entry.count + 20:
            raise WorksheetError(
                f"bank {entry.bank!r} could not produce {entry.count} distinct well-posed "
                f"problems at difficulty {entry.difficulty}; ask for fewer",
                entry.line,
                source,
            )
        draft = bank.generate(rng, entry.difficulty)
        identity = sp.srepr(draft.expr)
        if identity in seen:
            continue
        posed = _well_posed(draft, limit)
        if posed is None:
            continue
        seen.add(identity)
        text, solution = posed
        part = len(problems) if entry.count > 1 else None
        pid = (
            f"{number}{chr(ord('a') + part)}"
            if part is not None and part < 26
            else (f"{number}.{len(problems) + 1}" if part is not None else str(number))
        )
        problems.append(
            _problem(
                pid,
                number,
                part,
                entry,
                text,
                str(draft.var),
                draft.order,
                draft.kind,
                solution,
                entry.bank,
                draft,
            )
        )
    return problems


def worksheet(
    spec: str | Path | Mapping[str, Any] | Spec,
    seed: int = 0,
    variant: int = 0,
    *,
    lang: str | None = None,
) -> Worksheet:
    """Generate one variant of a worksheet; the same (spec, seed, variant) gives the same sheet.

    ``spec`` is a path to a TOML file, TOML text, a dict, or a loaded :class:`Spec`;
    ``lang`` overrides the spec's language.
    """
    spec = load_spec(spec)
    lang = lang or spec.language
    if lang not in LANGUAGES:
        raise WorksheetError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or variant < 0:
        raise WorksheetError("seed must be an integer and variant a non-negative integer")
    rng = random.Random(f"symderiv-worksheet:{seed}:{variant}")
    seen: set[str] = set()
    number = 0
    sections = []
    for entry in spec.entries:
        if entry.figure:
            require_matplotlib(entry, spec.source)
    for section in spec.sections:
        questions: list[tuple[Problem, ...]] = []
        titles: list[str] = []
        for entry in section.problems:
            number += 1
            if entry.bank is None:
                problem = _explicit(entry, number, spec.source)
                seen.add(sp.srepr(problem.expr))
                questions.append((problem,))
                titles.append("")
            else:
                drawn = _from_bank(entry, rng, seen, number, spec.source)
                questions.append(tuple(drawn))
                titles.append(BANKS[entry.bank].title(lang) if len(drawn) > 1 else "")
        sections.append(
            Section(section.title, section.instructions, tuple(questions), tuple(titles))
        )
    return Worksheet(spec, seed, variant, lang, tuple(sections))
