"""Figures read back as data: tangents, curves cut at poles, Taylor polynomials, arrows,
critical points, descent paths, the computation graph, Korean glyphs, stable files."""

from __future__ import annotations

import io
import logging
import shutil
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import sympy as sp
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.quiver import Quiver
from matplotlib.text import Text

import symderiv as sd
from symderiv.plot import (
    PlotError,
    compile_expression,
    lettered_points,
    plot,
    plot_backprop,
    plot_contour,
    plot_derivation,
    plot_descent,
    plot_taylor,
    problem_figure,
    save,
    save_problem_figure,
)
from symderiv.plot.curves import sample

x, y = sp.symbols("x y")


def artist(fig: Figure, gid: str):
    found = [a for a in fig.findobj() if a.get_gid() == gid]
    assert len(found) == 1, f"{gid}: {len(found)} artists"
    return found[0]


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text)]


# -- Derivation: f, f′ and the tangent ---------------------------------------------------


@pytest.mark.parametrize(("text", "at", "slope"), [("x^2", 2, 4), ("x^2", 0, 0)])
def test_lessons_tangent_slopes(text: str, at: int, slope: int) -> None:
    # The lesson: x² has slope 4 at x = 2 and 0 at the bottom of the bowl.
    fig = plot_derivation(sd.derive(text), at=at)
    xs, ys = artist(fig, "tangent").get_data()
    assert (ys[1] - ys[0]) / (xs[1] - xs[0]) == pytest.approx(slope)
    assert artist(fig, "point").get_data() == ([at], [at**2])
    assert any(f"f'({at}) = {slope}$" in t for t in texts(fig))


@pytest.mark.parametrize(("text", "at"), [("x^2 sin(x)", 1), ("ln(x)", 2), ("sigmoid(x)", -1.5)])
def test_tangent_slope_is_the_derivative(text: str, at: float) -> None:
    d = sd.derive(text)
    fig = plot_derivation(d, at=at, lang="ko")
    xs, ys = artist(fig, "tangent").get_data()
    slope = float(sp.diff(d.expr, d.var).subs(d.var, at))
    assert (ys[1] - ys[0]) / (xs[1] - xs[0]) == pytest.approx(slope, rel=1e-12)
    fa = float(d.expr.subs(d.var, at))
    assert np.interp(at, xs, ys) == pytest.approx(fa, rel=1e-12, abs=1e-12)
    assert artist(fig, "slope-point").get_data()[1][0] == pytest.approx(slope)
    assert any("기울기" in t for t in texts(fig)) and any("접선" in t for t in texts(fig))


def test_curves_are_f_and_its_derivatives() -> None:
    d = sd.derive("x^3 - 2x", order=2)
    fig = plot_derivation(d)
    for gid, expr in [("f", d.expr), ("derivative-1", 3 * x**2 - 2), ("derivative-2", 6 * x)]:
        xs, ys = artist(fig, gid).get_data()
        pick = np.linspace(0, len(xs) - 1, 7).astype(int)
        want = [float(expr.subs(x, xs[i])) for i in pick]
        np.testing.assert_allclose(ys[pick], want, rtol=1e-12, atol=1e-12)


def spans(xs: np.ndarray, ys: np.ndarray, pole: float) -> bool:
    """Whether a drawn segment (two finite neighbours) crosses ``pole``."""
    finite = np.isfinite(ys[:-1]) & np.isfinite(ys[1:])
    return bool(np.any(finite & (xs[:-1] < pole) & (xs[1:] > pole)))


@pytest.mark.parametrize(
    ("text", "poles"),
    [
        ("1/x", [0.0]),
        ("ln(x)", [0.0]),
        ("tan(x)", [-np.pi / 2, np.pi / 2]),
        ("1/(x^2 - 1)", [-1.0, 1.0]),
        ("1/x^2", [0.0]),
    ],
)
def test_no_segment_across_a_pole(text: str, poles: list[float]) -> None:
    fig = plot_derivation(sd.derive(text))
    for gid in ("f", "derivative-1"):
        xs, ys = artist(fig, gid).get_data()
        assert np.all(np.diff(xs) >= 0)
        for pole in poles:
            assert not spans(xs, ys, pole), (gid, pole)
    # ...and the curve does run towards the pole, not stop a sample short of it.
    xs, ys = artist(fig, "f").get_data()
    near = np.isfinite(ys) & (np.abs(xs - poles[-1]) < 1e-4)
    assert near.any()


