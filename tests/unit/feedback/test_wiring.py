"""Wiring: public changes reach the reporter and followers as notifications; jobs, summary and demo data."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from citizen_app.core.errors import NotFound
from citizen_app.feedback import backoffice, demo_data, jobs, service, summary, wiring
from citizen_app.feedback.models import FeedbackReport
from citizen_app.i18n.catalog import translate
from citizen_app.identity.models import Agency, UserAccount, UserRole
from citizen_app.notify import service as notify
from citizen_app.notify.models import NotifyNotification
from tests.unit.feedback.fixtures import World, new_report, png_bytes


@pytest.fixture()
def wired():
    wiring.install()
    yield


def _notes(db: Session, user_id: int) -> list[NotifyNotification]:
    return list(db.exec(select(NotifyNotification).where(NotifyNotification.user_id == user_id)).all())


def _said(note: NotifyNotification, lang: str = "vi") -> str:
    return translate(note.body_key, lang, **json.loads(note.params_json))


def test_status_change_notifies_reporter_and_followers(db: Session, world: World, wired) -> None:
    report = new_report(db, world.citizen)
    service.follow_report(db, world.neighbour, report.id)
    db.commit()
    backoffice.accept_report(db, world.official, report.id)
    db.commit()
    for user_id in (world.citizen, world.neighbour):
        notes = [n for n in _notes(db, user_id) if n.body_key == "feedback.notice_stage"]
        assert len(notes) == 1
        note = notes[0]
        assert note.topic == "feedback_updates" and note.url == f"/feedback/{report.id}"
        params = json.loads(note.params_json)
        assert translate(note.title_key, "vi", **params) == f"Phản ánh #{report.id}"
        assert _said(note) == f"Phản ánh #{report.id}: Đã phân loại, chuyển xử lý."
        assert _said(note, "en") == f"Report #{report.id}: Triaged."
    assert not [n for n in _notes(db, world.official) if n.body_key == "feedback.notice_stage"]
    assert [n for n in _notes(db, world.official) if n.body_key == "feedback.notice_report_received"]


def test_notifications_say_what_changed_one_per_change(db: Session, world: World, wired) -> None:
    report = new_report(db, world.citizen)
    service.follow_report(db, world.neighbour, report.id)
    backoffice.accept_report(db, world.official, report.id)
    db.commit()
    after = service.upload_photo(db, world.official, png_bytes(), kind="after")
    backoffice.close_report(db, world.official, report.id, "fixed", "Đã vá xong ổ gà.", [after.id])
    db.commit()
    rid = report.id
    assert _said(_notes(db, world.citizen)[-1]) == f"Phản ánh #{rid}: cơ quan đã khắc phục — hãy xác nhận."
    assert _said(_notes(db, world.citizen)[-1], "en") == f"Report #{rid}: the agency has fixed it — please confirm."
    assert _said(_notes(db, world.neighbour)[-1]) == f"Phản ánh #{rid}: cơ quan đã khắc phục."  # not theirs to confirm
    service.follow_report(db, world.official, report.id)  # an official of the agency follows it too
    before = {uid: len(_notes(db, uid)) for uid in (world.citizen, world.neighbour, world.official, world.supervisor)}
    service.dispute_resolution(db, world.citizen, report.id, "Chỗ vá đã lún lại")
    db.commit()
    grown = {uid: len(_notes(db, uid)) - count for uid, count in before.items()}
    assert grown == {world.citizen: 0, world.neighbour: 1, world.official: 1, world.supervisor: 1}
    assert _notes(db, world.supervisor)[-1].body_key == "feedback.notice_escalated"  # escalation_recipients
    assert _said(_notes(db, world.official)[-1]) == f"Phản ánh #{rid}: Đang xử lý."  # a follower: the stage
    assert _said(_notes(db, world.neighbour)[-1]) == f"Phản ánh #{rid}: Đang xử lý."
    backoffice.close_report(db, world.official, report.id, "no_action_possible", "Không thể xử lý thêm được nữa.")
    service.confirm_resolution(db, world.citizen, report.id)
    db.commit()
    assert _said(_notes(db, world.neighbour)[-1]) == f"Phản ánh #{rid} đã đóng: Không thể xử lý."


def test_opening_a_notification_marks_its_siblings_read(db: Session, world: World, wired) -> None:
    first, second = new_report(db, world.citizen), new_report(db, world.citizen)
    for report in (first, first, second):
        backoffice.post_public_response(db, world.official, report.id, "Đang kiểm tra hiện trường.")
    db.commit()
    notes = _notes(db, world.citizen)
    assert len(notes) == 3 and all(n.read_at is None for n in notes)
    with pytest.raises(NotFound):
        notify.open_notification(db, world.neighbour, notes[0].id)  # someone else's
    assert notify.open_notification(db, world.citizen, notes[1].id) == f"/feedback/{first.id}"
    db.commit()
    read = {n.url: n.read_at is not None for n in _notes(db, world.citizen)}
    assert read == {f"/feedback/{first.id}": True, f"/feedback/{second.id}": False}
    assert notify.unread_count(db, world.citizen) == 1


def test_internal_note_notifies_nobody(db: Session, world: World, wired) -> None:
    report = new_report(db, world.citizen)
    before = len(_notes(db, world.citizen))
    backoffice.add_internal_note(db, world.official, report.id, "Chỉ nội bộ")
    db.commit()
    assert len(_notes(db, world.citizen)) == before


def test_summary_lists_open_reports_only(db: Session, world: World) -> None:
    report = new_report(db, world.citizen)
    items = summary.open_items(db, world.citizen, "en")
    assert [(i.kind, i.href, i.status) for i in items] == [("feedback", f"/feedback/{report.id}", "Received")]
    backoffice.refuse_report(db, world.official, report.id, "Không đủ thông tin để xử lý")
    db.commit()
    assert summary.open_items(db, world.citizen, "vi") == []


def test_jobs_are_declared() -> None:
    names = {job.name for job in jobs.JOBS}
    assert names == {"feedback.close_expired_confirmations", "feedback.escalate_overdue"}
    assert all(job.every_seconds >= 60 for job in jobs.JOBS)


def test_demo_data_is_idempotent(db: Session, world: World) -> None:
    ward = db.exec(select(Agency.id).where(Agency.code == "ubnd-ban-co")).one()
    users = {}
    for login in ("0903123456", "0912000001", "0912000002", "0938000001"):
        user = UserAccount(full_name=login, phone=login, agency_id=ward if login == "0938000001" else None)
        db.add(user)
        db.flush()
        users[login] = user
    for user in users.values():
        db.add(UserRole(user_id=user.id, role="citizen"))
    db.add(UserRole(user_id=users["0938000001"].id, role="official"))
    db.flush()
    demo_data.seed(db, users)
    db.commit()
    first = db.exec(select(FeedbackReport.id, FeedbackReport.stage, FeedbackReport.rating)).all()
    demo_data.seed(db, users)
    db.commit()
    assert db.exec(select(FeedbackReport.id, FeedbackReport.stage, FeedbackReport.rating)).all() == first
    assert sorted(row[1] for row in first) == ["closed", "in_progress", "received"]
