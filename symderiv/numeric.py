"""A safe, high-precision numeric evaluator for SymPy expressions.

The numeric cross-checks in :mod:`symderiv.verify` must not trust the symbolic engine, so
they do not go through ``lambdify``, code generation, ``eval`` or SymPy's own ``evalf``.
Instead this module walks the SymPy tree itself and evaluates it with mpmath, so that
``mpmath.diff`` -- which raises the working precision while it differentiates -- gets values
accurate to that precision.

Contexts and threads. Every compiled function belongs to one mpmath context and computes at
that context's precision. The default is the process-wide ``mpmath.mp`` (so callers can keep
using ``mpmath.workdps``), but ``mpmath.mp`` is shared by all threads: code that may run in
threads (the checks in :mod:`symderiv.verify`) passes ``ctx=local_context()``, a private
context of the calling thread, and changes precision only there (``ctx.workdps``).

Only *real* values are accepted. Anything that is not a finite real number -- a complex
result (``log`` of a negative number, ``sqrt`` of a negative number, ``asin(2)``, a
negative base to a fractional power, following SymPy's principal-branch convention), a
division by zero, ``0`` to a negative power, a pole of ``gamma``, ``Heaviside`` or
``DiracDelta`` at 0, infinities -- raises :class:`NumericError` naming the offending node.
So do nodes the evaluator does not know: undefined functions ``f(x)``, ``Derivative``,
``Subs``, ``Integral``, ... With ``through_complex=True`` intermediate values may be
complex (principal branches, as SymPy) as long as the final value is real: ``|sqrt(x)|`` at
x = -1 is 1.

Bounded work. The cost of some mpmath operations grows with the size of a number's
exponent (argument reduction of ``sin`` of a huge number needs pi to as many bits; a power
tower's exponent can outgrow memory). So magnitudes are estimated *before* the expensive
call (:mod:`symderiv.numeric_bounds`) and refused with :class:`MagnitudeError` beyond
``2**MAX_MAGNITUDE_BITS`` (about 10^315,000), periodic functions beyond
``2**MAX_PERIODIC_BITS``; numbers in messages are printed through
:func:`describe_number`, which never expands a huge exponent.

Speed: an expression is compiled once (cached per context) into a tree of Python closures,
chosen by a dispatch table on the node's type; constant sub-expressions (``sqrt(2)``,
``log(3)``, ``pi``, ``1/3``) are evaluated once per working precision and cached.
:func:`numeric_function` gives a fast ``f(*args)``; :func:`evaluate` is the one-shot
convenience.

Supported: numbers (Integer, Rational, Float, ``E``, ``pi``, ``EulerGamma``, ``Catalan``,
``GoldenRatio``, ...), symbols, ``Add``, ``Mul``, ``Pow`` (so ``sqrt`` and roots), ``exp``,
``log`` (1 and 2 arguments), the six trigonometric functions and their inverses, ``atan2``,
the six hyperbolic functions and their inverses, ``Abs``, ``sign``, ``Heaviside``,
``DiracDelta``, ``Max``, ``Min``, ``Piecewise`` (with relational, And/Or/Not conditions),
``re``/``im``/``conjugate``, ``erf``, ``erfc``, ``erfi``, ``gamma``, ``loggamma``,
``digamma``, ``polygamma``, ``factorial``, ``sinc``, and symderiv's ``sigmoid``,
``softplus`` (both in numerically stable forms) and ``relu``.

Why one piece (over 800 lines): it is a single compiler -- the node handlers, the dispatch
table in ``_compile`` and the private helpers they share (checkers, contexts, caching).
Moving the handlers out would make them import the dispatcher back; the size limits and
error classes already live in :mod:`symderiv.numeric_bounds`.
"""

from __future__ import annotations

import operator
import threading
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import mpmath
import sympy as sp
from mpmath.ctx_mp import MPContext
from mpmath.libmp import from_int
from sympy.core.function import AppliedUndef
from sympy.core.relational import Relational

