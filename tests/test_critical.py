"""Critical points: ∇f = 0 over the reals, classified, with honest reports (symderiv.critical)."""

from __future__ import annotations

import json
import time

import pytest
import sympy as sp

from symderiv.errors import DerivationError
from symderiv.multivariate.critical import CriticalPoint, CriticalPoints, critical_points
from symderiv.multivariate.critical_search import numeric_search
from symderiv.multivariate.critical_solve import real_solutions, run_with_budget, split_solve

x, y, z, a, b = sp.symbols("x y z a b")
n, m = sp.Symbol("n", integer=True), sp.Symbol("m", integer=True)
R2 = sp.sqrt(2) / 2


def summary(cps: CriticalPoints) -> list[tuple[dict, str]]:
    return [(p.point, p.kind) for p in cps]


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        ("x^2 + y^2", [({x: 0, y: 0}, "minimum")]),
        ("x^2 - y^2", [({x: 0, y: 0}, "saddle")]),
        ("(x-3)^2 + (y+1)^2", [({x: 3, y: -1}, "minimum")]),
        (
            "x^4 - 3x^2",
            [
                ({x: -sp.sqrt(6) / 2}, "minimum"),
                ({x: 0}, "maximum"),
                ({x: sp.sqrt(6) / 2}, "minimum"),
            ],
        ),
        ("x^3 - 3x + y^2", [({x: -1, y: 0}, "saddle"), ({x: 1, y: 0}, "minimum")]),
        ("x^2 + 3x y + y^2", [({x: 0, y: 0}, "saddle")]),
        ("(1-x)^2 + 100(y-x^2)^2", [({x: 1, y: 1}, "minimum")]),
        (
            "x y exp(-(x^2+y^2))",
            [
                ({x: -R2, y: -R2}, "maximum"),
                ({x: -R2, y: R2}, "minimum"),
                ({x: 0, y: 0}, "saddle"),
                ({x: R2, y: -R2}, "minimum"),
                ({x: R2, y: R2}, "maximum"),
            ],
        ),
    ],
)
def test_the_issue_functions(f, expected):
    cps = critical_points(f)
    assert isinstance(cps, CriticalPoints)
    assert summary(cps) == expected
    assert cps.status == "finite" and cps.complete and cps.method == "symbolic"
    assert all(isinstance(p, CriticalPoint) and p.exact and not p.family for p in cps)
    assert cps.verification.ok is True


def test_five_points_of_x_y_gaussian_with_eigenvalues():
    cps = critical_points("x y exp(-(x^2+y^2))")
    assert len(cps) == 5
    saddle = cps.of_kind("saddle")[0]
    assert saddle.eigenvalues == (-1, 1) and saddle.eigenvalues_exact
    assert cps.of_kind("maximum")[0].eigenvalues == (-2 / sp.E, -2 / sp.E)
    assert cps.of_kind("maximum")[0].value == sp.exp(-1) / 2


def test_x4_plus_y4_is_inconclusive_by_the_test_then_decided():
    (p,) = critical_points("x^4 + y^4")
    c = p.classification
    assert p.point == {x: 0, y: 0}
    assert c.hessian_kind == "inconclusive" and c.definiteness == "zero"
    assert "cannot decide" in c.reason
    assert (p.kind, c.method, c.proved) == ("minimum", "taylor_form", True)
    assert "Higher-order check" in c.reason


def test_a_line_of_minima_is_reported_as_a_family():
    cps = critical_points("(x - y)^2")
    (p,) = cps
    assert cps.status == "infinite" and cps.infinite and cps.complete
    assert p.point == {x: y, y: y} and p.family == (y,) and p.infinite
    assert p.kind == "minimum"
    assert p.classification.hessian_kind == "inconclusive"
    assert "for every real y" in cps.to_text()


def test_periodic_families_are_never_cut_to_one_period():
    cps = critical_points("sin(x) cos(y)")
    assert cps.status == "infinite" and cps.complete
    found = {(p.point[x], p.point[y]): p.kind for p in cps}
    assert found == {
        (2 * sp.pi * n + sp.pi / 2, 2 * sp.pi * m): "maximum",
        (2 * sp.pi * n + sp.pi / 2, 2 * sp.pi * m + sp.pi): "minimum",
        (2 * sp.pi * n + 3 * sp.pi / 2, 2 * sp.pi * m): "minimum",
        (2 * sp.pi * n + 3 * sp.pi / 2, 2 * sp.pi * m + sp.pi): "maximum",
        (sp.pi * n, sp.pi * m + sp.pi / 2): "saddle",
    }
    assert all(p.family == (n, m) for p in cps)
    keys = [note.key for note in cps.notes]
    assert "note_periodic" in keys and "note_parity" in keys
    assert "for every integer n, m" in cps.to_text()
    assert "모든 정수 n, m에 대해" in cps.to_text("ko")


