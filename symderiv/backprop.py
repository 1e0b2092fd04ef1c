"""Computation graphs and backpropagation, step by step.

``backprop(expr)`` cuts an expression into a computation graph (a Wengert list), derives
the local derivative on every edge with the rule engine, and runs the backward pass: the
adjoint ∂L/∂node of every node, from the output down, as the sum over the node's parents
of ∂L/∂parent · ∂parent/∂node.

>>> bp = backprop("x sin(x)")
>>> [n.name for n in bp.nodes]
['x', 'v1', 'L']
>>> bp.step("x").total
x*cos(x) + sin(x)

Granularity
-----------
* Inputs are the free symbols, one node each (named by the symbol).
* Every distinct sub-expression that is an operation is one node: an n-ary sum or product
  is one node with one edge per operand; a power and a function application are nodes.
  Identical sub-expressions are one node, so a variable used twice has two outgoing edges.
* Numbers are folded into the operation that uses them, never nodes: ``1 - y`` is one node
  with the single child y; a numeric coefficient of an operand is folded too (``2x·y`` in a
  sum is ``2·v`` with v = x·y; ``sin(2x)`` is one node with child x); so is a divisor of a
  product (``x/y`` is one node with children x and y).
* ``defs`` names intermediate results: with ``defs={"a": "sigmoid(z)", "z": "w x + b"}``
  the symbols a and z in the expression stand for those nodes, which keep their names.
  Other intermediate nodes are v1, v2, ... in topological order; the output is ``name``.

Local derivatives are written in the node symbols, with the parent's own formula replaced
by its name, so σ′ reads a(1 − a) and tanh′ reads 1 − v². Adjoints and the gradient are
written in the *named* quantities -- inputs and the nodes named by ``defs`` -- with the
anonymous nodes v1, v2, ... substituted away; :meth:`Backprop.in_inputs` expands the named
nodes too. Each adjoint is tidied before it is passed down, so cancellations such as
(−y/a + (1 − y)/(1 − a))·a(1 − a) = a − y happen where a teacher would make them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar

import sympy as sp

from symderiv.engine import as_expression, derive
from symderiv.errors import DerivationError, ParseError
from symderiv.parsing import is_latex, parse
from symderiv.simplify import tidy
from symderiv.steps import NOT_VERIFIED, Derivation, Printable, Verification
from symderiv.sympy_values import as_sympy
from symderiv.verify import verify_partials

__all__ = ["AdjointStep", "Backprop", "Contribution", "Edge", "Node", "backprop"]

#: Rule ids that only tidy up; they never characterise an edge.
_BOOKKEEPING_RULES = frozenset({"simplify"})
#: Above this many operations an adjoint is passed down as it stands, untidied.
_TIDY_LIMIT = 600
#: A tidied adjoint replaces the sum as written only if it has at most this fraction of
#: the operations: −y/a + (1 − y)/(1 − a) stays a sum, (−y/a + ...)·a(1 − a) becomes a − y.
_KEEP_SIMPLER = 0.65
#: Significant digits of float arithmetic in numeric mode.
_FLOAT_DIGITS = 15


# ----------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Node:
    """One node of the computation graph.

    ``kind`` is ``"input"``, ``"intermediate"`` or ``"output"``; ``op`` is ``"input"``,
    ``"add"``, ``"mul"``, ``"pow"`` or a function name (``"sigmoid"``, ``"log"``, ...).
    ``formula`` is the forward formula in the children's symbols (an input's is its own
    symbol); ``expr`` the same value in the inputs and ``named`` in the named quantities
    (inputs and defined nodes). ``defined`` is True for nodes named by ``defs``.
    ``adjoint`` is ∂L/∂node (simplified, in named quantities); ``value`` and
    ``adjoint_value`` are numbers in numeric mode, else None.
    """

    name: str
    symbol: sp.Symbol
    kind: str
    op: str
    formula: sp.Expr
    expr: sp.Expr
    children: tuple[str, ...] = ()
    defined: bool = False
    named: sp.Expr | None = None
    adjoint: sp.Expr | None = None
    value: sp.Expr | None = None
    adjoint_value: sp.Expr | None = None

    @property
    def is_input(self) -> bool:
        return self.kind == "input"


@dataclass(frozen=True)
class Edge:
    """The edge child → parent, carrying the local derivative ∂parent/∂child.

    ``local`` is written in node symbols; ``rule`` is the main rule id the engine used for
    it and ``rules`` every rule id it applied; ``derivation`` is the engine's worked
    derivation. ``value`` is the local derivative at the point in numeric mode.
    """

    parent: str
    child: str
    local: sp.Expr
    rule: str
    rules: tuple[str, ...]
    derivation: Derivation | None = field(default=None, compare=False, repr=False)
    value: sp.Expr | None = None


@dataclass(frozen=True)
class Contribution:
    """One parent's share of a node's adjoint: ∂L/∂parent · ∂parent/∂node.

    ``local`` is in node symbols, ``local_named`` in named quantities; ``adjoint`` is the
    parent's (simplified) adjoint and ``term`` the product. The ``*_value`` fields are
    numbers in numeric mode.
    """

    parent: str
    local: sp.Expr
    local_named: sp.Expr
    adjoint: sp.Expr
    term: sp.Expr
    local_value: sp.Expr | None = None
    adjoint_value: sp.Expr | None = None
    term_value: sp.Expr | None = None


@dataclass(frozen=True)
class AdjointStep:
    """The accumulation of one adjoint: ∂L/∂node = Σ contributions = total = simplified.

    The output's step has no contributions and total 1. ``value`` is the adjoint at the
    point in numeric mode (accumulated from the numeric contributions).
    """

    node: str
    contributions: tuple[Contribution, ...]
    total: sp.Expr
    simplified: sp.Expr
    value: sp.Expr | None = None


@dataclass(frozen=True)
class Backprop(Printable):
    """A computation graph with its forward formulas, local derivatives and adjoints.

    ``nodes`` are in topological order (inputs first, the output last); ``steps`` in the
    order of the backward pass. ``adjoints`` maps every node name to ∂L/∂node and
    ``gradient`` every ``wrt`` name to ∂L/∂var (simplified, in named quantities).
    ``definitions`` maps each name from ``defs`` to its formula in named quantities. ``at`` is
    the point of numeric mode (None otherwise). ``verification`` checks the gradient
    against finite differences of ``expr``.
    """

    expr: sp.Expr
    output: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    steps: tuple[AdjointStep, ...]
    adjoints: dict[str, sp.Expr] = field(hash=False)
    gradient: dict[str, sp.Expr] = field(hash=False)
    wrt: tuple[sp.Symbol, ...]
    definitions: dict[str, sp.Expr] = field(default_factory=dict, hash=False)
    expansions: dict[sp.Symbol, sp.Expr] = field(default_factory=dict, repr=False, hash=False)
    at: dict[str, sp.Expr] | None = field(default=None, hash=False)
    verification: Verification = field(default=NOT_VERIFIED, hash=False)
    source: str = ""

    # -- look-ups -----------------------------------------------------------------------

    printers: ClassVar[tuple[str, str]] = ("symderiv.render.graph", "backprop_")

    def node(self, name: str) -> Node:
        """The node called ``name``."""
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(name)

    def step(self, name: str) -> AdjointStep:
        """The backward-pass step that accumulates ∂L/∂``name``."""
        for step in self.steps:
            if step.node == name:
                return step
        raise KeyError(name)

    def edges_into(self, name: str) -> tuple[Edge, ...]:
        """The edges from ``name``'s children (its local derivatives)."""
        return tuple(e for e in self.edges if e.parent == name)

    def edges_out_of(self, name: str) -> tuple[Edge, ...]:
        """The edges to ``name``'s parents (one per use of the node)."""
        return tuple(e for e in self.edges if e.child == name)

    @property
    def inputs(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes if n.is_input)

    @property
    def output_node(self) -> Node:
        return self.node(self.output)

    def in_inputs(self, expr: sp.Expr) -> sp.Expr:
        """``expr`` with the nodes named by ``defs`` expanded into the inputs."""
        return as_sympy(expr).xreplace(self.expansions) if self.expansions else expr

    @property
    def gradient_in_inputs(self) -> dict[str, sp.Expr]:
        """The gradient written in the inputs alone (comparable with ``sympy.diff``)."""
        return {name: self.in_inputs(g) for name, g in self.gradient.items()}

    @property
    def values(self) -> dict[str, sp.Expr] | None:
        """Forward values of every node in numeric mode (None otherwise)."""
        if self.at is None:
            return None
        return {n.name: n.value for n in self.nodes if n.value is not None}

    @property
    def adjoint_values(self) -> dict[str, sp.Expr] | None:
        """∂L/∂node at the point for every node in numeric mode (None otherwise)."""
        if self.at is None:
            return None
        return {s.node: s.value for s in self.steps if s.value is not None}

    @property
    def gradient_values(self) -> dict[str, sp.Expr] | None:
        """∂L/∂var at the point for every ``wrt`` variable in numeric mode."""
        values = self.adjoint_values
        if values is None:
            return None
        return {s.name: values.get(s.name, sp.S.Zero) for s in self.wrt}

    # -- printers (render/ sits on a lower floor; imported lazily) ------------------------
    def to_mermaid(self, direction: str = "forward") -> str:
        return self._printer("mermaid")(self, direction=direction)

    def to_dot(self, direction: str = "forward") -> str:
        return self._printer("dot")(self, direction=direction)


