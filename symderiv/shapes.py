"""Expressions as the learner wrote them: order-keeping "shape" trees and a teacher's tidy-up.

SymPy sorts the terms of every sum and the factors of every product and multiplies numbers
into sums (``2*(3*x + 1)`` becomes ``6*x + 2``). A derivation shown in that canonical form
is not the one on the whiteboard. So the engine works on *shape trees*: ordinary SymPy
expressions built with ``evaluate=False``, whose ``args`` are in the order they are read.
The value is never in doubt: :func:`evaluated` rebuilds a shape tree with SymPy's
evaluation, and the input's shape is accepted only when that equals the parsed expression.

>>> shape = shape_of("(w x + b - y)^2", parse("(w x + b - y)^2"))
>>> [str(t) for t in shape.base.args]
['w*x', 'b', '-y']
>>> evaluated(shape) == parse("(w x + b - y)^2")
True
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp
from sympy.core.exprtools import decompose_power

from symderiv.errors import ParseError
from symderiv.parsing import parse

__all__ = [
    "evaluated",
    "is_negative_term",
    "neat",
    "neat_node",
    "negated",
    "printed_order",
    "rebuilt",
    "shape_of",
    "shaped",
    "sum_hints",
    "unevaluated",
]


def unevaluated(func: type, *args: sp.Expr) -> sp.Expr:
    """``func(*args)`` without SymPy's evaluation (a pending derivative stays pending).

    Uses the ``evaluate=False`` argument, never the global ``sympy.evaluate`` switch,
    which clears SymPy's whole cache each time it is flipped."""
    if isinstance(func, type) and issubclass(func, sp.Add | sp.Mul | sp.Pow | sp.Derivative):
        return func(*args, evaluate=False)
    if isinstance(func, type) and issubclass(func, sp.Function):
        return func(*args, evaluate=False)
    with sp.evaluate(False):
        return func(*args)


def rebuilt(expr: sp.Expr, mapping: dict[sp.Expr, sp.Expr]) -> sp.Expr:
    """``expr.xreplace(mapping)`` that keeps every other node as it was written."""
    if not mapping:
        return expr
    memo: dict[sp.Expr, sp.Expr] = {}

    def walk(node: sp.Expr) -> sp.Expr:
        if node in mapping:
            return mapping[node]
        if not node.args:
            return node
        found = memo.get(node)
        if found is None:
            args = [walk(a) for a in node.args]
            changed = any(new is not old for new, old in zip(args, node.args, strict=True))
            found = unevaluated(node.func, *args) if changed else node
            memo[node] = found
        return found

    return walk(expr)


def evaluated(expr: sp.Expr, memo: dict[sp.Expr, sp.Expr] | None = None) -> sp.Expr:
    """The SymPy value of a shape tree (pending derivatives stay unevaluated)."""
    memo = {} if memo is None else memo
    return _evaluated(expr, memo)


def _evaluated(expr: sp.Expr, memo: dict[sp.Expr, sp.Expr]) -> sp.Expr:
    if not expr.args:
        return expr
    found = memo.get(expr)
    if found is not None:
        return found
    args = [_evaluated(a, memo) for a in expr.args]
    if isinstance(expr, sp.Derivative):
        value = sp.Derivative(*args, evaluate=False)
    elif isinstance(expr, sp.Add | sp.Mul | sp.Pow):
        value = expr.func(*args)
    elif all(new is old for new, old in zip(args, expr.args, strict=True)):
        # A function of an unchanged argument stays as it is: re-evaluating sin(sin(…))
        # level by level would ask SymPy's assumptions the same questions again.
        value = expr
    else:
        value = expr.func(*args)
    memo[expr] = value
    return value


def _flatten(func: type, args: list[sp.Expr]) -> list[sp.Expr]:
    out: list[sp.Expr] = []
    for arg in args:
        if isinstance(arg, func):
            out.extend(arg.args)
        else:
            out.append(arg)
    return out


def shaped(expr: sp.Expr, hints: dict[sp.Expr, tuple[sp.Expr, ...]] | None = None) -> sp.Expr:
    """A shape tree for an evaluated expression, in the order SymPy prints it (a number
    first in a product, the terms of a sum as printed); a sum that equals one of the
    input's sums (``hints``) takes the input's order instead."""
    hints = hints or {}
    memo: dict[sp.Expr, sp.Expr] = {}

    def walk(e: sp.Expr) -> sp.Expr:
        if not e.args or isinstance(e, sp.Derivative):
            return e
        found = memo.get(e)
        if found is not None:
            return found
        if isinstance(e, sp.Add):
            hinted = hints.get(e)
            terms = list(hinted) if hinted is not None else _teacher_terms(e)
            value = unevaluated(sp.Add, *[walk(t) for t in terms])
        elif isinstance(e, sp.Mul):
            value = unevaluated(sp.Mul, *[walk(f) for f in _teacher_factors(e)])
        else:
            value = unevaluated(e.func, *[walk(a) for a in e.args])
        memo[e] = value
        return value

    return walk(expr)


