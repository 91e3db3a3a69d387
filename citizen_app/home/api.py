"""HTTP route of the home page: the snapshot the installed app shows offline."""

from __future__ import annotations

from starlette.routing import BaseRoute

from citizen_app.core.db import read_scope
from citizen_app.core.http import Call, Endpoint, array, json_content, obj, string
from citizen_app.home import service


async def snapshot(call: Call) -> dict:
    """GET /api/home/snapshot — the signed-in person's name and open items (no-store; the device keeps it in its
    store, which the logout clears)."""
    with read_scope() as db:
        return service.offline_snapshot(db, call.user_id)


_ITEM = obj(("title", "status", "href"), title=string(), status=string(), href=string())
_ITEMS = obj(("vi", "en"), vi=array(_ITEM), en=array(_ITEM))

ROUTES: list[BaseRoute] = [
    Endpoint("/api/home/snapshot", snapshot, auth="cookie",
             summary="What the installed app shows on its home page offline (the signed-in person's own)",
             responses={200: json_content(obj(("name", "items"), name=string(), items=_ITEMS))}),
]
