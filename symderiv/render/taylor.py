"""Printers of a Taylor polynomial and its error table: text, LaTeX (``align*``), Markdown
and JSON (schema ``symderiv.taylor/1``, error tables ``symderiv.taylor-errors/1``).

Sentences come from ``messages_taylor.toml`` (English and Korean). The polynomial is
written term by term in increasing powers of (x − a), as a teacher writes it.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Sequence
from importlib import resources
from typing import TYPE_CHECKING, Any

import mpmath
import sympy as sp

from symderiv.i18n import check_language, fill
from symderiv.notation import shape_latex, shape_unicode, teacher_latex, teacher_unicode
from symderiv.render.common import format_error, verification_line
from symderiv.render.json import expression_dict, shape_dict
from symderiv.render.latex import escape_text
from symderiv.render.mv_words import typeset
from symderiv.shapes import evaluated, shaped

if TYPE_CHECKING:
    from symderiv.steps import Verification
    from symderiv.taylor import ErrorTable, Taylor

SCHEMA = "symderiv.taylor/1"
ERRORS_SCHEMA = "symderiv.taylor-errors/1"
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@functools.cache
def _messages() -> dict[str, dict[str, str]]:
    text = resources.files("symderiv").joinpath("messages_taylor.toml").read_text("utf-8")
    return tomllib.loads(text)


def _template(key: str, lang: str) -> str:
    table = _messages()
    return table.get(check_language(lang), {}).get(key) or table["en"][key]


def _msg(key: str, lang: str, **values: object) -> str:
    """The sentence as plain text (formula spans lose their backticks)."""
    return fill(_template(key, lang).replace("`", ""), **values)


def _math_text(text: str) -> str:
    """Words as a row of a math environment (``\\text{…}``)."""
    return typeset(text.replace("`", ""), "math")


# --------------------------------------------------------------------------- pieces


def join_terms(terms: Sequence[sp.Expr], show: Callable[[sp.Expr], str], minus: str = "−") -> str:
    """``t₀ + t₁ − t₂ …`` in the given order (signs pulled out of each term)."""
    if not terms:
        return show(sp.S.Zero)
    out = ""
    for index, term in enumerate(terms):
        negative = term.could_extract_minus_sign()
        inner = -term if negative else term
        body = f"({show(inner)})" if inner.is_Add else show(inner)
        if index == 0:
            out = f"-{body}" if negative else body
        else:
            out += f" {minus if negative else '+'} {body}"
    return out


def _point_text(t: Taylor, show: Callable[[sp.Expr], str]) -> str:
    return ", ".join(f"{show(v)} = {show(p)}" for v, p in zip(t.vars, t.point, strict=True))


def _vars_text(t: Taylor) -> str:
    return ", ".join(v.name for v in t.vars)


def _derivative_name(k: int, var: str, unicode: bool = True) -> str:
    if unicode:
        return "f" if k == 0 else ("f" + "′" * k if k <= 3 else f"f⁽{str(k).translate(_SUP)}⁾")
    return "f" if k == 0 else ("f" + "'" * k if k <= 3 else f"f^{{({k})}}")


#: The parts of the numeric check's reason (English, from symderiv.taylor), by message key.
_CHECK_PARTS = (
    ("check_order", re.compile(r"empirical order (?P<empirical>\S+), expected (?P<expected>\d+)")),
    ("check_exact", re.compile(r"the polynomial is exact \(no non-zero term follows\)")),
    (
        "check_not_exact",
        re.compile(r"no non-zero term after degree (?P<n>\d+), yet the error is (?P<error>\S+)"),
    ),
    (
        "check_vanished",
        re.compile(r"the error vanished where a term of order (?P<expected>\d+) should remain"),
    ),
    ("check_coefficients", re.compile(r"coefficients differ from mpmath.taylor by (?P<error>\S+)")),
    ("note_agree", re.compile(r"∇f\(p\) and H\(p\) agree with the worked gradient and Hessian")),
    (
        "note_differ",
        re.compile(r"DIFFER: the worked gradient/Hessian disagree with the series coefficients"),
    ),
    ("note_unavailable", re.compile(r"worked Hessian unavailable \((?P<error>\w+)\)")),
)


def check_reason(reason: str, lang: str) -> str:
    """The numeric check's reason in ``lang``: each known part translated, others kept."""
    parts = []
    for part in reason.split("; "):
        for key, pattern in _CHECK_PARTS:
            match = pattern.fullmatch(part)
            if match:
                part = _msg(key, lang, **match.groupdict())
                break
        parts.append(part)
    return "; ".join(parts)


