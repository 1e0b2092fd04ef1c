r"""Read an answer: a scalar, a vector or a matrix, each entry through :func:`symderiv.parse`.

Vectors and matrices are split here, by a bracket-aware scan of the text, never by eval:
``\begin{pmatrix} a \\ b \end{pmatrix}`` (also ``bmatrix``, ``matrix``, rows by ``\\``,
entries by ``&``), ``(a, b)``, ``[a, b]``, ``\left( a, b \right)``, ``\langle a, b \rangle``
and nested ``[[a, b], [c, d]]``. A label before a top-level ``=`` (``\nabla f =``,
``H =``, ``f'(x) =``) is dropped. Errors carry the column in the whole answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from symderiv.errors import ParseError
from symderiv.parsing import parse

__all__ = ["MAX_ANSWER_LENGTH", "Answer", "read_answer"]

#: Longer answers are refused at once (each entry is also limited by the parser).
MAX_ANSWER_LENGTH = 20_000
MAX_ENTRIES = 100

_ENV = re.compile(
    r"\\begin\{(pmatrix|bmatrix|Bmatrix|matrix|smallmatrix)\}(.*)\\end\{\1\}\s*$", re.S
)
_OPEN = {"(": ")", "[": "]", "{": "}"}
_LABEL = re.compile(
    r"^\s*(\\nabla\s*\w*|\\mathbf\{\w\}|\w{1,3}|[A-Za-z]'*\(\s*[\w\s,]*\)|"
    r"\\operatorname\{\w+\}\s*\w*|\\text\{\w+\}\s*\w*)\s*(\([^()]*\))?\s*$"
)


@dataclass(frozen=True)
class Answer:
    """A read answer: ``shape`` is () for a scalar, (n,) for a vector, (m, n) for a matrix."""

    shape: tuple[int, ...]
    entries: tuple[sp.Expr, ...]  # row-major

    def scalar(self) -> sp.Expr:
        return self.entries[0]


def _strip_math(text: str) -> tuple[str, int]:
    """Remove $...$, \\[...\\], \\(...\\) wrappers; return the text and its offset."""
    stripped = text.strip()
    offset = text.find(stripped[:1]) if stripped else 0
    for left, right in (("$$", "$$"), ("$", "$"), ("\\[", "\\]"), ("\\(", "\\)")):
        if stripped.startswith(left) and stripped.endswith(right) and len(stripped) > 2 * len(left):
            inner = stripped[len(left) : -len(right)]
            return inner, offset + len(left)
    return stripped, offset


def _scan(text: str):
    """Yield (index, char, depth) for each char, depth counting (), [], {}, \\left/\\right."""
    depth = 0
    i = 0
    while i < len(text):
        c = text[i]
        if text.startswith("\\left", i) or text.startswith("\\right", i):
            j = i + (5 if text.startswith("\\left", i) else 6)
            opening = text.startswith("\\left", i)
            if j < len(text) and text[j] == "\\":
                j += 1
                while j < len(text) and text[j].isalpha():
                    j += 1
            else:
                j += 1
            depth += 1 if opening else -1
            yield i, "L" if opening else "R", depth
            i = j
            continue
        if c == "\\":
            j = i + 1
            while j < len(text) and text[j].isalpha():
                j += 1
            if j == i + 1:
                j += 1
            word = text[i:j]
            if word in ("\\langle", "\\{"):
                depth += 1
            elif word in ("\\rangle", "\\}"):
                depth -= 1
            yield i, word, depth
            i = j
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        yield i, c, depth
        i += 1


def _split_top(text: str, sep: str) -> list[tuple[str, int]]:
    """Split at top-level ``sep`` (a char or a command such as ``\\\\``)."""
    parts: list[tuple[str, int]] = []
    start = 0
    for i, c, depth in _scan(text):
        if depth == 0 and c == sep:
            parts.append((text[start:i], start))
            start = i + len(sep)
    parts.append((text[start:], start))
    return parts


def _enclosed(text: str) -> tuple[str, int] | None:
    """The inside of one bracket pair spanning the whole text, if it does."""
    lead = len(text) - len(text.lstrip())
    t = text.strip()
    pairs = (
        ("\\left(", "\\right)"),
        ("\\left[", "\\right]"),
        ("\\langle", "\\rangle"),
        ("\\left\\langle", "\\right\\rangle"),
        ("(", ")"),
        ("[", "]"),
    )
    for left, right in pairs:
        if t.startswith(left) and t.endswith(right):
            inner = t[len(left) : len(t) - len(right)]
            # The opening bracket must close only at the very end.
            depth = 0
            for _, _c, d in _scan(inner):
                depth = d
                if d < 0:
                    break
            else:
                if depth == 0:
                    return inner, lead + len(left)
    return None


def _drop_label(text: str) -> tuple[str, int]:
    parts = _split_top(text, "=")
    if len(parts) == 2 and _LABEL.match(parts[0][0]):
        return parts[1]
    return text, 0


def _parse_entry(text: str, offset: int, whole: str) -> sp.Expr:
    if not text.strip():
        raise ParseError("an entry is empty", whole, offset)
    try:
        return parse(text)
    except ParseError as exc:
        position = None if exc.position is None else offset + exc.position
        raise ParseError(exc.message, whole, position) from None


def _vector(inner: str, offset: int, whole: str) -> list[tuple[str, int]] | None:
    parts = _split_top(inner, ",")
    if len(parts) < 2:
        return None
    return [(t, offset + o) for t, o in parts]


def read_answer(text: str) -> Answer:
    """Read a scalar, vector or matrix answer; raises ParseError with the column."""
    if not isinstance(text, str):
        raise ParseError(f"an answer must be text, not {type(text).__name__}", "", None)
    if len(text) > MAX_ANSWER_LENGTH:
        raise ParseError(
            f"the answer is {len(text)} characters long; the limit is {MAX_ANSWER_LENGTH}", "", None
        )
    body, offset = _strip_math(text)
    if "\\begin" in body or _enclosed(_drop_label(body)[0]) is not None:
        body2, o2 = _drop_label(body)
        offset += o2
        body = body2.strip()
        offset += len(body2) - len(body2.lstrip())
        env = _ENV.match(body)
        if env is not None:
            inner_offset = offset + env.start(2)
            rows = _split_top(env.group(2), "\\\\")
            rows = [(t, o) for t, o in rows if t.strip()]
            grid = [[(c, inner_offset + o + co) for c, co in _split_top(t, "&")] for t, o in rows]
            return _build(grid, text)
        if "\\begin" in body:
            raise ParseError(
                "only pmatrix, bmatrix and matrix environments are read",
                text,
                offset + body.find("\\begin"),
            )
        enclosed = _enclosed(body)
        if enclosed is not None:
            inner, o = enclosed
            parts = _vector(inner, offset + o, text)
            if parts is not None:
                nested = [_enclosed(t.strip()) for t, _ in parts]
                if all(n is not None for n in nested):
                    grid = []
                    for (t, po), n in zip(parts, nested, strict=True):
                        assert n is not None
                        lead = len(t) - len(t.lstrip())
                        row = _vector(n[0], po + lead + n[1], text) or [(n[0], po + lead + n[1])]
                        grid.append(row)
                    return _build(grid, text, matrix=True)
                return _build([[p] for p in parts], text)
    return Answer((), (_parse_entry(body, offset, text),))


def _build(grid: list[list[tuple[str, int]]], whole: str, matrix: bool = False) -> Answer:
    count = sum(len(r) for r in grid)
    if count > MAX_ENTRIES:
        raise ParseError(f"more than {MAX_ENTRIES} entries", whole, None)
    widths = {len(r) for r in grid}
    if len(widths) != 1:
        raise ParseError("the rows have different lengths", whole, None)
    (width,) = widths
    entries = tuple(_parse_entry(t, o, whole) for row in grid for t, o in row)
    rows = len(grid)
    if matrix or (rows > 1 and width > 1):
        return Answer((rows, width), entries)
    return Answer((len(entries),), entries)
