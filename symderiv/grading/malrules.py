"""Mal-rules: wrong rules from ``rules/malrules.toml``, applied by the engine's own rule book.

A mal-rule replaces the right rule at ONE node of a derivation; everything else is worked
out correctly. :func:`slips` enumerates every (node, mal-rule) pair of a derivative and
returns the "derivatives with one slip", which the grader compares with a wrong answer.

The deriver below subclasses the engine's ``_Deriver``: its ``move`` asks the engine for
the right rule at a node and, at the one chosen node, swaps in the mal-rule's formula
(data, read with :func:`symderiv.parse`). There are no per-problem special cases.

>>> import sympy as sp
>>> x = sp.Symbol("x")
>>> [(s.rule.id, s.derivative) for s in slips(sp.cos(x), (x,))]
[('trig.sign', sin(x))]
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import sympy as sp

from symderiv.engine import Move, _Deriver, _is_denominator, _is_unknown_of, _letters, pending
from symderiv.notation import unicode_str
from symderiv.parsing import parse
from symderiv.rulebook import load_rulebook

__all__ = ["MalRule", "Slip", "load_malrules", "slips"]

#: Placeholders a wrong formula may use.
PLACEHOLDERS = ("u", "u_x", "v", "v_x", "n", "a", "c", "D_u")
#: At most this many nodes and slips are tried per derivative (bounded work).
MAX_NODES = 60
MAX_SLIPS = 120


class MalRuleError(ValueError):
    """``rules/malrules.toml`` is malformed."""


@dataclass(frozen=True)
class MalRule:
    """One wrong rule: where it applies and the wrong derivative of the node."""

    id: str
    applies_to: tuple[str, ...]
    exclude: tuple[str, ...]
    chain: bool | None
    wrong: Mapping[str, tuple[str, ...]]  # rule id ("*" for any) -> formulas
    description: str
    feedback: Mapping[str, str]

    def formulas(self, rule: str) -> tuple[sp.Expr, ...]:
        texts = self.wrong.get(rule) or self.wrong.get("*") or ()
        return tuple(_compile(t) for t in texts)

    def matches(self, rule: str, chained: bool) -> bool:
        if rule in self.exclude:
            return False
        if self.chain is not None and self.chain != chained:
            return False
        return rule in self.applies_to or "*" in self.applies_to

    def message(self, lang: str, values: Mapping[str, str]) -> str:
        template = self.feedback.get(lang) or self.feedback["en"]
        return template.format_map(_Keep(values))


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@functools.cache
def _compile(text: str) -> sp.Expr:
    expr = parse(text)
    unknown = {s.name for s in expr.free_symbols} - set(PLACEHOLDERS)
    if unknown:
        raise MalRuleError(f"mal-rule formula {text!r} uses unknown symbols {sorted(unknown)}")
    return expr


def _book_path() -> Path:
    try:
        return Path(str(resources.files("symderiv.rules"))) / "malrules.toml"
    except ModuleNotFoundError:  # pragma: no cover - source checkout without install
        return Path(__file__).resolve().parents[2] / "rules" / "malrules.toml"


def _as_tuple(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise MalRuleError(f"{where}: expected a string or a list of strings")


@functools.cache
def load_malrules(path: str | None = None) -> tuple[MalRule, ...]:
    """Read and validate the mal-rule book (cached)."""
    file = Path(path) if path else _book_path()
    data = tomllib.loads(file.read_text(encoding="utf-8"))
    rules: list[MalRule] = []
    seen: set[str] = set()
    for index, entry in enumerate(data.get("malrule", [])):
        where = f"{file.name}, mal-rule #{index + 1}"
        rule_id = entry.get("id")
        if not isinstance(rule_id, str) or rule_id in seen:
            raise MalRuleError(f"{where}: missing or duplicate id")
        seen.add(rule_id)
        wrong_raw = entry.get("wrong")
        if isinstance(wrong_raw, dict):
            wrong = {k: _as_tuple(v, where) for k, v in wrong_raw.items()}
        else:
            wrong = {"*": _as_tuple(wrong_raw, where)}
        feedback = entry.get("feedback", {})
        if not all(isinstance(feedback.get(lang), str) for lang in ("en", "ko")):
            raise MalRuleError(f"{where} ({rule_id}): feedback needs en and ko")
        chain = entry.get("chain")
        rule = MalRule(
            id=rule_id,
            applies_to=_as_tuple(entry.get("applies_to"), where),
            exclude=_as_tuple(entry.get("exclude", []), where),
            chain=chain if isinstance(chain, bool) else None,
            wrong=wrong,
            description=str(entry.get("description", "")),
            feedback=dict(feedback),
        )
        for texts in wrong.values():
            for text in texts:
                _compile(text)
        rules.append(rule)
    return tuple(rules)


# --------------------------------------------------------------------------- the deriver


@dataclass(frozen=True)
class Node:
    """A node of the derivation: the sub-expression, its rule and its pieces."""

    expr: sp.Expr
    rule: str  # the elementary or structural rule that differentiates it
    chained: bool
    pieces: Mapping[str, sp.Expr]


def _pieces(f: sp.Expr, move: Move, x: sp.Symbol) -> Node | None:
    """Name the parts of ``f`` the way the engine's rule saw them."""
    chained = move.rule == "chain"
    rule = move.outer if chained and move.outer else move.rule
    inner = move.substitution[1] if chained and move.substitution else x
    if rule in ("product", "quotient", "constant_multiple"):
        factors = [a for a in f.args if a.has(x)]
        constants = [a for a in f.args if not a.has(x)]
        if rule == "constant_multiple":
            return Node(f, rule, False, {"c": sp.Mul(*constants), "u": sp.Mul(*factors)})
        if rule == "quotient":
            top = sp.Mul(*[a for a in factors if not _is_denominator(a)])
            bottom = sp.Mul(*[1 / a for a in factors if _is_denominator(a)])
            return Node(f, rule, False, {"u": top, "v": bottom})
        return Node(f, rule, False, {"u": factors[0], "v": sp.Mul(*factors[1:])})
    if rule == "power" and isinstance(f, sp.Pow):
        base, n = f.args
        return Node(f, rule, chained, {"u": base, "n": n, "D_u": n * base ** (n - 1)})
    if rule == "exp_base" and isinstance(f, sp.Pow):
        a, u = f.args
        return Node(f, rule, chained, {"u": u, "a": a, "D_u": a**u * sp.log(a)})
    if isinstance(f, sp.Function) and len(f.args) == 1:
        book_rule = load_rulebook().for_function(type(f).__name__)
        if book_rule is None or book_rule.id != rule:
            return None
        formula = parse(book_rule.derivative or "")
        return Node(
            f, rule, chained, {"u": inner, "D_u": formula.xreplace({sp.Symbol("u"): inner})}
        )
    return None


