"""A working day in the back office (issue 19): the queue by due date with filters, search, counts and paging;
the applicant's signature and the fee as the officer sees them; decisions that need a note and reach the
citizen in plain words; assignment within the agency; the optional second approver; views in her log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from citizen_app.core.errors import DomainError, NotFound
from citizen_app.identity.activity import list_activity
from citizen_app.identity.models import ActivityEntry
from citizen_app.procedures import backoffice, backoffice_views, catalog, flow, service, statuses, wiring
from citizen_app.procedures.catalog import CatalogError, validate_procedure
from citizen_app.procedures.hooks import ACTIVITY
from citizen_app.procedures.models import ProcDossier
from tests.unit.procedures.conftest import MAI_PAGES, MORNING, PDF, _user, sign


def _submitted(db, user, *, paid: bool = True, name: str | None = None) -> int:
    dossier = service.start_draft(db, user.id, "tam_tru_danh_sach")
    for page_id, answers in MAI_PAGES.items():
        service.save_page(db, user.id, dossier.id, page_id, answers, now=MORNING)
    service.add_attachment(db, user.id, dossier.id, "lawful_residence_proof", "a.pdf", PDF)
    sign(db, user.id, dossier.id, now=MORNING)
    service.submit(db, user.id, dossier.id, now=MORNING)
    if paid:
        service.mark_fee_paid(db, dossier.id, f"PAY-{dossier.id}", now=MORNING)
    if name:
        db.get(ProcDossier, dossier.id).subject_name = name
    return dossier.id


def test_queue_due_filters_search_counts_and_paging(db, world, hooks):
    khoi = _user(db, "Đặng Văn Khôi", phone="0912000111")
    late, fresh, waiting = _submitted(db, world.mai), _submitted(db, world.citizen), _submitted(db, khoi, paid=False)
    backoffice.accept(db, world.officer.id, late, now=MORNING)
    backoffice.accept(db, world.officer.id, fresh, now=MORNING + timedelta(days=2))
    backoffice.assign(db, world.officer.id, fresh, world.officer.id)
    now = MORNING + timedelta(days=4)  # Sat 6 Dec: the first is due Fri 5 Dec 17:00

    page = backoffice.queue_page(db, world.officer.id, now=now)
    assert [i.dossier_id for i in page.items] == [late, fresh, waiting]  # overdue first, then by due date
    assert page.counts == {statuses.ACCEPTED: 2, statuses.FEE: 1} and page.overdue == 1
    assert backoffice.time_left(page.items[0].due_at, now, False, True)[0].startswith("Quá hạn")
    assert backoffice.time_left(page.items[1].due_at, now, False, False) == ("Còn 2 ngày làm việc",
                                                                             "2 working days left")

    def ids(**wanted) -> list[int]:
        return [i.dossier_id for i in backoffice.queue_page(db, world.officer.id, backoffice.QueueFilter(**wanted),
                                                            now=now).items]

    assert ids(query="nguyen thi mai") == [late]  # the subject's name, accents ignored
    number = db.get(ProcDossier, fresh).number
    assert ids(query=number.lower()) == [fresh]
    assert ids(status=statuses.FEE) == [waiting]
    assert ids(assignee="me") == [fresh] and ids(assignee="none") == [late, waiting]
    assert ids(due="overdue") == [late] and ids(due="none") == [waiting]
    assert ids(procedure="tam_tru") == []
    paged = backoffice.queue_page(db, world.officer.id, backoffice.QueueFilter(page=2), now=now, page_size=2)
    assert (paged.page, paged.pages, paged.total, [i.dossier_id for i in paged.items]) == (2, 2, 3, [waiting])

    backoffice.issue_overdue_apologies(db, now=now)  # a new appointment does not make it on time
    first = backoffice.queue_page(db, world.officer.id, now=now).items[0]
    assert (first.dossier_id, first.overdue, first.late) == (late, False, True)
    assert ids(due="overdue") == [late]
    assert backoffice.time_left(first.due_at, now, False, False, True)[0].startswith("Đã trễ hẹn, hẹn lại: còn")


def test_decisions_need_a_note_and_tell_the_citizen_why(db, world, hooks):
    dossier_id = _submitted(db, world.mai)
    backoffice.accept(db, world.officer.id, dossier_id, now=MORNING)
    backoffice.start_processing(db, world.officer.id, dossier_id, now=MORNING)
    with pytest.raises(DomainError, match="note_required"):
        flow.approve_and_deliver(db, world.officer.id, dossier_id, "   ")
    backoffice.request_supplement(db, world.officer.id, dossier_id,
                                  [{"text": "Hợp đồng thuê nhà có chữ ký hai bên", "attachment_id": None}])
    told = hooks.notify[-1]
    assert told.key == "procedures.notice.request_supplement" and told.user_id == world.mai.id
    assert told.params["reason"] == "Hợp đồng thuê nhà có chữ ký hai bên"
    other = _submitted(db, world.citizen)
    backoffice.refuse(db, world.officer.id, other, "Sai cơ quan tiếp nhận: nộp tại Công an phường Xuân Hòa")
    assert hooks.notify[-1].key == "procedures.notice.refuse"
    assert "Xuân Hòa" in hooks.notify[-1].params["reason"]
    citizen_side = {"submit", "pay_fee"}  # her own actions are told too (the receipt, the payment)
    assert {n.key for n in hooks.notify} <= {f"procedures.notice.{a}" for a in backoffice.NOTICE_ACTIONS | citizen_side}


def test_second_approver_confirms_before_the_result_is_signed(db, world, hooks, monkeypatch):
    monkeypatch.setattr(catalog.Procedure, "second_approver", property(lambda proc: proc.code == "tam_tru_danh_sach"))
    leader = _user(db, "Trần Minh Đức", "official", agency=world.police)
    dossier_id = _submitted(db, world.mai)
    world.police.code = "ca-ban-co"  # the development CA names agency certificates in lower case
    backoffice.accept(db, world.officer.id, dossier_id, now=MORNING)
    backoffice.start_processing(db, world.officer.id, dossier_id, now=MORNING)
    assert flow.approve_and_deliver(db, world.officer.id, dossier_id, "Đủ điều kiện") is None
    dossier = db.get(ProcDossier, dossier_id)
    assert dossier.status == statuses.PROCESSING and backoffice.approval_proposal(db, dossier) is not None
    assert backoffice.queue_page(db, leader.id).items[0].awaiting_second
    with pytest.raises(DomainError, match="second_approver_other"):
        flow.approve_and_deliver(db, world.officer.id, dossier_id, "Tôi duyệt luôn")
    backoffice.return_proposal(db, leader.id, dossier_id, "Thiếu đối chiếu cơ sở dữ liệu cư trú")
    assert backoffice.approval_proposal(db, dossier) is None
    assert flow.approve_and_deliver(db, world.officer.id, dossier_id, "Đã đối chiếu") is None
    result = flow.approve_and_deliver(db, leader.id, dossier_id, "Đồng ý")
    assert result is not None and result.sign_state == "signed"
    assert db.get(ProcDossier, dossier_id).status == statuses.DELIVERED
    history = backoffice_views.office_history(db, leader.id, dossier_id)
    assert [r.vi for r in history][-5:] == ["Đề xuất duyệt, chờ người duyệt thứ hai",
                                            "Người duyệt thứ hai trả lại đề xuất",
                                            "Đề xuất duyệt, chờ người duyệt thứ hai", "Đã xử lý xong", "Đã trả kết quả"]
    assert history[-2].who == "Trần Minh Đức (Công an phường Bàn Cờ)" and history[-2].reason == "Đồng ý"


def test_second_approver_is_catalog_data():
    assert catalog.get_procedure("thuong_tru").second_approver
    assert not catalog.get_procedure("tam_tru").second_approver
    data = catalog.get_procedure("tam_tru").raw | {"approval": {"second_approver": "yes please"}}
    with pytest.raises(CatalogError, match="approval.second_approver"):
        validate_procedure(data, "tam_tru.json")


def test_assignment_within_the_agency(db, world, hooks):
    colleague = _user(db, "Ngô Thị Thu", "official", agency=world.police)
    dossier_id = _submitted(db, world.mai)
    assert [o.name for o in backoffice.agency_officers(db, world.officer.id)] == ["Lê Văn Cảnh", "Ngô Thị Thu"]
    with pytest.raises(DomainError, match="assignee_invalid"):
        backoffice.assign(db, world.officer.id, dossier_id, world.other_officer.id)
    with pytest.raises(NotFound):
        backoffice.assign(db, world.other_officer.id, dossier_id, world.other_officer.id)
    backoffice.assign(db, world.officer.id, dossier_id, colleague.id)
    assert hooks.notify[-1].user_id == colleague.id and hooks.notify[-1].url.endswith(f"/backoffice/{dossier_id}")
    backoffice.assign(db, colleague.id, dossier_id, world.officer.id)  # reassigned
    assert db.get(ProcDossier, dossier_id).assignee_id == world.officer.id
    history = [(r.vi, r.who) for r in backoffice_views.office_history(db, world.officer.id, dossier_id)]
    assert history[-2:] == [("Giao cho Ngô Thị Thu xử lý", "Lê Văn Cảnh (Công an phường Bàn Cờ)"),
                            ("Giao cho Lê Văn Cảnh xử lý", "Ngô Thị Thu (Công an phường Bàn Cờ)")]


def test_signature_and_fee_as_the_officer_sees_them(db, world):
    paid, unpaid = _submitted(db, world.mai), _submitted(db, world.citizen, paid=False)
    signature = backoffice_views.applicant_signature(db, world.officer.id, paid)
    assert signature.state == "valid" and "người ký: Nguyễn Thị Mai" in signature.vi
    assert backoffice_views.fee_status(db, world.officer.id, paid).state == "paid"
    assert backoffice_views.fee_status(db, world.officer.id, unpaid).vi == "Chưa nộp 10.000 ₫"
    with pytest.raises(NotFound):
        backoffice_views.applicant_signature(db, world.other_officer.id, paid)
    files = backoffice_views.dossier_files(db, world.officer.id, paid)
    assert {f.attachment_id for f in files} == {"lawful_residence_proof", service.SIGNED_DOSSIER}
    assert all(f.href == f"/api/procedures/attachments/{f.id}" for f in files)


def test_a_tampered_signature_is_not_valid(db, world):
    dossier_id = _submitted(db, world.mai)
    row = backoffice_views._signed_copy(db, dossier_id)
    from citizen_app.procedures import files as stored

    content = bytearray(stored.read_bytes(row.storage_key))
    content[len(content) // 3] ^= 0x01
    row.storage_key, _ = stored.store_bytes(bytes(content))
    assert backoffice_views.applicant_signature(db, world.officer.id, dossier_id).state == "invalid"


def test_official_views_reach_her_log_with_names_once_per_window(db, world):
    assert wiring.record_citizen_activity in ACTIVITY.handlers
    dossier_id = _submitted(db, world.mai)
    number = db.get(ProcDossier, dossier_id).number
    backoffice.view_dossier(db, world.officer.id, dossier_id, now=MORNING)
    backoffice.view_dossier(db, world.officer.id, dossier_id, now=MORNING + timedelta(minutes=5))  # a reload
    lines = [e.text for e in list_activity(db, world.mai.id) if e.kind == "official_access"]
    assert lines == [f"Cán bộ Lê Văn Cảnh (Công an phường Bàn Cờ) đã xem hồ sơ {number} — Đăng ký tạm trú theo "
                     "danh sách."]
    backoffice.view_dossier(db, world.officer.id, dossier_id, now=MORNING + timedelta(minutes=45))
    assert len([e for e in list_activity(db, world.mai.id) if e.kind == "official_access"]) == 2
    english = [e.text for e in list_activity(db, world.mai.id, "en") if e.kind == "official_access"][0]
    assert english.startswith("Official Lê Văn Cảnh (Ban Co Ward Police) viewed dossier")
    entries = db.exec(select(ActivityEntry).where(ActivityEntry.user_id == world.mai.id)).all()
    assert all("dossier" not in e.params_json and "#" not in e.params_json for e in entries)  # no internal ids
