"""Standalone ASGI app with only the metro routes, for a station-level gate server or benchmarks:

    granian --interface asgi --host 127.0.0.1 --port 8100 citizen_app.metro.gate_app:app
"""

from starlette.applications import Starlette

from citizen_app.metro.api import ROUTES

app = Starlette(routes=ROUTES)
