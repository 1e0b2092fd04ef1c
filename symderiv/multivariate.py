"""Gradients, Jacobians and Hessians worked step by step, and the second-derivative test.

Every partial derivative is a full :class:`~symderiv.steps.Derivation` from
:func:`symderiv.derive` (the other variables held constant), and every result carries an
independent numeric cross-check (:func:`symderiv.verify.verify_partials`: central
differences per coordinate for gradients, nested differences for mixed partials).

Variable order. When ``vars`` is omitted the variables are the free symbols of the
expression in *natural* order: names are compared piece by piece, digit runs as numbers,
so ``x < x1 < x2 < x10 < y`` (see :func:`natural_key`). Given ``vars`` (a list of names or
symbols, or one string ``"x, y"``) fix the order and make every other symbol a parameter.

Definiteness is decided exactly. For a symmetric matrix all eigenvalues are real, so by
Descartes' rule of signs (exact for real-rooted polynomials) the number of positive
eigenvalues is the number of sign changes in the coefficients of the characteristic
polynomial ``det(tI - H)`` once its factor ``t^m`` (the zero eigenvalues) is taken out, and
the number of negative ones is the rest. Only the *signs* of n exact numbers are needed,
which takes milliseconds up to 6x6, where SymPy's symbolic eigenvalues take tens of seconds
(4x4) or fail (5x5). Eigenvalues are shown exactly when the characteristic polynomial
splits into factors of degree <= 2, otherwise numerically (``eigenvalues_exact=False``).

Zero tolerance. When the Hessian at the point holds decimal (Float) numbers, the inertia is
read from the eigenvalues computed by ``mpmath.eigsy`` at 30 digits, and an eigenvalue
counts as zero when ``|lambda| <= ZERO_TOLERANCE * max(1, max |H_ij|)`` with
``ZERO_TOLERANCE = 1e-9``. Exact entries are never judged with a tolerance.

>>> g = gradient("x^2 + 3x y + y^2")
>>> g.at({"x": 1, "y": 2})
(8, 7)
>>> hessian("x^2 + 3x y + y^2").classify({"x": 0, "y": 0}).kind
'saddle'
"""

from __future__ import annotations

import itertools
import random
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

import mpmath
import sympy as sp
from mpmath import mpf
from sympy.logic.boolalg import SOPform

from symderiv import steps
from symderiv.engine import as_expression, derive
from symderiv.errors import DerivationError
from symderiv.functions import to_elementary
from symderiv.numeric import NumericError, numeric_function
from symderiv.simplify import tidy
from symderiv.steps import NOT_VERIFIED, Derivation, Verification
from symderiv.verify import tolerance_for, verify_equal, verify_partials

__all__ = [
    "KINDS",
    "ZERO_TOLERANCE",
    "Classification",
    "Gradient",
    "Hessian",
    "Jacobian",
    "MixedPartials",
    "ParameterCase",
    "Reason",
    "classify_at",
    "gradient",
    "hessian",
    "jacobian",
    "natural_key",
    "resolve_variables",
]

KINDS = ("minimum", "maximum", "saddle", "inconclusive")
#: Relative tolerance for zero when the Hessian at the point holds decimal numbers.
ZERO_TOLERANCE = 1e-9
#: Largest derivative order the higher-order checks look at.
MAX_HIGHER_ORDER = 8
#: Seconds the higher-order checks of one classification may take.
HIGHER_ORDER_BUDGET = 3.0
#: Radii of the circles (spheres) sampled for numerical evidence.
#: Evidence is never a proof: (y − x²)(y − 2x²) is ≥ 0 on every line through 0 and
#: negative only in a thin cusp, which the larger circles are there to catch.
EVIDENCE_RADII = tuple(sp.Rational(1, 10**k) for k in range(1, 5))
EVIDENCE_DIRECTIONS = 96


# --------------------------------------------------------------------------- variables


def natural_key(symbol: sp.Symbol) -> tuple[Any, ...]:
    """Sort key comparing digit runs as numbers: x < x1 < x2 < x10 < y."""
    parts = re.split(r"(\d+)", symbol.name)
    return (tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), symbol.name)


def ordered(symbols: Iterable[sp.Symbol]) -> tuple[sp.Symbol, ...]:
    return tuple(sorted(set(symbols), key=natural_key))


def _names(vars: str | sp.Symbol | Iterable[str | sp.Symbol]) -> list[str | sp.Symbol]:
    if isinstance(vars, str):
        return [n for n in re.split(r"[,\s]+", vars.strip()) if n]
    if isinstance(vars, sp.Symbol):
        return [vars]
    try:
        return list(vars)
    except TypeError as exc:
        raise DerivationError(f"vars must be names or symbols, not {vars!r}") from exc


