"""The tidy-up's pre-tests: a rewrite is skipped only where it could not have won."""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symderiv import simplify
from symderiv.simplify import _candidates, _irreducible_key, _may_factor, tidy

x, y = sp.symbols("x y")


def _sums(expr: sp.Expr) -> list[sp.Add]:
    return [n for n in sp.preorder_traversal(expr) if isinstance(n, sp.Add)]


@pytest.mark.parametrize(
    "derivative",
    [
        2 * x / (x**2 + 1),  # d/dx ln(x² + 1)
        2 / (4 * x**2 + 1),  # d/dx atan(2x)
        x / sp.sqrt(x**2 + 1),
        sp.exp(-x) / (1 + sp.exp(-x)) ** 2,
        x**x * (sp.log(x) + 1),
    ],
)
def test_nothing_is_tried_where_nothing_can_change(derivative):
    assert _candidates(derivative, lambda: int(sp.count_ops(derivative))) == []


@pytest.mark.parametrize(
    ("derivative", "tidied"),
    [
        (-x * sp.exp(-x) + sp.exp(-x), (1 - x) * sp.exp(-x)),  # a base in every term
        (-2 * x / (-(x**2) - 1), 2 * x / (x**2 + 1)),  # a sign in every term
        ((x**2 - 1) / (x - 1), x + 1),  # x² − 1 factors
        (1 / (x - 1) + 1 / (1 - x), 0),  # a fraction in a sum
        ((2 - 2 * x) / (x - 1) ** 2, -2 / (x - 1)),  # x − 1 and 2 − 2x cancel
    ],
)
def test_what_can_change_is_still_tried(derivative, tidied):
    assert sp.simplify(tidy(derivative) - tidied) == 0
    assert sp.count_ops(tidy(derivative)) <= sp.count_ops(tidied)


def test_quadratics_are_irreducible_exactly_when_their_discriminant_is_not_a_square():
    assert _irreducible_key(x**2 + 1) == (1, 0, 1)
    assert _irreducible_key(2 * x**2 + 2) == _irreducible_key(x**2 + 1)
    assert _irreducible_key(-(x**2) - 1) == _irreducible_key(x**2 + 1)
    assert _irreducible_key(x**2 - 1) is None  # (x − 1)(x + 1)
    assert _irreducible_key(x**2 + 3 * x) is None  # x(x + 3)
    assert _irreducible_key(x**2 + x + 1) == (1, 1, 1)
    assert _irreducible_key(x + y) is None  # two variables: not judged, tried
    assert _irreducible_key(x**3 + 1) is None
    assert _may_factor(1 / ((x - 1) * (2 - 2 * x)), _sums(1 / ((x - 1) * (2 - 2 * x))))


LEAVES = st.sampled_from([x, x, y, sp.Integer(2), sp.Integer(-3), sp.Rational(1, 2)])
UNARY = [sp.sin, sp.exp, sp.log, sp.atan, lambda u: u**2, lambda u: 1 / u, sp.sqrt]


def _extend(children: st.SearchStrategy[sp.Expr]) -> st.SearchStrategy[sp.Expr]:
    return st.one_of(
        st.builds(lambda f, u: f(u), st.sampled_from(UNARY), children),
        st.builds(sp.Add, children, children),
        st.builds(sp.Mul, children, children),
        st.builds(lambda u, v: u / (v**2 + 1), children, children),
    )


def _tidy_trying_everything(expr: sp.Expr, monkeypatch: pytest.MonkeyPatch) -> sp.Expr:
    with monkeypatch.context() as m:
        m.setattr(simplify, "_may_pull_out", lambda sums: True)
        m.setattr(simplify, "_pull_out_can_win", lambda expr, sums, size: True)
        m.setattr(simplify, "_has_fraction_in_sum", lambda sums: True)
        m.setattr(simplify, "_may_factor", lambda expr, sums: True)
        return tidy(expr)


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.recursive(LEAVES, _extend, max_leaves=7))
def test_the_pre_tests_never_change_the_outcome(monkeypatch, expr):
    derivative = sp.diff(expr, x)
    assert tidy(derivative) == _tidy_trying_everything(derivative, monkeypatch)


def test_a_coefficient_like_16_9_in_a_sum_is_a_fraction_to_put_over_one_denominator():
    derivative = (sp.Rational(8, 3) * x - sp.Rational(8, 3)) / (sp.Rational(16, 9) * x**2 + 1)
    assert str(tidy(derivative)) == "24*(x - 1)/(16*x**2 + 9)"  # factor was tried
