"""Bounded tidying of a derivative into the form a teacher would write.

``sympy.simplify`` can run for minutes on the derivative of a 10-factor product, and it
rewrites function families a student expects to see kept (``1 − tanh²`` becomes
``1/cosh²``). So this module tries a few cheap, shape-preserving rewrites, each gated by
the size of the expression, and keeps the smallest candidate by operation count, preferring
the expression as it stands on a tie.

>>> import sympy as sp
>>> x = sp.Symbol("x")
>>> tidy(-x*sp.exp(-x) + sp.exp(-x))
(1 - x)*exp(-x)
"""

from __future__ import annotations

import math
from collections.abc import Callable

import sympy as sp

from symderiv.shapes import evaluated, is_negative_term, negated, shaped, unevaluated

#: The forms a derivation's last step can write the result in.
FORMS = ("teacher", "expanded", "factored")
#: A power of a sum with a larger exponent is never expanded (rewrites that would expand
#: it are skipped): (x + 1)^1000 stays bounded.
MAX_EXPANDED_POWER = 12
#: Above this many operations only the linear-time rewrites are tried.
CHEAP_LIMIT = 400
#: Rational-function rewrites (together/cancel) are tried up to this size.
RATIONAL_LIMIT = 80
#: A rewrite must save at least this fraction of the operations to replace the
#: expression: 2x sin x + x² cos x stays as it is rather than becoming x(x cos x + 2 sin x).
MIN_SAVING = 0.2


def _candidates(expr: sp.Expr, ops: Callable[[], int]) -> list[Callable[[sp.Expr], sp.Expr]]:
    """Rewrites worth trying, the preferred form first (it wins ties); ``ops`` gives the
    expression's operation count, asked only when some rewrite passes its pre-test.

    Each is pre-tested on the tree (:func:`_may_pull_out`, :func:`_pull_out_can_win`,
    :func:`_has_fraction_in_sum`, :func:`_may_factor`): a rewrite that cannot change the
    expression, or cannot make it smaller enough to be kept, is not run.
    """
    sums = [node for node in sp.preorder_traversal(expr) if isinstance(node, sp.Add)]
    pull_out = _may_pull_out(sums)
    fractions = _has_fraction_in_sum(sums)
    factorable = (fractions or _may_factor(expr, sums)) and expr.is_rational_function()
    if not (pull_out or factorable or fractions):
        return []
    size = ops()
    pull_out = pull_out and size <= CHEAP_LIMIT and _pull_out_can_win(expr, sums, size)
    if has_big_power(expr):
        return [sp.factor_terms] if pull_out else []
    rewrites: list[Callable[[sp.Expr], sp.Expr]] = [sp.factor_terms] if pull_out else []
    if size <= RATIONAL_LIMIT:
        negative_powers = any(p.exp.is_negative for p in expr.atoms(sp.Pow))
        if factorable:
            rewrites.append(sp.factor)
            if negative_powers:
                rewrites.append(sp.cancel)
        if negative_powers and fractions:
            rewrites.append(lambda e: sp.factor_terms(sp.together(e)))
    return rewrites


# ------------------------------------------------------------------- pre-tests of rewrites


def _is_fraction(term: sp.Expr) -> bool:
    """A term with a denominator: a negative power or a coefficient like 16/9."""
    coefficient, rest = term.as_coeff_Mul()
    if coefficient.is_Rational and coefficient.q != 1:
        return True
    return any(isinstance(f, sp.Pow) and f.exp.is_negative for f in sp.Mul.make_args(rest))


def _has_fraction_in_sum(sums: list[sp.Add]) -> bool:
    """Whether a sum has a term with a denominator: without one, ``together`` and
    ``factor_terms`` have nothing to put over one denominator."""
    return any(_is_fraction(term) for s in sums for term in s.args)


def _base(factor: sp.Expr) -> object:
    """What ``factor_terms`` sees as the base of a factor: x for x³, e^u for e^(2u)."""
    if isinstance(factor, sp.Pow) and factor.exp.is_Number:
        factor = factor.base
    if isinstance(factor, sp.exp):
        return (sp.exp, factor.args[0].as_coeff_Mul()[1])
    return factor


