"""The names we understand: the function table, constants and Greek letters.

``_FUNCS`` maps every accepted function spelling (plain words, LaTeX commands, operator
names) to a ``_Func`` saying how to build it; ``_apply`` and ``_apply_power`` use it.
``_GREEDY`` lists the names found greedily inside longer words (``sinx``, ``pix``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symderiv.functions import relu, sigmoid, softplus
from symderiv.parsing.failures import _Refusal
from symderiv.parsing.limits import (
    MAX_EXPONENT,
    _bounded,
    _defined,
    _is_zero_literal,
    _power,
)


def _words(text: str) -> frozenset[str]:
    """A set of space-separated words (keeps long name tables readable)."""
    return frozenset(text.split())


@dataclass(frozen=True)
class _Func:
    """One allowed function: how to build it and how it may be written."""

    name: str
    build: Callable[..., sp.Expr]
    arity: tuple[int, ...] = (1,)
    inverse: str | None = None
    call_only: bool = False


def _build_log(x: sp.Expr, base: sp.Expr | None = None) -> sp.Expr:
    """Natural log, or log to ``base``; refuses the bases 0 and 1."""
    if base is None:
        return sp.log(x)
    if _is_zero_literal(base) or base == 1:
        raise _Refusal(f"a logarithm cannot have base {base}")
    return sp.log(x, base)


def _build_gamma(x: sp.Expr) -> sp.Expr:
    """The gamma function, refusing numeric arguments large enough to be slow."""
    if x.is_Rational and abs(x) > MAX_EXPONENT:
        raise _Refusal(f"gamma of a number larger than {MAX_EXPONENT} is not supported")
    return sp.gamma(x)


def _build_sqrt(x: sp.Expr) -> sp.Expr:
    """Square root through the guarded power."""
    return _power(x, sp.Rational(1, 2))


def _build_cbrt(x: sp.Expr) -> sp.Expr:
    """Real-principal cube root x**(1/3), through the guarded power."""
    return _power(x, sp.Rational(1, 3))


def _table() -> dict[str, _Func]:
    """Every function name we accept (plain words, LaTeX commands, operator names)."""
    table: dict[str, _Func] = {}

    def add(names: str, build: Callable[..., sp.Expr], **options: Any) -> None:
        spelled = names.split()
        for name in spelled:
            table[name] = _Func(spelled[0], build, **options)

    for trig, inverse in [
        ("sin", "asin"), ("cos", "acos"), ("tan", "atan"),
        ("sec", "asec"), ("csc", "acsc"), ("cot", "acot"),
        ("sinh", "asinh"), ("cosh", "acosh"), ("tanh", "atanh"),
        ("coth", "acoth"), ("sech", "asech"), ("csch", "acsch"),
    ]:  # fmt: skip
        add(trig, getattr(sp, trig), inverse=inverse)
        long_names = f"{inverse} arc{inverse[1:]}"
        if trig.endswith("h"):
            long_names += f" ar{inverse[1:]}"
        add(long_names, getattr(sp, inverse))
    add("exp", sp.exp)
    add("ln", sp.log)
    add("log", _build_log, arity=(1, 2))
    add("log2", lambda x: _build_log(x, sp.Integer(2)))
    add("log10", lambda x: _build_log(x, sp.Integer(10)))
    add("sqrt", _build_sqrt)
    add("cbrt", _build_cbrt)
    add("abs Abs", sp.Abs)
    add("sigmoid", sigmoid)
    add("sigma", sigmoid, call_only=True)
    add("softplus", softplus)
    add("relu ReLU Relu", relu)
    add("erf", sp.erf)
    add("gamma Gamma", _build_gamma, call_only=True)
    add("heaviside Heaviside", sp.Heaviside)
    add("sign sgn", sp.sign)
    return table


_FUNCS: dict[str, _Func] = _table()
_UNDEFINED_FUNCTIONS = frozenset("fgh")
_CONSTANTS: dict[str, sp.Expr] = {"e": sp.E, "pi": sp.pi}
_GREEK = _words(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda"
    " mu nu xi omicron rho varrho sigma varsigma tau upsilon phi varphi chi psi omega"
    " varpi Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
)
_GREEK_CHARS: dict[str, str] = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu",
    "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon",
    "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma",
    "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma",
    "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}  # fmt: skip
# Names found greedily inside longer words ("sinx", "xsin", "2pix", "thetax"); the short
# Greek names (mu, nu, xi) and the function-or-letter ones (sigma, gamma) only whole.
_GREEDY = (
    frozenset(name for name, spec in _FUNCS.items() if not spec.call_only and name.isalpha())
    | {name for name in _GREEK if len(name) > 2 and name not in _FUNCS}
    | {"pi"}
)
_GREEDY_MAX = max(len(name) for name in _GREEDY)


def _apply(spec: _Func, args: Sequence[sp.Expr]) -> sp.Expr:
    """Apply an allowed function to already-built arguments."""
    if len(args) not in spec.arity:
        wanted = " or ".join(str(n) for n in spec.arity)
        raise _Refusal(f"{spec.name} takes {wanted} argument(s), got {len(args)}")
    value = spec.build(*args)
    shown = ", ".join(sp.sstr(arg) for arg in args)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return _bounded(_defined(value, f"{spec.name}({shown}) is undefined"))


def _apply_power(spec: _Func, value: sp.Expr, args: Sequence[sp.Expr], power: int) -> sp.Expr:
    """``sin^2 x`` is sin(x)**2; ``sin^-1 x`` is asin(x)."""
    if power == -1:
        if spec.inverse is None:
            raise _Refusal(f"{spec.name}^-1 is ambiguous; write 1/{spec.name}(...) instead")
        return _apply(_FUNCS[spec.inverse], args)
    if power <= 0:
        raise _Refusal("a power written on a function name must be a positive whole number")
    return _power(value, sp.Integer(power))
