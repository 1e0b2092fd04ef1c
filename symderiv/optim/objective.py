"""The one-time work before iterating: derive ∇f (and H for Newton) with steps, then
compile f, ∇f and H once for floats or exact fractions."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

import symderiv as sd
from symderiv.optim.common import Number, as_expr, check_no_parameters, resolve_vars
from symderiv.optim.evaluator import Closure, compile_scalar, compile_vector

KINDS = ("float", "exact")


@dataclass(frozen=True, eq=False)
class Objective:
    """A function to minimise: its worked gradient (and Hessian), compiled on demand."""

    expr: sp.Expr
    vars: tuple[sp.Symbol, ...]
    gradient: Any  # sd.Gradient
    hessian: Any = None  # sd.Hessian when Newton's method needs it
    source: str = ""
    _compiled: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.vars)

    @property
    def components(self) -> tuple[sp.Expr, ...]:
        return tuple(self.gradient.components)

    def _compile(self, what: str, kind: str) -> Any:
        key = f"{what}:{kind}"
        if key not in self._compiled:
            if what == "f":
                self._compiled[key] = compile_scalar(self.expr, self.vars, kind)
            elif what == "grad":
                self._compiled[key] = compile_vector(self.components, self.vars, kind)
            else:
                flat = list(self.hessian.matrix)
                n = len(self.vars)
                flat_fn = compile_vector(flat, self.vars, kind)

                def hess(values: Any, flat_fn: Callable[..., list[Number]] = flat_fn) -> Any:
                    entries = flat_fn(values)
                    return [entries[i * n : (i + 1) * n] for i in range(n)]

                self._compiled[key] = hess
        return self._compiled[key]

    def f(self, kind: str) -> Closure:
        return self._compile("f", kind)

    def grad(self, kind: str) -> Callable[..., list[Number]]:
        return self._compile("grad", kind)

    def hess(self, kind: str) -> Callable[..., list[list[Number]]]:
        return self._compile("hess", kind)


@functools.lru_cache(maxsize=64)
def _prepare(expr: sp.Expr, vars: tuple[sp.Symbol, ...], newton: bool, verify: bool) -> Any:
    if newton:
        hessian = sd.hessian(expr, list(vars), verify=verify)
        return hessian.gradient, hessian
    return sd.gradient(expr, list(vars), verify=verify), None


def prepare(
    expr: str | sp.Expr,
    vars: str | Iterable[str | sp.Symbol] | None = None,
    *,
    newton: bool = False,
    verify: bool = True,
) -> Objective:
    """Derive the gradient (and for Newton's method the Hessian) of ``expr`` once."""
    f, source = as_expr(expr)
    xs = resolve_vars(f, vars)
    check_no_parameters(f, xs)
    gradient, hessian = _prepare(f, xs, newton, verify)
    return Objective(f, xs, gradient, hessian, source)
