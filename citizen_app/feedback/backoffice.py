"""The board's back office, the officials' use cases: queues, triage (accept, refuse, merge, priority), work,
answers and deadlines; admins' API keys (reroutes, assignment and escalation: ``routing.py``). Scoping: an
official acts on reports routed to their own agency, and only as ``official_actions`` allows (the stage's
actions from ``states.json``); the ward's People's Committee sees every report of its ward; an admin acts on
all. Every action writes the audit log."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import false
from sqlmodel import Session, col, select

from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.timeutil import format_date, to_local, utcnow
from citizen_app.feedback.catalog import OWED, load_catalog
from citizen_app.feedback.models import (
    FeedbackApiKey,
    FeedbackEvent,
    FeedbackFollow,
    FeedbackMeToo,
    FeedbackPhoto,
    FeedbackReport,
)
from citizen_app.feedback.service import (
    REPORT_CLOSED,
    Actor,
    add_event,
    audience,
    audit,
    can_handle,
    can_view_as_official,
    check_text,
    claim_photos,
    emit,
    get_report,
    is_overdue,
    load_actor,
    move_stage,
    notify_public_change,
    snapshot,
    watched_ward,
)
from citizen_app.feedback.workdays import deadline_after, end_of_local_day
from citizen_app.identity.models import Agency, UserAccount

MAX_RESPONSE = 4000
PRIORITIES = (0, 1, 2, 3)  # low, normal, high, urgent


def _official(db: Session, user_id: int | None) -> Actor:
    actor = load_actor(db, user_id)
    if not (actor.is_admin or actor.is_official):
        raise NotAllowed("feedback.official_only")
    return actor


def official_actions(actor: Actor, report: FeedbackReport) -> frozenset[str]:
    """What this official may do to this report now, the one rule behind the workbench's buttons and every
    action below: the handling agency has its stage's actions (``states.json``); the ward's People's Committee
    may propose a reroute whoever handles it; the agency a reroute is proposed to accepts or returns it."""
    stage_actions = frozenset(load_catalog().actions(report.stage))
    allowed = set(stage_actions) if can_handle(actor, report) else set()
    if "reroute" in stage_actions and report.ward_key and watched_ward(actor) == report.ward_key:
        allowed.add("reroute")
    if report.pending_agency_code:
        allowed.discard("reroute")
        if actor.is_admin or (actor.is_official and actor.agency_code == report.pending_agency_code):
            allowed |= {"reroute_accept", "reroute_return"} if "reroute" in stage_actions else {"reroute_return"}
    return frozenset(allowed)


def acting(db: Session, user_id: int | None, report_id: int | str, action: str) -> tuple[Actor, FeedbackReport]:
    """The acting official and the report, if ``official_actions`` allows ``action``."""
    actor = _official(db, user_id)
    report = get_report(db, report_id)
    if action not in official_actions(actor, report):
        raise _refusal(actor, report, action)
    return actor, report


def _refusal(actor: Actor, report: FeedbackReport, action: str) -> DomainError:
    """Why ``action`` is not allowed: not this official's report at all, or not in the report's present state."""
    watching = bool(report.ward_key) and watched_ward(actor) == report.ward_key
    if not can_view_as_official(actor, report):
        return NotAllowed("feedback.not_your_agency")
    if action == "reroute" and report.pending_agency_code and (watching or can_handle(actor, report)):
        return DomainError("feedback.reroute_pending")
    if action in ("reroute_accept", "reroute_return"):
        if not report.pending_agency_code:
            return DomainError("feedback.reroute_none_pending")
        if not (actor.is_admin or actor.agency_code == report.pending_agency_code):
            return NotAllowed("feedback.not_your_agency")
        return DomainError("feedback.action_not_allowed")
    if can_handle(actor, report) or (action == "reroute" and watching):
        return DomainError("feedback.action_not_allowed")
    return NotAllowed("feedback.not_your_agency")


def _viewed(db: Session, user_id: int | None, report_id: int | str) -> tuple[Actor, FeedbackReport]:
    actor = _official(db, user_id)
    report = get_report(db, report_id)
    if not can_view_as_official(actor, report):
        raise NotAllowed("feedback.not_your_agency")
    return actor, report


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficialReportView:
    """What an official sees. The handling agency: originals, the reporter's identity and contact, internal notes.
    Another agency that may look (the ward's committee, an agency a reroute is proposed to): the public text, no
    reporter, no internal notes, until the report is theirs."""

    report: FeedbackReport
    handling: bool
    actions: frozenset[str]
    reporter_name: str | None
    reporter_contact: dict[str, str]
    overdue: bool
    needs_progress_update: bool
    events: list[FeedbackEvent]
    photo_ids: list[int]


def needs_progress_update(report: FeedbackReport, now: datetime | None = None) -> bool:
    """Late and no progress update with a new date since the deadline passed."""
    if not is_overdue(report, now):
        return False
    return report.last_progress_at is None or report.last_progress_at < report.due_at  # type: ignore[operator]


QUEUES = ("agency", "mine", "unassigned", "ward", "incoming")


def queues_of(db: Session, user_id: int | None) -> tuple[str, ...]:
    """The queues this official has: "ward" only for a ward's People's Committee."""
    actor = _official(db, user_id)
    return tuple(q for q in QUEUES if q != "ward" or watched_ward(actor))


def official_queue(db: Session, user_id: int | None, *, stage: str | None = None, overdue_only: bool = False,
                   agency_code: str | None = None, queue: str = "agency", limit: int = 50,
                   offset: int = 0) -> list[FeedbackReport]:
    """One of the official's queues: ``agency`` (reports their agency handles; an admin: all, or ``agency_code``),
    ``mine`` (assigned to them, and for a lead the escalated ones), ``unassigned`` (their agency's, nobody on it),
    ``ward`` (every report of the ward whose committee they belong to), ``incoming`` (reroutes proposed to them)."""
    actor = _official(db, user_id)
    if queue not in QUEUES:
        raise DomainError("feedback.filter_invalid")
    query = select(FeedbackReport).where(*_queue_conditions(actor, queue, agency_code))
    if stage:
        query = query.where(FeedbackReport.stage == stage)
    if overdue_only:
        query = query.where(col(FeedbackReport.due_at) < utcnow(),
                            col(FeedbackReport.stage).in_(load_catalog().stages_in(OWED)))
    query = query.order_by(col(FeedbackReport.priority).desc(), col(FeedbackReport.due_at).asc())
    return list(db.exec(query.offset(max(offset, 0)).limit(min(max(limit, 1), 200))).all())


def _queue_conditions(actor: Actor, queue: str, agency_code: str | None) -> list[Any]:
    own = FeedbackReport.agency_code == actor.agency_code
    if queue == "mine":
        mine = FeedbackReport.assignee_id == actor.user_id
        if "lead" in actor.roles and actor.agency_code:
            mine = mine | (own & col(FeedbackReport.escalated_at).is_not(None))
        return [mine, FeedbackReport.is_open == True]
    if queue == "ward":
        ward = watched_ward(actor)
        return [FeedbackReport.ward_key == ward] if ward else [false()]
    if queue == "incoming":
        if actor.is_admin:
            return [col(FeedbackReport.pending_agency_code).is_not(None)]
        return [FeedbackReport.pending_agency_code == actor.agency_code]
    scope = [] if actor.is_admin and not actor.agency_code else [own]
    if actor.is_admin and agency_code:
        scope = [FeedbackReport.agency_code == agency_code]
    if queue == "unassigned":
        scope += [col(FeedbackReport.assignee_id).is_(None), FeedbackReport.team_code == "",
                  FeedbackReport.is_open == True]
    return scope


def get_report_for_official(db: Session, user_id: int | None, report_id: int | str) -> OfficialReportView:
    actor, report = _viewed(db, user_id, report_id)
    handling = can_handle(actor, report)
    events = list(db.exec(select(FeedbackEvent).where(FeedbackEvent.report_id == report.id)
                          .order_by(FeedbackEvent.id)).all())
    photo_ids = list(db.exec(select(FeedbackPhoto.id).where(FeedbackPhoto.report_id == report.id)).all())
    name, contact = _reporter(db, report) if handling else (None, {})
    if not handling:
        events = [e for e in events if e.kind != "note"]
    return OfficialReportView(report, handling, official_actions(actor, report), name, contact, is_overdue(report),
                              needs_progress_update(report), events, photo_ids)


def _reporter(db: Session, report: FeedbackReport) -> tuple[str | None, dict[str, str]]:
    reporter = db.get(UserAccount, report.reporter_id) if report.reporter_id else None
    contact = json.loads(report.contact_json or "{}")
    if reporter is not None:
        contact = {"phone": reporter.phone or "", "email": reporter.email or "", **contact}
    return (reporter.full_name if reporter else contact.get("name")), contact


# --- triage -------------------------------------------------------------------------------------


def _due_from_triage(report: FeedbackReport, now: datetime) -> datetime:
    days = load_catalog().categories[report.category_code].deadline_working_days
    return deadline_after(now, days)


def accept_report(db: Session, user_id: int | None, report_id: int | str, *, priority: int | None = None,
                  public_text: str = "") -> FeedbackReport:
    actor, report = acting(db, user_id, report_id, "accept")
    text = check_text(public_text, "response", max_len=MAX_RESPONSE)
    before, now = snapshot(report), utcnow()
    if priority is not None:
        _check_priority(priority)
        report.priority = priority
    move_stage(report, "triaged", now)
    report.triaged_at = now
    report.first_response_at = report.first_response_at or now
    report.due_at = report.expected_at = _due_from_triage(report, now)
    add_event(db, report, "accepted", actor=actor, text=text, now=now)
    audit(db, actor.user_id, "accept", report.id, before, snapshot(report))
    notify_public_change(db, report, actor.user_id)
    return report


def refuse_report(db: Session, user_id: int | None, report_id: int | str, reason: str, *,
                  hide: bool = False) -> FeedbackReport:
    """Refuse with a public reason (required). ``hide`` removes it from the public board (abuse, spam)."""
    actor, report = acting(db, user_id, report_id, "refuse")
    text = check_text(reason, "refuse_reason", max_len=MAX_RESPONSE, min_len=10)
    before, now = snapshot(report), utcnow()
    move_stage(report, "closed", now)
    report.outcome, report.hidden = "refused", bool(hide)
    report.first_response_at = report.first_response_at or now
    report.answered_at = now
    report.public_response = add_event(db, report, "refused", actor=actor, text=text, now=now).public_text
    audit(db, actor.user_id, "refuse", report.id, before, snapshot(report))
    notify_public_change(db, report, actor.user_id)
    return report


def merge_reports(db: Session, user_id: int | None, report_id: int | str, into_id: int | str) -> FeedbackReport:
    """Close ``report_id`` as a duplicate of ``into_id``; its reporter and me-too users join the target."""
    actor, report = acting(db, user_id, report_id, "merge")
    target = get_report(db, into_id)
    if not can_handle(actor, target):
        raise NotAllowed("feedback.not_your_agency")
    if target.id == report.id or target.duplicate_of is not None or not target.is_open:
        raise DomainError("feedback.merge_invalid")
    before, now = snapshot(report), utcnow()
    target_before = snapshot(target)
    move_stage(report, "closed", now)
    report.outcome, report.duplicate_of, report.answered_at = "duplicate", target.id, now
    joiners = _merge_people(db, report, target)
    target.me_too_count += len(joiners)
    target.updated_at = now
    add_event(db, report, "merged", actor=actor, text=f"#{target.id}", now=now)
    audit(db, actor.user_id, "merge", report.id, before, snapshot(report))
    audit(db, actor.user_id, "merge_into", target.id, target_before, snapshot(target))
    emit(db, "merged", report, audience(db, report, actor.user_id) | audience(db, target, actor.user_id),
         "feedback.notice_merged", target_id=target.id)
    return target


def _merge_people(db: Session, report: FeedbackReport, target: FeedbackReport) -> set[int]:
    """Reporter and me-too users of ``report`` become me-too users and followers of ``target``."""
    people = set(db.exec(select(FeedbackMeToo.user_id).where(FeedbackMeToo.report_id == report.id)).all())
    if report.reporter_id:
        people.add(report.reporter_id)
    people.discard(target.reporter_id)
    already = set(db.exec(select(FeedbackMeToo.user_id).where(FeedbackMeToo.report_id == target.id)).all())
    joiners = people - already
    followers = set(db.exec(select(FeedbackFollow.user_id).where(FeedbackFollow.report_id == target.id)).all())
    for uid in sorted(joiners):
        db.add(FeedbackMeToo(report_id=target.id, user_id=uid))
    for uid in sorted(people - followers):
        db.add(FeedbackFollow(report_id=target.id, user_id=uid))
    return joiners


def _check_priority(priority: Any) -> int:
    if not isinstance(priority, int) or isinstance(priority, bool) or priority not in PRIORITIES:
        raise DomainError("feedback.priority_invalid")
    return priority


def set_priority(db: Session, user_id: int | None, report_id: int | str, priority: int) -> FeedbackReport:
    actor, report = acting(db, user_id, report_id, "priority")
    before = snapshot(report)
    report.priority = _check_priority(priority)
    audit(db, actor.user_id, "priority", report.id, before, snapshot(report))
    return report


# --- work and answers ---------------------------------------------------------------------------


def start_work(db: Session, user_id: int | None, report_id: int | str, public_text: str = "") -> FeedbackReport:
    actor, report = acting(db, user_id, report_id, "start_work")
    text = check_text(public_text, "response", max_len=MAX_RESPONSE)
    before, now = snapshot(report), utcnow()
    move_stage(report, "in_progress", now)
    report.first_response_at = report.first_response_at or now
    add_event(db, report, "in_progress", actor=actor, text=text, now=now)
    audit(db, actor.user_id, "start", report.id, before, snapshot(report))
    notify_public_change(db, report, actor.user_id)
    return report


def post_public_response(db: Session, user_id: int | None, report_id: int | str, text: str) -> FeedbackEvent:
    """The agency's public response, shown on the board as written except the reporter's own data quoted back."""
    actor, report = acting(db, user_id, report_id, "respond")
    body = check_text(text, "response", max_len=MAX_RESPONSE, min_len=1)
    now = utcnow()
    report.first_response_at = report.first_response_at or now
    report.updated_at = now
    event = add_event(db, report, "response", actor=actor, text=body, now=now)
    report.public_response = event.public_text
    audit(db, actor.user_id, "respond", report.id, {}, {"public_response": body})
    notify_public_change(db, report, actor.user_id, kind="response_posted")
    return event


def add_internal_note(db: Session, user_id: int | None, report_id: int | str, text: str) -> FeedbackEvent:
    """A note for officials only: never on the public board, never notified to citizens."""
    actor, report = acting(db, user_id, report_id, "note")
    body = check_text(text, "note", max_len=MAX_RESPONSE, min_len=1)
    event = add_event(db, report, "note", actor=actor, text=body, public=False)
    audit(db, actor.user_id, "note", report.id, {}, {"note": body})
    return event


def post_progress_update(db: Session, user_id: int | None, report_id: int | str, text: str, new_date: date,
                         photo_ids: Iterable[int] = ()) -> FeedbackReport:
    """Progress report with a committed completion date (required once a report is late)."""
    actor, report = acting(db, user_id, report_id, "progress")
    body = check_text(text, "progress", max_len=MAX_RESPONSE, min_len=10)
    today = to_local(utcnow()).date()
    if not isinstance(new_date, date) or new_date <= today or new_date > today + timedelta(days=180):
        raise DomainError("feedback.progress_date_invalid")
    photos = claim_photos(db, actor.user_id, photo_ids, report_id=report.id)
    before, now = snapshot(report), utcnow()
    for photo in photos:
        photo.report_id, photo.kind = report.id, "progress"
    report.expected_at = end_of_local_day(new_date)
    report.last_progress_at = now
    report.updated_at = now
    db.flush()
    add_event(db, report, "progress", actor=actor, text=body, photo_ids=[p.id for p in photos], now=now)
    audit(db, actor.user_id, "progress", report.id, before, snapshot(report))
    notify_public_change(db, report, actor.user_id, kind="progress_update")
    return report


def close_report(db: Session, user_id: int | None, report_id: int | str, outcome: str, public_text: str,
                 after_photo_ids: Iterable[int] = ()) -> FeedbackReport:
    """Answer and close. 'fixed' needs an after photo. Outcomes needing confirmation wait 7 days for
    the reporter (confirm/dispute); reports without a web reporter close at once."""
    actor, report = acting(db, user_id, report_id, "answer")
    spec = load_catalog().outcomes.get(outcome)
    if spec is None or outcome in ("duplicate", "refused") or not spec.allowed_for(report.category_code):
        raise DomainError("feedback.outcome_invalid")
    body = check_text(public_text, "response", max_len=MAX_RESPONSE, min_len=10)
    photos = claim_photos(db, actor.user_id, after_photo_ids, report_id=report.id)
    if spec.needs_after_photo and not photos:
        raise DomainError("feedback.after_photo_required")
    before, now = snapshot(report), utcnow()
    for photo in photos:
        photo.report_id, photo.kind = report.id, "after"
    target = "awaiting_confirmation" if spec.needs_confirmation and report.reporter_id else "closed"
    move_stage(report, target, now)
    report.outcome, report.answered_at = outcome, now
    report.first_response_at = report.first_response_at or now
    db.flush()
    event = add_event(db, report, "answered", actor=actor, text=body, photo_ids=[p.id for p in photos], now=now)
    report.public_response = event.public_text
    audit(db, actor.user_id, "close", report.id, before, snapshot(report))
    REPORT_CLOSED(db, report, actor.user_id)
    notify_public_change(db, report, actor.user_id)
    return report


# --- reply templates ----------------------------------------------------------------------------


def reply_templates(lang: str = "vi") -> list[tuple[str, str]]:
    return [(code, texts["en" if lang == "en" else "vi"]) for code, texts in load_catalog().templates.items()]


def render_reply(db: Session, report_id: int | str, code: str, lang: str = "vi",
                 when: date | None = None) -> str:
    report = get_report(db, report_id)
    template = load_catalog().templates.get(code)
    if template is None:
        raise DomainError("feedback.template_unknown")
    agency = db.exec(select(Agency).where(Agency.code == report.agency_code)).first()
    agency_name = (agency.name_en if lang == "en" else agency.name_vi) if agency else report.agency_code
    due = when.strftime("%d/%m/%Y") if when else (format_date(report.expected_at) if report.expected_at else "")
    return template["en" if lang == "en" else "vi"].format(report_id=report.id, agency=agency_name, date=due)


# --- Open311 API keys (admin) -------------------------------------------------------------------


def key_hash(raw: str) -> str:
    return hashlib.sha256((raw or "").encode()).hexdigest()


def issue_api_key(db: Session, user_id: int | None, label: str) -> tuple[FeedbackApiKey, str]:
    """Create an Open311 POST key; the raw key is returned once and only its hash is stored."""
    actor = load_actor(db, user_id)
    if not actor.is_admin:
        raise NotAllowed("feedback.admin_only")
    name = check_text(label, "api_key_label", max_len=120, min_len=3)
    raw = "o311_" + secrets.token_urlsafe(32)
    row = FeedbackApiKey(key_hash=key_hash(raw), label=name, created_by=actor.user_id)
    db.add(row)
    db.flush()
    audit(db, actor.user_id, "api_key_issue", None, {}, {"api_key_id": row.id, "label": name})
    return row, raw


def revoke_api_key(db: Session, user_id: int | None, key_id: int) -> None:
    actor = load_actor(db, user_id)
    if not actor.is_admin:
        raise NotAllowed("feedback.admin_only")
    row = db.get(FeedbackApiKey, key_id)
    if row is None:
        raise NotFound("feedback.api_key_not_found")
    row.revoked_at = row.revoked_at or utcnow()
    audit(db, actor.user_id, "api_key_revoke", None, {"api_key_id": key_id}, {"revoked": True})


def list_api_keys(db: Session, user_id: int | None) -> list[FeedbackApiKey]:
    actor = load_actor(db, user_id)
    if not actor.is_admin:
        raise NotAllowed("feedback.admin_only")
    return list(db.exec(select(FeedbackApiKey).order_by(FeedbackApiKey.id)).all())


def check_api_key(db: Session, raw: str | None) -> FeedbackApiKey:
    if not raw:
        raise NotAllowed("feedback.api_key_invalid")
    row = db.exec(select(FeedbackApiKey).where(FeedbackApiKey.key_hash == key_hash(raw))).first()
    if row is None or row.revoked_at is not None:
        raise NotAllowed("feedback.api_key_invalid")
    row.last_used_at = utcnow()
    return row
