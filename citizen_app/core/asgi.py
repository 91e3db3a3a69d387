"""ASGI pieces wrapped around the Reflex backend: pillar routes, upload guard, security headers."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from citizen_app.core.config import settings
from citizen_app.core.headers import BrowserPolicy, cache_control, frontend_static_dir
from citizen_app.core.http import error_response
from citizen_app.core.openapi import openapi_endpoint
from citizen_app.core.registry import import_pillar_modules

UPLOAD_LIMIT_BYTES = 8 * 1024 * 1024
_NO_STORE_PREFIXES = (b"/api/", b"/auth/", b"/pay/", b"/open311/")


def all_routes() -> list[BaseRoute]:
    """Every pillar's ``api.ROUTES`` and the OpenAPI document written from them."""
    routes: list[BaseRoute] = [route for module in import_pillar_modules("api") for route in module.ROUTES]
    routes.append(openapi_endpoint(routes))
    return routes


def build_routes_app() -> Starlette:
    """One Starlette app holding every route; Reflex mounts itself inside it."""
    return Starlette(routes=all_routes())


def guard_uploads(inner: ASGIApp, limit: int = UPLOAD_LIMIT_BYTES,
                  is_upload_handler: Callable[[str], bool] = lambda _name: True) -> ASGIApp:
    """Reflex's /_upload has no server-side size limit, serves files publicly and answers a 500 when the
    ``Reflex-Event-Handler`` header names a handler that takes no files: cap it, close it, check the name."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/_upload"):
            headers = dict(scope["headers"])
            size = headers.get(b"content-length", b"")
            refusal = None
            if scope["method"] == "GET":
                refusal = error_response(404, "error.not_found")
            elif scope["method"] == "POST" and (not size.isdigit() or int(size) > limit):
                refusal = error_response(413, "error.too_large")
            elif scope["method"] == "POST" and not is_upload_handler(
                    headers.get(b"reflex-event-handler", b"").decode("latin-1")):
                refusal = error_response(400, "error.upload_handler")
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await inner(scope, receive, send)

    return app


CANONICAL_REDIRECT_ENV = "CANONICAL_HOST_REDIRECT"


def _is_navigation(headers: dict[bytes, bytes]) -> bool:
    """A person's browser opening a page (not a script's fetch, a gateway's notification or a gate's call)."""
    mode = headers.get(b"sec-fetch-mode")
    if mode is not None:
        return mode == b"navigate"
    return b"text/html" in headers.get(b"accept", b"")


def canonical_origin(inner: ASGIApp, public_url: Callable[[], str] = lambda: settings().public_url) -> ASGIApp:
    """Send a browser that opens any page on another host name than ``PUBLIC_URL`` (``127.0.0.1`` for
    ``localhost``, an old domain) to the same path and query on the canonical origin, before anything else runs.

    The session cookie belongs to one host: a login, or a return from a payment gateway (whose return URL is
    always on ``PUBLIC_URL``), must happen there, or the person lands on a login wall although they are signed in.
    Only page navigations move (``Sec-Fetch-Mode: navigate``); API calls, notifications and gates are answered
    where they arrive. Behind a proxy the host is the ``X-Forwarded-Host`` it sets, or the ``Host`` it passes on.
    ``CANONICAL_HOST_REDIRECT=0`` switches it off (a proxy that rewrites the host name)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD") and _redirect_enabled():
            headers = dict(scope["headers"])
            canonical = urlsplit(public_url())
            host = (headers.get(b"x-forwarded-host") or headers.get(b"host") or b"").split(b",")[0].strip()
            if host and host.decode("latin-1").lower() != canonical.netloc.lower() and _is_navigation(headers):
                query = scope.get("query_string", b"").decode("latin-1")
                target = f"{canonical.scheme}://{canonical.netloc}{scope['path']}{'?' + query if query else ''}"
                await RedirectResponse(target, status_code=307, headers={"Cache-Control": "no-store"})(
                    scope, receive, send)
                return
        await inner(scope, receive, send)

    return app


def _redirect_enabled() -> bool:
    return os.environ.get(CANONICAL_REDIRECT_ENV, "1").strip().lower() not in ("0", "false", "no", "off")


def security_headers(inner: ASGIApp) -> ASGIApp:
    """Baseline headers on every response, the browser policy on documents (``core/headers.py``); personal
    API responses are never stored by caches or the service worker, hashed build files are cached for a year
    and every other answer is revalidated (``headers.cache_control``). A header the route set is kept."""

    @functools.cache
    def policy() -> BrowserPolicy:  # built on first use: the frontend is compiled after the app is created
        return BrowserPolicy(settings().public_url, frontend_static_dir())

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await inner(scope, receive, send)
            return
        path = scope["path"].encode()

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                own = {name.lower(): value for name, value in headers}
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                         (b"x-frame-options", b"DENY"), *policy().extra_headers(path, own)]
                if path.startswith(_NO_STORE_PREFIXES):
                    extra.append((b"cache-control", b"no-store"))
                elif (lifetime := cache_control(path, message["status"])) is not None:
                    extra.append((b"cache-control", lifetime))
                headers.extend(item for item in extra if item[0] not in own)
                message = {**message, "headers": headers}
            await send(message)

        await inner(scope, receive, send_with_headers)

    return app
