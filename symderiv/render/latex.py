r"""LaTeX rendering of a Derivation: an ``align*`` chain with the rule beside each line.

Needs only amsmath. Korean rule names in ``\text{}`` need a Korean-capable engine
(kotex with xelatex), which the worksheet builder sets up.
"""

from __future__ import annotations

import sympy as sp

from symderiv.i18n import check_language, message
from symderiv.notation import ShapeLatexPrinter, ShapeUnicodePrinter, shape_latex
from symderiv.render.common import (
    COMPACT_WIDTH,
    compact_line,
    held_constant_note,
    rule_label,
    shows_everything,
    stage_header_shape,
    verification_line,
)
from symderiv.rulebook import load_rulebook
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


def _math_label(step: Step, lang: str, partial: bool = False) -> str:
    """The rule names as text; the chain rule's outer derivative and substitution as math:
    chain rule: d/du u^2 = 2u, u = 3x + 1."""
    label = r"\text{%s}" % escape_text(rule_label(step, lang))
    if step.substitution is None:
        return label
    letter, inner = step.substitution
    where = r"%s = %s" % (shape_latex(letter), shape_latex(inner))
    if step.rule == "chain" and step.outer_derivative is not None:
        function, derivative = step.outer_derivative
        outer = r"\tfrac{d}{d%s} %s = %s" % (
            shape_latex(letter),
            shape_latex(function),
            shape_latex(derivative),
        )
        chain = r"\text{%s:}" % escape_text(load_rulebook()["chain"].name(lang))
        return r"%s\ %s,\ %s" % (chain, outer, where)
    return label + r"\ (%s)" % where


def derivation_to_latex(derivation: Derivation, lang: str = "en") -> str:
    """The worked derivation as an ``align*`` environment."""
    check_language(lang)
    x = derivation.var
    show = ShapeLatexPrinter(derivation.partial).doprint
    compact = not shows_everything(derivation)
    rows: list[str] = []
    for stage in range(1, derivation.order + 1):
        f = stage_header_shape(derivation, stage)
        head = show(sp.Derivative(f, x, evaluate=False))
        steps = derivation.stage_steps(stage)
        bodies = [
            (
                (compact and compact_line(step, show, r"\ldots", 4 * COMPACT_WIDTH))
                or show(step.after),
                _math_label(step, lang),
            )
            for step in steps
        ] or [(show(derivation.shown_result(stage)), "")]
        for index, (body, label) in enumerate(bodies):
            lead = head if index == 0 else ""
            tag = f" && {label}" if label else ""
            rows.append(f"{lead} &= {body}{tag}")
    note = held_constant_note(derivation, lang, ShapeUnicodePrinter().doprint)
    footer = verification_line(derivation.verification, lang, mark=False)
    if note:
        footer = f"{note}; {footer}"
    if derivation.result.has(sp.Heaviside):
        footer = f"{message('heaviside_note', lang)}; {footer}"
    return (
        "\\begin{align*}\n"
        + " \\\\\n".join(rows)
        + f" \\\\\n& \\text{{{escape_text(footer)}}}\n"
        + "\\end{align*}"
    )
