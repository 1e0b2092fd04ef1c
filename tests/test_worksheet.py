"""Worksheets: spec loading and its errors, reproducibility, variants, documents, CLI."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

import symderiv as sd
from symderiv.cli.worksheet import add_commands
from symderiv.worksheet import BANKS, WorksheetError, load_spec, worksheet
from symderiv.worksheet.pdf import INSTALL_HINT, TexError, compile_pdf, log_excerpt

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

SPEC = """\
title = "Quiz & review"
course = "Calc_101 {ML}"
date = "2025-03-01"
instructions = "Show 100% of your work; $5 bonus."

[[sections]]
title = "Warm-up"

[[sections.problems]]
function = "x^2 sin(x)"
points = 4

[[sections.problems]]
bank = "chain-rule"
count = 3
difficulty = 2

[[sections]]
title = "Losses"

[[sections.problems]]
bank = "ml-functions"
count = 2
difficulty = 3
"""


def error_for(text: str) -> WorksheetError:
    with pytest.raises(WorksheetError) as info:
        worksheet(text)
    return info.value


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# -- spec ---------------------------------------------------------------------------------


def test_spec_loads_from_text_dict_and_path(tmp_path):
    path = tmp_path / "quiz.toml"
    path.write_text(SPEC, encoding="utf-8")
    from_text, from_path = load_spec(SPEC), load_spec(path)
    assert from_text.title == from_path.title == "Quiz & review"
    assert from_path.source == str(path)
    assert [len(s.problems) for s in from_text.sections] == [2, 1]
    explicit, bank = from_text.sections[0].problems
    assert (explicit.function, explicit.points, explicit.order) == ("x^2 sin(x)", 4, 1)
    assert (bank.bank, bank.count, bank.difficulty, bank.points) == ("chain-rule", 3, 2, 5)
    as_dict = load_spec({"sections": [{"problems": [{"function": "x^3"}]}]})
    assert as_dict.sections[0].problems[0].function == "x^3"


def test_unknown_bank_names_the_line():
    text = SPEC.replace('bank = "chain-rule"', 'bank = "chian-rule"')
    error = error_for(text)
    assert error.line == line_of(text, "chian-rule")
    assert "unknown bank 'chian-rule'" in str(error) and "chain-rule" in str(error)
    assert str(error).startswith(f"line {error.line}: ")


def test_bad_function_names_the_line():
    text = SPEC.replace('function = "x^2 sin(x)"', 'function = "x^2 sin(x"')
    error = error_for(text)
    assert error.line == line_of(text, 'sin(x"')
    assert "bad function" in str(error)


def test_unknown_kind_names_the_line():
    text = SPEC.replace("points = 4", 'points = 4\nkind = "integral"')
    error = error_for(text)
    assert error.line == line_of(text, "integral")
    assert "unknown kind 'integral'" in str(error)


def test_missing_function_or_bank_names_the_problem():
    text = SPEC.replace('function = "x^2 sin(x)"\n', "")
    error = error_for(text)
    assert error.line == 9  # the [[sections.problems]] header of the problem
    assert "exactly one of 'function' or 'bank'" in str(error)


@pytest.mark.parametrize(
    ("change", "needle", "message"),
    [
        (("count = 3", "count = 0"), "count = 0", "'count' must be a whole number from 1"),
        (("difficulty = 2", "difficulty = 9"), "difficulty = 9", "'difficulty'"),
        (('date = "2025-03-01"', 'date = "x"\ncolour = 3'), "colour", "unknown key 'colour'"),
        (("points = 4", 'points = 4\nvar = "q"'), 'var = "q"', "variable 'q' does not occur"),
    ],
)
def test_other_spec_errors_name_the_line(change, needle, message):
    text = SPEC.replace(*change)
    error = error_for(text)
    assert message in str(error)
    assert error.line == line_of(text, needle)


def test_toml_syntax_error_and_missing_file(tmp_path):
    error = error_for('title = "x"\n[[sections]\n')
    assert error.line == 2 and "not valid TOML" in str(error)
    with pytest.raises(WorksheetError, match="cannot read the spec"):
        worksheet(tmp_path / "absent.toml")
    assert issubclass(WorksheetError, sd.SymderivError)


def test_ambiguous_variable_asks_for_var():
    error = error_for('[[sections]]\n[[sections.problems]]\nfunction = "x y^2"\n')
    assert error.line == 3 and "var =" in str(error)


# -- generation ---------------------------------------------------------------------------


def test_problems_carry_expected_answers_and_derivations():
    ws = worksheet(SPEC, seed=3)
    assert [p.id for p in ws.problems] == ["1", "2a", "2b", "2c", "3a", "3b"]
    first = ws.problems[0]
    x = sp.Symbol("x")
    assert first.expected == x**2 * sp.cos(x) + 2 * x * sp.sin(x)
    assert first.derivation.rule_ids[0] == "product"
    assert all(p.verified for p in ws.problems)
    assert ws.total_points == 4 + 3 * 5 + 2 * 5
    assert {p.kind for p in ws.problems[4:]} == {"partial"}
    assert {p.var for p in ws.problems[4:]} <= {"w_1", "w_2", "b"}


def test_answers_are_json_in_the_grader_format():
    ws = worksheet(SPEC, seed=3)
    answers = json.loads(json.dumps(ws.answers()))
    assert answers[0]["problem"] == {
        "kind": "derivative",
        "function": "x^2 sin(x)",
        "var": "x",
        "order": 1,
    }
    for entry, problem in zip(answers, ws.problems, strict=True):
        assert entry["id"] == problem.id and entry["verified"] is True
        # Both the function and the expected answer read back through the safe parser.
        assert sd.parse(entry["problem"]["function"]) == problem.expr
        assert sp.simplify(sd.parse(entry["expected"]) - problem.expected) == 0


def test_same_seed_gives_byte_identical_tex():
    one, two = worksheet(SPEC, seed=42), worksheet(SPEC, seed=42)
    assert one.to_latex() == two.to_latex()
    assert one.to_latex(key=True) == two.to_latex(key=True)
    assert one.to_markdown(key=True) == two.to_markdown(key=True)


def test_same_seed_is_identical_across_processes(tmp_path):
    code = (
        "from symderiv.worksheet import worksheet; import sys; "
        "sys.stdout.write(worksheet(sys.argv[1], seed=42, variant=1).to_latex(key=True))"
    )
    outputs = []
    for hashseed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hashseed}
        done = subprocess.run(
            [sys.executable, "-c", code, str(EXAMPLES / "chain-rule.toml")],
            capture_output=True,
            check=True,
            env=env,
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0] == worksheet(EXAMPLES / "chain-rule.toml", 42, 1).to_latex(key=True).encode()


def test_variants_and_seeds_differ():
    a, b = worksheet(SPEC, seed=42, variant=0), worksheet(SPEC, seed=42, variant=1)
    other = worksheet(SPEC, seed=43, variant=0)
    assert a.letter == "A" and b.letter == "B"
    assert [p.function for p in a.problems] != [p.function for p in b.problems]
    assert [p.function for p in a.problems] != [p.function for p in other.problems]
    # Explicit problems are the same in every variant.
    assert a.problems[0].function == b.problems[0].function == "x^2 sin(x)"


def test_global_random_state_is_untouched():
    import random

    random.seed(5)
    expected = random.random()
    random.seed(5)
    worksheet(SPEC, seed=1)
    assert random.random() == expected


def test_bank_that_cannot_fill_the_request_says_so(monkeypatch):
    from symderiv.worksheet import banks

    bank = BANKS["chain-rule"]
    monkeypatch.setitem(
        banks.BANKS,
        "chain-rule",
        banks.Bank(
            bank.name,
            bank.kind,
            bank.title_en,
            bank.title_ko,
            lambda rng, d: banks.Draft(sp.sin(sp.Symbol("x"))),
        ),
    )
    error = error_for(SPEC)
    assert "could not produce 3 distinct well-posed problems" in str(error)
    assert error.line == line_of(SPEC, 'bank = "chain-rule"')


# -- documents ----------------------------------------------------------------------------


def test_latex_sheet_and_key():
    ws = worksheet(SPEC, seed=42)
    sheet, key = ws.to_latex(), ws.to_latex(key=True)
    assert sheet.startswith("\\documentclass[11pt,addpoints]{exam}")
    assert "answers]{exam}" in key
    for doc in (sheet, key):
        assert "\\gradetable[h][questions]" in doc
        assert "Variant A, seed 42" in doc
        assert "Name:" in doc and "Date:" in doc
        assert "\\tracinglostchars=3" in doc
        # Text is escaped; formulas are not.
        assert "Quiz \\& review" in doc and "Calc\\_101 \\{ML\\}" in doc
        assert "100\\% of your work; \\$5 bonus." in doc
        assert "\\question[4] Differentiate $f(x) = x^{2} \\sin{\\left(x \\right)}$" in doc
        assert "\\begin{parts}" in doc and doc.count("\\part[5]") == 5
    assert "\\vspace{\\workspace}" in sheet and "\\begin{solution}" not in sheet
    # One align* per worked solution, plus one per answer too long for a line.
    long_answers = key.count("\\textbf{Answer:} \\begin{align*}")
    assert key.count("\\begin{solution}") == 6
    assert key.count("\\begin{align*}") == 6 + long_answers
    assert key.count("\\checkmark$~verified numerically") == 6
    assert "product rule" in key and ws.engine == "pdflatex"


def test_korean_document_uses_kotex_and_korean_labels():
    ws = worksheet(SPEC, seed=42, lang="ko")
    key = ws.to_latex(key=True)
    assert ws.engine == "xelatex"
    assert "\\usepackage{kotex}" in key
    assert "\\IfFontExistsTF{NanumMyeongjo}{\\setmainhangulfont{NanumMyeongjo}}{}" in key
    assert "\\hqword{문제}" in key and "\\pointpoints{점}{점}" in key
    assert "유형 A, 시드 42" in key and "이름:" in key and "날짜:" in key
    assert "$을(를) $x$에 대하여 미분하시오." in key
    assert "곱의 법칙" in key and "수치 검증 완료" in key


def test_markdown_export():
    ws = worksheet(SPEC, seed=42)
    sheet, key = ws.to_markdown(), ws.to_markdown(key=True)
    assert sheet.startswith("# Quiz & review\n")
    assert "Calc\\_101 {ML}" in sheet
    assert "**1.** (4 points) Differentiate $f(x) = x^{2} \\sin{\\left(x \\right)}$" in sheet
    assert "Name: ____" in sheet and "verified" not in sheet
    assert key.count("✓ verified numerically") == 6 and "| product rule |" in key


def test_examples_load_and_generate():
    for path in sorted(EXAMPLES.glob("*.toml")):
        ws = worksheet(path, seed=1)
        assert ws.problems and all(p.verified for p in ws.problems), path
    assert worksheet(EXAMPLES / "mixed-ko.toml").engine == "xelatex"


# -- CLI ----------------------------------------------------------------------------------


def run_cli(argv: list[str]) -> int:
    from symderiv import cli

    parser = cli.build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "worksheet" not in subparsers.choices:
        add_commands(subparsers)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except sd.SymderivError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return cli.EXIT_BAD_INPUT


def test_cli_writes_every_variant(tmp_path, capsys):
    spec = tmp_path / "quiz.toml"
    spec.write_text(SPEC, encoding="utf-8")
    code = run_cli(
        ["worksheet", str(spec), "--seed", "42", "--variants", "2", "-o", str(tmp_path / "out")]
    )
    assert code == 0
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [
        "answers-A.json",
        "answers-B.json",
        "key-A.tex",
        "key-B.tex",
        "sheet-A.tex",
        "sheet-B.tex",
    ]
    assert (tmp_path / "out" / "key-B.tex").read_text() == worksheet(
        SPEC, seed=42, variant=1
    ).to_latex(key=True)
    answers = json.loads((tmp_path / "out" / "answers-A.json").read_text())
    assert answers[0]["problem"]["function"] == "x^2 sin(x)"
    assert "A: 6 problems, 29 points" in capsys.readouterr().out


def test_cli_markdown_and_errors(tmp_path, capsys):
    spec = tmp_path / "quiz.toml"
    spec.write_text(SPEC.replace('"chain-rule"', '"chains"'), encoding="utf-8")
    assert run_cli(["worksheet", str(spec), "-o", str(tmp_path)]) == 2
    assert f"{spec}:14: unknown bank 'chains'" in capsys.readouterr().err
    code = run_cli(
        [
            "worksheet",
            str(EXAMPLES / "ml-functions.toml"),
            "--format",
            "markdown",
            "--lang",
            "ko",
            "-o",
            str(tmp_path / "md"),
        ]
    )
    assert code == 0
    assert "을(를)" in (tmp_path / "md" / "sheet-A.md").read_text()
    assert run_cli(["worksheet", str(spec), "--format", "markdown", "--pdf", "-o", "x"]) == 2


# -- PDF plumbing (no TeX needed) ---------------------------------------------------------


def test_missing_tex_gives_the_install_command(tmp_path, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(TexError, match="xelatex was not found") as info:
        worksheet(SPEC, lang="ko").build_pdf(tmp_path)
    assert INSTALL_HINT in str(info.value) and "apt-get install" in str(info.value)
    assert (tmp_path / "sheet-A.tex").exists()  # the .tex never needs TeX


def test_log_excerpt_picks_the_error_lines():
    log = "This is pdfTeX\n(./a.tex\n! Undefined control sequence.\nl.12 \\foo\n\n" + (
        "more\n" * 10
    )
    excerpt = log_excerpt(log, after=2)
    assert excerpt.splitlines()[:2] == ["! Undefined control sequence.", "l.12 \\foo"]
    assert "This is pdfTeX" not in excerpt


def test_compile_pdf_rejects_unknown_engines(tmp_path):
    with pytest.raises(TexError, match="unknown TeX engine"):
        compile_pdf(tmp_path / "a.tex", "lualatex")


def test_grader_accepts_every_expected_answer():
    grading = pytest.importorskip("symderiv.grading", reason="the grader has not landed")
    for entry in worksheet(EXAMPLES / "ml-functions.toml", seed=3).answers():
        assert grading.grade(entry["problem"], entry["expected"]).correct, entry["id"]
