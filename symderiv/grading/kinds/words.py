r"""Reading the kind of a point from a word: minimum, maximum, saddle point, inconclusive.

The accepted words (English and Korean, with filler such as "it is a local minimum" or
"극소점이다", possibly in ``\text{…}``) are fixed lists; anything else (a negation, two
kinds, an unknown word) is refused, never guessed. Also the LaTeX clean-ups the readers of
the other kinds share (``\text{…}`` unwrapped, spacing commands as spaces).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from symderiv.errors import ParseError
from symderiv.grading.answers import _strip_math

__all__ = ["HANGUL", "KIND_NAMES", "find_kind", "kind_name", "read_kind", "strip_filler"]

KIND_NAMES = {
    "en": {
        "minimum": "minimum",
        "maximum": "maximum",
        "saddle": "saddle point",
        "inconclusive": "inconclusive",
    },
    "ko": {"minimum": "극소", "maximum": "극대", "saddle": "안장점", "inconclusive": "판정 불가"},
}

_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "minimum": (
        "minimum",
        "minima",
        "min",
        "minimum point",
        "local minimum",
        "relative minimum",
        "극소",
        "극소점",
        "극솟값",
        "극소값",
        "최소",
        "최소점",
        "최솟값",
        "최소값",
    ),
    "maximum": (
        "maximum",
        "maxima",
        "max",
        "maximum point",
        "local maximum",
        "relative maximum",
        "극대",
        "극대점",
        "극댓값",
        "극대값",
        "최대",
        "최대점",
        "최댓값",
        "최대값",
    ),
    "saddle": (
        "saddle",
        "saddle point",
        "neither",
        "neither minimum nor maximum",
        "neither a minimum nor a maximum",
        "neither max nor min",
        "neither min nor max",
        "neither maximum nor minimum",
        "neither a maximum nor a minimum",
        "inflection point",
        "point of inflection",
        "stationary inflection point",
        "안장점",
        "안장",
        "변곡점",
        "극값 아님",
        "극값이 아님",
        "극값이 아니다",
        "극점 아님",
    ),
    "inconclusive": (
        "inconclusive",
        "indeterminate",
        "undetermined",
        "undecided",
        "cannot be determined",
        "can't be determined",
        "cannot be decided",
        "cannot determine",
        "test fails",
        "test is inconclusive",
        "no conclusion",
        "판정 불가",
        "판정불가",
        "판정 불능",
        "판정할 수 없음",
        "판정할 수 없다",
        "판정할 수 없습니다",
        "알 수 없음",
        "결정할 수 없음",
        "결정 불가",
    ),
}
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _phrase_pattern(phrase: str) -> str:
    if HANGUL.search(phrase):
        return r"\s*".join(re.escape(w) for w in phrase.split())
    words = r"\s+".join(re.escape(w) for w in phrase.split())
    return rf"(?<![a-z]){words}(?![a-z])"


_KIND_RE = re.compile(
    "|".join(
        f"(?P<{kind}_{i}>{_phrase_pattern(p)})"
        for kind, phrases in _KIND_WORDS.items()
        for i, p in sorted(enumerate(phrases), key=lambda ip: -len(ip[1]))
    )
)
#: Words that may surround a kind ("it is a local minimum", "극소점이다").
_FILLER_EN = frozenset(
    (
        *("a", "an", "the", "it", "is", "its", "it's", "this", "that", "point", "points"),
        *("local", "relative", "strict", "critical", "there", "has", "have", "f", "at"),
        *("of", "type", "kind", "answer", "are", "which", "so", "and", "stationary"),
    )
)
_FILLER_KO = tuple(
    sorted(
        (
            *("입니다", "이에요", "예요", "이다", "에서는", "에서", "임계점", "점은", "점이"),
            *("점", "은", "는", "이", "가", "임", "의", "요", "다", "함수", "와", "과"),
        ),
        key=len,
        reverse=True,
    )
)
_TEXT_CMD = re.compile(
    r"\\(?:text|mathrm|textrm|mbox|textbf|mathbf|textit|operatorname)\s*\{([^{}]*)\}"
)
_SPACES = re.compile(r"\\\\|\\[,;:! ]|\\q?quad|~|\\left\.|\\right\.")


def kind_name(kind: str, lang: str) -> str:
    return (KIND_NAMES.get(lang) or KIND_NAMES["en"])[kind]


def unwrap_text(text: str) -> str:
    """``\\text{saddle point}`` -> `` saddle point `` (repeatedly, for nested wrappers)."""
    for _ in range(5):
        new = _TEXT_CMD.sub(lambda m: f" {m.group(1)} ", text)
        if new == text:
            break
        text = new
    return latex_spaces(text)


def latex_spaces(text: str) -> str:
    """LaTeX spacing commands as spaces (a row break ``\\\\`` is kept)."""
    return _SPACES.sub(lambda m: m.group(0) if m.group(0) == "\\\\" else " ", text)


@dataclass(frozen=True)
class KindRead:
    kind: str | None  # None: no kind word
    rest: str  # the text with the kind phrases removed


def find_kind(text: str) -> KindRead:
    """Find the kind phrases of ``text`` (already unwrapped); raises ParseError on two kinds."""
    lowered = text.lower()
    kinds: set[str] = set()
    pieces: list[str] = []
    last = 0
    for m in _KIND_RE.finditer(lowered):
        assert m.lastgroup is not None
        kinds.add(m.lastgroup.rsplit("_", 1)[0])
        pieces.append(text[last : m.start()])
        pieces.append(" ")
        last = m.end()
    pieces.append(text[last:])
    if len(kinds) > 1:
        raise ParseError("the answer names more than one kind", text, None)
    return KindRead(next(iter(kinds)) if kinds else None, "".join(pieces))


def strip_filler(text: str, names: Sequence[str] = ()) -> str:
    """Remove filler words (English whole words, Korean particles)."""
    words = _FILLER_EN | {n.lower() for n in names}

    def drop(m: re.Match[str]) -> str:
        return " " if m.group(0).lower() in words else m.group(0)

    text = re.sub(r"(?<![\\A-Za-z])[A-Za-z']+(?![A-Za-z])", drop, text)
    for w in _FILLER_KO:
        text = text.replace(w, " ")
    return text


def read_kind(text: str, names: Sequence[str] = ()) -> str:
    """The kind named by a classification answer; raises ParseError when there is none or
    the text says more than one kind (or anything else, such as a negation)."""
    if not isinstance(text, str):
        raise ParseError("an answer must be text", "", None)
    if len(text) > 1000:
        raise ParseError("the answer is too long for one word", "", None)
    body, _ = _strip_math(text)
    read = find_kind(unwrap_text(body))
    if read.kind is None:
        raise ParseError("no kind of point found", text, None)
    rest = strip_filler(latex_free(read.rest), names)
    rest = re.sub(r"[\s$.,;:!()\[\]{}\\=+\-/0-9]+", "", rest)
    if rest:
        raise ParseError(f"unexpected {rest[:20]!r} next to the kind", text, None)
    return read.kind


def latex_free(text: str) -> str:
    return re.sub(r"\\[A-Za-z]+", " ", text)
