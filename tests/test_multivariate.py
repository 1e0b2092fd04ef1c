"""Gradients, Jacobians, Hessians and the second-derivative test (symderiv.multivariate)."""

from __future__ import annotations

import json
import time

import pytest
import sympy as sp

from symderiv.errors import DerivationError
from symderiv.multivariate import (
    ZERO_TOLERANCE,
    Classification,
    Gradient,
    gradient,
    hessian,
    inertia_from_minors,
    inertia_from_signs,
    inertia_from_some_signs,
    jacobian,
    natural_key,
    resolve_variables,
)
from symderiv.steps import Derivation

x, y, z, a, b = sp.symbols("x y z a b")


# --------------------------------------------------------------------------- variables


def test_default_variables_are_in_natural_order():
    g = gradient("x10 + x2 + x1 + y")
    assert [v.name for v in g.vars] == ["x1", "x2", "x10", "y"]
    names = ["x10", "y", "x", "x2", "x1"]
    assert sorted(names, key=lambda n: natural_key(sp.Symbol(n))) == ["x", "x1", "x2", "x10", "y"]


def test_given_variables_fix_the_order_and_make_the_rest_parameters():
    g = gradient("a x^2 + b y^2", "y, x")
    assert g.vars == (y, x)
    assert g.components == (2 * b * y, 2 * a * x)
    assert g.params == (a, b)


@pytest.mark.parametrize(
    ("vars", "message"),
    [("x, z", "z does not occur"), (["x", "x"], "given twice"), ("1x", "not a variable name")],
)
def test_bad_variables_are_refused(vars, message):
    with pytest.raises(DerivationError, match=message):
        resolve_variables([x**2 + y], vars)


@pytest.mark.parametrize("bad", [["x^2", "y^2"], ("x",), sp.Matrix([x, y])])
def test_gradient_and_hessian_need_a_scalar(bad):
    with pytest.raises(DerivationError, match="single scalar"):
        gradient(bad)
    with pytest.raises(DerivationError, match="single scalar"):
        hessian(bad)


# --------------------------------------------------------------------------- gradient


def test_gradient_of_the_issue_example():
    g = gradient("x^2 + 3x y + y^2")
    assert isinstance(g, Gradient)
    assert g.vars == (x, y)
    assert g.components == (2 * x + 3 * y, 3 * x + 2 * y)
    assert g.vector == sp.ImmutableMatrix([2 * x + 3 * y, 3 * x + 2 * y])
    assert g.at({"x": 1, "y": 2}) == (8, 7)
    assert g.at((1, 2)) == (8, 7)
    assert g.at({x: sp.Rational(1, 2), y: "sqrt(2)"}) == (
        1 + 3 * sp.sqrt(2),
        sp.Rational(3, 2) + 2 * sp.sqrt(2),
    )
    assert g.verification.ok is True
    assert len(g.verification.points) == 3


def test_each_partial_is_a_worked_derivation_with_the_others_held_constant():
    g = gradient("x^2 + 3x y + y^2")
    dx, dy = g.partials
    assert isinstance(dx, Derivation) and dx.var == x
    assert dx.held_constant == (y,) and dy.held_constant == (x,)
    assert dx.rule_ids[0] == "sum"
    assert dx.verification.ok is True
    assert "(y held constant)" in g.to_text()
    assert g.partial("y") is dy


def test_gradient_of_three_variables():
    g = gradient("x y z + x^2 sin(z)")
    expected = (y * z + 2 * x * sp.sin(z), x * z, x * y + x**2 * sp.cos(z))
    assert all(sp.expand(c - e) == 0 for c, e in zip(g.components, expected, strict=True))
    assert g.at({"x": 1, "y": 2, "z": 0}) == (0, 0, 3)
    assert g.verification.ok is True


@pytest.mark.parametrize(
    ("point", "message"),
    [
        ({"x": 1}, "needs a value for y"),
        ({"x": 1, "y": 2, "w": 3}, "w is not a variable"),
        ((1, 2, 3), "3 coordinates"),
        ({"x": True, "y": 1}, "truth value"),
    ],
)
def test_bad_points_are_refused(point, message):
    with pytest.raises(DerivationError, match=message):
        gradient("x^2 + y^2").at(point)


# --------------------------------------------------------------------------- Jacobian


def test_jacobian_of_a_two_unit_layer():
    layer = ["w11 x1 + w12 x2 + b1", "w21 x1 + w22 x2 + b2"]
    j = jacobian(layer, "x1, x2")
    w11, w12, w21, w22 = sp.symbols("w11 w12 w21 w22")
    assert j.matrix == sp.ImmutableMatrix([[w11, w12], [w21, w22]])
    assert j.shape == (2, 2)
    assert all(isinstance(d, Derivation) for row in j.entries for d in row)
    assert j.at({"x1": 1, "x2": 2}) == j.matrix
    assert j.verification.ok is True