from symderiv.functions import relu, sigmoid, softplus
from symderiv.numeric_bounds import (
    MAX_MAGNITUDE_BITS,
    MAX_PERIODIC_BITS,
    MAX_POLYGAMMA_ORDER,
    NONFINITE,
    Guard,
    MagnitudeError,
    NotRealError,
    NumericError,
    bounded,
    describe_number,
    exponential,
    factorial_like,
    log2_abs,
    periodic,
    power_size,
    show,
    squared_exponential,
)
from symderiv.sympy_values import as_sympy

__all__ = [
    "KINK_FUNCTIONS",
    "MAX_MAGNITUDE_BITS",
    "MAX_PERIODIC_BITS",
    "MagnitudeError",
    "NotRealError",
    "NumericError",
    "describe_number",
    "evaluate",
    "is_evaluable",
    "kink_arguments",
    "local_context",
    "log2_abs",
    "numeric_function",
]


Env = dict[sp.Symbol, Any]
Compiled = Callable[[Env], Any]

_LOCAL = threading.local()

#: Node types whose derivative jumps (or which jump themselves) where an argument is 0.
KINK_FUNCTIONS: tuple[type, ...] = (
    sp.Abs,
    sp.sign,
    sp.Heaviside,
    sp.DiracDelta,
    relu,
    sp.Max,
    sp.Min,
    sp.Piecewise,
)


def local_context() -> MPContext:
    """This thread's private mpmath context: its precision is changed by nobody else."""
    ctx = getattr(_LOCAL, "ctx", None)
    if ctx is None:
        ctx = _LOCAL.ctx = MPContext()
    return ctx


# --------------------------------------------------------------------------- helpers


def _not_real(node: Any, value: Any) -> NumericError:
    if hasattr(value, "_mpc_"):
        return NotRealError(
            f"{show(node)} is not real here (its value is {describe_number(value)})"
        )
    return NumericError(f"{show(node)} is not finite here (its value is {describe_number(value)})")


def _checker(ctx: MPContext, lenient: bool) -> Callable[[Any, Any], Any]:
    """A check that a value is a finite real of ``ctx`` (or a finite complex, if lenient)."""
    mpf_type, mpc_type = ctx.mpf, ctx.mpc

    def check(node: Any, value: Any) -> Any:
        kind = type(value)
        if kind is mpf_type:
            if value._mpf_ in NONFINITE:
                raise _not_real(node, value)
            return value
        if lenient and kind is mpc_type:
            if any(part in NONFINITE for part in value._mpc_):
                raise NumericError(f"{show(node)} is not finite here")
            return value
        raise _not_real(node, value)

    return check


def _real_arg(node: Any, value: Any) -> Any:
    """An argument that must be real (for an order: Max, relu, Heaviside, a condition)."""
    if hasattr(value, "_mpc_"):
        if value.imag:
            raise NotRealError(f"{show(node)} needs a real argument, not {describe_number(value)}")
        return value.real
    return value


def _realify(node: Any, value: Any, ctx: MPContext) -> Any:
    """A complex value whose imaginary part vanishes (to round-off) as a real one."""
    if type(value) is ctx.mpf:
        return value
    re, im = value.real, value.imag
    if not im or log2_abs(im) < log2_abs(value) + 12 - ctx.prec:
        return re
    raise _not_real(node, value)


def _to_mpf(value: Any, ctx: MPContext) -> Any:
    if type(value) is ctx.mpf:
        return value
    if hasattr(value, "_mpf_"):
        return ctx.make_mpf(value._mpf_)
    if isinstance(value, sp.Basic):
        if value.free_symbols:
            raise NumericError(f"the value {show(value)} is not a number")
        return _run(_compile(value, ctx, False), {}, value, ctx)
    try:
        converted = ctx.convert(value)
    except (TypeError, ValueError) as exc:
        raise NumericError(f"the value {value!r} is not a real number") from exc
    return bounded(value, _checker(ctx, False)(value, converted))


