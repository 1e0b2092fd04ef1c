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
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import sympy as sp

from symderiv.backprop.graph import GraphBuilder
from symderiv.backprop.inputs import (
    FLOAT_DIGITS,
    check_name,
    finite_real,
    read_expression,
    read_names,
    read_number,
)
from symderiv.backprop.result import AdjointStep, Backprop, Contribution, Edge, Node
from symderiv.engine import derive
from symderiv.errors import DerivationError
from symderiv.simplify import tidy
from symderiv.steps import NOT_VERIFIED, Derivation, Verification
from symderiv.verify import verify_partials

#: Rule ids that only tidy up; they never characterise an edge.
_BOOKKEEPING_RULES = frozenset({"simplify"})
#: Above this many operations an adjoint is passed down as it stands, untidied.
_TIDY_LIMIT = 600
#: A tidied adjoint replaces the sum as written only if it has at most this fraction of
#: the operations: −y/a + (1 − y)/(1 − a) stays a sum, (−y/a + ...)·a(1 − a) becomes a − y.
_KEEP_SIMPLER = 0.65


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
    def_names = [check_name(d, "the definition name") for d in (defs or {})]
    root = read_expression(expr, def_names)
    definitions: dict[str, sp.Expr] = {}
    for def_name, body in (defs or {}).items():
        parsed = read_expression(body, def_names)
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
    check_name(name, "the output name")

    builder = GraphBuilder(definitions)
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
            point[var_name] = read_number(raw_value, var_name)
        missing = [n for n in input_names if n not in point]
        if missing:
            raise DerivationError(f"give a value for every input; missing: {', '.join(missing)}")
        exact = not any(v.has(sp.Float) for v in point.values())
        for key in order:
            s = symbols[key]
            if protos[key].kind == "input":
                values[s] = point[s.name] if exact else sp.N(point[s.name], FLOAT_DIGITS)
            else:
                values[s] = finite_real(
                    formulas[key].xreplace(values), exact, f"{names[key]} = {formulas[key]}"
                )
        edges = [
            replace(
                e,
                value=finite_real(
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
                    term_value = sp.N(term_value, FLOAT_DIGITS)
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
            value = value if exact else sp.N(value, FLOAT_DIGITS)
            adjoint_values[node_name] = value
        steps.append(AdjointStep(node_name, tuple(contributions), total, simplified, value))

    # -- the gradient and its check -----------------------------------------------------------
    wrt_names = read_names(wrt)
    if wrt_names is None:
        wrt_symbols = tuple(input_names.values())
    else:
        wrt_list = []
        for var_name in wrt_names:
            if var_name in definitions or (var_name == output and not root_named):
                raise DerivationError(
                    f"{var_name} is a node, not an input; its adjoint is in .adjoints"
                )
            check_name(var_name, "the variable")
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
