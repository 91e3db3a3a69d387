"""HTTP routes for Web Push (the in-app centre is served through Reflex state, not here).

* ``GET  /api/push/vapid-public-key`` → ``{"publicKey": "<base64url>"}`` (public, cacheable)
* ``POST /api/push/subscribe``   body ``{"subscription": PushSubscription.toJSON(), "topics": [...]?,
  "deviceLabel": "..."?, "replaces": "<old endpoint>"?}``
* ``POST /api/push/unsubscribe`` body ``{"endpoint": "..."}``
* ``GET  /dev/outbox`` (HTML) and ``GET /api/dev/outbox?to=…`` (JSON): the development outbox of text messages
  and e-mail (``messaging.py``); 404 unless ``CDS_DEV_OUTBOX=1``

The POSTs need the ``cds_sid`` login cookie, an ``Origin`` of the app (Reflex echoes any CORS origin with
credentials, so this check is what stops cross-site requests) and a JSON body (``core.http``). Errors are the
contract's ``{"error": key, "message": {"vi", "en"}}`` and change nothing.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute

from citizen_app.core.db import read_scope, session_scope
from citizen_app.core.errors import DomainError, NotFound
from citizen_app.core.http import (
    BOOLEAN,
    INTEGER,
    Call,
    Endpoint,
    array,
    json_content,
    media,
    nullable,
    obj,
    string,
)
from citizen_app.core.timeutil import format_datetime
from citizen_app.i18n.catalog import translate
from citizen_app.identity.models import UserAccount
from citizen_app.notify import messaging, service
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


def _dev_rows(recipient: str) -> list[dict[str, str]]:
    with read_scope() as db:
        rows = messaging.dev_messages(db, recipient.strip()[:254])
    return [{"id": str(r.id), "channel": r.channel, "recipient": r.recipient, "purpose": r.purpose,
             "body": r.body, "created_at": r.created_at.isoformat(), "when": format_datetime(r.created_at)}
            for r in rows]


def _require_dev_outbox() -> None:
    if not messaging.dev_outbox_enabled():
        raise NotFound()


async def dev_outbox_json(call: Call) -> dict:
    _require_dev_outbox()
    return {"messages": await run_in_threadpool(_dev_rows, call.query("to"))}


def _dev_page(rows: list[dict[str, str]], lang: str) -> str:
    def text(key: str) -> str:
        return html.escape(translate(key, lang))

    cells = "".join(
        f"<tr><td>{html.escape(r['when'])}</td><td>{text('notify.channel.' + r['channel'])}</td>"
        f"<td>{html.escape(r['recipient'])}</td><td>{html.escape(r['body'])}</td></tr>" for r in rows)
    table = (f"<table><thead><tr><th scope='col'>{text('notify.dev_outbox.when')}</th>"
             f"<th scope='col'>{text('notify.dev_outbox.channel')}</th><th scope='col'>{text('notify.dev_outbox.to')}"
             f"</th><th scope='col'>{text('notify.dev_outbox.text')}</th></tr></thead><tbody>{cells}</tbody></table>"
             if rows else f"<p>{text('notify.dev_outbox.empty')}</p>")
    return (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><meta name='viewport' "
            f"content='width=device-width, initial-scale=1'><title>{text('notify.dev_outbox.title')}</title>"
            "<style>body{font:16px/1.5 system-ui,sans-serif;margin:1em;color:#111}table{border-collapse:collapse;"
            "width:100%}th,td{border:1px solid #666;padding:.4em;text-align:left;vertical-align:top}</style></head>"
            f"<body><main><h1>{text('notify.dev_outbox.title')}</h1><p>{text('notify.dev_outbox.explain')}</p>"
            f"{table}</main></body></html>")


async def dev_outbox_page(call: Call) -> Response:
    """The development outbox for people running ``make run``: what would have gone out by SMS or e-mail."""
    _require_dev_outbox()
    rows = await run_in_threadpool(_dev_rows, call.query("to"))
    return HTMLResponse(_dev_page(rows, call.lang))


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
        Endpoint("/dev/outbox", dev_outbox_page, summary="Development outbox of texts and e-mails (CDS_DEV_OUTBOX=1)",
                 query={"to": string(254), "lang": string(enum=["vi", "en"])}, errors=(404,),
                 responses={200: media("text/html")}),
        Endpoint("/api/dev/outbox", dev_outbox_json, summary="Development outbox as JSON (CDS_DEV_OUTBOX=1)",
                 query={"to": string(254)}, errors=(404,),
                 responses={200: json_content(obj(("messages",), messages=array(obj())))}),
    ]


ROUTES: list[BaseRoute] = make_routes()
