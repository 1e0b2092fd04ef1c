"""Pictures of symderiv's results, as matplotlib Figures (issue 12).

>>> import symderiv as sd
>>> from symderiv.plot import plot, save
>>> fig = plot(sd.derive("x^2"), at=2)        # f, f′, the tangent at 2 and its slope
>>> save(fig, "/tmp/tangent.svg")             # PNG, SVG or PDF by the suffix

Figures are built without pyplot (thread-safe) on the Agg canvas; ``save`` writes PNG, SVG
or PDF by the suffix, the same bytes for the same figure.
"""

from symderiv.plot.contour import plot_contour
from symderiv.plot.derivation import plot_derivation
from symderiv.plot.descent import plot_descent
from symderiv.plot.dispatch import plot, save
from symderiv.plot.evaluate import PlotError, compile_expression, evaluate
from symderiv.plot.graph import plot_backprop, save_graph
from symderiv.plot.problems import (
    LetteredPoint,
    lettered_points,
    problem_figure,
    save_problem_figure,
)
from symderiv.plot.taylor import plot_error_table, plot_taylor

__all__ = [
    "LetteredPoint",
    "PlotError",
    "compile_expression",
    "evaluate",
    "lettered_points",
    "plot",
    "plot_backprop",
    "plot_contour",
    "plot_derivation",
    "plot_descent",
    "plot_error_table",
    "plot_taylor",
    "problem_figure",
    "save",
    "save_graph",
    "save_problem_figure",
]
