"""Exact Taylor coefficients by truncated power-series arithmetic ("Taylor mode").

Instead of differentiating ``n`` times (whose expressions swell) or calling
``sympy.series`` (slow for nested functions), every node of the expression tree gets a
truncated power series ``c_0 + c_1 h + ... + c_n h^n`` in ``h = x - a``, computed from
its children's series. Each operation costs O(n²) coefficient operations:

* sum: term by term; product: Cauchy product ``(uv)_k = Σ_j u_j v_{k-j}``;
* reciprocal ``g = 1/u``: ``g_0 = 1/u_0``, ``g_k = -(1/u_0) Σ_{j=1..k} u_j g_{k-j}``;
* elementary functions from the ODE they satisfy, ``g' = (...)·u'``, compared
  coefficient by coefficient (``u_k``, ``g_k`` are the coefficients of ``u`` and ``g``):

  - ``g = exp(u)``: ``g' = u' g`` gives ``g_k = (1/k) Σ_{j=1..k} j u_j g_{k-j}``;
  - ``g = log(u)``: ``u g' = u'`` gives ``g_k = (u_k - (1/k) Σ_{j=1..k-1} j g_j u_{k-j}) / u_0``;
  - ``s = sin(u), c = cos(u)`` together: ``s_k = (1/k) Σ j u_j c_{k-j}``,
    ``c_k = -(1/k) Σ j u_j s_{k-j}`` (``sinh``/``cosh`` without the minus sign), run on
    ``δ = u - u_0`` and combined by ``sin(u_0 + δ) = sin u_0 cos δ + cos u_0 sin δ``;
  - ``g = u^α`` (α constant, not an integer): ``u g' = α u' g`` gives
    ``g_k = (1/(k u_0)) Σ_{j=1..k} (α j - (k - j)) u_j g_{k-j}``;
  - ``tan``/``tanh``/``sigmoid``: ``g' = u'·q`` with ``q = 1 + g²``, ``1 - g²``,
    ``g - g²``, where ``g²`` is built one coefficient at a time alongside ``g``;
  - ``atan``, ``asin``, ``acos``, ``asinh``, ``acosh``, ``atanh``, ``acot``, ``erf``,
    ``softplus``: ``g' = u'·r`` with ``r`` = ``1/(1 + u²)``, ``(1 - u²)^(-1/2)``, ...,
    ``sigmoid(u)``; ``u^v = exp(v log u)``; ``Abs``/``relu`` are ``±u``, ``u`` or ``0``
    near a point where their argument is not 0.

The constant term of a composed series is the function evaluated exactly at the child's
constant term, e.g. ``exp(cos(1/4))``. Such numbers, and any other symbols (parameters),
become generators of a polynomial ring over ℚ, so every coefficient is an exact
polynomial in them, kept expanded (sparse dicts with integer numerators over a common
denominator) and reduced by the identities the code itself introduced
(``sin² = 1 - cos²``, ``cosh² = 1 + sinh²``, ``g·(1/g) = 1``). That is the normalisation
step: it is cheap, canonical enough for cancellation to happen, and keeps e.g. the
20th coefficient of ``sin(exp(cos(x²)))`` at 1/2 to 762 terms; coefficients become SymPy
expressions only at the end. (Measured alternatives on that function at 1/2: SymPy
coefficients with ``sp.expand`` at every step take 4 s at order 10 and 28 s at order 14;
without any normalisation the order-10 coefficient is a DAG that cannot even be
printed in minutes.) Example, at 1/2: the series of ``x²`` is ``1/4 + h + h²``; ``cos``
of it starts ``cos(1/4) - sin(1/4) h``; ``exp`` of that starts ``exp(cos(1/4))``, etc.

Quotients such as ``sin(x)/x`` at 0 work (the series carry a valuation, i.e. they are
truncated Laurent series inside); a genuine pole, a logarithm or root at a zero of its
argument, or a point outside the real domain raises :class:`SeriesError`. A function
the code does not know is handled by SymPy: by differentiating ``f(y)`` and composing
(one argument depends on ``x``) or by differentiating the node itself (otherwise) — slower
but correct.

>>> import sympy as sp
>>> x = sp.Symbol("x")
>>> taylor_coefficients(sp.exp(sp.sin(x)), x, 0, 4)
[1, 1, 1/2, 0, -1/8]
>>> taylor_polynomial(sp.log(x), x, 1, 3)
(x - 1)**3/3 - (x - 1)**2/2 + (x - 1)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import cmp_to_key
from itertools import pairwise

import sympy as sp

from symderiv.errors import SymderivError
from symderiv.functions import relu, sigmoid, softplus
from symderiv.sympy_values import as_sympy

__all__ = [
    "SeriesError",
    "taylor_coefficients",
    "taylor_coefficients_multivariate",
    "taylor_polynomial",
]


class SeriesError(SymderivError, ValueError):
    """The Taylor expansion does not exist (pole, branch point, outside the domain)."""


# --------------------------------------------------------------------------------------
# Sparse polynomials over ℚ. A monomial is one int: generator i's exponent lives in bits
# [32 i, 32 i + 32), so multiplying monomials is adding ints and new generators can be
# added at any time without touching existing polynomials. A polynomial is a dict
# {monomial: int numerator} over one positive common denominator (integer arithmetic is
# several times faster than rationals in pure Python); polynomials are never mutated.
# --------------------------------------------------------------------------------------

_BITS = 32
_MASK = (1 << _BITS) - 1
_MAX_EXPONENT = 1 << 20


class _Poly:
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
        return f"_Poly({self.n!r}, {self.d})"


def _make(n: dict[int, int], d: int) -> _Poly:
    """Normalise (drop zeros, cancel the common factor)."""
    n = {m: v for m, v in n.items() if v}
    if not n:
        return _ZERO
    g = math.gcd(d, *n.values())
    if g != 1:
        d //= g
        n = {m: v // g for m, v in n.items()}
    return _Poly(n, d)


_ZERO = _Poly({}, 1)
_ONE = _Poly({0: 1}, 1)


def _ground(num: int, den: int = 1) -> _Poly:
    if not num:
        return _ZERO
    if den < 0:
        num, den = -num, -den
    g = math.gcd(num, den)
    return _Poly({0: num // g}, den // g)


def _padd(p: _Poly, q: _Poly) -> _Poly:
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
    return _make(r, d)


def _pscale(p: _Poly, num: int, den: int = 1) -> _Poly:
    """p · num/den."""
    if not num or not p.n:
        return _ZERO
    if num == 1 and den == 1:
        return p
    if den < 0:
        num, den = -num, -den
    return _make({m: v * num for m, v in p.n.items()}, p.d * den)


def _pneg(p: _Poly) -> _Poly:
    return _Poly({m: -v for m, v in p.n.items()}, p.d)


def _dot(pairs: list[tuple[_Poly, _Poly]]) -> _Poly:
    """Σ p·q over the pairs, accumulated into one dict over a common denominator."""
    live = [(p, q) for p, q in pairs if p.n and q.n]
    if not live:
        return _ZERO
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
    return _make(acc, den)


def _pmul(p: _Poly, q: _Poly) -> _Poly:
    return _dot([(p, q)])


def _single_gen(p: _Poly) -> int | None:
    """i when p = ±g_i, else None."""
    if len(p.n) != 1 or p.d != 1:
        return None
    ((m, c),) = p.n.items()
    if abs(c) != 1 or m == 0:
        return None
    i = (m.bit_length() - 1) // _BITS
    return i if m == 1 << (_BITS * i) else None


# --------------------------------------------------------------------------------------
# The context: generators (exact constants and parameters) and the identities between them.
# --------------------------------------------------------------------------------------


_UNSET = object()


class _Singular(Exception):
    """A constant came out infinite or undefined (internal; turned into SeriesError)."""


class _Context:
    """Generators of ℚ[g_0, g_1, ...], their SymPy values, and rewrite rules."""

    def __init__(self) -> None:
        self.values: list[sp.Expr] = []
        self.index: dict[sp.Expr, int] = {}
        self._inverse: dict[int, _Poly] = {}
        self._powers: dict[tuple[int, int], sp.Expr] = {}
        self._keys: dict[tuple[int, int], object] = {}
        self._order: dict[tuple[tuple[int, int], tuple[int, int]], int] = {}
        self._cmp_memo: dict[tuple[sp.Basic, sp.Basic], int] = {}
        # (i, j): g_i g_j = 1.  (s, c, k0, k2): g_s² = k0 + k2 g_c².
        self.inverse_rules: list[tuple[int, int]] = []
        self.square_rules: list[tuple[int, int, int, int]] = []

    # -- generators -----------------------------------------------------------------
    def atom(self, value: sp.Expr) -> int:
        i = self.index.get(value)
        if i is None:
            i = len(self.values)
            self.values.append(value)
            self.index[value] = i
        return i

    @staticmethod
    def mono(i: int) -> int:
        return 1 << (_BITS * i)

    def gen(self, value: sp.Expr) -> _Poly:
        return _Poly({self.mono(self.atom(value)): 1}, 1)

    def const(self, value: sp.Expr) -> _Poly:
        """The ring element for an exact constant (decomposed through + · and integer ^)."""
        value = as_sympy(value)
        if value.is_Rational:
            return _ground(int(value.p), int(value.q))
        if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            raise _Singular(value)
        if value.is_Add:
            out = _ZERO
            for a in value.args:
                out = _padd(out, self.const(a))
            return out
        if value.is_Mul:
            out = _ONE
            for a in value.args:
                out = self.reduce(_pmul(out, self.const(a)))
            return out
        if value.is_Pow and value.exp.is_Integer:
            e = int(value.exp)
            if abs(e) >= _MAX_EXPONENT:
                raise SeriesError(f"exponent {e} is too large")
            base = self.const(value.base)
            if e < 0:
                base, e = self.inverse(base), -e
            return self.power(base, e)
        return self.gen(value)

    def _atom_power(self, i: int, e: int) -> sp.Expr:
        got = self._powers.get((i, e))
        if got is None:
            got = self.values[i] if e == 1 else self.values[i] ** e
            self._powers[(i, e)] = got
        return got

    def _combine_key(self, i: int, e: int) -> object:
        """What Mul would merge this factor with; None when it may evaluate on its own."""
        key = self._keys.get((i, e), _UNSET)
        if key is _UNSET:
            x = self._atom_power(i, e)
            if x.is_Number or x.is_Add or x.is_Mul or x.has(sp.I):
                key = None
            elif isinstance(x, sp.exp) or x is sp.E:
                key = sp.E
            elif x.is_Pow:
                key = None if (x.base.is_Number or x.base.is_NumberSymbol) else x.base
            else:
                key = x
            self._keys[(i, e)] = key
        return key

    def _compare(self, a: tuple[int, int], b: tuple[int, int]) -> int:
        got = self._order.get((a, b))
        if got is None:
            got = self._atom_power(*a).compare(self._atom_power(*b))
            self._order[(a, b)] = got
        return got

    def _monomial(self, c: int, d: int, m: int) -> tuple[sp.Expr, tuple[sp.Expr, ...] | None]:
        """c/d · Π g_i^e_i as a SymPy term, and its non-numeric factors when it was built
        without re-running Mul's flattening (possible when the factors cannot interact:
        distinct functions and symbols, the common case), else None."""
        powers = []
        i = 0
        while m:
            e = m & _MASK
            if e:
                powers.append((i, e))
            m >>= _BITS
            i += 1
        coeff = sp.Rational(c, d)
        keys = [self._combine_key(i, e) for i, e in powers]
        if None in keys or len(set(keys)) != len(keys):
            return sp.Mul(coeff, *[self._atom_power(i, e) for i, e in powers]), None
        if len(powers) > 1:
            powers.sort(key=cmp_to_key(self._compare))
        factors = tuple(self._atom_power(i, e) for i, e in powers)
        if not factors:
            return coeff, factors
        if c == d:
            term = factors[0] if len(factors) == 1 else sp.Mul._from_args(factors, True)
        else:
            term = sp.Mul._from_args((coeff, *factors), True)
        return term, factors

    def _cmp_cached(self, a: sp.Basic, b: sp.Basic) -> int:
        if a is b:
            return 0
        got = self._cmp_memo.get((a, b))
        if got is None:
            got = a.compare(b)
            self._cmp_memo[(a, b)] = got
        return got

    def _cmp_args(self, a: sp.Basic, b: sp.Basic) -> int:
        # numbers are cheap to compare but slow to hash: no memo for them
        return a.compare(b) if a.is_Number else self._cmp_cached(a, b)

    def _sorted_args(self, args: list[sp.Basic]) -> list[sp.Basic] | None:
        """``args`` sorted by Basic.compare: by class, then within a class by content
        (natively for rationals, whose content is a tuple of ints)."""
        by_class: dict[type, list[sp.Basic]] = {}
        for a in args:
            by_class.setdefault(type(a), []).append(a)
        reps = sorted((v[0] for v in by_class.values()), key=cmp_to_key(sp.Basic.compare))
        for r1, r2 in pairwise(reps):
            if type(r1).__name__ == type(r2).__name__:
                return None
        out: list[sp.Basic] = []
        for r in reps:
            group = by_class[type(r)]
            if r.is_Rational:
                group.sort(key=lambda q: (len(q._hashable_content()), q._hashable_content()))
            else:
                group.sort(key=cmp_to_key(self._cmp_args))
            out += group
        return out

    def _canonical_order(self, terms: list[sp.Expr]) -> list[sp.Expr] | None:
        """``terms`` in the order Add would sort them (by Basic.compare), or None.

        Basic.compare orders by class, then by the length of the arguments, then argument
        by argument; so one sort of the distinct classes and of the distinct arguments
        turns every term into a tuple key that Python compares natively.
        """
        by_class: dict[type, sp.Expr] = {}
        for t in terms:
            by_class.setdefault(type(t), t)
        reps = sorted(by_class.values(), key=cmp_to_key(sp.Basic.compare))
        for r1, r2 in pairwise(reps):
            if r1.compare(r2) == 0 or type(r1).__name__ == type(r2).__name__:
                return None  # two classes that compare by content: leave it to Add
        class_rank = {type(r): i for i, r in enumerate(reps)}
        parts = [t.args if type(t) is sp.Mul else (t,) for t in terms]
        distinct = self._sorted_args(list({a: None for args in parts for a in args}))
        if distinct is None:
            return None
        rank = {a: i for i, a in enumerate(distinct)}
        keys = [
            (class_rank[type(t)], len(args), tuple(rank[a] for a in args))
            for t, args in zip(terms, parts, strict=True)
        ]
        order = sorted(range(len(terms)), key=keys.__getitem__)
        return [terms[i] for i in order]

    def value(self, p: _Poly) -> sp.Expr:
        """The SymPy expression a ring element stands for."""
        d = p.d
        built = [self._monomial(c, d, m) for m, c in p.n.items()]
        terms = [t for t, _ in built]
        parts = [f for _, f in built]
        if len(terms) < 8 or None in parts or len(set(parts)) != len(parts):
            return sp.Add(*terms)
        # Distinct monomials whose terms cannot merge: only Add's canonical sort is left
        # to do, which is most of the cost of a large Add.
        number = [t for t in terms if t.is_Number]
        rest = self._canonical_order([t for t in terms if not t.is_Number])
        if rest is None:
            return sp.Add(*terms)
        return sp.Add._from_args(number + rest, True)

    def power(self, p: _Poly, e: int) -> _Poly:
        out = _ONE
        while e:
            if e & 1:
                out = self.reduce(_pmul(out, p))
            e >>= 1
            if e:
                p = self.reduce(_pmul(p, p))
        return out

    def inverse(self, p: _Poly) -> _Poly:
        """1/p as a ring element: exact for monomials, else a new generator."""
        if not p:
            raise _Singular(sp.zoo)
        if len(p) == 1:
            ((m, c),) = p.n.items()
            out = _ground(p.d, c)
            i = 0
            while m:
                e = m & _MASK
                if e:
                    out = self.reduce(_pmul(out, self.power(self._inverse_of(i), e)))
                m >>= _BITS
                i += 1
            return out
        r = 1 / self.value(p)
        if r.is_Rational:
            return self.const(r)
        if r.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            raise _Singular(r)
        return self.gen(r)

    def _inverse_of(self, i: int) -> _Poly:
        got = self._inverse.get(i)
        if got is not None:
            return got
        value = self.values[i]
        r = 1 / value
        # a new generator, unless SymPy simplified 1/value (1/sqrt(2) = sqrt(2)/2, ...)
        unevaluated = r.is_Pow and r.exp == -1 and r.base == value
        got = self.gen(r) if unevaluated else self.const(r)
        j = _single_gen(got)
        if j is not None and j != i and got.n[self.mono(j)] == 1:
            self.inverse_rules.append((i, j))
            self._inverse[j] = self.gen(value)
        self._inverse[i] = got
        return got

    def add_square_rule(self, s: int, c: int, k0: int, k2: int) -> None:
        if s != c and (s, c, k0, k2) not in self.square_rules:
            self.square_rules.append((s, c, k0, k2))

    # -- normal form ----------------------------------------------------------------
    def reduce(self, p: _Poly) -> _Poly:
        """Rewrite with g_i g_j = 1 and g_s² = k0 + k2 g_c² (keeps coefficients small)."""
        if not p.n:
            return p
        n = p.n
        changed = False
        for i, j in self.inverse_rules:
            si, sj = _BITS * i, _BITS * j
            if not any((m >> si) & _MASK and (m >> sj) & _MASK for m in n):
                continue
            out: dict[int, int] = {}
            for m, c in n.items():
                k = min((m >> si) & _MASK, (m >> sj) & _MASK)
                if k:
                    m -= (k << si) + (k << sj)
                out[m] = out.get(m, 0) + c
            n, changed = out, True
        for s, cg, k0, k2 in self.square_rules:
            ss, sc = _BITS * s, _BITS * cg
            if not any((m >> ss) & _MASK >= 2 for m in n):
                continue
            out = {}
            for m, c in n.items():
                e = (m >> ss) & _MASK
                if e < 2:
                    out[m] = out.get(m, 0) + c
                    continue
                q, r = divmod(e, 2)
                base = m - ((e - r) << ss)
                for j in range(q + 1):
                    coef = math.comb(q, j) * k0 ** (q - j) * k2**j
                    mm = base + ((2 * j) << sc)
                    out[mm] = out.get(mm, 0) + c * coef
            n, changed = out, True
        return _make(n, p.d) if changed else p

    def to_expr(self, p: _Poly) -> sp.Expr:
        return self.value(p)


# --------------------------------------------------------------------------------------
# Truncated (Laurent) series: coefficients of h^val, h^(val+1), ... known below h^prec.
# --------------------------------------------------------------------------------------


class _Series:
    __slots__ = ("c", "val")

    def __init__(self, val: int, c: list[_Poly]) -> None:
        # strip leading zeros so that c[0] (if any) is the leading coefficient
        i = 0
        while i < len(c) and not c[i]:
            i += 1
        self.val = val + i
        self.c = c[i:] if i else c

    @property
    def prec(self) -> int:
        return self.val + len(self.c)

    def coeff(self, k: int) -> _Poly:
        i = k - self.val
        return self.c[i] if 0 <= i < len(self.c) else _ZERO

    def dense(self) -> list[_Poly]:
        """Coefficients of h^0 .. h^(prec-1) (only for val >= 0)."""
        return [_ZERO] * self.val + self.c

    @classmethod
    def from_dense(cls, c: list[_Poly]) -> _Series:
        return cls(0, c)


def _series_add(a: _Series, b: _Series) -> _Series:
    lo, hi = min(a.val, b.val), min(a.prec, b.prec)
    return _Series(lo, [_padd(a.coeff(k), b.coeff(k)) for k in range(lo, hi)])


def _series_mul(a: _Series, b: _Series, ctx: _Context) -> _Series:
    n = min(len(a.c), len(b.c))
    ac, bc = a.c, b.c
    out = [ctx.reduce(_dot([(ac[i], bc[k - i]) for i in range(k + 1)])) for k in range(n)]
    return _Series(a.val + b.val, out)


# --------------------------------------------------------------------------------------
# Recurrences on dense coefficient lists u_0 .. u_{P-1}.
# --------------------------------------------------------------------------------------


def _weighted(u: list[_Poly]) -> list[_Poly]:
    return [_pscale(c, j) for j, c in enumerate(u)]


def _integrate_du(ju: list[_Poly], q: list[_Poly], g0: _Poly, ctx: _Context) -> list[_Poly]:
    """g with g_0 = g0 and g' = u' q (``ju[j] = j u_j``)."""
    g = [g0]
    for k in range(1, len(ju)):
        s = _dot([(ju[j], q[k - j]) for j in range(1, k + 1)])
        g.append(ctx.reduce(_pscale(s, 1, k)))
    return g


def _exp_dense(u: list[_Poly], g0: _Poly, ctx: _Context) -> list[_Poly]:
    ju = _weighted(u)
    g = [g0]
    for k in range(1, len(u)):
        s = _dot([(ju[j], g[k - j]) for j in range(1, k + 1)])
        g.append(ctx.reduce(_pscale(s, 1, k)))
    return g


def _sincos_dense(
    u: list[_Poly], s0: _Poly, c0: _Poly, ctx: _Context, hyperbolic: bool
) -> tuple[list[_Poly], list[_Poly]]:
    ju = _weighted(u)
    s, c = [s0], [c0]
    sign = 1 if hyperbolic else -1
    for k in range(1, len(u)):
        pairs = range(1, k + 1)
        sk = _dot([(ju[j], c[k - j]) for j in pairs])
        ck = _dot([(ju[j], s[k - j]) for j in pairs])
        s.append(ctx.reduce(_pscale(sk, 1, k)))
        c.append(ctx.reduce(_pscale(ck, sign, k)))
    return s, c


def _riccati_dense(u: list[_Poly], g0: _Poly, ctx: _Context, a: int, b: int, c: int) -> list[_Poly]:
    """g with g' = u'·(a + b g + c g²), e.g. tan: (1, 0, 1), sigmoid: (0, 1, -1)."""
    ju = _weighted(u)
    g = [g0]
    h = [ctx.reduce(_pmul(g0, g0))]

    def q(m: int) -> _Poly:
        out = _padd(_pscale(g[m], b), _pscale(h[m], c))
        return _padd(out, _ground(a)) if m == 0 else out

    qs = [q(0)]
    for k in range(1, len(u)):
        s = _dot([(ju[j], qs[k - j]) for j in range(1, k + 1)])
        g.append(ctx.reduce(_pscale(s, 1, k)))
        half = [(g[i], g[k - i]) for i in range(1, (k + 1) // 2)]
        hk = _pscale(_dot(half), 2) if half else _ZERO
        hk = _padd(hk, _pscale(_pmul(g[0], g[k]), 2))
        if k % 2 == 0:
            hk = _padd(hk, _pmul(g[k // 2], g[k // 2]))
        h.append(ctx.reduce(hk))
        qs.append(q(k))
    return g


def _log_dense(u: list[_Poly], g0: _Poly, w: _Poly, ctx: _Context) -> list[_Poly]:
    """g = log(u); ``w = 1/u_0``."""
    g = [g0]
    for k in range(1, len(u)):
        s = _dot([(_pscale(g[j], j), u[k - j]) for j in range(1, k)])
        t = _padd(u[k], _pscale(s, -1, k))
        g.append(ctx.reduce(_pmul(t, w)))
    return g


def _pow_dense(u: list[_Poly], alpha: _Poly, g0: _Poly, w: _Poly, ctx: _Context) -> list[_Poly]:
    """g = u^α; ``w = 1/u_0``: g_k = (w/k) Σ_j (α j - (k - j)) u_j g_{k-j}."""
    g = [g0]
    ground = not alpha or (len(alpha) == 1 and 0 in alpha.n)
    an, ad = alpha.n.get(0, 0), alpha.d  # α = an/ad when ground
    for k in range(1, len(u)):
        if ground:
            # (α j - (k - j)) = ((an + ad) j - k ad) / ad
            pairs = [(_pscale(u[j], (an + ad) * j - k * ad), g[k - j]) for j in range(1, k + 1)]
            s = _pscale(_dot(pairs), 1, ad)
        else:
            sa = _dot([(_pscale(u[j], j), g[k - j]) for j in range(1, k + 1)])
            sb = _dot([(_pscale(u[j], k - j), g[k - j]) for j in range(1, k)])
            s = _padd(ctx.reduce(_pmul(alpha, sa)), _pneg(sb))
        g.append(ctx.reduce(_pscale(_pmul(s, w), 1, k)))
    return g


def _inv_dense(u: list[_Poly], w: _Poly, ctx: _Context) -> list[_Poly]:
    """g = 1/u; ``w = 1/u_0``."""
    g = [w]
    mw = _pneg(w)
    for k in range(1, len(u)):
        s = _dot([(u[j], g[k - j]) for j in range(1, k + 1)])
        g.append(ctx.reduce(_pmul(s, mw)))
    return g


# --------------------------------------------------------------------------------------
# The tree walk.
# --------------------------------------------------------------------------------------

_TRIG = (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc)
_HYP = (sp.sinh, sp.cosh, sp.tanh, sp.coth, sp.sech, sp.csch)
_ARC = (sp.asin, sp.acos, sp.atan, sp.acot, sp.asinh, sp.acosh, sp.atanh)


def _true(cond: object) -> bool:
    return cond is sp.true or cond is True


class _Builder:
    """Series of every node of one expression, to absolute precision ``P``."""

    def __init__(self, ctx: _Context, var: sp.Symbol, at: sp.Expr, prec: int) -> None:
        self.ctx, self.var, self.at, self.P = ctx, var, at, prec
        self.memo: dict[sp.Expr, _Series] = {}

    # -- helpers --------------------------------------------------------------------
    def fail(self, node: sp.Expr, why: str) -> SeriesError:
        return SeriesError(f"{node} has no Taylor expansion at {self.var} = {self.at}: {why}")

    def const_at(self, node: sp.Expr, value: sp.Expr) -> _Poly:
        try:
            return self.ctx.const(value)
        except _Singular:
            raise self.fail(node, f"it is singular there ({value})") from None

    def inverse_at(self, node: sp.Expr, p: _Poly) -> _Poly:
        try:
            return self.ctx.inverse(p)
        except _Singular:
            raise self.fail(node, "division by zero") from None

    def is_zero_value(self, p: _Poly) -> bool:
        """Whether a structurally non-zero coefficient is nevertheless the number 0."""
        if not p:
            return True
        if len(p) == 1 and 0 in p.n:
            return False
        v = self.ctx.value(p)
        z = v.is_zero
        if z is not None:
            return bool(z)
        if v.free_symbols:
            return False
        try:
            n = sp.N(v, 50)
        except (TypeError, ValueError):  # pragma: no cover - defensive
            return False
        return n.is_number and bool(abs(n) < sp.Float("1e-40", 50))

    def nonzero_lead(self, s: _Series) -> _Series:
        """Drop leading coefficients that are 0 in value (not only structurally)."""
        i = 0
        while i < len(s.c) and self.is_zero_value(s.c[i]):
            i += 1
        return s if i == 0 else _Series(s.val + i, s.c[i:])

    def dense_arg(self, node: sp.Expr, s: _Series) -> list[_Poly] | None:
        """Argument's coefficients from h^0, or None when nothing is known (need more terms)."""
        if s.c and s.val < 0:
            s = self.nonzero_lead(s)
            if s.c and s.val < 0:
                raise self.fail(node, "its argument has a pole there")
        if s.prec <= 0:
            return None
        return s.dense()

    def value0(self, u: list[_Poly]) -> sp.Expr:
        return self.ctx.value(u[0])

    # -- dispatch -------------------------------------------------------------------
    def series(self, node: sp.Expr) -> _Series:
        got = self.memo.get(node)
        if got is None:
            got = self._series(node)
            self.memo[node] = got
        return got

    def _series(self, node: sp.Expr) -> _Series:
        P, ctx = self.P, self.ctx
        if node == self.var:
            a = self.const_at(node, self.at)
            return _Series(0, [a, _ONE] + [_ZERO] * (P - 2) if P >= 2 else [a][:P])
        if self.var not in node.free_symbols:
            c = self.const_at(node, node)
            return _Series(0, [c] + [_ZERO] * (P - 1)) if c else _Series(P, [])
        if node.is_Add:
            out = self.series(node.args[0])
            for a in node.args[1:]:
                out = _series_add(out, self.series(a))
            return out
        if node.is_Mul:
            out = self.series(node.args[0])
            for a in node.args[1:]:
                out = _series_mul(out, self.series(a), ctx)
            return out
        if node.is_Pow:
            return self._pow(node)
        if isinstance(node, sp.exp):
            return self._exp(node, node.args[0])
        if isinstance(node, sp.log) and len(node.args) == 1:
            return self._log(node, node.args[0])
        if isinstance(node, _TRIG + _HYP):
            return self._trig(node)
        if isinstance(node, _ARC):
            return self._arc(node)
        if isinstance(node, sigmoid | softplus):
            return self._sigmoid(node)
        if isinstance(node, sp.Abs | relu):
            return self._abs(node)
        if isinstance(node, sp.erf):
            return self._erf(node)
        return self._fallback(node)

    # -- elementary operations ------------------------------------------------------
    def _invert(self, node: sp.Expr, s: _Series) -> _Series:
        s = self.nonzero_lead(s)
        if not s.c:  # nothing non-zero known: ask for more terms
            return _Series(-s.prec, [])
        w = self.inverse_at(node, s.c[0])
        return _Series(-s.val, _inv_dense(s.c, w, self.ctx))

    def _int_pow(self, node: sp.Expr, s: _Series, e: int) -> _Series:
        if abs(e) >= _MAX_EXPONENT:
            raise self.fail(node, f"exponent {e} is too large")
        if e < 0:
            s, e = self._invert(node, s), -e
        out: _Series | None = None
        while e:
            if e & 1:
                out = s if out is None else _series_mul(out, s, self.ctx)
            e >>= 1
            if e:
                s = _series_mul(s, s, self.ctx)
        assert out is not None
        return out

    def _pow(self, node: sp.Expr) -> _Series:
        base, ex = node.args
        var = self.var
        if var not in ex.free_symbols:
            s = self.series(base)
            if ex.is_Integer:
                return self._int_pow(node, s, int(ex))
            s = self.nonzero_lead(s)
            if s.c and s.val != 0:
                why = "its base is 0 there" if s.val > 0 else "its base has a pole there"
                raise self.fail(node, f"{why} (non-integer power)")
            u = self.dense_arg(node, s)
            if u is None:
                return _Series(0, [])
            b0 = self.value0(u)
            if _true(b0.is_extended_negative):
                raise self.fail(node, f"its base is negative there ({b0})")
            g0 = self.const_at(node, b0**ex)
            alpha = self.const_at(node, ex)
            w = self.inverse_at(node, u[0])
            return _Series.from_dense(_pow_dense(u, alpha, g0, w, self.ctx))
        # variable exponent: b^v = exp(v log b)
        if var not in base.free_symbols:
            b = base
            if _true(b.is_extended_nonpositive):
                raise self.fail(node, f"the base {b} of a variable power must be positive")
            logb = _Series(0, [self.const_at(node, sp.log(b))] + [_ZERO] * (self.P - 1))
            arg = _series_mul(self.series(ex), logb, self.ctx)
        else:
            arg = _series_mul(self.series(ex), self._log(node, base), self.ctx)
        u = self.dense_arg(node, arg)
        if u is None:
            return _Series(0, [])
        e0 = self.ctx.value(self.series(ex).coeff(0))
        b0 = self.ctx.value(self.series(base).coeff(0))
        g0 = self.const_at(node, b0**e0)
        return _Series.from_dense(_exp_dense(u, g0, self.ctx))

    def _exp(self, node: sp.Expr, arg: sp.Expr) -> _Series:
        u = self.dense_arg(node, self.series(arg))
        if u is None:
            return _Series(0, [])
        g0 = self.const_at(node, sp.exp(self.value0(u)))
        return _Series.from_dense(_exp_dense(u, g0, self.ctx))

    def _log(self, node: sp.Expr, arg: sp.Expr) -> _Series:
        s = self.nonzero_lead(self.series(arg))
        if s.c and s.val > 0:
            raise self.fail(node, "its argument is 0 there")
        u = self.dense_arg(node, s)
        if u is None:
            return _Series(0, [])
        v0 = self.value0(u)
        if _true(v0.is_extended_nonpositive):
            raise self.fail(node, f"its argument is {v0} there (log needs a positive argument)")
        g0 = self.const_at(node, sp.log(v0))
        w = self.inverse_at(node, u[0])
        return _Series.from_dense(_log_dense(u, g0, w, self.ctx))

    def _trig(self, node: sp.Expr) -> _Series:
        hyperbolic = isinstance(node, _HYP)
        u = self.dense_arg(node, self.series(node.args[0]))
        if u is None:
            return _Series(0, [])
        v0 = self.value0(u)
        ctx = self.ctx
        if isinstance(node, sp.tan | sp.tanh):
            g0 = self.const_at(node, node.func(v0))
            sign = -1 if hyperbolic else 1
            return _Series.from_dense(_riccati_dense(u, g0, ctx, 1, 0, sign))
        fs, fc = (sp.sinh, sp.cosh) if hyperbolic else (sp.sin, sp.cos)
        s0 = self.const_at(node, fs(v0))
        c0 = self.const_at(node, fc(v0))
        i, j = _single_gen(s0), _single_gen(c0)
        if i is not None and j is not None:
            # sin² = 1 - cos², sinh² = cosh² - 1
            ctx.add_square_rule(i, j, -1 if hyperbolic else 1, 1 if hyperbolic else -1)
        # addition theorem: sin(u0 + δ) = sin u0 cos δ + cos u0 sin δ (and so on), so the
        # recurrence runs on δ = u - u0 without the two constants (half the terms)
        sd, cd = _sincos_dense([_ZERO, *u[1:]], _ZERO, _ONE, ctx, hyperbolic)
        sign = 1 if hyperbolic else -1
        s = [ctx.reduce(_padd(_pmul(s0, ck), _pmul(c0, sk))) for sk, ck in zip(sd, cd, strict=True)]
        c = [
            ctx.reduce(_padd(_pmul(c0, ck), _pscale(_pmul(s0, sk), sign)))
            for sk, ck in zip(sd, cd, strict=True)
        ]
        ss, cs = _Series.from_dense(s), _Series.from_dense(c)
        arg = node.args[0]
        self.memo.setdefault(fs(arg), ss)
        self.memo.setdefault(fc(arg), cs)
        if isinstance(node, sp.sin | sp.sinh):
            return ss
        if isinstance(node, sp.cos | sp.cosh):
            return cs
        if isinstance(node, sp.cot | sp.coth):
            return _series_mul(cs, self._invert(node, ss), ctx)
        if isinstance(node, sp.sec | sp.sech):
            return self._invert(node, cs)
        return self._invert(node, ss)  # csc, csch

    def _arc(self, node: sp.Expr) -> _Series:
        ctx = self.ctx
        u = self.dense_arg(node, self.series(node.args[0]))
        if u is None:
            return _Series(0, [])
        v0 = self.value0(u)
        us = _Series.from_dense(u)
        usq = _series_mul(us, us, ctx).dense()[: len(u)]
        one = [_ONE] + [_ZERO] * (len(u) - 1)
        real = _true(v0.is_extended_real)
        if isinstance(node, sp.atan | sp.acot):
            r = _inv_dense(
                [_padd(a, b) for a, b in zip(one, usq, strict=True)],
                self.inverse_at(node, _padd(_ONE, usq[0])),
                ctx,
            )
        elif isinstance(node, sp.atanh):
            if real and _true(sp.Abs(v0) >= 1):
                raise self.fail(node, f"atanh needs |argument| < 1, got {v0}")
            den = [_padd(a, _pneg(b)) for a, b in zip(one, usq, strict=True)]
            r = _inv_dense(den, self.inverse_at(node, den[0]), ctx)
        else:
            if isinstance(node, sp.asin | sp.acos):
                if real and _true(sp.Abs(v0) >= 1):
                    raise self.fail(node, f"needs |argument| < 1, got {v0}")
                rad = [_padd(a, _pneg(b)) for a, b in zip(one, usq, strict=True)]
            elif isinstance(node, sp.asinh):
                rad = [_padd(a, b) for a, b in zip(one, usq, strict=True)]
            else:  # acosh
                if real and _true(v0 <= 1):
                    raise self.fail(node, f"acosh needs argument > 1, got {v0}")
                rad = [_padd(b, _pneg(a)) for a, b in zip(one, usq, strict=True)]
            half = sp.Rational(-1, 2)
            g0 = self.const_at(node, ctx.value(rad[0]) ** half)
            w = self.inverse_at(node, rad[0])
            r = _pow_dense(rad, _ground(-1, 2), g0, w, ctx)
        if isinstance(node, sp.acos | sp.acot):
            r = [_pneg(c) for c in r]
        g0 = self.const_at(node, node.func(v0))
        return _Series.from_dense(_integrate_du(_weighted(u), r, g0, ctx))

    def _sigmoid(self, node: sp.Expr) -> _Series:
        u = self.dense_arg(node, self.series(node.args[0]))
        if u is None:
            return _Series(0, [])
        v0 = self.value0(u)
        sig = _riccati_dense(u, self.const_at(node, sigmoid(v0)), self.ctx, 0, 1, -1)
        if isinstance(node, sigmoid):
            return _Series.from_dense(sig)
        self.memo.setdefault(sigmoid(node.args[0]), _Series.from_dense(sig))
        g0 = self.const_at(node, softplus(v0))
        return _Series.from_dense(_integrate_du(_weighted(u), sig, g0, self.ctx))

    def _erf(self, node: sp.Expr) -> _Series:
        ctx = self.ctx
        u = self.dense_arg(node, self.series(node.args[0]))
        if u is None:
            return _Series(0, [])
        v0 = self.value0(u)
        us = _Series.from_dense(u)
        m = [_pneg(c) for c in _series_mul(us, us, ctx).dense()[: len(u)]]
        e = _exp_dense(m, self.const_at(node, sp.exp(-(v0**2))), ctx)
        k = self.const_at(node, 2 / sp.sqrt(sp.pi))
        r = [ctx.reduce(_pmul(k, c)) for c in e]
        g0 = self.const_at(node, sp.erf(v0))
        return _Series.from_dense(_integrate_du(_weighted(u), r, g0, ctx))

    def _abs(self, node: sp.Expr) -> _Series:
        s = self.nonzero_lead(self.series(node.args[0]))
        if s.c and s.val < 0:
            raise self.fail(node, "its argument has a pole there")
        if s.c and s.val > 0:
            raise self.fail(node, "its argument is 0 there (a kink, not differentiable)")
        if not s.c:
            return _Series(0, [])
        v0 = self.ctx.value(s.c[0])
        if _true(v0.is_extended_positive):
            return s
        if _true(v0.is_extended_negative):
            if isinstance(node, relu):
                return _Series(self.P, [])
            return _Series(s.val, [_pneg(c) for c in s.c])
        raise self.fail(node, f"the sign of its argument ({v0}) there is unknown")

    # -- anything else: let SymPy differentiate ---------------------------------------
    def _fallback(self, node: sp.Expr) -> _Series:
        var, P, ctx = self.var, self.P, self.ctx
        args = node.args
        dep = [i for i, a in enumerate(args) if var in a.free_symbols]
        composable = (
            isinstance(node, sp.core.function.Application)
            and len(dep) == 1
            and all(isinstance(a, sp.Expr) for a in args)
        )
        if composable:
            # f(..., u, ...) = Σ f^(k)(u0)/k! (u - u0)^k, Horner with series products
            i = dep[0]
            s = self.series(args[i])
            u = self.dense_arg(node, s)
            if u is None:
                return _Series(0, [])
            v0 = self.value0(u)
            y = sp.Dummy("y")
            fy = node.func(*(y if k == i else a for k, a in enumerate(args)))
            derivs = []
            d = fy
            for k in range(len(u)):
                val = d.subs(y, v0) / math.factorial(k)
                if val.has(sp.DiracDelta):
                    raise self.fail(node, "it is not differentiable there")
                derivs.append(self.const_at(node, val))
                if k + 1 < len(u):
                    d = sp.diff(d, y)
            delta = _Series(0, [_ZERO, *u[1:]])
            out = _Series(0, [derivs[-1]] + [_ZERO] * (len(u) - 1))
            for c in reversed(derivs[:-1]):
                out = _series_mul(out, delta, ctx)
                out = _series_add(out, _Series(0, [c] + [_ZERO] * (len(u) - 1)))
            return out
        # differentiate the node itself
        coeffs = []
        d = node
        for k in range(P):
            val = d.subs(var, self.at)
            bad = val.has(sp.nan, sp.zoo, sp.oo, -sp.oo, sp.DiracDelta)
            if bad or var in val.free_symbols:
                raise self.fail(node, f"its derivative of order {k} is {val} there")
            coeffs.append(self.const_at(node, val / math.factorial(k)))
            if k + 1 < P:
                d = sp.diff(d, var)
        return _Series(0, coeffs)


