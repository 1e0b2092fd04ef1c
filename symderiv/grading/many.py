"""``grade_many(items, engine=...)``: grade many answers, verdicts in input order, nothing lost.

Items are the JSON objects ``symderiv grade`` reads: ``{"id": ..., "problem": {...},
"answer": "...", "extract": false}`` (``id`` and ``extract`` optional; ``extract: true``
grades a whole solution as ``grade(..., extract=True)`` does). Ids must be unique: a
duplicate is a :class:`DuplicateIdError` before anything is graded.

Engines (each answer has a hard time limit, ``timeout`` seconds, on both):

* ``"local"`` -- a :class:`~symderiv.grading.pool.GradingPool` of ``workers`` processes on
  this machine;
* ``"ray"`` -- chunks of answers on Ray actors, on any number of machines
  (:mod:`symderiv.grading.ray_engine`; ``pip install "symderiv[ray]"``).

A worker that dies mid-answer has the answer retried once; a second death gives an
``error`` verdict that says what happened, never a silent ``invalid``. An item that is not
an object, or lacks ``problem``/``answer``, is ``invalid`` with the reason; a problem that
cannot be set is ``invalid`` ("The problem itself cannot be set: ...").
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from symderiv.errors import SymderivError
from symderiv.grading.extract import extract_answer
from symderiv.grading.local_engine import LocalEngine, Task
from symderiv.grading.ray_engine import RayEngine
from symderiv.grading.verdict import Policy, Verdict, message

__all__ = ["ENGINES", "BadItem", "DuplicateIdError", "check_ids", "grade_many"]

ENGINES = ("local", "ray")


class DuplicateIdError(SymderivError, ValueError):
    """Two items share an id (found before anything is graded)."""


@dataclass(frozen=True)
class BadItem:
    """An input that could not even be read as an item (e.g. a line that is not JSON): it
    gets an ``invalid`` verdict giving ``reason``, in its place."""

    reason: str
    id: Any = None


class Engine(Protocol):
    def results(self, tasks: Sequence[Task]) -> Iterator[tuple[int, Verdict]]:
        """(index, verdict) for every task, in any order."""
        ...

    def close(self) -> None: ...


def _invalid(reason: str) -> Verdict:
    return Verdict(status="invalid", feedback=(reason,))


def check_ids(items: Sequence[Any]) -> None:
    """Raise :class:`DuplicateIdError` when two items share an id."""
    seen: dict[Any, int] = {}
    for n, item in enumerate(items, start=1):
        if not isinstance(item, Mapping) or item.get("id") is None:
            continue
        key = item["id"]
        try:
            hash(key)
        except TypeError:
            raise SymderivError(f"item {n}: an id must be a string or a number") from None
        if key in seen:
            raise DuplicateIdError(f"duplicate id {key!r}: items {seen[key]} and {n}")
        seen[key] = n


def _prepare(index: int, item: Any, lang: str) -> Task | Verdict:
    """The task for an item, or the verdict it gets without grading (unreadable item)."""
    if isinstance(item, BadItem):
        return _invalid(item.reason)
    if not isinstance(item, Mapping):
        return _invalid(f"item {index + 1}: expected a JSON object")
    problem, answer = item.get("problem"), item.get("answer")
    if not isinstance(problem, Mapping) or not isinstance(answer, str):
        return _invalid(f"item {index + 1}: needs 'problem' (object) and 'answer' (text)")
    if item.get("extract"):
        found = extract_answer(answer)
        if found is None:
            return Verdict(status="invalid", feedback=(message("no_answer_found", lang),))
        return Task(index, dict(problem), found.answer, found)
    return Task(index, dict(problem), answer)


def grade_many(
    items: Iterable[Any],
    *,
    engine: str = "local",
    workers: int | None = None,
    timeout: float = 5.0,
    lang: str = "en",
    abs_tol: float | None = None,
    rel_tol: float | None = None,
    policy: Policy | None = None,
    address: str | None = None,
    chunk_size: int | None = None,
    on_verdict: Callable[[int, Verdict], None] | None = None,
) -> Iterator[Verdict]:
    """Grade ``items`` (see the module doc); yield one verdict per item, in input order.

    ``workers``: processes (local) or Ray actors (ray), default the number of cores (the
    cluster's CPUs on Ray). ``address``: the Ray cluster (``"auto"``, ``"HOST:PORT"``;
    None starts a local Ray). ``chunk_size``: answers per Ray task. ``on_verdict(index,
    verdict)`` is called as each verdict arrives (any order), e.g. for a progress bar.

    >>> items = [{"id": 1, "problem": {"function": "x^2"}, "answer": "2x"}]
    >>> [v.status for v in grade_many(items, workers=1)]
    ['correct']
    """
    if engine not in ENGINES:
        raise SymderivError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    items = list(items)
    check_ids(items)
    options = {"lang": lang, "abs_tol": abs_tol, "rel_tol": rel_tol, "policy": policy}
    prepared = [_prepare(i, item, lang) for i, item in enumerate(items)]
    extracted = {p.index: p.extraction for p in prepared if isinstance(p, Task) and p.extraction}
    tasks = [p for p in prepared if isinstance(p, Task)]
    ready: dict[int, Verdict] = {i: p for i, p in enumerate(prepared) if isinstance(p, Verdict)}
    for i, v in ready.items():
        if on_verdict:
            on_verdict(i, v)
    runner: Engine | None = None
    try:
        if tasks:
            if engine == "local":
                count = max(1, workers or os.cpu_count() or 1)
                runner = LocalEngine(min(count, len(tasks)), timeout, options)
            else:
                runner = RayEngine(workers, timeout, options, address, chunk_size)
        results = runner.results(tasks) if runner is not None else iter(())
        for n in range(len(items)):
            while n not in ready:
                index, verdict = next(results)
                found = extracted.get(index)
                if found is not None:
                    verdict = replace(
                        verdict, extracted=found.answer, extracted_from=found.describe()
                    )
                ready[index] = verdict
                if on_verdict:
                    on_verdict(index, verdict)
            yield ready.pop(n)
    finally:
        if runner is not None:
            runner.close()
