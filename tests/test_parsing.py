r"""Tests for symderiv.parsing: plain text, LaTeX, refusals, limits, and safety.

Every expected value is an exact SymPy expression compared with ``==``; the LaTeX tests
include one named test per defect measured in the raw latex2sympy2_extended library.
"""

from __future__ import annotations

import builtins
import re
import sys
import time

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symderiv.errors import ParseError
from symderiv.functions import relu, sigmoid, softplus
from symderiv.parsing import (
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_INTEGER_DIGITS,
    MAX_LATEX_DEPTH,
    MAX_LENGTH,
    is_latex,
    parse,
    parse_equation,
)
from symderiv.parsing import latex as parsing_latex

x, y, z, b, d, r = sp.symbols("x y z b d r")
w_1, w_12, x1, x2 = sp.symbols("w_1 w_12 x1 x2")
alpha, beta, theta, sigma = sp.symbols("alpha beta theta sigma")
f, g = sp.Function("f"), sp.Function("g")
half = sp.Rational(1, 2)

# Generous wall-clock bound for "finishes fast" (CI machines can be loaded).
FAST = 1.0


@pytest.fixture(scope="module", autouse=True)
def _warm_up() -> None:
    """Import and warm up the LaTeX library once so timing assertions measure parsing."""
    parse(r"\frac{x}{2} + 1")


def timed_parse_error(text: str, **kwargs: object) -> tuple[ParseError, float]:
    """Parse ``text`` expecting a ParseError; return it and the elapsed seconds."""
    start = time.perf_counter()
    with pytest.raises(ParseError) as info:
        parse(text, **kwargs)
    return info.value, time.perf_counter() - start


# ------------------------------------------------------------------------- plain text

PLAIN_CASES = [
    ("x^2 sin(x)", x**2 * sp.sin(x)),
    ("2x", 2 * x),
    ("x y", x * y),
    ("3 sin(x)", 3 * sp.sin(x)),
    ("x e^x", x * sp.exp(x)),
    ("sin x", sp.sin(x)),
    ("sin 2x", sp.sin(2 * x)),
    ("sin^2 x", sp.sin(x) ** 2),
    ("sin^2(x)", sp.sin(x) ** 2),
    ("sin(x)^2", sp.sin(x) ** 2),
    ("sin^-1 x", sp.asin(x)),
    ("sin x cos x", sp.sin(x) * sp.cos(x)),
    ("sin x * cos x", sp.sin(x) * sp.cos(x)),
    ("sin x^2", sp.sin(x**2)),
    ("2 sin x cos x", 2 * sp.sin(x) * sp.cos(x)),
    ("sin(x)/x", sp.sin(x) / x),
    ("e", sp.E),
    ("pi", sp.pi),
    ("π r^2", sp.pi * r**2),
    ("ln x", sp.log(x)),
    ("ln x + 1", sp.log(x) + 1),
    ("ln ln x", sp.log(sp.log(x))),
    ("log(x)", sp.log(x)),
    ("log(x, 2)", sp.log(x, 2)),
    ("log_2 x", sp.log(x, 2)),
    ("log2(x)", sp.log(x, 2)),
    ("log10 x", sp.log(x, 10)),
    ("sqrt(x)", sp.sqrt(x)),
    ("cbrt(x)", x ** sp.Rational(1, 3)),
    ("exp(x)", sp.exp(x)),
    ("e^x", sp.exp(x)),
    ("e^(2x)", sp.exp(2 * x)),
    ("abs(x)", sp.Abs(x)),
    ("|x - 1|", sp.Abs(x - 1)),
    ("||x| - 1|", sp.Abs(sp.Abs(x) - 1)),
    ("|x| |y|", sp.Abs(x) * sp.Abs(y)),
    ("asin(x)", sp.asin(x)),
    ("arctan x", sp.atan(x)),
    ("arsinh(x)", sp.asinh(x)),
    ("sinh x", sp.sinh(x)),
    ("tanh(x)", sp.tanh(x)),
    ("sigmoid(x)", sigmoid(x)),
    ("sigma(x)", sigmoid(x)),
    ("σ(x)", sigmoid(x)),
    ("sigma x", sigma * x),
    ("softplus(x)", softplus(x)),
    ("relu(x)", relu(x)),
    ("ReLU(x)", relu(x)),
    ("erf(x)", sp.erf(x)),
    ("gamma(x)", sp.gamma(x)),
    ("heaviside(x)", sp.Heaviside(x)),
    ("sign(x)", sp.sign(x)),
    ("w_1 x + b", w_1 * x + b),
    ("w_12", w_12),
    ("x1 + x2", x1 + x2),
    ("theta + alpha", theta + alpha),
    ("2thetax", 2 * theta * x),
    ("xi", sp.Symbol("xi")),
    ("θ_1", sp.Symbol("theta_1")),
    ("1/(1+e^(-x))", 1 / (1 + sp.exp(-x))),
    ("(3x+1)^2", (3 * x + 1) ** 2),
    ("[x + 1]^2", (x + 1) ** 2),
    ("x^-1", 1 / x),
    ("2^x", 2**x),
    ("x^x", x**x),
    ("-x^2", -(x**2)),
    ("2^-x", 2 ** (-x)),
    ("2^3^2", sp.Integer(512)),
    ("x**2", x**2),
    ("x²", x**2),
    ("2·x", 2 * x),
    ("f(g(x))", f(g(x))),
    ("f(x, y)", f(x, y)),
    ("0.5x", x / 2),
    ("0.1", sp.Rational(1, 10)),
    (".25", sp.Rational(1, 4)),
    ("xy", x * y),
    ("sinx", sp.sin(x)),
    ("xsin(x)", x * sp.sin(x)),
    ("x(x+1)", x * (x + 1)),
    ("(x+1)(x-1)", (x + 1) * (x - 1)),
    ("2(x+1)", 2 * (x + 1)),
    ("d/dx (x^2)", sp.Derivative(x**2, x)),
    ("d/dx x^2 + 1", sp.Derivative(x**2, x) + 1),
    ("d^2/dx^2 x^3", sp.Derivative(x**3, (x, 2))),
    ("dy/dx", sp.Derivative(y, x)),
]


