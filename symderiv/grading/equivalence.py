"""Are two expressions equal as functions on the problem's real domain?

Numeric test first, symbolic confirmation second:

1. **Numeric.** Points are drawn from a seeded generator (|x| in (0.1, 3) first, then
   (0.01, 0.1) and (3, 30); both signs; near-integers, 0, multiples of π/2 and kinks
   skipped). A point is used when every *domain* expression (the problem's function and
   the expected answer) is a finite real number there and at ±1e-3 relative (so points near
   a singularity or the domain's edge are avoided). At each used point the answer must be
   a finite real number too (else: counterexample, "not defined where the derivative is"),
   and agree with the expected value to 1e-20 relative at 30 digits (a failing point is
   redone at 60 digits, 1e-40, before it counts). One counterexample decides "not equal";
   ``POINTS`` (8) agreeing points decide "equal (tested)". Other free symbols are
   parameters with fixed generic values, and the test is run for two different sets of
   values. With ``abs_tol``/``rel_tol`` a point agrees when
   ``|a − e| ≤ max(abs_tol, rel_tol·|e|)``.
2. **Symbolic.** Under a time budget and size gates, ``a − e`` (ML functions rewritten to
   exp) is reduced to 0 by ``expand``, ``cancel``, ``trigsimp``/``simplify``; success sets
   ``proved``. Failure to prove does not overturn a numeric "equal".
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import mpmath
import sympy as sp
from mpmath import mpf

from symderiv.functions import to_elementary
from symderiv.numeric import NumericError, kink_arguments, numeric_function

__all__ = ["POINTS", "Comparison", "compare", "prove_equal"]

POINTS = 8
DIGITS = 30
#: Precision of the re-test of answers that are equal numerically but not proved.
HIGH_DIGITS = 150
_SCALES = ((0.1, 3.0, 48), (0.01, 0.1, 16), (3.0, 30.0, 16))
_STENCIL = 1e-3


@dataclass(frozen=True)
class Comparison:
    """``equal``: True (all points agree), False (a counterexample), None (untestable)."""

    equal: bool | None
    proved: bool = False
    points: int = 0
    counterexample: str = ""
    undefined: bool = False  # the counterexample is a point where the answer is undefined
    values: tuple[str, str] = ("", "")  # (the answer's, the right) value there


def _special(v: float) -> bool:
    a = abs(v)
    if a < 1e-3:
        return True
    if a > 30:
        return False
    margin = 1e-3 * max(1.0, a)
    if abs(v - round(v)) < margin:
        return True
    q = math.pi / 2
    return abs(v - q * round(v / q)) < margin


def _points(rng: random.Random, n: int):
    if n == 0:
        yield ()
        return
    i = 0
    for lo, hi, count in _SCALES:
        for _ in range(count * min(2 ** (n - 1), 4)):
            point = []
            for j in range(n):
                sign = -1 if (i >> j) & 1 else 1
                point.append(sign * float(f"{rng.uniform(lo, hi):.6g}"))
            i += 1
            if not any(_special(v) for v in point):
                yield tuple(point)


def _params(symbols: Sequence[sp.Symbol], seed: int) -> dict[sp.Symbol, float]:
    rng = random.Random(f"params-{seed}")
    values = {}
    for s in sorted(symbols, key=str):
        v = 1.0
        while abs(v - round(v)) < 0.05:
            v = round(rng.uniform(0.5, 2.5), 4)
        values[s] = -v if s.is_negative else v
    return values


def _real(fn: Callable[..., mpf], xs: tuple) -> mpf | None:
    try:
        return fn(*xs)
    except (NumericError, ZeroDivisionError, OverflowError, ValueError):
        return None


def _describe(vars: Sequence[sp.Symbol], xs: tuple) -> str:
    return ", ".join(f"{v} = {x:.6g}" for v, x in zip(vars, xs, strict=True))


def _differ(a: mpf, e: mpf, digits: int, abs_tol: float | None, rel_tol: float | None) -> bool:
    diff = abs(a - e)
    if abs_tol is not None or rel_tol is not None:
        return diff > max(abs_tol or 0.0, (rel_tol or 0.0) * abs(e))
    scale = max(abs(a), abs(e))
    tiny = mpf(10) ** (-(5 * digits) // 6)
    if scale < tiny:
        return diff > tiny
    return diff / scale > mpf(10) ** (-(2 * digits) // 3)


def _numeric(
    answer: sp.Expr,
    expected: sp.Expr,
    vars: Sequence[sp.Symbol],
    domain: Sequence[sp.Expr],
    seed: int,
    deadline: float,
    abs_tol: float | None,
    rel_tol: float | None,
) -> Comparison:
    exprs = [answer, expected, *domain]
    free: set[sp.Symbol] = set()
    for e in exprs:
        free |= e.free_symbols
    params = _params(sorted(free - set(vars), key=str), seed)
    try:
        fa = numeric_function(answer, vars, params)
        fe = numeric_function(expected, vars, params)
        screens = [numeric_function(d, vars, params) for d in domain] + [fe]
        kinks = [numeric_function(k, vars, params) for e in exprs for k in kink_arguments(e)]
    except (NumericError, TypeError, ValueError):
        return Comparison(None)
    rng = random.Random(seed)
    used = 0
    wanted = POINTS if vars else 1
    with mpmath.workdps(DIGITS):
        for xs in _points(rng, len(vars)):
            if time.monotonic() > deadline:
                break
            lo = tuple(v * (1 - _STENCIL) for v in xs)
            hi = tuple(v * (1 + _STENCIL) for v in xs)
            if any(_real(s, p) is None for s in screens for p in (xs, lo, hi)):
                continue
            if any(
                (k1 := _real(k, lo)) is None or (k2 := _real(k, hi)) is None or k1 * k2 <= 0
                for k in kinks
            ):
                continue
            e = fe(*xs)
            a = _real(fa, xs)
            if a is None:
                if _real(fa, lo) is None and _real(fa, hi) is None:
                    where = _describe(vars, xs)
                    return Comparison(False, False, used, where, undefined=True)
                continue  # an isolated removable point: skip it
            if _differ(a, e, DIGITS, abs_tol, rel_tol):
                with mpmath.workdps(2 * DIGITS):
                    a2, e2 = _real(fa, xs), _real(fe, xs)
                    if a2 is None or e2 is None or _differ(a2, e2, 2 * DIGITS, abs_tol, rel_tol):
                        where = _describe(vars, xs)
                        values = (mpmath.nstr(a, 8), mpmath.nstr(e, 8))
                        return Comparison(False, False, used, where, values=values)
            used += 1
            if used >= wanted:
                return Comparison(True, False, used, values=("", _describe(vars, xs)))
    return Comparison(None, False, used)


def _recheck(
    answer: sp.Expr,
    expected: sp.Expr,
    vars: Sequence[sp.Symbol],
    domain: Sequence[sp.Expr],
    deadline: float,
) -> Comparison | None:
    """A counterexample at ``HIGH_DIGITS`` digits (three points), or None."""
    free: set[sp.Symbol] = set()
    for e in (answer, expected, *domain):
        free |= e.free_symbols
    params = _params(sorted(free - set(vars), key=str), 0)
    try:
        fa = numeric_function(answer, vars, params)
        fe = numeric_function(expected, vars, params)
        screens = [numeric_function(d, vars, params) for d in domain]
    except (NumericError, TypeError, ValueError):
        return None
    checked = 0
    with mpmath.workdps(HIGH_DIGITS):
        for xs in _points(random.Random(7), len(vars)):
            if checked >= 3 or time.monotonic() > deadline:
                break
            a, e = _real(fa, xs), _real(fe, xs)
            if a is None or e is None or any(_real(f, xs) is None for f in screens):
                continue
            checked += 1
            if _differ(a, e, HIGH_DIGITS, None, None):
                where = _describe(vars, xs)
                values = (mpmath.nstr(a, 8), mpmath.nstr(e, 8))
                return Comparison(False, False, checked, where, values=values)
    return None


_PROOF_STEPS: tuple[tuple[Callable[[sp.Expr], sp.Expr], int], ...] = (
    (lambda d: d, 10**6),
    (sp.expand, 400),
    (sp.cancel, 150),
    (lambda d: sp.expand(sp.expand_log(d, force=False)), 200),
    (sp.trigsimp, 80),
    (sp.simplify, 60),
)


def prove_equal(a: sp.Expr, b: sp.Expr, budget: float = 1.0) -> bool:
    """Try to reduce ``a - b`` to 0 with size-gated rewrites within ``budget`` seconds."""
    deadline = time.monotonic() + budget
    try:
        diff = to_elementary(a) - to_elementary(b)
        ops = int(sp.count_ops(diff))
        for rewrite, limit in _PROOF_STEPS:
            if ops > limit or time.monotonic() > deadline:
                continue
            if rewrite(diff) == 0:
                return True
    except (RecursionError, ValueError, TypeError, ZeroDivisionError, NotImplementedError):
        return False
    return False


def compare(
    answer: sp.Expr,
    expected: sp.Expr,
    vars: Sequence[sp.Symbol],
    *,
    domain: Sequence[sp.Expr] = (),
    abs_tol: float | None = None,
    rel_tol: float | None = None,
    budget: float = 2.0,
    prove: bool = True,
) -> Comparison:
    """Compare ``answer`` with ``expected`` as functions of ``vars`` (see the module doc)."""
    start = time.monotonic()
    vars = tuple(vars)
    free = (answer.free_symbols | expected.free_symbols) - set(vars)
    seeds = (0, 1) if free else (0,)
    result = Comparison(None)
    for seed in seeds:
        result = _numeric(answer, expected, vars, domain, seed, start + budget, abs_tol, rel_tol)
        if result.equal is not True:
            break
    if result.equal is False:
        return result
    proved = False
    if prove and abs_tol is None and rel_tol is None:
        remaining = max(0.2, budget - (time.monotonic() - start))
        proved = prove_equal(answer, expected, remaining)
    if result.equal and not proved and abs_tol is None and rel_tol is None:
        # Not proved: re-test at high precision, so a tiny offset (1e-40) is not missed.
        recheck = _recheck(answer, expected, vars, domain, start + budget + 1.0)
        if recheck is not None:
            return recheck
    if result.equal is None:
        # Too few testable points: only a proof decides.
        return Comparison(True if proved else None, proved, result.points)
    return Comparison(True, proved, result.points)