def _cached(fn: Compiled, ctx: MPContext) -> Compiled:
    """Evaluate a constant sub-expression once per working precision."""
    cache: dict[int, Any] = {}

    def ev(env: Env) -> Any:
        prec = ctx.prec
        value = cache.get(prec)
        if value is None:
            value = cache[prec] = fn(env)
        return value

    return ev


def _constant(value: Any) -> Compiled:
    return lambda env: value


# --------------------------------------------------------------------------- numbers

_NUMBER_SYMBOLS: dict[type, str] = {
    type(sp.pi): "pi",
    type(sp.E): "e",
    type(sp.EulerGamma): "euler",
    type(sp.Catalan): "catalan",
    type(sp.GoldenRatio): "phi",
}


_NON_FINITE_NUMBERS = (sp.oo, sp.S.NegativeInfinity, sp.zoo, sp.nan)


def _exact(node: sp.Basic, ctx: MPContext) -> Any:
    """The exact binary value of an Integer or Float (valid at every precision), else None."""
    if node.is_Integer:
        return ctx.make_mpf(from_int(int(node)))
    if node.is_Float:
        return ctx.make_mpf(node._mpf_)
    return None


def _compile_number(node: sp.Expr, ctx: MPContext) -> Compiled:
    if any(node is special for special in _NON_FINITE_NUMBERS):
        raise NumericError(f"{node} is not a finite number")
    exact = _exact(node, ctx)
    if exact is not None:
        bounded(node, exact)
        return _constant(exact)
    if node.is_Rational:
        p, q = int(node.p), int(node.q)
        return _cached(lambda env: bounded(node, ctx.mpf(p) / q), ctx)
    if isinstance(node, sp.NumberSymbol):
        name = _NUMBER_SYMBOLS.get(type(node))
        if name is not None:
            return _cached(lambda env: +getattr(ctx, name), ctx)
        return _cached(
            lambda env: ctx.make_mpf(sp.Float(node.evalf(ctx.dps + 10), ctx.dps + 10)._mpf_),
            ctx,
        )
    if node is sp.I:
        raise NotRealError("I (the imaginary unit) is not a real number")
    raise NumericError(f"cannot evaluate the number {show(node)}")


# --------------------------------------------------------------------------- operators

Builder = Callable[[Any, list[Compiled], MPContext, bool], Compiled]


def _compile_nary(
    node: sp.Expr, args: list[Compiled], ctx: MPContext, op: Callable[[Any, Any], Any]
) -> Compiled:
    """Fold ``op`` (+ or *) over the arguments; inline an exact number and plain symbols,
    the common shapes ``k + x`` and ``k*x``, to save closure calls."""
    c = _exact(node.args[0], ctx)
    if c is not None and len(args) == 2:
        other = node.args[1]
        if isinstance(other, sp.Symbol):
            return lambda env: op(env[other], c)
        g = args[1]
        return lambda env: op(g(env), c)
    if len(args) == 2:
        a, b = args
        return lambda env: op(a(env), b(env))
    first, rest = args[0], args[1:]

    def ev(env: Env) -> Any:
        acc = first(env)
        for term in rest:
            acc = op(acc, term(env))
        return acc

    return ev


def _compile_add(node: sp.Expr, args: list[Compiled], ctx: MPContext, lenient: bool) -> Compiled:
    return _compile_nary(node, args, ctx, operator.add)


def _compile_mul(node: sp.Expr, args: list[Compiled], ctx: MPContext, lenient: bool) -> Compiled:
    return _compile_nary(node, args, ctx, operator.mul)


def _integer_power(node: sp.Pow, base: Compiled, n: int) -> Compiled:
    if n == 2:

        def ev_square(env: Env) -> Any:
            b = base(env)
            return b * b

        return ev_square

    def ev(env: Env) -> Any:
        b = base(env)
        power_size(node, b, n)
        if n >= 0:
            return b**n
        if not b:
            raise NumericError(f"division by zero in {show(node)}")
        return 1 / (b ** (-n))

    return ev


