"""Gradient descent, momentum and Newton's method on the lesson's own numbers."""

from fractions import Fraction

import pytest
import sympy as sp

from symderiv.optim import OptimError, compare_descent, descend


def lesson_step3():
    """The lesson's Step 3 loop, verbatim: x = 5, lr = 0.1, 20 steps on x²."""
    x, lr, out = 5.0, 0.1, []
    for _ in range(20):
        grad = 2 * x
        x = x - lr * grad
        out.append(x)
    return out


def test_lesson_step3_twenty_iterates_in_floats_bit_for_bit():
    r = descend("x^2", {"x": 5}, lr=0.1, steps=20, tol=0)
    assert [it.point["x"] for it in r.iterates[1:]] == lesson_step3()
    assert r.outcome == "budget" and not r.converged and not r.diverged
    assert r.final == {"x": lesson_step3()[-1]}
    assert r.verification.ok is True


def test_lesson_step3_exact_iterates_are_powers_of_four_fifths():
    r = descend("x^2", "x=5", lr="0.1", steps=20, exact=True, tol=0)
    assert [it.point["x"] for it in r.iterates] == [5 * Fraction(4, 5) ** k for k in range(21)]
    assert [it.grad[0] for it in r.iterates[:3]] == [10, 8, Fraction(32, 5)]
    assert r.iterates[0].step == (-1,)
    assert r.iterates[0].f == 25
    assert r.verification.ok is True and r.verification.max_rel_error < 1e-25


def test_lesson_step4_from_4_3_on_a_bowl():
    r = descend("x^2 + y^2", [4, 3], lr="0.1", steps=30, exact=True, tol=0)
    q = Fraction(4, 5)
    for k in (1, 6, 30):
        assert r.iterates[k].coords == (4 * q**k, 3 * q**k)
    # The lesson prints step 0 (after the first update) as (3.2000, 2.4000), f = 16.
    assert r.iterates[1].f == 16


def test_exercise2_converges_to_3_minus_1():
    r = descend("(x - 3)^2 + (y + 1)^2", "x=0,y=0", lr=0.1, steps=500)
    assert r.converged
    assert r.final["x"] == pytest.approx(3, abs=1e-6)
    assert r.final["y"] == pytest.approx(-1, abs=1e-6)
    assert r.stop.key == "converged"
    assert "‖∇f‖ ≤ 1e-06" in r.stop.text()


def test_divergence_for_lr_1_1_on_x_squared_says_why():
    r = descend("x^2", "x=5", lr=1.1, steps=20)
    assert r.diverged and not r.converged
    # x_{k+1} = x_k − 1.1·2x_k = −1.2·x_k
    assert r.iterates[1].point["x"] == pytest.approx(-6.0)
    assert r.stop.text() == (
        "Diverged: the learning rate is too large: |x| grows ×1.2 per step "
        "(lr = 1.1 overshoots the minimum; try a smaller one)."
    )
    assert "학습률이 너무 큽니다" in r.stop.text("ko")


def test_lr_two_grows_three_times_per_step():
    r = descend("x^2", "x=1", lr=2, steps=20)
    assert r.diverged
    assert "×3 per step" in r.stop.text()


def test_newton_on_a_quadratic_in_one_exact_step():
    r = descend("x^2 + x y + 3y^2 - 4x + 2y", "x=10,y=-7", method="newton", exact=True)
    assert r.converged and r.steps_taken == 1
    # ∇f = 0: 2x + y = 4, x + 6y = −2  →  x = 26/11, y = −8/11
    assert r.final == {"x": Fraction(26, 11), "y": Fraction(-8, 11)}
    assert r.objective.hessian.matrix == sp.Matrix([[2, 1], [1, 6]])
    assert r.verification.ok is True


def test_newton_says_when_the_hessian_is_singular():
    r = descend("x^3 - 3x", "x=0", method="newton", exact=True)
    assert r.stop.key == "hessian_singular"
    assert r.outcome == "stopped"
    assert "singular" in r.stop.text() and "특이 행렬" in r.stop.text("ko")


def test_newton_warns_when_the_hessian_is_not_positive_definite():
    r = descend("x^2 - y^2", "x=1,y=1", method="newton", exact=True)
    assert r.iterates[0].notes[0].key == "hessian_not_pd"
    assert r.final == {"x": 0, "y": 0}
    assert r.iterates[-1].notes[0].key == "not_minimum"


