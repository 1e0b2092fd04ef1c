"""Printers for Hessians and the second-derivative test (classification) at a point (JSON
schemas ``symderiv.hessian/1`` and ``symderiv.classification/1``)."""

from __future__ import annotations

import dataclasses
from typing import Any

import sympy as sp

from symderiv.i18n import LANGUAGES
from symderiv.notation import teacher_latex, teacher_unicode
from symderiv.render.common import verification_line
from symderiv.render.gradient import gradient_dict
from symderiv.render.json import derivation_to_dict, expression_dict
from symderiv.render.latex import derivation_to_latex, escape_text
from symderiv.render.markdown import derivation_to_markdown
from symderiv.render.mv_layout import (
    indent_lines,
    input_dict,
    labelled_lines,
    labelled_matrix,
    matrix_dict,
    matrix_latex,
    point_latex,
    point_text,
    shown_input_latex,
    shown_input_text,
    shown_matrix_latex,
    shown_matrix_text,
    shown_result_dict,
    shown_text,
    vars_math,
    vars_text,
)
from symderiv.render.mv_words import (
    Show,
    condition_text,
    has_message,
    kind_name,
    math_show,
    mv_message,
    mv_typeset,
    reason_dict,
    reason_text,
)
from symderiv.render.text import derivation_to_text

# --------------------------------------------------------------------------- Hessian


def _f_text(h: Any) -> str:
    """f as the learner wrote it."""
    partials = h.gradient.partials
    return shown_input_text(partials[0]) if partials else teacher_unicode(h.expr)


def _f_latex(h: Any) -> str:
    partials = h.gradient.partials
    return shown_input_latex(partials[0]) if partials else teacher_latex(h.expr)


def _mixed_line(m: Any, lang: str, show: Show, mode: str = "text") -> str:
    values = {"a": show(m.first), "b": show(m.second), "value": show(m.value)}
    if mode == "text":
        return mv_message(f"mixed_{m.method}", lang, **values)
    return mv_typeset(f"mixed_{m.method}", lang, mode, **values)


def hessian_text(h: Any, lang: str) -> str:
    n = len(h.vars)
    out = [mv_message("hessian_title", lang, f=_f_text(h), vars=vars_text(h.vars)), ""]
    out.append(mv_message("first_partials", lang))
    for x, d in zip(h.vars, h.gradient.partials, strict=True):
        out.append(f"∂f/∂{teacher_unicode(x)}:")
        out.extend(indent_lines(derivation_to_text(d, lang=lang)))
    out.append(f"∇f = ({', '.join(shown_text(d) for d in h.gradient.partials)})")
    out.append("")
    out.append(mv_message("second_partials", lang))
    for i in range(n):
        for j in range(n):
            a, b = teacher_unicode(h.vars[i]), teacher_unicode(h.vars[j])
            out.append(mv_message("second_entry", lang, a=a, b=b) + ":")
            out.extend(indent_lines(derivation_to_text(h.second[i][j], lang=lang)))
    out.append("")
    for m in h.mixed:
        out.append(("✓ " if m.agree else "✗ ") + _mixed_line(m, lang, teacher_unicode))
    out.extend(labelled_lines("H", shown_matrix_text(h.second)))
    out.append(verification_line(h.verification, lang))
    return "\n".join(out)


def hessian_latex(h: Any, lang: str) -> str:
    names = ", ".join(teacher_latex(v) for v in h.vars)
    title = mv_typeset("hessian_title", lang, "latex", f=f"${_f_latex(h)}$", vars=f"${names}$")
    first = mv_typeset("first_partials", lang, "latex")
    out = [f"\\noindent {title}", "", f"\\noindent {first}", ""]
    for d in h.gradient.partials:
        out.extend([derivation_to_latex(d, lang=lang), ""])
    column = shown_matrix_latex([[d] for d in h.gradient.partials])
    out.extend([f"\\[ \\nabla f = {column} \\]", ""])
    out.extend([f"\\noindent {mv_typeset('second_partials', lang, 'latex')}", ""])
    for row in h.second:
        for d in row:
            out.extend([derivation_to_latex(d, lang=lang), ""])
    for m in h.mixed:
        out.extend([f"\\noindent {_mixed_line(m, lang, math_show, 'latex')}", ""])
    out.append(f"\\[ H = {shown_matrix_latex(h.second)} \\]")
    out.append("")
    out.append(f"\\noindent {escape_text(verification_line(h.verification, lang, mark=False))}")
    return "\n".join(out)


