"""The picture of a derivative: f and f′ (and f″) on stacked panels sharing x, and with
``at=a`` the point, the tangent y = f(a) + f′(a)(x − a) and its slope written beside it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import sympy as sp
from matplotlib.figure import Figure

from symderiv.engine import as_expression
from symderiv.plot.curves import PERIODIC, Curve, sample, x_range, y_limits
from symderiv.plot.evaluate import PlotError, compile_expression
from symderiv.plot.style import (
    OKABE_ITO,
    colour,
    finish,
    label,
    math,
    new_figure,
    number_tex,
    pi_ticks,
    style_axes,
)
from symderiv.steps import Derivation

PRIMES = ("", "'", "''", "'''")


def function_name(order: int, var: sp.Symbol) -> str:
    """f(x), f'(x), f''(x), f^{(4)}(x) in mathtext (without dollars)."""
    marks = PRIMES[order] if order < len(PRIMES) else "^{(%d)}" % order
    return "f%s(%s)" % (marks, sp.latex(var))


def substitute(expr: sp.Expr, params: Mapping[Any, Any] | None) -> sp.Expr:
    """``expr`` with the parameters' values put in (names or symbols as keys)."""
    if not params:
        return expr
    by_name = {s.name: s for s in expr.free_symbols}
    values = {by_name.get(str(k), sp.Symbol(str(k))): as_expression(v) for k, v in params.items()}
    return expr.subs(values)


def one_variable(expr: sp.Expr, var: sp.Symbol, lang: str) -> None:
    """Refuse, clearly, an expression that still has other free symbols."""
    others = expr.free_symbols - {var}
    if others:
        raise PlotError(label("too_many_vars", lang, f=expr, n=len(others) + 1))


def plot_derivation(
    d: Derivation,
    at: Any = None,
    *,
    lang: str = "en",
    xlim: tuple[float, float] | None = None,
    params: Mapping[Any, Any] | None = None,
    title: str | None = None,
    derivatives: bool = True,
    show_slope: bool = True,
) -> Figure:
    """f and its derivatives from ``d`` on a sensible range; with ``at``, the tangent there.

    ``params`` gives values to held-constant symbols; ``xlim`` overrides the range.
    ``derivatives=False`` draws f alone (one panel); ``show_slope=False`` leaves the slope
    and the tangent's equation unwritten (a "read the slope from the graph" question).
    The artists carry gids: "f", "derivative-1", "derivative-2", "tangent", "point",
    "slope-point" (on the f′ curve), so tests and tools can read the figure as data.
    """
    x = d.var
    exprs = [substitute(e, params) for e in (d.expr, *d.stage_results)]
    for e in exprs:
        one_variable(e, x, lang)
    fns = [compile_expression(e, (x,)) for e in exprs]
    a = None if at is None else as_expression(at)
    if a is not None and not (a.is_real and a.is_finite):
        raise PlotError(f"the point at={at} is not a real number")
    lo, hi = xlim or x_range(exprs[0], fns[0], None, [] if a is None else [float(a)])
    curves = [sample(fn, lo, hi) for fn in fns]

    if derivatives:
        fig = new_figure(rows=2, cols=1)
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    else:
        fig = new_figure()
        top, bottom = fig.subplots(), None
    fa = slope = None
    if a is not None:
        fa = sp.simplify(exprs[0].subs(x, a))
        slope = sp.simplify(exprs[1].subs(x, a))
        if not (fa.is_real and slope.is_real):
            raise PlotError(f"f or f' has no real value at {x} = {a}")
        _check_differentiable(fns[0], x, a, lang)
    top_include = [] if fa is None else [float(fa)]
    _curve(top, curves[0], math(exprs[0], function_name(0, x)), colour(0), "f")
    if a is not None:
        _tangent(top, x, a, fa, slope, (lo, hi), lang, show_slope)
    top.set_ylim(*y_limits([curves[0]], top_include))
    top.set_xlim(lo, hi)
    if xlim is None and exprs[0].has(*PERIODIC):
        pi_ticks(bottom or top, lo, hi)
    if bottom is not None:
        _derivative_panel(bottom, x, exprs, curves, a, slope, lang)
        if a is not None:
            top.axvline(float(a), color="#999999", linestyle=":", linewidth=0.9)
    for ax in (top, bottom) if bottom is not None else (top,):
        style_axes(ax)
        ax.legend(loc="best", fontsize=9, framealpha=0.9)
    (bottom or top).set_xlabel(f"${sp.latex(x)}$")
    key = "title_derivation" if d.order == 1 else "title_derivation_2"
    name = math(d.expr, function_name(0, x))
    fig.suptitle(title or (label(key, lang, f=name) if derivatives else name))
    return finish(fig, lang)


