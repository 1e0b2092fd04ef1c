"""Printers for gradients and Jacobians: every partial derivative worked, then the vector or
matrix (JSON schemas ``symderiv.gradient/1`` and ``symderiv.jacobian/1``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from symderiv.notation import teacher_latex, teacher_unicode
from symderiv.render.common import verification_line
from symderiv.render.json import derivation_to_dict
from symderiv.render.latex import derivation_to_latex, escape_text
from symderiv.render.markdown import derivation_to_markdown
from symderiv.render.mv_layout import (
    indent_lines,
    input_dict,
    labelled_lines,
    shown_input_latex,
    shown_input_text,
    shown_matrix_latex,
    shown_matrix_text,
    shown_result_dict,
    shown_text,
    vars_math,
    vars_text,
)
from symderiv.render.mv_words import math_show, mv_message, mv_typeset
from symderiv.render.text import derivation_to_text
from symderiv.steps import Derivation

# --------------------------------------------------------------------------- gradient


def _input_text(partials: Sequence[Derivation], expr: Any) -> str:
    """f as the learner wrote it (the first partial's input shape)."""
    return shown_input_text(partials[0]) if partials else teacher_unicode(expr)


def _input_latex(partials: Sequence[Derivation], expr: Any) -> str:
    return shown_input_latex(partials[0]) if partials else teacher_latex(expr)


def _column_latex(partials: Sequence[Derivation]) -> str:
    return shown_matrix_latex([[d] for d in partials])


def gradient_text(g: Any, lang: str) -> str:
    f = _input_text(g.partials, g.expr)
    out = [mv_message("gradient_title", lang, f=f, vars=vars_text(g.vars)), ""]
    for x, d in zip(g.vars, g.partials, strict=True):
        out.append(
            f"{mv_message('partial_by', lang, var=teacher_unicode(x))}, ∂f/∂{teacher_unicode(x)}:"
        )
        out.extend(indent_lines(derivation_to_text(d, lang=lang)))
        out.append("")
    out.append(f"∇f = ({', '.join(shown_text(d) for d in g.partials)})")
    out.append(verification_line(g.verification, lang))
    return "\n".join(out)


def gradient_latex(g: Any, lang: str) -> str:
    names = ", ".join(teacher_latex(v) for v in g.vars)
    title = mv_typeset(
        "gradient_title",
        lang,
        "latex",
        f=f"${_input_latex(g.partials, g.expr)}$",
        vars=f"${names}$",
    )
    out = [f"\\noindent {title}", ""]
    for d in g.partials:
        out.extend([derivation_to_latex(d, lang=lang), ""])
    out.append(f"\\[ \\nabla f = {_column_latex(g.partials)} \\]")
    out.append("")
    out.append(f"\\noindent {escape_text(verification_line(g.verification, lang, mark=False))}")
    return "\n".join(out)


def gradient_markdown(g: Any, lang: str) -> str:
    title = mv_message(
        "gradient_title",
        lang,
        f=f"${_input_latex(g.partials, g.expr)}$",
        vars=vars_math(g.vars),
    )
    out = [f"### {title}", ""]
    for x, d in zip(g.vars, g.partials, strict=True):
        out.append(f"#### {mv_message('partial_by', lang, var=f'${teacher_latex(x)}$')}")
        out.append("")
        out.append(derivation_to_markdown(d, lang=lang))
    out.append(f"**{mv_message('result', lang)}:** $\\nabla f = {_column_latex(g.partials)}$")
    out.append("")
    out.append(verification_line(g.verification, lang))
    return "\n".join(out) + "\n"


def gradient_dict(g: Any) -> dict[str, Any]:
    return {
        "schema": "symderiv.gradient/1",
        "input": input_dict(g.expr, g.source),
        "variables": [str(v) for v in g.vars],
        "parameters": [str(p) for p in g.params],
        "partials": [derivation_to_dict(d) for d in g.partials],
        "vector": [shown_result_dict(d) for d in g.partials],
        "verification": g.verification.to_dict(),
    }


# --------------------------------------------------------------------------- Jacobian


def jacobian_text(j: Any, lang: str) -> str:
    fs = ", ".join(_input_text(row, f) for f, row in zip(j.exprs, j.entries, strict=True))
    out = [mv_message("jacobian_title", lang, fs=fs, vars=vars_text(j.vars)), ""]
    for i, (f, row) in enumerate(zip(j.exprs, j.entries, strict=True), 1):
        for x, d in zip(j.vars, row, strict=True):
            out.append(
                mv_message(
                    "jacobian_entry", lang, i=i, var=teacher_unicode(x), f=teacher_unicode(f)
                )
                + ":"
            )
            out.extend(indent_lines(derivation_to_text(d, lang=lang)))
            out.append("")
    out.extend(labelled_lines("J", shown_matrix_text(j.entries)))
    out.append(verification_line(j.verification, lang))
    return "\n".join(out)


def jacobian_latex(j: Any, lang: str) -> str:
    fs = ", ".join(_input_latex(row, f) for f, row in zip(j.exprs, j.entries, strict=True))
    names = ", ".join(teacher_latex(v) for v in j.vars)
    title = mv_typeset("jacobian_title", lang, "latex", fs=f"${fs}$", vars=f"${names}$")
    out = [f"\\noindent {title}", ""]
    for row in j.entries:
        for d in row:
            out.extend([derivation_to_latex(d, lang=lang), ""])
    out.append(f"\\[ J = {shown_matrix_latex(j.entries)} \\]")
    out.append("")
    out.append(f"\\noindent {escape_text(verification_line(j.verification, lang, mark=False))}")
    return "\n".join(out)


def jacobian_markdown(j: Any, lang: str) -> str:
    fs = ", ".join(_input_latex(row, f) for f, row in zip(j.exprs, j.entries, strict=True))
    title = mv_message(
        "jacobian_title",
        lang,
        fs=f"${fs}$",
        vars=vars_math(j.vars),
    )
    out = [f"### {title}", ""]
    for i, (f, row) in enumerate(zip(j.exprs, j.entries, strict=True), 1):
        for x, d in zip(j.vars, row, strict=True):
            label = mv_typeset(
                "jacobian_entry", lang, "markdown", i=str(i), var=math_show(x), f=math_show(f)
            )
            out.append(f"#### {label}")
            out.append("")
            out.append(derivation_to_markdown(d, lang=lang))
    out.append(f"**{mv_message('result', lang)}:** $J = {shown_matrix_latex(j.entries)}$")
    out.append("")
    out.append(verification_line(j.verification, lang))
    return "\n".join(out) + "\n"


def jacobian_dict(j: Any) -> dict[str, Any]:
    return {
        "schema": "symderiv.jacobian/1",
        "inputs": [
            input_dict(f, s) for f, s in zip(j.exprs, j.sources or [""] * len(j.exprs), strict=True)
        ],
        "variables": [str(v) for v in j.vars],
        "entries": [[derivation_to_dict(d) for d in row] for row in j.entries],
        "matrix": [[shown_result_dict(d) for d in row] for row in j.entries],
        "verification": j.verification.to_dict(),
    }