def test_one_variable_periodic():
    cps = critical_points("sin(x)")
    assert summary(cps) == [
        ({x: 2 * sp.pi * n + sp.pi / 2}, "maximum"),
        ({x: 2 * sp.pi * n + 3 * sp.pi / 2}, "minimum"),
    ]


def test_periodic_inflection_family():
    (p,) = critical_points("x - cos(x) + y^2")
    assert p.point == {x: 2 * sp.pi * n + 3 * sp.pi / 2, y: 0}
    assert p.kind == "saddle" and p.classification.method == "lines"


@pytest.mark.parametrize("f", ["x + y", "exp(x) + y^2", "x^3 + x"])
def test_no_critical_points(f):
    cps = critical_points(f)
    assert len(cps) == 0 and cps.status == "none" and cps.complete
    assert "no critical points" in cps.to_text()
    assert "임계점이 없습니다" in cps.to_text("ko")


def test_three_variables():
    cps = critical_points("x^2 + y^2 + z^2 + x y - z")
    (p,) = cps
    assert p.point == {x: 0, y: 0, z: sp.Rational(1, 2)}
    assert p.kind == "minimum" and p.eigenvalues == (1, 2, 3)


def test_parameters_are_generic_and_the_kind_depends_on_them():
    cps = critical_points("a x^2 + b y^2", "x, y")
    (p,) = cps
    assert p.point == {x: 0, y: 0} and p.kind == "inconclusive"
    cases = {c.kind: c.condition for c in p.classification.cases}
    assert cases["minimum"] == sp.And(a > 0, b > 0)
    assert "note_generic" in [note.key for note in cps.notes]


def test_timeout_falls_back_to_a_numeric_search():
    cps = critical_points("x^4 - 3x^2 + y^2", time_budget=0.001)
    assert cps.method == "numeric" and not cps.complete
    assert [note.key for note in cps.notes] == ["note_timeout", "note_numeric"]
    # the numeric roots are recognised exactly and proved by ∇f = 0
    assert summary(cps) == [
        ({x: -sp.sqrt(6) / 2, y: 0}, "minimum"),
        ({x: 0, y: 0}, "saddle"),
        ({x: sp.sqrt(6) / 2, y: 0}, "minimum"),
    ]
    assert all(p.exact for p in cps)


def test_solver_failure_gives_numeric_points_marked_as_such():
    cps = critical_points("cosh(x) - x^2")
    assert cps.method == "numeric" and not cps.complete
    assert [p.kind for p in cps] == ["minimum", "maximum", "minimum"]
    left, origin, right = cps
    assert origin.exact and origin.point == {x: 0}
    assert not left.exact and not right.exact
    assert abs(float(right.point[x]) - 2.177318984965306) < 1e-12
    assert "(numeric)" in cps.to_text()
    assert cps.verification.ok is True


def test_non_polynomial_solutions_are_supplemented_numerically():
    cps = critical_points("x^2/2 + exp(-x) + y^2")
    (p,) = cps
    assert p.point == {x: sp.LambertW(1), y: 0} and p.kind == "minimum"
    assert not cps.complete
    assert [note.key for note in cps.notes] == ["note_supplement_none"]


def test_six_variable_quadratic():
    xs = sp.symbols("x1:7")
    f = sum((i + 2) * xs[i] ** 2 for i in range(6)) + sum(xs[i] * xs[i + 1] for i in range(5))
    (p,) = critical_points(f)
    assert p.point == dict.fromkeys(xs, 0)
    assert p.kind == "minimum"


def test_bad_input():
    with pytest.raises(DerivationError, match="does not occur"):
        critical_points("x^2 + y^2", "x, w")
    with pytest.raises(DerivationError, match="single scalar"):
        critical_points(["x^2", "y^2"])


def test_run_with_budget():
    start = time.perf_counter()
    assert run_with_budget(time.sleep, (30,), 0.3) == ("timeout", None)
    assert time.perf_counter() - start < 5
    assert run_with_budget(sum, ([1, 2, 3],), 10) == ("ok", 6)
    status, why = run_with_budget(int, ("not a number",), 10)
    assert status == "error" and "ValueError" in why


def test_split_solve_merges_families():
    xr = sp.Symbol("x", real=True)
    solutions, complete = split_solve([sp.cos(xr)], [xr], [], 10)
    assert complete and len(solutions) == 1
    (value,) = solutions[0].values()
    assert sp.simplify(value - (sp.pi / 2 + sp.pi * n)) == 0


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_formats(lang):
    cps = critical_points("x^3 - 3x + y^2")
    assert "saddle point" in cps.to_text() and "안장점" in cps.to_text("ko")
    assert "pmatrix" in cps.to_latex(lang) and "\\begin{enumerate}" in cps.to_latex(lang)
    assert cps.to_markdown(lang).startswith("### ")
    data = json.loads(json.dumps(cps.to_dict(), ensure_ascii=False))
    assert data["schema"] == "symderiv.critical_points/1"
    assert [p["kind"] for p in data["points"]] == ["saddle", "minimum"]
    assert data["points"][1]["point"]["x"]["sympy"] == "1"
    assert data["complete"] is True and data["status"] == "finite"


