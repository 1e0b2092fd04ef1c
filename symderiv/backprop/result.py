"""What backpropagation produces: the nodes, edges, adjoint steps and the result object."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import sympy as sp

from symderiv.steps import NOT_VERIFIED, Derivation, Printable, Verification
from symderiv.sympy_values import as_sympy

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
