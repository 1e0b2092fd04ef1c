"""Deciding a semidefinite (inconclusive) case exactly: lines, Taylor forms, global signs.

When the Hessian is only semidefinite the second-derivative test says nothing; these checks
look at higher-order terms along lines and in the Taylor expansion, up to
``MAX_HIGHER_ORDER``, within ``HIGHER_ORDER_BUDGET`` seconds of CPU time of the calling
thread (:class:`symderiv.budget.Budget`: a busy machine does not change the outcome; a cut
is said in the reasons). Sampling on small circles is reported as evidence only, never as a
proof; it computes in this thread's own mpmath context (safe in threads).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Mapping, Sequence

import sympy as sp

from symderiv.budget import Budget
from symderiv.engine import as_expression
from symderiv.functions import to_elementary
from symderiv.multivariate.classification import Reason
from symderiv.multivariate.signs import real_version, sign_of
from symderiv.multivariate.variables import clean
from symderiv.numeric import NumericError, local_context, numeric_function

MAX_HIGHER_ORDER = 8
#: CPU seconds the higher-order checks of one classification may take.
HIGHER_ORDER_BUDGET = 3.0
#: Radii of the circles (spheres) sampled for numerical evidence.
#: Evidence is never a proof: (y − x²)(y − 2x²) is ≥ 0 on every line through 0 and
#: negative only in a thin cusp, which the larger circles are there to catch.
EVIDENCE_RADII = tuple(sp.Rational(1, 10**k) for k in range(1, 5))
EVIDENCE_DIRECTIONS = 96


# --------------------------------------------------------------------------- higher order

#: (kind, method, proved, suggested kind from evidence, reasons)
_Outcome = tuple[str, str, bool, str | None, list[Reason]]


def decide_higher_order(
    f: sp.Expr,
    vars: tuple[sp.Symbol, ...],
    point: dict[sp.Symbol, sp.Expr],
    hp: sp.Matrix,
    value: sp.Expr,
    *,
    exact: bool,
) -> _Outcome | None:
    """Decide an inconclusive second-derivative test where that can be proved; when the
    CPU-time budget stopped the exact checks, the reasons say so."""
    budget = Budget(HIGHER_ORDER_BUDGET)
    outcome = _decide(f, vars, point, hp, value, exact=exact, budget=budget)
    if not budget.cut_short or (outcome is not None and outcome[2]):
        return outcome
    cut = Reason.of("higher_order_cut", budget=f"{HIGHER_ORDER_BUDGET:g}")
    if outcome is None:
        return ("inconclusive", "second_derivative", False, None, [cut])
    kind, method, proved, evidence, reasons = outcome
    return (kind, method, proved, evidence, [cut, *reasons])


def _decide(
    f: sp.Expr,
    vars: tuple[sp.Symbol, ...],
    point: dict[sp.Symbol, sp.Expr],
    hp: sp.Matrix,
    value: sp.Expr,
    *,
    exact: bool,
    budget: Budget,
) -> _Outcome | None:
    if exact:
        if len(vars) == 1:
            decided = _line_test(f, vars, point, (sp.Integer(1),), budget)
            if decided is not None:
                k, coefficient = decided
                if k % 2:
                    return (
                        "saddle",
                        "higher_derivative",
                        True,
                        None,
                        [
                            Reason.of(
                                "higher_derivative_odd",
                                order=k,
                                value=coefficient * sp.factorial(k),
                            )
                        ],
                    )
                kind = "minimum" if sign_of(coefficient) > 0 else "maximum"
                return (
                    kind,
                    "higher_derivative",
                    True,
                    None,
                    [
                        Reason.of(
                            f"higher_derivative_{kind}",
                            order=k,
                            value=coefficient * sp.factorial(k),
                        )
                    ],
                )
        else:
            if all(e == 0 for e in hp):
                outcome = _taylor_form_test(f, vars, point, budget)
                if outcome is not None:
                    return outcome
            outcome = _lines_test(f, vars, point, hp, budget)
            if outcome is not None:
                return outcome
    outcome = _global_sign_test(f, vars, point, value)
    if outcome is not None:
        return outcome
    if all(as_expression(v).is_number for v in point.values()) and not hp.free_symbols:
        return _evidence(f, vars, point, value)
    return None


def _shift(
    f: sp.Expr,
    vars: Sequence[sp.Symbol],
    point: Mapping[sp.Symbol, sp.Expr],
    direction: Sequence[sp.Expr],
    t: sp.Symbol,
) -> sp.Expr:
    return f.xreplace({x: point[x] + d * t for x, d in zip(vars, direction, strict=True)})


def _line_test(
    f: sp.Expr,
    vars: Sequence[sp.Symbol],
    point: Mapping[sp.Symbol, sp.Expr],
    direction: Sequence[sp.Expr],
    budget: Budget,
) -> tuple[int, sp.Expr] | None:
    """(k, c): f(p + t d) − f(p) = c t^k + O(t^{k+1}) with c ≠ 0 proved, k ≥ 2."""
    t = sp.Dummy("t")
    g = _shift(f, vars, point, direction, t)
    if g.is_polynomial(t):
        coefficients = sp.Poly(sp.expand(g), t).all_coeffs()[::-1]
        for k in range(2, len(coefficients)):
            s = sign_of(clean(coefficients[k]))
            if s is None:
                return None
            if s != 0:
                return k, clean(coefficients[k])
        return None
    derivative = sp.diff(g, t)
    for k in range(2, MAX_HIGHER_ORDER + 1):
        if budget.exhausted():
            budget.cut("the higher-order checks", f"at order {k}")
            return None
        derivative = sp.diff(derivative, t)
        at_zero = clean(derivative.subs(t, 0))
        s = sign_of(at_zero)
        if s is None:
            return None
        if s != 0:
            return k, at_zero / sp.factorial(k)
    return None


def _directions(n: int, hp: sp.Matrix) -> list[tuple[sp.Expr, ...]]:
    out: list[tuple[sp.Expr, ...]] = []

    def add(vec: Sequence[sp.Expr]) -> None:
        v = tuple(as_expression(c) for c in vec)
        if any(c != 0 for c in v) and v not in out and tuple(-c for c in v) not in out:
            out.append(v)

    for vec in hp.nullspace():
        add(list(vec))
    for i in range(n):
        add([1 if k == i else 0 for k in range(n)])
    for i in range(n):
        for j in range(i + 1, n):
            add([1 if k in (i, j) else 0 for k in range(n)])
            add([1 if k == i else (-1 if k == j else 0) for k in range(n)])
    return out


def _lines_test(
    f: sp.Expr,
    vars: tuple[sp.Symbol, ...],
    point: Mapping[sp.Symbol, sp.Expr],
    hp: sp.Matrix,
    budget: Budget,
) -> _Outcome | None:
    lows: tuple[tuple[sp.Expr, ...], int] | None = None
    highs: tuple[tuple[sp.Expr, ...], int] | None = None
    for direction in _directions(len(vars), hp):
        if budget.exhausted():
            budget.cut("the higher-order checks", "before all lines were tried")
            break
        found = _line_test(f, vars, point, direction, budget)
        if found is None:
            continue
        k, c = found
        if k % 2:
            return (
                "saddle",
                "lines",
                True,
                None,
                [Reason.of("line_odd", direction=direction, order=k)],
            )
        if sign_of(c) > 0:
            lows = lows or (direction, k)
        else:
            highs = highs or (direction, k)
        if lows and highs:
            return (
                "saddle",
                "lines",
                True,
                None,
                [
                    Reason.of(
                        "line_both",
                        up=lows[0],
                        up_order=lows[1],
                        down=highs[0],
                        down_order=highs[1],
                    )
                ],
            )
    return None


def _taylor_forms(
    f: sp.Expr,
    vars: Sequence[sp.Symbol],
    point: Mapping[sp.Symbol, sp.Expr],
    v: Sequence[sp.Symbol],
    budget: Budget,
) -> Iterable[tuple[int, sp.Expr]]:
    """(k, h_k(v)) for k = 2, 3, ...: the order-k Taylor term of f at the point."""
    n = len(vars)
    if f.is_polynomial(*vars):
        shifted = sp.expand(f.xreplace({x: point[x] + vi for x, vi in zip(vars, v, strict=True)}))
        by_degree: dict[int, sp.Expr] = {}
        for monomial, coefficient in sp.Poly(shifted, *v).terms():
            k = sum(monomial)
            term = clean(coefficient) * sp.Mul(*(vi**e for vi, e in zip(v, monomial, strict=True)))
            by_degree[k] = by_degree.get(k, sp.S.Zero) + term
        for k in range(2, max(by_degree, default=0) + 1):
            yield k, sp.expand(by_degree.get(k, sp.S.Zero))
        return
    memo: dict[tuple[int, ...], sp.Expr] = {(): f}

    def partial(index: tuple[int, ...]) -> sp.Expr:
        if index not in memo:
            memo[index] = sp.diff(partial(index[:-1]), vars[index[-1]])
        return memo[index]

    limit = MAX_HIGHER_ORDER if n <= 2 else (6 if n == 3 else 4)
    for k in range(2, limit + 1):
        total = sp.S.Zero
        for index in itertools.combinations_with_replacement(range(n), k):
            if budget.exhausted():
                budget.cut("the higher-order checks", f"in the Taylor term of order {k}")
                return
            counts = [index.count(i) for i in range(n)]
            weight = sp.Mul(*(sp.factorial(c) for c in counts))
            at = clean(partial(index).subs(point))
            total += at / weight * sp.Mul(*(vi**c for vi, c in zip(v, counts, strict=True)))
        yield k, sp.expand(total)


def _taylor_form_test(
    f: sp.Expr, vars: tuple[sp.Symbol, ...], point: Mapping[sp.Symbol, sp.Expr], budget: Budget
) -> _Outcome | None:
    v = [sp.Symbol(f"d{x.name}") for x in vars]
    for k, form in _taylor_forms(f, vars, point, v, budget):
        if form == 0:
            continue
        shown = form.xreplace({vi: sp.Symbol(f"Δ{x.name}") for vi, x in zip(v, vars, strict=True)})
        if k % 2:
            return (
                "saddle",
                "taylor_form",
                True,
                None,
                [Reason.of("taylor_odd", order=k, form=shown)],
            )
        decided = _FORM_VERDICTS.get(_form_sign(form, v))
        if decided is None:
            return None
        kind, key = decided
        return (kind, "taylor_form", True, None, [Reason.of(key, order=k, form=shown)])
    return None


#: The sign of the lowest non-zero Taylor form decides the kind (and the reason given).
_FORM_VERDICTS = {
    "positive": ("minimum", "taylor_pd"),
    "negative": ("maximum", "taylor_nd"),
    "indefinite": ("saddle", "taylor_indefinite"),
}


def _form_sign(form: sp.Expr, v: Sequence[sp.Symbol]) -> str | None:
    """'positive'/'negative' (definite), 'indefinite' or None for an even form h(v)."""
    samples = _form_samples(form, v)
    if 1 in samples and -1 in samples:
        return "indefinite"
    if len(v) == 2:
        return _binary_form_sign(form, v)
    poly = sp.Poly(form, *v)
    k = poly.total_degree()
    diagonal = all(sum(1 for e in m if e) == 1 for m in poly.monoms())
    if diagonal and len(poly.monoms()) == len(v):
        signs = {sign_of(c) for c in poly.coeffs()}
        if signs == {1}:
            return "positive" if k % 2 == 0 else None
        if signs == {-1}:
            return "negative" if k % 2 == 0 else None
    return None


def _form_samples(form: sp.Expr, v: Sequence[sp.Symbol]) -> set[int | None]:
    rng = random.Random(0)
    vectors = [tuple(1 if k == i else 0 for k in range(len(v))) for i in range(len(v))]
    vectors += [tuple(rng.choice((-2, -1, 1, 2, 3)) for _ in v) for _ in range(40)]
    return {sign_of(clean(form.xreplace(dict(zip(v, vec, strict=True))))) for vec in vectors}


def _binary_form_sign(form: sp.Expr, v: Sequence[sp.Symbol]) -> str | None:
    """Sign of a binary form h(v1, v2): from h(1, s) (real roots, exact) and h(0, 1)."""
    s = sp.Dummy("s")
    k = sp.Poly(form, *v).total_degree()
    try:
        poly = sp.Poly(form.xreplace({v[0]: 1, v[1]: s}), s)
        if not poly.domain.is_QQ and not poly.domain.is_ZZ:
            return None
        has_real_roots = poly.count_roots() > 0
    except (sp.PolynomialError, NotImplementedError):
        return None
    if has_real_roots or poly.degree() != k:
        return None
    lead = sign_of(poly.LC())
    at_zero = sign_of(poly.eval(0))
    if lead == at_zero == 1:
        return "positive"
    if lead == at_zero == -1:
        return "negative"
    return None


def _global_sign_test(
    f: sp.Expr, vars: Sequence[sp.Symbol], point: Mapping[sp.Symbol, sp.Expr], value: sp.Expr
) -> _Outcome | None:
    real = {s: real_version(s) for s in f.free_symbols | value.free_symbols}
    difference = (f - value).xreplace(real)
    candidates = [difference]
    try:
        if sp.count_ops(difference) <= 80:
            candidates.append(sp.factor(difference))
    except (sp.PolynomialError, NotImplementedError):
        pass
    back = {r: s for s, r in real.items()}
    for candidate in candidates:
        if candidate.is_nonnegative:
            return (
                "minimum",
                "global_sign",
                True,
                None,
                [Reason.of("global_min", difference=candidate.xreplace(back))],
            )
        if candidate.is_nonpositive:
            return (
                "maximum",
                "global_sign",
                True,
                None,
                [Reason.of("global_max", difference=candidate.xreplace(back))],
            )
    return None


def _evidence(
    f: sp.Expr, vars: tuple[sp.Symbol, ...], point: Mapping[sp.Symbol, sp.Expr], value: sp.Expr
) -> _Outcome | None:
    """Numerical evidence: the sign of f − f(p) on circles (spheres) around p."""
    n = len(vars)
    ctx = local_context()
    try:
        fn = numeric_function(to_elementary(f), vars, ctx=ctx)
    except NumericError:
        return None
    rng = random.Random(0)
    if n == 1:
        directions = [[ctx.one], [-ctx.one]]
    elif n == 2:
        directions = [
            [
                ctx.cos(2 * ctx.pi * k / EVIDENCE_DIRECTIONS),
                ctx.sin(2 * ctx.pi * k / EVIDENCE_DIRECTIONS),
            ]
            for k in range(EVIDENCE_DIRECTIONS)
        ]
    else:
        directions = []
        for _ in range(EVIDENCE_DIRECTIONS * 2):
            vec = [ctx.mpf(rng.gauss(0, 1)) for _ in range(n)]
            norm = ctx.sqrt(sum(c * c for c in vec))
            directions.append([c / norm for c in vec])
    signs: set[int] = set()
    count = 0
    with ctx.workdps(60):
        try:
            center = [ctx.mpf(str(sp.N(point[x], 70))) for x in vars]
            base = ctx.mpf(str(sp.N(to_elementary(value), 70)))
            for radius in EVIDENCE_RADII:
                r = ctx.mpf(str(sp.N(radius, 70)))
                for d in directions:
                    diff = fn(*(c + r * di for c, di in zip(center, d, strict=True))) - base
                    count += 1
                    if abs(diff) > ctx.mpf(10) ** -50:
                        signs.add(1 if diff > 0 else -1)
        except (NumericError, ValueError, ZeroDivisionError):
            return None
    radii = ", ".join(f"{float(r):g}" for r in EVIDENCE_RADII)
    if signs == {1}:
        suggested, relation = "minimum", "≥ 0"
    elif signs == {-1}:
        suggested, relation = "maximum", "≤ 0"
    elif signs == {1, -1}:
        suggested, relation = "saddle", "± (both signs)"
    else:
        return None
    return (
        "inconclusive",
        "evidence",
        False,
        suggested,
        [
            Reason.of("cannot_decide"),
            Reason.of(f"evidence_{suggested}", count=count, radii=radii, relation=relation),
        ],
    )
