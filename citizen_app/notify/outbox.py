"""Delivery of queued Web Push messages (the outbox written by ``service.notify``).

``process_outbox(db_factory, now)`` is one pass of the worker: it claims due rows with a lease (so
several app workers can run it at once without double sending), sends them concurrently with
``pywebpush.webpush_async`` outside any database transaction, then records the outcomes:

* 2xx → ``sent``;
* 404 / 410 → the browser dropped the subscription: the device row, its topics and its
  undelivered pushes are deleted;
* 429 / 5xx / 408 / network error → retried later with exponential backoff (``Retry-After`` is
  honoured when longer), until ``MAX_ATTEMPTS``, then ``failed``;
* other 4xx → ``failed`` (our request is wrong; retrying would not help).

Rows older than ``MAX_AGE`` are ``expired`` instead of sent late. Database work runs in a thread,
so the event loop (and user actions) never wait on it. ``outbox_worker`` loops forever for an app
lifespan task.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from py_vapid import Vapid
from pywebpush import WebPushException, webpush_async
from sqlmodel import Session, col, delete, or_, select, update

from citizen_app.core.timeutil import utcnow
from citizen_app.notify.models import (
    OUTBOX_EXPIRED,
    OUTBOX_FAILED,
    OUTBOX_PENDING,
    OUTBOX_SENT,
    NotifyOutbox,
    NotifyPushSubscription,
)
from citizen_app.notify.service import delete_subscription
from citizen_app.notify.vapid import vapid_key, vapid_subject

log = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=6)
MAX_ATTEMPTS = 8
MAX_AGE = timedelta(hours=24)
KEEP_DONE = timedelta(days=7)
LEASE = timedelta(minutes=2)
PUSH_TTL_SECONDS = 12 * 3600
REQUEST_TIMEOUT_SECONDS = 15

DbFactory = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class SendOutcome:
    status: int | None  # HTTP status from the push service, None for a network error/timeout
    retry_after: str | None = None
    error: str = ""


Sender = Callable[[dict[str, Any], str], Awaitable[SendOutcome]]


@dataclass(frozen=True)
class _Job:
    outbox_id: int
    subscription_id: int
    token: str
    info: dict[str, Any]
    payload: str


@dataclass
class OutboxReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    dropped: int = 0
    failed: int = 0
    expired: int = 0
    errors: list[str] = field(default_factory=list)


def classify(status: int | None) -> str:
    """Map a push-service answer to ``sent`` / ``gone`` / ``retry`` / ``fail``."""
    if status is None or status in (408, 429) or status >= 500:
        return "retry"
    if 200 <= status < 300:
        return "sent"
    return "gone" if status in (404, 410) else "fail"


def backoff_delay(attempts: int, retry_after: str | None = None) -> timedelta:
    """30 s, 1 min, 2 min, … capped at 6 h; a longer numeric ``Retry-After`` wins (same cap)."""
    delay = min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)
    if retry_after and retry_after.strip().isdigit():
        delay = max(delay, min(timedelta(seconds=int(retry_after.strip())), BACKOFF_MAX))
    return delay


class WebPushSender:
    """Sends with ``webpush_async``; a fresh claims dict per call (pywebpush writes aud/exp into it)."""

    def __init__(self, vapid: Vapid, subject: str, session: aiohttp.ClientSession | None = None) -> None:
        self.vapid = vapid
        self.subject = subject
        self.session = session

    async def __call__(self, info: dict[str, Any], payload: str) -> SendOutcome:
        claims: dict[str, str | int] = {"sub": self.subject}
        try:
            response = await webpush_async(
                info, payload, vapid_private_key=self.vapid, vapid_claims=claims, ttl=PUSH_TTL_SECONDS,
                headers={"Urgency": "normal"}, timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS),
                aiohttp_session=self.session)
        except WebPushException as exc:
            return SendOutcome(exc.status_code, exc.retry_after, str(exc).splitlines()[0][:300])
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            return SendOutcome(None, None, f"{type(exc).__name__}: {exc}"[:300])
        return SendOutcome(getattr(response, "status", 201))


# --- claim -------------------------------------------------------------------------------------


def _housekeeping(db: Session, now: datetime) -> int:
    expired = db.exec(update(NotifyOutbox)
                      .where(col(NotifyOutbox.status) == OUTBOX_PENDING, col(NotifyOutbox.created_at) < now - MAX_AGE)
                      .values(status=OUTBOX_EXPIRED, claim_token=None, claimed_until=None)).rowcount or 0
    db.exec(delete(NotifyOutbox).where(col(NotifyOutbox.status) != OUTBOX_PENDING,
                                       col(NotifyOutbox.created_at) < now - KEEP_DONE))
    return expired


def _due_clause(now: datetime) -> Any:
    return (col(NotifyOutbox.status) == OUTBOX_PENDING, col(NotifyOutbox.next_attempt_at) <= now,
            or_(col(NotifyOutbox.claimed_until).is_(None), col(NotifyOutbox.claimed_until) < now))


def _claim(db_factory: DbFactory, now: datetime, batch: int) -> tuple[list[_Job], int]:
    token = secrets.token_hex(16)
    with db_factory() as db:
        expired = _housekeeping(db, now)
        ids = list(db.exec(select(NotifyOutbox.id).where(*_due_clause(now))
                           .order_by(col(NotifyOutbox.next_attempt_at)).limit(batch)).all())
        if not ids:
            return [], expired
        db.exec(update(NotifyOutbox).where(col(NotifyOutbox.id).in_(ids), *_due_clause(now))
                .values(claim_token=token, claimed_until=now + LEASE))
        rows = db.exec(select(NotifyOutbox, NotifyPushSubscription)
                       .join(NotifyPushSubscription, col(NotifyPushSubscription.id) == NotifyOutbox.subscription_id)
                       .where(NotifyOutbox.claim_token == token)).all()
        jobs = [_Job(o.id, s.id, token, {"endpoint": s.endpoint, "keys": {"p256dh": s.p256dh, "auth": s.auth}},
                     o.payload_json) for o, s in rows]
    return jobs, expired


# --- record ------------------------------------------------------------------------------------


def _apply(db: Session, row: NotifyOutbox, outcome: SendOutcome, now: datetime, report: OutboxReport) -> None:
    kind = classify(outcome.status)
    row.claim_token, row.claimed_until = None, None
    if kind == "sent":
        row.status, row.sent_at, row.last_error = OUTBOX_SENT, now, ""
        sub = db.get(NotifyPushSubscription, row.subscription_id)
        if sub is not None:
            sub.last_success_at = now
        report.sent += 1
        return
    row.attempts += 1
    row.last_error = (outcome.error or f"HTTP {outcome.status}")[:300]
    if kind == "retry" and row.attempts < MAX_ATTEMPTS:
        row.next_attempt_at = now + backoff_delay(row.attempts, outcome.retry_after)
        report.retried += 1
    else:
        row.status = OUTBOX_FAILED
        report.failed += 1


def _record(db_factory: DbFactory, now: datetime, results: list[tuple[_Job, SendOutcome]],
            report: OutboxReport) -> None:
    gone: set[int] = set()
    with db_factory() as db:
        for job, outcome in results:
            if classify(outcome.status) == "gone":
                gone.add(job.subscription_id)
                continue
            row = db.get(NotifyOutbox, job.outbox_id)
            if row is not None and row.claim_token == job.token and job.subscription_id not in gone:
                _apply(db, row, outcome, now, report)
                db.add(row)
        for subscription_id in gone:
            delete_subscription(db, subscription_id)
        report.dropped += len(gone)


# --- the pass and the loop ------------------------------------------------------------------------


async def _send_all(jobs: list[_Job], sender: Sender, concurrency: int) -> list[tuple[_Job, SendOutcome]]:
    gate = asyncio.Semaphore(concurrency)

    async def one(job: _Job) -> tuple[_Job, SendOutcome]:
        async with gate:
            try:
                return job, await sender(job.info, job.payload)
            except Exception as exc:  # one bad message must not stop the batch
                log.exception("push send crashed for outbox %s", job.outbox_id)
                return job, SendOutcome(None, None, f"{type(exc).__name__}: {exc}"[:300])

    return list(await asyncio.gather(*(one(job) for job in jobs)))


async def process_outbox(db_factory: DbFactory, now: datetime | None = None, *, sender: Sender | None = None,
                         batch: int = 200, concurrency: int = 20) -> OutboxReport:
    """One worker pass. ``db_factory()`` must give a session context that commits on exit
    (``core.db.session_scope``). ``now`` is naive UTC (defaults to ``utcnow()``)."""
    now = now or utcnow()
    jobs, expired = await asyncio.to_thread(_claim, db_factory, now, batch)
    report = OutboxReport(claimed=len(jobs), expired=expired)
    if not jobs:
        return report
    if sender is None:
        async with aiohttp.ClientSession() as session:
            results = await _send_all(jobs, WebPushSender(vapid_key(), vapid_subject(), session), concurrency)
    else:
        results = await _send_all(jobs, sender, concurrency)
    report.errors = [o.error for _, o in results if o.error]
    await asyncio.to_thread(_record, db_factory, now, results, report)
    return report


async def outbox_worker(db_factory: DbFactory, stop: asyncio.Event, interval: float = 5.0) -> None:
    """Run ``process_outbox`` until ``stop`` is set (for an app lifespan task; safe in every worker)."""
    while not stop.is_set():
        try:
            report = await process_outbox(db_factory)
            if report.claimed:
                log.info("push outbox: %s", json.dumps({k: v for k, v in vars(report).items() if k != "errors"}))
        except Exception:  # keep the loop alive; the next pass retries
            log.exception("push outbox pass failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
