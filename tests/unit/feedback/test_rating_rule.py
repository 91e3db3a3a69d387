"""The rating rule lives in the service: the page shows the form exactly when ``rate_report`` would take it."""

from __future__ import annotations

import pytest

from citizen_app.core.errors import DomainError, NotAllowed
from citizen_app.feedback import backoffice, service
from tests.unit.feedback.fixtures import new_report, png_bytes


def _answered(db, world):
    report = new_report(db, world.citizen)
    backoffice.accept_report(db, world.official, report.id)
    backoffice.start_work(db, world.official, report.id)
    after = service.upload_photo(db, world.official, png_bytes(), kind="after")
    backoffice.close_report(db, world.official, report.id, "fixed", "Đã vá ổ gà xong sáng nay.", [after.id])
    return report


def _takes_rating(db, user_id, report) -> bool:
    """Whether rate_report accepts a valid score now (rolled back either way)."""
    savepoint = db.begin_nested()
    try:
        service.rate_report(db, user_id, report.id, 4)
    except DomainError:
        return False
    finally:
        savepoint.rollback()
    return True


def test_only_the_reporter_once_after_a_real_close(db, world) -> None:
    report = _answered(db, world)
    assert report.stage == "awaiting_confirmation"
    assert not service.may_rate(report, world.citizen) and not _takes_rating(db, world.citizen, report)
    service.confirm_resolution(db, world.citizen, report.id)
    for user_id in (world.neighbour, world.official, None):
        assert not service.may_rate(report, user_id)
        assert not _takes_rating(db, user_id, report)
    assert service.may_rate(report, world.citizen) and _takes_rating(db, world.citizen, report)
    service.rate_report(db, world.citizen, report.id, 5)
    assert not service.may_rate(report, world.citizen)
    with pytest.raises(DomainError, match="rate_already"):
        service.rate_report(db, world.citizen, report.id, 5)


def test_a_report_closed_as_duplicate_is_not_rated(db, world) -> None:
    target, dup = new_report(db, world.neighbour), new_report(db, world.citizen)
    backoffice.merge_reports(db, world.official, dup.id, target.id)
    assert dup.stage == "closed" and dup.outcome == "duplicate"
    assert not service.may_rate(dup, world.citizen)
    with pytest.raises(DomainError, match="rate_not_closed"):
        service.rate_report(db, world.citizen, dup.id, 5)
    with pytest.raises(NotAllowed):
        service.rate_report(db, world.neighbour, dup.id, 5)
