"""Worksheets built to PDF with TeX, read back with pdftotext (skipped when TeX is absent)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import sympy as sp

from symderiv.notation import unicode_str
from symderiv.worksheet import worksheet
from symderiv.worksheet.pdf import TexError, compile_pdf, overfull_boxes

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

pytestmark = pytest.mark.tex


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


def test_english_sheet_and_key_pdf(tmp_path):
    needs("pdflatex", "latexmk", "pdftotext")
    ws = worksheet(EXAMPLES / "chain-rule.toml", seed=42)
    sheet = pdf_text(ws.build_pdf(tmp_path))
    key = pdf_text(ws.build_pdf(tmp_path, key=True))
    assert (tmp_path / "sheet-A.log").exists() and not (tmp_path / "sheet-A.aux").exists()
    for text in (sheet, key):
        assert "Quiz 3: The chain rule" in text and "Variant A, seed 42" in text
        assert "Name:" in text and "Total" in text and "Page 1 of" in text
        assert text.count("Differentiate") == len(ws.problems)
    assert "verified numerically" not in sheet
    assert key.count("verified numerically") == len(ws.problems)
    assert "Answer Key" in key.title() and "chain rule" in key
    # The first (explicit) answer, 2x cos(x^2), is in the key.
    assert "Answer: df = 2x cos" in key.replace("  ", " ") or "2x cos" in key


@pytest.mark.slow
def test_korean_key_pdf(tmp_path):
    needs("xelatex", "latexmk", "pdftotext")
    ws = worksheet(EXAMPLES / "mixed-ko.toml", seed=7)
    key = pdf_text(ws.build_pdf(tmp_path, key=True))
    assert "미분 종합 연습" in key and "정답 및 풀이" in key
    assert "이름:" in key and "날짜:" in key and "유형 A, 시드 7" in key
    assert "을(를)" in key and "에 대하여 미분하시오" in key
    assert "문제" in key and "배점" in key and "합계" in key
    assert key.count("수치 검증 완료") == len(ws.problems)
    assert "곱의 법칙" in key  # rule names of the worked derivations


def test_failed_build_shows_the_log_lines(tmp_path):
    needs("pdflatex")
    tex = tmp_path / "broken.tex"
    tex.write_text("\\documentclass{article}\\begin{document}\\undefinedthing\\end{document}\n")
    with pytest.raises(TexError) as info:
        compile_pdf(tex, "pdflatex")
    message = str(info.value)
    assert "! Undefined control sequence." in message and "broken.log" in message
    assert (tmp_path / "broken.log").exists()


def test_missing_glyph_fails_the_korean_build(tmp_path):
    """\\tracinglostchars=3 turns a character the fonts lack into an error."""
    needs("xelatex", "latexmk")
    ws = worksheet(
        {"title": "\U0001f600 glyph", "sections": [{"problems": [{"function": "x^2"}]}]}, lang="ko"
    )
    with pytest.raises(TexError, match="Missing character"):
        ws.build_pdf(tmp_path)


def test_unicode_printer_matches_answers():
    x = sp.Symbol("x")
    assert unicode_str(2 * x * sp.cos(x**2)) == "2x·cos(x²)"
