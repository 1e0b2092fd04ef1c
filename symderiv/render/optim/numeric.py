"""Printers for :class:`NumericDerivative` and :class:`GradCheck`: text, LaTeX,
Markdown and JSON (schemas ``symderiv.numeric_derivative/1`` and ``symderiv.gradcheck/1``).
"""

from __future__ import annotations

import math
from typing import Any

from symderiv.notation import latex_str, unicode_str
from symderiv.optim.common import say, show_number
from symderiv.render.optim import blocks
from symderiv.render.optim.blocks import Block, Embed, Heading, Math, Para, Table
from symderiv.render.optim.common import check_para, expr_dict, number, scientific


def _point(names: Any, values: Any) -> str:
    return ", ".join(f"{n} = {show_number(v)}" for n, v in zip(names, values, strict=True))


def _h(h: float) -> Math:
    exponent = round(-math.log10(h))
    if abs(h - 10.0**-exponent) <= 1e-9 * h:
        return Math(f"1e-{exponent:02d}", r"10^{-%d}" % exponent)
    return number(h, 3)


def _derivative_name(result: Any, var: Any) -> str:
    if result.order == 2:
        return f"f''({unicode_str(var)})"
    if len(result.vars) == 1:
        return f"f'({unicode_str(var)})"
    return f"∂f/∂{unicode_str(var)}"


def numeric_document(result: Any, lang: str) -> list[Block]:
    names = [v.name for v in result.vars]
    point = _point(names, result.point)
    key = (
        "nd_title_second"
        if result.order == 2
        else ("nd_title" if len(result.vars) == 1 else "nd_title_gradient")
    )
    doc: list[Block] = [Heading(say(key, lang, f=unicode_str(result.expr), point=point))]
    for var, derivation, exact in zip(result.vars, result.derivations, result.exact, strict=True):
        name = _derivative_name(result, var)
        if len(result.vars) > 1:
            doc.append(Heading(say("nd_component", lang, name=name), 2))
        doc.append(Embed(derivation))
        value = f"{unicode_str(exact)}"
        if not exact.is_Rational:
            value += f" ≈ {float(exact):.15g}"
        doc.append(Para(say("nd_exact", lang, name=name, value=value)))
        doc.append(Para(say("nd_arith", lang)))
        for method in result.methods:
            rows = result.table(method, var.name)
            doc.append(Para(f"{say(f'diff_{method}', lang)}: {say(f'formula_{method}', lang)}"))
            doc.append(
                Table(
                    (
                        "h",
                        say("col_estimate", lang),
                        say("col_error", lang),
                        say("col_regime", lang),
                    ),
                    tuple(
                        (
                            _h(r.h),
                            Math(f"{r.estimate:.15g}", f"{r.estimate:.15g}"),
                            scientific(r.error),
                            say("regime_" + r.regime.replace("-", ""), lang),
                        )
                        for r in rows
                    ),
                )
            )
            best = next(b for b in result.best if b.method == method and b.var == var.name)
            doc.append(_best_para(best, method, lang))
    doc.append(check_para(result.verification, lang))
    return doc


def _best_para(best: Any, method: str, lang: str) -> Para:
    order, power = {"forward": (1, 1), "backward": (1, 1), "central": (2, 1)}.get(method, (2, 2))
    power_text = "" if power == 1 else "²"
    line = say(
        "nd_best",
        lang,
        method=say(f"diff_{method}", lang),
        h=f"{best.h:g}",
        error=f"{best.error:.1e}",
        theory=f"{best.theory:.1e}",
    )
    slope = lambda s: "—" if s is None else f"{s:.2f}"  # noqa: E731
    if best.flat:
        extra = say("nd_regimes_flat", lang, power=power_text)
    else:
        extra = say(
            "nd_regimes",
            lang,
            order=order,
            slope=slope(best.slope_truncation),
            power=power_text,
            slope_small=slope(best.slope_roundoff),
        )
    return Para(f"{line} {extra}")


def numeric_to_text(result: Any, lang: str = "en") -> str:
    return blocks.to_text(numeric_document(result, lang), lang)


def numeric_to_latex(result: Any, lang: str = "en") -> str:
    return blocks.to_latex(numeric_document(result, lang), lang)


def numeric_to_markdown(result: Any, lang: str = "en") -> str:
    return blocks.to_markdown(numeric_document(result, lang), lang)


