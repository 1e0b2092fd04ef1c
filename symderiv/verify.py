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
d|x|/dx) meets the part where it is wrong (:mod:`symderiv.verify_points`). A candidate is
skipped when it is within 1e-3 (relative) of a special value where a dropped term could
vanish (0, an integer up to 30, a multiple of pi/2, +-e); when the function is not a finite
real number at the point or at the point +- 1e-3 relative (so points near the edge of the
real domain or near a singularity are avoided; this stencil is for the function, the thing
being differenced, and is not evaluated when the function has no edge or pole except
where a variable is 0, which is never sampled: ``sin(3x)``, ``√(x² + 1)``, ``ln x``, see
:func:`symderiv.numeric_domain.has_edges`); when the result is not a finite real number at the
point; or when an argument of ``Abs``/``relu``/``sign``/``Heaviside``/``DiracDelta``, a
difference of ``Max``/``Min`` arguments or a ``Piecewise`` condition's ``lhs - rhs``
vanishes or changes sign on that stencil (a kink or jump nearby). The values of the
function and the result at the point, computed while screening, are the first
comparison's. Other free symbols are parameters: they get fixed, seeded values in (0.5,
2.5) that stay at least 0.05 from an integer (respecting ``positive``/``negative``/
``integer`` assumptions), and are reported in ``reason``.

Comparison. At each point the claimed value ``sym`` and the finite difference ``num`` are
compared by their relative error ``|num - sym| / max(|num|, |sym|)``; when both are below a
floor -- ``10**(-5*digits/6)`` (1e-25 at 30 digits) scaled down by the function's own size
when that is below 1 -- the absolute error is used instead, so that a true zero derivative is
not judged on its round-off, while a small function (1e-30 x) still has its derivative
judged relatively. (So where the derivative is negligible next to the function at every
sampled point -- tanh(7e(x^2 + 2.5)), whose derivative is below 1e-40 -- the check proves
little; the sampling order, moderate |x| first, makes that rare.)

Precision that covers magnitude and step. ``mpmath.diff`` takes an absolute step
``h = 2**-(prec + a)`` and works at ``(prec + 2a)(n + 1)`` bits. The extra bits ``a`` are
chosen per point from the sizes of the function value F and the claimed derivative G: with
``r = log2|G/F|`` the step must be below ``1/|f'/f|`` (``a >= r``, e.g. exp(exp(exp(exp x))))
and the cancellation in ``f(x+h) - f(x-h)`` must stay below the derivative (``a >= -r``, e.g.
``x + 10**99``); ``a = 10 + |r|`` does both (``10 + prec`` when G or F is 0, at most 2048).
A wrong G only makes the step less suited, never makes a wrong result agree.