def _square_root(node: sp.Pow, base: Compiled, ctx: MPContext, lenient: bool) -> Compiled:
    negative = node.exp.is_negative

    def ev(env: Env) -> Any:
        b = base(env)
        if not b:
            if negative:
                raise NumericError(f"division by zero in {show(node)}")
            return b
        if not lenient and b < 0:
            raise NotRealError(
                f"{show(node)} is not real: square root of the negative number {describe_number(b)}"
            )
        root = ctx.sqrt(b)
        return 1 / root if negative else root

    return ev


def _compile_pow(node: sp.Pow, args: list[Compiled], ctx: MPContext, lenient: bool) -> Compiled:
    base, exp_ = args
    e = node.exp
    if e.is_Integer:
        return _integer_power(node, base, int(e))
    if e == sp.S.Half or e == -sp.S.Half:
        return _square_root(node, base, ctx, lenient)
    check = _checker(ctx, lenient)
    mpf_type = ctx.mpf

    def ev(env: Env) -> Any:
        b = base(env)
        x = exp_(env)
        real = type(b) is mpf_type and type(x) is mpf_type
        if not b:
            if x.real > 0:
                return ctx.zero
            if not x:
                return ctx.one
            raise NumericError(f"division by zero in {show(node)}: 0 to a negative power")
        if real and b > 0:
            power_size(node, b, x)
            return check(node, ctx.power(b, x))
        if real and ctx.isint(x):
            power_size(node, b, x)
            if abs(b) == 1:
                return b if int(x) % 2 else ctx.one
            return b ** int(x)
        if not lenient:
            raise NotRealError(
                f"{show(node)} is not real: the negative number {describe_number(b)} "
                f"to the non-integer power {describe_number(x)}"
            )
        power_size(node, b, x, complex_=True)
        return check(node, ctx.power(b, x))

    return ev


# --------------------------------------------------------------------------- functions


def _unary(
    name: str | Callable[[MPContext], Callable[[Any], Any]],
    guard: Guard | None = None,
    *,
    real_only: bool = False,
) -> Builder:
    """A one-argument function: ``ctx.<name>`` (or ``name(ctx)``), with an optional
    magnitude ``guard`` run before the call; ``real_only`` for functions of an order."""

    def build(node: sp.Expr, args: list[Compiled], ctx: MPContext, lenient: bool) -> Compiled:
        (arg,) = args
        fn = getattr(ctx, name) if isinstance(name, str) else name(ctx)
        check = _checker(ctx, lenient)
        must_be_real = real_only and lenient

        def ev(env: Env) -> Any:
            v = arg(env)
            if must_be_real:
                v = _real_arg(node, v)
            if guard is not None:
                guard(node, v)
            try:
                r = fn(v)
            except (ValueError, ZeroDivisionError, ArithmeticError, TypeError) as exc:
                raise NumericError(
                    f"{show(node)} has no value at {describe_number(v)} ({exc})"
                ) from exc
            return bounded(node, check(node, r))

        return ev

    return build


def _compile_log(node: sp.log, args: list[Compiled], ctx: MPContext, lenient: bool) -> Compiled:
    def log1(v: Any, where: sp.Expr) -> Any:
        if not v:
            raise NumericError(f"{show(where)} is not finite: logarithm of 0")
        if not lenient and v < 0:
            raise NotRealError(
                f"{show(where)} is not real: logarithm of the negative number {describe_number(v)}"
            )
        return ctx.log(v)

    if len(args) == 1:
        (arg,) = args
        return lambda env: log1(arg(env), node)
    x, b = args

    def ev(env: Env) -> Any:
        lb = log1(b(env), node)
        if not lb:
            raise NumericError(f"{show(node)}: logarithm to base 1")
        return log1(x(env), node) / lb

    return ev


