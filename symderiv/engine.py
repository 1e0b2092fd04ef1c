"""The rule engine: differentiate a SymPy tree one named rule at a time.

The derivation is a chain of whole expressions, kept as shape trees
(:mod:`symderiv.shapes`): terms and factors stay in the order the learner wrote them. It
starts as the pending derivative ``d/dx f`` (an unevaluated ``sympy.Derivative``); each
step picks the first pending derivative in reading order, applies exactly one rule of the
book to it, and writes the rule's output back in its place, with any derivatives the rule
still needs left pending. Identical pending derivatives are resolved together, so each
distinct sub-expression is differentiated once. The teacher's form of the result
(:func:`symderiv.simplify.teacher_form`) is the last, named step; ``result`` is its
SymPy value.

>>> d = derive("x^2 sin(x)")
>>> d.rule_ids
('product', 'power', 'sin')
>>> d.result
x**2*cos(x) + 2*x*sin(x)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import sympy as sp
from sympy.core.function import AppliedUndef

from symderiv.errors import DerivationError
from symderiv.notation import ShapeUnicodePrinter, unicode_str
from symderiv.parsing import parse
from symderiv.rulebook import RuleBook, load_rulebook
from symderiv.shapes import (
    evaluated,
    neat,
    neat_node,
    rebuilt,
    shape_of,
    shaped,
    sum_hints,
    unevaluated,
)
from symderiv.simplify import FORMS, teacher_form, tidy
from symderiv.steps import NOT_VERIFIED, Derivation, Step

DETAIL_LEVELS = ("brief", "normal", "full")
TRIVIAL_RULES = frozenset({"constant", "identity"})
#: Letters for chain-rule substitutions, in the order a teacher reaches for them.
SUBSTITUTION_LETTERS = "uvwstpqrzkmn"
#: A derivation that needs more steps than this is refused rather than left to run.
MAX_STEPS = 20_000
MAX_ORDER = 20
#: The argument symbol of the rule book's formulas.
U = sp.Symbol("u")

#: Structural rules the engine implements; the book must define exactly these.
ENGINE_RULES = frozenset(
    {
        "constant",
        "identity",
        "sum",
        "constant_multiple",
        "power",
        "exp_base",
        "log_base",
        "product",
        "quotient",
        "chain",
        "logarithmic",
        "sympy",
        "reuse",
        "simplify",
    }
)


def pending(f: sp.Expr, var: sp.Symbol) -> sp.Derivative:
    """The unevaluated derivative d/dvar f, shown as a step still to do.

    Built from its arguments directly: the same object ``Derivative(f, var,
    evaluate=False)`` makes, without its argument processing (5x the cost, on every
    step); a derivative of a derivative goes through SymPy, which merges the two."""
    if isinstance(f, sp.Derivative) or not isinstance(f, sp.Expr) or not var.is_Symbol:
        return sp.Derivative(f, var, evaluate=False)
    return sp.Expr.__new__(sp.Derivative, f, sp.Tuple(var, sp.S.One))


def _mul(*factors: sp.Expr) -> sp.Expr:
    """A product in the order given (a shape tree); one factor is itself."""
    return factors[0] if len(factors) == 1 else unevaluated(sp.Mul, *factors)


def _add(*terms: sp.Expr) -> sp.Expr:
    return terms[0] if len(terms) == 1 else unevaluated(sp.Add, *terms)


@dataclass(frozen=True)
class Move:
    """What one rule does to one pending derivative."""

    rule: str
    replacement: sp.Expr
    outer: str | None = None
    substitution: tuple[sp.Symbol, sp.Expr] | None = None
    #: For the chain rule: the outer function and its derivative in the substitution letter.
    outer_derivative: tuple[sp.Expr, sp.Expr] | None = None


@functools.cache
def compile_formula(text: str) -> sp.Expr:
    """A rule's derivative formula in u, read with our own parser (cached per formula)."""
    return parse(text)