def _check_line(t: Taylor, lang: str, mark: bool = True) -> str:
    v: Verification = t.verification
    if v.ok is None:
        return verification_line(v, lang, mark=mark)
    key = "verified" if v.ok else "failed"
    reason = check_reason(v.reason or "", lang)
    line = _msg(key, lang, reason=reason, error=format_error(v.max_rel_error))
    return line if mark else line[2:]


def _order_line(t: Taylor, lang: str) -> str:
    if t.expected_order is not None and t.empirical_order is not None:
        return _msg(
            "order_line",
            lang,
            empirical=f"{t.empirical_order:.2f}",
            expected=t.expected_order,
            n=t.order,
        )
    if t.verification.ok and t.expected_order is None:
        return _msg("exact_line", lang, n=t.order)
    return ""


def _table_rows(t: Taylor) -> list[tuple[int, sp.Expr | None, sp.Expr, sp.Expr]]:
    """(k, f⁽ᵏ⁾(x) as the worked derivation shows it (a shape tree, printed with
    ``shape_unicode``/``shape_latex``) or None beyond the worked orders, f⁽ᵏ⁾(a), c_k)."""
    d = t.derivation
    if d is None:
        functions: tuple[sp.Expr, ...] = (shaped(t.expr),)
    else:
        functions = (d.shown_expr, *(d.shown_result(k) for k in range(1, d.order + 1)))
    return [
        (k, functions[k] if k < len(functions) else None, value, c)
        for k, (value, c) in enumerate(zip(t.derivatives, t.coefficients, strict=True))
    ]


def _multi_label(k: tuple[int, ...], t: Taylor, unicode: bool = True) -> str:
    parts = []
    for v, e in zip(t.vars, k, strict=True):
        if e:
            parts.append(
                f"∂{v.name}" + (str(e).translate(_SUP) if e > 1 else "")
                if unicode
                else f"\\partial {v.name}" + (f"^{{{e}}}" if e > 1 else "")
            )
    n = sum(k)
    if not parts:
        return "f"
    if unicode:
        return f"∂{str(n).translate(_SUP) if n > 1 else ''}f/{''.join(parts)}"
    return f"\\frac{{\\partial{'^{%d}' % n if n > 1 else ''} f}}{{{' '.join(parts)}}}"


def _padded(cell: str, width: int) -> str:
    """``cell`` filled out to ``width``, or followed by two spaces when it is wider."""
    return cell.ljust(width) if len(cell) < width else cell + "  "


def _num(value: Any, digits: int = 10) -> str:
    return "—" if value is None else mpmath.nstr(value, digits)


# --------------------------------------------------------------------------- text


