"""Where the numeric check samples: candidate points, scale by scale and sign by sign,
the special values it steps around, and the values held for parameters.

The schedule and the reasons for it are described in :mod:`symderiv.verify` ("Sampling").
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence

import sympy as sp

#: (low, high, how many candidates, log-uniform?) for |x|, tried in this order.
SCHEDULE: tuple[tuple[float, float, int, bool], ...] = (
    (0.1, 3.0, 24, False),
    (0.01, 0.1, 8, True),
    (3.0, 30.0, 8, True),
    (0.001, 0.01, 4, True),
    (30.0, 300.0, 4, True),
)
#: The smallest and largest |x| sampled.
SAMPLED_RANGE = (f"{min(r[0] for r in SCHEDULE):g}", f"{max(r[1] for r in SCHEDULE):g}")


def is_special(x: float) -> bool:
    """Near 0, an integer up to 30, a multiple of pi/2 or +-e (1e-3 relative)?"""
    ax = abs(x)
    if ax < 1e-3:
        return True
    if ax > 30:
        return False
    margin = 1e-3 * max(1.0, ax)
    if abs(x - round(x)) < margin:
        return True
    half_pi = math.pi / 2
    if abs(x - half_pi * round(x / half_pi)) < margin:
        return True
    return abs(ax - math.e) < margin


def sign_rule(sym: sp.Symbol) -> int:
    """+1 if ``sym`` must be positive, -1 if negative, 0 if either sign is allowed."""
    if sym.is_positive or sym.is_nonnegative:
        return 1
    if sym.is_negative or sym.is_nonpositive:
        return -1
    return 0


def _draw(rng: random.Random, lo: float, hi: float, log: bool, sign: int) -> float:
    magnitude = math.exp(rng.uniform(math.log(lo), math.log(hi))) if log else rng.uniform(lo, hi)
    magnitude = float(f"{magnitude:.5g}")  # readable points; the float value is what is used
    return sign * magnitude


def candidate_points(rng: random.Random, vars: Sequence[sp.Symbol]) -> Iterator[tuple[float, ...]]:
    """Candidate points, scale by scale. Where a symbol may take either sign, the signs run
    through the orthants in turn (+, -, +, - for one variable; (+,+), (-,+), (+,-), (-,-)
    for two); in the first scale |x| also alternates between (0.1, 1) and (1, 3) (for one
    variable: +small, -large, +large, -small), so the first few points already see both
    signs and both sides of 1 -- a result that is right on part of the domain only (1 for
    d|x|/dx, 2x for d max(x, x^2)/dx) meets the part where it is wrong."""
    rules = [sign_rule(v) for v in vars]
    factor = min(2 ** (len(vars) - 1), 8)  # more tries when several coordinates must fit
    i = 0
    for k, (lo, hi, count, log) in enumerate(SCHEDULE):
        for _ in range(count * factor):
            point = []
            for j, rule in enumerate(rules):
                low_bit, high_bit = (i >> j) & 1, (i >> (j + 1)) & 1
                sign = rule or (-1 if low_bit else 1)
                band = (lo, hi)
                if k == 0:  # split the first scale at 1
                    band = (1.0, hi) if low_bit ^ high_bit else (lo, 1.0)
                point.append(_draw(rng, *band, log, sign))
            yield tuple(point)
            i += 1


def parameter_values(rng: random.Random, params: Sequence[sp.Symbol]) -> dict[sp.Symbol, float]:
    values: dict[sp.Symbol, float] = {}
    for p in sorted(params, key=str):
        if p.is_integer:
            value = float(rng.randint(2, 5))
        else:
            value = 1.0
            while abs(value - round(value)) < 0.05:
                value = round(rng.uniform(0.5, 2.5), 4)
        values[p] = -value if sign_rule(p) < 0 else value
    return values


def describe_point(names: Sequence[str], xs: Sequence[float]) -> str:
    return ", ".join(f"{n} = {v:.6g}" for n, v in zip(names, xs, strict=True))
