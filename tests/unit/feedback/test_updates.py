"""Public updates (issue 22): the reporter and other citizens add text or photos to an open report; updates are
masked and moderated like reports, their photos follow them, and their authors may hide their names."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.timeutil import utcnow
from citizen_app.feedback import backoffice, board, service, updates
from citizen_app.feedback.models import FeedbackAudit, FeedbackFollow, FeedbackUpdate
from citizen_app.feedback.text import MASK
from tests.unit.feedback.fixtures import new_report, png_bytes


def test_reporter_and_neighbours_add_masked_updates_that_notify(db, world, notices):
    report = new_report(db, world.citizen)
    mine = updates.add_update(db, world.citizen, report.id, "Ổ gà rộng hơn, gọi tôi 0912 345 678")
    theirs = updates.add_update(db, world.neighbour, report.id, "Tôi cũng thấy, email binh@example.com",
                                hide_name=True)
    db.commit()
    assert "0912 345 678" in mine.text and mine.public_text == f"Ổ gà rộng hơn, gọi tôi {MASK}"
    assert theirs.public_text == f"Tôi cũng thấy, email {MASK}"
    shown = updates.report_updates(db, report, None)
    assert [(u.author, u.text) for u in shown] == [("Nguyễn Văn An", mine.public_text), (None, theirs.public_text)]
    assert db.exec(select(FeedbackFollow).where(FeedbackFollow.user_id == world.neighbour)).first() is not None
    told = [n for n in notices if n.kind == "update_added"]
    assert told[0].user_ids == (world.official,)  # the reporter wrote it: the agency hears, not the reporter
    assert set(told[1].user_ids) == {world.citizen, world.official}
    assert told[1].message_key == "feedback.notice_update_added"


def test_only_open_visible_reports_take_updates(db, world):
    report = new_report(db, world.citizen)
    with pytest.raises(DomainError) as empty:
        updates.add_update(db, world.neighbour, report.id, "   ")
    assert empty.value.code == "feedback.update_empty"
    with pytest.raises(DomainError) as long:
        updates.add_update(db, world.neighbour, report.id, "x" * (updates.MAX_UPDATE + 1))
    assert long.value.code == "feedback.update_too_long"
    with pytest.raises(NotAllowed):
        updates.add_update(db, None, report.id, "Ẩn danh không được")
    backoffice.refuse_report(db, world.official, report.id, "Nội dung xúc phạm, không đăng.", hide=True)
    with pytest.raises(NotFound):
        updates.add_update(db, world.neighbour, report.id, "Vẫn còn đó")
    with pytest.raises(DomainError) as closed:
        updates.add_update(db, world.citizen, report.id, "Vẫn còn đó")  # its reporter sees it, but it is closed
    assert closed.value.code == "feedback.update_not_open"
    assert updates.may_add(report, world.citizen) is False


def test_an_answered_report_waiting_for_confirmation_is_still_open(db, world):
    report = new_report(db, world.citizen)
    backoffice.accept_report(db, world.official, report.id)
    after = service.upload_photo(db, world.official, png_bytes(), kind="after")
    backoffice.close_report(db, world.official, report.id, "fixed", "Đã vá xong ổ gà.", [after.id])
    assert report.stage == "awaiting_confirmation"
    assert updates.add_update(db, world.neighbour, report.id, "Chỗ vá lại lún rồi").id


def test_updates_are_limited_per_day(db, world):
    report = new_report(db, world.citizen)
    for n in range(updates.MAX_UPDATES_PER_DAY):
        updates.add_update(db, world.neighbour, report.id, f"Cập nhật {n}")
    with pytest.raises(DomainError) as many:
        updates.add_update(db, world.neighbour, report.id, "Thêm nữa")
    assert many.value.code == "feedback.update_too_many"
    assert updates.add_update(db, world.neighbour, report.id, "Hôm sau", now=utcnow() + timedelta(days=1, minutes=1))
    assert updates.add_update(db, world.stranger, report.id, "Người khác vẫn thêm được")


def test_update_photos_follow_their_update(db, world):
    own = service.upload_photo(db, world.citizen, png_bytes())
    report = new_report(db, world.citizen, photo_ids=[own.id])
    photo = service.upload_photo(db, world.neighbour, png_bytes(), kind="update")
    with pytest.raises(DomainError):  # someone else's upload
        updates.add_update(db, world.stranger, report.id, "", [photo.id])
    update = updates.add_update(db, world.neighbour, report.id, "", [photo.id])
    assert (photo.report_id, photo.update_id, photo.kind) == (report.id, update.id, "update")
    assert updates.report_updates(db, report, None)[0].photo_ids == (photo.id,)
    assert board.get_public_report(db, report.id).photo_ids == (own.id,)  # the gallery keeps the report's own
    assert board.list_reports(db).items[0].thumb_id == own.id
    with pytest.raises(DomainError):
        updates.add_update(db, world.neighbour, report.id, "Bốn ảnh", [
            service.upload_photo(db, world.neighbour, png_bytes()).id for _ in range(updates.MAX_UPDATE_PHOTOS + 1)])


def test_the_handling_agency_hides_and_restores_updates(db, world):
    report = new_report(db, world.citizen)
    photo = service.upload_photo(db, world.neighbour, png_bytes(), kind="update")
    update = updates.add_update(db, world.neighbour, report.id, "Nội dung quảng cáo", [photo.id], hide_name=True)
    for outsider in (world.other_official, world.stranger, world.citizen):
        with pytest.raises(NotAllowed):
            updates.hide_update(db, outsider, update.id, "Quảng cáo, không liên quan")
    with pytest.raises(DomainError) as reason:
        updates.hide_update(db, world.official, update.id, "x")
    assert reason.value.code == "feedback.hide_reason_required"
    updates.hide_update(db, world.official, update.id, "Quảng cáo, không liên quan")
    db.commit()
    assert updates.report_updates(db, report, None) == []
    assert updates.report_updates(db, report, world.stranger) == []
    by_author = updates.report_updates(db, report, world.neighbour)
    assert by_author[0].hidden and by_author[0].mine and by_author[0].hidden_reason == "Quảng cáo, không liên quan"
    moderator = updates.report_updates(db, report, world.official)
    assert moderator[0].author == "Trần Thị Bình" and moderator[0].name_hidden  # officials see who wrote it
    with pytest.raises(NotFound):
        board.photo_for_viewer(db, photo.id, None)
    with pytest.raises(NotFound):
        board.photo_for_viewer(db, photo.id, world.stranger)
    assert board.photo_for_viewer(db, photo.id, world.neighbour).id == photo.id
    assert board.photo_for_viewer(db, photo.id, world.official).id == photo.id
    updates.restore_update(db, world.official, update.id)
    assert [u.update_id for u in updates.report_updates(db, report, None)] == [update.id]
    assert board.photo_for_viewer(db, photo.id, None).id == photo.id
    actions = db.exec(select(FeedbackAudit.action).where(FeedbackAudit.report_id == report.id)).all()
    assert {"add_update", "hide_update", "restore_update"} <= set(actions)
    with pytest.raises(NotFound):
        updates.hide_update(db, world.official, 999_999, "Không có cập nhật này")


def test_an_agency_quoting_a_neighbours_update_masks_it(db, world):
    report = new_report(db, world.citizen)
    updates.add_update(db, world.neighbour, report.id, "Liên hệ tôi qua zalo 0987 654 321")
    backoffice.post_public_response(db, world.official, report.id, "Đã gọi số 0987 654 321; hotline 1900 1234.")
    assert report.public_response == f"Đã gọi số {MASK}; hotline 1900 1234."
    assert db.exec(select(FeedbackUpdate.text)).one() == "Liên hệ tôi qua zalo 0987 654 321"


def test_who_moderates_is_decided_as_by_a_whole_actor_in_one_read(db, world):
    """Issue 24, sixth round: ``may_moderate`` is one prebuilt Core read, exactly as strict as
    ``can_handle(load_actor(...))``: admins and the officials of the report's agency; not another agency's, not an
    official without an agency, not a citizen; anonymous is False; a disabled or unknown account is refused."""
    from sqlmodel import Session

    from citizen_app.identity.models import UserAccount, UserRole
    from tests.conftest import sql_statements
    from tests.unit.feedback.fixtures import make_user

    roads = new_report(db, world.citizen)
    noise = new_report(db, world.citizen, category_code="noise", attributes={}, ward="Bàn Cờ")
    loose = make_user(db, "Cán bộ không cơ quan", "official")
    disabled = make_user(db, "Cán bộ nghỉ việc", "official", agency="so-gtvt")
    db.get(UserAccount, disabled).is_active = False
    db.add(UserRole(user_id=world.citizen, role="volunteer"))
    db.commit()
    users = (None, world.citizen, world.official, world.other_official, world.supervisor, world.admin, loose,
             disabled, 999_999)

    def actor_rule(report, user_id):
        if user_id is None:
            return False
        try:
            return service.can_handle(service.load_actor(db, user_id), report)
        except NotAllowed as exc:
            return exc.code

    def one_read(report, user_id):
        try:
            return updates.may_moderate(db, report, user_id)
        except NotAllowed as exc:
            return exc.code

    expected = {(r.id, u): actor_rule(r, u) for r in (roads, noise) for u in users}
    assert {(r.id, u): one_read(r, u) for r in (roads, noise) for u in users} == expected
    assert expected[(roads.id, world.official)] is True and expected[(noise.id, world.other_official)] is True
    assert expected[(roads.id, world.admin)] is True and expected[(roads.id, disabled)] == "error.login_required"
    assert not any(expected[(roads.id, u)] for u in (None, world.citizen, world.other_official, loose))
    with Session(db.get_bind()) as fresh, sql_statements(db.get_bind()) as sent:
        assert updates.may_moderate(fresh, fresh.get(type(roads), roads.id), world.official)
    assert len(sent) == 2  # the report, then one read for the viewer (the actor took three)