def taylor_to_text(t: Taylor, lang: str = "en") -> str:
    """The Taylor polynomial as lines of Unicode text."""
    check_language(lang)
    show = teacher_unicode
    out = [
        _msg(
            "title", lang, vars=_vars_text(t), f=show(t.expr), n=t.order, point=_point_text(t, show)
        ),
        "",
    ]
    if not t.multivariate:
        x = t.var.name
        a = show(t.point[0])
        out.append(_msg("derivative_table", lang))
        rows = [("k", f"f⁽ᵏ⁾({x})", f"f⁽ᵏ⁾({a})", "c_k = f⁽ᵏ⁾(a)/k!")]
        for k, fk, value, c in _table_rows(t):
            rows.append(
                (
                    str(k),
                    shape_unicode(fk) if fk is not None else _msg("from_series", lang),
                    show(value),
                    show(c),
                )
            )
        widths = [min(48, max(len(r[i]) for r in rows)) + 2 for i in range(3)]
        for r in rows:
            out.append(
                "  " + "".join(_padded(cell, w) for cell, w in zip(r, widths, strict=False)) + r[3]
            )
        out.append("")
        name = f"T{str(t.order).translate(_SUB)}({x})"
    else:
        out.append(_msg("coefficients", lang))
        for k in sorted(t.coefficients, key=lambda k: (sum(k), tuple(-e for e in k))):
            out.append(
                f"  {k}  {_multi_label(k, t)}(p)/{'·'.join(f'{e}!' for e in k)}"
                f" = {show(t.coefficients[k])}"
            )
        out.append("")
        name = f"T{str(t.order).translate(_SUB)}({_vars_text(t)})"
    out.append(f"{name} = {join_terms(t.terms, show)}")
    if t.quadratic_form is not None:
        h = "(" + ", ".join(show(s) for s in t.steps) + ")"
        out.append("")
        out.append(_msg("quadratic_model", lang, h=h))
        g = "[" + ", ".join(show(v) for v in t.gradient_at) + "]"
        m = len(t.vars)
        hm = (
            "["
            + ", ".join(
                "[" + ", ".join(show(t.hessian_at[i, j]) for j in range(m)) + "]" for i in range(m)
            )
            + "]"
        )
        out.append(f"  {_msg('gradient_at', lang)} = {g}")
        out.append(f"  {_msg('hessian_at', lang)} = {hm}")
        c0 = show(t.coefficients[(0,) * m])
        out.append(f"  {name} = {c0} + {g}·h + ½ hᵀ {hm} h")
        out.extend(f"  {check_reason(note, lang)}" for note in t.notes)
    out.append("")
    out.append(_check_line(t, lang))
    order = _order_line(t, lang)
    if order:
        out.append(order)
    if t.derivation is not None:
        out.append("")
        out.append(_msg("worked", lang))
        out.append(t.derivation.to_text(lang=lang))
    return "\n".join(out)


