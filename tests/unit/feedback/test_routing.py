"""Routing as data: every category reaches a staffed agency from every ward; reroutes are proposed and accepted
or returned; reports are assigned inside the agency; overdue reports go to the agency's lead; the public history
names agencies, never people."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from citizen_app.core.errors import DomainError, NotAllowed
from citizen_app.core.timeutil import utcnow
from citizen_app.demo import DEMO_USERS, seed_user
from citizen_app.feedback import backoffice, board, routing, service, views
from citizen_app.feedback.catalog import DATA, load_catalog
from citizen_app.feedback.models import FeedbackEvent
from citizen_app.identity.models import UserAccount
from tests.unit.feedback.fixtures import make_user, pothole, seed_agencies

REASON = "Ổ gà nằm trên mặt đường Cách Mạng Tháng Tám, đường do Sở quản lý"


def _agency_codes() -> set[str]:
    return {a["code"] for a in json.loads((DATA / "agencies.json").read_text(encoding="utf-8"))["agencies"]}


def test_the_routing_table_covers_every_category_from_every_ward() -> None:
    cat = load_catalog()
    table = cat.routing
    rows = table.coverage(tuple(cat.categories))
    wards = [w.name for w in table.wards] + [""]  # "": a ward the table does not list
    classes = ["", *(code for code, _ in table.road_classes)]
    assert {(r[0], r[1], r[2]) for r in rows} == {(c, w, k) for c in cat.categories for w in wards for k in classes}
    assert {r[4] for r in rows} <= _agency_codes()
    by_cell = {(r[0], r[1], r[2]): r[4] for r in rows}
    assert by_cell[("road_damage", "Bàn Cờ", "alley")] == "ubnd-ban-co"
    assert by_cell[("road_damage", "Bàn Cờ", "arterial")] == "so-gtvt"
    assert by_cell[("road_damage", "", "")] == "tt-1022"
    assert by_cell[("noise", "Bàn Cờ", "")] == "ca-ban-co" and by_cell[("noise", "", "")] == "ca-tphcm"
    assert {by_cell[("water_supply", w, "")] for w in wards} == {"sawaco"}


def test_the_demo_staffs_every_agency_it_routes_to(db: Session) -> None:
    seed_agencies(db)
    for demo in DEMO_USERS:
        seed_user(db, demo)
    db.commit()
    table = load_catalog().routing
    assert routing.unstaffed_agencies(db) == []
    assert service.staffed_agencies(db, table.targets()) == set(table.targets())
    for agency in table.targets():
        assert service.agency_officials(db, agency, role="lead"), f"{agency} has no lead to escalate to"


def test_an_agency_without_staff_is_found_and_its_reports_go_to_the_fallback(db: Session, ban_co) -> None:
    assert routing.unstaffed_agencies(db) == []  # the city police and SAWACO have nobody, their fallbacks have
    db.get(UserAccount, ban_co.huong).is_active = False  # nobody at the intake: no fallback left for them
    db.commit()
    assert routing.unstaffed_agencies(db) == ["ca-tphcm", "sawaco", "tt-1022"]
    lan = db.get(UserAccount, ban_co.lan)
    lan.is_active = False  # the ward police: its reports fall back to the ward committee, which is staffed
    db.commit()
    assert "ca-ban-co" not in routing.unstaffed_agencies(db)
    noise = pothole(db, ban_co.citizen, category_code="noise", attributes={})
    assert noise.agency_code == "ubnd-ban-co"
    db.get(UserAccount, ban_co.tam).is_active = False
    db.commit()
    assert pothole(db, ban_co.citizen, address="185 Cách Mạng Tháng Tám").agency_code == "ubnd-ban-co"


def test_a_pothole_goes_to_the_ward_in_an_alley_and_to_the_department_on_a_main_road(db: Session, ban_co) -> None:
    alley = pothole(db, ban_co.citizen)
    main_road = pothole(db, ban_co.citizen, address="185 Cách Mạng Tháng Tám")
    elsewhere = pothole(db, ban_co.citizen, address="Hẻm 12 Trần Quang Khải", ward="Tân Định")
    assert (alley.agency_code, main_road.agency_code, elsewhere.agency_code) == ("ubnd-ban-co", "so-gtvt", "tt-1022")
    assert alley.ward_key == main_road.ward_key == "ban co"  # "phường Bàn Cờ" and "Bàn Cờ" are one ward
    queue = backoffice.official_queue(db, ban_co.binh)
    assert [r.id for r in queue] == [alley.id]
    ward = backoffice.official_queue(db, ban_co.binh, queue="ward")
    assert {r.id for r in ward} == {alley.id, main_road.id}  # the ward sees every report of the ward
    assert backoffice.queues_of(db, ban_co.binh) == backoffice.QUEUES
    assert "ward" not in backoffice.queues_of(db, ban_co.tam)
    assert backoffice.official_queue(db, ban_co.tam, queue="ward") == []  # not a ward committee
    with pytest.raises(DomainError, match="filter_invalid"):
        backoffice.official_queue(db, ban_co.tam, queue="nothing")


def test_the_ward_sees_another_agencys_report_without_the_reporter(db: Session, ban_co) -> None:
    report = pothole(db, ban_co.citizen, address="185 Cách Mạng Tháng Tám", hide_name=True,
                     description="Ổ gà sâu, gọi tôi 0903 123 456.")
    backoffice.add_internal_note(db, ban_co.tam, report.id, "Đội duy tu đã được báo")
    view = backoffice.get_report_for_official(db, ban_co.binh, report.id)
    assert not view.handling and view.reporter_name is None and view.reporter_contact == {}
    assert [e.kind for e in view.events] == ["received"]  # not the roads department's internal note
    assert view.actions == {"reroute"}
    for action in (lambda: backoffice.accept_report(db, ban_co.binh, report.id),
                   lambda: backoffice.add_internal_note(db, ban_co.binh, report.id, "ghi chú"),
                   lambda: routing.assign_report(db, ban_co.binh, report.id, f"user:{ban_co.thu}")):
        with pytest.raises(NotAllowed):
            action()
    with pytest.raises(NotAllowed):
        backoffice.get_report_for_official(db, ban_co.lan, report.id)  # the ward police is not the committee
    own = backoffice.get_report_for_official(db, ban_co.tam, report.id)
    assert own.handling and own.reporter_name == "Lê Thị Mai" and "0903 123 456" in own.report.description


def test_reroute_is_proposed_then_returned_or_accepted(db: Session, ban_co, notices) -> None:
    report = pothole(db, ban_co.citizen)
    backoffice.accept_report(db, ban_co.binh, report.id)
    routing.assign_report(db, ban_co.binh, report.id, f"user:{ban_co.thu}")
    routing.propose_reroute(db, ban_co.thu, report.id, "so-gtvt", REASON)
    assert (report.agency_code, report.pending_agency_code, report.stage) == ("ubnd-ban-co", "so-gtvt", "triaged")
    assert [r.id for r in backoffice.official_queue(db, ban_co.tam, queue="incoming")] == [report.id]
    assert any(n.kind == "reroute_proposed" and ban_co.tam in n.user_ids and n.url.startswith("/feedback/workbench/")
               for n in notices)
    with pytest.raises(DomainError, match="reroute_pending"):
        routing.propose_reroute(db, ban_co.binh, report.id, "tt-1022", REASON)
    for other in (ban_co.lan, ban_co.binh):  # neither the police nor the proposing agency decides
        with pytest.raises(NotAllowed):
            routing.accept_reroute(db, other, report.id)
    routing.return_reroute(db, ban_co.tam, report.id, "Đoạn này là hẻm, phường tự vá được")
    assert report.pending_agency_code is None and report.agency_code == "ubnd-ban-co"
    assert any(n.kind == "reroute_returned" and ban_co.thu in n.user_ids for n in notices)

    routing.propose_reroute(db, ban_co.binh, report.id, "so-gtvt", REASON)
    routing.accept_reroute(db, ban_co.tam, report.id)
    assert (report.agency_code, report.pending_agency_code, report.stage) == ("so-gtvt", None, "received")
    assert report.assignee_id is None and report.due_at > utcnow()
    assert [r.id for r in backoffice.official_queue(db, ban_co.tam)] == [report.id]
    assert backoffice.official_queue(db, ban_co.binh) == []
    assert [r.id for r in backoffice.official_queue(db, ban_co.binh, queue="ward")] == [report.id]
    backoffice.accept_report(db, ban_co.tam, report.id)
    events = db.exec(select(FeedbackEvent).where(FeedbackEvent.report_id == report.id)
                     .order_by(FeedbackEvent.id)).all()
    moves = [(e.kind, e.agency_code, e.target_code, e.public) for e in events if "route" in e.kind]
    assert moves == [("reroute_proposed", "ubnd-ban-co", "so-gtvt", False),
                     ("reroute_returned", "so-gtvt", "ubnd-ban-co", False),
                     ("reroute_proposed", "ubnd-ban-co", "so-gtvt", False),
                     ("rerouted", "so-gtvt", "ubnd-ban-co", True)]
    reasons = [e.text for e in events if e.kind.startswith("reroute_")]
    assert reasons == [REASON, "Đoạn này là hẻm, phường tự vá được", REASON]


def test_a_reroute_needs_a_reason_and_someone_to_take_it(db: Session, ban_co) -> None:
    report = pothole(db, ban_co.citizen)
    for agency, reason, code in (("no-such", REASON, "agency_unknown"), ("ubnd-ban-co", REASON, "reroute_same"),
                                 ("sawaco", REASON, "agency_unstaffed"), ("so-gtvt", "vì", "reroute_reason_required")):
        with pytest.raises(DomainError, match=code):
            routing.propose_reroute(db, ban_co.binh, report.id, agency, reason)
    assert report.pending_agency_code is None
    assert {row["value"] for row in views.reroute_options(db, report)} == {"ca-ban-co", "so-gtvt", "tt-1022"}


def test_the_ward_committee_proposes_a_reroute_of_a_report_it_does_not_handle(db: Session, ban_co) -> None:
    report = pothole(db, ban_co.citizen, address="185 Cách Mạng Tháng Tám")  # the roads department's
    routing.propose_reroute(db, ban_co.binh, report.id, "ca-ban-co", "Xe tải đậu trái phép làm hư mặt đường")
    routing.accept_reroute(db, ban_co.lan, report.id)
    assert report.agency_code == "ca-ban-co"


def test_assignment_and_the_officers_own_queue(db: Session, ban_co, notices) -> None:
    report = pothole(db, ban_co.citizen)
    assert [r.id for r in backoffice.official_queue(db, ban_co.thu, queue="unassigned")] == [report.id]
    assert backoffice.official_queue(db, ban_co.thu, queue="mine") == []
    routing.assign_report(db, ban_co.binh, report.id, f"user:{ban_co.thu}")
    assert [r.id for r in backoffice.official_queue(db, ban_co.thu, queue="mine")] == [report.id]
    assert backoffice.official_queue(db, ban_co.thu, queue="unassigned") == []
    assert [n.user_ids for n in notices if n.kind == "assigned"] == [(ban_co.thu,)]
    routing.assign_report(db, ban_co.thu, report.id, "team:ha-tang")
    assert (report.assignee_id, report.team_code) == (None, "ha-tang")
    assert backoffice.official_queue(db, ban_co.thu, queue="mine") == []
    routing.assign_report(db, ban_co.thu, report.id, f"user:{ban_co.binh}")
    for bad, code in ((f"user:{ban_co.binh}", "assignee_same"), (f"user:{ban_co.lan}", "assignee_invalid"),
                      ("team:duy-tu-duong", "assignee_invalid"), ("user:x", "assignee_invalid"),
                      ("", "assignee_invalid")):
        with pytest.raises(DomainError, match=code):
            routing.assign_report(db, ban_co.binh, report.id, bad)
    values = [a.value for a in routing.assignees(db, "ubnd-ban-co")]
    assert values == [f"user:{ban_co.thu}", f"user:{ban_co.binh}", "team:trat-tu-do-thi", "team:ha-tang"]
    rows = views.timeline_rows(db, backoffice.get_report_for_official(db, ban_co.binh, report.id).events,
                               internal=True)
    assigned = [(r["kind_en"], r["actor"], r["detail_vi"]) for r in rows if r["kind_en"] in ("Assigned", "Reassigned")]
    assert assigned == [("Assigned", "Phạm Văn Bình", "Giao cho Nguyễn Thị Thu"),
                        ("Reassigned", "Nguyễn Thị Thu", "Giao cho Bộ phận Kinh tế – Hạ tầng – Đô thị"),
                        ("Reassigned", "Nguyễn Thị Thu", "Giao cho Phạm Văn Bình")]


def test_an_overdue_report_goes_to_the_agency_lead_once_per_deadline(db: Session, ban_co, notices) -> None:
    report = pothole(db, ban_co.citizen)
    backoffice.accept_report(db, ban_co.binh, report.id)
    routing.assign_report(db, ban_co.binh, report.id, f"user:{ban_co.thu}")
    assert routing.escalate_overdue(db) == 0
    report.due_at = utcnow() - timedelta(minutes=5)
    db.commit()
    assert routing.escalate_overdue(db) == 1 and routing.escalate_overdue(db) == 0
    escalated = [n for n in notices if n.kind == "escalated"]
    assert [set(n.user_ids) for n in escalated] == [{ban_co.binh, ban_co.thu}]  # the lead and the assignee
    assert [r.id for r in backoffice.official_queue(db, ban_co.binh, queue="mine")] == [report.id]  # the lead's
    event = db.exec(select(FeedbackEvent).where(FeedbackEvent.kind == "escalated")).one()
    assert (event.public, event.target_code) == (False, "ubnd-ban-co")
    # a later deadline (e.g. set after a dispute) passes again: escalated again
    report.escalated_at, report.due_at = utcnow() - timedelta(hours=2), utcnow() - timedelta(hours=1)
    db.commit()
    assert routing.escalate_overdue(db) == 1 and report.escalation_level == 2
    backoffice.close_report(db, ban_co.thu, report.id, "no_action_possible", "Không thể xử lý vì thiếu kinh phí")
    report.due_at = utcnow() - timedelta(days=1)
    db.commit()
    assert routing.escalate_overdue(db) == 0  # answered: no deadline runs


def test_an_agency_without_a_lead_escalates_to_its_parent(db: Session, ban_co, notices) -> None:
    city = make_user(db, "Lãnh đạo TP", "official", agency="ubnd-tphcm")
    report = pothole(db, ban_co.citizen, address="185 Cách Mạng Tháng Tám")
    report.due_at = utcnow() - timedelta(minutes=5)
    db.commit()
    assert routing.escalate_overdue(db) == 1
    assert [n.user_ids for n in notices if n.kind == "escalated"] == [(city,)]


def test_the_public_history_names_the_agency_of_each_step_never_a_person(db: Session, ban_co) -> None:
    report = pothole(db, ban_co.citizen)
    backoffice.accept_report(db, ban_co.binh, report.id, public_text="Phường đã nhận")
    routing.assign_report(db, ban_co.binh, report.id, f"user:{ban_co.thu}")
    routing.propose_reroute(db, ban_co.thu, report.id, "so-gtvt", REASON)
    routing.accept_reroute(db, ban_co.tam, report.id)
    backoffice.accept_report(db, ban_co.tam, report.id)
    public = board.get_public_report(db, report.id)
    rows = views.timeline_rows(db, public.timeline)
    steps = [(r["kind_vi"], r["agency_vi"], r["detail_vi"]) for r in rows]
    assert steps == [
        ("Đã tiếp nhận", "", "Chuyển đến UBND phường Bàn Cờ"),
        ("Đã phân loại, chuyển xử lý", "UBND phường Bàn Cờ", ""),
        ("Chuyển cơ quan xử lý", "Sở Xây dựng (giao thông) TP.HCM", "Nhận chuyển từ UBND phường Bàn Cờ"),
        ("Đã phân loại, chuyển xử lý", "Sở Xây dựng (giao thông) TP.HCM", ""),
    ]
    shown = json.dumps(rows, ensure_ascii=False)
    for person in ("Phạm Văn Bình", "Nguyễn Thị Thu", "Đặng Văn Tâm", "Lê Thị Mai", REASON):
        assert person not in shown
    assert all(r["actor"] == "" for r in rows)
    official = views.timeline_rows(db, backoffice.get_report_for_official(db, ban_co.tam, report.id).events,
                                   internal=True)
    assert [r["actor"] for r in official if r["kind_en"] == "Rerouted"] == ["Đặng Văn Tâm"]
