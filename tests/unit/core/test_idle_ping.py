"""Pooled PostgreSQL connections are checked only after sitting idle (no ping round trip per transaction),
and a connection the server ended while idle is replaced without the user seeing an error.

Needs PostgreSQL: runs in ``make test-pg`` (``TEST_DATABASE_URL``), skipped on SQLite.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text

from citizen_app.core import db as core_db

URL = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not URL.startswith("postgresql"), reason="needs PostgreSQL (make test-pg)")


@pytest.fixture()
def engine(monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    engine = core_db.make_engine(URL)
    pings: list[int] = []
    real_ping = engine.dialect.do_ping

    def counting_ping(dbapi_connection) -> bool:
        pings.append(1)
        return real_ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counting_ping)
    engine.info_pings = pings  # type: ignore[attr-defined]
    yield engine
    engine.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_a_connection_in_steady_use_is_not_pinged(engine: Engine) -> None:
    first = _backend_pid(engine)
    assert _backend_pid(engine) == first, "the pooled connection is reused"
    assert engine.info_pings == []  # type: ignore[attr-defined]


def test_an_idle_connection_ended_by_the_server_is_replaced(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    old = _backend_pid(engine)
    admin = create_engine(URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # a restart, a fail-over or a firewall's idle timeout
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": old})
    admin.dispose()
    monkeypatch.setattr(core_db, "IDLE_PING_SECONDS", 0.0)  # the connection has sat idle long enough
    new = _backend_pid(engine)
    assert new != old
    assert engine.info_pings, "the idle connection was checked before use"  # type: ignore[attr-defined]