@pytest.mark.parametrize(("text", "expected"), PLAIN_CASES, ids=[t for t, _ in PLAIN_CASES])
def test_plain_notation(text: str, expected: sp.Expr) -> None:
    assert parse(text) == expected


def test_plain_symbols_have_no_assumptions() -> None:
    assert parse("x") == sp.Symbol("x")
    assert parse("x").assumptions0 == sp.Symbol("x").assumptions0


def test_decimals_are_exact() -> None:
    assert parse("0.1 + 0.2") == sp.Rational(3, 10)
    assert parse("3.14").is_Rational


LABEL_CASES = [
    ("f'(x) = 2x", 2 * x),
    ("f''(x) = 6x", 6 * x),
    ("f(x) = x^2", x**2),
    ("y = x^2", x**2),
    ("y' = 3x", 3 * x),
    ("dy/dx = 3x^2", 3 * x**2),
    ("d/dx f(x) = cos(x)", sp.cos(x)),
    ("L(w, b) = (w_1 x + b)^2", (w_1 * x + b) ** 2),
]


@pytest.mark.parametrize(("text", "expected"), LABEL_CASES, ids=[t for t, _ in LABEL_CASES])
def test_answer_labels_are_stripped(text: str, expected: sp.Expr) -> None:
    assert parse(text) == expected


def test_equation_where_expression_expected_is_refused() -> None:
    error, _ = timed_parse_error("x^2 + y^2 = 1")
    assert error.position == 10
    assert "parse_equation" in error.message


# ----------------------------------------------------------------------------- LaTeX

LATEX_CASES = [
    (r"\frac{1}{1+e^{-x}}", 1 / (1 + sp.exp(-x))),
    (r"\dfrac{x}{2}", x / 2),
    (r"\frac12 x", x / 2),
    (r"\sqrt[3]{x}", x ** sp.Rational(1, 3)),
    (r"\sqrt{x}", sp.sqrt(x)),
    (r"\sqrt2", sp.sqrt(2)),
    (r"\left(x+1\right)^2", (x + 1) ** 2),
    (r"\left[x+1\right]", x + 1),
    (r"\sin^2 x", sp.sin(x) ** 2),
    (r"\sin^{2}\left(x\right)", sp.sin(x) ** 2),
    (r"\tan^{-1} x", sp.atan(x)),
    (r"w_1", w_1),
    (r"w_{12}", w_12),
    (r"\theta_1", sp.Symbol("theta_1")),
    (r"\ln x", sp.log(x)),
    (r"\exp(x)", sp.exp(x)),
    (r"\log_2 x", sp.log(x, 2)),
    (r"\log_{10}(x)", sp.log(x, 10)),
    (r"a \cdot b", sp.Symbol("a") * b),
    (r"x \times y \div z", x * y / z),
    (r"2\sin x\cos x", 2 * sp.sin(x) * sp.cos(x)),
    (r"\sin 2x", sp.sin(2 * x)),
    (r"\sin x \cos x", sp.sin(x) * sp.cos(x)),
    (r"\left|x - 1\right|", sp.Abs(x - 1)),
    (r"\lvert x \rvert", sp.Abs(x)),
    (r"\operatorname{softplus}\left(x\right)", softplus(x)),
    (r"\operatorname{ReLU}(x)", relu(x)),
    (r"\mathrm{relu}(x)", relu(x)),
    (r"\operatorname{sigmoid}(x)", sigmoid(x)),
    (r"\Gamma(x)", sp.gamma(x)),
    (r"e^{x}", sp.exp(x)),
    (r"\alpha + \beta x", alpha + beta * x),
    (r"\pi r^2", sp.pi * r**2),
    (r"f\left(g\left(x\right)\right)", f(g(x))),
    (r"$$\frac{x}{2}$$", x / 2),
    (r"\(x + 1\)", x + 1),
    (r"\[x\]", x),
    (r"\frac{d}{dx}\left(x^2\right)", sp.Derivative(x**2, x)),
    (r"\frac{\partial}{\partial x} x^2 y", sp.Derivative(x**2 * y, x)),
    (r"\frac{dy}{dx}", sp.Derivative(y, x)),
    (r"2\frac{1}{2}", sp.Integer(1)),
]


@pytest.mark.parametrize(("text", "expected"), LATEX_CASES, ids=[t for t, _ in LATEX_CASES])
def test_latex_notation(text: str, expected: sp.Expr) -> None:
    assert parse(text) == expected


# Each defect we measured in raw latex2sympy2_extended gets its own test.


def test_latex_sin_cdot_cos_scopes_the_bare_argument() -> None:
    # raw library: sin(x*cos(x))
    assert parse(r"\sin x \cdot \cos x") == sp.sin(x) * sp.cos(x)


def test_latex_cos_x_cdot_x_scopes_the_bare_argument() -> None:
    # raw library: cos(x**2)
    assert parse(r"\cos x \cdot x") == x * sp.cos(x)


def test_latex_log_is_natural() -> None:
    # raw library: log(x, 10)
    assert parse(r"\log x") == sp.log(x)
    assert parse(r"\log_{10} x") == sp.log(x, 10)


