"""The numeric cross-checks of multivariate results: at a point, and combined over parts."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sympy as sp
from mpmath import mpf
from mpmath.ctx_mp import MPContext

from symderiv.engine import as_expression
from symderiv.functions import to_elementary
from symderiv.numeric import NumericError, local_context, numeric_function
from symderiv.steps import NOT_VERIFIED, Verification
from symderiv.verify import tolerance_for

# --------------------------------------------------------------------------- verification


def combine_verifications(parts: Sequence[Verification]) -> Verification:
    """One verdict from several checks: failed if one failed, passed if all passed."""
    parts = [p for p in parts if p is not None]
    if not parts:
        return NOT_VERIFIED
    failed = [p for p in parts if p.ok is False]
    if failed:
        return failed[0]
    if len(parts) == 1:
        return parts[0]
    errors = [p.max_rel_error for p in parts if p.max_rel_error is not None]
    points: list[Any] = []
    for p in parts:
        points.extend(q for q in p.points if q not in points)
    not_run = [p for p in parts if p.ok is None]
    if not_run:
        ok: bool | None = None
        reason = f"{len(parts) - len(not_run)} of {len(parts)} checks ran; " + not_run[0].reason
    else:
        ok, reason = True, f"all {len(parts)} checks agreed"
    return Verification(
        ok=ok,
        max_rel_error=max(errors) if errors else None,
        points=tuple(points),
        tolerance=max(p.tolerance for p in parts),
        digits=max(p.digits for p in parts),
        method=parts[0].method,
        reason=reason,
    )


def check_at_point(
    f: sp.Expr,
    vars: Sequence[sp.Symbol],
    values: Mapping[sp.Symbol, sp.Expr],
    claims: Sequence[tuple[tuple[int, ...], sp.Expr]],
    *,
    digits: int = 30,
) -> Verification:
    """Compare claimed partial derivatives at one point with mpmath finite differences of f.

    ``claims`` are (orders per variable, claimed value); orders ``(1, 0)`` is df/dx. A
    claim is a number or a formula in ``vars`` (evaluated at the point with mpmath, which
    is what decimal points need: their gradient is 0 only to their own precision). The
    point must be numeric. The error is ``|numeric − claimed| / max(|numeric|, |claimed|, 1)``
    (a gradient is 0 at a decimal point only to the point's precision); it must be below
    ``tolerance_for(digits)``. Retried once at twice the digits.
    """
    method = "finite differences at the point (mpmath, {digits} digits)"
    vars = tuple(vars)
    if (
        f.free_symbols - set(vars)
        or any(not as_expression(v).is_number for v in values.values())
        or any(as_expression(c).free_symbols - set(vars) for _, c in claims)
    ):
        return Verification(
            ok=None,
            max_rel_error=None,
            tolerance=tolerance_for(digits),
            digits=digits,
            method=method.format(digits=digits),
            reason="the point or the function holds symbols without values",
        )
    ctx = local_context()
    try:
        fn = numeric_function(to_elementary(f), vars, ctx=ctx)
    except NumericError as exc:
        return Verification(
            ok=None, max_rel_error=None, method=method.format(digits=digits), reason=str(exc)
        )
    shown = {str(v): float(sp.N(values[v])) for v in vars}
    worst = ctx.zero
    for run_digits in (digits, 2 * digits):
        try:
            worst = _worst_error(fn, vars, values, claims, run_digits, ctx)
        except (NumericError, ZeroDivisionError, ValueError, TypeError) as exc:
            return Verification(
                ok=None,
                max_rel_error=None,
                points=(shown,),
                tolerance=tolerance_for(run_digits),
                digits=run_digits,
                method=method.format(digits=run_digits),
                reason=f"f cannot be differenced at the point: {exc}",
            )
        if worst <= tolerance_for(run_digits):
            return Verification(
                ok=True,
                max_rel_error=float(worst),
                points=(shown,),
                tolerance=tolerance_for(run_digits),
                digits=run_digits,
                method=method.format(digits=run_digits),
                reason=f"all {len(claims)} values agreed at the point",
            )
    return Verification(
        ok=False,
        max_rel_error=float(worst),
        points=(shown,),
        tolerance=tolerance_for(2 * digits),
        digits=2 * digits,
        method=method.format(digits=2 * digits),
        reason="a claimed derivative disagrees with finite differences at the point",
    )


def _worst_error(
    fn: Callable[..., mpf],
    vars: Sequence[sp.Symbol],
    values: Mapping[sp.Symbol, sp.Expr],
    claims: Sequence[tuple[tuple[int, ...], sp.Expr]],
    digits: int,
    ctx: MPContext,
) -> mpf:
    """The worst relative error of the claims, in ``ctx`` (this thread's context) at
    ``digits`` digits."""
    worst = ctx.zero
    with ctx.workdps(digits):
        xs = [ctx.mpf(str(sp.N(values[v], digits + 10))) for v in vars]
        for orders, claimed in claims:
            claimed = to_elementary(as_expression(claimed))
            if claimed.free_symbols:
                sym = numeric_function(claimed, vars, ctx=ctx)(*xs)
            else:
                sym = ctx.mpf(str(sp.N(claimed, digits + 10)))
            if len(vars) == 1:
                num = ctx.diff(fn, xs[0], orders[0])
            else:
                num = ctx.diff(fn, xs, list(orders))
            # relative to max(|value|, 1): at a critical point the gradient is 0 only to
            # the precision of the point's coordinates, so small values count absolutely
            worst = max(worst, abs(num - sym) / max(abs(num), abs(sym), ctx.one))
    return worst
