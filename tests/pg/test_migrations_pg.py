"""The Alembic migrations (generated on SQLite with render_as_batch) run unchanged on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlmodel import SQLModel

from citizen_app.core.registry import import_all_models
from tests.pg.support import alembic, fresh_database, pg_only

pytestmark = pg_only


def _schema_diff(url: str) -> list:
    import_all_models()
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()


def test_upgrade_matches_models_and_downgrades(tmp_path: Path) -> None:
    with fresh_database() as url:
        alembic(url, "upgrade", "head", instance_dir=tmp_path)
        diff = _schema_diff(url)
        assert diff == [], f"models and migrations differ on PostgreSQL (run alembic revision --autogenerate): {diff}"
        alembic(url, "downgrade", "base", instance_dir=tmp_path)
        alembic(url, "upgrade", "head", instance_dir=tmp_path)


def test_readiness_reports_schema_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from citizen_app.core import db as core_db
    from citizen_app.ops import health
    from tests.pg.support import point_app_at

    with fresh_database() as url:
        point_app_at(url, tmp_path, monkeypatch)
        try:
            assert asyncio.run(health.readiness()).checks["migrations"] == "behind"
            alembic(url, "upgrade", "head", instance_dir=tmp_path)
            result = asyncio.run(health.readiness())
            # feedback_routing warns on a database without officials yet; a warning keeps the worker in rotation
            assert {name: result.checks[name] for name in ("database", "migrations", "redis")} == \
                {"database": "ok", "migrations": "ok", "redis": "ok"} and result.ok
        finally:
            core_db.engine().dispose()
            core_db.engine.cache_clear()
