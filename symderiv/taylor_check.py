"""The numeric check of a Taylor polynomial, independent of SymPy's ``series``.

The error ``|f(a+h) − Tₙ(a+h)|`` is measured in high precision (mpmath, at least
:data:`DIGITS` digits, in the thread's own context) for ``h = h₀·2⁻ʲ``; the slope of
``log error`` against ``log h`` must be the order of the first non-zero term after degree n
within :data:`ORDER_TOLERANCE`, and the coefficients up to :data:`COEFFICIENT_CHECK_ORDER`
must agree with ``mpmath.taylor`` on the function itself. Several variables are checked
along seeded random lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp
from mpmath import mpf
from mpmath.ctx_mp import MPContext

from symderiv.numeric import NumericError, evaluate, local_context, numeric_function
from symderiv.steps import Derivation, Verification

#: Minimum working precision (decimal digits) of the numeric checks.
DIGITS = 50
#: |empirical order − expected order| allowed.
ORDER_TOLERANCE = 0.3
#: Relative error allowed between our coefficients and ``mpmath.taylor``.
COEFFICIENT_TOLERANCE = 1e-30
#: How many further coefficients are searched for the first non-zero term after degree n.
LOOKAHEAD = 10
#: Coefficients compared with mpmath.taylor. Its numerical differentiation costs grow
#: steeply with the order (order 40: 6.8 s of a 7.9 s check), and the order test above
#: already covers every coefficient: a wrong c_k (k ≤ n) would make the error O(h^k), a
#: slope far below the expected one. So mpmath.taylor is a second opinion on c_0..c_12.
COEFFICIENT_CHECK_ORDER = 12
#: Steps h₀·2⁻ʲ, j = 0..STEPS−1; the slope is fitted on the last FIT_POINTS of them.
STEPS, FIT_POINTS = 8, 4
#: Random directions for the multivariate order check (seeded).
DIRECTIONS, SEED = 4, 2024

METHOD_1D = (
    "error |f(a+h) − Tₙ(a+h)| in mpmath ({digits} digits) for h = h₀·2⁻ʲ, j = 0..{last}: "
    "log-log slope vs the first non-zero order after n (±{tol}); coefficients c_0..c_{k} vs "
    "mpmath.taylor (relative error < {ctol:.0e})"
)
METHOD_MULTI = (
    "error |f(p+h·d) − Tₙ(p+h·d)| in mpmath ({digits} digits) along {dirs} random directions d "
    "(seed {seed}), h = h₀·2⁻ʲ: log-log slope vs the first non-zero order after n (±{tol}); "
    "line coefficients vs mpmath.taylor (relative error < {ctol:.0e})"
)


def constant_value(expr: sp.Expr, ctx: MPContext | None = None) -> mpf:
    """The value of a constant in ``ctx`` (default ``mpmath.mp``) at its precision."""
    return evaluate(expr, {}, ctx=ctx)


_HIGH = 120  # digits at which coefficients are evaluated once


def _is_zero(c: sp.Expr, ctx: MPContext) -> bool:
    if c.is_Number:
        return c == 0
    try:
        with ctx.workdps(_HIGH):
            return abs(constant_value(c, ctx)) < ctx.mpf(10) ** (-(_HIGH - 20))
    except NumericError:
        return False


# --------------------------------------------------------------------------- checks


def consistency(
    x: sp.Symbol, a: sp.Expr, d: Derivation, coeffs: Sequence[sp.Expr]
) -> tuple[bool | None, str]:
    """Engine derivatives at a, divided by k!, against the series coefficients."""
    for k, fk in enumerate(d.stage_results, 1):
        claim = fk.subs(x, a) / sp.factorial(k)
        diff = claim - coeffs[k]
        if diff == 0 or sp.expand(diff) == 0:
            continue
        try:
            ctx = local_context()
            with ctx.workdps(DIGITS):
                lhs, rhs = constant_value(claim, ctx), constant_value(coeffs[k], ctx)
            if abs(lhs - rhs) <= ctx.mpf(10) ** (-(DIGITS - 10)) * max(1, abs(rhs)):
                continue
        except NumericError:
            if sp.simplify(diff) == 0:
                continue
            return None, f"could not compare f⁽{k}⁾(a)/{k}! with c_{k}"
        return False, f"the engine's f⁽{k}⁾(a)/{k}! = {claim} differs from c_{k} = {coeffs[k]}"
    return True, ""


@dataclass(frozen=True)
class LineCheck:
    ok: bool | None
    empirical: float | None
    expected: int | None
    coeff_error: float | None
    hs: tuple[float, ...]
    digits: int
    reason: str


def check_line(line_f: sp.Expr, t: sp.Symbol, cs: Sequence[sp.Expr], more: Any) -> LineCheck:
    """Order and coefficient check of ``Σ cs[k] t^k`` against ``line_f`` near t = 0.

    ``more(m)`` gives the exact coefficients of degrees n+1 .. m (for the expected order);
    it is asked for two terms first and for :data:`LOOKAHEAD` only when both vanish."""
    n = len(cs) - 1
    ctx = local_context()  # this thread's own mpmath context: safe in threads
    with ctx.workdps(_HIGH):
        allc = [constant_value(c, ctx) for c in cs]
        expected = None
        for extra in (2, LOOKAHEAD):
            tail = more(n + extra)[len(allc) - n - 1 :]
            for c in tail:
                zero = _is_zero(c, ctx)
                allc.append(ctx.zero if zero else constant_value(c, ctx))
                if not zero:
                    expected = len(allc) - 1
                    break
            if expected is not None:
                break
    s = max(abs(allc[0]), ctx.one)
    radii = [(abs(c) / s) ** (-ctx.one / k) for k, c in enumerate(allc) if k and c != 0]
    radius = min(radii) if radii else ctx.one
    h0 = min(ctx.one / 4, radius / 8)
    hs = [h0 / 2**j for j in range(STEPS)]
    if expected is None:
        digits = DIGITS
    else:
        size = abs(allc[expected]) * hs[-1] ** expected / s
        digits = max(DIGITS, int(-ctx.log10(size)) + 25)
    if digits > _HIGH - 10:
        with ctx.workdps(digits + 10):
            allc = [constant_value(c, ctx) for c in cs]
    with ctx.workdps(digits):
        fn = numeric_function(line_f, [t], ctx=ctx)
        num_c = [+c for c in allc[: n + 1]]
        errors = []
        for h in hs:
            try:
                value = fn(h)
            except NumericError:
                value = fn(-h)
                h = -h
            errors.append(abs(value - ctx.polyval(num_c[::-1], h)))
        tiny = s * ctx.mpf(10) ** (-(digits - 10))
        # coefficients against mpmath's numerical differentiation of f itself
        checked = min(n, COEFFICIENT_CHECK_ORDER)
        ref = ctx.taylor(fn, 0, checked)
        worst = ctx.zero
        for k, (c, r) in enumerate(zip(num_c[: checked + 1], ref, strict=True)):
            scale = max(abs(c), s * radius ** (-k))
            worst = max(worst, abs(c - r) / scale)
        coeff_error = float(worst)
        coeff_ok = coeff_error < COEFFICIENT_TOLERANCE
        if expected is None:
            exact = max(errors) <= tiny
            reason = (
                "the polynomial is exact (no non-zero term follows)"
                if exact
                else f"no non-zero term after degree {n}, yet the error is {float(max(errors)):.1e}"
            )
            return LineCheck(
                exact and coeff_ok,
                None,
                None,
                coeff_error,
                tuple(float(h) for h in hs),
                digits,
                reason,
            )
        if min(errors) <= tiny:
            return LineCheck(
                False,
                None,
                expected,
                coeff_error,
                tuple(float(h) for h in hs),
                digits,
                f"the error vanished where a term of order {expected} should remain",
            )
        xs = [ctx.log(h) for h in hs[-FIT_POINTS:]]
        ys = [ctx.log(e) for e in errors[-FIT_POINTS:]]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = sum((a - mx) * (b - my) for a, b in zip(xs, ys, strict=True)) / sum(
            (a - mx) ** 2 for a in xs
        )
    empirical = float(slope)
    order_ok = abs(empirical - expected) <= ORDER_TOLERANCE
    reason = f"empirical order {empirical:.2f}, expected {expected}"
    if not coeff_ok:
        reason += f"; coefficients differ from mpmath.taylor by {coeff_error:.1e}"
    return LineCheck(
        order_ok and coeff_ok,
        empirical,
        expected,
        coeff_error,
        tuple(float(h) for h in hs),
        digits,
        reason,
    )


def verification_of(
    checks: Sequence[LineCheck], method: str, disagreement: str = ""
) -> Verification:
    """The order checks as one verification; ``disagreement`` fails it with that reason."""
    ok: bool | None = all(c.ok for c in checks) and not disagreement
    reasons = [c.reason for c in checks] + ([disagreement] if disagreement else [])
    errors = [c.coeff_error for c in checks if c.coeff_error is not None]
    return Verification(
        ok=ok,
        max_rel_error=max(errors) if errors else None,
        points=tuple(h for c in checks for h in c.hs[-FIT_POINTS:]),
        tolerance=COEFFICIENT_TOLERANCE,
        digits=max(c.digits for c in checks),
        method=method,
        reason="; ".join(dict.fromkeys(reasons)),
    )


def not_run(reason: str) -> Verification:
    return Verification(None, None, reason=reason, digits=DIGITS, method="Taylor order check")