def plain_momentum(x, lr, beta, tol, steps):
    v = 0.0
    for k in range(steps + 1):
        g = 4 * x**3 - 6 * x
        if abs(g) <= tol:
            return k, x
        v = beta * v - lr * g
        x = x + v
    return None, x


def test_exercise3_momentum_keeps_its_velocity_and_matches_a_plain_loop():
    r = descend("x^4 - 3x^2", "x=2", lr=0.01, steps=2000, method="momentum")
    k, x = plain_momentum(2.0, 0.01, 0.9, 1e-6, 2000)
    assert r.converged and r.steps_taken == k
    assert r.final["x"] == pytest.approx(x, rel=1e-12)
    # the step column is the velocity: v1 = −lr·g0, v2 = β·v1 − lr·g1
    g0, g1 = r.iterates[0].grad[0], r.iterates[1].grad[0]
    assert r.iterates[1].step[0] == pytest.approx(0.9 * (-0.01 * g0) - 0.01 * g1)


def test_exercise3_comparison_reports_steps_side_by_side():
    c = compare_descent("x^4 - 3x^2", "x=2", ["gd", "momentum"], lr=0.01, steps=2000)
    k_momentum, _ = plain_momentum(2.0, 0.01, 0.9, 1e-6, 2000)
    k_gd, _ = plain_momentum(2.0, 0.01, 0.0, 1e-6, 2000)
    assert c.steps_to_tolerance == [k_gd, k_momentum]
    assert c.fewest is c.runs[0 if k_gd <= k_momentum else 1]
    text = c.to_text()
    assert "gradient descent with momentum (lr = 0.01, β = 0.9)" in text
    assert f"({min(k_gd, k_momentum)} steps)" in text


def test_comparison_of_learning_rates():
    c = compare_descent("x^2", "x=5", ["0.1", "0.4", "gd@1.1"], steps=200)
    assert [r.outcome for r in c.runs] == ["converged", "converged", "diverged"]
    assert c.runs[1].steps_taken < c.runs[0].steps_taken


def test_exact_mode_refuses_irrational_functions():
    with pytest.raises(OptimError, match="not rational"):
        descend("sin(x)", "x=1", exact=True)


@pytest.mark.parametrize(
    ("start", "message"),
    [("x=abc", "not a number"), ("y=1", "not a variable"), ("1,2", "2 coordinate")],
)
def test_bad_points_are_refused_with_a_reason(start, message):
    with pytest.raises(OptimError, match=message):
        descend("x^2", start)


def test_start_outside_the_domain():
    with pytest.raises(OptimError, match="no value at the start"):
        descend("log(x)", "x=-1")


def test_every_format_and_language():
    r = descend("x^2 + y^2", "x=4,y=3", lr="0.1", steps=3, exact=True)
    lines = [" ".join(line.split()) for line in r.to_text().splitlines()]
    assert "0 (4, 3) 25 (8, 6) (-4/5, -3/5)" in lines
    assert "3 (256/125, 192/125) 4096/625 (512/125, 384/125) —" in lines
    assert "경사하강법" in r.to_text("ko") and "학습률" in r.to_text("ko")
    latex = r.to_latex()
    assert r"\left(\frac{16}{5}, \frac{12}{5}\right)" in latex
    assert r"\begin{tabular}" in latex
    md = r.to_markdown()
    assert "| 1 | $\\left(\\frac{16}{5}, \\frac{12}{5}\\right)$ | $16$ |" in md
    d = r.to_dict()
    assert d["schema"] == "symderiv.descent/1"
    assert d["iterates"][1]["point"]["x"] == {"exact": "16/5", "float": 3.2}
    assert d["final"]["y"]["exact"] == "192/125"
    assert r._repr_markdown_() == md  # notebooks typeset the Markdown
    assert r._repr_latex_() is None


def test_long_runs_are_cut_in_the_middle_of_the_table_only():
    r = descend("x^2", "x=5", lr=0.01, steps=100, tol=0)
    text = r.to_text()
    assert "⋮ (71 rows left out" in text
    assert len(r.to_dict()["iterates"]) == 101


def test_latex_of_the_budget_note_is_valid_math() -> None:
    """‖∇f‖ was written as '$\\$|$...': a replacement rewritten by a later one."""
    latex = descend("x^2", {"x": 5}, lr="0.1", steps=3).to_latex()
    note = next(line for line in latex.splitlines() if "step budget" in line)
    assert r"$\|\nabla$f$\|$ = 5.12" in note
    assert "\\$" not in note and note.count("$") % 2 == 0
