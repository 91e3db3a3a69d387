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
from citizen_app.feedback.updates_state import UpdatesState
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
            category_code="sidewalk", title="Lấn chiếm vỉa hè Vườn Chuối", attributes={}, ward="Bàn Cờ",
            address="Vườn Chuối"))  # routed to UBND phường Bàn Cờ
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
        (CaseState.reroute, {"agency": "ca-ban-co", "reason": "Công an phường xin lấy về"}),
        (CaseState.assign, {"assignee": f"user:{ids['police']}"}),
        (CaseState.return_reroute, {"reason": "Không phải việc của cơ quan này"}),
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
    for handler in (CaseState.start_work, CaseState.accept_reroute):
        case.error = {}
        await handler.fn(case)
        assert case.error.get("vi") == REFUSED_VI, handler
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
    assert report.error["en"] == "Only the person who filed the report may do this."
    assert _snapshot(ids["report"]) == before


def _updates(sub, report_id: int) -> UpdatesState:
    state = sub(UpdatesState)
    state.report_id = report_id
    return state


async def test_updates_need_a_login_and_only_the_agency_moderates(ids) -> None:
    anonymous = _updates(_as(None), ids["report"])
    await UpdatesState.add.fn(anonymous, {"update": "Vẫn còn lấn chiếm"})
    assert anonymous.error["en"] == "Please log in to continue."
    neighbour = _updates(_as(ids["neighbour"]), ids["report"])
    await UpdatesState.add.fn(neighbour, {"update": "Vẫn còn lấn chiếm, gọi 0909 111 222", "update_hide_name": "on"})
    assert neighbour.error == {} and neighbour.updates[0].text == "Vẫn còn lấn chiếm, gọi [***]"
    assert neighbour.updates[0].mine and neighbour.updates[0].author == "Nguyễn Minh Khoa"
    update_id = neighbour.updates[0].id
    for user in ("neighbour", "police"):
        other = _updates(_as(ids[user]), ids["report"])
        await UpdatesState.hide.fn(other, {"update_id": update_id, "hide_reason": "Không liên quan"})
        assert other.error["vi"] == REFUSED_VI
    ward = _updates(_as(ids["ward"]), ids["report"])
    await ward._refresh()
    assert ward.can_moderate and ward.updates[0].author == "Nguyễn Minh Khoa" and ward.updates[0].name_hidden
    await UpdatesState.hide.fn(ward, {"update_id": update_id, "hide_reason": "Không liên quan"})
    assert ward.error == {} and ward.updates[0].hidden
    public = _updates(_as(None), ids["report"])
    await public._refresh()
    assert public.updates == [] and not public.can_add and not public.can_moderate


async def test_anonymous_cannot_report_or_save_drafts(ids) -> None:
    # The report itself is filed only by POST /api/feedback/reports (a session cookie and the site's origin,
    # tests/api/feedback/test_outbox_api.py): the page's state has no handler that files one.
    assert not hasattr(NewReportState, "submit") and not hasattr(NewReportState, "upload")
    state = _as(None)(NewReportState)
    await NewReportState.autosave.fn(state, {"title": "nháp"})
    with session_scope() as db:
        assert len(db.exec(select(FeedbackReport.id)).all()) == 1
        assert db.exec(select(FeedbackDraft.user_id)).all() == []


async def test_the_updates_list_asks_for_the_viewers_roles_once(ids) -> None:
    """Issue 24: the report page read the viewer's account and roles twice to decide whether they moderate."""
    from citizen_app.core.db import engine
    from tests.conftest import sql_statements

    ward = _updates(_as(ids["ward"]), ids["report"])
    with sql_statements(engine()) as statements:
        await ward._refresh()
    assert ward.can_moderate
    assert len([s for s in statements if "FROM user_role" in s]) == 1


def _report_page(sub, report_id: int) -> tuple[ReportState, UpdatesState]:
    page = sub(ReportState)
    page.router = RouterData.from_router_data({"headers": page.router.headers.raw_headers,
                                               "pathname": f"/feedback/{report_id}",
                                               "query": {"report_id": str(report_id)}})
    return page, sub(UpdatesState)


async def test_the_report_pages_one_load_fills_its_updates_with_the_same_rules(ids) -> None:
    """Issue 24, sixth round: the report page's load (one event, one read) fills the updates' state too, with the
    rules of its own load: the handling agency's official moderates and sees hidden names, others do not; a report
    not found clears the updates."""
    with session_scope() as db:
        from citizen_app.feedback import updates

        updates.add_update(db, ids["neighbour"], ids["report"], "Vẫn còn lấn chiếm", hide_name=True)
    for user, moderates in (("ward", True), ("police", False), ("neighbour", False), (None, False)):
        page, shown = _report_page(_as(ids[user] if user else None), ids["report"])
        await ReportState.load.fn(page)
        assert page.found and shown.report_id == ids["report"]
        assert shown.can_moderate is moderates and shown.can_add is (user is not None)
        assert len(shown.updates) == 1 and (shown.updates[0].author == "Nguyễn Minh Khoa") is (user in ("ward",
                                                                                                       "neighbour"))
    page, shown = _report_page(_as(ids["ward"]), ids["report"] + 1000)
    shown.updates = ["stale"]  # type: ignore[list-item]
    await ReportState.load.fn(page)
    assert not page.found and shown.updates == [] and not shown.can_moderate and not shown.can_add


