"""Who works on a report, once the routing table (``routing_table.py``) has sent it to an agency.

- Reroutes between agencies: the handling agency or the ward's People's Committee proposes one with a reason;
  the receiving agency accepts it (the report starts again in its queue) or returns it with a reason. The
  report stays with its agency until then, so it is never with nobody.
- Assignment inside the handling agency: to a named official or to a team of the routing table; reassignment.
- Escalation (a scheduled job): a report whose deadline passed goes to the agency's leads (role ``lead``), or to
  the parent agency's officials when the agency has no lead.
- Staffing: every agency the table routes to has an active official, or its fallback has (start-up log,
  readiness route, and a test against the demo data).

Every step is a timeline event credited to the agency that acted; reroute proposals, returns and assignments
are internal (officials see who), the accepted reroute is public (the agency only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import utcnow
from citizen_app.feedback.backoffice import MAX_RESPONSE, acting
from citizen_app.feedback.catalog import OWED, load_catalog
from citizen_app.feedback.models import FeedbackEvent, FeedbackReport
from citizen_app.feedback.service import (
    add_event,
    agency_officials,
    audit,
    check_text,
    emit_to_officials,
    escalation_recipients,
    move_stage,
    notify_public_change,
    snapshot,
    staffed_agencies,
)
from citizen_app.feedback.workdays import deadline_after
from citizen_app.identity.models import Agency, UserAccount

# --- reroutes -----------------------------------------------------------------------------------


def propose_reroute(db: Session, user_id: int | None, report_id: int | str, agency_code: str,
                    reason: str) -> FeedbackReport:
    """Ask another agency to take the report; it stays with its agency until the other accepts."""
    actor, report = acting(db, user_id, report_id, "reroute")
    target = db.exec(select(Agency).where(Agency.code == (agency_code or "").strip())).first()
    if target is None:
        raise DomainError("feedback.agency_unknown")
    if target.code == report.agency_code:
        raise DomainError("feedback.reroute_same")
    if not staffed_agencies(db, {target.code}):
        raise DomainError("feedback.agency_unstaffed")
    text = check_text(reason, "reroute_reason", max_len=MAX_RESPONSE, min_len=10)
    before, now = snapshot(report), utcnow()
    report.pending_agency_code = target.code
    add_event(db, report, "reroute_proposed", actor=actor, text=text, public=False, now=now, target_code=target.code)
    audit(db, actor.user_id, "reroute_propose", report.id, before, snapshot(report))
    told = (agency_officials(db, target.code) | agency_officials(db, report.agency_code)) - {actor.user_id}
    emit_to_officials(db, "reroute_proposed", report, told, "feedback.notice_reroute_proposed")
    return report


def accept_reroute(db: Session, user_id: int | None, report_id: int | str) -> FeedbackReport:
    """The receiving agency takes the report: it starts again in its queue, unassigned, with a new deadline."""
    actor, report = acting(db, user_id, report_id, "reroute_accept")
    cat = load_catalog()
    before, now = snapshot(report), utcnow()
    previous, target = report.agency_code, str(report.pending_agency_code)
    proposer = _proposer(db, report)
    if report.stage != cat.initial_stage:
        move_stage(report, cat.initial_stage, now)
    report.agency_code, report.pending_agency_code = target, None
    report.assignee_id, report.team_code = None, ""
    report.due_at = report.expected_at = deadline_after(
        now, cat.triage_working_days + cat.categories[report.category_code].deadline_working_days)
    report.updated_at = now
    add_event(db, report, "rerouted", actor=actor, now=now, target_code=previous, agency=target)
    audit(db, actor.user_id, "reroute_accept", report.id, before, snapshot(report))
    notify_public_change(db, report, actor.user_id)
    told = (agency_officials(db, previous) | agency_officials(db, target) | {proposer}) - {actor.user_id, None}
    emit_to_officials(db, "reroute_accepted", report, told, "feedback.notice_reroute_accepted")
    return report


def return_reroute(db: Session, user_id: int | None, report_id: int | str, reason: str) -> FeedbackReport:
    """The receiving agency declines: the report stays where it is; the reason goes to whoever proposed it."""
    actor, report = acting(db, user_id, report_id, "reroute_return")
    text = check_text(reason, "return_reason", max_len=MAX_RESPONSE, min_len=10)
    before, now = snapshot(report), utcnow()
    declined, proposer = str(report.pending_agency_code), _proposer(db, report)
    report.pending_agency_code = None
    add_event(db, report, "reroute_returned", actor=actor, text=text, public=False, now=now,
              target_code=report.agency_code, agency=declined)
    audit(db, actor.user_id, "reroute_return", report.id, before, snapshot(report))
    told = (agency_officials(db, report.agency_code) | {proposer}) - {actor.user_id, None}
    emit_to_officials(db, "reroute_returned", report, told, "feedback.notice_reroute_returned")
    return report


def _proposer(db: Session, report: FeedbackReport) -> int | None:
    query = (select(FeedbackEvent.actor_id).where(FeedbackEvent.report_id == report.id,
                                                  FeedbackEvent.kind == "reroute_proposed")
             .order_by(col(FeedbackEvent.id).desc()).limit(1))
    return db.exec(query).first()


# --- assignment ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assignee:
    """Someone a report can be assigned to: ``user:<id>`` (an official of the agency) or ``team:<code>``."""

    value: str
    name_vi: str
    name_en: str


def assignees(db: Session, agency_code: str) -> list[Assignee]:
    """The agency's active officials (by name), then its teams."""
    ids = agency_officials(db, agency_code)
    people = db.exec(select(UserAccount.id, UserAccount.full_name).where(col(UserAccount.id).in_(list(ids)))
                     .order_by(UserAccount.full_name)).all() if ids else []
    teams = load_catalog().routing.teams_of(agency_code)
    return [*(Assignee(f"user:{uid}", name, name) for uid, name in people),
            *(Assignee(f"team:{t.code}", t.name_vi, t.name_en) for t in teams)]