Thresholds and the precision ladder. A point passes when the error is below
``10**(-2*digits/3)``: 1e-20 at the default 30 digits (measured errors are ~1e-31 or
better; the margin is for round-off in evaluating a large result). A point that does not
pass is redone at 2, 4 and 8 times the digits; it fails only when two successive precisions
agree with themselves (``num`` and ``sym`` each unchanged to the threshold) and still
disagree with each other, so a failure is never round-off: cancellation in the result
(``1 - tanh(20x)**2``), tiny values (``tanh(7 e x)`` at x = -2.5) or a huge function settle
at the higher precisions and pass. A point that never settles is skipped ("did not
settle"). ``digits`` in the result is the highest precision a point needed; ``tolerance``
is the pass threshold. A wrong derivative (a dropped chain factor, a sign, a constant
factor, a missing term) is off by O(1) relative at generic points and fails at 60 digits.

Complex intermediates. The function, the result and kink arguments are evaluated with
``through_complex=True``: where a sub-expression is not real but the value is (``|sqrt(x)|``
at x < 0), the point is used, so that a result right only where every intermediate is real
meets the points where it is wrong. An ``Abs``/``sign`` argument that is not real is not a
kink.

Bounded work. Values beyond about 10^315,000 (and periodic functions of arguments beyond
2^4096) are refused before they are computed (:mod:`symderiv.numeric`); such points are
skipped and said so. Each check has a budget of ``time_budget`` seconds of *CPU time of the
calling thread* (2 s by default, :class:`symderiv.budget.Budget`), so load on the machine
does not change the result; when it runs out the result is ``ok=None`` and ``reason``
says the budget cut the check short and after how many points.

Threads. All arithmetic runs in this thread's private mpmath context
(:func:`symderiv.numeric.local_context`), never in the shared ``mpmath.mp``, so checks in
concurrent threads cannot change each other's precision.

Kinks. Central differences straddle a kink symmetrically and can agree with SymPy's
conventions (``sign(0) = 0``) by accident, so whenever the function or the result contains
``Abs``, ``relu``, ``Heaviside``, ``sign``, ``DiracDelta``, ``Max``, ``Min`` or ``Piecewise``,
the check uses one-sided differences (``direction=+1`` and ``-1``) and requires both to
match.
"""

from __future__ import annotations

import math
import random
import threading
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import sympy as sp
from mpmath import mpf

from symderiv.budget import Budget
from symderiv.numeric import (
    KINK_FUNCTIONS,
    MagnitudeError,
    NotRealError,
    NumericError,
    describe_number,
    is_evaluable,
    kink_arguments,
    local_context,
    log2_abs,
    numeric_function,
)
from symderiv.numeric_domain import has_edges
from symderiv.steps import Verification
from symderiv.sympy_values import as_sympy
from symderiv.verify_points import (
    SAMPLED_RANGE,
    candidate_points,
    describe_point,
    is_special,
    parameter_values,
)
from symderiv.verify_reasons import Why, no_points_reason, split_side, unevaluable_parts

__all__ = [
    "DEFAULT_TIME_BUDGET",
    "tolerance_for",
    "verify_derivative",
    "verify_equal",
    "verify_partials",
]

#: Seconds of CPU time (of the calling thread) a single check may take before it gives up.
DEFAULT_TIME_BUDGET = 2.0

_STENCIL = 1e-3  # relative half-width of the screening stencil
_SCREEN_DPS = 20  # precision of the cheap screening evaluations
_LEVELS = 4  # precisions tried per point: digits, 2, 4 and 8 times digits
_MAX_ADDPREC = 2048  # extra bits for the finite-difference step and cancellation


def tolerance_for(digits: int) -> float:
    """The pass threshold at ``digits`` decimal digits: ``10**(-2*digits/3)`` (1e-20 at 30)."""
    return 10.0 ** (-(2 * digits) // 3)


_TINY = threading.local()


def _tiny_for(digits: int) -> mpf:
    """``10**(-5 digits/6)`` in this thread's context at its precision (kept: it is asked
    at every point)."""
    ctx = local_context()
    known: dict[tuple[int, int], mpf] = _TINY.__dict__.setdefault("values", {})
    key = (digits, ctx.prec)
    value = known.get(key)
    if value is None:
        value = known[key] = ctx.mpf(10) ** (-(5 * digits) // 6)
    return value


def _first_difference(f: Callable[[mpf], mpf], x: mpf, direction: int, addprec: int) -> mpf:
    """``mpmath.diff(f, x, 1, direction=direction, addprec=addprec)`` in this thread's
    context, without its general machinery: the same step ``2**-(prec + addprec)``, the
    same working precision ``2(prec + 2 addprec)`` and the same rounding, so the same value."""
    ctx = local_context()
    prec = ctx.prec
    try:
        ctx.prec = 2 * (prec + 2 * addprec)
        h = ctx.ldexp(1, -prec - addprec)
        if direction:
            h = h if direction > 0 else -h
            value = (f(x + h) - f(x)) / h
        else:
            value = (f(x + h) - f(x - h)) / (2 * h)
    finally:
        ctx.prec = prec
    return +value


def _floor(scale: Any, digits: int) -> Any:
    """Below this both values count as zero: ``tiny``, times ``|scale|`` when that is < 1."""
    tiny = _tiny_for(digits)
    return tiny * abs(scale) if scale and abs(scale) < 1 else tiny


def _addprec(value: Any, derivative: Any, prec: int) -> int:
    """Extra bits for ``mpmath.diff`` at a point where the function is ``value`` and the
    derivative about ``derivative``: 10 + |log2(derivative/value)|; raises MagnitudeError
    past _MAX_ADDPREC."""
    lv, ld = log2_abs(value), log2_abs(derivative)
    if math.isinf(lv) or math.isinf(ld):
        return 10 + prec
    extra = 10 + math.ceil(abs(ld - lv))
    if extra > _MAX_ADDPREC:
        raise MagnitudeError(
            "the function and its derivative differ in size by more than 10^600 here"
        )
    return extra


# --------------------------------------------------------------------------- the engine


class Comparison(NamedTuple):
    """One value compared at one point: the numeric and the claimed value, and the floor
    below which both count as zero."""

    what: str
    num: Any
    sym: Any
    floor: Any

    def error(self) -> Any:
        diff = abs(self.num - self.sym)
        scale = max(abs(self.num), abs(self.sym))
        return diff if scale < self.floor else diff / scale

    def settled(self, before: Comparison, tolerance: float) -> bool:
        """Did ``num`` and ``sym`` each stay the same (to ``tolerance``) since ``before``,
        a run at lower precision?"""
        for now, then in ((self.num, before.num), (self.sym, before.sym)):
            scale = max(abs(now), self.floor)
            if abs(now - then) > tolerance * scale:
                return False
        return True


class _Judgement(NamedTuple):
    verdict: str  # "pass", "fail" or "unsettled"
    error: Any
    worst: Comparison
    digits: int


@dataclass
class _Check:
    """One cross-check: what to screen, how to compare, and the bookkeeping."""

    vars: tuple[sp.Symbol, ...]
    params: dict[sp.Symbol, float]
    screens: list[tuple[str, Callable[..., mpf]]]
    kinks: list[Callable[..., mpf]]
    #: (point, the screens' values there) -> comparisons, at the context's precision
    compare: Callable[[tuple[mpf, ...], tuple[mpf, ...]], list[Comparison]]
    method: str
    points: int
    digits: int
    time_budget: float
    seed: int
    single: bool = True  # report points as floats (one variable) or dicts
    stencil_screens: int = 1  # screens checked on the whole stencil; the rest at the point
    edges: bool = True  # whether a screened function can have an edge or a pole (see has_edges)
    mismatch: str = "{what} is {num} numerically but {sym} from the expression checked"
    mismatch_key: str = "reason_mismatch"
    rejected: Counter[str] = field(default_factory=Counter)

    # -- screening -------------------------------------------------------------------
    def _stencil(self, xs: tuple[float, ...]) -> list[tuple[mpf, ...]]:
        """The point, then (where edges or kinks are looked for) the point moved by
        ±_STENCIL (relative) in each coordinate."""
        ctx = local_context()
        pts = [tuple(ctx.mpf(v) for v in xs)]
        if not (self.edges or self.kinks):
            return pts
        for i, v in enumerate(xs):
            for step in (-1, 1):
                moved = list(pts[0])
                moved[i] = ctx.mpf(v) * (1 + step * _STENCIL)
                pts.append(tuple(moved))
        return pts

    def _screen(self, xs: tuple[float, ...]) -> tuple[str | None, tuple[mpf, ...]]:
        """Why the candidate is unusable (None when it is fine), and the screens' values
        at the point at the check's precision (the first comparison uses them)."""
        if any(is_special(v) for v in xs):
            return "special", ()
        ctx = local_context()
        stencil = self._stencil(xs)
        values: list[mpf] = []
        for i, (label, fn) in enumerate(self.screens):
            try:
                with ctx.workdps(self.digits):
                    values.append(fn(*stencil[0]))
                if i < self.stencil_screens and self.edges:
                    with ctx.workdps(_SCREEN_DPS):
                        for p in stencil[1:]:
                            fn(*p)
            except MagnitudeError:
                return "magnitude", ()
            except NumericError:
                return label, ()
        with ctx.workdps(_SCREEN_DPS):
            for kink in self.kinks:
                try:
                    found = [kink(*p) for p in stencil]
                except NotRealError:
                    continue  # |u| and sign(u) of a non-real u are smooth: no kink here
                except NumericError:
                    return "kink", ()
                signs = {ctx.sign(v) for v in found}
                if 0 in signs or len(signs) > 1 or abs(found[0]) < 1e-12:
                    return "kink", ()
        return None, tuple(values)

    # -- comparing ---------------------------------------------------------------------
    def _measure(
        self, xs: tuple[float, ...], digits: int, values: tuple[mpf, ...] | None
    ) -> list[Comparison]:
        """The comparisons at ``digits``, from the screens' ``values`` at the point when
        they were computed at that precision (else they are computed now)."""
        ctx = local_context()
        with ctx.workdps(digits):
            point = tuple(ctx.mpf(v) for v in xs)
            if values is None:
                values = tuple(fn(*point) for _, fn in self.screens)
            return self.compare(point, values)

    def _judge(self, xs: tuple[float, ...], values: tuple[mpf, ...], budget: Budget) -> _Judgement:
        """Compare at rising precision until the point passes, or fails at two successive
        precisions that each settled (see the module docstring)."""
        tolerance = tolerance_for(self.digits)
        before: list[Comparison] | None = None
        digits = self.digits
        for level in range(_LEVELS):
            digits = self.digits << level
            now = self._measure(xs, digits, values if level == 0 else None)
            err, worst = max(((c.error(), c) for c in now), key=lambda pair: pair[0])
            if err <= tolerance:
                return _Judgement("pass", err, worst, digits)
            if before is not None and all(
                c.settled(b, tolerance) for c, b in zip(now, before, strict=True)
            ):
                return _Judgement("fail", err, worst, digits)
            before = now
            if budget.exhausted():
                break
        return _Judgement("unsettled", err, worst, digits)

    def _point(self, xs: tuple[float, ...]) -> object:
        if self.single:
            return xs[0]
        return {str(v): x for v, x in zip(self.vars, xs, strict=True)}

    def _where(self, xs: tuple[float, ...]) -> str:
        return describe_point([str(v) for v in self.vars], xs)

    def _params_held(self) -> str:
        return describe_point([str(p) for p in self.params], list(self.params.values()))

    def _result(
        self,
        ok: bool | None,
        accepted: list[tuple[float, ...]],
        errors: list[mpf],
        digits: int,
        why: Why,
        cut_short: str = "",
    ) -> Verification:
        text, values = why.text, why.values
        if self.params:
            held = self._params_held()
            text += f"; parameters held at {held}"
            values += (("params", held),)
        return Verification(
            ok=ok,
            max_rel_error=float(max(errors)) if errors else None,
            points=tuple(self._point(xs) for xs in accepted),
            tolerance=tolerance_for(self.digits),
            digits=digits,
            method=self.method.format(digits=digits),
            reason=text,
            reason_key=why.key,
            reason_values=values,
            cut_short=cut_short,
        )

    def _failure(self, xs: tuple[float, ...], judgement: _Judgement) -> Why:
        label, num, sym, _ = judgement.worst
        what, side = split_side(label)
        values = {
            "where": self._where(xs),
            "what": what,
            "side": side,
            "num": describe_number(num, 12),
            "sym": describe_number(sym, 12),
            "error": describe_number(judgement.error, 3),
            "tolerance": f"{tolerance_for(self.digits):.0e}",
            "digits": judgement.digits,
        }
        text = self.mismatch.format(what=label, num=values["num"], sym=values["sym"])
        return Why(
            f"at {values['where']} {text} (relative error "
            f"{values['error']} > {values['tolerance']}, at {judgement.digits} digits)",
            self.mismatch_key,
            tuple(values.items()),
        )

    def run(self) -> Verification:
        budget = Budget(self.time_budget)
        rng = random.Random(self.seed)
        digits = self.digits
        accepted: list[tuple[float, ...]] = []
        errors: list[mpf] = []
        for xs in candidate_points(rng, self.vars):
            if budget.exhausted():
                cut = budget.cut(
                    "the check", f"after {len(accepted)} of {self.points} points agreed"
                )
                why = Why(
                    f"time budget: {cut}",
                    "reason_time_budget",
                    (
                        ("seconds", f"{budget.seconds:g}"),
                        ("done", len(accepted)),
                        ("wanted", self.points),
                    ),
                )
                return self._result(None, accepted, errors, digits, why, budget.cut_short)
            why, values = self._screen(xs)
            if why is not None:
                self.rejected[why] += 1
                continue
            try:
                judgement = self._judge(xs, values, budget)
            except MagnitudeError:
                self.rejected["magnitude"] += 1
                continue
            except NumericError:
                self.rejected["differences"] += 1
                continue
            if judgement.verdict == "unsettled":
                self.rejected["unsettled"] += 1
                continue
            digits = max(digits, judgement.digits)
            errors.append(judgement.error)
            accepted.append(xs)
            if judgement.verdict == "fail":
                return self._result(False, accepted, errors, digits, self._failure(xs, judgement))
            if len(accepted) == self.points:
                break
        if not accepted:
            return self._result(None, [], [], digits, self._no_points_reason())
        n = len(accepted)
        if n == self.points:
            why = Why(f"all {n} points agreed", "reason_agreed", (("n", n),))
        else:
            why = Why(
                f"all {n} points agreed (only {n} usable of the {self.points} points wanted)",
                "reason_agreed_some",
                (("n", n), ("wanted", self.points)),
            )
        return self._result(True, accepted, errors, digits, why)

    def _no_points_reason(self) -> Why:
        labels = [label for label, _ in self.screens]
        return no_points_reason(self.rejected, labels, self.digits << (_LEVELS - 1), SAMPLED_RANGE)


