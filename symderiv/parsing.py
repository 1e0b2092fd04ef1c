r"""Read what people type — plain text or LaTeX — into SymPy expressions, safely.

``parse`` takes one expression as a learner would type it and returns a SymPy expression
built directly from SymPy classes. Untrusted text never reaches ``eval``, ``exec``,
``sympify``, ``parse_expr`` or ``S(string)``: plain text is read by the tokeniser and
recursive-descent parser in this module, and LaTeX by our own tokeniser whose arithmetic
skeleton (placeholders and operators only) is handed to ``latex2sympy2_extended``.
Every failure is a :class:`~symderiv.errors.ParseError` with a 0-based ``position``.

>>> parse("x^2 sin(x)")
x**2*sin(x)
>>> parse("sin^2 x + 0.5x")
x/2 + sin(x)**2
>>> parse(r"\frac{1}{1+e^{-x}}")
1/(1 + exp(-x))
>>> parse("f'(x) = 2x")
2*x
>>> parse_equation("x^2 + y^2 = 1")
(x**2 + y**2, 1)

Plain-text conventions
----------------------
* ``^`` and ``**`` are powers, right-associative: ``2^3^2`` is 2^9, ``-x^2`` is -(x^2),
  ``2^-x`` is 2^(-x).
* Implicit multiplication: ``2x``, ``x y``, ``3 sin(x)``, ``(x+1)(x-1)``, ``x(x+1)``.
  A number may start a product but not continue one: ``x2`` is the symbol x2, while
  ``1 2``, ``x 2`` and ``(x+1)2`` are refused. An implicit product right after ``/`` is
  refused as ambiguous (``1/2x``: write ``(1/2)x`` or ``1/(2x)``), and so is a one-token
  exponent glued to what follows (``e^2x``: write ``e^(2x)`` or ``e^2 x``).
* Decimals are exact: ``0.1`` is ``Rational(1, 10)``. Scientific notation (``1e5``) is refused.
* Words: a word that is a known function, constant or Greek letter name is that;
  otherwise such names are found greedily, longest first, inside it (``sinx`` is sin x,
  ``xsin`` is x·sin, ``pix`` is π·x, ``thetax`` is θ·x) and every other letter is its own
  symbol (``xy`` is x·y). The short Greek names ``mu``, ``nu``, ``xi`` and the names
  ``sigma``, ``gamma`` count only as whole words. Digits glued to a symbol belong to it
  (``x1``, ``w11``, ``theta2``); ``log2`` and ``log10`` are functions.
  Subscripts: ``w_1``, ``w_12``, ``w_i`` give Symbol('w_1') etc. (LaTeX: ``w_{12}``).
* Constants: ``e`` (Euler's number), ``pi``/``π``. ``e^x`` is ``exp(x)``; ``E`` and ``I``
  are ordinary symbols.
* Functions: sin cos tan sec csc cot, asin/arcsin and friends, sinh cosh tanh coth sech
  csch and their inverses, exp, ln, log (natural!), ``log(x, b)``, ``log_2 x``, log2,
  log10, sqrt, cbrt, abs and ``|x|``, sigmoid, softplus, relu/ReLU, erf, gamma,
  heaviside, sign/sgn. ``sigma``, ``σ``, ``gamma`` and ``Gamma`` are functions only when
  ``(`` follows immediately; otherwise they are symbols.
* ``f``, ``g``, ``h`` immediately followed by ``(`` are undefined functions:
  ``f(g(x))`` is ``Function('f')(Function('g')(x))``. Any other word of two or more
  letters directly followed by ``(`` that does not end in a function name (``foo(x)``)
  is refused as an unknown function.
* Without parentheses a function takes the following implicit product: ``sin 2x`` is
  sin(2x), ``sin x cos x`` is sin(x)·cos(x), ``sin x^2`` is sin(x^2), ``ln x + 1`` is
  ln(x) + 1; the argument stops at ``* / + -``, a closing bracket, or another function.
  ``sin^2 x`` and ``sin^2(x)`` are sin(x)^2; ``sin^-1 x`` is asin(x).
* ``d/dx (x^2)``, ``d/dx x^2`` and ``d^2/dx^2 x^3`` are unevaluated ``Derivative``;
  without brackets the operator takes the rest of the term. ``dy/dx`` is Derivative(y, x).
  A trailing differential (``2x dx``) is refused.
* ``parse`` accepts one top-level ``=`` only after an answer label (``y``, ``y'``,
  ``f(x)``, ``f'(x)``, ``f''(x)``, ``dy/dx``, ``d/dx f(x)``, also ``z``, ``g``, ``h``,
  ``F``, ``L``, ``J``), which is dropped. ``parse_equation`` reads ``lhs = rhs``.

LaTeX
-----
Detected when the text starts with ``$``, ``\(`` or ``\[``, or contains a backslash or a
brace. Wrappers are stripped, commands are allow-listed (anything else, such as ``\det``,
``\int``, ``\input``, ``\begin``, is refused with its column), and TeX's one-token rule
applies to ``^``, ``_``, ``\frac`` and ``\sqrt`` arguments (``x^23`` and ``w_12`` are
refused as ambiguous; write ``x^{23}``, ``w_{12}``). Conventions match plain text:
``\log x`` is the natural log (``\log_b x`` has base b), ``\sigma(x)`` is the sigmoid,
``\operatorname{softplus}``/``\operatorname{ReLU}`` are ours, ``\mathrm{e}`` is e,
``\frac{d}{dx}(x^2)`` and ``\frac{d^2}{dx^2} x^3`` are unevaluated derivatives.
``2\frac{1}{2}`` is 2·½ (no mixed fractions).

Every bracket group, function argument, fraction part and exponent is read by this module;
the library only sees a flat skeleton such as ``\variable{P0}+\variable{P1}\cdot
\variable{P2}`` (at most 100 operators), so its exponential look-ahead on nested brackets
never triggers and no user text reaches its ``sympify``. Calls are serialised by a lock,
the library's module-level state is saved and restored around each call, and any
exception it raises becomes a ParseError.

Every result is walked before it is returned: only Add, Mul, Pow, rational numbers, pi, E,
I, symbols, the allowed functions (plus re/im/arg/conjugate, which SymPy's own evaluation
can introduce, as in Abs(exp(x)) = exp(re(x))), f/g/h applications and Derivative pass;
zoo, nan and infinities (``1/0``, ``ln 0``, ``tan(pi/2)``) are refused.

Limits
------
``MAX_LENGTH`` characters; ``MAX_DEPTH`` nested brackets in plain text and
``MAX_LATEX_DEPTH`` in LaTeX; numeric literals of at most ``MAX_INTEGER_DIGITS`` digits;
numeric exponents of magnitude at most ``MAX_EXPONENT``; powers of numbers that would
exceed ``MAX_RESULT_DIGITS`` digits are refused before they are computed.
"""

from __future__ import annotations

import functools
import math
import re
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NoReturn

import sympy as sp
from sympy.core.function import AppliedUndef

from symderiv.errors import ParseError
from symderiv.functions import relu, sigmoid, softplus

__all__ = [
    "MAX_DEPTH",
    "MAX_DERIVATIVE_ORDER",
    "MAX_EXPONENT",
    "MAX_INTEGER_DIGITS",
    "MAX_LATEX_DEPTH",
    "MAX_LENGTH",
    "MAX_RESULT_DIGITS",
    "is_latex",
    "parse",
    "parse_equation",
]

#: Longest accepted input, in characters.
MAX_LENGTH = 2000
#: Deepest bracket nesting in plain text: ``(``, ``[``.
MAX_DEPTH = 30
#: Deepest bracket nesting in LaTeX: ``{``, ``(``, ``[``, ``\left(`` ... together.
MAX_LATEX_DEPTH = 10
#: Most digits in one numeric literal (``0.5`` counts 2).
MAX_INTEGER_DIGITS = 100
#: Largest magnitude of a numeric exponent (``x^1000`` is fine, ``x^1001`` is refused).
MAX_EXPONENT = 1000
#: Most digits a power of numbers may produce (``2^996`` is fine, ``2^1000`` is refused).
MAX_RESULT_DIGITS = 300
#: Highest derivative order accepted in ``d^n/dx^n``.
MAX_DERIVATIVE_ORDER = 10

# Syntax-tree nesting (groups, function applications, signs, exponents) — the backstop
# against recursion for nesting that brackets do not show, like ``- - - x`` or ``sin sin x``.
_MAX_NESTING = 3 * MAX_DEPTH
_MAX_LATEX_NESTING = 3 * MAX_LATEX_DEPTH
# Fractional powers of numbers need root extraction, which is slow for huge numbers.
_MAX_ROOT_DIGITS = 50
# Operators in one skeleton handed to latex2sympy2_extended (its converter recurses once
# per operator and hits Python's recursion limit near 300).
_MAX_LIBRARY_OPERATORS = 100

_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
# ASCII whitespace plus the Unicode spaces (no-break, thin, ...) that copy-paste brings in.
_WHITESPACE = frozenset(" \t\r\n\u00a0\u202f\u205f\u3000") | {chr(c) for c in range(0x2000, 0x200B)}
_ALLOWED_CONTROL = frozenset("\t\r\n")


def _words(text: str) -> frozenset[str]:
    """A set of space-separated words (keeps long name tables readable)."""
    return frozenset(text.split())


class _Refusal(Exception):
    """A value we will not build (too large, undefined); callers add the position."""


# --------------------------------------------------------------------------- functions


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
    if base.is_zero or base == 1:
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


# ------------------------------------------------------------------ guarded arithmetic


def _magnitude(expr: sp.Expr) -> float:
    """log10 of the numbers SymPy multiplies out when ``expr`` is raised to a power."""
    if expr.is_Rational:
        return math.log10(max(abs(expr.p), expr.q))
    if expr.is_Mul:
        return sum(_magnitude(arg) for arg in expr.args)
    if expr.is_Pow and expr.exp.is_Rational:
        return float(abs(expr.exp)) * _magnitude(expr.base)
    return 0.0


