"""Hostile requests: each is refused fast with a 4xx and a message, and the server stays up."""

from __future__ import annotations

import json
import time

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient

from symderiv.web import Settings, create_app

#: Seconds a refusal may take at most (a round trip to a worker costs milliseconds).
FAST = 3.0

GRADE = {"kind": "derivative", "function": "sin(3x)"}

# (name, endpoint, JSON body, expected status, a word the error message contains)
HOSTILE_JSON = [
    ("expression over 2000 characters", "derive", {"expr": "x+" * 1001 + "x"}, 400, "2000"),
    ("huge exponent tower", "derive", {"expr": "x^(9^(9^9))"}, 400, "too large"),
    ("power with 401 digits", "derive", {"expr": "x^(10^400)"}, 400, "digits"),
    ("exponent 2^2^2^2^2^2", "derive", {"expr": "2^2^2^2^2^2"}, 400, "too large"),
    ("150-digit integer", "derive", {"expr": "1" * 150 + "x"}, 400, "100 digits"),
    ("brackets nested 200 deep", "derive", {"expr": "(" * 200 + "x" + ")" * 200}, 400, "nested"),
    ("sin nested 40 deep", "derive", {"expr": "sin(" * 40 + "x" + ")" * 40}, 400, "nested"),
    ("LaTeX braces 50 deep", "parse", {"text": "{" * 50 + "x" + "}" * 50}, 400, "nested"),
    ("LaTeX \\input", "derive", {"expr": r"\input{/etc/passwd}"}, 400, r"\input"),
    ("LaTeX \\def", "derive", {"expr": r"\def\x{y} x"}, 400, r"\def"),
    ("LaTeX \\write18", "parse", {"text": r"\write18{rm -rf /}"}, 400, r"\write"),
    ("LaTeX \\csname", "parse", {"text": r"\csname x\endcsname"}, 400, r"\csname"),
    ("LaTeX \\catcode", "taylor", {"expr": r"\catcode`\^=7 x"}, 400, r"\catcode"),
    ("LaTeX unknown operator", "derive", {"expr": r"\operatorname{eye}(x)"}, 400, "eye"),
    ("Python __import__", "derive", {"expr": "__import__('os').system('ls')"}, 400, "column"),
    ("Python exec", "gradient", {"expr": "exec('print(1)')"}, 400, "exec"),
    ("Python eval", "parse", {"text": "eval(x)"}, 400, "eval"),
    ("Python lambda", "hessian", {"expr": "lambda: 1"}, 400, "column"),
    ("Python dunder attribute", "derive", {"expr": "x.__class__"}, 400, "column"),
    ("Python statement", "derive", {"expr": "x; import os"}, 400, "column"),
    ("NUL character", "derive", {"expr": "x\u0000"}, 400, "U+0000"),
    ("expression is a number", "derive", {"expr": 123}, 400, "expr"),
    ("expression is a list", "derive", {"expr": ["x"]}, 400, "expr"),
    ("expression missing", "derive", {}, 400, "expr"),
    ("order is text", "derive", {"expr": "x^2", "order": "two"}, 400, "order"),
    ("order 1000", "derive", {"expr": "x^2", "order": 1000}, 400, "order"),
    ("negative order", "derive", {"expr": "x^2", "order": -1}, 400, "order"),
    ("detail unknown", "derive", {"expr": "x^2", "detail": "verbose"}, 400, "detail"),
    ("unknown field", "derive", {"expr": "x^2", "__proto__": {"admin": True}}, 400, "__proto__"),
    ("vars is a string", "gradient", {"expr": "x y", "vars": "x"}, 400, "vars"),
    ("variable with a backslash", "derive", {"expr": "x", "var": r"\input"}, 400, "var"),
    ("point is true/false", "gradient", {"expr": "x y", "at": {"x": True, "y": 1}}, 400, "at.x"),
    ("point is a list", "hessian", {"expr": "x y", "at": [0, 0]}, 400, "at"),
    ("taylor order 10000", "taylor", {"expr": "sin(x)", "order": 10000}, 400, "order"),
    (
        "taylor centre is code",
        "taylor",
        {"expr": "sin(x)", "at": "__import__('os')"},
        400,
        "column",
    ),
    ("jacobian of 1000 functions", "jacobian", {"exprs": ["x"] * 1000}, 400, "exprs"),
    (
        "100 definitions",
        "backprop",
        {"expr": "a", "defs": {f"a{i}": "x" for i in range(100)}},
        400,
        "defs",
    ),
    ("implicit without equation", "implicit", {"equation": "x^2 +"}, 400, "="),
    ("language unknown", "derive", {"expr": "x", "lang": "fr"}, 400, "lang"),
    (
        "grade: answer over 4000 chars",
        "grade",
        {"problem": GRADE, "answer": "x" * 5000},
        400,
        "answer",
    ),
    (
        "grade: problem is code",
        "grade",
        {"problem": {"kind": "derivative", "function": "__import__('os')"}, "answer": "1"},
        400,
        "column",
    ),
    (
        "grade: problem kind unknown",
        "grade",
        {"problem": {"kind": "eval"}, "answer": "x"},
        400,
        "eval",
    ),
    (
        "grade: problem nested deeply",
        "grade",
        {
            "problem": {"kind": "derivative", "function": {"a": {"b": {"c": {"d": "x"}}}}},
            "answer": "x",
        },
        400,
        "expected text",
    ),
    (
        "grade: problem with 50 keys",
        "grade",
        {"problem": {f"k{i}": i for i in range(50)}, "answer": "x"},
        400,
        "problem",
    ),
    ("grade: answer a number", "grade", {"problem": GRADE, "answer": 3}, 400, "answer"),
    (
        "grade_steps: 500 lines",
        "grade_steps",
        {"problem": GRADE, "lines": ["x"] * 500},
        400,
        "lines",
    ),
    ("worksheet: 1000 variants", "worksheet", {"spec": "x = 1", "variants": 1000}, 400, "variants"),
    ("worksheet: sections not a list", "worksheet", {"spec": {"sections": "x"}}, 400, "section"),
    ("worksheet: spec is a path", "worksheet", {"spec": "../../etc/passwd"}, 400, "TOML"),
]


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings(workers=1))) as c:
        yield c


