"""Every HTTP route of the app (``core.asgi.build_routes_app``, as the Reflex backend mounts them), served by a real
HTTPS server in the interop tests (``interop_server.py``, configured from the env). The app's outbound calls
(``outbound.py``: answers to other verifiers, calls to other issuers) trust the test CA and may reach loopback."""

from __future__ import annotations

import os
import ssl

from citizen_app.core.asgi import build_routes_app
from citizen_app.wallet import outbound

if os.environ.get("CDS_TEST_OUTBOUND_CA"):
    outbound.OUTBOUND = outbound.Outbound(
        verify=ssl.create_default_context(cafile=os.environ["CDS_TEST_OUTBOUND_CA"]), allow_loopback=True)

app = build_routes_app()
