"""Printers for :class:`~symderiv.optim.descent.Descent` and
:class:`~symderiv.optim.compare.Comparison`: text, LaTeX, Markdown and JSON.

JSON schemas: ``symderiv.descent/1`` and ``symderiv.descent_comparison/1``.
"""

from __future__ import annotations

from typing import Any

from symderiv.notation import unicode_str
from symderiv.optim.common import jsonable, say, show_number, show_rate
from symderiv.render.optim import blocks
from symderiv.render.optim.blocks import Block, Embed, Formula, Heading, Para, Table
from symderiv.render.optim.common import check_para, expr_dict, names_cell, number, vector

#: Long runs show their first and last rows; JSON keeps every iterate.
HEAD_ROWS, TAIL_ROWS = 20, 10


def _rule(result: Any, lang: str) -> list[Block]:
    lr = show_rate(result.lr)
    if result.method == "gd":
        return [
            Para(say("rule_gd", lang, lr=lr)),
            Formula("x_{k+1} = x_k − lr·∇f(x_k)", r"x_{k+1} = x_k - \eta\,\nabla f(x_k)"),
        ]
    if result.method == "momentum":
        return [
            Para(say("rule_momentum", lang, lr=lr, beta=show_rate(result.beta))),
            Formula(
                "v_{k+1} = β·v_k − lr·∇f(x_k),  x_{k+1} = x_k + v_{k+1}",
                r"v_{k+1} = \beta v_k - \eta\,\nabla f(x_k),\quad x_{k+1} = x_k + v_{k+1}",
            ),
        ]
    return [
        Para(say("rule_newton", lang, lr=lr)),
        Formula(
            "x_{k+1} = x_k − lr·H(x_k)⁻¹·∇f(x_k)",
            r"x_{k+1} = x_k - \eta\, H(x_k)^{-1} \nabla f(x_k)",
        ),
    ]


def iteration_table(result: Any, lang: str) -> tuple[Table, int]:
    """The iterations as a table (long runs cut in the middle) and how many rows were cut."""
    names = result.objective.names
    step_key = {"gd": "col_step", "momentum": "col_velocity", "newton": "col_newton_step"}
    headers = (
        "k",
        names_cell(names),
        "f",
        "∇f",
        say(step_key[result.method], lang),
    )
    rows = [
        (str(it.k), vector(it.coords), number(it.f), vector(it.grad), vector(it.step or ()))
        for it in result.iterates
    ]
    skipped = 0
    if len(rows) > HEAD_ROWS + TAIL_ROWS + 1:
        skipped = len(rows) - HEAD_ROWS - TAIL_ROWS
        rows = [*rows[:HEAD_ROWS], ("⋮", "", "", "", ""), *rows[-TAIL_ROWS:]]
    return Table(headers, tuple(rows)), skipped


def descent_document(result: Any, lang: str) -> list[Block]:
    method = say(f"method_{result.method}", lang)
    title = say("descent_title", lang, method=method, f=unicode_str(result.expr))
    if lang == "en":
        title = title[0].upper() + title[1:]
    doc: list[Block] = [Heading(title), *_rule(result, lang)]
    obj = result.objective
    if obj.hessian is not None:
        doc += [Heading(say("hessian_once", lang), 2), Embed(obj.hessian)]
    else:
        doc += [Heading(say("gradient_once", lang), 2), Embed(obj.gradient)]
    doc.append(Heading(say("iterations", lang), 2))
    doc.append(
        Para(say("arith_exact", lang) if result.exact else say("arith_float", lang, digits=6))
    )
    table, skipped = iteration_table(result, lang)
    doc.append(table)
    if skipped:
        doc.append(Para(say("rows_skipped", lang, n=skipped)))
    doc += [Para(note.text(lang)) for it in result.iterates for note in it.notes]
    doc.append(Para(result.stop.text(lang)))
    last = result.iterates[-1]
    if last.grad:
        point = ", ".join(
            f"{n} = {show_number(v)}" for n, v in zip(obj.names, last.coords, strict=True)
        )
        doc.append(Para(say("final_point", lang, point=point, f=show_number(last.f))))
    doc.append(check_para(result.verification, lang, "check_descent"))
    return doc


def descent_to_text(result: Any, lang: str = "en") -> str:
    return blocks.to_text(descent_document(result, lang), lang)


def descent_to_latex(result: Any, lang: str = "en") -> str:
    return blocks.to_latex(descent_document(result, lang), lang)


