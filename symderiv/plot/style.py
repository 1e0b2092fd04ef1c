"""Shared look of every figure: colours, fonts, texts, titles and the figure itself.

Figures are built as ``matplotlib.figure.Figure`` objects on an Agg canvas, never through
``pyplot``'s global state, so building them is safe from several threads at once.
"""

from __future__ import annotations

import functools
import io
import tomllib
from importlib import resources
from math import pi as math_pi

import matplotlib.font_manager as font_manager
import numpy as np
import sympy as sp
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.mathtext import MathTextParser
from matplotlib.text import Text

from symderiv.i18n import check_language
from symderiv.notation import latex_str, unicode_str
from symderiv.sympy_values import as_sympy

#: Okabe & Ito's palette, distinguishable with every common colour-vision deficiency.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
#: The order in which curves take colours.
CYCLE = ("blue", "vermillion", "green", "orange", "purple", "sky_blue", "black", "yellow")
#: Kind of critical point → (marker, colour); shapes differ too, so colour is never alone.
KIND_STYLE = {
    "minimum": ("o", OKABE_ITO["sky_blue"]),
    "maximum": ("^", OKABE_ITO["orange"]),
    "saddle": ("X", OKABE_ITO["purple"]),
    "inconclusive": ("D", OKABE_ITO["yellow"]),
}
#: A sequential colour map designed for colour-vision deficiencies.
CONTOUR_CMAP = "cividis"
LATIN_FONT = "DejaVu Sans"
HANGUL_FONT = "NanumGothic"


def colour(i: int) -> str:
    """The i-th colour of the cycle."""
    return OKABE_ITO[CYCLE[i % len(CYCLE)]]


@functools.cache
def _labels() -> dict[str, dict[str, str]]:
    text = resources.files("symderiv.plot").joinpath("labels.toml").read_text("utf-8")
    return tomllib.loads(text)


def label(key: str, lang: str = "en", **values: object) -> str:
    """The text ``key`` in ``lang``, with ``values`` filled in."""
    return _labels()[check_language(lang)][key].format(**values)


@functools.cache
def hangul_font() -> str | None:
    """The name of a font with Hangul (NanumGothic) if one is installed, else None."""
    if any(f.name == HANGUL_FONT for f in font_manager.fontManager.ttflist):
        return HANGUL_FONT
    for path in font_manager.findSystemFonts():
        if path.endswith(f"{HANGUL_FONT}.ttf"):
            # Installed after matplotlib built its font cache.
            font_manager.fontManager.addfont(path)
            return HANGUL_FONT
    return None


def font_families(lang: str) -> list[str]:
    """Font families for texts in ``lang``. Korean puts the Hangul font first: matplotlib
    draws the words around mathtext ($…$) with the first family only; symbols it lacks
    fall back to DejaVu in plain texts. Without a Hangul font Korean would draw as boxes."""
    hangul = hangul_font() if lang == "ko" else None
    return [hangul, LATIN_FONT] if hangul else [LATIN_FONT]


class PlotFigure(Figure):
    """A matplotlib Figure that Jupyter shows inline even when pyplot was never imported
    (IPython then looks for ``_repr_png_``)."""

    def _repr_png_(self) -> bytes:
        from symderiv.plot.dispatch import save

        out = io.BytesIO()
        save(self, out, "png")
        return out.getvalue()


def new_figure(rows: int = 1, cols: int = 1, **kwargs: object) -> Figure:
    """A Figure on its own Agg canvas (no pyplot), with constrained layout."""
    kwargs.setdefault("figsize", (7.0, 4.8 if rows == 1 else 7.2))
    fig = PlotFigure(layout="constrained", **kwargs)
    FigureCanvasAgg(fig)
    return fig


def _has_hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e" for ch in text)


def finish(fig: Figure, lang: str) -> Figure:
    """Give every text of ``fig`` the fonts of ``lang`` (texts without Hangul, tick labels
    among them, keep DejaVu, whose mathtext has every symbol); return ``fig``."""
    families = font_families(lang)
    for text in fig.findobj(Text):
        if _has_hangul(text.get_text()):
            text.set_fontfamily(families)
    # Constrained layout moves things a little at every draw; lay out once and keep it,
    # so the same figure saves to the same file every time.
    fig.draw_without_rendering()
    fig.set_layout_engine("none")
    return fig


def style_axes(ax: object, zero_lines: bool = True) -> None:
    """Light grid and the coordinate axes, as a textbook draws them."""
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    if zero_lines:
        ax.axhline(0, color="#888888", linewidth=0.8, zorder=1)
        ax.axvline(0, color="#888888", linewidth=0.8, zorder=1)


def pi_ticks(ax: object, lo: float, hi: float) -> None:
    """Ticks at multiples of π/2 (labelled −2π … 2π), as for trigonometric graphs."""
    halves = 1 if hi - lo <= 8 * math_pi else 2
    step = halves * math_pi / 2
    ks = range(int(np.ceil(lo / step)), int(np.floor(hi / step)) + 1)
    labels = ["$%s$" % latex_str(sp.Rational(k * halves, 2) * sp.pi) for k in ks]
    ax.set_xticks([k * step for k in ks], labels)


@functools.cache
def _mathtext_ok(text: str) -> bool:
    try:
        MathTextParser("path").parse(text)
    except (ValueError, RuntimeError):
        return False
    return True


#: Formulas longer than this (in visible characters) make unreadable titles and legends;
#: they are written in plain text instead.
MAX_MATH_CHARS = 60


def math(expr: sp.Expr, prefix: str = "") -> str:
    """``prefix = expr`` as mathtext when matplotlib can typeset it and it is short, else
    the formula in plain text (the prefix, mathtext without dollars, stays mathtext)."""
    tex = latex_str(expr)
    plain = unicode_str(expr)
    body = f"{prefix} = {tex}" if prefix else tex
    if len(plain) <= MAX_MATH_CHARS and _mathtext_ok(f"${body}$"):
        return f"${body}$"
    return f"${prefix}$ = {plain}" if prefix else plain


def number_tex(value: sp.Expr, digits: int = 4) -> str:
    """Mathtext (without dollars) for a real number: exact when rational, exact ≈ decimal
    when the exact form is short (√2 ≈ 1.414), else decimals."""
    value = as_sympy(value)
    if value.is_Rational:
        return latex_str(value)
    decimal = f"{float(value):.{digits}g}"
    if value.is_Float:
        return decimal
    tex = latex_str(value)
    if len(tex) <= 24 and _mathtext_ok(f"${tex}$"):
        return rf"{tex} \approx {decimal}"
    return rf"\approx {decimal}"
