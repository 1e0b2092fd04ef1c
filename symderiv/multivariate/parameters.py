"""When a function has parameters: the conditions on them under which each kind holds."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import sympy as sp
from sympy.logic.boolalg import SOPform

from symderiv.multivariate.classification import KINDS, ParameterCase
from symderiv.multivariate.signs import (
    decide_inertia,
    definiteness_of,
    leading_minors,
    real_version,
    sign_of,
)

# --------------------------------------------------------------------------- parameters


def parameter_cases(hp: sp.Matrix, params: Sequence[sp.Symbol]) -> tuple[ParameterCase, ...]:
    """The kind as a function of real parameters.

    With at most three parameters every sign pattern (each parameter < 0, = 0 or > 0) is
    classified exactly; when each pattern decides, the conditions are the minimal
    sign conditions per kind. Otherwise the conditions are the exact coefficient
    conditions (positive definite: (-1)^k c_k > 0 for all k; negative definite: all
    c_k > 0; in 2-D a saddle when det < 0), reduced to intervals for one parameter.
    """
    if len(params) <= 3:
        by_kind = _sign_pattern_kinds(hp, params)
        if by_kind is not None:
            return _sop_cases(by_kind, params)
    return _coefficient_cases(hp, params)


def _sign_pattern_kinds(
    hp: sp.Matrix, params: Sequence[sp.Symbol]
) -> dict[str, list[tuple[int, ...]]] | None:
    t = sp.Dummy("t")
    positive = {p: sp.Symbol(p.name, positive=True) for p in params}
    out: dict[str, list[tuple[int, ...]]] = {}
    for pattern in itertools.product((1, 0, -1), repeat=len(params)):
        sub = {p: s * positive[p] for p, s in zip(params, pattern, strict=True)}
        substituted = hp.xreplace(sub)
        coeffs = substituted.charpoly(t).all_coeffs()
        inertia = decide_inertia(
            [sign_of(sp.factor(sp.expand(c))) for c in coeffs],
            [sign_of(sp.factor(sp.expand(m))) for m in leading_minors(substituted)],
        )
        if inertia is None:
            return None
        _, kind = definiteness_of(inertia)
        out.setdefault(kind, []).append(pattern)
    return out


def _sop_cases(
    by_kind: dict[str, list[tuple[int, ...]]], params: Sequence[sp.Symbol]
) -> tuple[ParameterCase, ...]:
    flags = []
    for p in params:
        flags.extend([sp.Symbol(f"{p.name}_pos"), sp.Symbol(f"{p.name}_neg")])
    dontcares = [
        list(bits)
        for bits in itertools.product((0, 1), repeat=len(flags))
        if any(bits[2 * i] and bits[2 * i + 1] for i in range(len(params)))
    ]

    def bits(pattern: tuple[int, ...]) -> list[int]:
        out: list[int] = []
        for s in pattern:
            out.extend([int(s > 0), int(s < 0)])
        return out

    cases: list[ParameterCase] = []
    for kind in KINDS:
        if kind not in by_kind:
            continue
        sop = SOPform(flags, [bits(p) for p in by_kind[kind]], dontcares=dontcares)
        cases.append(ParameterCase(kind, canonical(_flags_to_condition(sop, params, flags))))
    return tuple(cases)


def _flags_to_condition(
    sop: sp.Basic, params: Sequence[sp.Symbol], flags: Sequence[sp.Symbol]
) -> sp.Basic:
    if sop in (sp.true, sp.false):
        return sop
    terms = sop.args if isinstance(sop, sp.Or) else (sop,)
    ors = []
    for term in terms:
        literals = term.args if isinstance(term, sp.And) else (term,)
        parts = []
        for i, p in enumerate(params):
            pos, neg = flags[2 * i], flags[2 * i + 1]
            has = {lit for lit in literals if lit in (pos, neg, ~pos, ~neg)}
            real = real_version(p)
            if pos in has:
                parts.append(sp.StrictGreaterThan(real, 0))
            elif neg in has:
                parts.append(sp.StrictLessThan(real, 0))
            elif ~pos in has and ~neg in has:
                parts.append(sp.Eq(real, 0))
            elif ~pos in has:
                parts.append(sp.LessThan(real, 0))
            elif ~neg in has:
                parts.append(sp.GreaterThan(real, 0))
        ors.append(sp.And(*parts))
    condition = sp.Or(*ors)
    return condition.xreplace({real_version(p): p for p in params})


def _coefficient_cases(hp: sp.Matrix, params: Sequence[sp.Symbol]) -> tuple[ParameterCase, ...]:
    t = sp.Dummy("t")
    real = {p: real_version(p) for p in params}
    back = {r: p for p, r in real.items()}
    coeffs = [sp.factor(sp.expand(c)) for c in hp.xreplace(real).charpoly(t).all_coeffs()]
    n = len(coeffs) - 1
    wanted: list[tuple[str, sp.Basic]] = [
        ("minimum", sp.And(*((-1) ** k * coeffs[k] > 0 for k in range(1, n + 1)))),
        ("maximum", sp.And(*(coeffs[k] > 0 for k in range(1, n + 1)))),
    ]
    if n == 2:
        wanted.append(("saddle", coeffs[2] < 0))
        wanted.append(("inconclusive", sp.Eq(coeffs[2], 0)))
    cases = []
    for kind, condition in wanted:
        reduced = _reduce(condition, list(real.values()))
        if reduced is not sp.false:
            cases.append(ParameterCase(kind, canonical(reduced.xreplace(back))))
    return tuple(cases)


def canonical(condition: sp.Basic) -> sp.Basic:
    """Relations with the symbol on the left: 0 < a becomes a > 0."""
    if condition in (sp.true, sp.false):
        return condition
    return condition.replace(
        lambda e: isinstance(e, sp.core.relational.Relational), lambda e: e.canonical
    )


def _reduce(condition: sp.Basic, params: Sequence[sp.Symbol]) -> sp.Basic:
    if condition in (sp.true, sp.false) or len(params) != 1:
        return condition
    try:
        if isinstance(condition, sp.Eq):
            roots = sp.solveset(condition.lhs - condition.rhs, params[0], sp.S.Reals)
            if isinstance(roots, sp.FiniteSet):
                return sp.Or(*(sp.Eq(params[0], r) for r in roots)) if roots else sp.false
            return condition
        parts = condition.args if isinstance(condition, sp.And) else (condition,)
        return sp.reduce_inequalities(list(parts), params[0])
    except (NotImplementedError, ValueError, TypeError):
        return condition