def error_table_to_text(table: ErrorTable, lang: str = "en") -> str:
    """The error table as aligned columns of text."""
    check_language(lang)
    t = table.taylor
    head = [
        _msg("error_table", lang, f=teacher_unicode(t.expr), point=_point_text(t, teacher_unicode))
    ]
    if table.direction:
        head.append(_msg("direction", lang, d=teacher_unicode(sp.Tuple(*table.direction))))
    cols = ["h", _msg("true_value", lang)]
    cols += [f"T{str(k).translate(_SUB)}" for k in table.orders]
    cols += [f"|f−T{str(k).translate(_SUB)}|" for k in table.orders]
    rows = [cols]
    for r in table.rows:
        value = _msg("undefined", lang) if r.value is None else _num(r.value)
        rows.append(
            [
                teacher_unicode(r.h),
                value,
                *[_num(a) for a in r.approximations],
                *[_num(e, 3) for e in r.errors],
            ]
        )
    widths = [max(len(row[i]) for row in rows) + 2 for i in range(len(cols))]
    lines = ["".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(head + lines)


# --------------------------------------------------------------------------- LaTeX


def taylor_to_latex(t: Taylor, lang: str = "en") -> str:
    """The derivative table and the polynomial as one ``align*`` environment."""
    check_language(lang)
    title = typeset(
        _template("title", lang),
        "math",
        vars=", ".join(teacher_latex(v) for v in t.vars),
        f=teacher_latex(t.expr),
        n=str(t.order),
        point=_point_text(t, teacher_latex),
    )
    rows = [f"& {title}"]
    if not t.multivariate:
        x, a = teacher_latex(t.var), teacher_latex(t.point[0])
        for k, fk, value, c in _table_rows(t):
            name = _derivative_name(k, x, unicode=False)
            lhs = f"{name}({x}) &= {shape_latex(fk)}, \\quad " if fk is not None else "& "
            rows.append(
                f"{lhs}{name}({a}) = {teacher_latex(value)}, \\quad "
                f"c_{{{k}}} = \\frac{{{name}({a})}}{{{k}!}} = {teacher_latex(c)}"
            )
        lhs = f"T_{{{t.order}}}({x})"
    else:
        for k in sorted(t.coefficients, key=lambda k: (sum(k), tuple(-e for e in k))):
            rows.append(f"c_{{{','.join(map(str, k))}}} &= {teacher_latex(t.coefficients[k])}")
        lhs = f"T_{{{t.order}}}({', '.join(v.name for v in t.vars)})"
    rows.append(f"{lhs} &= {join_terms(t.terms, teacher_latex, '-')}")
    if t.quadratic_form is not None:
        h = sp.Matrix(t.steps)
        rows.append(
            f"&= {teacher_latex(t.coefficients[(0,) * len(t.vars)])} + "
            f"{teacher_latex(t.gradient_at.T)} {teacher_latex(h)} + \\frac{{1}}{{2}} "
            f"{teacher_latex(h.T)} {teacher_latex(t.hessian_at)} {teacher_latex(h)}"
        )
    footer = _check_line(t, lang, mark=False)
    order = _order_line(t, lang)
    # One row per part: a row of an align* cannot break.
    rows.extend(f"& {_math_text(part)}" for part in footer.split("; ") if part)
    if order:
        rows.append(f"& {_math_text(order)}")
    body = "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"
    if t.derivation is not None:
        body += "\n" + t.derivation.to_latex(lang=lang)
    return body


def error_table_to_latex(table: ErrorTable, lang: str = "en") -> str:
    """The error table as a ``tabular``."""
    check_language(lang)
    t = table.taylor
    n = len(table.orders)
    head = [
        "h",
        "f(a+h)",
        *[f"$T_{{{k}}}$" for k in table.orders],
        *[f"$|f-T_{{{k}}}|$" for k in table.orders],
    ]
    lines = [
        "\\begin{tabular}{" + "r" * (2 + 2 * n) + "}",
        " & ".join(head) + r" \\ \hline",
    ]
    for r in table.rows:
        value = escape_text(_msg("undefined", lang)) if r.value is None else _num(r.value)
        cells = [
            f"${teacher_latex(r.h)}$",
            value,
            *[_num(a) for a in r.approximations],
            *[_num(e, 3) for e in r.errors],
        ]
        lines.append(" & ".join(cells) + r" \\")
    lines.append("\\end{tabular}")
    title = _msg(
        "error_table", lang, f=teacher_unicode(t.expr), point=_point_text(t, teacher_unicode)
    )
    return f"% {title}\n" + "\n".join(lines)


# --------------------------------------------------------------------------- Markdown


def _cell(text: str) -> str:
    return text.replace("|", r"\|").replace("\n", " ")


def taylor_to_markdown(t: Taylor, lang: str = "en") -> str:
    """Heading, derivative table, the polynomial in display math, the check."""
    check_language(lang)
    title = _msg(
        "title",
        lang,
        vars=_vars_text(t),
        f=f"${teacher_latex(t.expr)}$",
        n=t.order,
        point=f"${_point_text(t, teacher_latex)}$",
    )
    out = [f"**{title}**", ""]
    if not t.multivariate:
        x, a = teacher_latex(t.var), teacher_latex(t.point[0])
        out.append(f"*{_msg('derivative_table', lang)}*")
        out.append("")
        out.append(f"| $k$ | $f^{{(k)}}({x})$ | $f^{{(k)}}({a})$ | $c_k = f^{{(k)}}({a})/k!$ |")
        out.append("|---|---|---|---|")
        for k, fk, value, c in _table_rows(t):
            fcell = f"${_cell(shape_latex(fk))}$" if fk is not None else _msg("from_series", lang)
            out.append(
                f"| {k} | {fcell} | ${_cell(teacher_latex(value))}$ | ${_cell(teacher_latex(c))}$ |"
            )
        lhs = f"T_{{{t.order}}}({x})"
    else:
        out.append(f"*{_msg('coefficients', lang)}*")
        out.append("")
        out.append(f"| $k$ | {_msg('coefficient', lang)} |")
        out.append("|---|---|")
        for k in sorted(t.coefficients, key=lambda k: (sum(k), tuple(-e for e in k))):
            out.append(f"| {k} | ${_cell(teacher_latex(t.coefficients[k]))}$ |")
        lhs = f"T_{{{t.order}}}({', '.join(v.name for v in t.vars)})"
    out += ["", f"$$ {lhs} = {join_terms(t.terms, teacher_latex, '-')} $$", ""]
    if t.quadratic_form is not None:
        h = sp.Matrix(t.steps)
        out.append(f"*{_msg('quadratic_model', lang, h=f'${teacher_latex(h.T)}$')}*")
        out.append("")
        out.append(
            f"$$ {lhs} = {teacher_latex(t.coefficients[(0,) * len(t.vars)])} + "
            f"{teacher_latex(t.gradient_at.T)} {teacher_latex(h)} + \\frac{{1}}{{2}} "
            f"{teacher_latex(h.T)} {teacher_latex(t.hessian_at)} {teacher_latex(h)} $$"
        )
        out.append("")
    out.append(_check_line(t, lang))
    order = _order_line(t, lang)
    if order:
        out += ["", order]
    if t.derivation is not None:
        out += [
            "",
            f"<details><summary>{_msg('worked', lang)}</summary>",
            "",
            t.derivation.to_markdown(lang=lang),
            "</details>",
        ]
    return "\n".join(out) + "\n"


def error_table_to_markdown(table: ErrorTable, lang: str = "en") -> str:
    check_language(lang)
    t = table.taylor
    title = _msg(
        "error_table", lang, f=f"${teacher_latex(t.expr)}$", point=_point_text(t, teacher_unicode)
    )
    out = [f"**{title}**", ""]
    head = [
        "$h$",
        "$f(a+h)$",
        *[f"$T_{{{k}}}$" for k in table.orders],
        *[f"$\\lvert f-T_{{{k}}}\\rvert$" for k in table.orders],
    ]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "---:|" * len(head))
    for r in table.rows:
        value = _msg("undefined", lang) if r.value is None else _num(r.value)
        cells = [
            f"${teacher_latex(r.h)}$",
            value,
            *[_num(a) for a in r.approximations],
            *[_num(e, 3) for e in r.errors],
        ]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- JSON


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _shape_entry(shape: sp.Expr) -> dict[str, Any]:
    """SymPy's form of a shape tree's value beside the form as shown."""
    return {**expression_dict(evaluated(shape)), "shown": shape_dict(shape)}


