"""Start-up: ``import symderiv`` and the ``symderiv`` command against ``import sympy``.

Run:  python bench/bench_startup.py [--repeat 9]

Each row starts a fresh Python process; the rows are interleaved and each figure is the
minimum over the repeats (the machine is shared; minima are what is repeatable). The ratio
is against ``import sympy`` timed in the same run. Target (speed issue): ``import
symderiv`` at most 1.15x ``import sympy``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

ROWS = [
    ("import sympy (baseline)", ["-c", "import sympy"]),
    ("import symderiv", ["-c", "import symderiv"]),
    (
        "import symderiv; sd.derive('x^2 sin(x)')",
        ["-c", "import symderiv as sd; sd.derive('x^2 sin(x)')"],
    ),
    ("symderiv --help", ["-m", "symderiv.cli", "--help"]),
    ("symderiv diff 'x^2 sin(x)'", ["-m", "symderiv.cli", "diff", "x^2 sin(x)"]),
]
TARGET = 1.15


def once(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    best = {label: float("inf") for label, _ in ROWS}
    for _ in range(args.repeat):
        for label, argv in ROWS:
            best[label] = min(best[label], once(argv))
    base = best[ROWS[0][0]]
    width = max(len(label) for label, _ in ROWS)
    print(f"{'':<{width}}  {'min time':>9}  {'vs sympy':>8}")
    for label, _ in ROWS:
        print(f"{label:<{width}}  {best[label]:>7.3f} s  {best[label] / base:>7.2f}x")
    ratio = best["import symderiv"] / base
    verdict = "met" if ratio <= TARGET else "MISSED"
    print(f"\ntarget import symderiv <= {TARGET}x import sympy: {ratio:.2f}x, {verdict}")
    if ratio > TARGET:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