# ----------------------------------------------------------------------------- graph


@dataclass
class _Proto:
    """A node while the graph is being built (before names are assigned)."""

    kind: str  # "input" or "op"
    op: str
    expr: sp.Expr  # in the inputs
    symbol: sp.Symbol | None = None  # inputs only
    children: list[tuple[Any, ...]] = field(default_factory=list)  # child keys, ordered
    rebuild: Callable[[Callable[[sp.Expr], sp.Expr]], sp.Expr] | None = None
    child_structs: list[sp.Expr] = field(default_factory=list)


def _op_name(expr: sp.Expr) -> str:
    if expr.is_number:
        return "constant"
    if isinstance(expr, sp.Add):
        return "add"
    if isinstance(expr, sp.Mul):
        return "mul"
    if isinstance(expr, sp.Pow):
        return "pow"
    return type(expr).__name__.lower()


def _split(arg: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """(numeric coefficient, operand): −3·x·y is (−3, x·y); the operand is never a number."""
    coeff, rest = arg.as_coeff_Mul()
    if coeff == 1 or rest.is_number:
        return sp.S.One, arg
    return coeff, rest


def _is_divisor(factor: sp.Expr) -> bool:
    return (
        isinstance(factor, sp.Pow)
        and factor.exp.is_number
        and bool(factor.exp.is_negative)
        and not factor.base.is_number
    )


Rebuild = Callable[[Callable[[sp.Expr], sp.Expr]], sp.Expr]


def _decompose(s: sp.Expr) -> tuple[list[sp.Expr], Rebuild]:
    """The operands of the operation ``s`` and how to rebuild it from their symbols."""
    if isinstance(s, sp.Add):
        terms = [(t, *_split(t)) for t in s.as_ordered_terms()]
        children = [rest for t, _, rest in terms if not t.is_number]

        def add(sym: Callable[[sp.Expr], sp.Expr]) -> sp.Expr:
            return sp.Add(*(t if t.is_number else c * sym(r) for t, c, r in terms))

        return children, add
    if isinstance(s, sp.Mul):
        factors = s.as_ordered_factors()
        children = [(f.base if _is_divisor(f) else f) for f in factors if not f.is_number]

        def mul(sym: Callable[[sp.Expr], sp.Expr]) -> sp.Expr:
            return sp.Mul(
                *(
                    f if f.is_number else sym(f.base) ** f.exp if _is_divisor(f) else sym(f)
                    for f in factors
                )
            )

        return children, mul
    if s.args and all(isinstance(a, sp.Expr) for a in s.args):
        parts = [(a, *_split(a)) for a in s.args]
        children = [rest for a, _, rest in parts if not a.is_number]

        def apply(sym: Callable[[sp.Expr], sp.Expr]) -> sp.Expr:
            return s.func(*(a if a.is_number else c * sym(r) for a, c, r in parts))

        return children, apply
    # Piecewise and other structures whose arguments are not expressions: one node whose
    # children are its free symbols.
    symbols = sorted(s.free_symbols, key=lambda x: x.name)

    def whole(sym: Callable[[sp.Expr], sp.Expr]) -> sp.Expr:
        return s.xreplace({x: sym(x) for x in symbols})

    return list(symbols), whole


class _Builder:
    """Walks the expression (and the definitions it refers to) into a graph."""

    def __init__(self, defs: dict[str, sp.Expr]) -> None:
        self.defs = defs
        self.def_full: dict[str, sp.Expr] = {}
        self.protos: dict[tuple[Any, ...], _Proto] = {}
        self.struct_key: dict[sp.Expr, tuple[Any, ...]] = {}
        self.def_keys: dict[tuple[Any, ...], str] = {}
        for name in defs:
            self._full_def(name, ())

    def _is_def(self, s: sp.Expr) -> bool:
        return isinstance(s, sp.Symbol) and s.name in self.defs

    def _full_def(self, name: str, trail: tuple[str, ...]) -> sp.Expr:
        if name in self.def_full:
            return self.def_full[name]
        if name in trail:
            cycle = " → ".join((*trail[trail.index(name) :], name))
            raise DerivationError(f"the definitions refer to each other in a cycle: {cycle}")
        body = self.defs[name]
        inner = {
            s: self._full_def(s.name, (*trail, name)) for s in body.free_symbols if self._is_def(s)
        }
        self.def_full[name] = body.xreplace(inner) if inner else body
        return self.def_full[name]

    def full(self, s: sp.Expr) -> sp.Expr:
        """``s`` in the inputs (definitions expanded)."""
        inner = {x: self.def_full[x.name] for x in s.free_symbols if self._is_def(x)}
        return s.xreplace(inner) if inner else s

    def visit(self, s: sp.Expr) -> tuple[Any, ...]:
        """The key of the node computing ``s``; builds it (children first) if new."""
        if s in self.struct_key:
            return self.struct_key[s]
        if self._is_def(s):
            key = self.visit(self.defs[s.name])
            self.def_keys.setdefault(key, s.name)
        elif isinstance(s, sp.Symbol):
            key = ("input", s)
            if key not in self.protos:
                self.protos[key] = _Proto("input", "input", s, symbol=s)
        else:
            key = ("op", self.full(s))
            if key not in self.protos:
                structs, rebuild = _decompose(s)
                children = [self.visit(c) for c in structs]
                if key not in self.protos:  # (a child may have built it already)
                    self.protos[key] = _Proto(
                        "op",
                        _op_name(s),
                        key[1],
                        children=list(dict.fromkeys(children)),
                        rebuild=rebuild,
                        child_structs=structs,
                    )
        self.struct_key[s] = key
        return key


# ----------------------------------------------------------------------------- helpers


def _absorb_sign(term: sp.Expr) -> sp.Expr:
    """−(y − 1)/(1 − a) → (1 − y)/(1 − a): a negative coefficient goes into the one sum."""
    if not isinstance(term, sp.Mul):
        return term
    coeff, rest = term.as_coeff_Mul()
    if not coeff.is_negative:
        return term
    factors = sp.Mul.make_args(rest)
    sums = [f for f in factors if isinstance(f, sp.Add)]
    if len(sums) != 1:
        return term
    (total,) = sums
    flipped = sp.Add(*(-t for t in total.args))
    others = [f for f in factors if f is not total]
    return sp.Mul(-coeff, flipped, *others)


def _simplified(total: sp.Expr) -> sp.Expr:
    """The adjoint passed down: ``total`` tidied (bounded), signs tidied per term."""
    ops = int(sp.count_ops(total))
    if ops > _TIDY_LIMIT:
        return total
    result = tidy(total)
    if int(sp.count_ops(result)) > _KEEP_SIMPLER * ops:
        result = total
    factored = sp.factor_terms(result)  # 2ŷ − 2y → 2(ŷ − y)
    if int(sp.count_ops(factored)) < int(sp.count_ops(result)):
        result = factored
    if isinstance(result, sp.Add):
        return sp.Add(*(_absorb_sign(t) for t in result.args))
    return _absorb_sign(result)


@functools.lru_cache(maxsize=4096)
def _local_derivative(formula: sp.Expr, child: sp.Symbol) -> Derivation:
    return derive(formula, child, verify=False)


def _edge_rules(derivation: Derivation) -> tuple[str, tuple[str, ...]]:
    rules: list[str] = []
    for step in derivation.steps:
        rules.extend(r for r in step.rules if r not in rules and r not in _BOOKKEEPING_RULES)
    main = derivation.steps[0].rule if derivation.steps else "constant"
    return main, tuple(rules) or (main,)


def _names(items: str | Iterable[str | sp.Symbol] | None) -> list[str] | None:
    if items is None:
        return None
    if isinstance(items, str | sp.Symbol):
        items = [items]
    out: list[str] = []
    for item in items:
        if isinstance(item, sp.Symbol):
            out.append(item.name)
            continue
        for part in str(item).split(","):
            if part.strip():
                out.append(part.strip())
    return out


def _number(value: object, name: str) -> sp.Expr:
    """An input value as a SymPy number (exact unless it is a float)."""
    if isinstance(value, bool):
        raise DerivationError(f"the value of {name} must be a number, not {value!r}")
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, float):
        return sp.Float(value, _FLOAT_DIGITS)
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, Decimal):
        return sp.Rational(str(value))
    number = as_expression(value) if isinstance(value, str | sp.Basic) else None
    if number is None or not isinstance(number, sp.Expr) or not number.is_number:
        raise DerivationError(f"the value of {name} must be a number, not {value!r}")
    if number.is_real is False:
        raise DerivationError(f"the value of {name} must be a real number, not {value!r}")
    return number