def numeric_to_dict(result: Any) -> dict[str, Any]:
    return {
        "schema": "symderiv.numeric_derivative/1",
        "input": {"text": result.source, **expr_dict(result.expr)},
        "variables": [v.name for v in result.vars],
        "point": {v.name: str(c) for v, c in zip(result.vars, result.point, strict=True)},
        "order": result.order,
        "methods": list(result.methods),
        "exact": [
            {
                "variable": v.name,
                "derivative": expr_dict(d.result),
                "value": expr_dict(e),
                "float": float(e),
            }
            for v, d, e in zip(result.vars, result.derivations, result.exact, strict=True)
        ],
        "rows": [
            {
                "variable": r.var,
                "method": r.method,
                "h": r.h,
                "estimate": r.estimate,
                "error": r.error,
                "regime": r.regime,
            }
            for r in result.rows
        ],
        "best": [
            {
                "variable": b.var,
                "method": b.method,
                "h": b.h,
                "error": b.error,
                "theory": b.theory,
                "slope_truncation": b.slope_truncation,
                "slope_roundoff": b.slope_roundoff,
                "truncation_free": b.flat,
            }
            for b in result.best
        ],
        "derivations": [d.to_dict() for d in result.derivations],
        "verification": result.verification.to_dict(),
    }


# --------------------------------------------------------------------------- gradient check


def _band(error: float) -> str:
    if error <= 1e-7:
        return "gc_band_fine"
    if error <= 1e-4:
        return "gc_band_ok"
    if error <= 1e-2:
        return "gc_band_suspicious"
    return "gc_band_wrong"


def gradcheck_document(result: Any, lang: str) -> list[Block]:
    names = [v.name for v in result.vars]
    doc: list[Block] = [
        Heading(
            say("gc_title", lang, f=unicode_str(result.expr), point=_point(names, result.point))
        )
    ]
    formula = "(" + ", ".join(unicode_str(r.formula) for r in result.rows) + ")"
    if result.learner:
        doc.append(Para(say("gc_source_learner", lang, formula=formula)))
    else:
        doc.append(Embed(result.gradient))
        doc.append(Para(say("gc_source_engine", lang, formula=formula)))
    doc.append(Para(say("gc_numeric", lang, h=f"{result.h:g}")))
    yes, no = say("yes", lang), say("no", lang)
    doc.append(
        Table(
            (
                say("col_component", lang),
                say("col_analytic", lang),
                say("col_numeric", lang),
                say("col_relative", lang),
                say("col_agrees", lang),
            ),
            tuple(
                (
                    Math(f"∂f/∂{r.var}", r"\partial f/\partial %s" % latex_str(r.symbol)),
                    Math(f"{r.analytic:.10g}", f"{r.analytic:.10g}"),
                    Math(f"{r.numeric:.10g}", f"{r.numeric:.10g}"),
                    scientific(r.relative_error),
                    yes if r.agrees else no,
                )
                for r in result.rows
            ),
        )
    )
    doc.append(Para(say("gc_relative", lang, error=f"{result.relative_error:.2e}")))
    doc.append(Para(say(_band(result.relative_error), lang)))
    doc.append(Para(say("gc_verdict_ok" if result.ok else "gc_verdict_bad", lang)))
    bad = [r for r in result.rows if not r.agrees]
    if bad:
        doc.append(Para(say("gc_disagree", lang, names=", ".join(f"∂f/∂{r.var}" for r in bad))))
        doc += [
            Para(
                say(
                    "gc_component",
                    lang,
                    var=r.var,
                    analytic=f"{r.analytic:.10g}",
                    numeric=f"{r.numeric:.10g}",
                )
            )
            for r in bad
        ]
    wrong = [r for r in result.rows if r.exact_formula is False]
    doc += [
        Para(
            say(
                "gc_symbolic_wrong",
                lang,
                var=r.var,
                formula=unicode_str(r.formula),
                exact=unicode_str(r.exact),
            )
        )
        for r in wrong
    ]
    if wrong and result.ok:
        doc.append(Para(say("gc_symbolic_lucky", lang)))
    doc.append(check_para(result.verification, lang))
    return doc


def gradcheck_to_text(result: Any, lang: str = "en") -> str:
    return blocks.to_text(gradcheck_document(result, lang), lang)


def gradcheck_to_latex(result: Any, lang: str = "en") -> str:
    return blocks.to_latex(gradcheck_document(result, lang), lang)


def gradcheck_to_markdown(result: Any, lang: str = "en") -> str:
    return blocks.to_markdown(gradcheck_document(result, lang), lang)


def gradcheck_to_dict(result: Any) -> dict[str, Any]:
    return {
        "schema": "symderiv.gradcheck/1",
        "input": {"text": result.source, **expr_dict(result.expr)},
        "variables": [v.name for v in result.vars],
        "point": {v.name: str(c) for v, c in zip(result.vars, result.point, strict=True)},
        "h": result.h,
        "learner_formula": result.learner,
        "ok": result.ok,
        "relative_error": result.relative_error,
        "band": _band(result.relative_error).removeprefix("gc_band_"),
        "rows": [
            {
                "variable": r.var,
                "formula": expr_dict(r.formula),
                "exact": expr_dict(r.exact),
                "exact_formula": r.exact_formula,
                "analytic": r.analytic,
                "numeric": r.numeric,
                "relative_error": r.relative_error,
                "agrees": r.agrees,
            }
            for r in result.rows
        ],
        "disagree": [r.var for r in result.rows if not r.agrees],
        "verification": result.verification.to_dict(),
    }
