"""Sparse polynomials over ℚ in exact constants and parameters, in plain integer arithmetic.

A monomial is one int: generator i's exponent lives in bits [32 i, 32 i + 32), so
multiplying monomials is adding ints and new generators can be added at any time without
touching existing polynomials. A polynomial is a dict {monomial: int numerator} over one
positive common denominator (integer arithmetic is several times faster than rationals in
pure Python); polynomials are never mutated.
"""

from __future__ import annotations

import math

BITS = 32
MASK = (1 << BITS) - 1
MAX_EXPONENT = 1 << 20


class Poly:
    """``Σ n[m] · monomial(m) / d`` with ``d > 0``, no zero ``n[m]``, gcd(d, n...) = 1."""

    __slots__ = ("d", "n")

    def __init__(self, n: dict[int, int], d: int = 1) -> None:
        self.n = n
        self.d = d

    def __bool__(self) -> bool:
        return bool(self.n)

    def __len__(self) -> int:
        return len(self.n)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Poly({self.n!r}, {self.d})"


def make_poly(n: dict[int, int], d: int) -> Poly:
    """Normalise (drop zeros, cancel the common factor)."""
    n = {m: v for m, v in n.items() if v}
    if not n:
        return ZERO
    g = math.gcd(d, *n.values())
    if g != 1:
        d //= g
        n = {m: v // g for m, v in n.items()}
    return Poly(n, d)


ZERO = Poly({}, 1)
ONE = Poly({0: 1}, 1)


def ground_poly(num: int, den: int = 1) -> Poly:
    if not num:
        return ZERO
    if den < 0:
        num, den = -num, -den
    g = math.gcd(num, den)
    return Poly({0: num // g}, den // g)


def padd(p: Poly, q: Poly) -> Poly:
    if not p.n:
        return q
    if not q.n:
        return p
    dp, dq = p.d, q.d
    if dp == dq:
        r = dict(p.n)
        fq, d = 1, dp
    else:
        g = math.gcd(dp, dq)
        fp, fq = dq // g, dp // g
        d = dp * fp
        r = {m: v * fp for m, v in p.n.items()}
    get = r.get
    for m, v in q.n.items():
        r[m] = get(m, 0) + v * fq
    return make_poly(r, d)


def pscale(p: Poly, num: int, den: int = 1) -> Poly:
    """p · num/den."""
    if not num or not p.n:
        return ZERO
    if num == 1 and den == 1:
        return p
    if den < 0:
        num, den = -num, -den
    return make_poly({m: v * num for m, v in p.n.items()}, p.d * den)


def pneg(p: Poly) -> Poly:
    return Poly({m: -v for m, v in p.n.items()}, p.d)


def dot_sum(pairs: list[tuple[Poly, Poly]]) -> Poly:
    """Σ p·q over the pairs, accumulated into one dict over a common denominator."""
    live = [(p, q) for p, q in pairs if p.n and q.n]
    if not live:
        return ZERO
    den = math.lcm(*[p.d * q.d for p, q in live])
    acc: dict[int, int] = {}
    get = acc.get
    for p, q in live:
        f = den // (p.d * q.d)
        pn, qn = p.n, q.n
        if len(pn) > len(qn):
            pn, qn = qn, pn
        qi = list(qn.items())
        for mp, cp in pn.items():
            cp *= f
            for mq, cq in qi:
                m = mp + mq
                acc[m] = get(m, 0) + cp * cq
    return make_poly(acc, den)


def pmul(p: Poly, q: Poly) -> Poly:
    return dot_sum([(p, q)])


def single_gen(p: Poly) -> int | None:
    """i when p = ±g_i, else None."""
    if len(p.n) != 1 or p.d != 1:
        return None
    ((m, c),) = p.n.items()
    if abs(c) != 1 or m == 0:
        return None
    i = (m.bit_length() - 1) // BITS
    return i if m == 1 << (BITS * i) else None
