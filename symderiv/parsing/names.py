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
    _is_zero_literal,
    _power,
    _undefined,
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


def _build_gamma(x: sp.Expr, z: sp.Expr | None = None, *, lower: bool = False) -> sp.Expr:
    """Γ(x), or the incomplete gamma function of two arguments: Γ(x, z) upper, γ(x, z)
    lower; refuses numeric arguments large enough to be slow."""
    for arg in (x, z):
        if arg is not None and arg.is_Rational and abs(arg) > MAX_EXPONENT:
            raise _Refusal(f"gamma of a number larger than {MAX_EXPONENT} is not supported")
    if z is None:
        return sp.gamma(x)
    return sp.lowergamma(x, z) if lower else sp.uppergamma(x, z)


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
    add("gamma", lambda *args: _build_gamma(*args, lower=True), arity=(1, 2), call_only=True)
    add("Gamma", _build_gamma, arity=(1, 2), call_only=True)
    add("heaviside Heaviside", sp.Heaviside)
    add("sign sgn", sp.sign)
    # Special functions SymPy differentiates and prints as \operatorname{...}: whole words
    # followed by '(' in plain text (never found inside longer words).
    for name in [
        "erfc",
        "erfi",
        "erfinv",
        "erfcinv",
        "Ei",
        "Si",
        "Ci",
        "Shi",
        "Chi",
        "li",
        "Li",
        "loggamma",
        "digamma",
        "sinc",
    ]:
        add(name, getattr(sp, name), call_only=True)
    add("LambertW", sp.LambertW, arity=(1, 2), call_only=True)
    add("polygamma", sp.polygamma, arity=(2,), call_only=True)
    add("polylog", sp.polylog, arity=(2,), call_only=True)
    add("expint", sp.expint, arity=(2,), call_only=True)
    add("uppergamma", sp.uppergamma, arity=(2,), call_only=True)
    add("lowergamma", sp.lowergamma, arity=(2,), call_only=True)
    add("atan2", sp.atan2, arity=(2,), call_only=True)
    add("max Max", sp.Max, arity=tuple(range(2, 11)), call_only=True)
    add("min Min", sp.Min, arity=tuple(range(2, 11)), call_only=True)
    return table


_FUNCS: dict[str, _Func] = _table()

# \operatorname{...} names that are functions only inside \operatorname (as plain words they
# would clash with symbols): \operatorname{B}(x, y) is the beta function, and with a
# subscript \operatorname{E}_{n}(x) is expint, \operatorname{Li}_{n}(x) polylog,
# \operatorname{atan}_{2}(y, x) atan2 (see _SUBSCRIPTED).
_OPERATOR_ONLY: dict[str, _Func] = {"B": _Func("beta", sp.beta, arity=(2,))}
# Functions SymPy writes with a subscript: name -> the function of (subscript, *args).
_SUBSCRIPTED: dict[str, _Func] = {
    "E": _Func("expint", sp.expint, arity=(1,)),
    "Li": _Func("polylog", sp.polylog, arity=(1,)),
    "polylog": _Func("polylog", sp.polylog, arity=(1,)),
    "atan": _Func("atan2", lambda two, y, x: sp.atan2(y, x), arity=(2,)),
    "arctan": _Func("atan2", lambda two, y, x: sp.atan2(y, x), arity=(2,)),
}


def _apply_subscripted(name: str, index: sp.Expr, args: Sequence[sp.Expr]) -> sp.Expr:
    r"""``\operatorname{Li}_{2}(x)`` is polylog(2, x); ``\operatorname{atan}_{2}(y, x)``
    atan2(y, x); ``\operatorname{E}_{n}(x)`` expint(n, x)."""
    spec = _SUBSCRIPTED[name]
    if spec.name == "atan2" and index != 2:
        raise _Refusal(f"{name} takes no subscript other than 2 (atan_2 is atan2)")
    if len(args) not in spec.arity:
        wanted = " or ".join(str(n) for n in spec.arity)
        raise _Refusal(f"{spec.name} takes {wanted} argument(s), got {len(args)}")
    return _apply(_Func(spec.name, spec.build, arity=(len(args) + 1,)), [index, *args])


@dataclass(frozen=True)
class _Letter:
    """A function SymPy's LaTeX printer writes as a bare letter: ``W\\left(x\right)``.

    ``plain`` builds it from the arguments alone, ``indexed`` from a subscript and the
    arguments (``J_{1}\\left(x\right)`` is besselj(1, x)); None where that form is not
    SymPy's.
    """

    name: str
    plain: Callable[..., sp.Expr] | None
    arity: tuple[int, ...] = (1,)
    indexed: Callable[..., sp.Expr] | None = None


