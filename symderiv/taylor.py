"""Taylor polynomials, 1-D and multivariate, with worked derivatives and a measured order.

``taylor(expr, var, at, order)`` builds the polynomial a teacher writes,
``f(a) + f'(a)(x − a) + f''(a)/2! (x − a)² + …``, in three layers:

* the derivatives a student reads (orders up to :data:`WORKED_ORDERS`) come from the step
  engine (:func:`symderiv.derive`), one :class:`~symderiv.steps.Derivation` per order;
* every coefficient ``c_k = f⁽ᵏ⁾(a)/k!`` comes from exact Taylor-mode series arithmetic
  (:mod:`symderiv.series`), fast at any order. The worked derivatives are built only when
  shown (``Taylor.derivation``); then f⁽ᵏ⁾(a)/k! must equal c_k, or the table's check fails;
* the result is checked numerically, independently of SymPy's ``series``: the error
  ``|f(a+h) − Tₙ(a+h)|`` is measured in high precision (mpmath, at least
  :data:`DIGITS` digits) for ``h = h₀·2⁻ʲ`` and the slope of ``log error`` against
  ``log h`` must be the order ``m`` of the first non-zero term after degree ``n`` (the
  degree-1 polynomial ``x`` of ``sin x`` is accurate to order 3) within
  :data:`ORDER_TOLERANCE`; the coefficients up to :data:`COEFFICIENT_CHECK_ORDER` are
  compared with ``mpmath.taylor`` on the function itself (relative error below
  :data:`COEFFICIENT_TOLERANCE`).

With several variables, ``taylor(f, vars=[x, y], at={x: a, y: b}, order=n)`` gives the
multi-index coefficients; for order 2 the polynomial is also the quadratic model
``f(p) + ∇f(p)·h + ½ hᵀ H(p) h`` behind Newton's method. The order is checked along
several random (seeded) directions: a wrong Hessian shows as order 2, a wrong gradient
as order 1.

>>> t = taylor("sin(x)", at=0, order=3)
>>> t.polynomial
-x**3/6 + x
>>> t.expected_order, round(t.empirical_order)
(5, 5)
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import mpmath
import sympy as sp
from mpmath import mpf

from symderiv.engine import as_expression, derive, resolve_variable
from symderiv.errors import DerivationError
from symderiv.numeric import NumericError, evaluate, local_context, numeric_function
from symderiv.series import SeriesError, taylor_coefficients, taylor_coefficients_multivariate
from symderiv.steps import NOT_VERIFIED, Derivation, Printable, Verification
from symderiv.sympy_values import as_sympy
from symderiv.taylor_check import (
    COEFFICIENT_CHECK_ORDER,
    COEFFICIENT_TOLERANCE,
    DIGITS,
    DIRECTIONS,
    METHOD_1D,
    METHOD_MULTI,
    ORDER_TOLERANCE,
    SEED,
    STEPS,
    check_line,
    consistency,
    constant_value,
    not_run,
    verification_of,
)

__all__ = [
    "COEFFICIENT_TOLERANCE",
    "DIGITS",
    "ORDER_TOLERANCE",
    "WORKED_ORDERS",
    "ErrorRow",
    "ErrorTable",
    "SeriesError",
    "Taylor",
    "taylor",
]

#: Derivatives up to this order are derived step by step by the engine.
WORKED_ORDERS = 4
#: The default steps of an error table (the lesson's table for sin x at 0).
DEFAULT_STEPS = ("0.1", "0.5", "1", "2")
#: Highest order accepted (1-D, multivariate).
MAX_ORDER, MAX_ORDER_MULTI = 40, 10


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class ErrorRow:
    """One step h: ``x = a + h`` (or ``p + h·d``), the true value, ``Tₖ`` for k = 0..n and
    the errors ``|f − Tₖ|`` (None where f has no real value)."""

    h: sp.Expr
    value: mpf | None
    approximations: tuple[mpf, ...]
    errors: tuple[mpf | None, ...]


@dataclass(frozen=True)
class ErrorTable(Printable):
    """How well ``T₀ … Tₙ`` approximate f at ``a + h`` for each step h: holds near the
    point, breaks far from it. ``direction`` is the direction d (multivariate only)."""

    taylor: Taylor
    rows: tuple[ErrorRow, ...]
    direction: tuple[sp.Expr, ...] = ()
    digits: int = DIGITS

    printers: ClassVar[tuple[str, str]] = ("symderiv.render.taylor", "error_table_")

    @property
    def orders(self) -> tuple[int, ...]:
        return tuple(range(self.taylor.order + 1))


@dataclass(frozen=True, eq=False)
class Taylor(Printable):
    """A Taylor polynomial of ``expr`` about ``point`` (one value per variable in ``vars``).

    ``coefficients`` is ``(c_0, …, c_n)`` in one variable and ``{multi-index: c}`` in
    several. ``derivation`` is the engine's worked derivative up to order
    ``min(n, WORKED_ORDERS)`` (1-D; ``derivations`` splits it into one per order).
    ``empirical_order``/``expected_order`` come from the numeric check (None when the
    polynomial is exact or the check did not run).
    """

    expr: sp.Expr
    vars: tuple[sp.Symbol, ...]
    point: tuple[sp.Expr, ...]
    order: int
    coefficients: Any
    polynomial: sp.Expr
    terms: tuple[sp.Expr, ...]
    verification: Verification = NOT_VERIFIED
    empirical_order: float | None = None
    expected_order: int | None = None
    gradient_at: sp.ImmutableMatrix | None = None
    hessian_at: sp.ImmutableMatrix | None = None
    worked_hessian: Any = None
    source: str = ""
    notes: tuple[str, ...] = field(default=())
    #: How the worked derivative table is built when first asked for (1-D only).
    worked_order: int = 0
    detail: str = "normal"
    verify_table: bool = True

    printers: ClassVar[tuple[str, str]] = ("symderiv.render.taylor", "taylor_")

    @functools.cached_property
    def derivation(self) -> Derivation | None:
        """The engine's worked derivatives of orders 1..``worked_order``, built on first use
        (printing, ``derivations``): the coefficients never need them. With the check on,
        the table carries the engine's own check, and f⁽ᵏ⁾(a)/k! is compared with c_k."""
        if not self.worked_order or self.multivariate:
            return None
        x, a = self.vars[0], self.point[0]
        d = derive(self.expr, x, self.worked_order, detail=self.detail, verify=self.verify_table)
        if self.verify_table:
            agrees, why = consistency(x, a, d, self.coefficients)
            if agrees is False:
                d = replace(d, verification=replace(d.verification, ok=False, reason=why))
        return d

    # ------------------------------------------------------------------ views
    @property
    def multivariate(self) -> bool:
        return len(self.vars) > 1

    @property
    def var(self) -> sp.Symbol:
        return self.vars[0]

    @property
    def at(self) -> sp.Expr | dict[sp.Symbol, sp.Expr]:
        """The expansion point: a number (1-D) or ``{variable: value}``."""
        if self.multivariate:
            return dict(zip(self.vars, self.point, strict=True))
        return self.point[0]

    @property
    def steps(self) -> tuple[sp.Expr, ...]:
        """``h = x − a`` for each variable."""
        return tuple(v - p for v, p in zip(self.vars, self.point, strict=True))

    @property
    def derivatives(self) -> tuple[sp.Expr, ...]:
        """``f(a), f'(a), …, f⁽ⁿ⁾(a)`` (1-D): ``k!·c_k``."""
        if self.multivariate:
            raise DerivationError("derivatives at the point are listed for one variable only")
        return tuple(sp.factorial(k) * c for k, c in enumerate(self.coefficients))

    @property
    def derivative_functions(self) -> tuple[sp.Expr, ...]:
        """``f, f', …`` as functions for the worked orders (from the step engine)."""
        if self.derivation is None:
            return (self.expr,)
        return (self.expr, *self.derivation.stage_results)

    @property
    def derivations(self) -> tuple[Derivation, ...]:
        """One worked :class:`Derivation` per order: ``derivations[k-1]`` takes f⁽ᵏ⁾ from f⁽ᵏ⁻¹⁾.

        The last one carries the engine's finite-difference check (which tests f⁽ᵏ⁾
        against f itself, so the earlier stages are covered by it)."""
        d = self.derivation
        if d is None:
            return ()
        out = []
        for stage in range(1, d.order + 1):
            before = d.expr if stage == 1 else d.stage_results[stage - 2]
            steps = tuple(replace(s, stage=1) for s in d.stage_steps(stage))
            check = (
                d.verification
                if stage == d.order
                else Verification(None, None, reason=f"covered by the check of order {d.order}")
            )
            out.append(
                Derivation(
                    before, d.var, 1, steps, (d.stage_results[stage - 1],), check, d.held_constant
                )
            )
        return tuple(out)

    @property
    def quadratic_form(self) -> sp.Expr | None:
        """``f(p) + ∇f(p)·h + ½ hᵀ H(p) h`` as an unevaluated-looking sum (order ≥ 2 with
        several variables), else None."""
        if self.gradient_at is None or self.hessian_at is None:
            return None
        u = [sp.UnevaluatedExpr(h) for h in self.steps]
        m = len(u)
        c0 = self.coefficients[(0,) * m]
        g, hm = self.gradient_at, self.hessian_at
        linear = sp.Add(*[g[i] * u[i] for i in range(m)])
        quadratic = sp.Add(*[hm[i, j] * u[i] * u[j] for i in range(m) for j in range(m)]) / 2
        return sp.Add(c0, linear, quadratic, evaluate=False)

    # ------------------------------------------------------------------ numbers
    def value(self, at: Any, order: int | None = None) -> mpf:
        """``T_order`` (default n) at a point, in mpmath (current ``mp.dps``)."""
        order = self.order if order is None else order
        values = _point_dict(at, self.vars)
        poly = sp.Add(*[t for t in self.terms if _degree(t, self.vars, self.point) <= order])
        return evaluate(poly, values)

    def error_table(
        self,
        hs: Iterable[Any] = DEFAULT_STEPS,
        direction: Sequence[Any] | None = None,
    ) -> ErrorTable:
        """For each step h: f(a+h), T₀(a+h) … Tₙ(a+h) and the errors |f − Tₖ|.

        Steps are numbers or text ("1/10"). With several variables the step is ``h·d``
        along ``direction`` (default: 1 in every variable). Values are mpmath numbers at
        :data:`DIGITS` digits; f without a real value there gives None.
        """
        steps = [_number(h, "step") for h in hs]
        if not steps:
            raise DerivationError("give at least one step h")
        if self.multivariate:
            d = tuple(_number(v, "direction") for v in (direction or [1] * len(self.vars)))
            if len(d) != len(self.vars):
                raise DerivationError(f"the direction needs {len(self.vars)} components")
        else:
            d = (sp.S.One,)
        t = sp.Dummy("t")
        line_f, line_c = _line(self, d, t)
        rows = []
        ctx = local_context()  # this thread's own context; the rows hold mpmath.mp numbers
        with ctx.workdps(DIGITS):
            try:
                cs = [constant_value(c, ctx) for c in line_c]
                fn = numeric_function(line_f, [t], ctx=ctx)
            except NumericError as error:
                raise DerivationError(f"the error table needs numbers: {error}") from error
            for h in steps:
                hv = constant_value(h, ctx)
                partial, approx = ctx.zero, []
                for k, c in enumerate(cs):
                    partial += c * hv**k
                    approx.append(+partial)
                try:
                    value: mpf | None = fn(hv)
                except NumericError:
                    value = None
                errors = tuple(None if value is None else abs(value - a) for a in approx)
                rows.append(
                    ErrorRow(
                        h,
                        _shared(value),
                        tuple(_shared(a) for a in approx),
                        tuple(_shared(e) for e in errors),
                    )
                )
        return ErrorTable(self, tuple(rows), d if self.multivariate else (), DIGITS)