def resolve_variables(
    exprs: Sequence[sp.Expr], vars: str | sp.Symbol | Iterable[str | sp.Symbol] | None
) -> tuple[sp.Symbol, ...]:
    """The variables, in order: the given ones, or all free symbols in natural order.

    A given variable must occur in at least one of ``exprs`` (a typo is an error, not a
    silent zero column).
    """
    free: set[sp.Symbol] = set()
    for e in exprs:
        free |= e.free_symbols
    if vars is None:
        if not free:
            raise DerivationError("the expression has no variables; say which ones (vars)")
        return ordered(free)
    by_name = {s.name: s for s in free}
    chosen: list[sp.Symbol] = []
    for item in _names(vars):
        name = item.name if isinstance(item, sp.Symbol) else str(item).strip()
        if not name.isidentifier():
            raise DerivationError(f"{name!r} is not a variable name")
        if name not in by_name:
            known = ", ".join(s.name for s in ordered(free)) or "none"
            raise DerivationError(
                f"{name} does not occur in the expression (its symbols are {known})"
            )
        symbol = by_name[name]
        if symbol in chosen:
            raise DerivationError(f"the variable {name} is given twice")
        chosen.append(symbol)
    if not chosen:
        raise DerivationError("no variables were given")
    return tuple(chosen)


def _scalar(expr: Any) -> tuple[str, sp.Expr]:
    """(source text, expression) for one scalar function; vectors are refused."""
    if isinstance(expr, list | tuple | set | dict | sp.MatrixBase | sp.NDimArray):
        raise DerivationError(
            "this needs a single scalar expression; for several functions use jacobian"
        )
    source = expr if isinstance(expr, str) else ""
    f = as_expression(expr)
    if not isinstance(f, sp.Expr) or isinstance(f, sp.MatrixBase):
        raise DerivationError("this needs a single scalar expression")
    if f.has(sp.Derivative):
        raise DerivationError("the input already contains a derivative; give the function")
    return source, f


def to_value(value: Any) -> sp.Expr:
    """A coordinate value: ints and fractions exactly, floats as Floats, text parsed."""
    if isinstance(value, bool):
        raise DerivationError("a coordinate must be a number, not a truth value")
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, float):
        return sp.Float(value)
    if isinstance(value, mpf):
        return sp.Float(mpmath.nstr(value, 30), 30)
    if isinstance(value, str):
        return as_expression(value)
    if isinstance(value, sp.Expr):
        return value
    raise DerivationError(f"cannot use {value!r} as a coordinate")


def point_values(
    point: Mapping[Any, Any] | Sequence[Any],
    vars: Sequence[sp.Symbol],
    params: Iterable[sp.Symbol] = (),
) -> dict[sp.Symbol, sp.Expr]:
    """``{"x": 1, "y": 2}`` (or ``(1, 2)`` in variable order) as ``{x: 1, y: 2}``.

    Every variable needs a value; parameters may be given too. Unknown names are errors.
    """
    known = {s.name: s for s in (*vars, *params)}
    if isinstance(point, Mapping):
        items = list(point.items())
    elif isinstance(point, str):
        raise DerivationError("give the point as a dict such as {'x': 1, 'y': 2}")
    else:
        values = list(point)
        if len(values) != len(vars):
            raise DerivationError(
                f"the point has {len(values)} coordinates but there are {len(vars)} variables"
            )
        items = list(zip(vars, values, strict=True))
    out: dict[sp.Symbol, sp.Expr] = {}
    for key, value in items:
        name = key.name if isinstance(key, sp.Symbol) else str(key).strip()
        if name not in known:
            names = ", ".join(s.name for s in vars)
            raise DerivationError(f"{name} is not a variable here (the variables are {names})")
        out[known[name]] = to_value(value)
    missing = [s.name for s in vars if s not in out]
    if missing:
        raise DerivationError(f"the point needs a value for {', '.join(missing)}")
    return out


def clean(expr: sp.Expr) -> sp.Expr:
    """A value or coefficient in simplest cheap form (numbers simplified, Floats kept)."""
    expr = as_expression(expr)
    if expr.is_Rational or expr.is_Atom or expr.has(sp.Float):
        return expr
    ops = int(sp.count_ops(expr))
    if expr.is_number:
        return sp.simplify(expr) if ops <= 120 else sp.expand(expr)
    if ops <= 60 and expr.is_polynomial():
        return sp.factor(sp.expand(expr))
    return tidy(expr)


