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
* A gradient or hessian *at a point*: add ``"point": [1, 2]`` (in the order of ``vars``) or
  ``"point": {"x": 1, "y": 2}``. The expected entries are then the derivatives evaluated
  exactly at the point (numbers, or expressions in any other symbols of the function), and
  the answer is a vector or matrix of values; ``abs_tol``/``rel_tol`` apply as usual. Such
  entries have no target, so slips are not diagnosed. (``at`` is only the centre of a
  Taylor problem.)
* ``{"kind": "expression", "expected": "...", "vars": ["x"]}`` -- equivalence with a given
  expression (``vars`` defaults to its free symbols).
* ``{"kind": "taylor", "function": "e^x", "var": "x", "at": 1, "order": 3}`` -- the
  Taylor polynomial of degree ``order`` (0 to 12; required in a dict) about ``at``
  (a number or text such as ``"pi/4"``, default 0); one variable.
* ``{"kind": "classification", "function": "x^3 - 3x + y^2", "vars": ["x", "y"],
  "point": [1, 0]}`` -- the answer is one word: minimum, maximum, saddle or
  inconclusive (also 극소, 극대, 안장점, 판정 불가, ...). ``point`` is a list in the
  order of ``vars`` or a dict ``{"x": 1, "y": 0}``; it must be a critical point.
  ``"test"``: ``"any"`` (default; the expected kind is the proved one, higher-order
  arguments included) or ``"second_derivative"`` (the expected kind is what the Hessian
  alone says, so "inconclusive" where it is semidefinite).
* ``{"kind": "critical_points", "function": ..., "vars": [...]}`` -- the answer is the set
  of critical points, each with its kind (``(0,0) saddle; (1,1) minimum``).
  ``"kinds": false`` asks for the points only; ``"test"`` as for classification. The
  function must have finitely many critical points, all found provably.
* ``{"kind": "descent", "function": "x^2 + y^2", "vars": ["x", "y"], "point": [4, 3],
  "lr": "0.1", "steps": 1}`` -- gradient descent from ``point`` (the start, in the order of
  ``vars``, or a dict): the answer is the point after ``steps`` (1 or 2) updates
  x ← x − lr·∇f(x). ``lr`` is a positive number, read exactly (``"0.1"``, ``"1/10"``).

Optional for every kind: ``"form"``: ``"any"`` (default), ``"simplified"`` or
``"factored"`` (derivative kinds only); ``"id"`` (carried along). Each kind is graded by a
module of :mod:`symderiv.grading.kinds`. Every entry of the expected answer is a
derivative of a function by a sequence of variables (a :class:`Target`), which is what the
mal-rule diagnosis needs; ``expression`` problems and problems at a point have no target.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from symderiv.engine import derive
from symderiv.errors import SymderivError
from symderiv.parsing import parse
from symderiv.sympy_values import as_sympy

__all__ = ["FORMS", "KINDS", "Expected", "Problem", "ProblemError", "Target", "as_problem"]

#: Kinds whose expected answer is a derivative or an expression (graded here).
DERIVATIVE_KINDS = ("derivative", "partial", "gradient", "jacobian", "hessian", "expression")
#: Kinds graded by their own modules in :mod:`symderiv.grading.kinds` (no derivative to
#: compare with, so no steps either).
OTHER_KINDS = ("taylor", "classification", "critical_points", "descent")
KINDS = DERIVATIVE_KINDS + OTHER_KINDS
FORMS = ("any", "simplified", "factored")
TESTS = ("any", "second_derivative")
MAX_VARS = 6
MAX_TAYLOR_ORDER = 12
#: The number of gradient-descent steps a descent problem may ask for.
DESCENT_STEPS = (1, 2)


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
    point: tuple[str, ...] = ()
    at: str | None = None
    test: str = "any"
    kinds: bool = True
    lr: str | None = None
    steps: int = 1

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
            "point",
            "at",
            "test",
            "kinds",
            "lr",
            "steps",
        }
        unknown = sorted(set(data) - known)
        if unknown:
            raise ProblemError(f"unknown problem field(s): {', '.join(map(str, unknown))}")
        if kind == "taylor":
            if "order" not in data:
                raise ProblemError("a taylor problem needs an order")
            order = data["order"]
            low, high = 0, MAX_TAYLOR_ORDER
        else:
            order = data.get("order", 1)
            low, high = 1, 4
        if not isinstance(order, int) or isinstance(order, bool) or not low <= order <= high:
            raise ProblemError(f"order must be a whole number from {low} to {high}")
        vars_ = data.get("vars") or ()
        if isinstance(vars_, str):
            vars_ = (vars_,)
        point = data.get("point")
        if isinstance(point, Mapping):
            if not vars_:
                vars_ = tuple(str(k) for k in point)
            names = {str(k): v for k, v in point.items()}
            if set(names) != {str(v) for v in vars_}:
                raise ProblemError("the point must give a value for each of the vars")
            point = [names[str(v)] for v in vars_]
        elif point is not None and not isinstance(point, list | tuple):
            point = [point]
        if kind != "taylor" and isinstance(data.get("at"), Mapping):
            raise ProblemError(
                f"at is the centre of a taylor problem; give the point of a {kind} problem as point"
            )
        kinds = data.get("kinds", True)
        if not isinstance(kinds, bool):
            raise ProblemError("kinds must be true or false")
        lr, steps = _descent_fields(data, str(kind))
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
            point=tuple(_text(v) or "" for v in point or ()),
            at=_text(data.get("at")),
            test=str(data.get("test", "any")),
            kinds=kinds,
            lr=lr,
            steps=steps,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        for key in ("function", "var", "expected", "id", "at"):
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
        if self.point:
            out["point"] = list(self.point)
        if self.test != "any":
            out["test"] = self.test
        if not self.kinds:
            out["kinds"] = False
        if self.kind == "taylor":
            out["order"] = self.order
        if self.lr is not None:
            out["lr"] = self.lr
        if self.kind == "descent":
            out["steps"] = self.steps
        return out