def _finite_real(value: sp.Expr, exact: bool, what: str) -> sp.Expr:
    """``value`` evaluated (floats unless exact), refused unless a finite real number."""
    value = value if exact else sp.N(value, _FLOAT_DIGITS)
    check = sp.N(value, 20)
    if not (check.is_real and check.is_finite):
        raise DerivationError(f"{what} is not a finite real number at the given point")
    return value


def _reads_as_itself(name: str) -> bool:
    """Whether the parser reads ``name`` as the one symbol ``name`` (not ``yhat`` = y·h·a·t)."""
    try:
        return parse(name) == sp.Symbol(name)
    except ParseError:
        return False


def _read(expr: str | sp.Expr, names: Sequence[str]) -> sp.Expr:
    """Text or SymPy as an expression, with the defined ``names`` read as single symbols.

    Names the parser would split or refuse (``yhat``, ``ŷ``) are swapped, as whole words,
    for placeholder symbols before parsing and restored afterwards.
    """
    if not isinstance(expr, str):
        return as_expression(expr)
    latex = is_latex(expr)
    swaps: dict[sp.Symbol, sp.Symbol] = {}
    text = expr
    for index, name in enumerate(n for n in names if not _reads_as_itself(n)):
        number = 9000 + index
        while f"Q_{number}" in expr or f"Q_{{{number}}}" in expr:
            number += 100
        placeholder = f"(Q_{{{number}}})" if latex else f"(Q_{number})"
        pattern = rf"(?<![\w\\]){re.escape(name)}(?!\w)"
        text = re.sub(pattern, lambda _m, p=placeholder: p, text)
        swaps[sp.Symbol(f"Q_{number}")] = sp.Symbol(name)
    result = as_expression(text)
    return result.xreplace(swaps) if swaps else result


