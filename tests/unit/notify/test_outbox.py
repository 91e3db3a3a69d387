"""Push end to end on loopback: real pywebpush/aiohttp, VAPID JWT checked, payload decrypted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from citizen_app.core.timeutil import utcnow
from citizen_app.notify import service
from citizen_app.notify.models import NotifyOutbox, NotifyPushSubscription, NotifySubscriptionTopic
from citizen_app.notify.outbox import (
    BACKOFF_MAX,
    MAX_ATTEMPTS,
    SendOutcome,
    backoff_delay,
    classify,
    process_outbox,
)
from citizen_app.notify.vapid import public_key_b64
from tests.unit.notify.pushkit import FakeBrowser, LoopbackPushService, make_user, verify_vapid

TITLE = {"title_vi": "Hồ sơ của bạn đã có kết quả", "title_en": "Your application has a result",
         "body_vi": "Mời bạn đến nhận kết quả tại UBND phường Bàn Cờ", "body_en": "Please collect it"}


def _queue(db: Session, push: LoopbackPushService, name: str = "sub1", lang: str = "vi") -> tuple[int, FakeBrowser]:
    uid = make_user(db, lang=lang)
    browser = FakeBrowser()
    service.subscribe(db, uid, browser.subscription(push.endpoint(name)), ["dossier_status"])
    service.notify(db, uid, "dossier_status", "notify.announcement.title", "notify.announcement.body", TITLE,
                   "/procedures/dossiers/7")
    db.commit()
    return uid, browser


def _outbox(db: Session) -> list[NotifyOutbox]:
    db.expire_all()
    return list(db.exec(select(NotifyOutbox)).all())


async def test_push_is_signed_encrypted_and_delivered(db: Session, db_factory, loopback) -> None:
    with LoopbackPushService() as push:
        _, browser = _queue(db, push)
        report = await process_outbox(db_factory)
    assert (report.claimed, report.sent) == (1, 1)
    [request] = push.received
    assert request.path == "/push/sub1"
    assert request.headers["content-encoding"] == "aes128gcm" and int(request.headers["ttl"]) > 0
    claims = verify_vapid(request.headers["authorization"], public_key_b64(), push.origin)
    assert claims["aud"] == push.origin
    payload = browser.decrypt(request.body)
    assert payload["title"] == "Hồ sơ của bạn đã có kết quả"
    assert payload["body"] == "Mời bạn đến nhận kết quả tại UBND phường Bàn Cờ"
    assert payload["url"] == "/procedures/dossiers/7" and payload["lang"] == "vi"
    [row] = _outbox(db)
    assert row.status == "sent" and row.sent_at is not None
    assert db.exec(select(NotifyPushSubscription)).one().last_success_at is not None


async def test_fresh_claims_per_message(db: Session, db_factory, loopback) -> None:
    """Two push services on two ports: each JWT must carry its own audience."""
    with LoopbackPushService() as first, LoopbackPushService() as second:
        _queue(db, first, "a")
        _queue(db, second, "b")
        await process_outbox(db_factory)
    verify_vapid(first.received[0].headers["authorization"], public_key_b64(), first.origin)
    verify_vapid(second.received[0].headers["authorization"], public_key_b64(), second.origin)


@pytest.mark.parametrize("status", [404, 410])
async def test_gone_subscription_is_removed(db: Session, db_factory, loopback, status: int) -> None:
    with LoopbackPushService([status]) as push:
        uid, _ = _queue(db, push)
        service.notify(db, uid, "dossier_status", "notify.generic.title", "notify.generic.body")
        db.commit()
        report = await process_outbox(db_factory)
    assert report.dropped == 1 and len(push.received) == 2
    db.expire_all()
    assert db.exec(select(NotifyPushSubscription)).all() == []
    assert db.exec(select(NotifySubscriptionTopic)).all() == []
    assert _outbox(db) == []
    assert service.unread_count(db, uid) == 2  # the in-app centre keeps the notifications


async def test_server_error_retries_with_exponential_backoff(db: Session, db_factory, loopback) -> None:
    with LoopbackPushService([500, 503]) as push:
        _, browser = _queue(db, push)
        now = utcnow()
        first = await process_outbox(db_factory, now)
        [row] = _outbox(db)
        assert (first.retried, row.status, row.attempts) == (1, "pending", 1)
        assert row.next_attempt_at == now + timedelta(seconds=30) and "500" in row.last_error
        early = await process_outbox(db_factory, now + timedelta(seconds=29))
        assert early.claimed == 0 and len(push.received) == 1
        second = await process_outbox(db_factory, now + timedelta(seconds=30))
        [row] = _outbox(db)
        assert (second.retried, row.attempts) == (1, 2)
        assert row.next_attempt_at == now + timedelta(seconds=30) + timedelta(seconds=60)
        third = await process_outbox(db_factory, now + timedelta(seconds=90))
    assert third.sent == 1 and len(push.received) == 3
    assert browser.decrypt(push.received[-1].body)["url"] == "/procedures/dossiers/7"
    assert _outbox(db)[0].status == "sent"


async def test_gives_up_after_max_attempts(db: Session, db_factory, loopback) -> None:
    async def always_down(_info: dict, _payload: str) -> SendOutcome:
        return SendOutcome(502, None, "bad gateway")

    with LoopbackPushService() as push:
        _queue(db, push)
    when = utcnow()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert (await process_outbox(db_factory, when, sender=always_down)).claimed == 1
        when += backoff_delay(attempt)
    [row] = _outbox(db)
    assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)


async def test_network_error_is_retried(db: Session, db_factory, loopback) -> None:
    with LoopbackPushService() as push:
        _queue(db, push)
        endpoint_port_closed = push.origin
    report = await process_outbox(db_factory)  # the server is gone: connection refused
    assert report.retried == 1 and endpoint_port_closed
    assert _outbox(db)[0].last_error


async def test_client_error_fails_without_retry_and_old_rows_expire(db: Session, db_factory, loopback) -> None:
    with LoopbackPushService([400]) as push:
        _queue(db, push)
        assert (await process_outbox(db_factory)).failed == 1
        uid, _ = _queue(db, push, "late")
    assert _outbox(db)[0].status == "failed"
    report = await process_outbox(db_factory, utcnow() + timedelta(hours=25))
    assert report.expired == 1 and report.claimed == 0 and uid


async def test_a_claimed_row_is_not_sent_twice(db: Session, db_factory, loopback) -> None:
    import asyncio

    with LoopbackPushService() as push:
        _queue(db, push)
        reports = await asyncio.gather(process_outbox(db_factory), process_outbox(db_factory))
    assert sum(r.sent for r in reports) == 1 and len(push.received) == 1


def test_classify_and_backoff() -> None:
    assert [classify(s) for s in (201, 202, 404, 410, 400, 413, 429, 500, None)] == [
        "sent", "sent", "gone", "gone", "fail", "fail", "retry", "retry", "retry"]
    assert [backoff_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff_delay(30) == BACKOFF_MAX
    assert backoff_delay(1, "600") == timedelta(seconds=600)
    assert backoff_delay(1, "999999") == BACKOFF_MAX
    assert backoff_delay(3, "Wed, 21 Oct 2026 07:28:00 GMT") == timedelta(seconds=120)
