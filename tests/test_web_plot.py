"""The figure endpoint, drawn by ``symderiv.plot`` in a worker process and sent as SVG.

The figures carry ids (``gid``) for what they show: the SVG tells which picture was drawn
and whether the tangent was. A plotter that cannot be imported means no figures.
"""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
pytest.importorskip("matplotlib")

from fastapi.testclient import TestClient

from symderiv.web import Settings, create_app


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings(workers=1))) as c:
        yield c


def test_capabilities_report_figures(client):
    assert client.get("/api/capabilities").json()["plot"] is True


@pytest.mark.parametrize(
    ("params", "element"),
    [
        ({"kind": "derivative", "expr": "x^2 sin(x)"}, 'id="f"'),
        ({"kind": "gradient", "expr": "x^2 + y^2", "vars": "x,y"}, 'id="neg-gradient"'),
        ({"kind": "hessian", "expr": "x^2 - y^2"}, 'id="critical-saddle'),
        ({"kind": "taylor", "expr": "sin(x)", "order": 3}, 'id="T3"'),
        ({"kind": "backprop", "expr": "x sin(x)"}, 'id="node-x"'),
    ],
)
def test_each_kind_is_drawn_from_its_result(client, params, element):
    r = client.get("/api/plot", params={**params, "lang": "ko"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in r.text
    assert element in r.text


def test_tangent_point_reaches_the_plotter(client):
    params = {"kind": "derivative", "expr": "x^2", "point": "3/2"}
    r = client.get("/api/plot", params=params)
    assert r.status_code == 200
    assert 'id="tangent"' in r.text and 'id="slope-text"' in r.text
    without = client.get("/api/plot", params={"kind": "derivative", "expr": "x^2"})
    assert 'id="tangent"' not in without.text


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
