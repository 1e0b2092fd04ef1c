# ruff: noqa: E501  (the expected lines are the exact lines printed, rule column included)
"""Derivations as a teacher writes them (issue 10): exact lines for textbook cases.

Every line keeps the input's order of terms and factors, changes one pending derivative,
never multiplies a number into a sum; the chain rule names its outer derivative in the
substitution letter; the product rule works the factors in order; the quotient rule is
(u′v − uv′)/v²; the last, named step writes the teacher's form. The lesson's own examples
(x², x³, 1/x, ln x, eˣ, sin, (3x + 1)², σ, softplus, tanh, the binary cross-entropy, the
MSE loss, x² + 3xy + y², (x − 3)² + (y + 1)²) come first.
"""

from __future__ import annotations

import json
import string

import pytest
import sympy as sp
from helpers import same_function, sympy_derivative
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symderiv as sd
from symderiv.cli import EXIT_OK, main
from symderiv.i18n import particle
from symderiv.notation import shape_unicode
from symderiv.shapes import evaluated

x, y, a, w, b = sp.symbols("x y a w b")

# (input, variable, every line of the text output but the check line)
TEXTBOOK = [
    (
        "x^2",
        None,
        [
            "d/dx[x²]",
            "  = 2x  power rule",
        ],
    ),
    (
        "x^3",
        None,
        [
            "d/dx[x³]",
            "  = 3x²  power rule",
        ],
    ),
    (
        "1/x",
        None,
        [
            "d/dx[1/x]",
            "  = -1/x²  power rule",
        ],
    ),
    (
        "ln x",
        None,
        [
            "d/dx[ln(x)]",
            "  = 1/x  derivative of ln",
        ],
    ),
    (
        "e^x",
        None,
        [
            "d/dx[e^x]",
            "  = e^x  derivative of exp",
        ],
    ),
    (
        "sin(x)",
        None,
        [
            "d/dx[sin(x)]",
            "  = cos(x)  derivative of sine",
        ],
    ),
    (
        "(3x+1)^2",
        None,
        [
            "d/dx[(3x + 1)²]",
            "  = 2(3x + 1)·d/dx[3x + 1]  chain rule: d/du u² = 2u, u = 3x + 1",
            "  = 2(3x + 1)·d/dx[3x]      sum rule + constant rule",
            "  = 2(3x + 1)·3             constant multiple rule + derivative of the variable",
            "  = 6(3x + 1)               simplify",
        ],
    ),
    (
        "sigmoid(x)",
        None,
        [
            "d/dx[σ(x)]",
            "  = σ(x)·(1 - σ(x))  derivative of the sigmoid",
        ],
    ),
    (
        "softplus(x)",
        None,
        [
            "d/dx[softplus(x)]",
            "  = σ(x)  derivative of softplus",
        ],
    ),
    (
        "tanh(x)",
        None,
        [
            "d/dx[tanh(x)]",
            "  = 1 - tanh(x)²  derivative of tanh",
        ],
    ),
    (
        "-(y ln(a) + (1-y) ln(1-a))",
        "a",
        [
            "∂/∂a[-(y·ln(a) + (1 - y)·ln(1 - a))]    (y held constant)",
            "  = -∂/∂a[y·ln(a) + (1 - y)·ln(1 - a)]          constant multiple rule",
            "  = -(∂/∂a[y·ln(a)] + ∂/∂a[(1 - y)·ln(1 - a)])  sum rule",
            "  = -(y·∂/∂a[ln(a)] + ∂/∂a[(1 - y)·ln(1 - a)])  constant multiple rule",
            "  = -(y/a + ∂/∂a[(1 - y)·ln(1 - a)])            derivative of ln",
            "  = -(y/a + (1 - y)·∂/∂a[ln(1 - a)])            constant multiple rule",
            "  = -(y/a + (1 - y)·∂/∂a[1 - a]/(1 - a))        chain rule: d/du ln(u) = 1/u, u = 1 - a",
            "  = -(y/a + (1 - y)·∂/∂a[-a]/(1 - a))           sum rule + constant rule",
            "  = -(y/a - (1 - y)/(1 - a))                    constant multiple rule + derivative of the variable",
            "  = (a - y)/(a(1 - a))                          simplify",
        ],
    ),
    (
        "(w x + b - y)^2",
        "w",
        [
            "∂/∂w[(wx + b - y)²]    (b, x, y held constant)",
            "  = 2(wx + b - y)·∂/∂w[wx + b - y]  chain rule: d/du u² = 2u, u = wx + b - y",
            "  = 2(wx + b - y)·∂/∂w[wx]          sum rule + constant rule",
            "  = 2(wx + b - y)·x                 constant multiple rule + derivative of the variable",
            "  = 2x(wx + b - y)                  simplify",
        ],
    ),
    (
        "(w x + b - y)^2",
        "b",
        [
            "∂/∂b[(wx + b - y)²]    (w, x, y held constant)",
            "  = 2(wx + b - y)·∂/∂b[wx + b - y]  chain rule: d/du u² = 2u, u = wx + b - y",
            "  = 2(wx + b - y)                   sum rule + constant rule, derivative of the variable",
        ],
    ),
    (
        "x^2 + 3x y + y^2",
        "x",
        [
            "∂/∂x[x² + 3xy + y²]    (y held constant)",
            "  = ∂/∂x[x²] + ∂/∂x[3xy]  sum rule + constant rule",
            "  = 2x + ∂/∂x[3xy]        power rule",
            "  = 2x + 3y               constant multiple rule + derivative of the variable",
        ],
    ),
    (
        "x^2 + 3x y + y^2",
        "y",
        [
            "∂/∂y[x² + 3xy + y²]    (x held constant)",
            "  = ∂/∂y[3xy] + ∂/∂y[y²]  sum rule + constant rule",
            "  = 3x + ∂/∂y[y²]         constant multiple rule + derivative of the variable",
            "  = 3x + 2y               power rule",
        ],
    ),
    (
        "(x - 3)^2 + (y + 1)^2",
        "x",
        [
            "∂/∂x[(x - 3)² + (y + 1)²]    (y held constant)",
            "  = ∂/∂x[(x - 3)²]        sum rule + constant rule",
            "  = 2(x - 3)·∂/∂x[x - 3]  chain rule: d/du u² = 2u, u = x - 3",
            "  = 2(x - 3)              sum rule + derivative of the variable, constant rule",
        ],
    ),
    (
        "(x - 3)^2 + (y + 1)^2",
        "y",
        [
            "∂/∂y[(x - 3)² + (y + 1)²]    (x held constant)",
            "  = ∂/∂y[(y + 1)²]        sum rule + constant rule",
            "  = 2(y + 1)·∂/∂y[y + 1]  chain rule: d/du u² = 2u, u = y + 1",
            "  = 2(y + 1)              sum rule + derivative of the variable, constant rule",
        ],
    ),
    (
        "w x + b",
        "w",
        [
            "∂/∂w[wx + b]    (b, x held constant)",
            "  = ∂/∂w[wx]  sum rule + constant rule",
            "  = x         constant multiple rule + derivative of the variable",
        ],
    ),
    (
        "w x + b",
        "x",
        [
            "∂/∂x[wx + b]    (b, w held constant)",
            "  = ∂/∂x[wx]  sum rule + constant rule",
            "  = w         constant multiple rule + derivative of the variable",
        ],
    ),
    (
        "x^2 - y^2",
        "y",
        [
            "∂/∂y[x² - y²]    (x held constant)",
            "  = ∂/∂y[-y²]  sum rule + constant rule",
            "  = -∂/∂y[y²]  constant multiple rule",
            "  = -2y        power rule",
        ],
    ),
    (
        "x^2 sin(x)",
        None,
        [
            "d/dx[x²·sin(x)]",
            "  = d/dx[x²]·sin(x) + x²·d/dx[sin(x)]  product rule",
            "  = 2x·sin(x) + x²·d/dx[sin(x)]        power rule",
            "  = 2x·sin(x) + x²·cos(x)              derivative of sine",
        ],
    ),
    (
        "x e^x",
        None,
        [
            "d/dx[x·e^x]",
            "  = e^x + x·d/dx[e^x]  product rule + derivative of the variable",
            "  = e^x + x·e^x        derivative of exp",
            "  = (x + 1)·e^x        simplify",
        ],
    ),
    (
        "sin(x) cos(x)",
        None,
        [
            "d/dx[sin(x)·cos(x)]",
            "  = d/dx[sin(x)]·cos(x) + sin(x)·d/dx[cos(x)]  product rule",
            "  = cos(x)·cos(x) + sin(x)·d/dx[cos(x)]        derivative of sine",
            "  = cos(x)·cos(x) - sin(x)·sin(x)              derivative of cosine",
            "  = cos(x)² - sin(x)²                          simplify",
        ],
    ),
    (
        "(x+1)(x+2)",
        None,
        [
            "d/dx[(x + 1)·(x + 2)]",
            "  = d/dx[x + 1]·(x + 2) + (x + 1)·d/dx[x + 2]  product rule",
            "  = (x + 2) + (x + 1)·d/dx[x + 2]              sum rule + derivative of the variable, constant rule",
            "  = (x + 2) + (x + 1)                          sum rule + derivative of the variable, constant rule",
            "  = 2x + 3                                     simplify",
        ],
    ),
    (
        "x ln(x)",
        None,
        [
            "d/dx[x·ln(x)]",
            "  = ln(x) + x·d/dx[ln(x)]  product rule + derivative of the variable",
            "  = ln(x) + x/x            derivative of ln",
            "  = ln(x) + 1              simplify",
        ],
    ),
    (
        "sin(x)/x",
        None,
        [
            "d/dx[sin(x)/x]",
            "  = (d/dx[sin(x)]·x - sin(x))/x²  quotient rule + derivative of the variable",
            "  = (cos(x)·x - sin(x))/x²        derivative of sine",
            "  = (x·cos(x) - sin(x))/x²        simplify",
        ],
    ),
    (
        "x/(x+1)",
        None,
        [
            "d/dx[x/(x + 1)]",
            "  = ((x + 1) - x·d/dx[x + 1])/(x + 1)²  quotient rule + derivative of the variable",
            "  = ((x + 1) - x)/(x + 1)²              sum rule + derivative of the variable, constant rule",
            "  = 1/(x + 1)²                          simplify",
        ],
    ),
    (
        "(x^2+1)/(x-1)",
        None,
        [
            "d/dx[(x² + 1)/(x - 1)]",
            "  = (d/dx[x² + 1]·(x - 1) - (x² + 1)·d/dx[x - 1])/(x - 1)²  quotient rule",
            "  = (d/dx[x²]·(x - 1) - (x² + 1)·d/dx[x - 1])/(x - 1)²      sum rule + constant rule",
            "  = (2x(x - 1) - (x² + 1)·d/dx[x - 1])/(x - 1)²             power rule",
            "  = (2x(x - 1) - (x² + 1))/(x - 1)²                         sum rule + derivative of the variable, constant rule",
            "  = (x² - 2x - 1)/(x - 1)²                                  simplify",
        ],
    ),
    (
        "1/(1+e^(-x))",
        None,
        [
            "d/dx[1/(1 + e^(-x))]",
            "  = -d/dx[1 + e^(-x)]/(1 + e^(-x))²  chain rule: d/du 1/u = -1/u², u = 1 + e^(-x)",
            "  = -d/dx[e^(-x)]/(1 + e^(-x))²      sum rule + constant rule",
            "  = -e^(-x)·d/dx[-x]/(1 + e^(-x))²   chain rule: d/dv e^v = e^v, v = -x",
            "  = e^(-x)/(1 + e^(-x))²             constant multiple rule + derivative of the variable",
        ],
    ),
    (
        "2/x^2",
        None,
        [
            "d/dx[2/x²]",
            "  = 2·d/dx[1/x²]  constant multiple rule",
            "  = -4/x³         power rule",
        ],
    ),
    (
        "sin(x^2)",
        None,
        [
            "d/dx[sin(x²)]",
            "  = cos(x²)·d/dx[x²]  chain rule: d/du sin(u) = cos(u), u = x²",
            "  = cos(x²)·2x        power rule",
            "  = 2x·cos(x²)        simplify",
        ],
    ),
    (
        "e^(-x^2)",
        None,
        [
            "d/dx[e^(-x²)]",
            "  = e^(-x²)·d/dx[-x²]  chain rule: d/du e^u = e^u, u = -x²",
            "  = -e^(-x²)·d/dx[x²]  constant multiple rule",
            "  = -e^(-x²)·2x        power rule",
            "  = -2x·e^(-x²)        simplify",
        ],
    ),
    (
        "ln(x^2 + 1)",
        None,
        [
            "d/dx[ln(x² + 1)]",
            "  = d/dx[x² + 1]/(x² + 1)  chain rule: d/du ln(u) = 1/u, u = x² + 1",
            "  = d/dx[x²]/(x² + 1)      sum rule + constant rule",
            "  = 2x/(x² + 1)            power rule",
        ],
    ),
    (
        "sqrt(x^2 + 1)",
        None,
        [
            "d/dx[√(x² + 1)]",
            "  = d/dx[x² + 1]/(2√(x² + 1))  chain rule: d/du √(u) = 1/(2√(u)), u = x² + 1",
            "  = d/dx[x²]/(2√(x² + 1))      sum rule + constant rule",
            "  = 2x/(2√(x² + 1))            power rule",
            "  = x/√(x² + 1)                simplify",
        ],
    ),
    (
        "sin(cos(x))",
        None,
        [
            "d/dx[sin(cos(x))]",
            "  = cos(cos(x))·d/dx[cos(x)]  chain rule: d/du sin(u) = cos(u), u = cos(x)",
            "  = -cos(cos(x))·sin(x)       derivative of cosine",
        ],
    ),
    (
        "(2x+1)^10",
        None,
        [
            "d/dx[(2x + 1)¹⁰]",
            "  = 10(2x + 1)⁹·d/dx[2x + 1]  chain rule: d/du u¹⁰ = 10u⁹, u = 2x + 1",
            "  = 10(2x + 1)⁹·d/dx[2x]      sum rule + constant rule",
            "  = 10(2x + 1)⁹·2             constant multiple rule + derivative of the variable",
            "  = 20(2x + 1)⁹               simplify",
        ],
    ),
    (
        "cos(x)^2",
        None,
        [
            "d/dx[cos(x)²]",
            "  = 2·cos(x)·d/dx[cos(x)]  chain rule: d/du u² = 2u, u = cos(x)",
            "  = -2·cos(x)·sin(x)       derivative of cosine",
        ],
    ),
    (
        "tanh(w x + b)",
        "w",
        [
            "∂/∂w[tanh(wx + b)]    (b, x held constant)",
            "  = (1 - tanh(wx + b)²)·∂/∂w[wx + b]  chain rule: d/du tanh(u) = 1 - tanh(u)², u = wx + b",
            "  = (1 - tanh(wx + b)²)·∂/∂w[wx]      sum rule + constant rule",
            "  = (1 - tanh(wx + b)²)·x             constant multiple rule + derivative of the variable",
            "  = x(1 - tanh(wx + b)²)              simplify",
        ],
    ),
    (
        "sigmoid(w x + b)",
        "w",
        [
            "∂/∂w[σ(wx + b)]    (b, x held constant)",
            "  = σ(wx + b)·(1 - σ(wx + b))·∂/∂w[wx + b]  chain rule: d/du σ(u) = σ(u)·(1 - σ(u)), u = wx + b",
            "  = σ(wx + b)·(1 - σ(wx + b))·∂/∂w[wx]      sum rule + constant rule",
            "  = σ(wx + b)·(1 - σ(wx + b))·x             constant multiple rule + derivative of the variable",
            "  = x·σ(wx + b)·(1 - σ(wx + b))             simplify",
        ],
    ),
    (
        "ln(sigmoid(x))",
        None,
        [
            "d/dx[ln(σ(x))]",
            "  = d/dx[σ(x)]/σ(x)       chain rule: d/du ln(u) = 1/u, u = σ(x)",
            "  = σ(x)·(1 - σ(x))/σ(x)  derivative of the sigmoid",
            "  = 1 - σ(x)              simplify",
        ],
    ),
    (
        "5 sin(2x)",
        None,
        [
            "d/dx[5·sin(2x)]",
            "  = 5·d/dx[sin(2x)]     constant multiple rule",
            "  = 5·cos(2x)·d/dx[2x]  chain rule: d/du sin(u) = cos(u), u = 2x",
            "  = 5·cos(2x)·2         constant multiple rule + derivative of the variable",
            "  = 10·cos(2x)          simplify",
        ],
    ),
    (
        "3x^2 - 2x + 5",
        None,
        [
            "d/dx[3x² - 2x + 5]",
            "  = d/dx[3x²] + d/dx[-2x]   sum rule + constant rule",
            "  = 3·d/dx[x²] + d/dx[-2x]  constant multiple rule",
            "  = 6x + d/dx[-2x]          power rule",
            "  = 6x - 2                  constant multiple rule + derivative of the variable",
        ],
    ),
    (
        "1 + x^2",
        None,
        [
            "d/dx[1 + x²]",
            "  = d/dx[x²]  sum rule + constant rule",
            "  = 2x        power rule",
        ],
    ),
    (
        "x^x",
        None,
        [
            "d/dx[x^x]",
            "  = x^x·d/dx[x·ln(x)]            logarithmic differentiation",
            "  = x^x·(ln(x) + x·d/dx[ln(x)])  product rule + derivative of the variable",
            "  = x^x·(ln(x) + x/x)            derivative of ln",
            "  = x^x·(ln(x) + 1)              simplify",
        ],
    ),
    (
        "2^x",
        None,
        [
            "d/dx[2^x]",
            "  = 2^x·ln(2)  exponential with constant base",
        ],
    ),
    (
        "-x^2",
        None,
        [
            "d/dx[-x²]",
            "  = -d/dx[x²]  constant multiple rule",
            "  = -2x        power rule",
        ],
    ),
    (
        "relu(x)",
        None,
        [
            "d/dx[ReLU(x)]",
            "  = H(x)  derivative of ReLU",
            "H is the Heaviside step function: H(u) = 0 for u < 0, 1 for u > 0; ReLU has no derivative at u = 0 (libraries use 0 there)",
        ],
    ),
    (
        "\\frac{1}{1+e^{-x}}",
        None,
        [
            "d/dx[1/(1 + e^(-x))]",
            "  = -d/dx[1 + e^(-x)]/(1 + e^(-x))²  chain rule: d/du 1/u = -1/u², u = 1 + e^(-x)",
            "  = -d/dx[e^(-x)]/(1 + e^(-x))²      sum rule + constant rule",
            "  = -e^(-x)·d/dx[-x]/(1 + e^(-x))²   chain rule: d/dv e^v = e^v, v = -x",
            "  = e^(-x)/(1 + e^(-x))²             constant multiple rule + derivative of the variable",
        ],
    ),
    (
        "x^{2} + 3x",
        None,
        [
            "d/dx[x² + 3x]",
            "  = d/dx[x²] + d/dx[3x]  sum rule",
            "  = 2x + d/dx[3x]        power rule",
            "  = 2x + 3               constant multiple rule + derivative of the variable",
        ],
    ),
    (
        "e^(sin(x^2))",
        None,
        [
            "d/dx[e^(sin(x²))]",
            "  = e^(sin(x²))·d/dx[sin(x²)]     chain rule: d/du e^u = e^u, u = sin(x²)",
            "  = e^(sin(x²))·cos(x²)·d/dx[x²]  chain rule: d/dv sin(v) = cos(v), v = x²",
            "  = e^(sin(x²))·cos(x²)·2x        power rule",
            "  = 2x·e^(sin(x²))·cos(x²)        simplify",
        ],
    ),
]


