"""Workbench and citizen handlers authorize on the server: an event crafted from another agency's
official (or another citizen) is refused with a translated error and changes nothing."""

from __future__ import annotations

import json

import pytest
import reflex as rx
from reflex.istate.data import RouterData
from sqlmodel import Session, select

from citizen_app.core.db import session_scope
from citizen_app.feedback import service
from citizen_app.feedback.backoffice_state import CaseState, WorkbenchState
from citizen_app.feedback.models import FeedbackAudit, FeedbackDraft, FeedbackEvent, FeedbackReport
from citizen_app.feedback.state import NewReportState, ReportState
from citizen_app.identity import service as identity
from citizen_app.identity.state import AuthState
from tests.unit.feedback.fixtures import make_user, report_input, seed_agencies

REFUSED_VI = "Phản ánh này không thuộc cơ quan của bạn."


def _states(cookie: str = ""):
    root = rx.State()
    root.router = RouterData.from_router_data(
        {"headers": {"cookie": cookie}, "pathname": "/feedback", "query": {}, "client_ip": "127.0.0.1"})

    def sub(cls):
        return root.get_substate(cls.get_full_name().split(".")[1:])

    return sub


def _as(user_id: int | None):
    cookie = ""
    if user_id is not None:
        with session_scope() as db:
            cookie = f"cds_sid={identity.open_session(db, user_id)}"
    sub = _states(cookie)
    AuthState.load_session.fn(sub(AuthState))
    return sub


@pytest.fixture()
def ids(app_db) -> dict[str, int]:
    with Session(app_db) as db:
        seed_agencies(db)
        out = {"citizen": make_user(db, "Trần Thu Hà", phone="0912000002"),
               "neighbour": make_user(db, "Nguyễn Minh Khoa", phone="0912000001"),
               "ward": make_user(db, "Phạm Văn Bình", "official", agency="ubnd-ban-co", phone="0938000001"),
               "police": make_user(db, "Võ Thị Lan", "official", agency="ca-ban-co", phone="0938000002")}
        report = service.create_report(db, out["citizen"], report_input(
            category_code="sidewalk", title="Lấn chiếm vỉa hè Vườn Chuối", attributes={}))
        db.commit()
        out["report"] = report.id
    return out


def _snapshot(report_id: int) -> tuple[str, str | None, str, int, int, int]:
    with session_scope() as db:
        report = db.get(FeedbackReport, report_id)
        events = len(db.exec(select(FeedbackEvent.id).where(FeedbackEvent.report_id == report_id)).all())
        audits = len(db.exec(select(FeedbackAudit.id)).all())
        return report.stage, report.outcome, report.public_response, report.priority, events, audits


async def test_other_agency_official_is_refused_everywhere(ids) -> None:
    before = _snapshot(ids["report"])
    case = _as(ids["police"])(CaseState)
    case.report_id = ids["report"]  # a crafted id: the page would not even list it
    forms = [
        (CaseState.accept, {"priority": "3", "public_text": "Đã nhận"}),
        (CaseState.refuse, {"reason": "Không thuộc thẩm quyền công an phường"}),
        (CaseState.reroute, {"agency": "ca-ban-co", "note": "lấy về"}),
        (CaseState.set_priority, {"priority": "0"}),
        (CaseState.respond, {"response": "Trả lời giả mạo"}),
        (CaseState.add_note, {"note": "Ghi chú lạ"}),
        (CaseState.progress, {"progress": "Đang xử lý nhiều việc", "new_date": "2099-01-01"}),
        (CaseState.close, {"outcome": "no_action_possible", "close_text": "Không thể xử lý được việc này"}),
        (CaseState.merge, {"into": str(ids["report"])}),
    ]
    for handler, form in forms:
        case.error = {}
        await handler.fn(case, form)
        assert case.error.get("vi") == REFUSED_VI, handler
    case.error = {}
    await CaseState.start_work.fn(case)
    assert case.error.get("vi") == REFUSED_VI
    await CaseState.use_template.fn(case, "fixed")
    assert case.response_text == ""
    await CaseState.load.fn(case)
    assert not case.found and case.case == {} and case.reporter == {}
    assert _snapshot(ids["report"]) == before


async def test_queue_is_scoped_to_the_agency(ids) -> None:
    police = _as(ids["police"])(WorkbenchState)
    await WorkbenchState.load.fn(police)
    assert police.queue == []
    ward = _as(ids["ward"])(WorkbenchState)
    await WorkbenchState.load.fn(ward)
    assert [row["id"] for row in ward.queue] == [str(ids["report"])]


async def test_citizen_cannot_use_the_workbench(ids) -> None:
    before = _snapshot(ids["report"])
    sub = _as(ids["neighbour"])
    queue, case = sub(WorkbenchState), sub(CaseState)
    await WorkbenchState.load.fn(queue)
    assert queue.queue == [] and queue.error["en"] == "Only a handling official may do this."
    case.report_id = ids["report"]
    await CaseState.accept.fn(case, {"priority": "1"})
    assert case.error["en"] == "Only a handling official may do this."
    assert _snapshot(ids["report"]) == before


async def test_ward_official_handles_and_reporter_identity_stays_off_the_public_page(ids) -> None:
    case = _as(ids["ward"])(CaseState)
    case.report_id = ids["report"]
    await CaseState.accept.fn(case, {"priority": "2", "public_text": ""})
    assert case.error == {} and case.case["stage"] == "triaged"
    assert case.reporter["name"] == "Trần Thu Hà" and "0901 234 567" in case.case["description"]
    public = _states("")(ReportState)
    public.router = RouterData.from_router_data({"headers": {}, "pathname": f"/feedback/{ids['report']}",
                                                 "query": {"report_id": str(ids["report"])}})
    public.report_id = ids["report"]
    await public._refresh()
    shown = json.dumps([public.detail, public.timeline], ensure_ascii=False)
    assert public.found and "0901 234 567" not in shown and "[***]" in public.detail["description"]


async def test_citizen_cannot_confirm_or_rate_someone_elses_report(ids) -> None:
    before = _snapshot(ids["report"])
    report = _as(ids["neighbour"])(ReportState)
    report.report_id = ids["report"]
    await ReportState.confirm.fn(report)
    assert report.error["en"] == "Only the person who filed the report may do this."
    await ReportState.rate.fn(report, {"score": "1"})
    await ReportState.add_info.fn(report, {"info": "Thêm thông tin"})
    assert report.error["en"] == "Only the person who filed the report may do this."
    assert _snapshot(ids["report"]) == before


async def test_anonymous_cannot_report_or_save_drafts(ids) -> None:
    # The report itself is filed only by POST /api/feedback/reports (a session cookie and the site's origin,
    # tests/api/feedback/test_outbox_api.py): the page's state has no handler that files one.
    assert not hasattr(NewReportState, "submit") and not hasattr(NewReportState, "upload")
    state = _as(None)(NewReportState)
    await NewReportState.autosave.fn(state, {"title": "nháp"})
    with session_scope() as db:
        assert len(db.exec(select(FeedbackReport.id)).all()) == 1
        assert db.exec(select(FeedbackDraft.user_id)).all() == []
