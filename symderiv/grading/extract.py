r"""Find the final answer in a free-text, Markdown or LaTeX solution.

:func:`extract_answer` looks, in this order of precedence, for

1. ``boxed`` -- the last ``\boxed{...}`` (or ``\fbox{...}``);
2. ``phrase`` -- the last "the answer is ...", "final answer: ...", "Answer: ..." or, in
   Korean, "답은 ...", "정답은 ...", "답: ..." (the math right after it, else the rest of the
   sentence);
3. ``equation`` -- the last equation whose left side names the derivative (``f'(x) =``,
   ``y' =``, ``\frac{d}{dx}(...) =``, ``\frac{dy}{dx} =``, ``dy/dx =``, ``\nabla f =``,
   ``\frac{\partial f}{\partial x} =``), in math or in plain text;
4. ``display`` -- the last display math (``$$...$$``, ``\[...\]``, ``equation``/``align``
   environments): its last line;
5. ``whole`` -- a solution that is itself one short expression (no prose).

Between 3 and 4 the one that ends later wins. In an equation chain ``a = b = c`` the
answer is the last side, ``c``. Nothing is evaluated here: the text found is read later
by the grader through :func:`symderiv.parse`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SOURCES", "Extraction", "extract_answer"]

SOURCES = ("boxed", "phrase", "equation", "display", "whole")
#: Longer solutions are cut to their last ``MAX_SOLUTION`` characters (the answer is at the end).
MAX_SOLUTION = 100_000


@dataclass(frozen=True)
class Extraction:
    """The answer found in a solution: its text, what kind of place it came from
    (one of ``SOURCES``) and its character span in the solution."""

    answer: str
    source: str
    start: int
    end: int

    def describe(self) -> str:
        return f"{self.source} at characters {self.start}-{self.end}"


_BOXED = re.compile(r"\\(?:boxed|fbox)\s*\{")
_MATH = re.compile(
    r"\$\$(?P<dd>.+?)\$\$"
    r"|\\\[(?P<br>.+?)\\\]"
    r"|\\begin\{(?P<env>equation|align|gather|multline|displaymath)\*?\}(?P<envbody>.+?)"
    r"\\end\{(?P=env)\*?\}"
    r"|\\\((?P<pa>.+?)\\\)"
    r"|(?<![\\$])\$(?P<d>[^$\n]+?)\$(?!\$)",
    re.S,
)
_PHRASE = re.compile(
    r"(?:(?<![A-Za-z])(?:the\s+)?(?:final\s+)?answer[*_]*\s*(?:is|:|=)[*_]*"
    r"|(?<![A-Za-z])(?:the\s+)?(?:derivative|result)\s+is"
    r"|(?:최종\s*)?(?:정답|답)\s*(?:은|는|:|=))\s*",
    re.I,
)
#: Left sides that name the derivative: followed by ``=`` directly.
_LABEL = re.compile(
    r"[A-Za-z](?:'+|\^\{?\\prime\}?|’)\s*(?:\\left)?\(\s*[A-Za-z]\s*(?:\\right)?\)"
    r"|(?<![A-Za-z\\])[A-Za-z](?:'+|’)"
    r"|\\frac\s*\{\s*d\s*[A-Za-z]\s*\}\s*\{\s*d\s*[A-Za-z]\s*\}"
    r"|\\frac\s*\{\s*\\partial\s*[A-Za-z]?\s*\}\s*\{\s*\\partial\s*[A-Za-z]\s*\}"
    r"|(?<![A-Za-z])d[A-Za-z]\s*/\s*d[A-Za-z](?![A-Za-z])"
    r"|∂[A-Za-z]?\s*/\s*∂[A-Za-z]"
    r"|\\nabla\s*[A-Za-z]?(?:\s*\(\s*[A-Za-z, ]*\))?"
)
#: Operators applied to the function: followed by it, then ``=``.
_OPERATOR = re.compile(
    r"\\frac\s*\{\s*d\s*\}\s*\{\s*d\s*[A-Za-z]\s*\}|(?<![A-Za-z])d\s*/\s*d[A-Za-z](?![A-Za-z])"
)
_END_SENTENCE = re.compile(r"\.(?:\s|$)|[\n\uac00-\ud7a3]|,\s+(?:so|and|which|where)\b")
_TRAILING = re.compile(
    r"(?:\s|[.,;:!]|\\[,;:! ]|\\q?quad|\\text\s*\{\s*[.,;]?\s*\}|\\displaystyle)+$"
)
_LEADING = re.compile(r"^(?:\s|\\displaystyle|\\quad|\\[,;:! ])+")
_PROSE_WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{4,}")
_FUNCTION_WORDS = frozenset(
    (
        *("sqrt", "sinh", "cosh", "tanh", "sech", "csch", "coth", "arcsin", "arccos", "arctan"),
        *("asin", "acos", "atan", "sigmoid", "softplus", "relu", "text", "mathrm", "left"),
        *("right", "cdot", "frac", "dfrac", "tfrac", "exp", "log", "operatorname"),
    )
)


def _balanced(text: str, i: int) -> int | None:
    """The index just past the ``}`` that closes the ``{`` at ``i - 1``, or None."""
    depth = 1
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def _clean(text: str) -> str:
    text = _TRAILING.sub("", _LEADING.sub("", text))
    for left, right in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
        if text.startswith(left) and text.endswith(right) and len(text) > 2 * len(left):
            text = _TRAILING.sub("", text[len(left) : -len(right)].strip())
    return text.strip()


def _last_side(text: str) -> tuple[str, int]:
    """The last side of an equation chain (top-level ``=``) and its offset in ``text``."""
    depth = 0
    cut = 0
    for i, c in enumerate(text):
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
        elif c == "=" and depth == 0 and text[i - 1 : i] not in ("<", ">", "!"):
            cut = i + 1
    return text[cut:], cut


def _span(answer: str, source: str, text: str, start: int, end: int) -> Extraction | None:
    cleaned = _clean(answer)
    if not cleaned:
        return None
    offset = text.find(cleaned, start, end)
    begin = offset if offset >= 0 else start
    return Extraction(cleaned, source, begin, begin + len(cleaned))


def _boxed(text: str) -> Extraction | None:
    found = None
    for m in _BOXED.finditer(text):
        close = _balanced(text, m.end())
        if close is not None:
            found = _span(text[m.end() : close - 1], "boxed", text, m.end(), close - 1)
    return found


def _math_spans(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, display) of the math segments' contents."""
    spans = []
    for m in _MATH.finditer(text):
        for group, display in (("dd", True), ("br", True), ("envbody", True), ("pa", False)):
            if m.group(group) is not None:
                spans.append((m.start(group), m.end(group), display))
                break
        else:
            spans.append((m.start("d"), m.end("d"), False))
    return spans


def _is_math_like(text: str) -> bool:
    words = [w for w in _PROSE_WORD.findall(text) if w.lower() not in _FUNCTION_WORDS]
    return not words and not re.search(r"[\uac00-\ud7a3]", text)


def _phrase(text: str, spans: list[tuple[int, int, bool]]) -> Extraction | None:
    found = None
    for m in _PHRASE.finditer(text):
        at = m.end()
        rest = text[at:]
        math = next(
            ((s, e) for s, e, _ in spans if s >= at and text[at:s].strip() in _OPENERS), None
        )
        if math is not None:
            body, offset = _last_side(text[math[0] : math[1]])
            candidate = _span(body, "phrase", text, math[0] + offset, math[1])
        else:
            stop = _END_SENTENCE.search(rest)
            piece = rest[: stop.start()] if stop else rest
            candidate = _span(piece, "phrase", text, at, at + len(piece))
            if candidate is not None and not _is_math_like(candidate.answer):
                candidate = None
        if candidate is not None:
            found = candidate
    return found


_OPENERS = ("$", "$$", "\\(", "\\[", "")


def _equation(text: str, spans: list[tuple[int, int, bool]]) -> Extraction | None:
    """The last derivative equation, in math (up to the segment's end or line break) or in
    plain text (up to the end of the sentence)."""
    found = None
    matches = [(m, r"\s*=") for m in _LABEL.finditer(text)]
    matches += [(m, r"[^=\n$]{0,120}?=") for m in _OPERATOR.finditer(text)]
    for m, follow in sorted(matches, key=lambda mf: mf[0].start()):
        eq = re.match(follow, text[m.end() :])
        if eq is None:
            continue
        start = m.end() + eq.end()
        inside = next(((s, e) for s, e, _ in spans if s <= m.start() < e), None)
        if inside is not None:
            end = inside[1]
            line_break = text.find("\\\\", start, end)
            end = line_break if line_break >= 0 else end
        else:
            stop = _END_SENTENCE.search(text, start)
            end = stop.start() if stop else len(text)
        body, offset = _last_side(text[start:end])
        candidate = _span(body, "equation", text, start + offset, end)
        if candidate is not None and (inside is not None or _is_math_like(candidate.answer)):
            found = candidate
    return found


def _display(text: str, spans: list[tuple[int, int, bool]]) -> Extraction | None:
    displays = [(s, e) for s, e, display in spans if display]
    if not displays:
        return None
    s, e = displays[-1]
    lines = [(m.start(), m.end()) for m in re.finditer(r"(?:[^\\]|\\(?!\\))+", text[s:e])]
    lines = [(a, b) for a, b in lines if text[s + a : s + b].strip(" \n&")]
    if not lines:
        return None
    a, b = lines[-1]
    body, offset = _last_side(text[s + a : s + b].replace("&", " "))
    return _span(body, "display", text, s + a + offset, s + b)


def extract_answer(text: str) -> Extraction | None:
    """The final answer of a solution (see the module doc), or None when there is none.

    >>> extract_answer(r"By the chain rule ... so $f'(x) = \\boxed{3\\cos 3x}$.").answer
    '3\\\\cos 3x'
    """
    if not isinstance(text, str) or not text.strip():
        return None
    if len(text) > MAX_SOLUTION:
        text = text[-MAX_SOLUTION:]
    boxed = _boxed(text)
    if boxed is not None:
        return boxed
    spans = _math_spans(text)
    phrase = _phrase(text, spans)
    if phrase is not None:
        return phrase
    candidates = [c for c in (_equation(text, spans), _display(text, spans)) if c is not None]
    if candidates:
        return max(candidates, key=lambda c: (c.end, c.source == "equation"))
    stripped = text.strip()
    if "\n" not in stripped and len(stripped) <= 500 and _is_math_like(stripped):
        return _span(stripped, "whole", text, 0, len(text))
    return None