def substitute(expr: sp.Expr, values: Mapping[sp.Symbol, sp.Expr]) -> sp.Expr:
    return clean(as_expression(expr).subs(values))


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
    try:
        fn = numeric_function(to_elementary(f), vars)
    except NumericError as exc:
        return Verification(
            ok=None, max_rel_error=None, method=method.format(digits=digits), reason=str(exc)
        )
    shown = {str(v): float(sp.N(values[v])) for v in vars}
    worst = mpf(0)
    for run_digits in (digits, 2 * digits):
        try:
            worst = _worst_error(fn, vars, values, claims, run_digits)
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
) -> mpf:
    worst = mpf(0)
    with mpmath.workdps(digits):
        xs = [mpf(str(sp.N(values[v], digits + 10))) for v in vars]
        for orders, claimed in claims:
            claimed = to_elementary(as_expression(claimed))
            if claimed.free_symbols:
                sym = numeric_function(claimed, vars)(*xs)
            else:
                sym = mpf(str(sp.N(claimed, digits + 10)))
            if len(vars) == 1:
                num = mpmath.diff(fn, xs[0], orders[0])
            else:
                num = mpmath.diff(fn, xs, list(orders))
            # relative to max(|value|, 1): at a critical point the gradient is 0 only to
            # the precision of the point's coordinates, so small values count absolutely
            worst = max(worst, abs(num - sym) / max(abs(num), abs(sym), mpf(1)))
    return worst


# --------------------------------------------------------------------------- printers


class Printable(steps.Printable):
    """Results of this module print through ``symderiv.render.multivariate``."""

    printers: ClassVar[tuple[str, str]] = ("symderiv.render.multivariate", "")


# --------------------------------------------------------------------------- gradient


@dataclass(frozen=True, eq=False)
class Gradient(Printable):
    """The gradient of ``expr``: one worked :class:`Derivation` per variable.

    ``vector`` is the column of partials; ``at(point)`` evaluates it exactly.
    """

    expr: sp.Expr
    vars: tuple[sp.Symbol, ...]
    partials: tuple[Derivation, ...]
    verification: Verification = NOT_VERIFIED
    source: str = ""

    @property
    def components(self) -> tuple[sp.Expr, ...]:
        return tuple(d.result for d in self.partials)

    @property
    def vector(self) -> sp.ImmutableMatrix:
        return sp.ImmutableMatrix(len(self.vars), 1, list(self.components))

    @property
    def params(self) -> tuple[sp.Symbol, ...]:
        return ordered(self.expr.free_symbols - set(self.vars))

    def partial(self, var: str | sp.Symbol) -> Derivation:
        name = var.name if isinstance(var, sp.Symbol) else str(var)
        for x, d in zip(self.vars, self.partials, strict=True):
            if x.name == name:
                return d
        raise DerivationError(f"{name} is not one of the variables")

    def at(self, point: Mapping[Any, Any] | Sequence[Any]) -> tuple[sp.Expr, ...]:
        """The gradient at ``point`` (exact where the point is), in variable order."""
        values = point_values(point, self.vars, self.params)
        return tuple(substitute(c, values) for c in self.components)


def gradient(
    expr: str | sp.Expr,
    vars: str | Iterable[str | sp.Symbol] | None = None,
    *,
    detail: str = "normal",
    verify: bool = True,
) -> Gradient:
    """The gradient of a scalar ``expr``, each partial derived step by step.

    ``vars`` defaults to the free symbols in natural order (x1 < x2 < x10); the other
    variables are held constant in each partial. The result is checked against central
    differences of ``expr`` per coordinate (``.verification``).

    >>> gradient("x^2 y").components
    (2*x*y, x**2)
    """
    source, f = _scalar(expr)
    xs = resolve_variables([f], vars)
    partials = tuple(derive(f, x, detail=detail, verify=verify) for x in xs)
    verification = NOT_VERIFIED
    if verify:
        claims = {(x,): d.result for x, d in zip(xs, partials, strict=True)}
        verification = verify_partials(f, xs, claims)
    return Gradient(f, xs, partials, verification, source)


# --------------------------------------------------------------------------- Jacobian


@dataclass(frozen=True, eq=False)
class Jacobian(Printable):
    """The Jacobian of a vector function: ``entries[i][j]`` derives f_i by x_j."""

    exprs: tuple[sp.Expr, ...]
    vars: tuple[sp.Symbol, ...]
    entries: tuple[tuple[Derivation, ...], ...]
    verification: Verification = NOT_VERIFIED
    sources: tuple[str, ...] = ()

    @property
    def matrix(self) -> sp.ImmutableMatrix:
        return sp.ImmutableMatrix([[d.result for d in row] for row in self.entries])

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.exprs), len(self.vars))

    @property
    def params(self) -> tuple[sp.Symbol, ...]:
        free: set[sp.Symbol] = set()
        for e in self.exprs:
            free |= e.free_symbols
        return ordered(free - set(self.vars))

    def at(self, point: Mapping[Any, Any] | Sequence[Any]) -> sp.ImmutableMatrix:
        values = point_values(point, self.vars, self.params)
        return sp.ImmutableMatrix(self.matrix.applyfunc(lambda e: substitute(e, values)))


