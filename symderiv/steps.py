"""Plain, immutable data for worked derivations: Step, Verification, Derivation.

A Derivation is what the engine produces and what every printer reads. The printers live
in ``symderiv.render``; the ``to_*`` methods here import them lazily so this module stays
on the bottom floor.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, ClassVar

import sympy as sp


class Printable:
    """The printer family every result carries, so printers, the CLI and the grader treat
    all results alike.

    A subclass names where its printers live: ``printers = (module, prefix)`` means
    ``module.<prefix>to_text(result, lang=...)`` and so on. The module is imported on first
    use, which keeps results on a floor below ``symderiv.render``.
    """

    printers: ClassVar[tuple[str, str]]

    def _printer(self, fmt: str) -> Any:
        module, prefix = self.printers
        return getattr(importlib.import_module(module), f"{prefix}to_{fmt}")

    def to_text(self, lang: str = "en") -> str:
        return self._printer("text")(self, lang=lang)

    def to_latex(self, lang: str = "en") -> str:
        return self._printer("latex")(self, lang=lang)

    def to_markdown(self, lang: str = "en") -> str:
        return self._printer("markdown")(self, lang=lang)

    def to_dict(self) -> dict[str, Any]:
        return self._printer("dict")(self)

    def plot(self, **options: Any) -> Any:
        """The result's picture as a matplotlib Figure (``symderiv.plot.plot``: tangent,
        Taylor overlay, contour map, descent path, computation graph); needs the [plot]
        extra. Jupyter shows it inline; ``symderiv.plot.save(fig, "f.svg")`` writes it."""
        return importlib.import_module("symderiv.plot").plot(self, **options)

    def _repr_latex_(self) -> str:
        # MathJax typesets a bare align* (or similar) environment as display math.
        return self.to_latex()

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def __str__(self) -> str:
        return self.to_text()


@dataclass(frozen=True)
class Step:
    """One move of a derivation.

    ``rule`` is a rule id from the rule book; ``target`` the pending derivative it acted on
    (a ``sympy.Derivative``); ``before``/``after`` the whole expression around the move,
    with the derivatives still to do left unevaluated. ``merged`` lists trivial rules
    (constant, identity) folded into this step at the chosen level of detail.
    ``substitution`` is the letter the chain rule introduced and what it stands for.
    ``stage`` is the order of derivative being taken (1 for f', 2 for f'', ...).
    ``outer_derivative`` is, for the chain rule, the outer function and its derivative in
    the substitution letter (u² and 2u). ``before`` and ``after`` are shape trees
    (:mod:`symderiv.shapes`): their arguments are in the order they are shown;
    :func:`symderiv.shapes.evaluated` gives their SymPy value.
    """

    rule: str
    target: sp.Expr
    before: sp.Expr
    after: sp.Expr
    merged: tuple[str, ...] = ()
    substitution: tuple[sp.Symbol, sp.Expr] | None = None
    stage: int = 1
    outer_derivative: tuple[sp.Expr, sp.Expr] | None = None

    @property
    def rules(self) -> tuple[str, ...]:
        """Every rule id this step applied, the main one first."""
        return (self.rule, *self.merged)


@dataclass(frozen=True)
class Verification:
    """Outcome of an independent numeric cross-check.

    ``ok`` is True when every sampled point agreed within ``tolerance``, False when one did
    not, and None when the check could not run (``reason`` says why). ``points`` are the
    sample points used; ``max_rel_error`` the largest relative error seen there.
    """

    ok: bool | None
    max_rel_error: float | None
    points: tuple[Any, ...] = ()
    tolerance: float = 1e-20
    digits: int = 30
    method: str = "finite differences (mpmath)"
    reason: str = ""
    reason_key: str | None = None
    reason_values: tuple = ()
    cut_short: str = ""

    @property
    def ran(self) -> bool:
        return self.ok is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "max_rel_error": self.max_rel_error,
            "points": [_jsonable_point(p) for p in self.points],
            "tolerance": self.tolerance,
            "digits": self.digits,
            "method": self.method,
            "reason": self.reason,
            "reason_key": self.reason_key,
            "reason_values": {name: _jsonable_value(v) for name, v in self.reason_values},
            "cut_short": self.cut_short,
        }


def _jsonable_value(value: Any) -> Any:
    return value if isinstance(value, int | float | str | bool) else str(value)


def _jsonable_point(point: Any) -> Any:
    if isinstance(point, dict):
        return {str(k): float(v) for k, v in point.items()}
    return float(point)


NOT_VERIFIED = Verification(
    ok=None,
    max_rel_error=None,
    reason="the check was turned off",
    reason_key="reason_turned_off",
)


@dataclass(frozen=True)
class Derivation(Printable):
    """A worked derivative of ``expr`` with respect to ``var``, ``order`` times.

    ``steps`` run through every stage in order (``Step.stage``); ``stage_results`` holds
    the simplified result of each stage (f', f'', ...); ``result`` is the last of them.
    ``held_constant`` names the other free symbols, treated as constants. ``shape`` is
    the input as written and ``stage_shapes`` each stage's result as shown (in ``form``),
    both shape trees; ``stage_results`` are their SymPy values (equal to ``sympy.diff``).
    """

    expr: sp.Expr
    var: sp.Symbol
    order: int
    steps: tuple[Step, ...]
    stage_results: tuple[sp.Expr, ...]
    verification: Verification = NOT_VERIFIED
    held_constant: tuple[sp.Symbol, ...] = ()
    source: str = ""
    metadata: dict[str, Any] = field(default_factory=dict, compare=False)
    shape: sp.Expr | None = None
    stage_shapes: tuple[sp.Expr, ...] = ()
    form: str = "teacher"
    detail: str = "normal"

    printers: ClassVar[tuple[str, str]] = ("symderiv.render.derivation", "derivation_")

    @property
    def result(self) -> sp.Expr:
        return self.stage_results[-1]

    @property
    def partial(self) -> bool:
        """Whether other symbols are held constant (∂/∂x notation)."""
        return bool(self.held_constant)

    @property
    def shown_expr(self) -> sp.Expr:
        """The input as written (its shape tree)."""
        return self.expr if self.shape is None else self.shape

    def shown_result(self, stage: int | None = None) -> sp.Expr:
        """A stage's result as shown (the last stage by default)."""
        index = (stage or self.order) - 1
        if len(self.stage_shapes) > index:
            return self.stage_shapes[index]
        return self.stage_results[index]

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The main rule of every step, in order (the shape of the derivation)."""
        return tuple(step.rule for step in self.steps)

    def stage_steps(self, stage: int) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if step.stage == stage)

    def to_text(self, lang: str = "en", *, unicode: bool = True) -> str:
        return self._printer("text")(self, lang=lang, unicode=unicode)