@pytest.mark.parametrize(
    ("text", "var", "lines"), TEXTBOOK, ids=[f"{t} d/d{v or 'x'}" for t, v, _ in TEXTBOOK]
)
def test_textbook_derivation_reads_as_a_teacher_writes_it(text, var, lines):
    d = sd.derive(text, var, verify=False)
    assert d.to_text().splitlines()[:-1] == lines
    assert same_function(d.result, sympy_derivative(d.expr, d.var))
    for step in d.steps:  # every line is the same function: the derivative
        assert same_function(evaluated(step.after).doit(), d.result), step


def test_there_are_at_least_forty_textbook_cases():
    assert len(TEXTBOOK) >= 40


# ----------------------------------------------------------------------------- order kept

#: Terms as typed and as printed; each contains x, so each gets a sum-rule slot.
TERMS = {
    "x^2": "x²",
    "3x": "3x",
    "sin(x)": "sin(x)",
    "e^x": "e^x",
    "ln(x)": "ln(x)",
    "x^3": "x³",
    "cos(x)": "cos(x)",
    "tanh(x)": "tanh(x)",
    "atan(x)": "arctan(x)",
}
#: Factors that print with a product dot between them.
FACTORS = {k: v for k, v in TERMS.items() if k not in ("3x",)}


@settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(st.sampled_from(sorted(TERMS)), min_size=2, max_size=5, unique=True))
def test_sums_keep_the_order_typed(terms):
    d = sd.derive(" + ".join(terms), verify=False)
    lines = d.to_text().splitlines()
    shown = " + ".join(TERMS[t] for t in terms)
    assert lines[0] == f"d/dx[{shown}]"
    first = " + ".join(f"d/dx[{TERMS[t]}]" for t in terms)
    # the rule name follows after two spaces, or on its own line when the line is long
    assert lines[1] == f"  = {first}" or lines[1].startswith(f"  = {first}  ")


@settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(st.sampled_from(sorted(FACTORS)), min_size=2, max_size=4, unique=True))
def test_products_keep_the_order_typed_and_the_product_rule_follows_it(factors):
    d = sd.derive(" ".join(f"({f})" for f in factors), verify=False)
    lines = d.to_text().splitlines()
    printed = [FACTORS[f] for f in factors]
    assert lines[0] == f"d/dx[{'·'.join(printed)}]"
    terms = [
        "·".join(f"d/dx[{p}]" if j == i else p for j, p in enumerate(printed))
        for i in range(len(printed))
    ]
    shown = " + ".join(terms)
    assert lines[1] == f"  = {shown}" or lines[1].startswith(f"  = {shown}  ")


def test_sympy_input_keeps_its_printed_order():
    d = sd.derive(x**2 + 3 * x + 1, x, verify=False)
    assert d.to_text().splitlines()[0] == "d/dx[x² + 3x + 1]"
    d = sd.derive(x**2 * sp.exp(x), x, verify=False)
    assert d.to_text().splitlines()[1].startswith("  = d/dx[x²]·e^x + x²·d/dx[e^x]")


def test_latex_input_keeps_the_order_typed():
    d = sd.derive(r"\sin(x) + x^{2}", verify=False)
    assert d.to_text().splitlines()[0] == "d/dx[sin(x) + x²]"


