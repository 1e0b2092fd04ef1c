"""The rule book: every rule proven against sympy.diff and finite differences, read from
the book itself, so a new rule is tested without new test code."""

from __future__ import annotations

import pytest
import sympy as sp
from helpers import numerically_equal, sympy_derivative

import symderiv as sd
from symderiv.engine import ENGINE_RULES, check_rulebook, compile_formula
from symderiv.functions import ML_FUNCTIONS
from symderiv.rulebook import LANGUAGES, RuleBookError, load_rulebook

BOOK = load_rulebook()
x = sp.Symbol("x")


def function_class(name: str) -> type[sp.Function]:
    return ML_FUNCTIONS.get(name) or getattr(sp, name)


#: The inner function for the chain-rule test, u = 2x + 1/10, and its inverse.
INNER = 2 * x + sp.Rational(1, 10)


def domain_points(rule, inner: bool = False) -> list[dict[sp.Symbol, float]]:
    """Points where the rule's argument lies inside its domain."""
    low, high = rule.domain
    fractions = (0.137, 0.419, 0.733, 0.911)
    values = [low + f * (high - low) for f in fractions]
    return [{x: (u - 0.1) / 2 if inner else u} for u in values]


@pytest.mark.parametrize("rule", BOOK.elementary(), ids=lambda r: r.id)
def test_elementary_rule_matches_sympy_and_finite_differences(rule):
    f = function_class(rule.function)(x)
    d = sd.derive(f, x)
    assert d.rule_ids[0] == rule.id
    assert numerically_equal(d.result, sympy_derivative(f, x), domain_points(rule))
    assert d.verification.ok is True, d.verification


@pytest.mark.parametrize("rule", BOOK.elementary(), ids=lambda r: r.id)
def test_elementary_rule_inside_the_chain_rule(rule):
    f = function_class(rule.function)(INNER)
    d = sd.derive(f, x)
    assert d.steps[0].rules[:2] == ("chain", rule.id)
    assert numerically_equal(d.result, sympy_derivative(f, x), domain_points(rule, inner=True))
    assert d.verification.ok is True, d.verification


@pytest.mark.parametrize("rule", BOOK.elementary(), ids=lambda r: r.id)
def test_formula_is_in_terms_of_u_only(rule):
    assert compile_formula(rule.derivative).free_symbols <= {sp.Symbol("u")}


@pytest.mark.parametrize("rule", list(BOOK), ids=lambda r: r.id)
def test_every_rule_has_names_and_explanations_in_every_language(rule):
    for lang in LANGUAGES:
        assert rule.name(lang)
        assert rule.explanation(lang)
    assert rule.name("ko") != rule.name("en") or rule.id == "relu"


def test_structural_rules_are_exactly_what_the_engine_implements():
    assert {r.id for r in BOOK.structural()} == ENGINE_RULES
    check_rulebook(BOOK)


def test_rule_lookup_by_function_name():
    assert BOOK.for_function("sin").id == "sin"
    assert BOOK.for_function("Abs").id == "abs"
    assert BOOK.for_function("nonexistent") is None
    with pytest.raises(RuleBookError):
        BOOK["nonexistent"]


def test_malformed_book_is_refused_with_file_and_rule(tmp_path):
    (tmp_path / "derivatives.toml").write_text(
        '[[rule]]\nid = "sin"\nfunction = "sin"\nderivative = "cos(u)"\nstatement = ""\n'
        'name = { en = "sine" }\nexplanation = { en = "e", ko = "k" }\ndomain = [0, 1]\n',
        encoding="utf-8",
    )
    (tmp_path / "structural.toml").write_text("", encoding="utf-8")
    with pytest.raises(RuleBookError, match=r"derivatives.toml, rule #1 \(sin\): name lacks ko"):
        load_rulebook(str(tmp_path))


def test_duplicate_ids_are_refused(tmp_path):
    entry = (
        '[[rule]]\nid = "constant"\nstatement = ""\n'
        'name = { en = "c", ko = "c" }\nexplanation = { en = "e", ko = "k" }\n'
    )
    (tmp_path / "derivatives.toml").write_text("", encoding="utf-8")
    (tmp_path / "structural.toml").write_text(entry * 2, encoding="utf-8")
    with pytest.raises(RuleBookError, match="duplicate"):
        load_rulebook(str(tmp_path))
