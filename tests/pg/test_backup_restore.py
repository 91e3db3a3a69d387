"""scripts/backup.sh and scripts/restore.sh: back up, wipe, restore, and every row is back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from tests.pg.support import ROOT, alembic, fresh_database, pg_only


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables}
    finally:
        engine.dispose()


def _seed(url: str, instance: Path) -> None:
    code = ("from citizen_app.core.db import session_scope\n"
            "from citizen_app.feedback import backoffice\n"
            "from citizen_app.identity import service\n"
            "from citizen_app.identity.models import UserRole\n"
            "with session_scope() as db:\n"
            "    for i in range(5):\n"
            "        u = service.register(db, f'09120{i:05d}', 'Sao-Khue@2026x', 'Người Thử ' + 'ABCDE'[i])\n"
            "    db.add(UserRole(user_id=u.id, role='admin')); db.flush()\n"
            "    backoffice.issue_api_key(db, u.id, 'Sao lưu')\n")
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_DIR": str(instance)}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=120)


def _run(script: str, *args: str, url: str, instance: Path) -> str:
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_DIR": str(instance)}
    done = subprocess.run([str(ROOT / "scripts" / script), *args], cwd=ROOT, env=env, check=True, timeout=300,
                          capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1]


def _round_trip(url: str, tmp_path: Path, wipe) -> None:
    instance = tmp_path / "instance"
    alembic(url, "upgrade", "head", instance_dir=instance)
    _seed(url, instance)
    (instance / "vapid_private.pem").write_text("secret")  # stands for the keys kept in INSTANCE_DIR
    before = _counts(url)
    assert before["user_account"] == 5 and before["alembic_version"] == 1
    backup = _run("backup.sh", str(tmp_path / "backups"), url=url, instance=instance)
    wipe()
    (instance / "vapid_private.pem").unlink()
    assert _counts(url).get("user_account", 0) == 0
    _run("restore.sh", backup, "--with-instance", url=url, instance=instance)
    assert _counts(url) == before
    assert (instance / "vapid_private.pem").read_text() == "secret"
    dump = next(p for p in Path(backup).iterdir() if p.name.startswith("database."))
    dump.write_bytes(b"tampered")
    with pytest.raises(subprocess.CalledProcessError):  # a damaged backup is refused before any change
        _run("restore.sh", backup, url=url, instance=instance)


@pg_only[0]
@pg_only[1]
def test_postgresql_backup_wipe_restore(tmp_path: Path) -> None:
    with fresh_database() as url:
        def wipe() -> None:
            engine = create_engine(url)
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            engine.dispose()

        _round_trip(url, tmp_path, wipe)


def test_sqlite_backup_wipe_restore(tmp_path: Path) -> None:
    db_file = tmp_path / "instance" / "citizen.db"
    db_file.parent.mkdir()
    url = f"sqlite:///{db_file}"

    def wipe() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)

    _round_trip(url, tmp_path, wipe)
