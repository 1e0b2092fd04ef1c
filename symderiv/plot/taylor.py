"""The picture of a Taylor expansion: f with T₀ … Tₙ hugging it around a, and below, the
error |f − Tₖ| on a log scale (small near a, growing away from it)."""

from __future__ import annotations

import numpy as np
import sympy as sp
from matplotlib.figure import Figure

from symderiv.plot.contour import Landscape, draw_map
from symderiv.plot.curves import PERIODIC, sample, x_range, y_limits
from symderiv.plot.derivation import one_variable
from symderiv.plot.evaluate import PlotError, compile_expression
from symderiv.plot.style import (
    OKABE_ITO,
    colour,
    finish,
    label,
    math,
    new_figure,
    pi_ticks,
    style_axes,
)
from symderiv.taylor import ErrorTable, Taylor

#: Errors below this are round-off; the log axis stops there.
ERROR_FLOOR = 1e-16


def taylor_polynomials(t: Taylor) -> list[tuple[tuple[int, ...], sp.Expr]]:
    """The distinct polynomials T₀ … Tₙ of ``t`` with the orders each one is (T₁ = T₂ for
    sin at 0), built from the derivatives at the point."""
    x, a = t.var, t.point[0]
    out: list[tuple[tuple[int, ...], sp.Expr]] = []
    total = sp.Integer(0)
    for k, dk in enumerate(t.derivatives):
        term = dk / sp.factorial(k) * (x - a) ** k
        total = total + term
        if out and sp.simplify(term) == 0:
            out[-1] = ((*out[-1][0], k), out[-1][1])
        else:
            out.append(((k,), total))
    return out


def plot_taylor(
    t: Taylor,
    *,
    lang: str = "en",
    xlim: tuple[float, float] | None = None,
    title: str | None = None,
) -> Figure:
    """f with its Taylor polynomials at a, and the errors |f − Tₖ| on a log scale below.

    Artists carry gids: "f", "T<k>" (k the highest order equal to that polynomial),
    "centre", and "error-T<k>" on the lower panel.
    """
    if t.multivariate:
        return _plot_two(t, lang, title)
    x, a = t.var, t.point[0]
    one_variable(t.expr, x, lang)
    f = compile_expression(t.expr, (x,))
    lo, hi = xlim or x_range(t.expr, f, float(a), [float(a)])
    fc = sample(f, lo, hi)
    polys = taylor_polynomials(t)

    fig = new_figure(rows=2, cols=1)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    top.plot(
        fc.x,
        fc.y,
        color=OKABE_ITO["black"],
        linewidth=2.4,
        label=math(t.expr, "f(x)"),
        gid="f",
        zorder=4,
    )
    fa = float(t.derivatives[0])
    top.plot([float(a)], [fa], "o", color=OKABE_ITO["black"], zorder=6, gid="centre")
    x_grid = fc.x
    f_grid = fc.y
    for i, (orders, poly) in enumerate(polys):
        p = compile_expression(poly, (x,))(x_grid)
        names = (
            "T_{%d}" % orders[0]
            if len(orders) == 1
            else "T_{%d} = T_{%d}" % (orders[0], orders[-1])
        )
        text = (
            "$%s(x) = %s$" % (names, sp.latex(poly))
            if len(sp.latex(poly)) < 60
            else ("$%s$" % names)
        )
        col = colour(i)
        top.plot(
            x_grid,
            p,
            color=col,
            linewidth=1.5,
            linestyle=(0, (5, 2)),
            label=text,
            gid=f"T{orders[-1]}",
        )
        err = np.abs(f_grid - p)
        err[err < ERROR_FLOOR] = np.nan
        bottom.plot(
            x_grid,
            err,
            color=col,
            linewidth=1.5,
            label="$|f - %s|$" % names.split(" = ")[-1],
            gid=f"error-T{orders[-1]}",
        )
    top.set_ylim(*y_limits([fc], [fa]))
    top.set_xlim(lo, hi)
    if xlim is None and t.expr.has(*PERIODIC):
        pi_ticks(bottom, lo, hi)
    bottom.set_yscale("log")
    bottom.set_ylim(bottom=ERROR_FLOOR * 10)
    bottom.set_ylabel(label("error_axis", lang))
    bottom.set_xlabel(f"${sp.latex(x)}$")
    for ax in (top, bottom):
        style_axes(ax, zero_lines=ax is top)
        ax.axvline(float(a), color="#999999", linestyle=":", linewidth=0.9)
    top.legend(loc="best", fontsize=8.5, framealpha=0.9)
    bottom.legend(loc="best", fontsize=8.5, framealpha=0.9, ncol=2)
    fig.suptitle(
        title
        or label(
            "title_taylor", lang, f=math(t.expr, "f(x)"), a="$%s = %s$" % (sp.latex(x), sp.latex(a))
        )
    )
    return finish(fig, lang)


