"""The relying party served by a real HTTP server in ``test_oidc.py`` (configured from the env)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from citizen_app.identity.oidc import ROUTES


async def home(request: Request) -> PlainTextResponse:
    return PlainTextResponse("home")


async def login_page(request: Request) -> PlainTextResponse:
    return PlainTextResponse(f"login error={request.query_params.get('error', '')}")


app = Starlette(routes=[Route("/", home), Route("/login", login_page), *ROUTES])
