"""JSON-ready dictionaries of a Derivation (schema ``symderiv.derivation/1``).

Every expression appears as shown (``latex`` and ``text``, in the order it was written)
and as SymPy's value for programs (``sympy``, SymPy's ``str`` form). Layout::

    {"schema": "symderiv.derivation/1",
     "input": {"text", "latex", "sympy"}, "variable": "x", "order": 1,
     "held_constant": ["y"],
     "steps": [{"stage", "rule", "rules", "rule_name": {"en", "ko"},
                "target", "before", "after", "substitution": {"symbol", "expression"}|null}],
     "stage_results": [expr, ...], "result": expr,
     "verification": {"ok", "max_rel_error", "points", "tolerance", "digits", "method",
                      "reason"}}
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from symderiv.i18n import LANGUAGES
from symderiv.notation import latex_str, shape_latex, shape_unicode
from symderiv.render.common import rule_label, step_label
from symderiv.shapes import evaluated, shaped
from symderiv.steps import Derivation, Step

SCHEMA = "symderiv.derivation/1"


def expression_dict(expr: sp.Expr) -> dict[str, Any]:
    """An evaluated expression as ``{"latex": ..., "sympy": ..., "shown": ...}``: SymPy's
    LaTeX and ``str`` for programs, and under ``shown`` the teacher's form (``latex``,
    ``text``, ``sympy``) that the printers show."""
    out: dict[str, Any] = {"latex": latex_str(expr), "sympy": str(expr)}
    if isinstance(expr, sp.Expr) and not isinstance(expr, sp.MatrixBase):
        out["shown"] = shape_dict(shaped(expr))
    return out


def shape_dict(shape: sp.Expr, partial: bool = False) -> dict[str, str]:
    """A shape tree as shown (``latex``, ``text``) beside its SymPy value (``sympy``)."""
    return {
        "latex": shape_latex(shape, partial=partial),
        "text": shape_unicode(shape, partial=partial),
        "sympy": str(evaluated(shape)),
    }


def _step_dict(step: Step, partial: bool) -> dict[str, Any]:
    substitution = None
    if step.substitution is not None:
        letter, inner = step.substitution
        substitution = {"symbol": str(letter), "expression": shape_dict(inner)}
    outer = None
    if step.outer_derivative is not None:
        function, derivative = step.outer_derivative
        outer = {"function": shape_dict(function), "derivative": shape_dict(derivative)}
    return {
        "stage": step.stage,
        "rule": step.rule,
        "rules": list(step.rules),
        "rule_name": {lang: rule_label(step, lang) for lang in LANGUAGES},
        "label": {lang: step_label(step, lang, shape_unicode) for lang in LANGUAGES},
        "target": shape_dict(step.target, partial),
        "before": shape_dict(step.before, partial),
        "after": shape_dict(step.after, partial),
        "substitution": substitution,
        "outer_derivative": outer,
    }


def derivation_to_dict(derivation: Derivation) -> dict[str, Any]:
    """The derivation as plain data (``json.dumps`` takes it as is)."""
    return {
        "schema": SCHEMA,
        "input": {
            **expression_dict(derivation.expr),
            "shown": shape_dict(derivation.shown_expr),
            "text": derivation.source,
        },
        "variable": str(derivation.var),
        "order": derivation.order,
        "form": derivation.form,
        "held_constant": [str(s) for s in derivation.held_constant],
        "steps": [_step_dict(step, derivation.partial) for step in derivation.steps],
        "stage_results": [
            {**expression_dict(r), "shown": shape_dict(derivation.shown_result(k))}
            for k, r in enumerate(derivation.stage_results, 1)
        ],
        "result": {
            **expression_dict(derivation.result),
            "shown": shape_dict(derivation.shown_result()),
        },
        "verification": derivation.verification.to_dict(),
    }