def jacobian(
    exprs: Sequence[str | sp.Expr] | sp.MatrixBase,
    vars: str | Iterable[str | sp.Symbol] | None = None,
    *,
    detail: str = "normal",
    verify: bool = True,
) -> Jacobian:
    """The Jacobian matrix of the functions ``exprs``, every entry derived step by step.

    ``vars`` defaults to all free symbols in natural order. Each row is checked against
    central differences of its function.
    """
    if isinstance(exprs, str | sp.Expr) and not isinstance(exprs, sp.MatrixBase):
        items: list[Any] = [exprs]
    else:
        items = list(exprs)
    if not items:
        raise DerivationError("give at least one function")
    parsed = [_scalar(e) for e in items]
    fs = tuple(f for _, f in parsed)
    xs = resolve_variables(fs, vars)
    entries = tuple(tuple(derive(f, x, detail=detail, verify=verify) for x in xs) for f in fs)
    verification = NOT_VERIFIED
    if verify:
        checks = [
            verify_partials(f, xs, {(x,): d.result for x, d in zip(xs, row, strict=True)})
            for f, row in zip(fs, entries, strict=True)
        ]
        verification = combine_verifications(checks)
    return Jacobian(fs, xs, entries, verification, tuple(s for s, _ in parsed))


# --------------------------------------------------------------------------- Hessian


@dataclass(frozen=True)
class MixedPartials:
    """Whether d/dx_j(df/dx_i) equals d/dx_i(df/dx_j); ``method`` says how it was shown.

    ``method`` is "identical" (the same expression), "simplify" (their difference
    simplifies to 0), "numeric" (equal at sampled points only; ``proved`` is False) or
    "differ" (not equal: the function is not twice continuously differentiable there).
    """

    first: sp.Symbol
    second: sp.Symbol
    agree: bool
    proved: bool
    method: str
    value: sp.Expr


def _mixed_check(i_j: sp.Expr, j_i: sp.Expr, vars: Sequence[sp.Symbol]) -> tuple[bool, bool, str]:
    if i_j == j_i:
        return True, True, "identical"
    difference = i_j - j_i
    if sp.expand(difference) == 0:
        return True, True, "simplify"
    if sp.count_ops(difference) <= 300 and sp.simplify(difference) == 0:
        return True, True, "simplify"
    check = verify_equal(i_j, j_i, list(difference.free_symbols & set(vars)) or list(vars))
    if check.ok:
        return True, False, "numeric"
    return False, False, "differ"


@dataclass(frozen=True, eq=False)
class Hessian(Printable):
    """The Hessian of ``expr``: ``second[i][j]`` is the worked d/dx_j (df/dx_i).

    Both orders of every mixed partial are derived and compared (``mixed``). ``matrix`` is
    symmetric when they agree. ``classify(point)`` runs the second-derivative test.
    """

    expr: sp.Expr
    vars: tuple[sp.Symbol, ...]
    gradient: Gradient
    second: tuple[tuple[Derivation, ...], ...]
    matrix: sp.ImmutableMatrix
    mixed: tuple[MixedPartials, ...]
    verification: Verification = NOT_VERIFIED
    source: str = ""

    @property
    def params(self) -> tuple[sp.Symbol, ...]:
        return ordered(self.expr.free_symbols - set(self.vars))

    @property
    def symmetric(self) -> bool:
        return all(m.agree for m in self.mixed)

    def at(self, point: Mapping[Any, Any] | Sequence[Any]) -> sp.ImmutableMatrix:
        values = point_values(point, self.vars, self.params)
        return sp.ImmutableMatrix(self.matrix.applyfunc(lambda e: substitute(e, values)))

    def classify(
        self,
        point: Mapping[Any, Any] | Sequence[Any] | None = None,
        *,
        higher_order: bool = True,
        require_critical: bool = True,
    ) -> Classification:
        """Classify ``point`` (a critical point) by the second-derivative test.

        ``point`` may be omitted when the Hessian does not depend on the variables. When
        the test cannot decide and ``higher_order`` is True, exact higher-order checks
        follow (see :func:`classify_at`). A point where the gradient is provably not zero
        is refused unless ``require_critical`` is False (then only the curvature is
        described).
        """
        if point is None:
            if self.matrix.free_symbols & set(self.vars):
                raise DerivationError("the Hessian depends on the variables; give the point")
            values = {x: x for x in self.vars}
            constant = True
        else:
            values = point_values(point, self.vars, self.params)
            constant = False
        return classify_at(
            self.expr,
            self.vars,
            self.matrix,
            values,
            gradient=self.gradient.components,
            higher_order=higher_order and not constant,
            require_critical=require_critical and not constant,
            formulas_check=self.verification,
            anywhere=constant,
        )


