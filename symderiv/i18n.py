"""User-facing sentences in English and Korean, read from ``messages.toml``.

>>> message("held_constant", "en", names="y")
'(y held constant)'
"""

from __future__ import annotations

import functools
import string
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
    return fill(template, **values)


#: Korean readings of Latin letters and digits that end in a final consonant (받침):
#: l 엘, m 엠, n 엔, r 알; 0 영, 1 일, 3 삼, 6 육, 7 칠, 8 팔. Every other letter's
#: reading ends in a vowel (x 엑스, s 에스, z 제트, f 에프, h 에이치, y 와이, ...).
_FINAL_CONSONANT = frozenset("lmnrLMNR013678")
#: ... and of those, the ones whose final consonant is ㄹ (which takes 로, not 으로).
_FINAL_RIEUL = frozenset("lrLR178")
#: Particle pairs: (after a final consonant, after a vowel).
PARTICLES = {
    "topic": ("은", "는"),
    "object": ("을", "를"),
    "subject": ("이", "가"),
    "with": ("과", "와"),
}
#: A Korean template writes the particle of a value as a format spec, in either form:
#: ``{y:를}`` (or ``{y:을}``) is y followed by 을 or 를, whichever fits what y ends with.
PARTICLE_SPECS = {
    "은": "topic",
    "는": "topic",
    "이": "subject",
    "가": "subject",
    "을": "object",
    "를": "object",
    "과": "with",
    "와": "with",
    "로": "direction",
    "으로": "direction",
}


def _final_consonant(word: str) -> tuple[bool, bool]:
    """(has a final consonant, that consonant is ㄹ) for the last sound of ``word``."""
    last = word.rstrip(" )]}'′$`*")[-1:] or "a"
    code = ord(last) - 0xAC00
    if 0 <= code < 11172:
        final = code % 28
        return final != 0, final == 8
    return last in _FINAL_CONSONANT, last in _FINAL_RIEUL


def particle(word: str, kind: str) -> str:
    """The Korean particle for ``word``: ``kind`` is topic (은/는), object (을/를),
    subject (이/가), with (과/와) or direction ((으)로).

    >>> [particle(w, "topic") for w in ("y", "x", "l")]
    ['는', '는', '은']
    >>> particle("u", "object")
    '를'
    """
    consonant, rieul = _final_consonant(word)
    if kind == "direction":
        return "로" if not consonant or rieul else "으로"
    after_consonant, after_vowel = PARTICLES[kind]
    return after_consonant if consonant else after_vowel


def with_particle(word: str, kind: str, lang: str) -> str:
    """``word`` followed by its particle in Korean; the word alone in other languages."""
    return word + particle(word, kind) if lang == "ko" else word


class _ParticleFormatter(string.Formatter):
    """``str.format`` that also reads a Korean particle as a format spec: ``{y:는}``."""

    def format_field(self, value: object, format_spec: str) -> str:
        kind = PARTICLE_SPECS.get(format_spec)
        if kind is None:
            return super().format_field(value, format_spec)
        text = format(value)
        return text + particle(text, kind)


_FORMATTER = _ParticleFormatter()


def fill(template: str, **values: object) -> str:
    """``template.format(**values)``, with ``{name:을}`` (any particle of a pair) giving the
    value followed by the particle its last sound takes: ``{y:는}`` is "y는", ``{l:는}`` "l은".

    >>> fill("{y:를} {x}의 함수로 봄", y="y", x="x")
    'y를 x의 함수로 봄'
    >>> fill("{name:은} 상수", name="l")
    'l은 상수'
    """
    return _FORMATTER.format(template, **values)
