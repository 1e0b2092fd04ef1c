"""Printers for gradients and Jacobians: every partial derivative worked, then the vector or
matrix (JSON schemas ``symderiv.gradient/1`` and ``symderiv.jacobian/1``)."""

from __future__ import annotations

from typing import Any

from symderiv.notation import latex_str, unicode_str
from symderiv.render.common import verification_line
from symderiv.render.json import derivation_to_dict, expression_dict
from symderiv.render.latex import derivation_to_latex, escape_text
from symderiv.render.markdown import derivation_to_markdown
from symderiv.render.mv_layout import (
    indent_lines,
    input_dict,
    labelled_matrix,
    matrix_latex,
    vars_text,
)
from symderiv.render.mv_words import (
    math_show,
    mv_message,
    mv_typeset,
    vector_text,
)
from symderiv.render.text import derivation_to_text

# --------------------------------------------------------------------------- gradient


def gradient_text(g: Any, lang: str) -> str:
    out = [mv_message("gradient_title", lang, f=unicode_str(g.expr), vars=vars_text(g.vars)), ""]
    for x, d in zip(g.vars, g.partials, strict=True):
        out.append(f"{mv_message('partial_by', lang, var=unicode_str(x))}, ∂f/∂{unicode_str(x)}:")
        out.extend(indent_lines(derivation_to_text(d, lang=lang)))
        out.append("")
    out.append(f"∇f = {vector_text(g.components, unicode_str)}")
    out.append(verification_line(g.verification, lang))
    return "\n".join(out)


def gradient_latex(g: Any, lang: str) -> str:
    names = ", ".join(latex_str(v) for v in g.vars)
    title = mv_typeset(
        "gradient_title", lang, "latex", f=f"${latex_str(g.expr)}$", vars=f"${names}$"
    )
    out = [f"\\noindent {title}", ""]
    for d in g.partials:
        out.extend([derivation_to_latex(d, lang=lang), ""])
    out.append(f"\\[ \\nabla f = {matrix_latex(g.vector)} \\]")
    out.append("")
    out.append(f"\\noindent {escape_text(verification_line(g.verification, lang, mark=False))}")
    return "\n".join(out)


def gradient_markdown(g: Any, lang: str) -> str:
    title = mv_message(
        "gradient_title",
        lang,
        f=f"${latex_str(g.expr)}$",
        vars="$" + ", ".join(latex_str(v) for v in g.vars) + "$",
    )
    out = [f"### {title}", ""]
    for x, d in zip(g.vars, g.partials, strict=True):
        out.append(f"#### {mv_message('partial_by', lang, var=f'${latex_str(x)}$')}")
        out.append("")
        out.append(derivation_to_markdown(d, lang=lang))
    out.append(f"**{mv_message('result', lang)}:** $\\nabla f = {matrix_latex(g.vector)}$")
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
        "vector": [expression_dict(c) for c in g.components],
        "verification": g.verification.to_dict(),
    }


# --------------------------------------------------------------------------- Jacobian


def jacobian_text(j: Any, lang: str) -> str:
    fs = ", ".join(unicode_str(f) for f in j.exprs)
    out = [mv_message("jacobian_title", lang, fs=fs, vars=vars_text(j.vars)), ""]
    for i, (f, row) in enumerate(zip(j.exprs, j.entries, strict=True), 1):
        for x, d in zip(j.vars, row, strict=True):
            out.append(
                mv_message("jacobian_entry", lang, i=i, var=unicode_str(x), f=unicode_str(f)) + ":"
            )
            out.extend(indent_lines(derivation_to_text(d, lang=lang)))
            out.append("")
    out.extend(labelled_matrix("J", j.matrix))
    out.append(verification_line(j.verification, lang))
    return "\n".join(out)


def jacobian_latex(j: Any, lang: str) -> str:
    fs = ", ".join(latex_str(f) for f in j.exprs)
    names = ", ".join(latex_str(v) for v in j.vars)
    title = mv_typeset("jacobian_title", lang, "latex", fs=f"${fs}$", vars=f"${names}$")
    out = [f"\\noindent {title}", ""]
    for row in j.entries:
        for d in row:
            out.extend([derivation_to_latex(d, lang=lang), ""])
    out.append(f"\\[ J = {matrix_latex(j.matrix)} \\]")
    out.append("")
    out.append(f"\\noindent {escape_text(verification_line(j.verification, lang, mark=False))}")
    return "\n".join(out)


def jacobian_markdown(j: Any, lang: str) -> str:
    fs = ", ".join(latex_str(f) for f in j.exprs)
    title = mv_message(
        "jacobian_title",
        lang,
        fs=f"${fs}$",
        vars="$" + ", ".join(latex_str(v) for v in j.vars) + "$",
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
    out.append(f"**{mv_message('result', lang)}:** $J = {matrix_latex(j.matrix)}$")
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
        "matrix": [[expression_dict(d.result) for d in row] for row in j.entries],
        "verification": j.verification.to_dict(),
    }
