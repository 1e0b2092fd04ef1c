"""One entry point for every picture, ``plot(result, **kw)``, and ``save(fig, path)``."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import IO, Any

import matplotlib
from matplotlib.figure import Figure

import symderiv as sd
from symderiv.plot.contour import plot_contour
from symderiv.plot.derivation import plot_derivation
from symderiv.plot.descent import descent_data, plot_descent
from symderiv.plot.evaluate import PlotError
from symderiv.plot.graph import plot_backprop
from symderiv.plot.style import label
from symderiv.plot.taylor import plot_error_table, plot_taylor

FORMATS = ("png", "svg", "pdf")
#: Salt of the ids matplotlib writes into SVG, fixed so equal figures give equal files.
SVG_SALT = "symderiv"
#: Metadata that would differ between runs (dates), left out.
METADATA = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}, "png": {}}
PNG_DPI = 150
# rcParams are global: saving holds this lock while it sets the SVG salt.
_SAVE_LOCK = threading.Lock()


def plot(result: Any, **kw: Any) -> Figure:
    """The picture of ``result``, as a matplotlib Figure (shown inline by Jupyter).

    - ``Derivation``: f and f′ (and f″), keywords ``at`` (tangent point), ``xlim``,
      ``params`` (values of held-constant symbols), ``derivatives``, ``show_slope``.
    - ``Taylor``: f and T₀ … Tₙ, errors on a log scale (``xlim``); in two variables,
      contour maps of f and Tₙ side by side.
    - ``ErrorTable``: |f − Tₖ| against h on log–log axes.
    - ``Gradient``, ``Hessian``, ``CriticalPoints``: contour map, −∇f, critical points by kind
      (one variable: the curve); ``critical`` (solve ∇f = 0 for a Gradient/Hessian,
      default True), ``xlim``, ``ylim``, ``params``.
    - ``Backprop``: the computation graph (needs Graphviz ``dot``); ``direction``.
    - an optimisation result (``expr`` and ``iterates`` with ``point`` and ``f``): the path
      and the loss; ``xlim``, ``ylim``.

    Every kind takes ``lang`` ("en" or "ko") and ``title``. Raises PlotError (a
    SymderivError) when there is no picture or it cannot be drawn.
    """
    if isinstance(result, sd.Derivation):
        return plot_derivation(result, **kw)
    if isinstance(result, sd.Taylor):
        return plot_taylor(result, **kw)
    if isinstance(result, sd.ErrorTable):
        return plot_error_table(result, **kw)
    if isinstance(result, sd.Gradient | sd.Hessian | sd.CriticalPoints):
        return plot_contour(result, **kw)
    if isinstance(result, sd.Backprop):
        return plot_backprop(result, **kw)
    if hasattr(result, "iterates"):
        expr, points, losses = descent_data(result)
        return plot_descent(expr, points, losses, **kw)
    raise PlotError(label("no_picture", kw.get("lang", "en"), what=type(result).__name__))


def save(fig: Figure, path: str | Path | IO[bytes], format: str | None = None) -> None:
    """Write ``fig`` as PNG, SVG or PDF (from the suffix of ``path`` unless ``format`` is
    given), with no dates inside, so the same figure gives the same file every time."""
    fmt = (format or Path(str(getattr(path, "name", path))).suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise PlotError(f"cannot save a figure as {fmt!r}: use .png, .svg or .pdf")
    with _SAVE_LOCK, matplotlib.rc_context({"svg.hashsalt": SVG_SALT}):
        fig.savefig(path, format=fmt, metadata=METADATA[fmt], dpi=PNG_DPI)
