"""Worksheet kinds beyond one derivative: gradient, hessian, critical points, Taylor, backprop."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import sympy as sp

import symderiv as sd
from symderiv.worksheet import BANKS, WorksheetError, worksheet
from symderiv.worksheet.pdf import overfull_boxes

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NEW_BANKS = ("gradients", "hessian-classification", "taylor")

SPEC = """\
title = "Several variables"

[[sections]]
title = "Explicit"

[[sections.problems]]
function = "x^2 y + 3 y^2"
kind = "gradient"

[[sections.problems]]
function = "x^2 y + 3 y^2"
kind = "gradient"
at = { x = 1, y = 2 }

[[sections.problems]]
function = "x^3 - 3x + y^2"
kind = "hessian"
at = { x = 1, y = 0 }

[[sections.problems]]
function = "x^3 - 3x + y^2 - 2y"
kind = "critical_points"

[[sections.problems]]
function = "ln(x)"
kind = "taylor"
at = 1
order = 3

[[sections.problems]]
function = "(w x + b - y)^2/2"
kind = "backprop"
wrt = ["w", "b"]
at = { w = 1, x = 2, b = 0, y = 1 }
"""

x, y = sp.symbols("x y")


def error_for(text: str) -> WorksheetError:
    with pytest.raises(WorksheetError) as info:
        worksheet(text)
    return info.value


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_explicit_problems_of_every_new_kind():
    ws = worksheet(SPEC, seed=1)
    kinds = [p.kind for p in ws.problems]
    assert kinds == ["gradient", "gradient", "hessian", "critical_points", "taylor", "backprop"]
    assert all(p.verified for p in ws.problems)
    grad, grad_at, hess, cps, tay, bp = ws.problems
    assert list(grad.expected) == [2 * x * y, x**2 + 6 * y]
    assert list(grad_at.expected) == [4, 13]
    assert hess.expected == "minimum" and hess.result.minors == (6, 12)
    assert cps.expected == (((-1, 1), "saddle"), ((1, 1), "minimum"))
    assert sp.expand(tay.expected - (x - 1) + (x - 1) ** 2 / 2 - (x - 1) ** 3 / 3) == 0
    assert bp.expected == {"w": 2, "b": 1}


def test_answers_use_the_grader_problem_format():
    answers = json.loads(json.dumps(worksheet(SPEC, seed=1).answers()))
    problems = [a["problem"] for a in answers]
    assert problems[0] == {"kind": "gradient", "function": "x^2 y + 3 y^2", "vars": ["x", "y"]}
    assert problems[1]["point"] == {"x": 1, "y": 2} and answers[1]["expected"] == ["4", "13"]
    assert "at" not in problems[1]
    assert problems[2] == {
        "kind": "classification",
        "function": "x^3 - 3x + y^2",
        "vars": ["x", "y"],
        "point": {"x": 1, "y": 0},
    }
    assert answers[2]["expected"] == "minimum" and answers[2]["eigenvalues"] == ["2", "6"]
    assert problems[3] == {
        "kind": "critical_points",
        "function": "x^3 - 3x + y^2 - 2y",
        "vars": ["x", "y"],
    }
    assert answers[3]["expected"][0] == {"point": {"x": "-1", "y": "1"}, "kind": "saddle"}
    assert problems[4] == {"kind": "taylor", "function": "ln(x)", "var": "x", "at": 1, "order": 3}
    # backprop is graded as the gradient of the loss in its inputs, at the point; the other
    # inputs' values are put into the function and the question as set stays in "source".
    assert problems[5] == {
        "kind": "gradient",
        "function": "(b + 2*w - 1)^2/2",
        "vars": ["w", "b"],
        "point": {"w": 1, "b": 0},
    }
    assert answers[5]["expected"] == ["2", "1"]
    source = answers[5]["source"]
    assert source["kind"] == "backprop" and source["wrt"] == ["w", "b"]
    assert source["function"] == "(w x + b - y)^2/2" and source["expected"] == {"w": "2", "b": "1"}
    assert source["at"] == {"w": 1, "x": 2, "b": 0, "y": 1}
    assert all(a["verified"] for a in answers)


def test_backprop_answer_with_defs_is_a_gradient_in_the_inputs():
    entry = next(
        a
        for a in worksheet(EXAMPLES / "multivariate.toml", seed=1).answers()
        if a["source"]["kind"] == "backprop"
    )
    problem = entry["problem"]
    assert set(problem) == {"kind", "function", "vars"} and problem["kind"] == "gradient"
    assert "sigmoid" in problem["function"] and problem["vars"] == ["w", "b"]
    # The defs (a, z) are substituted: the function is in the inputs alone.
    assert {s.name for s in sd.parse(problem["function"]).free_symbols} == {"w", "b", "x", "y"}
    assert entry["source"]["defs"] == {"a": "sigmoid(z)", "z": "w x + b"}
    assert entry["source"]["expected"] == {"w": "x*(a - y)", "b": "a - y"}
    assert sd.grade(problem, r"(x(\sigma(w x + b) - y), \sigma(w x + b) - y)").correct


def _student_answers(entry: dict) -> list[str]:
    """The entry's expected answer as a student would write it: its LaTeX and plain text."""
    kind, expected = entry["problem"]["kind"], entry["expected"]
    out = []
    if kind != "classification":  # its LaTeX shows the Hessian too; the answer is one word
        out.append(entry["expected_latex"])
    if isinstance(expected, str):
        out.append(expected)
    elif kind == "critical_points":
        out.append(
            "; ".join("({}) {}".format(", ".join(p["point"].values()), p["kind"]) for p in expected)
            or "none"
        )
    else:
        out.append("(" + ", ".join(expected) + ")")
    return out