def test_latex_sigma_is_our_sigmoid() -> None:
    # raw library: an undefined function named "\sigma"
    assert parse(r"\sigma(x)") == sigmoid(x)
    assert parse(r"\sigma\left(w_1 x + b\right)") == sigmoid(w_1 * x + b)
    assert parse(r"\sigma x") == sigma * x


def test_latex_mathrm_e_is_euler() -> None:
    # raw library: a symbol named "math{e}"
    assert parse(r"\mathrm{e}^{2x}") == sp.exp(2 * x)
    assert parse(r"\mathrm{e}") is sp.E


def test_latex_prime_label_is_stripped_not_solved() -> None:
    # raw library: solves or mangles f'(x) = 2x
    assert parse(r"f'(x) = 2x") == 2 * x
    assert parse(r"f^{\prime}(x) = 2x") == 2 * x
    assert parse(r"\frac{dy}{dx} = 2x") == 2 * x
    assert parse(r"\frac{d}{dx} f(x) = \cos x") == sp.cos(x)
    assert parse(r"\frac{df}{dx} = 1") == 1
    assert parse(r"f^{\prime\prime}(x) = 6x") == 6 * x
    assert parse(r"\frac{\partial f}{\partial x} = 2x") == 2 * x
    assert parse(r"\dfrac{\mathrm{d}^{2}y}{\mathrm{d}x^{2}} = 6x") == 6 * x
    assert parse(r"$y = x^{2}$") == x**2
    assert parse(r"f\left(x\right) = \sin x") == sp.sin(x)


def test_latex_assignment_is_not_remembered() -> None:
    # old library versions stored y = x^2 and substituted it into later parses
    assert parse(r"y = x^{2}") == x**2
    assert parse(r"y", latex=True) == y
    assert parse(r"y + \frac{1}{2}") == y + half


def test_latex_stray_differential_is_refused_and_harmless() -> None:
    # the old library overwrote module state on a bare differential
    error, _ = timed_parse_error(r"2x\,dx")
    assert error.position == 4
    assert "stray differential dx" in error.message
    error, _ = timed_parse_error("2x dx")
    assert "stray differential" in error.message
    assert parse(r"x^2") == x**2
    assert parse(r"x^{2} + \frac{1}{x}") == x**2 + 1 / x


def test_latex_second_derivative_operator() -> None:
    # raw library: d**2*x**3/dx**2
    assert parse(r"\frac{d^2}{dx^2}x^3") == sp.Derivative(x**3, (x, 2))
    assert parse(r"\frac{d^{2}}{dx^{2}}\left(x^{3}\right)") == sp.Derivative(x**3, (x, 2))
    assert parse(r"\frac{d}{dx}(x^2)") == sp.Derivative(x**2, x)
    assert parse(r"\frac{d}{dx} x^2 + 1") == sp.Derivative(x**2, x) + 1


def test_latex_undefined_function_application() -> None:
    # raw library: f*g(x)
    assert parse(r"f(g(x))", latex=True) == f(g(x))


def test_latex_det_and_eye_are_refused_quickly() -> None:
    error, elapsed = timed_parse_error(r"\det(A)")
    assert error.position == 0 and r"\det" in error.message
    assert elapsed < FAST
    error, elapsed = timed_parse_error(r"\operatorname{eye}(100000)")
    assert error.position == 0 and "eye" in error.message
    assert elapsed < FAST


@pytest.mark.parametrize(
    "text",
    [
        "{" * 500 + "x" + "}" * 500,
        r"\sqrt{" * 200 + "x" + "}" * 200,
        r"\sqrt" * 200 + "{x}",
        r"\sin" * 200 + " x",
        r"\left(" * 100 + "x" + r"\right)" * 100,
    ],
    ids=["500-braces", "200-sqrt-braced", "200-sqrt-chained", "200-sin", "100-left-paren"],
)
def test_latex_deep_nesting_is_refused_quickly(text: str) -> None:
    error, elapsed = timed_parse_error(text)
    assert error.position is not None
    assert elapsed < FAST


def test_latex_depth_limit_is_exact() -> None:
    depth = MAX_LATEX_DEPTH
    assert parse("{" * depth + "x+1" + "}" * depth) == x + 1
    error, _ = timed_parse_error("{" * (depth + 1) + "x" + "}" * (depth + 1))
    assert error.position == depth


def test_latex_max_depth_parses_fast() -> None:
    depth = MAX_LATEX_DEPTH
    text = "".join(r"\frac{1+" if k % 2 else r"\left(1+" for k in range(depth))
    text += "x" + "".join("}{2}" if k % 2 else r"\right)" for k in reversed(range(depth)))
    start = time.perf_counter()
    parse(text)
    assert time.perf_counter() - start < FAST


# ------------------------------------------------------------------ plain/LaTeX agree

AGREEMENT = [
    ("x^2 sin(x)", r"x^2 \sin(x)", r"$x^{2}\sin x$"),
    ("sin(x)^2", r"\sin^2 x", r"\sin^{2}\left(x\right)"),
    ("1/(1+e^(-x))", r"\frac{1}{1+e^{-x}}", r"\dfrac{1}{1 + \mathrm{e}^{-x}}"),
    ("w_1 x + b", r"w_1 x + b", r"w_{1}x+b"),
    ("sigmoid(x)", r"\sigma(x)", r"\operatorname{sigmoid}\left(x\right)"),
    ("ln x", r"\ln x", r"\log x"),
    ("log(x, 2)", r"\log_2 x", r"\log_{2}(x)"),
    ("|x - 1|", r"\left|x-1\right|", r"\lvert x - 1 \rvert"),
    ("d/dx (x^2)", r"\frac{d}{dx}(x^2)", r"\frac{\mathrm{d}}{\mathrm{d}x}\left(x^{2}\right)"),
    ("sqrt(x) + cbrt(x)", r"\sqrt{x} + \sqrt[3]{x}", r"\sqrt x+\sqrt[3]x"),
    ("x e^x", r"x e^{x}", r"x\exp(x)"),
    ("theta_1 + alpha", r"\theta_1 + \alpha", r"\theta_{1}+\alpha"),
    ("0.5 x^-1", r"0.5 x^{-1}", r"\frac{1}{2x}"),
    ("sin x cos x", r"\sin x \cos x", r"\sin x \cdot \cos x"),
]


