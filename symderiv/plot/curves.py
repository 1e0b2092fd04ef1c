"""Sampling curves of one variable for drawing: the real domain only, cut at poles and
jumps (never a line drawn across them), and y-limits that ignore the run-off near poles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import sympy as sp

from symderiv.plot.evaluate import NumericFunction, PlotError

#: Points on a curve before refinement near poles and domain ends.
SAMPLES = 400
#: Bisection rounds that tell a jump or a pole from a steep but continuous piece.
BISECTIONS = 42
#: Extra points placed geometrically closer to each pole or domain end.
APPROACH = 16
PERIODIC = (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc)


@dataclass(frozen=True)
class Curve:
    """Samples of a function: ``x`` increasing, ``y`` NaN where it is not drawn (outside
    the real domain, and one NaN at every pole or jump); ``breaks`` are the x of the cuts."""

    x: np.ndarray
    y: np.ndarray
    breaks: tuple[float, ...]
    grid_y: np.ndarray


def _bisect(f: NumericFunction, a, b, fa, fb, towards_larger: bool):
    """Narrow every [a, b] onto a suspected discontinuity; return the final ends and values.

    Two rules, as one alone misses cases: keep the half with the larger jump (finds jumps
    and odd poles), or the half whose end has the larger |f| (finds even poles: 1/x²
    sampled on both sides has no jump between its samples)."""
    for _ in range(BISECTIONS):
        m = 0.5 * (a + b)
        fm = f(m)
        left = np.abs(fa) >= np.abs(fb) if towards_larger else np.abs(fm - fa) >= np.abs(fb - fm)
        left |= np.isnan(fm)
        b, fb = np.where(left, m, b), np.where(left, fm, fb)
        a, fa = np.where(left, a, m), np.where(left, fa, fm)
    return a, b, fa, fb


def _domain_end(f: NumericFunction, inside: float, outside: float) -> float:
    """The end of the real domain between a point inside and one outside it."""
    for _ in range(60):
        m = 0.5 * (inside + outside)
        if np.isnan(f(np.array([m]))[0]):
            outside = m
        else:
            inside = m
    return inside


def _approach(end: float, start: float) -> np.ndarray:
    """Points from ``start`` towards ``end``, geometrically closer (excluding ``end``)."""
    return end + (start - end) * 2.0 ** -np.arange(1, APPROACH + 1)


def sample(f: NumericFunction, lo: float, hi: float, n: int = SAMPLES) -> Curve:
    """``f`` on [lo, hi], cut at poles and jumps, refined towards poles and domain ends."""
    x = np.linspace(lo, hi, n)
    y = f(x)
    extra: list[np.ndarray] = []
    breaks: list[float] = []
    finite = ~np.isnan(y)
    dy = np.abs(np.diff(y))
    both = finite[:-1] & finite[1:]
    typical = np.median(dy[both]) if both.any() else 0.0
    floor = 4 * typical + 1e-12 * (1 + np.median(np.abs(y[finite])) if finite.any() else 1)
    # A midpoint far off the chord finds even poles (1/x² sampled symmetrically).
    mid = f(0.5 * (x[:-1] + x[1:]))
    off = np.isnan(mid) | (np.abs(mid - 0.5 * (y[:-1] + y[1:])) > floor)
    suspect = np.flatnonzero(both & ((dy > floor) | off))
    if suspect.size:
        for towards_larger in (False, True):
            a, b, fa, fb = _bisect(
                f, x[suspect], x[suspect + 1], y[suspect], y[suspect + 1], towards_larger
            )
            jump = np.abs(fb - fa)
            cut = np.isnan(fa) | np.isnan(fb) | (jump > 1e-3 * dy[suspect] + floor)
            for i, left, right in zip(suspect[cut], a[cut], b[cut], strict=True):
                if any(x[i] < br < x[i + 1] for br in breaks):
                    continue
                breaks.append(float(0.5 * (left + right)))
                extra.append(_approach(float(left), float(x[i])))
                extra.append(_approach(float(right), float(x[i + 1])))
    # Domain ends inside the range: come close to them (ln x towards 0, √x down to 0).
    for i in np.flatnonzero(finite[:-1] != finite[1:]):
        inside, outside = (x[i], x[i + 1]) if finite[i] else (x[i + 1], x[i])
        end = _domain_end(f, float(inside), float(outside))
        extra.append(np.append(_approach(end, float(inside)), end))
    xs = np.concatenate([x, *extra, np.array(breaks)])
    order = np.argsort(xs, kind="stable")
    xs = xs[order]
    ys = f(xs)
    is_break = np.isin(xs, breaks)
    ys[is_break] = np.nan
    return Curve(xs, ys, tuple(sorted(breaks)), y)


def y_limits(curves: Iterable[Curve], include: Iterable[float] = ()) -> tuple[float, float]:
    """Limits showing every curve whole, except the run-off near poles and domain ends,
    where the central 80 % of the samples decide."""
    curves = list(curves)
    values = np.concatenate([c.grid_y for c in curves])
    values = values[~np.isnan(values)]
    extra = [v for v in include if np.isfinite(v)]
    if not values.size and not extra:
        return -1.0, 1.0
    lo, hi = (float(values.min()), float(values.max())) if values.size else (extra[0],) * 2
    if (values.size and any(c.breaks for c in curves)) or _runs_off(curves):
        lo, hi = (float(q) for q in np.quantile(values, [0.1, 0.9]))
        pad = 0.3
    else:
        pad = 0.08
    lo, hi = min([lo, *extra]), max([hi, *extra])
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    span = hi - lo
    return lo - pad * span, hi + pad * span


def _runs_off(curves: list[Curve]) -> bool:
    """Whether a curve shoots off near a domain end (ln x towards 0)."""
    for c in curves:
        v = c.grid_y[~np.isnan(c.grid_y)]
        if v.size > 10:
            q1, q9 = np.quantile(v, [0.1, 0.9])
            if (v.max() - v.min()) > 6 * max(q9 - q1, 1e-12):
                return True
    return False


def x_range(
    expr: sp.Expr,
    f: NumericFunction,
    centre: float | None = None,
    include: Iterable[float] = (),
    half: float | None = None,
) -> tuple[float, float]:
    """A sensible x-range for ``f``: ±2π for trigonometric functions, ±5 otherwise (or
    ±``half``), around ``centre`` (or 0), widened to ``include``, narrowed to the real domain."""
    include = [float(v) for v in include]
    if half is None:
        half = 2 * np.pi if expr.has(*PERIODIC) else 5.0
    c = 0.0 if centre is None else float(centre)
    lo, hi = c - half, c + half
    if include:
        span = max(include) - min(include)
        margin = max(1.0, 0.25 * span)
        lo, hi = min(lo, min(include) - margin), max(hi, max(include) + margin)
    x = np.linspace(lo, hi, 2001)
    finite = ~np.isnan(f(x))
    if not finite.any():
        raise PlotError(f"no real values on [{lo:g}, {hi:g}]")
    first, last = np.flatnonzero(finite)[[0, -1]]
    if first > 0 or last < x.size - 1:
        left, right = x[max(first - 1, 0)], x[min(last + 1, x.size - 1)]
        width = right - left
        lo, hi = left - 0.04 * width, right + 0.04 * width
    return float(lo), float(hi)
