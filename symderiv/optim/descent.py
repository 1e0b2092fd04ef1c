"""Gradient descent, momentum and Newton's method worked step by step.

``descend`` derives ∇f once (with steps), then iterates in IEEE double (what the learner's
Python computes) or in exact fractions, recording every iterate: the point, f, ∇f and the
step taken. It stops when ‖∇f‖ ≤ tol, when the step budget is spent, or when the iterates
run away, and says which in a sentence.

>>> r = descend("x^2", {"x": 5}, lr="0.1", steps=3, exact=True)
>>> [str(it.point["x"]) for it in r.iterates]
['5', '4', '16/5', '64/25']
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar

import sympy as sp

from symderiv.optim.common import (
    Note,
    Number,
    OptimError,
    Result,
    exact_number,
    norm,
    point_in_order,
    show_number,
    to_fraction,
)
from symderiv.optim.evaluator import NoValue, is_finite
from symderiv.optim.linalg import positive_definite, solve
from symderiv.optim.objective import Objective, prepare
from symderiv.steps import NOT_VERIFIED, Verification

METHODS = ("gd", "momentum", "newton")
#: Gradient descent is called diverging once f and ‖∇f‖ have grown this many steps in a row
#: (momentum may climb for a while before it turns, so it gets more rope).
GROWTH_STEPS = {"gd": 5, "momentum": 30, "newton": 10**9}
#: Iterates this far out (relative to the start) have run away whatever the method.
RUNAWAY = 1e12
#: Exact fractions longer than this many bits make the table unreadable and the run slow.
MAX_EXACT_BITS = 4096
MAX_STEPS = 100_000


@dataclass(frozen=True)
class Iterate:
    """Iterate k: the point x_k (by variable name), f(x_k), ∇f(x_k), and the step
    x_{k+1} − x_k taken from it (None for the last iterate). For momentum the step is the
    velocity v_{k+1}; for Newton's method it is −lr·H⁻¹∇f. ``notes`` say what happened here
    (a singular or indefinite Hessian)."""

    k: int
    point: dict[str, Number]
    f: Number
    grad: tuple[Number, ...]
    step: tuple[Number, ...] | None
    notes: tuple[Note, ...] = ()

    @property
    def coords(self) -> tuple[Number, ...]:
        return tuple(self.point.values())

    @property
    def grad_norm(self) -> float:
        return norm(self.grad)


@dataclass(frozen=True, eq=False)
class Descent(Result):
    """A worked run of ``method`` on ``objective`` from ``iterates[0]``."""

    objective: Objective
    method: str
    lr: Number
    beta: Number
    tol: float
    exact: bool
    budget: int
    iterates: tuple[Iterate, ...]
    stop: Note
    outcome: str  # "converged" | "budget" | "diverged" | "stopped"
    verification: Verification = NOT_VERIFIED
    metadata: dict[str, Any] = field(default_factory=dict, compare=False)

    printers: ClassVar[tuple[str, str]] = ("symderiv.render.optim.descent", "descent_")

    @property
    def expr(self) -> sp.Expr:
        return self.objective.expr

    @property
    def vars(self) -> tuple[sp.Symbol, ...]:
        return self.objective.vars

    @property
    def final(self) -> dict[str, Number]:
        return dict(self.iterates[-1].point)

    @property
    def converged(self) -> bool:
        return self.outcome == "converged"

    @property
    def diverged(self) -> bool:
        return self.outcome == "diverged"

    @property
    def steps_taken(self) -> int:
        return len(self.iterates) - 1


def _number(value: Any, exact: bool, what: str) -> Number:
    q = exact_number(value, what)
    return to_fraction(q) if exact else float(to_fraction(q))


def check_method(method: str) -> str:
    if method not in METHODS:
        raise OptimError(f"the method must be one of {', '.join(METHODS)}, not {method!r}")
    return method


def _runaway(x: Sequence[Number], start_norm: float) -> bool:
    return not is_finite(x) or norm(x) > RUNAWAY * (1.0 + start_norm)


def _too_long(x: Sequence[Number]) -> bool:
    return any(
        isinstance(v, Fraction)
        and max(v.numerator.bit_length(), v.denominator.bit_length()) > MAX_EXACT_BITS
        for v in x
    )


def _growth_note(method: str, names: Sequence[str], norms: Sequence[float], lr: Number) -> Note:
    m = min(5, len(norms) - 1)
    factor = (norms[-1] / norms[-1 - m]) ** (1 / m) if m > 0 and norms[-1 - m] > 0 else math.inf
    size = f"|{names[0]}|" if len(names) == 1 else "‖(" + ", ".join(names) + ")‖"
    key = "diverged_lr" if method == "gd" else "diverged"
    return Note(key, size=size, factor=f"{factor:.3g}", lr=show_number(lr))


class _Run:
    """The iteration itself, kept apart from the derivation so it can be timed alone."""

    def __init__(
        self, objective: Objective, method: str, lr: Number, beta: Number, kind: str
    ) -> None:
        self.names = objective.names
        self.method = method
        self.lr, self.beta = lr, beta
        self.f = objective.f(kind)
        self.grad = objective.grad(kind)
        self.hess = objective.hess(kind) if method == "newton" else None
        self.exact = kind == "exact"

    def point(self, x: Sequence[Number]) -> dict[str, Number]:
        return dict(zip(self.names, x, strict=True))

    def run(
        self, start: Sequence[Number], steps: int, tol: float
    ) -> tuple[list[Iterate], Note, str]:
        lr, beta, method = self.lr, self.beta, self.method
        x = list(start)
        velocity = [0 * c for c in x]
        start_norm = norm(x)
        fs: list[float] = []
        gnorms: list[float] = []
        xnorms: list[float] = []
        iterates: list[Iterate] = []
        growth = GROWTH_STEPS[method]
        for k in range(steps + 1):
            try:
                fx = self.f(x)
                g = self.grad(x)
            except NoValue as exc:
                if k == 0:
                    raise OptimError(f"the function has no value at the start: {exc}") from exc
                return iterates, Note("no_value", k=k, reason=str(exc)), "stopped"
            if not is_finite([fx, *g]):
                iterates.append(Iterate(k, self.point(x), fx, tuple(g), None))
                return iterates, _growth_note(method, self.names, xnorms or [1.0], lr), "diverged"
            gnorm = norm(g)
            fs.append(float(fx))
            gnorms.append(gnorm)
            xnorms.append(norm(x))
            if gnorm <= tol:
                final_notes: tuple[Note, ...] = ()
                if self.hess is not None and not positive_definite(self.hess(x)):
                    final_notes = (Note("not_minimum"),)
                iterates.append(Iterate(k, self.point(x), fx, tuple(g), None, final_notes))
                return iterates, Note("converged", k=k, tol=f"{tol:g}"), "converged"
            if k >= growth and all(
                fs[i] < fs[i + 1] and gnorms[i] < gnorms[i + 1] for i in range(-growth - 1, -1)
            ):
                iterates.append(Iterate(k, self.point(x), fx, tuple(g), None))
                return iterates, _growth_note(method, self.names, xnorms, lr), "diverged"
            if k == steps:
                iterates.append(Iterate(k, self.point(x), fx, tuple(g), None))
                return iterates, Note("budget", steps=steps, gnorm=f"{gnorm:.3g}"), "budget"
            notes: tuple[Note, ...] = ()
            if method == "gd":
                step = [-lr * gi for gi in g]
            elif method == "momentum":
                velocity = [beta * vi - lr * gi for vi, gi in zip(velocity, g, strict=True)]
                step = velocity
            else:
                solved = solve(self.hess(x), g)
                if solved.d is None:
                    note = Note("hessian_singular", k=k)
                    iterates.append(Iterate(k, self.point(x), fx, tuple(g), None, (note,)))
                    return iterates, note, "stopped"
                if not solved.positive_definite:
                    notes = (Note("hessian_not_pd", k=k),)
                step = [-lr * di for di in solved.d]
            iterates.append(Iterate(k, self.point(x), fx, tuple(g), tuple(step), notes))
            x = [xi + si for xi, si in zip(x, step, strict=True)]
            if _runaway(x, start_norm):
                iterates.append(Iterate(k + 1, self.point(x), math.nan, (), None))
                xnorms.append(norm(x) if is_finite(x) else math.inf)
                return iterates, _growth_note(method, self.names, xnorms, lr), "diverged"
            if self.exact and _too_long(x):
                iterates.append(Iterate(k + 1, self.point(x), self.f(x), tuple(self.grad(x)), None))
                return iterates, Note("exact_too_long", k=k + 1), "stopped"
        raise AssertionError("unreachable")  # pragma: no cover


def descend(
    expr: str | sp.Expr,
    start: Any,
    lr: Any = None,
    steps: int = 100,
    method: str = "gd",
    beta: Any = "0.9",
    tol: float = 1e-6,
    exact: bool = False,
    *,
    vars: str | Iterable[str | sp.Symbol] | None = None,
    verify: bool = True,
) -> Descent:
    """Minimise ``expr`` from ``start`` by ``method`` ("gd", "momentum" or "newton").

    ``start`` is a point: ``{"x": 5}``, ``[4, 3]``, ``"x=4,y=3"`` or a number. ``lr`` is
    the learning rate (default 0.1; for Newton's method 1, the full step w − H⁻¹∇f);
    ``beta`` the momentum coefficient; ``steps`` the step budget; the run stops early once
    ‖∇f‖ ≤ ``tol``. ``exact=True`` computes in exact fractions (rational functions only),
    else in IEEE double. Unless ``verify`` is False every iterate is recomputed
    independently in mpmath (``.verification``).
    """
    check_method(method)
    if not isinstance(steps, int) or isinstance(steps, bool) or not 0 <= steps <= MAX_STEPS:
        raise OptimError(f"the number of steps must be a whole number from 0 to {MAX_STEPS}")
    if not (isinstance(tol, int | float) and tol >= 0 and math.isfinite(tol)):
        raise OptimError("the tolerance must be a number ≥ 0")
    objective = prepare(expr, vars, newton=method == "newton", verify=verify)
    return run_descent(objective, start, lr, steps, method, beta, tol, exact, verify=verify)


def run_descent(
    objective: Objective,
    start: Any,
    lr: Any = None,
    steps: int = 100,
    method: str = "gd",
    beta: Any = "0.9",
    tol: float = 1e-6,
    exact: bool = False,
    *,
    verify: bool = True,
) -> Descent:
    """The iterations of :func:`descend` on an already prepared objective."""
    kind = "exact" if exact else "float"
    if lr is None:
        lr = 1 if method == "newton" else "0.1"
    rate = _number(lr, exact, "learning rate")
    if rate <= 0:
        raise OptimError("the learning rate must be positive")
    momentum = _number(beta, exact, "momentum coefficient β")
    if not 0 <= momentum < 1:
        raise OptimError("the momentum coefficient β must be at least 0 and below 1")
    x0 = [
        to_fraction(c) if exact else float(to_fraction(c))
        for c in point_in_order(start, objective.vars)
    ]
    runner = _Run(objective, method, rate, momentum, kind)
    iterates, stop, outcome = runner.run(x0, steps, tol)
    result = Descent(
        objective, method, rate, momentum, tol, exact, steps, tuple(iterates), stop, outcome
    )
    if verify:
        from symderiv.optim.checks import check_descent

        result = dataclasses.replace(result, verification=check_descent(result))
    return result
