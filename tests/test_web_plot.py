"""The figure endpoint with a stand-in plotter (until ``symderiv.plot`` is merged).

``stand_in_plot`` draws a result's function with matplotlib; the server is told to use it
through ``Settings.plotter``, so the whole path is real: request, worker process, SVG.
"""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
pytest.importorskip("matplotlib")

from fastapi.testclient import TestClient

import symderiv as sd
from symderiv.web import Settings, create_app

STAND_IN = "test_web_plot:stand_in_plot"


def stand_in_plot(result, lang="en", at=None):
    """A curve and a title naming the kind of result, the language and the tangent point."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4, 3))
    axes = figure.subplots()
    axes.plot([0, 1, 2], [0, 1, 4], label=type(result).__name__)
    axes.set_title(f"{type(result).__name__} ({lang})" + ("" if at is None else f" at={at}"))
    axes.legend()
    return figure


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings(workers=1, plotter=STAND_IN))) as c:
        yield c


def test_capabilities_report_figures(client):
    assert client.get("/api/capabilities").json()["plot"] is True


@pytest.mark.parametrize(
    ("params", "kind"),
    [
        ({"kind": "derivative", "expr": "x^2 sin(x)"}, "Derivation"),
        ({"kind": "gradient", "expr": "x^2 + y^2", "vars": "x,y"}, "Gradient"),
        ({"kind": "hessian", "expr": "x^2 - y^2"}, "CriticalPoints"),
        ({"kind": "taylor", "expr": "sin(x)", "order": 3}, "Taylor"),
        ({"kind": "backprop", "expr": "x sin(x)"}, "Backprop"),
    ],
)
def test_each_kind_is_drawn_from_its_result(client, params, kind):
    r = client.get("/api/plot", params={**params, "lang": "ko"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in r.text
    assert f"{kind} (ko)" in r.text  # matplotlib writes the title as text in a comment
    assert getattr(sd, kind)  # the result class the plotter received is public


def test_tangent_point_reaches_the_plotter(client):
    params = {"kind": "derivative", "expr": "x^2", "point": "pi/2"}
    r = client.get("/api/plot", params=params)
    assert r.status_code == 200
    assert "Derivation (en) at=pi/2" in r.text


def test_plot_of_bad_input_is_400(client):
    r = client.get("/api/plot", params={"kind": "derivative", "expr": r"\input{x}"})
    assert r.status_code == 400
    assert r.json()["column"] == 1


@pytest.mark.slow  # starts a server of its own
def test_unknown_plotter_means_no_figures():
    with TestClient(create_app(Settings(workers=1, plotter="no_such_module:plot"))) as c:
        assert c.get("/api/capabilities").json()["plot"] is False
        r = c.get("/api/plot", params={"kind": "derivative", "expr": "x^2"})
        assert r.status_code == 404
