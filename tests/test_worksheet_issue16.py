"""Regressions of issue 15 (module sizes) and issue 16 (verdicts, LaTeX, keys, Korean,
Jupyter) in the worksheets and the multivariate and Taylor printers."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

import symderiv as sd
from symderiv.render import multivariate as mv
from symderiv.render.graph import backprop_key_latex
from symderiv.worksheet import worksheet
from symderiv.worksheet.breaking import display_answer, fit_align, math_width, split_sum
from symderiv.worksheet.pdf import overfull_boxes
from symderiv.worksheet.text import math_names, running_title

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def needs(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (CI installs TeX Live)")


def outside_math(latex: str) -> str:
    """The LaTeX with every ``$…$``, ``\\[…\\]`` and math environment removed."""
    latex = re.sub(r"\\begin\{(align\*|pmatrix)\}.*?\\end\{\1\}", " ", latex, flags=re.S)
    latex = re.sub(r"\\\[.*?\\\]", " ", latex, flags=re.S)
    return re.sub(r"\$[^$]*\$", " ", latex)


# --------------------------------------------------------------------------- issue 15


def test_issue15_worksheet_and_multivariate_printers_are_split_below_800_lines():
    files = [*(ROOT / "symderiv" / "worksheet").glob("*.py")]
    files += [
        ROOT / "symderiv" / "render" / f"{name}.py"
        for name in ("multivariate", "gradient", "hessian", "critical", "implicit")
    ]
    files += [ROOT / "symderiv" / "render" / f"{name}.py" for name in ("mv_words", "mv_layout")]
    sizes = {f.name: len(f.read_text(encoding="utf-8").splitlines()) for f in files}
    assert max(sizes.values()) <= 800, sizes
    # The dispatcher keeps the names the result classes and the CLI use.
    for name in ("to_text", "to_latex", "to_markdown", "to_dict", "reason_text", "matrix_latex"):
        assert callable(getattr(mv, name))


# --------------------------------------------------------------------------- item 1


def test_issue16_1_no_verdict_at_a_non_critical_point():
    one = sd.hessian("x^3").classify({"x": 2}, require_critical=False)
    text = one.to_text()
    assert "→ curvature: the graph curves up here (convex near this point)" in text
    assert "verdict" not in text and "a local minimum." not in text
    assert "f″ = 12 > 0 there: the graph curves up (convex near this point)." in text

    two = sd.hessian("x^2 + y^2").classify({"x": 1, "y": 1}, require_critical=False)
    text = two.to_text()
    assert "→ curvature: f curves up in every direction here (convex near this point)" in text
    assert "verdict" not in text and ": a local minimum" not in text
    data = two.to_dict()
    assert (data["kind"], data["critical"], data["curvature"]) == ("not_critical", False, "up")
    assert "local minimum" not in " ".join(data["reason"]["en"])
    ko = two.to_text("ko")
    assert "→ 곡률: 이 점 근처에서 모든 방향으로 아래로 볼록합니다" in ko and "극소입니다" not in ko
    assert "verdict" not in two.to_latex() and "verdict" not in two.to_markdown()

    saddle_shape = sd.hessian("x^2 - y^2").classify({"x": 1, "y": 0}, require_critical=False)
    assert "f curves up in some directions and down in others here" in saddle_shape.to_text()
    assert "saddle point (proved)" not in saddle_shape.to_text()


def test_issue16_1_critical_points_keep_their_verdict():
    c = sd.hessian("x^2 + y^2").classify({"x": 0, "y": 0})
    assert "→ verdict: local minimum" in c.to_text() and "curvature" not in c.to_text()
    assert c.to_dict()["critical"] is True and c.to_dict()["kind"] == "minimum"


def test_issue16_1_cli_hessian_at_a_non_critical_point(capsys):
    from test_worksheet import run_cli

    assert run_cli(["hessian", "x^3", "--at", "x=2"]) == 0
    out = capsys.readouterr().out
    assert "→ curvature:" in out and "→ verdict" not in out


# --------------------------------------------------------------------------- items 11-13


def _latex_outputs(lang: str) -> list[str]:
    h = sd.hessian("x^2 + y^2")
    return [
        h.to_latex(lang),
        h.classify({"x": 1, "y": 1}, require_critical=False).to_latex(lang),
        sd.hessian("x^3").classify({"x": 2}, require_critical=False).to_latex(lang),
        sd.hessian("x^4 + y^4").classify({"x": 0, "y": 0}).to_latex(lang),
        sd.critical_points("x^3 - 3x").to_latex(lang),
        sd.critical_points("x^3 - 2x").to_latex(lang),
        sd.critical_points("x^3 - 3 x y + y^3").to_latex(lang),
        sd.taylor("exp(x)", "x", 0, 3).to_latex(lang),
        sd.gradient("x^2 y").to_latex(lang),
        sd.implicit("x^2 + y^2 = 1").to_latex(lang),
    ]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_issue16_11_latex_words_hold_no_math(lang):
    for latex in _latex_outputs(lang):
        words = outside_math(latex)
        assert not set(words) & set("∂∇″′₀₁₂₃₄₅₆₇₈₉≥≤≠≈Δλ"), words
        if lang == "en":
            assert all(ord(ch) < 128 for ch in latex), latex


def _compile(tmp_path: Path, body: str, engine: str) -> str:
    preamble = r"\documentclass{article}\usepackage{amsmath,amssymb}"
    if engine == "xelatex":
        preamble += r"\usepackage{kotex}"
    else:
        preamble += r"\usepackage[T1]{fontenc}\usepackage[utf8]{inputenc}\usepackage{lmodern}"
    tex = tmp_path / "plain.tex"
    tex.write_text(
        preamble + "\n\\begin{document}\n" + body + "\n\\end{document}\n", encoding="utf-8"
    )
    subprocess.run(
        [engine, "-interaction=nonstopmode", tex.name],
        cwd=tmp_path,
        capture_output=True,
        timeout=300,
        check=False,
    )
    return tex.with_suffix(".log").read_text(encoding="utf-8", errors="replace")


@pytest.mark.tex
def test_issue16_11_latex_output_compiles_in_a_plain_article(tmp_path):
    needs("pdflatex")
    log = _compile(tmp_path, "\n\n".join(_latex_outputs("en")), "pdflatex")
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert errors == []


@pytest.mark.tex
@pytest.mark.slow
def test_issue16_11_korean_latex_output_compiles_with_kotex(tmp_path):
    needs("xelatex")
    log = _compile(tmp_path, "\n\n".join(_latex_outputs("ko")), "xelatex")
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert errors == [] and "Missing character" not in log


@pytest.mark.tex
@pytest.mark.slow
def test_issue16_11_english_pdf_with_one_variable_critical_points_and_hessian(tmp_path):
    needs("pdflatex", "latexmk")
    spec = {
        "sections": [
            {
                "problems": [
                    {"function": "x^3 - 2x", "kind": "critical_points"},
                    {"function": "x^4 - 4x^2", "kind": "hessian", "at": {"x": 0}},
                ]
            }
        ]
    }
    ws = worksheet(spec)
    assert ws.engine == "pdflatex"
    pdf = ws.build_pdf(tmp_path, key=True)
    log = pdf.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    assert "f''" in ws.to_latex(key=True) and "″" not in ws.to_latex(key=True)
    assert overfull_boxes(log) == []


def test_issue16_12_irrational_critical_points_are_typeset_as_math():
    latex = sd.critical_points("x^3 - 2x").to_latex()
    assert "textbackslash" not in latex
    assert r"$x = -\frac{\sqrt{6}}{3}$" in latex and r"$x = \frac{\sqrt{6}}{3}$" in latex
    spec = {"sections": [{"problems": [{"function": "x^3 - 2x", "kind": "critical_points"}]}]}
    key = worksheet(spec).to_latex(key=True)
    assert "textbackslash" not in key and r"\frac{\sqrt{6}}{3}" in key


def test_issue16_13_less_and_greater_are_in_math_mode_in_korean():
    for latex in _latex_outputs("ko"):
        assert not set(outside_math(latex)) & set("<>"), latex
    c = sd.hessian("x^2 + 3y^2").classify({"x": 0, "y": 0})
    assert "(모든 고윳값 $> 0$)" in c.to_latex("ko")


# --------------------------------------------------------------------------- item 14


def test_issue16_14_long_rows_are_cut_at_top_level_signs():
    rhs = " + ".join(rf"\sigma\left(w_{{{k}}} x_{{{k}}} + b\right)" for k in range(1, 9))
    pieces = split_sum(rhs, 40)
    assert len(pieces) > 1 and all(math_width(p) <= 40 for p in pieces)
    assert " + ".join(pieces).replace("+ +", "+") == rhs
    # Never inside \left … \right.
    assert all(p.count(r"\left") == p.count(r"\right") for p in pieces)
    broken = fit_align("\\begin{align*}\nf &= " + rhs + " \\\\\n& \\text{a; b}\n\\end{align*}", 40)
    assert broken.count("&\\qquad +") == len(pieces) - 1
    assert broken.endswith("\\par{\\footnotesize\\noindent a; b\\par}")
    assert display_answer("f = x").startswith("$\\displaystyle")
    assert display_answer("f = " + rhs).startswith("\\begin{align*}")


def test_issue16_14_indexed_names_in_key_text_are_math():
    assert math_names(r"\text{max\_error}") == r"\text{max\_error}"
    assert math_names(r"\text{(w\_1, b held constant)}") == r"\text{($w_{1}$, b held constant)}"


@pytest.mark.tex
@pytest.mark.slow
def test_issue16_14_key_pdf_has_no_overfull_lines(tmp_path):
    needs("pdflatex", "latexmk")
    ws = worksheet(EXAMPLES / "ml-functions.toml")
    pdf = ws.build_pdf(tmp_path, key=True)
    log = pdf.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    assert overfull_boxes(log) == []


def test_issue16_14_overfull_boxes_are_read_from_the_log():
    log = "Overfull \\hbox (249.39223pt too wide) detected at line 258\nOverfull \\hbox (0.4pt "
    log += "too wide) in paragraph\nUnderfull \\hbox (badness 10000)\n"
    assert overfull_boxes(log) == [249.39223]


# --------------------------------------------------------------------------- item 15


def test_issue16_15_running_header_is_the_short_title_only():
    long = "Calculus for Machine Learning: gradients, Hessians and losses, week six"
    assert running_title(long) == "Calculus for Machine Learning: gradients…"
    assert running_title("Quiz 3") == "Quiz 3"
    latex = worksheet(EXAMPLES / "chain-rule.toml").to_latex()
    assert r"\runningheader{\footnotesize Quiz 3: The chain rule}{}{\footnotesize Variant A}" in (
        latex
    )


# --------------------------------------------------------------------------- item 16


def test_issue16_16_gradient_question_and_key_agree():
    spec = {
        "sections": [
            {"problems": [{"function": "(w x + b - y)^2", "kind": "gradient", "vars": ["w", "b"]}]}
        ]
    }
    p = worksheet(spec).problems[0]
    assert p.statement("en")[0] == (
        r"Find the gradient $\nabla_{w, b} f$ of $f(w, b, x, y) = \left(b + w x - y\right)^{2}$,"
        " holding $x, y$ constant."
    )
    assert "그래디언트 $\\nabla_{w, b} f$" in p.statement("ko")[0]
    assert "($x, y$는 상수로 봅니다.)" in p.statement("ko")[0]
    assert p.answer_latex().startswith(r"\nabla_{w, b} f = \begin{pmatrix}")
    assert p.answer_latex().count(r"\\") == 1  # two components, as asked


def test_issue16_16_backprop_key_defines_its_nodes_and_works_only_what_was_asked():
    bp = sd.backprop(
        "(a - y)^2",
        ["w", "b"],
        {"w": 1, "b": 0, "x": 2, "y": 1},
        defs={"a": "sigmoid(z)", "z": "w x + b"},
    )
    key = backprop_key_latex(bp)
    forward, backward = key.split("Backward pass")
    used = set(re.findall(r"v_\{\d+\}", backward))
    defined = set(re.findall(r"^(v_\{\d+\}) &=", forward, flags=re.M))
    assert used and used <= defined
    assert r"\partial y}" not in backward and r"\partial x}" not in backward
    assert r"\frac{\partial L}{\partial w} &=" in backward
    assert r"\frac{\partial L}{\partial b} &=" in backward


# --------------------------------------------------------------------------- item 17


def test_issue16_17_korean_taylor_and_hessian_texts_are_translated():
    t = sd.taylor("exp(x)", "x", 0, 3)
    for text in (t.to_text("ko"), t.to_latex("ko")):
        assert "empirical" not in text and "expected" not in text and "coefficients" not in text
        assert "측정된 근사 차수 4.00, 기대값 4" in text
    c = sd.hessian("x^3").classify({"x": 0})
    assert "'saddle'" not in c.to_text("ko") and "안장점으로 표시" in c.to_text("ko")


def test_issue16_17_gradient_is_one_word_in_korean():
    for name in ("messages_multivariate.toml", "messages_taylor.toml"):
        table = tomllib.loads((ROOT / "symderiv" / name).read_text(encoding="utf-8"))
        assert not any("기울기" in v for v in table["ko"].values())
    ws = worksheet(EXAMPLES / "multivariate.toml", lang="ko")
    assert "기울기" not in ws.to_latex(key=True) and "그래디언트" in ws.to_latex()


# --------------------------------------------------------------------------- item 19


def test_issue16_19_worksheet_shows_as_markdown_in_jupyter():
    ws = worksheet(EXAMPLES / "chain-rule.toml", seed=3)
    assert len(repr(ws)) < 200 and repr(ws).startswith("<Worksheet 'Quiz 3: The chain rule'")
    assert ws._repr_markdown_() == ws.to_markdown(key=True)
    assert len(repr(ws.problems[0])) < 120
    # Tables are never inside list items (they would not render).
    for markdown in (ws.to_markdown(key=True), sd.implicit("x^2 + y^2 = 1").to_markdown()):
        assert not re.search(r"^[ \t]+\|", markdown, flags=re.M)
        assert not re.search(r"^\s*(-|\d+\.) .*\n\n\s+\|", markdown)


def test_issue16_14_a_long_product_is_cut_between_its_factors():
    from symderiv.worksheet.breaking import math_width, split_sum

    term = (
        r"+ \left(\sigma\left(b + w_{1} x_{1}\right) - 1\right) \sigma\left(b + w_{1} x_{1}\right)"
        r" \left(1 - \sigma\left(b + w_{1} x_{1}\right)\right) \cdot \frac{\partial}{\partial b}"
        r"\left[b + w_{1} x_{1}\right]"
    )
    rows = split_sum(term, 40)
    assert len(rows) >= 2 and all(math_width(r) <= 40 for r in rows)
    assert rows[0].startswith(r"+ \left(\sigma") and all(r.startswith(r"\cdot ") for r in rows[1:])
    joined = " ".join(rows)
    assert r"\cdot \cdot" not in joined

    def bare(text: str) -> str:
        return text.replace(r"\cdot", "").replace(" ", "")

    assert bare(joined) == bare(term)  # the same factors, in the same order


def test_issue16_20_an_aborted_build_leaves_no_partial_files(tmp_path, monkeypatch):
    """The CLI's --timeout fires inside the TeX run: no .aux/.pdf of the document remains."""
    import subprocess

    from symderiv.worksheet import pdf as pdf_module

    tex = tmp_path / "sheet-A.tex"
    tex.write_text("\\documentclass{article}\\begin{document}x\\end{document}")

    def interrupted(*args, **kwargs):
        for suffix in (".aux", ".pdf", ".fls", ".fdb_latexmk"):
            tex.with_suffix(suffix).write_text("partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(pdf_module, "tex_available", lambda engine: True)
    monkeypatch.setattr(subprocess, "run", interrupted)
    with pytest.raises(KeyboardInterrupt):
        pdf_module.compile_pdf(tex)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet-A.tex"]
