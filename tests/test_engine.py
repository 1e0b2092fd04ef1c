"""The rule engine: results against sympy.diff, exact step sequences, detail levels."""

from __future__ import annotations

import re

import pytest
import sympy as sp
from helpers import same_function, sympy_derivative

import symderiv as sd
from symderiv.engine import SUBSTITUTION_LETTERS
from symderiv.shapes import evaluated

x, y, a, w, b = sp.symbols("x y a w b")

# (input text, variable or None, expected derivative as SymPy) — the classic ML table first.
CASES = [
    ("x^2", None, 2 * x),
    ("x^3", None, 3 * x**2),
    ("sin(x)", None, sp.cos(x)),
    ("e^x", None, sp.exp(x)),
    ("1/x", None, -1 / x**2),
    ("ln x", None, 1 / x),
    ("w x + b", "w", x),
    ("w x + b", "b", sp.Integer(1)),
    ("w x + b", "x", w),
    ("(3x+1)^2", None, 6 * (3 * x + 1)),
    ("sigmoid(x)", None, sd.sigmoid(x) * (1 - sd.sigmoid(x))),
    ("-(y log(a) + (1-y) log(1-a))", "a", -y / a + (1 - y) / (1 - a)),
    ("x^2 sin(x)", None, 2 * x * sp.sin(x) + x**2 * sp.cos(x)),
    ("5", None, sp.Integer(0)),
    ("x", None, sp.Integer(1)),
    ("pi x", None, sp.pi),
    ("x^2 + 3x + 5", None, 2 * x + 3),
    ("4x^3 - 2x^2 + x - 7", None, 12 * x**2 - 4 * x + 1),
    ("x^-2", None, -2 / x**3),
    ("sqrt(x)", None, 1 / (2 * sp.sqrt(x))),
    ("x^(1/3)", None, sp.Rational(1, 3) * x ** sp.Rational(-2, 3)),
    ("1/sqrt(x)", None, -(x ** sp.Rational(-3, 2)) / 2),
    ("3/x^2", None, -6 / x**3),
    ("e^(2x)", None, 2 * sp.exp(2 * x)),
    ("e^(-x^2)", None, -2 * x * sp.exp(-(x**2))),
    ("2^x", None, 2**x * sp.log(2)),
    ("10^(3x)", None, 3 * 10 ** (3 * x) * sp.log(10)),
    ("ln(x^2 + 1)", None, 2 * x / (x**2 + 1)),
    ("log(x, 2)", None, 1 / (x * sp.log(2))),
    ("log(3x, 10)", None, 1 / (x * sp.log(10))),
    ("cos(x)", None, -sp.sin(x)),
    ("tan(x)", None, sp.sec(x) ** 2),
    ("sec(x)", None, sp.sec(x) * sp.tan(x)),
    ("csc(x)", None, -sp.csc(x) * sp.cot(x)),
    ("cot(x)", None, -(sp.csc(x) ** 2)),
    ("sin(3x)", None, 3 * sp.cos(3 * x)),
    ("cos(x^2)", None, -2 * x * sp.sin(x**2)),
    ("sin(x)^2", None, 2 * sp.sin(x) * sp.cos(x)),
    ("asin(x)", None, 1 / sp.sqrt(1 - x**2)),
    ("acos(x)", None, -1 / sp.sqrt(1 - x**2)),
    ("atan(x)", None, 1 / (1 + x**2)),
    ("atan(2x)", None, 2 / (1 + 4 * x**2)),
    ("sinh(x)", None, sp.cosh(x)),
    ("cosh(x)", None, sp.sinh(x)),
    ("tanh(x)", None, 1 - sp.tanh(x) ** 2),
    ("tanh(w x + b)", "w", x * (1 - sp.tanh(w * x + b) ** 2)),
    ("abs(x)", None, sp.sign(x)),
    ("relu(x)", None, sp.Heaviside(x)),
    ("softplus(x)", None, sd.sigmoid(x)),
    ("sigmoid(w x + b)", "w", x * sd.sigmoid(w * x + b) * (1 - sd.sigmoid(w * x + b))),
    ("1/(1+e^(-x))", None, sp.exp(-x) / (1 + sp.exp(-x)) ** 2),
    ("x e^x", None, (x + 1) * sp.exp(x)),
    ("x e^(-x)", None, (1 - x) * sp.exp(-x)),
    ("sin(x)/x", None, (x * sp.cos(x) - sp.sin(x)) / x**2),
    ("x/(x+1)", None, 1 / (x + 1) ** 2),
    ("(x^2+1)/(x-1)", None, (x**2 - 2 * x - 1) / (x - 1) ** 2),
    ("x^x", None, x**x * (sp.log(x) + 1)),
    ("sin(x)^cos(x)", None, sp.diff(sp.sin(x) ** sp.cos(x), x)),
    ("x sin(x) cos(x)", None, sp.diff(x * sp.sin(x) * sp.cos(x), x)),
    ("sin(sin(sin(x)))", None, sp.diff(sp.sin(sp.sin(sp.sin(x))), x)),
    ("exp(sin(x^2))", None, sp.diff(sp.exp(sp.sin(x**2)), x)),
    ("(w x + b - y)^2", "w", 2 * x * (w * x + b - y)),
    ("(w x + b - y)^2", "b", 2 * (w * x + b - y)),
    ("x^2 y^3 + sin(x y)", "y", 3 * x**2 * y**2 + x * sp.cos(x * y)),
    ("x^2 y^3 + sin(x y)", "x", 2 * x * y**3 + y * sp.cos(x * y)),
    ("erf(x)", None, 2 * sp.exp(-(x**2)) / sp.sqrt(sp.pi)),
    ("erf(2x)", None, 4 * sp.exp(-4 * x**2) / sp.sqrt(sp.pi)),
    ("softplus(2x) - x", None, 2 * sd.sigmoid(2 * x) - 1),
    ("ln(sigmoid(x))", None, 1 - sd.sigmoid(x)),
]


