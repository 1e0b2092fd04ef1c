"""Critical points: solve ∇f = 0 over the reals, classify each point, say what is missing.

How the equations are solved
----------------------------
The gradient comes from :func:`symderiv.multivariate.gradient` (worked steps). Its
components are rewritten with real symbols (``Symbol(name, real=True)``) so that complex
solutions are never reported, and factors that cannot vanish (``exp(...)``, ``x² + 1``,
non-zero constants) are divided out. Then:

* linear equations: ``sympy.linsolve`` (complete; may leave a family of solutions);
* equations with ``sin``/``cos``/``tan``/... of the variables (periodic): a case split. An
  equation is factored; each factor in one variable is solved with ``sympy.solveset`` over
  the reals, which returns *every* solution as families with an integer parameter
  (``π/2 + nπ``); the value is substituted into the other equations and the split goes on.
  Families are never cut down to one period (``sympy.solve`` would);
* polynomial equations with finitely many solutions: elimination. A lex Gröbner basis,
  the exact real roots of its univariate polynomial (square-free part, real-root
  isolation) and back substitution at 60 digits locate *every* real solution, so the
  list is complete. ``sympy.solve`` is asked afterwards only for closed forms: on its
  own it silently drops roots of high-degree factors (``x⁵y + y⁵x − 5xy + x³y³ + x²``
  has 9 real critical points; ``solve`` returns 3). Points without a closed form are
  kept as 20-digit numbers and marked numeric;
* polynomial equations with infinitely many solutions: ``sympy.solve`` (complete when
  all equations are multiples of one polynomial that is linear in some variable);
* other equations: ``sympy.solve``, supplemented by a numeric search, and the result is
  marked incomplete.

Symbolic solving runs in a separate process (``multiprocessing``, forked where the platform
allows) and is abandoned after ``time_budget`` seconds. Then -- or when SymPy gives up -- a
numeric search (``mpmath.findroot`` with the exact Hessian as Jacobian, from a grid or
seeded random starts in ``[-box, box]`` per variable) finds points, which are marked
numeric (``exact=False``) unless their coordinates are recognised (``nsimplify``) and the
gradient there is then shown to be exactly 0.

Infinite sets are reported as families: ``family`` lists the free symbols -- integers for
periodic families, real variables for curves and surfaces of critical points such as
``y = x`` for ``(x − y)²``. A family whose kind depends on the parity of its integer
parameters is split into even and odd cases.

>>> cps = critical_points("x^3 - 3x + y^2")
>>> [(p.point, p.kind) for p in cps]
[({x: -1, y: 0}, 'saddle'), ({x: 1, y: 0}, 'minimum')]
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

import mpmath
import sympy as sp
from mpmath import mpf

from symderiv.engine import as_expression
from symderiv.functions import to_elementary
from symderiv.multivariate import (
    Classification,
    Gradient,
    Hessian,
    Printable,
    Reason,
    _scalar,
    classify_at,
    clean,
    combine_verifications,
    hessian,
    natural_key,
    resolve_variables,
    sign_of,
)
from symderiv.numeric import NumericError, numeric_function
from symderiv.steps import Verification

__all__ = ["CriticalPoint", "CriticalPoints", "critical_points", "run_with_budget"]

#: Seconds SymPy may spend solving ∇f = 0 before the numeric search takes over.
DEFAULT_TIME_BUDGET = 10.0
#: Seconds the numeric search may take.
NUMERIC_BUDGET = 5.0
#: Half-width of the box the numeric search starts from.
SEARCH_BOX = 3
PERIODIC = (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc)
INTEGER_NAMES = ("n", "m", "k", "j", "l", "p", "q", "r")


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


# --------------------------------------------------------------------------- worker


def _worker(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        conn.send(("ok", fn(*args)))
    except Exception as exc:  # reported to the parent, which decides
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_with_budget(
    fn: Callable[..., Any], args: tuple[Any, ...], seconds: float
) -> tuple[str, Any]:
    """Run ``fn(*args)`` in a child process; ("ok", value), ("error", why) or
    ("timeout", None) when it has not answered after ``seconds`` (the child is ended)."""
    for stream in (sys.stdout, sys.stderr):  # a forked child must not repeat their buffers
        with contextlib.suppress(Exception):
            stream.flush()
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_worker, args=(sender, fn, args), daemon=True)
    process.start()
    sender.close()
    try:
        if receiver.poll(seconds):
            try:
                status, value = receiver.recv()
            except EOFError:
                status, value = "error", "the solver process ended unexpectedly"
        else:
            status, value = "timeout", None
    finally:
        if process.is_alive():
            process.terminate()
        process.join(2)
        if process.is_alive():
            process.kill()
            process.join()
        receiver.close()
    return status, value


# --------------------------------------------------------------------------- solving


class _OutOfTime(Exception):
    pass


def vanishing_factors(expr: sp.Expr, vars: Sequence[sp.Symbol]) -> list[sp.Expr] | None:
    """Factors of the numerator of ``expr`` that can be 0 (expr = 0 iff one of them is);
    None when ``expr`` is identically 0."""
    expr = as_expression(expr)
    if expr == 0:
        return None
    numerator, _ = sp.fraction(sp.together(expr))
    try:
        factored = sp.factor(numerator)
    except (sp.PolynomialError, NotImplementedError, TypeError):
        factored = numerator
    if factored == 0:
        return None
    out: list[sp.Expr] = []
    for factor in sp.Mul.make_args(factored):
        base = factor
        if isinstance(factor, sp.Pow) and factor.exp.is_positive:
            base = factor.base
        if not base.free_symbols & set(vars):
            continue  # a constant factor (parameters taken as generic, non-zero)
        if base.is_zero is False or (isinstance(base, sp.Pow) and base.exp.is_negative):
            continue
        if base not in out:
            out.append(base)
    return out


def is_periodic(eqs: Sequence[sp.Expr], vars: Sequence[sp.Symbol]) -> bool:
    return any(
        isinstance(node, PERIODIC) and node.free_symbols & set(vars)
        for e in eqs
        for node in sp.preorder_traversal(e)
    )


def _linear_offsets(values: list[sp.Expr], n: sp.Symbol) -> list[sp.Expr]:
    """Merge families a + p·n with the same period and equally spaced offsets:
    {π/2 + 2nπ, 3π/2 + 2nπ} → {π/2 + nπ}."""
    linear: dict[sp.Expr, list[sp.Expr]] = {}
    rest: list[sp.Expr] = []
    for v in values:
        poly = sp.Poly(v, n) if v.has(n) and v.is_polynomial(n) else None
        if poly is None or poly.degree() != 1 or not poly.coeffs()[0].is_number:
            rest.append(v)
            continue
        period, offset = poly.all_coeffs()
        linear.setdefault(sp.Abs(period), []).append(offset)
    merged: list[sp.Expr] = []
    for period, offsets in linear.items():
        offsets = sorted(set(offsets), key=lambda a: float(a))
        k = len(offsets)
        step = period / k
        if k > 1 and all(sp.simplify(b - a - step) == 0 for a, b in itertools.pairwise(offsets)):
            merged.append(offsets[0] + step * n)
        else:
            merged.extend(o + period * n for o in offsets)
    return merged + rest


def _set_values(solution_set: sp.Set, n: sp.Symbol) -> tuple[list[sp.Expr], bool]:
    """The elements of a solveset answer as expressions (families in the integer n)."""
    if solution_set is sp.S.EmptySet:
        return [], True
    if isinstance(solution_set, sp.FiniteSet):
        return [v for v in solution_set if v.is_real is not False], True
    if isinstance(solution_set, sp.ImageSet):
        if solution_set.base_set != sp.S.Integers or len(solution_set.lamda.variables) != 1:
            return [], False
        (dummy,) = solution_set.lamda.variables
        return [solution_set.lamda.expr.xreplace({dummy: n})], True
    if isinstance(solution_set, sp.Union):
        values: list[sp.Expr] = []
        complete = True
        for part in solution_set.args:
            more, ok = _set_values(part, n)
            values.extend(more)
            complete = complete and ok
        return _linear_offsets(values, n), complete
    if isinstance(solution_set, sp.Intersection | sp.Complement):
        finite = [a for a in solution_set.args if isinstance(a, sp.FiniteSet)]
        if finite and isinstance(solution_set, sp.Intersection):
            return [v for v in finite[0] if v.is_real], True
    return [], False


def _fresh_integer(used: Sequence[str]) -> sp.Symbol:
    for name in INTEGER_NAMES:
        if name not in used:
            return sp.Symbol(name, integer=True)
    index = 1
    while f"n{index}" in used:
        index += 1
    return sp.Symbol(f"n{index}", integer=True)


def _simplify_equation(e: sp.Expr) -> sp.Expr:
    e = as_expression(e)
    if e.is_number:
        return clean(e)
    try:
        return sp.simplify(e) if sp.count_ops(e) <= 150 else e
    except (TypeError, ValueError, NotImplementedError):
        return e


def split_solve(
    eqs: Sequence[sp.Expr], vars: Sequence[sp.Symbol], taken: Sequence[str], seconds: float
) -> tuple[list[dict[sp.Symbol, sp.Expr]], bool]:
    """All real solutions of ``eqs`` = 0 by factoring and solving one variable at a time.

    Returns (assignments, complete). An assignment may leave variables out (they are
    free) and may hold integer symbols (periodic families).
    """
    deadline = time.perf_counter() + seconds
    vars = list(vars)
    results: list[dict[sp.Symbol, sp.Expr]] = []
    complete = True

    def assign(assigned: dict[sp.Symbol, sp.Expr], more: dict[sp.Symbol, sp.Expr]) -> dict:
        updated = {k: v.subs(more) for k, v in assigned.items()}
        updated.update(more)
        return updated

    def recurse(
        current_eqs: list[sp.Expr], assigned: dict[sp.Symbol, sp.Expr], used: list[str]
    ) -> None:
        nonlocal complete
        if time.perf_counter() > deadline:
            raise _OutOfTime
        remaining: list[sp.Expr] = []
        for e in current_eqs:
            e2 = _simplify_equation(e.subs(assigned)) if assigned else e
            if e2 == 0:
                continue
            if e2.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
                return
            if not e2.free_symbols & set(vars) and sign_of(e2) not in (0, None):
                return
            remaining.append(e2)
        free = [v for v in vars if v not in assigned]
        if not remaining:
            results.append(assigned)
            return
        best: list[sp.Expr] | None = None
        for e in remaining:
            factors = vanishing_factors(e, free)
            if factors is None:
                continue
            if not factors:
                return  # this equation can never hold
            if all(len(f.free_symbols & set(free)) == 1 for f in factors) and (
                best is None or len(factors) < len(best)
            ):
                best = factors
        if best is None:
            try:
                solutions = sp.solve(remaining, free, dict=True)
            except NotImplementedError:
                complete = False
                return
            complete = False  # sympy.solve does not promise every solution
            for solution in solutions:
                recurse(remaining, assign(assigned, solution), used)
            return
        for factor in best:
            (v,) = factor.free_symbols & set(free)
            n = _fresh_integer(used)
            try:
                values, ok = _set_values(sp.solveset(factor, v, sp.S.Reals), n)
            except NotImplementedError:
                values, ok = [], False
            complete = complete and ok
            for value in values:
                recurse(
                    remaining,
                    assign(assigned, {v: value}),
                    [*used, n.name] if value.has(n) else used,
                )

    recurse(list(eqs), {}, list(taken))
    return results, complete


def _solve_system(
    eqs: list[sp.Expr], vars: list[sp.Symbol], taken: list[str], seconds: float
) -> dict[str, Any]:
    """The symbolic solve, run in the worker process.

    Polynomial systems with finitely many solutions are solved by elimination: a lex
    Gröbner basis, exact real roots of its univariate polynomial, then back substitution
    (numeric, 60 digits), which finds *every* real solution; ``sympy.solve`` alone can
    silently drop roots of high-degree factors. Exact forms are looked up afterwards.
    """
    if is_periodic(eqs, vars):
        solutions, complete = split_solve(eqs, vars, taken, seconds)
        return {"solutions": solutions, "complete": complete, "periodic": True}
    if all(e.is_polynomial(*vars) for e in eqs):
        basis = sp.groebner(eqs, *vars, order="lex")
        if list(basis.exprs) == [1]:
            return {"solutions": [], "complete": True, "periodic": False}
        if basis.is_zero_dimensional:
            located = real_solutions(list(basis.exprs), vars)
            if located is not None:
                return {"solutions": [], "located": located, "complete": True, "periodic": False}
        solutions = sp.solve(eqs, vars, dict=True)
        return {"solutions": solutions, "complete": _one_linear_curve(eqs, vars), "periodic": False}
    solutions = sp.solve(eqs, vars, dict=True)
    return {"solutions": solutions, "complete": False, "periodic": False}


def _exact_solutions(eqs: list[sp.Expr], vars: list[sp.Symbol]) -> list[dict]:
    return sp.solve(eqs, vars, dict=True)


def _one_linear_curve(eqs: Sequence[sp.Expr], vars: Sequence[sp.Symbol]) -> bool:
    """True when all equations are multiples of one g that is linear, with a constant
    coefficient, in some variable: then sympy's answer v = ... is the whole set."""
    first = sp.expand(eqs[0])
    for e in eqs[1:]:
        ratio = sp.cancel(sp.expand(e) / first)
        if not ratio.is_number or ratio == 0:
            return False
    for v in vars:
        poly = sp.Poly(first, v)
        if poly.degree() == 1 and poly.LC().is_number:
            return True
    return False


