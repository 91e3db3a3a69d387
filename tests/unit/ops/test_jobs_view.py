"""Admin job status: admins only, every declared job listed, late jobs flagged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from citizen_app.core import jobs
from citizen_app.core.errors import NotAllowed
from citizen_app.core.models import JobLease
from citizen_app.core.timeutil import utcnow
from citizen_app.identity import service
from citizen_app.identity.models import UserRole
from citizen_app.ops import jobs_view

PASSWORD = "Phuong2026xanh"


def _users(db: Session) -> tuple[int, int]:
    citizen = service.register(db, "0903123456", PASSWORD, "Lê Thị Mai")
    admin = service.register(db, "admin@congdanso.example", PASSWORD, "Quản trị")
    db.add(UserRole(user_id=admin.id, role="admin"))
    db.commit()
    return citizen.id, admin.id


def test_only_admins_see_jobs(db: Session) -> None:
    citizen, _ = _users(db)
    with pytest.raises(NotAllowed):
        jobs_view.job_rows(db, citizen)
    with pytest.raises(NotAllowed):
        jobs_view.job_rows(db, None)


def test_rows_show_last_run_backlog_and_lateness(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    _, admin = _users(db)
    declared = [jobs.Job("a.never", 60, lambda: None), jobs.Job("b.fresh", 60, lambda: None),
                jobs.Job("c.stale", 60, lambda: None)]
    monkeypatch.setattr(jobs_view, "all_jobs", lambda: declared)
    now = utcnow()
    db.add(JobLease(name="b.fresh", last_started_at=now, last_finished_at=now, last_ok=True, last_backlog=4, runs=7))
    db.add(JobLease(name="c.stale", last_started_at=now - timedelta(minutes=10), last_ok=False,
                    last_error="boom", lease_until=now + timedelta(minutes=1), holder="host:1"))
    db.commit()
    rows = {row.name: row for row in jobs_view.job_rows(db, admin)}
    assert list(rows) == ["a.never", "b.fresh", "c.stale"]
    assert rows["a.never"].late and rows["a.never"].last_ok is None and rows["a.never"].runs == 0
    fresh = rows["b.fresh"]
    assert (fresh.late, fresh.running, fresh.backlog, fresh.runs, fresh.last_ok) == (False, False, 4, 7, True)
    stale = rows["c.stale"]
    assert stale.late and stale.running and stale.holder == "host:1" and stale.last_error == "boom"
