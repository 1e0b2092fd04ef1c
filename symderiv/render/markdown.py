"""Markdown rendering of a Derivation: a table of steps with ``$…$`` math, for notebooks
and learning platforms."""

from __future__ import annotations

import sympy as sp

from symderiv.i18n import check_language, message
from symderiv.notation import ShapeLatexPrinter, ShapeUnicodePrinter, shape_latex
from symderiv.render.common import (
    COMPACT_WIDTH,
    compact_line,
    held_constant_note,
    shows_everything,
    stage_header_shape,
    step_label,
    verification_line,
)
from symderiv.steps import Derivation


def _cell(text: str) -> str:
    return text.replace("|", r"\|").replace("\n", " ")


def derivation_to_markdown(derivation: Derivation, lang: str = "en") -> str:
    """The worked derivation as Markdown: a heading, a step table, the check."""
    check_language(lang)
    x = derivation.var
    math = ShapeLatexPrinter(derivation.partial).doprint
    compact = not shows_everything(derivation)

    out: list[str] = []
    for stage in range(1, derivation.order + 1):
        f = stage_header_shape(derivation, stage)
        out.append(f"**${math(sp.Derivative(f, x, evaluate=False))}$**")
        out.append("")
        out.append(f"| | {message('derivative_of', lang)} | {message('rule', lang)} |")
        out.append("|---|---|---|")
        steps = derivation.stage_steps(stage)
        for number, step in enumerate(steps, 1):
            label = step_label(step, lang, shape_latex, "${}$".format, r"\frac{{d}}{{d{letter}}} ")
            line = (compact and compact_line(step, math, r"\ldots", 4 * COMPACT_WIDTH)) or math(
                step.after
            )
            out.append(f"| {number} | $= {_cell(line)}$ | {_cell(label)} |")
        if not steps:
            out.append(f"| 1 | $= {_cell(math(derivation.shown_result(stage)))}$ | |")
        out.append("")
    note = held_constant_note(derivation, lang, ShapeUnicodePrinter().doprint)
    if note:
        out.append(note)
        out.append("")
    if derivation.result.has(sp.Heaviside):
        out.append(message("heaviside_note", lang))
        out.append("")
    out.append(f"**{message('result', lang)}:** ${math(derivation.shown_result())}$")
    out.append("")
    out.append(verification_line(derivation.verification, lang))
    return "\n".join(out) + "\n"
