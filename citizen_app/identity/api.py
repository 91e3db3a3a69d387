"""Auth routes: they own the HttpOnly session cookie, which Reflex state cannot set."""

from __future__ import annotations

from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError, Unauthenticated
from citizen_app.core.http import (
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
from citizen_app.identity import cookies, service
from citizen_app.identity.state import COOKIE_NAME

_PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}  # the URL carries a login ticket


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
    raw = call.cookies.get(COOKIE_NAME)
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
        status, info = service.lookup_session(db, service.session_token(call.cookies))
    if info is None:
        raise Unauthenticated()
    body = {"status": status, "user_id": info.user_id, "name": info.full_name, "roles": sorted(info.roles)}
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


def _optional_routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for name in ("oidc", "wallet_api"):
        try:
            module = __import__(f"citizen_app.identity.{name}", fromlist=["ROUTES"])
        except ModuleNotFoundError as exc:
            if exc.name != f"citizen_app.identity.{name}":
                raise
            continue
        routes.extend(module.ROUTES)
    return routes


_OK = json_content(obj(("ok",), ok=BOOLEAN))

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
    *_optional_routes(),
]
