"""The HTTP API under ``/api``: one endpoint per public function, documented at ``/docs``.

Responses are the results' own ``to_dict()`` schemas (``symderiv.derivation/1``, ...).
Refused input is 400 ``{error, column}``, a computation past the time limit 504
``{error, timeout}``, overload 503. Grading and worksheet endpoints need the bearer token
when the server is reachable from outside, and never return an expected answer unless the
caller sets ``reveal_expected``.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections import deque
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from symderiv.web import schemas
from symderiv.web.service import ApiError, Service, message
from symderiv.web.tasks import plot_available

__all__ = ["api_router"]

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Bad input: `{error, column}` (column 1-based, or null)"},
    413: {"description": "The request body is too large"},
    503: {"description": "Too many requests at once; retry"},
    504: {"description": "Past the time limit: `{error, timeout}`"},
}
GUARDED = {**ERRORS, 401: {"description": "A bearer token is needed"}}

_bearer = HTTPBearer(auto_error=False, description="Needed off loopback (--token)")


def _verdict_row(status: str, text: str, item_id: Any = None) -> dict[str, Any]:
    """A verdict in the grader's schema for a line that could not be graded."""
    row = {"status": status, "score": 0.0, "feedback": [text], "diagnosis": [], "parsed": None}
    row.update(proved=False, where=None, entries=[], correct=False)
    return {"id": item_id, **row}


def api_router(service: Service) -> APIRouter:
    settings = service.settings
    router = APIRouter(prefix="/api")

    async def require_token(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> None:
        if not settings.token_required:
            return
        given = credentials.credentials if credentials else ""
        expected = settings.token or ""
        if not expected or not secrets.compare_digest(given.encode(), expected.encode()):
            raise ApiError(401, {"error": message("api_token")}, {"WWW-Authenticate": "Bearer"})

    guarded = [Depends(require_token)]

    def run(name: str, body: schemas._Body, **extra: Any) -> Any:
        args = body.model_dump(exclude_none=True)
        return service.run(name, args, lang=body.lang, **extra)

    @router.post("/parse", responses=ERRORS, summary="Read an expression (live preview)")
    async def parse(body: schemas.ParseRequest) -> dict[str, Any]:
        """The expression typeset (`latex`), as SymPy text and its variables; or where it fails."""
        limit = settings.parse_time_limit
        return await run("parse", body, preview=True, timeout=limit)  # type: ignore[no-any-return]

    @router.post("/derive", responses=ERRORS, summary="Derivative, step by step")
    async def derive(body: schemas.DeriveRequest) -> dict[str, Any]:
        """A `symderiv.derivation/1` object: every step with its rule, the numeric check."""
        return await run("derive", body)  # type: ignore[no-any-return]

    @router.post("/gradient", responses=ERRORS, summary="Gradient (every partial worked)")
    async def gradient(body: schemas.GradientRequest) -> dict[str, Any]:
        """A `symderiv.gradient/1` object; with `at`, also `value_at` (∇f there)."""
        return await run("gradient", body)  # type: ignore[no-any-return]

    @router.post("/jacobian", responses=ERRORS, summary="Jacobian matrix")
    async def jacobian(body: schemas.JacobianRequest) -> dict[str, Any]:
        """A `symderiv.jacobian/1` object."""
        return await run("jacobian", body)  # type: ignore[no-any-return]

    @router.post("/hessian", responses=ERRORS, summary="Hessian, and the test at a point")
    async def hessian(body: schemas.HessianRequest) -> dict[str, Any]:
        """A `symderiv.hessian/1` object; with `at`, `classification` of that point."""
        return await run("hessian", body)  # type: ignore[no-any-return]

    @router.post("/critical_points", responses=ERRORS, summary="Critical points, classified")
    async def critical_points(body: schemas.CriticalRequest) -> dict[str, Any]:
        """A `symderiv.critical_points/1` object: ∇f = 0 solved over the reals, each classified."""
        return await run("critical_points", body)  # type: ignore[no-any-return]

    @router.post("/implicit", responses=ERRORS, summary="Implicit differentiation")
    async def implicit(body: schemas.ImplicitRequest) -> dict[str, Any]:
        """A `symderiv.implicit/1` object: dy/dx from an equation, step by step."""
        return await run("implicit", body)  # type: ignore[no-any-return]

    @router.post("/taylor", responses=ERRORS, summary="Taylor polynomial")
    async def taylor(body: schemas.TaylorRequest) -> dict[str, Any]:
        """A `symderiv.taylor/1` object: derivative table, polynomial, error-order check."""
        return await run("taylor", body)  # type: ignore[no-any-return]

    @router.post("/backprop", responses=ERRORS, summary="Backpropagation through the graph")
    async def backprop(body: schemas.BackpropRequest) -> dict[str, Any]:
        """A `symderiv.backprop/1` object: nodes, edges with rules, the backward pass."""
        return await run("backprop", body)  # type: ignore[no-any-return]

    @router.post("/grade", responses=GUARDED, dependencies=guarded, summary="Grade one answer")
    async def grade(body: schemas.GradeRequest) -> dict[str, Any]:
        """A verdict (status, score, feedback, diagnosis); `expected` only if asked for."""
        return await run("grade", body)  # type: ignore[no-any-return]

    @router.post(
        "/grade_steps", responses=GUARDED, dependencies=guarded, summary="Grade worked lines"
    )
    async def grade_steps(body: schemas.GradeStepsRequest) -> dict[str, Any]:
        """Per-line verdicts and the first wrong line."""
        return await run("grade_steps", body)  # type: ignore[no-any-return]

    @router.post(
        "/grade_batch",
        responses={
            **GUARDED,
            200: {"content": {"application/x-ndjson": {}}, "description": "One verdict a line"},
        },
        dependencies=guarded,
        summary="Grade many answers: JSON lines in, JSON lines out (streamed, in order)",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
                "description": 'One {"id", "problem", "answer"} object per line',
            }
        },
    )
    async def grade_batch(
        request: Request,
        lang: schemas.Lang = "en",
        reveal_expected: bool = False,
    ) -> StreamingResponse:
        """Each line gets one verdict line, in input order; a bad line an `invalid` verdict,
        a runaway answer a `timeout` verdict; the batch goes on."""
        raw = await request.body()
        try:
            lines = [line for line in raw.decode("utf-8").splitlines() if line.strip()]
        except UnicodeDecodeError:
            raise ApiError(400, {"error": "the body is not UTF-8 text"}) from None
        if len(lines) > settings.max_batch_lines:
            limit = settings.max_batch_lines
            raise ApiError(413, {"error": f"too many lines (limit {limit})"})
        return StreamingResponse(
            _batch_rows(service, lines, lang, reveal_expected), media_type="application/x-ndjson"
        )

    @router.post(
        "/worksheet",
        responses={**GUARDED, 200: {"content": {"application/zip": {}}}},
        response_class=Response,
        dependencies=guarded,
        summary="Worksheet: spec in, .zip of .tex/.pdf/.json out",
    )
    async def worksheet(body: schemas.WorksheetRequest) -> Response:
        """Sheet and key (`.tex`, and `.pdf` with `pdf: true`) and `answers-*.json` per variant."""
        limit = settings.worksheet_time_limit
        data = await run("worksheet", body, timeout=limit)
        headers = {"Content-Disposition": 'attachment; filename="worksheet.zip"'}
        return Response(data, media_type="application/zip", headers=headers)

    @router.get(
        "/plot",
        responses={**ERRORS, 404: {"description": "Figures are not available"}},
        response_class=Response,
        summary="The figure of a result (SVG)",
    )
    async def plot(
        kind: Annotated[str, Query(pattern="^(derivative|gradient|hessian|taylor|backprop)$")],
        expr: Annotated[str, Query(min_length=1, max_length=2000)],
        var: Annotated[str | None, Query(max_length=40)] = None,
        order: Annotated[int, Query(ge=0, le=12)] = 1,
        vars: Annotated[str | None, Query(max_length=200)] = None,
        at: Annotated[str | None, Query(max_length=200)] = None,
        point: Annotated[str | None, Query(max_length=200)] = None,
        lang: schemas.Lang = "en",
    ) -> Response:
        """Drawn by `symderiv.plot` when it is installed; 404 otherwise."""
        if not plot_available(settings.plotter):
            raise ApiError(404, {"error": message("api_not_found", lang)})
        args: dict[str, Any] = {"kind": kind, "expr": expr, "order": order, "lang": lang}
        args["plotter"] = settings.plotter
        names = [v.strip() for v in (vars or "").split(",") if v.strip()]
        args.update(var=var or None, vars=names or None, at=at or "0", point=point)
        if kind == "derivative":
            args["order"] = max(order, 1)
        if kind == "backprop":
            args["wrt"] = names or None
            args["at"] = None
        svg = await service.run("plot", args, lang=lang)
        return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "max-age=600"})

    @router.get("/capabilities", summary="What this server offers")
    async def capabilities() -> dict[str, Any]:
        """Figures available, token needed for grading, the limits."""
        return {
            "plot": plot_available(settings.plotter),
            "token_required": settings.token_required,
            "time_limit": settings.time_limit,
            "max_body": settings.max_body,
        }

    @router.get("/health", summary="Liveness and load")
    async def health() -> dict[str, Any]:
        """The worker pool's state: pending requests, workers started and killed."""
        return {
            "ok": True,
            "pending": service.pending,
            "answered": service.answered,
            "workers": service.pool.size,
            "workers_started": service.pool.started,
            "workers_killed": service.pool.killed,
        }

    return router


