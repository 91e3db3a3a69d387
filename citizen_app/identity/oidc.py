"""OpenID Connect login (authorization code + PKCE S256, nonce, state) with Authlib.

A city plugs in its national-ID provider with three settings: ``OIDC_ISSUER`` (discovery is read
from ``<issuer>/.well-known/openid-configuration``), ``OIDC_CLIENT_ID`` and ``OIDC_CLIENT_SECRET``.
The redirect URI is always built from ``PUBLIC_URL``, never from the request's Host header.

Authlib keeps state, nonce and the PKCE verifier in a short-lived signed cookie (``cds_oidc``)
that exists only on this sub-app, so a callback URL opened in another browser logs nobody in. A successful
callback opens a server-side login session and sets the session cookies (``identity.cookies``); every failure
goes back to ``/login?error=oidc_failed``.
"""

from __future__ import annotations

import logging
from typing import Any

from authlib.integrations.starlette_client import OAuth
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from citizen_app.core.config import Settings, settings
from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.http import REDIRECT, DocumentedMount, Operation, client_ip, string
from citizen_app.core.keystore import derive_key
from citizen_app.identity.cookies import set_session_cookies
from citizen_app.identity.service import login_with_oidc, open_session, safe_next_path

log = logging.getLogger(__name__)

CLIENT_NAME = "idp"
FLOW_COOKIE = "cds_oidc"
FLOW_MAX_AGE = 600
FLOW_COOKIE_KEY = "identity.oidc.flow-cookie"  # core.keystore purpose: signs the flow cookie
NEXT_KEY = "cds_next"
# The callback URL carries the authorization code: keep it out of caches and Referer headers.
PRIVATE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
CALLBACK_PATH = "/auth/oidc/callback"
FAILED_URL = "/login?error=oidc_failed"
DISABLED_URL = "/login?error=oidc_disabled"
SCOPE = "openid profile email"


def build_oauth(conf: Settings) -> OAuth | None:
    """A fresh Authlib registry for the configured provider, or None when OIDC is off."""
    if not conf.oidc_enabled:
        return None
    oauth = OAuth()
    oauth.register(
        CLIENT_NAME,
        client_id=conf.oidc_client_id,
        client_secret=conf.oidc_client_secret,
        server_metadata_url=f"{conf.oidc_issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256"},
    )
    return oauth


async def _verified_claims(client: Any, token: dict, issuer: str) -> dict:
    """ID token claims (already checked by Authlib), completed from the UserInfo endpoint.

    The discovery document must name the configured issuer (Authlib already checked the ID
    token's ``iss`` against it). Providers following OIDC Core 5.4 put profile/e-mail claims
    only in UserInfo; its ``sub`` must equal the ID token's (OIDC Core 5.3.2), else no trust.
    """
    id_claims = token.get("userinfo")
    if not id_claims or not id_claims.get("sub") or not id_claims.get("iss"):
        raise DomainError("error.oidc_failed")
    claims = dict(id_claims)
    metadata = await client.load_server_metadata()
    if str(metadata.get("issuer", "")).rstrip("/") != issuer:  # OIDC Discovery 4.3
        raise DomainError("error.oidc_failed")
    if metadata.get("userinfo_endpoint") and not ("name" in claims and "email" in claims):
        extra = await client.userinfo(token=token)
        if extra.get("sub") != claims["sub"]:
            raise DomainError("error.oidc_failed")
        claims = {**dict(extra), **claims}
    return claims


def _session_response(raw_token: str, user_id: int, next_path: str) -> Response:
    response = RedirectResponse(next_path, status_code=303, headers=PRIVATE_HEADERS)
    set_session_cookies(response, raw_token, user_id)
    return response


def _failed(request: Request, reason: str) -> Response:
    log.warning("OIDC login failed: %s", reason)
    request.session.clear()
    return RedirectResponse(FAILED_URL, status_code=303, headers=PRIVATE_HEADERS)


def build_oidc_app(conf: Settings) -> Starlette:
    """The ``/auth/oidc`` sub-app for these settings (tests build one per test provider)."""
    oauth = build_oauth(conf)

    async def login(request: Request) -> Response:
        if oauth is None:
            return RedirectResponse(DISABLED_URL, status_code=303)
        request.session.clear()
        request.session[NEXT_KEY] = safe_next_path(request.query_params.get("next"))
        try:
            return await oauth.create_client(CLIENT_NAME).authorize_redirect(
                request, conf.public_url + CALLBACK_PATH)
        except Exception as exc:  # provider unreachable/bad discovery: never a raw 500
            return _failed(request, type(exc).__name__)  # never the message: it may carry claims

    async def callback(request: Request) -> Response:
        if oauth is None:
            return RedirectResponse(DISABLED_URL, status_code=303)
        client = oauth.create_client(CLIENT_NAME)
        next_path = safe_next_path(request.session.get(NEXT_KEY))
        try:
            token = await client.authorize_access_token(request)  # state, PKCE, id_token, nonce
            claims = await _verified_claims(client, token, conf.oidc_issuer or "")
            with session_scope() as db:
                user = login_with_oidc(db, claims["iss"], claims)
                raw = open_session(db, user.id, user_agent=request.headers.get("user-agent", ""),
                                   ip=client_ip(request), method="oidc")
        except Exception as exc:  # denied consent, bad state, bad token...: never a raw 500
            return _failed(request, type(exc).__name__)  # never the message: it may carry claims
        request.session.clear()
        return _session_response(raw, user.id, next_path)

    return Starlette(
        routes=[Route("/login", login), Route("/callback", callback)],
        middleware=[Middleware(SessionMiddleware, secret_key=derive_key(FLOW_COOKIE_KEY, conf.secret_key).hex(),
                               session_cookie=FLOW_COOKIE, max_age=FLOW_MAX_AGE, path="/auth/oidc", same_site="lax",
                               https_only=conf.cookie_secure)],
    )


class LazyOidcApp:
    """Builds the sub-app from ``settings()`` on first use, so importing never reads config."""

    def __init__(self) -> None:
        self._app: Starlette | None = None

    def reset(self) -> None:
        self._app = None

    def _built(self) -> Starlette:
        if self._app is None:
            self._app = build_oidc_app(settings())
        return self._app

    @property
    def routes(self) -> list[BaseRoute]:
        return self._built().routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._built()(scope, receive, send)


oidc_app = LazyOidcApp()

_OPERATIONS = (
    Operation("/auth/oidc/login", ("GET",), "Start an OpenID Connect login (redirect to the identity provider)",
              query={"next": string(200)}, responses={303: REDIRECT}, tag="identity"),
    Operation("/auth/oidc/callback", ("GET",), "The identity provider's answer: open a session, then redirect",
              query={"code": string(), "state": string()}, responses={303: REDIRECT}, tag="identity",
              notes="Every failure redirects to /login?error=oidc_failed."),
)
ROUTES: list[BaseRoute] = [DocumentedMount("/auth/oidc", oidc_app, _OPERATIONS)]