def hessian(
    expr: str | sp.Expr,
    vars: str | Iterable[str | sp.Symbol] | None = None,
    *,
    detail: str = "normal",
    verify: bool = True,
) -> Hessian:
    """The Hessian matrix of a scalar ``expr``, every second partial derived step by step.

    Mixed partials are derived in both orders and shown to agree (symbolically when
    possible). The first and second partials are checked against finite differences of
    ``expr`` itself (four-point formula for mixed partials).
    """
    source, f = _scalar(expr)
    xs = resolve_variables([f], vars)
    grad = gradient(f, xs, detail=detail, verify=verify)
    n = len(xs)
    second = tuple(
        tuple(
            derive(grad.partials[i].result, xs[j], detail=detail, verify=verify) for j in range(n)
        )
        for i in range(n)
    )
    rows = [[second[i][j].result for j in range(n)] for i in range(n)]
    mixed: list[MixedPartials] = []
    for i in range(n):
        for j in range(i + 1, n):
            a, b = rows[i][j], rows[j][i]
            agree, proved, method = _mixed_check(a, b, xs)
            value = a if sp.count_ops(a) <= sp.count_ops(b) else b
            if agree:
                rows[i][j] = rows[j][i] = value
            mixed.append(MixedPartials(xs[i], xs[j], agree, proved, method, value))
    matrix = sp.ImmutableMatrix(rows)
    verification = NOT_VERIFIED
    if verify:
        claims: dict[tuple[sp.Symbol, ...], sp.Expr] = {
            (x,): c for x, c in zip(xs, grad.components, strict=True)
        }
        for i in range(n):
            for j in range(n):
                if j >= i or not mixed_agree(mixed, xs[j], xs[i]):
                    claims[(xs[i], xs[j])] = second[i][j].result
        verification = verify_partials(f, xs, claims)
    return Hessian(f, xs, grad, second, matrix, tuple(mixed), verification, source)


def mixed_agree(mixed: Sequence[MixedPartials], a: sp.Symbol, b: sp.Symbol) -> bool:
    for m in mixed:
        if {m.first, m.second} == {a, b}:
            return m.agree
    return True


# --------------------------------------------------------------------------- classification


@dataclass(frozen=True)
class Reason:
    """One sentence of an explanation: a message key and its values (Exprs, text, numbers)."""

    key: str
    values: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, key: str, **values: Any) -> Reason:
        return cls(key, tuple(values.items()))

    def text(self, lang: str = "en") -> str:
        from symderiv.render.multivariate import reason_text

        return reason_text(self, lang)


@dataclass(frozen=True)
class ParameterCase:
    """For functions of parameters: the ``kind`` holds exactly when ``condition`` does."""

    kind: str
    condition: sp.Basic


@dataclass(frozen=True, eq=False)
class Classification(Printable):
    """The second-derivative test at one point, and what decided the ``kind``.

    ``kind`` is "minimum", "maximum", "saddle" or "inconclusive"; ``hessian_kind`` is what
    the Hessian alone says. When the Hessian is semidefinite, exact higher-order checks
    may decide ``kind`` (``method`` names the check; ``proved`` is True for them). In one
    variable, "saddle" means a stationary inflection point: neither minimum nor maximum.
    ``evidence`` is a kind suggested by numerical sampling only (never a proof).
    ``cases`` describe the kind in terms of parameters when it depends on them.
    """

    kind: str
    hessian_kind: str
    definiteness: str
    point: dict[sp.Symbol, sp.Expr]
    vars: tuple[sp.Symbol, ...]
    matrix: sp.ImmutableMatrix
    eigenvalues: tuple[sp.Expr, ...]
    eigenvalues_exact: bool
    minors: tuple[sp.Expr, ...]
    charpoly: tuple[sp.Expr, ...]
    inertia: tuple[int, int, int] | None
    method: str
    proved: bool
    reasons: tuple[Reason, ...]
    value: sp.Expr | None = None
    cases: tuple[ParameterCase, ...] = ()
    depends_on: tuple[sp.Symbol, ...] = ()
    evidence: str | None = None
    numeric: bool = False
    anywhere: bool = False
    verification: Verification = NOT_VERIFIED

    @property
    def reason(self) -> str:
        """The explanation in English (``reason_text("ko")`` for Korean)."""
        return self.reason_text("en")

    def reason_text(self, lang: str = "en") -> str:
        return " ".join(r.text(lang) for r in self.reasons)


