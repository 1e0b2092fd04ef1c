"""The unit of batch work (:class:`Task`), grading one in a pool, and the local engine.

:class:`LocalEngine` is ``grade_many``'s ``"local"`` engine: a
:class:`~symderiv.grading.pool.GradingPool` of ``workers`` processes on this machine, fed
by as many threads; :func:`grade_task` is also what each Ray actor runs.
"""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from symderiv.errors import SymderivError
from symderiv.grading.extract import Extraction
from symderiv.grading.pool import GradingPool
from symderiv.grading.verdict import Verdict, message

__all__ = ["LocalEngine", "Task", "grade_task"]


@dataclass(frozen=True)
class Task:
    """One answer to grade: its position in the input, the problem and the answer text."""

    index: int
    problem: Any
    answer: str
    extraction: Extraction | None = None  # where ``answer`` was found in a solution


def grade_task(
    pool: GradingPool, task: Task, timeout: float, options: Mapping[str, Any]
) -> Verdict:
    """Grade one task in ``pool``; a problem that cannot be set is ``invalid``, any other
    failure an ``error`` verdict (the batch goes on)."""
    lang = options.get("lang") or "en"
    try:
        return pool.grade(task.problem, task.answer, timeout=timeout, **options)
    except SymderivError as exc:
        return Verdict(status="invalid", feedback=(message("problem_error", lang, error=exc),))
    except Exception as exc:  # never stop the batch
        error = f"{type(exc).__name__}: {exc}"
        return Verdict(status="error", feedback=(message("grading_error", lang, error=error),))


class LocalEngine:
    """A pool of ``workers`` processes on this machine, fed by as many threads."""

    def __init__(self, workers: int, timeout: float, options: Mapping[str, Any]) -> None:
        self.workers = workers
        self.timeout = timeout
        self.options = dict(options)
        self.pool = GradingPool(workers)
        self.pool.warm()

    def results(self, tasks: Sequence[Task]) -> Iterator[tuple[int, Verdict]]:
        window = max(4 * self.workers, 8)
        queue = iter(tasks)
        with cf.ThreadPoolExecutor(max_workers=self.workers) as executor:
            pending: dict[cf.Future[Verdict], int] = {}

            def fill() -> None:
                while len(pending) < window:
                    task = next(queue, None)
                    if task is None:
                        return
                    future = executor.submit(
                        grade_task, self.pool, task, self.timeout, self.options
                    )
                    pending[future] = task.index

            fill()
            while pending:
                done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                for future in done:
                    yield pending.pop(future), future.result()
                fill()

    def close(self) -> None:
        self.pool.close()
