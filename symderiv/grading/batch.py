"""Batch grading from JSON lines: reading the lines, resuming, output rows, the summary.

Each input line is ``{"id": ..., "problem": {...}, "answer": "...", "extract": false}``
(other keys are ignored); blank lines are skipped; a line that is not a JSON object gets an
``invalid`` row in its place. Grading is :func:`~symderiv.grading.many.grade_many` (local
processes or Ray); each output row is ``{"id": ..., **verdict}``, in input order.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from symderiv.errors import SymderivError
from symderiv.grading.many import BadItem, check_ids, grade_many
from symderiv.grading.verdict import STATUSES, Verdict

__all__ = ["Summary", "done_ids", "grade_lines", "read_items"]


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
        shown = [s for s in STATUSES if self.counts[s] or s in ("correct", "incorrect")]
        parts = ", ".join(f"{self.counts[s]} {s}" for s in shown)
        mean = self.total_score / self.total if self.total else 0.0
        rate = self.total / seconds if seconds > 0 else 0.0
        return (
            f"graded {self.total} answers in {seconds:.1f} s ({rate:.1f}/s): {parts}; "
            f"mean score {mean:.3f}"
        )


def read_items(lines: Iterable[str]) -> list[Any]:
    """The items of JSON lines (blank lines skipped; unreadable ones as :class:`BadItem`)."""
    items: list[Any] = []
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            items.append(BadItem(f"line {line_no}: not valid JSON ({exc.msg})"))
            continue
        if not isinstance(item, dict):
            items.append(BadItem(f"line {line_no}: expected a JSON object"))
        elif not isinstance(item.get("problem"), dict) or not isinstance(item.get("answer"), str):
            reason = f"line {line_no}: needs 'problem' (object) and 'answer' (text)"
            items.append(BadItem(reason, item.get("id")))
        else:
            items.append(item)
    return items


def done_ids(path: Path) -> set[Any]:
    """The ids already graded in an output file, for ``--resume``.

    A last line cut short by a killed run is removed from the file first, so the rows
    appended next start on a line of their own.
    """
    if not path.exists():
        return set()
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    if end < len(data):
        with open(path, "r+b") as f:
            f.truncate(end)
            f.flush()
            os.fsync(f.fileno())
    ids: set[Any] = set()
    for n, line in enumerate(data[:end].decode("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            raise SymderivError(f"{path}: line {n} is not JSON; cannot resume from it") from None
        ids.add(row.get("id"))
    return ids


def _row(item: Any, verdict: Verdict) -> dict[str, Any]:
    item_id = item.id if isinstance(item, BadItem) else item.get("id")
    return {"id": item_id, **verdict.to_dict()}


def grade_lines(
    lines: Iterable[str],
    *,
    workers: int | None = None,
    timeout: float,
    lang: str = "en",
    engine: str = "local",
    address: str | None = None,
    skip: set[Any] | None = None,
    on_done: Callable[[dict[str, Any]], None] | None = None,
    on_verdict: Callable[[int, Verdict], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Grade JSON lines; yield one row (``id`` + verdict) per item not in ``skip``, in order."""
    every = read_items(lines)
    check_ids(every)  # duplicates are an error before anything runs, skipped ones included
    items = [i for i in every if not (skip and _row_id(i) in skip)]
    verdicts = grade_many(
        items,
        engine=engine,
        workers=workers,
        timeout=timeout,
        lang=lang,
        address=address,
        on_verdict=on_verdict,
    )
    for item, verdict in zip(items, verdicts, strict=True):
        row = _row(item, verdict)
        if on_done:
            on_done(row)
        yield row


def _row_id(item: Any) -> Any:
    return item.id if isinstance(item, BadItem) else item.get("id")
