"""Load test of ``symderiv serve`` on localhost: every request answered, latency and memory.

Starts the server (``--workers 2``) on a free port, then C concurrent clients send N mixed
requests (derive, parse, gradient, Taylor, grade; 1% hostile bodies that must get a 4xx).
Prints, per kind: the same computation called directly in this process (the baseline,
timed in the same run: minimum of 3 repeats), the median latency of one client alone over
HTTP (so the ratio is the cost of HTTP, validation and the worker round trip), and p50/p99
under the full load (mostly queueing: C clients share the workers); then the throughput
and the server's resident memory (server + workers) before, at peak and after.

    python bench/bench_web.py [--requests 2000] [--clients 50] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import symderiv as sd  # noqa: E402

FUNCTIONS = [
    "x^2 sin(x)",
    "e^(3x) cos(x)",
    "ln(x^2 + 1)",
    "sqrt(1 + x^2)",
    "x^3 - 2x + 5",
    "sin(x)^2",
    "sigmoid(x)",
    "tan(2x)",
    "x e^x",
    "(x+1)/(x-1)",
    "softplus(x)",
    "cos(x^2)",
]
GRADE = [
    ("x^3", "3x^2"),
    ("sin(3x)", r"\cos(3x)"),
    ("x^2 sin(x)", r"2x\sin x + x^2 \cos x"),
    ("e^(2x)", "e^(2x)"),
]
HOSTILE: list[tuple[str, Any]] = [
    ("derive", {"expr": "x^(9^(9^9))"}),
    ("derive", {"expr": r"\input{/etc/passwd}"}),
    ("parse", {"text": "__import__('os').system('ls')"}),
    ("derive", {"expr": "(" * 300 + "x" + ")" * 300}),
    ("gradient", {"expr": 42}),
    ("derive", {"expr": "x" * 100_000}),
]


def request_for(rng: random.Random) -> tuple[str, str, Any]:
    """(kind, endpoint, body) of one mixed request; 1% hostile."""
    if rng.random() < 0.01:
        endpoint, body = rng.choice(HOSTILE)
        return "hostile", endpoint, body
    f = rng.choice(FUNCTIONS)
    roll = rng.random()
    if roll < 0.45:
        return "derive", "derive", {"expr": f}
    if roll < 0.70:
        return "parse", "parse", {"text": f}
    if roll < 0.80:
        return "gradient", "gradient", {"expr": "x^2 y + sin(x y)", "at": {"x": 1, "y": 2}}
    if roll < 0.90:
        return "taylor", "taylor", {"expr": rng.choice(FUNCTIONS[:6]), "order": 3, "at": 1}
    function, answer = rng.choice(GRADE)
    return (
        "grade",
        "grade",
        {"problem": {"kind": "derivative", "function": function}, "answer": answer},
    )


def direct(kind: str, body: dict[str, Any]) -> None:
    """The same computation in this process, without HTTP or workers (the baseline)."""
    if kind == "derive":
        sd.derive(body["expr"])
    elif kind == "parse":
        sd.parse(body["text"])
    elif kind == "gradient":
        sd.gradient(body["expr"]).at(body["at"])
    elif kind == "taylor":
        sd.taylor(body["expr"], at=body["at"], order=body["order"])
    elif kind == "grade":
        sd.grade(body["problem"], body["answer"])


def baseline(requests: list[tuple[str, str, Any]]) -> dict[str, float]:
    """Median over distinct requests of each kind of the minimum of 3 direct runs."""
    seen: dict[str, dict[str, Any]] = {}
    for kind, _, body in requests:
        if kind != "hostile":
            seen.setdefault(kind + repr(body), (kind, body))  # type: ignore[arg-type]
    times: dict[str, list[float]] = {}
    for kind, body in seen.values():  # type: ignore[misc]
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            direct(kind, body)
            best = min(best, time.perf_counter() - start)
        times.setdefault(kind, []).append(best)
    return {kind: statistics.median(v) for kind, v in times.items()}


def rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MiB (Linux /proc)."""
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return total / 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "symderiv.cli", "serve", "--port", str(port)]
    command += ["--workers", str(workers), "--log-level", "warning"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("the server did not start")


async def load(
    base: str, requests: list[tuple[str, str, Any]], clients: int
) -> tuple[list[tuple[str, int, float]], list[str], float]:
    """Send every request with ``clients`` concurrent clients; (kind, status, seconds)."""
    queue: asyncio.Queue[tuple[str, str, Any]] = asyncio.Queue()
    for item in requests:
        queue.put_nowait(item)
    results: list[tuple[str, int, float]] = []
    failures: list[str] = []
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:

        async def one_client() -> None:
            while True:
                try:
                    kind, endpoint, body = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                start = time.perf_counter()
                try:
                    r = await client.post(f"/api/{endpoint}", json=body)
                    r.json()
                    results.append((kind, r.status_code, time.perf_counter() - start))
                except (httpx.HTTPError, ValueError) as exc:
                    failures.append(f"{kind}: {type(exc).__name__}: {exc}")

        start = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        elapsed = time.perf_counter() - start
    return results, failures, elapsed


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    requests = [request_for(rng) for _ in range(args.requests)]
    base_times = baseline(requests)

    port = free_port()
    server = start_server(port, args.workers)
    peak = [rss_mib(server.pid)]
    before = peak[0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak.append(rss_mib(server.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    base = f"http://127.0.0.1:{port}"
    try:
        alone, _, _ = asyncio.run(load(base, requests[: args.requests // 10], 1))
        results, failures, elapsed = asyncio.run(load(base, requests, args.clients))
    finally:
        done.set()
        sampler.join()
        after = rss_mib(server.pid)
        health = httpx.get(f"http://127.0.0.1:{port}/api/health").json()
        server.terminate()
        server.wait(timeout=20)

    print(f"{len(requests)} requests, {args.clients} concurrent clients, {args.workers} workers")
    header = ("kind", "count", "direct", "1 client", "ratio", "load p50", "load p99", "max")
    print("{:<10}{:>7}{:>10}{:>10}{:>8}{:>11}{:>11}{:>10}".format(*header))
    print("-" * 77)

    def ms(seconds: float | None) -> str:
        return "" if seconds is None else f"{seconds * 1000:.1f}ms"

    for kind in ("derive", "parse", "gradient", "taylor", "grade", "hostile", "all"):
        times = [t for k, _, t in results if kind in (k, "all")]
        single = [t for k, _, t in alone if kind in (k, "all")]
        if not times:
            continue
        ref = base_times.get(kind)
        one = statistics.median(single) if single else None
        ratio = f"{one / ref:.1f}x" if ref and one else ""
        p50, p99 = percentile(times, 0.5), percentile(times, 0.99)
        row = (kind, len(times), ms(ref), ms(one), ratio, ms(p50), ms(p99), ms(max(times)))
        print("{:<10}{:>7}{:>10}{:>10}{:>8}{:>11}{:>11}{:>10}".format(*row))
    print("-" * 77)
    statuses: dict[int, int] = {}
    for _, status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    wrong = [(k, s) for k, s, _ in results if (k == "hostile") != (400 <= s < 500)]
    print(f"throughput: {len(results) / elapsed:.1f} requests/s over {elapsed:.1f} s")
    print(f"status codes: {dict(sorted(statuses.items()))}")
    print(
        f"answered {len(results)}/{len(requests)}; lost {len(failures)}; wrong status {len(wrong)}"
    )
    print(
        f"server RSS (server + workers): {before:.0f} MiB before, {max(peak):.0f} MiB peak, "
        f"{after:.0f} MiB after; workers started {health['workers_started']}, "
        f"killed {health['workers_killed']}"
    )
    for failure in failures[:5]:
        print("  lost:", failure)
    ok = len(results) == len(requests) and not failures and not wrong
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