def _page_read(page: ReportState, shown: UpdatesState) -> dict[str, object]:
    """What the report page shows its viewer and lets them do (``ReportState`` and ``UpdatesState`` after a load)."""
    detail = page.detail
    return {
        "found": page.found,
        "detail": {key: detail.get(key) for key in ("title", "description", "reporter", "agency", "stage_en",
                                                    "outcome_en", "address", "ward", "me_too", "response")},
        "attributes": page.attributes, "photos": [(row["kind"], row["alt_en"]) for row in page.photos],
        "timeline": [(row["kind_en"], row["stage_en"], row["text"], row["agency_en"], row["detail_en"], row["actor"])
                     for row in page.timeline],
        "viewer": (page.is_reporter, page.following, page.did_me_too, page.can_me_too, page.awaiting, page.can_rate,
                   page.rating, bool(page.confirm_until)),
        "updates": [(u.author, u.name_hidden, u.text, u.hidden, u.hidden_reason, u.mine, len(u.photos))
                    for u in shown.updates],
        "update_rights": (shown.can_add, shown.can_moderate),
    }


_VIEWERS = ("citizen", "neighbour", "ward", "police", None)  # reporter, another citizen, the agency, another, nobody
_MASKED = "Lấn chiếm vỉa hè, gọi tôi [***] hoặc CCCD [***]"
_NOT_FOUND = {"found": False, "detail": {key: None for key in ("title", "description", "reporter", "agency",
                                                                "stage_en", "outcome_en", "address", "ward", "me_too",
                                                                "response")},
              "attributes": [], "photos": [], "timeline": [],
              "viewer": (False, False, False, False, False, False, "", False), "updates": [],
              "update_rights": (False, False)}


def _seen(detail: dict[str, object], reporter: str) -> dict[str, object]:
    return {**detail, "reporter": reporter}


async def test_the_report_page_shows_each_viewer_what_it_showed(ids) -> None:
    """Issue 24, eighth round (a pin: it passes on the ORM reads the page had before, and must on the Core ones):
    for the reporter who hid their name, another citizen, the handling agency's official, another agency's official
    and a visitor, the page shows the same report, names, masked text, photos, timeline, updates and choices; a
    hidden report only to its reporter and the handling agency."""
    from citizen_app.feedback import backoffice, updates
    from tests.unit.feedback.fixtures import png_bytes

    with session_scope() as db:
        photo = service.upload_photo(db, ids["citizen"], png_bytes())
        report = service.create_report(db, ids["citizen"], report_input(
            category_code="sidewalk", title="Xe máy đậu kín vỉa hè Vườn Chuối", attributes={}, ward="Bàn Cờ",
            address="Vườn Chuối", hide_name=True, photo_ids=[photo.id],
            description="Lấn chiếm vỉa hè, gọi tôi 0901 234 567 hoặc CCCD 079123456789"))
        report_id = report.id
    with session_scope() as db:
        backoffice.accept_report(db, ids["ward"], report_id, public_text="Đã tiếp nhận, sẽ kiểm tra")
        service.me_too(db, ids["neighbour"], report_id)
        updates.add_update(db, ids["neighbour"], report_id, "Vẫn còn, số 0912 345 678", hide_name=True)
        rude = updates.add_update(db, ids["neighbour"], report_id, "Bài viết không phù hợp")
        updates.add_update(db, ids["citizen"], report_id, "Cảm ơn phường")
    with session_scope() as db:
        updates.hide_update(db, ids["ward"], rude.id, "Không liên quan đến phản ánh")
        backoffice.refuse_report(db, ids["ward"], ids["report"], "Nội dung xúc phạm, không đăng công khai.",
                                 hide=True)
    detail = {"title": "Xe máy đậu kín vỉa hè Vườn Chuối", "description": _MASKED, "reporter": "",
              "agency": "ubnd-ban-co", "stage_en": "Triaged", "outcome_en": "", "address": "Vườn Chuối",
              "ward": "Bàn Cờ", "me_too": "1", "response": ""}
    ward = "Ban Co Ward People's Committee"
    timeline = [("Received", "Received", "", "", f"Sent to {ward}", ""),
                ("Triaged", "Triaged", "Đã tiếp nhận, sẽ kiểm tra", ward, "", "")]  # the agency, never the person
    hidden_name = ("", True, "Vẫn còn, số [***]", False, "", False, 0)
    rude_shown = ("Nguyễn Minh Khoa", False, "Bài viết không phù hợp", True, "Không liên quan đến phản ánh")
    thanks = ("Trần Thu Hà", False, "Cảm ơn phường", False, "", False, 0)
    common = {"found": True, "detail": detail, "attributes": [], "photos": [("report", "Photo of the problem")],
              "timeline": timeline}
    expected = {
        "citizen": {**common, "viewer": (True, True, False, False, False, False, "", False),
                    "updates": [hidden_name, (*thanks[:5], True, 0)], "update_rights": (True, False)},
        "neighbour": {**common, "viewer": (False, True, True, False, False, False, "", False),
                      "updates": [("Nguyễn Minh Khoa", True, "Vẫn còn, số [***]", False, "", True, 0),
                                  (*rude_shown, True, 0), thanks], "update_rights": (True, False)},
        "ward": {**common, "viewer": (False, False, False, True, False, False, "", False),
                 "updates": [("Nguyễn Minh Khoa", True, "Vẫn còn, số [***]", False, "", False, 0),
                             (*rude_shown, False, 0), thanks], "update_rights": (True, True)},
        "police": {**common, "viewer": (False, False, False, True, False, False, "", False),
                   "updates": [hidden_name, thanks], "update_rights": (True, False)},
        None: {**common, "viewer": (False, False, False, False, False, False, "", False),
               "updates": [hidden_name, thanks], "update_rights": (False, False)},
    }
    got = {}
    for user in _VIEWERS:
        page, shown = _report_page(_as(ids[user] if user else None), report_id)
        await ReportState.load.fn(page)
        got[user] = _page_read(page, shown)
    for user in _VIEWERS:
        assert got[user] == expected[user], user
    for user in _VIEWERS:  # the hidden report: only its reporter and the handling agency see it, with the name
        page, shown = _report_page(_as(ids[user] if user else None), ids["report"])
        await ReportState.load.fn(page)
        seen = _page_read(page, shown)
        if user in ("citizen", "ward"):
            assert seen["found"] and seen["detail"]["reporter"] == "Trần Thu Hà"
            assert "0901 234 567" not in str(seen) and seen["detail"]["stage_en"] == "Closed"
            assert seen["viewer"][0] is (user == "citizen") and seen["update_rights"] == (False, user == "ward")
        else:
            assert seen == _NOT_FOUND, user


