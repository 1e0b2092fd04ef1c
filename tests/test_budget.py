"""Tests for symderiv.budget: CPU-time budgets (issue 18 item 3)."""

from __future__ import annotations

import math
import threading
import time

import pytest

from symderiv.budget import Budget, BudgetExceeded


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_budget_counts_from_creation_and_reports_the_cut() -> None:
    clock = FakeClock()
    budget = Budget(2.0, clock=clock)
    clock.now += 1.5
    assert budget.spent() == 1.5 and budget.remaining() == 0.5
    assert not budget.exhausted() and budget.cut_short == ""
    clock.now += 1.0
    assert budget.exhausted() and budget.remaining() == 0.0
    sentence = budget.cut("the search", "after 3 of 10 starts")
    assert sentence == "the search was cut short by its CPU-time budget (2 s) after 3 of 10 starts"
    assert budget.cut_short == sentence


def test_check_raises_once_exhausted() -> None:
    clock = FakeClock()
    budget = Budget(1.0, clock=clock)
    budget.check("the tidy-up")
    clock.now += 2
    with pytest.raises(BudgetExceeded, match="the tidy-up was cut short"):
        budget.check("the tidy-up")


def test_unlimited_budget_never_runs_out() -> None:
    clock = FakeClock()
    budget = Budget(None, clock=clock)
    clock.now += 1e9
    assert not budget.exhausted() and math.isinf(budget.remaining())


def test_part_is_a_share_of_what_is_left_and_reports_to_the_parent() -> None:
    clock = FakeClock()
    parent = Budget(10.0, clock=clock)
    clock.now += 4
    part = parent.part(0.5)
    assert part.seconds == 3.0
    assert parent.part(seconds=1.0).seconds == 1.0
    clock.now += 3.5
    assert part.exhausted() and not parent.exhausted()
    part.cut("step 2")
    assert parent.cut_short == "step 2 was cut short by its CPU-time budget (3 s)"


def test_issue18_3_sleeping_and_other_threads_do_not_count() -> None:
    budget = Budget(0.05)
    spinning = threading.Thread(target=lambda: sum(range(1_000_000)))
    spinning.start()
    time.sleep(0.2)  # wall-clock time passes; this thread does no work
    spinning.join()
    assert not budget.exhausted(), budget.spent()


# --------------------------------------------------------------------------- interrupt_after


def _runaway() -> object:
    """SymPy's own evaluation of tanh nested twelve deep: minutes of assumption queries."""
    import sympy as sp

    e = sp.Symbol("x")
    for _ in range(12):
        e = sp.tanh(e)
    return e


def test_interrupt_after_stops_a_single_runaway_sympy_call() -> None:
    from symderiv.budget import WorkInterrupted, interrupt_after

    start = time.thread_time()
    with pytest.raises(WorkInterrupted, match=r"0\.5 s of CPU time"), interrupt_after(0.5):
        _runaway()
    assert time.thread_time() - start < 2.0
    assert not [t for t in threading.enumerate() if t.name == "symderiv-interrupt-after"]


def test_interrupt_after_lets_short_work_finish_and_raises_nothing_later() -> None:
    from symderiv.budget import interrupt_after

    with interrupt_after(5.0):
        total = sum(math.factorial(n) % 7 for n in range(200))
    assert total == sum(math.factorial(n) % 7 for n in range(200))
    for _ in range(20):  # a limit reached just as the block ends is withdrawn
        with interrupt_after(0.001):
            busy = time.thread_time() + 0.003
            while time.thread_time() < busy:
                pass
        busy = time.thread_time() + 0.05
        while time.thread_time() < busy:
            pass


def test_interrupt_after_holds_in_a_thread_and_only_there() -> None:
    from symderiv.budget import WorkInterrupted, interrupt_after

    outcome: list[str] = []

    def watched() -> None:
        try:
            with interrupt_after(0.5):
                _runaway()
            outcome.append("finished")
        except WorkInterrupted:
            outcome.append("interrupted")

    def unwatched() -> None:
        outcome.append(str(sum(range(10**6))))

    threads = [threading.Thread(target=watched), threading.Thread(target=unwatched)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcome) == sorted(["interrupted", str(sum(range(10**6)))])
