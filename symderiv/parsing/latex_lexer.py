r"""The LaTeX tokenizer: wrappers and allow-listed commands.

``_strip_wrappers`` finds the span inside ``$...$``, ``\(...\)`` and friends;
``_LatexTokenizer`` turns it into tokens, refusing every command not in its tables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from symderiv.parsing.failures import _describe, _error, _Refusal
from symderiv.parsing.lexer import (
    _ASCII_LETTERS,
    _DIGITS,
    _WHITESPACE,
    _classify,
    _lex_greek_char,
    _lex_number,
    _lex_operator,
    _lex_word,
    _Name,
    _Tok,
)
from symderiv.parsing.names import (
    _FUNCS,
    _GREEK,
    _GREEK_CHARS,
    _OPERATOR_ONLY,
    _SUBSCRIPTED,
    _Func,
    _words,
)

_LATEX_SPACING = _words(
    ", ; : ! quad qquad displaystyle textstyle thinspace medspace thickspace enspace"
    " negthinspace negmedspace negthickspace"
) | {" "}
_LATEX_SIZES = frozenset(
    f"{size}{side}" for size in ("big", "Big", "bigg", "Bigg") for side in ("", "l", "r")
)
_LATEX_FUNCTIONS = _words(
    "sin cos tan sec csc cot arcsin arccos arctan arcsec arccsc arccot sinh cosh tanh coth"
    " sech csch arsinh arcosh artanh arcsinh arccosh arctanh ln log exp erf sgn max min"
)
_LATEX_NAMED = _words("mathrm operatorname text textrm mathit mbox")
_DELIMITED_COMMANDS = (
    _LATEX_SPACING | _LATEX_SIZES | _LATEX_NAMED | frozenset({"left", "right", "middle"})
)
_LATEX_DELIMITERS = {
    "(": ("open", "("), ")": ("close", ")"), "[": ("open", "["), "]": ("close", "]"),
    "|": ("bar", "|"), r"\lvert": ("open", "|"), r"\rvert": ("close", "|"),
    r"\vert": ("bar", "|"), r"\lbrack": ("open", "["), r"\rbrack": ("close", "]"),
    r"\lparen": ("open", "("), r"\rparen": ("close", ")"),
}  # fmt: skip
_LATEX_SIMPLE = {
    "cdot": ("op", "*"), "times": ("op", "*"), "ast": ("op", "*"), "div": ("op", "/"),
    "frac": ("cmd", "frac"), "dfrac": ("cmd", "frac"), "tfrac": ("cmd", "frac"),
    "sqrt": ("cmd", "sqrt"), "partial": ("cmd", "partial"), "prime": ("op", "'"),
    "lvert": ("open", "|"), "rvert": ("close", "|"), "vert": ("bar", "|"),
    "lbrack": ("open", "["), "rbrack": ("close", "]"), "lparen": ("open", "("),
    "rparen": ("close", ")"),
}  # fmt: skip


def _strip_wrappers(text: str) -> tuple[int, int]:
    r"""The span inside ``$...$``, ``$$...$$``, ``\(...\)`` or ``\[...\]`` (or all of it)."""
    start, end = 0, len(text)
    while start < end and text[start] in _WHITESPACE:
        start += 1
    while end > start and text[end - 1] in _WHITESPACE:
        end -= 1
    for opener, closer in (("$$", "$$"), ("$", "$"), (r"\(", r"\)"), (r"\[", r"\]")):
        if text.startswith(opener, start):
            if end - start < len(opener) + len(closer) or not text.endswith(closer, 0, end):
                _error(f"'{opener}' is never closed", text, start)
            return start + len(opener), end - len(closer)
    return start, end


def _needs_subscript(name: str) -> Callable[..., Any]:
    r"""The builder of ``\operatorname{E}`` written without its subscript: a refusal."""

    def refuse(*args: Any) -> Any:
        raise _Refusal(
            f"\\operatorname{{{name}}} needs a subscript, as in \\operatorname{{E}}_{{2}}"
        )

    return refuse


class _LatexTokenizer:
    """Turns LaTeX into tokens, allow-listing every command."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.i, self.end = text, start, end
        self.tokens: list[_Tok] = []
        self.space = False

    def fail(self, message: str, position: int | None) -> NoReturn:
        """Raise a ParseError about this text."""
        _error(message, self.text, position)

    def emit(self, kind: str, text: str, pos: int, end: int, value: Any = None) -> None:
        """Append a token, recording whether space came before it."""
        self.tokens.append(_Tok(kind, text, pos, end, value, self.space))
        self.space = False

    def run(self) -> list[_Tok]:
        """Tokenise the whole span."""
        text, end = self.text, self.end
        while self.i < end:
            i, c = self.i, text[self.i]
            if c in _WHITESPACE or c == "~":
                self.i, self.space = i + 1, True
            elif c == "\\":
                self.command()
            elif c in _DIGITS or (c == "." and text[i + 1 : i + 2] in _DIGITS and i + 1 < end):
                tok, self.i = _lex_number(text, i, end, self.space)
                self.tokens.append(tok)
                self.space = False
            elif c in _ASCII_LETTERS:
                words, self.i = _lex_word(text, i, end, self.space)
                self.tokens.extend(words)
                self.space = False
            elif c in _GREEK_CHARS:
                tok, self.i = _lex_greek_char(text, i, end, self.space)
                self.tokens.append(tok)
                self.space = False
            elif c == ";":  # separates arguments, as in SymPy's \Pi\left(n; x\middle| m\right)
                self.emit("op", ";", i, i + 1)
                self.i += 1
            elif c in "{}()[]|":
                kind = {"{": "open", "(": "open", "[": "open", "|": "bar"}.get(c, "close")
                self.emit(kind, c, i, i + 1)
                self.i += 1
            elif (found := _lex_operator(text, i, self.space)) is not None:
                more, self.i = found
                self.tokens.extend(more)
                self.space = False
            else:
                self.fail(f"unexpected {_describe(c)}", i)
        self.tokens.append(_Tok("end", "", end, end, space=self.space))
        return self.tokens

    def read_command(self) -> tuple[str, int]:
        r"""Read ``\name`` or ``\,`` at the current position; return (name, end)."""
        text, i = self.text, self.i
        j = i + 1
        if j >= self.end:
            self.fail("a lone backslash", i)
        if text[j] in _ASCII_LETTERS:
            while j < self.end and text[j] in _ASCII_LETTERS:
                j += 1
            return text[i + 1 : j], j
        return text[j], j + 1

    def command(self) -> None:
        """Translate one allow-listed command into tokens, or refuse it."""
        pos = self.i
        name, end = self.read_command()
        self.i = end
        if name in _LATEX_SPACING:
            self.space = True
        elif name in ("left", "right") or name in _LATEX_SIZES:
            self.delimiter(name, pos)
        elif name in _LATEX_SIMPLE:
            kind, value = _LATEX_SIMPLE[name]
            self.emit(kind, value, pos, end)
        elif name in _LATEX_NAMED:
            self.named(name, pos)
        elif name == "middle":
            self.middle(pos)
        elif name in _LATEX_FUNCTIONS or name in _GREEK or name == "pi":
            self.emit("name", name, pos, end, _classify(name))
        else:
            self.fail(f"unsupported LaTeX command \\{name}", pos)
        # Math mode: spaces after a control word are noise (\pi x), but not after the
        # delimiter or {...} that some commands take (\right) 3 is a spaced product).
        if name.isalpha() and name not in _DELIMITED_COMMANDS:
            while self.i < self.end and self.text[self.i] in _WHITESPACE:
                self.i += 1

    def delimiter(self, name: str, pos: int) -> None:
        r"""``\left(``, ``\right|``, ``\big(`` ...: keep the delimiter, drop the sizing."""
        text = self.text
        while self.i < self.end and text[self.i] in _WHITESPACE:
            self.i += 1
        if self.i >= self.end:
            self.fail(f"\\{name} must be followed by a delimiter", pos)
        if text[self.i] == "\\":
            delim, end = self.read_command()
            delim = "\\" + delim
        else:
            delim, end = text[self.i], self.i + 1
        if delim not in _LATEX_DELIMITERS:
            self.fail(f"unsupported delimiter after \\{name}: {delim}", self.i)
        kind, value = _LATEX_DELIMITERS[delim]
        if kind == "bar" and name == "left":
            kind = "open"
        elif kind == "bar" and name == "right":
            kind = "close"
        self.i = end
        self.emit(kind, value, pos, end)

    def middle(self, pos: int) -> None:
        r"""``\middle|``, SymPy's separator in elliptic integrals: ``F\left(x\middle| m\right)``."""
        while self.i < self.end and self.text[self.i] in _WHITESPACE:
            self.i += 1
        if self.text.startswith("|", self.i):
            end = self.i + 1
        elif self.text.startswith("\\vert", self.i):
            end = self.i + 5
        else:
            self.fail("\\middle is only understood as \\middle| between arguments", pos)
        self.i = end
        self.emit("op", "\\middle|", pos, end)

    def named(self, name: str, pos: int) -> None:
        r"""``\mathrm{e}``, ``\operatorname{ReLU}``, ``\text{ }`` and relatives."""
        text = self.text
        j = self.i
        while j < self.end and text[j] in _WHITESPACE:
            j += 1
        if j >= self.end or text[j] != "{":
            self.fail(f"\\{name} must be followed by {{...}}", pos)
        close = text.find("}", j, self.end)
        if close < 0:
            self.fail(f"\\{name}{{ is never closed", j)
        content = text[j + 1 : close].strip()
        shown = content if len(content) <= 20 else content[:20] + "..."
        self.i = close + 1
        if not content and name in ("text", "textrm", "mbox", "mathrm"):
            self.space = True
            return
        if not content.isascii() or not content.isalpha():
            self.fail(f"unsupported \\{name}{{{shown}}}", pos)
        spec = _FUNCS.get(content) or _OPERATOR_ONLY.get(content)
        if spec is None and content in _SUBSCRIPTED:  # \operatorname{E}_{2}: subscript needed
            spec = _Func(content, _needs_subscript(content))
        if spec is not None and name in ("operatorname", "mathrm"):
            self.emit("name", content, pos, self.i, _Name("func", content, func=spec))
        elif content in _FUNCS:
            self.emit("name", content, pos, self.i, _Name("func", content, func=_FUNCS[content]))
        elif name == "operatorname":
            self.fail(f"unknown operator \\operatorname{{{shown}}}", pos)
        elif content == "e":
            self.emit("name", "e", pos, self.i, _classify("e"))
        elif len(content) == 1 or content in _GREEK:
            self.emit("name", content, pos, self.i, _Name("sym", content))
        else:
            self.fail(f"unsupported \\{name}{{{shown}}}", pos)