_DIGITS = 60


def _poly_roots(coefficients: list[mpf]) -> list[mpf]:
    """Real roots of a polynomial with mpf coefficients (leading first), deduplicated."""
    while coefficients and abs(coefficients[0]) < mpf(10) ** -(_DIGITS - 15):
        coefficients = coefficients[1:]
    if len(coefficients) <= 1:
        return []
    roots = mpmath.polyroots(coefficients, maxsteps=400, extraprec=4 * _DIGITS)
    real: list[mpf] = []
    for r in roots:
        r = mpmath.mpc(r)
        if abs(r.imag) > mpf(10) ** -20 * max(1, abs(r.real)):
            continue
        if all(abs(r.real - q) > mpf(10) ** -18 * max(1, abs(q)) for q in real):
            real.append(r.real)
    return real


def real_solutions(
    basis: list[sp.Expr], vars: Sequence[sp.Symbol]
) -> list[dict[sp.Symbol, sp.Float]] | None:
    """Every real solution of a zero-dimensional system from its lex Gröbner basis.

    The last variable's values are the exact real roots of the basis's univariate
    polynomial (square-free part, real-root isolation); each earlier variable is a common
    root of the basis polynomials led by it, after substituting the later values (60
    digits). None when the basis is not triangular as expected.
    """
    vars = list(vars)
    n = len(vars)
    levels: list[list[sp.Expr]] = [[] for _ in range(n)]
    for g in basis:
        present = [i for i, v in enumerate(vars) if g.has(v)]
        if not present:
            return None
        levels[min(present)].append(g)
    if not levels[-1]:
        return None
    last = sp.Poly(sp.sqf_part(levels[-1][0]), vars[-1])
    partial: list[dict[sp.Symbol, mpf]] = []
    with mpmath.workdps(_DIGITS):
        for root in last.real_roots():
            partial.append({vars[-1]: mpf(str(sp.N(root, _DIGITS + 10)))})
        for k in range(n - 2, -1, -1):
            extended: list[dict[sp.Symbol, mpf]] = []
            for sol in partial:
                values = {v: sp.Float(str(x), _DIGITS) for v, x in sol.items()}
                polys = []
                for g in levels[k]:
                    poly = sp.Poly(sp.expand(g.xreplace(values)), vars[k])
                    coeffs = [mpf(str(c)) for c in poly.all_coeffs()]
                    scale = max((abs(c) for c in coeffs), default=mpf(0))
                    if scale > mpf(10) ** -(_DIGITS - 20):
                        polys.append(coeffs)
                if not polys:
                    return None  # the variable would be free: not zero-dimensional
                polys.sort(key=len)
                for r in _poly_roots(polys[0]):
                    if all(
                        abs(mpmath.polyval(q, r))
                        <= mpf(10) ** -25
                        * max(1, max(abs(c) for c in q))
                        * max(1, abs(r)) ** (len(q) - 1)
                        for q in polys[1:]
                    ):
                        extended.append({**sol, vars[k]: r})
            partial = extended
    return [{v: sp.Float(mpmath.nstr(x, 40), 40) for v, x in sol.items()} for sol in partial]