def _real_version(symbol: sp.Symbol) -> sp.Symbol:
    if symbol.is_real is not None or symbol.is_integer:
        return symbol
    return sp.Symbol(symbol.name, real=True)


def _numeric_value(expr: sp.Expr, digits: int = 50) -> sp.Expr | None:
    try:
        value = sp.N(to_elementary(expr), digits)
    except (TypeError, ValueError, ArithmeticError):
        return None
    if not value.is_number:
        return None
    re_part, im_part = value.as_real_imag()
    if abs(im_part) > sp.Float(10) ** (-(digits - 10)):
        return None
    return re_part


def sign_of(expr: sp.Expr, *, scale: float = 1.0) -> int | None:
    """-1, 0 or +1 when decidable, else None.

    Exact values are decided by SymPy's assumptions, then at 50 digits (a value at least
    1e-40 away from 0), then by ``equals(0)``. Values holding Floats count as zero within
    ``ZERO_TOLERANCE * scale``.
    """
    expr = as_expression(expr)
    if expr.has(sp.Float):
        value = _numeric_value(expr, 30)
        if value is None:
            return None
        if abs(value) <= ZERO_TOLERANCE * max(1.0, scale):
            return 0
        return 1 if value > 0 else -1
    if expr.is_zero:
        return 0
    if expr.is_positive:
        return 1
    if expr.is_negative:
        return -1
    if not expr.is_number:
        return None
    value = _numeric_value(expr)
    if value is not None and abs(value) > sp.Float(10) ** -40:
        return 1 if value > 0 else -1
    try:
        if expr.equals(0):
            return 0
    except (TypeError, ValueError):
        return None
    return None


def inertia_from_signs(signs: Sequence[int]) -> tuple[int, int, int]:
    """(positive, negative, zero) eigenvalue counts of a symmetric matrix from the signs
    of det(tI - H)'s coefficients, leading first (Descartes' rule, exact when all roots
    are real)."""
    signs = [(s > 0) - (s < 0) for s in signs]
    n = len(signs) - 1
    zeros = 0
    while zeros < n and signs[n - zeros] == 0:
        zeros += 1
    q = [s for s in signs[: n + 1 - zeros] if s != 0]
    changes = sum(1 for a, b in itertools.pairwise(q) if a != b)
    return changes, n - zeros - changes, zeros


def inertia_from_some_signs(signs: Sequence[int | None]) -> tuple[int, int, int] | None:
    """The inertia when it is the same for every value (-1, 0, +1) of the unknown signs.

    E.g. t² − 2(a − b)t − 4ab with a > 0 > b: the middle sign is unknown, but every
    choice gives one sign change, so one positive and one negative eigenvalue.
    """
    unknown = [i for i, s in enumerate(signs) if s is None]
    if not unknown:
        return inertia_from_signs(signs)  # type: ignore[arg-type]
    if len(unknown) > 6:
        return None
    found: set[tuple[int, int, int]] = set()
    for choice in itertools.product((-1, 0, 1), repeat=len(unknown)):
        filled = list(signs)
        for i, s in zip(unknown, choice, strict=True):
            filled[i] = s
        if filled[0] == 0:
            continue
        found.add(inertia_from_signs(filled))  # type: ignore[arg-type]
        if len(found) > 1:
            return None
    return found.pop() if found else None


def inertia_from_minors(signs: Sequence[int | None]) -> tuple[int, int, int] | None:
    """Jacobi's rule: when every leading principal minor D_k is non-zero, H = L D Lᵀ with
    pivots D_k / D_(k-1), so the negative eigenvalues number the sign changes in
    (1, D_1, ..., D_n) (Sylvester's law of inertia); None when a minor is 0 or unknown."""
    if any(s is None or s == 0 for s in signs):
        return None
    sequence = [1, *((s > 0) - (s < 0) for s in signs)]
    negative = sum(1 for a, b in itertools.pairwise(sequence) if a != b)
    return len(signs) - negative, negative, 0


def decide_inertia(
    coefficient_signs: Sequence[int | None], minor_signs: Sequence[int | None]
) -> tuple[int, int, int] | None:
    """The inertia from the characteristic polynomial's signs, else from the minors."""
    found = inertia_from_some_signs(coefficient_signs)
    return found if found is not None else inertia_from_minors(minor_signs)


