"""Benchmark sd.parse on the textbook cases, against sympy.diff in the same run.

Run:  python bench/bench_parse.py   (add --quick for fewer repetitions)

Each timing is the minimum over repetitions with SymPy's cache cleared before each one
(a learner's expression is new to the process), for: parsing the text, and the
baseline sympy.diff of the parsed expression. The ratio parse/diff is what the parser
adds to a textbook derivation (issue 18 item 4: the parse guard's is_zero queries made
it a large share). Also times the inputs of issue 17 item 2, nested ML functions of
numbers, which once took seconds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import sympy as sp
from bench_derive import TEXTBOOK as DERIVE_TEXTBOOK
from sympy.core.cache import clear_cache

import symderiv as sd

# The README benchmark's textbook cases (bench_derive.py, beside this file), and LaTeX.
TEXTBOOK = [
    *DERIVE_TEXTBOOK,
    r"\frac{1}{1+e^{-x}}",
    r"\frac{x^{2}-1}{x+1} + \sqrt{2} \ln x",
]
NESTED = [
    "sigmoid(sigmoid(sigmoid(sigmoid(asin(2)))))",
    "softplus(softplus(1/sqrt(asin(4)))**y)",
]


def cold(repeat: int, work: Callable[[], object]) -> float:
    """Minimum time of ``work`` over ``repeat`` runs, each after clearing SymPy's cache."""
    times = []
    for _ in range(repeat):
        clear_cache()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--quick", action="store_true", help="3 repetitions instead of 15")
    repeat = 3 if options.parse_args().quick else 15
    x = sp.Symbol("x")
    sd.parse(r"\frac{x}{2}")  # import and warm up the LaTeX library once
    print(f"{'case':40} {'parse ms':>9} {'diff ms':>9} {'parse/diff':>10}")
    ratios = []
    for text in TEXTBOOK:
        expr = sd.parse(text)
        parse_time = cold(repeat, lambda text=text: sd.parse(text))
        diff_time = cold(repeat, lambda expr=expr: sp.diff(expr, x))
        ratios.append(parse_time / diff_time)
        print(f"{text:40} {parse_time * 1e3:9.3f} {diff_time * 1e3:9.3f} {ratios[-1]:10.2f}")
    print(f"{'median parse/diff':40} {'':9} {'':9} {statistics.median(ratios):10.2f}")
    for text in NESTED:
        print(f"{text:60} parse {cold(1, lambda text=text: sd.parse(text)) * 1e3:9.1f} ms")


if __name__ == "__main__":
    main()
