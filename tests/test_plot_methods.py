"""Every result with a picture has ``.plot()`` (issue 12 item 1), the same figure as
``symderiv.plot.plot`` draws, and a result without one says so."""

from __future__ import annotations

import pytest

pytest.importorskip("matplotlib")

import symderiv as sd
from symderiv.plot import PlotError


def _gids(figure) -> set[str]:
    return {a.get_gid() for ax in figure.axes for a in ax.get_children() if a.get_gid()}


@pytest.mark.parametrize(
    ("make", "kw", "gid"),
    [
        (lambda: sd.derive("x^2"), {"at": 2}, "tangent"),
        (lambda: sd.taylor("sin(x)", order=3), {}, "T3"),
        (lambda: sd.gradient("x^2 + y^2"), {}, "neg-gradient"),
        (lambda: sd.critical_points("x^2 - y^2"), {}, "critical-saddle"),
        (lambda: sd.descend("x^2 + y^2", {"x": 4, "y": 3}, lr="0.1", steps=3), {}, "path"),
    ],
)
def test_12_results_draw_themselves(make, kw, gid):
    assert gid in _gids(make().plot(**kw))


def test_12_a_result_without_a_picture_says_so():
    with pytest.raises(PlotError, match="no picture"):
        sd.jacobian(["x y", "x + y"], ["x", "y"]).plot()
