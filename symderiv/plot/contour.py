"""Pictures of functions of two variables (and of one, for critical points): a filled
contour map with −∇f arrows and every critical point marked by its kind."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

import symderiv as sd
from symderiv.plot.curves import PERIODIC, sample, x_range, y_limits
from symderiv.plot.derivation import function_name, substitute
from symderiv.plot.evaluate import PlotError, compile_expression
from symderiv.plot.style import (
    CONTOUR_CMAP,
    KIND_STYLE,
    OKABE_ITO,
    colour,
    finish,
    label,
    math,
    new_figure,
    style_axes,
)

#: Grid of the contour map (per side) and of the arrows.
GRID = 161
ARROWS = 15
#: Seconds SymPy may spend finding critical points for a Gradient or Hessian picture
#: (no numeric search: a picture should not wait; CriticalPoints results have their own).
CRITICAL_BUDGET = 3.0
#: Integer family members tried on each side of 0 (sin x + cos y repeats every 2π).
FAMILY_REACH = 8


@dataclass(frozen=True)
class Marked:
    """A critical point to draw: its coordinates (floats) and kind."""

    coordinates: tuple[float, ...]
    kind: str


@dataclass(frozen=True)
class Landscape:
    """What a contour picture needs: f, its variables, ∇f, and the critical points (finite
    ones, and families as SymPy points with their parameters)."""

    expr: sp.Expr
    vars: tuple[sp.Symbol, ...]
    gradient: tuple[sp.Expr, ...]
    points: tuple[Any, ...]


def landscape(result: Any, critical: bool = True, params: Mapping[Any, Any] | None = None):
    """The Landscape of a Gradient, Hessian or CriticalPoints result. The critical points
    of a Gradient or Hessian (or of any result given ``params``) are solved for here,
    symbolically within :data:`CRITICAL_BUDGET` seconds (none are marked if that fails)."""
    if isinstance(result, sd.CriticalPoints):
        grad, points = result.gradient, tuple(result.points)
    elif isinstance(result, sd.Hessian | sd.Gradient):
        grad = result.gradient if isinstance(result, sd.Hessian) else result
        points = ()
    else:
        raise PlotError(f"no contour picture for {type(result).__name__}")
    given = {str(k) for k in params or {}}
    kept = [i for i, v in enumerate(grad.vars) if v.name not in given]
    expr = substitute(grad.expr, params)
    components = tuple(substitute(grad.components[i], params) for i in kept)
    vars = tuple(grad.vars[i] for i in kept)
    solve = critical and (params or not isinstance(result, sd.CriticalPoints))
    if solve and not expr.free_symbols - set(vars):
        cps = sd.critical_points(
            expr, vars, time_budget=CRITICAL_BUDGET, numeric=False, verify=False
        )
        points = tuple(cps.points)
    return Landscape(expr, vars, components, points)


def _float_point(values: Sequence[sp.Expr]) -> tuple[float, ...] | None:
    try:
        out = tuple(float(sp.re(sp.N(v))) for v in values)
    except TypeError:
        return None
    return out if all(np.isfinite(out)) else None


def marked_points(
    points: Sequence[Any], vars: Sequence[sp.Symbol], box: Sequence[tuple[float, float]] | None
) -> tuple[list[Marked], list[tuple[Any, sp.Symbol]]]:
    """Finite points (and members of integer families inside ``box``) to mark, and the
    families along a real parameter (curves) to draw as lines."""
    marked: list[Marked] = []
    curves: list[tuple[Any, sp.Symbol]] = []
    for p in points:
        coords = [p.point[v] for v in vars]
        if not p.family:
            f = _float_point(coords)
            if f is not None:
                marked.append(Marked(f, p.kind))
            continue
        integers = [s for s in p.family if s.is_integer]
        reals = [s for s in p.family if not s.is_integer]
        if reals:
            if len(reals) == 1 and not integers:
                curves.append((p, reals[0]))
            continue
        if box is None:
            continue
        for values in itertools.product(
            range(-FAMILY_REACH, FAMILY_REACH + 1), repeat=len(integers)
        ):
            f = _float_point([c.subs(dict(zip(integers, values, strict=True))) for c in coords])
            if f is not None and all(lo <= v <= hi for v, (lo, hi) in zip(f, box, strict=True)):
                marked.append(Marked(f, p.kind))
    return marked, curves


def _box(land: Landscape, marked: list[Marked]) -> list[tuple[float, float]]:
    """A square view around the finite critical points (±3 around 0 without them; ±π for
    periodic functions)."""
    half = np.pi if land.expr.has(*PERIODIC) else 3.0
    if not marked:
        return [(-half, half)] * len(land.vars)
    coords = np.array([m.coordinates for m in marked])
    lo, hi = coords.min(axis=0), coords.max(axis=0)
    centre = 0.5 * (lo + hi)
    half = max(2.0, 0.5 * float(np.max(hi - lo)) + 1.5)
    return [(float(c - half), float(c + half)) for c in centre]


def plot_contour(
    result: Any,
    *,
    lang: str = "en",
    critical: bool = True,
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    params: Mapping[Any, Any] | None = None,
    title: str | None = None,
) -> Figure:
    """A contour map of f with −∇f arrows and its critical points marked by kind (two
    variables), or the curve of f with its critical points (one variable).

    ``critical=False`` skips solving ∇f = 0 for a Gradient or Hessian. Artists carry gids:
    "contour", "neg-gradient" (the quiver), "critical-<kind>" (markers), "f" (1-D curve).
    """
    land = landscape(result, critical, params)
    extra = land.expr.free_symbols - set(land.vars)
    if extra or len(land.vars) > 2:
        n = len(land.vars) + len(extra)
        raise PlotError(label("too_many_vars", lang, f=land.expr, n=n))
    if len(land.vars) == 1:
        return _plot_one(land, lang, xlim, title)
    return _plot_two(land, lang, xlim, ylim, title)


def _legend_handles(kinds: Sequence[str], lang: str, one_d: bool = False) -> list[Line2D]:
    handles = []
    for kind in ("minimum", "maximum", "saddle", "inconclusive"):
        if kind in kinds:
            marker, col = KIND_STYLE[kind]
            key = "saddle_1d" if one_d and kind == "saddle" else kind
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker=marker,
                    markersize=9,
                    markerfacecolor=col,
                    markeredgecolor="black",
                    label=label(key, lang),
                )
            )
    return handles


def _mark(ax: Any, marked: list[Marked], lang: str, one_d: bool = False) -> None:
    for kind in KIND_STYLE:
        pts = [m.coordinates for m in marked if m.kind == kind]
        if not pts:
            continue
        marker, col = KIND_STYLE[kind]
        xs, ys = np.array(pts).T
        ax.plot(
            xs,
            ys,
            linestyle="none",
            marker=marker,
            markersize=10,
            markerfacecolor=col,
            markeredgecolor="black",
            markeredgewidth=1.2,
            zorder=8,
            gid=f"critical-{kind}",
        )


def _plot_one(land: Landscape, lang: str, xlim: Any, title: str | None) -> Figure:
    (x,) = land.vars
    f = compile_expression(land.expr, (x,))
    marked, _ = marked_points(land.points, land.vars, None)
    at = [m.coordinates[0] for m in marked]
    centre, half = (
        (0.5 * (min(at) + max(at)), max(2.0, 0.5 * (max(at) - min(at)) + 1.5))
        if (at)
        else (None, None)
    )
    lo, hi = xlim or x_range(land.expr, f, centre, at, half)
    marked, _ = marked_points(land.points, land.vars, [(lo, hi)])
    curve = sample(f, lo, hi)
    fig = new_figure()
    ax = fig.subplots()
    ax.plot(
        curve.x,
        curve.y,
        color=colour(0),
        linewidth=2,
        label=math(land.expr, function_name(0, x)),
        gid="f",
    )
    values = [float(f(np.array([m.coordinates[0]]))[0]) for m in marked]
    _mark(
        ax,
        [Marked((m.coordinates[0], v), m.kind) for m, v in zip(marked, values, strict=True)],
        lang,
        True,
    )
    ax.set_xlim(lo, hi)
    ax.set_ylim(*y_limits([curve], values))
    style_axes(ax)
    handles, _ = ax.get_legend_handles_labels()
    ax.legend(
        handles=handles + _legend_handles({m.kind for m in marked}, lang, True),
        loc="best",
        fontsize=9,
        framealpha=0.9,
    )
    ax.set_xlabel(f"${sp.latex(x)}$")
    fig.suptitle(title or label("title_critical", lang, f=math(land.expr, function_name(0, x))))
    return finish(fig, lang)


def _levels(z: np.ndarray) -> np.ndarray:
    values = z[~np.isnan(z)]
    if not values.size:
        raise PlotError("f has no real values on this square")
    lo, hi = np.quantile(values, [0.0, 0.98]) if values.size > 50 else (values.min(), values.max())
    if hi - lo < 1e-12:
        lo, hi = lo - 1, hi + 1
    return MaxNLocator(16).tick_values(lo, hi)


def _plot_two(land: Landscape, lang: str, xlim: Any, ylim: Any, title: str | None) -> Figure:
    x, y = land.vars
    marked, curves = marked_points(land.points, land.vars, None)
    box = _box(land, marked)
    box = [xlim or box[0], ylim or box[1]]
    marked, curves = marked_points(land.points, land.vars, box)
    fig = new_figure(figsize=(6.6, 5.6))
    ax = fig.subplots()
    draw_map(ax, fig, land, box, lang)
    for p, t in curves:
        ts = np.linspace(-100, 100, 4001)
        fx = compile_expression(p.point[x], (t,))(ts)
        fy = compile_expression(p.point[y], (t,))(ts)
        col = KIND_STYLE[p.kind][1]
        ax.plot(
            fx, fy, color=col, linewidth=3, linestyle="--", zorder=7, gid=f"critical-line-{p.kind}"
        )
    _mark(ax, marked, lang)
    ax.set_xlim(*box[0])
    ax.set_ylim(*box[1])
    kinds = {m.kind for m in marked} | {p.kind for p, _ in curves}
    handles = [ax.get_legend_handles_labels()[0][0], *_legend_handles(kinds, lang)]
    ax.legend(handles=handles, loc="upper right", fontsize=9, framealpha=0.9).set_zorder(20)
    key = "title_critical" if marked or curves else "title_contour"
    fig.suptitle(title or label(key, lang, f=math(land.expr, "f(%s, %s)" % (x, y))))
    return finish(fig, lang)


def draw_map(
    ax: Any,
    fig: Figure,
    land: Landscape,
    box: Sequence[tuple[float, float]],
    lang: str,
    arrows: bool = True,
    colorbar: bool = True,
    levels: np.ndarray | None = None,
) -> np.ndarray:
    """The filled contour map of f over ``box``, with −∇f arrows (scaled by |∇f| up to its
    90th percentile over the arrows, so every direction stays readable)."""
    x, y = land.vars
    f = compile_expression(land.expr, (x, y))
    gx, gy = np.meshgrid(np.linspace(*box[0], GRID), np.linspace(*box[1], GRID))
    z = f(gx, gy)
    levels = _levels(z) if levels is None else levels
    filled = ax.contourf(gx, gy, z, levels=levels, cmap=CONTOUR_CMAP, extend="both")
    filled.set_gid("contour")
    ax.contour(gx, gy, z, levels=levels, colors="white", linewidths=0.5, alpha=0.6)
    if colorbar:
        bar = fig.colorbar(filled, ax=ax, shrink=0.9)
        bar.set_label(math(land.expr, "f") if len(math(land.expr)) < 40 else "f")
    if arrows:
        ax_, ay_ = np.meshgrid(
            np.linspace(*box[0], ARROWS + 2)[1:-1], np.linspace(*box[1], ARROWS + 2)[1:-1]
        )
        u = -compile_expression(land.gradient[0], (x, y))(ax_, ay_)
        v = -compile_expression(land.gradient[1], (x, y))(ax_, ay_)
        norm = np.hypot(u, v)
        ok = np.isfinite(norm) & (norm > 0)
        cap = np.quantile(norm[ok], 0.9) if ok.any() else 1.0
        spacing = min(box[0][1] - box[0][0], box[1][1] - box[1][0]) / (ARROWS + 1)
        length = 0.85 * spacing * np.minimum(1.0, norm / cap)
        with np.errstate(all="ignore"):
            u = np.where(ok, u / norm * length, 0.0)
            v = np.where(ok, v / norm * length, 0.0)
        ax.quiver(
            ax_,
            ay_,
            u,
            v,
            angles="xy",
            scale_units="xy",
            scale=1,
            color=OKABE_ITO["vermillion"],
            width=0.004,
            gid="neg-gradient",
            label=label("neg_gradient", lang),
            zorder=6,
        )
    ax.set_aspect(
        "equal" if abs((box[0][1] - box[0][0]) - (box[1][1] - box[1][0])) < 1e-9 else "auto"
    )
    ax.set_xlabel(f"${sp.latex(x)}$")
    ax.set_ylabel(f"${sp.latex(y)}$", rotation=0)
    return levels