@pytest.mark.parametrize("text", ["sign(x)", "Heaviside(x - 1/3)", "relu(x) + 2Heaviside(x - 1)"])
def test_jumps_are_cut_and_smooth_pieces_are_not(text: str) -> None:
    expr = sd.parse(text)
    curve = sample(compile_expression(expr, (x,)), -2.0, 2.0)
    jumps = {"sign(x)": [0.0], "Heaviside(x - 1/3)": [1 / 3], "relu(x) + 2Heaviside(x - 1)": [1.0]}
    assert curve.breaks == pytest.approx(jumps[text], abs=1e-9)
    for at in jumps[text]:
        assert not spans(curve.x, curve.y, at)
    assert not sample(compile_expression(sd.parse("e^(10x)"), (x,)), -2.0, 2.0).breaks


def test_ln_is_drawn_on_its_domain_only() -> None:
    fig = plot_derivation(sd.derive("ln(x)"))
    xs, ys = artist(fig, "f").get_data()
    assert np.all(np.isnan(ys[xs <= 0]))
    assert np.isfinite(ys[xs > 0]).all()
    assert fig.axes[0].get_xlim()[0] > -1


def test_held_constants_need_values() -> None:
    d = sd.derive("a x^2", "x")
    with pytest.raises(PlotError, match="params"):
        plot_derivation(d, at=1)
    fig = plot_derivation(d, at=1, params={"a": 3})
    xs, ys = artist(fig, "tangent").get_data()
    assert (ys[1] - ys[0]) / (xs[1] - xs[0]) == pytest.approx(6)


# -- Taylor -------------------------------------------------------------------------------


def test_taylor_polynomials_and_errors() -> None:
    t = sd.taylor("sin(x)", at=0, order=5)
    fig = plot_taylor(t)
    # T₁ = T₂ and T₃ = T₄ for sin at 0: one curve each, named by the higher order.
    gids = {a.get_gid() for a in fig.findobj() if str(a.get_gid()).startswith("T")}
    assert gids == {"T0", "T2", "T4", "T5"}
    series = sp.series(sp.sin(x), x, 0, 6).removeO()
    xs, ys = artist(fig, "T5").get_data()
    np.testing.assert_allclose(ys[::50], [float(series.subs(x, v)) for v in xs[::50]], rtol=1e-12)
    ex, err = artist(fig, "error-T5").get_data()
    ok = np.isfinite(err)
    np.testing.assert_allclose(err[ok], np.abs(np.sin(ex[ok]) - ys[ok]), rtol=1e-9)
    assert fig.axes[1].get_yscale() == "log"
    # Small near a, large far out: the polynomial hugs sin x near 0 only.
    assert np.nanmax(err[np.abs(ex) < 0.3]) < 1e-6 < np.nanmax(err[np.abs(ex) > 5])


# -- contour maps and critical points -------------------------------------------------------


@pytest.mark.parametrize("text", ["x^2 + y^2", "x^2 - y^2", "x^2 + 3x y + y^2"])
def test_arrows_point_against_the_gradient(text: str) -> None:
    g = sd.gradient(text)
    fig = plot_contour(g, critical=False)
    q = artist(fig, "neg-gradient")
    assert isinstance(q, Quiver)
    px, py = q.X.ravel(), q.Y.ravel()
    u, v = np.asarray(q.U).ravel(), np.asarray(q.V).ravel()
    gx = np.array([float(g.components[0].subs({x: a, y: b})) for a, b in zip(px, py, strict=True)])
    gy = np.array([float(g.components[1].subs({x: a, y: b})) for a, b in zip(px, py, strict=True)])
    norm = np.hypot(gx, gy)
    moving = norm > 1e-9
    cos = -(u * gx + v * gy)[moving] / (np.hypot(u, v)[moving] * norm[moving])
    np.testing.assert_allclose(cos, 1.0, atol=1e-9)


def test_lessons_bowl_and_saddle() -> None:
    bowl = plot_contour(sd.critical_points("x^2 + y^2"))
    assert artist(bowl, "critical-minimum").get_data() == ([0.0], [0.0])
    saddle = plot_contour(sd.hessian("x^2 - y^2"))
    assert artist(saddle, "critical-saddle").get_data() == ([0.0], [0.0])
    assert not [a for a in saddle.findobj() if a.get_gid() == "critical-minimum"]