def _reduced_equations(eqs: Sequence[sp.Expr], vars: Sequence[sp.Symbol]) -> list[sp.Expr] | None:
    """The gradient equations with non-vanishing factors divided out; None if one of them
    can never be 0 (no critical points)."""
    out: list[sp.Expr] = []
    for e in eqs:
        factors = vanishing_factors(e, vars)
        if factors is None:
            continue
        if not factors:
            return None
        out.append(sp.Mul(*factors))
    return out


def _linear_solve(eqs: list[sp.Expr], vars: list[sp.Symbol]) -> list[dict[sp.Symbol, sp.Expr]]:
    solutions = sp.linsolve(eqs, vars)
    out = []
    for values in solutions:
        assignment = {v: value for v, value in zip(vars, values, strict=True) if value != v}
        out.append(assignment)
    return out


# --------------------------------------------------------------------------- numeric search


def _starts(n: int, box: float, seed: int) -> list[list[float]]:
    if n == 1:
        return [[box * (k / 12 - 0.5) * 2 + 0.013] for k in range(13)]
    if n == 2:
        grid = [box * (k / 6 - 0.5) * 2 + 0.011 for k in range(7)]
        return [[a, b] for a in grid for b in grid]
    rng = random.Random(seed)
    starts = [[0.01 * (i + 1) for i in range(n)]]
    starts += [[rng.uniform(-box, box) for _ in range(n)] for _ in range(60)]
    return starts


