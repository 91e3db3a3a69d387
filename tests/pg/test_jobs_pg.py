"""Background-job leases on PostgreSQL: of many workers racing for a due job, exactly one runs it."""

from __future__ import annotations

import threading
from datetime import timedelta

from citizen_app.core.jobs import Job, finish, try_acquire
from citizen_app.core.models import JobLease
from tests.pg.support import pg_only

pytestmark = pg_only
WORKERS = 12


def _race(job: Job) -> list[str]:
    barrier = threading.Barrier(WORKERS)
    winners: list[str] = []

    def worker(holder: str) -> None:
        barrier.wait(timeout=30)
        if try_acquire(job, holder=holder):
            winners.append(holder)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return winners


def test_exactly_one_worker_takes_a_due_job(migrated_db: str) -> None:
    from citizen_app.core.db import session_scope

    for round_no in range(5):
        job = Job(f"race.{round_no}", every_seconds=3600, run=lambda: None)
        winners = _race(job)
        assert len(winners) == 1, winners
        assert _race(job) == []  # held, then not due: nobody else runs it
        finish(job, True, holder=winners[0])
        assert _race(job) == []  # finished but not due again for an hour
        with session_scope() as db:
            row = db.get(JobLease, job.name)
            assert (row.runs, row.last_ok, row.holder) == (1, True, winners[0])
            row.last_started_at = row.last_started_at - timedelta(hours=2)  # due again
        assert len(_race(job)) == 1


def test_expired_lease_of_a_dead_worker_is_taken_over(migrated_db: str) -> None:
    from citizen_app.core.db import session_scope

    job = Job("race.dead", every_seconds=1, run=lambda: None, lease_seconds=60)
    assert try_acquire(job, holder="dead-worker")
    assert not try_acquire(job, holder="other")
    with session_scope() as db:  # the dead worker's lease runs out
        row = db.get(JobLease, job.name)
        row.lease_until = row.lease_until - timedelta(minutes=5)
        row.last_started_at = row.last_started_at - timedelta(minutes=5)
    assert try_acquire(job, holder="other")
    finish(job, True, holder="dead-worker")  # a late finish from the dead worker changes nothing
    with session_scope() as db:
        assert db.get(JobLease, job.name).holder == "other"