@pytest.mark.parametrize("texts", AGREEMENT, ids=[t[0] for t in AGREEMENT])
def test_plain_and_latex_agree(texts: tuple[str, str, str]) -> None:
    plain, latex_a, latex_b = texts
    assert not is_latex(plain)
    assert parse(plain) == parse(latex_a, latex=True) == parse(latex_b)


# ---------------------------------------------------------------------- equations


def test_parse_equation_implicit_curve() -> None:
    assert parse_equation("x^2 + y^2 = 1") == (x**2 + y**2, 1)
    assert parse_equation(r"$x^{2} + y^{2} = 1$") == (x**2 + y**2, 1)
    assert parse_equation("y = x^2") == (y, x**2)
    assert parse_equation("x y = sin(x + y)") == (x * y, sp.sin(x + y))


@pytest.mark.parametrize(
    ("text", "position"),
    [("x^2 + 1", None), ("x = y = 1", 6), ("= 1", 0), ("x =", 2), (r"x = \foo", 4)],
)
def test_parse_equation_refusals(text: str, position: int | None) -> None:
    with pytest.raises(ParseError) as info:
        parse_equation(text)
    assert info.value.position == position


def test_is_latex() -> None:
    assert is_latex(r"\frac{1}{2}")
    assert is_latex("$x$")
    assert is_latex(" \\(x\\)")
    assert is_latex("x^{2}")
    assert not is_latex("x^2 sin(x)")
    assert not is_latex("x $ y")


# ------------------------------------------------------------------------ refusals

BAD_INPUTS = [
    ("(x+1", 0),
    ("x+1)", 3),
    ("2 +", 2),
    ("* x", 0),
    ("x^", 1),
    ("sin()", 3),
    ("sin", 3),
    ("", 0),
    ("   \t ", 0),
    ("x^(9^(9^9))", 4),
    ("10^10^10", 2),
    ("2^100000", 1),
    ("2^1000", 1),
    ("sqrt(10^99 + 7)", 0),
    ("9" * 5000, None),
    ("1" * (MAX_INTEGER_DIGITS + 1), 0),
    ("x+" * 50000 + "x", None),
    ("(" * 999 + "x" + ")" * 999, MAX_DEPTH),
    ("-" * 200 + "x", None),
    ("sin " * 200 + "x", None),
    ("__import__('os')", 0),
    ("lambda: 0", 6),
    ("x.__class__", 1),
    ('os.system("ls")', 2),
    ("x;y", 1),
    ("x\x00y", 1),
    ("x\u202ey", 1),
    ("x $ y", 2),
    ("foo(x)", 0),
    ("1 2", 2),
    ("(x+1)2", 5),
    ("x^^2", 2),
    (")x(", 0),
    ("1/2x", 3),
    ("e^2x", 1),
    ("1e5", 1),
    ("1/0", 1),
    ("ln(0)", None),
    ("tan(pi/2)", None),
    ("log(x, 1)", 0),
    ("gamma(5000)", 0),
    ("x!", 1),
    ("f'(x)", 1),
    ("x, y", 1),
    ("2x dx", 3),
    ("x = 1", 2),
    ("d^2/dx^3 x", 6),
    (r"\left(x", 0),
    (r"\frac{1}", 0),
    (r"\foo", 0),
    (r"\input{/etc/passwd}", 0),
    (r"\def\x{}", 0),
    (r"\begin{pmatrix}1\end{pmatrix}", 0),
    (r"\int x\,dx", 0),
    (r"\sum_{i=1}^n i", 0),
    (r"\operatorname{eye}(3)", 0),
    (r"\det(A)", 0),
    (r"\infty", 0),
    (r"\frac{x}{0}", 0),
    (r"x^{23", 2),
    (r"\sqrt", 0),
    (r"\sin", 4),
    ("$x", 0),
    (r"\left.x\right|", 5),
    (r"\alpha/b c", 9),
    (r"x^23 \cdot 2", 2),
    (r"w_12 + \alpha", 2),
    (r"x^-1 \cdot \pi", 2),
    (r"x^{2}^{3}", 5),
]


@pytest.mark.parametrize(
    ("text", "position"), BAD_INPUTS, ids=[repr(t[:30]) for t, _ in BAD_INPUTS]
)
def test_bad_input_is_refused_quickly(text: str, position: int | None) -> None:
    error, elapsed = timed_parse_error(text)
    assert elapsed < FAST
    if position is not None:
        assert error.position == position, error.message
    assert error.position is None or 0 <= error.position <= len(text)
    assert error.message and error.text in ("", text)


def test_non_string_input_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        parse(None)  # type: ignore[arg-type]
    with pytest.raises(ParseError):
        parse(b"x")  # type: ignore[arg-type]


