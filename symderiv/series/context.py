"""The context of one expansion: generators (exact constants and parameters), their SymPy
values, and the identities between them (``sin² = 1 - cos²``, ``g·(1/g) = 1``, ...).
"""

from __future__ import annotations

import math
from functools import cmp_to_key
from itertools import pairwise

import sympy as sp

from symderiv.series.exceptions import SeriesError, Singular
from symderiv.series.polynomials import (
    BITS,
    MASK,
    MAX_EXPONENT,
    ONE,
    ZERO,
    Poly,
    ground_poly,
    make_poly,
    padd,
    pmul,
    single_gen,
)
from symderiv.sympy_values import as_sympy

_UNSET = object()


class Context:
    """Generators of ℚ[g_0, g_1, ...], their SymPy values, and rewrite rules."""

    def __init__(self) -> None:
        self.values: list[sp.Expr] = []
        self.index: dict[sp.Expr, int] = {}
        self._inverse: dict[int, Poly] = {}
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
        return 1 << (BITS * i)

    def gen(self, value: sp.Expr) -> Poly:
        return Poly({self.mono(self.atom(value)): 1}, 1)

    def const(self, value: sp.Expr) -> Poly:
        """The ring element for an exact constant (decomposed through + · and integer ^)."""
        value = as_sympy(value)
        if value.is_Rational:
            return ground_poly(int(value.p), int(value.q))
        if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            raise Singular(value)
        if value.is_Add:
            out = ZERO
            for a in value.args:
                out = padd(out, self.const(a))
            return out
        if value.is_Mul:
            out = ONE
            for a in value.args:
                out = self.reduce(pmul(out, self.const(a)))
            return out
        if value.is_Pow and value.exp.is_Integer:
            e = int(value.exp)
            if abs(e) >= MAX_EXPONENT:
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
            e = m & MASK
            if e:
                powers.append((i, e))
            m >>= BITS
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

    def value(self, p: Poly) -> sp.Expr:
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

    def power(self, p: Poly, e: int) -> Poly:
        out = ONE
        while e:
            if e & 1:
                out = self.reduce(pmul(out, p))
            e >>= 1
            if e:
                p = self.reduce(pmul(p, p))
        return out

    def inverse(self, p: Poly) -> Poly:
        """1/p as a ring element: exact for monomials, else a new generator."""
        if not p:
            raise Singular(sp.zoo)
        if len(p) == 1:
            ((m, c),) = p.n.items()
            out = ground_poly(p.d, c)
            i = 0
            while m:
                e = m & MASK
                if e:
                    out = self.reduce(pmul(out, self.power(self._inverse_of(i), e)))
                m >>= BITS
                i += 1
            return out
        r = 1 / self.value(p)
        if r.is_Rational:
            return self.const(r)
        if r.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            raise Singular(r)
        return self.gen(r)

    def _inverse_of(self, i: int) -> Poly:
        got = self._inverse.get(i)
        if got is not None:
            return got
        value = self.values[i]
        r = 1 / value
        # a new generator, unless SymPy simplified 1/value (1/sqrt(2) = sqrt(2)/2, ...)
        unevaluated = r.is_Pow and r.exp == -1 and r.base == value
        got = self.gen(r) if unevaluated else self.const(r)
        j = single_gen(got)
        if j is not None and j != i and got.n[self.mono(j)] == 1:
            self.inverse_rules.append((i, j))
            self._inverse[j] = self.gen(value)
        self._inverse[i] = got
        return got

    def add_square_rule(self, s: int, c: int, k0: int, k2: int) -> None:
        if s != c and (s, c, k0, k2) not in self.square_rules:
            self.square_rules.append((s, c, k0, k2))

    # -- normal form ----------------------------------------------------------------
    def reduce(self, p: Poly) -> Poly:
        """Rewrite with g_i g_j = 1 and g_s² = k0 + k2 g_c² (keeps coefficients small)."""
        if not p.n:
            return p
        n = p.n
        changed = False
        for i, j in self.inverse_rules:
            si, sj = BITS * i, BITS * j
            if not any((m >> si) & MASK and (m >> sj) & MASK for m in n):
                continue
            out: dict[int, int] = {}
            for m, c in n.items():
                k = min((m >> si) & MASK, (m >> sj) & MASK)
                if k:
                    m -= (k << si) + (k << sj)
                out[m] = out.get(m, 0) + c
            n, changed = out, True
        for s, cg, k0, k2 in self.square_rules:
            ss, sc = BITS * s, BITS * cg
            if not any((m >> ss) & MASK >= 2 for m in n):
                continue
            out = {}
            for m, c in n.items():
                e = (m >> ss) & MASK
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
        return make_poly(n, p.d) if changed else p

    def to_expr(self, p: Poly) -> sp.Expr:
        return self.value(p)
