"""Figures for worksheet problems (issue 12 item 3): one vector PDF per figure.

``kind`` is "tangent" (f and its tangent at a: the question hides the slope, the key
writes it), "contour" (the contour map with −∇f: the key marks the critical points by
kind) or "taylor" (f with its Taylor polynomials at a).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sympy as sp
from matplotlib.figure import Figure

import symderiv as sd
from symderiv.plot.contour import plot_contour
from symderiv.plot.derivation import plot_derivation
from symderiv.plot.dispatch import save
from symderiv.plot.evaluate import PlotError
from symderiv.plot.taylor import plot_taylor

KINDS = ("tangent", "contour", "taylor")


def problem_figure(
    kind: str,
    expr: str | sp.Expr,
    vars: str | Sequence[str | sp.Symbol] | None = None,
    at: Any = None,
    *,
    lang: str = "en",
    answer: bool = False,
    order: int = 3,
) -> Figure:
    """The figure of a problem (``answer=False``) or of its worked answer (``answer=True``).
    ``expr`` text is read with ``sd.parse``."""
    if kind == "tangent":
        if at is None:
            raise PlotError("a tangent figure needs the point: at=a")
        d = sd.derive(expr, vars if isinstance(vars, str | sp.Symbol) else None, verify=False)
        return plot_derivation(d, at, lang=lang, derivatives=answer, show_slope=answer)
    if kind == "contour":
        result = (
            sd.critical_points(expr, vars, verify=False)
            if answer
            else sd.gradient(expr, vars, verify=False)
        )
        return plot_contour(result, lang=lang, critical=answer)
    if kind == "taylor":
        var = vars if isinstance(vars, str | sp.Symbol) else None
        return plot_taylor(
            sd.taylor(expr, var, at=0 if at is None else at, order=order, verify=False), lang=lang
        )
    raise PlotError(f"no problem figure of kind {kind!r}: use one of {', '.join(KINDS)}")


def save_problem_figure(
    kind: str,
    expr: str | sp.Expr,
    vars: str | Sequence[str | sp.Symbol] | None,
    at: Any,
    path: str | Path,
    lang: str = "en",
    *,
    answer: bool = False,
    order: int = 3,
) -> Path:
    """Write the problem's figure to ``path`` (a .pdf gives vector graphics for LaTeX)."""
    fig = problem_figure(kind, expr, vars, at, lang=lang, answer=answer, order=order)
    save(fig, path)
    return Path(path)
