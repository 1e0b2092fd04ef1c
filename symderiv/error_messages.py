"""The parser's error messages in the user's language.

The parser raises its messages in English; ``messages_errors.toml`` holds each one as a
template (``{a}``, ``{b}``, ``{c}`` for the parts that vary) with its Korean text.
``localize`` finds the template a message matches and fills the Korean text with the same
parts; ``message_key`` names the template (its English text), so callers can tell messages
apart without parsing them.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources

_PLACEHOLDER = re.compile(r"\{([abc])\}")


@dataclass(frozen=True)
class _Template:
    """One message: its English template, the regex that matches it, its translations."""

    english: str
    pattern: re.Pattern[str]
    texts: dict[str, str]


def _compile(english: str) -> re.Pattern[str]:
    """A regex matching the messages ``english`` stands for, capturing its placeholders."""
    parts, last = [], 0
    for found in _PLACEHOLDER.finditer(english):
        parts.append(re.escape(english[last : found.start()]))
        parts.append(f"(?P<{found.group(1)}>.+?)")
        last = found.end()
    parts.append(re.escape(english[last:]))
    return re.compile("".join(parts), re.DOTALL)


@functools.cache
def _catalogue() -> tuple[tuple[_Template, ...], dict[str, str]]:
    """The templates (most literal text first, so specific ones win) and the location texts."""
    text = resources.files("symderiv").joinpath("messages_errors.toml").read_text("utf-8")
    data = tomllib.loads(text)
    templates = [
        _Template(entry["en"], _compile(entry["en"]), {"ko": entry["ko"]})
        for entry in data["message"]
    ]
    templates.sort(key=lambda t: -len(_PLACEHOLDER.sub("", t.english)))
    return tuple(templates), data["location"]


def _match(message: str) -> tuple[_Template, dict[str, str]] | None:
    """The template ``message`` is an instance of, with its parts."""
    templates, _ = _catalogue()
    for template in templates:
        found = template.pattern.fullmatch(message)
        if found is not None:
            return template, found.groupdict()
    return None


def message_key(message: str) -> str | None:
    """The English template of ``message`` (e.g. ``"{a} is undefined"``), or None."""
    found = _match(message)
    return None if found is None else found[0].english


def localize(message: str, lang: str) -> str:
    """``message`` in ``lang`` ("en" or "ko"); English when no translation is known."""
    found = _match(message) if lang != "en" else None
    if found is None or lang not in found[0].texts:
        return message
    template, parts = found
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], template.texts[lang])


def column_text(column: int, lang: str) -> str:
    """'5번째 글자' — where a problem is, in ``lang`` (not English, which ParseError says
    itself as 'at column 5')."""
    _, location = _catalogue()
    return location.get(lang, "column {a}").replace("{a}", str(column))
