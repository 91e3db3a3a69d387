"""HTTP routes of the city pillar: the personal-data export (cookie auth, never cached), a JSON link check and
the lists' snapshot the offline checker (/safety-offline/) keeps for use without a network.

GET only, so no CSRF surface: the export is read-only and bound to the HttpOnly ``cds_sid`` cookie
(SameSite=Lax keeps it off cross-site subresource requests).
"""

from __future__ import annotations

from dataclasses import asdict

import anyio.to_thread
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from citizen_app.city import linkcheck, mydata, trustlists
from citizen_app.core.db import session_scope
from citizen_app.core.http import ANY_OBJECT, Call, Endpoint, array, json_content, obj, string
from citizen_app.core.timeutil import to_local, utcnow
from citizen_app.i18n.catalog import translate

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _export(user_id: int) -> str:
    with session_scope() as db:
        return mydata.export_json(db, user_id)


async def export_my_data(call: Call) -> Response:
    body = await anyio.to_thread.run_sync(_export, call.user_id)
    name = f"du-lieu-cua-toi-{to_local(utcnow()):%Y%m%d}.json"
    headers = {**NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type="application/json; charset=utf-8", headers=headers)


async def check_link(call: Call) -> dict:
    """Public: the same answer as the /safety page, for a share target or another client. No network calls."""
    result = await anyio.to_thread.run_sync(trustlists.check, call.query("q")[: linkcheck.MAX_INPUT + 1])
    body = asdict(result)
    body["reasons"] = [{**asdict(r), "text": translate(f"city.reason.{r.code}", call.lang, **r.params)}
                       for r in result.reasons]
    body["advice"] = [{**asdict(a), "text": translate(f"city.advice.{a.code}", call.lang, **a.params)}
                      for a in result.advice]
    body["verdict_text"] = translate(f"city.verdict.{result.verdict}", call.lang)
    return body


async def linkcheck_data(_call: Call) -> Response:
    """Public: the lists as the checker uses them (no personal data: domains, hotlines, report numbers)."""
    snapshot = await anyio.to_thread.run_sync(trustlists.current_snapshot)
    return JSONResponse(snapshot, headers={"ETag": f'"{snapshot["version"]}"'})


_LINK_CHECK = obj(("verdict", "verdict_text", "reasons", "advice"), verdict=string(), verdict_text=string(),
                  reasons=array(obj(("code", "text"), code=string(), text=string())),
                  advice=array(obj(("code", "text"), code=string(), text=string())))

ROUTES: list[BaseRoute] = [
    Endpoint("/api/my-data/export.json", export_my_data, auth="cookie", summary="Download all my data (JSON)",
             responses={200: json_content(obj(("user_id", "tables"), user_id={"type": "integer"}, tables=ANY_OBJECT))}),
    Endpoint("/api/city/link-check", check_link, summary="Is this link or phone number a known scam?",
             query={"q": string(), "lang": string(enum=["vi", "en"])}, responses={200: json_content(_LINK_CHECK)}),
    Endpoint("/api/city/linkcheck-data.json", linkcheck_data, summary="The checker's lists, for the offline checker",
             responses={200: json_content(obj(("version",), version=string()))}),
]