# --------------------------------------------------------------------------------------
# Public API.
# --------------------------------------------------------------------------------------


def _check(expr: object, var: object, at: object, order: object) -> tuple[sp.Expr, sp.Expr]:
    if not isinstance(var, sp.Symbol):
        raise TypeError(f"var must be a SymPy Symbol, got {var!r}")
    if not isinstance(order, int) or isinstance(order, bool) or order < 0:
        raise ValueError(f"order must be a non-negative integer, got {order!r}")
    expr = as_sympy(expr)
    at = as_sympy(at)
    if not isinstance(expr, sp.Expr):
        raise TypeError(f"expected a SymPy expression, got {expr!r}")
    if var in at.free_symbols:
        raise ValueError(f"the point {at} must not contain {var}")
    if at.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
        raise SeriesError(f"the point must be finite, got {at}")
    return expr, at


def _taylor_polys(
    expr: sp.Expr, var: sp.Symbol, at: sp.Expr, order: int, ctx: _Context
) -> list[_Poly]:
    """Coefficient polynomials of h^0 .. h^order (retrying with more terms if needed)."""
    want = order + 1
    extra = 0
    while True:
        builder = _Builder(ctx, var, at, want + extra)
        s = builder.nonzero_lead(builder.series(expr))
        if s.c and s.val < 0:
            raise SeriesError(
                f"{expr} has a pole of order {-s.val} at {var} = {at}: no Taylor expansion"
            )
        if s.prec >= want:
            dense = s.dense()
            return dense[:want]
        # cancellation in a quotient used up terms: compute more
        extra += max(want - s.prec, 1)
        if extra > 2 * want + 16:
            raise SeriesError(
                f"could not expand {expr} at {var} = {at}: "
                "a divisor vanishes to all computed orders"
            )