def _teacher_terms(expr: sp.Add) -> list[sp.Expr]:
    """SymPy's printed order, but a positive term first where there is one. (SymPy orders
    by the numeric value of constant terms; where that value cannot be computed,
    tanh(sinh(10^99)), its canonical order is used.)"""
    try:
        terms = printed_order(expr)
    except (OverflowError, ValueError, TypeError):
        terms = sorted(expr.args, key=sp.default_sort_key)
    if is_negative_term(terms[0]):
        for index, term in enumerate(terms):
            if not is_negative_term(term):
                return [term, *terms[:index], *terms[index + 1 :]]
    return terms


def printed_order(expr: sp.Add) -> list[sp.Expr]:
    """``expr.as_ordered_terms()``, the order SymPy prints a sum in, without SymPy's
    numeric evaluation of every coefficient (``complex(coefficient)`` is an ``evalf``):
    where each term is a rational coefficient times factors that are not numbers, the
    same terms, exponents and sort key; otherwise SymPy's own."""
    numeric = (sp.Number, sp.NumberSymbol)

    def numbers_first(t: sp.Expr) -> bool:
        return not isinstance(t, numeric)

    args = sorted(expr.args, key=numbers_first)
    if len(args) == 2 and isinstance(args[0], numeric) and isinstance(args[1], sp.Mul):
        factors = sorted(args[1].args, key=numbers_first)
        if (  # SymPy's special case: 1 − 2x keeps the number first
            len(factors) == 2
            and isinstance(factors[0], sp.Number)
            and args[0].is_positive
            and factors[0].is_negative
        ):
            return args
    described = []
    gens: set[sp.Expr] = set()
    for term in args:
        coefficient, rest = term.as_coeff_Mul()
        if not coefficient.is_Rational or not term.is_commutative:
            return expr.as_ordered_terms()
        powers: dict[sp.Expr, sp.Expr] = {}
        if rest is not sp.S.One:
            for factor in sp.Mul.make_args(rest):
                if factor.is_number:
                    return expr.as_ordered_terms()
                base, exponent = decompose_power(factor)
                powers[base] = exponent
                gens.add(base)
        value = int(coefficient.p) / int(coefficient.q)
        described.append((term, value, powers))
    order = sorted(gens, key=sp.default_sort_key)
    index = {g: i for i, g in enumerate(order)}
    terms = []
    for term, value, powers in described:
        monomial = [0] * len(order)
        for base, exponent in powers.items():
            monomial[index[base]] = exponent
        terms.append((term, ((value, 0.0), tuple(monomial), ())))
    key, reverse = expr._parse_order(None)
    return [term for term, _ in sorted(terms, key=key, reverse=reverse)]


def _teacher_factors(expr: sp.Mul) -> list[sp.Expr]:
    """Numbers first, then the other factors in SymPy's order, then brackets, then
    exponentials: 2x(x + 1), σ(x)(1 − σ(x)), (x + 1)e^x, 2x·e^(−x²)."""
    factors = expr.as_ordered_factors()
    numbers = [f for f in factors if f.is_Number]
    sums = [f for f in factors if isinstance(f, sp.Add)]
    exps = [f for f in factors if isinstance(f, sp.exp)]
    rest = [f for f in factors if not f.is_Number and f not in sums and f not in exps]
    return numbers + rest + sums + exps


def is_negative_term(term: sp.Expr) -> bool:
    """A term that prints with a leading minus: -3, -x, -2x·y (numeric coefficient < 0)."""
    if term.is_Number:
        return bool(term.is_negative)
    if isinstance(term, sp.Mul) and term.args and term.args[0].is_Number:
        return bool(term.args[0].is_negative)
    return False


def negated(term: sp.Expr) -> sp.Expr:
    """-term as a shape tree, the minus folded into a leading number."""
    if term.is_Number:
        return -term
    if isinstance(term, sp.Mul) and term.args[0].is_Number:
        coefficient = -term.args[0]
        rest = list(term.args[1:])
        if coefficient == 1:
            return rest[0] if len(rest) == 1 else unevaluated(sp.Mul, *rest)
        return unevaluated(sp.Mul, coefficient, *rest)
    return unevaluated(sp.Mul, sp.S.NegativeOne, term)


def _is(value: sp.Expr, number: int) -> bool:
    """``value == number`` for a SymPy value, without sympifying ``number`` when ``value``
    is not a number (``Basic.__eq__`` does, and this runs on every node)."""
    return bool(value.is_Number) and value == number


def neat(expr: sp.Expr, memo: dict[sp.Expr, sp.Expr] | None = None) -> sp.Expr:
    """The bookkeeping a teacher does without a word: nested products flattened (a sum
    inside a sum keeps its brackets), numbers next to each other multiplied (2·3 → 6),
    1·u, u¹ and + 0 dropped, a product with a factor 0 is 0, a sign inside a product put
    in front. Nothing else is reordered and no number is multiplied into a sum."""
    memo = {} if memo is None else memo
    return _neat(expr, memo)


