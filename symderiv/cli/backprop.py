"""The ``symderiv backprop`` command: a computation graph and its backward pass.

``cli.build_parser()`` calls :func:`add_commands` with its subparsers object. Errors are
raised as :class:`~symderiv.errors.SymderivError` and turned into exit code 2 by
``cli.main``; the command returns 0, or 1 when the gradient failed its numeric check.

    symderiv backprop "-(y log(a) + (1-y) log(1-a))" --def "a=sigmoid(z)" \\
        --def "z=w x + b" --wrt w,b --at x=2,y=1,w=0.5,b=0.1
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from symderiv.backprop import backprop
from symderiv.cli.common import add_plot_option, exit_code_for, read_expression, save_plot
from symderiv.cli.inputs import check_variables, parse_pairs, split_names
from symderiv.errors import DerivationError
from symderiv.i18n import LANGUAGES

FORMATS = ("text", "markdown", "mermaid", "dot", "latex", "json")


def _definitions(items: list[str] | None) -> dict[str, str]:
    defs: dict[str, str] = {}
    for item in items or ():
        name, sep, body = item.partition("=")
        if not sep or not name.strip() or not body.strip():
            raise DerivationError(f"--def wants NAME=EXPR, e.g. --def 'a=sigmoid(z)'; got {item!r}")
        if name.strip() in defs:
            raise DerivationError(f"{name.strip()} is defined twice")
        defs[name.strip()] = body.strip()
    return defs


def cmd_backprop(args: argparse.Namespace) -> int:
    text = read_expression(args.expr)
    defs = _definitions(args.defs)
    if args.wrt:
        names = [n for n in split_names(args.wrt) if n not in defs]
        check_variables([text, *defs.values()], names, "--wrt", args.lang)
    at: dict[str, Any] | None = parse_pairs(args.at, "--at") if args.at else None
    result = backprop(
        text,
        args.wrt,
        at,
        name=args.name,
        defs=defs,
        verify=not args.no_verify,
    )
    if args.format == "json":
        output = json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
    elif args.format == "mermaid":
        output = result.to_mermaid(direction=args.direction)
    elif args.format == "dot":
        output = result.to_dot(direction=args.direction)
    elif args.format == "latex":
        output = result.to_latex(lang=args.lang)
    elif args.format == "markdown":
        output = result.to_markdown(lang=args.lang)
    else:
        output = result.to_text(lang=args.lang)
    print(output)
    save_plot(result, args, direction=args.direction)
    return exit_code_for(result)


def add_commands(commands: Any) -> None:
    """Add ``backprop`` to the subparsers object of the ``symderiv`` parser."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "backprop",
        help="backpropagation through the computation graph, step by step",
        description=(
            "Build the computation graph of an expression, derive the local derivative on "
            "every edge and run the backward pass (the chain rule from the output down)."
        ),
    )
    parser.add_argument("expr", help='the output, e.g. "x sin(x)" or LaTeX; - reads stdin')
    parser.add_argument(
        "--wrt", help="variables of the gradient, comma separated (default: every input)"
    )
    parser.add_argument(
        "--at", help="numeric mode: a value for every input, e.g. x=2,y=1,w=0.5,b=0.1"
    )
    parser.add_argument(
        "--def",
        dest="defs",
        action="append",
        metavar="NAME=EXPR",
        help="name an intermediate node (repeatable), e.g. --def 'a=sigmoid(z)'",
    )
    parser.add_argument("--name", default="L", help="name of the output (default: L)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument(
        "--direction",
        choices=("forward", "backward"),
        default="backward",
        help="diagram of the forward or the backward pass (mermaid, dot; default: backward)",
    )
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the text")
    add_plot_option(parser)
    parser.add_argument("--no-verify", action="store_true", help="skip the numeric check")
    parser.set_defaults(run=cmd_backprop)
