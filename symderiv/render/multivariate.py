r"""Printers for gradients, Jacobians, Hessians, classifications, critical points and
implicit derivatives: plain text, LaTeX (matrices as ``pmatrix``), Markdown and JSON.

The result objects live on a higher floor (``symderiv.multivariate``, ``critical``,
``implicit``), so this module dispatches on the class *name* and never imports them.
Sentences come from ``messages_multivariate.toml`` (English and Korean).

JSON schemas: ``symderiv.gradient/1``, ``symderiv.jacobian/1``, ``symderiv.hessian/1``,
``symderiv.classification/1``, ``symderiv.critical_points/1``, ``symderiv.implicit/1``.
Every expression is ``{"latex": ..., "sympy": ...}`` as in ``symderiv.derivation/1``.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

import sympy as sp

from symderiv.i18n import LANGUAGES, check_language
from symderiv.render.common import verification_line
from symderiv.render.json import derivation_to_dict, expression_dict
from symderiv.render.latex import derivation_to_latex, escape_text
from symderiv.render.markdown import derivation_to_markdown
from symderiv.render.printers import latex_str, unicode_str
from symderiv.render.text import derivation_to_text

Show = Callable[[Any], str]


# --------------------------------------------------------------------------- messages


@functools.cache
def _messages() -> dict[str, dict[str, str]]:
    text = (
        resources.files("symderiv")
        .joinpath("messages_multivariate.toml")
        .read_text(encoding="utf-8")
    )
    return tomllib.loads(text)


def mv_message(key: str, lang: str = "en", **values: Any) -> str:
    """The sentence ``key`` in ``lang`` (English when Korean lacks it), filled in."""
    table = _messages()
    template = table.get(check_language(lang), {}).get(key) or table["en"][key]
    return template.format(**values)


def kind_name(kind: str, lang: str) -> str:
    return mv_message(f"kind_{kind}", lang)


# --------------------------------------------------------------------------- values


def _text_show(value: Any) -> str:
    return unicode_str(value)


def _math_show(value: Any) -> str:
    return f"${latex_str(value)}$"


def _vector(values: Sequence[Any], show: Show) -> str:
    return "(" + ", ".join(show(v) for v in values) + ")"


_RELATIONS = {"<": "<", ">": ">", "<=": "≤", ">=": "≥", "==": "=", "!=": "≠"}
_LATEX_RELATIONS = {"<": "<", ">": ">", "<=": r"\le", ">=": r"\ge", "==": "=", "!=": r"\ne"}


def _relation_text(relation: Any, math: bool) -> str:
    if math:
        op = _LATEX_RELATIONS.get(relation.rel_op, relation.rel_op)
        return f"${latex_str(relation.lhs)} {op} {latex_str(relation.rhs)}$"
    op = _RELATIONS.get(relation.rel_op, relation.rel_op)
    return f"{unicode_str(relation.lhs)} {op} {unicode_str(relation.rhs)}"


def condition_text(condition: Any, lang: str, math: bool) -> str:
    """A Boolean of relations in words: 'a > 0 and b > 0' (Korean: '... 이고 ...')."""
    if condition is sp.true:
        return "always" if lang == "en" else "항상"
    if isinstance(condition, sp.Or):
        args = sorted(condition.args, key=_condition_key)
        return f" {mv_message('or', lang)} ".join(
            f"({condition_text(a, lang, math)})"
            if isinstance(a, sp.And) and _interval(a) is None
            else condition_text(a, lang, math)
            for a in args
        )
    if isinstance(condition, sp.And):
        interval = _interval(condition)
        if interval is not None:
            low, high = interval
            if math:
                op = _LATEX_RELATIONS[high.rel_op]
                return _relation_text(low, True)[:-1] + f" {op} {latex_str(high.rhs)}$"
            return (
                _relation_text(low, False) + f" {_RELATIONS[high.rel_op]} " + unicode_str(high.rhs)
            )
        args = sorted(condition.args, key=_condition_key)
        return f" {mv_message('and', lang)} ".join(condition_text(a, lang, math) for a in args)
    if isinstance(condition, sp.core.relational.Relational):
        return _relation_text(_symbol_first(condition), math)
    return _math_show(condition) if math else unicode_str(condition)


def _condition_key(condition: Any) -> tuple[str, str]:
    names = sorted(s.name for s in getattr(condition, "free_symbols", ()))
    return ",".join(names), str(condition)


_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!="}


def _symbol_first(relation: Any) -> Any:
    """0 < a reads a > 0."""
    if relation.lhs.is_number and not relation.rhs.is_number:
        return sp.Rel(relation.rhs, relation.lhs, _FLIP[relation.rel_op])
    return relation


def _interval(condition: Any) -> tuple[Any, Any] | None:
    """And(-2 < b, b < 2) as its (lower, upper) relations, printed '-2 < b < 2'."""
    if len(condition.args) != 2:
        return None
    first, second = condition.args
    relations = (first, second)
    if not all(isinstance(r, sp.core.relational.Relational) for r in relations):
        return None
    normal = []
    for r in relations:
        if r.rel_op in (">", ">="):
            r = sp.Rel(r.rhs, r.lhs, _FLIP[r.rel_op], evaluate=False)
        if r.rel_op not in ("<", "<="):
            return None
        normal.append(r)
    a, b = normal
    if a.rhs == b.lhs and not a.rhs.is_number and a.lhs.is_number and b.rhs.is_number:
        return a, b
    if b.rhs == a.lhs and not b.rhs.is_number and b.lhs.is_number and a.rhs.is_number:
        return b, a
    return None


def _render_value(value: Any, lang: str, math: bool) -> str:
    show = _math_show if math else _text_show
    if isinstance(value, tuple):
        if value and all(type(v).__name__ == "ParameterCase" for v in value):
            return "; ".join(
                mv_message(
                    "case",
                    lang,
                    kind=kind_name(c.kind, lang),
                    condition=condition_text(c.condition, lang, math),
                )
                for c in value
            )
        if value and all(isinstance(v, sp.Symbol) for v in value):
            return ", ".join(show(v) for v in value)
        return _vector(value, show)
    if isinstance(value, sp.Basic):
        return show(value)
    return str(value)


def reason_text(reason: Any, lang: str = "en", *, mode: str = "text") -> str:
    """One Reason as a sentence; ``mode`` 'latex' escapes the words and typesets the math."""
    check_language(lang)
    math = mode in ("latex", "markdown")
    values = {name: _render_value(v, lang, math) for name, v in reason.values}
    if mode != "latex":
        return mv_message(reason.key, lang, **values)
    tokens = {name: f"\x00{i}\x00" for i, name in enumerate(values)}
    text = escape_text(mv_message(reason.key, lang, **tokens))
    for i, name in enumerate(values):
        text = text.replace(f"\x00{i}\x00", values[name])
    return text


# --------------------------------------------------------------------------- matrices


def matrix_text(matrix: sp.MatrixBase, show: Show = unicode_str) -> list[str]:
    """Rows of a matrix with aligned columns and ⎡ ⎤ brackets."""
    cells = [[show(matrix[i, j]) for j in range(matrix.cols)] for i in range(matrix.rows)]
    widths = [max(len(cells[i][j]) for i in range(matrix.rows)) for j in range(matrix.cols)]
    rows = ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    if len(rows) == 1:
        return [f"[{rows[0]}]"]
    out = []
    for i, row in enumerate(rows):
        if i == 0:
            left, right = "⎡", "⎤"
        else:
            left, right = ("⎣", "⎦") if i == len(rows) - 1 else ("⎢", "⎥")
        out.append(f"{left}{row}{right}")
    return out


def matrix_latex(matrix: sp.MatrixBase) -> str:
    rows = [
        " & ".join(latex_str(matrix[i, j]) for j in range(matrix.cols)) for i in range(matrix.rows)
    ]
    return r"\begin{pmatrix} " + r" \\ ".join(rows) + r" \end{pmatrix}"


def _labelled_matrix(label: str, matrix: sp.MatrixBase, indent: str = "") -> list[str]:
    lines = matrix_text(matrix)
    pad = " " * (len(label) + 3)
    return [
        indent + (f"{label} = " if i == (len(lines) - 1) // 2 else pad) + line
        for i, line in enumerate(lines)
    ]


def _point_text(point: dict[sp.Symbol, sp.Expr], vars: Sequence[sp.Symbol], show: Show) -> str:
    if len(vars) == 1:
        return f"{show(vars[0])} = {show(point[vars[0]])}"
    names = ", ".join(show(v) for v in vars)
    values = ", ".join(show(point[v]) for v in vars)
    return f"({names}) = ({values})"


def _point_latex(point: dict[sp.Symbol, sp.Expr], vars: Sequence[sp.Symbol]) -> str:
    if len(vars) == 1:
        return f"{latex_str(vars[0])} = {latex_str(point[vars[0]])}"
    names = ", ".join(latex_str(v) for v in vars)
    values = ", ".join(latex_str(point[v]) for v in vars)
    return f"\\left({names}\\right) = \\left({values}\\right)"


def _vars_text(vars: Sequence[sp.Symbol], show: Show = unicode_str) -> str:
    return ", ".join(show(v) for v in vars)


def _indent(text: str, prefix: str = "  ") -> list[str]:
    return [prefix + line if line else line for line in text.splitlines()]


# --------------------------------------------------------------------------- dispatch


def _dispatch(obj: Any, table: dict[str, Callable[..., Any]], *args: Any) -> Any:
    name = type(obj).__name__
    if name not in table:
        raise TypeError(f"no printer for {name}")
    return table[name](obj, *args)


def to_text(obj: Any, lang: str = "en") -> str:
    check_language(lang)
    return _dispatch(obj, _TEXT, lang)


def to_latex(obj: Any, lang: str = "en") -> str:
    check_language(lang)
    return _dispatch(obj, _LATEX, lang)


def to_markdown(obj: Any, lang: str = "en") -> str:
    check_language(lang)
    return _dispatch(obj, _MARKDOWN, lang)


def to_dict(obj: Any) -> dict[str, Any]:
    return _dispatch(obj, _DICT)


# --------------------------------------------------------------------------- gradient


def gradient_text(g: Any, lang: str) -> str:
    out = [mv_message("gradient_title", lang, f=unicode_str(g.expr), vars=_vars_text(g.vars)), ""]
    for x, d in zip(g.vars, g.partials, strict=True):
        out.append(f"{mv_message('partial_by', lang, var=unicode_str(x))}, ∂f/∂{unicode_str(x)}:")
        out.extend(_indent(derivation_to_text(d, lang=lang)))
        out.append("")
    out.append(f"∇f = {_vector(g.components, unicode_str)}")
    out.append(verification_line(g.verification, lang))
    return "\n".join(out)


def gradient_latex(g: Any, lang: str) -> str:
    title = mv_message("gradient_title", lang, f="\x00f", vars="\x00v")
    title = (
        escape_text(title)
        .replace("\x00f", f"${latex_str(g.expr)}$")
        .replace("\x00v", "$" + ", ".join(latex_str(v) for v in g.vars) + "$")
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


def _input_dict(expr: sp.Expr, source: str) -> dict[str, Any]:
    return {"text": source, **expression_dict(expr)}


def gradient_dict(g: Any) -> dict[str, Any]:
    return {
        "schema": "symderiv.gradient/1",
        "input": _input_dict(g.expr, g.source),
        "variables": [str(v) for v in g.vars],
        "parameters": [str(p) for p in g.params],
        "partials": [derivation_to_dict(d) for d in g.partials],
        "vector": [expression_dict(c) for c in g.components],
        "verification": g.verification.to_dict(),
    }


# --------------------------------------------------------------------------- Jacobian


def jacobian_text(j: Any, lang: str) -> str:
    fs = ", ".join(unicode_str(f) for f in j.exprs)
    out = [mv_message("jacobian_title", lang, fs=fs, vars=_vars_text(j.vars)), ""]
    for i, (f, row) in enumerate(zip(j.exprs, j.entries, strict=True), 1):
        for x, d in zip(j.vars, row, strict=True):
            out.append(
                mv_message("jacobian_entry", lang, i=i, var=unicode_str(x), f=unicode_str(f)) + ":"
            )
            out.extend(_indent(derivation_to_text(d, lang=lang)))
            out.append("")
    out.extend(_labelled_matrix("J", j.matrix))
    out.append(verification_line(j.verification, lang))
    return "\n".join(out)


def jacobian_latex(j: Any, lang: str) -> str:
    fs = ", ".join(latex_str(f) for f in j.exprs)
    title = escape_text(mv_message("jacobian_title", lang, fs="\x00f", vars="\x00v"))
    title = title.replace("\x00f", f"${fs}$").replace(
        "\x00v", "$" + ", ".join(latex_str(v) for v in j.vars) + "$"
    )
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
            label = mv_message("jacobian_entry", lang, i=i, var=latex_str(x), f=latex_str(f))
            out.append(f"#### ${label.replace('∂', chr(92) + 'partial ')}$")
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
            _input_dict(f, s)
            for f, s in zip(j.exprs, j.sources or [""] * len(j.exprs), strict=True)
        ],
        "variables": [str(v) for v in j.vars],
        "entries": [[derivation_to_dict(d) for d in row] for row in j.entries],
        "matrix": [[expression_dict(d.result) for d in row] for row in j.entries],
        "verification": j.verification.to_dict(),
    }


# --------------------------------------------------------------------------- Hessian


def _mixed_line(m: Any, lang: str, show: Show) -> str:
    return mv_message(
        f"mixed_{m.method}", lang, a=show(m.first), b=show(m.second), value=show(m.value)
    )


def hessian_text(h: Any, lang: str) -> str:
    n = len(h.vars)
    out = [mv_message("hessian_title", lang, f=unicode_str(h.expr), vars=_vars_text(h.vars)), ""]
    out.append(mv_message("first_partials", lang))
    for x, d in zip(h.vars, h.gradient.partials, strict=True):
        out.append(f"∂f/∂{unicode_str(x)}:")
        out.extend(_indent(derivation_to_text(d, lang=lang)))
    out.append("")
    out.append(mv_message("second_partials", lang))
    for i in range(n):
        for j in range(n):
            a, b = unicode_str(h.vars[i]), unicode_str(h.vars[j])
            out.append(mv_message("second_entry", lang, a=a, b=b) + ":")
            out.extend(_indent(derivation_to_text(h.second[i][j], lang=lang)))
    out.append("")
    for m in h.mixed:
        out.append(("✓ " if m.agree else "✗ ") + _mixed_line(m, lang, unicode_str))
    out.extend(_labelled_matrix("H", h.matrix))
    out.append(verification_line(h.verification, lang))
    return "\n".join(out)


def hessian_latex(h: Any, lang: str) -> str:
    title = escape_text(mv_message("hessian_title", lang, f="\x00f", vars="\x00v"))
    title = title.replace("\x00f", f"${latex_str(h.expr)}$").replace(
        "\x00v", "$" + ", ".join(latex_str(v) for v in h.vars) + "$"
    )
    first = escape_text(mv_message("first_partials", lang))
    out = [f"\\noindent {title}", "", f"\\noindent {first}", ""]
    for d in h.gradient.partials:
        out.extend([derivation_to_latex(d, lang=lang), ""])
    out.extend([f"\\noindent {escape_text(mv_message('second_partials', lang))}", ""])
    for row in h.second:
        for d in row:
            out.extend([derivation_to_latex(d, lang=lang), ""])
    for m in h.mixed:
        line = _mixed_line(m, lang, lambda e: f"\x01{latex_str(e)}\x02")
        line = escape_text(line).replace("\x01", "$").replace("\x02", "$")
        out.extend([f"\\noindent {line}", ""])
    out.append(f"\\[ H = {matrix_latex(h.matrix)} \\]")
    out.append("")
    out.append(f"\\noindent {escape_text(verification_line(h.verification, lang, mark=False))}")
    return "\n".join(out)


def hessian_markdown(h: Any, lang: str) -> str:
    title = mv_message(
        "hessian_title",
        lang,
        f=f"${latex_str(h.expr)}$",
        vars="$" + ", ".join(latex_str(v) for v in h.vars) + "$",
    )
    out = [f"### {title}", "", f"#### {mv_message('first_partials', lang)}", ""]
    for d in h.gradient.partials:
        out.append(derivation_to_markdown(d, lang=lang))
    out.extend([f"#### {mv_message('second_partials', lang)}", ""])
    for row in h.second:
        for d in row:
            out.append(derivation_to_markdown(d, lang=lang))
    for m in h.mixed:
        out.append(("- ✓ " if m.agree else "- ✗ ") + _mixed_line(m, lang, _math_show))
    out.append("")
    out.append(f"**{mv_message('result', lang)}:** $H = {matrix_latex(h.matrix)}$")
    out.append("")
    out.append(verification_line(h.verification, lang))
    return "\n".join(out) + "\n"


def hessian_dict(h: Any) -> dict[str, Any]:
    return {
        "schema": "symderiv.hessian/1",
        "input": _input_dict(h.expr, h.source),
        "variables": [str(v) for v in h.vars],
        "parameters": [str(p) for p in h.params],
        "gradient": gradient_dict(h.gradient),
        "second": [[derivation_to_dict(d) for d in row] for row in h.second],
        "matrix": _matrix_dict(h.matrix),
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


def _matrix_dict(matrix: sp.MatrixBase) -> list[list[dict[str, str]]]:
    return [[expression_dict(matrix[i, j]) for j in range(matrix.cols)] for i in range(matrix.rows)]


# --------------------------------------------------------------------------- classification


def _eigen_text(c: Any, lang: str, show: Show) -> str:
    if not c.eigenvalues:
        return mv_message("eigen_none", lang)
    text = ", ".join(show(v) for v in c.eigenvalues)
    return text if c.eigenvalues_exact else f"{text} {mv_message('eigen_numeric', lang)}"


def _charpoly_expr(c: Any) -> sp.Expr:
    t = sp.Symbol("t")
    n = len(c.charpoly) - 1
    return sp.Add(*(coef * t ** (n - k) for k, coef in enumerate(c.charpoly)))


def _verdict(c: Any, lang: str) -> str:
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
                    "classification_title", lang, point=_point_text(c.point, c.vars, unicode_str)
                )
            )
    out.extend(_labelled_matrix("H", c.matrix, "  "))
    if c.value is not None:
        out.append(f"  {mv_message('value_at', lang)}: {unicode_str(c.value)}")
    out.append(f"  {mv_message('charpoly', lang)}: {unicode_str(_charpoly_expr(c))}")
    out.append(f"  {mv_message('eigenvalues', lang)}: {_eigen_text(c, lang, unicode_str)}")
    if len(c.minors) > 1:
        out.append(
            f"  {mv_message('minors', lang)}: "
            + ", ".join(f"D{k} = {unicode_str(m)}" for k, m in enumerate(c.minors, 1))
        )
    out.append(f"  → {mv_message('verdict', lang)}: {_verdict(c, lang)}")
    for r in c.reasons:
        out.append(f"    {reason_text(r, lang)}")
    out.append(verification_line(c.verification, lang))
    return "\n".join(out)


def classification_latex(c: Any, lang: str) -> str:
    if c.anywhere:
        head = escape_text(mv_message("classification_anywhere", lang))
    else:
        head = escape_text(mv_message("classification_title", lang, point="\x00p"))
        head = head.replace("\x00p", f"${_point_latex(c.point, c.vars)}$")
    t = sp.Symbol("t")
    rows = [f"H &= {matrix_latex(c.matrix)}"]
    rows.append(f"\\det(tI - H) &= {latex_str(_charpoly_expr(c).subs(sp.Symbol('t'), t))}")
    if c.eigenvalues:
        eig = ", ".join(latex_str(v) for v in c.eigenvalues)
        tag = (
            ""
            if c.eigenvalues_exact
            else r" && \text{%s}" % escape_text(mv_message("eigen_numeric", lang))
        )
        rows.append(f"\\lambda &= {eig}{tag}")
    if len(c.minors) > 1:
        rows.append(
            ", ".join(
                f"D_{{{k}}} &= {latex_str(m)}" if k == 1 else f"D_{{{k}}} = {latex_str(m)}"
                for k, m in enumerate(c.minors, 1)
            )
        )
    out = [f"\\noindent {head}", "", "\\begin{align*}", " \\\\\n".join(rows), "\\end{align*}", ""]
    verdict = escape_text(f"{mv_message('verdict', lang)}: {_verdict(c, lang)}")
    out.append(
        f"\\noindent \\textbf{{{verdict}}}. "
        + " ".join(reason_text(r, lang, mode="latex") for r in c.reasons)
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
            point = f"${_point_latex(c.point, c.vars)}$"
            out.append(f"#### {mv_message('classification_title', lang, point=point)}")
        out.append("")
    out.append(f"- $H = {matrix_latex(c.matrix)}$")
    if c.value is not None:
        out.append(f"- {mv_message('value_at', lang)}: ${latex_str(c.value)}$")
    out.append(f"- {mv_message('charpoly', lang)}: ${latex_str(_charpoly_expr(c))}$")
    out.append(f"- {mv_message('eigenvalues', lang)}: {_eigen_text(c, lang, _math_show)}")
    if len(c.minors) > 1:
        out.append(
            f"- {mv_message('minors', lang)}: "
            + ", ".join(f"$D_{{{k}}} = {latex_str(m)}$" for k, m in enumerate(c.minors, 1))
        )
    out.append(f"- **{mv_message('verdict', lang)}: {_verdict(c, lang)}**")
    out.append("")
    out.append(" ".join(reason_text(r, lang, mode="markdown") for r in c.reasons))
    out.append("")
    out.append(verification_line(c.verification, lang))
    return "\n".join(out) + "\n"


def _reason_dict(reasons: Sequence[Any]) -> dict[str, Any]:
    return {
        "keys": [r.key for r in reasons],
        **{lang: [reason_text(r, lang) for r in reasons] for lang in LANGUAGES},
    }


def classification_dict(c: Any) -> dict[str, Any]:
    return {
        "schema": "symderiv.classification/1",
        "variables": [str(v) for v in c.vars],
        "point": None if c.anywhere else {str(k): expression_dict(v) for k, v in c.point.items()},
        "kind": c.kind,
        "kind_name": {lang: kind_name(c.kind, lang) for lang in LANGUAGES},
        "hessian_kind": c.hessian_kind,
        "definiteness": c.definiteness,
        "method": c.method,
        "proved": c.proved,
        "evidence": c.evidence,
        "value": None if c.value is None else expression_dict(c.value),
        "matrix": _matrix_dict(c.matrix),
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
        "reason": _reason_dict(c.reasons),
        "verification": c.verification.to_dict(),
    }


# --------------------------------------------------------------------------- critical points


def _family_note(p: Any, lang: str, show: Show) -> str:
    if not p.family:
        return ""
    names = ", ".join(show(s) for s in p.family)
    key = "family_integers" if all(s.is_integer for s in p.family) else "family_reals"
    return mv_message(key, lang, params=names)


def _point_line(p: Any, vars: Sequence[sp.Symbol], lang: str, show: Show) -> str:
    text = _point_text(p.point, vars, show)
    family = _family_note(p, lang, show)
    if family:
        text += f", {family}"
    if not p.exact:
        text += f" {mv_message('numeric_point', lang)}"
    return text


def critical_text(cp: Any, lang: str) -> str:
    out = [mv_message("critical_title", lang, f=unicode_str(cp.expr), vars=_vars_text(cp.vars)), ""]
    for x, d in zip(cp.vars, cp.gradient.partials, strict=True):
        out.append(f"∂f/∂{unicode_str(x)}:")
        out.extend(_indent(derivation_to_text(d, lang=lang)))
    out.append(f"∇f = {_vector(cp.gradient.components, unicode_str)} = 0")
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
        out.append(
            f"{number}. {_point_line(p, cp.vars, lang, unicode_str)}  →  {kind_name(p.kind, lang)}"
        )
        if p.classification is not None:
            out.extend(_indent(classification_text(p.classification, lang, title=False), "   "))
        out.append("")
    out.append(verification_line(cp.verification, lang))
    return "\n".join(out)


def critical_latex(cp: Any, lang: str) -> str:
    title = escape_text(mv_message("critical_title", lang, f="\x00f", vars="\x00v"))
    title = title.replace("\x00f", f"${latex_str(cp.expr)}$").replace(
        "\x00v", "$" + ", ".join(latex_str(v) for v in cp.vars) + "$"
    )
    out = [f"\\noindent {title}", ""]
    for d in cp.gradient.partials:
        out.extend([derivation_to_latex(d, lang=lang), ""])
    out.append(f"\\[ \\nabla f = {matrix_latex(cp.gradient.vector)} = 0 \\]")
    out.append("")
    for note in cp.notes:
        out.extend([f"\\noindent {reason_text(note, lang, mode='latex')}", ""])
    if not cp.points:
        out.append(f"\\noindent {escape_text(mv_message('critical_none', lang))}")
    else:
        key = "critical_infinite" if cp.infinite else "critical_count"
        out.append(f"\\noindent {escape_text(mv_message(key, lang, count=len(cp.points)))}")
        out.append("\\begin{enumerate}")
        for p in cp.points:
            line = _point_line(p, cp.vars, lang, lambda e: f"\x01{latex_str(e)}\x02")
            line = escape_text(line).replace("\x01", "$").replace("\x02", "$")
            kind = escape_text(kind_name(p.kind, lang))
            reasons = ""
            if p.classification is not None:
                reasons = " ".join(
                    reason_text(r, lang, mode="latex") for r in p.classification.reasons
                )
                eig = p.classification.eigenvalues
                if eig:
                    reasons = f"$\\lambda = {', '.join(latex_str(v) for v in eig)}$. " + reasons
            out.append(f"\\item {line}: \\textbf{{{kind}}}. {reasons}")
        out.append("\\end{enumerate}")
    out.append("")
    out.append(f"\\noindent {escape_text(verification_line(cp.verification, lang, mark=False))}")
    return "\n".join(out)


def critical_markdown(cp: Any, lang: str) -> str:
    title = mv_message(
        "critical_title",
        lang,
        f=f"${latex_str(cp.expr)}$",
        vars="$" + ", ".join(latex_str(v) for v in cp.vars) + "$",
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
                f"{number}. {_point_line(p, cp.vars, lang, _math_show)}: "
                f"**{kind_name(p.kind, lang)}**"
            )
            if p.classification is not None:
                out.append("")
                out.extend(
                    _indent(classification_markdown(p.classification, lang, title=False), "   ")
                )
    out.append("")
    out.append(verification_line(cp.verification, lang))
    return "\n".join(out) + "\n"


def critical_dict(cp: Any) -> dict[str, Any]:
    return {
        "schema": "symderiv.critical_points/1",
        "input": _input_dict(cp.expr, cp.source),
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
        "notes": _reason_dict(cp.notes),
        "verification": cp.verification.to_dict(),
    }


# --------------------------------------------------------------------------- implicit


def _equation_text(lhs: sp.Expr, rhs: sp.Expr, show: Show = unicode_str) -> str:
    return f"{show(lhs)} = {show(rhs)}"


def _implicit_names(d: Any) -> dict[str, sp.Expr]:
    return {"x": d.x, "y": d.y, "yx": d.y_of_x, "dydx": d.dydx_symbol}


def _step_lhs_latex(step: Any) -> str:
    return r"\frac{dy}{dx}" if step.kind == "simplify" else latex_str(step.lhs)


def implicit_text(d: Any, lang: str) -> str:
    names = {k: unicode_str(v) for k, v in _implicit_names(d).items()}
    out = [mv_message("implicit_title", lang, equation=_equation_text(d.lhs, d.rhs), **names), ""]
    for number, step in enumerate(d.steps, 1):
        out.append(f"{number}. {mv_message('implicit_' + step.kind, lang, **names)}")
        if step.kind == "differentiate":
            out.append(f"   {mv_message('implicit_left', lang)}:")
            out.extend(_indent(derivation_to_text(d.lhs_derivation, lang=lang), "     "))
            out.append(f"   {mv_message('implicit_right', lang)}:")
            out.extend(_indent(derivation_to_text(d.rhs_derivation, lang=lang), "     "))
        lhs = "dy/dx" if step.kind == "simplify" else unicode_str(step.lhs)
        out.append(f"   {lhs} = {unicode_str(step.rhs)}")
    out.append("")
    out.append(f"dy/dx = {unicode_str(d.result)}")
    out.append(verification_line(d.verification, lang))
    return "\n".join(out)


def implicit_latex(d: Any, lang: str) -> str:
    names = {k: f"\x01{latex_str(v)}\x02" for k, v in _implicit_names(d).items()}

    def words(key: str, **extra: str) -> str:
        text = escape_text(mv_message(key, lang, **names, **extra))
        return text.replace("\x01", "$").replace("\x02", "$")

    equation = f"\x01{latex_str(d.lhs)} = {latex_str(d.rhs)}\x02"
    out = [f"\\noindent {words('implicit_title', equation=equation)}", "", "\\begin{enumerate}"]
    for step in d.steps:
        out.append(f"\\item {words('implicit_' + step.kind)}")
        if step.kind == "differentiate":
            out.append(derivation_to_latex(d.lhs_derivation, lang=lang))
            out.append(derivation_to_latex(d.rhs_derivation, lang=lang))
        out.append(f"\\[ {_step_lhs_latex(step)} = {latex_str(step.rhs)} \\]")
    out.append("\\end{enumerate}")
    out.append(f"\\[ \\frac{{dy}}{{dx}} = {latex_str(d.result)} \\]")
    out.append("")
    out.append(f"\\noindent {escape_text(verification_line(d.verification, lang, mark=False))}")
    return "\n".join(out)


def implicit_markdown(d: Any, lang: str) -> str:
    names = {k: f"${latex_str(v)}$" for k, v in _implicit_names(d).items()}
    equation = f"${latex_str(d.lhs)} = {latex_str(d.rhs)}$"
    out = [f"### {mv_message('implicit_title', lang, equation=equation, **names)}", ""]
    for number, step in enumerate(d.steps, 1):
        out.append(f"{number}. {mv_message('implicit_' + step.kind, lang, **names)}")
        out.append("")
        if step.kind == "differentiate":
            out.append(f"   *{mv_message('implicit_left', lang)}*")
            out.append("")
            out.extend(_indent(derivation_to_markdown(d.lhs_derivation, lang=lang), "   "))
            out.append(f"   *{mv_message('implicit_right', lang)}*")
            out.append("")
            out.extend(_indent(derivation_to_markdown(d.rhs_derivation, lang=lang), "   "))
        out.append(f"   $${_step_lhs_latex(step)} = {latex_str(step.rhs)}$$")
        out.append("")
    out.append(f"**{mv_message('result', lang)}:** $\\dfrac{{dy}}{{dx}} = {latex_str(d.result)}$")
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
                        **{k: unicode_str(v) for k, v in _implicit_names(d).items()},
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


_TEXT: dict[str, Callable[..., Any]] = {
    "Gradient": gradient_text,
    "Jacobian": jacobian_text,
    "Hessian": hessian_text,
    "Classification": classification_text,
    "CriticalPoints": critical_text,
    "ImplicitDerivative": implicit_text,
}
_LATEX: dict[str, Callable[..., Any]] = {
    "Gradient": gradient_latex,
    "Jacobian": jacobian_latex,
    "Hessian": hessian_latex,
    "Classification": classification_latex,
    "CriticalPoints": critical_latex,
    "ImplicitDerivative": implicit_latex,
}
_MARKDOWN: dict[str, Callable[..., Any]] = {
    "Gradient": gradient_markdown,
    "Jacobian": jacobian_markdown,
    "Hessian": hessian_markdown,
    "Classification": classification_markdown,
    "CriticalPoints": critical_markdown,
    "ImplicitDerivative": implicit_markdown,
}
_DICT: dict[str, Callable[..., Any]] = {
    "Gradient": gradient_dict,
    "Jacobian": jacobian_dict,
    "Hessian": hessian_dict,
    "Classification": classification_dict,
    "CriticalPoints": critical_dict,
    "ImplicitDerivative": implicit_dict,
}
