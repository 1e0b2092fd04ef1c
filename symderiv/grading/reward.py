"""Reward functions for reinforcement learning: a grade as a number, in the shapes trainers call.

The score of one completion is 1.0 for a correct final answer and 0.0 otherwise; with
``partial=True`` it is the verdict's score (partial credit for one diagnosed slip, a right
value in the wrong form, a Taylor polynomial with one slip, ...; see
:class:`~symderiv.grading.verdict.Policy`). The final answer is found in the completion by
:func:`~symderiv.grading.extract.extract_answer` (``\\boxed{...}``, "the answer is ...",
``f'(x) = ...``, the last display math); a completion without one scores 0. Every answer
has a hard time limit (``timeout`` seconds, default 5), so one slow answer never stalls a
training step; a timeout scores 0.

The problem of each completion is a problem dict (see :mod:`symderiv.grading.problems`),
its JSON text, or plain text: a function whose derivative is asked (``"x^2 sin(x)"``).

**TRL** (``GRPOTrainer(reward_funcs=[...])``; extra dataset columns arrive as keyword
lists, here a ``problem`` column)::

    from symderiv.grading.reward import trl_reward

    reward = trl_reward(partial=True)  # reward(prompts=..., completions=..., problem=[...])
    reward(
        prompts=["Differentiate sin(3x)."],
        completions=[[{"role": "assistant", "content": "So $f'(x) = \\\\boxed{3\\\\cos 3x}$."}]],
        problem=[{"kind": "derivative", "function": "sin(3x)"}],
    )  # -> [1.0]

**veRL** (``custom_reward_function.path`` pointing at this module, ``name:
compute_score``; ``ground_truth`` is the problem)::

    compute_score("symderiv", "... the answer is $2x$.", '{"function": "x^2"}')  # -> 1.0

Scores of a batch are graded in parallel by the process-wide pool of warm worker
processes (:func:`score_many`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from symderiv.errors import SymderivError
from symderiv.grading.grader import grade
from symderiv.grading.verdict import Verdict

__all__ = ["compute_score", "score", "score_many", "trl_reward"]

DEFAULT_TIMEOUT = 5.0


def as_problem_dict(problem: Any) -> dict[str, Any]:
    """A problem dict from a dict, its JSON text, or a function's text (a derivative)."""
    if isinstance(problem, Mapping):
        return dict(problem)
    if isinstance(problem, str):
        text = problem.strip()
        if text.startswith("{"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError:
                data = None
            if isinstance(data, dict):
                return data
        return {"kind": "derivative", "function": text}
    raise TypeError(f"a problem is a dict or text, not {type(problem).__name__}")


def completion_text(completion: Any) -> str:
    """The text of a completion: a string, or a chat (a list of messages; the last
    assistant message's content), as TRL passes conversational completions."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, Mapping):
        return str(completion.get("content", ""))
    if isinstance(completion, Sequence):
        messages = [m for m in completion if isinstance(m, Mapping)]
        replies = [m for m in messages if m.get("role", "assistant") == "assistant"]
        return str((replies or messages or [{}])[-1].get("content", ""))
    return str(completion)


def _value(verdict: Verdict, partial: bool) -> float:
    return float(verdict.score) if partial else (1.0 if verdict.correct else 0.0)


def score_many(
    problems: Sequence[Any],
    solutions: Sequence[str],
    *,
    partial: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    workers: int | None = None,
    extract: bool = True,
) -> list[float]:
    """One score per (problem, solution), graded in parallel by the process-wide pool of
    warm workers (``grade(..., timeout=...)``), ``workers`` at a time."""
    if len(problems) != len(solutions):
        raise ValueError(f"{len(problems)} problems but {len(solutions)} solutions")

    def one(pair: tuple[Any, Any]) -> float:
        problem, solution = pair
        text = solution if isinstance(solution, str) else ""
        try:
            verdict = grade(as_problem_dict(problem), text, timeout=timeout, extract=extract)
        except SymderivError:  # a problem that cannot be set earns nothing
            return 0.0
        return _value(verdict, partial)

    count = max(1, workers or os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=count) as executor:
        return list(executor.map(one, zip(problems, solutions, strict=True)))


def score(
    problem: Any,
    solution: str,
    *,
    partial: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    extract: bool = True,
) -> float:
    """The score of one solution (0/1, or partial credit with ``partial=True``)."""
    return score_many([problem], [solution], partial=partial, timeout=timeout, extract=extract)[0]


def trl_reward(
    *,
    problem_key: str = "problem",
    partial: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    workers: int | None = None,
) -> Callable[..., list[float]]:
    """A TRL reward function ``f(prompts, completions, **kwargs) -> list[float]``; the
    problems come from the dataset column ``problem_key`` (one per completion)."""

    def symderiv_reward(
        prompts: Sequence[Any] | None = None,
        completions: Sequence[Any] = (),
        **kwargs: Any,
    ) -> list[float]:
        if problem_key not in kwargs:
            raise KeyError(f"the dataset needs a {problem_key!r} column for symderiv_reward")
        texts = [completion_text(c) for c in completions]
        return score_many(
            list(kwargs[problem_key]), texts, partial=partial, timeout=timeout, workers=workers
        )

    return symderiv_reward


def compute_score(
    data_source: str,
    solution_str: str,
    ground_truth: Any,
    extra_info: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> float:
    """veRL's custom reward function: ``ground_truth`` is the problem; ``extra_info`` may
    set ``partial`` (bool) and ``timeout`` (seconds)."""
    extra = dict(extra_info or {})
    return score(
        ground_truth,
        solution_str,
        partial=bool(extra.get("partial", False)),
        timeout=float(extra.get("timeout", DEFAULT_TIMEOUT)),
    )
