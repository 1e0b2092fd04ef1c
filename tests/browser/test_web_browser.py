"""The learner's page in a real browser: Debian's Chromium driven by Playwright (no download).

Starts ``symderiv serve`` on a free localhost port, then types, clicks and reads the page
like a learner. Screenshots go to ``$SYMDERIV_ARTEFACTS/browser`` (default: the system
temp dir's ``symderiv-artefacts``). Skipped, with the reason, when Chromium is absent.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
TOKEN = "browser-test-token"

if not os.path.exists(CHROMIUM):
    pytest.skip(f"Chromium not found at {CHROMIUM} (apt install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python) not installed")
expect = sync_api.expect
pytest.importorskip("fastapi", reason="the web extra is not installed")


def artefacts() -> Path:
    base = os.environ.get("SYMDERIV_ARTEFACTS") or os.path.join(
        tempfile.gettempdir(), "symderiv-artefacts"
    )
    path = Path(base) / "browser"
    path.mkdir(parents=True, exist_ok=True)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(command: list[str]):
    """Run a server command on a free port; (base URL, process) once it answers."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}
    command = [part.replace("PORT", str(port)) for part in command]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(base + "/api/health", timeout=2) as r:
                if json.load(r)["ok"]:
                    return base, process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"the server did not start: {process.stderr.read()[-2000:]}")
            time.sleep(0.3)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def server():
    """``symderiv serve`` itself."""
    command = [sys.executable, "-m", "symderiv.cli", "serve", "--port", "PORT"]
    base, process = start([*command, "--workers", "2", "--log-level", "warning"])
    yield base
    stop(process)


@pytest.fixture(scope="module")
def plot_server():
    """The same app with figures drawn by symderiv.plot, and a token for grading."""
    code = (
        f"import sys, uvicorn; from symderiv.web import Settings, create_app; TOKEN={TOKEN!r}; "
        "settings = Settings(workers=1, token=TOKEN); "
        "uvicorn.run(create_app(settings), "
        "host='127.0.0.1', port=int(sys.argv[1]), log_level='warning')"
    )
    base, process = start([sys.executable, "-c", code, "PORT"])
    yield base
    stop(process)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    pg = context.new_page()
    pg.errors = []  # type: ignore[attr-defined]
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))  # type: ignore[attr-defined]
    pg.on(
        "console",
        lambda m: pg.errors.append(m.text) if m.type == "error" else None,  # type: ignore[attr-defined]
    )
    yield pg
    context.close()


def shot(pg, name: str) -> Path:
    path = artefacts() / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    return path


def rules_shown(pg) -> list[str]:
    return pg.locator("#output .step .rule").all_inner_texts()


def test_type_a_function_and_read_the_typeset_steps(server, page):
    page.goto(server + "/?lang=en")
    page.wait_for_selector("body[data-ready=true]")
    page.locator("#expr").press_sequentially("x^2 sin(x)", delay=20)
    page.wait_for_selector("#preview-math .katex")
    page.locator("#expr").press("Enter")
    page.wait_for_selector("#output .badge")
    assert rules_shown(page) == ["product rule", "power rule", "derivative of sine"]
    assert page.locator("#output .katex").count() >= 6
    # typeset, never raw TeX on the page
    assert "\\frac" not in page.locator("#output").inner_text()
    assert page.locator("#output .badge").get_attribute("data-verified") == "ok"
    assert "f=x%5E2+sin%28x%29" in page.url or "f=x%5E2%20sin(x)" in page.url
    shot(page, "1-derivative-en")
    assert page.errors == []


def test_parse_error_and_column_as_you_type(server, page):
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready=true]")
    page.locator("#expr").press_sequentially("x^2 sin(x", delay=20)
    # (the page's content policy forbids eval, so waits use locators, not JS strings)
    expect(page.locator("#expr-error")).to_contain_text("never closed")
    error = page.locator("#expr-error").inner_text()
    assert "column 8" in error
    assert page.locator("#expr").get_attribute("aria-invalid") == "true"
    shot(page, "2-preview-error")
    page.locator("#expr").press("End")
    page.locator("#expr").press_sequentially(")", delay=20)
    expect(page.locator("#expr-error")).to_have_text("")
    expect(page.locator("#preview-math .katex")).to_have_count(1)
    shot(page, "2-preview")


def test_switch_to_korean(server, page):
    page.goto(server + "/?f=x%5E2%20sin(x)")
    page.wait_for_selector("#output .badge")
    page.select_option("#lang", "ko")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    assert page.locator("#tab-derivative").inner_text() == "도함수"
    assert page.locator("#tab-gradient").inner_text() == "그래디언트"
    assert page.locator("label[for=expr]").inner_text() == "함수"
    assert rules_shown(page) == ["곱의 법칙", "거듭제곱 법칙", "사인의 도함수"]
    badge = page.locator("#output .badge").inner_text()
    assert "수치로 확인함" in badge and "3개 점에서 비교" in badge
    assert "lang=ko" in page.url
    shot(page, "3-derivative-ko")
    assert page.errors == []


