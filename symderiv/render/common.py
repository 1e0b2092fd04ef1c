"""Pieces every printer of a Derivation shares: rule labels and the verification line."""

from __future__ import annotations

import re
from collections.abc import Callable

import sympy as sp

from symderiv.i18n import message, with_particle
from symderiv.rulebook import load_rulebook
from symderiv.steps import Derivation, Step, Verification


def rule_label(step: Step, lang: str) -> str:
    """The rule names of a step, e.g. 'chain rule: derivative of sine'."""
    book = load_rulebook()
    names = [book[rule_id].name(lang) for rule_id in step.rules if rule_id in book]
    label = names[0]
    if step.rule == "chain" and len(names) > 1:
        label = message("chain_with", lang, chain=names[0], outer=names[1])
        names = names[1:]
    extra = [n for n in names[1:] if n not in label]
    if extra:
        label += " + " + ", ".join(extra)
    return label


def step_label(
    step: Step,
    lang: str,
    show: Callable[[sp.Expr], str],
    wrap: Callable[[str], str] = str,
    derivative_operator: str = "d/d{letter} ",
) -> str:
    """The rule names of a step with what they act on: for the chain rule the outer
    derivative in the substitution letter and what the letter stands for, e.g.
    'chain rule: d/du u² = 2u, u = 3x + 1'."""
    label = rule_label(step, lang)
    if step.substitution is None:
        return label
    letter, inner = step.substitution
    if step.rule == "chain" and step.outer_derivative is not None:
        book = load_rulebook()
        function, outer_value = step.outer_derivative
        extra = [book[r].name(lang) for r in step.merged[1:] if r in book and r != step.merged[0]]
        operator = derivative_operator.format(letter=show(letter))
        outer = wrap(f"{operator}{show(function)} = {show(outer_value)}")
        text = message(
            "chain_outer",
            lang,
            chain=book["chain"].name(lang),
            outer=outer,
            letter="",
            inner=wrap(f"{show(letter)} = {show(inner)}"),
        )
        return text + (" + " + ", ".join(extra) if extra else "")
    return f"{label} ({wrap(f'{show(letter)} = {show(inner)}')})"


def format_error(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1e}"


def verification_line(verification: Verification, lang: str, *, mark: bool = True) -> str:
    """One sentence saying whether, where and how well the result was checked.

    With ``mark=False`` the leading ✓/✗/· is left off (for LaTeX without extra fonts).
    """
    if verification.ok is None:
        line = message("not_run", lang, reason=reason_text(verification, lang))
    else:
        key = "verified" if verification.ok else "failed"
        line = message(
            key, lang, n=len(verification.points), error=format_error(verification.max_rel_error)
        )
    return line if mark else line[2:]


#: Reasons other checks (implicit, at-a-point, backprop, Taylor) give in English without a
#: ``reason_key``, by the message key of their translation: a fixed sentence, or a pattern
#: whose named groups are the message's values. A verification with a ``reason_key`` needs
#: none of these.
_REASON_PATTERNS = tuple(
    (key, re.compile(pattern))
    for key, pattern in (
        ("reason_turned_off", r"the check was turned off"),
        ("reason_nothing_checked", r"nothing could be checked"),
        ("reason_no_variable", r"there is no variable to differentiate by"),
        ("reason_no_curve_point", r"no point of the curve was found to check at"),
        (
            "reason_implicit_unknown",
            r"(?P<yx>\S+) is unknown here; the result is checked on the curve",
        ),
        ("reason_curve_agreed", r"all (?P<n>\d+) points on the curve agreed"),
        ("reason_point_symbols", r"the point or the function holds symbols without values"),
        ("reason_point_agreed", r"all (?P<n>\d+) values agreed at the point"),
        (
            "reason_point_disagrees",
            r"a claimed derivative disagrees with finite differences at the point",
        ),
        ("reason_checks_agreed", r"all (?P<n>\d+) checks agreed"),
        ("reason_covered", r"covered by the check of order (?P<order>\d+)"),
        ("reason_params", r"parameters held at (?P<params>.+)"),
        ("reason_checks_ran", r"(?P<ran>\d+) of (?P<total>\d+) checks ran"),
    )
)
#: Labels the check writes into its reasons (what it evaluated), by message key.
_LABEL_KEYS = {
    "function": "label_function",
    "result": "label_result",
    "first expression": "label_first_expression",
    "second expression": "label_second_expression",
    "the value": "label_value",
    "the derivative": "label_derivative",
    "the second derivative": "label_second_derivative",
    "the third derivative": "label_third_derivative",
}
_ORDER_LABEL = re.compile(r"the derivative of order (\d+)")


