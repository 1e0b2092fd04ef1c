"""Several descent runs on one function, side by side: steps to the tolerance per method
or learning rate (the lesson's exercise: x⁴ − 3x² with and without momentum)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import sympy as sp

from symderiv.optim.common import OptimError, Result
from symderiv.optim.descent import Descent, check_method, run_descent
from symderiv.optim.objective import prepare
from symderiv.steps import Verification


@dataclass(frozen=True, eq=False)
class Comparison(Result):
    """The runs, in the order asked; ``fewest`` is the converged run with fewest steps."""

    runs: tuple[Descent, ...]
    verification: Verification

    printers: ClassVar[tuple[str, str]] = ("symderiv.render.optim.descent", "comparison_")

    @property
    def fewest(self) -> Descent | None:
        done = [r for r in self.runs if r.converged]
        return min(done, key=lambda r: r.steps_taken) if done else None

    @property
    def steps_to_tolerance(self) -> list[int | None]:
        return [r.steps_taken if r.converged else None for r in self.runs]


def parse_run(spec: str | dict[str, Any], default_method: str = "gd") -> dict[str, Any]:
    """A run from ``"momentum"``, ``"0.05"`` (a learning rate), ``"gd@0.05"`` or a dict with
    ``method``, ``lr``, ``beta``."""
    if isinstance(spec, dict):
        unknown = set(spec) - {"method", "lr", "beta"}
        if unknown:
            raise OptimError(f"unknown run setting(s): {', '.join(sorted(unknown))}")
        run = {"method": default_method, **spec}
        check_method(run["method"])
        return run
    text = str(spec).strip()
    method, _, lr = text.partition("@")
    if not lr and method not in ("gd", "momentum", "newton"):
        method, lr = default_method, text
    run: dict[str, Any] = {"method": check_method(method.strip())}
    if lr:
        run["lr"] = lr.strip()
    return run


def compare_descent(
    expr: str | sp.Expr,
    start: Any,
    runs: Sequence[str | dict[str, Any]] = ("gd", "momentum"),
    *,
    lr: Any = None,
    steps: int = 1000,
    beta: Any = "0.9",
    tol: float = 1e-6,
    exact: bool = False,
    vars: str | Iterable[str | sp.Symbol] | None = None,
    verify: bool = True,
) -> Comparison:
    """Run each of ``runs`` (methods or learning rates) from ``start`` and compare."""
    if not runs:
        raise OptimError("give at least one method or learning rate to compare")
    specs = [parse_run(r) for r in runs]
    newton = any(s["method"] == "newton" for s in specs)
    objective = prepare(expr, vars, newton=newton, verify=verify)
    results = []
    for s in specs:
        run_lr = s.get("lr", lr if s["method"] != "newton" else None)
        results.append(
            run_descent(
                objective,
                start,
                run_lr,
                steps,
                s["method"],
                s.get("beta", beta),
                tol,
                exact,
                verify=verify,
            )
        )
    verification = results[0].verification
    if verify:
        parts = [r.verification for r in results]
        verification = Verification(
            ok=all(p.ok for p in parts) if all(p.ran for p in parts) else None,
            max_rel_error=max((p.max_rel_error or 0.0) for p in parts),
            points=parts[0].points,
            tolerance=max(p.tolerance for p in parts),
            digits=parts[0].digits,
            method=parts[0].method,
            reason="; ".join(p.reason for p in parts if p.reason and not p.ok),
        )
    return Comparison(tuple(results), verification)