@pytest.mark.parametrize(("text", "var", "expected"), CASES, ids=[c[0] for c in CASES])
def test_derivative_matches_expected_and_sympy(text, var, expected):
    d = sd.derive(text, var)
    assert same_function(d.result, expected)
    assert same_function(d.result, sympy_derivative(d.expr, d.var))
    if not d.result.has(sp.Heaviside, sp.sign):
        assert d.verification.ok is True, d.verification
    assert not d.result.has(sp.Derivative)


# Exact step sequences (main rule of each step) at the normal level of detail.
SEQUENCES = [
    ("x^2 sin(x)", ("product", "power", "sin")),
    ("sin(3x)", ("chain", "constant_multiple", "simplify")),
    ("x e^(-x)", ("product", "chain", "constant_multiple", "simplify")),
    ("sin(x)/x", ("quotient", "sin", "simplify")),
    ("1/(1+e^(-x))", ("chain", "sum", "chain", "constant_multiple")),
    ("sigmoid(x)", ("sigmoid",)),
    ("x^x", ("logarithmic", "product", "log", "simplify")),
    ("log(x, 2)", ("log_base",)),
    ("2^x", ("exp_base",)),
    ("x^2 + 3x + 5", ("sum", "power", "constant_multiple")),
    ("sin(sin(sin(x)))", ("chain", "chain", "sin")),
    ("(3x+1)^2", ("chain", "sum", "constant_multiple", "simplify")),
    ("erf(x)", ("sympy",)),
    ("tanh(x)", ("tanh",)),
]


@pytest.mark.parametrize(("text", "rules"), SEQUENCES, ids=[s[0] for s in SEQUENCES])
def test_exact_step_sequence(text, rules):
    assert sd.derive(text, verify=False).rule_ids == rules


def test_product_rule_example_from_the_brief():
    d = sd.derive("x^2 sin(x)")
    first = d.steps[0]
    assert first.rule == "product"
    assert first.target == sp.Derivative(x**2 * sp.sin(x), x, evaluate=False)
    pending = first.after.atoms(sp.Derivative)
    assert pending == {
        sp.Derivative(x**2, x, evaluate=False),
        sp.Derivative(sp.sin(x), x, evaluate=False),
    }
    assert evaluated(d.steps[-1].after) == d.result == x**2 * sp.cos(x) + 2 * x * sp.sin(x)


def test_each_step_changes_one_thing_and_chains_before_to_after():
    d = sd.derive("x^2 sin(x) + e^(3x)")
    for earlier, later in zip(d.steps, d.steps[1:], strict=False):
        assert earlier.after == later.before
    assert d.steps[0].before == sp.Derivative(d.expr, x, evaluate=False)


def test_chain_rule_records_its_outer_rule_and_substitution():
    step = sd.derive("sin(3x)", verify=False).steps[0]
    assert step.rules[:2] == ("chain", "sin")
    assert step.substitution == (sp.Symbol("u"), 3 * x)


def test_nested_chains_use_fresh_letters():
    d = sd.derive("sin(cos(tan(exp(x^2))))", verify=False)
    letters = [s.substitution[0].name for s in d.steps if s.substitution]
    assert letters == list(SUBSTITUTION_LETTERS[: len(letters)])
    assert len(set(letters)) == len(letters) == 4


