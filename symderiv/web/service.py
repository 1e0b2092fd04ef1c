"""The bridge between async request handlers and the worker processes.

``Service.run`` hands a task to the killable pool from a thread (the event loop never
blocks), refuses work beyond ``max_pending`` with 503, and turns the pool's outcomes into
:class:`ApiError` (400 refused input, 504 time limit, 500 a failed worker). Live previews
use a pool of their own, so a long computation never delays typing.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any

import anyio
import anyio.to_thread

from symderiv.web.settings import Settings
from symderiv.web.workers import TaskError, TaskTimeout, WorkerFailed, WorkerPool

__all__ = ["ApiError", "Service", "texts"]


@functools.cache
def texts() -> dict[str, dict[str, str]]:
    """The page's and the API's texts by language (``texts.toml``)."""
    data = resources.files("symderiv.web").joinpath("texts.toml").read_text(encoding="utf-8")
    return tomllib.loads(data)


def message(key: str, lang: str = "en", **values: Any) -> str:
    table = texts().get(lang) or texts()["en"]
    return table[key].format(**values)


class ApiError(Exception):
    """An HTTP error with a JSON body ``{error, column, ...}``."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        super().__init__(body.get("error", ""))
        self.status = status
        self.body = {"column": None, **body}
        self.headers = headers or {}


class Service:
    """The worker pools and the limits around them."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        memory = settings.worker_memory_mb
        limit = settings.max_tasks_per_worker
        self.pool = WorkerPool(settings.workers, max_tasks=limit, memory_mb=memory)
        self.preview_pool = WorkerPool(1, max_tasks=limit * 4, memory_mb=memory)
        self.limiter = anyio.CapacityLimiter(settings.max_pending)
        self.pending = 0
        self.answered = 0

    def start(self) -> None:
        """Start the workers; serving begins once the computing ones are ready."""
        self.preview_pool.warm(wait=False)
        self.pool.warm()

    def close(self) -> None:
        self.pool.close()
        self.preview_pool.close()

    async def run(
        self,
        name: str,
        args: dict[str, Any],
        *,
        lang: str = "en",
        timeout: float | None = None,
        preview: bool = False,
        queue: bool = False,
    ) -> Any:
        """The task's value; ApiError for refused input, overload, time limit or failure.

        ``queue`` waits for a worker even when ``max_pending`` requests are already waiting
        (a batch's lines, whose number in flight the batch itself bounds).
        """
        if self.pending >= self.settings.max_pending and not queue:
            raise ApiError(503, {"error": message("api_busy", lang)}, {"Retry-After": "1"})
        pool = self.preview_pool if preview else self.pool
        seconds = timeout or self.settings.time_limit
        call = functools.partial(pool.run, name, args, timeout=seconds)
        self.pending += 1
        try:
            return await anyio.to_thread.run_sync(call, limiter=self.limiter)
        except TaskError as exc:
            raise ApiError(400, exc.body) from None
        except TaskTimeout as exc:
            body = {"error": message("api_timeout", lang, seconds=f"{seconds:g}")}
            raise ApiError(504, {**body, "timeout": exc.seconds}) from None
        except WorkerFailed:
            raise ApiError(500, {"error": message("api_failed", lang)}) from None
        finally:
            self.pending -= 1
            self.answered += 1
