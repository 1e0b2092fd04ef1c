"""The labelled answer corpus (tests/data/answers.jsonl): zero wrong answers accepted.

Regenerate with ``python tests/test_grading_corpus.py`` (the engine and the mal-rule book
write most entries; the hand-written ones are in ``HANDWRITTEN``).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).parent / "data" / "answers.jsonl"

FUNCTIONS = [
    "x^2 sin(x)",
    "sin(3x)",
    "cos(x)",
    "cos(x^2)",
    "e^{x^2}",
    "e^{-x}",
    "2^x",
    "3^{2x}",
    "ln(x^2 + 1)",
    "ln(sin(x))",
    "(3x+1)^5",
    "5x^3",
    "x^4 - 3x^2",
    "sqrt(x^2 + 1)",
    "x/(x+1)",
    "(x^2+1)/(x-1)",
    "sin(x)/x",
    "tan(2x)",
    "x e^x",
    "x^2 e^{-x}",
    "sigmoid(x)",
    "sigmoid(2x)",
    "sin(x) cos(x)",
    "e^x sin(x)",
    "ln(x)/x",
    "atan(x^2)",
    "x^3 ln(x)",
    "(x^2 + 1)^{3}",
    "cos(e^x)",
    "7 sin(x^2)",
    "1/(1 + x^2)",
    "x sqrt(x)",
]

HANDWRITTEN: list[tuple[dict[str, Any], str, str, list[str], str]] = [
    # (problem, answer, status, diagnosis, category)
    ({"kind": "derivative", "function": "sin(x)^2"}, r"\sin 2x", "correct", [], "equal_form"),
    ({"kind": "derivative", "function": "sin(x)^2"}, r"2\sin x\cos x", "correct", [], "equal_form"),
    (
        {"kind": "derivative", "function": r"\sigma(x)"},
        r"\frac{e^{-x}}{(1+e^{-x})^2}",
        "correct",
        [],
        "equal_form",
    ),
    (
        {"kind": "derivative", "function": r"\sigma(x)"},
        r"\sigma(x)\left(1-\sigma(x)\right)",
        "correct",
        [],
        "equal_form",
    ),
    ({"kind": "derivative", "function": "(x+1)^3"}, r"3x^2 + 6x + 3", "correct", [], "equal_form"),
    (
        {"kind": "derivative", "function": "x^3 + 3x^2 + 3x"},
        r"3(x+1)^2",
        "correct",
        [],
        "equal_form",
    ),
    ({"kind": "derivative", "function": "ln(x^2)"}, r"\frac{2}{x}", "correct", [], "equal_form"),
    ({"kind": "derivative", "function": "ln(x)"}, r"\frac{1}{|x|}", "correct", [], "equal_form"),
    (
        {"kind": "expression", "expected": "ln(x) + ln(y)", "vars": ["x", "y"]},
        r"\ln(xy)",
        "correct",
        [],
        "equal_form",
    ),
    ({"kind": "expression", "expected": "ln(x^3)"}, r"3\ln x", "correct", [], "equal_form"),
    (
        {"kind": "expression", "expected": "ln(x y)", "vars": ["x", "y"]},
        r"\ln x + \ln y",
        "incorrect",
        [],
        "domain",
    ),
    (
        {"kind": "derivative", "function": "x^2 sin(x)"},
        r"f'(x) = 2x\sin x + x^2\cos x",
        "correct",
        [],
        "equal_form",
    ),
    (
        {"kind": "derivative", "function": "x^2 sin(x)"},
        r"y' = x\left(2\sin x + x\cos x\right)",
        "correct",
        [],
        "equal_form",
    ),
    (
        {"kind": "derivative", "function": "x^2 sin(x)"},
        r"\frac{dy}{dx} = 2x \cdot \sin x + x^{2} \cdot \cos x",
        "correct",
        [],
        "equal_form",
    ),
    ({"kind": "derivative", "function": "e^{2x}"}, r"2\exp(2x)", "correct", [], "equal_form"),
    (
        {"kind": "derivative", "function": "e^{2x}"},
        r"2\mathrm{e}^{2x}",
        "correct",
        [],
        "equal_form",
    ),
    (
        {"kind": "derivative", "function": "e^{2x}"},
        r"\dfrac{4e^{2x}}{2}",
        "correct",
        [],
        "equal_form",
    ),
    (
        {"kind": "derivative", "function": "log(x)/log(2)"},
        r"\frac{1}{x\ln 2}",
        "correct",
        [],
        "equal_form",
    ),
    (
        {"kind": "derivative", "function": "x^2 sin(x)"},
        r"\frac{d}{dx}(x^2 \sin x)",
        "incorrect",
        [],
        "not_an_answer",
    ),
    (
        {"kind": "derivative", "function": "x^2 sin(x)"},
        r"2x \sin x + x^2 \frac{d}{dx}\sin x",
        "incorrect",
        [],
        "not_an_answer",
    ),
    ({"kind": "derivative", "function": "x^2"}, r"2|x|", "incorrect", [], "equal_somewhere"),
    ({"kind": "derivative", "function": "x^3"}, r"x^2 + 2", "incorrect", [], "equal_somewhere"),
    ({"kind": "derivative", "function": "x^2"}, r"2\sqrt{x^2}", "incorrect", [], "equal_somewhere"),
    (
        {"kind": "derivative", "function": "x^2"},
        r"\frac{2x^2}{x} + 10^{-40}",
        "incorrect",
        [],
        "off_by_constant",
    ),
    ({"kind": "derivative", "function": "x^2"}, r"2x\,dx", "invalid", [], "unreadable"),
    ({"kind": "derivative", "function": "x^2"}, r"2X", "invalid", [], "unknown_symbol"),
    ({"kind": "derivative", "function": "x^2"}, r"2t", "invalid", [], "wrong_variable"),
    ({"kind": "derivative", "function": "e^x"}, r"E^x", "invalid", [], "unknown_symbol"),
    ({"kind": "derivative", "function": "x^2"}, r"\frac{2x}{", "invalid", [], "unreadable"),
    ({"kind": "derivative", "function": "x^2"}, r"2x +", "invalid", [], "unreadable"),
    ({"kind": "derivative", "function": "x^2"}, r"\left( 2x", "invalid", [], "unreadable"),
    (
        {"kind": "derivative", "function": "x^2"},
        r"__import__('os').system('true')",
        "invalid",
        [],
        "unreadable",
    ),
    ({"kind": "derivative", "function": "x^2"}, r"(2x, 1)", "invalid", [], "wrong_shape"),
    (
        {"kind": "partial", "function": "x^2 y + y^3", "var": "y"},
        r"x^2 + 3y^2",
        "correct",
        [],
        "equal_form",
    ),
    (
        {"kind": "partial", "function": "x^2 y + y^3", "var": "y"},
        r"2xy",
        "incorrect",
        [],
        "wrong_variable",
    ),
    (
        {"kind": "partial", "function": "x^2 y + y^3", "vars": ["x", "y"]},
        r"2x",
        "correct",
        [],
        "equal_form",
    ),
    (
        {"kind": "partial", "function": "sin(x y)", "var": "x"},
        r"\cos(xy)",
        "incorrect",
        ["chain.missing_inner"],
        "mal_rule",
    ),
    (
        {"kind": "gradient", "function": "x^2 y + sin(y)", "vars": ["x", "y"]},
        r"\begin{pmatrix} 2xy \\ x^2 + \cos y \end{pmatrix}",
        "correct",
        [],
        "equal_form",
    ),
    (
        {"kind": "gradient", "function": "x^2 y + sin(y)", "vars": ["x", "y"]},
        r"(2xy, x^2 + \cos y)",
        "correct",
        [],
        "equal_form",
    ),
    (
        {"kind": "gradient", "function": "x^2 y + sin(y)", "vars": ["x", "y"]},
        r"\nabla f = \left[2xy, x^2 + \cos y\right]",
        "correct",
        [],
        "equal_form",
    ),
    (
        {"kind": "gradient", "function": "x^2 y + sin(y)", "vars": ["x", "y"]},
        r"(2xy, x^2 - \cos y)",
        "incorrect",
        ["trig.sign"],
        "mal_rule",
    ),
    (
        {"kind": "gradient", "function": "x^2 y + sin(y)", "vars": ["x", "y"]},
        r"2xy + x^2 + \cos y",
        "invalid",
        [],
        "wrong_shape",
    ),
    (
        {"kind": "hessian", "function": "x^2 y", "vars": ["x", "y"]},
        r"\begin{bmatrix} 2y & 2x \\ 2x & 0 \end{bmatrix}",
        "correct",
        [],
        "equal_form",
    ),
    (
        {"kind": "hessian", "function": "x^2 y", "vars": ["x", "y"]},
        r"[[2y, 2x], [2x, 0]]",
        "correct",
        [],
        "equal_form",
    ),
    (
        {"kind": "hessian", "function": "x^2 y", "vars": ["x", "y"]},
        r"[[2y, 2x], [2x, 1]]",
        "incorrect",
        [],
        "sign_or_value",
    ),
    (
        {"kind": "jacobian", "functions": ["x y", "x + y"], "vars": ["x", "y"]},
        r"\begin{pmatrix} y & x \\ 1 & 1 \end{pmatrix}",
        "correct",
        [],
        "equal_form",
    ),
    ({"kind": "expression", "expected": "0.5"}, r"\frac{1}{2}", "correct", [], "equal_form"),
    ({"kind": "expression", "expected": "pi/4"}, r"\arctan 1", "correct", [], "equal_form"),
    ({"kind": "derivative", "function": "x^2", "form": "factored"}, r"2x", "correct", [], "form"),
    (
        {"kind": "derivative", "function": "(x+1)^3", "form": "factored"},
        r"3x^2 + 6x + 3",
        "incorrect",
        [],
        "form",
    ),
    ({"kind": "derivative", "function": "x^2", "order": 2}, r"2", "correct", [], "equal_form"),
    (
        {"kind": "derivative", "function": "x^3", "order": 2},
        r"3x^2",
        "incorrect",
        [],
        "sign_or_value",
    ),
]


def _entry(
    n: int, problem: dict, answer: str, status: str, diagnosis: list[str], category: str
) -> dict:
    return {
        "id": f"a{n:04d}",
        "problem": problem,
        "answer": answer,
        "expect": {"status": status, "diagnosis": diagnosis},
        "category": category,
    }


def generate() -> list[dict]:
    """Build the corpus from the engine, the mal-rule book and HANDWRITTEN."""
    import sympy as sp

    import symderiv as sd
    from symderiv.grading.malrules import slips
    from symderiv.render.printers import latex_str as _latex_str

    def latex_str(e: sp.Expr) -> str:
        try:
            return _latex_str(e)
        except TypeError:  # sigmoid(x)**2 does not print to LaTeX yet (functions.py)
            return str(e)

    rows: list[dict] = []

    def add(*args: Any) -> None:
        rows.append(_entry(len(rows) + 1, *args))

    for text in FUNCTIONS:
        problem = {"kind": "derivative", "function": text, "var": "x"}
        f = sd.parse(text)
        x = sp.Symbol("x")
        d = sd.derive(f, x).result
        add(problem, latex_str(d), "correct", [], "engine")
        forms = {latex_str(sp.expand(d)), str(d), latex_str(sp.factor(d))}
        for form in sorted(forms - {latex_str(d)}):
            add(problem, form, "correct", [], "equal_form")
        add(problem, latex_str(-d), "incorrect", [], "sign")
        add(problem, latex_str(d + 1), "incorrect", [], "off_by_constant")
        add(problem, latex_str(2 * d), "incorrect", [], "constant_factor")
        add(problem, latex_str(d.subs(x, sp.Symbol("t"))), "invalid", [], "wrong_variable")
        bad = latex_str(d)
        if "{" in bad:
            add(problem, bad.replace("}", "", 1), "invalid", [], "unreadable")
        seen: set[str] = set()
        for slip in slips(f, (x,)):
            if slip.rule.id in seen:
                continue
            seen.add(slip.rule.id)
            add(problem, latex_str(slip.derivative), "incorrect", [slip.rule.id], "mal_rule")
    for problem, answer, status, diagnosis, category in HANDWRITTEN:
        add(problem, answer, status, diagnosis, category)
    return rows


def load() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]


def test_corpus_size_and_coverage() -> None:
    rows = load()
    assert len(rows) >= 300
    from symderiv.grading.malrules import all_ids

    diagnosed = {d for r in rows for d in r["expect"]["diagnosis"]}
    assert set(all_ids()) - {"quotient.as_quotient"} <= diagnosed | {"quotient.as_quotient"}
    required = {
        "chain.missing_inner",
        "product.as_product",
        "quotient.swapped_numerator",
        "quotient.missing_square",
        "power.on_exponential",
        "exp.power_rule",
        "trig.sign",
        "log.missing_inner",
        "power.exponent_not_lowered",
        "constant.dropped_factor",
        "sigmoid.forgot_one_minus",
    }
    assert required <= diagnosed


@pytest.mark.slow
def test_corpus_verdicts() -> None:
    from symderiv.grading import grade

    rows = load()
    wrong_accepted, mismatched = [], []
    for row in rows:
        verdict = grade(row["problem"], row["answer"])
        want = row["expect"]
        if verdict.correct and want["status"] != "correct":
            wrong_accepted.append((row["id"], row["answer"]))
        if verdict.status != want["status"]:
            mismatched.append((row["id"], row["answer"], verdict.status, want["status"]))
        for rule_id in want["diagnosis"]:
            if rule_id not in verdict.diagnosis:
                mismatched.append((row["id"], row["answer"], verdict.diagnosis, rule_id))
    assert wrong_accepted == []
    assert mismatched == []


if __name__ == "__main__":
    data = generate()
    CORPUS.parent.mkdir(exist_ok=True)
    CORPUS.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in data), encoding="utf-8"
    )
    print(len(data), Counter(r["category"] for r in data))
