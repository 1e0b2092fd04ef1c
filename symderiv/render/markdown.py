"""Markdown rendering of a Derivation: a table of steps with ``$…$`` math, for notebooks
and learning platforms."""

from __future__ import annotations

import sympy as sp

from symderiv.i18n import check_language, message
from symderiv.render.common import (
    held_constant_note,
    rule_label,
    stage_header_expr,
    verification_line,
)
from symderiv.render.printers import latex_str, unicode_str
from symderiv.steps import Derivation


def _cell(text: str) -> str:
    return text.replace("|", r"\|").replace("\n", " ")


def derivation_to_markdown(derivation: Derivation, lang: str = "en") -> str:
    """The worked derivation as Markdown: a heading, a step table, the check."""
    check_language(lang)
    x = derivation.var
    out: list[str] = []
    for stage in range(1, derivation.order + 1):
        f = stage_header_expr(derivation, stage)
        out.append(f"**${latex_str(sp.Derivative(f, x, evaluate=False))}$**")
        out.append("")
        out.append(f"| | {message('derivative_of', lang)} | rule |")
        out.append("|---|---|---|")
        steps = derivation.stage_steps(stage)
        for number, step in enumerate(steps, 1):
            label = rule_label(step, lang)
            if step.substitution is not None:
                letter, inner = step.substitution
                label += f" (${latex_str(letter)} = {latex_str(inner)}$)"
            out.append(f"| {number} | $= {_cell(latex_str(step.after))}$ | {_cell(label)} |")
        if not steps:
            out.append(f"| 1 | $= {_cell(latex_str(derivation.stage_results[stage - 1]))}$ | |")
        out.append("")
    note = held_constant_note(derivation, lang, unicode_str)
    if note:
        out.append(note)
        out.append("")
    out.append(f"**{message('result', lang)}:** ${latex_str(derivation.result)}$")
    out.append("")
    out.append(verification_line(derivation.verification, lang))
    return "\n".join(out) + "\n"
