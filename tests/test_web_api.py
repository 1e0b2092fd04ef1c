"""The HTTP API, endpoint by endpoint, through FastAPI's test client (real worker processes)."""

from __future__ import annotations

import io
import json
import time
import zipfile

import pytest
import sympy as sp

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient

from symderiv.web import Settings, create_app
from symderiv.web.settings import is_loopback

x, y = sp.symbols("x y")


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings(workers=1))) as c:
        yield c


def sym(value: dict) -> sp.Expr:
    """The SymPy text of a to_dict expression, read back by SymPy (trusted test data)."""
    return sp.sympify(value["sympy"], locals={"x": x, "y": y})


def test_parse_gives_latex_and_variables(client):
    r = client.post("/api/parse", json={"text": r"\frac{1}{1+e^{-x}}"})
    assert r.status_code == 200
    body = r.json()
    assert body["variables"] == ["x"]
    assert sp.simplify(sym(body) - 1 / (1 + sp.exp(-x))) == 0
    assert "frac" in body["latex"]


def test_parse_error_has_message_and_column(client):
    r = client.post("/api/parse", json={"text": "x^2 sin(x"})
    assert r.status_code == 400
    assert r.json() == {"error": "'(' is never closed (at column 8)", "column": 8}


def test_derive_returns_the_derivation_schema(client):
    r = client.post("/api/derive", json={"expr": "x^2 sin(x)"})
    assert r.status_code == 200
    d = r.json()
    assert d["schema"] == "symderiv.derivation/1"
    assert [s["rule"] for s in d["steps"]] == ["product", "power", "sin"]
    assert d["steps"][0]["rule_name"] == {"en": "product rule", "ko": "곱의 법칙"}
    assert sp.simplify(sym(d["result"]) - sp.diff(x**2 * sp.sin(x), x)) == 0
    assert d["verification"]["ok"] is True


def test_derive_second_order_and_detail(client):
    r = client.post("/api/derive", json={"expr": "sin(x^2)", "order": 2, "detail": "brief"})
    d = r.json()
    assert d["order"] == 2
    assert sp.simplify(sym(d["result"]) - sp.diff(sp.sin(x**2), x, 2)) == 0


def test_derive_ambiguous_variable_is_400(client):
    r = client.post("/api/derive", json={"expr": "x y"})
    assert r.status_code == 400
    assert "several variables" in r.json()["error"]


def test_gradient_with_value_at_a_point(client):
    r = client.post("/api/gradient", json={"expr": "x^2 + 3x y + y^2", "at": {"x": 1, "y": "2"}})
    g = r.json()
    assert g["schema"] == "symderiv.gradient/1"
    assert [c["sympy"] for c in g["vector"]] == ["2*x + 3*y", "3*x + 2*y"]
    assert [c["sympy"] for c in g["value_at"]] == ["8", "7"]


def test_jacobian(client):
    r = client.post("/api/jacobian", json={"exprs": ["x y", "x + y"], "vars": ["x", "y"]})
    j = r.json()
    assert j["schema"] == "symderiv.jacobian/1"
    assert [[c["sympy"] for c in row] for row in j["matrix"]] == [["y", "x"], ["1", "1"]]


def test_hessian_classifies_the_saddle(client):
    r = client.post("/api/hessian", json={"expr": "x^2 + 3x y + y^2", "at": {"x": 0, "y": 0}})
    h = r.json()
    assert h["schema"] == "symderiv.hessian/1"
    assert [[c["sympy"] for c in row] for row in h["matrix"]] == [["2", "3"], ["3", "2"]]
    c = h["classification"]
    assert c["kind"] == "saddle"
    assert [e["sympy"] for e in c["eigenvalues"]] == ["-1", "5"]


def test_critical_points_of_the_lesson_example(client):
    r = client.post("/api/critical_points", json={"expr": "x^3 - 3x + y^2"})
    c = r.json()
    found = {(p["point"]["x"]["sympy"], p["point"]["y"]["sympy"]): p["kind"] for p in c["points"]}
    assert found == {("-1", "0"): "saddle", ("1", "0"): "minimum"}