async def _grade_line(service: Service, line: str, lang: str, reveal: bool) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        return _verdict_row("invalid", "this line is not valid JSON")
    if not isinstance(item, dict):
        return _verdict_row("invalid", "each line must be a JSON object")
    item_id = item.get("id")
    problem, answer = item.get("problem"), item.get("answer")
    if not isinstance(problem, dict) or not isinstance(answer, str) or len(answer) > 4000:
        text = 'each line needs "problem" (an object) and "answer" (text up to 4000 characters)'
        return _verdict_row("invalid", text, item_id)
    args = {"problem": problem, "answer": answer, "lang": lang, "reveal_expected": reveal}
    try:
        verdict = await service.run("grade", args, lang=lang, queue=True)
    except ApiError as exc:
        status = "timeout" if exc.status == 504 else "invalid"
        return _verdict_row(status, exc.body["error"], item_id)
    return {"id": item_id, **verdict}


async def _batch_rows(
    service: Service, lines: list[str], lang: str, reveal: bool
) -> AsyncIterator[str]:
    """Verdict lines in input order, grading up to the pool's size at once."""
    window: deque[asyncio.Task[dict[str, Any]]] = deque()
    try:
        for line in lines:
            window.append(asyncio.ensure_future(_grade_line(service, line, lang, reveal)))
            if len(window) >= service.pool.size:
                yield json.dumps(await window.popleft(), ensure_ascii=False) + "\n"
        while window:
            yield json.dumps(await window.popleft(), ensure_ascii=False) + "\n"
    finally:
        for task in window:
            task.cancel()
