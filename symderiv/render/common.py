"""Pieces every printer of a Derivation shares: rule labels and the verification line."""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from symderiv.i18n import message
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


def format_error(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1e}"


def verification_line(verification: Verification, lang: str, *, mark: bool = True) -> str:
    """One sentence saying whether, where and how well the result was checked.

    With ``mark=False`` the leading ✓/✗/· is left off (for LaTeX without extra fonts).
    """
    if verification.ok is None:
        line = message("not_run", lang, reason=verification.reason or "unknown")
    else:
        key = "verified" if verification.ok else "failed"
        line = message(
            key, lang, n=len(verification.points), error=format_error(verification.max_rel_error)
        )
    return line if mark else line[2:]


def held_constant_note(
    derivation: Derivation, lang: str, show: Callable[[sp.Expr], str] = str
) -> str:
    if not derivation.held_constant:
        return ""
    names = ", ".join(show(s) for s in derivation.held_constant)
    return message("held_constant", lang, names=names)


def stage_header_expr(derivation: Derivation, stage: int) -> sp.Expr:
    """What stage k differentiates: f itself for k = 1, else the (k−1)-th derivative."""
    return derivation.expr if stage == 1 else derivation.stage_results[stage - 2]
