"""Batch grading: JSON lines in, one verdict per line out, in input order.

Each input line is ``{"id": ..., "problem": {...}, "answer": "..."}`` (other keys are
ignored). Answers are graded in parallel by a :class:`~symderiv.grading.pool.GradingPool`
with a hard per-answer time limit; a runaway answer becomes a ``timeout`` verdict and the
batch goes on. A line that is not valid JSON, or a problem that cannot be set, gives an
``invalid`` verdict for that line.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from symderiv.errors import SymderivError
from symderiv.grading.pool import GradingPool
from symderiv.grading.verdict import Verdict

__all__ = ["Summary", "grade_lines"]


@dataclass
class Summary:
    """Counts by status and the mean score of a batch."""

    counts: Counter[str] = field(default_factory=Counter)
    total_score: float = 0.0

    def add(self, row: dict[str, Any]) -> None:
        self.counts[row.get("status", "invalid")] += 1
        self.total_score += float(row.get("score") or 0.0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def text(self, seconds: float) -> str:
        parts = ", ".join(
            f"{self.counts[s]} {s}" for s in ("correct", "incorrect", "invalid", "timeout")
        )
        mean = self.total_score / self.total if self.total else 0.0
        rate = self.total / seconds if seconds > 0 else 0.0
        return (
            f"graded {self.total} answers in {seconds:.1f} s ({rate:.1f}/s): {parts}; "
            f"mean score {mean:.3f}"
        )


def _error_row(item_id: Any, text: str) -> dict[str, Any]:
    row = Verdict(status="invalid", feedback=(text,)).to_dict()
    return {"id": item_id, **row}


def _task(line_no: int, line: str) -> tuple[Any, Any, Any, str | None]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, None, None, f"line {line_no}: not valid JSON ({exc.msg})"
    if not isinstance(item, dict):
        return None, None, None, f"line {line_no}: expected a JSON object"
    problem, answer = item.get("problem"), item.get("answer")
    if not isinstance(problem, dict) or not isinstance(answer, str):
        return (
            item.get("id"),
            None,
            None,
            f"line {line_no}: needs 'problem' (object) and 'answer' (text)",
        )
    return item.get("id"), problem, answer, None


def grade_lines(
    lines: Iterable[str],
    *,
    workers: int,
    timeout: float,
    lang: str = "en",
    on_done: Callable[[dict[str, Any]], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Grade JSON lines; yield one result dict (``id`` + verdict) per non-blank line, in order."""
    pool = GradingPool(workers)
    pool.warm()

    def run(item_id: Any, problem: dict, answer: str) -> dict[str, Any]:
        try:
            verdict = pool.grade(problem, answer, timeout=timeout, lang=lang)
        except SymderivError as exc:
            return _error_row(item_id, f"problem error: {exc}")
        except Exception as exc:  # never stop the batch
            return _error_row(item_id, f"grading error: {type(exc).__name__}: {exc}")
        return {"id": item_id, **verdict.to_dict()}

    window = max(4 * workers, 8)
    pending: list[Future[dict[str, Any]]] = []
    try:
        with ThreadPoolExecutor(max_workers=workers) as executor:

            def flush(limit: int) -> Iterator[dict[str, Any]]:
                while len(pending) > limit:
                    row = pending.pop(0).result()
                    if on_done:
                        on_done(row)
                    yield row

            for line_no, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                item_id, problem, answer, error = _task(line_no, line)
                future: Future[dict[str, Any]]
                if error is not None:
                    future = Future()
                    future.set_result(_error_row(item_id, error))
                else:
                    future = executor.submit(run, item_id, problem, answer)
                pending.append(future)
                yield from flush(window)
            yield from flush(0)
    finally:
        pool.close()
