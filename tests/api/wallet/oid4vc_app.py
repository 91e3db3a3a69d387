"""Every HTTP route of the app (``core.asgi.build_routes_app``, as the Reflex backend mounts them), served by a real
HTTPS server in ``test_oid4vci_interop.py`` (configured from the env)."""

from __future__ import annotations

from citizen_app.core.asgi import build_routes_app

app = build_routes_app()
