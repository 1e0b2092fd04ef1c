"""Tokens, and the plain-text tokenizer.

``_Tok`` and ``_Name`` are shared by both syntaxes, as are the readers of numbers, words,
Greek characters and operators (the LaTeX tokenizer reuses them). ``_tokenize_plain``
turns plain text into tokens; words are split into names as the package docstring
describes (``sinx`` is sin x, ``xy`` is x·y).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from symderiv.parsing.failures import _describe, _error
from symderiv.parsing.limits import MAX_INTEGER_DIGITS, _number
from symderiv.parsing.names import (
    _CONSTANTS,
    _FUNCS,
    _GREEDY,
    _GREEDY_MAX,
    _GREEK,
    _GREEK_CHARS,
    _UNDEFINED_FUNCTIONS,
    _Func,
)

_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
# ASCII whitespace plus the Unicode spaces (no-break, thin, ...) that copy-paste brings in.
_WHITESPACE = frozenset(" \t\r\n\u00a0\u202f\u205f\u3000") | {chr(c) for c in range(0x2000, 0x200B)}


@dataclass(frozen=True)
class _Name:
    """What a name piece means: a symbol, a constant, or a function."""

    kind: str  # "sym", "const", "func"
    name: str
    value: sp.Expr | None = None
    func: _Func | None = None

    @property
    def callable(self) -> bool:
        """True for f, g, h, sigma, gamma: functions when '(' follows immediately."""
        return self.kind == "sym" and (
            self.name in _UNDEFINED_FUNCTIONS
            or (self.name in _FUNCS and _FUNCS[self.name].call_only)
        )


@dataclass(frozen=True)
class _Tok:
    """A token with its span in the original text.

    kind is "num", "name", "op", "open", "close", "bar", "cmd" or "end". ``space`` says
    whitespace (or a LaTeX spacing command) came right before it; ``word_start`` is False
    for the second and later pieces of one run of letters (``dx`` is d + x).
    """

    kind: str
    text: str
    pos: int
    end: int
    value: Any = None
    space: bool = False
    word_start: bool = True

    def is_op(self, *ops: str) -> bool:
        """True if this is one of the operator tokens ``ops``."""
        return self.kind == "op" and self.text in ops


def _classify(piece: str) -> _Name:
    """Meaning of one piece of a word."""
    if piece in _CONSTANTS:
        return _Name("const", piece, value=_CONSTANTS[piece])
    if piece in _FUNCS and not _FUNCS[piece].call_only:
        return _Name("func", piece, func=_FUNCS[piece])
    return _Name("sym", piece)


def _split_word(word: str) -> list[tuple[str, int]]:
    """Split a run of letters into (piece, offset) pairs; see the package docstring."""
    if word in _GREEK or word in _FUNCS or word in _CONSTANTS:
        return [(word, 0)]
    if word[0] == "d" and word[1:] in _GREEK:
        return [("d", 0), (word[1:], 1)]
    pieces: list[tuple[str, int]] = []
    i = 0
    while i < len(word):
        for size in range(min(_GREEDY_MAX, len(word) - i), 1, -1):
            if word[i : i + size] in _GREEDY:
                pieces.append((word[i : i + size], i))
                i += size
                break
        else:
            pieces.append((word[i], i))
            i += 1
    return pieces


def _lex_number(text: str, i: int, end: int, space: bool) -> tuple[_Tok, int]:
    """Read a decimal literal at ``i``; exact, bounded, no scientific notation."""
    j = i
    while j < end and text[j] in _DIGITS:
        j += 1
    integer = text[i:j]
    fraction = ""
    if j < end and text[j] == ".":
        k = j + 1
        while k < end and text[k] in _DIGITS:
            k += 1
        fraction = text[j + 1 : k]
        if not fraction:
            _error("a decimal point must be followed by digits", text, j)
        j = k
    if len(integer) + len(fraction) > MAX_INTEGER_DIGITS:
        _error(f"number with more than {MAX_INTEGER_DIGITS} digits", text, i)
    if j < end and text[j] in "eE":
        rest = text[j + 1 : j + 3]
        if rest[:1] in _DIGITS or (rest[:1] in ("+", "-") and rest[1:2] in _DIGITS):
            _error(
                "scientific notation is not supported: write 1.5*10^3 for 1.5e3"
                " (or put a space or * before e to mean Euler's number)",
                text,
                j,
            )
    return _Tok("num", text[i:j], i, j, _number(integer, fraction), space), j


def _lex_word(text: str, i: int, end: int, space: bool) -> tuple[list[_Tok], int]:
    """Read a run of ASCII letters (plus glued digits) at ``i`` as name pieces."""
    j = i
    while j < end and text[j] in _ASCII_LETTERS:
        j += 1
    word = text[i:j]
    tokens = [
        _Tok("name", piece, i + offset, i + offset + len(piece), _classify(piece),
             space and offset == 0, offset == 0)
        for piece, offset in _split_word(word)
    ]  # fmt: skip
    if j < end and text[j] in _DIGITS:
        k = j
        while k < end and text[k] in _DIGITS:
            k += 1
        last = tokens[-1]
        digits = text[j:k]
        if last.text == "log" and digits in ("2", "10"):
            name = "log" + digits
            tokens[-1] = _Tok("name", name, last.pos, k, _classify(name), last.space,
                              last.word_start)  # fmt: skip
            j = k
        elif last.value.kind == "sym" and len(digits) <= MAX_INTEGER_DIGITS:
            name = last.text + digits
            tokens[-1] = _Tok("name", name, last.pos, k, _Name("sym", name), last.space,
                              last.word_start)  # fmt: skip
            j = k
    last = tokens[-1]
    is_differential = len(tokens) == 2 and tokens[0].text == "d"
    if (
        len(tokens) > 1
        and j < end
        and text[j] == "("
        and last.value.kind != "func"
        and not is_differential
    ):
        _error(
            f"unknown function '{text[i:j]}' (known ones include sin, exp, ln, log, sqrt,"
            " sigmoid, relu); for a product write it with * or spaces",
            text,
            i,
        )
    return tokens, j


def _lex_greek_char(text: str, i: int, end: int, space: bool) -> tuple[_Tok, int]:
    """Read one Greek character (``π``, ``θ``...), with glued digits for symbols."""
    name = _GREEK_CHARS[text[i]]
    j = i + 1
    meaning = _classify(name)
    if meaning.kind == "sym":
        k = j
        while k < end and text[k] in _DIGITS:
            k += 1
        if k > j:
            name, meaning, j = name + text[j:k], _Name("sym", name + text[j:k]), k
    return _Tok("name", name, i, j, meaning, space), j


# Single characters that are operators in both syntaxes (value: canonical operator).
_OPERATORS = {
    "+": "+", "-": "-", "*": "*", "/": "/", "^": "^", "_": "_", "=": "=", ",": ",",
    "'": "'", "!": "!", "·": "*", "×": "*", "−": "-", "÷": "/", "’": "'",
}  # fmt: skip
_SUPERSCRIPTS = {"²": "2", "³": "3"}


def _lex_operator(text: str, i: int, space: bool) -> tuple[list[_Tok], int] | None:
    """Read an operator at ``i`` (``**`` is ``^``; ``²`` is ``^2``), or None."""
    c = text[i]
    if c == "*" and text[i + 1 : i + 2] == "*":
        return [_Tok("op", "^", i, i + 2, space=space)], i + 2
    if c in _SUPERSCRIPTS:
        digit = _SUPERSCRIPTS[c]
        return [
            _Tok("op", "^", i, i + 1, space=space),
            _Tok("num", digit, i, i + 1, sp.Integer(int(digit))),
        ], i + 1
    if c in _OPERATORS:
        return [_Tok("op", _OPERATORS[c], i, i + 1, space=space)], i + 1
    return None


def _tokenize_plain(text: str, start: int, end: int) -> list[_Tok]:
    """Plain-text tokens of ``text[start:end]``, ending with an "end" token."""
    tokens: list[_Tok] = []
    i, space = start, False
    while i < end:
        c = text[i]
        if c in _WHITESPACE:
            i, space = i + 1, True
            continue
        if c in _DIGITS or (c == "." and text[i + 1 : i + 2] in _DIGITS and i + 1 < end):
            tok, i = _lex_number(text, i, end, space)
            tokens.append(tok)
        elif c in _ASCII_LETTERS:
            words, i = _lex_word(text, i, end, space)
            tokens.extend(words)
        elif c in _GREEK_CHARS:
            tok, i = _lex_greek_char(text, i, end, space)
            tokens.append(tok)
        elif c in "()[]|":
            tokens.append(_Tok("op", c, i, i + 1, space=space))
            i += 1
        elif (found := _lex_operator(text, i, space)) is not None:
            more, i = found
            tokens.extend(more)
        else:
            hint = " (LaTeX must be wrapped as a whole: $...$)" if c == "$" else ""
            _error(f"unexpected {_describe(c)}{hint}", text, i)
        space = False
    tokens.append(_Tok("end", "", end, end, space=space))
    return tokens