def test_limits_are_exposed_and_sane() -> None:
    assert MAX_LENGTH >= 1000
    assert 8 <= MAX_LATEX_DEPTH <= MAX_DEPTH
    assert parse("x^" + str(MAX_EXPONENT)) == x**MAX_EXPONENT
    with pytest.raises(ParseError):
        parse("x^" + str(MAX_EXPONENT + 1))
    assert parse("1" * MAX_INTEGER_DIGITS) == sp.Integer("1" * MAX_INTEGER_DIGITS)


def test_forcing_a_syntax() -> None:
    assert parse("x^2", latex=True) == x**2
    error, _ = timed_parse_error(r"\sin x", latex=False)
    assert error.position == 0


# ------------------------------------------------------------------------- safety


def test_parse_never_parses_strings_with_sympy_or_eval(monkeypatch: pytest.MonkeyPatch) -> None:
    """Patch every string-evaluating entry point to explode, then parse both syntaxes."""
    sympify_module = sys.modules["sympy.core.sympify"]
    parser_module = sys.modules["sympy.parsing.sympy_parser"]

    def refuse_strings(name: str, real):
        def wrapper(*args, **kwargs):
            if args and isinstance(args[0], str):
                raise AssertionError(f"{name} was called with a string: {args[0]!r}")
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(
        sympify_module, "sympify", refuse_strings("sympify", sympify_module.sympify)
    )
    monkeypatch.setattr(sp, "sympify", refuse_strings("sympy.sympify", sp.sympify))
    monkeypatch.setattr(
        parser_module, "parse_expr", refuse_strings("parse_expr", parser_module.parse_expr)
    )
    monkeypatch.setattr(builtins, "eval", refuse_strings("eval", builtins.eval))
    monkeypatch.setattr(builtins, "exec", refuse_strings("exec", builtins.exec))
    with pytest.raises(AssertionError):  # the trap works: string sympify goes through it
        sp.sympify("x + 1")

    assert parse("x^2 sin(x) + 0.5x - 3/4 + f(g(x)) + sigmoid(x) + |x|") == (
        x**2 * sp.sin(x) + x / 2 - sp.Rational(3, 4) + f(g(x)) + sigmoid(x) + sp.Abs(x)
    )
    assert parse(r"\frac{1}{1+e^{-x}} + \sqrt[3]{x} + 0.25 + 12x \cdot 3") == (
        1 / (1 + sp.exp(-x)) + x ** sp.Rational(1, 3) + sp.Rational(1, 4) + 36 * x
    )
    assert parse("d/dx (x^2) + log_2 x") == sp.Derivative(x**2, x) + sp.log(x, 2)


