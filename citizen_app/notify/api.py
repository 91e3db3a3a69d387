"""HTTP routes for Web Push (the in-app centre is served through Reflex state, not here).

* ``GET  /api/push/vapid-public-key`` → ``{"publicKey": "<base64url>"}`` (public, cacheable)
* ``POST /api/push/subscribe``   body ``{"subscription": PushSubscription.toJSON(), "topics": [...]?,
  "deviceLabel": "..."?, "replaces": "<old endpoint>"?}``
* ``POST /api/push/unsubscribe`` body ``{"endpoint": "..."}``
* ``GET  /dev/outbox`` (HTML) and ``GET /api/dev/outbox?to=…`` (JSON): the development outbox of text messages
  and e-mail (``messaging.py``); 404 unless ``CDS_DEV_OUTBOX=1``

The POSTs need the ``cds_sid`` login cookie, an ``Origin`` equal to the app's public origin (Reflex
echoes any CORS origin with credentials, so this check is what stops cross-site requests) and a
JSON content type. Errors are ``{"ok": false, "error": key, "message": translated}`` and change nothing.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from citizen_app.core.config import settings
from citizen_app.core.db import read_scope, session_scope
from citizen_app.core.errors import DomainError, NotFound
from citizen_app.core.timeutil import format_datetime
from citizen_app.i18n.catalog import lang_from_accept_language, normalize_lang, translate
from citizen_app.identity.service import SESSION_COOKIE, SessionInfo, lookup_session
from citizen_app.notify import messaging, service
from citizen_app.notify.outbox import DbFactory
from citizen_app.notify.vapid import public_key_b64

BODY_LIMIT = 8 * 1024
NO_STORE = {"Cache-Control": "no-store"}


class ApiError(Exception):
    def __init__(self, status: int, code: str, **params: Any) -> None:
        super().__init__(code)
        self.status, self.code, self.params = status, code, params


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _error(request: Request, exc: ApiError, lang: str | None = None) -> JSONResponse:
    lang = lang or lang_from_accept_language(request.headers.get("accept-language"))
    body = {"ok": False, "error": exc.code, "message": translate(exc.code, lang, **exc.params)}
    return JSONResponse(body, status_code=exc.status, headers=NO_STORE)


def _check_origin(request: Request, allowed: frozenset[str]) -> None:
    origin = (request.headers.get("origin") or "").lower()
    if origin not in allowed:
        raise ApiError(403, "notify.error.bad_origin")


async def _read_json(request: Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise ApiError(415, "notify.error.bad_json")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > BODY_LIMIT:
            raise ApiError(413, "notify.error.too_large")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "notify.error.bad_json") from exc
    if not isinstance(data, dict):
        raise ApiError(400, "notify.error.bad_json")
    return data


def _current_user(db: Session, request: Request) -> SessionInfo:
    status, info = lookup_session(db, request.cookies.get(SESSION_COOKIE))
    if status != "ok" or info is None:
        raise ApiError(401, "error.login_required")
    return info


def _subscribe_action(db: Session, request: Request, data: dict[str, Any]) -> tuple[SessionInfo, dict[str, Any]]:
    info = _current_user(db, request)
    label = data.get("deviceLabel") if isinstance(data.get("deviceLabel"), str) else ""
    replaces = data.get("replaces") if isinstance(data.get("replaces"), str) else None
    row = service.subscribe(db, info.user_id, data.get("subscription"), data.get("topics"),
                            device_label=label, replaces=replaces)
    topics = [d.topics for d in service.list_devices(db, info.user_id) if d.id == row.id][0]
    return info, {"ok": True, "id": row.id, "topics": list(topics), "message_key": "notify.ok.subscribed"}


def _unsubscribe_action(db: Session, request: Request, data: dict[str, Any]) -> tuple[SessionInfo, dict[str, Any]]:
    info = _current_user(db, request)
    endpoint = data.get("endpoint")
    if not isinstance(endpoint, str):
        raise ApiError(400, "notify.error.subscription_shape")
    removed = service.unsubscribe(db, info.user_id, endpoint)
    return info, {"ok": True, "removed": removed, "message_key": "notify.ok.unsubscribed"}


Action = Callable[[Session, Request, dict[str, Any]], tuple[SessionInfo, dict[str, Any]]]


def _run_action(db_factory: DbFactory, action: Action, request: Request,
                data: dict[str, Any]) -> tuple[SessionInfo, dict[str, Any]]:
    """One transaction: any error rolls everything back."""
    with db_factory() as db:
        return action(db, request, data)


def _post_handler(action: Action, db_factory: DbFactory, allowed: Callable[[], frozenset[str]]) -> Callable:
    async def handler(request: Request) -> JSONResponse:
        try:
            _check_origin(request, allowed())
            data = await _read_json(request)
            info, body = await run_in_threadpool(_run_action, db_factory, action, request, data)
        except ApiError as exc:
            return _error(request, exc)
        except DomainError as exc:
            status = 401 if exc.code == "error.login_required" else 404 if isinstance(exc, NotFound) else 400
            return _error(request, ApiError(status, exc.code, **exc.params))
        body["message"] = translate(body.pop("message_key"), info.lang)
        return JSONResponse(body, headers=NO_STORE)

    return handler


async def vapid_public_key(_request: Request) -> JSONResponse:
    key = await run_in_threadpool(public_key_b64)
    return JSONResponse({"publicKey": key}, headers={"Cache-Control": "public, max-age=3600"})


def _dev_rows(recipient: str) -> list[dict[str, str]]:
    with read_scope() as db:
        rows = messaging.dev_messages(db, recipient.strip()[:254])
    return [{"id": str(r.id), "channel": r.channel, "recipient": r.recipient, "purpose": r.purpose,
             "body": r.body, "created_at": r.created_at.isoformat(), "when": format_datetime(r.created_at)}
            for r in rows]


async def dev_outbox_json(request: Request) -> Response:
    if not messaging.dev_outbox_enabled():
        return PlainTextResponse("not found", status_code=404)
    rows = await run_in_threadpool(_dev_rows, request.query_params.get("to", ""))
    return JSONResponse({"messages": rows}, headers=NO_STORE)


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


async def dev_outbox_page(request: Request) -> Response:
    """The development outbox for people running ``make run``: what would have gone out by SMS or e-mail."""
    if not messaging.dev_outbox_enabled():
        return PlainTextResponse("not found", status_code=404)
    lang = normalize_lang(request.query_params.get("lang") or lang_from_accept_language(
        request.headers.get("accept-language")))
    rows = await run_in_threadpool(_dev_rows, request.query_params.get("to", ""))
    return HTMLResponse(_dev_page(rows, lang), headers=NO_STORE)


def make_routes(db_factory: DbFactory = session_scope,
                allowed_origins: frozenset[str] | None = None) -> list[BaseRoute]:
    """Routes bound to a session factory (tests pass one on their own database)."""

    def allowed() -> frozenset[str]:
        return allowed_origins if allowed_origins is not None else frozenset({origin_of(settings().public_url)})

    return [
        Route("/api/push/vapid-public-key", vapid_public_key, methods=["GET"]),
        Route("/api/push/subscribe", _post_handler(_subscribe_action, db_factory, allowed), methods=["POST"]),
        Route("/api/push/unsubscribe", _post_handler(_unsubscribe_action, db_factory, allowed), methods=["POST"]),
        Route("/dev/outbox", dev_outbox_page, methods=["GET"]),
        Route("/api/dev/outbox", dev_outbox_json, methods=["GET"]),
    ]


ROUTES: list[BaseRoute] = make_routes()