def test_permalink_reproduces_a_result(server, page, browser):
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#expr", "sin(x)")
    page.click("#tab-taylor")
    page.fill("#degree", "5")
    page.click("#go")
    page.wait_for_selector("#output .badge")
    first = page.locator("#output").inner_text()
    assert "empirical order of the error 7.00, expected 7" in first
    link = page.url
    assert "tab=taylor" in link and "n=5" in link
    other = browser.new_page()
    other.goto(link)
    other.wait_for_selector("#output .badge")
    assert other.locator("#output").inner_text() == first
    assert other.locator("#tab-taylor").get_attribute("aria-selected") == "true"
    assert other.input_value("#expr") == "sin(x)"
    shot(other, "4-permalink-taylor")
    other.close()


def test_grade_a_wrong_answer_and_read_the_diagnosis(server, page):
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#expr", "sin(3x)")
    # keyboard only: focus the selected tab, move to the last one with End
    page.focus("#tab-derivative")
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.id") == "tab-grade"
    assert page.locator("#tab-grade").get_attribute("aria-selected") == "true"
    page.fill("#answer", r"\cos(3x)")
    page.locator("#answer").press("Enter")
    page.wait_for_selector("#output .verdict")
    assert page.locator("#output .verdict").get_attribute("data-status") == "incorrect"
    text = page.locator("#output").inner_text()
    assert "did not multiply by the derivative of the inner function 3x" in text
    assert "chain.missing_inner" in text
    assert "The expected answer is hidden." in text
    shot(page, "5-grade-en")
    page.select_option("#lang", "ko")
    expect(page.locator("#output .feedback")).to_contain_text("연쇄 법칙")
    shot(page, "6-grade-ko")
    assert page.errors == []


def test_hessian_and_critical_points_at_phone_width(server, browser):
    pg = browser.new_page(viewport={"width": 390, "height": 844})
    pg.goto(server + "/?tab=hessian&f=x%5E3-3x%2By%5E2&at=x%3D1%2Cy%3D0")
    pg.wait_for_selector("#output ul.critical")
    kinds = pg.locator("#output ul.critical > li strong").all_inner_texts()
    assert kinds == ["saddle point", "local minimum"]
    assert "local minimum" in pg.locator("#output .kind").inner_text()
    overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    shot(pg, "7-hessian-phone")
    pg.close()


def test_backprop_tab_shows_the_graph(server, page):
    page.goto(server + "/?tab=backprop&f=x%20sin(x)")
    page.wait_for_selector("#output .badge")
    assert "derivative of sine" in rules_shown(page)
    assert page.locator("#output table .katex").count() >= 6
    shot(page, "8-backprop")


def test_figure_slot_hidden_without_plots(server, page):
    caps = json.load(urllib.request.urlopen(server + "/api/capabilities"))
    page.goto(server + "/?f=x%5E2%20sin(x)")
    page.wait_for_selector("#output .badge")
    if caps["plot"]:  # symderiv.plot is installed: the figure appears
        expect(page.locator("#figure")).to_be_visible(timeout=30_000)
    else:
        page.wait_for_timeout(500)
        expect(page.locator("#figure")).to_be_hidden()


def test_figure_shown_when_plots_exist(plot_server, page):
    page.goto(plot_server + "/?tab=taylor&f=sin(x)&n=3")
    page.wait_for_selector("#output .badge")
    expect(page.locator("#figure")).to_be_visible(timeout=30_000)
    assert page.locator("#figure-img").evaluate("img => img.naturalWidth") > 0
    assert "kind=taylor" in page.locator("#figure-img").get_attribute("src")
    shot(page, "9-figure")
    assert page.errors == []


def test_tangent_point_goes_to_the_figure(plot_server, page):
    page.goto(plot_server + "/?f=x%5E2&p=1")
    page.wait_for_selector("#output .badge")
    expect(page.locator("#figure")).to_be_visible(timeout=30_000)
    assert "point=1" in page.locator("#figure-img").get_attribute("src")
    assert page.input_value("#tangent") == "1"


def test_api_docs_render_offline(server, page):
    page.goto(server + "/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/derive" in paths and "/api/grade_batch" in paths
    assert len(paths) >= 14
    shot(page, "10-docs")


def test_grading_with_a_token(plot_server, page):
    page.goto(plot_server + "/?tab=grade&f=x%5E3")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#token")).to_be_visible()
    expect(page.locator("#vars")).to_be_hidden()  # a derivative asks for variable and order
    page.fill("#answer", "3x^2")
    page.click("#go")
    expect(page.locator("#status")).to_contain_text("bearer token")
    page.fill("#token", TOKEN)
    page.click("#go")
    expect(page.locator("#output .verdict")).to_have_attribute("data-status", "correct")
    page.select_option("#kind", "gradient")
    expect(page.locator("#vars")).to_be_visible()
    expect(page.locator("#order")).to_be_hidden()
    shot(page, "11-grade-token")
