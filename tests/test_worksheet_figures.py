"""Worksheet problems with figures (issue 12 item 3): the spec's figure key, the slope and
saddle kinds and their banks, figures written beside the documents, PDFs built with them."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import sympy as sp

pytest.importorskip("matplotlib")

from symderiv.grading import grade
from symderiv.parsing import parse
from symderiv.worksheet import BANKS, WorksheetError, worksheet
from symderiv.worksheet.build import _from_bank
from symderiv.worksheet.figures import figure_name
from symderiv.worksheet.pdf import overfull_boxes
from symderiv.worksheet.spec import ProblemSpec

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
x, y = sp.symbols("x y")

SMALL = """
title = "Figures"
[[sections]]
[[sections.problems]]
function = "x^2 - 2x"
kind = "slope"
at = 2
[[sections.problems]]
function = "x^3 - 3x + y^2"
kind = "saddle"
[[sections.problems]]
function = "sin(x)"
kind = "taylor"
order = 3
figure = "taylor"
"""


def gids(fig) -> set[str]:
    return {a.get_gid() for a in fig.findobj() if a.get_gid()}


def texts(fig) -> str:
    from matplotlib.text import Text

    return " ".join(t.get_text() for t in fig.findobj(Text))


# -- the spec --------------------------------------------------------------------------


def spec_with(problem: str) -> str:
    return f'title = "T"\n[[sections]]\n[[sections.problems]]\n{problem}\n'


@pytest.mark.parametrize(
    ("problem", "message", "line"),
    [
        ('function = "x^2"\nfigure = "pie"', "unknown figure 'pie'", 5),
        ('function = "x^2"\nfigure = "contour"', "a contour figure does not fit a derivative", 5),
        ('function = "x^2"\nfigure = "tangent"', "needs the point: at = 1", 5),
        (
            'function = "x y z"\nkind = "critical_points"\nfigure = "contour"',
            "a contour figure needs a function of two variables, not 3",
            6,
        ),
        ('bank = "chain-rule"\nfigure = "tangent"', "does not fit this bank's problems", 5),
        ('function = "x^2"\norder = 2\nfigure = "tangent"\nat = 1', "first derivative", 5),
        (
            'bank = "hessian-classification"\ndifficulty = 3\nfigure = "contour"',
            "difficulty 3 of this bank has three",
            6,
        ),
    ],
)
def test_spec_rejects_figures_that_do_not_fit(problem, message, line):
    with pytest.raises(WorksheetError) as info:
        worksheet(spec_with(problem))
    assert message in str(info.value) and info.value.line == line


def test_explicit_slope_and_saddle_problems_are_checked():
    with pytest.raises(WorksheetError, match="no real value at x = -1"):
        worksheet(spec_with('function = "ln(x)"\nkind = "slope"\nat = -1'))
    # x^3 - 3x + y^3 - 3y has two saddles: "which point is the saddle" has no single answer.
    with pytest.raises(WorksheetError, match="exactly one saddle point"):
        worksheet(spec_with('function = "x^3 - 3x + y^3 - 3y"\nkind = "saddle"'))


def test_slope_and_saddle_carry_their_figures_and_answers():
    ws = worksheet(SMALL)
    slope, saddle, taylor = ws.problems
    assert (slope.figure, saddle.figure, taylor.figure) == ("tangent", "contour", "taylor")
    assert slope.expected == 2  # d/dx (x^2 - 2x) = 2x - 2 at 2
    assert saddle.expected == "A"  # (-1, 0) is the saddle, lettered first (left to right)
    answers = ws.answers()
    assert answers[0]["problem"] == {"kind": "expression", "expected": "2", "vars": []}
    assert answers[0]["source"]["at"] == 2 and answers[0]["source"]["figure"] == "tangent"
    assert answers[1]["problem"] == {"kind": "expression", "expected": "A", "vars": ["A", "B"]}
    assert answers[1]["source"]["choices"] == {
        "A": {"point": {"x": "-1", "y": "0"}, "kind": "saddle"},
        "B": {"point": {"x": "1", "y": "0"}, "kind": "minimum"},
    }
    assert answers[1]["expected_latex"] == r"\text{A} = \left(-1, 0\right),\ \text{saddle point}"
    tex, _ = slope.statement()
    assert "Read the slope of the tangent from the graph" in tex and "$f'(2)$" in tex
    assert "Which point is the saddle point?" in saddle.statement()[0]
    assert "어느 점이 안장점입니까?" in saddle.statement("ko")[0]


def test_answers_json_of_slope_and_saddle_grades():
    ws = worksheet(SMALL)
    slope, saddle = ws.answers()[:2]
    assert grade(slope["problem"], "2").status == "correct"
    assert grade(slope["problem"], "2.0").status == "correct"
    assert grade(slope["problem"], "3").status == "incorrect"
    assert grade(saddle["problem"], "A").status == "correct"
    assert grade(saddle["problem"], "B").status == "incorrect"


# -- the banks ---------------------------------------------------------------------------


def draw(bank: str, difficulty: int, count: int, seed: int):
    entry = ProblemSpec(kind=BANKS[bank].kind, bank=bank, count=count, difficulty=difficulty)
    from symderiv.worksheet.spec import DEFAULT_FIGURES

    entry = ProblemSpec(**{**entry.__dict__, "figure": DEFAULT_FIGURES[entry.kind]})
    return _from_bank(entry, random.Random(seed), set(), 1, None)


@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_read_slope_bank_answers_are_the_derivative_at_the_point(difficulty):
    problems = draw("read-slope", difficulty, 4, seed=difficulty)
    assert len(problems) == 4
    for p in problems:
        f = parse(p.function)
        a = parse(p.at[0][1])
        exact = sp.simplify(sp.diff(f, x).subs(x, a))
        assert sp.simplify(p.expected - exact) == 0 and exact != 0
        assert p.figure == "tangent" and p.verified
        answer = p.to_answer()
        assert sp.simplify(parse(answer["problem"]["expected"]) - exact) == 0
        assert grade(answer["problem"], answer["expected"]).status == "correct"


@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_find_saddle_bank_letter_is_the_saddle(difficulty):
    from symderiv.plot.problems import lettered_points

    problems = draw("find-saddle", difficulty, 3, seed=10 + difficulty)
    for p in problems:
        f = parse(p.function)
        h = sp.hessian(f, (x, y))
        points = lettered_points(p.result)
        assert 2 <= len(points) <= 4
        # Each lettered point is a critical point; the determinant of the Hessian is
        # negative exactly at the answer's letter.
        saddles = []
        for q in points:
            exact = {x: sp.nsimplify(q.coordinates[0]), y: sp.nsimplify(q.coordinates[1])}
            assert [sp.diff(f, v).subs(exact) for v in (x, y)] == [0, 0]
            if h.subs(exact).det() < 0:
                saddles.append(q.letter)
        assert saddles == [p.expected]
        answer = p.to_answer()
        assert answer["source"]["choices"][p.expected]["kind"] == "saddle"
        wrong = next(q.letter for q in points if q.letter != p.expected)
        assert grade(answer["problem"], p.expected).status == "correct"
        assert grade(answer["problem"], wrong).status == "incorrect"


# -- the documents and the figure files --------------------------------------------------


def test_latex_includes_the_figures_and_markdown_references_svg():
    ws = worksheet(SMALL, seed=2, variant=1)
    sheet, key = ws.to_latex(), ws.to_latex(key=True)
    for n in ("1", "2", "3"):
        assert f"\\includegraphics{{fig-B-{n}.pdf}}" in sheet
        assert f"\\includegraphics{{fig-B-{n}-key.pdf}}" in key
        assert f"fig-B-{n}-key" not in sheet
    assert "\\usepackage{graphicx}" in sheet
    assert "\\textbf{Figure 1.} The graph of $f$ and its tangent line at $x = 2$." in sheet
    assert "\\textbf{Figure 2.} Contours of $f$ with $-\\nabla f$; each critical" in key
    md = ws.to_markdown()
    assert "![Figure 1](fig-B-1.svg)" in md and "![Figure 2](fig-B-2.svg)" in md
    assert "![Figure 3](fig-B-3-key.svg)" in ws.to_markdown(key=True)
    plain = worksheet(EXAMPLES / "chain-rule.toml")
    assert "graphicx" not in plain.to_latex() and "includegraphics" not in plain.to_latex()


def test_figure_files_are_vector_pdfs_and_svgs(tmp_path):
    ws = worksheet(SMALL)
    written = ws.write_figures(tmp_path) + ws.write_figures(tmp_path, key=True)
    names = sorted(p.name for p in written)
    assert names == sorted(
        figure_name(p, "A", key, "pdf") for p in ws.problems for key in (False, True)
    )
    for path in written:
        data = path.read_bytes()
        assert data.startswith(b"%PDF") and not re.search(rb"/Subtype\s*/Image", data), path.name
    svg = ws.write_figures(tmp_path, suffix="svg")
    assert [p.suffix for p in svg] == [".svg"] * 3
    assert all(b"<image" not in p.read_bytes() for p in svg)


def test_question_figures_hide_the_answer_and_key_figures_show_it():
    from symderiv.plot.problems import worksheet_figure

    question = worksheet_figure("tangent", "x^2 - 2x", "x", 2)
    answer = worksheet_figure("tangent", "x^2 - 2x", "x", 2, answer=True)
    assert "slope-text" not in gids(question) and "slope-text" in gids(answer)
    assert "tangent" in gids(question) and "f'(2) = 2" in texts(answer)
    assert "y = 2x - 4" not in texts(question).replace("−", "-")
    contour_q = worksheet_figure("contour", "x^3 - 3x + y^2", ["x", "y"])
    contour_a = worksheet_figure("contour", "x^3 - 3x + y^2", ["x", "y"], answer=True)
    assert {"candidate-A", "candidate-B", "letter-A", "letter-B"} <= gids(contour_q)
    assert not any(g.startswith("critical-") for g in gids(contour_q))
    assert {"critical-saddle", "critical-minimum", "letter-A"} <= gids(contour_a)
    taylor_q = worksheet_figure("taylor", "sin(x)", "x", 0)
    taylor_a = worksheet_figure("taylor", "sin(x)", "x", 0, answer=True, order=3)
    assert not any(g.startswith("T") for g in gids(taylor_q)) and "centre" in gids(taylor_q)
    assert "T3" in gids(taylor_a)
    # Drawn at the size they are printed (about 4.6 inches wide), a long title shrunk to fit.
    assert tuple(question.get_size_inches()) == (4.6, 2.8)
    long = worksheet_figure("contour", "-2x^2 - x y + 6x + y^3 - 5y^2 + 9y - 6", ["x", "y"])
    title = long._suptitle
    width = title.get_window_extent(long.canvas.get_renderer()).width
    assert title.get_fontsize() < 12 and width <= long.bbox.width


def test_korean_figures_have_every_glyph():
    from symderiv.plot.problems import worksheet_figure

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns about a missing glyph
        for kind, expr, vars_, at in (
            ("tangent", "x^2", "x", 1),
            ("contour", "x^3 - 3x + y^2", ["x", "y"], None),
            ("taylor", "exp(x)", "x", 0),
        ):
            for answer in (False, True):
                fig = worksheet_figure(kind, expr, vars_, at, lang="ko", answer=answer)
                fig.savefig(__import__("io").BytesIO(), format="pdf")
    assert "접선" in texts(worksheet_figure("tangent", "x^2", "x", 1, lang="ko"))
    assert "안장점" in texts(
        worksheet_figure("contour", "x^3 - 3x + y^2", ["x", "y"], lang="ko", answer=True)
    )


# -- without matplotlib ------------------------------------------------------------------


def test_figures_without_matplotlib_fail_clearly(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(WorksheetError) as info:
        worksheet(SMALL)
    assert "pip install 'symderiv[plot]'" in str(info.value)
    assert "needs matplotlib" in str(info.value) and info.value.line == 5  # the function's


def test_sheets_without_figures_do_not_import_matplotlib():
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "from symderiv.worksheet import worksheet\n"
        f"ws = worksheet({str(EXAMPLES / 'multivariate.toml')!r}, seed=1)\n"
        "assert ws.to_latex(key=True) and ws.to_markdown(key=True) and ws.answers()\n"
        "assert not [m for m in sys.modules if m.startswith('symderiv.plot')]\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


# -- the command and the PDFs ------------------------------------------------------------


def test_cli_markdown_writes_svg_figures(tmp_path, capsys):
    from symderiv.cli import main

    spec = tmp_path / "figs.toml"
    spec.write_text(SMALL, encoding="utf-8")
    assert main(["worksheet", str(spec), "--format", "markdown", "-o", str(tmp_path)]) == 0
    assert "and 6 figures (fig-A-*)" in capsys.readouterr().out
    for n in ("1", "2", "3"):
        assert (tmp_path / f"fig-A-{n}.svg").read_bytes().lstrip().startswith(b"<?xml")
        assert (tmp_path / f"fig-A-{n}-key.svg").exists()
    entries = json.loads((tmp_path / "answers-A.json").read_text(encoding="utf-8"))
    assert [e["source"]["kind"] for e in entries] == ["slope", "saddle", "taylor"]


def needs(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (CI installs TeX Live)")


def pdf_text(pdf: Path) -> str:
    log = pdf.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    assert overfull_boxes(log) == [], f"{pdf.name} has lines wider than the page"
    done = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(done.stdout.split())


@pytest.mark.slow
@pytest.mark.tex
def test_pictures_example_builds_to_pdf_with_its_figures(tmp_path):
    needs("pdflatex", "latexmk", "pdftotext", "pdfimages")
    ws = worksheet(EXAMPLES / "pictures.toml", seed=3)
    figured = [p for p in ws.problems if p.figure]
    assert {p.figure for p in figured} == {"tangent", "contour", "taylor"}
    assert {p.kind for p in figured} >= {"slope", "saddle", "critical_points", "taylor"}
    sheet = pdf_text(ws.build_pdf(tmp_path))
    key = pdf_text(ws.build_pdf(tmp_path, key=True))
    for p in figured:
        assert f"Figure {p.id}." in sheet and f"Figure {p.id}." in key
        assert (tmp_path / figure_name(p, "A", False, "pdf")).exists()
    assert "Which point is the saddle point?" in sheet and "saddle point" in key
    assert "Read the slope of the tangent from the graph" in sheet
    # The figures went into the PDF as vector graphics: no raster image in it.
    images = subprocess.run(
        ["pdfimages", "-list", str(tmp_path / "sheet-A.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert len(images) == 2  # the header lines only


@pytest.mark.slow
@pytest.mark.tex
def test_pictures_example_builds_in_korean(tmp_path):
    needs("xelatex", "latexmk", "pdftotext")
    ws = worksheet(EXAMPLES / "pictures.toml", seed=3, lang="ko")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        key = pdf_text(ws.build_pdf(tmp_path, key=True))
    assert "그림 1." in key and "접선" in key and "안장점" in key
    assert key.count("수치 검증 완료") == len(ws.problems)