def _check_name(name: str, what: str) -> str:
    if not isinstance(name, str) or not name.isidentifier():
        raise DerivationError(f"{what} {name!r} is not a valid name")
    return name


# ----------------------------------------------------------------------------- backprop


def backprop(
    expr: str | sp.Expr,
    wrt: str | Sequence[str | sp.Symbol] | None = None,
    at: Mapping[str | sp.Symbol, object] | None = None,
    *,
    name: str = "L",
    defs: Mapping[str, str | sp.Expr] | None = None,
    verify: bool = True,
) -> Backprop:
    """Build the computation graph of ``expr`` and run the backward pass step by step.

    ``expr`` is text (read by the safe parser) or SymPy. ``wrt`` names the variables of the
    gradient (a list, or text such as ``"w,b"``; default: every input). ``at`` maps input
    names to numbers for numeric mode (exact when every value is exact; floats otherwise).
    ``name`` is the output's name; ``defs`` maps names used in ``expr`` to their formulas,
    which become named nodes (``defs={"a": "sigmoid(z)", "z": "w x + b"}``). Unless
    ``verify`` is False the gradient is checked against finite differences.

    >>> bp = backprop("-(y log(a) + (1-y) log(1-a))",
    ...               defs={"a": "sigmoid(z)", "z": "w x + b"}, wrt="w,b")
    >>> bp.gradient
    {'w': x*(a - y), 'b': a - y}
    """
    source = expr if isinstance(expr, str) else ""
    def_names = [_check_name(d, "the definition name") for d in (defs or {})]
    root = _read(expr, def_names)
    definitions: dict[str, sp.Expr] = {}
    for def_name, body in (defs or {}).items():
        parsed = _read(body, def_names)
        if isinstance(parsed, sp.Symbol) or parsed.is_number:
            raise DerivationError(
                f"the definition of {def_name} must be an operation, not {parsed}"
            )
        definitions[def_name] = parsed
    for part in (root, *definitions.values()):
        if part.has(sp.Derivative):
            raise DerivationError(
                "the input already contains a derivative; give the function itself"
            )
    _check_name(name, "the output name")

    builder = _Builder(definitions)
    root_key = builder.visit(root)
    used = set(builder.def_keys.values())
    unused = [d for d in definitions if d not in used]
    if unused:
        raise DerivationError(f"{', '.join(unused)} is defined but not used in the expression")

    # -- names, in topological order: inputs first, then operations in post-order --------
    protos = builder.protos
    operations = [k for k, p in protos.items() if p.kind == "op"]
    # Inputs in the order the forward pass first uses them.
    first_use = [c for k in operations for c in protos[k].children if protos[c].kind == "input"]
    first_use += [k for k, p in protos.items() if p.kind == "input"]
    order = list(dict.fromkeys(first_use)) + operations
    input_names: dict[str, sp.Symbol] = {}
    for key in order:
        p = protos[key]
        if p.kind == "input":
            assert p.symbol is not None
            if p.symbol.name in input_names:
                raise DerivationError(f"two different symbols are called {p.symbol.name}")
            if p.symbol.name in definitions:
                raise DerivationError(f"{p.symbol.name} is both an input and a definition")
            input_names[p.symbol.name] = p.symbol
    root_named = root_key[0] == "input" or root_key in builder.def_keys
    if not root_named and (name in input_names or name in definitions):
        raise DerivationError(
            f"the output name {name} is also a variable of the expression; choose another name"
        )
    taken = set(input_names) | set(definitions) | {name}
    names: dict[tuple[Any, ...], str] = {}
    counter = 0
    for key in order:
        p = protos[key]
        if p.kind == "input":
            assert p.symbol is not None
            names[key] = p.symbol.name
        elif key in builder.def_keys:
            names[key] = builder.def_keys[key]
        elif key == root_key:
            names[key] = name
        else:
            counter += 1
            while f"v{counter}" in taken:
                counter += 1
            names[key] = f"v{counter}"
    symbols = {
        key: (protos[key].symbol if protos[key].kind == "input" else sp.Symbol(names[key]))
        for key in order
    }

    def sym_of(struct: sp.Expr) -> sp.Expr:
        return symbols[builder.struct_key[struct]]

    # -- forward formulas and local derivatives ---------------------------------------------
    formulas: dict[tuple[Any, ...], sp.Expr] = {}
    edges: list[Edge] = []
    for key in order:
        p = protos[key]
        if p.kind == "input":
            formulas[key] = symbols[key]
            continue
        assert p.rebuild is not None
        formula = p.rebuild(sym_of)
        formulas[key] = formula
        parent_symbol = symbols[key]
        for child in p.children:
            child_symbol = symbols[child]
            derivation = _local_derivative(formula, child_symbol)
            local = derivation.result
            if not isinstance(formula, sp.Symbol):
                local = local.xreplace({formula: parent_symbol})
            rule, rules = _edge_rules(derivation)
            edges.append(Edge(names[key], names[child], local, rule, rules, derivation))

    # -- named quantities: inputs and defined nodes stay; anonymous nodes are expanded -----
    named: dict[sp.Symbol, sp.Expr] = {}
    for key in order:
        s = symbols[key]
        keep = protos[key].kind == "input" or key in builder.def_keys
        named[s] = s if keep else formulas[key].xreplace(named)

    def in_named(e: sp.Expr) -> sp.Expr:
        return e.xreplace(named)

    expansions = {symbols[k]: protos[k].expr for k in order if k in builder.def_keys}

    # -- numeric mode: forward values ---------------------------------------------------------
    point: dict[str, sp.Expr] | None = None
    values: dict[sp.Symbol, sp.Expr] = {}
    exact = True
    if at is not None:
        point = {}
        for raw_name, raw_value in at.items():
            var_name = raw_name.name if isinstance(raw_name, sp.Symbol) else str(raw_name)
            if var_name not in input_names:
                known = ", ".join(input_names) or "none"
                raise DerivationError(
                    f"{var_name} is not an input of the expression (inputs: {known})"
                )
            point[var_name] = _number(raw_value, var_name)
        missing = [n for n in input_names if n not in point]
        if missing:
            raise DerivationError(f"give a value for every input; missing: {', '.join(missing)}")
        exact = not any(v.has(sp.Float) for v in point.values())
        for key in order:
            s = symbols[key]
            if protos[key].kind == "input":
                values[s] = point[s.name] if exact else sp.N(point[s.name], _FLOAT_DIGITS)
            else:
                values[s] = _finite_real(
                    formulas[key].xreplace(values), exact, f"{names[key]} = {formulas[key]}"
                )
        edges = [
            replace(
                e,
                value=_finite_real(
                    e.local.xreplace(values), exact, f"∂{e.parent}/∂{e.child} = {e.local}"
                ),
            )
            for e in edges
        ]

    # -- the backward pass --------------------------------------------------------------------
    position = {names[k]: i for i, k in enumerate(order)}
    adjoints: dict[str, sp.Expr] = {}
    adjoint_values: dict[str, sp.Expr] = {}
    steps: list[AdjointStep] = []
    output = names[root_key]
    for key in reversed(order):
        node_name = names[key]
        if key == root_key:
            adjoints[node_name] = sp.S.One
            adjoint_values[node_name] = sp.S.One
            steps.append(
                AdjointStep(node_name, (), sp.S.One, sp.S.One, sp.S.One if point else None)
            )
            continue
        incoming = sorted(
            (e for e in edges if e.child == node_name), key=lambda e: -position[e.parent]
        )
        contributions = []
        for e in incoming:
            local_named = in_named(e.local)
            term = _absorb_sign(adjoints[e.parent] * local_named)
            if point is not None:
                term_value = adjoint_values[e.parent] * e.value
                if not exact:
                    term_value = sp.N(term_value, _FLOAT_DIGITS)
                contributions.append(
                    Contribution(
                        e.parent,
                        e.local,
                        local_named,
                        adjoints[e.parent],
                        term,
                        e.value,
                        adjoint_values[e.parent],
                        term_value,
                    )
                )
            else:
                contributions.append(
                    Contribution(e.parent, e.local, local_named, adjoints[e.parent], term)
                )
        total = sp.Add(*(c.term for c in contributions))
        simplified = _simplified(total)
        adjoints[node_name] = simplified
        value = None
        if point is not None:
            value = sp.Add(*(c.term_value for c in contributions))
            value = value if exact else sp.N(value, _FLOAT_DIGITS)
            adjoint_values[node_name] = value
        steps.append(AdjointStep(node_name, tuple(contributions), total, simplified, value))

    # -- the gradient and its check -----------------------------------------------------------
    wrt_names = _names(wrt)
    if wrt_names is None:
        wrt_symbols = tuple(input_names.values())
    else:
        wrt_list = []
        for var_name in wrt_names:
            if var_name in definitions or (var_name == output and not root_named):
                raise DerivationError(
                    f"{var_name} is a node, not an input; its adjoint is in .adjoints"
                )
            _check_name(var_name, "the variable")
            wrt_list.append(input_names.get(var_name, sp.Symbol(var_name)))
        wrt_symbols = tuple(dict.fromkeys(wrt_list))
    gradient = {s.name: adjoints.get(s.name, sp.S.Zero) for s in wrt_symbols}
    full_expr = protos[root_key].expr
    verification = NOT_VERIFIED
    if verify:
        if wrt_symbols:
            partials = {
                (s,): (g.xreplace(expansions) if expansions else g)
                for s, g in zip(wrt_symbols, gradient.values(), strict=True)
            }
            verification = verify_partials(full_expr, wrt_symbols, partials)
        else:
            verification = Verification(
                ok=None, max_rel_error=None, reason="there is no variable to differentiate by"
            )

    nodes = []
    for key in order:
        p = protos[key]
        node_name = names[key]
        kind = "input" if p.kind == "input" else "output" if key == root_key else "intermediate"
        nodes.append(
            Node(
                name=node_name,
                symbol=symbols[key],
                kind=kind,
                op=p.op,
                formula=formulas[key],
                expr=p.expr,
                children=tuple(names[c] for c in p.children),
                defined=key in builder.def_keys,
                named=formulas[key].xreplace(named),
                adjoint=adjoints[node_name],
                value=values.get(symbols[key]) if point is not None else None,
                adjoint_value=adjoint_values.get(node_name) if point is not None else None,
            )
        )
    defined_formulas = {
        names[k]: formulas[k].xreplace(named) for k in order if k in builder.def_keys
    }
    ordered_defs = {d: defined_formulas[d] for d in definitions if d in defined_formulas}
    return Backprop(
        expr=full_expr,
        output=output,
        nodes=tuple(nodes),
        edges=tuple(edges),
        steps=tuple(steps),
        adjoints=adjoints,
        gradient=gradient,
        wrt=wrt_symbols,
        definitions=ordered_defs,
        expansions=expansions,
        at=point,
        verification=verification,
        source=source,
    )