def _neat(expr: sp.Expr, memo: dict[sp.Expr, sp.Expr]) -> sp.Expr:
    if not expr.args or isinstance(expr, sp.Derivative):
        return expr
    found = memo.get(expr)
    if found is not None:
        return found
    value = neat_node(expr, [_neat(a, memo) for a in expr.args])
    memo[expr] = value
    memo[value] = value
    return value


def neat_node(expr: sp.Expr, args: list[sp.Expr]) -> sp.Expr:
    """:func:`neat` for one node whose arguments (``args``, replacing ``expr.args``) are
    neat already."""
    if isinstance(expr, sp.Derivative):
        return expr if args == list(expr.args) else unevaluated(sp.Derivative, *args)
    if isinstance(expr, sp.Add):
        return _neat_sum(args)
    if isinstance(expr, sp.Mul):
        return _neat_product(args)
    if isinstance(expr, sp.Pow):
        base, exponent = args
        if _is(exponent, 1):
            return base
        if _is(exponent, 0):
            return sp.S.One
        if base.is_Number and exponent.is_Integer and abs(int(exponent)) <= 64:
            return base**exponent
        if isinstance(base, sp.Pow) and base.exp.is_Integer and exponent.is_Integer:
            return unevaluated(sp.Pow, base.base, base.exp * exponent)
    elif isinstance(expr, sp.log) and len(args) == 2:
        return shaped(sp.log(*args))  # log(u, b) is ln u / ln b, the form the rules know
    unchanged = all(new is old for new, old in zip(args, expr.args, strict=True))
    return expr if unchanged else unevaluated(expr.func, *args)


def _neat_sum(args: list[sp.Expr]) -> sp.Expr:
    terms = [t for t in args if not _is(t, 0)]
    if not terms:
        return sp.S.Zero
    if all(t.is_Number for t in terms):
        return sp.Add(*terms)
    return terms[0] if len(terms) == 1 else unevaluated(sp.Add, *terms)


def _neat_product(args: list[sp.Expr]) -> sp.Expr:
    factors: list[sp.Expr] = []
    flat = _flatten(sp.Mul, args)
    if any(_is(f, -1) for f in flat[1:]):  # a sign inside a product is the product's sign
        signs = sum(1 for f in flat if _is(f, -1))
        flat = [f for f in flat if not _is(f, -1)]
        if signs % 2:
            flat.insert(0, sp.S.NegativeOne)
    for factor in flat:
        if _is(factor, 0):
            return sp.S.Zero
        if _is(factor, 1):
            continue
        if factor.is_Number and factors and factors[-1].is_Number:
            factors[-1] = factors[-1] * factor
            if _is(factors[-1], 1):
                factors.pop()
            continue
        if (
            factors
            and _is(factors[-1], -1)
            and isinstance(factor, sp.Mul)
            and factor.args[0].is_Number
        ):
            factors[-1:] = [-factor.args[0], *factor.args[1:]]
            continue
        factors.append(factor)
    if factors and _is(factors[0], -1) and len(factors) == 2 and factors[1].is_Number:
        return -factors[1]
    if not factors:
        return sp.S.One
    return factors[0] if len(factors) == 1 else unevaluated(sp.Mul, *factors)


def _normalised(expr: sp.Expr) -> sp.Expr:
    """The parser's shape of a division, x·(1·y⁻¹), as x·y⁻¹; (x²)⁻¹ as x⁻²."""
    return neat(expr)


def _sum_hints(expr: sp.Expr, hints: dict[sp.Expr, tuple[sp.Expr, ...]]) -> None:
    memo: dict[sp.Expr, sp.Expr] = {}
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Add):
            value = evaluated(node, memo)
            if isinstance(value, sp.Add) and value not in hints:
                hints[value] = node.args


def shape_of(
    source: str | sp.Expr,
    value: sp.Expr,
    read: Callable[[str], sp.Expr] | None = None,
) -> sp.Expr:
    """The shape tree of the input: read as typed (text) or in SymPy's printed order
    (a SymPy expression). Falls back to the printed order whenever the typed shape does
    not evaluate to exactly ``value``, so the shape can never change the mathematics."""
    if isinstance(source, str) and source:
        try:
            with sp.evaluate(False):
                typed = (read or parse)(source)
            typed = _normalised(typed)
        except (ParseError, RecursionError, TypeError, ValueError, AttributeError):
            typed = None
        if typed is not None and evaluated(typed) == value:
            return typed
    return shaped(value)


def sum_hints(*exprs: sp.Expr) -> dict[sp.Expr, tuple[sp.Expr, ...]]:
    """Every sum in these shape trees by its SymPy value, with the order it was written in."""
    hints: dict[sp.Expr, tuple[sp.Expr, ...]] = {}
    for expr in exprs:
        _sum_hints(expr, hints)
    return hints
