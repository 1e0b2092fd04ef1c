"""User-facing sentences in English and Korean, read from ``messages.toml``.

>>> message("held_constant", "en", names="y")
'(y held constant)'
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources

LANGUAGES = ("en", "ko")


@functools.cache
def _messages() -> dict[str, dict[str, str]]:
    text = resources.files("symderiv").joinpath("messages.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    return lang


def message(key: str, lang: str = "en", **values: object) -> str:
    """The sentence ``key`` in ``lang`` (English when Korean lacks it), filled in."""
    table = _messages()
    template = table.get(check_language(lang), {}).get(key) or table["en"][key]
    return template.format(**values)
