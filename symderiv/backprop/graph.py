"""Cutting an expression into a computation graph (a Wengert list) of named nodes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from symderiv.errors import DerivationError

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


class GraphBuilder:
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