def test_library_sees_only_a_flat_skeleton(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real = parsing_latex._run_library

    def spy(skeleton: str):
        seen.append(skeleton)
        return real(skeleton)

    monkeypatch.setattr(parsing_latex, "_run_library", spy)
    parse(r"\frac{1}{1+e^{-x}} + \sin\left(x^{2} - 1\right) \cdot 3 - \frac{x}{2}")
    assert seen
    skeleton = re.compile(r"(?:\\variable\{P\d+\}|[-+/ ]|\\cdot )+")
    assert all(skeleton.fullmatch(text) for text in seen), seen


def test_library_state_is_saved_and_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    """A call that poisons the library's module state must not affect later calls."""
    parse(r"x + \frac{1}{2}")  # make sure the library is imported
    library = sys.modules["latex2sympy2_extended.latex2sympy2"]
    symbols = sys.modules["latex2sympy2_extended.symbols"]
    converter = library._Latex2Sympy
    real_parse = converter.parse

    def poisoning_parse(self, latex: str):
        symbols.GREEK_LETTER_MAP["\\alpha"] = "beta"
        library.variances = {"y": 42}  # what old versions kept at module level
        converter.sticky = True
        return real_parse(self, latex)

    monkeypatch.setattr(converter, "parse", poisoning_parse)
    assert parse("x + y", latex=True) == x + y
    assert symbols.GREEK_LETTER_MAP["\\alpha"] == "alpha"
    assert not hasattr(library, "variances")
    assert not hasattr(converter, "sticky")


def test_library_exceptions_become_parse_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    library = sys.modules["latex2sympy2_extended.latex2sympy2"]

    def broken(self, latex: str):
        raise RuntimeError("I don't understand this\n" + latex + "\n" + "~" * 13 + "^")

    monkeypatch.setattr(library._Latex2Sympy, "parse", broken)
    error, _ = timed_parse_error(r"x + y \cdot z")
    assert "LaTeX reader" in error.message
    assert error.position == 2
    monkeypatch.undo()
    assert parse(r"x + y \cdot z") == x + y * z


def test_recursion_is_bounded_even_for_deep_callers() -> None:
    """Refusal, not RecursionError, when the caller's stack is already deep."""

    def stack_depth() -> int:
        frame, depth = sys._getframe(), 0
        while frame is not None:
            frame, depth = frame.f_back, depth + 1
        return depth

    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(stack_depth() + 60)
        with pytest.raises(ParseError) as info:
            parse("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH)
    finally:
        sys.setrecursionlimit(limit)
    assert "nested too deeply" in info.value.message


# ------------------------------------------------------------------------ properties

PLAIN_ALPHABET = [
    *"xyzabdfgh0123456789.+-*/^()[]|,=_' e",
    *["sin", "cos", "ln", "log", "sqrt", "sigma", "pi", "d/dx", "**", "exp", "abs"],
    *["theta", "w_1", "log_2", "x1", "dx", "dy/dx", "f(x)", "^-1", "e^", "σ", "²"],
]
LATEX_ALPHABET = [
    *[r"\frac", "{", "}", r"\sin", r"\cos", r"\left(", r"\right)", r"\left|", r"\right|"],
    *["^", "_", "x", "y", "2", "12", "0.5", r"\cdot", r"\times", r"\sqrt", "[", "]", "|"],
    *[r"\log", r"\ln", r"\exp", r"\sigma", r"\pi", r"\alpha", r"\partial", r"\,", " "],
    *["d", "dx", "(", ")", "+", "-", "/", "=", "'", "e", r"\mathrm{e}", r"\mathrm{d}"],
    *[r"\operatorname{ReLU}", r"\text{ }", "f", "$", r"\det", "\\"],
]
PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def assert_expr_or_parse_error(text: str) -> None:
    """The contract: an Expr, or a ParseError whose position lies inside the text."""
    for reader in (parse, parse_equation):
        try:
            result = reader(text)
        except ParseError as error:
            assert error.position is None or 0 <= error.position <= len(text)
            assert not error.message.startswith("could not read"), error.message
        else:
            results = result if isinstance(result, tuple) else (result,)
            assert all(isinstance(item, sp.Expr) for item in results)


@PROPERTY_SETTINGS
@given(st.lists(st.sampled_from(PLAIN_ALPHABET), max_size=16).map("".join))
def test_property_grammar_like_plain_text(text: str) -> None:
    assert_expr_or_parse_error(text)


@PROPERTY_SETTINGS
@given(st.lists(st.sampled_from(LATEX_ALPHABET), max_size=16).map("".join))
def test_property_grammar_like_latex(text: str) -> None:
    assert_expr_or_parse_error(text)


@PROPERTY_SETTINGS
@given(st.text(max_size=40))
def test_property_arbitrary_text(text: str) -> None:
    assert_expr_or_parse_error(text)


# A random expression tree, rendered as plain text and as LaTeX, must parse to the SymPy
# expression built directly from the tree (the plain parser and the LaTeX layer agree).
LEAVES = st.sampled_from(
    [("x", "x", x), ("y", "y", y), ("w_1", "w_{1}", w_1), ("theta", r"\theta", theta)]
    + [(str(n), str(n), sp.Integer(n)) for n in range(1, 10)]
    + [("0.5", "0.5", half), ("pi", r"\pi", sp.pi), ("e", r"\mathrm{e}", sp.E)]
)
UNARY = [
    ("sin({})", r"\sin\left({}\right)", sp.sin),
    ("cos({})", r"\cos{{{}}}", sp.cos),
    ("exp({})", r"e^{{{}}}", sp.exp),
    ("ln({})", r"\ln\left({}\right)", sp.log),
    ("sqrt({})", r"\sqrt{{{}}}", sp.sqrt),
    ("sigmoid({})", r"\sigma\left({}\right)", sigmoid),
    ("|{}|", r"\left|{}\right|", sp.Abs),
    ("-({})", r"-\left({}\right)", lambda a: -a),
]
BINARY = [
    ("({})+({})", r"\left({}\right)+\left({}\right)", lambda a, c: a + c),
    ("({})-({})", r"\left({}\right)-\left({}\right)", lambda a, c: a - c),
    ("({})*({})", r"\left({}\right)\cdot\left({}\right)", lambda a, c: a * c),
    ("({})/({})", r"\frac{{{}}}{{{}}}", lambda a, c: a / c),
    ("({}) ({})", r"\left({}\right)\left({}\right)", lambda a, c: a * c),
]


def defined(value: sp.Expr | None) -> sp.Expr | None:
    """The value, or None if it is (or contains) zoo, nan or an infinity."""
    return None if value is None or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo) else value


@st.composite
def expression_trees(draw: st.DrawFn, depth: int = 3) -> tuple[str, str, sp.Expr | None]:
    """(plain text, LaTeX, expected SymPy or None if some part is undefined, like 1/0)."""
    kind = draw(st.sampled_from(["leaf", "unary", "binary", "power"] if depth else ["leaf"]))
    if kind == "leaf":
        return draw(LEAVES)
    if kind == "unary":
        plain_form, latex_form, build = draw(st.sampled_from(UNARY))
        plain, latex, value = draw(expression_trees(depth - 1))
        result = None if value is None else build(value)
        return plain_form.format(plain), latex_form.format(latex), defined(result)
    if kind == "power":
        plain, latex, value = draw(expression_trees(depth - 1))
        power = draw(st.integers(min_value=-3, max_value=4))
        result = None if value is None else value**power
        return f"({plain})^({power})", rf"\left({latex}\right)^{{{power}}}", defined(result)
    plain_form, latex_form, build = draw(st.sampled_from(BINARY))
    left_plain, left_latex, left = draw(expression_trees(depth - 1))
    right_plain, right_latex, right = draw(expression_trees(depth - 1))
    result = None if left is None or right is None else build(left, right)
    return (
        plain_form.format(left_plain, right_plain),
        latex_form.format(left_latex, right_latex),
        defined(result),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expression_trees())
def test_property_plain_and_latex_renderings_agree(tree: tuple[str, str, sp.Expr | None]) -> None:
    plain, latex, expected = tree
    if expected is None:  # some sub-expression is undefined: both syntaxes refuse
        for text, force in ((plain, False), (latex, True)):
            with pytest.raises(ParseError):
                parse(text, latex=force)
        return
    assert parse(plain) == expected, plain
    assert parse(latex, latex=True) == expected, latex


# ------------------------------------------------- issues 16, 17, 18: input-layer defects


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"x 2^{x-1}", x * 2 ** (x - 1)),
        (r"x\,2^{x}", x * 2**x),
        (r"\left(x+1\right) 3", 3 * (x + 1)),
        ("x 2^(x-1)", x * 2 ** (x - 1)),
        ("x 2", 2 * x),
    ],
)
def test_issue16_item9_space_between_factors_is_a_product(text: str, expected: sp.Expr) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(("text", "position"), [("1 2", 2), (r"2 3", 2), ("2^3 4", 4)])
def test_issue16_item9_two_numbers_apart_stay_refused(text: str, position: int) -> None:
    """A space between two numbers may be a digit group (1 000): still refused."""
    with pytest.raises(ParseError, match="cannot follow") as info:
        parse(text)
    assert info.value.position == position


