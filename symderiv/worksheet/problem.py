"""One worksheet problem: what is asked, its worked solution and its answer in LaTeX.

The question's wording lives in :mod:`symderiv.worksheet.questions`, the grader's form of the
answer in :mod:`symderiv.worksheet.answers`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from symderiv.notation import latex_str
from symderiv.parsing import parse
from symderiv.render.latex import escape_text
from symderiv.steps import Derivation
from symderiv.worksheet.text import LABELS, markdown_escape, tex_unicode


def variant_letter(variant: int) -> str:
    """0 -> "A", 1 -> "B", ..., 25 -> "Z", 26 -> "V27"."""
    return chr(ord("A") + variant) if 0 <= variant < 26 else f"V{variant + 1}"


def function_text(expr: sp.Expr) -> str:
    """Plain text the parser reads back to ``expr`` (``^`` for powers)."""
    return sp.sstr(expr, order="lex").replace("**", "^")


#: The kinds whose answer is one derivative (a worked :class:`Derivation`).
DERIVATIVE_KINDS = ("derivative", "partial")


@dataclass(frozen=True, repr=False)
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
    #: "tangent", "contour" or "taylor": the figure drawn with the question and the key.
    figure: str | None = None

    def __repr__(self) -> str:
        return f"<Problem {self.id} ({self.kind}): {self.function}, {self.points} points>"

    def _repr_markdown_(self) -> str:
        statement = self.statement()[1]
        return f"**{self.id}.** {statement}\n\n{self.solution_markdown()}"

    @property
    def solution(self) -> Any:
        """The worked solution: the Derivation, or the engine's object for other kinds."""
        return self.derivation if self.derivation is not None else self.result

    @property
    def expected(self) -> Any:
        """The answer: an expression, a vector, a kind, a list of points or a gradient."""
        if self.kind == "descent":  # bank_descent imports this module: import it here
            from symderiv.worksheet.bank_descent import expected_point

            return tuple(expected_point(self))
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
        if self.kind == "slope":
            return sp.simplify(r.result.subs(r.var, self.point[self.var]))
        if self.kind == "saddle":
            return self.letters()[0]
        raise AssertionError(self.kind)

    def lettered(self) -> list[Any]:
        """A saddle problem's critical points as lettered on its figure (A, B, ...)."""
        from symderiv.plot.problems import lettered_points

        return lettered_points(self.result)

    def letters(self) -> list[str]:
        """The letters of the saddle points on a saddle problem's figure."""
        return [p.letter for p in self.lettered() if p.kind == "saddle"]

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

    def held_latex(self) -> str:
        """The symbols of f that are not differentiated by ("x, y"), or ""."""
        wrt = set(self.vars) if self.vars else {self.var}
        return ", ".join(latex_str(s) for s in self.symbols if s.name not in wrt)

    def gradient_latex(self) -> str:
        r"""``\nabla f``, ``\nabla_{w, b} f`` when f has other symbols, with the point."""
        name = r"\nabla f"
        if self.held_latex():
            name = r"\nabla_{%s} f" % ", ".join(latex_str(sp.Symbol(v)) for v in self.vars)
        if self.at:
            name += "(%s)" % ", ".join(latex_str(v) for v in self.point.values())
        return name

    def point_latex(self) -> str:
        values = [latex_str(v) for v in self.point.values()]
        return values[0] if len(values) == 1 else r"\left(%s\right)" % ", ".join(values)

    def vector_latex(self, entries: Any) -> str:
        return r"\begin{pmatrix} %s \end{pmatrix}" % r" \\ ".join(latex_str(e) for e in entries)

    def answer_latex(self, lang: str = "en") -> str:
        labels = LABELS[lang]
        if self.kind == "descent":
            from symderiv.worksheet.bank_descent import answer_latex

            return answer_latex(self)
        if self.kind in DERIVATIVE_KINDS:
            return r"%s = %s" % (self.operator_latex(), latex_str(self.expected))
        if self.kind == "gradient":
            return r"%s = %s" % (self.gradient_latex(), self.vector_latex(self.expected))
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
        if self.kind == "slope":
            return r"f'(%s) = %s" % (self.point_latex(), latex_str(self.expected))
        if self.kind == "saddle":
            saddle = next(p for p in self.result if p.kind == "saddle")
            return r"\text{%s} = \left(%s\right),\ \text{%s}" % (
                self.expected,
                ", ".join(latex_str(c) for c in saddle.coordinates),
                escape_text(labels["saddle"]),
            )
        raise AssertionError(self.kind)

    def statement(self, lang: str = "en") -> tuple[str, str]:
        """The question as (LaTeX, Markdown); formulas are the only unescaped parts."""
        from symderiv.worksheet.questions import question_parts

        parts = question_parts(self, lang)
        # Fractions at full size: an inline \frac in a question is too small to read.
        tex = "".join(
            (f"$\\displaystyle {s}$" if "\\frac" in s else f"${s}$") if k == "m" else escape_text(s)
            for k, s in parts
        )
        md = "".join(f"${s}$" if k == "m" else markdown_escape(s) for k, s in parts)
        return tex, md

    def solution_latex(self, lang: str = "en") -> str:
        """The worked solution for the key (LaTeX any engine can typeset)."""
        if self.kind == "backprop":
            from symderiv.render.graph import backprop_key_latex

            text = backprop_key_latex(self.result, lang)
        else:
            text = self.solution.to_latex(lang)
        return tex_unicode(text)

    def solution_markdown(self, lang: str = "en") -> str:
        return self.solution.to_markdown(lang)

    def grader_problem(self) -> dict[str, Any]:
        """What is asked, in the grader's problem format."""
        from symderiv.worksheet.answers import grader_problem

        return grader_problem(self)

    def expected_json(self) -> Any:
        from symderiv.worksheet.answers import expected_json

        return expected_json(self)

    def to_answer(self) -> dict[str, Any]:
        """The JSON-ready answer entry (the grader's problem format plus the expected answer)."""
        from symderiv.worksheet.answers import to_answer

        return to_answer(self)