def _what_terms_share(s: sp.Add) -> str:
    """What ``factor_terms`` could pull out of the sum ``s``: ``""`` (nothing),
    ``"number"`` (a number other than 1 dividing every coefficient, or a sign every term
    has) or ``"more"`` (a base every term has, a fraction to put over one denominator, or
    coefficients it cannot judge)."""
    coefficients: list[sp.Expr] = []
    shared: set[object] | None = None
    for term in s.args:
        if _is_fraction(term):
            return "more"
        coefficient, rest = term.as_coeff_Mul()
        coefficients.append(coefficient)
        bases = {_base(f) for f in sp.Mul.make_args(rest) if not f.is_Number}
        shared = bases if shared is None else shared & bases
    if shared or not all(c.is_Rational for c in coefficients):
        return "more"
    content = 0
    for c in coefficients:
        if c.q != 1:
            return "more"
        content = math.gcd(content, int(c.p))
    return "number" if content != 1 or all(c.is_negative for c in coefficients) else ""


def _may_pull_out(sums: list[sp.Add]) -> bool:
    return any(_what_terms_share(s) for s in sums)


def _pull_out_can_win(expr: sp.Expr, sums: list[sp.Add], size: int) -> bool:
    """False when pulling out cannot save MIN_SAVING of the ``size`` operations: the only
    sum sharing anything is ``expr`` itself and it shares only a number or a sign (then
    nothing around it can cancel, and at most one multiplication and one negation per
    term are saved: 18x + 6 → 6(3x + 1) saves nothing)."""
    if sums[0] is not expr or _what_terms_share(expr) != "number" or _may_pull_out(sums[1:]):
        return True
    multiplied = negative = 0
    for term in expr.args:
        coefficient, rest = term.as_coeff_Mul()
        multiplied += abs(coefficient) != 1 and rest is not sp.S.One
        negative += bool(coefficient.is_negative)
    return multiplied + negative >= MIN_SAVING * size


def _may_factor(expr: sp.Expr, sums: list[sp.Add]) -> bool:
    """Whether ``factor``/``cancel`` could change the rational function ``expr`` (which
    has no fraction inside a sum): a sum with a product of sums in it (expanding may
    combine terms), a polynomial not known to be irreducible, or two polynomials equal
    up to a number (x − 1 and 2 − 2x cancel)."""
    seen: set[tuple[int, ...]] = set()
    for s in sums:
        if any(term.has(sp.Add) for term in s.args):
            return True
        key = _irreducible_key(s)
        if key is None or key in seen:
            return True
        seen.add(key)
    return False