def test_numbers_are_never_multiplied_into_a_sum():
    for step in sd.derive("(3x+1)^2", verify=False).steps:
        assert "6x" not in shape_unicode(step.after)
        assert "18x" not in shape_unicode(step.after)


# ----------------------------------------------------------------------------- forms


def test_forms_write_the_last_step_as_asked():
    last = {
        form: sd.derive("(3x+1)^2", form=form, verify=False).to_text().splitlines()[-2]
        for form in ("teacher", "expanded", "factored")
    }
    assert last["teacher"] == "  = 6(3x + 1)               simplify"
    assert last["expanded"] == "  = 18x + 6                 simplify"
    assert last["factored"] == "  = 6(3x + 1)               simplify"
    for form in ("teacher", "expanded", "factored"):
        assert sd.derive("(3x+1)^2", form=form, verify=False).result == 18 * x + 6


def test_an_unknown_form_is_refused():
    with pytest.raises(sd.DerivationError, match="form"):
        sd.derive("x^2", form="pretty")


def test_big_powers_are_not_expanded_even_when_asked():
    d = sd.derive("(x+1)^50", form="expanded", verify=False)
    assert d.to_text().splitlines()[-2].startswith("  = 50(x + 1)⁴⁹")


def test_cli_form_flag(capsys):
    code = main(["diff", "(3x+1)^2", "--form", "expanded", "--no-verify"])
    out, _ = capsys.readouterr()
    assert code == EXIT_OK
    assert "= 18x + 6" in out


