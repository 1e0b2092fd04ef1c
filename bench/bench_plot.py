"""Benchmark the plotting evaluator and the figures, against lambdify in the same run.

Run:  python bench/bench_plot.py   (add --quick for fewer repetitions)

For each function it prints the time to evaluate a 400-point curve with symderiv's NumPy
evaluator (compiled once, then called), with ``sympy.lambdify(modules="numpy")`` on the
same trusted expression (the baseline; symderiv never lambdifies), their ratio, the time of
the full cut-at-poles sampling, and the one-time compile cost. Then the time to build and
save each kind of figure. Minima over repeats. Target (issue 12): a 400-point curve costs
milliseconds.
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable

import numpy as np
import sympy as sp

import symderiv as sd
from symderiv.plot import plot, save
from symderiv.plot.curves import sample
from symderiv.plot.evaluate import compile_expression

CURVES = [
    "x^2 sin(x)",
    "sigmoid(2x - 1)",
    "ln(x^2 + 1)/(x + 4)",
    "tan(x)",
    "1/x",
    "e^(-x^2/2) cos(3x) + sqrt(x^2 + 1)",
    "softplus(x) - relu(x)",
]


def best(fn: Callable[[], object], repeats: int, inner: int = 1) -> float:
    """Minimum over ``repeats`` of the mean time of ``inner`` calls, in ms."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        times.append((time.perf_counter() - start) / inner)
    return 1000 * min(times)


def curve_rows(repeats: int) -> None:
    x = sp.Symbol("x")
    xs = np.linspace(-5, 5, 400)
    print(
        f"{'400-point curve':40} {'ours ms':>8} {'lambdify':>9} {'ratio':>6} "
        f"{'sample':>8} {'compile':>8}"
    )
    for text in CURVES:
        expr = sd.parse(text)
        ours = compile_expression(expr, (x,))
        base = sp.lambdify(x, sd.functions.to_elementary(expr), modules="numpy")
        t_ours = best(lambda ours=ours: ours(xs), repeats, 50)

        def baseline(base=base) -> None:
            with np.errstate(all="ignore"):
                base(xs)

        t_base = best(baseline, repeats, 50)
        t_sample = best(lambda ours=ours: sample(ours, -5.0, 5.0), repeats, 5)
        t_compile = best(lambda expr=expr: compile_expression(expr, (x,)), repeats, 5)
        print(
            f"{text:40} {t_ours:8.3f} {t_base:9.3f} {t_ours / t_base:6.2f} "
            f"{t_sample:8.2f} {t_compile:8.3f}"
        )


def figure_rows(repeats: int) -> None:
    cases = [
        ("derivation x^2 sin(x) at 1", lambda: sd.derive("x^2 sin(x)"), {"at": 1}),
        ("taylor sin(x) order 7", lambda: sd.taylor("sin(x)", at=0, order=7), {}),
        ("contour x^4 - 3x^2 + y^2", lambda: sd.critical_points("x^4 - 3x^2 + y^2"), {}),
    ]
    print(f"\n{'figure (result computed once)':40} {'build ms':>9} {'+ svg ms':>9} {'+ png ms':>9}")
    for name, make, kw in cases:
        result = make()
        t_build = best(lambda result=result, kw=kw: plot(result, **kw), repeats)
        fig = plot(result, **kw)
        t_svg = best(lambda fig=fig: save(fig, io.BytesIO(), "svg"), repeats)
        t_png = best(lambda fig=fig: save(fig, io.BytesIO(), "png"), repeats)
        print(f"{name:40} {t_build:9.1f} {t_svg:9.1f} {t_png:9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    repeats = 2 if args.quick else 5
    curve_rows(repeats)
    figure_rows(repeats)


if __name__ == "__main__":
    main()
