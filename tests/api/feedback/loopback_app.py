"""ASGI app serving only the feedback routes, for the third-party client test (started by granian)."""

from starlette.applications import Starlette

from citizen_app.feedback.api import ROUTES

app = Starlette(routes=ROUTES)