def test_implicit_circle(client):
    r = client.post("/api/implicit", json={"equation": "x^2 + y^2 = 1"})
    d = r.json()
    assert d["schema"] == "symderiv.implicit/1"
    assert sp.simplify(sym(d["result"]) + x / y) == 0


def test_taylor_of_sine(client):
    r = client.post("/api/taylor", json={"expr": "sin(x)", "order": 3, "at": 0})
    t = r.json()
    assert [c["sympy"] for c in t["coefficients"]] == ["0", "1", "0", "-1/6"]
    assert sp.expand(sym(t["polynomial"]) - (x - x**3 / 6)) == 0
    assert t["verification"]["ok"] is True


def test_taylor_outside_the_domain_is_400(client):
    r = client.post("/api/taylor", json={"expr": "ln(x)", "at": 0, "order": 2})
    assert r.status_code == 400
    assert r.json()["error"]


def test_backprop_of_logistic_regression(client):
    body = {
        "expr": "-(y log(a) + (1-y) log(1-a))",
        "defs": {"a": "sigmoid(z)", "z": "w x + b"},
        "wrt": ["w", "b"],
    }
    r = client.post("/api/backprop", json=body)
    b = r.json()
    assert b["schema"] == "symderiv.backprop/1"
    assert set(b["gradient"]) == {"w", "b"}
    a, yy, xx = sp.symbols("a y x")
    assert sp.simplify(sp.sympify(b["gradient"]["b"]["sympy"]) - (a - yy)) == 0
    assert sp.simplify(sp.sympify(b["gradient"]["w"]["sympy"]) - xx * (a - yy)) == 0


def test_grade_hides_the_expected_answer_unless_asked(client):
    body = {"problem": {"kind": "derivative", "function": "sin(3x)"}, "answer": r"\cos(3x)"}
    v = client.post("/api/grade", json=body).json()
    assert v["status"] == "incorrect"
    assert v["diagnosis"] == ["chain.missing_inner", "constant.dropped_factor"]
    assert "expected" not in v
    revealed = client.post("/api/grade", json={**body, "reveal_expected": True}).json()
    assert revealed["expected"] == r"3 \cos{\left(3 x \right)}"


def test_grade_hides_expected_entries_of_a_vector(client):
    body = {
        "problem": {"kind": "gradient", "function": "x^2 y", "vars": ["x", "y"]},
        "answer": "(2xy, x)",
    }
    v = client.post("/api/grade", json=body).json()
    assert v["status"] == "incorrect"
    assert "expected" not in v
    assert all("expected" not in e for e in v["entries"])
    assert [e["correct"] for e in v["entries"]] == [True, False]


def test_grade_in_korean(client):
    body = {
        "problem": {"kind": "derivative", "function": "sin(3x)"},
        "answer": r"\cos(3x)",
        "lang": "ko",
    }
    v = client.post("/api/grade", json=body).json()
    assert v["feedback"][0] == "정답이 아닙니다."


def test_grade_unreadable_answer_is_an_invalid_verdict(client):
    body = {"problem": {"kind": "derivative", "function": "sin(3x)"}, "answer": r"\cos(3x"}
    r = client.post("/api/grade", json=body)
    assert r.status_code == 200
    assert r.json()["status"] == "invalid"
    assert r.json()["where"] == 4


def test_grade_bad_problem_is_400(client):
    body = {"problem": {"kind": "integral", "function": "x"}, "answer": "x"}
    r = client.post("/api/grade", json=body)
    assert r.status_code == 400
    assert "integral" in r.json()["error"]


def test_grade_steps_finds_the_first_wrong_line(client):
    body = {
        "problem": {"kind": "derivative", "function": "x^2 sin(x)"},
        "lines": [r"2x\sin x + x^2\cos x", r"x^2 \cos x"],
    }
    s = client.post("/api/grade_steps", json=body).json()
    assert s["first_wrong"] == 1
    assert s["lines"][1]["diagnosis"] == ["product.missing_term"]


