"""What the optimisation modules share: the error type, sentences in English and Korean,
reading points and learning rates, and showing numbers."""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from importlib import resources
from typing import Any

import sympy as sp

import symderiv as sd
from symderiv.errors import SymderivError
from symderiv.i18n import check_language
from symderiv.steps import Printable

Number = float | Fraction


class OptimError(SymderivError, ValueError):
    """Bad input to a numeric-derivative, gradient-check, descent or fitting request."""


# --------------------------------------------------------------------------- messages


@functools.cache
def _messages() -> dict[str, dict[str, str]]:
    text = resources.files("symderiv.optim").joinpath("messages.toml").read_text("utf-8")
    return tomllib.loads(text)


def say(key: str, lang: str = "en", **values: Any) -> str:
    """The sentence ``key`` of ``messages.toml`` in ``lang``, filled in."""
    table = _messages()
    template = table.get(check_language(lang), {}).get(key) or table["en"][key]
    return template.format(**values)


def sentence_both(key: str, **values: Any) -> dict[str, str]:
    """The sentence ``key`` in every language, for JSON."""
    return {lang: say(key, lang, **values) for lang in ("en", "ko")}


# --------------------------------------------------------------------------- expressions


def as_expr(expr: str | sp.Expr) -> tuple[sp.Expr, str]:
    """The SymPy expression of ``expr`` (text goes through the safe parser) and its source."""
    if isinstance(expr, str):
        return sd.parse(expr), expr
    if isinstance(expr, sp.Expr):
        return expr, ""
    raise OptimError(f"expected an expression, got a {type(expr).__name__}")


def natural_key(symbol: sp.Symbol) -> tuple[Any, ...]:
    """x1 < x2 < x10: digits compare as numbers."""
    name = symbol.name
    head = name.rstrip("0123456789")
    tail = name[len(head) :]
    return (head, int(tail) if tail else -1, name)


def resolve_vars(
    expr: sp.Expr, vars: str | Iterable[str | sp.Symbol] | None = None
) -> tuple[sp.Symbol, ...]:
    """The variables by name (``"x,y"``, ``["x", "y"]``) or all free symbols in natural order."""
    if vars is None:
        found = tuple(sorted(expr.free_symbols, key=natural_key))
        return found or (sp.Symbol("x"),)
    if isinstance(vars, str | sp.Symbol):
        vars = [vars]
    names = []
    for v in vars:
        for name in (v.name,) if isinstance(v, sp.Symbol) else str(v).split(","):
            name = name.strip()
            if not name.isidentifier():
                raise OptimError(f"{name!r} is not a variable name")
            names.append(name)
    if len(set(names)) != len(names):
        raise OptimError("a variable is named twice")
    by_name = {s.name: s for s in expr.free_symbols}
    return tuple(by_name.get(n, sp.Symbol(n)) for n in names)


def check_no_parameters(expr: sp.Expr, vars: Sequence[sp.Symbol]) -> None:
    other = sorted(s.name for s in expr.free_symbols - set(vars))
    if other:
        raise OptimError(
            f"the function has symbols without a value ({', '.join(other)}); "
            "make them variables or give numbers"
        )


# --------------------------------------------------------------------------- numbers


