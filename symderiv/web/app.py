"""The ASGI application: the learner's page at ``/``, the API at ``/api``, docs at ``/docs``.

``create_app(Settings(...))`` builds one server. Around the routes: a body-size limit that
reads at most ``max_body`` bytes before any parsing, security headers, CORS only for
configured origins, and error handlers that answer ``{error, column}`` (never a traceback).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import symderiv as sd
from symderiv.web.api import api_router
from symderiv.web.page import page_router, static_directory
from symderiv.web.service import ApiError, Service, message
from symderiv.web.settings import Settings

__all__ = ["create_app"]

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class BodyLimit:
    """Refuse (413) a body over the limit before the app reads any of it as JSON."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        batch = scope["path"].rstrip("/") == "/api/grade_batch"
        limit = self.settings.max_batch_body if batch else self.settings.max_body
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        too_large = not declared.isdigit() or int(declared) > limit
        chunks: list[bytes] = []
        size = 0
        more = not too_large
        while more:
            message_in = await receive()
            if message_in["type"] == "http.disconnect":
                return
            chunk = message_in.get("body", b"")
            size += len(chunk)
            if size > limit:
                too_large = True
                break
            chunks.append(chunk)
            more = message_in.get("more_body", False)
        if too_large:
            body = {"error": message("api_too_large", limit=limit), "column": None}
            await JSONResponse(body, status_code=413)(scope, receive, send)
            return
        body_bytes = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body_bytes, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class SecurityHeaders:
    """nosniff and no-referrer everywhere; a strict content policy on the page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        page = not scope["path"].startswith(("/docs", "/openapi"))

        async def with_headers(message_out: Message) -> None:
            if message_out["type"] == "http.response.start":
                headers = list(message_out.get("headers", []))
                headers += [(b"x-content-type-options", b"nosniff")]
                headers += [(b"referrer-policy", b"no-referrer")]
                if page:
                    headers += [(b"content-security-policy", PAGE_POLICY.encode())]
                message_out["headers"] = headers
            await send(message_out)

        await self.app(scope, receive, with_headers)


#: Validation errors we say in the user's language: pydantic type -> (text key, ctx field).
_VALIDATION_TEXTS = {
    "missing": ("val_missing", None),
    "extra_forbidden": ("val_unknown", None),
    "string_too_long": ("val_too_long", "max_length"),
    "too_long": ("val_too_many", "max_length"),
    "less_than_equal": ("val_at_most", "le"),
    "greater_than_equal": ("val_at_least", "ge"),
    "literal_error": ("val_one_of", "expected"),
}


def _validation_text(exc: RequestValidationError, lang: str) -> str:
    """What is wrong with each field (at most five), in English or Korean."""
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
        key, ctx_field = _VALIDATION_TEXTS.get(error.get("type", ""), (None, None))
        if key is None:
            text = f"{where}: {error.get('msg', 'invalid')}"
            parts.append(text if lang == "en" else message("val_invalid", lang, field=text))
            continue
        limit = (error.get("ctx") or {}).get(ctx_field, "") if ctx_field else ""
        parts.append(message(key, lang, field=where, limit=limit))
    return "; ".join(parts) or "invalid request"


def _body_language(exc: RequestValidationError) -> str:
    body = getattr(exc, "body", None)
    lang = body.get("lang") if isinstance(body, dict) else None
    return lang if lang in ("en", "ko") else "en"


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body, status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        text = _validation_text(exc, _body_language(exc))
        return JSONResponse({"error": text, "column": None}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        text = exc.detail if isinstance(exc.detail, str) else "bad request"
        return JSONResponse(
            {"error": text, "column": None}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(Exception)
    async def failure(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"error": message("api_failed"), "column": None}, status_code=500)


def _openapi_without_422(app: FastAPI) -> None:
    """Document what the API answers: invalid bodies are 400 ``{error, column}``, never 422."""
    plain = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = plain()
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    operation.get("responses", {}).pop("422", None)
            schemas = schema.get("components", {}).get("schemas", {})
            for name in ("HTTPValidationError", "ValidationError"):
                schemas.pop(name, None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(settings: Settings | None = None) -> FastAPI:
    """One server: page, API and docs around a pool of killable worker processes."""
    settings = settings or Settings()
    service = Service(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service.start()
        try:
            yield
        finally:
            service.close()

    app = FastAPI(
        title="symderiv",
        version=sd.__version__,
        description=(
            "Step-by-step derivatives, gradients, Hessians, Taylor polynomials, "
            "backpropagation and a grader, checked numerically. Bad input is HTTP 400 "
            "`{error, column}`; a computation past the time limit is 504 `{error, timeout}`."
        ),
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.service = service
    app.state.settings = settings
    _install_handlers(app)
    _openapi_without_422(app)
    app.include_router(api_router(service))
    app.include_router(page_router(settings))
    app.mount("/static", StaticFiles(directory=static_directory()), name="static")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="symderiv API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(BodyLimit, settings=settings)
    app.add_middleware(SecurityHeaders)
    return app