def taylor_coefficients(
    expr: sp.Expr, var: sp.Symbol, at: sp.Expr | int = 0, order: int = 6
) -> list[sp.Expr]:
    """Exact ``[c_0, ..., c_order]`` with ``expr = Σ c_k (var - at)^k + O((var - at)^(order+1))``.

    ``c_k = f^(k)(at)/k!``. Other symbols are parameters. Raises :class:`SeriesError`
    where no Taylor expansion exists (pole, ``log``/root/``abs`` at a zero of the argument,
    a point outside the real domain).
    """
    expr, at = _check(expr, var, at, order)
    ctx = _Context()
    return [ctx.to_expr(p) for p in _taylor_polys(expr, var, at, order, ctx)]


def taylor_polynomial(
    expr: sp.Expr, var: sp.Symbol, at: sp.Expr | int = 0, order: int = 6
) -> sp.Expr:
    """``Σ c_k (var - at)^k`` with ``(var - at)`` kept as one factor (no ``O()`` term).

    >>> x = sp.Symbol("x")
    >>> taylor_polynomial(sp.exp(x), x, 2, 2)
    (x - 2)**2*exp(2)/2 + (x - 2)*exp(2) + exp(2)
    """
    coeffs = taylor_coefficients(expr, var, at, order)
    h = var - as_sympy(at)
    terms = []
    for k, c in enumerate(coeffs):
        if c == 0:
            continue
        if k == 0:
            terms.append(c)
        elif k == 1 and h.is_Add and c.is_Number:
            # a plain number times an Add would be distributed: 2*(x - 1) -> 2*x - 2
            terms.append(sp.Mul(c, h, evaluate=False))
        else:
            terms.append(c * h**k)
    out = sp.Add(*terms)
    if out.is_Add and any(t.is_Mul and t.args[0] is sp.S.One for t in out.args):
        # the 1*(x - a) kept above: show it as (x - a), still one term of the sum
        out = sp.Add(
            *[h if t.is_Mul and t.args[0] is sp.S.One else t for t in out.args], evaluate=False
        )
    elif out.is_Mul and out.args[0] is sp.S.One:
        out = h
    return out