@pytest.mark.parametrize("name", ["multivariate.toml", "chain-rule.toml"])
@pytest.mark.parametrize("seed", [1, 7])
def test_every_answer_entry_is_graded_correct(name: str, seed: int):
    answers = json.loads(json.dumps(worksheet(EXAMPLES / name, seed=seed).answers()))
    for entry in answers:
        problem = sd.grading.Problem.from_dict(entry["problem"])  # grader fields only
        assert problem.to_dict()["kind"] == entry["problem"]["kind"]
        for answer in _student_answers(entry):
            verdict = sd.grade(entry["problem"], answer)
            assert verdict.correct, (entry["id"], answer, verdict.feedback)


def test_grader_accepts_the_gradient_answer():
    grading = pytest.importorskip("symderiv.grading")
    entry = worksheet(SPEC, seed=1).answers()[0]
    assert grading.grade(entry["problem"], "(2 x y, x^2 + 6 y)").correct


def test_statements_in_english_and_korean():
    en = worksheet(SPEC, seed=1)
    ko = worksheet(SPEC, seed=1, lang="ko")
    texts = [p.statement("en")[0] for p in en.problems]
    assert texts[0].startswith("Find the gradient $\\nabla f$ of $f(x, y) = ")
    assert "is a critical point of" in texts[2] and "Find every critical point" in texts[3]
    assert "Taylor polynomial $T_{3}(x)$ of order 3" in texts[4] and "about $x = 1$" in texts[4]
    assert texts[5].startswith("Use backpropagation to find")
    kos = [p.statement("ko")[0] for p in ko.problems]
    assert "의 그래디언트 $\\nabla f$을(를) 구하시오." in kos[0]
    assert "이(가) 임계점임을 확인하고" in kos[2]
    assert "임계점을 모두 구하고" in kos[3]
    assert "3차 테일러 다항식 $T_{3}(x)$을(를) 구하시오." in kos[4]
    assert "역전파로" in kos[5] and "을(를) 구하시오." in kos[5]