# --------------------------------------------------------------------------- helpers


class _Prepared(NamedTuple):
    params: dict[sp.Symbol, float]
    functions: list[Callable[..., mpf]]
    why: Why | None = None


def _prepare(
    named: Sequence[tuple[str, sp.Expr]], vars: Sequence[sp.Symbol], seed: int
) -> _Prepared:
    """Parameter values for the free symbols that are not ``vars`` and each expression
    compiled, or a reason to stop."""
    free: set[sp.Symbol] = set()
    for _, expr in named:
        free |= expr.free_symbols
    params = sorted(free - set(vars), key=str)
    values = parameter_values(random.Random(f"params-{seed}"), params)
    functions = []
    for label, expr in named:
        try:
            functions.append(_compiled(expr, vars, values))
        except (NumericError, TypeError, AttributeError, sp.SympifyError):
            _, why = is_evaluable(expr)
            names = ", ".join(str(part) for part in unevaluable_parts(expr))
            return _Prepared(
                {},
                [],
                Why(
                    f"the {label} cannot be evaluated numerically: {why}",
                    "reason_unknown_function",
                    (("what", label), ("names", names or str(expr))),
                ),
            )
    return _Prepared(values, functions)


def _has_kinks(exprs: Sequence[sp.Expr]) -> bool:
    return any(e.has(*KINK_FUNCTIONS) for e in exprs)


