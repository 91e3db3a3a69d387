"""Which stages are open, which can be overdue and what an official may do come from states.json, in one place
(``Catalog``, ``backoffice.official_actions``), and every service and Open311 follow them."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import Session

from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import utcnow
from citizen_app.feedback import backoffice, open311, routing, service, views
from citizen_app.feedback.catalog import ACTION_TARGETS, DATA, load_catalog
from tests.unit.feedback.fixtures import pothole

STAGES = json.loads((DATA / "feedback" / "states.json").read_text(encoding="utf-8"))["stages"]
TOMORROW = (utcnow() + timedelta(days=2)).date()
ACTIONS = {  # each official action as the service runs it, with valid input
    "accept": lambda db, w, r: backoffice.accept_report(db, w.binh, r.id),
    "start_work": lambda db, w, r: backoffice.start_work(db, w.binh, r.id),
    "answer": lambda db, w, r: backoffice.close_report(db, w.binh, r.id, "no_action_possible",
                                                       "Không thể xử lý vì thiếu kinh phí"),
    "progress": lambda db, w, r: backoffice.post_progress_update(db, w.binh, r.id, "Đang chờ vật tư thay",
                                                                 TOMORROW),
    "refuse": lambda db, w, r: backoffice.refuse_report(db, w.binh, r.id, "Không đủ thông tin để xử lý"),
    "merge": lambda db, w, r: backoffice.merge_reports(db, w.binh, r.id, pothole(db, w.citizen).id),
    "reroute": lambda db, w, r: routing.propose_reroute(db, w.binh, r.id, "so-gtvt", "Đường do Sở quản lý ạ"),
    "priority": lambda db, w, r: backoffice.set_priority(db, w.binh, r.id, 2),
    "assign": lambda db, w, r: routing.assign_report(db, w.binh, r.id, f"user:{w.thu}"),
    "respond": lambda db, w, r: backoffice.post_public_response(db, w.binh, r.id, "Phường đã ghi nhận"),
    "note": lambda db, w, r: backoffice.add_internal_note(db, w.binh, r.id, "Ghi chú"),
}


def test_every_action_the_file_may_name_is_implemented() -> None:
    assert set(ACTIONS) == set(ACTION_TARGETS)


@pytest.mark.parametrize("stage", STAGES, ids=lambda s: s["code"])
def test_the_derived_rules_are_the_files(stage: dict) -> None:
    cat = load_catalog()
    code = stage["code"]
    assert cat.is_open(code) == (stage["group"] != "closed") == (stage["open311"] == "open")
    assert cat.deadline_runs(code) == (stage["group"] == "open")
    assert cat.waits_for_reporter(code) == (stage["group"] == "answered")
    assert cat.actions(code) == tuple(stage["actions"])
    assert cat.open311_status(code) == stage["open311"]


def _in_stage(db: Session, ban_co, code: str):
    report = pothole(db, ban_co.citizen)
    report.stage, report.is_open = code, load_catalog().is_open(code)
    report.due_at = utcnow() - timedelta(hours=1)
    db.commit()
    return report


@pytest.mark.parametrize("stage", STAGES, ids=lambda s: s["code"])
def test_officials_may_do_exactly_what_the_file_lists(db: Session, ban_co, stage: dict) -> None:
    report = _in_stage(db, ban_co, stage["code"])
    actor = service.load_actor(db, ban_co.binh)
    assert backoffice.official_actions(actor, report) == frozenset(stage["actions"])
    assert backoffice.get_report_for_official(db, ban_co.binh, report.id).actions == frozenset(stage["actions"])
    for action, run in ACTIONS.items():
        if action in stage["actions"]:
            continue
        with pytest.raises(DomainError, match="action_not_allowed"):
            run(db, ban_co, report)
        db.rollback()


@pytest.mark.parametrize("stage", STAGES, ids=lambda s: s["code"])
def test_every_listed_action_runs(db: Session, ban_co, stage: dict) -> None:
    for action in stage["actions"]:
        report = _in_stage(db, ban_co, stage["code"])
        ACTIONS[action](db, ban_co, report)
        db.rollback()


@pytest.mark.parametrize("stage", STAGES, ids=lambda s: s["code"])
def test_overdue_open_and_open311_follow_the_group(db: Session, ban_co, stage: dict) -> None:
    report = _in_stage(db, ban_co, stage["code"])
    owed = stage["group"] == "open"
    assert service.is_overdue(report) == owed
    assert views.report_row(report, official=True)["overdue"] == ("1" if owed else "")
    overdue = backoffice.official_queue(db, ban_co.binh, overdue_only=True)
    assert [r.id for r in overdue] == ([report.id] if owed else [])
    assert open311.request_dicts(db, [report])[0]["status"] == stage["open311"]
    wanted = open311.parse_request_query({"status": stage["open311"]}, "vi")
    assert report.id in [r.id for r in open311.find_requests(db, wanted)]


@pytest.mark.parametrize("stage", STAGES, ids=lambda s: s["code"])
def test_what_a_citizen_may_do_follows_the_group(db: Session, ban_co, stage: dict) -> None:
    report = _in_stage(db, ban_co, stage["code"])
    report.answered_at = utcnow()
    answered = stage["group"] == "answered"
    assert views.viewer_choices(report, ban_co.citizen, False) == {
        "is_reporter": True, "awaiting": answered, "can_me_too": False}
    assert views.viewer_choices(report, ban_co.lan, False)["can_me_too"] == (stage["group"] != "closed")
    assert not views.viewer_choices(report, ban_co.lan, True)["can_me_too"]
    assert bool(views.confirm_deadline(report)) == answered


def test_a_stage_moved_to_another_group_changes_the_citizens_buttons(db: Session, ban_co, monkeypatch) -> None:
    """No stage code is written by hand: a stage the file puts in another group behaves as that group."""
    stages = load_catalog().stages
    monkeypatch.setitem(stages, "in_progress", replace(stages["in_progress"], group="answered"))
    monkeypatch.setitem(stages, "awaiting_confirmation", replace(stages["awaiting_confirmation"], group="closed"))
    working = _in_stage(db, ban_co, "in_progress")
    working.answered_at = utcnow()
    assert views.confirm_deadline(working)  # the reporter is asked to confirm
    assert views.viewer_choices(working, ban_co.citizen, False)["awaiting"]
    finished = _in_stage(db, ban_co, "awaiting_confirmation")
    assert not views.viewer_choices(finished, ban_co.lan, False)["can_me_too"]
