"""Errors and magnitude bounds of the numeric evaluator (:mod:`symderiv.numeric`).

Some mpmath operations cost time or memory in proportion to the size of a number's binary
exponent: ``sin`` of a huge argument needs pi to that many bits, a power tower's exponent
can outgrow memory, printing a number converts its exponent to decimal. These helpers
estimate the size of a result *before* it is computed, from binary exponents only, and
refuse it with :class:`MagnitudeError` past the bounds below.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import mpmath
from mpmath.libmp import finf, fnan, fninf

from symderiv.errors import SymderivError

__all__ = [
    "MAX_MAGNITUDE_BITS",
    "MAX_PERIODIC_BITS",
    "MagnitudeError",
    "NotRealError",
    "NumericError",
    "describe_number",
    "log2_abs",
]


class NumericError(SymderivError, ArithmeticError):
    """An expression has no finite real value at a point, or cannot be evaluated at all."""


class NotRealError(NumericError):
    """A value (perhaps of a sub-expression) is not a real number."""


class MagnitudeError(NumericError):
    """A value is too large or too small to be evaluated with bounded work."""


#: Values must lie between 2**-MAX_MAGNITUDE_BITS and 2**MAX_MAGNITUDE_BITS in size.
MAX_MAGNITUDE_BITS = 2**20
#: Periodic functions refuse arguments beyond 2**MAX_PERIODIC_BITS (argument reduction).
MAX_PERIODIC_BITS = 2**12
MAX_EXP_ARGUMENT = MAX_MAGNITUDE_BITS * math.log(2)
MAX_GAMMA_ARGUMENT = 40_000  # gamma(40000) is about 2**570,000
MAX_POLYGAMMA_ORDER = 200


NONFINITE = (finf, fninf, fnan)
_LOG10_2 = math.log10(2)


def show(node: Any, limit: int = 70) -> str:
    """``node`` as text for a message, cut to ``limit`` characters."""
    text = str(node)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _log2_raw(raw: tuple[int, Any, int, int]) -> float:
    if raw in NONFINITE:
        return math.inf
    man = raw[1]
    return raw[2] + math.log2(man) if man else -math.inf


def log2_abs(value: Any) -> float:
    """``log2 |value|`` of an mpmath number from its binary exponent: no rounding work, any
    size (within half a bit for complex values); ``-inf`` for 0, ``inf`` for non-finite."""
    if hasattr(value, "_mpc_"):
        return max(_log2_raw(part) for part in value._mpc_)
    if hasattr(value, "_mpf_"):
        return _log2_raw(value._mpf_)
    return math.log2(abs(value)) if value else -math.inf


def describe_number(value: Any, digits: int = 8) -> str:
    """``value`` for a message: ``digits`` significant digits, or ``about 10^N`` for a
    number too large or small to print (its exponent is never expanded)."""
    if hasattr(value, "_mpc_"):
        re, im = (value.context.make_mpf(p) for p in value._mpc_)
        return f"{describe_number(re, digits)} + {describe_number(im, digits)}i"
    size = log2_abs(value)
    if math.isfinite(size) and abs(size) > 3000:
        sign = "-" if value < 0 else ""
        return f"{sign}about 10^{size * _LOG10_2:.0f}"
    try:
        return mpmath.nstr(value, digits)
    except (TypeError, ValueError):  # pragma: no cover - defensive
        return repr(value)


def size_error(node: Any, bits: float) -> MagnitudeError:
    """The error for ``node`` whose value would be about ``2**bits``."""
    which = "large" if bits > 0 else "small"
    return MagnitudeError(
        f"{show(node)} is too {which} to evaluate here (about 10^{bits * _LOG10_2:.3g})"
    )


def bounded(node: Any, value: Any) -> Any:
    """``value``, unless it lies outside ``2**(+-MAX_MAGNITUDE_BITS)`` (0 is fine)."""
    bits = log2_abs(value)
    if abs(bits) > MAX_MAGNITUDE_BITS and bits != -math.inf:
        raise size_error(node, bits)
    return value


def power_size(node: Any, base: Any, exponent: Any, complex_: bool = False) -> None:
    """Refuse ``base ** exponent`` before computing it when the result's binary exponent,
    about ``exponent * log2|base|``, would pass MAX_MAGNITUDE_BITS."""
    lb = abs(log2_abs(base))
    if complex_:
        lb += 3  # the argument of a complex base adds at most pi/ln 2 bits per unit
    if not lb or math.isinf(lb):
        return
    le = log2_abs(exponent)
    if le == -math.inf:
        return
    if le + math.log2(lb) > math.log2(MAX_MAGNITUDE_BITS):
        bits = lb * 2.0 ** min(le, 1000)
        grows = (log2_abs(base) >= 0) == (exponent.real >= 0)
        raise size_error(node, bits if grows else -bits)


#: A check of a function's argument, run before the function: ``guard(node, argument)``.
Guard = Callable[[Any, Any], None]


def periodic(node: Any, v: Any) -> None:
    """sin, cos, ...: argument reduction needs pi to about log2|v| bits."""
    if log2_abs(v) > MAX_PERIODIC_BITS:
        raise size_error(node, log2_abs(v))


_LOG2_MAX_EXP_ARGUMENT = math.log2(MAX_EXP_ARGUMENT) - 1  # a cheap pre-test of |v|


def exponential(node: Any, v: Any) -> None:
    """exp, sinh, cosh, ...: the value has about Re(v)/ln 2 bits of exponent."""
    re = v.real if hasattr(v, "_mpc_") else v
    if log2_abs(re) > _LOG2_MAX_EXP_ARGUMENT and abs(re) > MAX_EXP_ARGUMENT:
        raise size_error(node, float(re) / math.log(2))
    if hasattr(v, "_mpc_"):
        periodic(node, v.imag)


def squared_exponential(node: Any, v: Any) -> None:
    """erf, erfi, erfc: these grow or shrink like exp(v^2)."""
    if log2_abs(v) > 20:
        raise size_error(node, 2.0 ** min(2 * log2_abs(v), 1000))


def factorial_like(node: Any, v: Any) -> None:
    """gamma, factorial, ...: gamma(v) has about v log2 v bits of exponent."""
    if log2_abs(v) > math.log2(MAX_GAMMA_ARGUMENT):
        raise size_error(node, 2.0 ** min(log2_abs(v), 1000))