@functools.cache
def formula_shape(text: str) -> sp.Expr:
    """The formula as the rule book writes it: σ(u)(1 − σ(u)), 1 − tanh²(u)."""
    return shape_of(text, compile_formula(text))


def check_rulebook(book: RuleBook) -> None:
    """Refuse a book whose structural rules differ from what the engine implements."""
    structural = {rule.id for rule in book.structural()}
    if structural != ENGINE_RULES:
        missing = sorted(ENGINE_RULES - structural)
        extra = sorted(structural - ENGINE_RULES)
        raise DerivationError(f"rule book and engine disagree: missing {missing}, unknown {extra}")


@dataclass
class _Deriver:
    """Applies rules for one derivation; owns its substitution letters."""

    var: sp.Symbol
    book: RuleBook
    letters: Iterator[sp.Symbol]
    terminal: set[sp.Expr] = field(default_factory=set)
    #: One-step replacement of every derivative resolved so far, and the fully worked-out
    #: derivatives built from them: each sub-expression is differentiated once.
    memo: dict[sp.Expr, sp.Expr] = field(default_factory=dict)
    known: dict[sp.Expr, sp.Expr] = field(default_factory=dict)
    #: Whether a node holds a pending derivative, per node (nodes are shared between
    #: steps, so each is looked at once: deep chains stay near-linear).
    holds: dict[sp.Expr, bool] = field(default_factory=dict)
    neat_memo: dict[sp.Expr, sp.Expr] = field(default_factory=dict)

    def holds_pending(self, expr: sp.Expr) -> bool:
        if not expr.args:
            return False
        found = self.holds.get(expr)
        if found is None:
            found = isinstance(expr, sp.Derivative) or any(self.holds_pending(a) for a in expr.args)
            self.holds[expr] = found
        return found

    def pending_in(self, expr: sp.Expr) -> Iterator[sp.Derivative]:
        """Pending derivatives with respect to the variable, left to right as written."""
        stack = [expr]
        while stack:
            node = stack.pop()
            if isinstance(node, sp.Derivative):
                if (
                    _once_by(node, self.var)
                    and node not in self.terminal
                    and not _is_unknown_of(node, self.var)
                ):
                    yield node
                continue
            stack.extend(a for a in reversed(node.args) if self.holds_pending(a))

    def replace(self, expr: sp.Expr, mapping: dict[sp.Expr, sp.Expr]) -> sp.Expr:
        """Put the values of resolved derivatives in; only the paths to them are rebuilt."""
        if not mapping:
            return expr
        cache: dict[sp.Expr, sp.Expr] = {}

        def walk(node: sp.Expr) -> sp.Expr:
            if node in mapping:
                return mapping[node]
            if isinstance(node, sp.Derivative) or not self.holds_pending(node):
                return node
            found = cache.get(node)
            if found is None:
                args = [walk(a) for a in node.args]
                changed = any(a is not b for a, b in zip(args, node.args, strict=True))
                found = neat_node(node, args) if changed else node
                cache[node] = found
            return found

        return walk(expr)

    def known_value(self, target: sp.Expr, visiting: frozenset = frozenset()) -> sp.Expr | None:
        """The finished derivative for ``target`` if it was worked out earlier."""
        if target in self.known:
            return self.known[target]
        replacement = self.memo.get(target)
        if replacement is None or target in visiting:
            return None
        values: dict[sp.Expr, sp.Expr] = {}
        inner = visiting | {target}
        for child in self.pending_in(replacement):
            value = self.known_value(child, inner)
            if value is None:
                return None
            values[child] = value
        value = self.replace(replacement, values)
        self.known[target] = value
        return value

    def reuse_known(self, expr: sp.Expr) -> tuple[sp.Expr, bool]:
        """Replace pending derivatives already worked out by their values."""
        values = {}
        for target in self.pending_in(expr):
            value = self.known_value(target)
            if value is not None:
                values[target] = value
        return (self.replace(expr, values), True) if values else (expr, False)

    def move(self, f: sp.Expr) -> Move:
        """One rule applied to d/dx f."""
        x = self.var
        if not f.has(x):
            return Move("constant", sp.S.Zero)
        if f == x:
            return Move("identity", sp.S.One)
        if isinstance(f, sp.Add):
            return Move("sum", _add(*(pending(term, x) for term in f.args)))
        if isinstance(f, sp.Mul):
            return self._mul(f)
        if isinstance(f, sp.Pow):
            return self._pow(f)
        if isinstance(f, sp.Function) and len(f.args) == 1:
            return self._function(f)
        return self._from_sympy(f)

    # -- products and quotients -------------------------------------------------------
    def _mul(self, f: sp.Mul) -> Move:
        x = self.var
        constants = [a for a in f.args if not a.has(x)]
        factors = [a for a in f.args if a.has(x)]
        log_base = _log_base_split(constants, factors)
        if log_base is not None:
            inverse_log, log_u = log_base
            constants.remove(inverse_log)
            if not constants:
                (u,) = log_u.args
                base = inverse_log.base
                return self._chained(
                    "log_base",
                    u,
                    lambda arg: unevaluated(sp.Pow, _mul(arg, base), sp.S.NegativeOne),
                    lambda arg: _mul(inverse_log, sp.log(arg)),
                )
            factors.insert(0, inverse_log)
        if constants:
            return Move("constant_multiple", _mul(*constants, pending(_mul(*factors), x)))
        numerator = [a for a in factors if not _is_denominator(a)]
        denominator = [_inverted(a) for a in factors if _is_denominator(a)]
        if numerator and denominator:
            u, v = _mul(*numerator), _mul(*denominator)
            top = _add(_mul(pending(u, x), v), _mul(sp.S.NegativeOne, u, pending(v, x)))
            below = unevaluated(sp.Pow, unevaluated(sp.Pow, v, sp.Integer(2)), sp.S.NegativeOne)
            return Move("quotient", _mul(top, below))
        terms = [
            _mul(*(pending(g, x) if j == i else g for j, g in enumerate(factors)))
            for i in range(len(factors))
        ]
        return Move("product", _add(*terms))

    # -- powers -----------------------------------------------------------------------
    def _pow(self, f: sp.Pow) -> Move:
        x = self.var
        base, exponent = f.args
        if not exponent.has(x):
            lowered = evaluated(exponent) - 1
            return self._chained(
                "power",
                base,
                lambda u: _mul(exponent, unevaluated(sp.Pow, u, lowered)),
                lambda u: unevaluated(sp.Pow, u, exponent),
            )
        if not base.has(x):
            return self._chained(
                "exp_base",
                exponent,
                lambda u: _mul(unevaluated(sp.Pow, base, u), sp.log(base)),
                lambda u: unevaluated(sp.Pow, base, u),
            )
        return Move("logarithmic", _mul(f, pending(_mul(exponent, sp.log(base)), x)))

    # -- functions of one argument ----------------------------------------------------
    def _function(self, f: sp.Function) -> Move:
        rule = self.book.for_function(type(f).__name__)
        (arg,) = f.args
        if rule is not None:
            text = rule.derivative or ""
            formula = formula_shape(text)
            return self._chained(
                rule.id,
                arg,
                lambda u: rebuilt(formula, {U: u}),
                lambda u: unevaluated(f.func, u),
                in_letter=lambda letter: _rule_in_letter(text, f.func, letter),
            )
        dummy = sp.Dummy("u")
        outer = f.func(dummy).diff(dummy)

        def outer_at(u: sp.Expr) -> sp.Expr:
            value = shaped(outer.subs(dummy, evaluated(u)))
            self.terminal.update(value.atoms(sp.Derivative))
            return value

        return self._chained("sympy", arg, outer_at, lambda u: unevaluated(f.func, u))

    def _from_sympy(self, f: sp.Expr) -> Move:
        """Anything the book cannot take apart (Max, Piecewise, ...): SymPy differentiates."""
        derivative = shaped(sp.diff(evaluated(f), self.var))
        self.terminal.update(derivative.atoms(sp.Derivative))
        return Move("sympy", derivative)

    # -- the chain rule ---------------------------------------------------------------
    def _chained(
        self,
        rule_id: str,
        inner: sp.Expr,
        outer_of: Callable[[sp.Expr], sp.Expr],
        function_of: Callable[[sp.Expr], sp.Expr],
        in_letter: Callable[[sp.Symbol], tuple[sp.Expr, sp.Expr]] | None = None,
    ) -> Move:
        """Apply ``rule_id`` to f(inner); wrap it in the chain rule unless inner is x:
        f′(inner)·d/dx[inner], with f and f′ written in the substitution letter (by
        ``in_letter`` when given: a rule book formula's, kept from one use to the next)."""
        outer = neat(outer_of(inner))
        if inner == self.var:
            return Move(rule_id, outer)
        letter = next(self.letters)
        if in_letter is None:
            written = (function_of(letter), neat(outer_of(letter)))
        else:
            written = in_letter(letter)
        return Move(
            "chain",
            _mul(outer, pending(inner, self.var)),
            rule_id,
            (letter, inner),
            written,
        )


