"""Auth routes: they own the HttpOnly session cookie, which Reflex state cannot set."""

from __future__ import annotations

from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute

from citizen_app.core.config import settings
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
from citizen_app.identity import service
from citizen_app.identity.state import COOKIE_NAME


def set_session_cookie(response: Response, token: str) -> None:
    response.set_cookie(COOKIE_NAME, token, max_age=settings().session_days * 86400, path="/",
                        httponly=True, secure=settings().cookie_secure, samesite="lax")


async def redeem_ticket(call: Call) -> Response:
    """GET /auth/session?ticket=… — exchange a one-minute login ticket for the session cookie."""
    request = call.request
    try:
        with session_scope() as db:
            token, next_path = service.redeem_login_ticket(
                db, request.query_params.get("ticket", ""), request.headers.get("user-agent", ""), client_ip(request)
            )
    except DomainError:
        return RedirectResponse("/login?error=ticket_invalid", status_code=303)
    response = RedirectResponse(next_path, status_code=303)
    set_session_cookie(response, token)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


async def logout(call: Call) -> Response:
    """POST /auth/logout — end this browser's session and clear the cookie (idempotent; Origin checked)."""
    raw = call.cookies.get(COOKIE_NAME)
    if raw:
        with session_scope() as db:
            service.close_session(db, service.token_hash(raw))
    response = JSONResponse({"ok": True}, headers={"Cache-Control": "no-store"})
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, secure=settings().cookie_secure, samesite="lax")
    return response


async def whoami(call: Call) -> Response:
    """GET /api/me — the logged-in user's own summary (used by client scripts and tests)."""
    with session_scope() as db:
        status, info = service.lookup_session(db, call.cookies.get(COOKIE_NAME))
    headers = {"Cache-Control": "no-store"}
    if info is None:
        raise Unauthenticated()
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
    Endpoint("/auth/session", redeem_ticket, summary="Exchange a one-minute login ticket for the session cookie",
             query={"ticket": string(200)}, responses={303: REDIRECT}),
    Endpoint("/auth/logout", logout, methods=("POST",), auth="session", summary="End this browser's session",
             responses={200: json_content(obj(("ok",), ok=BOOLEAN))}),
    Endpoint("/api/me", whoami, auth="cookie", summary="The logged-in user's own summary",
             responses={200: json_content(obj(("user_id", "name", "roles"), status=string(), user_id=INTEGER,
                                              name=string(), roles=array(string())))}),
    *_optional_routes(),
]
