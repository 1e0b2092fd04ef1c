"""Printers for :class:`~symderiv.optim.fit.Fit`: the derivation of ∂ℓ/∂p, the epochs as
the lesson's Step 8 prints them, and the learned equation (schema ``symderiv.fit/1``)."""

from __future__ import annotations

from typing import Any

import sympy as sp

from symderiv.notation import latex_str, unicode_str
from symderiv.optim.common import say, show_number, show_rate
from symderiv.render.optim import blocks
from symderiv.render.optim.blocks import Block, Embed, Formula, Heading, Math, Para, Table
from symderiv.render.optim.common import check_para, expr_dict


def _mean_formula(result: Any, p: sp.Symbol, component: sp.Expr) -> Formula:
    return Formula(
        f"∂L/∂{p.name} = (1/n)·Σ {unicode_str(component)}",
        r"\frac{\partial L}{\partial %s} = \frac{1}{n}\sum_{i=1}^{n} \left(%s\right)"
        % (latex_str(p), latex_str(component)),
    )


def _equation(result: Any) -> tuple[str, str]:
    lhs = "p" if result.loss == "cross_entropy" else result.target.name
    eq = result.equation()
    return f"{lhs} = {unicode_str(eq)}", f"{lhs} = {latex_str(eq)}"


def fit_document(result: Any, lang: str) -> list[Block]:
    loss_name = say(f"loss_{result.loss}", lang)
    doc: list[Block] = [
        Heading(say("fit_title", lang, model=unicode_str(result.output), loss=loss_name)),
        Para(say("fit_loss", lang, loss=unicode_str(result.sample_loss), n=len(result.data))),
        Para(" ".join("(" + ", ".join(show_number(v) for v in row) + ")" for row in result.data)),
        Para(
            say(
                "fit_gradient",
                lang,
                data=", ".join(s.name for s in (*result.inputs, result.target)),
            )
        ),
        Embed(result.gradient),
    ]
    doc += [
        _mean_formula(result, p, c)
        for p, c in zip(result.param_symbols, result.gradient.components, strict=True)
    ]
    start = ", ".join(f"{k} = {v:.4f}" for k, v in result.start.items())
    doc.append(
        Para(say("fit_rule", lang, lr=show_rate(result.lr), epochs=len(result.epochs), start=start))
    )
    if result.seed is not None:
        doc.append(Para(say("fit_seed", lang, seed=result.seed)))
    doc.append(Para(say("fit_epochs", lang)))
    names = [p.name for p in result.param_symbols]
    doc.append(
        Table(
            (say("col_epoch", lang), *names, say("col_loss", lang)),
            tuple(
                (
                    str(e.epoch),
                    *(Math(f"{e.params[n]:.4f}", f"{e.params[n]:.4f}") for n in names),
                    Math(f"{e.loss:.6f}", f"{e.loss:.6f}"),
                )
                for e in result.printed_epochs
            ),
        )
    )
    if result.stop is not None:
        doc.append(Para(result.stop.text(lang)))
    text, _ = _equation(result)
    doc.append(Para(say("fit_learned", lang, equation=text)))
    doc.append(check_para(result.verification, lang, "check_fit"))
    return doc


def fit_to_text(result: Any, lang: str = "en") -> str:
    return blocks.to_text(fit_document(result, lang), lang)


def fit_to_latex(result: Any, lang: str = "en") -> str:
    return blocks.to_latex(fit_document(result, lang), lang)


def fit_to_markdown(result: Any, lang: str = "en") -> str:
    return blocks.to_markdown(fit_document(result, lang), lang)


def fit_to_dict(result: Any) -> dict[str, Any]:
    text, latex = _equation(result)
    return {
        "schema": "symderiv.fit/1",
        "model": {"text": result.source, **expr_dict(result.model)},
        "output": expr_dict(result.output),
        "parameters": [p.name for p in result.param_symbols],
        "inputs": [s.name for s in result.inputs],
        "target": result.target.name,
        "loss": result.loss,
        "sample_loss": expr_dict(result.sample_loss),
        "gradient": {
            p.name: expr_dict(c)
            for p, c in zip(result.param_symbols, result.gradient.components, strict=True)
        },
        "derivation": result.gradient.to_dict(),
        "data": [list(row) for row in result.data],
        "learning_rate": result.lr,
        "start": result.start,
        "seed": result.seed,
        "epochs": [{"epoch": e.epoch, "params": e.params, "loss": e.loss} for e in result.epochs],
        "params": result.params,
        "history": list(result.history),
        "equation": {"text": text, "latex": latex},
        "stop": result.stop.to_dict() if result.stop is not None else None,
        "verification": result.verification.to_dict(),
    }