def definiteness_of(inertia: tuple[int, int, int]) -> tuple[str, str]:
    """(definiteness, kind) for the second-derivative test."""
    pos, neg, zero = inertia
    if pos + neg == 0:
        return "zero", "inconclusive"
    if zero == 0 and neg == 0:
        return "positive definite", "minimum"
    if zero == 0 and pos == 0:
        return "negative definite", "maximum"
    if pos and neg:
        return "indefinite", "saddle"
    if neg == 0:
        return "positive semidefinite", "inconclusive"
    return "negative semidefinite", "inconclusive"


def _numeric_eigenvalues(matrix: sp.Matrix) -> list[mpf]:
    n = matrix.rows
    with mpmath.workdps(30):
        m = mpmath.matrix(n, n)
        for i in range(n):
            for j in range(n):
                m[i, j] = mpf(str(sp.N(to_elementary(matrix[i, j]), 40)))
        if n == 1:
            return [m[0, 0]]
        values = mpmath.eigsy(m, eigvals_only=True)
        return sorted(values[i] for i in range(n))


def _sorted_exact(values: list[sp.Expr]) -> list[sp.Expr]:
    if all(v.is_number for v in values):
        return sorted(values, key=lambda v: float(sp.N(to_elementary(v), 20)))
    return values


def eigenvalues_of(
    matrix: sp.Matrix, coeffs: Sequence[sp.Expr], numeric: bool
) -> tuple[tuple[sp.Expr, ...], bool]:
    """Eigenvalues, exact when the characteristic polynomial splits into factors of degree
    at most 2 (or the matrix is diagonal), else numeric (Floats, 15 digits)."""
    n = matrix.rows
    if not numeric and matrix.is_diagonal():
        return tuple(_sorted_exact([clean(matrix[i, i]) for i in range(n)])), True
    if not numeric:
        t = sp.Dummy("t")
        poly = sum(c * t ** (n - k) for k, c in enumerate(coeffs))
        try:
            _, factors = sp.factor_list(poly, t)
        except (sp.PolynomialError, NotImplementedError):
            factors = []
        exact: list[sp.Expr] = []
        split = bool(factors)
        for factor, multiplicity in factors:
            degree = sp.degree(factor, t)
            if degree > 2:
                split = False
                break
            roots = sp.roots(factor, t)
            if sum(roots.values()) != degree:
                split = False
                break
            for root, k in roots.items():
                exact.extend([clean(root)] * (k * multiplicity))
        if split and len(exact) == n:
            return tuple(_sorted_exact(exact)), True
    if matrix.free_symbols:
        return (), False
    try:
        values = _numeric_eigenvalues(matrix)
    except (NumericError, ValueError, TypeError, ZeroDivisionError):
        return (), False
    return tuple(sp.Float(mpmath.nstr(v, 15), 15) for v in values), False


def _leading_minors(matrix: sp.Matrix) -> tuple[sp.Expr, ...]:
    return tuple(clean(matrix[:k, :k].det(method="berkowitz")) for k in range(1, matrix.rows + 1))


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

    if gradient is not None and not anywhere:
        grad_at = [substitute(g, point) for g in gradient]
        nonzero = [g for g in grad_at if sign_of(g, scale=_scale(grad_at)) not in (0, None)]
        if nonzero:
            if require_critical:
                shown = ", ".join(str(g) for g in grad_at)
                raise DerivationError(
                    f"the point is not a critical point: the gradient there is ({shown}), "
                    "not 0; the second-derivative test applies at critical points "
                    "(pass require_critical=False to describe the curvature only)"
                )
            reasons.append(Reason.of("not_critical", gradient=tuple(grad_at)))

    t = sp.Dummy("t")
    coeffs = tuple(clean(c) for c in hp.charpoly(t).all_coeffs())
    minors = _leading_minors(hp)
    eigenvalues, exact_eigen = eigenvalues_of(hp, coeffs, numeric)

    inertia: tuple[int, int, int] | None = None
    if numeric:
        scale = _scale(list(hp))
        tol = ZERO_TOLERANCE * max(1.0, scale)
        if eigenvalues:
            pos = sum(1 for v in eigenvalues if v > tol)
            neg = sum(1 for v in eigenvalues if v < -tol)
            inertia = (pos, neg, n - pos - neg)
        reasons.append(Reason.of("float_tolerance", tolerance=f"{ZERO_TOLERANCE:g}"))
    else:
        real = {p: _real_version(p) for p in params}
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
    if (
        hessian_kind == "inconclusive"
        and inertia is not None
        and higher_order
        and value is not None
    ):
        outcome = _higher_order(f, vars, point, hp, value, exact=not numeric and not params)
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