def _sigmoid(ctx: MPContext) -> Callable[[Any], Any]:
    def value(v: Any) -> Any:
        if type(v) is not ctx.mpf:
            return 1 / (1 + ctx.exp(-v))
        if v >= 0:
            return 1 / (1 + ctx.exp(-v))
        e = ctx.exp(v)
        return e / (1 + e)

    return value


def _softplus(ctx: MPContext) -> Callable[[Any], Any]:
    def value(v: Any) -> Any:
        if type(v) is not ctx.mpf:
            return ctx.log(1 + ctx.exp(v))
        # log(1 + e^v) = max(v, 0) + log1p(e^-|v|): never overflows, no cancellation.
        return (v if v > 0 else ctx.zero) + ctx.log1p(ctx.exp(-abs(v)))

    return value


def _relu(ctx: MPContext) -> Callable[[Any], Any]:
    return lambda v: v if v > 0 else ctx.zero


def _abs(ctx: MPContext) -> Callable[[Any], Any]:
    return abs


def _compile_heaviside(
    node: sp.Heaviside, args: list[Compiled], ctx: MPContext, lenient: bool
) -> Compiled:
    arg = args[0]

    def ev(env: Env) -> Any:
        v = _real_arg(node, arg(env))
        if not v:
            raise NumericError(f"{show(node)} is undefined where its argument is 0")
        return ctx.one if v > 0 else ctx.zero

    return ev


def _compile_dirac(
    node: sp.DiracDelta, args: list[Compiled], ctx: MPContext, lenient: bool
) -> Compiled:
    arg = args[0]

    def ev(env: Env) -> Any:
        if not _real_arg(node, arg(env)):
            raise NumericError(f"{show(node)} is infinite where its argument is 0")
        return ctx.zero

    return ev


def _compile_maxmin(node: sp.Expr, args: list[Compiled], ctx: MPContext, lenient: bool) -> Compiled:
    pick = max if isinstance(node, sp.Max) else min
    return lambda env: pick([_real_arg(node, a(env)) for a in args])


def _compile_atan2(node: sp.atan2, args: list[Compiled], ctx: MPContext, lenient: bool) -> Compiled:
    y, x = args

    def ev(env: Env) -> Any:
        yv, xv = _real_arg(node, y(env)), _real_arg(node, x(env))
        if not yv and not xv:
            raise NumericError(f"{show(node)} is undefined at (0, 0)")
        return ctx.atan2(yv, xv)

    return ev


def _compile_polygamma(
    node: sp.polygamma, args: list[Compiled], ctx: MPContext, lenient: bool
) -> Compiled:
    n, x = args
    check = _checker(ctx, lenient)

    def ev(env: Env) -> Any:
        nv, xv = _real_arg(node, n(env)), x(env)
        if not ctx.isint(nv) or nv < 0 or nv > MAX_POLYGAMMA_ORDER:
            raise NumericError(
                f"{show(node)}: the order must be an integer from 0 to {MAX_POLYGAMMA_ORDER}"
            )
        factorial_like(node, xv)
        try:
            r = ctx.psi(int(nv), xv)
        except (ValueError, ZeroDivisionError) as exc:
            raise NumericError(f"{show(node)} has no value at {describe_number(xv)}") from exc
        return bounded(node, check(node, r))

    return ev


def _compile_part(node: sp.Expr, args: list[Compiled], ctx: MPContext, lenient: bool) -> Compiled:
    """``re``, ``im``, ``conjugate``: of a real value, the value, 0 and the value."""
    arg = args[0]
    if lenient:
        fn = {sp.re: ctx.re, sp.im: ctx.im, sp.conjugate: ctx.conj}[type(node)]
        return lambda env: fn(arg(env))
    if isinstance(node, sp.im):

        def ev_zero(env: Env) -> Any:
            arg(env)  # still refuse if the argument itself has no real value
            return ctx.zero

        return ev_zero
    return arg