# Read only when the letter is followed directly by \left( (SymPy's printing of a call);
# ``W(x)`` or ``W \left(x\right)`` stay products, as a person usually means them.
_LETTER_FUNCTIONS: dict[str, _Letter] = {
    "W": _Letter("LambertW", sp.LambertW, (1,), lambda k, x: sp.LambertW(x, k)),
    "K": _Letter("elliptic_k", sp.elliptic_k, (1,), sp.besselk),
    "E": _Letter("elliptic_e", sp.elliptic_e, (1, 2)),
    "F": _Letter("elliptic_f", sp.elliptic_f, (2,)),
    "Pi": _Letter("elliptic_pi", sp.elliptic_pi, (2, 3)),
    "J": _Letter("besselj", None, (1,), sp.besselj),
    "Y": _Letter("bessely", None, (1,), sp.bessely),
    "I": _Letter("besseli", None, (1,), sp.besseli),
    "S": _Letter("fresnels", sp.fresnels),
    "C": _Letter("fresnelc", sp.fresnelc),
    "zeta": _Letter("zeta", sp.zeta, (1, 2)),
    "eta": _Letter("dirichlet_eta", sp.dirichlet_eta),
    "theta": _Letter("Heaviside", sp.Heaviside),
    "delta": _Letter("DiracDelta", sp.DiracDelta),
}


def _apply_letter(letter: _Letter, subscript: sp.Expr | None, args: Sequence[sp.Expr]) -> sp.Expr:
    """Build a letter function from its optional subscript and its arguments."""
    build = letter.plain if subscript is None else letter.indexed
    if build is None and subscript is None:
        raise _Refusal(f"{letter.name} needs a subscript, as in J_{{1}}")
    if build is None:
        raise _Refusal(f"{letter.name} takes no subscript")
    if len(args) not in letter.arity:
        wanted = " or ".join(str(n) for n in letter.arity)
        raise _Refusal(f"{letter.name} takes {wanted} argument(s), got {len(args)}")
    spec = _Func(letter.name, build, arity=(len(args) + (subscript is not None),))
    return _apply(spec, args if subscript is None else [subscript, *args])


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


# Functions whose numeric arguments (orders, parameters) SymPy expands into sums or exact
# values that grow with them: lowergamma(1000, x) takes seconds, expint(-1000, x) twenty.
_INDEXED_FUNCTIONS = _words(
    "loggamma digamma polygamma polylog expint uppergamma lowergamma beta besselj bessely"
    " besseli besselk zeta dirichlet_eta"
)
#: Largest magnitude of a numeric argument of the functions above.
MAX_SPECIAL_NUMBER = 20


def _apply(spec: _Func, args: Sequence[sp.Expr]) -> sp.Expr:
    """Apply an allowed function to already-built arguments."""
    if len(args) not in spec.arity:
        wanted = " or ".join(str(n) for n in spec.arity)
        raise _Refusal(f"{spec.name} takes {wanted} argument(s), got {len(args)}")
    indexed = spec.name in _INDEXED_FUNCTIONS or (
        spec.name in ("gamma", "Gamma") and len(args) == 2
    )
    if indexed and any(arg.is_Rational and abs(arg) > MAX_SPECIAL_NUMBER for arg in args):
        raise _Refusal(f"{spec.name} of a number beyond ±{MAX_SPECIAL_NUMBER} is not supported")
    value = spec.build(*args)
    if _undefined(value):
        shown = ", ".join(sp.sstr(arg) for arg in args)
        if len(shown) > 40:
            shown = shown[:37] + "..."
        raise _Refusal(f"{spec.name}({shown}) is undefined")
    return _bounded(value)


def _apply_power(spec: _Func, value: sp.Expr, args: Sequence[sp.Expr], power: sp.Expr) -> sp.Expr:
    r"""``sin^2 x`` is sin(x)**2 (so is ``\sin^{3/2}``, as SymPy prints it); ``sin^-1 x`` is
    asin(x); other negative numbers are refused as ambiguous."""
    if power == -1:
        if spec.inverse is None:
            raise _Refusal(f"{spec.name}^-1 is ambiguous; write 1/{spec.name}(...) instead")
        return _apply(_FUNCS[spec.inverse], args)
    if power.is_number and (power.is_extended_nonpositive or power.is_real is False):
        raise _Refusal("a power written on a function name must be positive, as in sin^2 x")
    return _power(value, power)
