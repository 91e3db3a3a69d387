"""What the admin sees about background jobs: last run, result, backlog, and whether a job is late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from citizen_app.core.jobs import all_jobs
from citizen_app.core.models import JobLease
from citizen_app.core.timeutil import format_datetime, utcnow
from citizen_app.identity.service import require_role

LATE_FACTOR = 3  # a job is late when it has not started for three of its intervals


@dataclass(frozen=True)
class JobRow:
    name: str
    every_seconds: int | None
    running: bool
    holder: str
    last_started: str
    last_finished: str
    last_ok: bool | None
    last_error: str
    backlog: int | None
    runs: int
    late: bool

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def _fmt(value: datetime | None) -> str:
    return format_datetime(value) if value else ""


def _row(lease: JobLease, every: int | None, now: datetime) -> JobRow:
    running = lease.lease_until is not None and lease.lease_until > now
    late = every is not None and (lease.last_started_at is None
                                  or now - lease.last_started_at > timedelta(seconds=every * LATE_FACTOR))
    return JobRow(lease.name, every, running, lease.holder if running else "", _fmt(lease.last_started_at),
                  _fmt(lease.last_finished_at), lease.last_ok, lease.last_error, lease.last_backlog, lease.runs,
                  late)


def job_rows(db: Session, user_id: int | None) -> list[JobRow]:
    """Every declared job and every lease row (a job may not have run yet). Admins only."""
    require_role(db, user_id, "admin")
    every = {job.name: job.every_seconds for job in all_jobs()}
    leases = {row.name: row for row in db.exec(select(JobLease)).all()}
    for name in every.keys() - leases.keys():
        leases[name] = JobLease(name=name)
    now = utcnow()
    return [_row(leases[name], every.get(name), now) for name in sorted(leases)]
