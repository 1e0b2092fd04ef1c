"""Critical points: solve ∇f = 0 over the reals, classify each point, say what is missing.

The equations are solved exactly where possible (:mod:`symderiv.multivariate.critical_solve`,
in a child process under a time budget), otherwise or in addition numerically
(:mod:`symderiv.multivariate.critical_search`); every point is then classified by the
second-derivative test.

Infinite sets are reported as families: ``family`` lists the free symbols -- integers for
periodic families, real variables for curves and surfaces of critical points such as
``y = x`` for ``(x − y)²``. A family whose kind depends on the parity of its integer
parameters is split into even and odd cases.

>>> cps = critical_points("x^3 - 3x + y^2")
>>> [(p.point, p.kind) for p in cps]
[({x: -1, y: 0}, 'saddle'), ({x: 1, y: 0}, 'minimum')]
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

import sympy as sp

from symderiv.engine import as_expression
from symderiv.functions import to_elementary
from symderiv.multivariate.base import Printable
from symderiv.multivariate.checks import combine_verifications
from symderiv.multivariate.classification import Classification, Reason
from symderiv.multivariate.critical_search import (
    NUMERIC_BUDGET,
    SEARCH_BOX,
    numeric_search,
    recognise,
)
from symderiv.multivariate.critical_solve import (
    INTEGER_NAMES,
    exact_solutions,
    linear_solve,
    reduced_equations,
    run_with_budget,
    solve_system,
)
from symderiv.multivariate.gradient import Gradient
from symderiv.multivariate.hessian import Hessian, hessian
from symderiv.multivariate.second_derivative_test import classify_at
from symderiv.multivariate.variables import clean, natural_key, resolve_variables, scalar_expression
from symderiv.steps import Verification

#: Seconds SymPy may spend solving ∇f = 0 before the numeric search takes over (CPU time
#: of the solving process; its wall-clock time is bounded too, as a safety net).
DEFAULT_TIME_BUDGET = 10.0


@dataclass(frozen=True, eq=False)
class CriticalPoint:
    """One critical point, or a family of them when ``family`` is not empty.

    ``point`` maps each variable to its value (for a family, in terms of the symbols in
    ``family``: integers for periodic families, free real variables for curves).
    ``exact`` is False for points found numerically.
    """

    point: dict[sp.Symbol, sp.Expr]
    kind: str
    exact: bool
    classification: Classification | None
    family: tuple[sp.Symbol, ...] = ()
    value: sp.Expr | None = None

    @property
    def eigenvalues(self) -> tuple[sp.Expr, ...]:
        return self.classification.eigenvalues if self.classification else ()

    @property
    def eigenvalues_exact(self) -> bool:
        return bool(self.classification and self.classification.eigenvalues_exact)

    @property
    def infinite(self) -> bool:
        return bool(self.family)

    @property
    def coordinates(self) -> tuple[sp.Expr, ...]:
        return tuple(self.point.values())


@dataclass(frozen=True, eq=False)
class CriticalPoints(Printable, Sequence[CriticalPoint]):
    """The critical points of ``expr``: a sequence of :class:`CriticalPoint`.

    ``status`` is "none", "finite" or "infinite"; ``complete`` is True when the list is
    provably all of them; ``method`` is "symbolic", "numeric" or "symbolic+numeric";
    ``notes`` explain what was done when it was not plain symbolic solving.
    """

    expr: sp.Expr
    vars: tuple[sp.Symbol, ...]
    points: tuple[CriticalPoint, ...]
    gradient: Gradient
    hessian: Hessian
    status: str
    complete: bool
    method: str
    notes: tuple[Reason, ...]
    verification: Verification
    source: str = ""

    @overload
    def __getitem__(self, index: int) -> CriticalPoint: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[CriticalPoint, ...]: ...

    def __getitem__(self, index: int | slice) -> CriticalPoint | tuple[CriticalPoint, ...]:
        return self.points[index]

    def __len__(self) -> int:
        return len(self.points)

    def __iter__(self) -> Iterator[CriticalPoint]:
        return iter(self.points)

    @property
    def infinite(self) -> bool:
        return self.status == "infinite"

    def of_kind(self, kind: str) -> tuple[CriticalPoint, ...]:
        return tuple(p for p in self.points if p.kind == kind)


# --------------------------------------------------------------------------- classifying


def _classify(
    f: sp.Expr,
    vars: tuple[sp.Symbol, ...],
    h: Hessian,
    point: dict[sp.Symbol, sp.Expr],
    family: tuple[sp.Symbol, ...],
    exact: bool,
) -> list[CriticalPoint]:
    """Classify a point or family; families whose kind depends on the parity of their
    integer parameters are split into even and odd cases."""
    c = classify_at(
        f,
        vars,
        h.matrix,
        point,
        gradient=h.gradient.components,
        require_critical=False,
        formulas_check=h.verification,
    )
    integers = [s for s in family if s.is_integer]
    if c.kind == "inconclusive" and integers and set(c.depends_on) & set(integers):
        out: list[CriticalPoint] = []
        for parities in itertools.product((0, 1), repeat=len(integers)):
            sub = {s: 2 * s + r for s, r in zip(integers, parities, strict=True)}
            split = {v: sp.expand(value.xreplace(sub)) for v, value in point.items()}
            c2 = classify_at(
                f,
                vars,
                h.matrix,
                split,
                gradient=h.gradient.components,
                require_critical=False,
                formulas_check=h.verification,
            )
            out.append(CriticalPoint(split, c2.kind, exact, c2, family, c2.value))
        return out
    return [CriticalPoint(point, c.kind, exact, c, family, c.value)]


def _sort_key(p: CriticalPoint) -> tuple[Any, ...]:
    coords = []
    for value in p.point.values():
        try:
            coords.append(float(sp.N(to_elementary(value))))
        except (TypeError, ValueError):
            coords.append(0.0)
    return (len(p.family), tuple(coords))


def _to_family(
    assignment: dict[sp.Symbol, sp.Expr], real_vars: Sequence[sp.Symbol]
) -> tuple[dict[sp.Symbol, sp.Expr], tuple[sp.Symbol, ...]]:
    point: dict[sp.Symbol, sp.Expr] = {}
    for v in real_vars:
        value = as_expression(assignment.get(v, v))
        has_integer = any(s.is_integer for s in value.free_symbols)
        point[v] = sp.expand(value) if has_integer else clean(value)
    # integer parameters named n, m, k, ... in the order the variables use them
    order: list[sp.Symbol] = []
    for value in point.values():
        for s in sorted(value.free_symbols, key=natural_key):
            if s.is_integer and s not in order:
                order.append(s)
    taken = {s.name for value in point.values() for s in value.free_symbols if not s.is_integer}
    names = [name for name in INTEGER_NAMES if name not in taken]
    if len(names) >= len(order):
        rename = {s: sp.Symbol(name, integer=True) for s, name in zip(order, names, strict=False)}
        point = {v: value.xreplace(rename) for v, value in point.items()}
    free: set[sp.Symbol] = set()
    for value in point.values():
        free |= value.free_symbols
    integers = sorted(
        (s for s in free if s.is_integer),
        key=lambda s: (
            INTEGER_NAMES.index(s.name) if s.name in INTEGER_NAMES else len(INTEGER_NAMES)
        ),
    )
    reals = [v for v in real_vars if v in free]
    return point, (*integers, *reals)


def _is_real_solution(point: dict[sp.Symbol, sp.Expr]) -> bool:
    for value in point.values():
        if value.is_real is False:
            return False
        if value.is_number and value.is_real is None:
            numeric = sp.N(to_elementary(value), 30)
            if abs(sp.im(numeric)) > 1e-20:
                return False
    return True


def critical_points(
    expr: str | sp.Expr,
    vars: str | Iterable[str | sp.Symbol] | None = None,
    *,
    time_budget: float = DEFAULT_TIME_BUDGET,
    search_budget: float = NUMERIC_BUDGET,
    numeric: bool = True,
    detail: str = "normal",
    verify: bool = True,
) -> CriticalPoints:
    """Solve ∇f = 0 over the reals and classify every critical point.

    ``vars`` defaults to the free symbols in natural order; other symbols are parameters
    (taken generic: non-zero where that matters). SymPy gets ``time_budget`` seconds in a
    child process; then (or when it fails) a numeric search takes over if ``numeric``, for
    ``search_budget`` seconds of CPU time of this thread (the same points on a busy machine;
    the notes say when the budget cut it short).
    See the module docstring for how infinite and periodic sets are reported.
    """
    source, f = scalar_expression(expr)
    xs = resolve_variables([f], vars)
    h = hessian(f, xs, detail=detail, verify=verify)
    grad = h.gradient
    real = {x: sp.Symbol(x.name, real=True) for x in xs}
    back = {r: x for x, r in real.items()}
    params = sorted(f.free_symbols - set(xs), key=natural_key)
    real_params = {p: sp.Symbol(p.name, real=True) for p in params if p.is_real is None}
    to_real = {**real, **real_params}
    from_real = {**back, **{r: p for p, r in real_params.items()}}
    real_vars = [real[x] for x in xs]
    eqs = [as_expression(g).xreplace(to_real) for g in grad.components]
    notes: list[Reason] = []
    method = "symbolic"
    complete = True
    assignments: list[dict[sp.Symbol, sp.Expr]] = []
    numeric_points: list[dict[sp.Symbol, sp.Expr]] = []

    reduced = reduced_equations(eqs, real_vars)
    solved = False
    if reduced is None:
        solved = True  # an equation can never be 0: no critical points
    elif not reduced:
        assignments, solved = [{}], True  # ∇f ≡ 0: every point is critical
    elif all(
        e.is_polynomial(*real_vars) and sp.Poly(e, *real_vars).total_degree() <= 1 for e in reduced
    ):
        assignments, solved = linear_solve(reduced, real_vars), True
    else:
        taken = [s.name for s in f.free_symbols]
        started = time.perf_counter()
        status, value = run_with_budget(
            solve_system, (reduced, real_vars, taken, time_budget), time_budget
        )
        if status == "ok":
            assignments, solved = value["solutions"], True
            complete = bool(value["complete"])
            if value["periodic"]:
                notes.append(Reason.of("note_periodic"))
            if "located" in value:
                remaining = max(1.0, time_budget - (time.perf_counter() - started))
                assignments, numeric_coordinates = _exact_forms(
                    value["located"], reduced, real_vars, grad.components, real, remaining
                )
                if numeric_coordinates:
                    notes.append(Reason.of("note_located", count=numeric_coordinates))
                    method = "symbolic+numeric"
        elif status == "timeout":
            notes.append(Reason.of("note_timeout", budget=f"{time_budget:g}"))
        else:
            notes.append(Reason.of("note_failed", why=str(value)))

    found: list[tuple[dict[sp.Symbol, sp.Expr], tuple[sp.Symbol, ...], bool]] = []
    seen: list[dict[sp.Symbol, sp.Expr]] = []
    for assignment in assignments:
        point, family = _to_family(assignment, real_vars)
        if not _is_real_solution(point):
            continue
        point = {back[v]: value.xreplace(from_real) for v, value in point.items()}
        family = tuple(from_real.get(s, s) for s in family)
        if point in seen:
            continue
        seen.append(point)
        found.append((point, family, not any(v.has(sp.Float) for v in point.values())))

    if params:
        notes.append(Reason.of("note_generic", params=tuple(params)))
    can_search = numeric and not params
    if not solved or not complete:
        if can_search:
            search = numeric_search(f, xs, grad.components, h.matrix, seconds=search_budget)
            numeric_points, starts = search.points, search.starts
            symbolic = [p for p, fam, _ in found if not fam]
            families = [(p, fam) for p, fam, _ in found if fam]
            added = 0
            for p in numeric_points:
                if any(_close(p, q) for q in symbolic) or any(
                    _on_family(p, q, fam) for q, fam in families
                ):
                    continue
                exact_point = recognise(p, grad.components)
                found.append((exact_point or p, (), exact_point is not None))
                added += 1
            if solved:
                key = "note_supplement" if added else "note_supplement_none"
                notes.append(Reason.of(key, starts=starts, added=added))
                method = "symbolic+numeric" if added else "symbolic"
            else:
                notes.append(Reason.of("note_numeric", starts=starts, box=SEARCH_BOX))
                method = "numeric"
            if search.cut_short:
                notes.append(
                    Reason.of(
                        "note_search_cut",
                        budget=f"{search_budget:g}",
                        starts=starts,
                        planned=search.planned,
                    )
                )
        elif not solved:
            notes.append(Reason.of("note_incomplete"))
        complete = False

    points: list[CriticalPoint] = []
    for point, family, exact in found:
        classified = _classify(f, xs, h, point, family, exact)
        if len(classified) > 1 and Reason.of("note_parity") not in notes:
            notes.append(Reason.of("note_parity"))
        points.extend(classified)
    points.sort(key=_sort_key)

    if not points:
        status_text = "none"
    elif any(p.family for p in points):
        status_text = "infinite"
    else:
        status_text = "finite"
    checks = [h.verification] + [
        p.classification.verification for p in points if p.classification is not None
    ]
    return CriticalPoints(
        expr=f,
        vars=xs,
        points=tuple(points),
        gradient=grad,
        hessian=h,
        status=status_text,
        complete=complete,
        method=method,
        notes=tuple(notes),
        verification=combine_verifications(checks),
        source=source,
    )


def _exact_forms(
    located: list[dict[sp.Symbol, sp.Float]],
    eqs: list[sp.Expr],
    real_vars: list[sp.Symbol],
    components: Sequence[sp.Expr],
    real: dict[sp.Symbol, sp.Symbol],
    budget: float,
) -> tuple[list[dict[sp.Symbol, sp.Expr]], int]:
    """Exact coordinates for located solutions: from sympy.solve where it has them, else
    recognised by nsimplify and proved by ∇f = 0 exactly; else the 40-digit numbers.
    Returns (assignments, how many stayed numeric)."""
    status, exact = run_with_budget(exact_solutions, (eqs, real_vars), budget)
    candidates = [s for s in exact if set(s) == set(real_vars)] if status == "ok" else []
    back = {r: x for x, r in real.items()}
    out: list[dict[sp.Symbol, sp.Expr]] = []
    numeric_left = 0
    for point in located:
        match = next((c for c in candidates if _close(point, c)), None)
        if match is None:
            plain = {back[v]: value for v, value in point.items()}
            recognised = recognise(plain, components)
            if recognised is not None:
                match = {real[v]: value for v, value in recognised.items()}
        if match is None:
            numeric_left += 1
            match = {v: sp.Float(value, 20) for v, value in point.items()}
        out.append(match)
    return out, numeric_left


def _on_family(
    p: dict[sp.Symbol, sp.Expr], q: dict[sp.Symbol, sp.Expr], family: tuple[sp.Symbol, ...]
) -> bool:
    """Whether the numeric point p lies on the family q (free reals take p's values;
    integer parameters are searched in a small range)."""
    reals = {s: p[s] for s in family if not s.is_integer and s in p}
    integers = [s for s in family if s.is_integer]
    span = range(-60, 61) if len(integers) <= 1 else range(-12, 13)
    for values in itertools.product(span, repeat=len(integers)):
        sub = {**reals, **dict(zip(integers, values, strict=True))}
        candidate = {v: value.xreplace(sub) for v, value in q.items()}
        if _close(p, candidate):
            return True
        if len(integers) > 2:
            break
    return False


def _close(a: dict[sp.Symbol, sp.Expr], b: dict[sp.Symbol, sp.Expr]) -> bool:
    try:
        return all(abs(float(sp.N(to_elementary(a[v] - b[v])))) < 1e-8 for v in a)
    except (TypeError, ValueError, KeyError):
        return False
