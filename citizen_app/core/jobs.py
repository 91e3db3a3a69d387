"""Background jobs declared by pillars: ``citizen_app/<pkg>/jobs.py`` exposes ``JOBS: list[Job]``.

Every app worker runs the same loop, and a job runs once at a time across all workers and machines:
before a run the worker takes the job's lease with one conditional UPDATE (portable SQL, so it holds
on SQLite and PostgreSQL alike). A worker that dies mid-run loses nothing: its lease expires and
another worker runs the job again, so every job must be idempotent.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import os
import socket
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from citizen_app.core.db import session_scope
from citizen_app.core.models import JobLease
from citizen_app.core.registry import import_pillar_modules, install_wiring
from citizen_app.core.timeutil import utcnow

log = logging.getLogger("citizen_app.jobs")
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"
TICK_SECONDS = 5


@dataclass(frozen=True)
class Job:
    """``run()`` opens its own transactions; it may be sync or async and may return a backlog count."""

    name: str
    every_seconds: int
    run: Callable[[], object]
    lease_seconds: int = 300


def all_jobs() -> list[Job]:
    install_wiring()  # a job's actions notify and log like a user's
    jobs: list[Job] = []
    for module in import_pillar_modules("jobs"):
        jobs.extend(getattr(module, "JOBS", []))
    return jobs


def _ensure_rows(db: Session, jobs: list[Job]) -> None:
    known = set(db.exec(select(JobLease.name)).all())
    for job in jobs:
        if job.name not in known:
            db.add(JobLease(name=job.name))


def try_acquire(job: Job, holder: str = WORKER_ID) -> bool:
    """Take the lease if it is free and the job is due. True for exactly one caller at a time."""
    now = utcnow()
    due_before = now - timedelta(seconds=job.every_seconds)
    try:
        with session_scope() as db:
            _ensure_rows(db, [job])
    except IntegrityError:
        pass  # another worker created the row at the same moment
    with session_scope() as db:
        result = db.exec(
            update(JobLease)
            .where(JobLease.name == job.name)
            .where(or_(JobLease.lease_until.is_(None), JobLease.lease_until < now))
            .where(or_(JobLease.last_started_at.is_(None), JobLease.last_started_at < due_before))
            .values(holder=holder, lease_until=now + timedelta(seconds=job.lease_seconds), last_started_at=now)
        )
        return result.rowcount == 1


def finish(job: Job, ok: bool, error: str = "", backlog: int | None = None, holder: str = WORKER_ID) -> None:
    with session_scope() as db:
        row = db.get(JobLease, job.name)
        if row is None or row.holder != holder:
            return
        row.lease_until, row.last_finished_at, row.last_ok = None, utcnow(), ok
        row.last_error, row.last_backlog, row.runs = error[:500], backlog, row.runs + 1


async def run_once(job: Job) -> bool:
    """Run ``job`` if this worker wins its lease. Returns whether it ran."""
    if not await asyncio.to_thread(try_acquire, job):
        return False
    try:
        if inspect.iscoroutinefunction(job.run):
            result = await job.run()
        else:  # blocking work (database, HTTP) stays off the app's event loop
            result = await asyncio.to_thread(job.run)
        backlog = result if isinstance(result, int) else None
        await asyncio.to_thread(finish, job, True, "", backlog)
    except asyncio.CancelledError:  # shutdown: free the lease now instead of after lease_seconds
        await asyncio.shield(asyncio.to_thread(finish, job, False, "cancelled (shutdown)"))
        raise
    except Exception as exc:  # a failing job must not stop the others
        log.error("job %s failed: %s", job.name, traceback.format_exc(limit=5))
        await asyncio.to_thread(finish, job, False, repr(exc))
    return True


async def job_loop(stop: asyncio.Event | None = None) -> None:
    """The lifespan task every worker runs."""
    jobs = all_jobs()
    if os.environ.get("CDS_JOBS", "1") == "0" or not jobs:
        return
    stop = stop or asyncio.Event()
    while not stop.is_set():
        for job in jobs:
            try:
                await run_once(job)
            except Exception:  # e.g. database briefly unavailable
                log.exception("job loop error on %s", job.name)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=TICK_SECONDS)


def job_status() -> list[JobLease]:
    with session_scope() as db:
        return list(db.exec(select(JobLease).order_by(JobLease.name)).all())
