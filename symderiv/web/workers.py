"""A pool of killable worker processes that compute the web API's results.

The same mechanism as :mod:`symderiv.grading.pool` (plain subprocesses talking over pipes,
SIGKILL on overrun, a fresh replacement started at once), generalised from grading to any
task named in :data:`symderiv.web.tasks.TASKS`. Each worker runs in its own session, so a
kill also ends the processes it started (e.g. the critical-point solver's subprocess); it
works in a private temporary directory, has an address-space limit, and is replaced after
``max_tasks`` tasks so its memory stays bounded. Thread-safe: the server calls
:meth:`WorkerPool.run` from threads.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from multiprocessing.connection import Connection
from typing import Any

__all__ = ["TaskError", "TaskTimeout", "WorkerFailed", "WorkerPool"]

#: Seconds a new worker may take to start (import SymPy); not counted in the time limit.
STARTUP_LIMIT = 60.0


class TaskError(Exception):
    """The task refused its input: ``body`` is the ``{error, column}`` to send back."""

    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__(body.get("error", ""))
        self.body = body


class TaskTimeout(Exception):
    """The task ran past its time limit; its worker was killed."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"gave up after {seconds:g} s")
        self.seconds = seconds


class WorkerFailed(Exception):
    """The worker died or could not start (e.g. it ran out of memory)."""


def _worker_loop(conn_in: Connection, conn_out: Connection) -> None:
    """Receive (task, args); send back ("ok", value), ("error", body) or ("fail", text)."""
    from symderiv.web.tasks import run_task

    conn_out.send(("ready", None))
    while True:
        try:
            message = conn_in.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        name, args = message
        reply = run_task(name, args)
        try:
            conn_out.send(reply)
        except Exception as exc:  # a value that does not pickle: a bug, reported as such
            conn_out.send(("fail", f"{type(exc).__name__}: {exc}"))


def main() -> None:
    """Entry point of a worker process: tasks on stdin, replies on the original stdout."""
    limit_mb = int(os.environ.get("SYMDERIV_WORKER_MEMORY_MB", "0") or 0)
    if limit_mb > 0:
        size = limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    out = os.dup(1)
    os.dup2(2, 1)  # stray prints go to stderr, never into the reply stream
    sys.stdout = sys.stderr
    _worker_loop(Connection(0, writable=False), Connection(out, readable=False))


class _Worker:
    """One worker process (``python -m symderiv.web.workers``) in its own temporary directory."""

    def __init__(self, memory_mb: int) -> None:
        self.directory = tempfile.mkdtemp(prefix="symderiv-web-")
        env = dict(os.environ)
        env.update(
            SYMDERIV_WORKER_MEMORY_MB=str(memory_mb),
            MPLBACKEND="Agg",
            OPENBLAS_NUM_THREADS="1",
            OMP_NUM_THREADS="1",
            TMPDIR=self.directory,
            PYTHONPATH=os.pathsep.join(os.path.abspath(p or ".") for p in sys.path),
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "symderiv.web.workers"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=self.directory,
            env=env,
            start_new_session=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._send = Connection(os.dup(self.process.stdin.fileno()), readable=False)
        self._recv = Connection(os.dup(self.process.stdout.fileno()), writable=False)
        self.process.stdin.close()
        self.process.stdout.close()
        self._ready = False
        self.tasks = 0

    def wait_ready(self, limit: float = STARTUP_LIMIT) -> bool:
        if not self._ready:
            self._ready = self._recv.poll(limit) and self._recv.recv() == ("ready", None)
        return self._ready

    def call(self, name: str, args: dict[str, Any], timeout: float) -> tuple[str, Any] | None:
        """The worker's reply, or None when it took longer than ``timeout`` seconds."""
        self.tasks += 1
        self._send.send((name, args))
        if not self._recv.poll(max(timeout, 0.001)):
            return None
        reply: tuple[str, Any] = self._recv.recv()
        return reply

    def _cleanup(self) -> None:
        for conn in (self._send, self._recv):
            with contextlib.suppress(OSError):
                conn.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def kill(self) -> None:
        """SIGKILL the worker and everything it started."""
        with contextlib.suppress(OSError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self._cleanup()

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._send.send(None)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=2)
        self.kill()


class WorkerPool:
    """Up to ``size`` worker processes; a task past its time limit kills its worker."""

    def __init__(self, size: int, *, max_tasks: int = 500, memory_mb: int = 0) -> None:
        self.size = size
        self.max_tasks = max_tasks
        self.memory_mb = memory_mb
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._slots = threading.Semaphore(size)
        self._closed = False
        self.started = 0
        self.killed = 0

    def _new_worker(self) -> _Worker:
        self.started += 1
        return _Worker(self.memory_mb)

    def warm(self, *, wait: bool = True) -> None:
        """Start every worker; with ``wait``, until each has imported symderiv (1-2 s)."""
        with self._lock:
            while len(self._idle) < self.size:
                self._idle.append(self._new_worker())
            workers = list(self._idle)
        for worker in workers if wait else ():
            worker.wait_ready()

    def _checkout(self) -> _Worker:
        """An idle live worker (a dead one, e.g. killed from outside, is dropped) or a new one."""
        dead = []
        with self._lock:
            if self._closed:
                raise WorkerFailed("the server is shutting down")
            worker = None
            while self._idle and worker is None:
                candidate = self._idle.pop()
                if candidate.process.poll() is None:
                    worker = candidate
                else:
                    dead.append(candidate)
            worker = worker or self._new_worker()
        for corpse in dead:
            corpse.kill()
        return worker

    def _retire(self, worker: _Worker, *, kill: bool) -> None:
        """Kill or stop a worker and start its replacement, so it warms up meanwhile."""
        if kill:
            self.killed += 1
            worker.kill()
        else:
            worker.stop()
        with self._lock:
            if not self._closed and len(self._idle) < self.size:
                self._idle.append(self._new_worker())

    def _checkin(self, worker: _Worker) -> None:
        if worker.tasks >= self.max_tasks:
            self._retire(worker, kill=False)
            return
        with self._lock:
            if not self._closed:
                self._idle.append(worker)
                return
        worker.stop()

    def run(self, name: str, args: dict[str, Any], *, timeout: float) -> Any:
        """Run task ``name`` in a worker; its value, or TaskError/TaskTimeout/WorkerFailed."""
        with self._slots:
            worker = self._checkout()
            try:
                if not worker.wait_ready():
                    raise OSError("the worker did not start")
                reply = worker.call(name, args, timeout)
            except (EOFError, OSError) as exc:
                self._retire(worker, kill=True)
                raise WorkerFailed("the worker process failed") from exc
            if reply is None:
                self._retire(worker, kill=True)
                raise TaskTimeout(timeout)
            self._checkin(worker)
        kind, value = reply
        if kind == "ok":
            return value
        if kind == "error":
            raise TaskError(value)
        raise WorkerFailed(str(value))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._idle = self._idle, []
        for worker in workers:
            worker.stop()

    def pids(self) -> list[int]:
        """Process ids of the idle workers (for measuring their memory)."""
        with self._lock:
            return [w.process.pid for w in self._idle]


if __name__ == "__main__":
    main()
