r"""LaTeX rendering of a Derivation: an ``align*`` chain with the rule beside each line.

Needs only amsmath. Korean rule names in ``\text{}`` need a Korean-capable engine
(kotex with xelatex), which the worksheet builder sets up.
"""

from __future__ import annotations

import sympy as sp

from symderiv.i18n import check_language
from symderiv.render.common import (
    held_constant_note,
    rule_label,
    stage_header_expr,
    verification_line,
)
from symderiv.render.printers import latex_str, unicode_str
from symderiv.steps import Derivation, Step

_TEXT_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\^{}",
    "_": r"\_",
    "%": r"\%",
    "~": r"\~{}",
}


def escape_text(text: str) -> str:
    """Escape plain text for use inside ``\\text{}`` or a LaTeX paragraph."""
    return "".join(_TEXT_ESCAPES.get(ch, ch) for ch in text)


def _math_label(step: Step, lang: str) -> str:
    label = r"\text{%s}" % escape_text(rule_label(step, lang))
    if step.substitution is not None:
        letter, inner = step.substitution
        label += r"\ (%s = %s)" % (latex_str(letter), latex_str(inner))
    return label


def derivation_to_latex(derivation: Derivation, lang: str = "en") -> str:
    """The worked derivation as an ``align*`` environment."""
    check_language(lang)
    x = derivation.var
    rows: list[str] = []
    for stage in range(1, derivation.order + 1):
        f = stage_header_expr(derivation, stage)
        head = latex_str(sp.Derivative(f, x, evaluate=False))
        steps = derivation.stage_steps(stage)
        bodies = [(latex_str(step.after), _math_label(step, lang)) for step in steps] or [
            (latex_str(derivation.stage_results[stage - 1]), "")
        ]
        for index, (body, label) in enumerate(bodies):
            lead = head if index == 0 else ""
            tag = f" && {label}" if label else ""
            rows.append(f"{lead} &= {body}{tag}")
    note = held_constant_note(derivation, lang, unicode_str)
    footer = verification_line(derivation.verification, lang, mark=False)
    if note:
        footer = f"{note}; {footer}"
    return (
        "\\begin{align*}\n"
        + " \\\\\n".join(rows)
        + f" \\\\\n& \\text{{{escape_text(footer)}}}\n"
        + "\\end{align*}"
    )
