"""Background jobs run once at a time across workers, and a dead worker's lease is taken over."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from citizen_app.core import jobs
from citizen_app.core.db import session_scope
from citizen_app.core.models import JobLease
from citizen_app.core.timeutil import utcnow


def test_only_one_of_many_workers_takes_the_lease(app_db) -> None:
    job = jobs.Job("demo", every_seconds=60, run=lambda: None)
    with ThreadPoolExecutor(8) as pool:
        won = list(pool.map(lambda i: jobs.try_acquire(job, holder=f"worker-{i}"), range(8)))
    assert won.count(True) == 1


def test_job_not_due_again_until_interval(app_db) -> None:
    calls: list[int] = []
    job = jobs.Job("count", every_seconds=3600, run=lambda: calls.append(1) or 7)
    assert asyncio.run(jobs.run_once(job)) is True
    assert asyncio.run(jobs.run_once(job)) is False
    assert calls == [1]
    with session_scope() as db:
        row = db.get(JobLease, "count")
        assert row.last_ok is True and row.last_backlog == 7 and row.runs == 1 and row.lease_until is None


def test_expired_lease_of_dead_worker_is_taken_over(app_db) -> None:
    job = jobs.Job("sweep", every_seconds=1, run=lambda: None, lease_seconds=60)
    assert jobs.try_acquire(job, holder="dead-worker")
    assert not jobs.try_acquire(job, holder="live-worker")
    with session_scope() as db:
        row = db.get(JobLease, "sweep")
        row.lease_until = utcnow() - timedelta(seconds=1)
        row.last_started_at = utcnow() - timedelta(seconds=120)
    assert jobs.try_acquire(job, holder="live-worker")


def test_failing_job_is_recorded_not_raised(app_db) -> None:
    def boom() -> None:
        raise RuntimeError("database down")

    job = jobs.Job("boom", every_seconds=1, run=boom)
    assert asyncio.run(jobs.run_once(job)) is True
    with session_scope() as db:
        row = db.get(JobLease, "boom")
        assert row.last_ok is False and "database down" in row.last_error