def test_grade_batch_streams_verdicts_in_order(client):
    lines = [
        {"id": "a", "problem": {"kind": "derivative", "function": "x^3"}, "answer": "3x^2"},
        "not json",
        {"id": "c", "problem": {"kind": "derivative", "function": "sin(3x)"}, "answer": "cos(3x)"},
        {"id": "d", "problem": "x", "answer": 1},
        {"id": "e", "problem": {"kind": "derivative", "function": "e^x"}, "answer": "e^x"},
    ]
    body = "\n".join(json.dumps(line) if isinstance(line, dict) else line for line in lines)
    r = client.post("/api/grade_batch", content=body.encode())
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in r.text.splitlines()]
    assert [(row["id"], row["status"]) for row in rows] == [
        ("a", "correct"),
        (None, "invalid"),
        ("c", "incorrect"),
        ("d", "invalid"),
        ("e", "correct"),
    ]
    assert all("expected" not in row for row in rows)


def test_worksheet_zip_has_tex_and_answers(client):
    spec = """
title = "Quiz"
[[sections]]
title = "Warm-up"
[[sections.problems]]
function = "x^2 sin(x)"
kind = "derivative"
"""
    r = client.post("/api/worksheet", json={"spec": spec, "seed": 3, "variants": 2})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    names = sorted(archive.namelist())
    assert names == [
        "answers-A.json",
        "answers-B.json",
        "key-A.tex",
        "key-B.tex",
        "sheet-A.tex",
        "sheet-B.tex",
    ]
    answers = json.loads(archive.read("answers-A.json"))
    assert answers[0]["problem"]["function"]
    assert r"\documentclass" in archive.read("sheet-A.tex").decode()


def test_worksheet_spec_text_is_never_a_file_name(client):
    r = client.post("/api/worksheet", json={"spec": "/etc/passwd"})
    assert r.status_code == 400
    assert "TOML" in r.json()["error"] or "sections" in r.json()["error"]


def test_capabilities_health_page_and_docs(client):
    caps = client.get("/api/capabilities").json()
    assert caps["token_required"] is False
    assert isinstance(caps["plot"], bool)
    assert client.get("/api/health").json()["ok"] is True
    page = client.get("/?lang=ko")
    assert page.status_code == 200
    assert '<html lang="ko">' in page.text
    assert "그래디언트" in page.text and "기울기" not in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    docs = client.get("/docs")
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs.text
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    assert "422" not in json.dumps(paths)  # bad bodies are documented and answered as 400
    assert "400" in paths["/api/derive"]["post"]["responses"]
    for path in (
        "/api/derive",
        "/api/gradient",
        "/api/jacobian",
        "/api/hessian",
        "/api/critical_points",
        "/api/implicit",
        "/api/taylor",
        "/api/backprop",
        "/api/grade",
        "/api/grade_steps",
        "/api/grade_batch",
        "/api/worksheet",
    ):
        assert path in paths


def test_page_language_follows_the_browser():
    from symderiv.web.page import preferred_language

    assert preferred_language(None, "ko-KR,ko;q=0.9,en;q=0.8") == "ko"
    assert preferred_language("en", "ko-KR") == "en"
    assert preferred_language("fr", "de") == "en"


def test_static_katex_is_served_with_its_licence(client):
    assert client.get("/static/vendor/katex/katex.min.js").status_code == 200
    assert "MIT" in client.get("/static/vendor/katex/LICENSE").text
    css = client.get("/static/vendor/katex/katex.min.css").text
    assert "fonts/KaTeX_Main-Regular.woff2" in css
    assert client.get("/static/vendor/katex/fonts/KaTeX_Main-Regular.woff2").status_code == 200


def test_plot_is_404_or_svg(client):
    r = client.get("/api/plot", params={"kind": "derivative", "expr": "x^2"})
    if client.get("/api/capabilities").json()["plot"]:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("image/svg+xml")
        assert r.text.lstrip().startswith(("<?xml", "<svg"))
    else:
        assert r.status_code == 404
        assert r.json()["error"] == "not found"