def test_elimination_finds_the_roots_sympy_solve_drops():
    f = "x^5 y + y^5 x - 5 x y + x^3 y^3 + x^2"
    xr, yr = sp.symbols("x y", real=True)
    g = sp.sympify("x**5*y + y**5*x - 5*x*y + x**3*y**3 + x**2", locals={"x": xr, "y": yr})
    assert len(sp.solve([g.diff(xr), g.diff(yr)], [xr, yr], dict=True)) == 3  # SymPy alone
    cps = critical_points(f)
    assert len(cps) == 9 and cps.complete and cps.method == "symbolic+numeric"
    assert [p.point for p in cps if p.exact] == [
        {x: 0, y: -sp.root(5, 4)},
        {x: 0, y: 0},
        {x: 0, y: sp.root(5, 4)},
    ]
    assert sorted(p.kind for p in cps) == ["maximum"] * 2 + ["minimum"] * 2 + ["saddle"] * 5
    assert [note.key for note in cps.notes] == ["note_located"]
    assert cps.verification.ok is True


def test_real_solutions_of_a_groebner_basis():
    xr, yr = sp.symbols("x y", real=True)
    basis = list(sp.groebner([xr**2 + yr**2 - 1, xr - yr], xr, yr, order="lex").exprs)
    found = real_solutions(basis, [xr, yr])
    assert sorted(round(float(s[xr]), 12) for s in found) == [-0.707106781187, 0.707106781187]
    assert all(abs(s[xr] - s[yr]) < 1e-30 for s in found)


def rosenbrock(n: int) -> str:
    return " + ".join(f"100 (x{i + 1} - x{i}^2)^2 + (1 - x{i})^2" for i in range(1, n))


@pytest.mark.slow
@pytest.mark.parametrize("n", [8, 10])
def test_rosenbrock_minimum_is_found_within_the_default_search_budget(n):
    # SymPy cannot solve these in time (time_budget=1 only shortens the wait); the numeric
    # search, with its default CPU-time budget, reaches the minimum (1, ..., 1), which is
    # then recognised and proved exact by ∇f = 0
    xs = sp.symbols(f"x1:{n + 1}")
    cps = critical_points(rosenbrock(n), time_budget=1)
    assert cps.method == "numeric" and not cps.complete
    assert [p.point for p in cps if p.kind == "minimum" and p.exact] == [dict.fromkeys(xs, 1)]
    assert cps.verification.ok is True


def test_a_numeric_search_cut_by_its_budget_says_so():
    cps = critical_points("x^4 - 3x^2 + y^2", time_budget=0.001, search_budget=0)
    assert [note.key for note in cps.notes] == ["note_timeout", "note_numeric", "note_search_cut"]
    assert dict(cps.notes[-1].values) == {"budget": "0", "starts": 0, "planned": 49}
    assert len(cps) == 0 and cps.method == "numeric" and not cps.complete


def test_the_numeric_search_without_and_with_a_budget():
    f = x**4 - 3 * x**2 + y**2
    components, matrix = [f.diff(x), f.diff(y)], sp.hessian(f, (x, y))
    found = numeric_search(f, (x, y), components, matrix, seconds=None)
    assert (found.starts, found.planned, found.cut_short) == (49, 49, "")
    assert sorted(float(p[x]) for p in found.points) == pytest.approx(
        [-(6**0.5) / 2, 0, 6**0.5 / 2], abs=1e-15
    )
    cut = numeric_search(f, (x, y), components, matrix, seconds=0)
    assert cut.starts == 0 and cut.points == []
    assert cut.cut_short == (
        "the numeric search was cut short by its CPU-time budget (0 s) after 0 of 49 "
        "starting points"
    )


def test_split_solve_budget_is_cpu_time():
    xr = sp.Symbol("x", real=True)
    with pytest.raises(Exception, match="the case split was cut short by its CPU-time budget"):
        split_solve([sp.cos(xr)], [xr], [], 0)


def test_budget_cuts_are_printed_in_both_languages() -> None:
    """The notes a CPU-time budget adds read as sentences in English and Korean."""
    from symderiv.multivariate.classification import Reason

    cut = Reason.of("note_search_cut", budget="5", starts=19, planned=61)
    assert cut.text("en").startswith(
        "The numeric search was cut short by its CPU-time budget (5 s)"
    )
    assert "시작점 61개 중 19개까지만" in cut.text("ko")
    higher = Reason.of("higher_order_cut", budget="3")
    assert (
        higher.text("en")
        == "The higher-order checks were cut short by their CPU-time budget (3 s)."
    )
    assert "고계 판정" in higher.text("ko")
