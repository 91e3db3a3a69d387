"""A route module's HTTP routes in a test app, each request in one transaction on the test database."""

from __future__ import annotations

from contextlib import contextmanager
from types import ModuleType

import pytest
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

from citizen_app.core.config import settings
from citizen_app.core.errors import RecordedRefusal

ORIGIN = settings().public_url


def route_client(engine, monkeypatch: pytest.MonkeyPatch, module: ModuleType) -> TestClient:
    @contextmanager
    def scope():
        with Session(engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException as exc:
                if isinstance(exc, RecordedRefusal):  # as core.db.session_scope: the failed attempt is kept
                    session.commit()
                else:
                    session.rollback()
                raise

    monkeypatch.setattr(module, "session_scope", scope)
    return TestClient(Starlette(routes=module.ROUTES), base_url=ORIGIN, headers={"origin": ORIGIN})