@functools.lru_cache(maxsize=1024)
def _rule_in_letter(text: str, func: type, letter: sp.Symbol) -> tuple[sp.Expr, sp.Expr]:
    """f(u) and the rule book's f′(u) in the substitution letter ``u``, as shape trees."""
    return unevaluated(func, letter), neat(rebuilt(formula_shape(text), {U: letter}))


def _is_denominator(factor: sp.Expr) -> bool:
    return isinstance(factor, sp.Pow) and factor.exp.is_number and bool(factor.exp.is_negative)


def _inverted(factor: sp.Pow) -> sp.Expr:
    """1/factor for a factor b^(−n): b^n, and b itself for n = 1."""
    exponent = -evaluated(factor.exp)
    return factor.base if exponent == 1 else unevaluated(sp.Pow, factor.base, exponent)


def _is_inverse_log(factor: sp.Expr) -> bool:
    return (
        isinstance(factor, sp.Pow)
        and factor.exp == -1
        and isinstance(factor.base, sp.log)
        and factor.base.args[0].is_number
    )


def _log_base_split(
    constants: list[sp.Expr], factors: list[sp.Expr]
) -> tuple[sp.Expr, sp.log] | None:
    """Find log(u)/log(b), SymPy's form of log_b(u): the 1/log(b) factor and log(u)."""
    if len(factors) != 1 or not isinstance(factors[0], sp.log):
        return None
    inverse_logs = [c for c in constants if _is_inverse_log(c)]
    if len(inverse_logs) != 1:
        return None
    return inverse_logs[0], factors[0]