def test_higher_orders_differentiate_what_the_board_shows():
    d = sd.derive("x^3", order=2, verify=False)
    assert d.to_text().splitlines()[:-1] == [
        "d/dx[x³]",
        "  = 3x²         power rule",
        "d/dx[3x²]",
        "  = 3·d/dx[x²]  constant multiple rule",
        "  = 6x          power rule",
    ]


# ----------------------------------------------------------------------------- formats


def test_latex_keeps_the_order_and_names_the_outer_derivative():
    latex = sd.derive("(3x+1)^2", verify=False).to_latex()
    assert latex.splitlines()[1:5] == [
        r"\frac{d}{dx}\left[\left(3 x + 1\right)^{2}\right] &= 2 \left(3 x + 1\right) \cdot "
        r"\frac{d}{dx}\left[3 x + 1\right] && \text{chain rule:}\ \tfrac{d}{du} u^{2} = 2 u,"
        r"\ u = 3 x + 1 \\",
        r" &= 2 \left(3 x + 1\right) \cdot \frac{d}{dx}\left[3 x\right] && "
        r"\text{sum rule + constant rule} \\",
        r" &= 2 \left(3 x + 1\right) \cdot 3 && "
        r"\text{constant multiple rule + derivative of the variable} \\",
        r" &= 6 \left(3 x + 1\right) && \text{simplify} \\",
    ]