def assign_report(db: Session, user_id: int | None, report_id: int | str, assignee: str) -> FeedbackReport:
    """Give the report to an official of its agency or to one of the agency's teams (again: reassign)."""
    actor, report = acting(db, user_id, report_id, "assign")
    if (assignee or "") not in {a.value for a in assignees(db, report.agency_code)}:
        raise DomainError("feedback.assignee_invalid")
    kind, _, value = assignee.partition(":")
    person, team = (int(value), "") if kind == "user" else (None, value)
    if (person, team) == (report.assignee_id, report.team_code):
        raise DomainError("feedback.assignee_same")
    before, now = snapshot(report), utcnow()
    event = "reassigned" if report.assignee_id or report.team_code else "assigned"
    report.assignee_id, report.team_code = person, team
    add_event(db, report, event, actor=actor, public=False, now=now, target_code=team, target_user_id=person)
    audit(db, actor.user_id, "assign", report.id, before, snapshot(report))
    if person is not None and person != actor.user_id:
        emit_to_officials(db, "assigned", report, {person}, "feedback.notice_assigned")
    return report


# --- escalation ---------------------------------------------------------------------------------


def escalate_overdue(db: Session, now: datetime | None = None) -> int:
    """Scheduled job: once per deadline, a report whose agency's deadline passed goes to the agency's leads (or
    its parent agency), and to the official assigned to it. Idempotent."""
    now = now or utcnow()
    rows = db.exec(select(FeedbackReport).where(
        col(FeedbackReport.stage).in_(load_catalog().stages_in(OWED)), col(FeedbackReport.due_at) < now,
        (col(FeedbackReport.escalated_at).is_(None)) | (col(FeedbackReport.escalated_at) < FeedbackReport.due_at)
    )).all()
    for report in rows:
        before = snapshot(report)
        report.escalation_level += 1
        report.escalated_at = now
        leads = agency_officials(db, report.agency_code, role="lead")
        target = report.agency_code if leads else _parent(db, report.agency_code)
        add_event(db, report, "escalated", actor=None, public=False, now=now, target_code=target)
        audit(db, None, "escalate", report.id, before, snapshot(report))
        emit_to_officials(db, "escalated", report, escalation_recipients(db, report), "feedback.notice_escalated")
    return len(rows)


def _parent(db: Session, agency_code: str) -> str:
    return db.exec(select(Agency.parent_code).where(Agency.code == agency_code)).first() or ""


# --- staffing -----------------------------------------------------------------------------------


def unstaffed_agencies(db: Session) -> list[str]:
    """Agencies the routing table sends reports to that have no active official while their fallback has none
    either: reports there would reach nobody. Empty when every route ends at someone."""
    table = load_catalog().routing
    staffed = staffed_agencies(db, table.targets())
    problems = []
    for agency in sorted(table.targets() - staffed):
        fallbacks = table.fallbacks_of(agency)
        if not fallbacks or not fallbacks <= staffed:
            problems.append(agency)
    return problems
