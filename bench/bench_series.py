"""Benchmark Taylor mode (symderiv.series) against sympy.series in the same run.

Run:  python bench/bench_series.py            (about 3 minutes: SymPy baselines included)
      python bench/bench_series.py --quick    (seconds: our times only)

For each case it prints our time to get the exact coefficients c_0..c_n (best of three
runs, each with a cold SymPy cache, SymPy expressions included), the time of
``sympy.series(f, x, a, n + 1)`` run in a separate process that is killed after
``--timeout`` seconds (">40 s" then), the speed-up, and whether the two agree (every
coefficient equal to 50 digits).
Targets (Taylor-mode issue): sin(exp(cos(x²))) at order 20 around 0 and around 1/2 in
under 1 s each.

A second table times the whole ``sd.taylor`` (the result a user gets), with and without
its numeric check, against the same ``sympy.series`` baseline. Target (speed issue):
verified order 40 of log(1+x)/(1+x) at least 10x faster than sympy.series.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time
from multiprocessing.connection import Connection

import sympy as sp
from sympy.core.cache import clear_cache

import symderiv as sd
from symderiv.series import taylor_coefficients

x = sp.Symbol("x")
NESTED = sp.sin(sp.exp(sp.cos(x**2)))
HALF = sp.Rational(1, 2)

CASES: list[tuple[str, sp.Expr, sp.Expr, int]] = [
    ("sin(exp(cos(x^2)))", NESTED, sp.S.Zero, 10),
    ("sin(exp(cos(x^2)))", NESTED, sp.S.Zero, 20),
    ("sin(exp(cos(x^2)))", NESTED, HALF, 10),
    ("sin(exp(cos(x^2)))", NESTED, HALF, 20),
    ("exp(sin(x))", sp.exp(sp.sin(x)), sp.S.Zero, 6),
    ("exp(sin(x))", sp.exp(sp.sin(x)), sp.S.Zero, 12),
    ("exp(sin(x))", sp.exp(sp.sin(x)), sp.S.Zero, 20),
]
TARGETS = {("sin(exp(cos(x^2)))", 0, 20): 1.0, ("sin(exp(cos(x^2)))", HALF, 20): 1.0}

#: sd.taylor cases: (label, expr, point, order, least speed-up over sympy.series verified).
TAYLOR_CASES: list[tuple[str, sp.Expr, sp.Expr, int, float | None]] = [
    ("log(1+x)/(1+x)", sp.log(1 + x) / (1 + x), sp.S.Zero, 40, 10.0),
    ("log(1+x)/(1+x)", sp.log(1 + x) / (1 + x), sp.S.Zero, 20, None),
    ("sin(exp(cos(x^2)))", NESTED, HALF, 10, None),
    ("exp(sin(x))", sp.exp(sp.sin(x)), sp.S.Zero, 12, None),
]


def whole_taylor(expr: sp.Expr, at: sp.Expr, order: int, verify: bool, repeat: int = 3) -> float:
    """Best time of sd.taylor as a user calls it (worked table not printed, so not built)."""
    best = float("inf")
    for _ in range(repeat):
        clear_cache()
        start = time.perf_counter()
        sd.taylor(expr, x, at, order, verify=verify)
        best = min(best, time.perf_counter() - start)
    return best


def taylor_table(timeout: float, quick: bool, failures: list[str]) -> None:
    head = (
        f"{'sd.taylor of':<20} {'point':>5} {'order':>5} {'no check':>9} {'checked':>9} "
        f"{'sympy.series':>13} {'checked speed-up':>17}"
    )
    print("\n" + head)
    print("-" * len(head))
    for label, expr, at, order, least in TAYLOR_CASES:
        bare = whole_taylor(expr, at, order, verify=False)
        checked = whole_taylor(expr, at, order, verify=True)
        ref = None if quick else sympy_baseline(expr, at, order, timeout)
        if quick:
            base, ratio = "skipped", ""
        elif ref is None:
            base, ratio = f">{timeout:.0f} s", f">{timeout / checked:.0f}x"
        else:
            base, ratio = f"{ref[0]:.3f} s", f"{ref[0] / checked:.1f}x"
            if least is not None and ref[0] / checked < least:
                failures.append(f"sd.taylor {label} order {order}: {ratio} < {least:g}x")
        print(
            f"{label:<20} {sp.sstr(at):>5} {order:>5} {bare:>7.3f} s {checked:>7.3f} s "
            f"{base:>13} {ratio:>17}",
            flush=True,
        )


def ours(expr: sp.Expr, at: sp.Expr, order: int, repeat: int = 3) -> tuple[float, list[sp.Expr]]:
    best = float("inf")
    for _ in range(repeat):
        clear_cache()
        start = time.perf_counter()
        coeffs = taylor_coefficients(expr, x, at, order)
        best = min(best, time.perf_counter() - start)
    return best, coeffs


def _sympy_worker(expr: sp.Expr, at: sp.Expr, order: int, out: Connection) -> None:
    clear_cache()
    start = time.perf_counter()
    poly = sp.series(expr, x, at, order + 1).removeO()
    elapsed = time.perf_counter() - start
    h = sp.Dummy("h")
    poly = sp.expand(poly.subs(x, h + at))
    out.send((elapsed, [sp.srepr(poly.coeff(h, k)) for k in range(order + 1)]))


def sympy_baseline(
    expr: sp.Expr, at: sp.Expr, order: int, timeout: float
) -> tuple[float, list[sp.Expr]] | None:
    """sympy.series time and coefficients, or None when it did not finish in time."""
    methods = mp.get_all_start_methods()
    ctx = mp.get_context("fork" if "fork" in methods else "spawn")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_sympy_worker, args=(expr, at, order, send), daemon=True)
    proc.start()
    send.close()
    got = None
    if receive.poll(timeout):
        try:
            elapsed, coeffs = receive.recv()
            got = elapsed, [sp.sympify(c) for c in coeffs]
        except EOFError:
            got = None
    if proc.is_alive():
        proc.kill()
    proc.join()
    return got


def agree(a: list[sp.Expr], b: list[sp.Expr]) -> bool:
    return all(abs(sp.N(p - q, 50)) < sp.Float("1e-45") for p, q in zip(a, b, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the sympy.series baselines")
    parser.add_argument("--timeout", type=float, default=40.0, help="seconds per baseline")
    args = parser.parse_args()

    head = (
        f"{'function':<20} {'point':>5} {'order':>5} {'ours':>9} "
        f"{'sympy.series':>13} {'speed-up':>9} {'agree':>6}"
    )
    print(head)
    print("-" * len(head))
    failures = []
    total = time.perf_counter()
    for label, expr, at, order in CASES:
        t_ours, coeffs = ours(expr, at, order)
        if args.quick:
            base, ratio, same = "skipped", "", ""
        else:
            ref = sympy_baseline(expr, at, order, args.timeout)
            if ref is None:
                base = f">{args.timeout:.0f} s"
                ratio = f">{args.timeout / t_ours:.0f}x"
                same = "n/a"
            else:
                base = f"{ref[0]:.3f} s"
                ratio = f"{ref[0] / t_ours:.0f}x"
                same = "yes" if agree(coeffs, ref[1]) else "NO"
                if same == "NO":
                    failures.append(f"{label} at {at}, order {order}: coefficients differ")
        print(
            f"{label:<20} {sp.sstr(at):>5} {order:>5} {t_ours:>7.3f} s "
            f"{base:>13} {ratio:>9} {same:>6}",
            flush=True,
        )
        limit = TARGETS.get((label, at, order))
        if limit is not None and t_ours > limit:
            failures.append(f"{label} at {at}, order {order}: {t_ours:.2f} s > {limit} s")
    taylor_table(args.timeout, args.quick, failures)
    print(f"\ntotal {time.perf_counter() - total:.1f} s")
    if failures:
        print("TARGET MISSED:\n  " + "\n  ".join(failures))
        raise SystemExit(1)
    print(
        "targets met: order 20 of sin(exp(cos(x^2))) at 0 and 1/2 each under 1 s; "
        "verified sd.taylor at order 40 at least 10x faster than sympy.series"
    )


if __name__ == "__main__":
    main()