def test_key_latex_and_markdown():
    ws = worksheet(SPEC, seed=1)
    key, sheet = ws.to_latex(key=True), ws.to_latex()
    assert key.count("\\checkmark$~verified numerically") == 6
    assert "\\begin{solution}" not in sheet and sheet.count("\\question[5]") == 6
    assert "\\text{local minimum}" in key and "Second-derivative test" in key
    assert "T_{3}(x) = (x - 1) - \\frac{\\left(x - 1\\right)^{2}}{2}" in key
    assert all(ord(ch) < 128 for ch in key)  # pdflatex-safe: ∇, λ, ₂ became commands
    md = ws.to_markdown(key=True)
    assert md.count("✓ verified numerically") == 6 and "$\\nabla f(1, 2)" in md
    ko = worksheet(SPEC, seed=1, lang="ko").to_latex(key=True)
    assert "\\text{극소}" in ko and "\\text{안장점}" in ko


def test_same_seed_is_byte_identical_and_variants_differ():
    spec = EXAMPLES / "multivariate.toml"
    one, two = worksheet(spec, seed=5), worksheet(spec, seed=5)
    assert one.to_latex(key=True) == two.to_latex(key=True)
    assert one.to_markdown(key=True) == two.to_markdown(key=True)
    other = worksheet(spec, seed=5, variant=1)
    assert [p.function for p in one.problems] != [p.function for p in other.problems]


@pytest.mark.parametrize(
    ("change", "needle", "message"),
    [
        (('kind = "critical_points"', 'kind = "critical_point"'), "critical_point", "unknown kind"),
        (("order = 3", "order = 30"), "order = 30", "'order' must be a whole number from 0 to 8"),
        (
            ("at = { x = 1, y = 0 }", "at = { x = 1 }"),
            "at = { x = 1 }",
            "'at' must give a value for each of x, y",
        ),
        (("at = { x = 1, y = 2 }", 'at = { x = 1, y = "q" }'), 'y = "q"', "must be a real number"),
        (("at = 1\n", 'at = 1\nvars = ["x"]\n'), 'vars = ["x"]', "'vars' does not apply"),
        (
            ('kind = "critical_points"', 'kind = "critical_points"\norder = 2'),
            "order = 2",
            "'order' does not apply to kind 'critical_points'",
        ),
        (
            ('kind = "gradient"\n\n', 'kind = "gradient"\nvars = ["x", "z"]\n\n'),
            'vars = ["x", "z"]',
            "variable 'z' does not occur",
        ),
        (
            ('wrt = ["w", "b"]', 'wrt = ["w", "q"]'),
            'wrt = ["w", "q"]',
            "'wrt' names q, not an input",
        ),
        (
            ("at = { w = 1, x = 2, b = 0, y = 1 }", "at = { w = 1, x = 2 }"),
            "at = { w = 1, x = 2 }",
            "every input of the graph (missing b, y)",
        ),
    ],
)
def test_spec_errors_for_new_kinds_name_the_line(change, needle, message):
    assert change[0] in SPEC
    text = SPEC.replace(*change, 1)
    error = error_for(text)
    assert message in str(error)
    assert error.line == line_of(text, needle)


def test_hessian_needs_a_point_and_a_critical_one():
    text = SPEC.replace("at = { x = 1, y = 0 }\n", "")
    error = error_for(text)
    assert "needs the point" in str(error)
    text = SPEC.replace("at = { x = 1, y = 0 }", "at = { x = 2, y = 0 }")
    error = error_for(text)
    assert "cannot set (hessian)" in str(error) and error.line == line_of(text, 'x^3 - 3x + y^2"')


def test_bank_problems_reject_kind_keys():
    error = error_for('[[sections]]\n[[sections.problems]]\nbank = "taylor"\nat = 1\n')
    assert error.line == 4 and "'at' does not apply to a bank problem" in str(error)


@pytest.mark.parametrize("bank", NEW_BANKS)
def test_new_bank_quick_draw(bank):
    for difficulty in (1, 2, 3):
        spec = {"sections": [{"problems": [{"bank": bank, "count": 4, "difficulty": difficulty}]}]}
        problems = worksheet(spec, seed=difficulty).problems
        assert all(p.verified for p in problems)
        assert len({p.function for p in problems}) == 4
        assert {p.kind for p in problems} == {BANKS[bank].kind}


