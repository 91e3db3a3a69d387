"""Shared fixtures: a real database per test, built from the same models Alembic migrates."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Keep tests away from the developer's instance folder and secrets.
_TEST_INSTANCE = Path(tempfile.mkdtemp(prefix="cds-test-instance-"))
os.environ.setdefault("INSTANCE_DIR", str(_TEST_INSTANCE))

from sqlmodel import Session, SQLModel  # noqa: E402

from citizen_app.core.db import make_engine  # noqa: E402
from citizen_app.core.registry import import_all_models  # noqa: E402


@pytest.fixture()
def db_url(tmp_path: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture()
def engine(db_url: str):  # noqa: ANN201
    import_all_models()
    eng = make_engine(db_url)
    SQLModel.metadata.drop_all(eng)
    SQLModel.metadata.create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture()
def db(engine) -> Iterator[Session]:  # noqa: ANN001
    """A session on a fresh schema. Call ``db.commit()`` where the code under test would."""
    with Session(engine, expire_on_commit=False) as session:
        yield session