def exact_number(value: Any, what: str = "value") -> sp.Rational:
    """A rational number from text ("0.1", "1/10", "-3"), int, float, Fraction or SymPy number.

    Floats become the decimal they print as (0.1 is 1/10), which is what a learner means.
    """
    if isinstance(value, bool):
        raise OptimError(f"the {what} must be a number, not {value!r}")
    if isinstance(value, int | Fraction):
        return sp.Rational(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise OptimError(f"the {what} must be a finite number, not {value!r}")
        return sp.Rational(repr(value))
    if isinstance(value, str):
        try:
            expr = sd.parse(value)
        except SymderivError as exc:
            raise OptimError(f"the {what} {value!r} is not a number") from exc
        if not (expr.is_Rational or isinstance(expr, sp.Float)):
            raise OptimError(f"the {what} {value!r} is not a number")
        return exact_number(expr, what)
    if isinstance(value, sp.Expr) and value.is_Rational:
        return sp.Rational(value)
    if isinstance(value, sp.Float):
        return sp.Rational(str(value))
    raise OptimError(f"the {what} {value!r} is not a rational number (write it as a decimal)")


def parse_point(
    point: Any, vars: Sequence[sp.Symbol] | None = None
) -> dict[str, sp.Rational] | list[sp.Rational]:
    """A point as ``{name: value}`` (from a mapping or ``"x=1,y=2"``) or as a list of values
    (from a sequence, a single number or ``"1,2"``), values exact."""
    if isinstance(point, Mapping):
        return {
            (k.name if isinstance(k, sp.Symbol) else str(k).strip()): exact_number(
                v, f"value of {k}"
            )
            for k, v in point.items()
        }
    if isinstance(point, str):
        parts = [p.strip() for p in point.replace(";", ",").split(",") if p.strip()]
        if not parts:
            raise OptimError("the point is empty")
        if all("=" in p for p in parts):
            pairs = [p.split("=", 1) for p in parts]
            return parse_point({k.strip(): v.strip() for k, v in pairs})
        if any("=" in p for p in parts):
            raise OptimError(f"write every coordinate as name=value or none of them: {point!r}")
        return [exact_number(p, "coordinate") for p in parts]
    if isinstance(point, Sequence):
        return [exact_number(v, "coordinate") for v in point]
    return [exact_number(point, "point")]


def point_in_order(point: Any, vars: Sequence[sp.Symbol]) -> tuple[sp.Rational, ...]:
    """The coordinates of ``point`` in the order of ``vars``, all of them given."""
    parsed = parse_point(point, vars)
    if isinstance(parsed, dict):
        names = [v.name for v in vars]
        unknown = sorted(set(parsed) - set(names))
        if unknown:
            raise OptimError(
                f"{', '.join(unknown)} is not a variable of the function "
                f"(its variables are {', '.join(names)})"
            )
        missing = [n for n in names if n not in parsed]
        if missing:
            raise OptimError(f"the point gives no value for {', '.join(missing)}")
        return tuple(parsed[n] for n in names)
    if len(parsed) != len(vars):
        names = ", ".join(v.name for v in vars)
        raise OptimError(
            f"the point has {len(parsed)} coordinate(s) but the function has "
            f"{len(vars)} variable(s) ({names})"
        )
    return tuple(parsed)


def to_fraction(value: sp.Rational) -> Fraction:
    return Fraction(int(value.p), int(value.q))


def to_sympy(value: Number) -> sp.Expr:
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    return sp.Float(value)


def show_number(value: Any, digits: int = 6) -> str:
    """A number as a learner reads it: fractions as p/q, decimals to ``digits`` significant
    digits (integers without a point)."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        text = f"{value.numerator}/{value.denominator}"
        return text if len(text) <= 24 else f"≈{float(value):.{digits}g}"
    if isinstance(value, sp.Rational):
        return show_number(to_fraction(value), digits)
    value = float(value)
    if value == 0:
        return "0"
    text = f"{value:.{digits}g}"
    return text


def show_rate(value: Any) -> str:
    """A learning rate or coefficient as the decimal a learner typed (1/10 → 0.1) when it
    is one, else as :func:`show_number` shows it."""
    if isinstance(value, Fraction | sp.Rational):
        q = Fraction(int(value.numerator), int(value.denominator))
        d = q.denominator
        for p in (2, 5):
            while d % p == 0:
                d //= p
        if d == 1:
            return format(float(q), ".15g") if q.denominator != 1 else str(q.numerator)
    return show_number(value)


def jsonable(value: Any) -> Any:
    """Exact values as ``"p/q"`` strings next to their float; floats as floats."""
    if isinstance(value, Fraction):
        return {"exact": str(value), "float": float(value)}
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    return value


def norm(values: Sequence[Number]) -> float:
    """The Euclidean norm, as a float (inf when a fraction is beyond the float range)."""
    try:
        return math.hypot(*values)
    except OverflowError:
        return math.inf


class Note:
    """A sentence kept as its message key and values, so it prints in either language."""

    __slots__ = ("key", "values")

    def __init__(self, key: str, **values: Any) -> None:
        self.key = key
        self.values = values

    def text(self, lang: str = "en") -> str:
        return say(self.key, lang, **self.values)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, **sentence_both(self.key, **self.values)}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Note) and (self.key, self.values) == (other.key, other.values)

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return f"Note({self.key!r}, {self.values!r})"


class Result(Printable):
    """A printable result of this package. Notebooks show it as Markdown (pipe tables and
    ``$…$`` math, which they typeset); its LaTeX uses ``tabular``, which MathJax cannot
    typeset, so it offers no ``_repr_latex_``."""

    def _repr_latex_(self) -> str | None:  # type: ignore[override]
        return None
