"""What the second-derivative test says at a point: the kinds, the reasons, the result object."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symderiv.multivariate.base import Printable
from symderiv.steps import NOT_VERIFIED, Verification

KINDS = ("minimum", "maximum", "saddle", "inconclusive")
#: Relative tolerance for zero when the Hessian at the point holds decimal numbers.
ZERO_TOLERANCE = 1e-9
#: Largest derivative order the higher-order checks look at.


# --------------------------------------------------------------------------- classification


@dataclass(frozen=True)
class Reason:
    """One sentence of an explanation: a message key and its values (Exprs, text, numbers)."""

    key: str
    values: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, key: str, **values: Any) -> Reason:
        return cls(key, tuple(values.items()))

    def text(self, lang: str = "en") -> str:
        # Late-bound like every result's printers (steps.Printable): results sit below
        # symderiv.render and name their printer module instead of importing it.
        printer = importlib.import_module("symderiv.render.multivariate").reason_text
        return printer(self, lang)


@dataclass(frozen=True)
class ParameterCase:
    """For functions of parameters: the ``kind`` holds exactly when ``condition`` does."""

    kind: str
    condition: sp.Basic


@dataclass(frozen=True, eq=False)
class Classification(Printable):
    """The second-derivative test at one point, and what decided the ``kind``.

    ``kind`` is "minimum", "maximum", "saddle" or "inconclusive" at a critical point, and
    "not_critical" elsewhere (asked with ``require_critical=False``: no verdict, the
    reasons describe the curvature); ``hessian_kind`` is what the Hessian alone says.
    When the Hessian is semidefinite, exact higher-order checks may decide ``kind``
    (``method`` names the check; ``proved`` is True for them). In one variable, "saddle"
    means a stationary inflection point: neither minimum nor maximum.
    ``evidence`` is a kind suggested by numerical sampling only (never a proof).
    ``cases`` describe the kind in terms of parameters when it depends on them.
    """

    kind: str
    hessian_kind: str
    definiteness: str
    point: dict[sp.Symbol, sp.Expr]
    vars: tuple[sp.Symbol, ...]
    matrix: sp.ImmutableMatrix
    eigenvalues: tuple[sp.Expr, ...]
    eigenvalues_exact: bool
    minors: tuple[sp.Expr, ...]
    charpoly: tuple[sp.Expr, ...]
    inertia: tuple[int, int, int] | None
    method: str
    proved: bool
    reasons: tuple[Reason, ...]
    value: sp.Expr | None = None
    cases: tuple[ParameterCase, ...] = ()
    depends_on: tuple[sp.Symbol, ...] = ()
    evidence: str | None = None
    numeric: bool = False
    anywhere: bool = False
    verification: Verification = NOT_VERIFIED

    @property
    def reason(self) -> str:
        """The explanation in English (``reason_text("ko")`` for Korean)."""
        return self.reason_text("en")

    def reason_text(self, lang: str = "en") -> str:
        """The explanation as printed (at a non-critical point: the curvature only)."""
        shown = importlib.import_module("symderiv.render.hessian").shown_reasons(self)
        return " ".join(r.text(lang) for r in shown)