def _label(value: object, lang: str) -> str:
    """A label of the check ("function", "partial ∂f/∂x", "the derivative") in ``lang``."""
    text = str(value)
    if text in _LABEL_KEYS:
        return message(_LABEL_KEYS[text], lang)
    if text.startswith("partial "):
        return message("label_partial", lang, name=text.removeprefix("partial "))
    order = _ORDER_LABEL.fullmatch(text)
    if order:
        return message("label_order", lang, n=order.group(1))
    return text


def reason_text(verification: Verification, lang: str) -> str:
    """Why the check did not run (or how it went), in ``lang``: by the verification's
    ``reason_key`` (with ``reason_values``) when it has one, else by the known English
    sentence."""
    key = getattr(verification, "reason_key", None)
    if not key:
        return _reason_from_text(verification.reason, lang) or message("reason_unknown", lang)
    values = dict(getattr(verification, "reason_values", None) or ())
    params = values.pop("params", None)
    for name in ("what", "first"):
        if name in values:
            values[name] = _label(values[name], lang)
    if "side" in values:
        values["side"] = message(f"side_{values['side']}", lang) if values["side"] else ""
    text = message(key, lang, **values)
    if params is not None:
        text += message("reason_params", lang, params=params)
    return text


def _reason_from_text(reason: str, lang: str) -> str:
    """An English reason without a key, in ``lang``: each "; "-separated part that matches
    a known sentence translated, the others kept."""
    if lang == "en":
        return reason
    whole = _known_reason(reason, lang)
    if whole is not None:
        return whole
    return "; ".join(_known_reason(part, lang) or part for part in reason.split("; "))


def _known_reason(text: str, lang: str) -> str | None:
    for key, pattern in _REASON_PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            return message(key, lang, **found.groupdict()).removeprefix("; ")
    return None


def held_constant_note(
    derivation: Derivation, lang: str, show: Callable[[sp.Expr], str] = str
) -> str:
    if not derivation.held_constant:
        return ""
    names = ", ".join(show(s) for s in derivation.held_constant)
    return message("held_constant", lang, names=with_particle(names, "topic", lang))


def stage_header_expr(derivation: Derivation, stage: int) -> sp.Expr:
    """What stage k differentiates: f itself for k = 1, else the (k−1)-th derivative."""
    return derivation.expr if stage == 1 else derivation.stage_results[stage - 2]


def stage_header_shape(derivation: Derivation, stage: int) -> sp.Expr:
    """What stage k differentiates, as shown: the input as written for k = 1, else the
    (k−1)-th derivative as the previous stage showed it."""
    return derivation.shown_expr if stage == 1 else derivation.shown_result(stage - 1)


#: A line longer than this many characters shows only what its step changed, the other
#: terms elided (unless the derivation was made with detail="full").
COMPACT_WIDTH = 160


def compact_line(
    step: Step,
    show: Callable[[sp.Expr], str],
    ellipsis: str = "…",
    width: int = COMPACT_WIDTH,
) -> str | None:
    """The step's line with the terms it did not touch elided: '… + 2x·(x + 3) + …', or
    None when the line is short enough or nothing can be elided. ``show`` should cache
    printed terms (the expression printers in ``symderiv.notation`` do), so the cost is
    linear in what is shown."""
    terms = step.after.args if isinstance(step.after, sp.Add) else (step.after,)
    if len(terms) < 3:
        return None
    texts = [show(t) for t in terms]
    if sum(len(t) + 3 for t in texts) <= width:
        return None
    before = step.before.args if isinstance(step.before, sp.Add) else (step.before,)
    unchanged = set(before)
    parts: list[str] = []
    for term, text in zip(terms, texts, strict=True):
        if term in unchanged:
            if parts[-1:] not in ([ellipsis], [f"+ {ellipsis}"]):
                parts.append(f"+ {ellipsis}" if parts else ellipsis)
        elif not parts:
            parts.append(text)
        else:
            parts.append(f"- {text[1:]}" if text.startswith("-") else f"+ {text}")
    if not any(ellipsis in part for part in parts):
        return None
    return " ".join(parts)


def shows_everything(derivation: Derivation) -> bool:
    """Whether every line is shown in full (``detail="full"``)."""
    return getattr(derivation, "detail", "normal") == "full"