async def test_the_report_pages_load_runs_only_prebuilt_core_statements(ids) -> None:
    """Issue 24, eighth round: the report page's load (the report with its agency and reporter, photos, public
    timeline, viewer's flags, moderator check, updates, agency names) runs Core statements built once, the same
    objects for another report, and no statement through the ORM: for every kind of viewer, and for a hidden report."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session as OrmSession

    from citizen_app.core.db import engine
    from citizen_app.feedback import backoffice, updates

    with session_scope() as db:
        other = service.create_report(db, ids["neighbour"], report_input(
            category_code="sidewalk", title="Quán lấn chiếm vỉa hè", attributes={}, ward="Bàn Cờ",
            address="Vườn Chuối"))
        other_id = other.id
    with session_scope() as db:
        backoffice.accept_report(db, ids["ward"], other_id)
        updates.add_update(db, ids["citizen"], other_id, "Vẫn còn", hide_name=True)
        updates.add_update(db, ids["citizen"], ids["report"], "Vẫn còn")
    seen: list[object] = []
    through_orm: list[object] = []
    loading = [False]  # only the pages' loads are watched (not the sessions opened or the report hidden here)

    def record(_conn, statement, *_args) -> None:
        seen.append(statement)

    def orm_statement(state) -> None:
        if loading[0]:
            through_orm.append(state.statement)

    def orm_object(_session, instance) -> None:
        if loading[0]:
            through_orm.append(instance)

    async def load(page: ReportState) -> None:
        loading[0] = True
        try:
            await ReportState.load.fn(page)
        finally:
            loading[0] = False

    listeners = [(engine(), "before_execute", record), (OrmSession, "do_orm_execute", orm_statement),
                 (OrmSession, "loaded_as_persistent", orm_object)]
    for target, name, fn in listeners:
        event.listen(target, name, fn)
    try:
        for user in _VIEWERS:
            sub = _as(ids[user] if user else None)
            page, shown = _report_page(sub, ids["report"])
            await load(page)  # the session's proof, first load of the tab
            runs = []
            for report_id in (ids["report"], other_id, ids["report"]):
                page, shown = _report_page(sub, report_id)
                seen.clear()
                await load(page)
                assert page.found and len(shown.updates) == 1
                runs.append([id(s) for s in seen])
            assert runs[0] and runs[0] == runs[1] == runs[2], user
        with session_scope() as db:
            backoffice.refuse_report(db, ids["ward"], other_id, "Nội dung xúc phạm, không đăng công khai.", hide=True)
        for user in _VIEWERS:
            page, _shown = _report_page(_as(ids[user] if user else None), other_id)
            await load(page)
            assert page.found is (user in ("neighbour", "ward")), user
    finally:
        for target, name, fn in listeners:
            event.remove(target, name, fn)
    assert through_orm == []
