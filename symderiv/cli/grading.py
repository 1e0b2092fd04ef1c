"""The ``grade`` and ``check`` commands (added to the main parser by ``add_commands``).

``symderiv grade [FILE.jsonl|-] [--engine local|ray] [--address auto|HOST:PORT]
[--workers N] [--timeout S] [-o OUT.jsonl | --resume OUT.jsonl]`` grades one JSON object per
line and writes one verdict per line as it comes, in input order, each line whole; exit 0
when every line was graded, 2 (before grading anything) on duplicate ids.
``symderiv check EXPR --answer ANSWER`` grades one answer: exit 0 correct, 1 incorrect or
undecided, 2 invalid, 3 timeout.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from rich.console import Console

from symderiv.cli.common import EXIT_BAD_INPUT as EXIT_INVALID
from symderiv.cli.common import EXIT_CHECK_FAILED as EXIT_INCORRECT
from symderiv.cli.common import EXIT_OK, EXIT_TIMEOUT, read_expression
from symderiv.i18n import LANGUAGES
from symderiv.parsing import parse

DEFAULT_ANSWER_TIMEOUT = 10.0

_errors = Console(stderr=True, highlight=False, soft_wrap=True)


def cmd_grade(args: argparse.Namespace) -> int:
    from symderiv.grading.batch import Summary, done_ids, grade_lines, read_items
    from symderiv.grading.many import check_ids

    if args.resume and args.output and Path(args.output) != Path(args.resume):
        _errors.print("error: --resume appends to its own file; drop -o", markup=False)
        return EXIT_INVALID
    out_path = args.resume or args.output
    skip = done_ids(Path(args.resume)) if args.resume else set()
    stream = sys.stdin if args.file in (None, "-") else open(args.file, encoding="utf-8")  # noqa: SIM115
    try:
        lines = list(stream)
    finally:
        if stream is not sys.stdin:
            stream.close()
    items = read_items(lines)
    check_ids(items)  # duplicate ids: an error before anything runs or is written
    if args.resume and any(not isinstance(i, dict) or i.get("id") is None for i in items):
        _errors.print("error: --resume needs an id on every line", markup=False)
        return EXIT_INVALID
    summary = Summary()
    start = time.monotonic()
    show_progress = sys.stderr.isatty() and not args.quiet
    out = open(out_path, "a" if args.resume else "w", encoding="utf-8") if out_path else sys.stdout  # noqa: SIM115
    try:
        total = sum(1 for i in items if not (isinstance(i, dict) and i.get("id") in skip))
        with _progress(show_progress, total) as advance:
            rows = grade_lines(
                lines,
                workers=args.workers,
                timeout=args.answer_timeout,
                lang=args.lang,
                engine=args.engine,
                address=args.address,
                skip=skip,
                on_done=summary.add,
                on_verdict=lambda _i, _v: advance(),
            )
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                out.flush()
    finally:
        if out is not sys.stdout:
            out.close()
    if not args.quiet:
        seconds = time.monotonic() - start
        skipped = f" ({len(skip)} already graded, skipped)" if skip else ""
        _errors.print(summary.text(seconds) + skipped, markup=False)
    return EXIT_OK


@contextlib.contextmanager
def _progress(show: bool, total: int) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr (done/total, answers per second, ETA) when ``show``; yields
    the function to call once per graded answer."""
    if not show:
        yield lambda: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("grading"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=_errors, transient=True) as progress:
        task = progress.add_task("grading", total=total, rate="")
        start = time.monotonic()
        done = 0

        def advance() -> None:
            nonlocal done
            done += 1
            rate = done / max(time.monotonic() - start, 1e-9)
            progress.update(task, advance=1, rate=f"{rate:.1f}/s")

        yield advance


def _check_text(verdict: Any, lang: str, expected: str | None) -> str:
    """The verdict as text in ``lang``; ``expected`` is the right answer in text form."""
    from symderiv.grading.verdict import message

    status = message(f"status.{verdict.status}", lang)
    lines = [message("check_status", lang, status=status, score=verdict.score)]
    lines.extend(verdict.feedback)
    if verdict.diagnosis:
        lines.append(message("check_diagnosis", lang, ids=", ".join(verdict.diagnosis)))
    if expected and verdict.status != "correct":
        lines.append(message("check_expected", lang, answer=expected))
    return "\n".join(lines)


def _expected_text(problem: dict[str, Any]) -> str | None:
    """The right answer in text form (not LaTeX), or None when the problem cannot be set."""
    from symderiv.grading.checks import expected_of, expected_text
    from symderiv.grading.problems import ProblemError, as_problem

    try:
        return expected_text(expected_of(as_problem(problem)))
    except ProblemError:
        return None


def cmd_check(args: argparse.Namespace) -> int:
    from symderiv.grading import grade
    from symderiv.grading.verdict import message

    expr = read_expression(args.expr)
    problem: dict[str, Any] = {"kind": "derivative", "function": expr, "order": args.order}
    if args.var:
        problem["var"] = args.var
    else:
        names = sorted(s.name for s in parse(expr).free_symbols)
        if len(names) > 1:
            _errors.print(
                message("check_needs_var", args.lang, names=", ".join(names)), markup=False
            )
            return EXIT_INVALID
    verdict = grade(problem, args.answer, lang=args.lang)
    if args.format == "json":
        print(json.dumps(verdict.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(_check_text(verdict, args.lang, _expected_text(problem)))
    return {
        "correct": EXIT_OK,
        "incorrect": EXIT_INCORRECT,
        "invalid": EXIT_INVALID,
        "undecided": EXIT_INCORRECT,
        "timeout": EXIT_TIMEOUT,
        "error": EXIT_INVALID,
    }[verdict.status]


def add_commands(commands: Any) -> None:
    """Add ``grade`` and ``check`` to the main parser's subcommands."""
    grade = commands.add_parser("grade", help="grade answers from JSON lines")
    grade.add_argument("file", nargs="?", default="-", help="JSON lines file; - reads stdin")
    grade.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes, or Ray actors with --engine ray (default: all cores)",
    )
    grade.add_argument(
        "--engine",
        choices=("local", "ray"),
        default="local",
        help="local worker processes, or Ray (pip install 'symderiv[ray]')",
    )
    grade.add_argument(
        "--address",
        default=None,
        help="Ray cluster to join: auto or HOST:PORT (default: start a local Ray)",
    )
    grade.add_argument("-o", "--output", help="write the verdicts here (default: stdout)")
    grade.add_argument(
        "--resume",
        metavar="OUT.jsonl",
        help="skip the ids already graded in OUT.jsonl and append the rest to it",
    )
    grade.add_argument(
        "--timeout",
        dest="answer_timeout",
        type=float,
        default=DEFAULT_ANSWER_TIMEOUT,
        help=f"seconds per answer before it is a timeout (default {DEFAULT_ANSWER_TIMEOUT:g})",
    )
    grade.add_argument("--lang", choices=LANGUAGES, default="en")
    grade.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    # The per-answer limit replaces the whole-command alarm: a batch may run for hours.
    grade.set_defaults(run=cmd_grade, timeout=0)

    check = commands.add_parser("check", help="grade one answer to d/dx EXPR")
    check.add_argument("expr", help="the function; - reads stdin")
    check.add_argument("--answer", required=True, help="the answer to grade (text or LaTeX)")
    check.add_argument("--var", help="the variable (needed when there are several)")
    check.add_argument("--order", type=int, default=1, help="order of the derivative")
    check.add_argument("--lang", choices=LANGUAGES, default="en")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(run=cmd_check)
