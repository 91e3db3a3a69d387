"""Auth routes: they own the HttpOnly session cookie, which Reflex state cannot set; OpenID Connect login
(``oidc.py``) and passkeys (register while logged in; log in with a one-minute ticket for /auth/session)."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from typing import Any

from sqlmodel import Session
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError, Unauthenticated
from citizen_app.core.http import (
    ANY_OBJECT,
    BOOLEAN,
    INTEGER,
    REDIRECT,
    Call,
    Endpoint,
    array,
    client_ip,
    json_content,
    obj,
    string,
)
from citizen_app.identity import cookies, oidc, passkeys, service

_PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}  # the URL carries a login ticket
MAX_BODY = 16 * 1024


def _sessions() -> AbstractContextManager[Session]:
    return session_scope()  # looked up on each call: tests swap this module's session_scope


async def redeem_ticket(call: Call) -> Response:
    """GET /auth/session?ticket=… — exchange a one-minute login ticket for the session cookie, in the browser
    that made the login only (it holds the ticket's binding cookie, see ``bind_ticket``)."""
    request = call.request
    raw = request.query_params.get("ticket", "")
    if not cookies.ticket_is_bound_here(request, raw):
        return RedirectResponse("/login?error=ticket_other_browser", status_code=303, headers=_PRIVATE)
    try:
        with session_scope() as db:
            token, next_path, user_id = service.redeem_login_ticket(
                db, raw, request.headers.get("user-agent", ""), client_ip(request))
    except DomainError:
        return RedirectResponse("/login?error=ticket_invalid", status_code=303, headers=_PRIVATE)
    response = RedirectResponse(next_path, status_code=303, headers=_PRIVATE)
    cookies.set_session_cookies(response, token, user_id)
    return response


async def bind_ticket(call: Call) -> Response:
    """POST /auth/session {ticket} — from the page that made the login (same origin), before it opens
    ``/auth/session?ticket=…``: sets the HttpOnly cookie that ties the ticket to this browser."""
    raw = str(call.body.get("ticket") or "")[:100]
    if not raw:
        raise DomainError("error.ticket_invalid")
    response = JSONResponse({"ok": True}, headers=_PRIVATE)
    cookies.bind_ticket(response, raw)
    return response


async def logout(call: Call) -> Response:
    """POST /auth/logout — end this browser's session and clear its cookies (idempotent; Origin checked).

    ``?ended=1`` (a tab that found its session closed elsewhere): clear the cookies only if the session they hold
    is no longer live, since another tab may have logged in since; ``{"ended": false}`` then.
    The HTTP cache (and back/forward cache) goes too (``Clear-Site-Data: "cache"``); the page's script clears the
    stores that hold the user's data (``assets/session.js``), keeping the app shell and the offline verifier."""
    if call.query("ended") == "1" and call.user_id is not None:
        return JSONResponse({"ok": True, "ended": False}, headers={"Cache-Control": "no-store"})
    raw = call.cookies.get(cookies.SESSION_COOKIE)
    if raw:
        with session_scope() as db:
            service.close_session(db, service.token_hash(raw))
    response = JSONResponse({"ok": True, "ended": True},
                            headers={"Cache-Control": "no-store", "Clear-Site-Data": '"cache"'})
    cookies.clear_session_cookies(response)
    return response


async def whoami(call: Call) -> Response:
    """GET /api/me — the logged-in user's own summary (used by client scripts and tests)."""
    with session_scope() as db:
        status, info = service.lookup_session(db, cookies.session_token(call.cookies))
    if info is None:
        raise Unauthenticated()
    body = {"status": status, "user_id": info.user_id, "name": info.full_name, "roles": sorted(info.roles)}
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


# --- passkeys ----------------------------------------------------------------------------------------


async def passkey_register_options(call: Call) -> dict:
    with session_scope() as db:
        options = passkeys.begin_registration(db, call.user_id)
    return {"challenge_id": options.challenge_id, "options": json.loads(options.options_json)}


async def passkey_register_verify(call: Call) -> dict:
    body = call.body
    with session_scope() as db:
        row = passkeys.finish_registration(db, call.user_id, str(body.get("challenge_id") or ""),
                                           _object(body.get("credential")), str(body.get("name") or ""))
        return {"ok": True, "id": row.id, "name": row.name}


# --- passkey login (public) -----------------------------------------------------------------------


async def passkey_login_options(_: Call) -> dict:
    with session_scope() as db:
        options = passkeys.begin_authentication(db)
    return {"challenge_id": options.challenge_id, "options": json.loads(options.options_json)}


async def passkey_login_verify(call: Call) -> Response:
    """POST {challenge_id, credential, next?} -> {ticket_url}; the browser then opens /auth/session."""
    body = call.body
    with session_scope() as db:
        user_id = passkeys.finish_authentication(db, str(body.get("challenge_id") or ""),
                                                 _object(body.get("credential")))
        ticket = service.create_login_ticket(db, user_id, str(body.get("next") or "/"), method="passkey")
    response = JSONResponse({"ok": True, "ticket_url": f"/auth/session?ticket={ticket}"})
    cookies.bind_ticket(response, ticket)  # only this browser can open the ticket URL
    return response


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


_OK = json_content(obj(("ok",), ok=BOOLEAN))
_PASSKEY: dict[str, Any] = {"methods": ("POST",), "auth": "cookie", "sessions": _sessions, "max_body": MAX_BODY}
_PUBLIC_POST: dict[str, Any] = {"methods": ("POST",), "max_body": MAX_BODY}
_OPTIONS = json_content(obj(("challenge_id", "options"), challenge_id=string(), options=ANY_OBJECT))
_WEBAUTHN = obj(("challenge_id", "credential"), challenge_id=string(100), credential=ANY_OBJECT, name=string(60),
                next=string(200))

ROUTES: list[BaseRoute] = [
    Endpoint("/auth/session", redeem_ticket, summary="Exchange a one-minute login ticket for the session cookie",
             query={"ticket": string(200)}, responses={303: REDIRECT}),
    Endpoint("/auth/session", bind_ticket, methods=("POST",), auth="session",
             summary="Bind a login ticket to this browser before opening it", body=obj(("ticket",), ticket=string(100)),
             max_body=1024, responses={200: _OK}),
    Endpoint("/auth/logout", logout, methods=("POST",), auth="session", summary="End this browser's session",
             query={"ended": string(enum=["1"])},
             responses={200: json_content(obj(("ok",), ok=BOOLEAN, ended=BOOLEAN))}),
    Endpoint("/api/me", whoami, auth="cookie", summary="The logged-in user's own summary",
             responses={200: json_content(obj(("user_id", "name", "roles"), status=string(), user_id=INTEGER,
                                              name=string(), roles=array(string())))}),
    *oidc.ROUTES,
    Endpoint("/api/identity/passkeys/register/options", passkey_register_options,
             summary="WebAuthn options to register a passkey", responses={200: _OPTIONS}, **_PASSKEY),
    Endpoint("/api/identity/passkeys/register/verify", passkey_register_verify, summary="Register a passkey",
             body=_WEBAUTHN, responses={200: json_content(obj(("ok", "id"), ok=BOOLEAN, id=INTEGER, name=string()))},
             errors=(404,), **_PASSKEY),
    Endpoint("/api/identity/passkeys/login/options", passkey_login_options,
             summary="WebAuthn options to log in with a passkey", responses={200: _OPTIONS}, **_PUBLIC_POST),
    Endpoint("/api/identity/passkeys/login/verify", passkey_login_verify, methods=("POST",), auth="session",
             summary="Log in with a passkey: a one-minute ticket for /auth/session", body=_WEBAUTHN,
             responses={200: json_content(obj(("ok", "ticket_url"), ok=BOOLEAN, ticket_url=string()))},
             errors=(404,), sessions=_sessions, max_body=MAX_BODY),
]
