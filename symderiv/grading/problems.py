"""Problems: what is asked, as a dataclass or a JSON-ready dict, and its expected answer.

Schema (dict keys; all text is read with :func:`symderiv.parse`):

* ``{"kind": "derivative", "function": "x^2 sin(x)", "var": "x", "order": 1}`` --
  ``var`` may be omitted when the function has one variable; ``order`` defaults to 1.
* ``{"kind": "partial", "function": "x^2 y", "var": "y"}`` or, for a mixed partial,
  ``"vars": ["x", "y"]`` (differentiate by x, then by y).
* ``{"kind": "gradient", "function": ..., "vars": ["x", "y"]}`` -- a vector answer.
* ``{"kind": "jacobian", "functions": [..., ...], "vars": [...]}`` -- a matrix answer
  (one row per function).
* ``{"kind": "hessian", "function": ..., "vars": [...]}`` -- a matrix answer.
* ``{"kind": "expression", "expected": "...", "vars": ["x"]}`` -- equivalence with a given
  expression (``vars`` defaults to its free symbols).

Optional for every kind: ``"form"``: ``"any"`` (default), ``"simplified"`` or
``"factored"``; ``"id"`` (carried along). Every entry of the expected answer is a
derivative of a function by a sequence of variables (a :class:`Target`), which is what the
mal-rule diagnosis needs; ``expression`` problems have no target.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from symderiv.engine import derive
from symderiv.errors import SymderivError
from symderiv.parsing import parse

__all__ = ["FORMS", "KINDS", "Expected", "Problem", "ProblemError", "Target", "as_problem"]

KINDS = ("derivative", "partial", "gradient", "jacobian", "hessian", "expression")
FORMS = ("any", "simplified", "factored")
MAX_VARS = 6


class ProblemError(SymderivError, ValueError):
    """A problem that cannot be set (unknown kind, unreadable function, ...)."""


@dataclass(frozen=True)
class Problem:
    """A problem; see the module doc for the fields each kind uses."""

    kind: str
    function: str | None = None
    functions: tuple[str, ...] = ()
    var: str | None = None
    vars: tuple[str, ...] = ()
    order: int = 1
    expected: str | None = None
    form: str = "any"
    id: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Problem:
        if not isinstance(data, Mapping):
            raise ProblemError("a problem must be a JSON object (a dict)")
        kind = data.get("kind", "derivative")
        known = {
            "kind",
            "function",
            "functions",
            "var",
            "vars",
            "order",
            "expected",
            "form",
            "id",
        }
        unknown = sorted(set(data) - known)
        if unknown:
            raise ProblemError(f"unknown problem field(s): {', '.join(map(str, unknown))}")
        order = data.get("order", 1)
        if not isinstance(order, int) or isinstance(order, bool) or not 1 <= order <= 4:
            raise ProblemError("order must be a whole number from 1 to 4")
        vars_ = data.get("vars") or ()
        if isinstance(vars_, str):
            vars_ = (vars_,)
        return cls(
            kind=str(kind),
            function=_text(data.get("function")),
            functions=tuple(_text(f) or "" for f in data.get("functions") or ()),
            var=_text(data.get("var")),
            vars=tuple(str(v) for v in vars_),
            order=order,
            expected=_text(data.get("expected")),
            form=str(data.get("form", "any")),
            id=_text(data.get("id")),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        for key in ("function", "var", "expected", "id"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.functions:
            out["functions"] = list(self.functions)
        if self.vars:
            out["vars"] = list(self.vars)
        if self.order != 1:
            out["order"] = self.order
        if self.form != "any":
            out["form"] = self.form
        return out


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ProblemError(f"expected text, got {type(value).__name__}")
    return value


def as_problem(problem: Problem | Mapping[str, Any]) -> Problem:
    return problem if isinstance(problem, Problem) else Problem.from_dict(problem)


@dataclass(frozen=True)
class Target:
    """One expected entry: the derivative of ``function`` by ``wrt`` (in order)."""

    function: sp.Expr
    wrt: tuple[sp.Symbol, ...]


@dataclass(frozen=True)
class Expected:
    """The expected answer of a problem."""

    shape: tuple[int, ...]
    entries: tuple[sp.Expr, ...]
    targets: tuple[Target | None, ...]
    vars: tuple[sp.Symbol, ...]
    domain: tuple[sp.Expr, ...]  # expressions that must be real where answers are compared
    symbols: frozenset[sp.Symbol]  # the symbols an answer may use
    functions: tuple[sp.Expr, ...] = field(default=())


def _read(text: str | None, what: str) -> sp.Expr:
    if not text:
        raise ProblemError(f"the problem needs a {what}")
    try:
        return parse(text)
    except SymderivError as exc:
        raise ProblemError(f"cannot read the problem's {what}: {exc}") from None


def _symbol(name: str, expr: sp.Expr) -> sp.Symbol:
    for s in expr.free_symbols:
        if s.name == name:
            return s
    if not name.isidentifier():
        raise ProblemError(f"{name!r} is not a variable name")
    return sp.Symbol(name)


def _vars(problem: Problem, expr: sp.Expr) -> tuple[sp.Symbol, ...]:
    names = problem.vars or ((problem.var,) if problem.var else ())
    if not names:
        names = tuple(sorted(s.name for s in expr.free_symbols))
    if len(names) > MAX_VARS:
        raise ProblemError(f"at most {MAX_VARS} variables")
    return tuple(_symbol(n, expr) for n in names)


def _derivative(f: sp.Expr, wrt: Sequence[sp.Symbol]) -> sp.Expr:
    value = f
    for x in wrt:
        value = derive(value, x, verify=False).result
    return value


def expected_answer(problem: Problem) -> Expected:
    """Work out the expected answer of ``problem`` with the engine."""
    if problem.kind not in KINDS:
        raise ProblemError(f"unknown problem kind {problem.kind!r}; known: {', '.join(KINDS)}")
    if problem.form not in FORMS:
        raise ProblemError(f"form must be one of {', '.join(FORMS)}")
    if problem.kind == "expression":
        e = _read(problem.expected, "expected expression")
        vars_ = _vars(problem, e)
        return Expected((), (e,), (None,), vars_, (e,), frozenset(e.free_symbols | set(vars_)))
    if problem.kind == "jacobian":
        fs = tuple(_read(t, "function") for t in problem.functions)
        if not fs:
            raise ProblemError("a jacobian problem needs functions")
        vars_ = _vars(problem, sp.Add(*fs))
        targets = tuple(Target(f, (x,)) for f in fs for x in vars_)
        entries = tuple(_derivative(t.function, t.wrt) for t in targets)
        symbols = frozenset(set().union(*(f.free_symbols for f in fs)) | set(vars_))
        return Expected((len(fs), len(vars_)), entries, targets, vars_, fs, symbols, fs)
    f = _read(problem.function, "function")
    if f.has(sp.Derivative):
        raise ProblemError("the problem's function already contains a derivative")
    symbols = frozenset(f.free_symbols)
    if problem.kind == "derivative":
        (x,) = _vars(problem, f)[:1] or (sp.Symbol("x"),)
        if not problem.var and len(f.free_symbols) > 1:
            raise ProblemError("say which variable to differentiate by (var)")
        target = Target(f, (x,) * problem.order)
        entries = (_derivative(f, target.wrt),)
        return Expected((), entries, (target,), (x,), (f,), symbols | {x}, (f,))
    vars_ = _vars(problem, f)
    if not vars_:
        raise ProblemError("the problem needs vars")
    all_vars = tuple(sorted(f.free_symbols | set(vars_), key=lambda s: s.name))
    if problem.kind == "partial":
        wrt = vars_ if problem.vars else vars_[:1] * problem.order
        target = Target(f, tuple(wrt))
        return Expected(
            (), (_derivative(f, wrt),), (target,), all_vars, (f,), symbols | set(vars_), (f,)
        )
    if problem.kind == "gradient":
        targets = tuple(Target(f, (x,)) for x in vars_)
        entries = tuple(_derivative(f, t.wrt) for t in targets)
        return Expected((len(vars_),), entries, targets, all_vars, (f,), symbols | set(vars_), (f,))
    # hessian
    targets = tuple(Target(f, (a, b)) for a in vars_ for b in vars_)
    entries = tuple(_derivative(f, t.wrt) for t in targets)
    n = len(vars_)
    return Expected((n, n), entries, targets, all_vars, (f,), symbols | set(vars_), (f,))
