"""Problem banks: seeded generators of well-posed derivative problems.

Each bank is a function ``(rng, difficulty) -> Draft`` that builds a SymPy expression from
random coefficients and compositions (always from the ``random.Random`` it is given, never
the global one). :func:`draw` turns drafts into problems, keeping only well-posed ones: the
text round-trips through the parser, the engine's answer passes its numeric check, the
answer is not zero and not too large for the difficulty, and no function repeats.

>>> import random
>>> draft = BANKS["chain-rule"].generate(random.Random(1), 1)
>>> draft.kind, draft.order
('derivative', 1)
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from symderiv.functions import relu, sigmoid, softplus
from symderiv.worksheet.bank_descent import BANK_NAME, TITLE_EN, TITLE_KO, descent_steps

x, y, z, w, b = sp.symbols("x y z w b")
R = sp.Rational


@dataclass(frozen=True)
class Draft:
    """A candidate problem before it is checked."""

    expr: sp.Expr
    var: sp.Symbol = x
    order: int = 1
    kind: str = "derivative"
    #: gradient, hessian: the variables in order; at: the point as (name, value text) pairs.
    vars: tuple[sp.Symbol, ...] = ()
    at: tuple[tuple[str, str], ...] | None = None
    defs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Bank:
    """A named generator with its titles and the answer-size limit per difficulty."""

    name: str
    kind: str
    title_en: str
    title_ko: str
    generate: Callable[[random.Random, int], Draft]
    max_ops: tuple[int, int, int] = (14, 26, 44)

    def title(self, lang: str) -> str:
        return self.title_ko if lang == "ko" else self.title_en


# -- helpers ------------------------------------------------------------------------------


def _c(rng: random.Random, low: int = 1, high: int = 5, signed: bool = True) -> int:
    """A nonzero integer coefficient."""
    value = rng.randint(low, high)
    return -value if signed and rng.random() < 0.4 else value


def _linear(rng: random.Random, v: sp.Symbol = x) -> sp.Expr:
    return _c(rng, 2, 5, signed=False) * v + _c(rng, 1, 5)


def _quadratic(rng: random.Random) -> sp.Expr:
    return (
        x**2 + _c(rng, 1, 4) * x + rng.randint(1, 5)
        if rng.random() < 0.5
        else (_c(rng, 1, 3, signed=False) * x**2 + rng.randint(1, 6))
    )


def _positive(rng: random.Random) -> sp.Expr:
    """An inner function positive on the whole line (safe under ln and sqrt)."""
    return rng.choice(
        [x**2 + rng.randint(1, 5), _c(rng, 1, 3, signed=False) * x**2 + 1, x**4 + rng.randint(1, 3)]
    )


def _elementary(rng: random.Random, arg: sp.Expr) -> sp.Expr:
    return rng.choice([sp.sin, sp.cos, sp.exp])(arg)


# -- the banks ----------------------------------------------------------------------------


def basic_rules(rng: random.Random, d: int) -> Draft:
    if d == 1:
        n = rng.randint(2, 6)
        return Draft(_c(rng) * x**n + _c(rng, 1, 9) * x + rng.randint(0, 9))
    if d == 2:
        n, m = rng.randint(3, 5), rng.randint(1, 3)
        return Draft(_c(rng) * x**n + _c(rng) / x**m + _c(rng) * sp.sqrt(x))
    p, q = rng.choice([(2, 3), (3, 2), (5, 2), (3, 4), (1, 3)])
    n, m = rng.randint(4, 7), rng.randint(2, 4)
    return Draft(
        _c(rng) * x ** R(p, q)
        - _c(rng) / x**m
        + R(_c(rng), rng.randint(2, 5)) * x**n
        + _c(rng) * sp.root(x, 3)
    )


def product_quotient(rng: random.Random, d: int) -> Draft:
    f = rng.choice([sp.sin, sp.cos, sp.exp, sp.log])
    if d == 1:
        return Draft(rng.choice([x ** rng.randint(1, 4) * f(x), _linear(rng) * _linear(rng) * x]))
    if d == 2:
        return Draft(
            rng.choice(
                [
                    _linear(rng) / _linear(rng),
                    (x**2 + rng.randint(1, 5)) / (x + _c(rng)),
                    f(x) / x ** rng.randint(1, 3),
                    x ** rng.randint(2, 4) * sp.exp(_c(rng, 2, 4) * x),
                ]
            )
        )
    g = rng.choice([sp.sin, sp.cos, sp.exp])
    return Draft(
        rng.choice(
            [
                x ** rng.randint(2, 3) * g(x) / (x**2 + rng.randint(1, 4)),
                x * sp.exp(_c(rng, 2, 3) * x) * sp.sin(x),
                (x**2 - rng.randint(1, 5)) / (x**2 + rng.randint(1, 5)) * sp.exp(x),
            ]
        )
    )


def chain_rule(rng: random.Random, d: int) -> Draft:
    if d == 1:
        inner = _linear(rng)
        return Draft(
            rng.choice(
                [
                    inner ** rng.randint(3, 7),
                    sp.sin(inner),
                    sp.cos(inner),
                    sp.exp(inner),
                    sp.sqrt(_c(rng, 2, 5, False) * x**2 + 1),
                ]
            )
        )
    if d == 2:
        return Draft(
            rng.choice(
                [
                    _quadratic(rng) ** rng.randint(3, 6),
                    _elementary(rng, _c(rng, 2, 4) * x**2 + rng.randint(1, 5)),
                    sp.log(_positive(rng)),
                    sp.sqrt(_positive(rng)),
                    sp.exp(rng.choice([sp.sin, sp.cos])(_c(rng, 2, 4, False) * x)),
                ]
            )
        )
    return Draft(
        rng.choice(
            [
                sp.sin(_linear(rng) ** 2) ** rng.randint(2, 3),
                sp.exp(sp.sqrt(_positive(rng))),
                sp.log(_positive(rng) ** rng.randint(2, 3) + rng.randint(1, 4)),
                sp.cos(sp.exp(_c(rng, 2, 3) * x) + rng.randint(1, 4)),
                sp.sqrt(1 + sp.sin(_c(rng, 2, 4, False) * x) ** 2),
            ]
        )
    )


def exp_log(rng: random.Random, d: int) -> Draft:
    if d == 1:
        return Draft(
            rng.choice(
                [
                    _c(rng) * sp.exp(_c(rng, 2, 5) * x),
                    _c(rng) * sp.log(_c(rng, 2, 5, False) * x),
                    rng.randint(2, 9) ** x,
                    _c(rng) * sp.exp(x) + _c(rng) * sp.log(x),
                ]
            )
        )
    if d == 2:
        return Draft(
            rng.choice(
                [
                    x ** rng.randint(1, 3) * sp.exp(_c(rng, 2, 4) * x),
                    sp.log(_positive(rng)),
                    sp.exp(_c(rng, 2, 4) * x) / x,
                    x ** rng.randint(1, 3) * sp.log(x),
                    sp.log(x, rng.choice([2, 3, 10])) * x**2,
                ]
            )
        )
    return Draft(
        rng.choice(
            [
                x**x,
                x ** sp.sin(x),
                sp.exp(_c(rng, 2, 3) * x) * sp.log(_positive(rng)),
                sp.log(sp.exp(x) + rng.randint(1, 5)),
                sp.log((x**2 + rng.randint(1, 5)) / (x**2 + rng.randint(6, 9))),
            ]
        )
    )


def trigonometric(rng: random.Random, d: int) -> Draft:
    k = _c(rng, 2, 5, signed=False)
    if d == 1:
        return Draft(
            rng.choice(
                [
                    _c(rng) * sp.sin(k * x),
                    _c(rng) * sp.cos(k * x),
                    _c(rng) * sp.sin(x) + _c(rng) * sp.cos(x),
                    sp.tan(x) + _c(rng) * x,
                ]
            )
        )
    if d == 2:
        return Draft(
            rng.choice(
                [
                    sp.sin(x) * sp.cos(k * x),
                    sp.tan(k * x**2),
                    sp.sin(k * x) ** 2,
                    sp.atan(k * x),
                    x * sp.cos(k * x),
                ]
            )
        )
    return Draft(
        rng.choice(
            [
                sp.sin(x) ** 2 * sp.cos(k * x),
                sp.tan(sp.sin(x)),
                sp.sin(x) / (rng.randint(2, 4) + sp.cos(x)),
                sp.atan(sp.exp(k * x)),
                x**2 * sp.sin(k * x) ** 3,
            ]
        )
    )


def ml_functions(rng: random.Random, d: int) -> Draft:
    z = _linear(rng)
    if d == 1:
        return Draft(rng.choice([sigmoid(z), softplus(z), sp.tanh(z), relu(z)]))
    if d == 2:
        label = rng.randint(0, 3)
        return Draft(
            rng.choice(
                [
                    -sp.log(sigmoid(z)),
                    -sp.log(1 - sigmoid(z)),
                    (z - label) ** 2 / 2,
                    (sigmoid(z) - 1) ** 2,  # (not σ(z)²: sigmoid._latex cannot take a power yet)
                    sp.tanh(z) ** 2,
                    sigmoid(x**2),
                ]
            )
        )
    # A neuron z = w1 x1 (+ w2 x2) + b and a loss of its output; the data x, label y and the
    # other parameters are held constant.
    w1, w2, x1, x2 = sp.symbols("w_1 w_2 x_1 x_2")
    two = rng.random() < 0.5
    z = w1 * x1 + (w2 * x2 if two else 0) + b
    var = rng.choice([w1, w2, b] if two else [w1, b])
    label = rng.choice([y, y, 0, 1])
    loss = rng.choice(
        [
            -(label * sp.log(sigmoid(z)) + (1 - label) * sp.log(1 - sigmoid(z))),
            (sigmoid(z) - label) ** 2 / 2 if label != 0 else (sigmoid(z) - y) ** 2 / 2,
            softplus(z) - label * z,
            (sp.tanh(z) - label) ** 2 / 2,
            (z - label) ** 2 / 2,
        ]
    )
    # Weight decay on the parameter asked for, sometimes.
    decay = rng.choice([0, 0, R(1, 10), R(1, 100), 1])
    return Draft(loss + decay * var**2 / 2, var=var, kind="partial")


def higher_order(rng: random.Random, d: int) -> Draft:
    if d == 1:
        return Draft(_c(rng) * x ** rng.randint(3, 6) + _c(rng) * x**2 + _c(rng) * x, order=2)
    if d == 2:
        return Draft(
            rng.choice(
                [
                    sp.sin(_c(rng, 2, 4) * x),
                    sp.exp(_c(rng, 2, 3) * x**2),
                    x * sp.exp(_c(rng, 2, 4) * x),
                    sp.log(_positive(rng)),
                    sigmoid(x),
                ]
            ),
            order=2,
        )
    k = _c(rng, 2, 3)
    return Draft(
        rng.choice(
            [
                x**2 * sp.exp(k * x),
                x * sp.sin(k * x),
                x * sp.cos(k * x),
                sp.exp(k * x) * sp.cos(x),
                sp.exp(x) * sp.sin(k * x),
                x**3 * sp.log(x),
                x ** rng.randint(4, 7) * sp.exp(k * x),
            ]
        ),
        order=3,
    )


def partial_derivatives(rng: random.Random, d: int) -> Draft:
    var = rng.choice([x, y])
    if d == 1:
        return Draft(
            _c(rng) * x ** rng.randint(1, 4) * y ** rng.randint(1, 3)
            + _c(rng) * x
            + _c(rng) * y**2,
            var=var,
            kind="partial",
        )
    if d == 2:
        return Draft(
            rng.choice(
                [
                    sp.sin(_c(rng, 2, 4, False) * x * y),
                    sp.exp(x**2 + _c(rng) * y),
                    x**2 * sp.log(y**2 + 1),
                    (x + _c(rng) * y) ** rng.randint(3, 5),
                ]
            ),
            var=var,
            kind="partial",
        )
    a, k = _c(rng, 2, 3), _c(rng, 2, 4, signed=False)
    return Draft(
        rng.choice(
            [
                sp.exp(a * x * y) * sp.sin(x + k * y),
                x * y / (x**2 + k * y**2 + 1),
                sp.log(x**2 + k * y**2 + 1) * sp.cos(a * x),
                sp.sqrt(x**2 + k * y**2 + 1) * x,
                x**k * sp.exp(a * x * y),
                sp.atan(a * x * y) + y**2 * sp.sin(x),
            ]
        ),
        var=var,
        kind="partial",
    )


# -- multivariate banks -------------------------------------------------------------------


def _point(rng: random.Random, names: tuple[sp.Symbol, ...], low: int = -2, high: int = 2):
    return tuple((str(v), str(rng.randint(low, high))) for v in names)


def gradients(rng: random.Random, d: int) -> Draft:
    """d1: a quadratic in x, y at an integer point; d2: symbolic; d3: three variables."""
    if d == 1:
        f = (
            _c(rng, 1, 4) * x**2
            + _c(rng, 1, 4) * x * y
            + _c(rng, 1, 4) * y**2
            + _c(rng, 1, 5) * x
            + _c(rng, 1, 5) * y
        )
        return Draft(f, kind="gradient", vars=(x, y), at=_point(rng, (x, y)))
    if d == 2:
        a, k = _c(rng, 2, 4), _c(rng, 2, 3, signed=False)
        f = rng.choice(
            [
                x**2 * y**3 + a * x * y,
                sp.exp(a * x + k * y),
                sp.sin(k * x * y) + a * y,
                x * sp.log(y**2 + k),
                x**k * y + a * y**2 * x,
                sp.exp(x * y) + a * x**2,
            ]
        )
        return Draft(f, kind="gradient", vars=(x, y))
    a, k = _c(rng, 2, 3), _c(rng, 2, 3, signed=False)
    f = rng.choice(
        [
            x * y * z + a * x**2 * z,
            sp.exp(a * x) * y * z + k * z**2,
            x**2 * y + y**2 * z + a * z**2 * x,
            sp.log(x**2 + y**2 + z**2 + k),
            x * sp.exp(y * z) + a * y,
        ]
    )
    at = _point(rng, (x, y, z), -1, 1) if rng.random() < 0.5 else None
    return Draft(f, kind="gradient", vars=(x, y, z), at=at)


def _quadratic_form(rng: random.Random, kind: str, n: int) -> sp.Matrix:
    """A symmetric integer matrix that is definite (minimum/maximum) or indefinite."""
    while True:
        m = sp.zeros(n, n)
        for i in range(n):
            m[i, i] = rng.randint(1, 4)
            for j in range(i + 1, n):
                m[i, j] = m[j, i] = rng.randint(-2, 2)
        if kind == "saddle":
            m[0, 0] = -m[0, 0]
        if kind == "maximum":
            m = -m
        minors = [m[:k, :k].det() for k in range(1, n + 1)]
        if kind == "minimum" and all(v > 0 for v in minors):
            return m
        if kind == "maximum" and all((-1) ** (k + 1) * v > 0 for k, v in enumerate(minors)):
            return m
        if (
            kind == "saddle"
            and m.det() != 0
            and not all(v > 0 for v in minors)
            and not all((-1) ** (k + 1) * v > 0 for k, v in enumerate(minors))
        ):
            return m


def hessian_classification(rng: random.Random, d: int) -> Draft:
    """A function with a critical point of a chosen kind at a small integer point.

    d1: a quadratic in two variables; d2: plus a cubic term that vanishes to second order
    at the point; d3: three variables, or a cubic with two critical points.
    """
    kind = rng.choice(["minimum", "maximum", "saddle"])
    n = 3 if d == 3 else 2
    names = (x, y, z)[:n]
    center = [rng.randint(-2, 2) for _ in names]
    shifted = sp.Matrix([v - c for v, c in zip(names, center, strict=True)])
    h = _quadratic_form(rng, kind, n)
    f = (shifted.T * h * shifted)[0] / 2
    if d >= 2:
        i = rng.randrange(n)
        f += _c(rng, 1, 2) * shifted[i] ** 3
    f = sp.expand(f + rng.randint(-5, 5))
    if f.has(sp.Rational) and any(not c.is_Integer for c in sp.Poly(f, *names).coeffs()):
        f = sp.expand(2 * f)
    at = tuple((str(v), str(c)) for v, c in zip(names, center, strict=True))
    return Draft(f, kind="hessian", vars=names, at=at)


def taylor_polynomials(rng: random.Random, d: int) -> Draft:
    """d1: a standard series about 0; d2: about another point; d3: a product or composition."""
    k = _c(rng, 1, 4)
    if d == 1:
        a = rng.randint(1, 3)
        f = rng.choice(
            [
                a * sp.exp(k * x),
                a * sp.sin(k * x),
                a * sp.cos(k * x),
                a / (1 - k * x),
                a * sp.log(1 + k * x),
                sp.exp(k * x) + a * x,
            ]
        )
        return Draft(f, kind="taylor", order=rng.randint(2, 4), at=(("x", "0"),))
    if d == 2:
        m = rng.randint(-2, 2)
        f, a = rng.choice(
            [
                (sp.log(x + m), 1 - m),
                (sp.sqrt(x + m), rng.choice([1, 4]) - m),
                (1 / (x + m), rng.choice([1, 2, -1]) - m),
                (sp.exp(k * x), rng.choice([1, -1])),
                (x**3 + _c(rng, 1, 4) * x**2 + _c(rng) * x, rng.choice([1, -1, 2])),
                (sp.sin(x) + m * x, rng.choice(["pi", "pi/2"])),
                (sp.cos(x) + m * x, rng.choice(["pi", "pi/2"])),
                (x * sp.log(x), 1),
            ]
        )
        return Draft(f, kind="taylor", order=rng.randint(2, 3), at=(("x", str(a)),))
    k = _c(rng, 2, 3)
    m = _c(rng, 2, 3, signed=False)
    f = rng.choice(
        [
            sp.exp(k * x) * sp.sin(x),
            sp.exp(x) * sp.cos(k * x),
            x * sp.exp(k * x),
            x**2 * sp.exp(k * x),
            x * sp.sin(k * x),
            sp.log(1 + m * x**2),
            1 / (1 + m * x**2),
            sp.sqrt(1 + m * x),
            sp.exp(sp.sin(k * x)),
            sp.cos(k * x) / (1 - x),
            sp.exp(k * x) / (1 + x),
            sp.sin(k * x) * sp.cos(m * x),
        ]
    )
    return Draft(f, kind="taylor", order=rng.randint(3, 4), at=(("x", "0"),))


# -- banks with figures ------------------------------------------------------------------


def read_slope(rng: random.Random, d: int) -> Draft:
    """ "Read the slope from the graph": f and its tangent at a drawn, f'(a) a simple number.

    d1: a parabola; d2: a cubic, a root or a logarithm; d3: e^x, quotients, roots and
    logarithms of quadratics.
    """
    a = rng.randint(-2, 2)
    if d == 1:
        c = rng.choice([R(1, 2), 1, -1, R(-1, 2)])
        f = sp.expand(c * (x - rng.randint(-2, 2)) ** 2 + rng.randint(-3, 3))
    elif d == 2:
        f, a = rng.choice(
            [
                (x**3 / 3 - rng.randint(1, 2) * x, a),
                (x**3 / 6 + _c(rng, 1, 2) * x, a),
                (sp.sqrt(x), rng.choice([1, 4])),
                (sp.sqrt(x + rng.randint(3, 4)), 0),
                (sp.log(x), rng.choice([3, 4])),
                (2 * sp.log(x + 3), rng.choice([-1, 1])),
            ]
        )
    else:
        c = rng.choice([1, 2])
        f, a = rng.choice(
            [
                (sp.exp(x) - x**2, 0),
                (x * sp.exp(x / 2), 0),
                (4 * c / (x**2 + 1), rng.choice([-1, 1])),
                (2 * c * x / (x**2 + 1), 0),
                (sp.sqrt(x**2 + 9), rng.choice([-4, 4])),
                (sp.sqrt(x**2 + 16), rng.choice([-3, 3])),
                (c * sp.log(x**2 + 1), rng.choice([-1, 1])),
            ]
        )
    return Draft(f, kind="slope", at=(("x", str(a)),))


def find_saddle(rng: random.Random, d: int) -> Draft:
    """ "Which point is the saddle?": two to four critical points, exactly one a saddle.

    d1: a cubic in one variable plus a square in the other; d2: a quartic double well;
    d3: x³ + y³ − 3xy and its relatives (the variables coupled).
    """
    h, k = rng.randint(-1, 1), rng.randint(-1, 1)
    u, v = (x - h, y - k) if rng.random() < 0.5 else (y - k, x - h)
    s = rng.choice([1, -1])
    if d == 1:
        f = u**3 - 3 * u + s * v**2
    elif d == 2:
        f = s * (u**4 - 2 * u**2 + v**2)
    else:
        f = s * rng.choice([u**3 + v**3 - 3 * u * v, u**3 - 3 * u * v + v**2])
    return Draft(sp.expand(f), kind="saddle", vars=(x, y))


BANKS: dict[str, Bank] = {
    bank.name: bank
    for bank in (
        Bank("basic-rules", "derivative", "Basic rules", "기본 미분 법칙", basic_rules),
        Bank(
            "product-quotient",
            "derivative",
            "Product and quotient rules",
            "곱과 몫의 미분법",
            product_quotient,
        ),
        Bank("chain-rule", "derivative", "Chain rule", "연쇄 법칙", chain_rule),
        Bank(
            "exp-log", "derivative", "Exponentials and logarithms", "지수함수와 로그함수", exp_log
        ),
        Bank("trigonometric", "derivative", "Trigonometric functions", "삼각함수", trigonometric),
        Bank(
            "ml-functions",
            "derivative",
            "Functions of machine learning",
            "머신러닝 함수",
            ml_functions,
        ),
        Bank(
            "higher-order",
            "derivative",
            "Higher derivatives",
            "고계 도함수",
            higher_order,
            (16, 30, 50),
        ),
        Bank(
            "partial-derivatives", "partial", "Partial derivatives", "편도함수", partial_derivatives
        ),
        Bank("gradients", "gradient", "Gradients", "그래디언트 벡터", gradients, (16, 28, 44)),
        Bank(
            "hessian-classification",
            "hessian",
            "Classifying critical points with the Hessian",
            "헤시안으로 임계점 판정",
            hessian_classification,
        ),
        Bank(
            "taylor",
            "taylor",
            "Taylor polynomials",
            "테일러 다항식",
            taylor_polynomials,
            (30, 50, 80),
        ),
        Bank(
            "read-slope",
            "slope",
            "Reading the slope from a graph",
            "그래프에서 접선의 기울기 읽기",
            read_slope,
            (30, 40, 60),
        ),
        Bank(
            "find-saddle",
            "saddle",
            "Which point is the saddle?",
            "어느 점이 안장점인가?",
            find_saddle,
            (60, 60, 60),
        ),
        Bank(BANK_NAME, "descent", TITLE_EN, TITLE_KO, descent_steps),
    )
}