def _scale(values: Sequence[sp.Expr]) -> float:
    biggest = 0.0
    for v in values:
        num = _numeric_value(v, 20)
        if num is not None:
            biggest = max(biggest, abs(float(num)))
    return biggest


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
            [sign_of(sp.factor(sp.expand(m))) for m in _leading_minors(substituted)],
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
            real = _real_version(p)
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
    return condition.xreplace({_real_version(p): p for p in params})


def _coefficient_cases(hp: sp.Matrix, params: Sequence[sp.Symbol]) -> tuple[ParameterCase, ...]:
    t = sp.Dummy("t")
    real = {p: _real_version(p) for p in params}
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


# --------------------------------------------------------------------------- higher order

#: (kind, method, proved, suggested kind from evidence, reasons)
_Outcome = tuple[str, str, bool, str | None, list[Reason]]


def _higher_order(
    f: sp.Expr,
    vars: tuple[sp.Symbol, ...],
    point: dict[sp.Symbol, sp.Expr],
    hp: sp.Matrix,
    value: sp.Expr,
    *,
    exact: bool,
) -> _Outcome | None:
    """Decide an inconclusive second-derivative test where that can be proved."""
    deadline = time.perf_counter() + HIGHER_ORDER_BUDGET
    if exact:
        if len(vars) == 1:
            decided = _line_test(f, vars, point, (sp.Integer(1),), deadline)
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
                outcome = _taylor_form_test(f, vars, point, deadline)
                if outcome is not None:
                    return outcome
            outcome = _lines_test(f, vars, point, hp, deadline)
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
    deadline: float,
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
        if time.perf_counter() > deadline:
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
    deadline: float,
) -> _Outcome | None:
    lows: tuple[tuple[sp.Expr, ...], int] | None = None
    highs: tuple[tuple[sp.Expr, ...], int] | None = None
    for direction in _directions(len(vars), hp):
        if time.perf_counter() > deadline:
            break
        found = _line_test(f, vars, point, direction, deadline)
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
    deadline: float,
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
            if time.perf_counter() > deadline:
                return
            counts = [index.count(i) for i in range(n)]
            weight = sp.Mul(*(sp.factorial(c) for c in counts))
            at = clean(partial(index).subs(point))
            total += at / weight * sp.Mul(*(vi**c for vi, c in zip(v, counts, strict=True)))
        yield k, sp.expand(total)


def _taylor_form_test(
    f: sp.Expr, vars: tuple[sp.Symbol, ...], point: Mapping[sp.Symbol, sp.Expr], deadline: float
) -> _Outcome | None:
    v = [sp.Symbol(f"d{x.name}") for x in vars]
    for k, form in _taylor_forms(f, vars, point, v, deadline):
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
        verdict = _form_sign(form, v)
        if verdict == "positive":
            return (
                "minimum",
                "taylor_form",
                True,
                None,
                [Reason.of("taylor_pd", order=k, form=shown)],
            )
        if verdict == "negative":
            return (
                "maximum",
                "taylor_form",
                True,
                None,
                [Reason.of("taylor_nd", order=k, form=shown)],
            )
        if verdict == "indefinite":
            return (
                "saddle",
                "taylor_form",
                True,
                None,
                [Reason.of("taylor_indefinite", order=k, form=shown)],
            )
        return None
    return None


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
    real = {s: _real_version(s) for s in f.free_symbols | value.free_symbols}
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
    try:
        fn = numeric_function(to_elementary(f), vars)
    except NumericError:
        return None
    rng = random.Random(0)
    if n == 1:
        directions = [[mpf(1)], [mpf(-1)]]
    elif n == 2:
        directions = [
            [
                mpmath.cos(2 * mpmath.pi * k / EVIDENCE_DIRECTIONS),
                mpmath.sin(2 * mpmath.pi * k / EVIDENCE_DIRECTIONS),
            ]
            for k in range(EVIDENCE_DIRECTIONS)
        ]
    else:
        directions = []
        for _ in range(EVIDENCE_DIRECTIONS * 2):
            vec = [mpf(rng.gauss(0, 1)) for _ in range(n)]
            norm = mpmath.sqrt(sum(c * c for c in vec))
            directions.append([c / norm for c in vec])
    signs: set[int] = set()
    count = 0
    with mpmath.workdps(60):
        try:
            center = [mpf(str(sp.N(point[x], 70))) for x in vars]
            base = mpf(str(sp.N(to_elementary(value), 70)))
            for radius in EVIDENCE_RADII:
                r = mpf(str(sp.N(radius, 70)))
                for d in directions:
                    diff = fn(*(c + r * di for c, di in zip(center, d, strict=True))) - base
                    count += 1
                    if abs(diff) > mpf(10) ** -50:
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
