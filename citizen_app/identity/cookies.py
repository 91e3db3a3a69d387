"""The cookies of a login, set only by HTTP routes (Reflex state cannot set cookies); their names live here only.

- ``cds_sid``: the HttpOnly session token (the database keeps its SHA-256).
- ``cds_logout``: set by ``assets/session.js`` (never by the server) when the person logged out without a
  connection: the session counts as ended for this browser (``session_token``) until ``/auth/logout``.
- ``cds_owner``: readable by the page's scripts (``assets/session.js``): a pseudonym of the logged-in user, so the
  device can tell whose data its stores hold and clear them when the session ends or another user logs in.
- ``cds_login``: HttpOnly, one minute, only sent to ``/auth/session``: binds a login ticket to the browser that
  made the login, so a ticket link opened in another browser logs nobody in.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from citizen_app.core.config import settings
from citizen_app.identity import service

SESSION_COOKIE = "cds_sid"  # HttpOnly, SameSite=Lax; the value is the raw token, the database keeps its SHA-256
OWNER_COOKIE = "cds_owner"
LOGOUT_COOKIE = "cds_logout"  # readable, set by assets/session.js after a logout made offline
BINDING_COOKIE = "cds_login"
BINDING_PATH = "/auth/session"


def session_token(cookies: Mapping[str, str]) -> str | None:
    """The session cookie's token, unless the device logged out while offline: ``assets/session.js`` then sets
    ``cds_logout`` (it cannot delete the HttpOnly session cookie) and the session counts as ended for every
    request of that browser until ``POST /auth/logout`` closes it on the server and drops both cookies."""
    if cookies.get(LOGOUT_COOKIE):
        return None
    return cookies.get(SESSION_COOKIE) or None


def cookie_user_id(db: Session, cookies: Mapping[str, str]) -> int | None:
    """The user behind a request's session cookie, or None (``service.token_user_id``)."""
    return service.token_user_id(db, session_token(cookies))


def set_session_cookies(response: Response, token: str, user_id: int) -> None:
    conf = settings()
    max_age = conf.session_days * 86400
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, path="/", httponly=True,
                        secure=conf.cookie_secure, samesite="lax")
    response.set_cookie(OWNER_COOKIE, service.device_owner_tag(user_id), max_age=max_age, path="/",
                        secure=conf.cookie_secure, samesite="lax")
    response.delete_cookie(BINDING_COOKIE, path=BINDING_PATH, httponly=True, secure=conf.cookie_secure,
                           samesite="lax")
    response.delete_cookie(LOGOUT_COOKIE, path="/", secure=conf.cookie_secure, samesite="lax")


def clear_session_cookies(response: Response) -> None:
    secure = settings().cookie_secure
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, secure=secure, samesite="lax")
    response.delete_cookie(OWNER_COOKIE, path="/", secure=secure, samesite="lax")
    response.delete_cookie(LOGOUT_COOKIE, path="/", secure=secure, samesite="lax")


def bind_ticket(response: Response, raw_ticket: str) -> None:
    """Let this response's browser, and only it, redeem ``raw_ticket`` at ``/auth/session``."""
    response.set_cookie(BINDING_COOKIE, service.ticket_binding(raw_ticket),
                        max_age=int(service.TICKET_TTL.total_seconds()), path=BINDING_PATH, httponly=True,
                        secure=settings().cookie_secure, samesite="lax")


def ticket_is_bound_here(request: Request, raw_ticket: str) -> bool:
    shown = request.cookies.get(BINDING_COOKIE, "")
    return bool(shown) and hmac.compare_digest(shown, service.ticket_binding(raw_ticket))