_BUILDERS: dict[type, Builder] = {
    sp.Add: _compile_add,
    sp.Mul: _compile_mul,
    sp.Pow: _compile_pow,
    sp.exp: _unary("exp", exponential),
    sp.log: _compile_log,
    sp.sin: _unary("sin", periodic),
    sp.cos: _unary("cos", periodic),
    sp.tan: _unary("tan", periodic),
    sp.sec: _unary("sec", periodic),
    sp.csc: _unary("csc", periodic),
    sp.cot: _unary("cot", periodic),
    sp.asin: _unary("asin"),
    sp.acos: _unary("acos"),
    sp.atan: _unary("atan"),
    sp.acot: _unary("acot"),
    sp.asec: _unary("asec"),
    sp.acsc: _unary("acsc"),
    sp.atan2: _compile_atan2,
    sp.sinh: _unary("sinh", exponential),
    sp.cosh: _unary("cosh", exponential),
    sp.tanh: _unary("tanh", exponential),
    sp.coth: _unary("coth", exponential),
    sp.sech: _unary("sech", exponential),
    sp.csch: _unary("csch", exponential),
    sp.asinh: _unary("asinh"),
    sp.acosh: _unary("acosh"),
    sp.atanh: _unary("atanh"),
    sp.acoth: _unary("acoth"),
    sp.asech: _unary("asech"),
    sp.acsch: _unary("acsch"),
    sp.Abs: _unary(_abs),
    sp.sign: _unary("sign"),
    sp.Heaviside: _compile_heaviside,
    sp.DiracDelta: _compile_dirac,
    sp.Max: _compile_maxmin,
    sp.Min: _compile_maxmin,
    sp.re: _compile_part,
    sp.conjugate: _compile_part,
    sp.im: _compile_part,
    sp.erf: _unary("erf", squared_exponential),
    sp.erfc: _unary("erfc", squared_exponential),
    sp.erfi: _unary("erfi", squared_exponential),
    sp.gamma: _unary("gamma", factorial_like),
    sp.loggamma: _unary("loggamma", factorial_like),
    sp.digamma: _unary("digamma", factorial_like),
    sp.polygamma: _compile_polygamma,
    sp.factorial: _unary("factorial", factorial_like),
    sp.sinc: _unary("sinc", periodic),
    sigmoid: _unary(_sigmoid, exponential),
    softplus: _unary(_softplus, exponential),
    relu: _unary(_relu, real_only=True),
}


# --------------------------------------------------------------------------- Piecewise

_RELATIONS: dict[type, Callable[[Any, Any], bool]] = {
    sp.StrictLessThan: lambda a, b: a < b,
    sp.LessThan: lambda a, b: a <= b,
    sp.StrictGreaterThan: lambda a, b: a > b,
    sp.GreaterThan: lambda a, b: a >= b,
    sp.Equality: lambda a, b: a == b,
    sp.Unequality: lambda a, b: a != b,
}


def _compile_condition(cond: Any, ctx: MPContext, lenient: bool) -> Callable[[Env], bool]:
    if cond is sp.true:
        return lambda env: True
    if cond is sp.false:
        return lambda env: False
    rel = _RELATIONS.get(type(cond))
    if rel is not None:
        lhs, rhs = _compile(cond.lhs, ctx, lenient), _compile(cond.rhs, ctx, lenient)
        return lambda env: rel(_real_arg(cond, lhs(env)), _real_arg(cond, rhs(env)))
    parts = (
        [_compile_condition(c, ctx, lenient) for c in cond.args]
        if isinstance(cond, sp.Basic)
        else []
    )
    if isinstance(cond, sp.And):
        return lambda env: all(p(env) for p in parts)
    if isinstance(cond, sp.Or):
        return lambda env: any(p(env) for p in parts)
    if isinstance(cond, sp.Not):
        return lambda env: not parts[0](env)
    raise NumericError(f"cannot evaluate the condition {show(cond)}")


