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
from symderiv.sympy_values import as_sympy
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


#: The kinds whose answer is one derivative (a worked :class:`Derivation`).
DERIVATIVE_KINDS = ("derivative", "partial")


@dataclass(frozen=True)
class Problem:
    """One numbered problem with its expected answer and worked solution.

    Derivative kinds carry a :class:`Derivation`; the others carry the engine's object in
    ``result`` (a Gradient, Classification, CriticalPoints, Taylor or Backprop).
    """

    id: str
    number: int
    part: int | None
    kind: str
    function: str
    var: str
    order: int
    points: int
    expr: sp.Expr
    derivation: Derivation | None
    bank: str | None = None
    difficulty: int | None = None
    result: Any = None
    vars: tuple[str, ...] = ()
    at: tuple[tuple[str, str], ...] | None = None
    defs: tuple[tuple[str, str], ...] = ()

    @property
    def solution(self) -> Any:
        """The worked solution: the Derivation, or the engine's object for other kinds."""
        return self.derivation if self.derivation is not None else self.result

    @property
    def expected(self) -> Any:
        """The answer: an expression, a vector, a kind, a list of points or a gradient."""
        if self.derivation is not None:
            return self.derivation.result
        r = self.result
        if self.kind == "gradient":
            return sp.ImmutableMatrix(r.at(self.point)) if self.at else r.vector
        if self.kind == "hessian":
            return r.kind
        if self.kind == "critical_points":
            return tuple((tuple(p.coordinates), p.kind) for p in r)
        if self.kind == "taylor":
            return r.polynomial
        if self.kind == "backprop":
            values = r.gradient_values if self.at else None
            return dict(values if values is not None else r.gradient)
        raise AssertionError(self.kind)

    @property
    def verified(self) -> bool:
        ok = self.solution.verification.ok is True
        if self.kind == "critical_points":
            return ok and self.result.complete
        return ok

    @property
    def point(self) -> dict[str, sp.Expr]:
        return {name: parse(value) for name, value in self.at or ()}

    @property
    def symbols(self) -> tuple[sp.Symbol, ...]:
        """The variable first, then the other free symbols in natural order."""
        first = tuple(sp.Symbol(v) for v in self.vars) if self.vars else (sp.Symbol(self.var),)
        return (*first, *sorted((s for s in self.expr.free_symbols if s not in first), key=str))

    def operator_latex(self) -> str:
        """The operator asked for: ``\\frac{d f}{d x}``, with a power, or with ``\\partial``."""
        v = latex_str(sp.Symbol(self.var))
        d = r"\partial" if self.kind == "partial" else "d"
        if self.order == 1:
            return r"\frac{%s f}{%s %s}" % (d, d, v)
        return r"\frac{%s^{%d} f}{%s %s^{%d}}" % (d, self.order, d, v, self.order)

    def function_latex(self) -> str:
        name = "L" if self.kind == "backprop" else "f"
        if self.kind == "backprop":
            return r"L = %s" % latex_str(self.expr)
        args = ", ".join(latex_str(s) for s in self.symbols)
        return r"%s(%s) = %s" % (name, args, latex_str(self.expr))

    def point_latex(self) -> str:
        values = [latex_str(v) for v in self.point.values()]
        return values[0] if len(values) == 1 else r"\left(%s\right)" % ", ".join(values)

    def _vector(self, entries: Any) -> str:
        return r"\begin{pmatrix} %s \end{pmatrix}" % r" \\ ".join(latex_str(e) for e in entries)

    def answer_latex(self, lang: str = "en") -> str:
        labels = LABELS[lang]
        if self.kind in DERIVATIVE_KINDS:
            return r"%s = %s" % (self.operator_latex(), latex_str(self.expected))
        if self.kind == "gradient":
            where = "(%s)" % ", ".join(latex_str(v) for v in self.point.values()) if self.at else ""
            return r"\nabla f%s = %s" % (where, self._vector(self.expected))
        if self.kind == "hessian":
            c = self.result
            return r"H%s = %s,\quad \text{%s}" % (
                "(%s)" % ", ".join(latex_str(v) for v in self.point.values()),
                latex_str(c.matrix),
                escape_text(labels.get(c.kind, c.kind)),
            )
        if self.kind == "critical_points":
            if not len(self.result):
                return r"\text{%s}" % escape_text(labels["none"])
            return r",\quad ".join(
                r"\left(%s\right)\ \text{%s}"
                % (", ".join(latex_str(c) for c in p.coordinates), escape_text(labels[p.kind]))
                for p in self.result
            )
        if self.kind == "taylor":
            from symderiv.render.taylor import join_terms

            return r"T_{%d}(%s) = %s" % (
                self.order,
                latex_str(sp.Symbol(self.var)),
                join_terms(self.result.terms, latex_str, "-"),
            )
        if self.kind == "backprop":
            return r",\quad ".join(
                r"\frac{\partial L}{\partial %s} = %s" % (latex_str(sp.Symbol(k)), latex_str(v))
                for k, v in self.expected.items()
            )
        raise AssertionError(self.kind)

    def _parts(self, lang: str) -> list[tuple[str, str]]:
        """The question as text ("t") and formula ("m") pieces."""
        f, op, v = self.function_latex(), self.operator_latex(), latex_str(sp.Symbol(self.var))
        ko = lang == "ko"
        if self.kind == "gradient":
            if self.at:
                grad = r"\nabla f(%s)" % ", ".join(latex_str(x) for x in self.point.values())
                if ko:
                    return [("m", f), ("t", "의 기울기 "), ("m", grad), ("t", "을(를) 구하시오.")]
                return [
                    ("t", "Find the gradient "),
                    ("m", grad),
                    ("t", " of "),
                    ("m", f),
                    ("t", "."),
                ]
            if ko:
                return [
                    ("m", f),
                    ("t", "의 기울기 "),
                    ("m", r"\nabla f"),
                    ("t", "을(를) 구하시오."),
                ]
            return [
                ("t", "Find the gradient "),
                ("m", r"\nabla f"),
                ("t", " of "),
                ("m", f),
                ("t", "."),
            ]
        if self.kind == "hessian":
            names = ", ".join(latex_str(sp.Symbol(n)) for n, _ in self.at or ())
            pt = (
                r"(%s) = %s" % (names, self.point_latex())
                if len(self.point) > 1
                else (r"%s = %s" % (names, self.point_latex()))
            )
            if ko:
                return [
                    ("m", f),
                    ("t", "에 대하여 점 "),
                    ("m", pt),
                    (
                        "t",
                        "이(가) 임계점임을 확인하고, 헤시안 행렬로 극대, 극소, 안장점 중 "
                        "무엇인지 판정하시오.",
                    ),
                ]
            return [
                ("t", "Check that "),
                ("m", pt),
                ("t", " is a critical point of "),
                ("m", f),
                (
                    "t",
                    " and classify it with the Hessian (local minimum, local maximum or "
                    "saddle point).",
                ),
            ]
        if self.kind == "critical_points":
            if ko:
                return [
                    ("m", f),
                    (
                        "t",
                        "의 임계점을 모두 구하고, 각각 극대, 극소, 안장점 중 무엇인지 판정하시오.",
                    ),
                ]
            return [
                ("t", "Find every critical point of "),
                ("m", f),
                ("t", " and classify each (local minimum, local maximum or saddle point)."),
            ]
        if self.kind == "taylor":
            t = r"T_{%d}(%s)" % (self.order, v)
            a = r"%s = %s" % (v, self.point_latex())
            if ko:
                return [
                    ("m", f),
                    ("t", "의 "),
                    ("m", a),
                    ("t", "에서의 %d차 테일러 다항식 " % self.order),
                    ("m", t),
                    ("t", "을(를) 구하시오."),
                ]
            return [
                ("t", "Find the Taylor polynomial "),
                ("m", t),
                ("t", " of order %d of " % self.order),
                ("m", f),
                ("t", " about "),
                ("m", a),
                ("t", "."),
            ]
        if self.kind == "backprop":
            grads = ", ".join(
                r"\frac{\partial L}{\partial %s}" % latex_str(sp.Symbol(k)) for k in self.vars
            )
            defs = ", ".join(
                r"%s = %s" % (latex_str(sp.Symbol(k)), latex_str(parse(body)))
                for k, body in self.defs
            )
            at = ", ".join(
                r"%s = %s" % (latex_str(sp.Symbol(k)), latex_str(parse(val)))
                for k, val in self.at or ()
            )
            if ko:
                parts = [("t", "역전파로 "), ("m", f)]
                if defs:
                    parts += [("t", " ("), ("m", defs), ("t", ")")]
                parts += [("t", "의 "), ("m", grads), ("t", "을(를) 구하시오.")]
                if at:
                    parts += [("t", " 값은 "), ("m", at), ("t", "에서 계산하시오.")]
                return parts
            parts = [("t", "Use backpropagation to find "), ("m", grads), ("t", " for "), ("m", f)]
            if defs:
                parts += [("t", ", where "), ("m", defs)]
            if at:
                parts += [("t", ", at "), ("m", at)]
            return [*parts, ("t", ".")]
        if ko:
            if self.kind == "partial":
                return [
                    ("m", f),
                    ("t", "에 대하여 "),
                    ("m", op),
                    ("t", "을(를) 구하시오. (다른 변수는 상수로 봅니다.)"),
                ]
            if self.order == 1:
                return [("m", f), ("t", "을(를) "), ("m", v), ("t", "에 대하여 미분하시오.")]
            return [
                ("m", f),
                ("t", "의 %d계 도함수 " % self.order),
                ("m", op),
                ("t", "을(를) 구하시오."),
            ]
        if self.kind == "partial":
            return [
                ("t", "Find "),
                ("m", op),
                ("t", " for "),
                ("m", f),
                ("t", ", holding the other variables constant."),
            ]
        if self.order == 1:
            return [
                ("t", "Differentiate "),
                ("m", f),
                ("t", " with respect to "),
                ("m", v),
                ("t", "."),
            ]
        return [
            ("t", "Find the %s derivative " % _ORDINALS.get(self.order, "higher")),
            ("m", op),
            ("t", " of "),
            ("m", f),
            ("t", "."),
        ]

    def statement(self, lang: str = "en") -> tuple[str, str]:
        """The question as (LaTeX, Markdown); formulas are the only unescaped parts."""
        parts = self._parts(lang)
        tex = "".join(f"${s}$" if k == "m" else escape_text(s) for k, s in parts)
        md = "".join(f"${s}$" if k == "m" else markdown_escape(s) for k, s in parts)
        return tex, md

    def solution_latex(self, lang: str = "en") -> str:
        """The worked solution for the key (LaTeX any engine can typeset)."""
        if self.kind == "backprop":
            # The node table is too wide for the page: the adjoint chain says it all.
            text = self.result.to_latex(lang)
            start = text.find("\\begin{align*}")
            text = text[start:] if start >= 0 else text
        else:
            text = self.solution.to_latex(lang)
        return tex_unicode(text)

    def solution_markdown(self, lang: str = "en") -> str:
        return self.solution.to_markdown(lang)

    def grader_problem(self) -> dict[str, Any]:
        """What is asked, in the grader's problem format."""
        if self.kind in DERIVATIVE_KINDS:
            return {
                "kind": "derivative",
                "function": self.function,
                "var": self.var,
                "order": self.order,
            }
        point = {name: _json_number(value) for name, value in self.at or ()}
        if self.kind == "gradient":
            out: dict[str, Any] = {
                "kind": "gradient",
                "function": self.function,
                "vars": list(self.vars),
            }
            if self.at:
                out["point"] = point
            return out
        if self.kind == "hessian":
            return {
                "kind": "classification",
                "function": self.function,
                "vars": list(self.vars),
                "point": point,
            }
        if self.kind == "critical_points":
            return {"kind": "critical_points", "function": self.function, "vars": list(self.vars)}
        if self.kind == "taylor":
            return {
                "kind": "taylor",
                "function": self.function,
                "var": self.var,
                "at": point[self.var],
                "order": self.order,
            }
        # backprop: the gradient of the loss in the raw inputs (defs substituted); values of
        # the inputs that are not differentiated by are put into the function.
        out = {
            "kind": "gradient",
            "function": function_text(self._loss()),
            "vars": list(self.vars),
        }
        if self.at:
            out["point"] = {name: point[name] for name in self.vars}
        return out

    def _loss(self) -> sp.Expr:
        """A backprop loss in its inputs, with the point's other inputs substituted."""
        wrt = set(self.vars)
        fixed = {sp.Symbol(k): v for k, v in self.point.items() if k not in wrt}
        return self.result.expr.xreplace(fixed)

    def _backprop_gradient(self) -> list[sp.Expr]:
        """The backprop gradient as the grader expects it: in the inputs, or at the point."""
        r = self.result
        point = {sp.Symbol(k): v for k, v in self.point.items()}
        entries = [r.in_inputs(r.gradient[name]).xreplace(point) for name in self.vars]
        return [sp.simplify(e) for e in entries] if point else entries

    def expected_json(self) -> Any:
        e = self.expected
        if self.kind == "gradient":
            return [sp.sstr(c) for c in e]
        if self.kind == "backprop":
            return [sp.sstr(c) for c in self._backprop_gradient()]
        if self.kind == "hessian":
            return e
        if self.kind == "critical_points":
            return [
                {
                    "point": {
                        str(v): sp.sstr(c) for v, c in zip(self.result.vars, coords, strict=True)
                    },
                    "kind": kind,
                }
                for coords, kind in e
            ]
        return sp.sstr(e)

    def to_answer(self) -> dict[str, Any]:
        """The JSON-ready answer entry (the grader's problem format plus the expected answer)."""
        extra: dict[str, Any] = {}
        if self.kind == "hessian":
            c = self.result
            extra = {
                "matrix": [[sp.sstr(e) for e in row] for row in c.matrix.tolist()],
                "eigenvalues": [sp.sstr(e) for e in c.eigenvalues],
                "minors": [sp.sstr(e) for e in c.minors],
            }
        source: dict[str, Any] = {
            "kind": self.kind,
            "bank": self.bank,
            "difficulty": self.difficulty,
        }
        if self.kind in DERIVATIVE_KINDS:
            expected_latex = latex_str(self.expected)
        elif self.kind == "backprop":
            # The problem is graded as a gradient; the question as set is kept in the source.
            expected_latex = self._vector(self._backprop_gradient())
            source.update(
                function=self.function,
                wrt=list(self.vars),
                expected={k: sp.sstr(v) for k, v in self.expected.items()},
                expected_latex=self.answer_latex("en"),
            )
            if self.defs:
                source["defs"] = dict(self.defs)
            if self.at:
                source["at"] = {name: _json_number(value) for name, value in self.at}
        else:
            expected_latex = self.answer_latex("en")
        return {
            "id": self.id,
            "problem": self.grader_problem(),
            "expected": self.expected_json(),
            "expected_latex": expected_latex,
            **extra,
            "points": self.points,
            "verified": self.verified,
            "source": source,
        }


