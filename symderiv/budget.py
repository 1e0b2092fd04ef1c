"""CPU-time budgets for bounded work.

A wall-clock budget makes results depend on how busy the machine is: under load, a check
that takes 0.5 s of computation may see 2 s pass and give up. A :class:`Budget` counts the
CPU time of the *calling thread* (``time.thread_time``), which only grows while this
thread computes, so the same input does the same work -- and gets the same result -- on a
quiet or a busy machine, and in any number of threads.

Use one budget per piece of work, in the thread that does it::

    budget = Budget(2.0)
    for candidate in candidates:
        if budget.exhausted():
            budget.cut("the check", f"after {done} of {wanted} points")
            break
        ...
    if budget.cut_short:
        ...  # say so in the result: budget.cut_short is a sentence

``Budget(None)`` never runs out. :meth:`Budget.part` gives a sub-budget (a share of what is
left, for a step of a larger job) whose cut is reported to the parent too. Time spent in
*other* threads or processes started by the work is not counted: give those their own
budget. A budget cannot interrupt a single long call (use the magnitude and size estimates
of :mod:`symderiv.numeric` for that, or a process with a ``timeout``); where one SymPy call
may run away on hostile input, :func:`interrupt_after` stops it from inside, in this thread.
"""

from __future__ import annotations

import ctypes
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

__all__ = ["Budget", "BudgetExceeded", "WorkInterrupted", "interrupt_after"]

#: Seconds between two looks of :func:`interrupt_after`'s watcher at the watched clock.
_LOOK_EVERY = 0.02


class WorkInterrupted(BaseException):
    """Raised inside a block run by :func:`interrupt_after` when its CPU time is spent.

    Not an ``Exception``: no ``except Exception`` in the interrupted library code can
    swallow it; the caller of the block turns it into its own error.
    """


class BudgetExceeded(Exception):
    """Raised by :meth:`Budget.check` when the budget has run out."""


@dataclass
class Budget:
    """``seconds`` of CPU time (None: no limit), counted from creation by ``clock``."""

    seconds: float | None
    clock: Callable[[], float] = time.thread_time
    parent: Budget | None = None
    cut_short: str = ""  # what the budget cut short ("" while it has not)
    _start: float = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._start = self.clock()

    def spent(self) -> float:
        """CPU seconds used so far."""
        return self.clock() - self._start

    def remaining(self) -> float:
        """CPU seconds left (``inf`` without a limit, never negative)."""
        if self.seconds is None:
            return math.inf
        return max(0.0, self.seconds - self.spent())

    def exhausted(self) -> bool:
        """Whether the budget has run out."""
        # A budget of 0 allows no work at all, however coarse the clock.
        return self.seconds is not None and (self.seconds <= 0 or self.spent() > self.seconds)

    def cut(self, what: str, detail: str = "") -> str:
        """Record that the budget stopped ``what`` (with an optional ``detail``); returns and
        keeps the sentence, e.g. "the check was cut short by its CPU-time budget (2 s)
        after 1 of 3 points"."""
        limit = "" if self.seconds is None else f" ({self.seconds:g} s)"
        sentence = f"{what} was cut short by its CPU-time budget{limit}"
        if detail:
            sentence += f" {detail}"
        self.cut_short = sentence
        if self.parent is not None and not self.parent.cut_short:
            self.parent.cut_short = sentence
        return sentence

    def check(self, what: str, detail: str = "") -> None:
        """Raise :class:`BudgetExceeded` (after :meth:`cut`) when the budget has run out."""
        if self.exhausted():
            raise BudgetExceeded(self.cut(what, detail))

    def part(self, share: float = 1.0, seconds: float | None = None) -> Budget:
        """A sub-budget on the same clock: ``share`` of what is left, and at most
        ``seconds``; when it is cut short, the parent records the cut too."""
        limit = self.remaining() * share
        if seconds is not None:
            limit = min(limit, seconds)
        return Budget(None if math.isinf(limit) else limit, clock=self.clock, parent=self)


def _thread_clock(ident: int) -> Callable[[], float]:
    """The CPU clock of thread ``ident`` (read from any thread), or a wall clock where the
    platform has no per-thread CPU clocks."""
    try:
        clock_id = time.pthread_getcpuclockid(ident)
    except (AttributeError, OSError):
        return time.monotonic
    return lambda: time.clock_gettime(clock_id)


def _raise_in(ident: int, exception: type[BaseException] | None) -> None:
    """Schedule ``exception`` in thread ``ident`` (``None`` withdraws one not yet raised)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(ident), ctypes.py_object(exception) if exception else None
    )


@contextmanager
def interrupt_after(seconds: float) -> Iterator[None]:
    """Run the block, interrupting it with :class:`WorkInterrupted` once the calling thread
    has spent ``seconds`` of CPU time in it -- even inside a single long call of a library
    (SymPy's assumption queries on deeply nested hyperbolic functions grow exponentially).

    A watcher thread reads this thread's CPU clock every ``_LOOK_EVERY`` seconds and, past
    the limit, raises the exception in this thread (CPython's ``PyThreadState_SetAsyncExc``:
    it arrives at the next Python instruction, so work inside one long C call ends first).
    The watched block runs at full speed; other threads are not affected.
    """
    target = threading.get_ident()
    clock = _thread_clock(target)
    deadline = clock() + seconds
    lock = threading.Lock()
    finished = threading.Event()
    fired = False

    def watch() -> None:
        nonlocal fired
        while not finished.wait(_LOOK_EVERY):
            if clock() > deadline:
                with lock:
                    if not finished.is_set():
                        _raise_in(target, WorkInterrupted)
                        fired = True
                return

    watcher = threading.Thread(target=watch, name="symderiv-interrupt-after", daemon=True)
    watcher.start()
    try:
        yield
    except WorkInterrupted:
        raise WorkInterrupted(f"stopped after {seconds:g} s of CPU time") from None
    finally:
        with lock:
            finished.set()
            if fired:
                _raise_in(target, None)  # not raised yet: the block ended first
        watcher.join()
