"""The LaTeX item tree: tokens nested into bracket groups.

``_build_tree`` pairs brackets (resolving bare ``|`` bars) into ``_Group`` items, bounded
by ``MAX_LATEX_DEPTH``; the ``_is_*`` predicates classify the items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from symderiv.parsing.failures import _error
from symderiv.parsing.lexer import _Tok
from symderiv.parsing.limits import MAX_LATEX_DEPTH


@dataclass
class _Group:
    """A bracketed run of LaTeX items: kind is '(', '[', '{' or '|' (absolute value)."""

    kind: str
    pos: int
    space: bool
    items: list[Any] = field(default_factory=list)
    end: int = 0


_CLOSERS = {"(": ")", "[": "]", "{": "}", "|": "|"}


def _ends_operand(items: Sequence[Any]) -> bool:
    """True if the last item completes an operand (so a following '|' closes)."""
    if not items:
        return False
    last = items[-1]
    return isinstance(last, _Group) or last.kind in ("num", "name")


def _build_tree(text: str, tokens: Sequence[_Tok], end: int) -> list[Any]:
    """Nest tokens into groups, pairing brackets and resolving bare '|' bars."""
    root = _Group("", 0, False)
    stack = [root]
    for tok in tokens:
        top = stack[-1]
        kind = tok.kind
        if kind == "bar":
            kind = "close" if top.kind == "|" and _ends_operand(top.items) else "open"
        if kind == "open":
            if len(stack) > MAX_LATEX_DEPTH:
                _error(f"brackets are nested more than {MAX_LATEX_DEPTH} deep", text, tok.pos)
            group = _Group(tok.text, tok.pos, tok.space)
            top.items.append(group)
            stack.append(group)
        elif kind == "close":
            if top is root:
                _error(f"unbalanced '{tok.text}'", text, tok.pos)
            if _CLOSERS[top.kind] != tok.text:
                _error(f"'{top.kind}' is closed by '{tok.text}'", text, tok.pos)
            top.end = tok.end
            stack.pop()
        else:
            top.items.append(tok)
    if len(stack) > 1:
        _error(f"'{stack[-1].kind}' is never closed", text, stack[-1].pos)
    root.end = end
    return root.items


def _is_name(item: Any, *kinds: str) -> bool:
    """True if ``item`` is a name token of one of ``kinds``."""
    return isinstance(item, _Tok) and item.kind == "name" and item.value.kind in kinds


def _is_op(item: Any, *ops: str) -> bool:
    """True if ``item`` is one of the operator tokens ``ops``."""
    return isinstance(item, _Tok) and item.is_op(*ops)


def _is_cmd(item: Any, name: str) -> bool:
    """True if ``item`` is the structural command ``name`` (frac, sqrt, partial)."""
    return isinstance(item, _Tok) and item.kind == "cmd" and item.text == name


def _is_d(item: Any) -> bool:
    r"""True for the 'd' of a differential (or ``\partial``)."""
    if _is_cmd(item, "partial"):
        return True
    return _is_name(item, "sym") and item.value.name == "d" and item.word_start


def _item_pos(item: Any) -> int:
    """Start position of a token or group."""
    return item.pos
