"""The command line: output, exit codes, standard input, no tracebacks."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from symderiv.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_TIMEOUT, main


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
    assert "6x²y" in out and "상수로 취급" in out


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


# --------------------------------------------------------------------------- issue 16 defects


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["diff", "-x^2", "--format", "json"], "-2*x"),
        (["diff", "-(y ln(a) + (1-y) ln(1-a))", "--wrt", "a", "--format", "json"], None),
        (["diff", "-2x^3", "--format", "json"], "-6*x**2"),
    ],
)
def test_16_8_an_expression_may_start_with_a_minus(argv, expected, capsys):
    code, out, err = run(argv, capsys)
    assert code == EXIT_OK, err
    result = json.loads(out)["result"]["sympy"]
    if expected is not None:
        assert result == expected
    else:
        assert "a" in result and "y" in result


def test_16_8_an_answer_may_start_with_a_minus(capsys):
    code, out, err = run(["check", "-x^2", "--answer", "-2x"], capsys)
    assert code == EXIT_OK, err
    assert "Correct" in out


def test_16_8_negative_numbers_and_stdin_are_left_alone(capsys, monkeypatch):
    code, out, _ = run(
        ["taylor", "exp(x)", "--at", "-1", "--order", "1", "--format", "json"], capsys
    )
    assert code == EXIT_OK
    assert json.loads(out)["point"]["x"]["sympy"] == "-1"
    code, out, _ = run(["diff", "-", "--format", "json"], capsys, "-x^3\n", monkeypatch)
    assert code == EXIT_OK and json.loads(out)["result"]["sympy"] == "-3*x**2"


@pytest.mark.parametrize(
    ("argv", "suggestion"),
    [
        (["diff", "x^2", "--wrt", "X"], "did you mean x?"),
        (["grad", "w_1^2 + b", "--vars", "w1,b"], "did you mean w_1?"),
        (["backprop", "x sin(x)", "--wrt", "X"], "did you mean x?"),
        (["taylor", "sin(x)", "--vars", "X"], "did you mean x?"),
    ],
)
def test_16_6_a_mistyped_variable_is_an_error_with_a_suggestion(argv, suggestion, capsys):
    code, out, err = run(argv, capsys)
    assert code == EXIT_BAD_INPUT and out == ""
    assert suggestion in err and "Traceback" not in err


def test_16_6_a_variable_that_does_not_occur_gives_0_with_a_visible_note(capsys):
    code, out, err = run(["diff", "x^2", "--wrt", "q", "--format", "json"], capsys)
    assert code == EXIT_OK
    assert json.loads(out)["result"]["sympy"] == "0"
    assert "q does not occur in the expression, so its derivative is 0" in err
    code, out, err = run(["backprop", "x sin(x)", "--wrt", "q"], capsys)
    assert code == EXIT_OK and "q does not occur" in err


def test_16_6_backprop_names_may_come_from_definitions(capsys):
    argv = ["backprop", "-(y log(a) + (1-y) log(1-a))", "--def", "a=sigmoid(z)"]
    code, _, err = run([*argv, "--def", "z=w x + b", "--wrt", "w,b"], capsys)
    assert code == EXIT_OK, err
    assert "does not occur" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["grad", "x^2+y^2", "--at", "x=1,y=foo"],
        ["hessian", "x^2+y^2", "--at", "x=1,y=a"],
        ["backprop", "x sin(x)", "--at", "x=two"],
        ["taylor", "sin(x)", "--at", "foo"],
    ],
)
def test_16_6_a_point_value_that_is_not_a_number_is_an_error(argv, capsys):
    code, out, err = run(argv, capsys)
    assert code == EXIT_BAD_INPUT and out == ""
    assert "must be a number" in err


def test_16_6_point_values_may_be_exact_constants(capsys):
    code, out, err = run(["grad", "x^2+y^2", "--at", "x=1/2,y=pi"], capsys)
    assert code == EXIT_OK, err
    assert "∇f(x = 1/2, y = π) = (1, 2π)" in out


def test_16_17_command_line_errors_are_korean_under_lang_ko(capsys):
    code, _, err = run(["diff", "x^2", "--wrt", "X", "--lang", "ko"], capsys)
    assert code == EXIT_BAD_INPUT
    assert err.strip() == "오류: --wrt: 식에 없는 변수 X. 혹시 x인가요?"
    code, _, err = run(["grad", "x^2+y^2", "--at", "x=1,y=foo", "--lang", "ko"], capsys)
    assert err.strip() == "오류: --at: y의 값으로 수를 주어야 합니다 (받은 값: 'foo')"


def test_16_17_the_time_limit_is_said_in_korean(capsys):
    code, _, err = run(
        ["--timeout", "0.2", "critical", "sin(x) cos(y) + x^5 y - y^7 x", "--lang", "ko"], capsys
    )
    if code == EXIT_TIMEOUT:
        assert err.strip() == "오류: 0.2초가 지나 계산을 멈췄습니다 (--timeout)"
    else:  # finished within 0.2 s on a fast machine: nothing to say
        assert code in (EXIT_OK, 1)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("argv", "suffix", "magic"),
    [
        (["diff", "x^2 sin(x)", "--at", "2"], "png", b"\x89PNG"),
        (["grad", "x^2 - y^2"], "svg", b"<?xml"),
        (["critical", "x^4 - 3x^2 + y^2", "--lang", "ko"], "png", b"\x89PNG"),
        (["taylor", "sin(x)", "--order", "5"], "pdf", b"%PDF"),
        (["descend", "x^2 + y^2", "--from", "x=4,y=3", "--steps", "5"], "png", b"\x89PNG"),
    ],
)
def test_12_plot_option_draws_the_picture(argv, suffix, magic, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    target = tmp_path / f"figure.{suffix}"
    code, out, err = run([*argv, "--plot", str(target)], capsys)
    assert code == EXIT_OK, err
    assert out and target.read_bytes().startswith(magic)


def test_12_plot_option_refuses_an_unknown_format(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    code, _, err = run(["diff", "x^2", "--plot", str(tmp_path / "f.gif")], capsys)
    assert code == EXIT_BAD_INPUT and ".png, .svg or .pdf" in err


@pytest.mark.parametrize(
    ("argv", "curvature"),
    [
        (["hessian", "x^3", "--at", "x=2"], "the graph curves up here"),
        (["hessian", "x^2 + y^2", "--at", "x=1,y=1"], "f curves up in every direction"),
    ],
)
def test_16_1_no_verdict_at_a_point_that_is_not_critical(argv, curvature, capsys):
    code, out, err = run(argv, capsys)
    assert code == EXIT_OK, err
    assert "verdict" not in out and "local minimum" not in out
    assert f"→ curvature: {curvature}" in out and "not a critical point" in out


def test_16_1_the_api_says_not_critical_and_describes_the_curvature():
    import symderiv as sd

    c = sd.hessian("x^2 + y^2").classify({"x": 1, "y": 1}, require_critical=False)
    assert c.kind == "not_critical" and c.hessian_kind == "minimum"
    text = c.reason_text("en")
    assert "local minimum" not in text and "not a critical point" in text
    assert sd.hessian("x^2 + y^2").classify({"x": 0, "y": 0}).kind == "minimum"