def descent_to_markdown(result: Any, lang: str = "en") -> str:
    return blocks.to_markdown(descent_document(result, lang), lang)


def _values(values: Any) -> Any:
    return [jsonable(v) for v in values] if values is not None else None


def descent_to_dict(result: Any) -> dict[str, Any]:
    obj = result.objective
    return {
        "schema": "symderiv.descent/1",
        "input": {"text": obj.source, **expr_dict(obj.expr)},
        "variables": list(obj.names),
        "method": result.method,
        "learning_rate": jsonable(result.lr),
        "beta": jsonable(result.beta) if result.method == "momentum" else None,
        "tolerance": result.tol,
        "arithmetic": "exact" if result.exact else "float",
        "step_budget": result.budget,
        "gradient": [expr_dict(c) for c in obj.components],
        "hessian": (
            [[expr_dict(e) for e in row] for row in obj.hessian.matrix.tolist()]
            if obj.hessian is not None
            else None
        ),
        "derivation": obj.hessian.to_dict() if obj.hessian is not None else obj.gradient.to_dict(),
        "iterates": [
            {
                "k": it.k,
                "point": {n: jsonable(v) for n, v in it.point.items()},
                "f": jsonable(it.f),
                "gradient": _values(it.grad),
                "step": _values(it.step),
                "notes": [note.to_dict() for note in it.notes],
            }
            for it in result.iterates
        ],
        "outcome": result.outcome,
        "converged": result.converged,
        "diverged": result.diverged,
        "stop": result.stop.to_dict(),
        "final": {n: jsonable(v) for n, v in result.final.items()},
        "verification": result.verification.to_dict(),
    }


# --------------------------------------------------------------------------- comparison


def run_label(run: Any, lang: str) -> str:
    label = say(f"method_{run.method}", lang)
    extra = f"lr = {show_rate(run.lr)}"
    if run.method == "momentum":
        extra += f", β = {show_rate(run.beta)}"
    return f"{label} ({extra})"


def comparison_document(result: Any, lang: str) -> list[Block]:
    first = result.runs[0]
    names = first.objective.names
    start = ", ".join(
        f"{n} = {show_number(v)}" for n, v in zip(names, first.iterates[0].coords, strict=True)
    )
    doc: list[Block] = [
        Heading(say("compare_title", lang, f=unicode_str(first.expr), start=start)),
        Heading(say("gradient_once", lang), 2),
        Embed(first.objective.gradient),
    ]
    headers = (
        say("col_method", lang),
        say("col_steps", lang, tol=f"{first.tol:g}"),
        say("col_outcome", lang),
        say("col_final", lang),
        "f",
    )
    rows = []
    for run in result.runs:
        last = run.iterates[-1]
        rows.append(
            (
                run_label(run, lang),
                str(run.steps_taken) if run.converged else "—",
                say(f"outcome_{run.outcome}", lang),
                vector(last.coords),
                number(last.f),
            )
        )
    doc.append(Table(headers, tuple(rows)))
    best = result.fewest
    if best is None:
        doc.append(Para(say("compare_none", lang)))
    else:
        doc.append(
            Para(say("compare_fewest", lang, run=run_label(best, lang), steps=best.steps_taken))
        )
    doc += [Para(f"{run_label(run, lang)}: {run.stop.text(lang)}") for run in result.runs]
    doc.append(check_para(result.verification, lang, "check_descent"))
    return doc


def comparison_to_text(result: Any, lang: str = "en") -> str:
    return blocks.to_text(comparison_document(result, lang), lang)


def comparison_to_latex(result: Any, lang: str = "en") -> str:
    return blocks.to_latex(comparison_document(result, lang), lang)


def comparison_to_markdown(result: Any, lang: str = "en") -> str:
    return blocks.to_markdown(comparison_document(result, lang), lang)


def comparison_to_dict(result: Any) -> dict[str, Any]:
    best = result.fewest
    return {
        "schema": "symderiv.descent_comparison/1",
        "runs": [
            {
                "method": run.method,
                "learning_rate": jsonable(run.lr),
                "beta": jsonable(run.beta) if run.method == "momentum" else None,
                "steps": run.steps_taken,
                "outcome": run.outcome,
                "final": {n: jsonable(v) for n, v in run.final.items()},
                "stop": run.stop.to_dict(),
                "descent": run.to_dict(),
            }
            for run in result.runs
        ],
        "fewest_steps": result.runs.index(best) if best is not None else None,
        "verification": result.verification.to_dict(),
    }
