"""The numeric search for critical points, when exact solving fails or runs out of time.

Newton's method at 30 digits with the exact Hessian as Jacobian (``mpmath.findroot`` in one
variable; in several, a damped Newton that gives up stagnating starts early), from a grid or
seeded random starts in ``[-box, box]`` per variable, within a CPU-time budget, finds
points, which are marked numeric (``exact=False``) unless their coordinates are recognised
(``nsimplify``) and the gradient there is then shown to be exactly 0. It computes in the
calling thread's own mpmath context, so searches in several threads do not disturb each
other.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy as sp
from mpmath import mpf
from mpmath.ctx_mp import MPContext

from symderiv.budget import Budget
from symderiv.engine import as_expression
from symderiv.functions import to_elementary
from symderiv.multivariate.signs import sign_of
from symderiv.multivariate.variables import clean
from symderiv.numeric import NumericError, evaluate, local_context, numeric_function

#: CPU seconds (of the calling thread) the numeric search may take.
NUMERIC_BUDGET = 5.0
#: Newton steps from one start, and halvings of one step before the start is given up.
NEWTON_STEPS = 60
MAX_HALVINGS = 20
#: Half-width of the box the numeric search starts from.
SEARCH_BOX = 3


# --------------------------------------------------------------------------- numeric search


def starting_points(n: int, box: float, seed: int) -> list[list[float]]:
    """Where Newton's method starts: a grid for one or two variables, else a point near 0
    and 60 seeded random points in ``[-box, box]`` per variable."""
    if n == 1:
        return [[box * (k / 12 - 0.5) * 2 + 0.013] for k in range(13)]
    if n == 2:
        grid = [box * (k / 6 - 0.5) * 2 + 0.011 for k in range(7)]
        return [[a, b] for a in grid for b in grid]
    rng = random.Random(seed)
    starts = [[0.01 * (i + 1) for i in range(n)]]
    starts += [[rng.uniform(-box, box) for _ in range(n)] for _ in range(60)]
    return starts


@dataclass(frozen=True)
class SearchResult:
    """What the numeric search found: ``points``, after ``starts`` of ``planned`` starting
    points; ``cut_short`` says when the CPU-time budget stopped it ("" otherwise)."""

    points: list[dict[sp.Symbol, sp.Expr]]
    starts: int
    planned: int
    cut_short: str = ""


def numeric_search(
    f: sp.Expr,
    vars: Sequence[sp.Symbol],
    components: Sequence[sp.Expr],
    hessian_matrix: sp.MatrixBase,
    *,
    box: float = SEARCH_BOX,
    seconds: float | None = NUMERIC_BUDGET,
    seed: int = 0,
) -> SearchResult:
    """Roots of the gradient found by Newton's method (30 digits) from several starting
    points, within ``seconds`` of CPU time of this thread (:class:`Budget`, so the
    same input finds the same points on a busy machine). Computes in this thread's own
    mpmath context, so searches in several threads do not disturb each other."""
    vars = tuple(vars)
    n = len(vars)
    starts = starting_points(n, box, seed)
    ctx = local_context()
    try:
        grads = [numeric_function(to_elementary(g), vars, ctx=ctx) for g in components]
        entries = [[to_elementary(hessian_matrix[i, j]) for j in range(n)] for i in range(n)]
        jac = [[numeric_function(e, vars, ctx=ctx) for e in row] for row in entries]
    except NumericError:
        return SearchResult([], 0, len(starts))
    # the Jacobian is symmetric (a Hessian) unless mixed partials differ; constant entries
    # (the zeros of a sparse Hessian) are evaluated once
    symmetric = hessian_matrix.is_symmetric()
    budget = Budget(seconds)
    found: list[list[mpf]] = []
    used = 0
    with ctx.workdps(30):
        tol = ctx.mpf(10) ** -50
        try:
            fixed = [
                [None if e.free_symbols else evaluate(e, {}, ctx=ctx) for e in row]
                for i, row in enumerate(entries)
            ]
        except NumericError:
            return SearchResult([], 0, len(starts))

        def system(*xs: mpf) -> list[mpf]:
            return [g(*xs) for g in grads]

        def jacobian(*xs: mpf) -> list[list[mpf]]:
            out = [list(row) for row in fixed]
            for i in range(n):
                for j in range(i if symmetric else 0, n):
                    if out[i][j] is None:
                        out[i][j] = jac[i][j](*xs)
                if symmetric:
                    for j in range(i):
                        out[i][j] = out[j][i]
            return out

        for start in starts:
            if budget.exhausted():
                budget.cut("the numeric search", f"after {used} of {len(starts)} starting points")
                break
            used += 1
            try:
                if n == 1:
                    root = [ctx.findroot(grads[0], ctx.mpf(start[0]), tol=tol, maxsteps=60)]
                else:
                    root = _newton(ctx, system, jacobian, [ctx.mpf(s) for s in start])
            except (ValueError, ZeroDivisionError, NumericError, TypeError, ArithmeticError):
                continue
            if any(abs(r) > 10 * box for r in root):
                continue
            try:
                residual = max(abs(v) for v in system(*root))
            except (NumericError, ValueError, ZeroDivisionError):
                continue
            if residual > ctx.mpf(10) ** -20:
                continue
            if any(
                max(abs(a - b) for a, b in zip(root, old, strict=True)) < ctx.mpf(10) ** -10
                for old in found
            ):
                continue
            found.append(root)
    points = []
    for root in found:
        points.append({v: sp.Float(ctx.nstr(r, 20), 20) for v, r in zip(vars, root, strict=True)})
    return SearchResult(points, used, len(starts), budget.cut_short)


def _newton(
    ctx: MPContext,
    system: Callable[..., list[mpf]],
    jacobian: Callable[..., list[list[mpf]]],
    start: list[mpf],
) -> list[mpf]:
    """Damped Newton's method for ``system = 0`` from ``start`` (at most ``NEWTON_STEPS``
    steps); returns the last point, which the caller checks by its residual.

    Like ``mpmath.findroot``'s multidimensional Newton, a step is halved until the system
    shrinks, but measured by its sum of squares (the Newton step is always a descent
    direction for it; findroot's largest component made steps crawl along curved valleys
    such as Rosenbrock's), and a start is given up after ``MAX_HALVINGS`` halvings
    (findroot halves until the step vanishes, about 100 times at 30 digits, which made
    failing starts cost most of the search).
    """
    x = list(start)
    fx = system(*x)
    size = sum(v * v for v in fx)
    for _ in range(NEWTON_STEPS):
        if not size:
            break
        step = _solve_linear(ctx, jacobian(*x), [-v for v in fx])
        scale = ctx.one
        for _ in range(MAX_HALVINGS):
            moved = [a + scale * d for a, d in zip(x, step, strict=True)]
            if moved == x:
                return x  # the step no longer changes the point: converged
            f_moved = system(*moved)
            moved_size = sum(v * v for v in f_moved)
            if moved_size < size:
                x, fx, size = moved, f_moved, moved_size
                break
            scale /= 2
        else:
            return x  # stagnated
    return x


def _solve_linear(ctx: MPContext, a: list[list[mpf]], b: list[mpf]) -> list[mpf]:
    """x with a·x = b: Gaussian elimination with scaled partial pivoting and 10 guard bits,
    as ``mpmath.lu_solve`` but on plain lists, skipping zero multipliers (its matrix
    indexing was half the search's time). Raises ZeroDivisionError for a numerically
    singular matrix, as it does."""
    n = len(b)
    with ctx.extraprec(10):
        rows = [[*row, value] for row, value in zip(a, b, strict=True)]
        tol = max(sum(abs(rows[i][j]) for i in range(n)) for j in range(n)) * ctx.eps
        for j in range(n):
            best, pivot = ctx.zero, j
            for k in range(j, n):
                total = sum(abs(v) for v in rows[k][j:n])
                if total <= tol:
                    raise ZeroDivisionError("matrix is numerically singular")
                current = abs(rows[k][j]) / total
                if current > best:
                    best, pivot = current, k
            rows[j], rows[pivot] = rows[pivot], rows[j]
            head = rows[j]
            if abs(head[j]) <= tol:
                raise ZeroDivisionError("matrix is numerically singular")
            for row in rows[j + 1 :]:
                factor = row[j] / head[j]
                if factor:
                    for k in range(j + 1, n + 1):
                        row[k] -= factor * head[k]
        x = [ctx.zero] * n
        for i in reversed(range(n)):
            rest = sum(rows[i][k] * x[k] for k in range(i + 1, n))
            x[i] = (rows[i][n] - rest) / rows[i][i]
    return [+v for v in x]


def recognise(
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
