"""Shared test utilities: numeric equality of expressions in high precision."""

from __future__ import annotations

import sympy as sp

from symderiv.functions import to_elementary


def numerically_equal(
    a: sp.Expr, b: sp.Expr, points: list[dict[sp.Symbol, float]], digits: int = 30
) -> bool:
    """True when a and b agree to ~digits−5 digits at every point where both are real."""
    compared = 0
    for point in points:
        values = {s: sp.Float(v, digits) for s, v in point.items()}
        va = sp.N(to_elementary(a).subs(values), digits)
        vb = sp.N(to_elementary(b).subs(values), digits)
        if not (va.is_real and vb.is_real):
            continue
        compared += 1
        scale = max(abs(va), abs(vb), sp.Float(1e-10))
        if abs(va - vb) / scale > sp.Float(10) ** (5 - digits):
            return False
    return compared > 0


def sample_points(symbols: list[sp.Symbol], count: int = 4) -> list[dict[sp.Symbol, float]]:
    """Deterministic, non-special sample points (no integers, no multiples of π)."""
    base = [0.3719, 0.8123, 1.2917, 0.5531, 1.7093, 0.2377]
    return [
        {s: base[(i + j) % len(base)] * (1 if (i + j) % 3 else 1.13) for j, s in enumerate(symbols)}
        for i in range(count)
    ]


def same_function(a: sp.Expr, b: sp.Expr) -> bool:
    """Symbolically equal (cheaply) or numerically equal at sample points."""
    difference = sp.expand(a - b)
    if difference == 0:
        return True
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    return numerically_equal(a, b, sample_points(symbols))


def sympy_derivative(expr: sp.Expr, var: sp.Symbol, order: int = 1) -> sp.Expr:
    """sympy.diff with every symbol taken real (so |x|′ is sign(x), as on the real line)."""
    real = {s: sp.Symbol(s.name, real=True) for s in expr.free_symbols}
    back = {r: s for s, r in real.items()}
    return sp.diff(expr.xreplace(real), real.get(var, var), order).xreplace(back)
