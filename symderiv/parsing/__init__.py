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
exceed ``MAX_RESULT_DIGITS`` digits are refused before they are computed.
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
from symderiv.parsing.reader import parse, parse_equation

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
