"""Build a worksheet from a spec: draw problems, derive and verify answers, render documents.

>>> ws = worksheet('''
... title = "Demo"
... [[sections]]
... [[sections.problems]]
... function = "x^2 sin(x)"
... ''')
>>> ws.problems[0].expected
x**2*cos(x) + 2*x*sin(x)
>>> ws.answers()[0]["problem"]
{'kind': 'derivative', 'function': 'x^2 sin(x)', 'var': 'x', 'order': 1}
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import sympy as sp
from jinja2 import Environment, PackageLoader, StrictUndefined

from symderiv.engine import derive
from symderiv.errors import SymderivError
from symderiv.parsing import parse
from symderiv.render.latex import escape_text
from symderiv.render.printers import latex_str
from symderiv.steps import Derivation
from symderiv.worksheet.banks import BANKS, Draft
from symderiv.worksheet.spec import LANGUAGES, ProblemSpec, Spec, WorksheetError, load_spec

#: Attempts per requested problem before a bank gives up.
MAX_ATTEMPTS = 40

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
    },
}

_ORDINALS = {2: "second", 3: "third", 4: "fourth"}


class Tex(str):
    """LaTeX that goes into a template as is (everything else is escaped)."""

    __slots__ = ()


def variant_letter(variant: int) -> str:
    """0 -> "A", 1 -> "B", ..., 25 -> "Z", 26 -> "V27"."""
    return chr(ord("A") + variant) if 0 <= variant < 26 else f"V{variant + 1}"


def function_text(expr: sp.Expr) -> str:
    """Plain text the parser reads back to ``expr`` (``^`` for powers)."""
    return sp.sstr(expr, order="lex").replace("**", "^")


@dataclass(frozen=True)
class Problem:
    """One numbered problem with its expected answer and worked derivation."""

    id: str
    number: int
    part: int | None
    kind: str
    function: str
    var: str
    order: int
    points: int
    expr: sp.Expr
    derivation: Derivation
    bank: str | None = None
    difficulty: int | None = None

    @property
    def expected(self) -> sp.Expr:
        return self.derivation.result

    @property
    def verified(self) -> bool:
        return self.derivation.verification.ok is True

    @property
    def symbols(self) -> tuple[sp.Symbol, ...]:
        """The variable first, then the other free symbols in natural order."""
        v = sp.Symbol(self.var)
        return (v, *sorted((s for s in self.expr.free_symbols if s != v), key=str))

    def operator_latex(self) -> str:
        """The operator asked for: ``\\frac{d f}{d x}``, with a power, or with ``\\partial``."""
        v = latex_str(sp.Symbol(self.var))
        d = r"\partial" if self.kind == "partial" else "d"
        if self.order == 1:
            return r"\frac{%s f}{%s %s}" % (d, d, v)
        return r"\frac{%s^{%d} f}{%s %s^{%d}}" % (d, self.order, d, v, self.order)

    def function_latex(self) -> str:
        args = ", ".join(latex_str(s) for s in self.symbols)
        return r"f(%s) = %s" % (args, latex_str(self.expr))

    def answer_latex(self) -> str:
        return r"%s = %s" % (self.operator_latex(), latex_str(self.expected))

    def statement(self, lang: str = "en") -> tuple[str, str]:
        """The question as (LaTeX, Markdown); formulas are the only unescaped parts."""
        f, op, v = self.function_latex(), self.operator_latex(), latex_str(sp.Symbol(self.var))
        if lang == "ko":
            if self.kind == "partial":
                parts = [
                    ("m", f),
                    ("t", "에 대하여 "),
                    ("m", op),
                    ("t", "을(를) 구하시오. (다른 변수는 상수로 봅니다.)"),
                ]
            elif self.order == 1:
                parts = [("m", f), ("t", "을(를) "), ("m", v), ("t", "에 대하여 미분하시오.")]
            else:
                parts = [
                    ("m", f),
                    ("t", "의 %d계 도함수 " % self.order),
                    ("m", op),
                    ("t", "을(를) 구하시오."),
                ]
        elif self.kind == "partial":
            parts = [
                ("t", "Find "),
                ("m", op),
                ("t", " for "),
                ("m", f),
                ("t", ", holding the other variables constant."),
            ]
        elif self.order == 1:
            parts = [
                ("t", "Differentiate "),
                ("m", f),
                ("t", " with respect to "),
                ("m", v),
                ("t", "."),
            ]
        else:
            parts = [
                ("t", "Find the %s derivative " % _ORDINALS.get(self.order, "higher")),
                ("m", op),
                ("t", " of "),
                ("m", f),
                ("t", "."),
            ]
        tex = "".join(f"${s}$" if k == "m" else escape_text(s) for k, s in parts)
        md = "".join(f"${s}$" if k == "m" else markdown_escape(s) for k, s in parts)
        return tex, md

    def to_answer(self) -> dict[str, Any]:
        """The JSON-ready answer entry (the grader's problem format plus the expected answer)."""
        return {
            "id": self.id,
            "problem": {
                "kind": "derivative",
                "function": self.function,
                "var": self.var,
                "order": self.order,
            },
            "expected": sp.sstr(self.expected),
            "expected_latex": latex_str(self.expected),
            "points": self.points,
            "verified": self.verified,
            "source": {"kind": self.kind, "bank": self.bank, "difficulty": self.difficulty},
        }


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


def markdown_escape(text: str) -> str:
    """Backslash-escape the characters Markdown (and its ``$`` math) would interpret."""
    return "".join("\\" + ch if ch in "\\`*_[]<>|$#" else ch for ch in text)


@dataclass(frozen=True)
class Section:
    title: str
    instructions: str
    questions: tuple[tuple[Problem, ...], ...]  # each question: one problem, or its parts
    titles: tuple[str, ...]  # a title for each multi-part question ("" for single ones)


@dataclass(frozen=True)
class Worksheet:
    """A generated worksheet: one variant of a spec, with verified answers."""

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

    def to_latex(self, key: bool = False) -> str:
        """The student sheet (``key=False``) or answer key as an exam-class document."""
        return _render("worksheet.tex.j2", self, key, _latex_context(self, key))

    def to_markdown(self, key: bool = False) -> str:
        """The same worksheet in Markdown with ``$…$`` math."""
        return _render("worksheet.md.j2", self, key, _markdown_context(self, key))

    def answers(self) -> list[dict[str, Any]]:
        """JSON-ready answers, in the grader's problem format."""
        return [p.to_answer() for p in self.problems]

    def build_pdf(self, outdir: str | Path, key: bool = False, *, stem: str | None = None) -> Path:
        """Write the ``.tex`` into ``outdir`` and compile it; return the PDF's path."""
        from symderiv.worksheet.pdf import compile_pdf

        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        name = stem or f"{'key' if key else 'sheet'}-{self.letter}"
        tex = outdir / f"{name}.tex"
        tex.write_text(self.to_latex(key=key), encoding="utf-8")
        return compile_pdf(tex, self.engine)


# -- drawing problems ---------------------------------------------------------------------


def _problem(
    pid: str,
    number: int,
    part: int | None,
    entry: ProblemSpec,
    text: str,
    var: str | None,
    order: int,
    kind: str,
    derivation: Derivation,
    bank: str | None,
) -> Problem:
    return Problem(
        id=pid,
        number=number,
        part=part,
        kind=kind,
        function=text,
        var=str(derivation.var) if var is None else var,
        order=order,
        points=entry.points,
        expr=derivation.expr,
        derivation=derivation,
        bank=bank,
        difficulty=entry.difficulty if bank else None,
    )


def _explicit(entry: ProblemSpec, number: int, source: str | None) -> Problem:
    assert entry.function is not None
    try:
        derivation = derive(entry.function, entry.var, entry.order)
    except SymderivError as exc:
        raise WorksheetError(
            f"cannot differentiate {entry.function!r}: {exc}", entry.line, source
        ) from None
    if not _renders(derivation):
        raise WorksheetError(f"{entry.function!r} cannot be printed in LaTeX", entry.line, source)
    return _problem(
        str(number),
        number,
        None,
        entry,
        entry.function,
        entry.var,
        entry.order,
        entry.kind,
        derivation,
        None,
    )


def _well_posed(draft: Draft, limit: int) -> tuple[str, Derivation] | None:
    """The draft's text and derivation when it is a fair problem, else None."""
    text = function_text(draft.expr)
    if draft.var not in draft.expr.free_symbols:
        return None
    try:
        if parse(text) != draft.expr:
            return None
        derivation = derive(text, str(draft.var), draft.order)
    except SymderivError:
        return None
    result = derivation.result
    if derivation.verification.ok is not True or result == 0 or result.has(sp.nan, sp.zoo):
        return None
    if sp.count_ops(result) > limit or not result.free_symbols:
        return None
    return (text, derivation) if _renders(derivation) else None


def _renders(derivation: Derivation) -> bool:
    """True when the problem and its derivation print in LaTeX (a printer may not cope)."""
    try:
        latex_str(derivation.expr)
        derivation.to_latex("en")
    except (TypeError, ValueError, AttributeError):
        return False
    return True


def _from_bank(
    entry: ProblemSpec, rng: random.Random, seen: set[str], number: int, source: str | None
) -> list[Problem]:
    assert entry.bank is not None
    bank = BANKS[entry.bank]
    limit = bank.max_ops[entry.difficulty - 1]
    problems: list[Problem] = []
    attempts = 0
    while len(problems) < entry.count:
        attempts += 1
        if attempts > MAX_ATTEMPTS * entry.count + 20:
            raise WorksheetError(
                f"bank {entry.bank!r} could not produce {entry.count} distinct well-posed "
                f"problems at difficulty {entry.difficulty}; ask for fewer",
                entry.line,
                source,
            )
        draft = bank.generate(rng, entry.difficulty)
        identity = sp.srepr(draft.expr)
        if identity in seen:
            continue
        posed = _well_posed(draft, limit)
        if posed is None:
            continue
        seen.add(identity)
        text, derivation = posed
        part = len(problems) if entry.count > 1 else None
        pid = (
            f"{number}{chr(ord('a') + part)}"
            if part is not None and part < 26
            else (f"{number}.{len(problems) + 1}" if part is not None else str(number))
        )
        problems.append(
            _problem(
                pid,
                number,
                part,
                entry,
                text,
                str(draft.var),
                draft.order,
                draft.kind,
                derivation,
                entry.bank,
            )
        )
    return problems


def worksheet(
    spec: str | Path | Mapping[str, Any] | Spec,
    seed: int = 0,
    variant: int = 0,
    *,
    lang: str | None = None,
) -> Worksheet:
    """Generate one variant of a worksheet; the same (spec, seed, variant) gives the same sheet.

    ``spec`` is a path to a TOML file, TOML text, a dict, or a loaded :class:`Spec`;
    ``lang`` overrides the spec's language.
    """
    spec = load_spec(spec)
    lang = lang or spec.language
    if lang not in LANGUAGES:
        raise WorksheetError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or variant < 0:
        raise WorksheetError("seed must be an integer and variant a non-negative integer")
    rng = random.Random(f"symderiv-worksheet:{seed}:{variant}")
    seen: set[str] = set()
    number = 0
    sections = []
    for section in spec.sections:
        questions: list[tuple[Problem, ...]] = []
        titles: list[str] = []
        for entry in section.problems:
            number += 1
            if entry.bank is None:
                problem = _explicit(entry, number, spec.source)
                seen.add(sp.srepr(problem.expr))
                questions.append((problem,))
                titles.append("")
            else:
                drawn = _from_bank(entry, rng, seen, number, spec.source)
                questions.append(tuple(drawn))
                titles.append(BANKS[entry.bank].title(lang) if len(drawn) > 1 else "")
        sections.append(
            Section(section.title, section.instructions, tuple(questions), tuple(titles))
        )
    return Worksheet(spec, seed, variant, lang, tuple(sections))


# -- rendering ----------------------------------------------------------------------------


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


def _latex_context(ws: Worksheet, key: bool) -> dict[str, Any]:
    def item(p: Problem) -> dict[str, Any]:
        return {
            "problem": p,
            "statement": Tex(p.statement(ws.lang)[0]),
            "derivation": Tex(narrow_align(p.derivation.to_latex(ws.lang))) if key else "",
            "answer": Tex(p.answer_latex()),
        }

    sections = [
        {
            "title": s.title,
            "instructions": s.instructions,
            "questions": [
                {"title": t, "items": [item(p) for p in q]}
                for q, t in zip(s.questions, s.titles, strict=True)
            ],
        }
        for s in ws.sections
    ]
    return {"sections": sections, "engine": ws.engine}


def _markdown_context(ws: Worksheet, key: bool) -> dict[str, Any]:
    def item(p: Problem) -> dict[str, Any]:
        return {
            "problem": p,
            "statement": p.statement(ws.lang)[1],
            "derivation": p.derivation.to_markdown(ws.lang) if key else "",
            "answer": p.answer_latex(),
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