def numeric_search(
    f: sp.Expr,
    vars: Sequence[sp.Symbol],
    components: Sequence[sp.Expr],
    hessian_matrix: sp.MatrixBase,
    *,
    box: float = SEARCH_BOX,
    seconds: float = NUMERIC_BUDGET,
    seed: int = 0,
) -> tuple[list[dict[sp.Symbol, sp.Expr]], int]:
    """Roots of the gradient found by Newton's method (mpmath.findroot, 30 digits) from
    several starting points; returns (points, number of starts used)."""
    vars = tuple(vars)
    n = len(vars)
    try:
        grads = [numeric_function(to_elementary(g), vars) for g in components]
        jac = [
            [numeric_function(to_elementary(hessian_matrix[i, j]), vars) for j in range(n)]
            for i in range(n)
        ]
    except NumericError:
        return [], 0
    deadline = time.perf_counter() + seconds
    found: list[list[mpf]] = []
    used = 0
    with mpmath.workdps(30):

        def system(*xs: mpf) -> list[mpf]:
            return [g(*xs) for g in grads]

        def jacobian(*xs: mpf) -> list[list[mpf]]:
            return [[h(*xs) for h in row] for row in jac]

        for start in _starts(n, box, seed):
            if time.perf_counter() > deadline:
                break
            used += 1
            try:
                if n == 1:
                    root = [
                        mpmath.findroot(grads[0], mpf(start[0]), tol=mpf(10) ** -50, maxsteps=60)
                    ]
                else:
                    result = mpmath.findroot(
                        system, [mpf(s) for s in start], J=jacobian, tol=mpf(10) ** -50, maxsteps=60
                    )
                    root = [result[i] for i in range(n)]
            except (ValueError, ZeroDivisionError, NumericError, TypeError, ArithmeticError):
                continue
            if any(abs(r) > 10 * box for r in root):
                continue
            try:
                residual = max(abs(v) for v in system(*root))
            except (NumericError, ValueError, ZeroDivisionError):
                continue
            if residual > mpf(10) ** -20:
                continue
            if any(
                max(abs(a - b) for a, b in zip(root, old, strict=True)) < mpf(10) ** -10
                for old in found
            ):
                continue
            found.append(root)
    points = []
    for root in found:
        points.append(
            {v: sp.Float(mpmath.nstr(r, 20), 20) for v, r in zip(vars, root, strict=True)}
        )
    return points, used


