"""Printers for implicit differentiation: each step, both sides' derivations, dy/dx (JSON
schema ``symderiv.implicit/1``)."""

from __future__ import annotations

from typing import Any

import sympy as sp

from symderiv.i18n import LANGUAGES
from symderiv.notation import teacher_latex, teacher_unicode
from symderiv.render.common import verification_line
from symderiv.render.json import derivation_to_dict, expression_dict
from symderiv.render.latex import derivation_to_latex, escape_text
from symderiv.render.markdown import derivation_to_markdown
from symderiv.render.mv_layout import (
    indent_lines,
)
from symderiv.render.mv_words import (
    Show,
    math_show,
    mv_message,
    mv_typeset,
)
from symderiv.render.text import derivation_to_text

# --------------------------------------------------------------------------- implicit


def _equation_text(lhs: sp.Expr, rhs: sp.Expr, show: Show = teacher_unicode) -> str:
    return f"{show(lhs)} = {show(rhs)}"


def _implicit_names(d: Any) -> dict[str, sp.Expr]:
    return {"x": d.x, "y": d.y, "yx": d.y_of_x, "dydx": d.dydx_symbol}


def _step_lhs_latex(step: Any) -> str:
    return r"\frac{dy}{dx}" if step.kind == "simplify" else teacher_latex(step.lhs)


def implicit_text(d: Any, lang: str) -> str:
    names = {k: teacher_unicode(v) for k, v in _implicit_names(d).items()}
    out = [mv_message("implicit_title", lang, equation=_equation_text(d.lhs, d.rhs), **names), ""]
    for number, step in enumerate(d.steps, 1):
        out.append(f"{number}. {mv_message('implicit_' + step.kind, lang, **names)}")
        if step.kind == "differentiate":
            out.append(f"   {mv_message('implicit_left', lang)}:")
            out.extend(indent_lines(derivation_to_text(d.lhs_derivation, lang=lang), "     "))
            out.append(f"   {mv_message('implicit_right', lang)}:")
            out.extend(indent_lines(derivation_to_text(d.rhs_derivation, lang=lang), "     "))
        lhs = "dy/dx" if step.kind == "simplify" else teacher_unicode(step.lhs)
        out.append(f"   {lhs} = {teacher_unicode(step.rhs)}")
    out.append("")
    out.append(f"dy/dx = {teacher_unicode(d.result)}")
    out.append(verification_line(d.verification, lang))
    return "\n".join(out)


def implicit_latex(d: Any, lang: str) -> str:
    names = {k: math_show(v) for k, v in _implicit_names(d).items()}

    def words(key: str, **extra: str) -> str:
        return mv_typeset(key, lang, "latex", **names, **extra)

    equation = f"${teacher_latex(d.lhs)} = {teacher_latex(d.rhs)}$"
    out = [f"\\noindent {words('implicit_title', equation=equation)}", "", "\\begin{enumerate}"]
    for step in d.steps:
        out.append(f"\\item {words('implicit_' + step.kind)}")
        if step.kind == "differentiate":
            out.append(derivation_to_latex(d.lhs_derivation, lang=lang))
            out.append(derivation_to_latex(d.rhs_derivation, lang=lang))
        out.append(f"\\[ {_step_lhs_latex(step)} = {teacher_latex(step.rhs)} \\]")
    out.append("\\end{enumerate}")
    out.append(f"\\[ \\frac{{dy}}{{dx}} = {teacher_latex(d.result)} \\]")
    out.append("")
    out.append(f"\\noindent {escape_text(verification_line(d.verification, lang, mark=False))}")
    return "\n".join(out)


def implicit_markdown(d: Any, lang: str) -> str:
    names = {k: f"${teacher_latex(v)}$" for k, v in _implicit_names(d).items()}
    equation = f"${teacher_latex(d.lhs)} = {teacher_latex(d.rhs)}$"
    out = [f"### {mv_message('implicit_title', lang, equation=equation, **names)}", ""]
    # Steps are paragraphs, not a list: Markdown tables (the derivations) do not render
    # inside list items in Jupyter and many other renderers.
    for number, step in enumerate(d.steps, 1):
        out.append(f"**{number}.** {mv_message('implicit_' + step.kind, lang, **names)}")
        out.append("")
        if step.kind == "differentiate":
            out.append(f"*{mv_message('implicit_left', lang)}*")
            out.append("")
            out.append(derivation_to_markdown(d.lhs_derivation, lang=lang))
            out.append(f"*{mv_message('implicit_right', lang)}*")
            out.append("")
            out.append(derivation_to_markdown(d.rhs_derivation, lang=lang))
        out.append(f"$${_step_lhs_latex(step)} = {teacher_latex(step.rhs)}$$")
        out.append("")
    out.append(
        f"**{mv_message('result', lang)}:** $\\dfrac{{dy}}{{dx}} = {teacher_latex(d.result)}$"
    )
    out.append("")
    out.append(verification_line(d.verification, lang))
    return "\n".join(out) + "\n"


def implicit_dict(d: Any) -> dict[str, Any]:
    return {
        "schema": "symderiv.implicit/1",
        "input": {"text": d.source},
        "equation": {"lhs": expression_dict(d.lhs), "rhs": expression_dict(d.rhs)},
        "x": str(d.x),
        "y": str(d.y),
        "steps": [
            {
                "kind": s.kind,
                "lhs": expression_dict(s.lhs),
                "rhs": expression_dict(s.rhs),
                "text": {
                    lang: mv_message(
                        "implicit_" + s.kind,
                        lang,
                        **{k: teacher_unicode(v) for k, v in _implicit_names(d).items()},
                    )
                    for lang in LANGUAGES
                },
            }
            for s in d.steps
        ],
        "lhs_derivation": derivation_to_dict(d.lhs_derivation),
        "rhs_derivation": derivation_to_dict(d.rhs_derivation),
        "result": expression_dict(d.result),
        "verification": d.verification.to_dict(),
    }
