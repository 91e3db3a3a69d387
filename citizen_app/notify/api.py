"""HTTP routes for Web Push (the in-app centre is served through Reflex state, not here).

* ``GET  /api/push/vapid-public-key`` → ``{"publicKey": "<base64url>"}`` (public, cacheable)
* ``POST /api/push/subscribe``   body ``{"subscription": PushSubscription.toJSON(), "topics": [...]?,
  "deviceLabel": "..."?, "replaces": "<old endpoint>"?}``
* ``POST /api/push/unsubscribe`` body ``{"endpoint": "..."}``

The POSTs need the ``cds_sid`` login cookie, an ``Origin`` of the app (Reflex echoes any CORS origin with
credentials, so this check is what stops cross-site requests) and a JSON body (``core.http``). Errors are the
contract's ``{"error": key, "message": {"vi", "en"}}`` and change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.routing import BaseRoute

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.http import BOOLEAN, INTEGER, Call, Endpoint, array, json_content, nullable, obj, string
from citizen_app.i18n.catalog import translate
from citizen_app.identity.models import UserAccount
from citizen_app.notify import service
from citizen_app.notify.outbox import DbFactory
from citizen_app.notify.vapid import public_key_b64

BODY_LIMIT = 8 * 1024


def _subscribe_action(db: Session, user_id: int, data: dict[str, Any]) -> dict[str, Any]:
    label = data.get("deviceLabel") if isinstance(data.get("deviceLabel"), str) else ""
    replaces = data.get("replaces") if isinstance(data.get("replaces"), str) else None
    row = service.subscribe(db, user_id, data.get("subscription"), data.get("topics"),
                            device_label=label, replaces=replaces)
    topics = [d.topics for d in service.list_devices(db, user_id) if d.id == row.id][0]
    return {"ok": True, "id": row.id, "topics": list(topics), "message_key": "notify.ok.subscribed"}


def _unsubscribe_action(db: Session, user_id: int, data: dict[str, Any]) -> dict[str, Any]:
    endpoint = data.get("endpoint")
    if not isinstance(endpoint, str):
        raise DomainError("notify.error.subscription_shape")
    removed = service.unsubscribe(db, user_id, endpoint)
    return {"ok": True, "removed": removed, "message_key": "notify.ok.unsubscribed"}


Action = Callable[[Session, int, dict[str, Any]], dict[str, Any]]


def _run_action(db_factory: DbFactory, action: Action, user_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """One transaction: any error rolls everything back. The answer is in the user's own language."""
    with db_factory() as db:
        body = action(db, user_id, data)
        lang = db.get(UserAccount, user_id).lang
    body["message"] = translate(body.pop("message_key"), lang)
    return body


def _post_handler(action: Action, db_factory: DbFactory) -> Callable:
    async def handler(call: Call) -> dict[str, Any]:
        return await run_in_threadpool(_run_action, db_factory, action, call.user_id, call.body)

    handler.__name__ = action.__name__.strip("_").removesuffix("_action")
    return handler


async def vapid_public_key(_call: Call) -> dict:
    return {"publicKey": await run_in_threadpool(public_key_b64)}


_SUBSCRIPTION = obj(("endpoint", "keys"), endpoint=string(2048), expirationTime={"type": ["number", "null"]},
                    keys=obj(("p256dh", "auth"), p256dh=string(200), auth=string(100)))
_DONE = obj(("ok", "message"), ok=BOOLEAN, message=string(), id=INTEGER, topics=array(string()), removed=BOOLEAN)


def make_routes(db_factory: DbFactory = session_scope) -> list[BaseRoute]:
    """Routes bound to a session factory (tests pass one on their own database)."""
    private: dict[str, Any] = {"methods": ("POST",), "auth": "cookie", "sessions": db_factory,
                               "max_body": BODY_LIMIT, "responses": {200: json_content(_DONE)}}
    return [
        Endpoint("/api/push/vapid-public-key", vapid_public_key, summary="The server's VAPID public key",
                 cache="public, max-age=3600", responses={200: json_content(obj(("publicKey",), publicKey=string()))}),
        Endpoint("/api/push/subscribe", _post_handler(_subscribe_action, db_factory),
                 summary="Register this browser for web push",
                 body=obj(("subscription",), subscription=_SUBSCRIPTION, topics=array(string(40)),
                          deviceLabel=string(80), replaces=nullable(string(2048))), **private),
        Endpoint("/api/push/unsubscribe", _post_handler(_unsubscribe_action, db_factory),
                 summary="Stop web push to a browser", body=obj(("endpoint",), endpoint=string(2048)), **private),
    ]


ROUTES: list[BaseRoute] = make_routes()
