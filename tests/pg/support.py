"""Shared helpers of the PostgreSQL + Redis suite (``make test-pg`` starts both on loopback)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
ENABLED = PG_URL.startswith("postgresql") and REDIS_URL.startswith("redis")
pg_only = [pytest.mark.pg, pytest.mark.skipif(not ENABLED, reason="needs DATABASE_URL=postgresql… and REDIS_URL "
                                                                  "(eval \"$(scripts/pg_redis.sh start)\")")]


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new, empty database on the PostgreSQL server of DATABASE_URL; dropped afterwards."""
    name = f"cds_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def alembic(url: str, *args: str, instance_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_DIR": str(instance_dir)}
    return subprocess.run([str(Path(sys.executable).parent / "alembic"), *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True, timeout=300)


def point_app_at(url: str, instance_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make citizen_app.core.db use ``url`` in this test process."""
    from citizen_app.core import config
    from citizen_app.core import db as core_db

    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("INSTANCE_DIR", str(instance_dir))
    config.settings.cache_clear()
    core_db.engine.cache_clear()