def _compile_piecewise(node: sp.Piecewise, ctx: MPContext, lenient: bool) -> Compiled:
    branches = [
        (_compile(e, ctx, lenient), _compile_condition(c, ctx, lenient)) for e, c in node.args
    ]

    def ev(env: Env) -> Any:
        for value, cond in branches:
            if cond(env):
                return value(env)
        raise NumericError(f"{show(node)} is undefined here (no condition holds)")

    return ev


# --------------------------------------------------------------------------- compiler


def _unsupported(node: sp.Basic) -> NumericError:
    if isinstance(node, AppliedUndef):
        return NumericError(f"{show(node)} is an undefined function, which has no numeric value")
    if isinstance(node, sp.Derivative):
        return NumericError(f"{show(node)} is an unevaluated derivative")
    if isinstance(node, sp.Subs):
        return NumericError(f"{show(node)} is an unevaluated substitution")
    return NumericError(
        f"cannot evaluate {show(node)} (unsupported node type {type(node).__name__})"
    )


@lru_cache(maxsize=1024)
def _compile(node: sp.Basic, ctx: MPContext, lenient: bool) -> Compiled:
    """Compile ``node`` into a closure ``env -> value`` computing in ``ctx`` (raises
    NumericError if unsupported). ``lenient`` allows complex intermediate values."""
    if isinstance(node, sp.Symbol):
        return lambda env: env[node]
    if (
        node.is_Number
        or isinstance(node, sp.NumberSymbol)
        or any(node is special for special in (sp.I, *_NON_FINITE_NUMBERS))
    ):
        return _compile_number(node, ctx)
    if isinstance(node, sp.Piecewise):
        fn = _compile_piecewise(node, ctx, lenient)
    else:
        builder = _BUILDERS.get(type(node))
        if builder is None:
            raise _unsupported(node)
        fn = builder(node, [_compile(arg, ctx, lenient) for arg in node.args], ctx, lenient)
    if not node.free_symbols:
        fn = _cached(fn, ctx)
    return fn


def _compiled(expr: sp.Basic, ctx: MPContext, lenient: bool) -> Compiled:
    try:
        return _compile(expr, ctx, lenient)
    except RecursionError as exc:
        raise NumericError(f"{show(expr)} is too deeply nested to evaluate") from exc


def _run(fn: Compiled, env: Env, expr: sp.Basic, ctx: MPContext, lenient: bool = False) -> Any:
    try:
        value = fn(env)
    except KeyError as exc:
        raise NumericError(f"no value was given for the symbol {exc.args[0]}") from exc
    except (ZeroDivisionError, ValueError, OverflowError, TypeError) as exc:
        raise NumericError(f"{show(expr)} cannot be evaluated here ({exc})") from exc
    except RecursionError as exc:
        raise NumericError(f"{show(expr)} is too deeply nested to evaluate") from exc
    value = _checker(ctx, lenient)(expr, value)
    return _realify(expr, value, ctx) if lenient else value


def _evaluator(expr: sp.Basic, ctx: MPContext, through_complex: bool) -> Callable[[Env], Any]:
    """``env -> real value``: in real arithmetic, and if a sub-expression is not real and
    ``through_complex`` allows it, again in complex arithmetic (the value must be real)."""
    real = _compiled(expr, ctx, False)
    if not through_complex:
        return lambda env: _run(real, env, expr, ctx)

    complex_: list[Compiled] = []  # compiled on the first point that needs it

    def ev(env: Env) -> Any:
        try:
            return _run(real, env, expr, ctx)
        except NotRealError:
            pass
        if not complex_:
            complex_.append(_compiled(expr, ctx, True))
        return _run(complex_[0], env, expr, ctx, lenient=True)

    return ev


# --------------------------------------------------------------------------- public API