def taylor_coefficients_multivariate(
    expr: sp.Expr,
    vars: Sequence[sp.Symbol],
    at: Mapping[sp.Symbol, sp.Expr] | Sequence[sp.Expr] | None = None,
    order: int = 3,
) -> dict[tuple[int, ...], sp.Expr]:
    """``{(k_1, ..., k_m): c}`` for every multi-index with ``k_1 + ... + k_m <= order``.

    ``expr = Σ c_k Π (x_i - a_i)^(k_i) + O(|x - a|^(order+1))``, so
    ``c_k = ∂^k f(a) / (k_1! ... k_m!)``. Computed along the line ``x_i = a_i + t d_i``:
    the coefficient of ``t^n`` is ``Σ_{|k|=n} c_k d^k``. ``at`` maps each variable to its
    point (missing ones are 0) or lists the points in the order of ``vars``.
    """
    vars = list(vars)
    if not vars or len(set(vars)) != len(vars):
        raise ValueError("vars must be distinct symbols")
    if at is None:
        at = {}
    if not isinstance(at, Mapping):
        at = dict(zip(vars, at, strict=True))
    points = [as_sympy(at.get(v, at.get(str(v), 0))) for v in vars]
    t = sp.Dummy("t")
    for v in vars:
        _check(expr, v, 0, order)
    ds = [sp.Dummy(f"d_{v}") for v in vars]
    expr = as_sympy(expr)
    for p in points:
        if any(w in p.free_symbols for w in vars):
            raise ValueError(f"the point {p} must not contain the variables")
    line = expr.xreplace({v: p + t * d for v, p, d in zip(vars, points, ds, strict=True)})
    ctx = _Context()
    try:
        polys = _taylor_polys(line, t, sp.S.Zero, order, ctx)
    except SeriesError as error:
        where = ", ".join(f"{v} = {p}" for v, p in zip(vars, points, strict=True))
        raise SeriesError(f"{expr} has no Taylor expansion at {where} ({error})") from error
    m = len(vars)
    out: dict[tuple[int, ...], sp.Expr] = {}

    def indices(total: int, parts: int) -> list[tuple[int, ...]]:
        if parts == 1:
            return [(total,)]
        return [(i, *rest) for i in range(total, -1, -1) for rest in indices(total - i, parts - 1)]

    dset = set(ds)
    clean = all(
        not (v.free_symbols & dset) or v in dset for v in ctx.values
    )  # no generator hides a d_i (e.g. 1/(d_1 - d_2) from a removable singularity)
    if clean:
        didx = [ctx.index.get(d) for d in ds]
        for n, p in enumerate(polys):
            groups: dict[tuple[int, ...], dict[int, int]] = {}
            for mono, c in p.n.items():
                key = []
                for i in didx:
                    if i is None:
                        key.append(0)
                        continue
                    e = (mono >> (_BITS * i)) & _MASK
                    key.append(e)
                    mono -= e << (_BITS * i)
                k = tuple(key)
                g = groups.setdefault(k, {})
                g[mono] = g.get(mono, 0) + c
            for k in indices(n, m):
                out[k] = ctx.to_expr(_make(groups.get(k, {}), p.d))
        return out
    for n, p in enumerate(polys):
        try:
            poly = sp.Poly(sp.cancel(ctx.to_expr(p)), *ds)
        except sp.PolynomialError:
            raise SeriesError(f"could not separate the coefficients of {expr}") from None
        for k in indices(n, m):
            out[k] = poly.coeff_monomial(sp.Mul(*[d**e for d, e in zip(ds, k, strict=True)]))
    return out