def _json_number(text: str) -> int | str:
    """An integer as a JSON number; anything else (1/2, pi/4) as text the parser reads."""
    value = parse(text)
    return int(value) if value.is_Integer else text


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
    solution: Any,
    bank: str | None,
    draft: Draft | None = None,
) -> Problem:
    if kind in DERIVATIVE_KINDS:
        return Problem(
            id=pid,
            number=number,
            part=part,
            kind=kind,
            function=text,
            var=str(solution.var) if var is None else var,
            order=order,
            points=entry.points,
            expr=solution.expr,
            derivation=solution,
            bank=bank,
            difficulty=entry.difficulty if bank else None,
        )
    at = draft.at if draft is not None else entry.at
    defs = draft.defs if draft is not None else entry.defs
    if kind == "taylor":
        names: tuple[str, ...] = ()
        var = str(solution.var)
        at = ((var, at[0][1]),) if at else ((var, "0"),)
    elif kind == "backprop":
        names = tuple(s.name for s in solution.wrt)
        var = names[0]
    else:
        names = tuple(str(v) for v in solution.vars)
        var = names[0]
    return Problem(
        id=pid,
        number=number,
        part=part,
        kind=kind,
        function=text,
        var=var,
        order=order,
        points=entry.points,
        expr=parse(text),
        derivation=None,
        bank=bank,
        difficulty=entry.difficulty if bank else None,
        result=solution,
        vars=names,
        at=at,
        defs=defs,
    )