def test_loopback_rules():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    with pytest.raises(ValueError, match="needs a token"):
        Settings(host="0.0.0.0")
    assert Settings(host="0.0.0.0", token="s3cret-token").token_required


@pytest.mark.slow  # starts a server of its own
def test_token_guards_grading_and_worksheets_off_loopback():
    settings = Settings(host="0.0.0.0", token="s3cret-token", workers=1)
    body = {"problem": {"kind": "derivative", "function": "x^2"}, "answer": "2x"}
    with TestClient(create_app(settings)) as c:
        missing = c.post("/api/grade", json=body)
        assert missing.status_code == 401
        assert missing.headers["www-authenticate"] == "Bearer"
        assert "token" in missing.json()["error"]
        wrong = c.post("/api/grade", json=body, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        assert c.post("/api/worksheet", json={"spec": "x = 1"}).status_code == 401
        assert c.post("/api/grade_batch", content=b"{}").status_code == 401
        good = c.post("/api/grade", json=body, headers={"Authorization": "Bearer s3cret-token"})
        assert good.status_code == 200 and good.json()["status"] == "correct"
        # the calculator itself stays open
        assert c.post("/api/derive", json={"expr": "x^2"}).status_code == 200


@pytest.mark.slow  # starts a server of its own
def test_cors_is_off_unless_configured(client):
    headers = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    r = client.options("/api/derive", headers=headers)
    assert "access-control-allow-origin" not in r.headers
    allowed = Settings(workers=1, cors_origins=("https://course.example",))
    with TestClient(create_app(allowed)) as c:
        ok = {**headers, "Origin": "https://course.example"}
        r = c.options("/api/derive", headers=ok)
        assert r.headers["access-control-allow-origin"] == "https://course.example"
        r = c.options("/api/derive", headers=headers)
        assert "access-control-allow-origin" not in r.headers


@pytest.mark.slow  # starts a server of its own
def test_time_limit_kills_the_worker_and_answers_504():
    settings = Settings(workers=1, time_limit=0.5)
    slow = {"expr": "sin(x y z w) exp(x+y+z+w) / (1+x^2+y^2+z^2+w^2)"}
    with TestClient(create_app(settings)) as c:
        r = c.post("/api/hessian", json=slow)
        assert r.status_code == 504
        assert r.json()["timeout"] == 0.5
        assert "0.5 s" in r.json()["error"]
        assert c.get("/api/health").json()["workers_killed"] == 1
        # the replacement worker answers the next request
        assert c.post("/api/derive", json={"expr": "x^3"}).json()["result"]["sympy"] == "3*x**2"


@pytest.mark.slow  # starts a server of its own
def test_overload_is_503_with_retry_after():
    import threading

    settings = Settings(workers=1, max_pending=1, time_limit=3)
    slow = {"expr": "sin(x y z w) exp(x+y+z+w) / (1+x^2+y^2+z^2+w^2)"}
    with TestClient(create_app(settings)) as c:
        first = threading.Thread(target=lambda: c.post("/api/hessian", json=slow))
        first.start()
        deadline = time.monotonic() + 10
        while c.get("/api/health").json()["pending"] == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        r = c.post("/api/derive", json={"expr": "x^2"})
        first.join()
        assert r.status_code == 503
        assert r.headers["retry-after"] == "1"
        assert "busy" in r.json()["error"]
        assert c.post("/api/derive", json={"expr": "x^2"}).status_code == 200


@pytest.mark.slow
@pytest.mark.tex
def test_worksheet_with_pdfs(client):
    import shutil

    if not shutil.which("latexmk") or not shutil.which("pdflatex"):
        pytest.skip("latexmk/pdflatex not installed")
    spec = {"sections": [{"title": "A", "problems": [{"function": "x^3", "kind": "derivative"}]}]}
    r = client.post("/api/worksheet", json={"spec": spec, "pdf": True})
    assert r.status_code == 200, r.text
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    assert {"sheet-A.pdf", "key-A.pdf"} <= set(archive.namelist())
    assert archive.read("key-A.pdf").startswith(b"%PDF")