def test_substitution_letters_skip_names_in_the_input():
    d = sd.derive("sin(u x)", "x", verify=False)
    assert d.steps[0].substitution[0].name == "v"


def test_detail_levels():
    full = sd.derive("x^2 + 3x + 5", detail="full", verify=False)
    normal = sd.derive("x^2 + 3x + 5", detail="normal", verify=False)
    brief = sd.derive("x^2 + 3x + 5", detail="brief", verify=False)
    assert full.rule_ids == ("sum", "power", "constant_multiple", "identity", "constant")
    assert normal.rule_ids == ("sum", "power", "constant_multiple")
    assert normal.steps[0].merged == ("constant",)
    assert normal.steps[2].merged == ("identity",)
    assert brief.rule_ids == ("sum", "power")
    assert brief.steps[1].rules == ("power", "constant_multiple", "identity")
    assert full.result == normal.result == brief.result == 2 * x + 3


def test_input_shape_is_kept():
    assert sd.derive("x e^(-x)", verify=False).steps[0].rule == "product"
    assert sd.derive("tanh(x)", verify=False).result == 1 - sp.tanh(x) ** 2
    sigmoid = sd.derive("sigmoid(x)", verify=False).result
    assert sigmoid == sd.sigmoid(x) * (1 - sd.sigmoid(x))


def test_higher_order_is_successive_derivations():
    d = sd.derive("x^3", order=3)
    assert d.stage_results == (3 * x**2, 6 * x, sp.Integer(6))
    assert {s.stage for s in d.steps} == {1, 2, 3}
    assert d.verification.ok is True
    d2 = sd.derive("sin(x^2)", order=2)
    assert same_function(d2.result, sp.diff(sp.sin(x**2), x, 2))


def test_unknown_functions_derive_through_sympy_in_the_chain_rule():
    f, g = sp.Function("f"), sp.Function("g")
    d = sd.derive("f(g(x))")
    assert d.steps[0].rules[:2] == ("chain", "sympy")
    assert d.result == sp.diff(f(g(x)), x)
    assert d.verification.ok is None
    assert "f" in d.verification.reason


def test_partial_derivative_holds_other_symbols_constant():
    d = sd.derive("x^2 y^3 + sin(x y)", "y")
    assert d.held_constant == (x,)
    assert "x held constant" in d.to_text()


def test_variable_must_be_given_when_ambiguous():
    with pytest.raises(sd.DerivationError, match="several variables"):
        sd.derive("x y")


def test_bad_requests_are_clear_errors():
    with pytest.raises(sd.DerivationError, match="order"):
        sd.derive("x^2", order=0)
    with pytest.raises(sd.DerivationError, match="detail"):
        sd.derive("x^2", detail="verbose")
    with pytest.raises(sd.ParseError):
        sd.derive("x^^2")


def test_accepts_sympy_expressions_and_symbols():
    d = sd.derive(x**2 * sp.sin(x), x)
    assert d.result == x**2 * sp.cos(x) + 2 * x * sp.sin(x)
    assert sd.derive(sp.Integer(7)).result == 0


def test_a_variable_not_in_the_expression_gives_zero():
    assert sd.derive("x^2", "t").result == 0


def test_repeated_subexpressions_are_differentiated_once():
    d = sd.derive("sin(x^2) + cos(sin(x^2))", verify=False)
    targets = [s.target for s in d.steps]
    assert len(targets) == len(set(targets))
    assert targets.count(sp.Derivative(sp.sin(x**2), x, evaluate=False)) == 1
    assert "reuse" in d.steps[-2].rules
    assert same_function(d.result, sympy_derivative(d.expr, x))


def test_large_products_stay_bounded():
    factors = " ".join(f"(x + {k})" for k in range(1, 11))
    d = sd.derive(factors)
    assert d.verification.ok is True
    assert d.steps[0].rule == "product"


# ----------------------------------------------------------------------------- regressions


def test_issue16_item18_negative_powers_print_as_fractions():
    lines = sd.derive("2/x^2").to_text().splitlines()
    assert lines[:3] == [
        "d/dx[2/x²]",
        "  = 2·d/dx[1/x²]  constant multiple rule",
        "  = -4/x³         power rule",
    ]
    assert all("··" not in line for line in lines)


