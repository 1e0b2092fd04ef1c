"""The ``symderiv taylor`` command: a Taylor polynomial, its derivative table and checks.

``cli.build_parser()`` calls :func:`add_commands` with its subparsers object. Bad input is
raised as :class:`~symderiv.errors.SymderivError` (exit code 2 via ``cli.main``); the
command returns 0, or 1 when the numeric check failed.

    symderiv taylor "sin(x)" --order 3 --table 0.1,0.5,1,2
    symderiv taylor "ln(x)" --at 1 --order 4 --lang ko
    symderiv taylor "exp(x) sin(y)" --vars x,y --at x=0,y=0 --order 2
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from symderiv.cli.common import (
    add_plot_option,
    exit_code_for,
    read_expression,
    render,
    save_plot,
)
from symderiv.cli.inputs import check_variables, number_value, parse_pairs, split_names
from symderiv.errors import DerivationError
from symderiv.i18n import LANGUAGES
from symderiv.taylor import Taylor, taylor

FORMATS = ("text", "latex", "markdown", "json")


def _point(text: str | None, several: bool) -> Any:
    """``--at``: one value (``1/2``) or ``x=1,y=2`` / ``1,2`` for several variables."""
    if text is None:
        return 0
    if "=" not in text:
        values = [item.strip() for item in text.split(",") if item.strip()]
        for value in values:
            number_value("--at", "a", value)
        return values if several else text.strip()
    return parse_pairs(text, "--at")


def _steps(text: str) -> list[str]:
    steps = [item.strip() for item in text.split(",") if item.strip()]
    if not steps:
        raise DerivationError("--table wants steps separated by commas, e.g. 0.1,0.5,1,2")
    return steps


def cmd_taylor(args: argparse.Namespace) -> int:
    text = read_expression(args.expr)
    names = split_names(args.vars) or None
    if names:
        check_variables([text], names, "--vars", args.lang)
    several = bool(names and len(names) > 1)
    at = _point(args.at, several)
    if isinstance(at, dict) and names is None and len(at) > 1:
        names = list(at)
    var = None
    if names and len(names) == 1:
        var, names = names[0], None
    elif isinstance(at, dict) and len(at) == 1 and names is None:
        var = next(iter(at))
    result: Taylor = taylor(
        text, var, at, args.order, vars=names, detail=args.detail, verify=not args.no_verify
    )
    table = result.error_table(_steps(args.table)) if args.table else None
    if args.format == "json":
        data = result.to_dict()
        if table is not None:
            data["error_table"] = table.to_dict()
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(render(result, args.format, args.lang))
        if table is not None:
            print()
            print(render(table, args.format, args.lang))
    save_plot(result, args)
    return exit_code_for(result)


def add_commands(commands: Any) -> None:
    """Add ``taylor`` to the subparsers object of the ``symderiv`` parser."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "taylor",
        help="Taylor polynomial with derivative table, error table and measured order",
        description=(
            "The Taylor polynomial of a function about a point: the derivatives worked step "
            "by step, the coefficients f^(k)(a)/k!, the polynomial in powers of (x - a), and "
            "a numeric check of its order of accuracy."
        ),
    )
    parser.add_argument("expr", help='the function, e.g. "sin(x)" or LaTeX; - reads stdin')
    parser.add_argument(
        "--at", help="expansion point: 0 (default), 1/2, pi/4; several variables: x=1,y=2"
    )
    parser.add_argument("--order", type=int, default=2, help="degree of the polynomial (default 2)")
    parser.add_argument("--table", help="steps h for an error table, e.g. 0.1,0.5,1,2")
    parser.add_argument("--vars", help="the variables, comma separated (e.g. x,y)")
    parser.add_argument("--detail", choices=("brief", "normal", "full"), default="normal")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the text")
    add_plot_option(parser)
    parser.add_argument("--no-verify", action="store_true", help="skip the numeric checks")
    parser.set_defaults(run=cmd_taylor)
