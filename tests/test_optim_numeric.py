"""Numeric derivatives as a lesson, and gradient checking."""

import math
import sys

import pytest

from symderiv.optim import OptimError, gradcheck, numeric_derivative

EPS = sys.float_info.epsilon


def test_central_difference_of_sin_at_1_has_its_best_h_near_cube_root_of_eps():
    nd = numeric_derivative("sin(x)", 1)
    best = nd.best_h("central")
    assert EPS ** (1 / 3) / 10 <= best <= EPS ** (1 / 3) * 10
    rows = nd.table("central")
    assert [r.h for r in rows] == [10.0**-k for k in range(1, 14)]
    # each estimate is the learner's Python expression, and its error is against cos(1)
    for r in rows:
        assert r.estimate == (math.sin(1 + r.h) - math.sin(1 - r.h)) / (2 * r.h)
        assert r.error == pytest.approx(abs(r.estimate - math.cos(1)), abs=2e-16)
    regimes = [r.regime for r in rows]
    i = regimes.index("best")
    assert set(regimes[:i]) == {"truncation"} and set(regimes[i + 1 :]) == {"round-off"}


def test_forward_difference_regimes_and_slopes():
    nd = numeric_derivative("sin(x)", 1)
    best = next(b for b in nd.best if b.method == "forward")
    assert math.sqrt(EPS) / 10 <= best.h <= math.sqrt(EPS) * 10
    assert best.slope_truncation == pytest.approx(1, abs=0.1)  # O(h)
    assert best.slope_roundoff == pytest.approx(-1, abs=0.2)  # ~ ε/h
    central = next(b for b in nd.best if b.method == "central")
    assert central.slope_truncation == pytest.approx(2, abs=0.1)  # O(h²)
    text = nd.to_text()
    assert "central difference: best h = 1e-05" in text
    assert "O(h^2)" in text and "ε/h" in text
    assert "중앙 차분" in nd.to_text("ko") and "전진 차분" in nd.to_text("ko")


def test_exercise1_second_derivative_of_x_cubed_at_2_is_12():
    nd = numeric_derivative("x^3", 2, order=2)
    assert nd.exact == (12,)
    nested = nd.table("nested")
    # the lesson's way: numerical_derivative called twice, with the same h
    h = 1e-4

    def d1(x):
        return ((x + h) ** 3 - (x - h) ** 3) / (2 * h)

    row = next(r for r in nested if r.h == h)
    assert row.estimate == pytest.approx((d1(2 + h) - d1(2 - h)) / (2 * h), rel=0)
    assert row.estimate == pytest.approx(12, abs=1e-6)
    best = min(nested, key=lambda r: r.error)
    assert best.estimate == pytest.approx(12, abs=1e-10)
    assert "ε/h²" in nd.to_text()


def test_numeric_gradient_at_a_point():
    nd = numeric_derivative("x^2 + 3x y + y^2", "x=1,y=2")
    assert nd.methods == ("central",)
    assert nd.exact == (8, 7)  # [2·1 + 3·2, 3·1 + 2·2], the lesson's Step 2
    for var, exact in (("x", 8), ("y", 7)):
        rows = nd.table("central", var)
        assert rows[3].h == 1e-4 and rows[3].estimate == pytest.approx(exact, abs=1e-9)
    assert "∂f/∂y" in nd.to_text()
    d = nd.to_dict()
    assert d["schema"] == "symderiv.numeric_derivative/1"
    assert {e["variable"]: e["float"] for e in d["exact"]} == {"x": 8.0, "y": 7.0}


def test_numeric_derivative_refuses_bad_requests():
    with pytest.raises(OptimError, match="order"):
        numeric_derivative("x^2", 1, order=3)
    with pytest.raises(OptimError, match="positive"):
        numeric_derivative("x^2", 1, hs=[0.1, -1])
    with pytest.raises(OptimError, match="no value"):
        numeric_derivative("log(x)", 0)


def test_gradcheck_passes_the_engine_gradient():
    g = gradcheck("x^2 + 3x y + y^2", "x=1,y=2")
    assert g.ok and g.relative_error < 1e-7
    assert [r.analytic for r in g.rows] == [8.0, 7.0]
    assert "Up to about 1e-7 is fine" in g.to_text()


def test_gradcheck_catches_a_wrong_learner_gradient_and_names_the_component():
    g = gradcheck("x^2 + 3x y + y^2", "x=1,y=2", gradient="2x + 3y, 3x + y")
    assert not g.ok
    assert g.disagree == ["y"]
    assert g.rows[1].analytic == 5.0 and g.rows[1].numeric == pytest.approx(7.0)
    # ‖(0, 2)‖ / ‖(8, 7)‖
    assert g.relative_error == pytest.approx(2 / math.hypot(8, 7), rel=1e-8)
    text = g.to_text()
    assert "The components that disagree: ∂f/∂y." in text
    assert "∂f/∂y: your formula 3x + y is not the exact partial derivative 3x + 2y." in text
    assert "일치하지 않는 성분: ∂f/∂y." in g.to_text("ko")
    assert g.to_dict()["disagree"] == ["y"]


def test_gradcheck_flags_a_formula_right_at_this_point_only():
    g = gradcheck("x^3", "x=1", gradient="3x")
    assert g.ok  # 3·1 = 3·1²
    assert g.rows[0].exact_formula is False
    assert "not the exact partial derivative everywhere" in g.to_text()


def test_gradcheck_of_the_sigmoid_and_cross_entropy():
    g = gradcheck(
        "-(y log(sigmoid(w x + b)) + (1 - y) log(1 - sigmoid(w x + b)))",
        "w=0.5,b=-1,x=2,y=1",
        vars="w,b,x,y",
    )
    assert g.ok and g.relative_error < 1e-7


def test_gradcheck_component_count_must_match():
    with pytest.raises(OptimError, match="1 component"):
        gradcheck("x^2 + y^2", "x=1,y=2", gradient="2x")
