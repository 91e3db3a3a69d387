"""HTTP routes of the city pillar: the personal-data export (cookie auth, never cached), a JSON link check and
the lists' snapshot the offline checker (/safety-offline/) keeps for use without a network.

GET only, so no CSRF surface: the export is read-only and bound to the HttpOnly ``cds_sid`` cookie
(SameSite=Lax keeps it off cross-site subresource requests).
"""

from __future__ import annotations

from dataclasses import asdict

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from citizen_app.city import linkcheck, mydata, trustlists
from citizen_app.city import wiring as _wiring  # noqa: F401 - installs the feedback close hook
from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import to_local, utcnow
from citizen_app.i18n.catalog import lang_from_accept_language, translate
from citizen_app.identity.service import SESSION_COOKIE, lookup_session

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _export_for_cookie(raw_cookie: str | None) -> str | None:
    with session_scope() as db:
        _, info = lookup_session(db, raw_cookie)
        if info is None:
            return None
        return mydata.export_json(db, info.user_id)


async def export_my_data(request: Request) -> Response:
    body = await anyio.to_thread.run_sync(_export_for_cookie, request.cookies.get(SESSION_COOKIE))
    if body is None:
        lang = lang_from_accept_language(request.headers.get("accept-language"))
        return JSONResponse({"error": "error.login_required", "message": translate("error.login_required", lang)},
                            401, headers=NO_STORE)
    name = f"du-lieu-cua-toi-{to_local(utcnow()):%Y%m%d}.json"
    headers = {**NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type="application/json; charset=utf-8", headers=headers)


async def check_link(request: Request) -> JSONResponse:
    """Public: the same answer as the /safety page, for a share target or another client. No network calls."""
    lang = lang_from_accept_language(request.headers.get("accept-language"))
    try:
        result = await anyio.to_thread.run_sync(trustlists.check,
                                                request.query_params.get("q", "")[: linkcheck.MAX_INPUT + 1])
    except DomainError as exc:
        return JSONResponse({"error": exc.code, "message": translate(exc.code, lang, **exc.params)}, 400,
                            headers=NO_STORE)
    body = asdict(result)
    body["reasons"] = [{**asdict(r), "text": translate(f"city.reason.{r.code}", lang, **r.params)}
                       for r in result.reasons]
    body["advice"] = [{**asdict(a), "text": translate(f"city.advice.{a.code}", lang, **a.params)}
                      for a in result.advice]
    body["verdict_text"] = translate(f"city.verdict.{result.verdict}", lang)
    return JSONResponse(body, headers=NO_STORE)


async def linkcheck_data(request: Request) -> Response:  # noqa: ARG001
    """Public: the lists as the checker uses them (no personal data: domains, hotlines, report numbers)."""
    snapshot = await anyio.to_thread.run_sync(trustlists.current_snapshot)
    return JSONResponse(snapshot, headers={**NO_STORE, "ETag": f'"{snapshot["version"]}"'})


ROUTES: list[BaseRoute] = [
    Route("/api/my-data/export.json", export_my_data, methods=["GET"]),
    Route("/api/city/link-check", check_link, methods=["GET"]),
    Route("/api/city/linkcheck-data.json", linkcheck_data, methods=["GET"]),
]