def test_jacobian_of_softmax_of_three_inputs():
    z1, z2, z3 = sp.symbols("z1 z2 z3")
    total = sp.exp(z1) + sp.exp(z2) + sp.exp(z3)
    s = [sp.exp(v) / total for v in (z1, z2, z3)]
    j = jacobian(s, [z1, z2, z3])
    expected = sp.Matrix(3, 3, lambda i, k: s[i] * (int(i == k) - s[k]))
    assert sp.simplify(j.matrix - expected) == sp.zeros(3, 3)
    assert j.matrix[0, 1] == -sp.exp(z1) * sp.exp(z2) / total**2
    assert j.verification.ok is True


def test_jacobian_default_variables_span_all_components():
    j = jacobian(["x y", "y z"])
    assert j.vars == (x, y, z)
    assert j.matrix == sp.ImmutableMatrix([[y, x, 0], [0, z, y]])


# --------------------------------------------------------------------------- Hessian


def test_hessian_of_the_issue_example():
    h = hessian("x^2 + 3x y + y^2")
    assert h.matrix == sp.ImmutableMatrix([[2, 3], [3, 2]])
    assert len(h.second) == 2 and all(len(row) == 2 for row in h.second)
    assert h.second[0][1].expr == 2 * x + 3 * y and h.second[0][1].var == y
    (mixed,) = h.mixed
    assert (mixed.agree, mixed.proved, mixed.value) == (True, True, 3)
    assert h.verification.ok is True


def test_mixed_partials_in_both_orders_are_shown_to_agree():
    h = hessian("exp(x y) sin(x)")
    (mixed,) = h.mixed
    assert mixed.agree and mixed.proved
    assert sp.simplify(h.second[0][1].result - h.second[1][0].result) == 0
    assert h.matrix.is_symmetric()
    assert "mixed partials agree" in h.to_text()


def test_hessian_of_three_variables():
    h = hessian("x^2 + y^2 + z^2 + x y")
    assert h.matrix == sp.ImmutableMatrix([[2, 1, 0], [1, 2, 0], [0, 0, 2]])
    c = h.classify()
    assert c.kind == "minimum" and c.anywhere
    assert c.eigenvalues == (1, 2, 3) and c.eigenvalues_exact
    assert c.minors == (2, 3, 6)


# --------------------------------------------------------------------------- classification


def test_saddle_of_the_issue_example():
    c = hessian("x^2 + 3x y + y^2").classify({"x": 0, "y": 0})
    assert isinstance(c, Classification)
    assert c.kind == "saddle" and c.hessian_kind == "saddle"
    assert c.definiteness == "indefinite"
    assert c.eigenvalues == (-1, 5) and c.eigenvalues_exact
    assert c.minors == (2, -5)
    assert c.charpoly == (1, -4, -5)
    assert c.inertia == (1, 1, 0)
    assert "indefinite" in c.reason
    assert "부정부호" in c.reason_text("ko") and "안장점" in c.reason_text("ko")
    assert c.verification.ok is True


@pytest.mark.parametrize(
    ("f", "point", "kind", "definiteness", "eigenvalues"),
    [
        ("x^2 + y^2", (0, 0), "minimum", "positive definite", (2, 2)),
        ("-x^2 - y^2", (0, 0), "maximum", "negative definite", (-2, -2)),
        ("x^2 - y^2", (0, 0), "saddle", "indefinite", (-2, 2)),
        (
            "(1-x)^2 + 100(y-x^2)^2",
            (1, 1),
            "minimum",
            "positive definite",
            (501 - sp.sqrt(250601), 501 + sp.sqrt(250601)),
        ),
        (
            "x y exp(-(x^2+y^2))",
            ("sqrt(2)/2", "sqrt(2)/2"),
            "maximum",
            "negative definite",
            (-2 / sp.E, -2 / sp.E),
        ),
    ],
)
def test_second_derivative_test(f, point, kind, definiteness, eigenvalues):
    c = hessian(f).classify(point)
    assert (c.kind, c.definiteness, c.method) == (kind, definiteness, "second_derivative")
    assert c.eigenvalues == eigenvalues and c.eigenvalues_exact
    assert c.proved


def test_semidefinite_hessian_is_reported_as_undecided_by_the_test():
    c = hessian("x^4 + y^2").classify({"x": 0, "y": 0}, higher_order=False)
    assert c.kind == c.hessian_kind == "inconclusive"
    assert c.definiteness == "positive semidefinite"
    assert c.eigenvalues == (0, 2)
    assert "cannot decide" in c.reason
    assert "판정 불가" in c.reason_text("ko")


