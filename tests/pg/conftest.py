"""Fixtures of the PostgreSQL + Redis suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg.support import ENABLED, alembic, fresh_database, point_app_at


@pytest.fixture()
def migrated_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh PostgreSQL database at the Alembic head, used by the app's own engine."""
    if not ENABLED:
        pytest.skip("needs PostgreSQL and Redis")
    from citizen_app.core import db as core_db

    with fresh_database() as url:
        alembic(url, "upgrade", "head", instance_dir=tmp_path)
        point_app_at(url, tmp_path, monkeypatch)
        yield url
        core_db.engine().dispose()
        core_db.engine.cache_clear()
