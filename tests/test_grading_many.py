"""grade_many on the local pool and on Ray, the resumable CLI, nothing lost (issue 14)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from symderiv import cli
from symderiv.grading import GradingPool
from symderiv.grading.many import DuplicateIdError, grade_many

PRODUCT = {"kind": "derivative", "function": "x^2 sin(x)"}
#: An answer whose grading runs for minutes (an order-12 Taylor polynomial of a composite).
RUNAWAY = {
    "kind": "taylor",
    "function": "tan(sin(x)) e^{cos(x)} / (2+sin(e^x))",
    "at": "1",
    "order": 12,
}
#: An answer that takes a few seconds (a narrow domain in two variables searched in vain).
SLOW = (
    {"kind": "partial", "function": "log(x-1000)+log(1001-x)+y", "var": "x"},
    "1/(x-1000)+1/(1001-x)",
)

ANSWERS = [
    (r"2x\sin x + x^2\cos x", "correct"),
    (r"2x\cos x", "incorrect"),
    ("((", "invalid"),
    (r"x^2\cos x + 2x\sin x", "correct"),
    ("2x", "incorrect"),
]


def items(count: int) -> list[dict]:
    return [
        {"id": f"a{i}", "problem": PRODUCT, "answer": ANSWERS[i % len(ANSWERS)][0]}
        for i in range(count)
    ]


def expected_statuses(count: int) -> list[str]:
    return [ANSWERS[i % len(ANSWERS)][1] for i in range(count)]


def _pool_children() -> list[int]:
    """Pids of this process's grading workers (python -m symderiv.grading.pool)."""
    return _processes(lambda cmd, ppid: "symderiv.grading.pool" in cmd and ppid == os.getpid())


def _processes(match) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if match(cmd, ppid):
            pids.append(int(entry.name))
    return pids


# ----------------------------------------------------------------- local engine


def test_grade_many_local_keeps_input_order() -> None:
    got = [v.status for v in grade_many(items(10), workers=2, timeout=60)]
    assert got == expected_statuses(10)


def test_grade_many_unreadable_items_keep_their_place() -> None:
    mixed = [items(1)[0], {"id": "x"}, 5, items(2)[1]]
    got = list(grade_many(mixed, workers=1, timeout=60))
    assert [v.status for v in got] == ["correct", "invalid", "invalid", "incorrect"]
    assert got[1].feedback == ("item 2: needs 'problem' (object) and 'answer' (text)",)
    assert got[2].feedback == ("item 3: expected a JSON object",)


def test_grade_many_duplicate_ids_fail_before_anything_runs() -> None:
    dup = [*items(3), {"id": "a1", "problem": PRODUCT, "answer": "1"}]
    before = set(_pool_children())
    with pytest.raises(DuplicateIdError, match="duplicate id 'a1': items 2 and 4"):
        next(grade_many(dup, workers=1, timeout=60))
    assert set(_pool_children()) == before  # no worker was started


def test_grade_many_extracts_answers_from_solutions() -> None:
    rows = [
        {
            "id": 1,
            "problem": PRODUCT,
            "answer": r"So $\boxed{2x\sin x + x^2\cos x}$.",
            "extract": True,
        },
        {"id": 2, "problem": PRODUCT, "answer": "no idea", "extract": True},
    ]
    first, second = grade_many(rows, workers=1, timeout=60)
    assert first.correct and first.extracted_from == "boxed at characters 11-31"
    assert second.status == "invalid" and second.feedback[0].startswith("No final answer")


def test_local_worker_killed_mid_answer_is_retried() -> None:
    others = set(_pool_children())  # e.g. the shared pool of grade(..., timeout=S)
    with GradingPool(1) as pool:
        pool.warm()
        out = []
        thread = threading.Thread(target=lambda: out.append(pool.grade(*SLOW, timeout=120)))
        thread.start()
        time.sleep(0.5)
        assert thread.is_alive()  # the worker is busy with the answer
        (pid,) = set(_pool_children()) - others
        os.kill(pid, signal.SIGKILL)
        thread.join()
    assert out[0].status == "undecided"  # graded on the second try, as if nothing happened


def test_local_worker_dying_twice_is_an_explicit_error() -> None:
    others = set(_pool_children())
    with GradingPool(1) as pool:
        pool.warm()
        out = []
        thread = threading.Thread(target=lambda: out.append(pool.grade(*SLOW, timeout=120)))
        thread.start()
        while thread.is_alive():
            for pid in set(_pool_children()) - others:
                os.kill(pid, signal.SIGKILL)
            time.sleep(0.2)
    (verdict,) = out
    assert verdict.status == "error" and verdict.score == 0
    assert verdict.feedback == (
        "The answer could not be graded: the grading process was killed by signal 9 (tried twice)",
    )


