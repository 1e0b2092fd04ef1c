"""Solving ∇f = 0 exactly over the reals (run in a child process under a time budget).

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
numeric search (Newton's method with the exact Hessian as Jacobian, from a grid or
seeded random starts in ``[-box, box]`` per variable) finds points, which are marked
numeric (``exact=False``) unless their coordinates are recognised (``nsimplify``) and the
gradient there is then shown to be exactly 0.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import sys
from collections.abc import Callable, Sequence
from typing import Any

import mpmath
import sympy as sp
from mpmath import mpf

from symderiv.budget import Budget
from symderiv.engine import as_expression
from symderiv.multivariate.signs import sign_of
from symderiv.multivariate.variables import clean

PERIODIC = (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc)
INTEGER_NAMES = ("n", "m", "k", "j", "l", "p", "q", "r")


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
    free) and may hold integer symbols (periodic families). Gives up (:class:`_OutOfTime`)
    after ``seconds`` of CPU time of the calling thread (a :class:`Budget`, so a busy
    machine does not change the outcome; the parent's wall-clock kill stays the safety net).
    """
    budget = Budget(seconds)
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
        if budget.exhausted():
            raise _OutOfTime(budget.cut("the case split"))
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


def solve_system(
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


def exact_solutions(eqs: list[sp.Expr], vars: list[sp.Symbol]) -> list[dict]:
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


def reduced_equations(eqs: Sequence[sp.Expr], vars: Sequence[sp.Symbol]) -> list[sp.Expr] | None:
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


def linear_solve(eqs: list[sp.Expr], vars: list[sp.Symbol]) -> list[dict[sp.Symbol, sp.Expr]]:
    solutions = sp.linsolve(eqs, vars)
    out = []
    for values in solutions:
        assignment = {v: value for v, value in zip(vars, values, strict=True) if value != v}
        out.append(assignment)
    return out
