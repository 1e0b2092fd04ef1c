"""The web server's killable worker pool, on its own."""

from __future__ import annotations

import os
import signal
import time

import pytest

from symderiv.web.workers import TaskError, TaskTimeout, WorkerPool

SLOW = {"expr": "sin(x y z w) exp(x+y+z+w) / (1+x^2+y^2+z^2+w^2)", "detail": "normal"}


@pytest.fixture(scope="module")
def pool():
    p = WorkerPool(1, max_tasks=3)
    p.warm()
    yield p
    p.close()


def test_a_task_runs_in_a_worker_process(pool):
    d = pool.run("derive", {"expr": "x^2 sin(x)", "detail": "normal"}, timeout=30)
    assert d["result"]["sympy"] == "x**2*cos(x) + 2*x*sin(x)"
    assert pool.pids() and pool.pids()[0] != os.getpid()


def test_refused_input_is_a_task_error_with_column(pool):
    with pytest.raises(TaskError) as caught:
        pool.run("parse", {"text": "x +* 2"}, timeout=30)
    assert caught.value.body["column"] == 4
    with pytest.raises(TaskError, match="unknown task"):
        pool.run("__import__", {}, timeout=30)


@pytest.mark.slow  # waits for a replacement worker to import symderiv
def test_overrun_kills_the_worker_and_its_directory(pool):
    pid = pool.pids()[0]
    directory = f"/proc/{pid}/cwd"
    workdir = os.readlink(directory)
    assert os.path.basename(workdir).startswith("symderiv-web-")
    killed = pool.killed
    with pytest.raises(TaskTimeout):
        pool.run("hessian", SLOW, timeout=0.3)
    assert pool.killed == killed + 1
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not os.path.exists(workdir)
    assert pool.run("ping", {}, timeout=30) == "pong"


def test_a_worker_killed_from_outside_is_replaced(pool):
    pid = pool.pids()[0]
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    assert pool.run("ping", {}, timeout=30) == "pong"
    assert pool.pids()[0] != pid


@pytest.mark.slow  # waits for a replacement worker to import symderiv
def test_workers_are_recycled_after_max_tasks(pool):
    started = pool.started
    for _ in range(4):
        pool.run("ping", {}, timeout=30)
    assert pool.started > started
