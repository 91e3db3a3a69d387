import hashlib
from datetime import timedelta

import pytest
from sqlmodel import select

from citizen_app.core.errors import DomainError, NotAllowed
from citizen_app.core.timeutil import to_local, utcnow
from citizen_app.feedback import backoffice, board, routing, service
from citizen_app.feedback.models import FeedbackAudit, FeedbackEvent, FeedbackMeToo
from tests.unit.feedback.fixtures import new_report, png_bytes


def test_official_outside_agency_cannot_see_or_act(db, world):
    report = new_report(db, world.citizen)  # routed to so-gtvt
    for action in (lambda u: backoffice.accept_report(db, u, report.id),
                   lambda u: backoffice.get_report_for_official(db, u, report.id),
                   lambda u: backoffice.refuse_report(db, u, report.id, "Không thuộc phạm vi xử lý"),
                   lambda u: backoffice.add_internal_note(db, u, report.id, "ghi chú")):
        for user in (world.other_official, world.citizen, None):
            with pytest.raises(NotAllowed):
                action(user)
    assert report.stage == "received"
    assert backoffice.official_queue(db, world.other_official) == []
    assert [r.id for r in backoffice.official_queue(db, world.official)] == [report.id]
    assert [r.id for r in backoffice.official_queue(db, world.admin)] == [report.id]


def test_official_sees_reporter_even_when_name_hidden(db, world):
    report = new_report(db, world.citizen, hide_name=True)
    view = backoffice.get_report_for_official(db, world.official, report.id)
    assert view.reporter_name == "Nguyễn Văn An" and view.reporter_contact["phone"] == "0901234567"
    assert "0901 234 567" in view.report.description
    assert board.get_public_report(db, report.id).reporter_name is None
    shown = new_report(db, world.neighbour)
    assert board.get_public_report(db, shown.id).reporter_name == "Trần Thị Bình"


def test_full_lifecycle_fixed_confirmed_rated(db, world, notices):
    report = new_report(db, world.citizen)
    service.me_too(db, world.neighbour, report.id)
    backoffice.accept_report(db, world.official, report.id, priority=2, public_text="Đã tiếp nhận")
    assert report.stage == "triaged" and report.priority == 2 and report.due_at > utcnow()
    backoffice.start_work(db, world.official, report.id)
    with pytest.raises(DomainError) as exc:
        backoffice.close_report(db, world.official, report.id, "fixed", "Đã vá ổ gà xong sáng nay.")
    assert exc.value.code == "feedback.after_photo_required" and report.stage == "in_progress"
    after = service.upload_photo(db, world.official, png_bytes(), kind="after")
    backoffice.close_report(db, world.official, report.id, "fixed", "Đã vá ổ gà xong sáng nay.", [after.id])
    assert report.stage == "awaiting_confirmation" and report.outcome == "fixed" and report.is_open
    status_notices = [n for n in notices if n.kind == "status_changed"]
    told = {uid: n.message_key for n in status_notices[-2:] for uid in n.user_ids}
    assert told == {world.citizen: "feedback.notice_fixed_confirm", world.neighbour: "feedback.notice_fixed"}
    with pytest.raises(DomainError):
        service.rate_report(db, world.citizen, report.id, 5)
    with pytest.raises(NotAllowed):
        service.confirm_resolution(db, world.neighbour, report.id)
    service.confirm_resolution(db, world.citizen, report.id)
    assert report.stage == "closed" and not report.is_open
    for bad in (0, 6, "5", True):
        with pytest.raises(DomainError):
            service.rate_report(db, world.citizen, report.id, bad)
    service.rate_report(db, world.citizen, report.id, 2, "Chậm")
    assert report.rating == 2 and report.needs_review
    assert any(n.kind == "low_rating" and n.user_ids == (world.supervisor,) for n in notices)
    with pytest.raises(DomainError):
        service.rate_report(db, world.citizen, report.id, 4)
    timeline = [e.kind for e in board.get_public_report(db, report.id).timeline]
    assert timeline == ["received", "accepted", "in_progress", "answered", "confirmed"]


def test_dispute_reopens_and_escalates(db, world, notices):
    report = new_report(db, world.citizen)
    backoffice.accept_report(db, world.official, report.id)
    backoffice.close_report(db, world.official, report.id, "no_action_possible", "Không thể xử lý do thiếu kinh phí.")
    service.dispute_resolution(db, world.citizen, report.id, "Vẫn còn ổ gà, chưa ai đến.")
    assert report.stage == "in_progress" and report.outcome is None and report.escalation_level == 1
    assert any(n.kind == "escalated" and world.supervisor in n.user_ids for n in notices)


def test_confirmation_window_closes_automatically_after_7_days(db, world):
    report = new_report(db, world.citizen)
    backoffice.accept_report(db, world.official, report.id)
    backoffice.close_report(db, world.official, report.id, "not_responsible", "Thuộc thẩm quyền của SAWACO.")
    db.commit()
    assert service.close_expired_confirmations(db, utcnow() + timedelta(days=6)) == 0
    assert service.close_expired_confirmations(db, utcnow() + timedelta(days=7, minutes=1)) == 1
    assert report.stage == "closed"


