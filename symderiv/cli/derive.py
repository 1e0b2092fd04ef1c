"""``symderiv diff`` and ``symderiv rules``: one derivation step by step, and the rule book."""

from __future__ import annotations

import argparse
import json

from rich.cells import cell_len

import symderiv as sd
from symderiv.cli.common import (
    EXIT_OK,
    add_output_options,
    add_plot_option,
    exit_code_for,
    read_expression,
    render,
    save_plot,
)
from symderiv.cli.inputs import check_variables, number_value
from symderiv.engine import DETAIL_LEVELS
from symderiv.i18n import LANGUAGES
from symderiv.simplify import FORMS


def cmd_diff(args: argparse.Namespace) -> int:
    text = read_expression(args.expr)
    if args.wrt:
        check_variables([text], [args.wrt], "--wrt", args.lang)
    derivation = sd.derive(
        text,
        args.wrt,
        args.order,
        detail=args.detail,
        verify=not args.no_verify,
        form=args.form,
    )
    print(render(derivation, args.format, args.lang))
    at = {} if args.at is None else {"at": number_value("--at", args.wrt or "a", args.at)}
    save_plot(derivation, args, **at)
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


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register ``diff`` and ``rules``."""
    diff = commands.add_parser("diff", help="differentiate step by step")
    diff.add_argument("expr", help='the function, e.g. "x^2 sin(x)" or LaTeX; - reads stdin')
    diff.add_argument("--wrt", help="the variable (needed when there are several)")
    diff.add_argument("--order", type=int, default=1, help="order of the derivative")
    diff.add_argument(
        "--detail",
        choices=DETAIL_LEVELS,
        default="normal",
        help="brief, normal, or full (every trivial step, and long lines not shortened)",
    )
    diff.add_argument(
        "--form",
        choices=FORMS,
        default="teacher",
        help="how the last step writes the result: as a teacher would (default), "
        "expanded, or factored",
    )
    diff.add_argument("--no-verify", action="store_true", help="skip the numeric check")
    diff.add_argument("--at", help="with --plot: draw the tangent at this point, e.g. 2")
    add_output_options(diff)
    add_plot_option(diff)
    diff.set_defaults(run=cmd_diff)

    rules = commands.add_parser("rules", help="list the rule book")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rules.add_argument("--lang", choices=LANGUAGES, default="en")
    rules.set_defaults(run=cmd_rules)
