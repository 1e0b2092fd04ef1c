"""Benchmark derive() over a corpus of increasing size, against sympy.diff in the same run.

Run:  python bench/bench_derive.py   (add --quick for one repetition)

For each case it prints the time of derive() without and with the numeric check, of
sympy.diff alone (the baseline), the ratio derive/sympy.diff, and the number of steps.
Targets (issue #2): the median textbook case derives with steps in under 20 ms; the
30-factor product and the depth-20 chain each in under 2 s; time grows no faster than
about the square of the expression size. Issue #18: printing (to_text, to_latex) of the
40-factor product's derivation within 2x the derivation itself, in the same run; the
median over the textbook cases of (derive with check) / sympy.diff at most half of the
figure before the textbook-path work (20x at commit e23e6b7, this script); bare chains
of 89 sines and power towers 40 high derive in near-linear time.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import sympy as sp

import symderiv as sd

TEXTBOOK = [
    "x^2",
    "x^3",
    "sin(x)",
    "e^x",
    "1/x",
    "ln x",
    "(3x+1)^2",
    "sigmoid(x)",
    "x^2 sin(x)",
    "sin(3x)",
    "x e^(-x)",
    "sin(x)/x",
    "1/(1+e^(-x))",
    "x^x",
    "tanh(2x+1)",
    "sqrt(x^2+1)",
    "ln(x^2+1)",
    "atan(2x)",
    "softplus(x)",
    "cos(x)^2",
]


def product(n: int) -> str:
    return " ".join(f"(x + {k})" for k in range(1, n + 1))


def chain(depth: int) -> str:
    # sigmoid, not tanh: SymPy's own evaluation of tanh nested among these takes minutes
    # from depth 15 (its assumption queries double per level), which the parser refuses.
    functions = ["sin", "cos", "exp", "sigmoid"]
    text = "x"
    for level in range(depth):
        text = f"{functions[level % len(functions)]}({text})"
    return text


def long_sum(n: int) -> str:
    return " + ".join(f"{k} x^{k % 7 + 1} sin({k} x)" for k in range(1, n + 1))


def best_of(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(label: str, text: str, repeat: int) -> dict[str, object]:
    expr = sd.parse(text)
    x = sp.Symbol("x")
    steps = len(sd.derive(expr, x, verify=False).steps)
    plain = best_of(repeat, lambda: sd.derive(expr, x, verify=False))
    checked = best_of(repeat, lambda: sd.derive(expr, x))
    baseline = best_of(repeat, lambda: sp.diff(expr, x))
    return {
        "case": label,
        "size": sp.count_ops(expr),
        "steps": steps,
        "derive": plain,
        "derive+check": checked,
        "sympy.diff": baseline,
        "ratio": plain / baseline,
    }


def printing(n: int, repeat: int) -> dict[str, float]:
    """Time to print the n-factor product's derivation against the derivation itself."""
    expr = sd.parse(product(n))
    x = sp.Symbol("x")
    derivation_time = best_of(repeat, lambda: sd.derive(expr, x, verify=False))
    d = sd.derive(expr, x, verify=False)
    text_time = best_of(repeat, d.to_text)
    latex_time = best_of(repeat, d.to_latex)
    return {
        "derive": derivation_time,
        "to_text": text_time,
        "to_latex": latex_time,
        "characters": len(d.to_text()),
    }


def deep(text: str, repeat: int) -> float:
    """derive() without the check, from text, for the deep inputs of issue #17."""
    return best_of(repeat, lambda: sd.derive(text, verify=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repetition per case")
    args = parser.parse_args()
    repeat = 1 if args.quick else 3
    rows = []
    # Textbook cases take milliseconds: more repeats make their minima robust to noise.
    textbook = [measure(t, t, 3 * repeat) for t in TEXTBOOK]
    median = statistics.median(r["derive+check"] for r in textbook)
    rows.append(
        {
            **textbook[0],
            "case": f"textbook median of {len(TEXTBOOK)}",
            "derive": statistics.median(r["derive"] for r in textbook),
            "derive+check": median,
            "sympy.diff": statistics.median(r["sympy.diff"] for r in textbook),
            "steps": statistics.median(r["steps"] for r in textbook),
            "size": statistics.median(r["size"] for r in textbook),
        }
    )
    rows[-1]["ratio"] = rows[-1]["derive"] / rows[-1]["sympy.diff"]
    for n in (5, 10, 20, 30):
        rows.append(measure(f"product of {n} factors", product(n), repeat))
    for depth in (5, 10, 20):
        rows.append(measure(f"chain of depth {depth}", chain(depth), repeat))
    rows.append(measure("sum of 100 terms", long_sum(100), 1))

    header = (
        f"{'case':28} {'size':>5} {'steps':>6} {'derive':>10} {'+check':>10} "
        f"{'sympy.diff':>11} {'ratio':>7}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['case']:28} {int(r['size']):5d} {int(r['steps']):6d} "
            f"{r['derive'] * 1e3:8.1f}ms {r['derive+check'] * 1e3:8.1f}ms "
            f"{r['sympy.diff'] * 1e3:9.2f}ms {r['ratio']:7.0f}x"
        )
    print()
    print(f"textbook median with steps and check: {median * 1e3:.1f} ms (target < 20 ms)")
    ratios = [r["derive+check"] / r["sympy.diff"] for r in textbook]
    print(
        f"textbook median of (derive+check)/sympy.diff per case: "
        f"{statistics.median(ratios):.1f}x (target <= 10x, half of 20x at e23e6b7)"
    )
    shown = printing(40, repeat)
    print(
        f"printing the 40-factor product's derivation ({shown['characters']:.0f} characters): "
        f"to_text {shown['to_text'] / shown['derive']:.2f}x, "
        f"to_latex {shown['to_latex'] / shown['derive']:.2f}x the derivation "
        f"({shown['derive'] * 1e3:.0f} ms) (target <= 2x)"
    )
    for label, text in (
        ("89 bare sines", "sin " * 89 + "x"),
        ("tower x^x^... 40 high", "x^" * 40 + "x"),
    ):
        print(f"{label}: {deep(text, repeat):.2f} s without the check")
    by_case = {r["case"]: r for r in rows}
    for case in ("product of 30 factors", "chain of depth 20"):
        print(f"{case}: {by_case[case]['derive+check']:.2f} s (target < 2 s)")
    small, large = by_case["product of 10 factors"], by_case["product of 30 factors"]
    growth = large["derive"] / small["derive"]
    size_ratio = large["size"] / small["size"]
    print(
        f"growth 10 -> 30 factors: time x{growth:.1f} for size x{size_ratio:.1f} "
        f"(quadratic would be x{size_ratio**2:.1f})"
    )


if __name__ == "__main__":
    main()
