"""Every HTTP route of the app (``core.asgi.build_routes_app``, as the Reflex backend mounts them), served by a real
HTTPS server in the interop tests (``interop_server.py``, configured from the env). The app's outbound answers to
other verifiers (``oid4vp_holder``) trust the test CA and may reach the test verifier on loopback."""

from __future__ import annotations

import os
import ssl

from citizen_app.core.asgi import build_routes_app
from citizen_app.wallet import oid4vp_holder

if os.environ.get("CDS_TEST_OUTBOUND_CA"):
    oid4vp_holder.OUTBOUND = oid4vp_holder.Outbound(
        verify=ssl.create_default_context(cafile=os.environ["CDS_TEST_OUTBOUND_CA"]), allow_loopback=True)

app = build_routes_app()
