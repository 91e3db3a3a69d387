"""Database engine and the one-transaction-per-user-action helper.

The hottest queries (a session proof, a payment order by code, ...) are module-level statements built once with
``bindparam()`` and run with ``params=``: building a statement and its cache key on every call costs about as
much CPU as running it on SQLite, and a worker's event loop spends that time for every tab it serves.

The writes of the hottest actions (a purchase, a payment notification) go further: ``run()`` executes a prebuilt
Core statement in the session's transaction and ``insert_row()`` inserts a model's row with an INSERT built once
per table. The ORM's unit of work costs about 0.4 ms of CPU per row added and flushed, and about 0.2 ms per
ORM-enabled UPDATE, against about 0.07 ms for the same prebuilt Core statement (docs/DEPLOY.md, fifth round).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache, lru_cache
from typing import Any, TypeVar

from sqlalchemy import Executable, Insert, Table, TextClause, event, exc, insert, inspect
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.orm import ORMExecuteState, make_transient_to_detached
from sqlmodel import Session, SQLModel, create_engine

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


# --------------------------------------------------------------------------------------------------
# Prebuilt Core statements in the session's transaction (the hot paths' writes)
# --------------------------------------------------------------------------------------------------

Row = TypeVar("Row", bound=SQLModel)


def run(db: Session, statement: Executable, params: Mapping[str, Any] | None = None) -> CursorResult[Any]:
    """Execute a prebuilt Core statement (built once, at import, on a ``Table``: not an ORM entity) in ``db``'s
    transaction. Changes still pending in the session are flushed first, as the session's own ``execute`` does
    (autoflush), so the statement sees them and rows are written in the order the code wrote them."""
    if db.autoflush:
        db.flush()  # nothing to do (and next to no CPU) when nothing is pending
    return db.connection().execute(statement, params or {})


@cache
def _insert_into(table: Table) -> Insert:
    return insert(table)  # built once per table: building one per call costs more than the ORM's flush


@cache
def _columns_of(model: type[SQLModel]) -> tuple[Table, tuple[tuple[str, str], ...], tuple[str, str] | None]:
    """``model``'s table, its (attribute, column) pairs, and the pair of its primary key when the database
    generates it (one autoincremented integer column)."""
    mapper = inspect(model)
    table = mapper.local_table
    pairs = tuple((mapper.get_property_by_column(column).key, column.key) for column in table.columns)
    keys = list(table.primary_key.columns)
    generated = None
    if len(keys) == 1 and keys[0].autoincrement in (True, "auto") and keys[0].type.python_type is int:
        generated = (mapper.get_property_by_column(keys[0]).key, keys[0].key)
    return table, pairs, generated


def insert_row(db: Session, row: Row) -> Row:
    """INSERT ``row`` now and hold it in ``db`` as if the ORM had added and flushed it: a generated primary key is
    set, and later changes to ``row`` are written by the session as usual. Every column is written, as the ORM's
    INSERT writes them (the model's defaults were filled in when ``row`` was made)."""
    table, pairs, generated = _columns_of(type(row))
    loaded = row.__dict__  # the instance's values (every column's: the model's constructor filled them in)
    values = {column: loaded.get(attr) for attr, column in pairs}
    if generated is not None and values[generated[1]] is None:
        del values[generated[1]]
        setattr(row, generated[0], run(db, _insert_into(table), values).inserted_primary_key[0])
    else:
        run(db, _insert_into(table), values)
    make_transient_to_detached(row)
    db.add(row)  # persistent from here on, with no SQL: its identity is known
    return row
