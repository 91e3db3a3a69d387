"""The cookies of a login, set only by HTTP routes (Reflex state cannot set cookies).

- ``cds_sid``: the HttpOnly session token (the database keeps its SHA-256).
- ``cds_logout``: set by ``assets/session.js`` (never by the server) when the person logged out without a
  connection: the session counts as ended for this browser (``service.session_token``) until ``/auth/logout``.
- ``cds_owner``: readable by the page's scripts (``assets/session.js``): a pseudonym of the logged-in user, so the
  device can tell whose data its stores hold and clear them when the session ends or another user logs in.
- ``cds_login``: HttpOnly, one minute, only sent to ``/auth/session``: binds a login ticket to the browser that
  made the login, so a ticket link opened in another browser logs nobody in.
"""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import Response

from citizen_app.core.config import settings
from citizen_app.identity import service

SESSION_COOKIE = service.SESSION_COOKIE
OWNER_COOKIE = "cds_owner"
LOGOUT_COOKIE = service.LOGOUT_COOKIE  # readable, set by assets/session.js after a logout made offline
BINDING_COOKIE = "cds_login"
BINDING_PATH = "/auth/session"


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
