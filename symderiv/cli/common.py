"""What every ``symderiv`` subcommand shares: exit codes, reading EXPR, output options.

The command modules and ``app.py`` import from here, so none of them
needs to import another.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from symderiv.i18n import LANGUAGES

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT, EXIT_TIMEOUT = 0, 1, 2, 3
OUTPUT_FORMATS = ("text", "latex", "markdown", "json")


def read_expression(text: str) -> str:
    """The EXPR argument, or standard input when it is ``-``."""
    return sys.stdin.read().strip() if text == "-" else text


def render(result: Any, fmt: str, lang: str) -> str:
    """Any result object (Derivation, Gradient, Taylor, ...) in the chosen format."""
    if fmt == "json":
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
    if fmt == "latex":
        return result.to_latex(lang=lang)
    if fmt == "markdown":
        return result.to_markdown(lang=lang)
    return result.to_text(lang=lang)


def exit_code_for(result: Any) -> int:
    """1 when the result's numeric check failed, else 0."""
    return EXIT_CHECK_FAILED if result.verification.ok is False else EXIT_OK


def add_output_options(
    parser: argparse.ArgumentParser, formats: tuple[str, ...] = OUTPUT_FORMATS
) -> None:
    parser.add_argument(
        "--format",
        choices=formats,
        default=formats[0],
        help=f"output format (default: {formats[0]})",
    )
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the text")


def add_plot_option(parser: argparse.ArgumentParser) -> None:
    """``--plot FILE``: also draw the result's picture (PNG, SVG or PDF by the suffix)."""
    parser.add_argument(
        "--plot",
        metavar="FILE",
        help="also draw the picture into FILE (.png, .svg or .pdf; needs symderiv[plot])",
    )


def save_plot(result: Any, args: argparse.Namespace, **options: Any) -> None:
    """Draw ``result`` into ``args.plot`` when the command was given ``--plot``."""
    if not getattr(args, "plot", None):
        return
    try:
        from symderiv.plot import plot, save
    except ImportError:
        from symderiv.cli.inputs import CliError

        raise CliError("plot_extra_missing") from None
    save(plot(result, lang=args.lang, **options), args.plot)