def _irreducible_key(s: sp.Add) -> tuple[int, ...] | None:
    """For a sum that is an irreducible polynomial of degree 1 or 2 in one variable with
    whole coefficients, its primitive coefficients (a key equal for multiples); else None."""
    symbols = s.free_symbols
    if len(symbols) != 1:
        return None
    (x,) = symbols
    coefficients = [0, 0, 0]
    for term in s.args:
        c, rest = term.as_coeff_Mul()
        if not c.is_Integer:
            return None
        if rest == 1:
            degree = 0
        elif rest == x:
            degree = 1
        elif isinstance(rest, sp.Pow) and rest.base == x and rest.exp == 2:
            degree = 2
        else:
            return None
        coefficients[degree] += int(c)
    c0, c1, c2 = coefficients
    if c2:
        discriminant = c1 * c1 - 4 * c2 * c0
        if discriminant >= 0 and math.isqrt(discriminant) ** 2 == discriminant:
            return None  # it factors over the rationals
    content = math.gcd(c0, math.gcd(c1, c2))
    lead = c2 or c1
    sign = -1 if lead < 0 else 1
    return tuple(sign * c // content for c in coefficients)


def has_big_power(expr: sp.Expr) -> bool:
    """Whether expanding ``expr`` would multiply out a power of a sum past the bound."""
    return any(
        isinstance(p.base, sp.Add) and p.exp.is_Rational and abs(p.exp) > MAX_EXPANDED_POWER
        for p in expr.atoms(sp.Pow)
    )


def _functions(expr: sp.Expr) -> set[sp.Expr]:
    return expr.atoms(sp.Function)


def tidy(expr: sp.Expr) -> sp.Expr:
    """The smallest of a few cheap rewrites of ``expr``, if it is clearly smaller.

    A rewrite may not bring in function applications the expression did not have, so
    e^(−x)/(1 + e^(−x))² is not turned into e^x/(e^x + 1)².
    """
    if not expr.has(sp.Add):  # nothing to collect, factor or put over one denominator
        return expr
    if tree_size(expr) > 4 * CHEAP_LIMIT:  # count_ops itself would be the cost
        return expr
    counted: list[int] = []

    def ops() -> int:
        if not counted:
            counted.append(int(sp.count_ops(expr)))
        return counted[0]

    rewrites = _candidates(expr, ops)
    if not rewrites:
        return expr
    original_ops = ops()
    functions = _functions(expr)
    best, best_ops = expr, original_ops
    for rewrite in rewrites:
        candidate = rewrite(expr)
        ops = int(sp.count_ops(candidate))
        if (
            ops < best_ops
            and ops <= (1 - MIN_SAVING) * original_ops
            and _functions(candidate) <= functions
        ):
            best, best_ops = candidate, ops
    return best


# ----------------------------------------------------------------------------- the last step


def _is_monomial(factor: sp.Expr) -> bool:
    """x or x³: written right after the number, before brackets and functions (2x(…))."""
    if isinstance(factor, sp.Symbol):
        return True
    return (
        isinstance(factor, sp.Pow) and isinstance(factor.base, sp.Symbol) and factor.exp.is_Number
    )


def collected(expr: sp.Expr) -> sp.Expr:
    """What a teacher does to the last line: in each product the numbers go in front and
    are multiplied (2(3x + 1)·3 → 6(3x + 1)), single letters come next (2x(…)); a sum
    starts with a positive term where it has one. Nothing else moves."""
    memo: dict[sp.Expr, sp.Expr] = {}

    def walk(e: sp.Expr) -> sp.Expr:
        if not e.args or isinstance(e, sp.Derivative):
            return e
        found = memo.get(e)
        if found is not None:
            return found
        args = [walk(a) for a in e.args]
        if isinstance(e, sp.Mul):
            value = _collected_product(args)
        elif isinstance(e, sp.Add):
            terms = [t for t in args if t != 0]
            value = _positive_first(terms) if terms else sp.S.Zero
        else:
            value = unevaluated(e.func, *args)
        memo[e] = value
        return value

    return walk(expr)


def _collected_product(args: list[sp.Expr]) -> sp.Expr:
    factors: list[sp.Expr] = []
    for arg in args:
        factors.extend(arg.args if isinstance(arg, sp.Mul) else [arg])
    coefficient = sp.Mul(*(f for f in factors if f.is_Number))
    rest = _powers_merged([f for f in factors if not f.is_Number])
    if coefficient == 0:
        return sp.S.Zero
    ordered = [f for f in rest if _is_monomial(f)] + [f for f in rest if not _is_monomial(f)]
    if coefficient != 1 or not ordered:
        ordered.insert(0, coefficient)
    return ordered[0] if len(ordered) == 1 else unevaluated(sp.Mul, *ordered)


def _powers_merged(factors: list[sp.Expr]) -> list[sp.Expr]:
    """cos(x)·cos(x) → cos(x)², x²·x → x³: equal bases with numeric exponents, kept where
    the first of them stood."""
    exponents: dict[sp.Expr, sp.Expr] = {}
    order: list[sp.Expr] = []
    for factor in factors:
        base, exponent = factor, sp.S.One
        if isinstance(factor, sp.Pow) and factor.exp.is_Number:
            base, exponent = factor.base, factor.exp
        if base not in exponents:
            order.append(base)
            exponents[base] = exponent
        else:
            exponents[base] += exponent
    out: list[sp.Expr] = []
    for base in order:
        exponent = exponents[base]
        if exponent == 1:
            out.append(base)
        elif exponent != 0:
            out.append(unevaluated(sp.Pow, base, exponent))
    return out


def _positive_first(terms: list[sp.Expr]) -> sp.Expr:
    if len(terms) == 1:
        return terms[0]
    if is_negative_term(terms[0]):
        for index, term in enumerate(terms):
            if not is_negative_term(term):
                terms = [term, *terms[:index], *terms[index + 1 :]]
                break
    return unevaluated(sp.Add, *terms)


def _flip_denominators(expr: sp.Expr, hints: dict[sp.Expr, tuple[sp.Expr, ...]]) -> sp.Expr:
    """(−a + y)/(a(a − 1)) → (a − y)/(a(1 − a)) when the input wrote 1 − a: a bracket in
    the denominator takes the sign the learner gave it, the numerator takes the other."""
    if not hints or not isinstance(expr, sp.Mul):
        return expr
    factors = list(expr.args)
    flips = 0
    for index, factor in enumerate(factors):
        if (
            isinstance(factor, sp.Pow)
            and isinstance(factor.base, sp.Add)
            and factor.exp.is_Integer
            and factor.exp < 0
            and factor.exp % 2 == 1
        ):
            opposite = -evaluated(factor.base)
            if opposite in hints:
                flipped = unevaluated(sp.Add, *hints[opposite])
                factors[index] = unevaluated(sp.Pow, flipped, factor.exp)
                flips += 1
    if flips % 2 == 0:
        return expr if not flips else unevaluated(sp.Mul, *factors)
    for index, factor in enumerate(factors):
        if isinstance(factor, sp.Add):
            factors[index] = _positive_first([negated(t) for t in factor.args])
            return unevaluated(sp.Mul, *factors)
    if factors[0].is_Number:
        factors[0] = -factors[0]
        if factors[0] == 1:
            factors.pop(0)
    else:
        factors.insert(0, sp.S.NegativeOne)
    return factors[0] if len(factors) == 1 else unevaluated(sp.Mul, *factors)


def teacher_form(
    raw: sp.Expr,
    value: sp.Expr,
    tidied: sp.Expr,
    hints: dict[sp.Expr, tuple[sp.Expr, ...]],
    form: str = "teacher",
) -> sp.Expr:
    """The derivation's last line, as a shape tree, in ``form``.

    ``raw`` is the line the rules left, ``value`` its SymPy value and ``tidied`` the
    bounded :func:`tidy` of it. The teacher's form is the raw line with its numbers
    collected (:func:`collected`), unless :func:`tidy` found a clearly smaller form; that
    one is written in the input's order inside brackets, a positive term first, and with
    the signs of denominators as the input wrote them. ``expanded`` and ``factored`` are
    SymPy's ``expand`` and ``factor``, skipped (teacher's form instead) for powers of sums
    past ``MAX_EXPANDED_POWER`` or expressions past ``RATIONAL_LIMIT`` operations.
    """
    if form != "teacher" and _rewritable(value):
        rewrite = sp.expand if form == "expanded" else sp.factor
        return shaped(rewrite(value), hints)
    kept = collected(raw)
    rewritten = collected(_flip_denominators(shaped(tidied, hints), hints))
    if rewritten == kept:
        return kept
    size, kept_size = _size(rewritten), _size(kept)
    smaller = size <= (1 - MIN_SAVING) * kept_size
    fewer_fractions = size <= kept_size and _nested_fractions(rewritten) < _nested_fractions(kept)
    return rewritten if smaller or fewer_fractions else kept


def _rewritable(expr: sp.Expr) -> bool:
    return (
        tree_size(expr) <= 4 * RATIONAL_LIMIT
        and not has_big_power(expr)
        and int(sp.count_ops(expr)) <= RATIONAL_LIMIT
    )


def _tree_count(expr: sp.Expr, own: Callable[[sp.Expr], int]) -> int:
    """The sum of ``own(node)`` over the written tree (shared subtrees counted as often
    as they are written), in time linear in the distinct nodes."""
    memo: dict[sp.Expr, int] = {}

    def count(node: sp.Expr) -> int:
        found = memo.get(node)
        if found is None:
            found = own(node) + sum(count(a) for a in node.args)
            memo[node] = found
        return found

    return count(expr)


def tree_size(expr: sp.Expr) -> int:
    """Nodes of the written tree, counted in time linear in the distinct nodes: a cheap
    upper bound of ``count_ops`` to test before calling it."""
    return _tree_count(expr, lambda node: 1)


def _size(expr: sp.Expr) -> int:
    """How many times a letter is written: what the eye has to read. Numbers do not
    count, so 18x + 6 is no improvement on 6(3x + 1)."""
    return _tree_count(expr, lambda node: int(isinstance(node, sp.Symbol)))


def _fractions_in_sum(node: sp.Expr) -> int:
    if not isinstance(node, sp.Add):
        return 0
    return sum(
        1
        for term in node.args
        for factor in sp.Mul.make_args(term)
        if isinstance(factor, sp.Pow) and factor.exp.is_negative
    )


def _nested_fractions(expr: sp.Expr) -> int:
    """Fractions written inside a sum (y/a − (1 − y)/(1 − a) has two)."""
    return _tree_count(expr, _fractions_in_sum)