def test_markers_are_at_the_solved_points_with_their_kind() -> None:
    cps = sd.critical_points("x^4 - 3x^2 + y^2")
    fig = plot_contour(cps, lang="ko")
    r = float(sp.sqrt(6) / 2)
    xs, ys = artist(fig, "critical-minimum").get_data()
    assert sorted(xs) == pytest.approx([-r, r]) and list(ys) == [0, 0]
    assert artist(fig, "critical-saddle").get_data() == ([0.0], [0.0])
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[1:] == ["극소", "안장점"]


def test_periodic_families_are_marked_inside_the_view() -> None:
    fig = plot_contour(sd.critical_points("sin(x) + cos(y)"))
    (x0, x1), (y0, y1) = fig.axes[0].get_xlim(), fig.axes[0].get_ylim()
    xs, ys = artist(fig, "critical-maximum").get_data()
    assert len(xs) >= 1
    for a, b in zip(xs, ys, strict=True):
        assert x0 <= a <= x1 and y0 <= b <= y1
        assert np.cos(a) == pytest.approx(0, abs=1e-12) and np.sin(b) == pytest.approx(0, abs=1e-12)
        assert np.sin(a) + np.cos(b) == pytest.approx(2)


def test_one_variable_critical_points_on_the_curve() -> None:
    fig = plot(sd.critical_points("x^3 - 3x"), lang="ko")
    assert artist(fig, "critical-maximum").get_data() == ([-1.0], [2.0])
    assert artist(fig, "critical-minimum").get_data() == ([1.0], [-2.0])
    lo, hi = fig.axes[0].get_xlim()
    assert lo < -1 < 1 < hi < 5


def test_filled_contours_follow_f() -> None:
    fig = plot_contour(sd.gradient("x^2 + y^2"), critical=False)
    levels = artist(fig, "contour").levels
    assert levels[0] <= 0 and levels[-1] > 1
    assert not any(isinstance(a, LineCollection) and a.get_gid() for a in fig.findobj())


# -- descent paths --------------------------------------------------------------------------


def lesson_path(start: tuple[float, float], lr: float, steps: int) -> list[tuple[float, float]]:
    points = [start]
    for _ in range(steps):
        a, b = points[-1]
        points.append((a - lr * 2 * a, b - lr * 2 * b))
    return points


def test_descent_path_over_the_contours() -> None:
    points = lesson_path((4.0, 3.0), 0.1, 12)
    fig = plot_descent("x^2 + y^2", points, lang="ko")
    xs, ys = artist(fig, "path").get_data()
    np.testing.assert_allclose(np.column_stack([xs, ys]), points)
    loss = artist(fig, "loss").get_data()[1]
    np.testing.assert_allclose(loss, [a * a + b * b for a, b in points])
    assert artist(fig, "start").get_data() == ([4.0], [3.0])
    assert any("경사하강법" in t for t in texts(fig))


def test_descent_in_one_variable_takes_mappings_and_given_losses() -> None:
    points = [{"x": 5.0 * 0.8**k} for k in range(6)]
    losses = [25.0 * 0.64**k for k in range(6)]
    fig = plot_descent(x**2, points, losses)
    xs, ys = artist(fig, "path").get_data()
    np.testing.assert_allclose(ys, np.square(xs))
    np.testing.assert_allclose(artist(fig, "loss").get_data()[1], losses)


def test_descent_result_objects_dispatch() -> None:
    class Iterate:
        def __init__(self, point: dict, f: float) -> None:
            self.point, self.f = point, f

    class Walk:
        expr = x**2
        iterates = (Iterate({x: 5.0}, 25.0), Iterate({x: 4.0}, 16.0))

    fig = plot(Walk())
    assert list(artist(fig, "loss").get_data()[1]) == [25.0, 16.0]


# -- the computation graph ------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz dot")
def test_backprop_graph_nodes_and_edges() -> None:
    bp = sd.backprop("sigmoid(w x + b)")
    fig = plot(bp)
    gids = {a.get_gid() for a in fig.findobj() if a.get_gid()}
    assert {f"node-{n.name}" for n in bp.nodes} <= gids
    assert sum(1 for g in gids if g.startswith("edge-")) == len(bp.edges)
    assert any("∂L/∂w" in t for t in texts(fig))


