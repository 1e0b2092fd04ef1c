"""A pool of grading processes with a hard time limit per answer.

Each call checks out an idle worker process (or starts one), sends it the task over a pipe
and waits at most ``timeout`` seconds. A worker that runs over is killed (SIGKILL) and
replaced; the call returns a ``timeout`` verdict. Nothing here uses signals, so it works from
any thread (a web server's worker, a thread pool). A killed worker's
replacement is started at once, so it has imported the grader by the next call.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import subprocess
import sys
import threading
from collections.abc import Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from symderiv.grading.kinds import local_grade
from symderiv.grading.verdict import Verdict, message

__all__ = ["GradingPool", "shared_pool"]

#: Seconds a new worker may take to start (import SymPy); not counted in the time limit.
STARTUP_LIMIT = 60.0


def _worker(conn_in: Connection, conn_out: Connection) -> None:
    """Worker loop: receive (problem, answer, options), send back ("ok", verdict)."""
    conn_out.send(("ready", None))
    while True:
        try:
            task = conn_in.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        problem, answer, options = task
        try:
            reply: tuple[str, Any] = ("ok", local_grade(problem, answer, **options))
        except Exception as exc:  # sent back and re-raised in the caller
            reply = ("error", exc)
        try:
            conn_out.send(reply)
        except Exception:  # an exception that does not pickle
            conn_out.send(("error", RuntimeError(str(reply[1]))))


def main() -> None:
    """Entry point of a worker process: tasks on stdin, replies on stdout."""
    out = os.dup(1)
    os.dup2(2, 1)  # stray prints go to stderr, never into the reply stream
    sys.stdout = sys.stderr
    _worker(Connection(0, writable=False), Connection(out, readable=False))


def _child_env() -> dict[str, str]:
    """This environment, with the folder holding this copy of symderiv first on the path,
    so a worker imports the same code whatever its working directory (a Ray worker's)."""
    root = str(Path(__file__).resolve().parents[2])
    paths = [root, *(p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p)]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}


class _Worker:
    """One worker process (``python -m symderiv.grading.pool``), talking over its pipes.

    A plain subprocess, not multiprocessing: it never re-imports the caller's main module,
    so ``grade(..., timeout=S)`` works from scripts without a ``__main__`` guard.
    """

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "symderiv.grading.pool"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_child_env(),
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._send = Connection(os.dup(self.process.stdin.fileno()), readable=False)
        self._recv = Connection(os.dup(self.process.stdout.fileno()), writable=False)
        self.process.stdin.close()
        self.process.stdout.close()
        self._ready = False

    def wait_ready(self, limit: float = STARTUP_LIMIT) -> bool:
        """Wait (once) until the worker has imported the grader; False if it failed to."""
        if not self._ready:
            self._ready = self._recv.poll(limit) and self._recv.recv() == ("ready", None)
        return self._ready

    def send(self, task: Any) -> None:
        self._send.send(task)

    def poll(self, timeout: float) -> bool:
        return self._recv.poll(timeout)

    def recv(self) -> Any:
        return self._recv.recv()

    def _close(self) -> None:
        for conn in (self._send, self._recv):
            with contextlib.suppress(OSError):
                conn.close()

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self._close()

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._send.send(None)
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()
        self._close()


class GradingPool:
    """Up to ``size`` worker processes, recycled on timeout; thread-safe."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size or os.cpu_count() or 1
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._slots = threading.Semaphore(self.size)
        self._closed = False

    def warm(self, count: int | None = None) -> None:
        """Start workers ahead of time."""
        workers = [_Worker() for _ in range(min(count or self.size, self.size))]
        with self._lock:
            self._idle.extend(workers)

    def _checkout(self) -> _Worker:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return _Worker()

    def _checkin(self, worker: _Worker) -> None:
        with self._lock:
            if self._closed:
                worker.stop()
            else:
                self._idle.append(worker)

    def _replace(self) -> None:
        """Start a fresh worker for one that was killed, so it warms up meanwhile."""
        with self._lock:
            if not self._closed and len(self._idle) < self.size:
                self._idle.append(_Worker())

    def grade(
        self,
        problem: Any,
        answer: str,
        *,
        timeout: float,
        **options: Any,
    ) -> Verdict:
        """Grade in a worker; a ``timeout`` verdict when it takes longer than ``timeout`` s.

        A worker that dies while grading (killed, out of memory) is replaced and the answer
        is tried once more; a second death gives an ``error`` verdict that says so.
        """
        if isinstance(problem, Mapping):
            problem = dict(problem)
        lang = options.get("lang") or "en"
        failure = ""
        for _attempt in range(2):
            outcome = self._attempt(problem, answer, timeout, options)
            if isinstance(outcome, str):
                failure = outcome
                continue
            if outcome is None:
                return Verdict(
                    status="timeout", feedback=(message("timeout", lang, seconds=timeout),)
                )
            kind, value = outcome
            if kind == "error":
                raise value
            return value
        return Verdict(
            status="error",
            feedback=(message("grading_error", lang, error=f"{failure} (tried twice)"),),
        )

    def _attempt(
        self, problem: Any, answer: str, timeout: float, options: Mapping[str, Any]
    ) -> tuple[str, Any] | str | None:
        """One try: the worker's reply, None on timeout, or what went wrong (text)."""
        with self._slots:
            worker = self._checkout()
            try:
                if not worker.wait_ready():
                    raise OSError("the worker did not start")
                worker.send((problem, answer, dict(options)))
                ready = worker.poll(max(timeout, 0.001))
                reply = worker.recv() if ready else None
            except (EOFError, OSError) as exc:
                worker.kill()
                self._replace()
                code = worker.process.returncode
                if code is not None and code < 0:
                    return f"the grading process was killed by signal {-code}"
                if code is not None:
                    return f"the grading process exited with code {code}"
                return f"the grading process failed ({type(exc).__name__})"
            if reply is None:
                worker.kill()
                self._replace()
                return None
            self._checkin(worker)
        return reply

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._idle = self._idle, []
        for w in workers:
            w.stop()

    def __enter__(self) -> GradingPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_shared: GradingPool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> GradingPool:
    """The process-wide pool used by ``grade(..., timeout=S)``."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = GradingPool()
            atexit.register(_shared.close)
        return _shared


if __name__ == "__main__":
    main()
