"""The learner's page at ``/``: one HTML template, translated on the server and in the page.

The page is rendered in the language of ``?lang=`` (else the browser's preference), with
both languages' texts embedded as JSON so the page switches language without a reload.
Everything it needs (script, styles, KaTeX and its fonts) is served from ``/static``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

import symderiv as sd
from symderiv.web.service import texts
from symderiv.web.settings import Settings

__all__ = ["page_router", "preferred_language", "static_directory"]


def static_directory() -> Path:
    return Path(str(resources.files("symderiv.web").joinpath("static")))


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("symderiv.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def preferred_language(query: str | None, accept: str | None) -> str:
    """``?lang=`` when it names a language we have, else Korean if the browser prefers it."""
    if query in texts():
        return query
    first = (accept or "").split(",")[0].strip().lower()
    return "ko" if first.startswith("ko") else "en"


def page_router(settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page(request: Request) -> HTMLResponse:
        lang = preferred_language(
            request.query_params.get("lang"), request.headers.get("accept-language")
        )
        # "</" cannot end the JSON's script element early: escape the slash.
        data = json.dumps(texts(), ensure_ascii=False).replace("</", "<\\/")
        html = (
            _environment()
            .get_template("index.html")
            .render(t=texts()[lang], lang=lang, texts_json=data, version=sd.__version__)
        )
        return HTMLResponse(html)

    return router
