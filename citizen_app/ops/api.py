"""Operations routes: liveness, readiness, the admin job status feed and an opt-in worker probe.

- ``GET /api/health/live``: 200 while the process serves requests (no I/O; for the process supervisor).
- ``GET /api/health/ready``: 200 when the database answers, the schema is at the Alembic head and Redis
  answers (when configured); 503 otherwise (for the load balancer: take the machine out of rotation).
- ``GET /api/ops/jobs``: background jobs as JSON, administrators only (``cds_sid`` cookie).
- ``GET /api/ops/worker``: the serving worker's process id, only when ``CDS_OPS_DEBUG=1`` (tests and
  benchmarks use it to prove that requests reach different workers); 404 otherwise.
"""

from __future__ import annotations

import os

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.i18n.catalog import lang_from_accept_language, translate
from citizen_app.identity.service import lookup_session
from citizen_app.identity.state import COOKIE_NAME
from citizen_app.ops import health
from citizen_app.ops.jobs_view import job_rows

_NO_STORE = {"cache-control": "no-store"}


async def live(_request: Request) -> Response:
    return JSONResponse({"status": "ok"}, headers=_NO_STORE)


async def ready(_request: Request) -> Response:
    result = await health.readiness()
    body = {"status": "ok" if result.ok else "fail", "checks": result.checks}
    return JSONResponse(body, status_code=200 if result.ok else 503, headers=_NO_STORE)


def _jobs_for_cookie(raw_cookie: str | None) -> list[dict[str, object]]:
    with session_scope() as db:
        status, info = lookup_session(db, raw_cookie)
        user_id = info.user_id if status == "ok" and info else None
        return [row.as_dict() for row in job_rows(db, user_id)]


async def jobs(request: Request) -> Response:
    import asyncio

    try:
        rows = await asyncio.to_thread(_jobs_for_cookie, request.cookies.get(COOKIE_NAME))
    except DomainError as exc:
        lang = lang_from_accept_language(request.headers.get("accept-language"))
        status = 401 if exc.code == "error.login_required" else 403
        return JSONResponse({"error": translate(exc.code, lang, **exc.params)}, status_code=status, headers=_NO_STORE)
    return JSONResponse({"jobs": rows}, headers=_NO_STORE)


def debug_enabled() -> bool:
    return os.environ.get("CDS_OPS_DEBUG") == "1"


async def worker(_request: Request) -> Response:
    if not debug_enabled():
        return Response("not found", status_code=404)
    return JSONResponse({"pid": os.getpid()}, headers=_NO_STORE)


ROUTES: list[BaseRoute] = [
    Route("/api/health/live", live, methods=["GET", "HEAD"]),
    Route("/api/health/ready", ready, methods=["GET", "HEAD"]),
    Route("/api/ops/jobs", jobs, methods=["GET"]),
    Route("/api/ops/worker", worker, methods=["GET"]),
]