def _kink_functions(
    exprs: Sequence[sp.Expr], vars: Sequence[sp.Symbol], fixed: Mapping[sp.Symbol, float]
) -> list[Callable[..., mpf]]:
    if not _has_kinks(exprs):
        return []
    args: list[sp.Expr] = []
    for e in exprs:
        args.extend(a for a in kink_arguments(e) if a not in args)
    return [_compiled(a, vars, fixed) for a in args]


def _compiled(
    expr: sp.Expr, vars: Sequence[sp.Symbol], fixed: Mapping[sp.Symbol, float]
) -> Callable[..., mpf]:
    """``expr`` as a function in this thread's context, real wherever its value is."""
    return numeric_function(expr, vars, fixed, ctx=local_context(), through_complex=True)


def _not_run(why: Why, digits: int, method: str) -> Verification:
    return Verification(
        ok=None,
        max_rel_error=None,
        tolerance=tolerance_for(digits),
        digits=digits,
        method=method.format(digits=digits),
        reason=why.text,
        reason_key=why.key,
        reason_values=why.values,
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
    prepared = _prepare([("function", expr), ("result", result)], [var], seed)
    if prepared.why is not None:
        return _not_run(prepared.why, digits, method)
    params, (f, g) = prepared.params, prepared.functions
    directions = (1, -1) if one_sided else (0,)
    what = _order_name(order)
    ctx = local_context()

    def compare(xs: tuple[mpf, ...], values: tuple[mpf, ...]) -> list[Comparison]:
        (x,) = xs
        value, sym = values
        extra = _addprec(value, sym, ctx.prec)
        floor = _floor(value, ctx.dps)
        out: list[Comparison] = []
        for d in directions:
            if order == 1:
                num = _first_difference(f, x, d, extra)
            else:
                num = ctx.diff(f, x, order, direction=d, addprec=extra)
            label = what if not d else f"{what} ({'right' if d > 0 else 'left'})"
            out.append(Comparison(label, num, sym, floor))
        return out

    return _Check(
        vars=(var,),
        params=params,
        screens=[("function", f), ("result", g)],
        kinks=_kink_functions([expr, result], [var], params),
        edges=has_edges(expr),
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
    prepared = _prepare(named, vars, seed)
    if prepared.why is not None:
        return _not_run(prepared.why, digits, method)
    params, (f, *claimed) = prepared.params, prepared.functions
    compiled = [(label, orders, g) for (label, orders, _), g in zip(items, claimed, strict=True)]
    directions = (1, -1) if one_sided else (0,)
    ctx = local_context()

    def compare(xs: tuple[mpf, ...], values: tuple[mpf, ...]) -> list[Comparison]:
        value, *claimed = values
        floor = _floor(value, ctx.dps)
        out: list[Comparison] = []
        for (label, orders, _), sym in zip(compiled, claimed, strict=True):
            extra = _addprec(value, sym, ctx.prec)
            for d in directions:
                num = ctx.diff(f, xs, list(orders), direction=d, addprec=extra)
                side = "" if not d else f" ({'right' if d > 0 else 'left'})"
                out.append(Comparison(f"{label}{side}", num, sym, floor))
        return out

    screens = [("function", f)] + [(f"partial {label}", g) for label, _, g in compiled]
    return _Check(
        vars=vars,
        params=params,
        screens=screens,
        kinks=_kink_functions(exprs, vars, params),
        edges=has_edges(expr),
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
    prepared = _prepare([("first expression", a), ("second expression", b)], vars, seed)
    if prepared.why is not None:
        return _not_run(prepared.why, digits, method)
    params, (fa, fb) = prepared.params, prepared.functions

    def compare(xs: tuple[mpf, ...], values: tuple[mpf, ...]) -> list[Comparison]:
        return [Comparison("", *values, _tiny_for(local_context().dps))]

    return _Check(
        vars=vars,
        params=params,
        screens=[("first expression", fa), ("second expression", fb)],
        kinks=_kink_functions([a, b], vars, params),
        edges=has_edges(a) or has_edges(b),
        compare=compare,
        method=method,
        points=points,
        digits=digits,
        time_budget=time_budget,
        seed=seed,
        single=False,
        stencil_screens=2,
        mismatch="the first expression is {num} but the second is {sym}",
        mismatch_key="reason_mismatch_equal",
    ).run()