def test_partial_derivatives_print_with_partial_signs_in_every_format():
    d = sd.derive("(w x + b - y)^2", "w")
    assert d.to_text().startswith("∂/∂w[(wx + b - y)²]")
    assert r"\frac{\partial}{\partial w}\left[" in d.to_latex()
    assert r"\frac{\partial}{\partial w}\left[" in d.to_markdown()
    steps = d.to_dict()["steps"]
    assert steps[0]["after"]["text"] == "2(wx + b - y)·∂/∂w[wx + b - y]"
    single = sd.derive("x^2")
    assert "∂" not in single.to_text() and "partial" not in single.to_latex()


def test_json_gives_the_form_shown_beside_the_sympy_form():
    data = json.loads(json.dumps(sd.derive("(3x+1)^2").to_dict()))
    assert data["form"] == "teacher"
    assert data["input"]["shown"]["text"] == "(3x + 1)²"
    assert data["result"]["shown"]["text"] == "6(3x + 1)"
    assert data["result"]["sympy"] == "18*x + 6"
    chain = data["steps"][0]
    assert chain["substitution"]["expression"]["text"] == "3x + 1"
    assert chain["outer_derivative"]["function"]["text"] == "u²"
    assert chain["outer_derivative"]["derivative"]["text"] == "2u"
    assert chain["label"]["en"] == "chain rule: d/du u² = 2u, u = 3x + 1"