def _check_differentiable(f: Any, x: sp.Symbol, a: sp.Expr, lang: str) -> None:
    """Refuse a tangent where the one-sided slopes differ (|x| or ReLU at 0), however
    SymPy values f′ there (sign(0) = 0, H(0) = 1/2)."""
    at = float(a)
    h = 1e-6 * (1 + abs(at))
    left_f, fa, right_f = f(np.array([at - h, at, at + h]))
    left, right = (fa - left_f) / h, (right_f - fa) / h
    corner = abs(left - right) > 1e-3 * (1 + abs(left) + abs(right))
    if np.isfinite(left) and np.isfinite(right) and corner:
        raise PlotError(label("not_differentiable", lang, x=x, a=a, left=left, right=right))


def _derivative_panel(
    bottom: Any,
    x: sp.Symbol,
    exprs: list[sp.Expr],
    curves: list[Curve],
    a: Any,
    slope: Any,
    lang: str,
) -> None:
    for k, curve in enumerate(curves[1:], start=1):
        name = label("derivative" if k == 1 else "second_derivative", lang) if k <= 2 else ""
        text = f"{name} {math(exprs[k], function_name(k, x))}".strip()
        _curve(bottom, curve, text, colour(k), f"derivative-{k}")
    if slope is not None:
        bottom.plot([float(a)], [float(slope)], "o", color=colour(1), zorder=5, gid="slope-point")
        bottom.axvline(float(a), color="#999999", linestyle=":", linewidth=0.9)
    bottom.set_ylim(*y_limits(curves[1:], [] if slope is None else [float(slope)]))


def _curve(ax: Any, curve: Curve, text: str, col: str, gid: str) -> None:
    ax.plot(curve.x, curve.y, color=col, linewidth=2, label=text, gid=gid)


def _tangent(
    ax: Any,
    x: sp.Symbol,
    a: sp.Expr,
    fa: sp.Expr,
    slope: sp.Expr,
    xlim: tuple[float, float],
    lang: str,
    show_slope: bool,
) -> None:
    xs = np.array(xlim, dtype=float)
    ys = float(fa) + float(slope) * (xs - float(a))
    tangent_text = label("tangent", lang)
    if show_slope:
        tangent_text += "  $%s$" % tangent_equation(x, a, fa, slope)
    ax.plot(
        xs,
        ys,
        color=OKABE_ITO["vermillion"],
        linestyle="--",
        linewidth=1.6,
        label=tangent_text,
        gid="tangent",
    )
    ax.plot(
        [float(a)],
        [float(fa)],
        "o",
        color=OKABE_ITO["black"],
        markersize=7,
        zorder=6,
        label="(%s, %s)" % (_short(a), _short(fa)),
        gid="point",
    )
    if not show_slope:
        return
    value = number_tex(slope)  # "4", "\\sqrt{2} \\approx 1.414" or "\\approx 1.973"
    relation = "" if value.startswith(r"\approx") else "= "
    slope_text = "%s  $f'(%s) %s%s$" % (label("slope", lang), sp.latex(a), relation, value)
    ax.annotate(
        slope_text,
        xy=(float(a), float(fa)),
        xytext=(12, -18),
        textcoords="offset points",
        fontsize=10,
        bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#999999"},
        gid="slope-text",
    )


def tangent_equation(x: sp.Symbol, a: sp.Expr, fa: sp.Expr, slope: sp.Expr) -> str:
    """y = m x + c in mathtext: exact when a, f(a) and f′(a) are rational, else rounded."""
    if all(v.is_Rational for v in (a, fa, slope)):
        return "y = %s" % sp.latex(sp.expand(fa + slope * (x - a)))
    m = float(slope)
    c = float(fa) - m * float(a)
    sign = "-" if c < 0 else "+"
    return r"y \approx %.4g %s %s %.4g" % (m, sp.latex(x), sign, abs(c))


def _short(value: sp.Expr) -> str:
    return "$%s$" % number_tex(value, digits=3)
