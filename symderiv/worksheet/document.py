"""A generated worksheet (one variant of a spec) and its documents: LaTeX from the exam-class
template, Markdown, the answers' JSON, and the PDF."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from symderiv.render.latex import escape_text
from symderiv.worksheet.breaking import display_answer, fit_align
from symderiv.worksheet.figures import (
    FIGURE_ROOM_CM,
    KEY_FIGURE_ROOM_CM,
    caption_latex,
    caption_markdown,
    figure_name,
)
from symderiv.worksheet.problem import Problem, variant_letter
from symderiv.worksheet.spec import Spec
from symderiv.worksheet.text import (
    LABELS,
    Tex,
    markdown_escape,
    math_names,
    narrow_align,
    running_title,
)


@dataclass(frozen=True)
class Section:
    title: str
    instructions: str
    questions: tuple[tuple[Problem, ...], ...]  # each question: one problem, or its parts
    titles: tuple[str, ...]  # a title for each multi-part question ("" for single ones)


@dataclass(frozen=True, repr=False)
class Worksheet:
    """A generated worksheet: one variant of a spec, with verified answers.

    In Jupyter it shows as its answer key in Markdown; its repr is one line.
    """

    spec: Spec
    seed: int
    variant: int
    lang: str
    sections: tuple[Section, ...]

    @property
    def letter(self) -> str:
        return variant_letter(self.variant)

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(p for s in self.sections for q in s.questions for p in q)

    @property
    def total_points(self) -> int:
        return sum(p.points for p in self.problems)

    @property
    def engine(self) -> str:
        """``xelatex`` for Korean (or any text beyond Latin), else ``pdflatex``."""
        texts = [self.spec.title, self.spec.course, self.spec.date, self.spec.instructions]
        texts += [t for s in self.sections for t in (s.title, s.instructions, *s.titles)]
        wide = any(ord(ch) > 0x24F for t in texts for ch in t)
        return "xelatex" if self.lang == "ko" or wide else "pdflatex"

    def __repr__(self) -> str:
        verified = sum(p.verified for p in self.problems)
        return (
            f"<Worksheet {self.spec.title!r}, variant {self.letter}, seed {self.seed}, "
            f"{self.lang}: {len(self.problems)} problems, {self.total_points} points, "
            f"{verified} verified>"
        )

    def _repr_markdown_(self) -> str:
        return self.to_markdown(key=True)

    def to_latex(self, key: bool = False) -> str:
        """The student sheet (``key=False``) or answer key as an exam-class document."""
        return _render("worksheet.tex.j2", self, key, _latex_context(self, key))

    def to_markdown(self, key: bool = False) -> str:
        """The same worksheet in Markdown with ``$…$`` math."""
        return _render("worksheet.md.j2", self, key, _markdown_context(self, key))

    def answers(self) -> list[dict[str, Any]]:
        """JSON-ready answers, in the grader's problem format."""
        return [p.to_answer() for p in self.problems]

    @property
    def has_figures(self) -> bool:
        return any(p.figure for p in self.problems)

    def write_figures(
        self, outdir: str | Path, key: bool = False, suffix: str = "pdf"
    ) -> list[Path]:
        """Draw the problems' figures (the key's with ``key``) into ``outdir`` as the files
        the documents name: ``fig-A-3.pdf`` (vector PDF for LaTeX) or ``.svg`` for Markdown."""
        from symderiv.worksheet.figures import write_figures

        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        return write_figures(self.problems, self.letter, self.lang, outdir, key, suffix)

    def build_pdf(self, outdir: str | Path, key: bool = False, *, stem: str | None = None) -> Path:
        """Write the ``.tex`` and its figures into ``outdir`` and compile it; return the PDF."""
        from symderiv.worksheet.pdf import compile_pdf

        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        self.write_figures(outdir, key)
        name = stem or f"{'key' if key else 'sheet'}-{self.letter}"
        tex = outdir / f"{name}.tex"
        tex.write_text(self.to_latex(key=key), encoding="utf-8")
        return compile_pdf(tex, self.engine)


def _finalize_tex(value: Any) -> str:
    return value if isinstance(value, Tex) else escape_text(str(value))


