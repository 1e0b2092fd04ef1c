"""The ``grade`` and ``check`` commands (added to the main parser by ``add_commands``).

``symderiv grade [FILE.jsonl|-] [--workers N] [--timeout S]`` grades one JSON object per
line and writes one verdict per line, in input order; exit 0 when every line was graded.
``symderiv check EXPR --answer ANSWER`` grades one answer: exit 0 correct, 1 incorrect or
undecided, 2 invalid, 3 timeout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
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
    from symderiv.grading.batch import Summary, grade_lines

    stream = sys.stdin if args.file in (None, "-") else open(args.file, encoding="utf-8")  # noqa: SIM115
    summary = Summary()
    start = time.monotonic()
    show_progress = sys.stderr.isatty() and not args.quiet
    try:
        lines = list(stream) if show_progress else stream
        rows = grade_lines(
            lines,
            workers=max(1, args.workers or os.cpu_count() or 1),
            timeout=args.answer_timeout,
            lang=args.lang,
            on_done=summary.add,
        )
        if show_progress:
            from rich.progress import Progress

            total = sum(1 for line in lines if line.strip())
            with Progress(console=_errors, transient=True) as progress:
                task = progress.add_task("grading", total=total)
                for row in rows:
                    print(json.dumps(row, ensure_ascii=False), flush=True)
                    progress.advance(task)
        else:
            for row in rows:
                print(json.dumps(row, ensure_ascii=False), flush=True)
    finally:
        if stream is not sys.stdin:
            stream.close()
    if not args.quiet:
        _errors.print(summary.text(time.monotonic() - start), markup=False)
    return EXIT_OK


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
    from symderiv.grading.checks import expected_of, plain_text
    from symderiv.grading.problems import ProblemError, as_problem

    try:
        return plain_text(expected_of(as_problem(problem)).entries[0])
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
        "--workers", type=int, default=None, help="worker processes (default: all cores)"
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
