"""Plain-text (Unicode) rendering of a Derivation: one line per step, rules in a column.

d/dx[(3x + 1)²]
  = 2(3x + 1)·d/dx[3x + 1]  chain rule: d/du u² = 2u, u = 3x + 1
  = 2(3x + 1)·d/dx[3x]      sum rule + constant rule
  = 2(3x + 1)·3             constant multiple rule + derivative of the variable
  = 6(3x + 1)               simplify
✓ checked against finite differences at 3 points (max relative error 1.2e-31)

Every line keeps the terms and factors in the order they were written. A line longer
than ``render.common.COMPACT_WIDTH`` shows only the terms its step changed, the others
elided as ``…`` (unless the derivation was made with ``detail="full"``). One printer
prints the whole derivation and remembers the printed form of every term, so a term no
step touches is printed once, however many lines show it.
"""

from __future__ import annotations

import sympy as sp

from symderiv.i18n import check_language, message
from symderiv.notation import ShapeUnicodePrinter
from symderiv.render.common import (
    compact_line,
    held_constant_note,
    shows_everything,
    stage_header_shape,
    step_label,
    verification_line,
)
from symderiv.steps import Derivation

#: Rule names start in this column at most; a longer line puts its rule on the next line.
MAX_COLUMN = 72
#: At least this many spaces between a line and its rule name.
GAP = 2


def _ascii(text: str) -> str:
    return text.encode("ascii", "replace").decode("ascii")


def _heaviside_note(derivation: Derivation, lang: str) -> str:
    return message("heaviside_note", lang) if derivation.result.has(sp.Heaviside) else ""


def derivation_to_text(derivation: Derivation, lang: str = "en", *, unicode: bool = True) -> str:
    """The worked derivation as lines of text (``unicode=False`` for plain ASCII)."""
    check_language(lang)
    show = ShapeUnicodePrinter(partial=derivation.partial)
    compact = not shows_everything(derivation)
    x = derivation.var
    lines: list[tuple[str, str]] = []
    headers: dict[int, str] = {}
    for stage in range(1, derivation.order + 1):
        f = stage_header_shape(derivation, stage)
        headers[len(lines)] = show.doprint(sp.Derivative(f, x, evaluate=False))
        steps = derivation.stage_steps(stage)
        for step in steps:
            label = step_label(step, lang, show.doprint)
            shown = compact_line(step, show.doprint) if compact else None
            lines.append((f"  = {shown or show.doprint(step.after)}", label))
        if not steps:
            lines.append((f"  = {show.doprint(derivation.shown_result(stage))}", ""))
    width = min(MAX_COLUMN, max(len(expr) for expr, _ in lines) + GAP)
    out: list[str] = []
    note = held_constant_note(derivation, lang, show.doprint)
    for index, (expr, label) in enumerate(lines):
        if index in headers:
            out.append(headers[index] + (f"    {note}" if note and index == 0 else ""))
        if not label:
            out.append(expr)
        elif len(expr) + GAP <= width:
            out.append(f"{expr.ljust(width)}{label}")
        else:
            out.append(expr)
            out.append(" " * width + label)
    heaviside = _heaviside_note(derivation, lang)
    if heaviside:
        out.append(heaviside)
    out.append(verification_line(derivation.verification, lang))
    text = "\n".join(out)
    return text if unicode else _ascii(text)
