"""The picture of an optimisation walk: the path of iterates over the contour map (or on
the curve, in one variable) and the loss against the iteration number.

It takes plain data (f, the points, the losses), so it draws any walk: the optimisation
walkthroughs' results, or a learner's own list of iterates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import sympy as sp
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from symderiv.engine import as_expression
from symderiv.plot.contour import Landscape, draw_map
from symderiv.plot.curves import sample, y_limits
from symderiv.plot.derivation import function_name
from symderiv.plot.evaluate import PlotError, compile_expression
from symderiv.plot.style import OKABE_ITO, colour, finish, label, math, new_figure, style_axes

Point = Sequence[Any] | Mapping[Any, Any]


def _ordered(point: Point, vars: Sequence[sp.Symbol]) -> tuple[float, ...]:
    """A point as floats in the order of ``vars`` (a mapping by symbol or name, or a
    sequence already in that order)."""
    if isinstance(point, Mapping):
        by_name = {str(k): v for k, v in point.items()}
        values = [by_name[v.name] for v in vars]
    else:
        values = list(point) if isinstance(point, Sequence) else [point]
    if len(values) != len(vars):
        raise PlotError(f"a point has {len(values)} coordinates, f has {len(vars)} variables")
    return tuple(float(v) for v in values)


def descent_data(result: Any) -> tuple[sp.Expr, list[Any], list[Any] | None]:
    """(f, points, losses) of an optimisation result: anything with ``expr`` and
    ``iterates`` whose items have ``point`` and ``f`` (or ``loss``/``value``)."""
    iterates = getattr(result, "iterates", None)
    expr = getattr(result, "expr", None)
    if iterates is None or expr is None:
        raise PlotError(f"no descent picture for {type(result).__name__}")
    points = [it.point for it in iterates]
    losses = []
    for it in iterates:
        value = next((getattr(it, a) for a in ("f", "loss", "value") if hasattr(it, a)), None)
        if value is None:
            return expr, points, None
        losses.append(value)
    return expr, points, losses


def plot_descent(
    expr: sp.Expr | str,
    points: Sequence[Point],
    losses: Sequence[Any] | None = None,
    *,
    vars: Sequence[sp.Symbol | str] | None = None,
    lang: str = "en",
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    title: str | None = None,
) -> Figure:
    """The path of ``points`` (iterates 0, 1, …) over f, and ``losses`` (f at the points
    unless given) against the iteration. ``expr`` text is read with ``sd.parse``.

    Artists carry gids: "path" (the iterates), "start", "end", "loss" (right panel),
    "f" (the curve, one variable) and "contour" (two variables).
    """
    f_expr = as_expression(expr)
    if vars is None:
        xs = tuple(sorted(f_expr.free_symbols, key=lambda s: s.name))
    else:
        names = {s.name: s for s in f_expr.free_symbols}
        xs = tuple(names.get(str(v), sp.Symbol(str(v))) for v in vars)
    if not 1 <= len(xs) <= 2 or f_expr.free_symbols - set(xs):
        raise PlotError(label("too_many_vars", lang, f=f_expr, n=len(f_expr.free_symbols)))
    if not points:
        raise PlotError("no iterates to draw")
    path = np.array([_ordered(p, xs) for p in points])
    f = compile_expression(f_expr, xs)
    loss = np.array([float(v) for v in losses]) if losses is not None else f(*path.T)
    fig = new_figure(1, 2, figsize=(11.0, 4.8))
    left, right = fig.subplots(1, 2, width_ratios=(3, 2))
    if len(xs) == 2:
        box = _box(path, xlim, ylim)
        land = Landscape(f_expr, xs, (), ())
        draw_map(left, fig, land, box, lang, arrows=False)
        left.plot(
            *path.T,
            "-o",
            color=OKABE_ITO["vermillion"],
            markersize=4,
            linewidth=1.6,
            label=label("path", lang),
            gid="path",
            zorder=6,
        )
        left.set_xlim(*box[0])
        left.set_ylim(*box[1])
    else:
        _one_variable(left, f_expr, xs[0], f, path[:, 0], xlim, lang)
    start, end = path[0], path[-1]
    y0 = [start[1]] if len(xs) == 2 else [float(f(start[:1])[0])]
    y1 = [end[1]] if len(xs) == 2 else [float(f(end[:1])[0])]
    left.plot(
        [start[0]],
        y0,
        "s",
        color=OKABE_ITO["black"],
        markersize=9,
        zorder=8,
        label=label("start", lang),
        gid="start",
    )
    left.plot(
        [end[0]],
        y1,
        "*",
        color=OKABE_ITO["yellow"],
        markeredgecolor="black",
        markersize=15,
        zorder=9,
        label=label("end", lang),
        gid="end",
    )
    left.legend(loc="best", fontsize=9, framealpha=0.9).set_zorder(20)
    _loss_panel(right, loss, lang)
    name = math(f_expr, function_name(0, xs[0]) if len(xs) == 1 else "f(%s, %s)" % xs)
    fig.suptitle(title or label("title_descent", lang, f=name))
    return finish(fig, lang)


def _box(path: np.ndarray, xlim: Any, ylim: Any) -> list[tuple[float, float]]:
    finite = path[np.all(np.isfinite(path), axis=1)]
    lo, hi = finite.min(axis=0), finite.max(axis=0)
    centre = 0.5 * (lo + hi)
    half = max(1.0, 0.6 * float(np.max(hi - lo)))
    box = [(float(c - half), float(c + half)) for c in centre]
    return [xlim or box[0], ylim or box[1]]


def _one_variable(
    ax: Any, f_expr: sp.Expr, x: sp.Symbol, f: Any, xs: np.ndarray, xlim: Any, lang: str
) -> None:
    finite = xs[np.isfinite(xs)]
    lo, hi = xlim or (finite.min(), finite.max())
    margin = max(1.0, 0.15 * (hi - lo))
    lo, hi = (lo, hi) if xlim else (lo - margin, hi + margin)
    curve = sample(f, lo, hi)
    ax.plot(
        curve.x,
        curve.y,
        color=colour(0),
        linewidth=2,
        label=math(f_expr, function_name(0, x)),
        gid="f",
    )
    ys = f(xs)
    ax.plot(
        xs,
        ys,
        "o",
        color=OKABE_ITO["vermillion"],
        markersize=5,
        zorder=6,
        label=label("path", lang),
        gid="path",
    )
    for i in range(len(xs) - 1):
        ax.annotate(
            "",
            xy=(xs[i + 1], ys[i + 1]),
            xytext=(xs[i], ys[i]),
            arrowprops={"arrowstyle": "->", "color": OKABE_ITO["vermillion"], "lw": 1},
        )
    ax.set_xlim(lo, hi)
    ax.set_ylim(*y_limits([curve], list(ys)))
    style_axes(ax)
    ax.set_xlabel(f"${sp.latex(x)}$")


def _loss_panel(ax: Any, loss: np.ndarray, lang: str) -> None:
    k = np.arange(len(loss))
    ax.plot(k, loss, "-o", color=colour(0), markersize=4, gid="loss")
    finite = loss[np.isfinite(loss)]
    if finite.size and finite.min() > 0 and finite.max() / finite.min() > 100:
        ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(label("iteration", lang))
    ax.set_ylabel(label("loss", lang))
    ax.set_title(label("loss_title", lang), fontsize=10)
    style_axes(ax, zero_lines=False)
