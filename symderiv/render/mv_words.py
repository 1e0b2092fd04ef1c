"""Words for the multivariate printers: sentences from ``messages_multivariate.toml``,
parameter conditions ("a > 0 and b > 0"), explanations (Reasons) in text, LaTeX or Markdown."""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

import sympy as sp

from symderiv.i18n import LANGUAGES, PARTICLE_SPECS, check_language, fill, particle
from symderiv.notation import teacher_latex, teacher_unicode
from symderiv.render.latex import escape_text

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


def _template(key: str, lang: str) -> str:
    table = _messages()
    return table.get(check_language(lang), {}).get(key) or table["en"][key]


def has_message(key: str) -> bool:
    return key in _messages()["en"]


def mv_message(key: str, lang: str = "en", **values: Any) -> str:
    """The sentence ``key`` in ``lang`` (English when Korean lacks it), filled in as plain text.

    In the templates, formulas are set off by backticks (`∂f/∂{a}`); plain text drops them.
    """
    return fill(_template(key, lang).replace("`", ""), **values)


#: Unicode the templates write inside formulas, as LaTeX math.
_MATH_UNICODE = {
    "∂": r"\partial ",
    "∇": r"\nabla ",
    "″": "''",
    "′": "'",
    "−": "-",
    "≥": r"\ge ",
    "≤": r"\le ",
    "≠": r"\ne ",
    "≈": r"\approx ",
    "×": r"\times ",
    "·": r"\cdot ",
    "λ": r"\lambda ",
    "Δ": r"\Delta ",
    "→": r"\to ",
    "∞": r"\infty ",
    "…": r"\dots ",
    "²": "^{2}",
    "³": "^{3}",
    "ᵀ": "^{T}",
    **{chr(0x2080 + i): "_{%d}" % i for i in range(10)},
}
#: {name}, or {name:를} for the value followed by its Korean particle (symderiv.i18n.fill).
_PLACEHOLDER = re.compile(r"\{(\w+)(?::([가-힣]+))?\}")


def unicode_math_latex(formula: str) -> str:
    """A formula written with Unicode (∂f/∂x, f″, D₂, x ≥ 0, det H) as LaTeX math."""
    formula = re.sub(r"\bdet\b", r"\\det", formula)
    return "".join(_MATH_UNICODE.get(ch, ch) for ch in formula)


def _latex_words(text: str) -> str:
    """Words for a LaTeX paragraph; < and > go to math mode (text-mode < > print as 〈 〉
    or ¡ ¿ in some font setups)."""
    return escape_text(text).replace("<", "$<$").replace(">", "$>$")


def _fill(segment: str, values: dict[str, str], literal: Show, value: Show) -> str:
    out, pos = [], 0
    for match in _PLACEHOLDER.finditer(segment):
        out.append(literal(segment[pos : match.start()]))
        out.append(value(values[match.group(1)]))
        if match.group(2):
            out.append(particle(str(values[match.group(1)]), PARTICLE_SPECS[match.group(2)]))
        pos = match.end()
    out.append(literal(segment[pos:]))
    return "".join(out)


def typeset(template: str, mode: str, **values: str) -> str:
    """A message template filled in for ``mode`` "latex" (a paragraph), "markdown" or "math".

    The template's `formula` spans become math (their Unicode as LaTeX: ``\\partial``,
    ``f''``, ``D_{2}``). "latex" escapes the words and puts formulas in ``$…$``; "markdown"
    keeps the words and uses ``$…$``; "math" is for inside a math environment (``align*``,
    MathJax): words go in ``\\text{…}``, formulas stay bare. ``values`` are typeset for the
    mode already (in "latex"/"markdown" formulas inside ``$…$``, which are dropped inside a
    formula span and in "math").
    """
    bare: Show = lambda v: v.replace("$", "")  # noqa: E731
    if mode == "math":

        def words(text: str) -> str:
            return r"\text{%s}" % escape_text(text) if text else ""

        return "".join(
            _fill(segment, values, unicode_math_latex if index % 2 else words, bare)
            for index, segment in enumerate(template.split("`"))
        )
    plain = _latex_words if mode == "latex" else str
    out = []
    for index, segment in enumerate(template.split("`")):
        if index % 2:
            out.append("$" + _fill(segment, values, unicode_math_latex, bare) + "$")
        else:
            out.append(_fill(segment, values, plain, str))
    return "".join(out)


def mv_typeset(key: str, lang: str, mode: str, **values: str) -> str:
    """The sentence ``key`` typeset for ``mode`` (see :func:`typeset`)."""
    return typeset(_template(key, lang), mode, **values)


def kind_name(kind: str, lang: str) -> str:
    return mv_message(f"kind_{kind}", lang)


# --------------------------------------------------------------------------- values


def text_show(value: Any) -> str:
    return teacher_unicode(value)


def math_show(value: Any) -> str:
    """``$…$`` for a LaTeX paragraph or Markdown (symbols named with Unicode, such as the
    Δx of a Taylor form, as LaTeX)."""
    return "$" + "".join(_MATH_UNICODE.get(ch, ch) for ch in teacher_latex(value)) + "$"


def vector_text(values: Sequence[Any], show: Show) -> str:
    return "(" + ", ".join(show(v) for v in values) + ")"


_RELATIONS = {"<": "<", ">": ">", "<=": "≤", ">=": "≥", "==": "=", "!=": "≠"}
_LATEX_RELATIONS = {"<": "<", ">": ">", "<=": r"\le", ">=": r"\ge", "==": "=", "!=": r"\ne"}


def _relation_text(relation: Any, math: bool) -> str:
    if math:
        op = _LATEX_RELATIONS.get(relation.rel_op, relation.rel_op)
        return f"${teacher_latex(relation.lhs)} {op} {teacher_latex(relation.rhs)}$"
    op = _RELATIONS.get(relation.rel_op, relation.rel_op)
    return f"{teacher_unicode(relation.lhs)} {op} {teacher_unicode(relation.rhs)}"


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
                return _relation_text(low, True)[:-1] + f" {op} {teacher_latex(high.rhs)}$"
            return (
                _relation_text(low, False)
                + f" {_RELATIONS[high.rel_op]} "
                + teacher_unicode(high.rhs)
            )
        args = sorted(condition.args, key=_condition_key)
        return f" {mv_message('and', lang)} ".join(condition_text(a, lang, math) for a in args)
    if isinstance(condition, sp.core.relational.Relational):
        return _relation_text(_symbol_first(condition), math)
    return math_show(condition) if math else teacher_unicode(condition)


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
    show = math_show if math else text_show
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
        return vector_text(value, show)
    if isinstance(value, sp.Basic):
        return show(value)
    return str(value)


def reason_text(reason: Any, lang: str = "en", *, mode: str = "text") -> str:
    """One Reason as a sentence in ``mode`` "text", "latex" or "markdown"."""
    check_language(lang)
    if mode == "text":
        values = {name: _render_value(v, lang, False) for name, v in reason.values}
        return mv_message(reason.key, lang, **values)
    values = {
        name: _latex_words(v) if mode == "latex" and isinstance(v, str) else v
        for name, v in reason.values
    }
    shown = {name: _render_value(v, lang, True) for name, v in values.items()}
    return mv_typeset(reason.key, lang, mode, **shown)


def reason_dict(reasons: Sequence[Any]) -> dict[str, Any]:
    return {
        "keys": [r.key for r in reasons],
        **{lang: [reason_text(r, lang) for r in reasons] for lang in LANGUAGES},
    }
