"""The app's HTTP routes (``oid4vc_app.py``) served over HTTPS on 127.0.0.1 by granian for the interop tests, on a
fresh SQLite database, with a throwaway CA (``tls.py``) that the clients under test and the app's own outbound
calls (``outbound.OUTBOUND``, set up by ``oid4vc_app.py`` from ``CDS_TEST_OUTBOUND_CA``) trust."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from citizen_app.core.db import make_engine
from citizen_app.core.registry import import_all_models
from tests.api.test_oidc import _free_port
from tests.api.wallet.tls import TestTls, make_loopback_tls
from tests.conftest import _stop_group

ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Served:
    url: str
    ca: str
    tls: TestTls
    engine: Engine  # the server's database, for seeding and for the test's own checks


def _wait(url: str, ca: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with {proc.returncode}")
        try:
            if httpx.get(url, verify=ca, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


@contextmanager
def serve_routes(tmp: Path, env_extra: dict[str, str] | None = None) -> Iterator[Served]:
    """``env_extra``: more settings for the served app (e.g. ``WALLET_CLIENTS_FILE``)."""
    tls = make_loopback_tls(tmp)
    url = f"https://127.0.0.1:{_free_port()}"
    db_url = f"sqlite:///{tmp / 'app.db'}"
    import_all_models()
    engine = make_engine(db_url)
    SQLModel.metadata.create_all(engine)
    env = {**os.environ, "DATABASE_URL": db_url, "PUBLIC_URL": url, "SECRET_KEY": "test-secret-" + "x" * 32,
           "INSTANCE_DIR": str(tmp), "CDS_TEST_OUTBOUND_CA": str(tls.ca_pem), **(env_extra or {})}
    env.pop("WALLET_ISSUER", None)
    command = [sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port",
               url.rsplit(":", 1)[1], "--workers", "1", "--log-level", "warning", "--ssl-certificate",
               str(tls.cert_pem), "--ssl-keyfile", str(tls.key_pem), "tests.api.wallet.oid4vc_app:app"]
    log = (tmp / "server.log").open("w")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait(url + "/.well-known/openid-credential-issuer", str(tls.ca_pem), server)
        yield Served(url, str(tls.ca_pem), tls, engine)
    finally:
        _stop_group(server)
        log.close()
        engine.dispose()
