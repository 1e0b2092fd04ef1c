"""The ``symderiv worksheet`` command: randomised problem sets with verified answer keys.

``cli.build_parser()`` calls :func:`add_commands` with its subparsers object. Errors are
:class:`~symderiv.errors.SymderivError` (exit code 2 from ``cli.main``); the command returns
0, or 1 when an answer failed its numeric check (explicit problems only: bank problems are
always verified).

    symderiv worksheet examples/chain-rule.toml --seed 42 --variants 2 --lang ko --pdf -o out/

writes, per variant (A, B, ...), ``sheet-A.tex``, ``key-A.tex`` and ``answers-A.json`` (and
``.pdf`` files with ``--pdf``; ``.md`` instead of ``.tex`` with ``--format markdown``), and
the figures of problems that have one beside them: ``fig-A-3.pdf`` and ``fig-A-3-key.pdf``
(``.svg`` for Markdown).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from symderiv.cli.common import EXIT_CHECK_FAILED, EXIT_OK
from symderiv.worksheet import worksheet
from symderiv.worksheet.spec import LANGUAGES, WorksheetError, load_spec

MAX_VARIANTS = 26


def cmd_worksheet(args: argparse.Namespace) -> int:
    if not 1 <= args.variants <= MAX_VARIANTS:
        raise WorksheetError(f"--variants must be from 1 to {MAX_VARIANTS}")
    if args.pdf and args.format != "latex":
        raise WorksheetError("--pdf needs --format latex")
    spec = load_spec(Path(args.spec))
    outdir = Path(args.output)
    outdir.mkdir(parents=True, exist_ok=True)
    failed = False
    for variant in range(args.variants):
        ws = worksheet(spec, seed=args.seed, variant=variant, lang=args.lang)
        letter = ws.letter
        written: list[Path] = []
        figures = 0
        for key, stem in ((False, f"sheet-{letter}"), (True, f"key-{letter}")):
            if args.format == "markdown":
                path = outdir / f"{stem}.md"
                figures += len(ws.write_figures(outdir, key, "svg"))
                path.write_text(ws.to_markdown(key=key), encoding="utf-8")
            elif args.pdf:
                pdf = ws.build_pdf(outdir, key=key, stem=stem)
                figures += sum(1 for p in ws.problems if p.figure)
                written.append(pdf.with_suffix(".tex"))
                path = pdf
            else:
                path = outdir / f"{stem}.tex"
                figures += len(ws.write_figures(outdir, key))
                path.write_text(ws.to_latex(key=key), encoding="utf-8")
            written.append(path)
        answers = outdir / f"answers-{letter}.json"
        answers.write_text(
            json.dumps(ws.answers(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        written.append(answers)
        failed |= not all(p.verified for p in ws.problems)
        shown = f" and {figures} figures (fig-{letter}-*)" if figures else ""
        print(
            f"{letter}: {len(ws.problems)} problems, {ws.total_points} points -> "
            + ", ".join(str(p) for p in written)
            + shown
        )
    return EXIT_CHECK_FAILED if failed else EXIT_OK


def add_commands(commands: Any) -> None:
    """Add ``worksheet`` to the subparsers object of the ``symderiv`` parser."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "worksheet",
        help="build randomised worksheets with verified answer keys",
        description=(
            "Generate problem sheets and answer keys from a TOML spec: the same seed gives "
            "the same .tex; every answer is derived step by step and checked numerically."
        ),
    )
    parser.add_argument("spec", help="the worksheet spec (TOML)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--variants", type=int, default=1, help="number of variants A, B, ... (default 1)"
    )
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=None, help="language (default: the spec's)"
    )
    parser.add_argument(
        "--format",
        choices=("latex", "markdown"),
        default="latex",
        help="document format (default latex)",
    )
    parser.add_argument(
        "--pdf",
        action="store_true",
        help="also compile PDFs (needs TeX: pdflatex, or xelatex for Korean)",
    )
    parser.add_argument(
        "-o", "--output", required=True, metavar="OUTDIR", help="directory for the files"
    )
    parser.set_defaults(run=cmd_worksheet)
