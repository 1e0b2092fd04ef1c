"""JSON-ready dictionaries of a Derivation (schema ``symderiv.derivation/1``).

Every expression appears twice: ``latex`` for display and ``sympy`` (SymPy's ``str``
form) for programs. Layout::

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
from symderiv.render.common import rule_label
from symderiv.render.printers import latex_str
from symderiv.steps import Derivation, Step

SCHEMA = "symderiv.derivation/1"


def expression_dict(expr: sp.Expr) -> dict[str, str]:
    """An expression as ``{"latex": ..., "sympy": ...}``."""
    return {"latex": latex_str(expr), "sympy": str(expr)}


def _step_dict(step: Step) -> dict[str, Any]:
    substitution = None
    if step.substitution is not None:
        letter, inner = step.substitution
        substitution = {"symbol": str(letter), "expression": expression_dict(inner)}
    return {
        "stage": step.stage,
        "rule": step.rule,
        "rules": list(step.rules),
        "rule_name": {lang: rule_label(step, lang) for lang in LANGUAGES},
        "target": expression_dict(step.target),
        "before": expression_dict(step.before),
        "after": expression_dict(step.after),
        "substitution": substitution,
    }


def derivation_to_dict(derivation: Derivation) -> dict[str, Any]:
    """The derivation as plain data (``json.dumps`` takes it as is)."""
    return {
        "schema": SCHEMA,
        "input": {"text": derivation.source, **expression_dict(derivation.expr)},
        "variable": str(derivation.var),
        "order": derivation.order,
        "held_constant": [str(s) for s in derivation.held_constant],
        "steps": [_step_dict(step) for step in derivation.steps],
        "stage_results": [expression_dict(r) for r in derivation.stage_results],
        "result": expression_dict(derivation.result),
        "verification": derivation.verification.to_dict(),
    }
