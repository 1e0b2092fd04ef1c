"""Figures for worksheet problems (issue 12 item 3): one vector PDF per figure.

``kind`` is "tangent" (f and its tangent at a: the question hides the slope, the key
writes it), "contour" (the contour map with −∇f and the critical points lettered A, B, …:
the question leaves their kinds for the student, "which point is the saddle?", the key
marks them) or "taylor" (f with its Taylor polynomials at a).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sympy as sp
from matplotlib.figure import Figure

import symderiv as sd
from symderiv.plot.contour import marked_points, plot_contour
from symderiv.plot.derivation import plot_derivation
from symderiv.plot.dispatch import save
from symderiv.plot.evaluate import PlotError
from symderiv.plot.taylor import plot_taylor
from symderiv.sympy_values import as_sympy

KINDS = ("tangent", "contour", "taylor")
LETTERS = "ABCDEFGH"


@dataclass(frozen=True)
class LetteredPoint:
    """A critical point named by a letter on a figure ("which point is the saddle?")."""

    letter: str
    coordinates: tuple[float, ...]
    kind: str


def lettered_points(cps: sd.CriticalPoints) -> list[LetteredPoint]:
    """The finite critical points of two variables, lettered A, B, … left to right then
    bottom to top: the same letters on the question, the key and in the answer."""
    marked, _ = marked_points([p for p in cps.points if not p.family], cps.vars, None)
    ordered = sorted(marked, key=lambda m: m.coordinates)[: len(LETTERS)]
    return [LetteredPoint(c, m.coordinates, m.kind) for c, m in zip(LETTERS, ordered, strict=False)]


def _letter(ax: Any, points: list[LetteredPoint], answer: bool) -> None:
    """Write each point's letter beside it (and, on the question, a neutral dot)."""
    for p in points:
        if not answer:
            ax.plot(
                *p.coordinates,
                "o",
                color="white",
                markeredgecolor="black",
                markersize=8,
                zorder=8,
                gid=f"candidate-{p.letter}",
            )
        ax.annotate(
            p.letter,
            p.coordinates,
            xytext=(7, 7),
            textcoords="offset points",
            fontsize=13,
            fontweight="bold",
            zorder=9,
            gid=f"letter-{p.letter}",
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.85},
        )


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
        cps = sd.critical_points(expr, vars, verify=False)
        fig = plot_contour(cps if answer else cps.gradient, lang=lang, critical=answer)
        _letter(fig.axes[0], lettered_points(cps), answer)
        return fig
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


#: Print sizes (inches) of worksheet figures: drawn at the size they are printed, so their
#: text is as large as the sheet's footnotes.
SHEET_SIZES = {"tangent": (4.6, 2.8), "contour": (4.6, 3.8), "taylor": (4.6, 2.8)}
KEY_SIZES = {"tangent": (4.6, 2.8), "contour": (4.6, 3.8), "taylor": (4.8, 4.6)}
#: Half-width of the window around the point of a tangent or Taylor question figure.
WINDOW = 2.5


#: The smallest font size (points) a worksheet figure's title is shrunk to.
MIN_TITLE_SIZE = 7.0


def _fit_title(fig: Figure) -> None:
    """Shrink the figure's title until it fits its width (long formulas would be cut off)."""
    title = fig._suptitle
    if title is None or not title.get_text():
        return
    renderer = fig.canvas.get_renderer()
    room = 0.97 * fig.bbox.width
    width = title.get_window_extent(renderer).width
    if width > room:
        title.set_fontsize(max(MIN_TITLE_SIZE, title.get_fontsize() * room / width))


def _resize(fig: Figure, size: tuple[float, float]) -> Figure:
    """``fig`` at ``size`` inches, its title fitted, laid out again once (and then fixed,
    as ``finish`` does)."""
    fig.set_size_inches(*size)
    _fit_title(fig)
    fig.set_layout_engine("constrained")
    fig.draw_without_rendering()
    fig.set_layout_engine("none")
    return fig


def worksheet_figure(
    kind: str,
    expr: str | sp.Expr,
    vars: str | Sequence[str | sp.Symbol] | None = None,
    at: Any = None,
    *,
    lang: str = "en",
    answer: bool = False,
    order: int = 3,
) -> Figure:
    """A problem figure sized for a printed worksheet (about 5 inches wide).

    "tangent": f on a ±2.5 window around a with its tangent (the slope is read from the
    grid; the key writes it). "contour": :func:`problem_figure`. "taylor": the question
    shows f alone with the centre marked (the polynomials are the answer); the key shows
    f with T₀ … Tₙ and their errors.
    """
    sizes = KEY_SIZES if answer else SHEET_SIZES
    if kind == "tangent" or (kind == "taylor" and not answer):
        var = vars if isinstance(vars, str | sp.Symbol) else None
        d = sd.derive(expr, var, verify=False)
        centre = sd.parse(str(0 if at is None else at)) if isinstance(at, str | int) else at
        a = float(as_sympy(0 if centre is None else centre))
        window = (a - WINDOW, a + WINDOW)
        if kind == "tangent":
            fig = plot_derivation(
                d, at, lang=lang, xlim=window, derivatives=False, show_slope=answer
            )
        else:
            fig = plot_derivation(d, None, lang=lang, xlim=window, derivatives=False)
            fa = float(d.expr.subs(d.var, as_sympy(centre)))
            fig.axes[0].plot([a], [fa], "o", color="black", zorder=6, gid="centre")
        return _resize(fig, sizes[kind])
    if kind == "contour":
        cps = sd.critical_points(expr, vars, verify=False)
        points = lettered_points(cps)
        xlim, ylim = _tight_box(points)
        fig = plot_contour(
            cps if answer else cps.gradient, lang=lang, critical=answer, xlim=xlim, ylim=ylim
        )
        _letter(fig.axes[0], points, answer)
        return _resize(fig, sizes[kind])
    fig = problem_figure(kind, expr, vars, at, lang=lang, answer=answer, order=order)
    return _resize(fig, sizes.get(kind, (4.6, 3.8)))


def _tight_box(points: list[LetteredPoint]) -> tuple[Any, Any]:
    """A square a little larger than the lettered points' box (None: the plot's own view), so
    the contours near the points, not the far walls, get the colours."""
    if not points:
        return None, None
    xs, ys = [p.coordinates[0] for p in points], [p.coordinates[1] for p in points]
    half = max(1.5, 0.5 * max(max(xs) - min(xs), max(ys) - min(ys)) + 1.0)
    cx, cy = 0.5 * (min(xs) + max(xs)), 0.5 * (min(ys) + max(ys))
    return (cx - half, cx + half), (cy - half, cy + half)