@cache
def _environment(kind: str) -> Environment:
    if kind == "tex":
        return Environment(
            loader=PackageLoader("symderiv.worksheet", "templates"),
            block_start_string=r"\BLOCK{",
            block_end_string="}",
            variable_start_string=r"\VAR{",
            variable_end_string="}",
            comment_start_string=r"\#{",
            comment_end_string="}",
            line_statement_prefix="%%",
            line_comment_prefix="%#",
            trim_blocks=True,
            lstrip_blocks=True,
            autoescape=False,
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            finalize=_finalize_tex,
        )
    return Environment(
        loader=PackageLoader("symderiv.worksheet", "templates"),
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def _render(name: str, ws: Worksheet, key: bool, context: dict[str, Any]) -> str:
    env = _environment("tex" if name.endswith(".tex.j2") else "md")
    text = env.get_template(name).render(
        ws=ws, spec=ws.spec, key=key, L=LABELS[ws.lang], lang=ws.lang, **context
    )
    return text.lstrip("\n")


def _figure_latex(ws: Worksheet, p: Problem, key: bool) -> str:
    """The problem's figure, centred under the question (the worked answer's in the key, before
    the solution), with its caption."""
    if not p.figure:
        return ""
    name = figure_name(p, ws.letter, key, "pdf")
    return (
        "\\par\\nopagebreak\\begin{center}\n"
        f"\\includegraphics{{{name}}}\\par\\smallskip\n"
        f"{{\\small {caption_latex(p, ws.lang, key)}}}\n"
        "\\end{center}"
    )


def _latex_context(ws: Worksheet, key: bool) -> dict[str, Any]:
    def room(p: Problem, extra: float) -> Tex:
        """The height to keep on the page before a question with a figure, so the question
        and its figure (and on the sheet some workspace) are not split."""
        rooms = KEY_FIGURE_ROOM_CM if key else FIGURE_ROOM_CM
        return Tex(f"{rooms[p.figure] + extra:g}cm" if p.figure else "")

    def item(p: Problem) -> dict[str, Any]:
        return {
            "problem": p,
            "figure": Tex(_figure_latex(ws, p, key)),
            "room": room(p, 0),
            "statement": Tex(p.statement(ws.lang)[0]),
            "derivation": Tex(fit_align(math_names(narrow_align(p.solution_latex(ws.lang)))))
            if key
            else "",
            "answer": Tex(display_answer(p.answer_latex(ws.lang))),
        }

    sections = [
        {
            "title": s.title,
            "instructions": s.instructions,
            "questions": [
                {"title": t, "items": [item(p) for p in q], "room": room(q[0], 4.0)}
                for q, t in zip(s.questions, s.titles, strict=True)
            ],
            "room": room(s.questions[0][0], 5.0) or Tex("8\\baselineskip"),
        }
        for s in ws.sections
    ]
    return {
        "sections": sections,
        "engine": ws.engine,
        "graphics": ws.has_figures,
        "running_title": running_title(ws.spec.title),
    }


def _figure_markdown(ws: Worksheet, p: Problem, key: bool) -> str:
    """The problem's figure as a Markdown image (SVG beside the document) and its caption."""
    if not p.figure:
        return ""
    caption = caption_markdown(p, ws.lang, key)
    alt = markdown_escape(caption.split(".")[0])
    return f"![{alt}]({figure_name(p, ws.letter, key, 'svg')})\n\n*{caption}*"


def _markdown_context(ws: Worksheet, key: bool) -> dict[str, Any]:
    def item(p: Problem) -> dict[str, Any]:
        return {
            "problem": p,
            "statement": p.statement(ws.lang)[1],
            "derivation": p.solution_markdown(ws.lang) if key else "",
            "answer": p.answer_latex(ws.lang),
            "figure": _figure_markdown(ws, p, key),
        }

    sections = [
        {
            "title": markdown_escape(s.title),
            "instructions": markdown_escape(s.instructions),
            "questions": [
                {"title": markdown_escape(t), "items": [item(p) for p in q]}
                for q, t in zip(s.questions, s.titles, strict=True)
            ],
        }
        for s in ws.sections
    ]
    esc = {
        k: markdown_escape(getattr(ws.spec, k)) for k in ("title", "course", "date", "instructions")
    }
    return {"sections": sections, "md": esc}
