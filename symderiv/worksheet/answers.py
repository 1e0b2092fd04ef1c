"""A problem's answer in the grader's problem format: what is asked, the expected answer as
JSON, and the entry written to ``answers-X.json``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy as sp

from symderiv.notation import latex_str
from symderiv.parsing import parse
from symderiv.worksheet.bank_descent import grader_problem as descent_problem
from symderiv.worksheet.problem import DERIVATIVE_KINDS, function_text

if TYPE_CHECKING:
    from symderiv.worksheet.problem import Problem


def grader_problem(p: Problem) -> dict[str, Any]:
    """What is asked, in the grader's problem format."""
    if p.kind == "descent":
        return descent_problem(p, p.function)
    if p.kind in DERIVATIVE_KINDS:
        return {
            "kind": "derivative",
            "function": p.function,
            "var": p.var,
            "order": p.order,
        }
    point = {name: _json_number(value) for name, value in p.at or ()}
    if p.kind == "gradient":
        out: dict[str, Any] = {
            "kind": "gradient",
            "function": p.function,
            "vars": list(p.vars),
        }
        if p.at:
            out["point"] = point
        return out
    if p.kind == "hessian":
        return {
            "kind": "classification",
            "function": p.function,
            "vars": list(p.vars),
            "point": point,
        }
    if p.kind == "critical_points":
        return {"kind": "critical_points", "function": p.function, "vars": list(p.vars)}
    if p.kind == "slope":
        # A number read from a graph, then found exactly: graded as the exact value (the
        # grader's tolerance decides how close a reading must be).
        return {"kind": "expression", "expected": sp.sstr(p.expected), "vars": []}
    if p.kind == "saddle":
        # A letter among the figure's letters: equal to the right one, unequal to the others.
        return {
            "kind": "expression",
            "expected": p.expected,
            "vars": [q.letter for q in p.lettered()],
        }
    if p.kind == "taylor":
        return {
            "kind": "taylor",
            "function": p.function,
            "var": p.var,
            "at": point[p.var],
            "order": p.order,
        }
    # backprop: the gradient of the loss in the raw inputs (defs substituted); values of
    # the inputs that are not differentiated by are put into the function.
    out = {
        "kind": "gradient",
        "function": function_text(_loss(p)),
        "vars": list(p.vars),
    }
    if p.at:
        out["point"] = {name: point[name] for name in p.vars}
    return out


def _loss(p: Problem) -> sp.Expr:
    """A backprop loss in its inputs, with the point's other inputs substituted."""
    wrt = set(p.vars)
    fixed = {sp.Symbol(k): v for k, v in p.point.items() if k not in wrt}
    return p.result.expr.xreplace(fixed)


def backprop_gradient(p: Problem) -> list[sp.Expr]:
    """The backprop gradient as the grader expects it: in the inputs, or at the point."""
    r = p.result
    point = {sp.Symbol(k): v for k, v in p.point.items()}
    entries = [r.in_inputs(r.gradient[name]).xreplace(point) for name in p.vars]
    return [sp.simplify(e) for e in entries] if point else entries


def expected_json(p: Problem) -> Any:
    e = p.expected
    if p.kind == "descent":
        return [sp.sstr(c) for c in e]
    if p.kind == "gradient":
        return [sp.sstr(c) for c in e]
    if p.kind == "backprop":
        return [sp.sstr(c) for c in backprop_gradient(p)]
    if p.kind in ("hessian", "saddle"):
        return e
    if p.kind == "critical_points":
        return [
            {
                "point": {str(v): sp.sstr(c) for v, c in zip(p.result.vars, coords, strict=True)},
                "kind": kind,
            }
            for coords, kind in e
        ]
    return sp.sstr(e)


def to_answer(p: Problem) -> dict[str, Any]:
    """The JSON-ready answer entry (the grader's problem format plus the expected answer)."""
    extra: dict[str, Any] = {}
    if p.kind == "hessian":
        c = p.result
        extra = {
            "matrix": [[sp.sstr(e) for e in row] for row in c.matrix.tolist()],
            "eigenvalues": [sp.sstr(e) for e in c.eigenvalues],
            "minors": [sp.sstr(e) for e in c.minors],
        }
    source: dict[str, Any] = {
        "kind": p.kind,
        "bank": p.bank,
        "difficulty": p.difficulty,
    }
    if p.kind in DERIVATIVE_KINDS:
        expected_latex = latex_str(p.expected)
    elif p.kind == "backprop":
        # The problem is graded as a gradient; the question as set is kept in the source.
        expected_latex = p.vector_latex(backprop_gradient(p))
        source.update(
            function=p.function,
            wrt=list(p.vars),
            expected={k: sp.sstr(v) for k, v in p.expected.items()},
            expected_latex=p.answer_latex("en"),
        )
        if p.defs:
            source["defs"] = dict(p.defs)
        if p.at:
            source["at"] = {name: _json_number(value) for name, value in p.at}
    else:
        expected_latex = p.answer_latex("en")
    if p.kind == "slope":
        source.update(function=p.function, var=p.var, at=_json_number(p.at[0][1]) if p.at else 0)
    if p.kind == "saddle":
        source.update(
            function=p.function,
            vars=list(p.vars),
            choices={
                q.letter: {
                    "point": {
                        str(v): sp.sstr(c)
                        for v, c in zip(p.result.vars, _exact(p, q.letter), strict=True)
                    },
                    "kind": q.kind,
                }
                for q in p.lettered()
            },
        )
    if p.figure:
        source["figure"] = p.figure
    return {
        "id": p.id,
        "problem": grader_problem(p),
        "expected": expected_json(p),
        "expected_latex": expected_latex,
        **extra,
        "points": p.points,
        "verified": p.verified,
        "source": source,
    }


def _exact(p: Problem, letter: str) -> tuple[sp.Expr, ...]:
    """The exact coordinates of the critical point lettered ``letter`` on the figure."""
    q = next(q for q in p.lettered() if q.letter == letter)
    return min(
        (tuple(c.coordinates) for c in p.result),
        key=lambda cs: sum((float(c) - f) ** 2 for c, f in zip(cs, q.coordinates, strict=True)),
    )


def _json_number(text: str) -> int | str:
    """An integer as a JSON number; anything else (1/2, pi/4) as text the parser reads."""
    value = parse(text)
    return int(value) if value.is_Integer else text