def _plot_two(t: Taylor, lang: str, title: str | None) -> Figure:
    """f and Tₙ of two variables as contour maps side by side, on the same levels."""
    if len(t.vars) != 2 or t.expr.free_symbols - set(t.vars):
        raise PlotError(
            label("no_picture", lang, what="a Taylor expansion in more than two variables")
        )
    x, y = t.vars
    centre = [float(v) for v in t.point]
    box = [(c - 2.0, c + 2.0) for c in centre]
    fig = new_figure(1, 2, figsize=(11.0, 5.0))
    left, right = fig.subplots(1, 2, sharey=True)
    land_f = Landscape(t.expr, (x, y), (), ())
    levels = draw_map(left, fig, land_f, box, lang, arrows=False, colorbar=False)
    land_t = Landscape(t.polynomial, (x, y), (), ())
    draw_map(right, fig, land_t, box, lang, arrows=False, levels=levels)
    for ax, gid, expr in ((left, "contour-f", t.expr), (right, "contour-T", t.polynomial)):
        ax.findobj(lambda a: a.get_gid() == "contour")[0].set_gid(gid)
        ax.plot(
            *centre,
            "o",
            color=OKABE_ITO["vermillion"],
            markeredgecolor="black",
            markersize=9,
            zorder=8,
            gid=f"centre-{gid[-1]}",
        )
        ax.set_xlim(*box[0])
        ax.set_ylim(*box[1])
        ax.set_title(math(expr, "f" if gid == "contour-f" else "T_{%d}" % t.order), fontsize=10)
    point = "$(%s, %s)$" % tuple(sp.latex(v) for v in t.point)
    fig.suptitle(
        title or label("title_taylor", lang, f=math(t.expr, "f(%s, %s)" % (x, y)), a=point)
    )
    return finish(fig, lang)


def plot_error_table(table: ErrorTable, *, lang: str = "en", title: str | None = None) -> Figure:
    """|f − Tₖ| against the step h on log–log axes: each order a straight line of slope
    k + 1 for small h (the dotted guide shows h^(n+1)). Gids: "error-T<k>", "reference"."""
    t = table.taylor
    hs = np.array([abs(float(r.h)) for r in table.rows])
    order = np.argsort(hs)
    fig = new_figure()
    ax = fig.subplots()
    for k in table.orders:
        errs = np.array(
            [np.nan if r.errors[k] is None else abs(float(r.errors[k])) for r in table.rows]
        )
        errs[errs < ERROR_FLOOR] = np.nan
        if np.isnan(errs).all():
            continue
        ax.plot(
            hs[order],
            errs[order],
            "-o",
            color=colour(k),
            markersize=4,
            label="$|f - T_{%d}|$" % k,
            gid=f"error-T{k}",
        )
    n = t.order
    last = np.array(
        [np.nan if r.errors[n] is None else abs(float(r.errors[n])) for r in table.rows]
    )[order]
    # Anchor the guide at the smallest h whose error is well above round-off.
    usable = np.flatnonzero(np.isfinite(last) & (last > 1e3 * ERROR_FLOOR))
    if usable.size:
        i = usable[0]
        guide = 0.1 * last[i] * (hs[order] / hs[order][i]) ** (n + 1)
        ax.plot(
            hs[order],
            guide,
            ":",
            color=OKABE_ITO["black"],
            label="$\\propto h^{%d}$" % (n + 1),
            gid="reference",
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("$h$")
    ax.set_ylabel(label("error_axis", lang))
    style_axes(ax, zero_lines=False)
    ax.legend(loc="best", fontsize=9)
    where = (
        "$%s$" % sp.latex(t.at)
        if not t.multivariate
        else "$(%s)$" % ", ".join(sp.latex(v) for v in t.point)
    )
    fig.suptitle(title or label("title_taylor", lang, f=math(t.expr, "f"), a=where))
    return finish(fig, lang)