def test_backprop_without_dot_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(PlotError, match="dot"):
        plot_backprop(sd.backprop("w x"))
    with pytest.raises(PlotError, match="dot"):
        plot_backprop(sd.backprop("w x"), lang="ko")


# -- dispatch, files, languages -------------------------------------------------------------


def test_dispatch_by_type_and_refusal() -> None:
    assert artist(plot(sd.derive("x^2"), at=1), "tangent")
    assert artist(plot(sd.taylor("e^x", at=0, order=2)), "T2")
    assert artist(plot(sd.hessian("x^2 + y^2"), critical=False), "neg-gradient")
    with pytest.raises(PlotError, match="no picture"):
        plot(sd.jacobian(["x y", "x + y"]))


def svg_of(fig: Figure) -> bytes:
    out = io.BytesIO()
    save(fig, out, "svg")
    return out.getvalue()


def test_svg_is_identical_for_the_same_input() -> None:
    def build() -> Figure:
        return plot(sd.critical_points("x^2 - y^2"), lang="ko")

    fig = build()
    first = svg_of(fig)
    assert first == svg_of(fig) == svg_of(build())
    assert b"<dc:date>" not in first and b"critical-saddle" in first


def test_save_infers_the_format(tmp_path) -> None:
    fig = plot(sd.derive("x^3"), at=1)
    heads = {"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF"}
    for fmt, head in heads.items():
        path = tmp_path / f"f.{fmt.upper() if fmt == 'pdf' else fmt}"
        save(fig, path)
        assert path.read_bytes().startswith(head)
    with pytest.raises(PlotError, match=r"\.png, \.svg or \.pdf"):
        save(fig, tmp_path / "f.jpg")


def test_pdf_is_identical_for_the_same_input(tmp_path) -> None:
    for name in ("a.pdf", "b.pdf"):
        save(plot(sd.taylor("cos(x)", at=0, order=4), lang="ko"), tmp_path / name)
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def backprop_in_korean() -> Figure:
    if shutil.which("dot") is None:
        pytest.skip("needs Graphviz dot")
    return plot(sd.backprop("sigmoid(w x + b)"), lang="ko")


@pytest.mark.parametrize(
    "build",
    [
        lambda: plot(sd.derive("ln(x)", order=2), at=1, lang="ko"),
        lambda: plot(sd.taylor("sin(x)", at=0, order=3), lang="ko"),
        lambda: plot(sd.critical_points("x^3 - 3x + y^2"), lang="ko"),
        lambda: plot(sd.critical_points("x^3 - 3x"), lang="ko"),
        lambda: problem_figure("contour", "x^3 - 3x + y^2", None, None, lang="ko"),
        lambda: backprop_in_korean(),
        lambda: plot_descent("x^2 + y^2", lesson_path((4.0, 3.0), 0.1, 5), lang="ko"),
    ],
)
def test_korean_figures_have_every_glyph(build, caplog: pytest.LogCaptureFixture) -> None:
    # matplotlib warns (warnings) on a glyph missing from a font, and logs (logging) one
    # missing from a mathtext font: both fail the test.
    with warnings.catch_warnings(), caplog.at_level(logging.WARNING):
        warnings.simplefilter("error")
        fig = build()
        for fmt in ("png", "svg", "pdf"):
            save(fig, io.BytesIO(), fmt)
    assert not [r for r in caplog.records if "glyph" in r.getMessage()]
    assert any(any("\uac00" <= ch <= "\ud7a3" for ch in t) for t in texts(fig))


