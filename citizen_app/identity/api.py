"""Auth routes: they own the HttpOnly session cookie, which Reflex state cannot set."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.http import client_ip, same_origin
from citizen_app.identity import cookies, service
from citizen_app.identity.state import COOKIE_NAME

_PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}  # the URL carries a login ticket


async def redeem_ticket(request: Request) -> Response:
    """GET /auth/session?ticket=… — exchange a one-minute login ticket for the session cookie, in the browser
    that made the login only (it holds the ticket's binding cookie, see ``bind_ticket``)."""
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


async def bind_ticket(request: Request) -> Response:
    """POST /auth/session {ticket} — from the page that made the login (same origin), before it opens
    ``/auth/session?ticket=…``: sets the HttpOnly cookie that ties the ticket to this browser."""
    if not same_origin(request):
        return JSONResponse({"error": "error.origin"}, status_code=403, headers=_PRIVATE)
    try:
        raw = str((await request.json()).get("ticket") or "")[:100]
    except (ValueError, AttributeError):
        raw = ""
    if not raw:
        return JSONResponse({"error": "error.ticket_invalid"}, status_code=400, headers=_PRIVATE)
    response = JSONResponse({"ok": True}, headers=_PRIVATE)
    cookies.bind_ticket(response, raw)
    return response


async def logout(request: Request) -> Response:
    """POST /auth/logout — end this browser's session and clear its cookies (idempotent).

    ``?ended=1`` (a tab that found its session closed elsewhere): clear the cookies only if the session they hold
    is no longer live, since another tab may have logged in since; ``{"ended": false}`` then.
    The HTTP cache (and back/forward cache) goes too (``Clear-Site-Data: "cache"``); the page's script clears the
    stores that hold the user's data (``assets/session.js``), keeping the app shell and the offline verifier."""
    if not same_origin(request):
        return JSONResponse({"error": "error.origin"}, status_code=403)
    raw = request.cookies.get(COOKIE_NAME)
    with session_scope() as db:
        if request.query_params.get("ended") == "1" and service.cookie_user_id(db, request.cookies) is not None:
            return JSONResponse({"ok": True, "ended": False}, headers={"Cache-Control": "no-store"})
        if raw:
            service.close_session(db, service.token_hash(raw))
    response = JSONResponse({"ok": True, "ended": True},
                            headers={"Cache-Control": "no-store", "Clear-Site-Data": '"cache"'})
    cookies.clear_session_cookies(response)
    return response


async def whoami(request: Request) -> Response:
    """GET /api/me — the logged-in user's own summary (used by client scripts and tests)."""
    with session_scope() as db:
        status, info = service.lookup_session(db, request.cookies.get(COOKIE_NAME))
    headers = {"Cache-Control": "no-store"}
    if info is None:
        return JSONResponse({"status": status}, status_code=401, headers=headers)
    body = {"status": status, "user_id": info.user_id, "name": info.full_name, "roles": sorted(info.roles)}
    return JSONResponse(body, headers=headers)


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


ROUTES: list[BaseRoute] = [
    Route("/auth/session", redeem_ticket, methods=["GET"]),
    Route("/auth/session", bind_ticket, methods=["POST"]),
    Route("/auth/logout", logout, methods=["POST"]),
    Route("/api/me", whoami, methods=["GET"]),
    *_optional_routes(),
]
