"""Operations routes: liveness, readiness, the admin job status feed and an opt-in worker probe.

- ``GET /api/health/live``: 200 while the process serves requests (no I/O; for the process supervisor).
- ``GET /api/health/ready``: 200 when the database answers, the schema is at the Alembic head and Redis
  answers (when configured); 503 otherwise (for the load balancer: take the machine out of rotation).
- ``GET /api/ops/jobs``: background jobs as JSON, administrators only (``cds_sid`` cookie).
- ``GET /api/ops/worker``: the serving worker's process id, only when ``CDS_OPS_DEBUG=1`` (tests and
  benchmarks use it to prove that requests reach different workers); 404 otherwise.
"""

from __future__ import annotations

import asyncio
import os

from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from citizen_app.core.db import session_scope
from citizen_app.core.errors import NotFound
from citizen_app.core.http import BOOLEAN, INTEGER, Call, Endpoint, array, json_content, obj, string
from citizen_app.ops import health
from citizen_app.ops.jobs_view import job_rows


async def live(_call: Call) -> dict:
    return {"status": "ok"}


async def ready(_call: Call) -> Response:
    result = await health.readiness()
    body = {"status": "ok" if result.ok else "fail", "checks": result.checks}
    return JSONResponse(body, status_code=200 if result.ok else 503)


def _jobs(user_id: int) -> list[dict[str, object]]:
    with session_scope() as db:
        return [row.as_dict() for row in job_rows(db, user_id)]


async def jobs(call: Call) -> dict:
    return {"jobs": await asyncio.to_thread(_jobs, call.user_id)}


def debug_enabled() -> bool:
    return os.environ.get("CDS_OPS_DEBUG") == "1"


async def worker(_call: Call) -> dict:
    if not debug_enabled():
        raise NotFound()
    return {"pid": os.getpid()}


_HEALTH = json_content(obj(("status", "checks"), status=string(enum=["ok", "fail"]),
                           checks={"type": "object", "additionalProperties": string()}))
_JOB = obj(("name", "running"), name=string(), running=BOOLEAN, late=BOOLEAN, runs=INTEGER)

ROUTES: list[BaseRoute] = [
    Endpoint("/api/health/live", live, methods=("GET", "HEAD"), summary="Liveness: the process answers",
             responses={200: json_content(obj(("status",), status=string(enum=["ok"])))}),
    Endpoint("/api/health/ready", ready, methods=("GET", "HEAD"),
             summary="Readiness: database, migrations at head, Redis", responses={200: _HEALTH, 503: _HEALTH}),
    Endpoint("/api/ops/jobs", jobs, auth="cookie", summary="Background jobs (administrators)",
             responses={200: json_content(obj(("jobs",), jobs=array(_JOB)))}),
    Endpoint("/api/ops/worker", worker, summary="The serving worker's process id (only with CDS_OPS_DEBUG=1)",
             responses={200: json_content(obj(("pid",), pid=INTEGER))}, errors=(404,)),
]