@pytest.mark.parametrize("latex", [False, True])
def test_issue16_item25_product_of_big_powers_is_refused_with_its_column(latex: bool) -> None:
    text = "10^{299}\\cdot " * 60 + "x" if latex else "10^299*" * 60 + "x"
    error, elapsed = timed_parse_error(text)
    assert elapsed < FAST
    assert "digits" in error.message
    second = text.index("10", 1)  # the second factor (or the operator before it) is refused
    assert error.position is not None and 2 <= error.position <= second


@pytest.mark.parametrize(
    "text",
    [
        "1/(10^299+1) + 1/(10^299+3) + 1/(10^299+7)",
        "(10^299 + 1)(10^299 + 3)",
        "gamma(1000) gamma(1000) x",
        "gamma(500)",
        r"\frac{1}{10^{299}} \cdot \frac{1}{10^{299}}",
    ],
)
def test_issue16_item25_issue17_item8_no_input_makes_an_unprintable_integer(text: str) -> None:
    """Sums, products and function values are bounded, not only single powers."""
    with pytest.raises(ParseError, match="digits"):
        parse(text)


def test_issue17_item8_largest_accepted_numbers_print() -> None:
    expr = parse("10^299 x + gamma(100)")
    assert len(str(expr)) < 600
    assert expr == 10**299 * x + sp.factorial(99)


@pytest.mark.parametrize("text", ["0^x", "0^(x^2+1)", r"0^{x}", "(1-1)^y"])
def test_issue16_item27_zero_to_a_variable_power_is_refused_at_read_time(text: str) -> None:
    """0^x is 0 where defined (x > 0) and undefined elsewhere; its derivative would carry
    zoo. Refused with the reason, at the caret."""
    with pytest.raises(ParseError, match="write 0 instead") as info:
        parse(text)
    assert info.value.position == text.index("^")


def test_issue16_item27_zero_to_numeric_powers_still_evaluates() -> None:
    assert parse("0^2 + x") == x
    assert parse("0^0") == 1
    with pytest.raises(ParseError, match="division by zero"):
        parse("0^-1")


@pytest.mark.parametrize(
    "text",
    [
        "sigmoid(sigmoid(sigmoid(sigmoid(asin(2)))))",
        "sigmoid(sigmoid(sigmoid(sigmoid(sigmoid(sigmoid(sigmoid(asin(2))))))))",
        "softplus(softplus(1/sqrt(asin(4)))**y)",
        "softplus(softplus(softplus(softplus(asin(3)))))",
    ],
)
def test_issue17_item2_nested_ml_functions_of_numbers_parse_fast(text: str) -> None:
    start = time.perf_counter()
    expr = parse(text)
    assert time.perf_counter() - start < FAST
    assert isinstance(expr, sigmoid | softplus)


def test_issue17_item2_numeric_values_of_nested_sigmoids_are_fast_and_right() -> None:
    expr = parse("sigmoid(sigmoid(sigmoid(sigmoid(sigmoid(sigmoid(asin(2)))))))")
    start = time.perf_counter()
    value = complex(expr.evalf(30))
    assert time.perf_counter() - start < FAST
    expected = complex(sp.asin(2).evalf(40))
    for _ in range(6):
        expected = 1 / (1 + __import__("cmath").exp(-expected))
    assert abs(value - expected) < 1e-12


def test_issue17_item2_ml_functions_keep_their_exact_values() -> None:
    assert sigmoid(0) == half and softplus(0) == sp.log(2) and sigmoid(x - x) == half
    assert relu(-3) == 0 and relu(half) == half
    assert sp.N(sigmoid(1), 40) == sp.N(1 / (1 + sp.exp(-1)), 40)
    point = sp.Rational(73, 100)  # not exact in binary: converted at the full precision
    assert sp.N(sigmoid(point), 40) == sp.N(1 / (1 + sp.exp(-point)), 40)
    assert sp.N(softplus(point + sp.I), 40) == sp.N(sp.log(1 + sp.exp(point + sp.I)), 40)
    assert sp.N(softplus(-800)) > 0  # log1p: no cancellation to 0


def test_issue17_item7_a_time_limit_during_parsing_is_not_bad_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The reader lets the CLI's time limit through: exit 3, 'gave up after', not 'could
    not read the expression'."""
    from symderiv.cli import app
    from symderiv.parsing import reader

    def slow_validate(expr: sp.Expr, text: str) -> sp.Expr:
        time.sleep(5)
        return expr

    monkeypatch.setattr(reader, "_validate", slow_validate)
    code = app.main(["--timeout", "0.3", "diff", "sigmoid(sigmoid(asin(2)))"])
    err = capsys.readouterr().err
    assert code == 3
    assert "gave up after 0.3 s" in err
    assert "could not read" not in err


