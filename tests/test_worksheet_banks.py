"""Every bank gives well-posed problems: verified, distinct, of a size that fits the label."""

from __future__ import annotations

import random
import statistics

import pytest
import sympy as sp

from symderiv.worksheet import BANKS, worksheet
from symderiv.worksheet.build import _well_posed
from symderiv.worksheet.problem import DERIVATIVE_KINDS

#: Banks of one derivative (the others are tested in test_worksheet_multivariate.py).
DERIVATIVE_BANKS = sorted(name for name, bank in BANKS.items() if bank.kind in DERIVATIVE_KINDS)


def draw(bank: str, difficulty: int, count: int, seed: int = 0):
    spec = {"sections": [{"problems": [{"bank": bank, "count": count, "difficulty": difficulty}]}]}
    return worksheet(spec, seed=seed).problems


def draw_mixed(bank: str, counts: dict[int, int], seed: int = 0):
    """One sheet with an entry per difficulty: distinct across the whole sheet."""
    entries = [{"bank": bank, "count": n, "difficulty": d} for d, n in counts.items()]
    return worksheet({"sections": [{"problems": entries}]}, seed=seed).problems


@pytest.mark.slow
@pytest.mark.parametrize("bank", DERIVATIVE_BANKS)
def test_bank_gives_50_well_posed_problems(bank):
    problems = draw_mixed(bank, {1: 17, 2: 17, 3: 16}, seed=7)
    assert len(problems) == 50
    assert len({sp.srepr(p.expr) for p in problems}) == 50
    for p in problems:
        assert p.verified, p.function
        assert p.expected != 0 and p.expected.free_symbols
        assert sp.count_ops(p.expected) <= BANKS[bank].max_ops[p.difficulty - 1]
        assert p.derivation.steps


@pytest.mark.parametrize("bank", sorted(BANKS))
def test_bank_quick_draw(bank):
    for difficulty in (1, 2, 3):
        problems = draw(bank, difficulty, 4, seed=difficulty)
        assert all(p.verified for p in problems)
        assert len({p.function for p in problems}) == 4


@pytest.mark.slow
@pytest.mark.parametrize("bank", DERIVATIVE_BANKS)
def test_generators_rarely_need_a_retry_and_harder_means_longer(bank):
    """Most raw drafts are already fair, and difficulty 3 takes more steps than 1."""
    generator = BANKS[bank]
    mean_steps = {}
    for difficulty in (1, 3):
        rng = random.Random(f"test:{bank}:{difficulty}")
        posed = [
            _well_posed(generator.generate(rng, difficulty), generator.max_ops[difficulty - 1])
            for _ in range(30)
        ]
        good = [p for p in posed if p is not None]
        assert len(good) >= 20, f"{bank} d{difficulty}: {30 - len(good)} of 30 drafts rejected"
        mean_steps[difficulty] = statistics.mean(len(d.steps) for _, d in good)
    assert mean_steps[3] > mean_steps[1], mean_steps
