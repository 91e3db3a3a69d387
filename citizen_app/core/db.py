"""Database engine and the one-transaction-per-user-action helper.

The hottest queries (a session proof, a payment order by code, ...) are module-level statements built once with
``bindparam()`` and run with ``params=``: building a statement and its cache key on every call costs about as
much CPU as running it on SQLite, and a worker's event loop spends that time for every tab it serves.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import TextClause, event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session, create_engine

from citizen_app.core.config import settings
from citizen_app.core.errors import RecordedRefusal


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # durable with WAL; commits stop waiting on fsync
            cursor.close()

        return engine
    engine = create_engine(url, pool_size=10, max_overflow=20)
    _ping_idle_connections(engine)
    return engine


IDLE_PING_SECONDS = 10.0


def _ping_idle_connections(engine: Engine) -> None:
    """Check a pooled server connection before use only if it sat idle (a restarted or failed-over server,
    a firewall's idle timeout), not on every checkout as ``pool_pre_ping`` does: that is one more round
    trip per transaction, which blocks the event loop. A connection that breaks while in steady use fails
    that one transaction, and SQLAlchemy then discards the whole pool."""

    @event.listens_for(engine, "checkin")
    def _stamp(_dbapi_conn, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_conn, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError from error  # the pool replaces the connection and tries again
        if not alive:
            raise exc.DisconnectionError


@lru_cache(maxsize=1)
def engine() -> Engine:
    return make_engine(settings().database_url)


@contextmanager
def session_scope() -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any error (except a ``RecordedRefusal``,
    whose record of the failed attempt must stay)."""
    with Session(engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException as exc:
            if isinstance(exc, RecordedRefusal):
                session.commit()
            else:
                session.rollback()
            raise


class ReadOnlyViolation(RuntimeError):
    """Code inside ``read_scope()`` tried to write (a programming error: use ``session_scope()``)."""


class _ReadSession(Session):
    """The session of ``read_scope()``: statements run in autocommit mode and writes are refused."""


@event.listens_for(_ReadSession, "do_orm_execute")
def _refuse_write_statements(state: ORMExecuteState) -> None:
    statement = state.statement
    if isinstance(statement, TextClause):
        writes = not statement.text.lstrip().upper().startswith(("SELECT", "WITH"))
    else:
        writes = state.is_insert or state.is_update or state.is_delete
    if writes:
        raise ReadOnlyViolation("read_scope() only reads: use session_scope()")


@lru_cache(maxsize=4)
def _autocommit(base: Engine) -> Engine:
    """The engine for reads without a transaction. SQLite's driver opens no transaction for a SELECT anyway, and
    switching a connection's isolation level there and back costs more than the query: it keeps the engine."""
    if base.dialect.name == "sqlite":
        return base
    return base.execution_options(isolation_level="AUTOCOMMIT")  # shares the engine's pool


@contextmanager
def read_scope() -> Iterator[Session]:
    """Reads for a page or a public list: no transaction of its own, so no BEGIN and COMMIT round trips to
    the database server around the queries (each query sees the latest committed data). Anything that writes
    belongs in ``session_scope()``; a write statement, or a changed object left at the end, raises."""
    with _ReadSession(_autocommit(engine()), expire_on_commit=False, autoflush=False) as session:
        yield session
        if session.new or session.deleted or any(session.is_modified(obj) for obj in session.dirty):
            raise ReadOnlyViolation("read_scope() only reads: use session_scope()")
