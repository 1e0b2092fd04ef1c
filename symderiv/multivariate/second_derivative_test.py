"""The second-derivative test at a point: the Hessian's definiteness, then higher orders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sympy as sp

from symderiv.engine import as_expression
from symderiv.errors import DerivationError
from symderiv.multivariate.checks import check_at_point, combine_verifications
from symderiv.multivariate.classification import (
    ZERO_TOLERANCE,
    Classification,
    ParameterCase,
    Reason,
)
from symderiv.multivariate.higher_order import decide_higher_order
from symderiv.multivariate.parameters import parameter_cases
from symderiv.multivariate.signs import (
    decide_inertia,
    definiteness_of,
    eigenvalues_of,
    leading_minors,
    real_version,
    sign_of,
    value_scale,
)
from symderiv.multivariate.variables import clean, ordered, substitute
from symderiv.steps import NOT_VERIFIED, Verification


def classify_at(
    f: sp.Expr,
    vars: Sequence[sp.Symbol],
    hessian_matrix: sp.MatrixBase,
    values: Mapping[sp.Symbol, sp.Expr],
    *,
    gradient: Sequence[sp.Expr] | None = None,
    higher_order: bool = True,
    require_critical: bool = True,
    formulas_check: Verification = NOT_VERIFIED,
    anywhere: bool = False,
) -> Classification:
    """The second-derivative test for ``f`` at ``values``, then higher-order checks.

    Definiteness comes from the signs of the characteristic polynomial's coefficients
    (exact; see the module docstring). When the test cannot decide and ``higher_order``
    is set, at an exact point without parameters: in one variable the first non-zero
    higher derivative decides; in several, the lowest-order non-zero Taylor term (odd ⇒
    saddle; definite ⇒ strict extremum; indefinite ⇒ saddle), lines through the point
    (an odd leading power, or a minimum along one line and a maximum along another ⇒
    saddle), and f − f(p) ≥ 0 (or ≤ 0) for all real inputs (SymPy's assumptions) ⇒ a
    global minimum (maximum). What is still undecided gets numerical evidence from
    circles (spheres) around the point, reported as such, never as a proof.
    """
    vars = tuple(vars)
    point = dict(values)
    n = len(vars)
    hp = sp.ImmutableMatrix(hessian_matrix.applyfunc(lambda e: substitute(e, point)))
    numeric = hp.has(sp.Float) or any(as_expression(v).has(sp.Float) for v in point.values())
    params = ordered(hp.free_symbols)
    reasons: list[Reason] = []
    value = None if anywhere else substitute(f, point)
    critical = True

    if gradient is not None and not anywhere:
        grad_at = [substitute(g, point) for g in gradient]
        nonzero = [g for g in grad_at if sign_of(g, scale=value_scale(grad_at)) not in (0, None)]
        if nonzero:
            if require_critical:
                shown = ", ".join(str(g) for g in grad_at)
                raise DerivationError(
                    f"the point is not a critical point: the gradient there is ({shown}), "
                    "not 0; the second-derivative test applies at critical points "
                    "(pass require_critical=False to describe the curvature only)"
                )
            reasons.append(Reason.of("not_critical", gradient=tuple(grad_at)))
            critical = False

    t = sp.Dummy("t")
    coeffs = tuple(clean(c) for c in hp.charpoly(t).all_coeffs())
    minors = leading_minors(hp)
    eigenvalues, exact_eigen = eigenvalues_of(hp, coeffs, numeric)

    inertia: tuple[int, int, int] | None = None
    if numeric:
        scale = value_scale(list(hp))
        tol = ZERO_TOLERANCE * max(1.0, scale)
        if eigenvalues:
            pos = sum(1 for v in eigenvalues if v > tol)
            neg = sum(1 for v in eigenvalues if v < -tol)
            inertia = (pos, neg, n - pos - neg)
        reasons.append(Reason.of("float_tolerance", tolerance=f"{ZERO_TOLERANCE:g}"))
    else:
        real = {p: real_version(p) for p in params}
        inertia = decide_inertia(
            [sign_of(c.xreplace(real)) for c in coeffs],
            [sign_of(m.xreplace(real)) for m in minors],
        )

    cases: tuple[ParameterCase, ...] = ()
    depends_on: tuple[sp.Symbol, ...] = ()
    if inertia is None:
        definiteness, hessian_kind = "depends" if params else "unknown", "inconclusive"
        if params:
            depends_on = params
            if not any(p.is_integer for p in params):
                cases = parameter_cases(hp, params)
            reasons.append(Reason.of("depends", params=params, cases=cases))
        else:
            reasons.append(Reason.of("undecidable_signs"))
    else:
        definiteness, hessian_kind = definiteness_of(inertia)
        reasons.append(_hessian_reason(definiteness, hp, n))
        sylvester = _sylvester_reason(minors, definiteness, numeric)
        if sylvester is not None:
            reasons.append(sylvester)

    kind, method, proved, evidence = hessian_kind, "second_derivative", not numeric, None
    if cases and len({c.kind for c in cases}) == 1 and cases[0].condition == sp.true:
        kind = cases[0].kind
    if not critical:  # no min/max/saddle verdict away from a critical point: curvature only
        kind, method, proved = "not_critical", "curvature", False
    elif (
        hessian_kind == "inconclusive"
        and inertia is not None
        and higher_order
        and value is not None
    ):
        outcome = decide_higher_order(f, vars, point, hp, value, exact=not numeric and not params)
        if outcome is not None:
            kind, method, proved, evidence, extra = outcome
            reasons.extend(extra)
    if kind == "inconclusive" and inertia is not None and method == "second_derivative":
        reasons.append(Reason.of("cannot_decide"))

    claims: list[tuple[tuple[int, ...], sp.Expr]] = []
    numeric_point = all(as_expression(v).is_number for v in point.values())
    if not anywhere and not params and numeric_point:
        shown = hessian_matrix if numeric else hp  # decimals: evaluate the formulas
        for i in range(n):
            orders = tuple(2 if k == i else 0 for k in range(n))
            claims.append((orders, shown[i, i]))
            for j in range(i + 1, n):
                orders = tuple(1 if k in (i, j) else 0 for k in range(n))
                claims.append((orders, shown[i, j]))
        if gradient is not None:
            for i, g in enumerate(gradient):
                orders = tuple(1 if k == i else 0 for k in range(n))
                claims.append((orders, g))
        at_point = check_at_point(f, vars, point, claims)
        verification = combine_verifications([formulas_check, at_point])
    else:
        verification = formulas_check

    return Classification(
        kind=kind,
        hessian_kind=hessian_kind,
        definiteness=definiteness,
        point=point,
        vars=vars,
        matrix=hp,
        eigenvalues=eigenvalues,
        eigenvalues_exact=exact_eigen,
        minors=minors,
        charpoly=coeffs,
        inertia=inertia,
        method=method,
        proved=proved,
        reasons=tuple(reasons),
        value=value,
        cases=cases,
        depends_on=depends_on,
        evidence=evidence,
        numeric=numeric,
        anywhere=anywhere,
        verification=verification,
    )


def _hessian_reason(definiteness: str, hp: sp.Matrix, n: int) -> Reason:
    if n == 1:
        sign = {"positive definite": "pos", "negative definite": "neg"}.get(definiteness, "zero")
        return Reason.of(f"second_1d_{sign}", value=hp[0, 0])
    key = {
        "positive definite": "hessian_pd",
        "negative definite": "hessian_nd",
        "indefinite": "hessian_indefinite",
        "positive semidefinite": "hessian_psd",
        "negative semidefinite": "hessian_nsd",
        "zero": "hessian_zero",
    }[definiteness]
    return Reason.of(key)


def _sylvester_reason(minors: Sequence[sp.Expr], definiteness: str, numeric: bool) -> Reason | None:
    if len(minors) < 2:
        return None
    signs = [sign_of(m, scale=1.0) for m in minors]
    if None in signs:
        return None
    if all(s == 1 for s in signs):
        return Reason.of("sylvester_pd", minors=tuple(minors))
    if all(s == (-1) ** (k + 1) for k, s in enumerate(signs)):
        return Reason.of("sylvester_nd", minors=tuple(minors))
    if len(minors) == 2 and signs[1] == -1:
        return Reason.of("sylvester_saddle_2d", det=minors[1])
    if definiteness == "indefinite" and signs[-1] != 0:
        return Reason.of("sylvester_indefinite", minors=tuple(minors))
    return Reason.of("sylvester_none", minors=tuple(minors))
