"""Benchmark the grader on the labelled corpus, side by side with math-verify.

    python bench/bench_grading.py [--workers N]
    python bench/bench_grading.py --engines [--answers 2000] [--repeat R]

1. Full grading (all kinds, diagnosis included): verdicts/s on one core (in process) and
   on all cores (``symderiv.grading.batch.grade_lines``, worker processes, hard timeouts).
2. Equivalence only, on the scalar derivative rows whose label is correct or incorrect:
   the gold answer is the engine's derivative in LaTeX, the task is "is the answer equal to
   the gold?". symderiv grades an ``expression`` problem (no diagnosis); math-verify
   (``pip install math-verify``) runs ``verify(parse(gold), parse(answer))`` in the same
   process. Accuracy = agreement with the label, per category; speed = answers/s, one core.
3. ``--engines``: ``grade_many`` on the same N answers (derivative-type corpus rows, cycled:
   a cohort answering the same problems) in process (the baseline: the grading work
   itself), then on the local engine and on Ray (a local Ray with 2 CPUs), each with 1 and
   2 workers: answers/s, the ratio to the local engine with 1 worker, and the per-answer
   overhead of the engine = wall time x workers / N - in-process time per answer (worker
   start-up included, as a user pays it). Times are the minimum of ``--repeat`` runs. A
   second table does the same with N trivial answers (d/dx x = 1), whose time is almost
   all the engine's: its per-answer cost is the engine overhead.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "answers.jsonl"


def load() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]


def full_grading(rows: list[dict], workers: int) -> None:
    from symderiv.grading.batch import grade_lines
    from symderiv.grading.grader import local_grade

    local_grade(rows[0]["problem"], rows[0]["answer"])  # warm up imports and caches
    start = time.perf_counter()
    wrong_accepted = agree = 0
    for row in rows:
        v = local_grade(row["problem"], row["answer"])
        agree += v.status == row["expect"]["status"]
        wrong_accepted += v.correct and row["expect"]["status"] != "correct"
    one = time.perf_counter() - start
    lines = [json.dumps(r) for r in rows]
    start = time.perf_counter()
    out = list(grade_lines(lines, workers=workers, timeout=30.0))
    many = time.perf_counter() - start
    assert len(out) == len(rows)
    print(f"full grading, {len(rows)} answers (all kinds, with diagnosis)")
    print(f"  one core : {len(rows) / one:8.1f} verdicts/s  ({1000 * one / len(rows):.1f} ms each)")
    print(
        f"  {workers} workers: {len(rows) / many:8.1f} verdicts/s  "
        "(includes starting the worker processes)"
    )
    print(
        f"  status agrees with label: {agree}/{len(rows)}; wrong answers accepted: {wrong_accepted}"
    )


def equivalence_rows(rows: list[dict]) -> list[tuple[str, str, bool, str]]:
    import sympy as sp

    import symderiv as sd
    from symderiv.notation import latex_str

    out = []
    gold_cache: dict[str, str] = {}
    for row in rows:
        p = row["problem"]
        if p.get("kind") != "derivative" or p.get("order", 1) != 1 or p.get("form"):
            continue
        if row["expect"]["status"] == "invalid":
            continue
        fn = p["function"]
        if fn not in gold_cache:
            f = sd.parse(fn)
            x = sp.Symbol(p.get("var") or "x")
            gold_cache[fn] = latex_str(sd.derive(f, x).result)
        out.append(
            (gold_cache[fn], row["answer"], row["expect"]["status"] == "correct", row["category"])
        )
    return out


def run_symderiv(items: list[tuple[str, str, bool, str]]) -> tuple[list[bool], float]:
    from symderiv.grading.grader import local_grade

    verdicts = []
    start = time.perf_counter()
    for gold, answer, _, _ in items:
        v = local_grade({"kind": "expression", "expected": gold, "vars": ["x"]}, answer)
        verdicts.append(v.correct)
    return verdicts, time.perf_counter() - start


def run_math_verify(items: list[tuple[str, str, bool, str]]) -> tuple[list[bool], float] | None:
    try:
        from math_verify import parse, verify
    except ImportError:
        return None
    verdicts = []
    start = time.perf_counter()
    for gold, answer, _, _ in items:
        try:
            ok = bool(verify(parse(f"${gold}$"), parse(f"${answer}$")))
        except Exception:
            ok = False
        verdicts.append(ok)
    return verdicts, time.perf_counter() - start


def report(
    items: list[tuple[str, str, bool, str]], name: str, verdicts: list[bool], seconds: float
) -> None:
    by_cat: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    wrong_accepted = right_rejected = 0
    for (_, _, label, cat), v in zip(items, verdicts, strict=True):
        by_cat[cat][0] += v == label
        by_cat[cat][1] += 1
        wrong_accepted += v and not label
        right_rejected += label and not v
    total = sum(a for a, _ in by_cat.values())
    print(
        f"  {name:12s} accuracy {total}/{len(items)} ({100 * total / len(items):.1f}%), "
        f"wrong accepted {wrong_accepted}, right rejected {right_rejected}, "
        f"{len(items) / seconds:.1f} answers/s ({1000 * seconds / len(items):.1f} ms each)"
    )
    print("    " + ", ".join(f"{c} {a}/{n}" for c, (a, n) in sorted(by_cat.items())))


DERIVATIVE_KINDS = ("derivative", "partial", "gradient", "jacobian", "hessian", "expression")


def engine_items(rows: list[dict], count: int) -> list[dict]:
    pool = [r for r in rows if r["problem"].get("kind", "derivative") in DERIVATIVE_KINDS]
    return [
        {
            "id": i,
            "problem": pool[i % len(pool)]["problem"],
            "answer": pool[i % len(pool)]["answer"],
        }
        for i in range(count)
    ]


def trivial_items(count: int) -> list[dict]:
    """Answers that cost almost nothing to grade (d/dx x = 1): the time is the engine's."""
    return [{"id": i, "problem": {"function": "x"}, "answer": "1"} for i in range(count)]