def _once_by(derivative: sp.Derivative, var: sp.Symbol) -> bool:
    """Whether ``derivative`` is d/d``var``, once (``derivative.variables`` builds a list
    through SymPy's arithmetic each time it is read)."""
    counts = derivative.args[1:]
    return len(counts) == 1 and counts[0].args[0] == var and counts[0].args[1] is sp.S.One


def _is_unknown_of(derivative: sp.Derivative, var: sp.Symbol) -> bool:
    """d/dx f(x) for an undefined f: nothing more can be done, it is f′(x)."""
    f = derivative.expr
    return isinstance(f, AppliedUndef) and f.args == (var,)


def _letters(taken: set[str]) -> Iterator[sp.Symbol]:
    """Fresh substitution letters: u, v, w, ... skipping names the input uses."""
    for letter in SUBSTITUTION_LETTERS:
        if letter not in taken:
            yield sp.Symbol(letter)
    index = 1
    while True:
        name = f"u_{index}"
        if name not in taken:
            yield sp.Symbol(name)
        index += 1


def _fold_trivial(expr: sp.Expr, deriver: _Deriver) -> tuple[sp.Expr, list[str]]:
    """Resolve pending derivatives of constants and of the variable itself (normal detail)."""
    folded: dict[sp.Expr, sp.Expr] = {}
    rules: list[str] = []
    for target in deriver.pending_in(expr):
        f = target.expr
        if target not in folded and (not f.has(deriver.var) or f == deriver.var):
            move = deriver.move(f)
            folded[target] = move.replacement
            if move.rule not in rules:
                rules.append(move.rule)
    return deriver.replace(expr, folded), rules


