r"""Read what people type — plain text or LaTeX — into SymPy expressions, safely.

``parse`` takes one expression as a learner would type it and returns a SymPy expression
built directly from SymPy classes. Untrusted text never reaches ``eval``, ``exec``,
``sympify``, ``parse_expr`` or ``S(string)``: plain text is read by the tokeniser and
recursive-descent parser in this package, and LaTeX by our own tokeniser whose arithmetic
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
  A number continues a product only after a space: ``x 2^(x-1)`` is x·2^(x−1) (also
  in LaTeX, ``x 2^{x-1}``), ``x2`` is the symbol x2, while ``(x+1)2`` and two numbers
  apart (``1 2``, which may be a digit group) are refused. An implicit product right after ``/`` is
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
  ``(`` follows immediately; otherwise they are symbols. ``Gamma(a, x)`` is the upper and
  ``gamma(a, x)`` the lower incomplete gamma function. Special functions SymPy can
  differentiate, as whole words followed by ``(``: erfc erfi erfinv erfcinv Ei Si Ci Shi
  Chi li Li loggamma digamma sinc LambertW polygamma polylog expint uppergamma lowergamma
  atan2 max min.
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

Everything ``sympy.latex`` prints for the functions above is read back: powers on function
names (``\sin^{\frac{5}{2}}{\left(x \right)}`` is sin(x)^(5/2); ``\sin^{-1}`` stays asin),
``\operatorname{erfc}`` and the other special functions, ``\operatorname{Li}_{2}`` (polylog),
``\operatorname{E}_{n}`` (expint), ``\operatorname{atan}_{2}``, ``\operatorname{B}`` (beta),
``\max``/``\min``, ``\Gamma``/``\gamma`` of two arguments, and SymPy's letter-named calls
``W`` (LambertW), ``K``, ``E``, ``F``, ``\Pi`` (elliptic integrals, with ``\middle|`` and
``;`` between arguments), ``J_{n}``, ``Y_{n}``, ``I_{n}``, ``K_{n}`` (Bessel), ``S``, ``C``
(Fresnel), ``\zeta``, ``\eta``, ``\theta`` (Heaviside), ``\delta`` (Dirac delta). A letter is
such a call only when ``\left(`` follows it directly, as SymPy prints it; ``W(x)`` and
``W \left(x\right)`` stay products. SymPy's ``\gamma`` (Euler's constant) and ``i``
(the imaginary unit) are read as symbols, as people use them.

Every bracket group, function argument, fraction part and exponent is read by this package;
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
exceed ``MAX_RESULT_DIGITS`` digits are refused before they are computed, and any number
a product, sum or function value makes (``10^299*10^299``, ``gamma(1000)``) is refused
past that size, so every integer a parsed expression holds prints. Orders and parameters
of the special functions SymPy expands (polylog, expint, incomplete gamma, Bessel, zeta,
...) are at most ``MAX_SPECIAL_NUMBER`` in magnitude. ``0^x`` with a non-numeric exponent
is refused (0 where defined, undefined elsewhere; its derivative would hold zoo).

Errors
------
A ParseError says what and where (``position``); ``error.localized("ko")`` gives the same
in Korean from ``messages_errors.toml`` and ``error.key`` the message's English template.
Only SymPy's and the LaTeX library's own error types become ParseError: anything else
(a caller's time limit, KeyboardInterrupt, MemoryError) passes through.
"""

from __future__ import annotations

from symderiv.parsing.checks import is_latex
from symderiv.parsing.limits import (
    MAX_DEPTH,
    MAX_DERIVATIVE_ORDER,
    MAX_EXPONENT,
    MAX_INTEGER_DIGITS,
    MAX_LATEX_DEPTH,
    MAX_LENGTH,
    MAX_RESULT_DIGITS,
)
from symderiv.parsing.names import MAX_SPECIAL_NUMBER
from symderiv.parsing.reader import parse, parse_equation

__all__ = [
    "MAX_DEPTH",
    "MAX_DERIVATIVE_ORDER",
    "MAX_EXPONENT",
    "MAX_INTEGER_DIGITS",
    "MAX_LATEX_DEPTH",
    "MAX_LENGTH",
    "MAX_RESULT_DIGITS",
    "MAX_SPECIAL_NUMBER",
    "is_latex",
    "parse",
    "parse_equation",
]