def test_refuse_needs_public_reason_and_can_hide(db, world):
    report = new_report(db, world.citizen)
    with pytest.raises(DomainError) as exc:
        backoffice.refuse_report(db, world.official, report.id, "")
    assert exc.value.code == "feedback.refuse_reason_required"
    backoffice.refuse_report(db, world.official, report.id, "Nội dung không phải phản ánh hạ tầng.", hide=True)
    assert report.stage == "closed" and report.outcome == "refused" and report.hidden
    with pytest.raises(DomainError):
        board.get_public_report(db, report.id)
    assert board.get_public_report(db, report.id, viewer_id=world.citizen).public_response


def test_merge_duplicates_moves_people(db, world, notices):
    target = new_report(db, world.citizen)
    dup = new_report(db, world.neighbour)
    service.me_too(db, world.stranger, dup.id)
    backoffice.merge_reports(db, world.official, dup.id, target.id)
    assert dup.stage == "closed" and dup.outcome == "duplicate" and dup.duplicate_of == target.id
    assert target.me_too_count == 2
    users = set(db.exec(select(FeedbackMeToo.user_id).where(FeedbackMeToo.report_id == target.id)).all())
    assert users == {world.neighbour, world.stranger}
    merged = [n for n in notices if n.kind == "merged"][0]
    assert {world.citizen, world.neighbour, world.stranger} <= set(merged.user_ids)
    with pytest.raises(DomainError):
        backoffice.merge_reports(db, world.official, target.id, target.id)


def test_internal_notes_never_public(db, world):
    report = new_report(db, world.citizen)
    backoffice.add_internal_note(db, world.official, report.id, "Người này gửi nhiều lần")
    backoffice.post_public_response(db, world.official, report.id, "Đã ghi nhận, liên hệ 0283 822 1234")
    public = board.get_public_report(db, report.id)
    assert all("nhiều lần" not in e.text for e in public.timeline)
    assert public.public_response == "Đã ghi nhận, liên hệ 0283 822 1234"  # the agency's own number stays
    assert any(e.kind == "response" and e.text == public.public_response for e in public.timeline)
    notes = db.exec(select(FeedbackEvent).where(FeedbackEvent.kind == "note")).all()
    assert len(notes) == 1 and not notes[0].public


def test_priority_validation(db, world):
    report = new_report(db, world.citizen)
    backoffice.set_priority(db, world.official, report.id, 3)
    for bad in (-1, 4, "2", None):
        with pytest.raises(DomainError):
            backoffice.set_priority(db, world.official, report.id, bad)
    assert report.priority == 3


def test_overdue_escalation_and_progress_update(db, world, notices):
    report = new_report(db, world.citizen)
    backoffice.accept_report(db, world.official, report.id)
    report.due_at = utcnow() - timedelta(hours=1)
    db.commit()
    assert service.is_overdue(report) and backoffice.needs_progress_update(report)
    assert routing.escalate_overdue(db) == 1 and routing.escalate_overdue(db) == 0  # so-gtvt has no lead
    assert report.escalation_level == 1
    assert any(n.kind == "escalated" and world.supervisor in n.user_ids for n in notices)
    today = to_local(utcnow()).date()
    with pytest.raises(DomainError):
        backoffice.post_progress_update(db, world.official, report.id, "Đang chờ vật tư thay thế", today)
    backoffice.post_progress_update(db, world.official, report.id, "Đang chờ vật tư thay thế", today + timedelta(3))
    assert not backoffice.needs_progress_update(report) and report.expected_at > utcnow()


def test_audit_log_is_hash_chained(db, world):
    report = new_report(db, world.citizen)
    backoffice.accept_report(db, world.official, report.id)
    db.commit()
    rows = db.exec(select(FeedbackAudit).order_by(FeedbackAudit.id)).all()
    assert [r.action for r in rows] == ["create", "accept"]
    assert rows[1].prev_hash == rows[0].hash and rows[1].actor_id == world.official
    assert '"stage": "received"' in rows[1].before_json and '"stage": "triaged"' in rows[1].after_json
    assert len(rows[0].hash) == len(hashlib.sha256().hexdigest())


def test_reply_templates_render_in_both_languages(db, world):
    report = new_report(db, world.citizen)
    vi = backoffice.render_reply(db, report.id, "accepted", "vi")
    en = backoffice.render_reply(db, report.id, "accepted", "en")
    assert f"#{report.id}" in vi and "Sở" in vi and "Department" in en
    assert len(backoffice.reply_templates("en")) >= 5


def test_api_keys_only_by_admin(db, world):
    with pytest.raises(NotAllowed):
        backoffice.issue_api_key(db, world.official, "Ứng dụng phường")
    row, raw = backoffice.issue_api_key(db, world.admin, "Ứng dụng phường")
    assert row.key_hash != raw and backoffice.check_api_key(db, raw).id == row.id
    backoffice.revoke_api_key(db, world.admin, row.id)
    with pytest.raises(NotAllowed):
        backoffice.check_api_key(db, raw)
