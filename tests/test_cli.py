"""The command line: output, exit codes, standard input, no tracebacks."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from symderiv.cli import EXIT_BAD_INPUT, EXIT_OK, main


def run(argv, capsys, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_diff_prints_the_worked_derivation(capsys):
    code, out, err = run(["diff", "x^2 sin(x)"], capsys)
    assert code == EXIT_OK
    assert "product rule" in out and "power rule" in out
    assert "✓ checked against finite differences at 3 points" in out
    assert err == ""


@pytest.mark.parametrize("fmt", ["text", "latex", "markdown", "json"])
def test_diff_formats(fmt, capsys):
    code, out, _ = run(["diff", "sin(3x)", "--format", fmt], capsys)
    assert code == EXIT_OK
    if fmt == "json":
        assert json.loads(out)["result"]["sympy"] == "3*cos(3*x)"
    elif fmt == "latex":
        assert out.startswith("\\begin{align*}")
    else:
        assert "chain rule" in out


def test_diff_options(capsys):
    code, out, _ = run(
        ["diff", "x^2 y^3", "--wrt", "y", "--order", "2", "--lang", "ko", "--detail", "full"],
        capsys,
    )
    assert code == EXIT_OK
    assert "6x²·y" in out and "상수로 취급" in out


def test_diff_reads_standard_input(capsys, monkeypatch):
    code, out, _ = run(["diff", "-", "--no-verify"], capsys, "\\frac{1}{x}\n", monkeypatch)
    assert code == EXIT_OK
    assert "not checked numerically" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["diff", "x^^2"], "column"),
        (["diff", "x y"], "--wrt"),
        (["diff", "x^2", "--order", "0"], "order"),
        (["diff", "__import__('os')"], "error"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_no_traceback(argv, message, capsys):
    code, out, err = run(argv, capsys)
    assert code == EXIT_BAD_INPUT
    assert message in err
    assert "Traceback" not in err and out == ""


def test_rules_lists_the_book(capsys):
    code, out, _ = run(["rules"], capsys)
    assert code == EXIT_OK
    assert any(line.startswith("chain") and "chain rule" in line for line in out.splitlines())
    code, out, _ = run(["rules", "--format", "json", "--lang", "ko"], capsys)
    ids = {r["id"] for r in json.loads(out)}
    assert {"power", "chain", "sigmoid", "logarithmic"} <= ids


def test_console_script_runs_as_a_process():
    result = subprocess.run(
        [sys.executable, "-m", "symderiv.cli", "diff", "x^3"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0
    assert "3x²" in result.stdout
