"""The ``symderiv`` parser and its runner: every command under one time limit and exit codes.

Exit codes: 0 success, 1 a result failed its numeric check, 2 bad input, 3 time limit.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from rich.console import Console

import symderiv as sd
from symderiv.cli import backprop, derive, grading, multivariate, taylor, worksheet
from symderiv.cli.common import EXIT_BAD_INPUT, EXIT_OK, EXIT_TIMEOUT

# Each command family registers its subcommands, in the order `symderiv --help` lists them.
COMMAND_FAMILIES = (derive, multivariate, backprop, taylor, grading, worksheet)

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

    for family in COMMAND_FAMILIES:
        family.add_commands(commands)
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