def test_higher_order_check_decides_x4_plus_y2_and_says_how():
    c = hessian("x^4 + y^2").classify({"x": 0, "y": 0})
    assert c.hessian_kind == "inconclusive"
    assert "second-derivative test cannot decide" in c.reason
    assert (c.kind, c.method, c.proved) == ("minimum", "global_sign", True)
    assert "≥ 0 for all real values" in c.reason


@pytest.mark.parametrize(
    ("f", "kind", "method"),
    [
        ("x^4 + y^4", "minimum", "taylor_form"),
        ("-(x^4 + y^4)", "maximum", "taylor_form"),
        ("x^3 - 3x y^2", "saddle", "taylor_form"),  # the monkey saddle
        ("x^4 - y^4", "saddle", "taylor_form"),
        ("y^2 - x^4", "saddle", "lines"),
        ("x^2 y^2 + x^3", "saddle", "taylor_form"),
    ],
)
def test_higher_order_checks_in_two_variables(f, kind, method):
    c = hessian(f).classify((0, 0))
    assert c.hessian_kind == "inconclusive"
    assert (c.kind, c.method, c.proved) == (kind, method, True)


@pytest.mark.parametrize(
    ("f", "kind", "order"),
    [
        ("x^3", "saddle", 3),
        ("x^4", "minimum", 4),
        ("-x^6", "maximum", 6),
        ("x^5 + x^7", "saddle", 5),
    ],
)
def test_first_non_zero_derivative_decides_in_one_variable(f, kind, order):
    c = hessian(f).classify({"x": 0})
    assert c.hessian_kind == "inconclusive"
    assert (c.kind, c.method) == (kind, "higher_derivative")
    assert dict(c.reasons[-1].values)["order"] == order


def test_one_variable_second_derivative():
    h = hessian("x^4 - 3x^2")
    assert h.classify({"x": 0}).kind == "maximum"
    assert h.classify({"x": "sqrt(6)/2"}).kind == "minimum"
    assert "f″ = 12 > 0" in h.classify({"x": "-sqrt(6)/2"}).reason


def test_numerical_evidence_is_never_called_a_proof():
    c = hessian("x^4 + y^2 - x^6").classify((0, 0))
    assert (c.kind, c.method, c.proved, c.evidence) == (
        "inconclusive",
        "evidence",
        False,
        "minimum",
    )
    assert "not a proof" in c.reason
    # minimum along every line, yet a saddle: the cusp is caught on the larger circles
    c = hessian("(y - x^2)(y - 2x^2)").classify((0, 0))
    assert (c.kind, c.evidence, c.proved) == ("inconclusive", "saddle", False)


def test_parameters_classified_by_their_signs():
    c = hessian("a x^2 + b y^2", "x, y").classify({"x": 0, "y": 0})
    assert c.kind == "inconclusive" and c.definiteness == "depends"
    assert c.depends_on == (a, b)
    cases = {case.kind: case.condition for case in c.cases}
    assert cases["minimum"] == sp.And(a > 0, b > 0)
    assert cases["maximum"] == sp.And(a < 0, b < 0)
    assert cases["saddle"] == sp.Or(sp.And(a > 0, b < 0), sp.And(a < 0, b > 0))
    assert cases["inconclusive"] == sp.Or(sp.Eq(a, 0), sp.Eq(b, 0))
    assert "local minimum when a > 0 and b > 0" in c.reason
    assert "a > 0 이고 b > 0일 때 극소" in c.reason_text("ko")


def test_parameter_interval_from_the_characteristic_polynomial():
    c = hessian("x^2 + b x y + y^2", "x, y").classify((0, 0))
    cases = {case.kind: case.condition for case in c.cases}
    assert cases["minimum"] == sp.And(b > -2, b < 2)
    assert "maximum" not in cases
    assert "local minimum when -2 < b < 2" in c.reason


def test_parameters_with_known_signs_decide():
    ap, bn = sp.Symbol("a", positive=True), sp.Symbol("b", negative=True)
    assert hessian(ap * x**2 + bn * y**2, [x, y]).classify((0, 0)).kind == "saddle"
    assert hessian("(a^2 + 1) x^2 + y^2", "x, y").classify((0, 0)).kind == "minimum"


def test_three_parameters():
    c = hessian("a x^2 + b y^2 + c z^2", "x, y, z").classify((0, 0, 0))
    cases = {case.kind: case.condition for case in c.cases}
    c_ = sp.Symbol("c")
    assert cases["minimum"] == sp.And(a > 0, b > 0, c_ > 0)


