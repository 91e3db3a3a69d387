"""read_scope(): reads without a transaction of their own (no BEGIN/COMMIT round trips), and no writes.

Runs on SQLite in ``make test`` and on PostgreSQL in ``make test-pg`` (``TEST_DATABASE_URL``).
"""

from __future__ import annotations

import pytest
from sqlmodel import select, update

from citizen_app.core.db import ReadOnlyViolation, read_scope, session_scope
from citizen_app.identity.models import Agency


def _agency(code: str) -> Agency:
    return Agency(code=code, name_vi=f"Phường {code}", name_en=f"Ward {code}", kind="ward")


def _names(code: str) -> list[str]:
    with session_scope() as db:
        return list(db.exec(select(Agency.name_vi).where(Agency.code == code)).all())


def test_reads_see_committed_rows_in_autocommit_mode(app_db) -> None:
    """On PostgreSQL in autocommit mode; SQLite's driver opens no transaction for a SELECT, and switching its
    connection to autocommit and back cost more CPU than a page's query (0.15 ms per read_scope)."""
    with session_scope() as db:
        db.add(_agency("ben-thanh"))
    with read_scope() as db:
        assert db.exec(select(Agency.code)).all() == ["ben-thanh"]
        level = db.connection().get_execution_options().get("isolation_level")
        assert level == ("AUTOCOMMIT" if app_db.dialect.name == "postgresql" else None)


def test_a_write_statement_is_refused_before_it_runs(app_db) -> None:
    with session_scope() as db:
        db.add(_agency("ben-nghe"))
    with pytest.raises(ReadOnlyViolation), read_scope() as db:
        db.exec(update(Agency).where(Agency.code == "ben-nghe").values(name_vi="Đổi tên"))
    assert _names("ben-nghe") == ["Phường ben-nghe"]


def test_a_changed_or_added_object_is_refused(app_db) -> None:
    with session_scope() as db:
        db.add(_agency("tan-dinh"))
    with pytest.raises(ReadOnlyViolation), read_scope() as db:
        db.exec(select(Agency).where(Agency.code == "tan-dinh")).one().name_vi = "Đổi tên"
    with pytest.raises(ReadOnlyViolation), read_scope() as db:
        db.add(_agency("da-kao"))
    assert _names("tan-dinh") == ["Phường tan-dinh"] and _names("da-kao") == []


def test_pooled_connections_go_back_to_transactions_after_a_read(app_db) -> None:
    for _ in range(3):  # every pooled connection has served a read first
        with read_scope() as db:
            db.exec(select(Agency.code)).all()
    with pytest.raises(RuntimeError), session_scope() as db:
        db.add(_agency("cau-kho"))
        db.flush()
        raise RuntimeError("the action fails after its first write")
    assert _names("cau-kho") == [], "the write was rolled back, not autocommitted"