def _solve(
    kind: str,
    text: str,
    var: str | None,
    vars: tuple[str, ...] | None,
    at: tuple[tuple[str, str], ...] | None,
    order: int,
    defs: tuple[tuple[str, str], ...] = (),
) -> Any:
    """The engine's worked solution of one problem (raises SymderivError when it cannot)."""
    from symderiv.backprop import backprop
    from symderiv.multivariate import gradient, hessian
    from symderiv.multivariate.critical import critical_points
    from symderiv.taylor import taylor

    names = list(vars) if vars else None
    point = {k: parse(v) for k, v in at or ()}
    if kind in DERIVATIVE_KINDS:
        return derive(text, var, order)
    if kind == "gradient":
        return gradient(text, names)
    if kind == "hessian":
        return hessian(text, names).classify(point)
    if kind == "critical_points":
        return critical_points(text, names)
    if kind == "taylor":
        return taylor(text, var, next(iter(point.values()), 0), order)
    if kind == "backprop":
        return backprop(text, names, point or None, defs=dict(defs))
    raise WorksheetError(f"unknown kind {kind!r}")


def _explicit(entry: ProblemSpec, number: int, source: str | None) -> Problem:
    assert entry.function is not None
    try:
        solution = _solve(
            entry.kind,
            entry.function,
            entry.var,
            entry.vars or entry.wrt,
            entry.at,
            entry.order,
            entry.defs,
        )
    except SymderivError as exc:
        what = "differentiate" if entry.kind in DERIVATIVE_KINDS else f"set ({entry.kind})"
        raise WorksheetError(
            f"cannot {what} {entry.function!r}: {exc}", entry.line, source
        ) from None
    if not _renders(solution):
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
        solution,
        None,
    )


