"""Development conveniences are off unless switched on, and refused on a public (https) site (issue 17)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from citizen_app.core import config
from citizen_app.core.config import UnsafeConfiguration
from citizen_app.core.errors import DomainError
from citizen_app.core.registry import run_startup_checks
from citizen_app.payments.providers import payment_providers, sandbox_enabled

ROOT = Path(__file__).resolve().parents[3]
HTTPS = "https://congdanso.example.vn"


@pytest.fixture()
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """No development switch set, settings re-read from the environment."""
    for name in ("PAYMENTS_SANDBOX", "PAYMENTS_SANDBOX_ON_HTTPS_I_UNDERSTAND", "PUSH_ALLOW_LOOPBACK",
                 "CDS_DEMO_ON_HTTPS_I_UNDERSTAND", "PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    config.settings.cache_clear()
    yield monkeypatch
    config.settings.cache_clear()


def public_site(env: pytest.MonkeyPatch) -> None:
    env.setenv("PUBLIC_URL", HTTPS)
    config.settings.cache_clear()


def test_sandbox_gateway_is_off_when_unset(env: pytest.MonkeyPatch) -> None:
    from citizen_app.payments.api import ROUTES

    assert not sandbox_enabled()
    with pytest.raises(DomainError, match="unknown_provider"):
        payment_providers.get("sandbox")
    client = TestClient(Starlette(routes=ROUTES))
    assert client.get("/pay/sandbox/checkout", params={"vnp_TxnRef": "x"}).status_code == 404
    for off in ("0", "false", "no", "", "maybe"):
        env.setenv("PAYMENTS_SANDBOX", off)
        assert not sandbox_enabled(), off
    env.setenv("PAYMENTS_SANDBOX", "1")
    assert sandbox_enabled() and payment_providers.get("sandbox").is_demo


def test_start_up_refuses_the_sandbox_on_an_https_site(env: pytest.MonkeyPatch) -> None:
    env.setenv("PAYMENTS_SANDBOX", "1")
    run_startup_checks()  # http (local demo): fine
    public_site(env)
    with pytest.raises(UnsafeConfiguration, match="PAYMENTS_SANDBOX_ON_HTTPS_I_UNDERSTAND"):
        run_startup_checks()
    assert not sandbox_enabled()  # even if something skipped the check
    env.setenv("PAYMENTS_SANDBOX_ON_HTTPS_I_UNDERSTAND", "1")
    run_startup_checks()
    assert sandbox_enabled()


def test_the_app_does_not_start_with_the_sandbox_on_https(tmp_path: Path) -> None:
    environ = {**os.environ, "PAYMENTS_SANDBOX": "1", "PUBLIC_URL": HTTPS, "INSTANCE_DIR": str(tmp_path),
               "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    environ.pop("PAYMENTS_SANDBOX_ON_HTTPS_I_UNDERSTAND", None)
    done = subprocess.run([sys.executable, "-c", "import citizen_app.citizen_app"], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode != 0 and "UnsafeConfiguration" in done.stderr and "PAYMENTS_SANDBOX" in done.stderr


def test_push_to_loopback_is_refused_on_an_https_site(env: pytest.MonkeyPatch) -> None:
    from citizen_app.notify.validation import loopback_allowed

    env.setenv("PUSH_ALLOW_LOOPBACK", "1")
    assert loopback_allowed()
    public_site(env)
    assert not loopback_allowed()
    with pytest.raises(UnsafeConfiguration, match="PUSH_ALLOW_LOOPBACK"):
        run_startup_checks()


def test_demo_accounts_are_refused_on_an_https_site(env: pytest.MonkeyPatch, app_db) -> None:
    from sqlmodel import Session, func, select

    from citizen_app import demo
    from citizen_app.identity.models import Agency, UserAccount

    public_site(env)
    with pytest.raises(UnsafeConfiguration, match="CDS_DEMO_ON_HTTPS_I_UNDERSTAND"):
        demo.main([])
    demo.main(["--agencies-only"])
    with Session(app_db) as db:
        assert db.exec(select(func.count()).select_from(UserAccount)).one() == 0
        assert db.exec(select(func.count()).select_from(Agency)).one() > 0