def assert_alive(client: TestClient) -> None:
    r = client.post("/api/derive", json={"expr": "x^3"})
    assert r.status_code == 200
    assert r.json()["result"]["sympy"] == "3*x**2"


@pytest.mark.parametrize(
    ("endpoint", "body", "status", "word"),
    [case[1:] for case in HOSTILE_JSON],
    ids=[case[0] for case in HOSTILE_JSON],
)
def test_hostile_json_body_is_refused(client, endpoint, body, status, word):
    start = time.monotonic()
    r = client.post(f"/api/{endpoint}", json=body)
    elapsed = time.monotonic() - start
    assert r.status_code == status, r.text
    error = r.json()
    assert set(error) >= {"error", "column"}
    assert word in error["error"]
    assert elapsed < FAST


def test_there_are_at_least_thirty_hostile_bodies():
    assert len(HOSTILE_JSON) >= 30


def timed(call):
    start = time.monotonic()
    r = call()
    assert time.monotonic() - start < FAST
    return r


def test_oversized_body_is_413_before_parsing(client):
    r = timed(lambda: client.post("/api/derive", json={"expr": "x" * 200_000}))
    assert r.status_code == 413
    assert "too large" in r.json()["error"]


def test_oversized_chunked_body_without_length_is_413(client):
    def chunks():
        for _ in range(100):
            yield b"x" * 10_000

    r = timed(lambda: client.post("/api/derive", content=chunks()))
    assert r.status_code == 413


def test_deeply_nested_json_is_400(client):
    body = "[" * 30_000 + "]" * 30_000
    r = timed(lambda: client.post("/api/derive", content=body, headers=JSON))
    assert r.status_code == 400
    assert r.json()["error"]


JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    "raw",
    [b"garbage", b"", b"[1, 2, 3]", b'{"expr": "x"', b"\xff\xfe\x00", b"NaN", b'"x^2"'],
    ids=["not json", "empty", "array", "truncated", "not utf-8", "NaN", "bare string"],
)
def test_malformed_json_is_400(client, raw):
    r = timed(lambda: client.post("/api/derive", content=raw, headers=JSON))
    assert r.status_code == 400
    assert r.json()["error"]


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_coordinates_are_400(client, value):
    raw = '{"expr": "x y", "at": {"x": %s, "y": 1}}' % value
    r = timed(lambda: client.post("/api/gradient", content=raw, headers=JSON))
    assert r.status_code == 400
    assert "finite" in r.json()["error"]


def test_batch_with_too_many_lines_is_413(client):
    line = json.dumps({"problem": GRADE, "answer": "x"})
    r = timed(lambda: client.post("/api/grade_batch", content="\n".join([line] * 3000)))
    assert r.status_code == 413
    assert "lines" in r.json()["error"]


def test_batch_hostile_lines_become_invalid_verdicts(client):
    lines = [
        "[" * 5000,
        json.dumps({"problem": GRADE, "answer": r"\input{/etc/passwd}"}),
        json.dumps({"problem": {"kind": "derivative", "function": "x^(9^9^9)"}, "answer": "1"}),
        json.dumps({"problem": GRADE, "answer": "x" * 5000}),
        json.dumps(["not", "an", "object"]),
    ]
    r = timed(lambda: client.post("/api/grade_batch", content="\n".join(lines)))
    rows = [json.loads(line) for line in r.text.splitlines()]
    assert [row["status"] for row in rows] == ["invalid"] * 5
    assert all(row["feedback"] and row["feedback"][0] for row in rows)


def test_plot_query_is_validated(client):
    r = timed(lambda: client.get("/api/plot", params={"kind": "evil", "expr": "x"}))
    assert r.status_code in (400, 404)
    assert r.json()["error"]


@pytest.mark.parametrize(
    "path", ["/static/../app.py", "/static/%2e%2e/settings.py", "/api/../../etc/passwd"]
)
def test_no_file_outside_static_is_served(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert "Settings" not in r.text


def test_server_is_still_up_after_all_of_it(client):
    assert_alive(client)
    health = client.get("/api/health").json()
    assert health["ok"] is True and health["pending"] == 0


@pytest.mark.parametrize(
    ("body", "english", "korean"),
    [
        ({"expr": "x^2", "order": 100}, "order: at most 6", "order: 6 이하여야 합니다"),
        ({"expr": "x^2", "order": 0}, "order: at least 1", "order: 1 이상이어야 합니다"),
        ({"order": 1}, "expr: required", "expr: 꼭 있어야 합니다"),
        ({"expr": "x" * 2001}, "at most 2000 characters", "최대 2000자"),
        ({"expr": "x", "colour": 1}, "colour: unknown field", "colour: 알 수 없는 항목입니다"),
    ],
)
def test_field_errors_in_the_users_language(client, body, english, korean):
    assert english in client.post("/api/derive", json=body).json()["error"]
    assert korean in client.post("/api/derive", json={**body, "lang": "ko"}).json()["error"]
