"""Benchmark gradient, Hessian (+ classification) and critical points against plain SymPy.

Run:  python bench/bench_multivariate.py   (add --quick for one repetition)

For 2-, 3- and 6-variable functions it times, best of N in the same run:

* gradient: ``symderiv.gradient`` (every partial worked step by step and checked
  numerically) against ``sympy.derive_by_array``;
* Hessian + classification at a critical point: ``symderiv.hessian(...).classify(p)``
  (every second partial worked, mixed partials compared, exact definiteness from the
  characteristic polynomial, eigenvalues, minors, numeric checks) against
  ``sympy.hessian`` + ``subs`` + ``is_positive_definite`` / ``is_negative_definite`` /
  ``is_indefinite``;
* critical points: ``symderiv.critical_points`` (solve over the reals in a worker process,
  classify every point, checks) against ``sympy.solve(derive_by_array(f, vars))``.

The ratio column is symderiv / SymPy. Target (issue #3): the 6-variable quadratic's
Hessian with classification in under 1 s. The x⁵y + ... row shows why critical points do
not trust ``sympy.solve`` alone: it returns 3 of the 9 real critical points.

Numeric search (issue 18): the 8- and 10-variable Rosenbrock functions, which SymPy cannot
solve, so ``critical_points`` searches numerically within a CPU-time budget (5 s). It times,
in CPU seconds of the thread (what the budget counts), the search from all 61 starting
points (``numeric_search``: damped Newton giving up stagnating starts) against the former
solver, ``mpmath.findroot`` (multidimensional Newton) from the same starts and with the
same Jacobian, and says which found the minimum (1, …, 1); then whether ``critical_points``
with its default budgets finds it. One run each (CPU time is steady; the baseline alone
takes about a minute).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import sympy as sp

from symderiv.functions import to_elementary
from symderiv.multivariate import gradient, hessian
from symderiv.multivariate.critical import critical_points
from symderiv.multivariate.critical_search import SEARCH_BOX, numeric_search, starting_points
from symderiv.numeric import NumericError, local_context, numeric_function

X = sp.symbols("x1:7")
x, y, z = sp.symbols("x y z")

QUADRATIC_6 = sum((i + 2) * X[i] ** 2 for i in range(6)) + sum(X[i] * X[i + 1] for i in range(5))

#: (label, function, variables, a critical point)
CASES: list[tuple[str, sp.Expr, tuple[sp.Symbol, ...], dict[sp.Symbol, sp.Expr]]] = [
    ("2-var quadratic x²+3xy+y²", x**2 + 3 * x * y + y**2, (x, y), {x: 0, y: 0}),
    ("2-var Rosenbrock", (1 - x) ** 2 + 100 * (y - x**2) ** 2, (x, y), {x: 1, y: 1}),
    (
        "2-var x·y·e^-(x²+y²)",
        x * y * sp.exp(-(x**2 + y**2)),
        (x, y),
        {x: sp.sqrt(2) / 2, y: sp.sqrt(2) / 2},
    ),
    (
        "2-var x⁵y+y⁵x−5xy+x³y³+x²",
        x**5 * y + y**5 * x - 5 * x * y + x**3 * y**3 + x**2,
        (x, y),
        {x: 0, y: 0},
    ),
    (
        "3-var quadratic",
        x**2 + y**2 + z**2 + x * y - z,
        (x, y, z),
        {x: 0, y: 0, z: sp.Rational(1, 2)},
    ),
    ("3-var x³−3x+y²+z²", x**3 - 3 * x + y**2 + z**2, (x, y, z), {x: 1, y: 0, z: 0}),
    ("6-var quadratic", QUADRATIC_6, X, dict.fromkeys(X, 0)),
]


def best_of(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def sympy_classify(f: sp.Expr, vars: tuple[sp.Symbol, ...], point: dict) -> str:
    h = sp.hessian(f, vars).subs(point)
    if h.is_positive_definite:
        return "minimum"
    if h.is_negative_definite:
        return "maximum"
    if h.is_indefinite:
        return "saddle"
    return "inconclusive"


def row(label: str, ours: float, theirs: float, note: str = "") -> str:
    ratio = ours / theirs if theirs > 0 else float("inf")
    return f"{label:<30} {ours * 1000:>10.1f} {theirs * 1000:>10.1f} {ratio:>8.1f}x  {note}"


def rosenbrock(n: int) -> tuple[sp.Expr, tuple[sp.Symbol, ...]]:
    xs = sp.symbols(f"x1:{n + 1}")
    f = sum(100 * (xs[i + 1] - xs[i] ** 2) ** 2 + (1 - xs[i]) ** 2 for i in range(n - 1))
    return f, xs


def findroot_search(
    components: list[sp.Expr], matrix: sp.MatrixBase, xs: tuple[sp.Symbol, ...]
) -> list[list[float]]:
    """The former search: mpmath.findroot from the same starts (30 digits, same Jacobian)."""
    ctx = local_context()
    grads = [numeric_function(to_elementary(g), xs, ctx=ctx) for g in components]
    n = len(xs)
    jac = [
        [numeric_function(to_elementary(matrix[i, j]), xs, ctx=ctx) for j in range(n)]
        for i in range(n)
    ]
    roots = []
    with ctx.workdps(30):

        def system(*v: object) -> list:
            return [g(*v) for g in grads]

        def jacobian(*v: object) -> list:
            return [[h(*v) for h in row] for row in jac]

        for start in starting_points(n, SEARCH_BOX, 0):
            try:
                root = ctx.findroot(
                    system,
                    [ctx.mpf(s) for s in start],
                    J=jacobian,
                    tol=ctx.mpf(10) ** -50,
                    maxsteps=60,
                )
            except (ValueError, ZeroDivisionError, NumericError, ArithmeticError):
                continue
            if max(abs(v) for v in system(*root)) <= ctx.mpf(10) ** -20:
                roots.append([float(root[i]) for i in range(n)])
    return roots


def has_minimum(roots: list[list[float]]) -> str:
    return "yes" if any(all(abs(v - 1) < 1e-15 for v in r) for r in roots) else "no"


def rosenbrock_rows() -> list[str]:
    rows = []
    for n in (8, 10):
        f, xs = rosenbrock(n)
        h = hessian(f, xs, verify=False)
        components = list(h.gradient.components)

        start = time.thread_time()
        found = numeric_search(f, xs, components, h.matrix, seconds=None)
        ours = time.thread_time() - start
        ours_roots = [[float(v) for v in p.values()] for p in found.points]

        start = time.thread_time()
        theirs_roots = findroot_search(components, h.matrix, xs)
        theirs = time.thread_time() - start

        start = time.thread_time()
        cps = critical_points(f, xs, time_budget=1)  # SymPy cannot solve it: wait 1 s only
        budget_time = time.thread_time() - start
        exact_min = any(
            p.kind == "minimum" and p.exact and all(v == 1 for v in p.point.values()) for p in cps
        )
        note = (
            f"(1,…,1): ours {has_minimum(ours_roots)}, findroot {has_minimum(theirs_roots)}; "
            f"critical_points (default budgets) {'finds' if exact_min else 'MISSES'} it "
            f"in {budget_time:.1f} CPU-s"
        )
        rows.append(row(f"{n}-var Rosenbrock, 61 starts", ours, theirs, note))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repetition per timing")
    args = parser.parse_args()
    repeat = 1 if args.quick else 3

    gradient("x^2")  # load the rule book once
    header = f"{'case':<30} {'symderiv ms':>10} {'sympy ms':>10} {'ratio':>9}  note"
    sections: list[tuple[str, list[str]]] = [
        ("gradient", []),
        ("Hessian + classification", []),
        ("critical points", []),
    ]
    six_var_hessian = 0.0
    for label, f, vars, point in CASES:
        g_ours = best_of(repeat, lambda f=f, vars=vars: gradient(f, vars))
        g_sympy = best_of(repeat, lambda f=f, vars=vars: sp.derive_by_array(f, vars))
        sections[0][1].append(row(label, g_ours, g_sympy, f"{len(vars)} partials with steps"))

        kind = ""

        def ours_hessian(f: sp.Expr = f, vars: tuple = vars, point: dict = point) -> None:
            nonlocal kind
            kind = hessian(f, vars).classify(point).kind

        h_ours = best_of(repeat, ours_hessian)
        theirs_kind = sympy_classify(f, vars, point)
        h_sympy = best_of(
            repeat, lambda f=f, vars=vars, point=point: sympy_classify(f, vars, point)
        )
        sections[1][1].append(row(label, h_ours, h_sympy, f"{kind} (SymPy: {theirs_kind})"))
        if label.startswith("6-var"):
            six_var_hessian = h_ours

        count = 0

        def ours_critical(f: sp.Expr = f, vars: tuple = vars) -> None:
            nonlocal count
            count = len(critical_points(f, vars))

        c_ours = best_of(repeat, ours_critical)
        solved: list = []

        def sympy_critical(f: sp.Expr = f, vars: tuple = vars, solved: list = solved) -> None:
            solved[:] = sp.solve(list(sp.derive_by_array(f, vars)), vars, dict=True)

        c_sympy = best_of(repeat, sympy_critical)
        real = sum(all(v.is_real for v in s.values()) for s in solved)
        sections[2][1].append(
            row(
                label,
                c_ours,
                c_sympy,
                f"{count} points (SymPy: {real} real of {len(solved)}, unclassified)",
            )
        )

    for title, rows in sections:
        print(f"\n{title}")
        print(header)
        print("-" * len(header))
        print("\n".join(rows))
    search_header = f"{'case':<30} {'ours CPU ms':>10} {'findroot':>10} {'ratio':>9}  note"
    print("\nnumeric search (CPU time of the thread)")
    print(search_header)
    print("-" * len(search_header))
    print("\n".join(rosenbrock_rows()))
    verdict = "PASS" if six_var_hessian < 1.0 else "FAIL"
    print(
        f"\n6-variable quadratic: Hessian + classification in {six_var_hessian:.3f} s "
        f"(target < 1 s): {verdict}"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
