"""Top-level ``=`` handling: answer labels, equation splitting, stray differentials.

``parse`` drops an answer label such as ``f'(x) =`` or ``dy/dx =``; ``parse_equation``
needs exactly one top-level ``=``. A trailing differential (``2x dx``) is refused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from symderiv.parsing.failures import _error
from symderiv.parsing.lexer import _Tok

_LABEL_FUNCTION = "[yzfghFLJ]"
_LABEL_VAR = r"(?:[A-Za-z]|\\?[A-Za-z]{2,10})(?:_\{?[A-Za-z0-9]{1,10}\}?|[0-9]{1,3})?"
_LABEL_CALL = rf"{_LABEL_FUNCTION}'{{0,3}}(?:\({_LABEL_VAR}(?:,{_LABEL_VAR}){{0,9}}\))?"
_LABEL_ORDER = r"(?:\^[0-9])?"
_LABEL_OPERATOR_ARG = rf"(?:{_LABEL_CALL}|\({_LABEL_CALL}\))"
_LABEL_RE = re.compile(
    "|".join(
        [
            _LABEL_CALL,
            rf"d{_LABEL_ORDER}{_LABEL_FUNCTION}/d{_LABEL_VAR}{_LABEL_ORDER}",
            rf"d{_LABEL_ORDER}/d{_LABEL_VAR}{_LABEL_ORDER}{_LABEL_OPERATOR_ARG}",
            rf"\\frac\{{d{_LABEL_ORDER}{_LABEL_FUNCTION}\}}\{{d{_LABEL_VAR}{_LABEL_ORDER}\}}",
            rf"\\frac\{{d{_LABEL_ORDER}\}}\{{d{_LABEL_VAR}{_LABEL_ORDER}\}}{_LABEL_OPERATOR_ARG}",
        ]
    )
)
_LABEL_NOISE = re.compile(
    r"\s+|\\[,;:! ]|\\(?:left|right|[bB]igg?[lr]?|displaystyle|quad|qquad)(?![A-Za-z])"
)


def _is_answer_label(lhs: str) -> bool:
    """True if ``lhs`` (the text left of '=') names the answer, like ``f'(x)`` or ``dy/dx``."""
    s = re.sub(r"\\partial(?![A-Za-z])", "d", lhs)
    s = _LABEL_NOISE.sub("", s)
    s = re.sub(r"\\[dt]frac(?![A-Za-z])", r"\\frac", s)
    s = re.sub(r"\\mathrm\{d\}|\\operatorname\{d\}", "d", s)
    s = re.sub(r"\^\{((?:\\prime){1,3})\}", lambda m: "'" * m.group(1).count("prime"), s)
    s = re.sub(r"\^\\prime|\\prime(?![A-Za-z])", "'", s)
    s = re.sub(r"\^\{([0-9])\}", r"^\1", s)
    s = s.replace("[", "(").replace("]", ")")
    return _LABEL_RE.fullmatch(s) is not None


def _top_level_equals(tokens: Sequence[_Tok]) -> list[_Tok]:
    """The '=' tokens outside every bracket."""
    depth, found = 0, []
    for tok in tokens:
        if tok.kind == "open" or tok.is_op("(", "["):
            depth += 1
        elif tok.kind == "close" or tok.is_op(")", "]"):
            depth = max(depth - 1, 0)
        elif tok.is_op("=") and depth == 0:
            found.append(tok)
    return found


def _split_equation(
    text: str, tokens: list[_Tok], start: int, end: int, *, equation: bool
) -> list[tuple[list[_Tok], int]]:
    """Split at the top-level '=' and return the token runs to parse with their end.

    For an expression, a left side that is an answer label is dropped; any other '=' is
    an error. For an equation exactly one '=' is required.
    """
    body = tokens[:-1]
    equals = _top_level_equals(body)
    if len(equals) > 1:
        _error("more than one '='", text, equals[1].pos)
    if not equals:
        if equation:
            _error("expected an equation 'left = right'", text, None)
        return [(body, end)]
    eq = equals[0]
    cut = body.index(eq)
    left, right = body[:cut], body[cut + 1 :]
    if not right:
        _error("missing expression after '='", text, eq.pos)
    if equation:
        if not left:
            _error("missing expression before '='", text, eq.pos)
        return [(left, eq.pos), (right, end)]
    if not _is_answer_label(text[start : eq.pos]):
        _error(
            "an equation was given where an expression is expected (only answer labels"
            " like f'(x) = or y = may precede '='; use parse_equation for equations)",
            text,
            eq.pos,
        )
    return [(right, end)]


def _stray_differential(tokens: Sequence[Any]) -> _Tok | None:
    r"""The 'd' of a trailing differential like ``2x dx`` or ``2x\,dx``, if any."""
    if len(tokens) < 3:
        return None
    d, var = tokens[-2], tokens[-1]
    if not (isinstance(d, _Tok) and isinstance(var, _Tok)):
        return None
    if d.kind != "name" or d.value.kind != "sym" or d.value.name != "d" or not d.space:
        return None
    if var.kind != "name" or var.value.kind != "sym" or var.space:
        return None
    return d
