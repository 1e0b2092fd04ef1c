"""Numeric paths of the multivariate, implicit and Taylor results are safe in threads.

Their checks and searches used to change mpmath's process-wide precision
(``mpmath.workdps``, ``mpmath.diff``, ``mpmath.findroot``, ``mpmath.eigsy``), so a thread
could compute at another thread's precision and certify or reject the wrong thing. They now
compute in the calling thread's own context (:func:`symderiv.numeric.local_context`). The
test runs each computation serially, then many times at once in several threads with a
tiny switch interval while another thread keeps changing ``mpmath.mp.dps``: every result
must equal the serial one, to the last digit, and every check must pass.
"""

from __future__ import annotations

import random
import sys
import threading
from collections.abc import Callable
from typing import Any

import mpmath
import sympy as sp

import symderiv as sd
from symderiv.multivariate.critical_search import numeric_search
from symderiv.steps import Verification

x, y = sp.symbols("x y")
THREADS = 4


def _verification(v: Verification) -> tuple[Any, ...]:
    return (v.ok, v.max_rel_error, v.points, v.digits, v.reason)


def _classify_by_evidence() -> tuple[Any, ...]:
    # semidefinite Hessian, no exact check decides: sampling on circles (mpmath, 60 digits)
    c = sd.hessian("x^4 + y^2 - x^6").classify((0, 0))
    assert c.verification.ok is True
    return (c.kind, c.method, c.evidence, c.reason, _verification(c.verification))


def _classify_numeric_eigenvalues() -> tuple[Any, ...]:
    # the characteristic polynomial does not split: eigenvalues by eigsy at 30 digits
    c = sd.hessian("x^2 + x y + (3/2) y^2 + y z + (5/2) z^2 + x^3").classify((0, 0, 0))
    assert c.verification.ok is True and not c.eigenvalues_exact
    return (c.kind, c.eigenvalues, c.reason, _verification(c.verification))


def _implicit_curve() -> tuple[Any, ...]:
    # the slope of the numerically solved folium (findroot and diff at 50 digits)
    d = sd.implicit("x^3 + y^3 = 6 x y")
    assert d.verification.ok is True
    return (d.result, _verification(d.verification))


def _taylor_with_error_table() -> tuple[Any, ...]:
    t = sd.taylor("log(1+x)/(1+x)", at=0, order=8)
    assert t.verification.ok is True
    table = t.error_table(["1/10", "1/2"])
    values = [mpmath.nstr(v, 40) for row in table.rows for v in (row.value, *row.approximations)]
    return (tuple(t.coefficients), _verification(t.verification), tuple(values))


def _taylor_two_variables() -> tuple[Any, ...]:
    t = sd.taylor("exp(x) sin(y)", vars="x,y", at=(0, 0), order=3)
    assert t.verification.ok is True
    return (_verification(t.verification),)


def _gradient_and_point_check() -> tuple[Any, ...]:
    # finite differences of f at the point (the check of a classification)
    c = sd.hessian("x^4 - 3x^2 + y^2").classify({"x": "sqrt(6)/2", "y": 0})
    g = sd.gradient("x^2 y + sin(x y)")
    assert c.verification.ok is True and g.verification.ok is True
    return (c.kind, _verification(c.verification), _verification(g.verification))


def _numeric_critical_search() -> tuple[Any, ...]:
    # Newton's method from 49 starts (30 digits); no budget, so the points are the same
    f = x**4 - 3 * x**2 + y**2
    components = [sp.diff(f, v) for v in (x, y)]
    matrix = sp.hessian(f, (x, y))
    found = numeric_search(f, (x, y), components, matrix, seconds=None)
    assert len(found.points) == 3
    return tuple(tuple(sorted((str(k), str(v)) for k, v in p.items())) for p in found.points)


WORK: tuple[Callable[[], tuple[Any, ...]], ...] = (
    _classify_by_evidence,
    _classify_numeric_eigenvalues,
    _implicit_curve,
    _taylor_with_error_table,
    _taylor_two_variables,
    _gradient_and_point_check,
    _numeric_critical_search,
)


def test_numeric_results_are_the_same_in_threads_as_alone():
    expected = {work.__name__: work() for work in WORK}
    results: list[tuple[str, Any]] = []
    failures: list[str] = []
    done = threading.Event()

    def disturb() -> None:
        rng = random.Random(1)
        while not done.is_set():
            mpmath.mp.dps = rng.choice((5, 8, 40, 100))

    def run(seed: int) -> None:
        order = list(WORK)
        random.Random(seed).shuffle(order)
        for work in order:
            try:
                results.append((work.__name__, work()))
            except Exception as exc:  # reported below with the work's name
                failures.append(f"{work.__name__}: {type(exc).__name__}: {exc}")

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    disturber = threading.Thread(target=disturb)
    workers = [threading.Thread(target=run, args=(seed,)) for seed in range(THREADS)]
    try:
        disturber.start()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=300)
    finally:
        done.set()
        disturber.join()
        sys.setswitchinterval(interval)
        mpmath.mp.dps = 15
    assert not any(worker.is_alive() for worker in workers)
    assert failures == []
    assert len(results) == THREADS * len(WORK)
    for name, result in results:
        assert result == expected[name], name
