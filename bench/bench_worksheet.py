"""Benchmark: a 20-problem worksheet with its answer key, as .tex only and built to PDF.

Run:  python bench/bench_worksheet.py   (add --quick for one repetition, --no-pdf to skip TeX)

Rows: generating the problems (draw, derive, verify), writing sheet + key .tex, and building
both PDFs (pdflatex for English, xelatex for Korean) when TeX is installed. With matplotlib,
examples/pictures.toml: generating it, and drawing its figures (sheet and key, vector PDF),
with the ratio of drawing to generating (minimum of the repeats).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from symderiv.worksheet import worksheet

SPEC = Path(__file__).resolve().parent.parent / "examples" / "calculus-review.toml"
PICTURES = SPEC.with_name("pictures.toml")


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args()
    repeat = 1 if args.quick else 3
    worksheet(SPEC, seed=0)  # warm up imports and caches
    print(f"{'case':<44}{'median s':>10}")
    for lang in ("en", "ko"):
        seeds = iter(range(1, 100))
        ws = worksheet(SPEC, seed=1, lang=lang)
        n = len(ws.problems)
        gen = timed(
            lambda lang=lang, seeds=seeds: worksheet(SPEC, seed=next(seeds), lang=lang), repeat
        )
        tex = timed(
            lambda lang=lang, seeds=seeds: (lambda w: (w.to_latex(), w.to_latex(key=True)))(
                worksheet(SPEC, seed=next(seeds), lang=lang)
            ),
            repeat,
        )
        print(f"{f'{lang}: generate {n} problems':<44}{gen:>10.2f}")
        print(f"{f'{lang}: generate + sheet and key .tex':<44}{tex:>10.2f}")
        engine = ws.engine
        if args.no_pdf or not (shutil.which(engine) and shutil.which("latexmk")):
            print(f"{f'{lang}: + PDFs ({engine})':<44}{'skipped':>10}")
            continue

        def build(lang: str = lang, seeds=seeds) -> None:
            with tempfile.TemporaryDirectory() as out:
                w = worksheet(SPEC, seed=next(seeds), lang=lang)
                w.build_pdf(out)
                w.build_pdf(out, key=True)

        pdf = timed(build, 1 if args.quick else 2)
        print(f"{f'{lang}: generate + sheet and key PDFs ({engine})':<44}{pdf:>10.2f}")
    figures(repeat)


def figures(repeat: int) -> None:
    """The cost of a sheet's figures against generating the sheet, in the same run."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print(f"{'pictures: figures':<44}{'skipped (no matplotlib)':>10}")
        return
    ws = worksheet(PICTURES, seed=0)
    n = sum(1 for p in ws.problems if p.figure)

    def minimum(fn) -> float:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    def draw() -> None:
        with tempfile.TemporaryDirectory() as out:
            ws.write_figures(out)
            ws.write_figures(out, key=True)

    gen = minimum(lambda: worksheet(PICTURES, seed=0))
    fig = minimum(draw)
    print(f"{f'pictures: generate {len(ws.problems)} problems (min)':<44}{gen:>10.2f}")
    print(f"{f'pictures: draw {2 * n} figures, vector PDF (min)':<44}{fig:>10.2f}")
    print(f"{'pictures: figures / generate':<44}{fig / gen:>9.1f}x")


if __name__ == "__main__":
    main()