def _power(base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    """``base ** exponent``, refusing numeric powers that would be huge or slow to build."""
    if base == sp.E:
        return sp.exp(exponent)
    if exponent.is_Rational:
        if abs(exponent) > MAX_EXPONENT:
            raise _Refusal(f"the exponent {exponent} is too large (limit ±{MAX_EXPONENT})")
        if base.is_zero and exponent.is_negative:
            raise _Refusal("division by zero (0 to a negative power)")
        size = _magnitude(base)
        if abs(exponent.p) * size > MAX_RESULT_DIGITS:
            digits = int(abs(exponent.p) * size) + 1
            raise _Refusal(
                f"this power would have about {digits} digits (limit {MAX_RESULT_DIGITS})"
            )
        if not exponent.is_Integer and size > _MAX_ROOT_DIGITS:
            raise _Refusal(f"roots of numbers over {_MAX_ROOT_DIGITS} digits are not supported")
    return sp.Pow(base, exponent)


def _divide(numerator: sp.Expr, denominator: sp.Expr) -> sp.Expr:
    """``numerator / denominator``, refusing a denominator that is exactly zero."""
    if denominator.is_zero:
        raise _Refusal("division by zero")
    return sp.Mul(numerator, _power(denominator, sp.Integer(-1)))


def _apply(spec: _Func, args: Sequence[sp.Expr]) -> sp.Expr:
    """Apply an allowed function to already-built arguments."""
    if len(args) not in spec.arity:
        wanted = " or ".join(str(n) for n in spec.arity)
        raise _Refusal(f"{spec.name} takes {wanted} argument(s), got {len(args)}")
    return spec.build(*args)


def _apply_power(spec: _Func, value: sp.Expr, args: Sequence[sp.Expr], power: int) -> sp.Expr:
    """``sin^2 x`` is sin(x)**2; ``sin^-1 x`` is asin(x)."""
    if power == -1:
        if spec.inverse is None:
            raise _Refusal(f"{spec.name}^-1 is ambiguous; write 1/{spec.name}(...) instead")
        return _apply(_FUNCS[spec.inverse], args)
    if power <= 0:
        raise _Refusal("a power written on a function name must be a positive whole number")
    return _power(value, sp.Integer(power))


def _number(integer_digits: str, fraction_digits: str) -> sp.Rational:
    """The exact value of a validated decimal literal, built from integers."""
    scale = 10 ** len(fraction_digits)
    return sp.Rational(int(integer_digits or "0") * scale + int(fraction_digits or "0"), scale)


# ------------------------------------------------------------------------------ tokens


@dataclass(frozen=True)
class _Name:
    """What a name piece means: a symbol, a constant, or a function."""

    kind: str  # "sym", "const", "func"
    name: str
    value: sp.Expr | None = None
    func: _Func | None = None

    @property
    def callable(self) -> bool:
        """True for f, g, h, sigma, gamma: functions when '(' follows immediately."""
        return self.kind == "sym" and (
            self.name in _UNDEFINED_FUNCTIONS
            or (self.name in _FUNCS and _FUNCS[self.name].call_only)
        )


@dataclass(frozen=True)
class _Tok:
    """A token with its span in the original text.

    kind is "num", "name", "op", "open", "close", "bar", "cmd" or "end". ``space`` says
    whitespace (or a LaTeX spacing command) came right before it; ``word_start`` is False
    for the second and later pieces of one run of letters (``dx`` is d + x).
    """

    kind: str
    text: str
    pos: int
    end: int
    value: Any = None
    space: bool = False
    word_start: bool = True

    def is_op(self, *ops: str) -> bool:
        """True if this is one of the operator tokens ``ops``."""
        return self.kind == "op" and self.text in ops


def _classify(piece: str) -> _Name:
    """Meaning of one piece of a word."""
    if piece in _CONSTANTS:
        return _Name("const", piece, value=_CONSTANTS[piece])
    if piece in _FUNCS and not _FUNCS[piece].call_only:
        return _Name("func", piece, func=_FUNCS[piece])
    return _Name("sym", piece)


def _split_word(word: str) -> list[tuple[str, int]]:
    """Split a run of letters into (piece, offset) pairs; see the module docstring."""
    if word in _GREEK or word in _FUNCS or word in _CONSTANTS:
        return [(word, 0)]
    if word[0] == "d" and word[1:] in _GREEK:
        return [("d", 0), (word[1:], 1)]
    pieces: list[tuple[str, int]] = []
    i = 0
    while i < len(word):
        for size in range(min(_GREEDY_MAX, len(word) - i), 1, -1):
            if word[i : i + size] in _GREEDY:
                pieces.append((word[i : i + size], i))
                i += size
                break
        else:
            pieces.append((word[i], i))
            i += 1
    return pieces


def _error(message: str, text: str, position: int | None) -> NoReturn:
    """Raise the one exception type this module lets out."""
    raise ParseError(message, text, position)


def _lex_number(text: str, i: int, end: int, space: bool) -> tuple[_Tok, int]:
    """Read a decimal literal at ``i``; exact, bounded, no scientific notation."""
    j = i
    while j < end and text[j] in _DIGITS:
        j += 1
    integer = text[i:j]
    fraction = ""
    if j < end and text[j] == ".":
        k = j + 1
        while k < end and text[k] in _DIGITS:
            k += 1
        fraction = text[j + 1 : k]
        if not fraction:
            _error("a decimal point must be followed by digits", text, j)
        j = k
    if len(integer) + len(fraction) > MAX_INTEGER_DIGITS:
        _error(f"number with more than {MAX_INTEGER_DIGITS} digits", text, i)
    if j < end and text[j] in "eE":
        rest = text[j + 1 : j + 3]
        if rest[:1] in _DIGITS or (rest[:1] in ("+", "-") and rest[1:2] in _DIGITS):
            _error(
                "scientific notation is not supported: write 1.5*10^3 for 1.5e3"
                " (or put a space or * before e to mean Euler's number)",
                text,
                j,
            )
    return _Tok("num", text[i:j], i, j, _number(integer, fraction), space), j


def _lex_word(text: str, i: int, end: int, space: bool) -> tuple[list[_Tok], int]:
    """Read a run of ASCII letters (plus glued digits) at ``i`` as name pieces."""
    j = i
    while j < end and text[j] in _ASCII_LETTERS:
        j += 1
    word = text[i:j]
    tokens = [
        _Tok("name", piece, i + offset, i + offset + len(piece), _classify(piece),
             space and offset == 0, offset == 0)
        for piece, offset in _split_word(word)
    ]  # fmt: skip
    if j < end and text[j] in _DIGITS:
        k = j
        while k < end and text[k] in _DIGITS:
            k += 1
        last = tokens[-1]
        digits = text[j:k]
        if last.text == "log" and digits in ("2", "10"):
            name = "log" + digits
            tokens[-1] = _Tok("name", name, last.pos, k, _classify(name), last.space,
                              last.word_start)  # fmt: skip
            j = k
        elif last.value.kind == "sym" and len(digits) <= MAX_INTEGER_DIGITS:
            name = last.text + digits
            tokens[-1] = _Tok("name", name, last.pos, k, _Name("sym", name), last.space,
                              last.word_start)  # fmt: skip
            j = k
    last = tokens[-1]
    is_differential = len(tokens) == 2 and tokens[0].text == "d"
    if (
        len(tokens) > 1
        and j < end
        and text[j] == "("
        and last.value.kind != "func"
        and not is_differential
    ):
        _error(
            f"unknown function '{text[i:j]}' (known ones include sin, exp, ln, log, sqrt,"
            " sigmoid, relu); for a product write it with * or spaces",
            text,
            i,
        )
    return tokens, j


def _lex_greek_char(text: str, i: int, end: int, space: bool) -> tuple[_Tok, int]:
    """Read one Greek character (``π``, ``θ``...), with glued digits for symbols."""
    name = _GREEK_CHARS[text[i]]
    j = i + 1
    meaning = _classify(name)
    if meaning.kind == "sym":
        k = j
        while k < end and text[k] in _DIGITS:
            k += 1
        if k > j:
            name, meaning, j = name + text[j:k], _Name("sym", name + text[j:k]), k
    return _Tok("name", name, i, j, meaning, space), j


# Single characters that are operators in both syntaxes (value: canonical operator).
_OPERATORS = {
    "+": "+", "-": "-", "*": "*", "/": "/", "^": "^", "_": "_", "=": "=", ",": ",",
    "'": "'", "!": "!", "·": "*", "×": "*", "−": "-", "÷": "/", "’": "'",
}  # fmt: skip
_SUPERSCRIPTS = {"²": "2", "³": "3"}


def _lex_operator(text: str, i: int, space: bool) -> tuple[list[_Tok], int] | None:
    """Read an operator at ``i`` (``**`` is ``^``; ``²`` is ``^2``), or None."""
    c = text[i]
    if c == "*" and text[i + 1 : i + 2] == "*":
        return [_Tok("op", "^", i, i + 2, space=space)], i + 2
    if c in _SUPERSCRIPTS:
        digit = _SUPERSCRIPTS[c]
        return [
            _Tok("op", "^", i, i + 1, space=space),
            _Tok("num", digit, i, i + 1, sp.Integer(int(digit))),
        ], i + 1
    if c in _OPERATORS:
        return [_Tok("op", _OPERATORS[c], i, i + 1, space=space)], i + 1
    return None


def _describe(c: str) -> str:
    """A readable name for a character in an error message."""
    if c.isprintable() and not c.isspace():
        return f"'{c}'"
    return f"character U+{ord(c):04X}"


def _tokenize_plain(text: str, start: int, end: int) -> list[_Tok]:
    """Plain-text tokens of ``text[start:end]``, ending with an "end" token."""
    tokens: list[_Tok] = []
    i, space = start, False
    while i < end:
        c = text[i]
        if c in _WHITESPACE:
            i, space = i + 1, True
            continue
        if c in _DIGITS or (c == "." and text[i + 1 : i + 2] in _DIGITS and i + 1 < end):
            tok, i = _lex_number(text, i, end, space)
            tokens.append(tok)
        elif c in _ASCII_LETTERS:
            words, i = _lex_word(text, i, end, space)
            tokens.extend(words)
        elif c in _GREEK_CHARS:
            tok, i = _lex_greek_char(text, i, end, space)
            tokens.append(tok)
        elif c in "()[]|":
            tokens.append(_Tok("op", c, i, i + 1, space=space))
            i += 1
        elif (found := _lex_operator(text, i, space)) is not None:
            more, i = found
            tokens.extend(more)
        else:
            hint = " (LaTeX must be wrapped as a whole: $...$)" if c == "$" else ""
            _error(f"unexpected {_describe(c)}{hint}", text, i)
        space = False
    tokens.append(_Tok("end", "", end, end, space=space))
    return tokens


# ------------------------------------------------------------------------ input checks


def _check_text(text: object) -> str:
    """Type, length and character checks shared by both syntaxes."""
    if not isinstance(text, str):
        raise ParseError(f"expected a string, got {type(text).__name__}", "", None)
    if len(text) > MAX_LENGTH:
        raise ParseError(
            f"input is {len(text)} characters long; the limit is {MAX_LENGTH}", "", None
        )
    for i, c in enumerate(text):
        if c in _ALLOWED_CONTROL:
            continue
        if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            _error(f"control or invisible {_describe(c)} is not allowed", text, i)
    if not text.strip():
        _error("empty expression", text, 0)
    return text


def _check_nesting(text: str, start: int, end: int, opens: str, closes: str, limit: int) -> None:
    """Refuse bracket nesting deeper than ``limit`` before any recursion happens."""
    depth = 0
    for i in range(start, end):
        c = text[i]
        if c in opens:
            depth += 1
            if depth > limit:
                _error(f"brackets are nested more than {limit} deep", text, i)
        elif c in closes and depth:
            depth -= 1


def is_latex(text: str) -> bool:
    r"""True if ``text`` looks like LaTeX: starts with ``$``, ``\(`` or ``\[``, or contains
    a backslash or a brace."""
    stripped = text.lstrip()
    return stripped.startswith(("$", r"\(", r"\[")) or any(c in text for c in "\\{}")


# ------------------------------------------------------------------------ answer labels

_LABEL_FUNCTION = "[yzfghFLJ]"
_LABEL_VAR = r"(?:[A-Za-z]|\\?[A-Za-z]{2,10})(?:_\{?[A-Za-z0-9]{1,10}\}?|[0-9]{1,3})?"
_LABEL_CALL = rf"{_LABEL_FUNCTION}'{{0,3}}(?:\({_LABEL_VAR}(?:,{_LABEL_VAR}){{0,9}}\))?"
_LABEL_ORDER = r"(?:\^[0-9])?"
_LABEL_OPERATOR_ARG = rf"(?:{_LABEL_CALL}|\({_LABEL_CALL}\))"
_LABEL_RE = re.compile(
    "|".join(
        [
            _LABEL_CALL,
            rf"d{_LABEL_ORDER}{_LABEL_FUNCTION}/d{_LABEL_VAR}{_LABEL_ORDER}",
            rf"d{_LABEL_ORDER}/d{_LABEL_VAR}{_LABEL_ORDER}{_LABEL_OPERATOR_ARG}",
            rf"\\frac\{{d{_LABEL_ORDER}{_LABEL_FUNCTION}\}}\{{d{_LABEL_VAR}{_LABEL_ORDER}\}}",
            rf"\\frac\{{d{_LABEL_ORDER}\}}\{{d{_LABEL_VAR}{_LABEL_ORDER}\}}{_LABEL_OPERATOR_ARG}",
        ]
    )
)
_LABEL_NOISE = re.compile(
    r"\s+|\\[,;:! ]|\\(?:left|right|[bB]igg?[lr]?|displaystyle|quad|qquad)(?![A-Za-z])"
)


def _is_answer_label(lhs: str) -> bool:
    """True if ``lhs`` (the text left of '=') names the answer, like ``f'(x)`` or ``dy/dx``."""
    s = re.sub(r"\\partial(?![A-Za-z])", "d", lhs)
    s = _LABEL_NOISE.sub("", s)
    s = re.sub(r"\\[dt]frac(?![A-Za-z])", r"\\frac", s)
    s = re.sub(r"\\mathrm\{d\}|\\operatorname\{d\}", "d", s)
    s = re.sub(r"\^\{((?:\\prime){1,3})\}", lambda m: "'" * m.group(1).count("prime"), s)
    s = re.sub(r"\^\\prime|\\prime(?![A-Za-z])", "'", s)
    s = re.sub(r"\^\{([0-9])\}", r"^\1", s)
    s = s.replace("[", "(").replace("]", ")")
    return _LABEL_RE.fullmatch(s) is not None


def _top_level_equals(tokens: Sequence[_Tok]) -> list[_Tok]:
    """The '=' tokens outside every bracket."""
    depth, found = 0, []
    for tok in tokens:
        if tok.kind == "open" or tok.is_op("(", "["):
            depth += 1
        elif tok.kind == "close" or tok.is_op(")", "]"):
            depth = max(depth - 1, 0)
        elif tok.is_op("=") and depth == 0:
            found.append(tok)
    return found


def _split_equation(
    text: str, tokens: list[_Tok], start: int, end: int, *, equation: bool
) -> list[tuple[list[_Tok], int]]:
    """Split at the top-level '=' and return the token runs to parse with their end.

    For an expression, a left side that is an answer label is dropped; any other '=' is
    an error. For an equation exactly one '=' is required.
    """
    body = tokens[:-1]
    equals = _top_level_equals(body)
    if len(equals) > 1:
        _error("more than one '='", text, equals[1].pos)
    if not equals:
        if equation:
            _error("expected an equation 'left = right'", text, None)
        return [(body, end)]
    eq = equals[0]
    cut = body.index(eq)
    left, right = body[:cut], body[cut + 1 :]
    if not right:
        _error("missing expression after '='", text, eq.pos)
    if equation:
        if not left:
            _error("missing expression before '='", text, eq.pos)
        return [(left, eq.pos), (right, end)]
    if not _is_answer_label(text[start : eq.pos]):
        _error(
            "an equation was given where an expression is expected (only answer labels"
            " like f'(x) = or y = may precede '='; use parse_equation for equations)",
            text,
            eq.pos,
        )
    return [(right, end)]


def _stray_differential(tokens: Sequence[Any]) -> _Tok | None:
    r"""The 'd' of a trailing differential like ``2x dx`` or ``2x\,dx``, if any."""
    if len(tokens) < 3:
        return None
    d, var = tokens[-2], tokens[-1]
    if not (isinstance(d, _Tok) and isinstance(var, _Tok)):
        return None
    if d.kind != "name" or d.value.kind != "sym" or d.value.name != "d" or not d.space:
        return None
    if var.kind != "name" or var.value.kind != "sym" or var.space:
        return None
    return d


# ---------------------------------------------------------------------- plain parser


class _PlainParser:
    """Recursive-descent parser over plain-text tokens; builds SymPy objects directly."""

    def __init__(self, text: str, tokens: list[_Tok], end: int) -> None:
        self.text = text
        self.toks = [*tokens, _Tok("end", "", end, end)]
        self.i = 0
        self.depth = 0
        self.ctx: list[str] = []

    # -- helpers ------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> _Tok:
        """The token ``ahead`` places on (the end token if past it)."""
        return self.toks[min(self.i + ahead, len(self.toks) - 1)]

    def at(self, index: int) -> _Tok:
        """The token at absolute ``index`` (the end token if past it)."""
        return self.toks[min(index, len(self.toks) - 1)]

    def advance(self) -> _Tok:
        """Consume and return the current token."""
        tok = self.peek()
        self.i = min(self.i + 1, len(self.toks) - 1)
        return tok

    def fail(self, message: str, position: int | None) -> NoReturn:
        """Raise a ParseError about this text."""
        _error(message, self.text, position)

    @contextmanager
    def nest(self, position: int) -> Iterator[None]:
        """Count one level of syntax nesting; refuse past ``_MAX_NESTING``."""
        self.depth += 1
        if self.depth > _MAX_NESTING:
            self.fail("expression is nested too deeply", position)
        try:
            yield
        finally:
            self.depth -= 1

    def guarded(self, position: int, build: Callable[..., sp.Expr], *args: Any) -> sp.Expr:
        """Run a builder, turning a refusal into a ParseError at ``position``."""
        try:
            return build(*args)
        except _Refusal as refusal:
            self.fail(str(refusal), position)

    def in_bars(self) -> bool:
        """True if the innermost open bracket is an absolute-value bar."""
        return bool(self.ctx) and self.ctx[-1] == "|"

    def starts_factor(self, tok: _Tok) -> bool:
        """Can ``tok`` begin a factor of an implicit product?"""
        if tok.kind in ("num", "name"):
            return True
        return tok.is_op("(", "[") or (tok.is_op("|") and not self.in_bars())

    def starts_function(self) -> bool:
        """Is the current token a function application (which ends a bare argument)?"""
        tok, after = self.peek(), self.peek(1)
        if tok.kind != "name":
            return False
        if tok.value.kind == "func":
            return True
        return tok.value.callable and after.is_op("(") and not after.space

    def operand_error(self, tok: _Tok) -> NoReturn:
        """Explain why ``tok`` cannot start an operand."""
        if tok.kind == "end":
            previous = self.toks[self.i - 1] if self.i else None
            if previous is not None and previous.kind == "op":
                self.fail(f"expression ends after '{previous.text}'", previous.pos)
            self.fail("empty expression", tok.pos)
        if tok.is_op(")", "]"):
            if self.ctx:
                self.fail(f"missing expression before '{tok.text}'", tok.pos)
            self.fail(f"unbalanced '{tok.text}'", tok.pos)
        if tok.is_op("*", "/", "^"):
            self.fail(f"missing operand before '{tok.text}'", tok.pos)
        if tok.is_op("'"):
            self.fail("primes are only understood in an answer label like f'(x) = ...", tok.pos)
        if tok.is_op("_"):
            self.fail("'_' must follow a name directly, as in w_1", tok.pos)
        if tok.is_op("!"):
            self.fail("factorials are not supported", tok.pos)
        self.fail(f"unexpected '{tok.text}'", tok.pos)

    # -- grammar ------------------------------------------------------------------

    def parse(self) -> sp.Expr:
        """expression END"""
        value = self.expr()
        tok = self.peek()
        if tok.kind != "end":
            if tok.is_op(")", "]"):
                self.fail(f"unbalanced '{tok.text}'", tok.pos)
            if tok.is_op("|"):
                self.fail("unbalanced '|'", tok.pos)
            self.operand_error(tok)
        return value

    def expr(self) -> sp.Expr:
        """term (('+' | '-') term)*"""
        terms = [self.term()]
        while self.peek().is_op("+", "-"):
            op = self.advance()
            rhs = self.term()
            terms.append(rhs if op.text == "+" else -rhs)
        return sp.Add(*terms)

    def term(self) -> sp.Expr:
        """unary (('*' | '/') unary | implicit power)*"""
        factors = [self.unary()]
        after_division = False
        while True:
            tok = self.peek()
            if tok.is_op("*"):
                self.advance()
                factors.append(self.unary())
                after_division = False
            elif tok.is_op("/"):
                self.advance()
                divisor = self.unary()
                factors.append(self.guarded(tok.pos, _divide, sp.Integer(1), divisor))
                after_division = True
            elif self.starts_factor(tok):
                if tok.kind == "num":
                    self.fail("a number cannot follow a factor directly; use '*'", tok.pos)
                if after_division:
                    self.fail(
                        "ambiguous implicit product after '/': write (a/b)c or a/(bc)",
                        tok.pos,
                    )
                factors.append(self.power())
            else:
                return sp.Mul(*factors)

    def unary(self) -> sp.Expr:
        """('+' | '-') unary | power"""
        tok = self.peek()
        if tok.is_op("+", "-"):
            self.advance()
            with self.nest(tok.pos):
                value = self.unary()
            return -value if tok.text == "-" else value
        return self.power()

    def power(self) -> sp.Expr:
        """primary ('^' exponent)?"""
        base = self.primary()
        caret = self.peek()
        if not caret.is_op("^"):
            return base
        self.advance()
        start = self.i
        with self.nest(caret.pos):
            exponent = self.exponent()
        self.check_glued_exponent(start, caret)
        return self.guarded(caret.pos, _power, base, exponent)

    def exponent(self) -> sp.Expr:
        """('+' | '-') exponent | power   — right-associative"""
        tok = self.peek()
        if tok.is_op("+", "-"):
            self.advance()
            with self.nest(tok.pos):
                value = self.exponent()
            return -value if tok.text == "-" else value
        return self.power()

    def check_glued_exponent(self, start: int, caret: _Tok) -> None:
        """Refuse ``e^2x``/``x^2y``: a one-token exponent glued to what follows."""
        used = [tok for tok in self.toks[start : self.i] if not tok.is_op("+", "-")]
        after = self.peek()
        if len(used) != 1 or used[0].kind not in ("num", "name") or after.space:
            return
        glued_name = after.kind == "name" and after.value.kind != "func"
        if glued_name or after.is_op("("):
            exponent = self.text[caret.end : after.pos]
            self.fail(
                f"ambiguous exponent '^{exponent}{after.text}': write ^({exponent}{after.text})"
                f" for one exponent, or ^{exponent} {after.text} for a product",
                caret.pos,
            )

    def primary(self) -> sp.Expr:
        """number | name | function | '(' expr ')' | '[' expr ']' | '|' expr '|'"""
        tok = self.peek()
        if tok.kind == "num":
            self.advance()
            return tok.value
        if tok.is_op("(", "["):
            return self.group()
        if tok.is_op("|"):
            return self.bars()
        if tok.kind == "name":
            meaning: _Name = tok.value
            if meaning.kind == "func":
                return self.function()
            if meaning.name == "d" and meaning.kind == "sym":
                derivative = self.derivative()
                if derivative is not None:
                    return derivative
            return self.name()
        self.operand_error(tok)

    def group(self) -> sp.Expr:
        """'(' expr ')' or '[' expr ']'"""
        opener = self.advance()
        closer = ")" if opener.text == "(" else "]"
        with self.nest(opener.pos):
            if self.peek().is_op(closer):
                self.fail("empty brackets", opener.pos)
            self.ctx.append(opener.text)
            value = self.expr()
            self.ctx.pop()
        self.expect_close(opener, closer)
        return value

    def bars(self) -> sp.Expr:
        """'|' expr '|'  — absolute value"""
        opener = self.advance()
        with self.nest(opener.pos):
            self.ctx.append("|")
            value = self.expr()
            self.ctx.pop()
        self.expect_close(opener, "|")
        return sp.Abs(value)

    def expect_close(self, opener: _Tok, closer: str) -> None:
        """Consume ``closer`` or explain what is wrong."""
        tok = self.peek()
        if tok.is_op(closer):
            self.advance()
            return
        if tok.kind == "end":
            self.fail(f"'{opener.text}' is never closed", opener.pos)
        if tok.is_op(")", "]", "|"):
            self.fail(f"expected '{closer}' but found '{tok.text}'", tok.pos)
        self.operand_error(tok)

    def name(self) -> sp.Expr:
        """A symbol or constant, with an optional subscript; or f(x), sigma(x), ..."""
        tok = self.advance()
        meaning: _Name = tok.value
        after = self.peek()
        if after.is_op("_") and not after.space:
            self.advance()
            return sp.Symbol(f"{tok.text}_{self.subscript(after)}")
        if meaning.kind == "const":
            return meaning.value
        if meaning.callable and after.is_op("(") and not after.space:
            args = self.call_args(tok)
            if meaning.name in _FUNCS:
                return self.guarded(tok.pos, _apply, _FUNCS[meaning.name], args)
            return sp.Function(meaning.name)(*args)
        return sp.Symbol(meaning.name)

    def subscript(self, underscore: _Tok) -> str:
        """The text after '_': digits or one letter/Greek name, glued to it."""
        tok = self.peek()
        if tok.space or tok.kind == "end":
            self.fail("'_' must be followed directly by digits or a letter", underscore.pos)
        if tok.kind == "num" and tok.text.isdigit():
            self.advance()
            return tok.text
        if tok.kind == "name" and tok.value.kind in ("sym", "const"):
            self.advance()
            return tok.text
        self.fail("a subscript must be digits or a letter, as in w_1 or w_i", tok.pos)

    def call_args(self, func: _Tok) -> list[sp.Expr]:
        """'(' expr (',' expr)* ')' after a function name."""
        opener = self.advance()
        closer = ")" if opener.text == "(" else "]"
        with self.nest(opener.pos):
            if self.peek().is_op(closer):
                self.fail(f"{func.text}() needs an argument", opener.pos)
            self.ctx.append(opener.text)
            args = [self.expr()]
            while self.peek().is_op(","):
                self.advance()
                args.append(self.expr())
            self.ctx.pop()
        self.expect_close(opener, closer)
        return args

    def function(self) -> sp.Expr:
        """func ('_' base)? ('^' int)? ( '(' args ')' | bare-argument )"""
        tok = self.advance()
        spec: _Func = tok.value.func
        power: int | None = None
        base: sp.Expr | None = None
        with self.nest(tok.pos):
            while True:
                after = self.peek()
                if after.is_op("_") and not after.space and spec.name == "log" and base is None:
                    self.advance()
                    base = self.log_base(after)
                elif after.is_op("^") and power is None:
                    self.advance()
                    power = self.function_power(after)
                elif after.is_op("_"):
                    self.fail(f"{tok.text} cannot take a subscript", after.pos)
                else:
                    break
            bracketed = self.peek().is_op("(", "[")
            args = self.call_args(tok) if bracketed else [self.bare_argument(tok)]
            if base is not None:
                if len(args) != 1:
                    self.fail("log_b takes one argument", tok.pos)
                args.append(base)
            value = self.guarded(tok.pos, _apply, spec, args)
            if power is not None:
                value = self.guarded(tok.pos, _apply_power, spec, value, args, power)
        return value

    def log_base(self, underscore: _Tok) -> sp.Expr:
        """The base in ``log_2 x`` or ``log_b(x)``."""
        tok = self.peek()
        if not tok.space and tok.kind == "num":
            self.advance()
            return tok.value
        if not tok.space and tok.kind == "name" and tok.value.kind in ("sym", "const"):
            self.advance()
            return tok.value.value if tok.value.kind == "const" else sp.Symbol(tok.text)
        self.fail("log_ must be followed directly by a number or a letter", underscore.pos)

    def function_power(self, caret: _Tok) -> int:
        """The whole-number power in ``sin^2 x``, ``sin^(2) x`` or ``sin^-1 x``."""
        wrapped = self.peek().is_op("(")
        if wrapped:
            self.advance()
        sign = -1 if self.peek().is_op("-") else 1
        if self.peek().is_op("-", "+"):
            self.advance()
        tok = self.peek()
        if tok.kind != "num" or not tok.value.is_Integer:
            self.fail("a power on a function name must be a whole number, as in sin^2 x", caret.pos)
        self.advance()
        if wrapped:
            if not self.peek().is_op(")"):
                self.fail("expected ')'", self.peek().pos)
            self.advance()
        return sign * int(tok.value)

    def bare_argument(self, func: _Tok) -> sp.Expr:
        """The implicit product after ``sin`` in ``sin 2x``; stops at * / + - ) or a function."""
        tok = self.peek()
        if (
            tok.kind == "end"
            or (tok.kind == "op" and tok.text not in "([|+-")
            or (tok.is_op("|") and self.in_bars())
        ):
            self.fail(f"{func.text} needs an argument", func.end)
        negative = False
        if tok.is_op("+", "-"):
            negative = tok.text == "-"
            self.advance()
        factors: list[sp.Expr] = []
        while True:
            tok = self.peek()
            if tok.kind == "end" or (tok.kind == "op" and tok.text not in "([|"):
                break
            if tok.is_op("|") and self.in_bars():
                break
            if factors and self.starts_function():
                break
            if factors and tok.kind == "num":
                self.fail("a number cannot follow a factor directly; use '*'", tok.pos)
            factors.append(self.power())
        if not factors:
            self.fail(f"{func.text} needs an argument", func.end)
        value = sp.Mul(*factors)
        return -value if negative else value

    def derivative(self) -> sp.Expr | None:
        """``d/dx <arg>``, ``d^n/dx^n <arg>`` or ``dy/dx``; None if this 'd' is a symbol."""
        at, j = self.at, self.i + 1
        order, target = 1, None
        if at(j).is_op("^") and at(j + 1).kind == "num" and at(j + 1).value.is_Integer:
            order, j = int(at(j + 1).value), j + 2
        if at(j).kind == "name" and not at(j).space and at(j).value.kind == "sym":
            target, j = at(j), j + 1
        if not at(j).is_op("/"):
            return None
        found = self.differential(j + 1)
        if found is None:
            return None
        var, j = found
        if at(j).is_op("^"):
            if at(j + 1).kind != "num" or at(j + 1).value != order:
                self.fail("the orders in d^n/dx^n must match", at(j).pos)
            j += 2
        elif order != 1:
            self.fail("the orders in d^n/dx^n must match", at(j).pos)
        d = self.peek()
        if not 1 <= order <= MAX_DERIVATIVE_ORDER:
            self.fail(f"derivative order must be 1 to {MAX_DERIVATIVE_ORDER}", d.pos)
        self.i = j
        if target is not None:
            return sp.Derivative(sp.Symbol(target.text), (var, order))
        with self.nest(d.pos):
            if self.peek().is_op("(", "["):
                arg = self.group()
            elif self.peek().kind == "end" or self.peek().is_op(")", "]", "+", "*", "/", ","):
                self.fail("d/dx needs something to differentiate", self.peek().pos)
            else:
                arg = self.term()
        return sp.Derivative(arg, (var, order))

    def differential(self, j: int) -> tuple[sp.Symbol, int] | None:
        """Match ``dx`` (or ``dw_1``) starting at token ``j``."""
        at = self.at
        d, var = at(j), at(j + 1)
        if d.kind != "name" or d.text != "d" or not d.word_start:
            return None
        if var.kind != "name" or var.word_start or var.value.kind != "sym":
            return None
        name, j = var.text, j + 2
        if at(j).is_op("_") and not at(j).space and at(j + 1).kind in ("num", "name"):
            name, j = f"{name}_{at(j + 1).text}", j + 2
        return sp.Symbol(name), j


def _parse_plain(text: str, *, equation: bool) -> list[sp.Expr]:
    """Plain-text front end: checks, tokens, '=' handling, parser."""
    _check_nesting(text, 0, len(text), "([", ")]", MAX_DEPTH)
    tokens = _tokenize_plain(text, 0, len(text))
    results = []
    for run, end in _split_equation(text, tokens, 0, len(text), equation=equation):
        stray = _stray_differential(run)
        if stray is not None:
            _error(f"stray differential d{run[-1].text}", text, stray.pos)
        results.append(_PlainParser(text, run, end).parse())
    return results


# ----------------------------------------------------------------------------- LaTeX

_LATEX_SPACING = _words(
    ", ; : ! quad qquad displaystyle textstyle thinspace medspace thickspace enspace"
    " negthinspace negmedspace negthickspace"
) | {" "}
_LATEX_SIZES = frozenset(
    f"{size}{side}" for size in ("big", "Big", "bigg", "Bigg") for side in ("", "l", "r")
)
_LATEX_FUNCTIONS = _words(
    "sin cos tan sec csc cot arcsin arccos arctan arcsec arccsc arccot sinh cosh tanh coth"
    " sech csch arsinh arcosh artanh arcsinh arccosh arctanh ln log exp erf sgn"
)
_LATEX_NAMED = _words("mathrm operatorname text textrm mathit mbox")
_LATEX_DELIMITERS = {
    "(": ("open", "("), ")": ("close", ")"), "[": ("open", "["), "]": ("close", "]"),
    "|": ("bar", "|"), r"\lvert": ("open", "|"), r"\rvert": ("close", "|"),
    r"\vert": ("bar", "|"), r"\lbrack": ("open", "["), r"\rbrack": ("close", "]"),
    r"\lparen": ("open", "("), r"\rparen": ("close", ")"),
}  # fmt: skip
_LATEX_SIMPLE = {
    "cdot": ("op", "*"), "times": ("op", "*"), "ast": ("op", "*"), "div": ("op", "/"),
    "frac": ("cmd", "frac"), "dfrac": ("cmd", "frac"), "tfrac": ("cmd", "frac"),
    "sqrt": ("cmd", "sqrt"), "partial": ("cmd", "partial"), "prime": ("op", "'"),
    "lvert": ("open", "|"), "rvert": ("close", "|"), "vert": ("bar", "|"),
    "lbrack": ("open", "["), "rbrack": ("close", "]"), "lparen": ("open", "("),
    "rparen": ("close", ")"),
}  # fmt: skip


def _strip_wrappers(text: str) -> tuple[int, int]:
    r"""The span inside ``$...$``, ``$$...$$``, ``\(...\)`` or ``\[...\]`` (or all of it)."""
    start, end = 0, len(text)
    while start < end and text[start] in _WHITESPACE:
        start += 1
    while end > start and text[end - 1] in _WHITESPACE:
        end -= 1
    for opener, closer in (("$$", "$$"), ("$", "$"), (r"\(", r"\)"), (r"\[", r"\]")):
        if text.startswith(opener, start):
            if end - start < len(opener) + len(closer) or not text.endswith(closer, 0, end):
                _error(f"'{opener}' is never closed", text, start)
            return start + len(opener), end - len(closer)
    return start, end


class _LatexTokenizer:
    """Turns LaTeX into tokens, allow-listing every command."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.i, self.end = text, start, end
        self.tokens: list[_Tok] = []
        self.space = False

    def fail(self, message: str, position: int | None) -> NoReturn:
        """Raise a ParseError about this text."""
        _error(message, self.text, position)

    def emit(self, kind: str, text: str, pos: int, end: int, value: Any = None) -> None:
        """Append a token, recording whether space came before it."""
        self.tokens.append(_Tok(kind, text, pos, end, value, self.space))
        self.space = False

    def run(self) -> list[_Tok]:
        """Tokenise the whole span."""
        text, end = self.text, self.end
        while self.i < end:
            i, c = self.i, text[self.i]
            if c in _WHITESPACE or c == "~":
                self.i, self.space = i + 1, True
            elif c == "\\":
                self.command()
            elif c in _DIGITS or (c == "." and text[i + 1 : i + 2] in _DIGITS and i + 1 < end):
                tok, self.i = _lex_number(text, i, end, self.space)
                self.tokens.append(tok)
                self.space = False
            elif c in _ASCII_LETTERS:
                words, self.i = _lex_word(text, i, end, self.space)
                self.tokens.extend(words)
                self.space = False
            elif c in _GREEK_CHARS:
                tok, self.i = _lex_greek_char(text, i, end, self.space)
                self.tokens.append(tok)
                self.space = False
            elif c in "{}()[]|":
                kind = {"{": "open", "(": "open", "[": "open", "|": "bar"}.get(c, "close")
                self.emit(kind, c, i, i + 1)
                self.i += 1
            elif (found := _lex_operator(text, i, self.space)) is not None:
                more, self.i = found
                self.tokens.extend(more)
                self.space = False
            else:
                self.fail(f"unexpected {_describe(c)}", i)
        self.tokens.append(_Tok("end", "", end, end, space=self.space))
        return self.tokens

    def read_command(self) -> tuple[str, int]:
        r"""Read ``\name`` or ``\,`` at the current position; return (name, end)."""
        text, i = self.text, self.i
        j = i + 1
        if j >= self.end:
            self.fail("a lone backslash", i)
        if text[j] in _ASCII_LETTERS:
            while j < self.end and text[j] in _ASCII_LETTERS:
                j += 1
            return text[i + 1 : j], j
        return text[j], j + 1

    def command(self) -> None:
        """Translate one allow-listed command into tokens, or refuse it."""
        pos = self.i
        name, end = self.read_command()
        self.i = end
        if name in _LATEX_SPACING:
            self.space = True
        elif name in ("left", "right") or name in _LATEX_SIZES:
            self.delimiter(name, pos)
        elif name in _LATEX_SIMPLE:
            kind, value = _LATEX_SIMPLE[name]
            self.emit(kind, value, pos, end)
        elif name in _LATEX_NAMED:
            self.named(name, pos)
        elif name in _LATEX_FUNCTIONS or name in _GREEK or name == "pi":
            self.emit("name", name, pos, end, _classify(name))
        else:
            self.fail(f"unsupported LaTeX command \\{name}", pos)
        if name.isalpha() and name not in _LATEX_SPACING:  # math mode: spaces after are noise
            while self.i < self.end and self.text[self.i] in _WHITESPACE:
                self.i += 1

    def delimiter(self, name: str, pos: int) -> None:
        r"""``\left(``, ``\right|``, ``\big(`` ...: keep the delimiter, drop the sizing."""
        text = self.text
        while self.i < self.end and text[self.i] in _WHITESPACE:
            self.i += 1
        if self.i >= self.end:
            self.fail(f"\\{name} must be followed by a delimiter", pos)
        if text[self.i] == "\\":
            delim, end = self.read_command()
            delim = "\\" + delim
        else:
            delim, end = text[self.i], self.i + 1
        if delim not in _LATEX_DELIMITERS:
            self.fail(f"unsupported delimiter after \\{name}: {delim}", self.i)
        kind, value = _LATEX_DELIMITERS[delim]
        if kind == "bar" and name == "left":
            kind = "open"
        elif kind == "bar" and name == "right":
            kind = "close"
        self.i = end
        self.emit(kind, value, pos, end)

    def named(self, name: str, pos: int) -> None:
        r"""``\mathrm{e}``, ``\operatorname{ReLU}``, ``\text{ }`` and relatives."""
        text = self.text
        j = self.i
        while j < self.end and text[j] in _WHITESPACE:
            j += 1
        if j >= self.end or text[j] != "{":
            self.fail(f"\\{name} must be followed by {{...}}", pos)
        close = text.find("}", j, self.end)
        if close < 0:
            self.fail(f"\\{name}{{ is never closed", j)
        content = text[j + 1 : close].strip()
        shown = content if len(content) <= 20 else content[:20] + "..."
        self.i = close + 1
        if not content and name in ("text", "textrm", "mbox", "mathrm"):
            self.space = True
            return
        if not content.isascii() or not content.isalpha():
            self.fail(f"unsupported \\{name}{{{shown}}}", pos)
        if content in _FUNCS:
            self.emit("name", content, pos, self.i, _Name("func", content, func=_FUNCS[content]))
        elif name == "operatorname":
            self.fail(f"unknown operator \\operatorname{{{shown}}}", pos)
        elif content == "e":
            self.emit("name", "e", pos, self.i, _classify("e"))
        elif len(content) == 1 or content in _GREEK:
            self.emit("name", content, pos, self.i, _Name("sym", content))
        else:
            self.fail(f"unsupported \\{name}{{{shown}}}", pos)


@dataclass
class _Group:
    """A bracketed run of LaTeX items: kind is '(', '[', '{' or '|' (absolute value)."""

    kind: str
    pos: int
    space: bool
    items: list[Any] = field(default_factory=list)
    end: int = 0


_CLOSERS = {"(": ")", "[": "]", "{": "}", "|": "|"}


def _ends_operand(items: Sequence[Any]) -> bool:
    """True if the last item completes an operand (so a following '|' closes)."""
    if not items:
        return False
    last = items[-1]
    return isinstance(last, _Group) or last.kind in ("num", "name")


def _build_tree(text: str, tokens: Sequence[_Tok], end: int) -> list[Any]:
    """Nest tokens into groups, pairing brackets and resolving bare '|' bars."""
    root = _Group("", 0, False)
    stack = [root]
    for tok in tokens:
        top = stack[-1]
        kind = tok.kind
        if kind == "bar":
            kind = "close" if top.kind == "|" and _ends_operand(top.items) else "open"
        if kind == "open":
            if len(stack) > MAX_LATEX_DEPTH:
                _error(f"brackets are nested more than {MAX_LATEX_DEPTH} deep", text, tok.pos)
            group = _Group(tok.text, tok.pos, tok.space)
            top.items.append(group)
            stack.append(group)
        elif kind == "close":
            if top is root:
                _error(f"unbalanced '{tok.text}'", text, tok.pos)
            if _CLOSERS[top.kind] != tok.text:
                _error(f"'{top.kind}' is closed by '{tok.text}'", text, tok.pos)
            top.end = tok.end
            stack.pop()
        else:
            top.items.append(tok)
    if len(stack) > 1:
        _error(f"'{stack[-1].kind}' is never closed", text, stack[-1].pos)
    root.end = end
    return root.items


def _is_name(item: Any, *kinds: str) -> bool:
    """True if ``item`` is a name token of one of ``kinds``."""
    return isinstance(item, _Tok) and item.kind == "name" and item.value.kind in kinds


def _is_op(item: Any, *ops: str) -> bool:
    """True if ``item`` is one of the operator tokens ``ops``."""
    return isinstance(item, _Tok) and item.is_op(*ops)


def _is_cmd(item: Any, name: str) -> bool:
    """True if ``item`` is the structural command ``name`` (frac, sqrt, partial)."""
    return isinstance(item, _Tok) and item.kind == "cmd" and item.text == name


def _is_d(item: Any) -> bool:
    r"""True for the 'd' of a differential (or ``\partial``)."""
    if _is_cmd(item, "partial"):
        return True
    return _is_name(item, "sym") and item.value.name == "d" and item.word_start


def _item_pos(item: Any) -> int:
    """Start position of a token or group."""
    return item.pos


@dataclass
class _Part:
    """One element of the arithmetic skeleton handed to the library."""

    kind: str  # "val", "op" or "juxt"
    pos: int
    value: Any = None


class _LatexTranslator:
    """Turns the LaTeX item tree into a SymPy expression."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.depth = 0

    def fail(self, message: str, position: int | None) -> NoReturn:
        """Raise a ParseError about this text."""
        _error(message, self.text, position)

    @contextmanager
    def nest(self, position: int) -> Iterator[None]:
        """Count one level of nesting; refuse past ``_MAX_LATEX_NESTING``."""
        self.depth += 1
        if self.depth > _MAX_LATEX_NESTING:
            self.fail("expression is nested too deeply", position)
        try:
            yield
        finally:
            self.depth -= 1

    def guarded(self, position: int | None, build: Callable[..., sp.Expr], *args: Any) -> sp.Expr:
        """Run a builder, turning a refusal into a ParseError at ``position``."""
        try:
            return build(*args)
        except _Refusal as refusal:
            self.fail(str(refusal), position)

    # -- sequences -----------------------------------------------------------------

    def expr(self, items: list[Any], pos: int) -> sp.Expr:
        """A whole expression: our atoms, joined by the library's operator precedence."""
        if not items:
            self.fail("empty expression", pos)
        with self.nest(pos):
            parts = self.sequence(items)
        if len(parts) == 1:
            return parts[0].value
        return self.combine(parts)

    def sequence(self, items: list[Any]) -> list[_Part]:
        """Check operand/operator order and build each atom; return the skeleton."""
        parts: list[_Part] = []
        expect_operand, after_division, division_at = True, False, 0
        i = 0
        while i < len(items):
            item = items[i]
            if _is_op(item, "+", "-"):
                after_division = after_division and expect_operand
                parts.append(_Part("op", item.pos, item.text))
                expect_operand, i = True, i + 1
                continue
            if _is_op(item, "*", "/"):
                if expect_operand:
                    self.fail(f"missing operand before '{item.text}'", item.pos)
                parts.append(_Part("op", item.pos, item.text))
                after_division, division_at = item.text == "/", item.pos
                expect_operand, i = True, i + 1
                continue
            if isinstance(item, _Tok) and item.kind == "op":
                self.operator_error(item)
            if not expect_operand:
                if isinstance(item, _Tok) and item.kind == "num":
                    self.fail("a number cannot follow a factor directly; use \\cdot", item.pos)
                if after_division:
                    self.fail(
                        "ambiguous implicit product after '/': use \\frac{a}{b} or brackets",
                        _item_pos(item),
                    )
                parts.append(_Part("juxt", _item_pos(item)))
            value, i = self.atom(items, i)
            if parts and parts[-1].kind == "op" and parts[-1].value == "/" and value.is_zero:
                self.fail("division by zero", division_at)
            parts.append(_Part("val", _item_pos(item), value))
            expect_operand = False
        if expect_operand:
            last = parts[-1] if parts else None
            if last is None:
                self.fail("empty expression", None)
            self.fail(f"expression ends after '{last.value}'", last.pos)
        return parts

    def operator_error(self, tok: _Tok) -> NoReturn:
        """Explain an operator token that cannot appear where it is."""
        messages = {
            "^": "missing base before '^'",
            "_": "'_' must follow a letter directly, as in w_1",
            "=": "unexpected '='",
            ",": "unexpected ','",
            "'": "primes are only understood in an answer label like f'(x) = ...",
            "!": "factorials are not supported",
        }
        self.fail(messages.get(tok.text, f"unexpected '{tok.text}'"), tok.pos)

    def combine(self, parts: list[_Part]) -> sp.Expr:
        """Hand the skeleton to latex2sympy2_extended and rebuild its answer safely."""
        operators = sum(part.kind != "val" for part in parts)
        if operators > _MAX_LIBRARY_OPERATORS:
            self.fail(
                f"more than {_MAX_LIBRARY_OPERATORS} operators at one bracket level;"
                " group some terms in brackets",
                parts[0].pos,
            )
        values: dict[str, sp.Expr] = {}
        chunks: list[tuple[str, int]] = []
        for part in parts:
            if part.kind == "val":
                name = f"P{len(values)}"
                values[name] = part.value
                chunks.append((rf"\variable{{{name}}}", part.pos))
            elif part.kind == "op":
                chunks.append(({"*": r"\cdot ", "/": "/"}.get(part.value, part.value), part.pos))
            else:
                chunks.append((" ", part.pos))
        latex = "".join(chunk for chunk, _ in chunks)
        try:
            raw = _run_library(latex)
        except ParseError:
            raise
        except Exception as exc:
            self.fail(
                f"the LaTeX reader could not combine these terms ({_first_line(exc)})",
                _library_error_position(exc, chunks),
            )
        return self.rebuild(raw, values)

    def rebuild(self, node: Any, values: dict[str, sp.Expr]) -> sp.Expr:
        """Rebuild the library's unevaluated skeleton from our values (allow-listed)."""
        if isinstance(node, sp.Symbol) and node.name in values:
            return values[node.name]
        if isinstance(node, sp.Integer):
            return node
        if isinstance(node, sp.Add):
            return sp.Add(*(self.rebuild(arg, values) for arg in node.args))
        if isinstance(node, sp.Mul):
            value: sp.Expr = sp.Integer(1)
            for arg in node.args:
                if isinstance(arg, sp.Pow) and arg.exp == -1:
                    value = self.guarded(None, _divide, value, self.rebuild(arg.base, values))
                else:
                    value = value * self.rebuild(arg, values)
            return value
        if isinstance(node, sp.Pow) and node.exp == -1:
            return self.guarded(None, _divide, sp.Integer(1), self.rebuild(node.base, values))
        self.fail(f"unexpected {type(node).__name__} from the LaTeX reader", None)

    # -- atoms ---------------------------------------------------------------------

    def atom(self, items: list[Any], i: int) -> tuple[sp.Expr, int]:
        """One operand with its superscript: number, name, group, function, fraction..."""
        item = items[i]
        if isinstance(item, _Group):
            value, i = self.group(item), i + 1
        elif item.kind == "num":
            value, i = item.value, i + 1
        elif item.kind == "name" and item.value.kind == "func":
            value, i = self.function(items, i)
        elif item.kind == "name":
            value, i = self.name(items, i)
        elif _is_cmd(item, "frac"):
            value, i = self.fraction(items, i)
        elif _is_cmd(item, "sqrt"):
            value, i = self.root(items, i)
        elif _is_cmd(item, "partial"):
            self.fail(r"\partial is only understood in \frac{\partial}{\partial x}", item.pos)
        else:
            self.operator_error(item)
        return self.postfix(items, i, value)

    def postfix(self, items: list[Any], i: int, value: sp.Expr) -> tuple[sp.Expr, int]:
        """Apply a following ``^...``; refuse double superscripts, stray '_' and primes."""
        if i < len(items) and _is_op(items[i], "^"):
            caret = items[i]
            exponent, i = self.script(items, i, "superscript")
            value = self.guarded(caret.pos, _power, value, exponent)
            if i < len(items) and _is_op(items[i], "^"):
                self.fail("double superscript: use braces, as in x^{a^{b}}", items[i].pos)
        if i < len(items) and _is_op(items[i], "_"):
            self.fail("subscripts go directly on a letter, before any superscript", items[i].pos)
        return value, i

    def script(self, items: list[Any], i: int, what: str) -> tuple[sp.Expr, int]:
        """The value after ``^`` (or ``_`` for a log base) at ``items[i]``."""
        marker = items[i]
        if i + 1 >= len(items):
            self.fail(f"missing {what} after '{marker.text}'", marker.pos)
        item = items[i + 1]
        if isinstance(item, _Group) and item.kind in "{(":
            return self.expr(item.items, item.pos), i + 2
        if isinstance(item, _Tok) and item.kind == "num":
            if len(item.text) != 1:
                self.fail(f"ambiguous {what}: put it in braces, like x^{{{item.text}}}", item.pos)
            return item.value, i + 2
        if _is_name(item, "sym", "const"):
            if item.value.kind == "sym" and len(item.text) > 1 and item.text not in _GREEK:
                self.fail(f"ambiguous {what}: put it in braces, like x^{{{item.text}}}", item.pos)
            return self.symbol_value(item), i + 2
        if _is_op(item, "-", "+"):
            self.fail(f"a signed {what} needs braces, like x^{{-1}}", item.pos)
        self.fail(f"missing {what} after '{marker.text}' (use braces)", marker.pos)

    @staticmethod
    def symbol_value(tok: _Tok) -> sp.Expr:
        """The value of a symbol or constant token."""
        return tok.value.value if tok.value.kind == "const" else sp.Symbol(tok.value.name)

    def group(self, group: _Group) -> sp.Expr:
        """A bracketed group read on its own (so the library never sees nesting)."""
        if not group.items:
            self.fail("empty brackets", group.pos)
        value = self.expr(group.items, group.pos)
        return sp.Abs(value) if group.kind == "|" else value

    def name(self, items: list[Any], i: int) -> tuple[sp.Expr, int]:
        """A symbol (with subscript), a constant, or f(x) / \\sigma(x)."""
        tok = items[i]
        meaning: _Name = tok.value
        after = items[i + 1] if i + 1 < len(items) else None
        if _is_op(after, "_") and not after.space:
            return sp.Symbol(f"{tok.text}_{self.subscript(items, i + 1)}"), i + 3
        if meaning.kind == "const":
            return meaning.value, i + 1
        if meaning.callable and isinstance(after, _Group) and after.kind == "(" and not after.space:
            args = self.call_args(after)
            if meaning.name in _FUNCS:
                return self.guarded(tok.pos, _apply, _FUNCS[meaning.name], args), i + 2
            return sp.Function(meaning.name)(*args), i + 2
        return sp.Symbol(meaning.name), i + 1

    def subscript(self, items: list[Any], i: int) -> str:
        """The subscript after ``items[i]`` (an '_'): a digit, a letter, or ``{...}``."""
        underscore = items[i]
        item = items[i + 1] if i + 1 < len(items) else None
        if isinstance(item, _Tok) and item.kind == "num" and item.text.isdigit():
            if len(item.text) > 1:
                self.fail(f"ambiguous subscript: write _{{{item.text}}}", item.pos)
            return item.text
        if _is_name(item, "sym", "const") and (len(item.text) == 1 or item.text in _GREEK):
            return item.text
        if isinstance(item, _Group) and item.kind == "{" and item.items:
            parts = []
            for sub in item.items:
                digits = isinstance(sub, _Tok) and sub.kind == "num" and sub.text.isdigit()
                if digits or _is_name(sub, "sym", "const"):
                    parts.append(sub.text)
                else:
                    self.fail("a subscript must be letters or digits", _item_pos(sub))
            return "".join(parts)
        self.fail("'_' must be followed by a digit, a letter or {...}", underscore.pos)

    def call_args(self, group: _Group) -> list[sp.Expr]:
        """Comma-separated arguments inside a bracket group."""
        if not group.items:
            self.fail("a function needs an argument", group.pos)
        args, current, start = [], [], group.pos
        for item in group.items:
            if _is_op(item, ","):
                args.append(self.expr(current, start))
                current, start = [], item.pos
            else:
                current.append(item)
        args.append(self.expr(current, start))
        return args

    def function(self, items: list[Any], i: int) -> tuple[sp.Expr, int]:
        r"""``\sin^2 x``, ``\log_2(x)``, ``\exp{x}``, ``\ln x`` ... with argument scoping."""
        tok = items[i]
        spec: _Func = tok.value.func
        power: int | None = None
        base: sp.Expr | None = None
        with self.nest(tok.pos):
            j = i + 1
            while j < len(items) and _is_op(items[j], "^", "_"):
                mark = items[j]
                if mark.text == "_" and spec.name == "log" and base is None:
                    base, j = self.script(items, j, "log base")
                elif mark.text == "^" and power is None:
                    power, j = self.function_power(items, j)
                else:
                    self.fail(f"unexpected '{mark.text}' after {tok.text}", mark.pos)
            after = items[j] if j < len(items) else None
            if isinstance(after, _Group) and after.kind in "([":
                args, j = self.call_args(after), j + 1
            elif isinstance(after, _Group) and after.kind == "{":
                args, j = [self.group(after)], j + 1
            else:
                arg, j = self.bare_argument(items, j, tok)
                args = [arg]
            if base is not None:
                if len(args) != 1:
                    self.fail("\\log_b takes one argument", tok.pos)
                args.append(base)
            value = self.guarded(tok.pos, _apply, spec, args)
            if power is not None:
                value = self.guarded(tok.pos, _apply_power, spec, value, args, power)
        return value, j

    def function_power(self, items: list[Any], i: int) -> tuple[int, int]:
        r"""The whole number in ``\sin^2``, ``\sin^{2}`` or ``\sin^{-1}``."""
        caret = items[i]
        item = items[i + 1] if i + 1 < len(items) else None
        inner = item.items if isinstance(item, _Group) and item.kind in "{(" else [item]
        sign = 1
        if len(inner) == 2 and _is_op(inner[0], "-"):
            sign, inner = -1, inner[1:]
        if len(inner) == 1 and isinstance(inner[0], _Tok) and inner[0].kind == "num":
            number = inner[0].value
            if number.is_Integer and (isinstance(item, _Group) or len(inner[0].text) == 1):
                return sign * int(number), i + 2
        self.fail("a power on a function name must be a whole number, like \\sin^2 x", caret.pos)

    def starts_function(self, items: list[Any], j: int) -> bool:
        """Does ``items[j]`` begin a function application or a derivative operator?"""
        item = items[j]
        if _is_name(item, "func"):
            return True
        if _is_name(item, "sym") and item.value.callable and j + 1 < len(items):
            after = items[j + 1]
            return isinstance(after, _Group) and after.kind == "(" and not after.space
        return _is_cmd(item, "frac") and self.derivative_operator(items, j) is not None

    def bare_argument(self, items: list[Any], j: int, func: _Tok) -> tuple[sp.Expr, int]:
        r"""The implicit product after ``\sin`` in ``\sin 2x``; stops at operators or a function."""
        negative = False
        if j < len(items) and _is_op(items[j], "+", "-"):
            negative, j = items[j].text == "-", j + 1
        factors: list[sp.Expr] = []
        while j < len(items):
            item = items[j]
            if isinstance(item, _Tok) and item.kind == "op":
                break
            if factors and self.starts_function(items, j):
                break
            if factors and isinstance(item, _Tok) and item.kind == "num":
                self.fail("a number cannot follow a factor directly; use \\cdot", item.pos)
            value, j = self.atom(items, j)
            factors.append(value)
        if not factors:
            self.fail(f"\\{func.text} needs an argument", func.end)
        value = sp.Mul(*factors)
        return (-value if negative else value), j

    def tex_argument(self, items: list[Any], j: int, owner: _Tok) -> tuple[list[Any], int]:
        r"""One TeX argument of ``\frac``/``\sqrt``: a ``{group}`` or a single token."""
        if j >= len(items):
            self.fail(f"\\{owner.text} is missing an argument", owner.pos)
        item = items[j]
        if isinstance(item, _Group) and item.kind == "{":
            return item.items, j + 1
        if isinstance(item, _Tok) and item.kind == "num" and item.text.isdigit():
            if len(item.text) > 1:  # TeX reads \frac12 as \frac{1}{2}
                first = _Tok("num", item.text[0], item.pos, item.pos + 1,
                             sp.Integer(int(item.text[0])), item.space)  # fmt: skip
                rest = _Tok("num", item.text[1:], item.pos + 1, item.end,
                            sp.Integer(int(item.text[1:])))  # fmt: skip
                items[j : j + 1] = [first, rest]
                item = first
            return [item], j + 1
        if _is_name(item, "sym", "const"):
            return [item], j + 1
        self.fail(f"put the argument of \\{owner.text} in braces", _item_pos(item))

    def fraction(self, items: list[Any], i: int) -> tuple[sp.Expr, int]:
        r"""``\frac{a}{b}``, or a derivative ``\frac{d}{dx}``, ``\frac{dy}{dx}``."""
        tok = items[i]
        operator = self.derivative_operator(items, i)
        if operator is not None:
            return self.apply_derivative(items, *operator)
        with self.nest(tok.pos):
            top, j = self.tex_argument(items, i + 1, tok)
            bottom, j = self.tex_argument(items, j, tok)
            numerator = self.expr(top, tok.pos)
            denominator = self.expr(bottom, tok.pos)
        return self.guarded(tok.pos, _divide, numerator, denominator), j

    def derivative_operator(
        self, items: list[Any], i: int
    ) -> tuple[int, list[Any], sp.Symbol, int, int] | None:
        r"""Match ``\frac{d^n ...}{dx^n}``: (pos, target items, variable, order, next index)."""
        if i + 2 >= len(items):
            return None
        top, bottom = items[i + 1], items[i + 2]
        if not (isinstance(top, _Group) and isinstance(bottom, _Group)):
            return None
        if top.kind != "{" or bottom.kind != "{" or not top.items or not _is_d(top.items[0]):
            return None
        order, rest = self.order_after(top.items, 1)
        if order is None or (rest < len(top.items) and _is_op(top.items[rest], *"+-*/=,")):
            return None
        found = self.differential(bottom.items)
        if found is None:
            return None
        var, bottom_order = found
        if bottom_order != order:
            self.fail("the orders in \\frac{d^n}{dx^n} must match", bottom.pos)
        if not 1 <= order <= MAX_DERIVATIVE_ORDER:
            self.fail(f"derivative order must be 1 to {MAX_DERIVATIVE_ORDER}", top.pos)
        return items[i].pos, top.items[rest:], var, order, i + 3

    def order_after(self, items: list[Any], k: int) -> tuple[int | None, int]:
        """Read an optional ``^n`` at ``items[k]``: (order, next index); order None if bad."""
        if k < len(items) and _is_op(items[k], "^"):
            if k + 1 >= len(items):
                return None, k
            item = items[k + 1]
            if isinstance(item, _Group) and item.kind == "{" and len(item.items) == 1:
                item = item.items[0]
            if isinstance(item, _Tok) and item.kind == "num" and item.value.is_Integer:
                return int(item.value), k + 2
            return None, k
        return 1, k

    def differential(self, items: list[Any]) -> tuple[sp.Symbol, int | None] | None:
        """Match a whole denominator ``dx``, ``dx^2``, ``dw_1``, ``\\partial x``."""
        if len(items) < 2 or not _is_d(items[0]) or not _is_name(items[1], "sym"):
            return None
        name, k = items[1].value.name, 2
        if k < len(items) and _is_op(items[k], "_"):
            name, k = f"{name}_{self.subscript(items, k)}", k + 2
        order, k = self.order_after(items, k)
        if k != len(items):
            return None
        return sp.Symbol(name), order

    def apply_derivative(
        self, items: list[Any], pos: int, target: list[Any], var: sp.Symbol, order: int, j: int
    ) -> tuple[sp.Expr, int]:
        """Build ``Derivative`` of the numerator's rest, a bracket group or the term's rest."""
        with self.nest(pos):
            if target:
                return sp.Derivative(self.expr(target, pos), (var, order)), j
            if j < len(items) and isinstance(items[j], _Group) and items[j].kind in "([":
                return sp.Derivative(self.group(items[j]), (var, order)), j + 1
            k = j
            if k < len(items) and _is_op(items[k], "+", "-"):
                k += 1
            while k < len(items) and not _is_op(items[k], "+", "-", "=", ","):
                k += 1
            if k == j:
                self.fail("d/dx needs something to differentiate", pos)
            return sp.Derivative(self.expr(items[j:k], pos), (var, order)), k

    def root(self, items: list[Any], i: int) -> tuple[sp.Expr, int]:
        r"""``\sqrt{x}``, ``\sqrt[n]{x}``, ``\sqrt x`` (also ``\sqrt(x)``)."""
        tok = items[i]
        j, index = i + 1, None
        with self.nest(tok.pos):
            if j < len(items) and isinstance(items[j], _Group) and items[j].kind == "[":
                index, j = self.group(items[j]), j + 1
            if j < len(items) and isinstance(items[j], _Group) and items[j].kind == "(":
                radicand, j = self.group(items[j]), j + 1
            else:
                inner, j = self.tex_argument(items, j, tok)
                radicand = self.expr(inner, tok.pos)
            if index is None:
                return self.guarded(tok.pos, _build_sqrt, radicand), j
            exponent = self.guarded(tok.pos, _divide, sp.Integer(1), index)
            return self.guarded(tok.pos, _power, radicand, exponent), j


def _first_line(exc: BaseException) -> str:
    """The first line of an exception message, shortened."""
    line = (str(exc).splitlines() or [type(exc).__name__])[0]
    return line[:80]


def _library_error_position(exc: BaseException, chunks: Sequence[tuple[str, int]]) -> int | None:
    """Map the library's ``~~~^`` column marker back to a position in the original text."""
    lines = str(exc).splitlines()
    if len(lines) < 3 or not lines[-1].endswith("^"):
        return None
    column, offset = len(lines[-1]) - 1, 0
    for chunk, pos in chunks:
        offset += len(chunk)
        if column < offset:
            return pos
    return chunks[-1][1] if chunks else None


class _LibraryState:
    """Saves latex2sympy2_extended's module-level state and restores it afterwards.

    Version 1.11 keeps its assignment tables (``variances``, ``var``) per call, but older
    versions kept them at module level, and every version has module-level mutable
    tables (``GREEK_LETTER_MAP`` ...). We snapshot the bindings of every non-generated
    ``latex2sympy2_extended`` module and the converter class, plus a copy of each mutable
    container, and put back anything a call added, rebound or mutated. ANTLR's DFA caches
    (class attributes of the generated parser) are deliberately left alone: they memoise
    grammar decisions and do not change results.
    """

    _CONTAINERS = (dict, list, set)

    def __init__(self) -> None:
        self.saved: list[tuple[Any, dict[str, Any], dict[str, Any]]] = []

    @staticmethod
    @functools.cache
    def owners() -> tuple[Any, ...]:
        """Modules (and the converter class) whose state we guard; found once, after import."""
        owners: list[Any] = []
        for name, module in list(sys.modules.items()):
            if module is None or not name.startswith("latex2sympy2_extended"):
                continue
            if name.startswith("latex2sympy2_extended.gen"):
                continue
            owners.append(module)
            converter = getattr(module, "_Latex2Sympy", None)
            if isinstance(converter, type):
                owners.append(converter)
        return tuple(owners)

    def __enter__(self) -> _LibraryState:
        for owner in self.owners():
            bindings = {k: v for k, v in vars(owner).items() if not k.startswith("__")}
            contents = {k: v.copy() for k, v in bindings.items() if type(v) in self._CONTAINERS}
            self.saved.append((owner, bindings, contents))
        return self

    def __exit__(self, *exc_info: object) -> None:
        for owner, bindings, contents in self.saved:
            current = vars(owner)
            for key in [k for k in current if not k.startswith("__") and k not in bindings]:
                delattr(owner, key)
            for key, value in bindings.items():
                if current.get(key) is not value:
                    setattr(owner, key, value)
            for key, content in contents.items():
                container = bindings[key]
                if container != content:
                    container.clear()
                    if isinstance(container, list):
                        container.extend(content)
                    else:
                        container.update(content)


_LIBRARY_LOCK = threading.Lock()


@functools.cache
def _library() -> tuple[Callable[..., Any], Any]:
    """Import latex2sympy2_extended lazily (plain-text users never pay for ANTLR)."""
    from latex2sympy2_extended import latex2sympy
    from latex2sympy2_extended.latex2sympy2 import ConversionConfig

    config = ConversionConfig(
        interpret_as_mixed_fractions=False,
        interpret_simple_eq_as_assignment=False,
        interpret_contains_as_eq=False,
        lowercase_symbols=False,
    )
    return latex2sympy, config


def _run_library(skeleton: str) -> Any:
    """One guarded, serialised call of latex2sympy on a skeleton of placeholders."""
    try:
        latex2sympy, config = _library()
    except ImportError as exc:
        raise ParseError("LaTeX input needs the latex2sympy2_extended package", "", None) from exc
    with _LIBRARY_LOCK, _LibraryState():
        return latex2sympy(skeleton, normalization_config=None, conversion_config=config)


def _parse_latex(text: str, *, equation: bool) -> list[sp.Expr]:
    """LaTeX front end: wrappers, nesting bound, tokens, '=' handling, translation."""
    start, end = _strip_wrappers(text)
    _check_nesting(text, start, end, "{([", "})]", MAX_LATEX_DEPTH)
    tokens = _LatexTokenizer(text, start, end).run()
    results = []
    for run, run_end in _split_equation(text, tokens, start, end, equation=equation):
        items = _build_tree(text, run, run_end)
        stray = _stray_differential(items)
        if stray is not None:
            _error(f"stray differential d{items[-1].text}", text, stray.pos)
        results.append(_LatexTranslator(text).expr(items, start))
    return results


# ------------------------------------------------------------------------- validation


# Classes our function table builds (sqrt, cbrt, log2 build Pow/Mul, checked anyway).
_ALLOWED_FUNCTION_TYPES: tuple[type, ...] = tuple(
    {type(spec.build(sp.Symbol("x"))) for spec in _FUNCS.values()} - {sp.Pow, sp.Mul}
)
# Functions no syntax produces but SymPy's own evaluation of allowed ones can, e.g.
# Abs(exp(x)) -> exp(re(x)) and Abs(x**y) -> ... arg(x) ...
_EVALUATION_FUNCTION_TYPES = (sp.re, sp.im, sp.arg, sp.conjugate)
_UNDEFINED_VALUES = frozenset({sp.zoo, sp.nan, sp.oo, sp.S.NegativeInfinity})


def _allowed_node(node: sp.Basic, parent: sp.Basic | None) -> bool:
    """True for the node types a parsed expression may contain."""
    if isinstance(node, sp.Add | sp.Mul | sp.Pow | sp.Symbol | sp.Rational | sp.Derivative):
        return True
    if node is sp.pi or node is sp.E or node is sp.I:
        return True
    if isinstance(node, _ALLOWED_FUNCTION_TYPES + _EVALUATION_FUNCTION_TYPES):
        return True
    if isinstance(node, AppliedUndef):
        return node.func.__name__ in _UNDEFINED_FUNCTIONS
    return isinstance(node, sp.Tuple) and isinstance(parent, sp.Derivative)


def _validate(expr: Any, text: str) -> sp.Expr:
    """Walk the result and refuse anything outside the allow-list (or undefined values)."""
    if not isinstance(expr, sp.Expr):
        _error(f"not an expression: {type(expr).__name__}", text, None)
    stack: list[tuple[sp.Basic, sp.Basic | None]] = [(expr, None)]
    while stack:
        node, parent = stack.pop()
        if node in _UNDEFINED_VALUES:
            _error(
                "the expression is undefined (division by zero, log(0), tan(pi/2), ...)",
                text,
                None,
            )
        if not _allowed_node(node, parent):
            _error(f"unsupported construct: {type(node).__name__}", text, None)
        stack.extend((arg, node) for arg in node.args)
    return expr


# ----------------------------------------------------------------------------- public


def _read(text: str, latex: bool | None, *, equation: bool) -> list[sp.Expr]:
    """Shared driver: checks, dispatch, and the promise that only ParseError escapes."""
    _check_text(text)
    use_latex = is_latex(text) if latex is None else latex
    try:
        if use_latex:
            results = _parse_latex(text, equation=equation)
        else:
            results = _parse_plain(text, equation=equation)
        return [_validate(result, text) for result in results]
    except ParseError:
        raise
    except RecursionError:
        raise ParseError("expression is nested too deeply", text, None) from None
    except Exception as exc:  # last line of defence: never leak another exception type
        raise ParseError(
            f"could not read the expression ({type(exc).__name__}: {_first_line(exc)})",
            text,
            None,
        ) from exc


def parse(text: str, *, latex: bool | None = None) -> sp.Expr:
    r"""Parse one expression typed as plain text or LaTeX into a SymPy expression.

    ``latex=None`` auto-detects (see :func:`is_latex`); True/False force a syntax. A
    top-level ``=`` is accepted only after an answer label such as ``f'(x) =`` or
    ``y =``, which is dropped. Raises :class:`ParseError` (with ``position``) on any
    problem.

    >>> parse("3 sin x cos x")
    3*sin(x)*cos(x)
    >>> parse(r"\sin^2 x + \log x")
    log(x) + sin(x)**2
    """
    return _read(text, latex, equation=False)[0]


def parse_equation(text: str, *, latex: bool | None = None) -> tuple[sp.Expr, sp.Expr]:
    """Parse ``lhs = rhs`` (e.g. an implicit curve ``x^2 + y^2 = 1``) into two expressions.

    >>> parse_equation("x y = 1")
    (x*y, 1)
    """
    left, right = _read(text, latex, equation=True)
    return left, right
