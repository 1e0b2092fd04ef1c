"""Benchmark gradient descent: the per-iteration cost of ``descend`` after its one-time
derivation, against a plain NumPy loop with a hand-written gradient, timed in the same run.

Run:  python -m bench.bench_descent   (from the repository root; --quick: fewer repeats)

The function has 10 parameters:
    f = Σ_i i·(x_i − i/10)² + Σ_i x_i·x_{i+1}/4      (i = 1 … 10)
and every run takes 1,000 gradient-descent iterations with lr = 0.01 from x = 0.
Rows: the one-time derivation (∇f with steps and its finite-difference check), the
iterations of ``descend`` (compiled closures over floats, every iterate recorded for the
table), the same with the mpmath recomputation of every iterate (``.verification``), a
plain Python loop and the NumPy loop (the baseline). Times are minima over repeats.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from symderiv.optim import descend
from symderiv.optim.descent import run_descent
from symderiv.optim.objective import _prepare, prepare

N, STEPS, LR = 10, 1000, 0.01
EXPR = (
    " + ".join(f"{i}*(x{i} - {i / 10})^2" for i in range(1, N + 1))
    + " + "
    + " + ".join(f"x{i}*x{i + 1}/4" for i in range(1, N))
)
START = {f"x{i}": 0 for i in range(1, N + 1)}
WEIGHTS = np.arange(1, N + 1, dtype=float)
TARGETS = WEIGHTS / 10


def numpy_loop() -> np.ndarray:
    x = np.zeros(N)
    for _ in range(STEPS):
        g = 2 * WEIGHTS * (x - TARGETS)
        g[:-1] += x[1:] / 4
        g[1:] += x[:-1] / 4
        x = x - LR * g
    return x


def python_loop() -> list[float]:
    x = [0.0] * N
    w = list(WEIGHTS)
    t = list(TARGETS)
    for _ in range(STEPS):
        g = [2 * w[i] * (x[i] - t[i]) for i in range(N)]
        for i in range(N - 1):
            g[i] += x[i + 1] / 4
            g[i + 1] += x[i] / 4
        x = [x[i] - LR * g[i] for i in range(N)]
    return x


def best_of(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def derivation() -> object:
    _prepare.cache_clear()
    return prepare(EXPR)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    repeats = 3 if parser.parse_args().quick else 7
    objective = prepare(EXPR)
    ours = run_descent(objective, START, LR, STEPS, tol=0, verify=False)
    reference = numpy_loop()
    final = np.array([ours.final[f"x{i}"] for i in range(1, N + 1)])
    assert ours.steps_taken == STEPS
    assert np.allclose(final, reference, rtol=1e-12, atol=1e-14), "results differ"

    rows = [
        ("one-time derivation of ∇f (steps + check)", best_of(derivation, repeats), 1),
        (
            "descend: 1,000 iterations (recorded)",
            best_of(lambda: run_descent(objective, START, LR, STEPS, tol=0, verify=False), repeats),
            STEPS,
        ),
        (
            "descend: + mpmath recomputation of every iterate",
            best_of(lambda: descend(EXPR, START, LR, STEPS, tol=0), max(1, repeats // 3)),
            STEPS,
        ),
        ("plain Python loop, hand-written gradient", best_of(python_loop, repeats), STEPS),
        ("NumPy loop, hand-written gradient (baseline)", best_of(numpy_loop, repeats), STEPS),
    ]
    baseline = rows[-1][1] / STEPS
    print(f"1,000 GD iterations on a {N}-parameter function, minima of {repeats} repeats\n")
    print(f"{'row':<52} {'total ms':>10} {'µs/iter':>10} {'× NumPy':>9}")
    print("-" * 84)
    for name, seconds, iterations in rows:
        if iterations == 1:
            print(f"{name:<52} {seconds * 1e3:10.2f} {'—':>10} {'—':>9}")
            continue
        per = seconds / iterations
        print(f"{name:<52} {seconds * 1e3:10.2f} {per * 1e6:10.2f} {per / baseline:9.2f}")


if __name__ == "__main__":
    main()
