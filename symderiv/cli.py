"""The ``symderiv`` command line: argparse front end over the public API.

Exit codes: 0 success, 1 a result failed its numeric check, 2 bad input, 3 time limit.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from rich.cells import cell_len
from rich.console import Console

import symderiv as sd
from symderiv.cli_backprop import add_commands as add_backprop_commands
from symderiv.cli_common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_TIMEOUT,
    add_output_options,
    exit_code_for,
    read_expression,
    render,
)
from symderiv.cli_grading import add_commands as add_grading_commands
from symderiv.cli_multivariate import add_commands as add_multivariate_commands
from symderiv.cli_taylor import add_commands as add_taylor_commands
from symderiv.cli_worksheet import add_commands as add_worksheet_commands
from symderiv.engine import DETAIL_LEVELS
from symderiv.i18n import LANGUAGES

DEFAULT_TIMEOUT = 60.0

_errors = Console(stderr=True, highlight=False, soft_wrap=True)


class _TimeLimit(Exception):
    pass


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Bound the command's work (the CLI runs in the main thread, so an alarm works)."""
    if seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise _TimeLimit

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def cmd_diff(args: argparse.Namespace) -> int:
    derivation = sd.derive(
        read_expression(args.expr),
        args.wrt,
        args.order,
        detail=args.detail,
        verify=not args.no_verify,
    )
    print(render(derivation, args.format, args.lang))
    return exit_code_for(derivation)


def cmd_rules(args: argparse.Namespace) -> int:
    book = sd.load_rulebook()
    if args.format == "json":
        rows = [
            {
                "id": r.id,
                "kind": r.kind,
                "name": dict(r.names),
                "statement": r.statement,
                "derivative": r.derivative,
            }
            for r in book
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    width = max(len(r.id) for r in book) + 2
    name_width = max(cell_len(r.name(args.lang)) for r in book) + 2
    for rule in book:
        name = rule.name(args.lang)
        padding = " " * (name_width - cell_len(name))
        print(f"{rule.id.ljust(width)}{name}{padding}{rule.statement or '-'}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="symderiv",
        description="Step-by-step derivatives for calculus-for-ML, checked numerically.",
    )
    parser.add_argument("--version", action="version", version=f"symderiv {sd.__version__}")
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"give up after this many seconds (default {DEFAULT_TIMEOUT:g}; 0 = no limit)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    diff = commands.add_parser("diff", help="differentiate step by step")
    diff.add_argument("expr", help='the function, e.g. "x^2 sin(x)" or LaTeX; - reads stdin')
    diff.add_argument("--wrt", help="the variable (needed when there are several)")
    diff.add_argument("--order", type=int, default=1, help="order of the derivative")
    diff.add_argument("--detail", choices=DETAIL_LEVELS, default="normal")
    diff.add_argument("--no-verify", action="store_true", help="skip the numeric check")
    add_output_options(diff)
    diff.set_defaults(run=cmd_diff)

    rules = commands.add_parser("rules", help="list the rule book")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rules.add_argument("--lang", choices=LANGUAGES, default="en")
    rules.set_defaults(run=cmd_rules)

    add_multivariate_commands(commands)
    add_backprop_commands(commands)
    add_taylor_commands(commands)
    add_grading_commands(commands)
    add_worksheet_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        with time_limit(args.timeout):
            return run(args)
    except sd.SymderivError as exc:
        _errors.print(f"error: {exc}", markup=False)
        return EXIT_BAD_INPUT
    except _TimeLimit:
        _errors.print(f"error: gave up after {args.timeout:g} s (--timeout)", markup=False)
        return EXIT_TIMEOUT
    except RecursionError:
        _errors.print("error: the expression is nested too deeply", markup=False)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
