"""Training a model by hand (the lesson's Step 8) and the descent exercises for worksheets."""

import json
import random
from fractions import Fraction

import pytest
import sympy as sp

from symderiv.optim import OptimError, diagnose_descent, fit, next_point

XS = [1.0, 2.0, 3.0, 4.0, 5.0]
YS = [3.0, 5.0, 7.0, 9.0, 11.0]


def lesson_step8():
    """The lesson's Step 8 loop, verbatim; returns the printed lines' values."""
    random.seed(42)
    w = random.gauss(0, 1)
    b = random.gauss(0, 1)
    lr = 0.01
    printed = {}
    for epoch in range(200):
        total_loss = 0
        dw = 0
        db = 0
        for x, y in zip(XS, YS, strict=True):
            pred = w * x + b
            error = pred - y
            total_loss += error**2
            dw += 2 * error * x
            db += 2 * error
        dw /= len(XS)
        db /= len(XS)
        total_loss /= len(XS)
        w -= lr * dw
        b -= lr * db
        if epoch % 40 == 0 or epoch == 199:
            printed[epoch] = (w, b, total_loss)
    return printed, f"y = {w:.2f}x + {b:.2f}"


def test_lesson_step8_reproduced():
    r = fit("w x + b", list(zip(XS, YS, strict=True)), "w,b")
    printed, learned = lesson_step8()
    assert [e.epoch for e in r.printed_epochs] == list(printed)
    for e in r.printed_epochs:
        w, b, loss = printed[e.epoch]
        assert e.params["w"] == pytest.approx(w, rel=1e-12)
        assert e.params["b"] == pytest.approx(b, rel=1e-12)
        assert e.loss == pytest.approx(loss, rel=1e-12)
        line = f"{e.epoch} {w:.4f} {b:.4f} {loss:.6f}"
        assert line in [" ".join(x.split()) for x in r.to_text().splitlines()]
    assert len(r.history) == 200 and r.history[0] == pytest.approx(printed[0][2])
    assert f"Learned equation: {learned.replace('x', '·x')}" in r.to_text()
    w, b, x, y = sp.symbols("w b x y")
    assert r.gradient.components[0] == 2 * x * (b + w * x - y)
    assert sp.expand(r.gradient.components[1] - 2 * (w * x + b - y)) == 0
    assert r.verification.ok is True


def test_fit_from_given_start_converges_to_2x_plus_1():
    r = fit(
        "w x + b",
        ["1,3", "2,5", "3,7", "4,9", "5,11"],
        "w,b",
        lr="0.05",
        epochs=3000,
        init={"w": 0, "b": 0},
    )
    assert r.params["w"] == pytest.approx(2, abs=1e-6)
    assert r.params["b"] == pytest.approx(1, abs=1e-6)
    assert r.seed is None


def test_logistic_regression_with_cross_entropy():
    data = [(0, 0), (1, 0), (2, 1), (3, 1)]
    r = fit(
        "w x + b", data, "w,b", loss="cross_entropy", lr="0.5", epochs=300, init={"w": 0, "b": 0}
    )
    assert str(r.output) == "sigmoid(b + w*x)"
    # plain loop with the textbook gradient (p − y)·x, (p − y)
    import math

    w = b = 0.0
    for _ in range(300):
        gw = gb = 0.0
        for x, y in data:
            p = 1 / (1 + math.exp(-(w * x + b)))
            gw += (p - y) * x
            gb += p - y
        w, b = w - 0.5 * gw / 4, b - 0.5 * gb / 4
    assert r.params["w"] == pytest.approx(w, rel=1e-9)
    assert r.params["b"] == pytest.approx(b, rel=1e-9)
    assert r.history[-1] < r.history[0]
    assert "교차 엔트로피" in r.to_text("ko")
    d = json.loads(json.dumps(r.to_dict()))
    assert d["schema"] == "symderiv.fit/1" and d["loss"] == "cross_entropy"


def test_fit_refuses_bad_input():
    with pytest.raises(OptimError, match="2 numbers"):
        fit("w x + b", ["1,2,3"], "w,b")
    with pytest.raises(OptimError, match="targets 0 or 1"):
        fit("w x + b", [(1, 3)], "w,b", loss="cross_entropy")
    with pytest.raises(OptimError, match="loss"):
        fit("w x + b", [(1, 3)], "w,b", loss="hinge")


PROBLEM = {"expr": "x^2 + y^2", "start": {"x": 4, "y": 3}, "lr": "0.1"}


def test_next_point_is_exact():
    assert next_point(PROBLEM) == {"x": sp.Rational(16, 5), "y": sp.Rational(12, 5)}
    two = {**PROBLEM, "steps": 2}
    assert next_point(two) == {"x": sp.Rational(64, 25), "y": sp.Rational(48, 25)}
    assert next_point({"expr": "x^4 - 3x^2", "start": "x=2", "lr": "0.01"}) == {
        "x": sp.Rational(2) - sp.Rational(1, 100) * 20
    }


@pytest.mark.parametrize(
    ("answer", "slips"),
    [
        ({"x": 3.2, "y": 2.4}, []),
        ("x=16/5, y=12/5", []),
        ({"x": 4.8, "y": 3.6}, ["added_gradient"]),
        ([-4, -3], ["forgot_lr"]),
        ([12, 9], ["added_without_lr"]),
        ([8, 6], ["gradient_given"]),
        ([1, 1], ["unknown"]),
    ],
)
def test_diagnose_descent_names_the_slip(answer, slips):
    assert [s.id for s in diagnose_descent(answer, PROBLEM)] == slips


def test_diagnose_descent_texts_in_both_languages_and_two_steps():
    (slip,) = diagnose_descent([4.8, 3.6], PROBLEM)
    assert "instead of subtracting" in slip.en and "빼야 하는데 더했습니다" in slip.ko
    (one,) = diagnose_descent([3.2, 2.4], {**PROBLEM, "steps": 2})
    assert one.id == "one_step" and "asks for 2" in one.en
    assert diagnose_descent([Fraction(64, 25), Fraction(48, 25)], {**PROBLEM, "steps": 2}) == []
