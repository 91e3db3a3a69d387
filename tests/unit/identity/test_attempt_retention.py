"""Old sign-in and lookup attempts are deleted by a background job; recent ones (the locks) stay."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from citizen_app.core.jobs import all_jobs
from citizen_app.core.timeutil import utcnow
from citizen_app.identity import service
from citizen_app.identity.models import LoginAttempt


def test_attempts_past_retention_are_purged(db: Session) -> None:
    now = utcnow()
    old = now - service.ATTEMPT_RETENTION - timedelta(minutes=1)
    db.add(LoginAttempt(identifier="0903123456", ip="203.0.113.9", at=old, success=False))
    db.add(LoginAttempt(identifier="dossier-lookup:HS-1", at=old, success=False))
    db.add(LoginAttempt(identifier="0903123456", ip="203.0.113.9", at=now - timedelta(minutes=3), success=False))
    db.commit()
    assert service.purge_old_attempts(db, now) == 2
    db.commit()
    assert [a.at.replace(tzinfo=None) for a in db.exec(select(LoginAttempt)).all()] == \
        [(now - timedelta(minutes=3)).replace(tzinfo=None)]
    assert service.purge_old_attempts(db, now) == 0


def test_the_purge_is_a_registered_job() -> None:
    assert "identity.purge_old_attempts" in {job.name for job in all_jobs()}
