"""``symderiv serve``: its options, the refusal to listen off loopback without a token, and
the install hint when the web extra is missing."""

from __future__ import annotations

import sys

import pytest

from symderiv.cli import main
from symderiv.cli.app import build_parser


def test_serve_options_and_defaults():
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.token, args.time_limit) == ("127.0.0.1", 8000, None, 20.0)
    assert 1 <= args.workers <= 4
    args = build_parser().parse_args(
        ["serve", "--host", "0.0.0.0", "--port", "9000", "--workers", "3", "--token", "t0ken-123"]
    )
    assert (args.host, args.port, args.workers, args.token) == ("0.0.0.0", 9000, 3, "t0ken-123")


def test_serve_off_loopback_without_token_is_refused(capsys, monkeypatch):
    pytest.importorskip("fastapi")
    monkeypatch.delenv("SYMDERIV_TOKEN", raising=False)
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert "needs a token" in err and "SYMDERIV_TOKEN" in err


def test_token_from_the_environment(monkeypatch):
    pytest.importorskip("fastapi")
    from symderiv.web.settings import Settings

    monkeypatch.setenv("SYMDERIV_TOKEN", "from-the-env")
    settings = Settings.from_env(host="0.0.0.0")
    assert settings.token == "from-the-env" and settings.token_required


def test_serve_without_the_web_extra_says_how_to_install(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn -> ImportError
    assert main(["serve"]) == 2
    assert "pip install 'symderiv[web]'" in capsys.readouterr().err


def test_core_cli_does_not_import_the_web_stack():
    import subprocess

    code = (
        "import sys; from symderiv.cli import main; main(['diff', 'x^2']); "
        "print(sorted(m for m in ('fastapi', 'uvicorn', 'starlette') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "[]"
