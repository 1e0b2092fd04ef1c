"""The ``serve`` command: the learner's page and the HTTP API (needs ``symderiv[web]``).

``symderiv serve [--host 127.0.0.1] [--port 8000] [--workers N] [--token T]`` runs one
ASGI application on uvicorn. ``--workers`` is the number of killable worker processes that
compute results (the server itself is one process, so every request shares one pool).
"""

from __future__ import annotations

import argparse
import os

from rich.console import Console

from symderiv.cli.common import EXIT_BAD_INPUT, EXIT_OK

_errors = Console(stderr=True, highlight=False, soft_wrap=True)

INSTALL_HINT = "symderiv serve needs the web extra: pip install 'symderiv[web]'"


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from symderiv.web import Settings, create_app
    except ImportError:
        _errors.print(f"error: {INSTALL_HINT}", markup=False)
        return EXIT_BAD_INPUT
    try:
        settings = Settings.from_env(
            host=args.host,
            port=args.port,
            workers=args.workers,
            token=args.token,
            time_limit=args.time_limit,
            cors_origins=tuple(args.cors or ()),
        )
    except ValueError as exc:
        _errors.print(f"error: {exc}", markup=False)
        return EXIT_BAD_INPUT
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=args.log_level,
        timeout_graceful_shutdown=5,
    )
    return EXIT_OK


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = commands.add_parser(
        "serve",
        help="start the web page and HTTP API (pip install 'symderiv[web]')",
        description="Serve the learner's page at / and the HTTP API at /api (docs at /docs).",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument(
        "--workers",
        type=int,
        default=max(1, min(4, os.cpu_count() or 1)),
        help="worker processes computing results (default: cores, at most 4)",
    )
    p.add_argument(
        "--token",
        default=None,
        help="bearer token for grading and worksheets (required off loopback; "
        "or set SYMDERIV_TOKEN)",
    )
    p.add_argument(
        "--time-limit",
        type=float,
        default=20.0,
        help="seconds one computation may take (default 20; then HTTP 504)",
    )
    p.add_argument(
        "--cors", action="append", metavar="ORIGIN", help="allow this origin (CORS; repeatable)"
    )
    p.add_argument(
        "--log-level", default="info", choices=("critical", "error", "warning", "info", "debug")
    )
    # A server runs until stopped: its per-request time limits replace the CLI's --timeout.
    p.set_defaults(run=cmd_serve, unlimited=True)