def evaluate(
    expr: sp.Expr,
    values: Mapping[sp.Symbol, Any],
    *,
    ctx: MPContext | None = None,
    through_complex: bool = False,
) -> Any:
    """Value of ``expr`` at ``values`` (symbol -> number), at the precision of ``ctx``
    (default ``mpmath.mp``; its ``mpf`` type).

    Raises :class:`NumericError` if the value is not a finite real number or ``expr`` holds
    a node the evaluator does not know.
    """
    ctx = ctx or mpmath.mp
    expr = as_sympy(expr)
    env = {sym: _to_mpf(v, ctx) for sym, v in values.items()}
    return _evaluator(expr, ctx, through_complex)(env)


def numeric_function(
    expr: sp.Expr,
    vars: Sequence[sp.Symbol],
    fixed: Mapping[sp.Symbol, Any] | None = None,
    *,
    ctx: MPContext | None = None,
    through_complex: bool = False,
) -> Callable[..., Any]:
    """Compile ``expr`` into ``f(*values_of_vars)``, other symbols held at ``fixed``,
    computing in ``ctx`` (default ``mpmath.mp``) at its current precision.

    Compilation happens now, so unsupported nodes and symbols without a value raise
    :class:`NumericError` here; values that are not real raise it when ``f`` is called.
    With ``through_complex``, sub-expressions may be complex where the value is real.
    """
    ctx = ctx or mpmath.mp
    expr = as_sympy(expr)
    vars = tuple(vars)
    fixed_env = {sym: _to_mpf(v, ctx) for sym, v in (fixed or {}).items()}
    missing = expr.free_symbols - set(vars) - set(fixed_env)
    if missing:
        names = ", ".join(sorted(str(s) for s in missing))
        raise NumericError(f"no value was given for the symbol(s) {names}")
    run = _evaluator(expr, ctx, through_complex)

    if len(vars) == 1 and not fixed_env:
        (var,) = vars

        def f1(value: Any) -> Any:
            return run({var: _to_mpf(value, ctx)})

        return f1

    def f(*values: Any) -> Any:
        if len(values) != len(vars):
            raise TypeError(f"expected {len(vars)} values, got {len(values)}")
        env = dict(fixed_env)
        for var, value in zip(vars, values, strict=True):
            env[var] = _to_mpf(value, ctx)
        return run(env)

    return f


def is_evaluable(expr: sp.Expr) -> tuple[bool, str]:
    """Whether ``expr`` only contains nodes :func:`evaluate` supports; if not, why not.

    This looks at the tree only: ``log(x)`` is evaluable even though it has no real value
    for x <= 0.
    """
    try:
        _compiled(as_sympy(expr), mpmath.mp, False)
    except NumericError as exc:
        return False, str(exc)
    except (TypeError, AttributeError, sp.SympifyError) as exc:
        return False, f"cannot evaluate {show(expr)} ({exc})"
    return True, ""


def kink_arguments(expr: sp.Expr) -> list[sp.Expr]:
    """Expressions whose zeros are kinks or jumps of ``expr`` (arguments of ``Abs``, ``relu``,
    ``sign``, ``Heaviside``, ``DiracDelta``; pairwise differences of ``Max``/``Min``
    arguments; ``lhs - rhs`` of ``Piecewise`` conditions). Constants are left out."""
    found: list[sp.Expr] = []
    for node in sp.preorder_traversal(as_sympy(expr)):
        if isinstance(node, sp.Abs | sp.sign | sp.Heaviside | sp.DiracDelta | relu):
            found.append(node.args[0])
        elif isinstance(node, sp.Max | sp.Min):
            args = node.args
            found.extend(a - b for i, a in enumerate(args) for b in args[i + 1 :])
        elif isinstance(node, sp.Piecewise):
            for _, cond in node.args:
                if isinstance(cond, sp.Basic):
                    found.extend(r.lhs - r.rhs for r in cond.atoms(Relational))
    unique: list[sp.Expr] = []
    for arg in found:
        if arg.free_symbols and arg not in unique:
            unique.append(arg)
    return unique
