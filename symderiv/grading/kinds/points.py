r"""Reading a set of critical points, each optionally with a kind.

Items are separated by ``;``, ``,`` (at the top level), ``\\``, new lines or "and"; an
item is a point ``(a, b)`` (one variable: ``x = a``, ``a`` or ``(a)``) and a kind before or
after it (``saddle at (0,0)``, ``(0,0): saddle``, ``(0,0) \text{ saddle}``); a kind alone
follows the previous point. ``\{…\}`` around the set and a label (``(x, y) =``) are
dropped; ``none``, ``\emptyset``, ``없음`` are the empty set. Coordinates must be real
numbers, each read by :func:`symderiv.parse`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from symderiv.errors import ParseError
from symderiv.grading.answers import (
    MAX_ANSWER_LENGTH,
    MAX_ENTRIES,
    _enclosed,
    _scan,
    _split_top,
    _strip_math,
)
from symderiv.grading.kinds.support import real_value
from symderiv.grading.kinds.words import (
    HANGUL,
    find_kind,
    latex_free,
    strip_filler,
    unwrap_text,
)
from symderiv.numeric import NumericError
from symderiv.parsing import parse

__all__ = ["PointRead", "read_points"]

_EMPTY_SET = re.compile(
    r"^(?:\\emptyset|\\varnothing|∅|\\\{\s*\\\}|\\left\\\{\s*\\right\\\}|\{\s*\})$"
)
_EMPTY_WORDS = frozenset(
    {
        "none",
        "no critical points",
        "no critical point",
        "there are no critical points",
        "there is no critical point",
        "없음",
        "없다",
        "임계점 없음",
        "임계점이 없음",
        "임계점이 없다",
        "임계점이 없습니다",
        "없습니다",
    }
)


@dataclass(frozen=True)
class PointRead:
    """One point of an answer: its coordinates and the kind stated (None: none stated)."""

    coordinates: tuple[sp.Expr, ...]
    kind: str | None


_OUTER_SET = (("\\left\\{", "\\right\\}"), ("\\{", "\\}"))


def _strip_set(text: str) -> str:
    t = text.strip()
    for left, right in _OUTER_SET:
        if t.startswith(left) and t.endswith(right):
            inner = t[len(left) : len(t) - len(right)]
            depth = 0
            ok = True
            for _, _c, d in _scan(inner):
                depth = d
                if d < 0:
                    ok = False
                    break
            if ok and depth == 0:
                return inner
    return t


def _split_items(text: str) -> list[str]:
    parts = [text]
    for sep in (";", "\\\\", "\n", ","):
        parts = [q for p in parts for q, _ in _split_top(p, sep)]
    out: list[str] = []
    for p in parts:
        out.extend(re.split(r"(?<![A-Za-z])(?:and|그리고)(?![A-Za-z])|이고|이며", p))
    return [p for p in out if p.strip()]


def _drop_label(text: str, names: Sequence[str]) -> str:
    parts = _split_top(text, "=")
    if len(parts) == 2:
        left = re.sub(r"\\left|\\right|[\s()\[\],]", "", parts[0][0])
        if (
            left
            and not re.search(r"\d", left)
            and (left in names or left == "".join(names) or not _enclosed(parts[0][0].strip()))
        ):
            return parts[1][0]
    return text


def _read_point(text: str, names: Sequence[str], whole: str) -> tuple[sp.Expr, ...]:
    n = len(names)
    body = _drop_label(text, names)
    body = re.sub(r"(\\left)?\(\s*(\\right)?\)|\[\s*\]", " ", body)  # emptied "(min)"
    body = body.strip().strip(":=").strip()
    enclosed = _enclosed(body)
    if enclosed is not None:
        parts = [t for t, _ in _split_top(enclosed[0], ",")]
    elif n == 1:
        parts = [body]
    else:
        raise ParseError(f"a point needs {n} coordinates in brackets, like (1, 2)", whole, None)
    if len(parts) != n:
        raise ParseError(
            f"a point has {n} coordinate(s); {body.strip()!r} has {len(parts)}", whole, None
        )
    coordinates = []
    for t in parts:
        if not t.strip():
            raise ParseError("a coordinate is empty", whole, None)
        try:
            value = parse(t)
        except ParseError as exc:
            raise ParseError(f"cannot read {t.strip()!r}: {exc.message}", whole, None) from None
        if value.free_symbols:
            raise ParseError(f"the coordinate {t.strip()!r} is not a number", whole, None)
        try:
            real_value(value)
        except (NumericError, ZeroDivisionError, OverflowError, ValueError, TypeError):
            raise ParseError(
                f"the coordinate {t.strip()!r} is not a real number", whole, None
            ) from None
        coordinates.append(value)
    return tuple(coordinates)


def read_points(text: str, names: Sequence[str]) -> list[PointRead]:
    """Read a set of points with optional kinds (see the module doc); raises ParseError."""
    if not isinstance(text, str):
        raise ParseError("an answer must be text", "", None)
    if len(text) > MAX_ANSWER_LENGTH:
        raise ParseError(f"the answer is longer than {MAX_ANSWER_LENGTH} characters", "", None)
    body, _ = _strip_math(text)
    body = unwrap_text(body).replace("$", " ").strip().rstrip(".")
    if not body.strip():
        raise ParseError("the answer is empty", text, None)
    if _EMPTY_SET.match(body.strip()):
        return []
    plain = re.sub(r"\s+", " ", body.lower()).strip(" .")
    if plain in _EMPTY_WORDS:
        return []
    parts = _split_top(body, "=")
    if len(parts) == 2 and not re.search(r"\d", parts[0][0]) and "{" in parts[1][0]:
        body = parts[1][0]  # "S = \{...\}"
    body = _strip_set(body)
    if _EMPTY_SET.match(body.strip()) or not body.strip():
        return []
    points: list[PointRead] = []
    pending_kind: str | None = None
    for item in _split_items(body):
        read = find_kind(item)
        rest = strip_filler(read.rest)
        if not re.sub(r"[\s:=\-–()]+", "", rest):
            if read.kind is None:
                continue
            if points and points[-1].kind is None:
                points[-1] = PointRead(points[-1].coordinates, read.kind)
            elif pending_kind is None:
                pending_kind = read.kind  # "minimum: (1, 1)" style, the point follows
            else:
                raise ParseError("a kind without a point", text, None)
            continue
        if HANGUL.search(rest) or re.search(r"(?<![\\A-Za-z])[A-Za-z]{2,}", latex_free(rest)):
            word = HANGUL.search(rest) or re.search(r"[A-Za-z]{2,}", latex_free(rest))
            assert word is not None
            raise ParseError(f"unexpected word near {word.group(0)!r}", text, None)
        coordinates = _read_point(rest, names, text)
        kind = read.kind
        if kind is None and pending_kind is not None:
            kind, pending_kind = pending_kind, None
        points.append(PointRead(coordinates, kind))
        if len(points) > MAX_ENTRIES:
            raise ParseError(f"more than {MAX_ENTRIES} points", text, None)
    if pending_kind is not None:
        raise ParseError("a kind without a point", text, None)
    if not points:
        raise ParseError("no point found", text, None)
    return points