def _well_posed(p) -> bool:
    if not p.verified:
        return False
    if p.kind == "gradient":
        values = list(p.expected)
        if p.at:
            return all(v.is_Rational and abs(v) <= 60 for v in values) and any(values)
        return all(v != 0 for v in values)
    if p.kind == "hessian":
        # The point is critical, and the test decides on the Hessian alone.
        grad = sd.gradient(p.function, list(p.vars)).at(p.point)
        return all(g == 0 for g in grad) and p.result.hessian_kind == p.expected
    if p.kind == "taylor":
        # The polynomial agrees with SymPy's series.
        v = sp.Symbol(p.var)
        a = p.point[p.var]
        series = sp.series(p.expr, v, a, p.order + 1).removeO()
        return sp.simplify(sp.expand(series - p.expected)) == 0
    return False


@pytest.mark.slow
@pytest.mark.parametrize("bank", NEW_BANKS)
def test_new_bank_gives_50_well_posed_problems(bank):
    start = time.monotonic()
    entries = [
        {"bank": bank, "count": n, "difficulty": d} for d, n in {1: 17, 2: 17, 3: 16}.items()
    ]
    problems = worksheet({"sections": [{"problems": entries}]}, seed=7).problems
    assert len(problems) == 50
    assert len({sp.srepr(p.expr) for p in problems}) == 50
    bad = [p.function for p in problems if not _well_posed(p)]
    assert not bad
    assert time.monotonic() - start < 60


def test_example_generates_and_verifies():
    ws = worksheet(EXAMPLES / "multivariate.toml", seed=1)
    assert len(ws.problems) == 11 and all(p.verified for p in ws.problems)
    assert {p.kind for p in ws.problems} == {
        "gradient",
        "hessian",
        "critical_points",
        "taylor",
        "backprop",
    }


# -- PDF ----------------------------------------------------------------------------------


def needs(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (CI installs TeX Live)")


def pdf_text(pdf: Path) -> str:
    """The PDF's text; fails when a line of it sticks out of the page (issue 16 item 14)."""
    log = pdf.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    assert overfull_boxes(log) == [], f"{pdf.name} has lines wider than the page"
    done = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(done.stdout.split())


@pytest.mark.tex
def test_english_pdf_with_the_new_kinds(tmp_path):
    needs("pdflatex", "latexmk", "pdftotext")
    ws = worksheet(SPEC, seed=1)
    sheet = pdf_text(ws.build_pdf(tmp_path))
    key = pdf_text(ws.build_pdf(tmp_path, key=True))
    for text in (sheet, key):
        assert "Find the gradient" in text and "is a critical point of" in text
        assert "Find every critical point" in text and "Taylor polynomial" in text
        assert "Use backpropagation" in text
    assert key.count("verified numerically") == 6
    assert "local minimum" in key and "saddle point" in key


@pytest.mark.tex
@pytest.mark.slow
def test_korean_pdf_with_the_new_kinds(tmp_path):
    needs("xelatex", "latexmk", "pdftotext")
    ws = worksheet(EXAMPLES / "multivariate.toml", seed=2, lang="ko")
    key = pdf_text(ws.build_pdf(tmp_path, key=True))
    assert (
        "그래디언트" in key
        and "기울기" not in key
        and "임계점임을 확인하고" in key
        and "테일러 다항식" in key
    )
    assert "역전파로" in key and "을(를) 구하시오" in key
    assert key.count("수치 검증 완료") == len(ws.problems)
    assert "극소" in key and "안장점" in key


@pytest.mark.slow
@pytest.mark.parametrize("bank", NEW_BANKS)
def test_new_generators_rarely_need_a_retry(bank):
    import random

    from symderiv.worksheet.build import _well_posed as posed

    generator = BANKS[bank]
    for difficulty in (1, 2, 3):
        rng = random.Random(f"test:{bank}:{difficulty}")
        results = [
            posed(generator.generate(rng, difficulty), generator.max_ops[difficulty - 1])
            for _ in range(20)
        ]
        assert sum(r is not None for r in results) >= 14, (bank, difficulty)