# ----------------------------------------------------------------- CLI


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]


def test_cli_grade_output_file_and_resume(tmp_path: Path) -> None:
    source, full, part = tmp_path / "in.jsonl", tmp_path / "full.jsonl", tmp_path / "part.jsonl"
    _write(source, items(8))
    assert cli.main(["grade", str(source), "-o", str(full), "--workers", "2", "--quiet"]) == 0
    lines = full.read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["status"] for x in lines] == expected_statuses(8)
    # An interrupted run: three whole lines and a fourth cut short.
    part.write_text("\n".join(lines[:3]) + "\n" + lines[3][:25], encoding="utf-8")
    assert cli.main(["grade", str(source), "--resume", str(part), "--workers", "2", "--quiet"]) == 0
    assert part.read_text(encoding="utf-8") == full.read_text(encoding="utf-8")


def test_cli_grade_duplicate_ids_exit_2_and_write_nothing(tmp_path: Path, capsys) -> None:
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _write(source, [*items(2), items(1)[0]])
    assert cli.main(["grade", str(source), "-o", str(out)]) == 2
    assert not out.exists()
    assert "duplicate id 'a0': items 1 and 3" in capsys.readouterr().err


# ----------------------------------------------------------------- Ray


@pytest.fixture(scope="module")
def ray_cluster():
    ray = pytest.importorskip("ray")
    root = str(Path(__file__).resolve().parents[1])
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": root}},
    )
    yield ray
    ray.shutdown()


def _ray_actor_pids() -> list[int]:
    return _processes(lambda cmd, _ppid: cmd.startswith("ray::GraderActor"))


@pytest.mark.slow
def test_ray_keeps_input_order(ray_cluster) -> None:
    got = [v.status for v in grade_many(items(12), engine="ray", workers=2, timeout=60)]
    assert got == expected_statuses(12)


@pytest.mark.slow
def test_ray_runaway_answer_times_out_while_the_rest_finish(ray_cluster) -> None:
    rows = items(6)
    rows.insert(2, {"id": "runaway", "problem": RUNAWAY, "answer": "1"})
    start = time.monotonic()
    got = list(grade_many(rows, engine="ray", workers=2, timeout=20, chunk_size=3))
    assert [v.status for v in got] == [
        *expected_statuses(2),
        "timeout",
        *expected_statuses(6)[2:],
    ]
    assert got[2].feedback == ("Grading took too long (20 s) and was stopped.",)
    assert time.monotonic() - start < 120


@pytest.mark.slow
def test_ray_worker_killed_mid_run_loses_nothing(ray_cluster) -> None:
    rows = items(16)
    got = []
    killed = []
    for verdict in grade_many(rows, engine="ray", workers=2, timeout=60, chunk_size=4):
        got.append(verdict.status)
        if not killed:
            pids = _ray_actor_pids()
            assert pids
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])
    assert got == expected_statuses(16)
    assert killed and killed[0] not in _ray_actor_pids()


@pytest.mark.slow
def test_ray_resume_after_killed_run_equals_uninterrupted(ray_cluster, tmp_path: Path) -> None:
    source, full, part = tmp_path / "in.jsonl", tmp_path / "full.jsonl", tmp_path / "part.jsonl"
    # Enough answers that the run is still going when it is killed (a chunk holds n/8).
    _write(source, items(300))
    address = ray_cluster.get_runtime_context().gcs_address
    args = ["--engine", "ray", "--workers", "2", "--quiet", "--timeout", "60"]
    # A run killed part-way: the CLI in its own process on the same Ray cluster.
    command = ["grade", str(source), "-o", str(part), "--address", address, *args]
    script = "import sys; from symderiv.cli import main; sys.exit(main(sys.argv[1:]))"
    root = Path(__file__).resolve().parents[1]
    process = subprocess.Popen([sys.executable, "-c", script, *command], cwd=root)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and process.poll() is None:
            if part.exists() and part.read_text(encoding="utf-8").count("\n") >= 3:
                break
            time.sleep(0.05)
        assert process.poll() is None, "the run finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    graded = part.read_text(encoding="utf-8").count("\n")  # a cut-off line is not counted
    assert 3 <= graded < 300
    assert cli.main(["grade", str(source), "--resume", str(part), *args]) == 0
    assert cli.main(["grade", str(source), "-o", str(full), *args]) == 0
    assert part.read_text(encoding="utf-8") == full.read_text(encoding="utf-8")
