"""Words and typesetting helpers for worksheet documents: labels in each language, LaTeX
that goes in unescaped, Unicode the engine writes that TeX cannot set, Markdown escaping."""

from __future__ import annotations

import re

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "name": "Name",
        "date": "Date",
        "variant": "Variant",
        "seed": "seed",
        "key": "Answer key",
        "question": "Question",
        "points": "Points",
        "score": "Score",
        "total": "Total",
        "point": "point",
        "points_plural": "points",
        "answer": "Answer",
        "verified": "verified numerically",
        "not_verified": "NOT verified",
        "page": "Page",
        "of": "of",
        "solution": "Solution",
        "minimum": "local minimum",
        "maximum": "local maximum",
        "saddle": "saddle point",
        "inconclusive": "inconclusive",
        "none": "no critical points",
    },
    "ko": {
        "name": "이름",
        "date": "날짜",
        "variant": "유형",
        "seed": "시드",
        "key": "정답 및 풀이",
        "question": "문제",
        "points": "배점",
        "score": "점수",
        "total": "합계",
        "point": "점",
        "points_plural": "점",
        "answer": "답",
        "verified": "수치 검증 완료",
        "not_verified": "검증 실패",
        "page": "쪽",
        "of": "/",
        "solution": "풀이",
        "minimum": "극소",
        "maximum": "극대",
        "saddle": "안장점",
        "inconclusive": "판정 불가",
        "none": "임계점 없음",
    },
}


class Tex(str):
    """LaTeX that goes into a template as is (everything else is escaped)."""

    __slots__ = ()


#: Characters the engine's text may contain that pdflatex (and Latin Modern) cannot typeset.
_TEX_UNICODE = {
    "∇": r"\ensuremath{\nabla}",
    "∂": r"\ensuremath{\partial}",
    "λ": r"\ensuremath{\lambda}",
    "σ": r"\ensuremath{\sigma}",
    "π": r"\ensuremath{\pi}",
    "ε": r"\ensuremath{\varepsilon}",
    "δ": r"\ensuremath{\delta}",
    "≥": r"\ensuremath{\geq}",
    "≤": r"\ensuremath{\leq}",
    "≠": r"\ensuremath{\neq}",
    "≈": r"\ensuremath{\approx}",
    "→": r"\ensuremath{\to}",
    "×": r"\ensuremath{\times}",
    "·": r"\ensuremath{\cdot}",
    "−": "-",
    "–": "--",
    "—": "---",
    "∞": r"\ensuremath{\infty}",
    "√": r"\ensuremath{\surd}",
    "²": r"\ensuremath{^{2}}",
    "³": r"\ensuremath{^{3}}",
    "ᵀ": r"\ensuremath{^{T}}",
    "ℝ": r"\ensuremath{\mathbb{R}}",
    "∈": r"\ensuremath{\in}",
    "±": r"\ensuremath{\pm}",
    "…": r"\ldots{}",
    "″": r"\ensuremath{''}",
    "′": r"\ensuremath{'}",
    "Δ": r"\ensuremath{\Delta}",
    **{chr(0x2080 + i): r"\ensuremath{_{%d}}" % i for i in range(10)},
}


def tex_unicode(latex: str) -> str:
    """Replace the symbols the engine writes as Unicode in its text by LaTeX commands."""
    return "".join(_TEX_UNICODE.get(ch, ch) for ch in latex)


def narrow_align(latex: str) -> str:
    """Move each rule label of an ``align*`` chain under its line, so the key fits the page."""
    rows = []
    for row in latex.split(" \\\\\n"):
        body, sep, label = row.partition(" && ")
        rows.append(
            f"{body} \\\\\n&\\qquad \\text{{\\footnotesize {label[6:]}"
            if sep and label.startswith("\\text{")
            else row
        )
    return "{\\small\n" + " \\\\\n".join(rows) + "\n}"


#: Characters of the running header's title before it is shortened.
RUNNING_TITLE = 48


def running_title(title: str) -> str:
    """The title for the header of every page after the first, short enough for one line."""
    if len(title) <= RUNNING_TITLE:
        return title
    cut = title[:RUNNING_TITLE].rsplit(" ", 1)[0].rstrip(" :;,-")
    return cut + "…"


def math_names(latex: str) -> str:
    r"""Names with an index written in words (``w\_1``, from text such as "(w_1 held
    constant)") typeset as math, ``$w_{1}$``, instead of with a literal underscore."""
    return re.sub(r"(?<![A-Za-z\\])([A-Za-z])\\_\{?([A-Za-z0-9]+)\}?", r"$\1_{\2}$", latex)


def markdown_escape(text: str) -> str:
    """Backslash-escape the characters Markdown (and its ``$`` math) would interpret."""
    return "".join("\\" + ch if ch in "\\`*_[]<>|$#" else ch for ch in text)