def _recognise(
    point: dict[sp.Symbol, sp.Expr], components: Sequence[sp.Expr]
) -> dict[sp.Symbol, sp.Expr] | None:
    """Exact coordinates for a numeric point, if nsimplify finds some that make the
    gradient exactly 0."""
    exact = {}
    for v, value in point.items():
        try:
            guess = sp.nsimplify(value, [sp.pi, sp.E], tolerance=1e-15, rational=False)
        except (TypeError, ValueError):
            return None
        if guess.has(sp.Float) or sp.count_ops(guess) > 20:
            return None
        exact[v] = guess
    for g in components:
        if sign_of(clean(as_expression(g).subs(exact))) != 0:
            return None
    return exact


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
    numeric: bool = True,
    detail: str = "normal",
    verify: bool = True,
) -> CriticalPoints:
    """Solve ∇f = 0 over the reals and classify every critical point.

    ``vars`` defaults to the free symbols in natural order; other symbols are parameters
    (taken generic: non-zero where that matters). SymPy gets ``time_budget`` seconds in a
    child process; then (or when it fails) a numeric search takes over if ``numeric``.
    See the module docstring for how infinite and periodic sets are reported.
    """
    source, f = _scalar(expr)
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

    reduced = _reduced_equations(eqs, real_vars)
    solved = False
    if reduced is None:
        solved = True  # an equation can never be 0: no critical points
    elif not reduced:
        assignments, solved = [{}], True  # ∇f ≡ 0: every point is critical
    elif all(
        e.is_polynomial(*real_vars) and sp.Poly(e, *real_vars).total_degree() <= 1 for e in reduced
    ):
        assignments, solved = _linear_solve(reduced, real_vars), True
    else:
        taken = [s.name for s in f.free_symbols]
        started = time.perf_counter()
        status, value = run_with_budget(
            _solve_system, (reduced, real_vars, taken, time_budget), time_budget
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
            numeric_points, starts = numeric_search(f, xs, grad.components, h.matrix)
            symbolic = [p for p, fam, _ in found if not fam]
            families = [(p, fam) for p, fam, _ in found if fam]
            added = 0
            for p in numeric_points:
                if any(_close(p, q) for q in symbolic) or any(
                    _on_family(p, q, fam) for q, fam in families
                ):
                    continue
                exact_point = _recognise(p, grad.components)
                found.append((exact_point or p, (), exact_point is not None))
                added += 1
            if solved:
                key = "note_supplement" if added else "note_supplement_none"
                notes.append(Reason.of(key, starts=starts, added=added))
                method = "symbolic+numeric" if added else "symbolic"
            else:
                notes.append(Reason.of("note_numeric", starts=starts, box=SEARCH_BOX))
                method = "numeric"
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
    status, exact = run_with_budget(_exact_solutions, (eqs, real_vars), budget)
    candidates = [s for s in exact if set(s) == set(real_vars)] if status == "ok" else []
    back = {r: x for x, r in real.items()}
    out: list[dict[sp.Symbol, sp.Expr]] = []
    numeric_left = 0
    for point in located:
        match = next((c for c in candidates if _close(point, c)), None)
        if match is None:
            plain = {back[v]: value for v, value in point.items()}
            recognised = _recognise(plain, components)
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