def test_issue16_item18_rule_names_never_touch_the_expression():
    book = sd.load_rulebook()
    names = [rule.name("en") for rule in book]
    d = sd.derive(" ".join(f"(x + {k})" for k in range(1, 9)), verify=False, detail="full")
    lines = d.to_text().splitlines()
    long_steps = 0
    for index, line in enumerate(lines):
        if not line.startswith("  = "):
            continue
        # expressions have single spaces only: the first double space starts the rule
        labelled = re.match(r"  = (.*?\S)  +(\S.*)$", line)
        if labelled:
            assert any(labelled.group(2).startswith(n) for n in names), line
        else:  # a long step: the rule on its own line, in the rule column
            long_steps += 1
            label = lines[index + 1]
            assert label.startswith(" " * 10)
            assert any(label.strip().startswith(n) for n in names), label
    assert long_steps > 0


def test_issue16_item21_relu_names_the_heaviside_step_and_the_convention_at_zero():
    d = sd.derive("relu(x)")
    assert d.result == sp.Heaviside(x)
    text = d.to_text()
    assert "Heaviside step function" in text and "u = 0" in text
    assert "헤비사이드 계단함수" in d.to_text(lang="ko")
    assert "Heaviside" in d.to_latex() and "Heaviside" in d.to_markdown()
    rule = sd.load_rulebook()["relu"]
    assert "Heaviside" in rule.explanation("en") and "u = 0" in rule.explanation("en")
    assert "not the Hessian" in rule.explanation("en")


def test_issue16_item23_abs_of_exp_does_not_recurse():
    for given in ("|e^x|", sp.exp(sp.re(x))):
        d = sd.derive(given, x)
        assert d.result == sp.exp(x)
        assert d.verification.ok is True


def test_issue16_item23_a_rule_that_returns_its_own_target_stops():
    d = sd.derive(sp.Function("f")(sp.re(x)), x, verify=False)
    assert d.result == sp.diff(sp.Function("f")(x), x)


def test_issue16_item26_big_powers_of_sums_are_never_expanded():
    d = sd.derive("(x+1)^1000", verify=False)
    assert d.result == 1000 * (x + 1) ** 999
    assert d.to_text().splitlines()[-2].startswith("  = 1000(x + 1)⁹⁹⁹")
    big = sd.derive("(10^99 + x)^1000", verify=False)
    assert big.result == 1000 * (x + 10**99) ** 999


def test_issue17_item3_long_bare_chains_derive_step_by_step():
    d = sd.derive("sin " * 30 + "x", verify=False)
    assert d.rule_ids[:30] == ("chain",) * 29 + ("sin",)
    value = {x: sp.Rational(3, 10)}
    assert sp.N(d.result.subs(value), 20) == sp.N(sp.diff(d.expr, x).subs(value), 20)


def test_issue17_item3_power_towers_derive():
    tall = sd.derive("x^" * 30 + "x", verify=False)
    assert tall.rule_ids[0] == "logarithmic"
    assert not tall.result.has(sp.Derivative)
    d = sd.derive("x^" * 4 + "x", verify=False)
    value = {x: sp.Rational(11, 10)}
    assert sp.N(d.result.subs(value), 20) == sp.N(sp.diff(d.expr, x).subs(value), 20)


@pytest.mark.parametrize(
    ("text", "hint"),
    [("abs(sqrt(x))", "√(|x|)"), ("|2 sqrt(x)|", "√(|x|)"), ("abs(sqrt(x) - 1)", None)],
)
def test_17_4_abs_of_a_root_that_can_be_imaginary_is_refused_with_what_to_write(text, hint):
    with pytest.raises(sd.DerivationError, match="not real for every real value") as caught:
        sd.derive(text)
    if hint is not None:
        assert f"equals {hint}" in str(caught.value)


def test_17_4_abs_of_real_arguments_still_derives():
    for text in ("|e^x|", "abs(x^2 - 1)", "sqrt(abs(x))", "abs(sqrt(x^2 + 1))"):
        d = sd.derive(text)
        assert d.verification.ok is True
        assert same_function(d.result, sympy_derivative(sd.parse(text), sp.Symbol("x")))


def test_pending_is_the_object_sympy_builds():
    from symderiv.engine import pending

    x, y = sp.symbols("x y")
    g = sp.Function("g")
    for f in (sp.sin(3 * x), x, sp.Integer(2), x * y, g(x), sp.Derivative(g(x), x)):
        ours, theirs = pending(f, x), sp.Derivative(f, x, evaluate=False)
        assert ours == theirs and hash(ours) == hash(theirs)
        assert ours.variable_count == theirs.variable_count
        assert sp.srepr(ours) == sp.srepr(theirs)