@dataclass
class _Terms:
    """The expression under derivation as a list of top-level terms, each with the set of
    pending derivatives it holds, so a step rewrites only the terms it touches."""

    terms: list[sp.Expr]
    pendings: list[set[sp.Expr]]
    deriver: _Deriver

    @classmethod
    def of(cls, expr: sp.Expr, deriver: _Deriver) -> _Terms:
        work = cls([], [], deriver)
        work._append(expr)
        return work

    def _append(self, expr: sp.Expr, split: bool = True) -> None:
        """Add ``expr`` as terms: split into its terms when it replaced a whole term (the
        sum rule's output), kept as one bracketed term when it came from inside one."""
        for term in sp.Add.make_args(expr) if split else (expr,):
            if term == 0:
                continue
            self.terms.append(term)
            self.pendings.append(set(self.deriver.pending_in(term)))

    def replace(self, mapping: dict[sp.Expr, sp.Expr]) -> None:
        old_terms, old_pendings = self.terms, self.pendings
        self.terms, self.pendings = [], []
        for term, held in zip(old_terms, old_pendings, strict=True):
            hits = {t: r for t, r in mapping.items() if t in held}
            if hits:
                self._append(self.deriver.replace(term, hits), split=term in hits)
            else:
                self.terms.append(term)
                self.pendings.append(held)

    def expr(self) -> sp.Expr:
        """The whole expression, its terms where they stand."""
        if not self.terms:
            return sp.S.Zero
        return _add(*self.terms)


def _resolve_within(mapping: dict[sp.Expr, sp.Expr], deriver: _Deriver) -> None:
    """When one step resolves several derivatives (brief detail) and one's output needs
    another resolved in the same step, put that one's output in directly."""
    changed = True
    while changed:
        changed = False
        for target, replacement in mapping.items():
            inner = {
                p: mapping[p]
                for p in deriver.pending_in(replacement)
                if p in mapping and p != target
            }
            if inner:
                mapping[target] = deriver.replace(replacement, inner)
                changed = True


def _differentiate_once(
    f: sp.Expr, deriver: _Deriver, detail: str, stage: int
) -> tuple[list[Step], sp.Expr]:
    """All steps of one derivative of the shape tree ``f``; returns them and the last line.

    Pending derivatives wait in a queue in reading order: a rule's output takes the place
    of the derivative it resolved, so the derivation works left to right, depth first.
    """
    x = deriver.var
    start = pending(f, x)
    work = _Terms.of(start, deriver)
    queue: list[sp.Expr] = list(deriver.pending_in(start))
    current: sp.Expr = start
    steps: list[Step] = []
    while queue:
        if len(steps) >= MAX_STEPS:
            raise DerivationError(f"the derivation needs more than {MAX_STEPS} steps")
        chosen, queue = (queue, []) if detail == "brief" else (queue[:1], queue[1:])
        moves = [deriver.move(t.expr) for t in chosen]
        merged = [m.outer for m in moves[:1] if m.outer]
        for m in moves[1:]:
            merged.extend(r for r in (m.rule, m.outer) if r and r not in merged)
        mapping: dict[sp.Expr, sp.Expr] = {}
        for target, move in zip(chosen, moves, strict=True):
            replacement = neat(move.replacement, deriver.neat_memo)
            if detail != "full":
                replacement, trivial = _fold_trivial(replacement, deriver)
                merged.extend(r for r in trivial if r not in merged)
            deriver.memo[target] = replacement
            replacement, reused = deriver.reuse_known(replacement)
            if reused and "reuse" not in merged:
                merged.append("reuse")
            mapping[target] = replacement
        _resolve_within(mapping, deriver)
        created = [t for replacement in mapping.values() for t in deriver.pending_in(replacement)]
        queue = [t for t in dict.fromkeys(created) if t not in mapping] + [
            t for t in queue if t not in created
        ]
        work.replace(mapping)
        after = work.expr()
        steps.append(
            Step(
                rule=moves[0].rule,
                target=chosen[0],
                before=current,
                after=after,
                merged=tuple(merged),
                substitution=moves[0].substitution,
                stage=stage,
                outer_derivative=moves[0].outer_derivative,
            )
        )
        current = after
    return steps, current


