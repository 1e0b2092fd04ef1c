"""The server's settings: where it listens, who may call what, and its limits.

Every limit has a safe default; ``Settings.from_env`` reads the token from
``SYMDERIV_TOKEN`` when none is given.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field

__all__ = ["Settings"]

TOKEN_VARIABLE = "SYMDERIV_TOKEN"


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``; every other host is reachable from outside."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Settings:
    """How the app behaves; ``create_app(Settings(...))`` builds one server from them."""

    host: str = "127.0.0.1"
    port: int = 8000
    #: Worker processes that compute results (each one a killable subprocess).
    workers: int = 2
    #: Bearer token for the grading and worksheet endpoints (required off loopback).
    token: str | None = None
    #: Seconds one computation may take before its worker is killed (HTTP 504).
    time_limit: float = 20.0
    #: Seconds for a live-preview parse.
    parse_time_limit: float = 3.0
    #: Seconds for a worksheet (PDFs take several seconds each).
    worksheet_time_limit: float = 180.0
    #: Largest request body in bytes (JSON endpoints).
    max_body: int = 64 * 1024
    #: Largest batch-grading body in bytes, and its most lines.
    max_batch_body: int = 2 * 1024 * 1024
    max_batch_lines: int = 2000
    #: Requests waiting for or holding a worker; more are refused with 503.
    max_pending: int = 64
    #: A worker process is replaced after this many tasks (bounds its memory).
    max_tasks_per_worker: int = 500
    #: Address-space limit of a worker process in MiB (0 = none).
    worker_memory_mb: int = 3072
    #: Origins allowed by CORS; empty = CORS off.
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    #: The function that draws a result ("module:function"); figures are off when the
    #: module cannot be imported.
    plotter: str = "symderiv.plot:plot"

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError("workers must be at least 1")
        if min(self.time_limit, self.parse_time_limit, self.worksheet_time_limit) <= 0:
            raise ValueError("time limits must be positive")
        if min(self.max_body, self.max_batch_body, self.max_batch_lines, self.max_pending) < 1:
            raise ValueError("size and concurrency limits must be positive")
        if self.token is not None and len(self.token) < 8:
            raise ValueError("the token must be at least 8 characters long")
        if self.needs_token and not self.token:
            raise ValueError(
                f"listening on {self.host} (not loopback) needs a token for the grading "
                f"and worksheet endpoints: give --token or set {TOKEN_VARIABLE}"
            )

    @property
    def needs_token(self) -> bool:
        """Grading and worksheets require the bearer token when reachable from outside."""
        return not is_loopback(self.host)

    @property
    def token_required(self) -> bool:
        """A token is checked: off loopback always, on loopback when one was given."""
        return self.needs_token or bool(self.token)

    @classmethod
    def from_env(cls, **values: object) -> Settings:
        """Settings from keyword values, the token from ``SYMDERIV_TOKEN`` when not given."""
        token = values.pop("token", None) or os.environ.get(TOKEN_VARIABLE) or None
        return cls(token=token, **values)  # type: ignore[arg-type]
