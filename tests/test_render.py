"""Output formats: text, LaTeX (compiled when TeX is present), Markdown, JSON, Jupyter."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import sympy as sp

import symderiv as sd
from symderiv.notation import latex_str, unicode_str

x = sp.Symbol("x")


def test_text_shows_each_step_with_its_rule_and_the_check():
    text = sd.derive("x^2 sin(x)").to_text()
    lines = text.splitlines()
    assert lines[:4] == [
        "d/dx[x²·sin(x)]",
        "  = d/dx[x²]·sin(x) + x²·d/dx[sin(x)]  product rule",
        "  = 2x·sin(x) + x²·d/dx[sin(x)]        power rule",
        "  = 2x·sin(x) + x²·cos(x)              derivative of sine",
    ]
    assert lines[4].startswith("✓ checked against finite differences at 3 points")
    # rule names start in one column
    columns = {
        line.index(name)
        for line, name in zip(
            lines[1:4], ("product rule", "power rule", "derivative of sine"), strict=True
        )
    }
    assert len(columns) == 1


def test_text_in_korean_uses_course_vocabulary():
    text = sd.derive("sin(3x)").to_text(lang="ko")
    assert "연쇄 법칙: d/du sin(u) = cos(u), u = 3x" in text
    assert "상수배 법칙" in text
    assert "유한차분" in text


def test_text_ascii_fallback():
    assert sd.derive("x^2").to_text(unicode=False).isascii()


def test_unicode_printer_forms():
    assert unicode_str(sd.sigmoid(x) * (1 - sd.sigmoid(x))) == "(1 - σ(x))·σ(x)"
    assert unicode_str(sp.sqrt(x)) == "√(x)"
    assert unicode_str(sp.exp(-x)) == "e^(-x)"
    assert unicode_str(sp.log(x)) == "ln(x)"
    assert unicode_str(sp.Abs(x)) == "|x|"
    assert unicode_str(sp.Derivative(x**3, x, 2)) == "d²/dx²[x³]"


def test_latex_is_an_align_chain_with_rule_names():
    latex = sd.derive("x^2 sin(x)").to_latex()
    assert latex.startswith("\\begin{align*}\n\\frac{d}{dx}\\left[x^{2} \\sin{\\left(x \\right)}")
    assert latex.count("&=") == 3
    assert "\\text{product rule}" in latex
    assert "\\text{checked against finite differences at 3 points" in latex
    assert latex.endswith("\\end{align*}")


def test_latex_printer_uses_ln_sigma_and_brackets():
    assert latex_str(sp.log(x)) == "\\ln{\\left(x \\right)}"
    assert latex_str(sd.sigmoid(x)) == "\\sigma\\left(x\\right)"
    assert latex_str(sp.Derivative(x**2, x, evaluate=False)) == "\\frac{d}{dx}\\left[x^{2}\\right]"


@pytest.mark.tex
@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_latex_compiles_with_amsmath(tmp_path):
    body = "\n".join(
        sd.derive(text, var).to_latex()
        for text, var in [
            ("x^2 sin(x)", None),
            ("1/(1+e^(-x))", None),
            ("x^x", None),
            ("x^3", None),
            ("x^2 y^3 + sin(x y)", "y"),
            ("f(g(x))", None),
            ("(3x+1)^2", None),
            ("-(y ln(a) + (1-y) ln(1-a))", "a"),
            ("(w x + b - y)^2", "w"),
            ("relu(x)", None),
            ("sqrt(x^2 + 1)", None),
            (" ".join(f"(x + {k})" for k in range(1, 13)), None),
        ]
    )
    document = "\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n"
    document += body + "\n\\end{document}\n"
    (tmp_path / "d.tex").write_text(document, encoding="utf-8")
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "d.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout[-2000:]
    assert (tmp_path / "d.pdf").stat().st_size > 1000


def test_markdown_has_a_step_table_and_result():
    md = sd.derive("sin(3x)").to_markdown()
    assert "| 1 | $= 3 \\cos{\\left(3 x \\right)}$" not in md  # two steps, not one
    assert "| 1 | $= \\sin{\\left(3 x \\right)}" not in md
    assert (
        "chain rule: $\\frac{d}{du} \\sin{\\left(u \\right)} = \\cos{\\left(u \\right)}$, "
        "$u = 3 x$" in md
    )
    assert "**result:** $3 \\cos{\\left(3 x \\right)}$" in md
    assert md.rstrip().splitlines()[-1].startswith("✓")


def test_json_schema_round_trips_through_json():
    data = json.loads(json.dumps(sd.derive("x^2 sin(x)").to_dict()))
    assert data["schema"] == "symderiv.derivation/1"
    assert data["input"]["text"] == "x^2 sin(x)"
    assert data["variable"] == "x"
    assert [s["rule"] for s in data["steps"]] == ["product", "power", "sin"]
    assert data["steps"][0]["rule_name"] == {"en": "product rule", "ko": "곱의 법칙"}
    assert data["steps"][0]["before"]["sympy"] == "Derivative(x**2*sin(x), x)"
    assert data["steps"][0]["after"]["text"] == "d/dx[x²]·sin(x) + x²·d/dx[sin(x)]"
    assert data["result"]["sympy"] == "x**2*cos(x) + 2*x*sin(x)"
    assert data["result"]["shown"]["text"] == "2x·sin(x) + x²·cos(x)"
    assert data["verification"]["ok"] is True
    assert len(data["verification"]["points"]) == 3


def test_jupyter_representations():
    d = sd.derive("x^2")
    assert d._repr_latex_().startswith("\\begin{align*}")
    assert "power rule" in d._repr_markdown_()


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="language"):
        sd.derive("x^2").to_text(lang="fr")


def test_latex_output_reads_back_through_the_parser():
    cases = [
        2**x * 2 ** (x**2),
        sp.sin(x) * 2**x,
        x**2 * sp.sin(x),
        sp.exp(-x) / (1 + sp.exp(-x)) ** 2,
        sd.sigmoid(x) * (1 - sd.sigmoid(x)),
        sp.sqrt(x**2 + 1) / (3 * x),
    ]
    for expr in cases:
        assert sd.parse(latex_str(expr)) == expr


def test_long_lines_show_what_the_step_changed_and_elide_the_rest():
    product = " ".join(f"(x + {k})" for k in range(1, 13))
    d = sd.derive(product, verify=False)
    lines = d.to_text().splitlines()
    assert "…" not in lines[1]  # the product rule's own line is shown whole
    assert lines[2].strip() == "product rule"  # a long line: its rule on the next line
    assert lines[3] == "  = (x + 2)·(x + 3)·(x + 4)·(x + 5)·(x + 6)·(x + 7)·(x + 8)·(x + 9)·" + (
        "(x + 10)·(x + 11)·(x + 12) + …"
    )  # the eleven terms the step did not touch are elided
    assert lines[5].startswith("  = … + (x + 1)·(x + 3)·") and lines[5].endswith(" + …")
    assert all(len(line) < 400 for line in lines[2:])
    assert "\\ldots" in d.to_latex() and "\\ldots" in d.to_markdown()
    full = sd.derive(product, verify=False, detail="full")
    assert "…" not in full.to_text() and "\\ldots" not in full.to_latex()


def test_printing_a_long_derivation_is_linear_in_what_is_shown():
    product = " ".join(f"(x + {k})" for k in range(1, 41))
    text = sd.derive(product, verify=False).to_text()
    assert len(text) < 60_000  # was 1.15 M characters, every line reprinting everything
