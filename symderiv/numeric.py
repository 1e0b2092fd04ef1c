"""A safe, high-precision numeric evaluator for SymPy expressions.

The numeric cross-checks in :mod:`symderiv.verify` must not trust the symbolic engine, so
they do not go through ``lambdify``, code generation, ``eval`` or SymPy's own ``evalf``.
Instead this module walks the SymPy tree itself and evaluates it with mpmath at the
current ``mpmath.mp`` precision (``mp.dps`` / ``mp.prec``), so that ``mpmath.diff`` -- which
raises the working precision while it differentiates -- gets values accurate to that
precision.

Only *real* values are accepted. Anything that is not a finite real number -- a complex
result (``log`` of a negative number, ``sqrt`` of a negative number, ``asin(2)``, a
negative base to a fractional power, following SymPy's principal-branch convention), a
division by zero, ``0`` to a negative power, a pole of ``gamma``, ``Heaviside`` or
``DiracDelta`` at 0, infinities -- raises :class:`NumericError` naming the offending node.
So do nodes the evaluator does not know: undefined functions ``f(x)``, ``Derivative``,
``Subs``, ``Integral``, ...

Speed: an expression is compiled once (cached) into a tree of Python closures, chosen by a
dispatch table on the node's type; constant sub-expressions (``sqrt(2)``, ``log(3)``, ``pi``,
``1/3``) are evaluated once per working precision and cached. :func:`numeric_function`
gives a fast ``f(*args)``; :func:`evaluate` is the one-shot convenience.

Supported: numbers (Integer, Rational, Float, ``E``, ``pi``, ``EulerGamma``, ``Catalan``,
``GoldenRatio``, ...), symbols, ``Add``, ``Mul``, ``Pow`` (so ``sqrt`` and roots), ``exp``,
``log`` (1 and 2 arguments), the six trigonometric functions and their inverses, ``atan2``,
the six hyperbolic functions and their inverses, ``Abs``, ``sign``, ``Heaviside``,
``DiracDelta``, ``Max``, ``Min``, ``Piecewise`` (with relational, And/Or/Not conditions),
``re``/``im``/``conjugate`` (of real values), ``erf``, ``erfc``, ``erfi``, ``gamma``,
``loggamma``, ``digamma``, ``polygamma``, ``factorial``, ``sinc``, and symderiv's
``sigmoid``, ``softplus`` (both in numerically stable forms) and ``relu``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import mpmath
import sympy as sp
from mpmath import mpf
from mpmath.libmp import finf, fnan, fninf
from sympy.core.function import AppliedUndef
from sympy.core.relational import Relational

from symderiv.errors import SymderivError
from symderiv.functions import relu, sigmoid, softplus
from symderiv.sympy_values import as_sympy

__all__ = [
    "KINK_FUNCTIONS",
    "NumericError",
    "evaluate",
    "is_evaluable",
    "kink_arguments",
    "numeric_function",
]


class NumericError(SymderivError, ArithmeticError):
    """An expression has no finite real value at a point, or cannot be evaluated at all."""


Env = dict[sp.Symbol, mpf]
Compiled = Callable[[Env], mpf]

_NONFINITE = (finf, fninf, fnan)
_mp = mpmath.mp

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


# --------------------------------------------------------------------------- helpers


def _show(node: Any, limit: int = 70) -> str:
    text = str(node)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _num(value: Any) -> str:
    try:
        return mpmath.nstr(value, 8)
    except (TypeError, ValueError):  # pragma: no cover - defensive
        return repr(value)


def _not_real(node: Any, value: Any) -> NumericError:
    if isinstance(value, mpmath.mpc):
        return NumericError(f"{_show(node)} is not real here (its value is {_num(value)})")
    return NumericError(f"{_show(node)} is not finite here (its value is {_num(value)})")


def _check(node: Any, value: Any) -> mpf:
    if type(value) is not mpf or value._mpf_ in _NONFINITE:
        raise _not_real(node, value)
    return value


def _to_mpf(value: Any) -> mpf:
    if type(value) is mpf:
        return value
    if isinstance(value, sp.Basic):
        if value.free_symbols:
            raise NumericError(f"the value {_show(value)} is not a number")
        return _run(_compile(value), {}, value)
    try:
        return _check(value, mpf(value))
    except (TypeError, ValueError) as exc:
        raise NumericError(f"the value {value!r} is not a real number") from exc


def _cached(fn: Compiled) -> Compiled:
    """Evaluate a constant sub-expression once per working precision."""
    cache: dict[int, mpf] = {}

    def ev(env: Env) -> mpf:
        prec = _mp.prec
        value = cache.get(prec)
        if value is None:
            value = cache[prec] = fn(env)
        return value

    return ev


def _constant(value: mpf) -> Compiled:
    return lambda env: value


# --------------------------------------------------------------------------- numbers

_NUMBER_SYMBOLS: dict[type, Callable[[], mpf]] = {
    type(sp.pi): lambda: +mpmath.pi,
    type(sp.E): lambda: +mpmath.e,
    type(sp.EulerGamma): lambda: +mpmath.euler,
    type(sp.Catalan): lambda: +mpmath.catalan,
    type(sp.GoldenRatio): lambda: +mpmath.phi,
}


_NON_FINITE_NUMBERS = (sp.oo, sp.S.NegativeInfinity, sp.zoo, sp.nan)


def _compile_number(node: sp.Expr) -> Compiled:
    if any(node is special for special in _NON_FINITE_NUMBERS):
        raise NumericError(f"{node} is not a finite number")
    exact = _exact(node)
    if exact is not None:
        return _constant(exact)
    if node.is_Rational:
        p, q = int(node.p), int(node.q)
        return _cached(lambda env: mpf(p) / q)
    if isinstance(node, sp.NumberSymbol):
        known = _NUMBER_SYMBOLS.get(type(node))
        if known is not None:
            return _cached(lambda env: known())
        return _cached(lambda env: mpf(sp.Float(node.evalf(_mp.dps + 10), _mp.dps + 10)._mpf_))
    if node is sp.I:
        raise NumericError("I (the imaginary unit) is not a real number")
    raise NumericError(f"cannot evaluate the number {_show(node)}")


# --------------------------------------------------------------------------- operators


def _exact(node: sp.Basic) -> mpf | None:
    """The exact binary value of an Integer or Float (valid at every precision), else None."""
    if node.is_Integer:
        n = int(node)
        with mpmath.workprec(max(53, n.bit_length() + 1)):
            return mpf(n)
    if node.is_Float:
        return mpf(node._mpf_)
    return None


def _compile_nary(node: sp.Expr, args: list[Compiled], op: Callable[[Any, Any], mpf]) -> Compiled:
    """Fold ``op`` (+ or *) over the arguments; inline an exact number and plain symbols,
    the common shapes ``k + x`` and ``k*x``, to save closure calls."""
    c = _exact(node.args[0])
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

    def ev(env: Env) -> mpf:
        acc = first(env)
        for term in rest:
            acc = op(acc, term(env))
        return acc

    return ev


def _compile_add(node: sp.Expr, args: list[Compiled]) -> Compiled:
    return _compile_nary(node, args, operator.add)


def _compile_mul(node: sp.Expr, args: list[Compiled]) -> Compiled:
    return _compile_nary(node, args, operator.mul)


def _compile_pow(node: sp.Pow, args: list[Compiled]) -> Compiled:
    base, exp_ = args
    e = node.exp
    if e.is_Integer:
        n = int(e)
        if n == 2:

            def ev_square(env: Env) -> mpf:
                b = base(env)
                return b * b

            return ev_square
        if n >= 0:
            return lambda env: base(env) ** n

        def ev_neg(env: Env) -> mpf:
            b = base(env)
            if not b:
                raise NumericError(f"division by zero in {_show(node)}")
            return 1 / (b ** (-n))

        return ev_neg
    if e == sp.S.Half or e == -sp.S.Half:
        negative = e.is_negative

        def ev_sqrt(env: Env) -> mpf:
            b = base(env)
            if b < 0:
                raise NumericError(
                    f"{_show(node)} is not real: square root of the negative number {_num(b)}"
                )
            if negative:
                if not b:
                    raise NumericError(f"division by zero in {_show(node)}")
                return 1 / mpmath.sqrt(b)
            return mpmath.sqrt(b)

        return ev_sqrt

    def ev(env: Env) -> mpf:
        b = base(env)
        x = exp_(env)
        if b > 0:
            return _check(node, mpmath.power(b, x))
        if not b:
            if x > 0:
                return mpf(0)
            if not x:
                return mpf(1)
            raise NumericError(f"division by zero in {_show(node)}: 0 to a negative power")
        if mpmath.isint(x):
            return b ** int(x)
        raise NumericError(
            f"{_show(node)} is not real: the negative number {_num(b)} "
            f"to the non-integer power {_num(x)}"
        )

    return ev


# --------------------------------------------------------------------------- functions


def _unary(fn: Callable[[mpf], Any]) -> Callable[[sp.Expr, list[Compiled]], Compiled]:
    def build(node: sp.Expr, args: list[Compiled]) -> Compiled:
        (arg,) = args

        def ev(env: Env) -> mpf:
            v = arg(env)
            try:
                r = fn(v)
            except (ValueError, ZeroDivisionError, ArithmeticError) as exc:
                raise NumericError(f"{_show(node)} has no value at {_num(v)} ({exc})") from exc
            if type(r) is not mpf or r._mpf_ in _NONFINITE:
                raise _not_real(node, r)
            return r

        return ev

    return build


def _compile_log(node: sp.log, args: list[Compiled]) -> Compiled:
    def log1(v: mpf, where: sp.Expr) -> mpf:
        if v <= 0:
            raise NumericError(
                f"{_show(where)} is not real: logarithm of the non-positive number {_num(v)}"
            )
        return mpmath.log(v)

    if len(args) == 1:
        (arg,) = args
        return lambda env: log1(arg(env), node)
    x, b = args

    def ev(env: Env) -> mpf:
        lb = log1(b(env), node)
        if not lb:
            raise NumericError(f"{_show(node)}: logarithm to base 1")
        return log1(x(env), node) / lb

    return ev


def _sigmoid(v: mpf) -> mpf:
    if v >= 0:
        return 1 / (1 + mpmath.exp(-v))
    e = mpmath.exp(v)
    return e / (1 + e)


def _softplus(v: mpf) -> mpf:
    # log(1 + e^v) = max(v, 0) + log1p(e^-|v|): never overflows, no cancellation.
    return (v if v > 0 else mpf(0)) + mpmath.log1p(mpmath.exp(-abs(v)))


def _compile_heaviside(node: sp.Heaviside, args: list[Compiled]) -> Compiled:
    arg = args[0]

    def ev(env: Env) -> mpf:
        v = arg(env)
        if not v:
            raise NumericError(f"{_show(node)} is undefined where its argument is 0")
        return mpf(1) if v > 0 else mpf(0)

    return ev


def _compile_dirac(node: sp.DiracDelta, args: list[Compiled]) -> Compiled:
    arg = args[0]

    def ev(env: Env) -> mpf:
        if not arg(env):
            raise NumericError(f"{_show(node)} is infinite where its argument is 0")
        return mpf(0)

    return ev


def _compile_maxmin(node: sp.Expr, args: list[Compiled]) -> Compiled:
    pick = max if isinstance(node, sp.Max) else min
    return lambda env: pick([a(env) for a in args])


def _compile_atan2(node: sp.atan2, args: list[Compiled]) -> Compiled:
    y, x = args

    def ev(env: Env) -> mpf:
        yv, xv = y(env), x(env)
        if not yv and not xv:
            raise NumericError(f"{_show(node)} is undefined at (0, 0)")
        return mpmath.atan2(yv, xv)

    return ev


def _compile_polygamma(node: sp.polygamma, args: list[Compiled]) -> Compiled:
    n, x = args

    def ev(env: Env) -> mpf:
        nv, xv = n(env), x(env)
        if not mpmath.isint(nv) or nv < 0:
            raise NumericError(f"{_show(node)}: the order must be a non-negative integer")
        try:
            r = mpmath.psi(int(nv), xv)
        except (ValueError, ZeroDivisionError) as exc:
            raise NumericError(f"{_show(node)} has no value at {_num(xv)}") from exc
        return _check(node, r)

    return ev


def _identity(node: sp.Expr, args: list[Compiled]) -> Compiled:
    return args[0]


def _zero(node: sp.Expr, args: list[Compiled]) -> Compiled:
    arg = args[0]

    def ev(env: Env) -> mpf:
        arg(env)  # still refuse if the argument itself has no real value
        return mpf(0)

    return ev


_BUILDERS: dict[type, Callable[[Any, list[Compiled]], Compiled]] = {
    sp.Add: _compile_add,
    sp.Mul: _compile_mul,
    sp.Pow: _compile_pow,
    sp.exp: _unary(mpmath.exp),
    sp.log: _compile_log,
    sp.sin: _unary(mpmath.sin),
    sp.cos: _unary(mpmath.cos),
    sp.tan: _unary(mpmath.tan),
    sp.sec: _unary(mpmath.sec),
    sp.csc: _unary(mpmath.csc),
    sp.cot: _unary(mpmath.cot),
    sp.asin: _unary(mpmath.asin),
    sp.acos: _unary(mpmath.acos),
    sp.atan: _unary(mpmath.atan),
    sp.acot: _unary(mpmath.acot),
    sp.asec: _unary(mpmath.asec),
    sp.acsc: _unary(mpmath.acsc),
    sp.atan2: _compile_atan2,
    sp.sinh: _unary(mpmath.sinh),
    sp.cosh: _unary(mpmath.cosh),
    sp.tanh: _unary(mpmath.tanh),
    sp.coth: _unary(mpmath.coth),
    sp.sech: _unary(mpmath.sech),
    sp.csch: _unary(mpmath.csch),
    sp.asinh: _unary(mpmath.asinh),
    sp.acosh: _unary(mpmath.acosh),
    sp.atanh: _unary(mpmath.atanh),
    sp.acoth: _unary(mpmath.acoth),
    sp.asech: _unary(mpmath.asech),
    sp.acsch: _unary(mpmath.acsch),
    sp.Abs: _unary(abs),
    sp.sign: _unary(mpmath.sign),
    sp.Heaviside: _compile_heaviside,
    sp.DiracDelta: _compile_dirac,
    sp.Max: _compile_maxmin,
    sp.Min: _compile_maxmin,
    sp.re: _identity,
    sp.conjugate: _identity,
    sp.im: _zero,
    sp.erf: _unary(mpmath.erf),
    sp.erfc: _unary(mpmath.erfc),
    sp.erfi: _unary(mpmath.erfi),
    sp.gamma: _unary(mpmath.gamma),
    sp.loggamma: _unary(mpmath.loggamma),
    sp.digamma: _unary(mpmath.digamma),
    sp.polygamma: _compile_polygamma,
    sp.factorial: _unary(mpmath.factorial),
    sp.sinc: _unary(mpmath.sinc),
    sigmoid: _unary(_sigmoid),
    softplus: _unary(_softplus),
    relu: _unary(lambda v: v if v > 0 else mpf(0)),
}


# --------------------------------------------------------------------------- Piecewise

_RELATIONS: dict[type, Callable[[mpf, mpf], bool]] = {
    sp.StrictLessThan: lambda a, b: a < b,
    sp.LessThan: lambda a, b: a <= b,
    sp.StrictGreaterThan: lambda a, b: a > b,
    sp.GreaterThan: lambda a, b: a >= b,
    sp.Equality: lambda a, b: a == b,
    sp.Unequality: lambda a, b: a != b,
}


def _compile_condition(cond: Any) -> Callable[[Env], bool]:
    if cond is sp.true:
        return lambda env: True
    if cond is sp.false:
        return lambda env: False
    rel = _RELATIONS.get(type(cond))
    if rel is not None:
        lhs, rhs = _compile(cond.lhs), _compile(cond.rhs)
        return lambda env: rel(lhs(env), rhs(env))
    parts = [_compile_condition(c) for c in cond.args] if isinstance(cond, sp.Basic) else []
    if isinstance(cond, sp.And):
        return lambda env: all(p(env) for p in parts)
    if isinstance(cond, sp.Or):
        return lambda env: any(p(env) for p in parts)
    if isinstance(cond, sp.Not):
        return lambda env: not parts[0](env)
    raise NumericError(f"cannot evaluate the condition {_show(cond)}")


def _compile_piecewise(node: sp.Piecewise) -> Compiled:
    branches = [(_compile(e), _compile_condition(c)) for e, c in node.args]

    def ev(env: Env) -> mpf:
        for value, cond in branches:
            if cond(env):
                return value(env)
        raise NumericError(f"{_show(node)} is undefined here (no condition holds)")

    return ev


# --------------------------------------------------------------------------- compiler


def _unsupported(node: sp.Basic) -> NumericError:
    if isinstance(node, AppliedUndef):
        return NumericError(f"{_show(node)} is an undefined function, which has no numeric value")
    if isinstance(node, sp.Derivative):
        return NumericError(f"{_show(node)} is an unevaluated derivative")
    if isinstance(node, sp.Subs):
        return NumericError(f"{_show(node)} is an unevaluated substitution")
    return NumericError(
        f"cannot evaluate {_show(node)} (unsupported node type {type(node).__name__})"
    )


@lru_cache(maxsize=512)
def _compile(node: sp.Basic) -> Compiled:
    """Compile ``node`` into a closure ``env -> mpf`` (raises NumericError if unsupported)."""
    if isinstance(node, sp.Symbol):
        return lambda env: env[node]
    if (
        node.is_Number
        or isinstance(node, sp.NumberSymbol)
        or any(node is special for special in (sp.I, *_NON_FINITE_NUMBERS))
    ):
        return _compile_number(node)
    if isinstance(node, sp.Piecewise):
        fn = _compile_piecewise(node)
    else:
        builder = _BUILDERS.get(type(node))
        if builder is None:
            raise _unsupported(node)
        fn = builder(node, [_compile(arg) for arg in node.args])
    if not node.free_symbols:
        fn = _cached(fn)
    return fn


def _run(fn: Compiled, env: Env, expr: sp.Basic) -> mpf:
    try:
        value = fn(env)
    except KeyError as exc:
        raise NumericError(f"no value was given for the symbol {exc.args[0]}") from exc
    except (ZeroDivisionError, ValueError, OverflowError) as exc:
        raise NumericError(f"{_show(expr)} cannot be evaluated here ({exc})") from exc
    return _check(expr, value)


# --------------------------------------------------------------------------- public API


def evaluate(expr: sp.Expr, values: Mapping[sp.Symbol, Any]) -> mpf:
    """Value of ``expr`` at ``values`` (symbol -> number), at the current ``mp.dps``.

    Raises :class:`NumericError` if the value is not a finite real number or ``expr`` holds
    a node the evaluator does not know.
    """
    expr = as_sympy(expr)
    env = {sym: _to_mpf(v) for sym, v in values.items()}
    return _run(_compile(expr), env, expr)


def numeric_function(
    expr: sp.Expr,
    vars: Sequence[sp.Symbol],
    fixed: Mapping[sp.Symbol, Any] | None = None,
) -> Callable[..., mpf]:
    """Compile ``expr`` into ``f(*values_of_vars) -> mpf``, other symbols held at ``fixed``.

    Compilation happens now, so unsupported nodes and symbols without a value raise
    :class:`NumericError` here; values that are not real raise it when ``f`` is called.
    """
    expr = as_sympy(expr)
    vars = tuple(vars)
    fixed_env = {sym: _to_mpf(v) for sym, v in (fixed or {}).items()}
    missing = expr.free_symbols - set(vars) - set(fixed_env)
    if missing:
        names = ", ".join(sorted(str(s) for s in missing))
        raise NumericError(f"no value was given for the symbol(s) {names}")
    compiled = _compile(expr)

    if len(vars) == 1 and not fixed_env:
        (var,) = vars

        def f1(value: Any) -> mpf:
            return _run(compiled, {var: _to_mpf(value)}, expr)

        return f1

    def f(*values: Any) -> mpf:
        if len(values) != len(vars):
            raise TypeError(f"expected {len(vars)} values, got {len(values)}")
        env = dict(fixed_env)
        for var, value in zip(vars, values, strict=True):
            env[var] = _to_mpf(value)
        return _run(compiled, env, expr)

    return f


def is_evaluable(expr: sp.Expr) -> tuple[bool, str]:
    """Whether ``expr`` only contains nodes :func:`evaluate` supports; if not, why not.

    This looks at the tree only: ``log(x)`` is evaluable even though it has no real value
    for x <= 0.
    """
    try:
        _compile(as_sympy(expr))
    except NumericError as exc:
        return False, str(exc)
    except (TypeError, AttributeError, sp.SympifyError) as exc:
        return False, f"cannot evaluate {_show(expr)} ({exc})"
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
