"""Input checks shared by both syntaxes, and the LaTeX detector.

``_check_text`` refuses non-strings, overlong input and control characters;
``_check_nesting`` bounds bracket depth before any recursion happens; ``is_latex``
decides which syntax auto-detection picks.
"""

from __future__ import annotations

import unicodedata

from symderiv.errors import ParseError
from symderiv.parsing.failures import _describe, _error
from symderiv.parsing.limits import MAX_LENGTH

_ALLOWED_CONTROL = frozenset("\t\r\n")


def _check_text(text: object) -> str:
    """Type, length and character checks shared by both syntaxes."""
    if not isinstance(text, str):
        raise ParseError(f"expected a string, got {type(text).__name__}", "", None)
    if len(text) > MAX_LENGTH:
        raise ParseError(
            f"input is {len(text)} characters long; the limit is {MAX_LENGTH}", "", None
        )
    for i, c in enumerate(text):
        if c in _ALLOWED_CONTROL:
            continue
        if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            _error(f"control or invisible {_describe(c)} is not allowed", text, i)
    if not text.strip():
        _error("empty expression", text, 0)
    return text


def _check_nesting(text: str, start: int, end: int, opens: str, closes: str, limit: int) -> None:
    """Refuse bracket nesting deeper than ``limit`` before any recursion happens."""
    depth = 0
    for i in range(start, end):
        c = text[i]
        if c in opens:
            depth += 1
            if depth > limit:
                _error(f"brackets are nested more than {limit} deep", text, i)
        elif c in closes and depth:
            depth -= 1


def is_latex(text: str) -> bool:
    r"""True if ``text`` looks like LaTeX: starts with ``$``, ``\(`` or ``\[``, or contains
    a backslash or a brace."""
    stripped = text.lstrip()
    return stripped.startswith(("$", r"\(", r"\[")) or any(c in text for c in "\\{}")
