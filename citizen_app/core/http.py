"""Small HTTP helpers shared by the Starlette routes of every pillar."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlsplit

from starlette.requests import Request

from citizen_app.core.config import settings


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def same_origin(request: Request) -> bool:
    """Cookie-authenticated POSTs must come from our own pages (CSRF defence besides SameSite)."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return False
    parts = urlsplit(origin)
    candidate = f"{parts.scheme}://{parts.netloc}"
    allowed = {settings().public_url, f"{request.url.scheme}://{request.url.netloc}"}
    return candidate in allowed


def cookie_values(header: str | None) -> dict[str, str]:
    """The cookies of a Cookie header (a websocket's, fixed at connect); empty when it cannot be parsed."""
    try:
        jar = SimpleCookie(header or "")
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}
