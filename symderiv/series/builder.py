"""The tree walk: the series of every node of one expression, from its children's series."""

from __future__ import annotations

import math

import sympy as sp

from symderiv.functions import relu, sigmoid, softplus
from symderiv.series.context import Context
from symderiv.series.exceptions import SeriesError, Singular
from symderiv.series.polynomials import (
    MAX_EXPONENT,
    ONE,
    ZERO,
    Poly,
    ground_poly,
    padd,
    pmul,
    pneg,
    pscale,
    single_gen,
)
from symderiv.series.truncated import (
    Series,
    exp_dense,
    integrate_du,
    inv_dense,
    log_dense,
    pow_dense,
    riccati_dense,
    series_add,
    series_mul,
    sincos_dense,
    weighted,
)

_TRIG = (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc)
_HYP = (sp.sinh, sp.cosh, sp.tanh, sp.coth, sp.sech, sp.csch)
_ARC = (sp.asin, sp.acos, sp.atan, sp.acot, sp.asinh, sp.acosh, sp.atanh)


def _true(cond: object) -> bool:
    return cond is sp.true or cond is True


class Builder:
    """Series of every node of one expression, to absolute precision ``P``."""

    def __init__(self, ctx: Context, var: sp.Symbol, at: sp.Expr, prec: int) -> None:
        self.ctx, self.var, self.at, self.P = ctx, var, at, prec
        self.memo: dict[sp.Expr, Series] = {}

    # -- helpers --------------------------------------------------------------------
    def fail(self, node: sp.Expr, why: str) -> SeriesError:
        return SeriesError(f"{node} has no Taylor expansion at {self.var} = {self.at}: {why}")

    def const_at(self, node: sp.Expr, value: sp.Expr) -> Poly:
        try:
            return self.ctx.const(value)
        except Singular:
            raise self.fail(node, f"it is singular there ({value})") from None

    def inverse_at(self, node: sp.Expr, p: Poly) -> Poly:
        try:
            return self.ctx.inverse(p)
        except Singular:
            raise self.fail(node, "division by zero") from None

    def is_zero_value(self, p: Poly) -> bool:
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

    def nonzero_lead(self, s: Series) -> Series:
        """Drop leading coefficients that are 0 in value (not only structurally)."""
        i = 0
        while i < len(s.c) and self.is_zero_value(s.c[i]):
            i += 1
        return s if i == 0 else Series(s.val + i, s.c[i:])

    def dense_arg(self, node: sp.Expr, s: Series) -> list[Poly] | None:
        """Argument's coefficients from h^0, or None when nothing is known (need more terms)."""
        if s.c and s.val < 0:
            s = self.nonzero_lead(s)
            if s.c and s.val < 0:
                raise self.fail(node, "its argument has a pole there")
        if s.prec <= 0:
            return None
        return s.dense()

    def value0(self, u: list[Poly]) -> sp.Expr:
        return self.ctx.value(u[0])

    # -- dispatch -------------------------------------------------------------------
    def series(self, node: sp.Expr) -> Series:
        got = self.memo.get(node)
        if got is None:
            got = self._series(node)
            self.memo[node] = got
        return got

    def _series(self, node: sp.Expr) -> Series:
        P, ctx = self.P, self.ctx
        if node == self.var:
            a = self.const_at(node, self.at)
            return Series(0, [a, ONE] + [ZERO] * (P - 2) if P >= 2 else [a][:P])
        if self.var not in node.free_symbols:
            c = self.const_at(node, node)
            return Series(0, [c] + [ZERO] * (P - 1)) if c else Series(P, [])
        if node.is_Add:
            out = self.series(node.args[0])
            for a in node.args[1:]:
                out = series_add(out, self.series(a))
            return out
        if node.is_Mul:
            out = self.series(node.args[0])
            for a in node.args[1:]:
                out = series_mul(out, self.series(a), ctx)
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
    def _invert(self, node: sp.Expr, s: Series) -> Series:
        s = self.nonzero_lead(s)
        if not s.c:  # nothing non-zero known: ask for more terms
            return Series(-s.prec, [])
        w = self.inverse_at(node, s.c[0])
        return Series(-s.val, inv_dense(s.c, w, self.ctx))

    def _int_pow(self, node: sp.Expr, s: Series, e: int) -> Series:
        if abs(e) >= MAX_EXPONENT:
            raise self.fail(node, f"exponent {e} is too large")
        if e < 0:
            s, e = self._invert(node, s), -e
        out: Series | None = None
        while e:
            if e & 1:
                out = s if out is None else series_mul(out, s, self.ctx)
            e >>= 1
            if e:
                s = series_mul(s, s, self.ctx)
        assert out is not None
        return out

    def _pow(self, node: sp.Expr) -> Series:
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
                return Series(0, [])
            b0 = self.value0(u)
            if _true(b0.is_extended_negative):
                raise self.fail(node, f"its base is negative there ({b0})")
            g0 = self.const_at(node, b0**ex)
            alpha = self.const_at(node, ex)
            w = self.inverse_at(node, u[0])
            return Series.from_dense(pow_dense(u, alpha, g0, w, self.ctx))
        # variable exponent: b^v = exp(v log b)
        if var not in base.free_symbols:
            b = base
            if _true(b.is_extended_nonpositive):
                raise self.fail(node, f"the base {b} of a variable power must be positive")
            logb = Series(0, [self.const_at(node, sp.log(b))] + [ZERO] * (self.P - 1))
            arg = series_mul(self.series(ex), logb, self.ctx)
        else:
            arg = series_mul(self.series(ex), self._log(node, base), self.ctx)
        u = self.dense_arg(node, arg)
        if u is None:
            return Series(0, [])
        e0 = self.ctx.value(self.series(ex).coeff(0))
        b0 = self.ctx.value(self.series(base).coeff(0))
        g0 = self.const_at(node, b0**e0)
        return Series.from_dense(exp_dense(u, g0, self.ctx))

    def _exp(self, node: sp.Expr, arg: sp.Expr) -> Series:
        u = self.dense_arg(node, self.series(arg))
        if u is None:
            return Series(0, [])
        g0 = self.const_at(node, sp.exp(self.value0(u)))
        return Series.from_dense(exp_dense(u, g0, self.ctx))

    def _log(self, node: sp.Expr, arg: sp.Expr) -> Series:
        s = self.nonzero_lead(self.series(arg))
        if s.c and s.val > 0:
            raise self.fail(node, "its argument is 0 there")
        u = self.dense_arg(node, s)
        if u is None:
            return Series(0, [])
        v0 = self.value0(u)
        if _true(v0.is_extended_nonpositive):
            raise self.fail(node, f"its argument is {v0} there (log needs a positive argument)")
        g0 = self.const_at(node, sp.log(v0))
        w = self.inverse_at(node, u[0])
        return Series.from_dense(log_dense(u, g0, w, self.ctx))

    def _trig(self, node: sp.Expr) -> Series:
        hyperbolic = isinstance(node, _HYP)
        u = self.dense_arg(node, self.series(node.args[0]))
        if u is None:
            return Series(0, [])
        v0 = self.value0(u)
        ctx = self.ctx
        if isinstance(node, sp.tan | sp.tanh):
            g0 = self.const_at(node, node.func(v0))
            sign = -1 if hyperbolic else 1
            return Series.from_dense(riccati_dense(u, g0, ctx, 1, 0, sign))
        fs, fc = (sp.sinh, sp.cosh) if hyperbolic else (sp.sin, sp.cos)
        s0 = self.const_at(node, fs(v0))
        c0 = self.const_at(node, fc(v0))
        i, j = single_gen(s0), single_gen(c0)
        if i is not None and j is not None:
            # sin² = 1 - cos², sinh² = cosh² - 1
            ctx.add_square_rule(i, j, -1 if hyperbolic else 1, 1 if hyperbolic else -1)
        # addition theorem: sin(u0 + δ) = sin u0 cos δ + cos u0 sin δ (and so on), so the
        # recurrence runs on δ = u - u0 without the two constants (half the terms)
        sd, cd = sincos_dense([ZERO, *u[1:]], ZERO, ONE, ctx, hyperbolic)
        sign = 1 if hyperbolic else -1
        s = [ctx.reduce(padd(pmul(s0, ck), pmul(c0, sk))) for sk, ck in zip(sd, cd, strict=True)]
        c = [
            ctx.reduce(padd(pmul(c0, ck), pscale(pmul(s0, sk), sign)))
            for sk, ck in zip(sd, cd, strict=True)
        ]
        ss, cs = Series.from_dense(s), Series.from_dense(c)
        arg = node.args[0]
        self.memo.setdefault(fs(arg), ss)
        self.memo.setdefault(fc(arg), cs)
        if isinstance(node, sp.sin | sp.sinh):
            return ss
        if isinstance(node, sp.cos | sp.cosh):
            return cs
        if isinstance(node, sp.cot | sp.coth):
            return series_mul(cs, self._invert(node, ss), ctx)
        if isinstance(node, sp.sec | sp.sech):
            return self._invert(node, cs)
        return self._invert(node, ss)  # csc, csch

    def _arc(self, node: sp.Expr) -> Series:
        ctx = self.ctx
        u = self.dense_arg(node, self.series(node.args[0]))
        if u is None:
            return Series(0, [])
        v0 = self.value0(u)
        us = Series.from_dense(u)
        usq = series_mul(us, us, ctx).dense()[: len(u)]
        one = [ONE] + [ZERO] * (len(u) - 1)
        real = _true(v0.is_extended_real)
        if isinstance(node, sp.atan | sp.acot):
            r = inv_dense(
                [padd(a, b) for a, b in zip(one, usq, strict=True)],
                self.inverse_at(node, padd(ONE, usq[0])),
                ctx,
            )
        elif isinstance(node, sp.atanh):
            if real and _true(sp.Abs(v0) >= 1):
                raise self.fail(node, f"atanh needs |argument| < 1, got {v0}")
            den = [padd(a, pneg(b)) for a, b in zip(one, usq, strict=True)]
            r = inv_dense(den, self.inverse_at(node, den[0]), ctx)
        else:
            if isinstance(node, sp.asin | sp.acos):
                if real and _true(sp.Abs(v0) >= 1):
                    raise self.fail(node, f"needs |argument| < 1, got {v0}")
                rad = [padd(a, pneg(b)) for a, b in zip(one, usq, strict=True)]
            elif isinstance(node, sp.asinh):
                rad = [padd(a, b) for a, b in zip(one, usq, strict=True)]
            else:  # acosh
                if real and _true(v0 <= 1):
                    raise self.fail(node, f"acosh needs argument > 1, got {v0}")
                rad = [padd(b, pneg(a)) for a, b in zip(one, usq, strict=True)]
            half = sp.Rational(-1, 2)
            g0 = self.const_at(node, ctx.value(rad[0]) ** half)
            w = self.inverse_at(node, rad[0])
            r = pow_dense(rad, ground_poly(-1, 2), g0, w, ctx)
        if isinstance(node, sp.acos | sp.acot):
            r = [pneg(c) for c in r]
        g0 = self.const_at(node, node.func(v0))
        return Series.from_dense(integrate_du(weighted(u), r, g0, ctx))

    def _sigmoid(self, node: sp.Expr) -> Series:
        u = self.dense_arg(node, self.series(node.args[0]))
        if u is None:
            return Series(0, [])
        v0 = self.value0(u)
        sig = riccati_dense(u, self.const_at(node, sigmoid(v0)), self.ctx, 0, 1, -1)
        if isinstance(node, sigmoid):
            return Series.from_dense(sig)
        self.memo.setdefault(sigmoid(node.args[0]), Series.from_dense(sig))
        g0 = self.const_at(node, softplus(v0))
        return Series.from_dense(integrate_du(weighted(u), sig, g0, self.ctx))

    def _erf(self, node: sp.Expr) -> Series:
        ctx = self.ctx
        u = self.dense_arg(node, self.series(node.args[0]))
        if u is None:
            return Series(0, [])
        v0 = self.value0(u)
        us = Series.from_dense(u)
        m = [pneg(c) for c in series_mul(us, us, ctx).dense()[: len(u)]]
        e = exp_dense(m, self.const_at(node, sp.exp(-(v0**2))), ctx)
        k = self.const_at(node, 2 / sp.sqrt(sp.pi))
        r = [ctx.reduce(pmul(k, c)) for c in e]
        g0 = self.const_at(node, sp.erf(v0))
        return Series.from_dense(integrate_du(weighted(u), r, g0, ctx))

    def _abs(self, node: sp.Expr) -> Series:
        s = self.nonzero_lead(self.series(node.args[0]))
        if s.c and s.val < 0:
            raise self.fail(node, "its argument has a pole there")
        if s.c and s.val > 0:
            raise self.fail(node, "its argument is 0 there (a kink, not differentiable)")
        if not s.c:
            return Series(0, [])
        v0 = self.ctx.value(s.c[0])
        if _true(v0.is_extended_positive):
            return s
        if _true(v0.is_extended_negative):
            if isinstance(node, relu):
                return Series(self.P, [])
            return Series(s.val, [pneg(c) for c in s.c])
        raise self.fail(node, f"the sign of its argument ({v0}) there is unknown")

    # -- anything else: let SymPy differentiate ---------------------------------------
    def _fallback(self, node: sp.Expr) -> Series:
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
                return Series(0, [])
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
            delta = Series(0, [ZERO, *u[1:]])
            out = Series(0, [derivs[-1]] + [ZERO] * (len(u) - 1))
            for c in reversed(derivs[:-1]):
                out = series_mul(out, delta, ctx)
                out = series_add(out, Series(0, [c] + [ZERO] * (len(u) - 1)))
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
        return Series(0, coeffs)