def test_issue17_item7_only_foreign_errors_become_parse_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class CallerStop(Exception):
        pass

    def stop(expr: sp.Expr, text: str) -> sp.Expr:
        raise CallerStop

    from symderiv.parsing import reader

    monkeypatch.setattr(reader, "_validate", stop)
    with pytest.raises(CallerStop):
        parse("x + 1")


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("ln(0)", 0, "ln(0) is undefined"),
        ("x + log(0)", 4, "log(0) is undefined"),
        ("1 + tan(pi/2)", 4, "tan(pi/2) is undefined"),
        ("cot(0)", 0, "cot(0) is undefined"),
        (r"\ln 0", 0, "ln(0) is undefined"),
    ],
)
def test_issue17_item9_undefined_function_values_have_a_column(
    text: str, position: int, message: str
) -> None:
    with pytest.raises(ParseError) as info:
        parse(text)
    assert info.value.position == position
    assert info.value.message == message


def test_issue17_item9_relu_of_a_complex_number_evaluates_without_error() -> None:
    expr = parse("relu(asin(2))")
    assert expr.evalf() == expr  # no real value: stays as it is, no "not comparable"
    assert parse("relu(x)").evalf(subs={x: -2}) == 0
    assert parse("relu(pi)").evalf() == sp.pi.evalf()


def test_issue18_item4_parse_guards_never_ask_sympy_assumptions_about_zero(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Exact zero is tested structurally: no evalf while reading textbook expressions."""
    from sympy.core import evalf as evalf_module

    calls: list[object] = []
    original = evalf_module.evalf

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(evalf_module, "evalf", counting)
    texts = ["1/(1+e^(-x))", "x^2 sin(x)/(x+1)", "sigmoid(2) + softplus(3) x", "ln(2)/x"]
    # A numeric denominator asked denominator.is_zero, which evaluated it (5 evalf calls).
    texts += ["x/(sqrt(2) - 1)", r"\frac{x}{\sqrt{3}-1}", "1/(pi - 3) + x"]
    for text in texts:
        parse(text)
    assert calls == []


# ------------------------------------------------------- messages in the user's language

_HANGUL = re.compile("[\uac00-\ud7a3]")
KOREAN_CORPUS = [text for text, _ in BAD_INPUTS] + [
    "0^x",
    "10^299*10^299",
    "sin^-2 x",
    "x2 3 4",
    "log_ x",
    "d/dx",
    "ln(0)",
    r"\frac{d^2}{dx^3} x",
    r"\operatorname{E}\left(x\right)",
    r"J\left(x\right)",
    r"F\left(x\right)",
    r"\middle( x",
    r"\operatorname{atan}_{3}\left(x, y\right)",
    r"\sin^{-2} x",
    r"\mathrm{xyz}",
    r"\left\{ x \right\}",
]


@pytest.mark.parametrize("text", KOREAN_CORPUS, ids=[repr(t[:30]) for t in KOREAN_CORPUS])
def test_issue16_item17_every_parse_error_has_a_korean_text(text: str) -> None:
    """ParseError.localized("ko") translates every refusal (what and where)."""
    with pytest.raises(ParseError) as info:
        parse(text)
    error = info.value
    assert error.key is not None, error.message
    korean = error.localized("ko")
    assert _HANGUL.search(korean), korean
    if error.position is not None:
        assert f"{error.position + 1}번째 글자" in korean
    assert error.localized("en") == str(error)


def test_issue16_item17_korean_message_keeps_the_varying_parts() -> None:
    with pytest.raises(ParseError) as info:
        parse("x + ln(0)")
    assert info.value.key == "{a} is undefined"
    assert info.value.localized("ko") == (
        "정의되지 않는 값입니다: ln(0) (5번째 글자)\n  x + ln(0)\n      ^"
    )


def test_issue16_item17_korean_templates_use_the_same_parts() -> None:
    import tomllib
    from importlib import resources

    data = tomllib.loads(
        resources.files("symderiv").joinpath("messages_errors.toml").read_text("utf-8")
    )
    for entry in data["message"]:
        parts = sorted(re.findall(r"\{([abc])\}", entry["en"]))
        assert sorted(re.findall(r"\{([abc])\}", entry["ko"])) == parts, entry["en"]
        assert _HANGUL.search(entry["ko"]), entry["en"]


TANH_TEN = "tanh(" * 10 + "x" + ")" * 10


@pytest.mark.parametrize(
    "text",
    [
        TANH_TEN,
        "\\tanh\\left(" * 10 + "x" + "\\right)" * 10,
        "asin(sigmoid(tan(sigmoid(sinh(sinh(cos(tanh(exp(cosh(sqrt(cosh(cos(log(tanh(cos("
        "tan(tan(log(sigmoid(abs(x)))))))))))))))))))))",
    ],
)
def test_issue17_nested_hyperbolic_functions_are_refused_after_a_bounded_read(text: str) -> None:
    """SymPy's own evaluation of these takes minutes (tanh ten deep) to hours; reading
    stops after MAX_READ_SECONDS of CPU time with a ParseError that says why."""
    from symderiv.parsing.limits import MAX_READ_SECONDS

    start = time.thread_time()
    with pytest.raises(ParseError, match="nested too deeply for exact algebra") as info:
        parse(text)
    assert time.thread_time() - start < 4 * MAX_READ_SECONDS
    assert info.value.localized("ko").startswith("이 식을 읽는 데 계산 시간이 2초를 넘었습니다")


def test_issue17_textbook_input_is_read_without_the_watch() -> None:
    from symderiv.parsing.limits import _may_run_away

    assert not _may_run_away("-(y log(sigmoid(w x + b)) + (1 - y) log(1 - sigmoid(w x + b)))")
    assert not _may_run_away(r"\frac{e^{z_1}}{e^{z_1} + e^{z_2} + e^{z_3}}")
    assert _may_run_away(TANH_TEN)
    assert parse("tanh(tanh(tanh(x)))") == sp.tanh(sp.tanh(sp.tanh(x)))