def taylor_to_dict(t: Taylor) -> dict[str, Any]:
    """Plain data (``json.dumps`` takes it as is)."""
    if t.multivariate:
        coefficients: Any = [
            {"index": list(k), **expression_dict(c)}
            for k, c in sorted(t.coefficients.items(), key=lambda kc: (sum(kc[0]), kc[0]))
        ]
        table = None
    else:
        coefficients = [expression_dict(c) for c in t.coefficients]
        table = [
            {
                "k": k,
                "derivative": None if fk is None else _shape_entry(fk),
                "value": expression_dict(value),
                "coefficient": expression_dict(c),
            }
            for k, fk, value, c in _table_rows(t)
        ]
    quadratic = None
    if t.quadratic_form is not None:
        quadratic = {
            "gradient": [expression_dict(g) for g in t.gradient_at],
            "hessian": [
                [expression_dict(t.hessian_at[i, j]) for j in range(len(t.vars))]
                for i in range(len(t.vars))
            ],
            "notes": list(t.notes),
        }
    return {
        "schema": SCHEMA,
        "input": {"text": t.source, **expression_dict(t.expr)},
        "variables": [v.name for v in t.vars],
        "point": {v.name: expression_dict(p) for v, p in zip(t.vars, t.point, strict=True)},
        "order": t.order,
        "coefficients": coefficients,
        "derivative_table": table,
        "terms": [expression_dict(term) for term in t.terms],
        "polynomial": {
            "latex": join_terms(t.terms, teacher_latex, "-"),
            "sympy": str(t.polynomial),
        },
        "quadratic_model": quadratic,
        "derivation": None if t.derivation is None else t.derivation.to_dict(),
        "empirical_order": t.empirical_order,
        "expected_order": t.expected_order,
        "verification": t.verification.to_dict(),
    }


def error_table_to_dict(table: ErrorTable) -> dict[str, Any]:
    t = table.taylor
    return {
        "schema": ERRORS_SCHEMA,
        "input": expression_dict(t.expr),
        "variables": [v.name for v in t.vars],
        "point": {v.name: expression_dict(p) for v, p in zip(t.vars, t.point, strict=True)},
        "order": t.order,
        "direction": [str(d) for d in table.direction] or None,
        "digits": table.digits,
        "rows": [
            {
                "h": str(r.h),
                "value": _float(r.value),
                "approximations": [_float(a) for a in r.approximations],
                "errors": [_float(e) for e in r.errors],
            }
            for r in table.rows
        ],
    }