# --------------------------------------------------------------------------- helpers


def _number(value: Any, what: str) -> sp.Expr:
    """A constant from a number or text ("1/2", "pi/4"); floats are read as decimals."""
    if isinstance(value, bool):
        raise DerivationError(f"the {what} must be a number, not {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SeriesError(f"the {what} must be finite, got {value}")
        return sp.Rational(repr(value))
    if isinstance(value, str):
        expr = as_expression(value)
    else:
        try:
            expr = as_sympy(value)
        except sp.SympifyError:
            raise DerivationError(f"the {what} must be a number, got {value!r}") from None
    if isinstance(expr, sp.Float):
        expr = sp.Rational(str(expr))
    if not isinstance(expr, sp.Expr):
        raise DerivationError(f"the {what} must be a number, got {value!r}")
    if expr.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
        raise SeriesError(f"the {what} must be finite, got {expr}")
    return expr


def _shared(value: Any) -> Any:
    """The same number as an ``mpmath.mp`` mpf (what callers get), None stays None."""
    return None if value is None else mpmath.mp.make_mpf(value._mpf_)


def _symbols(vars: Any) -> list[sp.Symbol | str]:
    if isinstance(vars, str):
        return [v.strip() for v in vars.replace(" ", ",").split(",") if v.strip()]
    if isinstance(vars, sp.Symbol):
        return [vars]
    return list(vars)


def _point_dict(at: Any, vars: Sequence[sp.Symbol]) -> dict[sp.Symbol, Any]:
    if isinstance(at, Mapping):
        names = {str(k): v for k, v in at.items()}
        return {v: constant_value(_number(names[v.name], "point")) for v in vars}
    if (len(vars) == 1 and not isinstance(at, Sequence | sp.MatrixBase)) or isinstance(at, str):
        return {vars[0]: constant_value(_number(at, "point"))}
    return {v: constant_value(_number(a, "point")) for v, a in zip(vars, at, strict=True)}


def _resolve_point(at: Any, vars: Sequence[sp.Symbol]) -> tuple[sp.Expr, ...]:
    if isinstance(at, Mapping):
        values = {
            (k.name if isinstance(k, sp.Symbol) else str(k).strip()): v for k, v in at.items()
        }
        unknown = set(values) - {v.name for v in vars}
        if unknown:
            raise DerivationError(
                f"the point names unknown variable(s) {', '.join(sorted(unknown))}"
            )
        return tuple(_number(values.get(v.name, 0), "point") for v in vars)
    if isinstance(at, str) and len(vars) > 1:
        at = [a for a in at.split(",") if a.strip()]
    if len(vars) == 1 and (isinstance(at, str) or not isinstance(at, Sequence)):
        return (_number(at, "point"),)
    items = list(at)
    if len(items) != len(vars):
        raise DerivationError(f"the point needs {len(vars)} values, got {len(items)}")
    return tuple(_number(a, "point") for a in items)


def _degree(term: sp.Expr, vars: Sequence[sp.Symbol], point: Sequence[sp.Expr]) -> int:
    shifted = term.xreplace({v: v + p for v, p in zip(vars, point, strict=True)})
    return (
        int(sp.Poly(sp.expand(shifted), *vars).total_degree())
        if shifted.free_symbols & set(vars)
        else 0
    )


def _term_1d(c: sp.Expr, h: sp.Expr, k: int) -> sp.Expr:
    if k == 0:
        return c
    if k == 1 and h.is_Add and c.is_Number:
        return h if c == 1 else sp.Mul(c, h, evaluate=False)
    return c * h**k


def _sum(terms: Sequence[sp.Expr]) -> sp.Expr:
    """The terms as one sum; a bare ``(x − a)`` or ``2·(x − a)`` is kept as a factor."""
    if not terms:
        return sp.S.Zero
    if any(t.is_Add or (t.is_Mul and any(a.is_Add for a in t.args)) for t in terms):
        return sp.Add(*terms, evaluate=False) if len(terms) > 1 else terms[0]
    return sp.Add(*terms)


def _line(t_obj: Taylor, d: Sequence[sp.Expr], t: sp.Symbol) -> tuple[sp.Expr, list[sp.Expr]]:
    """f along ``p + t·d`` and the coefficients of Tₙ along it (powers of t)."""
    subs = {v: p + t * di for v, p, di in zip(t_obj.vars, t_obj.point, d, strict=True)}
    line_f = t_obj.expr.xreplace(subs)
    if not t_obj.multivariate:
        return line_f, list(t_obj.coefficients)
    cs = [sp.S.Zero] * (t_obj.order + 1)
    for k, c in t_obj.coefficients.items():
        cs[sum(k)] += c * sp.Mul(*[di**e for di, e in zip(d, k, strict=True)])
    return line_f, cs


# --------------------------------------------------------------------------- API


def taylor(
    expr: str | sp.Expr,
    var: str | sp.Symbol | None = None,
    at: Any = 0,
    order: int = 2,
    *,
    vars: str | Iterable[str | sp.Symbol] | None = None,
    detail: str = "normal",
    verify: bool = True,
) -> Taylor:
    """The Taylor polynomial of ``expr`` of degree ``order`` about ``at``.

    One variable: ``var`` (inferred when there is one), ``at`` a number or text
    ("1/2", "pi/4"). Several: ``vars=[x, y]`` (or "x,y") and ``at={x: a, y: b}``,
    ``{"x": a}`` or ``(a, b)``. Raises :class:`~symderiv.series.SeriesError` where no
    Taylor expansion exists (e.g. ``ln x`` at 0). Unless ``verify`` is False the result
    is checked numerically (see the module docstring).

    >>> taylor("ln(x)", at=1, order=3).coefficients
    (0, 1, -1/2, 1/3)
    """
    source = expr if isinstance(expr, str) else ""
    f = as_expression(expr)
    if not isinstance(order, int) or isinstance(order, bool) or order < 0:
        raise DerivationError("the order must be a whole number ≥ 0")
    if vars is None and isinstance(at, Mapping) and len(at) > 1:
        vars = list(at)
    names = _symbols(vars) if vars is not None else None
    if names is not None and len(names) > 1:
        return _taylor_multi(f, names, at, order, detail, verify, source)
    if names:
        var = names[0]
    x = resolve_variable(f, var)
    if isinstance(at, Mapping):
        at = _resolve_point(at, [x])[0]
    if order > MAX_ORDER:
        raise DerivationError(f"the order must be at most {MAX_ORDER}")
    a = _number(at, "point")
    if x in a.free_symbols:
        raise DerivationError(f"the point {a} must not contain {x}")
    coeffs = taylor_coefficients(f, x, a, order)
    h = x - a
    terms = tuple(_term_1d(c, h, k) for k, c in enumerate(coeffs) if c != 0)
    polynomial = _sum(terms)
    worked = min(order, WORKED_ORDERS)
    verification = NOT_VERIFIED
    empirical: float | None = None
    expected: int | None = None
    if verify:
        params = f.free_symbols - {x} | a.free_symbols
        if params:
            names_ = ", ".join(sorted(str(p) for p in params))
            verification = not_run(f"the expression has parameters ({names_})")
        else:
            t = sp.Dummy("t")
            try:
                check = check_line(
                    f.xreplace({x: a + t}),
                    t,
                    coeffs,
                    lambda m: taylor_coefficients(f, x, a, m)[order + 1 :],
                )
            except NumericError as error:
                verification = not_run(f"cannot evaluate numerically: {error}")
            else:
                method = METHOD_1D.format(
                    digits=check.digits,
                    last=STEPS - 1,
                    tol=ORDER_TOLERANCE,
                    ctol=COEFFICIENT_TOLERANCE,
                    k=min(order, COEFFICIENT_CHECK_ORDER),
                )
                verification = verification_of([check], method)
                empirical, expected = check.empirical, check.expected
    return Taylor(
        expr=f,
        vars=(x,),
        point=(a,),
        order=order,
        coefficients=tuple(coeffs),
        polynomial=polynomial,
        terms=terms,
        verification=verification,
        empirical_order=empirical,
        expected_order=expected,
        source=source,
        worked_order=worked,
        detail=detail,
        verify_table=verify,
    )


def _multi_index_key(k: tuple[int, ...]) -> tuple[int, tuple[int, ...]]:
    return (sum(k), tuple(-e for e in k))


def _taylor_multi(
    f: sp.Expr,
    names: Sequence[sp.Symbol | str],
    at: Any,
    order: int,
    detail: str,
    verify: bool,
    source: str,
) -> Taylor:
    xs = tuple(resolve_variable(f, n) for n in names)
    if len(set(xs)) != len(xs):
        raise DerivationError("the variables must be distinct")
    if order > MAX_ORDER_MULTI:
        raise DerivationError(f"the order must be at most {MAX_ORDER_MULTI} with several variables")
    point = _resolve_point(at if at != 0 else {}, xs)
    for p in point:
        if p.free_symbols & set(xs):
            raise DerivationError(f"the point {p} must not contain the variables")
    coeffs = taylor_coefficients_multivariate(f, xs, dict(zip(xs, point, strict=True)), order)
    hs = [x - p for x, p in zip(xs, point, strict=True)]
    terms = []
    for k in sorted(coeffs, key=_multi_index_key):
        c = coeffs[k]
        if c != 0:
            if sum(k) == 1:
                terms.append(_term_1d(c, hs[k.index(1)], 1))
            else:
                terms.append(c * sp.Mul(*[h**e for h, e in zip(hs, k, strict=True)]))
    polynomial = _sum(terms)
    m = len(xs)
    grad = hess = worked_hessian = None
    notes: list[str] = []
    if order >= 2:
        unit = [tuple(int(i == j) for j in range(m)) for i in range(m)]
        grad = sp.ImmutableMatrix([coeffs[u] for u in unit])
        hess = sp.ImmutableMatrix(
            m,
            m,
            lambda i, j: (
                coeffs[tuple(a + b for a, b in zip(unit[i], unit[j], strict=True))]
                * (2 if i == j else 1)
            ),
        )
        worked_hessian = _worked_hessian(f, xs, point, grad, hess, detail, verify, notes)
    verification = NOT_VERIFIED
    empirical: float | None = None
    expected: int | None = None
    disagreement = notes[-1] if notes and notes[-1].startswith("DIFFER") else ""
    if verify:
        params = (f.free_symbols - set(xs)).union(*(p.free_symbols for p in point))
        if params:
            names_ = ", ".join(sorted(str(p) for p in params))
            verification = not_run(f"the expression has parameters ({names_})")
        else:
            rng = random.Random(SEED)
            t = sp.Dummy("t")
            checks = []
            proto = Taylor(f, xs, point, order, coeffs, polynomial, tuple(terms))
            try:
                for _ in range(DIRECTIONS):
                    d = tuple(sp.Rational(rng.randint(-9, 9) or 1, 8) for _ in xs)
                    line_f, cs = _line(proto, d, t)
                    checks.append(
                        check_line(
                            line_f,
                            t,
                            cs,
                            lambda m, g=line_f: taylor_coefficients(g, t, 0, m)[order + 1 :],
                        )
                    )
            except NumericError as error:
                verification = not_run(f"cannot evaluate numerically: {error}")
            else:
                method = METHOD_MULTI.format(
                    digits=max(c.digits for c in checks),
                    dirs=DIRECTIONS,
                    seed=SEED,
                    tol=ORDER_TOLERANCE,
                    ctol=COEFFICIENT_TOLERANCE,
                )
                verification = verification_of(checks, method, disagreement)
                orders = [c for c in checks if c.expected is not None]
                if orders:
                    low = min(orders, key=lambda c: c.expected or 0)
                    empirical, expected = low.empirical, low.expected
    return Taylor(
        expr=f,
        vars=xs,
        point=point,
        order=order,
        coefficients=coeffs,
        polynomial=polynomial,
        terms=tuple(terms),
        verification=verification,
        empirical_order=empirical,
        expected_order=expected,
        gradient_at=grad,
        hessian_at=hess,
        worked_hessian=worked_hessian,
        source=source,
        notes=tuple(notes),
    )


def _worked_hessian(
    f: sp.Expr,
    xs: Sequence[sp.Symbol],
    point: Sequence[sp.Expr],
    grad: sp.ImmutableMatrix,
    hess: sp.ImmutableMatrix,
    detail: str,
    verify: bool,
    notes: list[str],
) -> Any:
    """The multivariate module's worked Hessian, when it is installed, cross-checked
    against the series coefficients (notes record the outcome)."""
    try:
        from symderiv.multivariate import hessian  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        worked = hessian(f, list(xs), detail=detail, verify=verify)
        values = dict(zip(xs, point, strict=True))
        g = sp.ImmutableMatrix([c.subs(values) for c in worked.gradient.components])
        h = sp.ImmutableMatrix(worked.matrix.subs(values))
    except Exception as error:
        notes.append(f"worked Hessian unavailable ({type(error).__name__})")
        return None
    diff = [sp.expand(u - v) for u, v in zip([*g, *h], [*grad, *hess], strict=True)]
    if all(e == 0 or sp.simplify(e) == 0 for e in diff):
        notes.append("∇f(p) and H(p) agree with the worked gradient and Hessian")
    else:
        notes.append("DIFFER: the worked gradient/Hessian disagree with the series coefficients")
    return worked