def _well_posed(draft: Draft, limit: int) -> tuple[str, Any] | None:
    """The draft's text and worked solution when it is a fair problem, else None."""
    text = function_text(draft.expr)
    if draft.kind in DERIVATIVE_KINDS and draft.var not in draft.expr.free_symbols:
        return None
    try:
        if parse(text) != draft.expr:
            return None
        solution = _solve(
            draft.kind,
            text,
            str(draft.var),
            tuple(str(v) for v in draft.vars) or None,
            draft.at,
            draft.order,
            draft.defs,
        )
    except SymderivError:
        return None
    if solution.verification.ok is not True or not _fair(draft, solution, limit):
        return None
    return (text, solution) if _renders(solution) else None


def _small(value: sp.Expr, limit: int) -> bool:
    return not value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) and sp.count_ops(value) <= limit


def _fair(draft: Draft, solution: Any, limit: int) -> bool:
    """Is the answer of a size that suits the difficulty, and not degenerate?"""
    kind = draft.kind
    if kind in DERIVATIVE_KINDS:
        result = solution.result
        return result != 0 and bool(result.free_symbols) and _small(result, limit)
    if kind == "gradient":
        if draft.at:
            values = solution.at({k: parse(v) for k, v in draft.at})
            return any(v != 0 for v in values) and all(
                v.is_Rational and abs(v) <= 60 and v.q <= 12 for v in values
            )
        comps = solution.components
        return all(c != 0 for c in comps) and sum(sp.count_ops(c) for c in comps) <= limit
    if kind == "hessian":
        return (
            solution.kind in ("minimum", "maximum", "saddle")
            and solution.hessian_kind == solution.kind
            and all(e.is_Integer and abs(e) <= 40 for e in solution.matrix)
        )
    if kind == "critical_points":
        return (
            solution.complete
            and 1 <= len(solution) <= 4
            and all(p.exact and not p.family and p.kind != "inconclusive" for p in solution)
            and all(c.is_Rational for p in solution for c in p.coordinates)
        )
    if kind == "taylor":
        coeffs = [as_sympy(c) for c in solution.coefficients]
        return (
            sum(c != 0 for c in coeffs) >= 2
            and _small(solution.polynomial, limit)
            and all(not c.is_Rational or (abs(c.p) <= 200 and c.q <= 720) for c in coeffs)
        )
    if kind == "backprop":
        return all(_small(v, limit) for v in solution.gradient.values())
    return False


def _renders(solution: Any) -> bool:
    """True when the problem and its solution print in LaTeX (a printer may not cope)."""
    try:
        latex_str(getattr(solution, "expr", sp.S.Zero))
        solution.to_latex("en")
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
        text, solution = posed
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
                solution,
                entry.bank,
                draft,
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
            "derivation": Tex(narrow_align(p.solution_latex(ws.lang))) if key else "",
            "answer": Tex(p.answer_latex(ws.lang)),
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
            "derivation": p.solution_markdown(ws.lang) if key else "",
            "answer": p.answer_latex(ws.lang),
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
