"""Printers for critical points: ∇f = 0 solved, each point classified (JSON schema
``symderiv.critical_points/1``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy as sp

from symderiv.notation import teacher_latex, teacher_unicode
from symderiv.render.common import verification_line
from symderiv.render.gradient import gradient_dict
from symderiv.render.hessian import (
    classification_dict,
    classification_markdown,
    classification_text,
)
from symderiv.render.json import expression_dict
from symderiv.render.latex import derivation_to_latex, escape_text
from symderiv.render.markdown import derivation_to_markdown
from symderiv.render.mv_layout import (
    indent_lines,
    input_dict,
    matrix_latex,
    point_latex,
    point_text,
    vars_math,
    vars_text,
)
from symderiv.render.mv_words import (
    Show,
    kind_name,
    math_show,
    mv_message,
    mv_typeset,
    reason_dict,
    reason_text,
    vector_text,
)
from symderiv.render.text import derivation_to_text

# --------------------------------------------------------------------------- critical points


def _family_note(p: Any, lang: str, show: Show, mode: str) -> str:
    if not p.family:
        return ""
    names = ", ".join(show(s) for s in p.family)
    key = "family_integers" if all(s.is_integer for s in p.family) else "family_reals"
    if mode == "text":
        return mv_message(key, lang, params=names)
    return mv_typeset(key, lang, mode, params=names)


def _point_line(
    p: Any, vars: Sequence[sp.Symbol], lang: str, show: Show, mode: str = "text"
) -> str:
    """The point (``show`` typesets each value), its family and whether it is numeric."""
    text = f"${point_latex(p.point, vars)}$" if mode == "latex" else point_text(p.point, vars, show)
    family = _family_note(p, lang, show, mode)
    if family:
        text += f", {family}"
    if not p.exact:
        numeric = mv_message("numeric_point", lang)
        text += f" {escape_text(numeric) if mode == 'latex' else numeric}"
    return text


def critical_text(cp: Any, lang: str) -> str:
    out = [
        mv_message("critical_title", lang, f=teacher_unicode(cp.expr), vars=vars_text(cp.vars)),
        "",
    ]
    for x, d in zip(cp.vars, cp.gradient.partials, strict=True):
        out.append(f"∂f/∂{teacher_unicode(x)}:")
        out.extend(indent_lines(derivation_to_text(d, lang=lang)))
    out.append(f"∇f = {vector_text(cp.gradient.components, teacher_unicode)} = 0")
    out.append("")
    for note in cp.notes:
        out.append(reason_text(note, lang))
    if not cp.points:
        out.append(mv_message("critical_none", lang))
    elif cp.infinite:
        out.append(mv_message("critical_infinite", lang))
    else:
        out.append(mv_message("critical_count", lang, count=len(cp.points)))
    for number, p in enumerate(cp.points, 1):
        point = _point_line(p, cp.vars, lang, teacher_unicode)
        out.append(f"{number}. {point}  →  {kind_name(p.kind, lang)}")
        if p.classification is not None:
            out.extend(
                indent_lines(classification_text(p.classification, lang, title=False), "   ")
            )
        out.append("")
    out.append(verification_line(cp.verification, lang))
    return "\n".join(out)


def critical_latex(cp: Any, lang: str) -> str:
    names = ", ".join(teacher_latex(v) for v in cp.vars)
    title = mv_typeset(
        "critical_title", lang, "latex", f=f"${teacher_latex(cp.expr)}$", vars=f"${names}$"
    )
    out = [f"\\noindent {title}", ""]
    for d in cp.gradient.partials:
        out.extend([derivation_to_latex(d, lang=lang), ""])
    out.append(f"\\[ \\nabla f = {matrix_latex(cp.gradient.vector)} = 0 \\]")
    out.append("")
    for note in cp.notes:
        out.extend([f"\\noindent {reason_text(note, lang, mode='latex')}", ""])
    if not cp.points:
        out.append(f"\\noindent {mv_typeset('critical_none', lang, 'latex')}")
    else:
        key = "critical_infinite" if cp.infinite else "critical_count"
        out.append(f"\\noindent {mv_typeset(key, lang, 'latex', count=str(len(cp.points)))}")
        out.append("\\begin{enumerate}")
        for p in cp.points:
            line = _point_line(p, cp.vars, lang, math_show, "latex")
            kind = escape_text(kind_name(p.kind, lang))
            reasons = ""
            if p.classification is not None:
                reasons = " ".join(
                    reason_text(r, lang, mode="latex") for r in p.classification.reasons
                )
                eig = p.classification.eigenvalues
                if eig:
                    reasons = f"$\\lambda = {', '.join(teacher_latex(v) for v in eig)}$. " + reasons
            out.append(f"\\item {line}: \\textbf{{{kind}}}. {reasons}")
        out.append("\\end{enumerate}")
    out.append("")
    out.append(f"\\noindent {escape_text(verification_line(cp.verification, lang, mark=False))}")
    return "\n".join(out)


def critical_markdown(cp: Any, lang: str) -> str:
    title = mv_message(
        "critical_title",
        lang,
        f=f"${teacher_latex(cp.expr)}$",
        vars=vars_math(cp.vars),
    )
    out = [f"### {title}", ""]
    for d in cp.gradient.partials:
        out.append(derivation_to_markdown(d, lang=lang))
    out.append(f"$\\nabla f = {matrix_latex(cp.gradient.vector)} = 0$")
    out.append("")
    for note in cp.notes:
        out.extend([reason_text(note, lang, mode="markdown"), ""])
    if not cp.points:
        out.append(mv_message("critical_none", lang))
    else:
        key = "critical_infinite" if cp.infinite else "critical_count"
        out.append(mv_message(key, lang, count=len(cp.points)))
        out.append("")
        for number, p in enumerate(cp.points, 1):
            out.append(
                f"{number}. {_point_line(p, cp.vars, lang, math_show, 'markdown')}: "
                f"**{kind_name(p.kind, lang)}**"
            )
            if p.classification is not None:
                out.append("")
                out.extend(
                    indent_lines(
                        classification_markdown(p.classification, lang, title=False), "   "
                    )
                )
    out.append("")
    out.append(verification_line(cp.verification, lang))
    return "\n".join(out) + "\n"


def critical_dict(cp: Any) -> dict[str, Any]:
    return {
        "schema": "symderiv.critical_points/1",
        "input": input_dict(cp.expr, cp.source),
        "variables": [str(v) for v in cp.vars],
        "gradient": gradient_dict(cp.gradient),
        "status": cp.status,
        "complete": cp.complete,
        "method": cp.method,
        "points": [
            {
                "point": {str(k): expression_dict(v) for k, v in p.point.items()},
                "kind": p.kind,
                "exact": p.exact,
                "family": [str(s) for s in p.family],
                "family_kind": (
                    "integers"
                    if p.family and all(s.is_integer for s in p.family)
                    else ("reals" if p.family else None)
                ),
                "value": None if p.value is None else expression_dict(p.value),
                "eigenvalues": [expression_dict(v) for v in p.eigenvalues],
                "classification": (
                    None if p.classification is None else classification_dict(p.classification)
                ),
            }
            for p in cp.points
        ],
        "notes": reason_dict(cp.notes),
        "verification": cp.verification.to_dict(),
    }
