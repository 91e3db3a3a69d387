"""A route module's HTTP routes in a test app, each request in one transaction on the test database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from types import ModuleType

import pytest
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

from citizen_app.core import db as core_db
from citizen_app.core.config import settings
from citizen_app.core.errors import RecordedRefusal

ORIGIN = settings().public_url
_SCOPES = ("session_scope", "read_scope")


def route_client(engine, monkeypatch: pytest.MonkeyPatch, module: ModuleType, *,
                 session: Session | None = None) -> TestClient:
    """``module.ROUTES`` over HTTP. Every scope a request opens (the module's ``session_scope`` and ``read_scope``,
    and ``core.db.session_scope`` behind the cookie check of a route without its own ``sessions``) is one
    transaction as in production: committed at the end, rolled back on an error other than a RecordedRefusal.
    It runs on a new session on ``engine``, or on ``session`` (the test's own ``db``) for a test whose requests
    must see rows it has not committed."""

    @contextmanager
    def scope() -> Iterator[Session]:
        with nullcontext(session) if session is not None else Session(engine, expire_on_commit=False) as db:
            try:
                yield db
                db.commit()
            except RecordedRefusal:
                db.commit()
                raise
            except BaseException:
                db.rollback()
                raise

    for name in _SCOPES:
        if hasattr(module, name):
            monkeypatch.setattr(module, name, scope)
    monkeypatch.setattr(core_db, "session_scope", scope)
    return TestClient(Starlette(routes=module.ROUTES), base_url=ORIGIN, headers={"origin": ORIGIN})