def _prints_differently(a: sp.Expr, b: sp.Expr) -> bool:
    """Whether two shape trees read differently (one printer: their shared terms are
    printed once)."""
    printer = ShapeUnicodePrinter()
    return printer.doprint(a) != printer.doprint(b)


def _real_parts(shape: sp.Expr) -> sp.Expr:
    """re(u) → u and im(u) → 0: symbols are real here, so SymPy's |e^x| = e^(re(x)) is e^x."""
    if not shape.has(sp.re, sp.im):
        return shape
    mapping = {node: node.args[0] for node in shape.atoms(sp.re)}
    mapping.update({node: sp.S.Zero for node in shape.atoms(sp.im)})
    return neat(rebuilt(shape, mapping))


def _real_abs(u: sp.Expr) -> sp.Expr | None:
    """|u| written without |root| for real symbols (|b^r| = |b|^r, |uv| = |u||v|), or None
    when ``u`` has no such form."""
    if isinstance(u, sp.Pow) and u.exp.is_Rational and not u.exp.is_integer:
        return sp.Pow(sp.Abs(u.base), u.exp, evaluate=False)
    if isinstance(u, sp.Mul):
        parts = [_real_abs(a) or sp.Abs(a) for a in u.args]
        return sp.Mul(*parts, evaluate=False)
    return None


def _refuse_abs_of_non_real(f: sp.Expr) -> None:
    """|u| derives as sign(u)·u′ only where u is real. Where a root makes u imaginary for
    some real x (|√x| at x < 0, which is √|x| there), that rule gives a wrong value, so
    such input is refused with the form to write instead."""
    for node in f.atoms(sp.Abs):
        u = node.args[0]
        real = {s: sp.Symbol(s.name, real=True) for s in u.free_symbols}
        has_root = any(
            p.exp.is_Rational
            and not p.exp.is_integer
            and p.base.xreplace(real).is_nonnegative is not True
            for p in u.atoms(sp.Pow)
        )
        if not has_root or u.xreplace(real).is_extended_real:
            continue
        better = _real_abs(u)
        hint = f"; for real values it equals {unicode_str(better)}: write that" if better else ""
        raise DerivationError(
            f"cannot differentiate |{unicode_str(u)}| as |u| of a real u: {unicode_str(u)} is "
            f"not real for every real value of its variables (a root of a negative number){hint}"
        )


def as_expression(expr: str | sp.Expr | int | float) -> sp.Expr:
    """Text goes through our safe parser; SymPy expressions and plain numbers pass as they are."""
    if isinstance(expr, str):
        return parse(expr)
    if isinstance(expr, bool):
        raise DerivationError("cannot differentiate a truth value; give an expression")
    if isinstance(expr, int):
        return sp.Integer(expr)
    if isinstance(expr, float):
        return sp.Float(expr)
    if isinstance(expr, sp.Expr):
        return expr
    raise DerivationError(f"cannot differentiate a {type(expr).__name__}; give an expression")