def hessian_markdown(h: Any, lang: str) -> str:
    title = mv_message(
        "hessian_title",
        lang,
        f=f"${_f_latex(h)}$",
        vars=vars_math(h.vars),
    )
    out = [f"### {title}", "", f"#### {mv_message('first_partials', lang)}", ""]
    for d in h.gradient.partials:
        out.append(derivation_to_markdown(d, lang=lang))
    column = shown_matrix_latex([[d] for d in h.gradient.partials])
    out.extend([f"$$ \\nabla f = {column} $$", ""])
    out.extend([f"#### {mv_message('second_partials', lang)}", ""])
    for row in h.second:
        for d in row:
            out.append(derivation_to_markdown(d, lang=lang))
    for m in h.mixed:
        out.append(("- ✓ " if m.agree else "- ✗ ") + _mixed_line(m, lang, math_show, "markdown"))
    out.append("")
    out.append(f"**{mv_message('result', lang)}:** $H = {shown_matrix_latex(h.second)}$")
    out.append("")
    out.append(verification_line(h.verification, lang))
    return "\n".join(out) + "\n"


def hessian_dict(h: Any) -> dict[str, Any]:
    return {
        "schema": "symderiv.hessian/1",
        "input": input_dict(h.expr, h.source),
        "variables": [str(v) for v in h.vars],
        "parameters": [str(p) for p in h.params],
        "gradient": gradient_dict(h.gradient),
        "second": [[derivation_to_dict(d) for d in row] for row in h.second],
        "matrix": [[shown_result_dict(d) for d in row] for row in h.second],
        "mixed": [
            {
                "first": str(m.first),
                "second": str(m.second),
                "agree": m.agree,
                "proved": m.proved,
                "method": m.method,
                "value": expression_dict(m.value),
            }
            for m in h.mixed
        ],
        "verification": h.verification.to_dict(),
    }


# --------------------------------------------------------------------------- classification


def eigen_text(c: Any, lang: str, show: Show) -> str:
    if not c.eigenvalues:
        return mv_message("eigen_none", lang)
    text = ", ".join(show(v) for v in c.eigenvalues)
    return text if c.eigenvalues_exact else f"{text} {mv_message('eigen_numeric', lang)}"


def charpoly_expr(c: Any) -> sp.Expr:
    t = sp.Symbol("t")
    n = len(c.charpoly) - 1
    return sp.Add(*(coef * t ** (n - k) for k, coef in enumerate(c.charpoly)))


#: Reasons that only make sense at a critical point (they name a minimum, maximum or saddle).
_CRITICAL_ONLY = (
    "higher_derivative_",
    "taylor_",
    "line_",
    "global_",
    "evidence_",
    "cannot_decide",
)
#: How f curves at a point, from the Hessian's definiteness.
_CURVATURE = {
    "positive definite": "up",
    "negative definite": "down",
    "indefinite": "mixed",
    "positive semidefinite": "flat_up",
    "negative semidefinite": "flat_down",
    "zero": "flat",
}


def is_critical(c: Any) -> bool:
    """False when the gradient at the point is provably not 0 (then no min/max/saddle verdict)."""
    return c.kind != "not_critical" and not any(r.key == "not_critical" for r in c.reasons)


def curvature(c: Any) -> str:
    """How f curves at the point: "up", "down", "mixed", "flat_up", "flat_down", "flat" or
    "unknown"."""
    return _CURVATURE.get(c.definiteness, "unknown")


def shown_reasons(c: Any) -> list[Any]:
    """The explanation to print: at a non-critical point, the curvature in place of a verdict."""
    if is_critical(c):
        return list(c.reasons)
    out = []
    for r in c.reasons:
        if r.key.startswith(_CRITICAL_ONLY):
            continue
        curved = f"curvature_{r.key}"
        out.append(dataclasses.replace(r, key=curved) if has_message(curved) else r)
    return out


def curvature_text(c: Any, lang: str) -> str:
    key = f"curves_{curvature(c)}"
    one = f"{key}_1d"
    return mv_message(one if len(c.vars) == 1 and has_message(one) else key, lang)


def verdict_label(c: Any, lang: str) -> str:
    return mv_message("verdict" if is_critical(c) else "curvature", lang)


def verdict_text(c: Any, lang: str) -> str:
    if not is_critical(c):
        return curvature_text(c, lang)
    text = kind_name(c.kind, lang)
    if c.evidence:
        text += (
            f" ({mv_message('evidence_label', lang)}: {kind_name(c.evidence, lang)}, "
            f"{mv_message('not_proved', lang)})"
        )
    return text


def classification_text(c: Any, lang: str, *, title: bool = True) -> str:
    out = []
    if title:
        if c.anywhere:
            out.append(mv_message("classification_anywhere", lang))
        else:
            out.append(
                mv_message(
                    "classification_title", lang, point=point_text(c.point, c.vars, teacher_unicode)
                )
            )
    out.extend(labelled_matrix("H", c.matrix, "  "))
    if c.value is not None:
        out.append(f"  {mv_message('value_at', lang)}: {teacher_unicode(c.value)}")
    out.append(f"  {mv_message('charpoly', lang)}: {teacher_unicode(charpoly_expr(c))}")
    out.append(f"  {mv_message('eigenvalues', lang)}: {eigen_text(c, lang, teacher_unicode)}")
    if len(c.minors) > 1:
        out.append(
            f"  {mv_message('minors', lang)}: "
            + ", ".join(f"D{k} = {teacher_unicode(m)}" for k, m in enumerate(c.minors, 1))
        )
    out.append(f"  → {verdict_label(c, lang)}: {verdict_text(c, lang)}")
    for r in shown_reasons(c):
        out.append(f"    {reason_text(r, lang)}")
    out.append(verification_line(c.verification, lang))
    return "\n".join(out)