def test_missing_glyphs_would_fail(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Guard for the test above: without the Hangul font, drawing Korean is reported.
    from symderiv.plot import style

    monkeypatch.setattr(style, "font_families", lambda lang: [style.LATIN_FONT])
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        fig = plot(sd.taylor("sin(x)", at=0, order=3), lang="ko")
        save(fig, io.BytesIO(), "png")
    assert any("Glyph" in str(w.message) for w in caught)  # plain text: 오차 …
    assert any("glyph" in r.getMessage() for r in caplog.records)  # next to mathtext


# -- worksheet figures ------------------------------------------------------------------------


def test_problem_figures_are_vector_pdfs(tmp_path) -> None:
    for kind, expr, at in [
        ("tangent", "x^2", 2),
        ("contour", "x^2 - y^2", None),
        ("taylor", "sin(x)", 0),
    ]:
        path = save_problem_figure(kind, expr, None, at, tmp_path / f"{kind}.pdf", "ko")
        data = path.read_bytes()
        assert data.startswith(b"%PDF") and b"/Subtype /Image" not in data


def test_question_hides_what_the_key_shows() -> None:
    question = problem_figure("tangent", "x^2", "x", 2)
    key = problem_figure("tangent", "x^2", "x", 2, answer=True)
    assert not any("slope" in t for t in texts(question)) and len(question.axes) == 1
    assert any("f'(2) = 4$" in t for t in texts(key))
    bare = problem_figure("contour", "x^3 - 3x + y^2", None, None)
    assert not [a for a in bare.findobj() if str(a.get_gid()).startswith("critical-")]
    # "Which point is the saddle?": the same letters on the question and on the key.
    assert artist(bare, "candidate-A").get_data() == ([-1.0], [0.0])
    assert artist(bare, "candidate-B").get_data() == ([1.0], [0.0])
    marked = problem_figure("contour", "x^3 - 3x + y^2", None, None, answer=True)
    assert artist(marked, "critical-saddle").get_data() == ([-1.0], [0.0])
    assert artist(marked, "letter-A").xy == (-1.0, 0.0)
    points = lettered_points(sd.critical_points("x^3 - 3x + y^2"))
    assert [(p.letter, p.coordinates, p.kind) for p in points] == [
        ("A", (-1.0, 0.0), "saddle"),
        ("B", (1.0, 0.0), "minimum"),
    ]
    with pytest.raises(PlotError, match="tangent, contour, taylor"):
        problem_figure("histogram", "x", None, None)


@pytest.mark.slow
def test_figures_built_in_threads_equal_serial_ones() -> None:
    # The web server draws from several threads: no pyplot, no shared figure state.
    results = [sd.derive("x^2 sin(x)"), sd.critical_points("x^2 - y^2")]
    serial = [svg_of(plot(r, lang="ko")) for r in results]
    with ThreadPoolExecutor(max_workers=2) as pool:
        threaded = list(pool.map(lambda r: svg_of(plot(r, lang="ko")), results))
    assert threaded == serial


def test_jupyter_shows_the_figure_without_pyplot() -> None:
    fig = plot(sd.derive("x^2"), at=2)
    png = fig._repr_png_()
    assert png.startswith(b"\x89PNG") and png == fig._repr_png_()


def test_taylor_in_two_variables_shows_f_and_the_polynomial() -> None:
    t = sd.taylor("e^x cos(y)", vars="x, y", at={"x": 0, "y": 0}, order=2)
    fig = plot(t)
    f_map, t_map = artist(fig, "contour-f"), artist(fig, "contour-T")
    assert list(f_map.levels) == list(t_map.levels)
    assert artist(fig, "centre-f").get_data() == ([0.0], [0.0])
    assert any("T_{2} = " in s for s in texts(fig))


def test_error_table_slopes_are_the_orders() -> None:
    table = sd.taylor("sin(x)", at=0, order=3).error_table(hs=["1/100", "1/10"])
    fig = plot(table)
    for k, slope in [(0, 1), (1, 3), (3, 5)]:
        hs, errs = artist(fig, f"error-T{k}").get_data()
        assert np.diff(np.log10(errs))[0] / np.diff(np.log10(hs))[0] == pytest.approx(slope, 0.01)
    hs, guide = artist(fig, "reference").get_data()
    assert np.diff(np.log10(guide))[0] / np.diff(np.log10(hs))[0] == pytest.approx(4)


def test_parameters_take_their_values_before_solving() -> None:
    fig = plot(sd.gradient("x^2 + y^2 + a x"), params={"a": 2})
    assert artist(fig, "critical-minimum").get_data() == ([-1.0], [0.0])
    with pytest.raises(PlotError, match="params"):
        plot(sd.gradient("x^2 + y^2 + a x"))


@pytest.mark.parametrize("text", ["Abs(x)", "relu(x)"])
def test_no_tangent_at_a_corner(text: str) -> None:
    # SymPy says sign(0) = 0 and H(0) = 1/2; a textbook draws no tangent at a corner.
    with pytest.raises(PlotError, match="not differentiable at x = 0"):
        plot(sd.derive(text), at=0)
    with pytest.raises(PlotError, match="미분 가능하지 않습니다"):
        plot(sd.derive(text), at=0, lang="ko")
    assert artist(plot(sd.derive(text), at=1), "tangent")
