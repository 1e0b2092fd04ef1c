"""Property tests: random expression trees derive to sympy.diff and pass the numeric check."""

from __future__ import annotations

import sympy as sp
from helpers import same_function, sympy_derivative
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symderiv as sd

x = sp.Symbol("x")

LEAVES = st.sampled_from([x, x, x, sp.Integer(2), sp.Integer(3), sp.Rational(1, 2), sp.pi])
UNARY = [
    sp.sin,
    sp.cos,
    sp.exp,
    sp.atan,
    sp.tanh,
    sd.sigmoid,
    sd.softplus,
    lambda u: sp.log(u**2 + 1),
    lambda u: sp.sqrt(u**2 + 1),
]


def _extend(children: st.SearchStrategy[sp.Expr]) -> st.SearchStrategy[sp.Expr]:
    return st.one_of(
        st.builds(lambda f, u: f(u), st.sampled_from(UNARY), children),
        st.builds(sp.Add, children, children),
        st.builds(sp.Mul, children, children),
        st.builds(lambda u, v: u / (v**2 + 1), children, children),
        st.builds(lambda u, n: u**n, children, st.integers(2, 4)),
    )


EXPRESSIONS = st.recursive(LEAVES, _extend, max_leaves=8)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
@given(EXPRESSIONS)
def test_random_trees_match_sympy_and_pass_the_numeric_check(expr):
    d = sd.derive(expr, x)
    assert same_function(d.result, sympy_derivative(expr, x))
    if expr.has(x):
        assert d.verification.ok is True, (expr, d.verification)
    for earlier, later in zip(d.steps, d.steps[1:], strict=False):
        assert earlier.after == later.before
    assert not d.result.has(sp.Derivative)