def test_float_points_use_the_documented_tolerance():
    c = hessian("x^3 + x^2 + y^2").classify({"x": 0.0, "y": 1e-12})
    assert c.numeric and c.kind == "minimum" and not c.eigenvalues_exact
    assert ZERO_TOLERANCE == 1e-9
    c = hessian("x^4 + y^2").classify({"x": 1e-6, "y": 0.0}, require_critical=False)
    assert c.definiteness == "positive semidefinite"  # 1.2e-11 counts as 0


def test_a_non_critical_point_is_refused_unless_asked():
    h = hessian("x^2 + 3x y + y^2")
    with pytest.raises(DerivationError, match="not a critical point"):
        h.classify({"x": 1, "y": 2})
    c = h.classify({"x": 1, "y": 2}, require_critical=False)
    assert c.kind == "not_critical" and c.hessian_kind == "saddle"
    assert "not a critical point" in c.reason


def test_classify_needs_a_point_when_the_hessian_varies():
    with pytest.raises(DerivationError, match="give the point"):
        hessian("x^3 + y^2").classify()


def test_characteristic_polynomial_sign_rules():
    assert inertia_from_signs([1, -4, -5]) == (1, 1, 0)
    assert inertia_from_signs([1, -2, 0]) == (1, 0, 1)
    assert inertia_from_signs([1, 0, 0]) == (0, 0, 2)
    assert inertia_from_some_signs([1, None, -1]) == (1, 1, 0)
    assert inertia_from_some_signs([1, None, 1]) is None
    assert inertia_from_minors([1, 1, -1]) == (2, 1, 0)
    assert inertia_from_minors([1, 0]) is None


def test_six_variable_quadratic_hessian_and_classification_is_fast():
    xs = sp.symbols("x1:7")
    f = sum((i + 2) * xs[i] ** 2 for i in range(6)) + sum(xs[i] * xs[i + 1] for i in range(5))
    hessian("x^2")  # warm the rule book
    start = time.perf_counter()
    c = hessian(f).classify()
    elapsed = time.perf_counter() - start
    assert c.kind == "minimum" and len(c.eigenvalues) == 6
    assert not c.eigenvalues_exact  # the sextic does not split: numeric, and marked
    assert elapsed < 2.0  # the benchmark holds it to < 1 s


# --------------------------------------------------------------------------- output


@pytest.mark.parametrize(
    "make",
    [
        lambda: gradient("x^2 + 3x y + y^2"),
        lambda: jacobian(["x y", "x + y"]),
        lambda: hessian("x^2 y + y^3"),
        lambda: hessian("x^2 + 3x y + y^2").classify((0, 0)),
        lambda: hessian("a x^2 + b y^2", "x,y").classify((0, 0)),
    ],
)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_format_and_language(make, lang):
    result = make()
    text, latex, markdown = result.to_text(lang), result.to_latex(lang), result.to_markdown(lang)
    assert text and markdown.endswith("\n")
    assert "pmatrix" in latex
    assert result._repr_latex_() == result.to_latex()
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["schema"].startswith("symderiv.")
    assert data["verification"]["ok"] is True


def test_json_of_a_classification():
    data = hessian("x^2 + 3x y + y^2").classify((0, 0)).to_dict()
    assert data["kind"] == "saddle"
    assert data["kind_name"] == {"en": "saddle point", "ko": "안장점"}
    assert [e["sympy"] for e in data["eigenvalues"]] == ["-1", "5"]
    assert data["inertia"] == {"positive": 1, "negative": 1, "zero": 0}
    assert data["reason"]["keys"][0] == "hessian_indefinite"


def test_text_of_a_hessian_shows_the_matrix():
    text = hessian("x^2 + 3x y + y^2").to_text()
    assert "H = ⎡2  3⎤" in text and "⎣3  2⎦" in text
    assert "헤시안" in hessian("x^2 + y^2").to_text("ko")


def test_higher_order_checks_cut_by_their_cpu_budget_say_so(monkeypatch):
    from symderiv.multivariate import higher_order

    monkeypatch.setattr(higher_order, "HIGHER_ORDER_BUDGET", 0)
    c = hessian("x^4 + y^2 - x^6").classify((0, 0))
    assert (c.kind, c.method, c.proved, c.evidence) == (
        "inconclusive",
        "evidence",
        False,
        "minimum",
    )
    assert [r.key for r in c.reasons] == [
        "hessian_psd",
        "sylvester_none",
        "higher_order_cut",
        "cannot_decide",
        "evidence_minimum",
    ]
    assert dict(c.reasons[2].values) == {"budget": "0"}
    # a proof found all the same is not marked as cut (the lines are cut; the global sign
    # of x⁴ + y² decides)
    c = hessian("x^4 + y^2").classify((0, 0))
    assert (c.kind, c.method, c.proved) == ("minimum", "global_sign", True)
    assert "higher_order_cut" not in [r.key for r in c.reasons]
