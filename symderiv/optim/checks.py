"""Independent checks: every recorded iterate recomputed in mpmath from the SymPy tree.

The runs compute with compiled closures over floats or fractions; these checks use
:func:`symderiv.numeric.evaluate` (its own tree walk, 30 digits) and ``mpmath.lu_solve``,
so a slip in the fast path shows up as a failed check. The derived gradient itself is
checked against finite differences by the engine (``Gradient.verification``); both
outcomes are combined into one :class:`~symderiv.steps.Verification`.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import mpmath
from mpmath import mpf

from symderiv.numeric import NumericError, evaluate
from symderiv.steps import Verification

DIGITS = 30
#: Agreement asked of exact runs (to 30 digits) and of runs in IEEE double.
EXACT_TOLERANCE = 1e-25
FLOAT_TOLERANCE = 1e-9
#: At most this many iterates are recomputed (the first ones and the last ones).
MAX_CHECKED = 1000


def to_mpf(value: Any) -> mpf:
    if isinstance(value, Fraction):
        return mpf(value.numerator) / value.denominator
    return mpf(value)


def relative_gap(recorded: Any, expected: mpf, scale: mpf) -> float:
    """|recorded − expected| relative to max(|expected|, scale, 1e-300)."""
    gap = abs(to_mpf(recorded) - expected)
    return float(gap / max(abs(expected), scale, mpf("1e-300")))


def combine(own: Verification | None, formulas: Verification, method: str) -> Verification:
    """One verdict from the iterates' recomputation and the engine's formula check."""
    parts = [v for v in (own, formulas) if v is not None and v.ran]
    if not parts:
        return Verification(ok=None, max_rel_error=None, reason="nothing could be checked")
    errors = [v.max_rel_error for v in parts if v.max_rel_error is not None]
    points = tuple(p for v in parts for p in v.points)
    return Verification(
        ok=all(v.ok for v in parts),
        max_rel_error=max(errors) if errors else None,
        points=points,
        tolerance=max(v.tolerance for v in parts),
        digits=DIGITS,
        method=method,
        reason="; ".join(v.reason for v in parts if v.reason),
    )


def _sample(n: int) -> list[int]:
    if n <= MAX_CHECKED:
        return list(range(n))
    half = MAX_CHECKED // 2
    return [*range(half), *range(n - half, n)]


def check_descent(result: Any) -> Verification:
    """Recompute f, ∇f and the next point of every iterate in mpmath."""
    obj = result.objective
    vars = obj.vars
    tolerance = EXACT_TOLERANCE if result.exact else FLOAT_TOLERANCE
    worst = 0.0
    failures: list[str] = []
    iterates = result.iterates
    with mpmath.workdps(DIGITS):
        lr, beta = to_mpf(result.lr), to_mpf(result.beta)
        for k in _sample(len(iterates)):
            it = iterates[k]
            if not it.grad:
                continue  # the runaway point, recorded without values
            x = [to_mpf(c) for c in it.coords]
            values = dict(zip(vars, x, strict=True))
            try:
                f = evaluate(obj.expr, values)
                g = [evaluate(c, values) for c in obj.components]
            except NumericError as exc:
                failures.append(f"iterate {k}: {exc}")
                continue
            scale = max([abs(v) for v in x] + [mpf(1)])
            gaps = [relative_gap(it.f, f, mpf(1))]
            gaps += [relative_gap(a, b, mpf(1)) for a, b in zip(it.grad, g, strict=True)]
            if it.step is not None and k + 1 < len(iterates):
                expected = _expected_step(result, k, values, g, lr, beta)
                nxt = iterates[k + 1].coords
                step_scale = max([scale] + [abs(s) for s in expected])
                gaps += [
                    relative_gap(n, xi + si, step_scale)
                    for n, xi, si in zip(nxt, x, expected, strict=True)
                ]
            gap = max(gaps)
            worst = max(worst, gap)
            if gap > tolerance:
                failures.append(f"iterate {k} differs by {gap:.1e}")
    own = Verification(
        ok=not failures,
        max_rel_error=worst,
        points=tuple(
            dict(zip(vars, (float(c) for c in iterates[k].coords), strict=True))
            for k in _sample(len(iterates))[:3]
        ),
        tolerance=tolerance,
        digits=DIGITS,
        method="iterates recomputed in mpmath",
        reason="; ".join(failures[:3]),
    )
    return combine(
        own,
        obj.gradient.verification if obj.hessian is None else obj.hessian.verification,
        "iterates recomputed in mpmath; derivatives vs finite differences",
    )


def _expected_step(
    result: Any, k: int, values: dict[Any, mpf], g: Sequence[mpf], lr: mpf, beta: mpf
) -> list[mpf]:
    if result.method == "gd":
        return [-lr * gi for gi in g]
    if result.method == "momentum":
        previous = result.iterates[k - 1].step if k > 0 else None
        v = [to_mpf(s) for s in previous] if previous else [mpf(0)] * len(g)
        return [beta * vi - lr * gi for vi, gi in zip(v, g, strict=True)]
    h = result.objective.hessian.matrix
    n = len(g)
    matrix = mpmath.matrix(n, n)
    for i in range(n):
        for j in range(n):
            matrix[i, j] = evaluate(h[i, j], values)
    d = mpmath.lu_solve(matrix, mpmath.matrix(list(g)))
    return [-lr * d[i] for i in range(n)]