@dataclass
class _SlipDeriver(_Deriver):
    """The engine's deriver, resolving pending derivatives recursively, with at most one
    node where a mal-rule is applied instead of the right rule."""

    slip: tuple[sp.Expr, MalRule, sp.Expr] | None = None
    nodes: list[tuple[sp.Expr, Move]] = field(default_factory=list)
    values: dict[sp.Expr, sp.Expr] = field(default_factory=dict)

    def move(self, f: sp.Expr) -> Move:
        right = super().move(f)
        if self.slip is not None and f == self.slip[0]:
            _, malrule, replacement = self.slip
            return Move(malrule.id, replacement)
        if self.slip is None and len(self.nodes) < MAX_NODES:
            self.nodes.append((f, right))
        return right

    def d(self, f: sp.Expr) -> sp.Expr:
        """d/dx f, every pending derivative resolved."""
        if f in self.values:
            return self.values[f]
        replacement = self.move(f).replacement
        todo = {
            p: self.d(p.expr)
            for p in replacement.atoms(sp.Derivative)
            if p.variables == (self.var,)
            and p not in self.terminal
            and not _is_unknown_of(p, self.var)
        }
        value = replacement.xreplace(todo) if todo else replacement
        self.values[f] = value
        return value


def _deriver(f: sp.Expr, x: sp.Symbol, slip: tuple | None = None) -> _SlipDeriver:
    taken = {s.name for s in f.free_symbols}
    return _SlipDeriver(x, load_rulebook(), _letters(taken), slip=slip)


@dataclass(frozen=True)
class Slip:
    """The derivative with one mal-rule applied at one node."""

    rule: MalRule
    node: sp.Expr
    pieces: Mapping[str, sp.Expr]
    derivative: sp.Expr
    stage: int = 1

    def feedback(self, lang: str = "en") -> str:
        values = {k: unicode_str(v) for k, v in self.pieces.items()}
        values["node"] = unicode_str(self.node)
        return self.rule.message(lang, values)


def _wrong_replacements(node: Node, malrule: MalRule, x: sp.Symbol) -> list[sp.Expr]:
    values = dict(node.pieces)
    for name in ("u", "v"):
        if name in values:
            values[f"{name}_x"] = pending(values[name], x)
    out = []
    for formula in malrule.formulas(node.rule):
        needed = {s.name for s in formula.free_symbols}
        if not needed <= set(values):
            continue
        out.append(formula.xreplace({sp.Symbol(k): values[k] for k in needed}))
    return out


def _stage_slips(f: sp.Expr, x: sp.Symbol) -> list[tuple[Node, MalRule, sp.Expr]]:
    """Every one-slip derivative of f by x (one differentiation)."""
    recorder = _deriver(f, x)
    right = recorder.d(f)
    out: list[tuple[Node, MalRule, sp.Expr]] = []
    seen_nodes: set[sp.Expr] = set()
    for expr, move in recorder.nodes:
        if expr in seen_nodes:
            continue
        seen_nodes.add(expr)
        node = _pieces(expr, move, x)
        if node is None:
            continue
        for malrule in load_malrules():
            if not malrule.matches(node.rule, node.chained):
                continue
            for wrong in _wrong_replacements(node, malrule, x):
                slipped = _deriver(f, x, (expr, malrule, wrong)).d(f)
                if slipped != right:
                    out.append((node, malrule, slipped))
                if len(out) >= MAX_SLIPS:
                    return out
    return out


def slips(f: sp.Expr, wrt: tuple[sp.Symbol, ...]) -> list[Slip]:
    """All derivatives of ``f`` by the variables ``wrt`` (in order) with exactly one slip.

    For higher orders the slip may happen in any one of the differentiations; the others
    are done correctly.
    """
    found: list[Slip] = []
    current = f
    for stage, x in enumerate(wrt, start=1):
        rest = wrt[stage:]
        for node, malrule, slipped in _stage_slips(current, x):
            value = slipped
            for y in rest:
                value = sp.diff(value, y)
            found.append(Slip(malrule, node.expr, node.pieces, value, stage))
            if len(found) >= MAX_SLIPS:
                return found
        current = sp.diff(current, x)
    return found


def all_ids() -> tuple[str, ...]:
    return tuple(r.id for r in load_malrules())
