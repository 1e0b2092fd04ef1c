"""Reward functions for RL trainers (issue 14, item 3): TRL's and veRL's shapes."""

from __future__ import annotations

import pytest

from symderiv.grading.reward import compute_score, score, trl_reward

SIN3 = {"kind": "derivative", "function": "sin(3x)"}


def test_trl_reward_with_plain_and_chat_completions() -> None:
    reward = trl_reward()
    completions = [
        r"By the chain rule $f'(x) = \boxed{3\cos 3x}$.",
        [{"role": "assistant", "content": r"The answer is $\cos 3x$."}],
        [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "I am not sure."}],
        "The answer is 3cos(3x).",
    ]
    got = reward(
        prompts=["Differentiate sin(3x)."] * 4, completions=completions, problem=[SIN3] * 4
    )
    assert got == [1.0, 0.0, 0.0, 1.0]
    assert trl_reward.__name__ == "trl_reward" and reward.__name__ == "symderiv_reward"


def test_trl_reward_partial_credit_for_one_diagnosed_slip() -> None:
    reward = trl_reward(partial=True)
    # cos(3x) drops the inner derivative: two diagnosed slips explain it, credit 0.5.
    got = reward(prompts=None, completions=[r"\boxed{\cos 3x}", "no answer"], problem=[SIN3] * 2)
    assert got == [0.5, 0.0]


def test_trl_reward_needs_the_problem_column() -> None:
    with pytest.raises(KeyError, match="'problem' column"):
        trl_reward()(prompts=["p"], completions=["2x"])


def test_verl_compute_score_with_problem_as_json_or_function_text() -> None:
    assert compute_score("symderiv", "... so the answer is $2x$.", '{"function": "x^2"}') == 1.0
    assert compute_score("symderiv", r"$$f'(x) = 3x^2$$", "x^3") == 1.0
    assert compute_score("symderiv", r"$$f'(x) = 3x$$", "x^3", {"partial": True}) == 0.0
    assert compute_score("symderiv", "I give up.", "x^3") == 0.0


def test_a_problem_that_cannot_be_set_scores_zero() -> None:
    assert score({"kind": "bogus"}, r"\boxed{1}") == 0.0


def test_a_runaway_answer_scores_zero_within_its_time_limit() -> None:
    runaway = {
        "kind": "taylor",
        "function": "tan(sin(x)) e^{cos(x)} / (2+sin(e^x))",
        "at": "1",
        "order": 12,
    }
    assert score(runaway, r"\boxed{1}", timeout=3) == 0.0