# ----------------------------------------------------------------------------- Korean

CONSONANT_ENDING = set("lmnr")  # 엘, 엠, 엔, 알


@pytest.mark.parametrize("letter", string.ascii_lowercase)
def test_korean_particles_for_every_letter(letter):
    topic, thing = ("은", "을") if letter in CONSONANT_ENDING else ("는", "를")
    assert particle(letter, "topic") == topic
    assert particle(letter, "object") == thing
    var = "t" if letter == "x" else "x"
    d = sd.derive(sp.Symbol(var) ** 2 * sp.Symbol(letter), var, verify=False)
    assert f"({letter}{topic} 상수로 취급)" in d.to_text(lang="ko")


def test_korean_particles_after_hangul_and_digits():
    assert particle("함수", "topic") == "는"
    assert particle("도함수", "object") == "를"
    assert particle("법칙", "topic") == "은"
    assert particle("w_1", "topic") == "은"  # 일
    assert particle("x_2", "topic") == "는"  # 이
    assert particle("u", "direction") == "로"
    assert particle("l", "direction") == "로"
    assert particle("m", "direction") == "으로"


def test_verification_reason_is_korean_under_ko():
    text = sd.derive("x^2", verify=False).to_text(lang="ko")
    assert text.splitlines()[-1] == "· 수치 확인을 하지 못했습니다: 확인을 끄도록 요청했습니다"