def engines(items: list[dict], label: str, repeat: int) -> None:
    from symderiv.grading.grader import local_grade
    from symderiv.grading.many import grade_many

    count = len(items)
    inproc = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        baseline = [local_grade(i["problem"], i["answer"]).status for i in items]
        inproc = min(inproc, time.perf_counter() - start)
    per_answer = inproc / count
    print(f"engines: {count} answers ({label})")
    print(
        f"  in process, one core: {count / inproc:7.1f} answers/s ({1000 * per_answer:.1f} ms each)"
    )
    print(
        f"  {'engine':6s} {'workers':>7s} {'seconds':>8s} {'answers/s':>10s} {'ratio':>6s} "
        f"{'overhead ms/answer':>19s}"
    )
    try:
        import ray
    except ImportError:
        ray = None
    runs = [("local", 1), ("local", 2)] + ([("ray", 1), ("ray", 2)] if ray else [])
    first = None
    for engine, workers in runs:
        if engine == "ray" and not ray.is_initialized():
            ray.init(
                num_cpus=2,
                include_dashboard=False,
                log_to_driver=False,
                runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}},
            )
        seconds = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            got = [v.status for v in grade_many(items, engine=engine, workers=workers, timeout=30)]
            seconds = min(seconds, time.perf_counter() - start)
            assert got == baseline, f"{engine} with {workers} workers disagrees with in-process"
        first = first or seconds
        overhead = 1000 * (seconds * workers / count - per_answer)
        print(
            f"  {engine:6s} {workers:7d} {seconds:8.1f} {count / seconds:10.1f} "
            f"{first / seconds:6.2f} {overhead:19.1f}"
        )
        sys.stdout.flush()
    if ray is None:
        print("  ray not installed (pip install 'symderiv[ray]'): Ray rows skipped")
    elif ray.is_initialized():
        ray.shutdown()
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--engines", action="store_true", help="only the engines table")
    parser.add_argument("--answers", type=int, default=2000, help="answers for --engines")
    parser.add_argument("--repeat", type=int, default=1, help="--engines: minimum of R runs")
    args = parser.parse_args()
    rows = load()
    if args.engines:
        engines(
            engine_items(rows, args.answers), "derivative-type corpus rows, cycled", args.repeat
        )
        engines(trivial_items(args.answers), "trivial: d/dx x answered 1", args.repeat)
        return
    full_grading(rows, args.workers)
    items = equivalence_rows(rows)
    print(f"\nequivalence only: {len(items)} answers (derivative rows, gold = engine result)")
    ours, t_ours = run_symderiv(items)
    _, t_ours2 = run_symderiv(items)  # second pass: warm caches, as in a long batch
    theirs = run_math_verify(items)
    report(items, "symderiv", ours, t_ours)
    print(f"    (warm second pass: {len(items) / t_ours2:.1f} answers/s)")
    if theirs is None:
        print("  math-verify not installed (pip install math-verify)")
    else:
        report(items, "math-verify", *theirs)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
