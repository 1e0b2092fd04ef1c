"""The Ray engine of ``grade_many``: chunks of answers on Ray actors, on any number of machines.

Each actor (one CPU) owns a one-process :class:`~symderiv.grading.pool.GradingPool`, so every
answer keeps its hard time limit on Ray too: a runaway answer's process is killed and the
answer becomes ``timeout`` while the rest of its chunk goes on. Chunks are handed to idle
actors; when an actor dies (its process or node lost) its chunk's answers are retried once,
each on its own, on a fresh actor; an answer whose second try dies too gets an ``error``
verdict naming what happened. A chunk that outlives its deadline (every answer at its time
limit, plus start-up) has its actor killed and counts as a death.

Ray is imported only when an engine is made (``pip install "symderiv[ray]"``). With
``address=None`` a local Ray is started (and shut down at the end); ``"auto"`` or
``"HOST:PORT"`` joins a running cluster, whose nodes need symderiv installed.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from symderiv.errors import SymderivError
from symderiv.grading.local_engine import Task, grade_task
from symderiv.grading.pool import STARTUP_LIMIT, GradingPool
from symderiv.grading.verdict import Verdict, message

__all__ = ["GraderActor", "RayEngine"]

#: Extra seconds a chunk may take beyond its answers' time limits before its actor is killed.
CHUNK_MARGIN = STARTUP_LIMIT


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise SymderivError(
            'the Ray engine needs Ray: pip install "symderiv[ray]" (or pip install ray)'
        ) from None
    return ray


class GraderActor:
    """A Ray actor's state: a warm one-process grading pool (made remote by the engine)."""

    def __init__(self, timeout: float, options: Mapping[str, Any]) -> None:
        self.timeout = timeout
        self.options = dict(options)
        self.pool = GradingPool(1)
        self.pool.warm()

    def pid(self) -> int:
        return os.getpid()

    def grade_chunk(self, tasks: Sequence[Task]) -> list[tuple[int, Verdict]]:
        return [(t.index, grade_task(self.pool, t, self.timeout, self.options)) for t in tasks]


class RayEngine:
    """``workers`` Ray actors grading chunks of ``chunk_size`` answers."""

    def __init__(
        self,
        workers: int | None,
        timeout: float,
        options: Mapping[str, Any],
        address: str | None = None,
        chunk_size: int | None = None,
    ) -> None:
        self.ray = ray = _ray()
        self._owns = not ray.is_initialized()
        if self._owns:
            # Workers on this machine import this copy of symderiv (other machines need it
            # installed; the folder does not exist there, so their own copy is used).
            root = str(Path(__file__).resolve().parents[2])
            ray.init(
                address=address,
                log_to_driver=False,
                include_dashboard=False,
                runtime_env={"env_vars": {"PYTHONPATH": root}},
            )
        self.timeout = timeout
        self.options = dict(options)
        self.workers = max(1, workers or int(ray.cluster_resources().get("CPU", 1)))
        self.chunk_size = chunk_size
        self.lang = self.options.get("lang") or "en"
        self._actor_class = ray.remote(num_cpus=1, max_restarts=0)(GraderActor)
        self.actors = [self._new_actor() for _ in range(self.workers)]

    def _new_actor(self) -> Any:
        return self._actor_class.remote(self.timeout, self.options)

    def pids(self) -> list[int]:
        """The process ids of the live actors (for tests that kill one)."""
        return self.ray.get([a.pid.remote() for a in self.actors])

    def _chunks(self, tasks: Sequence[Task]) -> deque[tuple[int, list[Task]]]:
        size = self.chunk_size or max(1, min(32, len(tasks) // (4 * self.workers) or 1))
        return deque((1, list(tasks[i : i + size])) for i in range(0, len(tasks), size))

    def _error(self, what: str) -> Verdict:
        text = f"{what} (tried twice)"
        return Verdict(status="error", feedback=(message("grading_error", self.lang, error=text),))

    def results(self, tasks: Sequence[Task]) -> Iterator[tuple[int, Verdict]]:
        ray = self.ray
        chunks = self._chunks(tasks)
        idle = list(self.actors)
        running: dict[Any, tuple[Any, list[Task], int, float]] = {}
        while chunks or running:
            while chunks and idle:
                attempt, chunk = chunks.popleft()
                actor = idle.pop()
                deadline = time.monotonic() + len(chunk) * self.timeout + CHUNK_MARGIN
                running[actor.grade_chunk.remote(chunk)] = (actor, chunk, attempt, deadline)
            done, _ = ray.wait(list(running), num_returns=1, timeout=1.0)
            now = time.monotonic()
            late = [ref for ref, (_, _, _, deadline) in running.items() if deadline < now]
            for ref in [*done, *(r for r in late if r not in done)]:
                actor, chunk, attempt, _ = running.pop(ref)
                try:
                    if ref not in done:
                        ray.kill(actor)
                        raise TimeoutError("a Ray worker stopped answering")
                    results = ray.get(ref)
                except Exception as exc:  # the actor or its node died: retry, then report
                    what = _describe(exc)
                    self.actors.remove(actor)
                    fresh = self._new_actor()
                    self.actors.append(fresh)
                    idle.append(fresh)
                    if attempt == 1:
                        chunks.extendleft((2, [t]) for t in reversed(chunk))
                    else:
                        for t in chunk:
                            yield t.index, self._error(what)
                    continue
                idle.append(actor)
                yield from results

    def close(self) -> None:
        for actor in self.actors:
            with contextlib.suppress(Exception):
                self.ray.kill(actor)
        self.actors = []
        if self._owns:
            self.ray.shutdown()


def _describe(exc: BaseException) -> str:
    name = type(exc).__name__
    if "ActorDied" in name or "RayActorError" in name:
        return "the Ray worker grading it died"
    if "WorkerCrashed" in name or "NodeDied" in name or "ObjectLost" in name:
        return "the Ray worker or node grading it was lost"
    if isinstance(exc, TimeoutError):
        return str(exc)
    return f"the Ray task failed ({name})"
