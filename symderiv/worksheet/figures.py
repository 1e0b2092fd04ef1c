"""Figures of worksheet problems (issue 12 item 3): checked when the sheet is built, drawn
beside the document (vector PDF for LaTeX, SVG for Markdown), with their captions.

The question shows the question's figure (the tangent without its slope, the critical
points lettered but not classified, f alone for a Taylor problem); the key shows the
figure of the worked answer. matplotlib is needed only by sheets that have figures.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sympy as sp

from symderiv.errors import SymderivError
from symderiv.notation import latex_str
from symderiv.render.latex import escape_text
from symderiv.worksheet.spec import ProblemSpec, WorksheetError

if TYPE_CHECKING:
    from symderiv.worksheet.problem import Problem

INSTALL_HINT = "install the plotting extra: pip install 'symderiv[plot]'"
#: The room (cm) a question with its figure, caption and a little workspace needs on the page
#: (for \needspace: the figure's height, about 1.6 cm of text and caption, 1.5 cm to write).
FIGURE_ROOM_CM = {"tangent": 10.2, "contour": 12.8, "taylor": 10.2}
#: The same in the key (its Taylor figure has the errors' panel; no workspace is needed).
KEY_FIGURE_ROOM_CM = {"tangent": 9.0, "contour": 11.6, "taylor": 13.6}

#: Captions as (text, formula) pieces; {x}, {a}: the variable and the point.
_CAPTIONS: dict[str, dict[tuple[str, bool], str]] = {
    "en": {
        ("tangent", False): "The graph of $f$ and its tangent line at ${x} = {a}$.",
        ("tangent", True): "The graph of $f$ and its tangent line at ${x} = {a}$, with its slope.",
        ("contour", False): "Contours of $f$ with $-\\nabla f$; the critical points are lettered.",
        ("contour", True): "Contours of $f$ with $-\\nabla f$; each critical point marked "
        "by its kind.",
        ("taylor", False): "The graph of $f$ near ${x} = {a}$.",
        ("taylor", True): "$f$ and its Taylor polynomials at ${x} = {a}$; below, the errors "
        "$|f - T_k|$.",
    },
    "ko": {
        ("tangent", False): "$f$의 그래프와 ${x} = {a}$에서의 접선",
        ("tangent", True): "$f$의 그래프와 ${x} = {a}$에서의 접선, 접선의 기울기",
        ("contour", False): "$f$의 등고선과 $-\\nabla f$, 문자로 표시한 임계점",
        ("contour", True): "$f$의 등고선과 $-\\nabla f$, 종류별로 표시한 임계점",
        ("taylor", False): "${x} = {a}$ 근처에서 $f$의 그래프",
        ("taylor", True): "$f$와 ${x} = {a}$에서의 테일러 다항식, 아래는 오차 $|f - T_k|$",
    },
}
_FIGURE_WORD = {"en": "Figure", "ko": "그림"}


def require_matplotlib(entry: ProblemSpec, source: str | None) -> None:
    """Raise :class:`WorksheetError` (with the entry's line) when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise WorksheetError(
            f"the problem asks for a {entry.figure} figure, which needs matplotlib: {INSTALL_HINT}",
            entry.line,
            source,
        ) from None


def check_figure(p: Problem) -> str | None:
    """Why the problem's figure cannot be drawn (or its answer read from it), else None."""
    if p.figure == "tangent":
        x = sp.Symbol(p.var)
        a = p.point[p.var]
        d = p.solution
        fa, slope = sp.simplify(p.expr.subs(x, a)), sp.simplify(d.result.subs(d.var, a))
        if not all(v.is_real and v.is_finite for v in (fa, slope)):
            return f"f or f' has no real value at {p.var} = {a}"
    if p.kind == "saddle":
        cps = p.result
        if not cps.complete or any(q.family or not q.exact for q in cps):
            return "its critical points are not all found exactly"
        if sum(q.kind == "saddle" for q in cps) != 1:
            return "a saddle problem needs exactly one saddle point among its critical points"
        if any(q.kind == "inconclusive" for q in cps):
            return "a critical point's kind is inconclusive"
    if p.figure == "contour" and p.kind == "critical_points" and not len(p.result):
        return "it has no critical points to show"
    return None


def figure_name(p: Problem, letter: str, key: bool, suffix: str) -> str:
    """``fig-A-3.pdf`` (the question's figure) or ``fig-A-3-key.pdf`` (the key's)."""
    pid = p.id.replace(".", "-")
    return f"fig-{letter}-{pid}{'-key' if key else ''}.{suffix}"


def caption_latex(p: Problem, lang: str, key: bool) -> str:
    """The figure's caption in LaTeX: "Figure 3. The graph of f and ..."."""
    x, a = latex_str(sp.Symbol(p.var)), p.point_latex() if p.at else "0"
    text = _CAPTIONS[lang][(p.figure or "", key)].format(x=x, a=a)
    pieces = text.split("$")
    body = "".join(f"${s}$" if i % 2 else escape_text(s) for i, s in enumerate(pieces))
    return r"\textbf{%s %s.} %s" % (_FIGURE_WORD[lang], p.id, body)


def caption_markdown(p: Problem, lang: str, key: bool) -> str:
    """The caption for Markdown (its ``$…$`` formulas kept)."""
    x, a = latex_str(sp.Symbol(p.var)), p.point_latex() if p.at else "0"
    text = _CAPTIONS[lang][(p.figure or "", key)].format(x=x, a=a)
    return f"{_FIGURE_WORD[lang]} {p.id}. {text}"


def draw(p: Problem, lang: str, key: bool, path: Path) -> Path:
    """Draw the problem's figure (the worked answer's with ``key``) to ``path``."""
    try:
        from symderiv.plot import save
        from symderiv.plot.problems import worksheet_figure
    except ImportError:
        raise WorksheetError(
            f"problem {p.id} has a figure, which needs matplotlib: {INSTALL_HINT}"
        ) from None
    vars_: str | tuple[str, ...] = p.vars if p.vars else p.var
    at = p.point[p.var] if p.at and p.var in p.point else None
    try:
        fig = worksheet_figure(
            p.figure or "", p.expr, vars_, at, lang=lang, answer=key, order=p.order
        )
        save(fig, path)
    except SymderivError as exc:
        raise WorksheetError(f"cannot draw the figure of problem {p.id}: {exc}") from None
    return path


def write_figures(
    problems: tuple[Problem, ...], letter: str, lang: str, outdir: Path, key: bool, suffix: str
) -> list[Path]:
    """Draw every problem's figure into ``outdir``; return the files written."""
    return [
        draw(p, lang, key, outdir / figure_name(p, letter, key, suffix))
        for p in problems
        if p.figure
    ]
