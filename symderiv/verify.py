"""Independent numeric cross-checks of symbolic derivatives.

Method
------
The check never trusts the symbolic engine, only the result being checked. It evaluates
the *input function itself* with :mod:`symderiv.numeric` (an mpmath tree walker -- no
lambdify, no code generation) at sampled real points, differentiates it numerically with
``mpmath.diff`` (finite differences carried out at raised working precision), and compares
with the claimed result evaluated at the same points.

Sampling. Candidate points are drawn from a seeded :class:`random.Random`, first with |x|
in (0.1, 3), then (0.01, 0.1), (3, 30), (0.001, 0.01) and (30, 300). Signs run through the
orthants in turn unless a symbol's assumptions fix them, and the first scale alternates
between |x| < 1 and |x| > 1, so that a result right on part of the domain only (say 1 for
d|x|/dx) meets the part where it is wrong (see ``_candidates``). A candidate is skipped
when it is within 1e-3 (relative) of a special value where a dropped term could vanish (0,
an integer up to 30, a multiple of pi/2, +-e); when the function is not a finite real
number at the point or at the point +- 1e-3 relative (so points near the edge of the real
domain or near a singularity are avoided; this stencil is for the function, the thing
being differenced); when the result is not a finite real number at the point; or when an
argument of ``Abs``/``relu``/``sign``/``Heaviside``/``DiracDelta``, a difference of
``Max``/``Min`` arguments or a ``Piecewise`` condition's ``lhs - rhs`` vanishes or changes
sign on that stencil (a kink or jump nearby). Other free
symbols are parameters: they get fixed, seeded values in (0.5, 2.5) that stay at least
0.05 from an integer (respecting ``positive``/``negative``/``integer`` assumptions), and
are reported in ``reason``.

Comparison. At each point the relative error is
``|num - sym| / max(|num|, |sym|)``; when both values are below ``tiny`` (1e-25 at 30
digits, ``10**(-5*digits/6)`` in general) the absolute error ``|num - sym|`` is used
instead, so that a true zero derivative is not judged on its round-off.

Thresholds. A point passes when the error is below ``10**(-2*digits/3)``: 1e-20 at the
default 30 digits. Why this is safe in both directions:

* Precision. ``mpmath.diff`` at 30 digits uses a step h = 2**-(prec+10) and works at
  (prec+20)*(n+1) bits, so truncation (O(h^2)) and cancellation leave about 30 correct
  digits: measured relative errors are ~1e-31 or better (often exactly 0 after rounding)
  for first, second, third, one-sided and mixed partial derivatives, at ~0.07 ms per call
  for ``sin``. The threshold leaves 10 digits of headroom for round-off in evaluating a
  large result (sums of big terms that cancel). Double-precision central differences, by
  contrast, reach only ~1e-10 relative with the best step (h = 1e-6, measured on sin(x^2))
  and 1e-7 to 1e-9 with a step 10-100 times off, which could not tell a small dropped term
  from noise.
* Wrong results. A wrong derivative (a dropped chain factor, a sign, a constant factor, a
  missing term) is off by O(1) relative at generic points -- 20 orders of magnitude above
  the threshold -- because points are generic and several of them are used.
* Retry. If a point fails at ``digits``, it is redone at ``2*digits`` digits with threshold
  ``10**(-4*digits/3)`` (60 digits, 1e-40) before failure is declared -- together with the
  points already accepted, and later points are done at 60 digits too, so the report is of
  one consistent run. Round-off (up to ~20 digits cancelled in evaluating the result) thus
  causes no false alarm, while an O(1) error fails again. The reported ``digits``,
  ``tolerance`` and ``max_rel_error`` are those of the final run.
* Tiny values. The absolute-error fallback means a check at points where the true
  derivative is below ``tiny`` proves little; the sampling order (moderate |x| first)
  makes that rare.

Kinks. Central differences straddle a kink symmetrically and can agree with SymPy's
conventions (``sign(0) = 0``) by accident, so whenever the function or the result contains
``Abs``, ``relu``, ``Heaviside``, ``sign``, ``DiracDelta``, ``Max``, ``Min`` or ``Piecewise``,
the check uses one-sided differences (``direction=+1`` and ``-1``) and requires both to
match.

Budget. Each check stops after ``time_budget`` seconds (2 s by default) and then returns
``ok=None`` with reason "time budget exceeded".
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import mpmath
import sympy as sp
from mpmath import mpf

from symderiv.numeric import (
    KINK_FUNCTIONS,
    NumericError,
    is_evaluable,
    kink_arguments,
    numeric_function,
)
from symderiv.steps import Verification
from symderiv.sympy_values import as_sympy

__all__ = [
    "DEFAULT_TIME_BUDGET",
    "tolerance_for",
    "verify_derivative",
    "verify_equal",
    "verify_partials",
]

#: Seconds a single check may take before it gives up with ``ok=None``.
DEFAULT_TIME_BUDGET = 2.0

#: (low, high, how many candidates, log-uniform?) for |x|, tried in this order.
_SCHEDULE: tuple[tuple[float, float, int, bool], ...] = (
    (0.1, 3.0, 24, False),
    (0.01, 0.1, 8, True),
    (3.0, 30.0, 8, True),
    (0.001, 0.01, 4, True),
    (30.0, 300.0, 4, True),
)
_RANGE_TEXT = "|x| from 0.001 to 300"
_STENCIL = 1e-3  # relative half-width of the screening stencil
_SCREEN_DPS = 20  # precision of the cheap screening evaluations


def tolerance_for(digits: int) -> float:
    """The pass threshold at ``digits`` decimal digits: ``10**(-2*digits/3)`` (1e-20 at 30)."""
    return 10.0 ** (-(2 * digits) // 3)


def _tiny_for(digits: int) -> mpf:
    return mpf(10) ** (-(5 * digits) // 6)


# --------------------------------------------------------------------------- sampling


def _is_special(x: float) -> bool:
    """Near 0, an integer up to 30, a multiple of pi/2 or +-e (1e-3 relative)?"""
    ax = abs(x)
    if ax < 1e-3:
        return True
    if ax > 30:
        return False
    margin = 1e-3 * max(1.0, ax)
    if abs(x - round(x)) < margin:
        return True
    half_pi = math.pi / 2
    if abs(x - half_pi * round(x / half_pi)) < margin:
        return True
    return abs(ax - math.e) < margin


def _sign_rule(sym: sp.Symbol) -> int:
    """+1 if ``sym`` must be positive, -1 if negative, 0 if either sign is allowed."""
    if sym.is_positive or sym.is_nonnegative:
        return 1
    if sym.is_negative or sym.is_nonpositive:
        return -1
    return 0


def _draw(rng: random.Random, lo: float, hi: float, log: bool, sign: int) -> float:
    magnitude = math.exp(rng.uniform(math.log(lo), math.log(hi))) if log else rng.uniform(lo, hi)
    magnitude = float(f"{magnitude:.5g}")  # readable points; the float value is what is used
    return sign * magnitude


def _candidates(rng: random.Random, vars: Sequence[sp.Symbol]) -> Iterator[tuple[float, ...]]:
    """Candidate points, scale by scale. Where a symbol may take either sign, the signs run
    through the orthants in turn (+, -, +, - for one variable; (+,+), (-,+), (+,-), (-,-)
    for two); in the first scale |x| also alternates between (0.1, 1) and (1, 3) (for one
    variable: +small, -large, +large, -small), so the first few points already see both
    signs and both sides of 1 -- a result that is right on part of the domain only (1 for
    d|x|/dx, 2x for d max(x, x^2)/dx) meets the part where it is wrong."""
    rules = [_sign_rule(v) for v in vars]
    factor = min(2 ** (len(vars) - 1), 8)  # more tries when several coordinates must fit
    i = 0
    for k, (lo, hi, count, log) in enumerate(_SCHEDULE):
        for _ in range(count * factor):
            point = []
            for j, rule in enumerate(rules):
                low_bit, high_bit = (i >> j) & 1, (i >> (j + 1)) & 1
                sign = rule or (-1 if low_bit else 1)
                band = (lo, hi)
                if k == 0:  # split the first scale at 1
                    band = (1.0, hi) if low_bit ^ high_bit else (lo, 1.0)
                point.append(_draw(rng, *band, log, sign))
            yield tuple(point)
            i += 1


def _parameter_values(rng: random.Random, params: Sequence[sp.Symbol]) -> dict[sp.Symbol, float]:
    values: dict[sp.Symbol, float] = {}
    for p in sorted(params, key=str):
        if p.is_integer:
            value = float(rng.randint(2, 5))
        else:
            value = 1.0
            while abs(value - round(value)) < 0.05:
                value = round(rng.uniform(0.5, 2.5), 4)
        values[p] = -value if _sign_rule(p) < 0 else value
    return values


def _describe(names: Sequence[str], xs: Sequence[float]) -> str:
    return ", ".join(f"{n} = {v:.6g}" for n, v in zip(names, xs, strict=True))


# --------------------------------------------------------------------------- the engine

Comparison = tuple[str, mpf, mpf]  # (what, numeric value, value of the given expression)


@dataclass
class _Check:
    """One cross-check: what to screen, how to compare, and the bookkeeping."""

    vars: tuple[sp.Symbol, ...]
    params: dict[sp.Symbol, float]
    screens: list[tuple[str, Callable[..., mpf]]]
    kinks: list[Callable[..., mpf]]
    compare: Callable[[tuple[mpf, ...]], list[Comparison]]
    method: str
    points: int
    digits: int
    time_budget: float
    seed: int
    single: bool = True  # report points as floats (one variable) or dicts
    stencil_screens: int = 1  # screens checked on the whole stencil; the rest at the point
    mismatch: str = "{what} is {num} numerically but {sym} from the expression checked"
    rejected: Counter[str] = field(default_factory=Counter)

    # -- screening -------------------------------------------------------------------
    def _stencil(self, xs: tuple[float, ...]) -> list[tuple[mpf, ...]]:
        pts = [tuple(mpf(v) for v in xs)]
        for i, v in enumerate(xs):
            for step in (-1, 1):
                moved = list(pts[0])
                moved[i] = mpf(v) * (1 + step * _STENCIL)
                pts.append(tuple(moved))
        return pts

    def _screen(self, xs: tuple[float, ...]) -> str | None:
        """Why the candidate is unusable (None when it is fine)."""
        if any(_is_special(v) for v in xs):
            return "special"
        with mpmath.workdps(_SCREEN_DPS):
            stencil = self._stencil(xs)
            for i, (label, fn) in enumerate(self.screens):
                where = stencil if i < self.stencil_screens else stencil[:1]
                try:
                    for p in where:
                        fn(*p)
                except NumericError:
                    return label
            for kink in self.kinks:
                try:
                    values = [kink(*p) for p in stencil]
                except NumericError:
                    return "kink"
                signs = {mpmath.sign(v) for v in values}
                if 0 in signs or len(signs) > 1 or abs(values[0]) < 1e-12:
                    return "kink"
        return None

    # -- comparing ---------------------------------------------------------------------
    def _measure(self, xs: tuple[float, ...], digits: int) -> tuple[mpf, Comparison]:
        with mpmath.workdps(digits):
            tiny = _tiny_for(digits)
            worst: tuple[mpf, Comparison] | None = None
            for what, num, sym in self.compare(tuple(mpf(v) for v in xs)):
                diff = abs(num - sym)
                scale = max(abs(num), abs(sym))
                err = diff if scale < tiny else diff / scale
                if worst is None or err > worst[0]:
                    worst = (err, (what, num, sym))
        assert worst is not None
        return worst

    def _point(self, xs: tuple[float, ...]) -> object:
        if self.single:
            return xs[0]
        return {str(v): x for v, x in zip(self.vars, xs, strict=True)}

    def _where(self, xs: tuple[float, ...]) -> str:
        return _describe([str(v) for v in self.vars], xs)

    def _params_note(self) -> str:
        if not self.params:
            return ""
        held = _describe([str(p) for p in self.params], list(self.params.values()))
        return f"; parameters held at {held}"

    def _result(
        self,
        ok: bool | None,
        accepted: list[tuple[float, ...]],
        errors: list[mpf],
        digits: int,
        reason: str,
    ) -> Verification:
        return Verification(
            ok=ok,
            max_rel_error=float(max(errors)) if errors else None,
            points=tuple(self._point(xs) for xs in accepted),
            tolerance=tolerance_for(digits),
            digits=digits,
            method=self.method.format(digits=digits),
            reason=reason + self._params_note(),
        )

    def _failure(self, xs: tuple[float, ...], err: mpf, comp: Comparison, digits: int) -> str:
        what, num, sym = comp
        text = self.mismatch.format(what=what, num=mpmath.nstr(num, 12), sym=mpmath.nstr(sym, 12))
        return (
            f"at {self._where(xs)} {text} "
            f"(relative error {mpmath.nstr(err, 3)} > {tolerance_for(digits):.0e})"
        )

    def run(self) -> Verification:
        start = time.perf_counter()
        rng = random.Random(self.seed)
        digits = self.digits
        accepted: list[tuple[float, ...]] = []
        errors: list[mpf] = []
        for xs in _candidates(rng, self.vars):
            if time.perf_counter() - start > self.time_budget:
                return self._result(
                    None,
                    accepted,
                    errors,
                    digits,
                    f"time budget exceeded ({self.time_budget:g} s) after "
                    f"{len(accepted)} of {self.points} points",
                )
            why = self._screen(xs)
            if why is not None:
                self.rejected[why] += 1
                continue
            try:
                err, comp = self._measure(xs, digits)
            except NumericError:
                self.rejected["differences"] += 1
                continue
            if err > tolerance_for(digits) and digits == self.digits:
                # Retry at double precision before declaring failure; redo the points
                # already accepted too, so the report is of one consistent run.
                digits = 2 * self.digits
                try:
                    redone = [self._measure(p, digits) for p in [*accepted, xs]]
                except NumericError:
                    self.rejected["differences"] += 1
                    digits = self.digits
                    continue
                errors = [e for e, _ in redone]
                for p, (e, c) in zip([*accepted, xs], redone, strict=True):
                    if e > tolerance_for(digits):
                        return self._result(
                            False,
                            [*accepted, xs],
                            errors,
                            digits,
                            self._failure(p, e, c, digits),
                        )
                accepted.append(xs)
            elif err > tolerance_for(digits):
                errors.append(err)
                accepted.append(xs)
                return self._result(
                    False, accepted, errors, digits, self._failure(xs, err, comp, digits)
                )
            else:
                errors.append(err)
                accepted.append(xs)
            if len(accepted) == self.points:
                break
        if not accepted:
            return self._result(None, [], [], digits, self._no_points_reason())
        note = (
            ""
            if len(accepted) == self.points
            else (f" (only {len(accepted)} usable of the {self.points} points wanted)")
        )
        return self._result(
            True, accepted, errors, digits, f"all {len(accepted)} points agreed{note}"
        )

    def _no_points_reason(self) -> str:
        r = self.rejected
        tried = sum(r.values())
        labels = [label for label, _ in self.screens]
        first = labels[0]
        if r[first] + r["special"] == tried:
            return (
                f"the {first} is not real (or not finite) anywhere we sampled "
                f"({tried} points, {_RANGE_TEXT})"
            )
        for label in labels[1:]:
            if r[label]:
                return (
                    f"the {label} is not real (or not finite) at any sampled point where the "
                    f"{first} is ({tried} points, {_RANGE_TEXT})"
                )
        if r["kink"]:
            return f"every usable sampled point was too close to a kink ({tried} points)"
        return f"finite differences could not be computed at any sampled point ({tried} points)"


# --------------------------------------------------------------------------- helpers


def _prepare(
    named: Sequence[tuple[str, sp.Expr]], vars: Sequence[sp.Symbol], seed: int
) -> tuple[dict[sp.Symbol, float], str | None]:
    """Parameter values for the free symbols that are not ``vars``, or a reason to stop."""
    for label, expr in named:
        ok, why = is_evaluable(expr)
        if not ok:
            return {}, f"the {label} cannot be evaluated numerically: {why}"
    free: set[sp.Symbol] = set()
    for _, expr in named:
        free |= expr.free_symbols
    params = sorted(free - set(vars), key=str)
    return _parameter_values(random.Random(f"params-{seed}"), params), None


def _has_kinks(exprs: Sequence[sp.Expr]) -> bool:
    return any(e.has(*KINK_FUNCTIONS) for e in exprs)


def _kink_functions(
    exprs: Sequence[sp.Expr], vars: Sequence[sp.Symbol], fixed: Mapping[sp.Symbol, float]
) -> list[Callable[..., mpf]]:
    args: list[sp.Expr] = []
    for e in exprs:
        args.extend(a for a in kink_arguments(e) if a not in args)
    return [numeric_function(a, vars, fixed) for a in args]


def _not_run(reason: str, digits: int, method: str) -> Verification:
    return Verification(
        ok=None,
        max_rel_error=None,
        tolerance=tolerance_for(digits),
        digits=digits,
        method=method.format(digits=digits),
        reason=reason,
    )


def _diff_method(one_sided: bool) -> str:
    if one_sided:
        return "one-sided finite differences, both directions (mpmath, {digits} digits)"
    return "central finite differences (mpmath, {digits} digits)"


_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _partial_name(key: tuple[sp.Symbol, ...]) -> str:
    """``(x, y)`` -> ``∂²f/∂x∂y``; ``(x, x)`` -> ``∂²f/∂x²``; ``()`` -> ``f``."""
    if not key:
        return "f"

    def power(n: int) -> str:
        return "" if n == 1 else str(n).translate(_SUPERSCRIPTS)

    runs: list[list[object]] = []
    for v in key:
        if runs and runs[-1][0] == v:
            runs[-1][1] += 1  # type: ignore[operator]
        else:
            runs.append([v, 1])
    below = "".join(f"∂{v}{power(n)}" for v, n in runs)  # type: ignore[arg-type]
    return f"∂{power(len(key))}f/{below}"


def _order_name(order: int) -> str:
    return {
        0: "the value",
        1: "the derivative",
        2: "the second derivative",
        3: "the third derivative",
    }.get(order, f"the derivative of order {order}")


# --------------------------------------------------------------------------- public API


def verify_derivative(
    expr: sp.Expr,
    var: sp.Symbol,
    result: sp.Expr,
    order: int = 1,
    *,
    points: int = 3,
    seed: int = 0,
    digits: int = 30,
    time_budget: float = DEFAULT_TIME_BUDGET,
) -> Verification:
    """Check numerically that ``result`` is the ``order``-th derivative of ``expr`` in ``var``.

    ``ok`` is True when all sampled points agree, False when one does not (``reason`` says
    where and by how much), None when the check could not run (``reason`` says why).
    """
    expr, result = as_sympy(expr), as_sympy(result)
    if not isinstance(var, sp.Symbol):
        raise TypeError(f"var must be a SymPy Symbol, not {type(var).__name__}")
    if order < 0:
        raise ValueError("order must be >= 0")
    one_sided = _has_kinks([expr, result])
    method = _diff_method(one_sided)
    params, why = _prepare([("function", expr), ("result", result)], [var], seed)
    if why is not None:
        return _not_run(why, digits, method)
    f = numeric_function(expr, [var], params)
    g = numeric_function(result, [var], params)
    directions = (1, -1) if one_sided else (0,)
    what = _order_name(order)

    def compare(xs: tuple[mpf, ...]) -> list[Comparison]:
        (x,) = xs
        sym = g(x)
        out: list[Comparison] = []
        for d in directions:
            num = mpmath.diff(f, x, order, direction=d) if d else mpmath.diff(f, x, order)
            label = what if not d else f"{what} ({'right' if d > 0 else 'left'})"
            out.append((label, num, sym))
        return out

    return _Check(
        vars=(var,),
        params=params,
        screens=[("function", f), ("result", g)],
        kinks=_kink_functions([expr, result], [var], params),
        compare=compare,
        method=method,
        points=points,
        digits=digits,
        time_budget=time_budget,
        seed=seed,
        single=True,
    ).run()


def verify_partials(
    expr: sp.Expr,
    vars: Sequence[sp.Symbol],
    partials: Mapping[tuple[sp.Symbol, ...], sp.Expr],
    *,
    points: int = 3,
    seed: int = 0,
    digits: int = 30,
    time_budget: float = DEFAULT_TIME_BUDGET,
) -> Verification:
    """Check partial derivatives of ``expr`` in ``vars`` numerically.

    ``partials`` maps a tuple of variables to the claimed partial derivative: ``(x,)`` for
    df/dx, ``(x, y)`` for d2f/dxdy, ``(x, x)`` for d2f/dx2. Mixed and higher partials use
    ``mpmath.diff(f, (x0, y0), (i, j))``, which nests one-variable differences, each at the
    working precision of the one outside it, so they are as accurate as the first
    partials (~1e-31 relative measured at 30 digits). Points are dicts {name: float}.
    """
    expr = as_sympy(expr)
    vars = tuple(vars)
    items = []
    for key, value in partials.items():
        key = tuple(key)
        if any(k not in vars for k in key):
            raise ValueError(f"partial {key} is taken in a variable that is not in vars")
        orders = [key.count(v) for v in vars]
        label = _partial_name(key)
        items.append((label, orders, as_sympy(value)))
    exprs = [expr, *(e for _, _, e in items)]
    one_sided = _has_kinks(exprs)
    method = _diff_method(one_sided)
    named = [("function", expr), *((f"partial {label}", e) for label, _, e in items)]
    params, why = _prepare(named, vars, seed)
    if why is not None:
        return _not_run(why, digits, method)
    f = numeric_function(expr, vars, params)
    compiled = [(label, orders, numeric_function(e, vars, params)) for label, orders, e in items]
    directions = (1, -1) if one_sided else (0,)

    def compare(xs: tuple[mpf, ...]) -> list[Comparison]:
        out: list[Comparison] = []
        for label, orders, g in compiled:
            sym = g(*xs)
            for d in directions:
                options = {"direction": d} if d else {}
                num = mpmath.diff(f, xs, list(orders), **options)
                side = "" if not d else f" ({'right' if d > 0 else 'left'})"
                out.append((f"{label}{side}", num, sym))
        return out

    screens = [("function", f)] + [(f"partial {label}", g) for label, _, g in compiled]
    return _Check(
        vars=vars,
        params=params,
        screens=screens,
        kinks=_kink_functions(exprs, vars, params),
        compare=compare,
        method=method,
        points=points,
        digits=digits,
        time_budget=time_budget,
        seed=seed,
        single=False,
    ).run()


def verify_equal(
    a: sp.Expr,
    b: sp.Expr,
    vars: Sequence[sp.Symbol],
    *,
    points: int = 8,
    seed: int = 0,
    digits: int = 30,
    time_budget: float = DEFAULT_TIME_BUDGET,
) -> Verification:
    """Check numerically that ``a`` and ``b`` are equal as functions of ``vars``.

    Points are sampled where both are finite and real (their common real domain); a single
    point whose relative difference exceeds the tolerance (after the retry at double
    precision) decides "not equal". Points are dicts {name: float}.
    """
    a, b = as_sympy(a), as_sympy(b)
    vars = tuple(vars)
    method = "direct evaluation (mpmath, {digits} digits)"
    params, why = _prepare([("first expression", a), ("second expression", b)], vars, seed)
    if why is not None:
        return _not_run(why, digits, method)
    fa = numeric_function(a, vars, params)
    fb = numeric_function(b, vars, params)

    def compare(xs: tuple[mpf, ...]) -> list[Comparison]:
        return [("", fa(*xs), fb(*xs))]

    return _Check(
        vars=vars,
        params=params,
        screens=[("first expression", fa), ("second expression", fb)],
        kinks=_kink_functions([a, b], vars, params),
        compare=compare,
        method=method,
        points=points,
        digits=digits,
        time_budget=time_budget,
        seed=seed,
        single=False,
        stencil_screens=2,
        mismatch="the first expression is {num} but the second is {sym}",
    ).run()