def resolve_variable(expr: sp.Expr, var: str | sp.Symbol | None) -> sp.Symbol:
    """The variable to differentiate by: given by name or symbol, or the only free symbol."""
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    if var is None:
        if len(symbols) > 1:
            names = ", ".join(s.name for s in symbols)
            raise DerivationError(
                f"the expression has several variables ({names}); "
                "say which one to differentiate by (--wrt)"
            )
        return symbols[0] if symbols else sp.Symbol("x")
    name = var.name if isinstance(var, sp.Symbol) else str(var).strip()
    for symbol in symbols:
        if symbol.name == name:
            return symbol
    if isinstance(var, sp.Symbol):
        return var
    if not name.isidentifier():
        raise DerivationError(f"{name!r} is not a variable name")
    return sp.Symbol(name)


def derive(
    expr: str | sp.Expr,
    var: str | sp.Symbol | None = None,
    order: int = 1,
    *,
    detail: str = "normal",
    verify: bool = True,
    form: str = "teacher",
) -> Derivation:
    """Differentiate ``expr`` by ``var`` ``order`` times, one named rule per step.

    ``expr`` is text (plain or LaTeX, read by :func:`symderiv.parse`) or a SymPy
    expression; ``var`` may be omitted when the expression has one free symbol; other
    symbols are held constant. ``detail`` is ``"brief"``, ``"normal"`` or ``"full"``.
    Every line keeps the input's order of terms and factors; the last, named step writes
    the result in ``form``: ``"teacher"`` (a common number in front, a positive leading
    term, the input's order inside brackets), ``"expanded"`` or ``"factored"``.
    ``Derivation.result`` is SymPy's value of it either way. Unless ``verify`` is False
    the result is cross-checked numerically against finite differences of ``expr`` itself
    (``Derivation.verification``).
    """
    source = expr if isinstance(expr, str) else ""
    f = as_expression(expr)
    if f.has(sp.Derivative):
        raise DerivationError("the input already contains a derivative; give the function itself")
    if detail not in DETAIL_LEVELS:
        raise DerivationError(f"detail must be one of {', '.join(DETAIL_LEVELS)}")
    if form not in FORMS:
        raise DerivationError(f"form must be one of {', '.join(FORMS)}")
    if not isinstance(order, int) or not 1 <= order <= MAX_ORDER:
        raise DerivationError(f"order must be a whole number from 1 to {MAX_ORDER}")
    x = resolve_variable(f, var)
    _refuse_abs_of_non_real(f)
    book = load_rulebook()
    check_rulebook(book)
    taken = {s.name for s in f.free_symbols}
    deriver = _Deriver(x, book, _letters(taken))
    steps: list[Step] = []
    results: list[sp.Expr] = []
    shapes: list[sp.Expr] = []
    shape = _real_parts(shape_of(source or f, f))
    hints = sum_hints(shape)
    current = shape
    for stage in range(1, order + 1):
        stage_steps, raw = _differentiate_once(current, deriver, detail, stage)
        value = evaluated(raw)
        tidied = tidy(value)
        shown = teacher_form(raw, value, tidied, hints, form)
        if shown != raw and _prints_differently(shown, raw):
            target = stage_steps[-1].after if stage_steps else raw
            stage_steps.append(Step("simplify", target, raw, shown, stage=stage))
        steps.extend(stage_steps)
        results.append(tidied)
        shapes.append(shown)
        current = shown
    verification = NOT_VERIFIED
    if verify:  # imported here: `import symderiv` need not load the numeric check
        from symderiv.verify import verify_derivative

        verification = verify_derivative(f, x, results[-1], order)
    held = tuple(sorted((s for s in f.free_symbols if s != x), key=lambda s: s.name))
    return Derivation(
        expr=f,
        var=x,
        order=order,
        steps=tuple(steps),
        stage_results=tuple(results),
        verification=verification,
        held_constant=held,
        source=source,
        shape=shape,
        stage_shapes=tuple(shapes),
        form=form,
        detail=detail,
    )
