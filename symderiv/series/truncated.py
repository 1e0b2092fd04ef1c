"""Truncated (Laurent) series and the O(n²) recurrences of the elementary functions.

A series holds the coefficients of h^val, h^(val+1), ... known below h^prec; the
recurrences work on dense coefficient lists u_0 .. u_{P-1}.
"""

from __future__ import annotations

from symderiv.series.context import Context
from symderiv.series.polynomials import ZERO, Poly, dot_sum, ground_poly, padd, pmul, pneg, pscale


class Series:
    __slots__ = ("c", "val")

    def __init__(self, val: int, c: list[Poly]) -> None:
        # strip leading zeros so that c[0] (if any) is the leading coefficient
        i = 0
        while i < len(c) and not c[i]:
            i += 1
        self.val = val + i
        self.c = c[i:] if i else c

    @property
    def prec(self) -> int:
        return self.val + len(self.c)

    def coeff(self, k: int) -> Poly:
        i = k - self.val
        return self.c[i] if 0 <= i < len(self.c) else ZERO

    def dense(self) -> list[Poly]:
        """Coefficients of h^0 .. h^(prec-1) (only for val >= 0)."""
        return [ZERO] * self.val + self.c

    @classmethod
    def from_dense(cls, c: list[Poly]) -> Series:
        return cls(0, c)


def series_add(a: Series, b: Series) -> Series:
    lo, hi = min(a.val, b.val), min(a.prec, b.prec)
    return Series(lo, [padd(a.coeff(k), b.coeff(k)) for k in range(lo, hi)])


def series_mul(a: Series, b: Series, ctx: Context) -> Series:
    n = min(len(a.c), len(b.c))
    ac, bc = a.c, b.c
    out = [ctx.reduce(dot_sum([(ac[i], bc[k - i]) for i in range(k + 1)])) for k in range(n)]
    return Series(a.val + b.val, out)


def weighted(u: list[Poly]) -> list[Poly]:
    return [pscale(c, j) for j, c in enumerate(u)]


def integrate_du(ju: list[Poly], q: list[Poly], g0: Poly, ctx: Context) -> list[Poly]:
    """g with g_0 = g0 and g' = u' q (``ju[j] = j u_j``)."""
    g = [g0]
    for k in range(1, len(ju)):
        s = dot_sum([(ju[j], q[k - j]) for j in range(1, k + 1)])
        g.append(ctx.reduce(pscale(s, 1, k)))
    return g


def exp_dense(u: list[Poly], g0: Poly, ctx: Context) -> list[Poly]:
    ju = weighted(u)
    g = [g0]
    for k in range(1, len(u)):
        s = dot_sum([(ju[j], g[k - j]) for j in range(1, k + 1)])
        g.append(ctx.reduce(pscale(s, 1, k)))
    return g


def sincos_dense(
    u: list[Poly], s0: Poly, c0: Poly, ctx: Context, hyperbolic: bool
) -> tuple[list[Poly], list[Poly]]:
    ju = weighted(u)
    s, c = [s0], [c0]
    sign = 1 if hyperbolic else -1
    for k in range(1, len(u)):
        pairs = range(1, k + 1)
        sk = dot_sum([(ju[j], c[k - j]) for j in pairs])
        ck = dot_sum([(ju[j], s[k - j]) for j in pairs])
        s.append(ctx.reduce(pscale(sk, 1, k)))
        c.append(ctx.reduce(pscale(ck, sign, k)))
    return s, c


def riccati_dense(u: list[Poly], g0: Poly, ctx: Context, a: int, b: int, c: int) -> list[Poly]:
    """g with g' = u'·(a + b g + c g²), e.g. tan: (1, 0, 1), sigmoid: (0, 1, -1)."""
    ju = weighted(u)
    g = [g0]
    h = [ctx.reduce(pmul(g0, g0))]

    def q(m: int) -> Poly:
        out = padd(pscale(g[m], b), pscale(h[m], c))
        return padd(out, ground_poly(a)) if m == 0 else out

    qs = [q(0)]
    for k in range(1, len(u)):
        s = dot_sum([(ju[j], qs[k - j]) for j in range(1, k + 1)])
        g.append(ctx.reduce(pscale(s, 1, k)))
        half = [(g[i], g[k - i]) for i in range(1, (k + 1) // 2)]
        hk = pscale(dot_sum(half), 2) if half else ZERO
        hk = padd(hk, pscale(pmul(g[0], g[k]), 2))
        if k % 2 == 0:
            hk = padd(hk, pmul(g[k // 2], g[k // 2]))
        h.append(ctx.reduce(hk))
        qs.append(q(k))
    return g


def log_dense(u: list[Poly], g0: Poly, w: Poly, ctx: Context) -> list[Poly]:
    """g = log(u); ``w = 1/u_0``."""
    g = [g0]
    for k in range(1, len(u)):
        s = dot_sum([(pscale(g[j], j), u[k - j]) for j in range(1, k)])
        t = padd(u[k], pscale(s, -1, k))
        g.append(ctx.reduce(pmul(t, w)))
    return g


def pow_dense(u: list[Poly], alpha: Poly, g0: Poly, w: Poly, ctx: Context) -> list[Poly]:
    """g = u^α; ``w = 1/u_0``: g_k = (w/k) Σ_j (α j - (k - j)) u_j g_{k-j}."""
    g = [g0]
    ground = not alpha or (len(alpha) == 1 and 0 in alpha.n)
    an, ad = alpha.n.get(0, 0), alpha.d  # α = an/ad when ground
    for k in range(1, len(u)):
        if ground:
            # (α j - (k - j)) = ((an + ad) j - k ad) / ad
            pairs = [(pscale(u[j], (an + ad) * j - k * ad), g[k - j]) for j in range(1, k + 1)]
            s = pscale(dot_sum(pairs), 1, ad)
        else:
            sa = dot_sum([(pscale(u[j], j), g[k - j]) for j in range(1, k + 1)])
            sb = dot_sum([(pscale(u[j], k - j), g[k - j]) for j in range(1, k)])
            s = padd(ctx.reduce(pmul(alpha, sa)), pneg(sb))
        g.append(ctx.reduce(pscale(pmul(s, w), 1, k)))
    return g


def inv_dense(u: list[Poly], w: Poly, ctx: Context) -> list[Poly]:
    """g = 1/u; ``w = 1/u_0``."""
    g = [w]
    mw = pneg(w)
    for k in range(1, len(u)):
        s = dot_sum([(u[j], g[k - j]) for j in range(1, k + 1)])
        g.append(ctx.reduce(pmul(s, mw)))
    return g
