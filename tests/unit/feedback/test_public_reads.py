"""The public reads that run on every visit: the Open311 list and the viewer's flags on a report page."""

from __future__ import annotations

from citizen_app.feedback import open311, service
from tests.unit.feedback.fixtures import new_report


def test_open311_list_reads_only_the_public_columns(db, world) -> None:
    report = new_report(db, world.citizen, description="Ổ gà lớn, gọi 0912345678 nếu cần")
    rows = open311.find_requests(db, open311.parse_request_query({}, "vi"))
    assert [row.id for row in rows] == [report.id]
    assert not hasattr(rows[0], "description") and not hasattr(rows[0], "title"), "private originals never loaded"
    (item,) = open311.request_dicts(db, rows, "vi")
    assert item["service_request_id"] == str(report.id)
    assert "0912345678" not in item["description"]
    assert item["agency_responsible"] and item["agency_responsible"] != report.agency_code  # the agency's name


def test_open311_extensions_still_read_whole_reports(db, world) -> None:
    report = new_report(db, world.citizen)
    rows = open311.find_requests(db, open311.parse_request_query({"extensions": "true"}, "vi"))
    (item,) = open311.request_dicts(db, rows, "vi", extensions=True)
    assert item["service_request_id"] == str(report.id)
    assert item["extended_attributes"]["me_too_count"] == report.me_too_count


def test_follow_and_me_too_flags_are_the_viewers_own(db, world) -> None:
    report = new_report(db, world.citizen)
    assert service.viewer_flags(db, report.id, world.neighbour) == (False, False)
    service.follow_report(db, world.neighbour, report.id)
    db.commit()
    assert service.viewer_flags(db, report.id, world.neighbour) == (True, False)
    service.me_too(db, world.neighbour, report.id)
    db.commit()
    assert service.viewer_flags(db, report.id, world.neighbour) == (True, True)
    assert service.viewer_flags(db, report.id, world.stranger) == (False, False)
    assert service.viewer_flags(db, report.id, None) == (False, False)
