"""symderiv.shapes.printed_order: SymPy's printed order of a sum, computed cheaply."""

from __future__ import annotations

import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symderiv.functions import sigmoid
from symderiv.shapes import printed_order

x, y = sp.symbols("x y")
FACTORS = [
    x, y, x**2, x**3 * y, sp.sin(x), sp.exp(-x), sp.log(x), sigmoid(x), sp.sqrt(x), 1 / x,
    x**-2, sp.tanh(2 * x + 1) ** 2, sp.pi, sp.sqrt(2), sp.E, x + 1,
]  # fmt: skip
COEFFICIENTS = [1, -1, 2, -3, sp.Rational(1, 2), sp.Rational(-5, 3), 7, 0.5, -2]

term = st.builds(
    lambda c, fs: sp.Mul(c, *fs),
    st.sampled_from(COEFFICIENTS),
    st.lists(st.sampled_from(FACTORS), max_size=2),
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(term, min_size=2, max_size=5))
def test_printed_order_is_sympys_as_ordered_terms(terms):
    expr = sp.Add(*terms)
    if isinstance(expr, sp.Add):
        assert printed_order(expr) == expr.as_ordered_terms()


def test_printed_order_keeps_sympys_special_cases():
    assert printed_order(1 - 2 * x) == [1, -2 * x]
    assert printed_order(4 * x**2 + 1) == [4 * x**2, 1]
    assert printed_order(x + sp.pi) == (x + sp.pi).as_ordered_terms()
    assert printed_order(x + 0.5) == (x + 0.5).as_ordered_terms()
