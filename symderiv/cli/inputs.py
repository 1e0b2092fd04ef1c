"""What the command line checks in its arguments before any work: variables that do not
occur (a typo, or a derivative that is 0), point values that are not numbers, and
expressions that start with a minus sign (which argparse would take for an option).

Every complaint is a :class:`CliError` carrying a message key of ``cli/messages.toml``, so
it can be said in the user's language.
"""

from __future__ import annotations

import difflib
import functools
import re
import sys
import tomllib
from collections.abc import Iterable, Sequence
from importlib import resources

import sympy as sp

from symderiv.errors import DerivationError, SymderivError
from symderiv.parsing import parse

UNICODE_MINUS = "−"
_NEGATIVE_NUMBER = re.compile(r"-\d+(\.\d*)?|-\.\d+")


@functools.cache
def _messages() -> dict[str, dict[str, str]]:
    text = resources.files("symderiv.cli").joinpath("messages.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def say(key: str, lang: str = "en", **values: object) -> str:
    """The command line's sentence ``key`` in ``lang``, filled in."""
    table = _messages()
    return (table.get(lang, {}).get(key) or table["en"][key]).format(**values)


class CliError(DerivationError):
    """Bad command-line input, with a message key so it can be said in any language."""

    def __init__(self, key: str, **values: object) -> None:
        self.key, self.values = key, values
        super().__init__(say(key, "en", **values))

    def localized(self, lang: str = "en") -> str:
        """The message in ``lang`` (the protocol ParseError follows too)."""
        return say(self.key, lang, **self.values)


def error_text(exc: BaseException, lang: str) -> str:
    """An error's message in ``lang`` where the error can say it there (``localized``)."""
    localized = getattr(exc, "localized", None)
    text = localized(lang) if callable(localized) else str(exc)
    return say("error", lang, text=text)


def protect_leading_minus(argv: Sequence[str], option_strings: Iterable[str]) -> list[str]:
    """Arguments such as ``-x^2`` or ``-(y ln a)`` with their minus written as U+2212.

    argparse takes any argument that starts with ``-`` for an option, but losses and
    answers often start with a minus. The parser reads ``−`` as ``-``, so an argument that
    is neither a known option, nor ``-`` (standard input), nor a plain negative number
    (which argparse already accepts) gets the Unicode minus instead.
    """
    options = set(option_strings)
    out = []
    for arg in argv:
        name = arg.split("=", 1)[0]
        if (
            arg.startswith("-")
            and arg != "-"
            and not arg.startswith("--")
            and name not in options
            and not _NEGATIVE_NUMBER.fullmatch(arg)
        ):
            arg = UNICODE_MINUS + arg[1:]
        out.append(arg)
    return out


def similar_name(name: str, candidates: Sequence[str]) -> str | None:
    """The candidate ``name`` was probably meant to be: same letters in another case, or a
    close spelling (``w1`` for ``w_1``)."""
    for candidate in candidates:
        if candidate.lower() == name.lower() or candidate.replace("_", "") == name.replace("_", ""):
            return candidate
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    return close[0] if close else None


def check_variables(
    exprs: Sequence[str], names: Iterable[str], option: str, lang: str, *, note: bool = True
) -> None:
    """Refuse a variable that occurs in none of ``exprs`` while a similar one does (a
    typo); for one that does not occur at all, print a visible note (its derivative is 0)
    and go on (``note=False`` where the command itself refuses such a variable)."""
    present = sorted({s.name for e in exprs for s in parse(e).free_symbols})
    for name in names:
        if name in present:
            continue
        suggestion = similar_name(name, present)
        if suggestion is not None:
            raise CliError("did_you_mean", option=option, name=name, suggestion=suggestion)
        if note:
            print(say("absent", lang, name=name), file=sys.stderr)


def split_names(text: str | None) -> list[str]:
    """``"w, b"`` as ``["w", "b"]``."""
    return [n.strip() for n in (text or "").split(",") if n.strip()]


def number_value(option: str, name: str, value: str) -> sp.Expr:
    """A point coordinate read exactly (``1/2``, ``pi/4``, ``sqrt(2)``); anything with a
    free symbol in it (``foo`` would be f·o²) is refused."""
    try:
        parsed = parse(value)
    except SymderivError:
        raise CliError("not_a_number", option=option, name=name, value=value) from None
    if parsed.free_symbols or not parsed.is_number:
        raise CliError("not_a_number", option=option, name=name, value=value)
    return parsed


def parse_pairs(text: str, option: str) -> dict[str, str]:
    """``"x=1,y=2"`` as ``{"x": "1", "y": "2"}``, every value checked to be a number."""
    out: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, value = part.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise CliError("pairs_expected", option=option, item=part)
        number_value(option, name.strip(), value.strip())
        out[name.strip()] = value.strip()
    if not out:
        raise CliError("pairs_expected", option=option, item=text)
    return out