def _descent_fields(data: Mapping[str, Any], kind: str) -> tuple[str | None, int]:
    """The learning rate (text, a positive exact number) and the number of steps."""
    if kind != "descent":
        extra = [key for key in ("lr", "steps") if key in data]
        if extra:
            verb = "belongs" if len(extra) == 1 else "belong"
            raise ProblemError(f"{' and '.join(extra)} only {verb} to descent problems")
        return None, 1
    if data.get("point") is None:
        raise ProblemError("a descent problem needs the start point (point)")
    if "lr" not in data:
        raise ProblemError('a descent problem needs a learning rate (lr), such as "0.1"')
    raw = data["lr"]
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise ProblemError('the learning rate lr must be a number such as "0.1" or "1/10"')
    lr = _text(raw)
    assert lr is not None
    try:
        value = parse(lr)
    except SymderivError as exc:
        raise ProblemError(f"cannot read the learning rate {lr!r}: {exc}") from None
    if not value.is_Rational or not value > 0:
        raise ProblemError(
            f"the learning rate must be a positive exact number (0.1, 1/10), got {lr!r}"
        )
    steps = data.get("steps", 1)
    if not isinstance(steps, int) or isinstance(steps, bool) or steps not in DESCENT_STEPS:
        raise ProblemError("steps must be 1 or 2")
    return lr, steps


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
    point: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()  # where the entries were evaluated
    shown: sp.Expr | None = None  # a scalar answer as the derivation shows it (teacher form)


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


def _shown_derivative(f: sp.Expr, wrt: Sequence[sp.Symbol]) -> tuple[sp.Expr, sp.Expr | None]:
    """The derivative and, when it is taken by one variable, the form its worked
    derivation shows (the teacher's final form, for feedback and keys)."""
    if len(set(wrt)) != 1:
        return _derivative(f, wrt), None
    d = derive(f, wrt[0], len(wrt), verify=False)
    return d.result, d.shown_result()


def expected_answer(problem: Problem) -> Expected:
    """Work out the expected answer of ``problem`` with the engine."""
    if problem.kind not in KINDS:
        raise ProblemError(f"unknown problem kind {problem.kind!r}; known: {', '.join(KINDS)}")
    if problem.kind in OTHER_KINDS:
        raise ProblemError(f"{problem.kind} problems have no derivative to check steps against")
    if problem.form not in FORMS:
        raise ProblemError(f"form must be one of {', '.join(FORMS)}")
    if problem.point and problem.kind not in ("gradient", "hessian"):
        raise ProblemError("a point is only for gradient, hessian and classification problems")
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
        value, shown = _shown_derivative(f, target.wrt)
        return Expected((), (value,), (target,), (x,), (f,), symbols | {x}, (f,), shown=shown)
    vars_ = _vars(problem, f)
    if not vars_:
        raise ProblemError("the problem needs vars")
    all_vars = tuple(sorted(f.free_symbols | set(vars_), key=lambda s: s.name))
    if problem.kind == "partial":
        wrt = vars_ if problem.vars else vars_[:1] * problem.order
        target = Target(f, tuple(wrt))
        value, shown = _shown_derivative(f, wrt)
        return Expected(
            (), (value,), (target,), all_vars, (f,), symbols | set(vars_), (f,), shown=shown
        )
    if problem.kind == "gradient":
        targets = tuple(Target(f, (x,)) for x in vars_)
        shape: tuple[int, ...] = (len(vars_),)
    else:  # hessian
        targets = tuple(Target(f, (a, b)) for a in vars_ for b in vars_)
        shape = (len(vars_), len(vars_))
    entries = tuple(_derivative(f, t.wrt) for t in targets)
    expected = Expected(shape, entries, targets, all_vars, (f,), symbols | set(vars_), (f,))
    return _at_point(expected, vars_, problem.point) if problem.point else expected


def _at_point(expected: Expected, xs: Sequence[sp.Symbol], texts: Sequence[str]) -> Expected:
    """``expected`` with its entries evaluated exactly at the point ``xs = texts``.

    The entries have no targets then: the mal-rule diagnosis works on formulas, not values.
    """
    if len(texts) != len(xs):
        raise ProblemError(f"the point needs {len(xs)} values (one per var)")
    values = []
    for x, text in zip(xs, texts, strict=True):
        value = _read(text, "point")
        if value.free_symbols:
            raise ProblemError(f"the point must be numbers, got {text!r}")
        values.append((x, value))
    point = dict(values)
    entries = []
    for entry in expected.entries:
        value = as_sympy(entry.subs(point))
        if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or value.is_real is False:
            raise ProblemError("the derivatives are not defined (real) at the point")
        entries.append(value)
    return Expected(
        expected.shape,
        tuple(entries),
        (None,) * len(entries),
        expected.vars,
        tuple(entries),
        expected.symbols,
        expected.functions,
        tuple(values),
    )
