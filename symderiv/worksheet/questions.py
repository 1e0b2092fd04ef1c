"""The wording of each problem kind's question, in English and Korean, as text and formula
pieces (the document escapes the text and puts the formulas in math mode)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy as sp

from symderiv.notation import latex_str
from symderiv.parsing import parse
from symderiv.worksheet.bank_descent import question_parts as descent_parts

if TYPE_CHECKING:
    from symderiv.worksheet.problem import Problem

_ORDINALS = {2: "second", 3: "third", 4: "fourth"}


def question_parts(p: Problem, lang: str) -> list[tuple[str, str]]:
    """The question as text ("t") and formula ("m") pieces."""
    if p.kind == "descent":
        return descent_parts(p, lang)
    f, op, v = p.function_latex(), p.operator_latex(), latex_str(sp.Symbol(p.var))
    ko = lang == "ko"
    if p.kind == "gradient":
        grad = p.gradient_latex()
        held = p.held_latex()
        if ko:
            parts = [("m", f), ("t", "의 그래디언트 "), ("m", grad), ("t", "을(를) 구하시오.")]
            if held:
                parts.append(("t", " ("))
                parts += [("m", held), ("t", "는 상수로 봅니다.)")]
            return parts
        parts = [("t", "Find the gradient "), ("m", grad), ("t", " of "), ("m", f)]
        if held:
            parts += [("t", ", holding "), ("m", held), ("t", " constant")]
        return [*parts, ("t", ".")]
    if p.kind == "hessian":
        names = ", ".join(latex_str(sp.Symbol(n)) for n, _ in p.at or ())
        pt = (
            r"(%s) = %s" % (names, p.point_latex())
            if len(p.point) > 1
            else (r"%s = %s" % (names, p.point_latex()))
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
                " and classify it with the Hessian (local minimum, local maximum or saddle point).",
            ),
        ]
    if p.kind == "critical_points":
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
    if p.kind == "taylor":
        t = r"T_{%d}(%s)" % (p.order, v)
        a = r"%s = %s" % (v, p.point_latex())
        if ko:
            return [
                ("m", f),
                ("t", "의 "),
                ("m", a),
                ("t", "에서의 %d차 테일러 다항식 " % p.order),
                ("m", t),
                ("t", "을(를) 구하시오."),
            ]
        return [
            ("t", "Find the Taylor polynomial "),
            ("m", t),
            ("t", " of order %d of " % p.order),
            ("m", f),
            ("t", " about "),
            ("m", a),
            ("t", "."),
        ]
    if p.kind == "slope":
        a = r"%s = %s" % (v, p.point_latex())
        fa = r"f'(%s)" % p.point_latex()
        if ko:
            return [
                ("t", "그림은 "),
                ("m", f),
                ("t", "의 그래프와 "),
                ("m", a),
                ("t", "에서의 접선입니다. 그래프에서 접선의 기울기를 읽고, 미분하여 "),
                ("m", fa),
                ("t", "의 정확한 값을 구하시오."),
            ]
        return [
            ("t", "The figure shows the graph of "),
            ("m", f),
            ("t", " and its tangent line at "),
            ("m", a),
            ("t", ". Read the slope of the tangent from the graph, then find "),
            ("m", fa),
            ("t", " exactly by differentiating."),
        ]
    if p.kind == "saddle":
        if ko:
            return [
                ("t", "그림은 "),
                ("m", f),
                ("t", "의 등고선과 "),
                ("m", r"-\nabla f"),
                (
                    "t",
                    ", 그리고 문자로 표시한 임계점입니다. 어느 점이 안장점입니까? "
                    "헤시안으로 확인하시오.",
                ),
            ]
        return [
            ("t", "The figure shows the contours of "),
            ("m", f),
            ("t", " with "),
            ("m", r"-\nabla f"),
            (
                "t",
                " and its critical points, lettered. Which point is the saddle point? "
                "Confirm it with the Hessian.",
            ),
        ]
    if p.kind == "backprop":
        grads = ", ".join(
            r"\frac{\partial L}{\partial %s}" % latex_str(sp.Symbol(k)) for k in p.vars
        )
        defs = ", ".join(
            r"%s = %s" % (latex_str(sp.Symbol(k)), latex_str(parse(body))) for k, body in p.defs
        )
        at = ", ".join(
            r"%s = %s" % (latex_str(sp.Symbol(k)), latex_str(parse(val))) for k, val in p.at or ()
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
        if p.kind == "partial":
            return [
                ("m", f),
                ("t", "에 대하여 "),
                ("m", op),
                ("t", "을(를) 구하시오. (다른 변수는 상수로 봅니다.)"),
            ]
        if p.order == 1:
            return [("m", f), ("t", "을(를) "), ("m", v), ("t", "에 대하여 미분하시오.")]
        return [
            ("m", f),
            ("t", "의 %d계 도함수 " % p.order),
            ("m", op),
            ("t", "을(를) 구하시오."),
        ]
    if p.kind == "partial":
        return [
            ("t", "Find "),
            ("m", op),
            ("t", " for "),
            ("m", f),
            ("t", ", holding the other variables constant."),
        ]
    if p.order == 1:
        return [
            ("t", "Differentiate "),
            ("m", f),
            ("t", " with respect to "),
            ("m", v),
            ("t", "."),
        ]
    return [
        ("t", "Find the %s derivative " % _ORDINALS.get(p.order, "higher")),
        ("m", op),
        ("t", " of "),
        ("m", f),
        ("t", "."),
    ]
