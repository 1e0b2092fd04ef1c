"""Words for the multivariate printers: sentences from ``messages_multivariate.toml``,
parameter conditions ("a > 0 and b > 0"), explanations (Reasons) in text, LaTeX or Markdown."""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

import sympy as sp

from symderiv.i18n import LANGUAGES, check_language
from symderiv.render.latex import escape_text
from symderiv.render.printers import latex_str, unicode_str

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


def text_show(value: Any) -> str:
    return unicode_str(value)


def math_show(value: Any) -> str:
    return f"${latex_str(value)}$"


def vector_text(values: Sequence[Any], show: Show) -> str:
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
    return math_show(condition) if math else unicode_str(condition)


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


def reason_dict(reasons: Sequence[Any]) -> dict[str, Any]:
    return {
        "keys": [r.key for r in reasons],
        **{lang: [reason_text(r, lang) for r in reasons] for lang in LANGUAGES},
    }