def classification_latex(c: Any, lang: str) -> str:
    if c.anywhere:
        head = mv_typeset("classification_anywhere", lang, "latex")
    else:
        point = f"${point_latex(c.point, c.vars)}$"
        head = mv_typeset("classification_title", lang, "latex", point=point)
    t = sp.Symbol("t")
    rows = [f"H &= {matrix_latex(c.matrix)}"]
    rows.append(f"\\det(tI - H) &= {teacher_latex(charpoly_expr(c).subs(sp.Symbol('t'), t))}")
    if c.eigenvalues:
        eig = ", ".join(teacher_latex(v) for v in c.eigenvalues)
        tag = (
            ""
            if c.eigenvalues_exact
            else r" && \text{%s}" % escape_text(mv_message("eigen_numeric", lang))
        )
        rows.append(f"\\lambda &= {eig}{tag}")
    if len(c.minors) > 1:
        rows.append(
            ", ".join(
                f"D_{{{k}}} &= {teacher_latex(m)}" if k == 1 else f"D_{{{k}}} = {teacher_latex(m)}"
                for k, m in enumerate(c.minors, 1)
            )
        )
    out = [f"\\noindent {head}", "", "\\begin{align*}", " \\\\\n".join(rows), "\\end{align*}", ""]
    verdict = escape_text(f"{verdict_label(c, lang).capitalize()}: {verdict_text(c, lang)}")
    out.append(
        f"\\noindent \\textbf{{{verdict}}}. "
        + " ".join(reason_text(r, lang, mode="latex") for r in shown_reasons(c))
    )
    out.append("")
    out.append(f"\\noindent {escape_text(verification_line(c.verification, lang, mark=False))}")
    return "\n".join(out)


def classification_markdown(c: Any, lang: str, *, title: bool = True) -> str:
    out = []
    if title:
        if c.anywhere:
            out.append(f"#### {mv_message('classification_anywhere', lang)}")
        else:
            point = f"${point_latex(c.point, c.vars)}$"
            out.append(f"#### {mv_message('classification_title', lang, point=point)}")
        out.append("")
    out.append(f"- $H = {matrix_latex(c.matrix)}$")
    if c.value is not None:
        out.append(f"- {mv_message('value_at', lang)}: ${teacher_latex(c.value)}$")
    out.append(f"- {mv_message('charpoly', lang)}: ${teacher_latex(charpoly_expr(c))}$")
    out.append(f"- {mv_message('eigenvalues', lang)}: {eigen_text(c, lang, math_show)}")
    if len(c.minors) > 1:
        out.append(
            f"- {mv_message('minors', lang)}: "
            + ", ".join(f"$D_{{{k}}} = {teacher_latex(m)}$" for k, m in enumerate(c.minors, 1))
        )
    out.append(f"- **{verdict_label(c, lang).capitalize()}: {verdict_text(c, lang)}**")
    out.append("")
    out.append(" ".join(reason_text(r, lang, mode="markdown") for r in shown_reasons(c)))
    out.append("")
    out.append(verification_line(c.verification, lang))
    return "\n".join(out) + "\n"


def classification_dict(c: Any) -> dict[str, Any]:
    critical = is_critical(c)
    kind = c.kind if critical else "not_critical"
    return {
        "schema": "symderiv.classification/1",
        "variables": [str(v) for v in c.vars],
        "point": None if c.anywhere else {str(k): expression_dict(v) for k, v in c.point.items()},
        "kind": kind,
        "kind_name": {lang: kind_name(kind, lang) for lang in LANGUAGES},
        "critical": critical,
        "curvature": curvature(c),
        "curvature_text": {lang: curvature_text(c, lang) for lang in LANGUAGES},
        "hessian_kind": c.hessian_kind,
        "definiteness": c.definiteness,
        "method": c.method,
        "proved": c.proved,
        "evidence": c.evidence,
        "value": None if c.value is None else expression_dict(c.value),
        "matrix": matrix_dict(c.matrix),
        "charpoly": [expression_dict(x) for x in c.charpoly],
        "eigenvalues": [expression_dict(v) for v in c.eigenvalues],
        "eigenvalues_exact": c.eigenvalues_exact,
        "minors": [expression_dict(m) for m in c.minors],
        "inertia": None
        if c.inertia is None
        else dict(zip(("positive", "negative", "zero"), c.inertia, strict=True)),
        "depends_on": [str(p) for p in c.depends_on],
        "cases": [
            {
                "kind": case.kind,
                "condition": {
                    **expression_dict(case.condition),
                    **{lang: condition_text(case.condition, lang, False) for lang in LANGUAGES},
                },
            }
            for case in c.cases
        ],
        "numeric": c.numeric,
        "reason": reason_dict(shown_reasons(c)),
        "verification": c.verification.to_dict(),
    }
