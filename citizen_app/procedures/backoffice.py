"""Back office: an official's agency queue and the intake/processing/result actions.

An official sees and acts on only their own agency's dossiers: ``UserAccount.agency_id`` must equal the
dossier's agency, and that agency's kind must be the procedure's agency kind.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from citizen_app.city.text import contains_all
from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.timeutil import format_vnd, to_local, utcnow
from citizen_app.core.workdays import work_calendar
from citizen_app.identity.models import Agency, UserAccount, UserRole
from citizen_app.identity.service import require_role
from citizen_app.procedures import documents, files, forms, named, statuses, wallet_result
from citizen_app.procedures.catalog import Procedure, agency_serves, get_procedure
from citizen_app.procedures.hooks import NOTIFY, Notice
from citizen_app.procedures.models import (
    ProcApology,
    ProcAudit,
    ProcDossier,
    ProcDossierEvent,
    ProcResult,
    ProcSupplement,
)
from citizen_app.procedures.service import (
    append_event,
    audit,
    dossier_events,
    load_dossier,
    notify_applicant,
    refresh_projection,
    resolve_actor,
    sla_state,
    transition,
)
from citizen_app.procedures.sla import end_of_office_day, start_day

APOLOGY_EXTENSION_DAYS = 2
OPEN_STATUSES = (statuses.NEW, statuses.ACCEPTED, statuses.PROCESSING, statuses.SUPPLEMENT, statuses.FEE,
                 statuses.DONE)
NO_OVERDUE = {statuses.REFUSED, statuses.WITHDRAWN, statuses.STOPPED, statuses.DONE, statuses.DELIVERED}
SignPdf = Callable[[bytes, Any], bytes]  # (unsigned PDF, signer) -> signed PDF, e.g. documents.sign_with_agency
SUBMITTED_STATUSES = tuple(range(statuses.NEW, statuses.DELIVERED + 1))
PAGE_SIZE = 8  # rows that fit a 1366×768 screen with the filters above them
DUE_FILTERS = ("overdue", "today", "soon", "none")
SOON_WORKING_DAYS = 2
VIEW_WINDOW = timedelta(minutes=30)  # repeated views of one dossier by one official are one entry in her log
# What the citizen is told after each official action (``procedures.notice.<action>``); approve is told by deliver.
NOTICE_ACTIONS = frozenset({"accept", "refuse", "start_processing", "request_supplement", "request_fee", "stop"})


@dataclass(frozen=True)
class QueueItem:
    dossier_id: int
    number: str
    procedure_code: str
    procedure_vi: str
    subject_name: str
    status: int
    submitted_at: datetime | None
    due_at: datetime | None
    overdue: bool
    paused: bool
    assignee_id: int | None = None
    awaiting_second: bool = False
    late: bool = False  # missed a deadline: overdue now, or given a new appointment after an apology


@dataclass(frozen=True)
class QueueFilter:
    """What the official narrowed the queue to. ``assignee``: "" (anyone), "me", "none" or an officer's id;
    ``due``: "" or one of ``DUE_FILTERS``; ``status``: 0 for every open status, or one submitted status."""

    procedure: str = ""
    status: int = 0
    assignee: str = ""
    due: str = ""
    query: str = ""
    page: int = 1


@dataclass(frozen=True)
class QueuePage:
    items: list[QueueItem]
    total: int
    page: int
    pages: int
    counts: dict[int, int] = field(default_factory=dict)  # open dossiers per status, before the status filter
    overdue: int = 0


@dataclass(frozen=True)
class Officer:
    id: int
    name: str


def _official_agency(db: Session, official_id: int | None) -> Agency:
    require_role(db, official_id, "official")
    user = db.get(UserAccount, official_id)
    agency = db.get(Agency, user.agency_id) if user and user.agency_id else None
    if agency is None:
        raise NotAllowed("procedures.official_without_agency")
    return agency


def scoped_dossier(db: Session, official_id: int | None, dossier_id: int) -> tuple[ProcDossier, Procedure]:
    """A submitted dossier of the official's own agency (NotFound for any other: nothing is revealed)."""
    agency = _official_agency(db, official_id)
    dossier = load_dossier(db, dossier_id)
    proc = get_procedure(dossier.procedure_code)
    wrong_agency = dossier.agency_id != agency.id or not agency_serves(agency, proc.agency_kind)
    if wrong_agency or dossier.status == statuses.DRAFT:
        raise NotFound("procedures.dossier_not_found")  # do not reveal other agencies' dossiers
    return dossier, proc


def is_overdue(dossier: ProcDossier, now: datetime) -> bool:
    """Derived flag: past due and not finished, refused, withdrawn or stopped (and the clock is running)."""
    return (dossier.due_at is not None and not dossier.paused and dossier.status not in NO_OVERDUE
            and now > dossier.due_at)


def _queue_items(db: Session, agency: Agency, wanted: tuple[int, ...], now: datetime) -> list[QueueItem]:
    query = select(ProcDossier).where(ProcDossier.agency_id == agency.id, col(ProcDossier.status).in_(wanted))
    dossiers = [d for d in db.exec(query).all() if agency_serves(agency, get_procedure(d.procedure_code).agency_kind)]
    proposed = _proposed_ids(db, [d.id for d in dossiers if d.status == statuses.PROCESSING])
    apologised = _apologised_ids(db, [d.id for d in dossiers])
    items = []
    for d in dossiers:
        overdue = is_overdue(d, now)
        items.append(QueueItem(d.id, d.number, d.procedure_code, get_procedure(d.procedure_code).name["vi"],
                               d.subject_name, d.status, d.submitted_at, d.due_at, overdue, d.paused, d.assignee_id,
                               d.id in proposed, overdue or (d.id in apologised and d.status not in NO_OVERDUE)))
    far = datetime.max.replace(tzinfo=UTC)
    items.sort(key=lambda i: (not i.late, i.due_at or far, i.submitted_at or far))
    return items


def _apologised_ids(db: Session, dossier_ids: list[int]) -> set[int]:
    if not dossier_ids:
        return set()
    return set(db.exec(select(ProcApology.dossier_id).where(col(ProcApology.dossier_id).in_(dossier_ids))).all())


def is_late(db: Session, dossier: ProcDossier, now: datetime) -> bool:
    """Overdue now, or already apologised for (a new appointment does not make a missed deadline on time)."""
    return is_overdue(dossier, now) or (dossier.status not in NO_OVERDUE and bool(_apologised_ids(db, [dossier.id])))


def agency_queue(db: Session, official_id: int | None, now: datetime | None = None) -> list[QueueItem]:
    """Open dossiers of the official's agency: late first (overdue, or re-appointed after an apology), then by
    due date, then by submission."""
    agency = _official_agency(db, official_id)
    return _queue_items(db, agency, OPEN_STATUSES, now or utcnow())


def _due_matches(item: QueueItem, due: str, now: datetime) -> bool:
    if due == "overdue":
        return item.late
    if due == "none":
        return item.due_at is None or item.paused
    if item.due_at is None or item.paused or item.overdue:
        return False
    cal = work_calendar()
    today = to_local(now).date()
    last = today if due == "today" else cal.add_working_days(today, SOON_WORKING_DAYS)
    return to_local(item.due_at).date() <= last


def _assignee_matches(item: QueueItem, assignee: str, official_id: int) -> bool:
    if assignee == "me":
        return item.assignee_id == official_id
    if assignee == "none":
        return item.assignee_id is None
    return not assignee or str(item.assignee_id) == assignee


def queue_page(db: Session, official_id: int | None, wanted: QueueFilter | None = None,
               now: datetime | None = None, page_size: int = PAGE_SIZE) -> QueuePage:
    """One page of the agency's queue, filtered (procedure, status, assignee, due) and searched by dossier
    number or the subject's name (accents ignored), with the open dossiers counted per status."""
    agency = _official_agency(db, official_id)
    wanted, now = wanted or QueueFilter(), now or utcnow()
    statuses_wanted = (wanted.status,) if wanted.status in SUBMITTED_STATUSES else OPEN_STATUSES
    items = _queue_items(db, agency, tuple(sorted(set(statuses_wanted) | set(OPEN_STATUSES))), now)
    narrowed = [i for i in items
                if (not wanted.procedure or i.procedure_code == wanted.procedure)
                and _assignee_matches(i, wanted.assignee, official_id)
                and (not wanted.due or _due_matches(i, wanted.due, now))
                and (not wanted.query or contains_all(f"{i.number} {i.subject_name}", wanted.query[:100]))]
    counts: dict[int, int] = {}
    for item in narrowed:
        if item.status in OPEN_STATUSES:
            counts[item.status] = counts.get(item.status, 0) + 1
    shown = [i for i in narrowed if i.status in statuses_wanted]
    pages = max(1, math.ceil(len(shown) / page_size))
    page = min(max(1, wanted.page), pages)
    return QueuePage(shown[(page - 1) * page_size:page * page_size], len(shown), page, pages, counts,
                     sum(1 for i in narrowed if i.late and i.status in OPEN_STATUSES))


def time_left(due_at: datetime | None, now: datetime, paused: bool, overdue: bool,
              late: bool = False) -> tuple[str, str]:
    """How long until the result is due, in words: working days, or hours on the last day; a dossier
    re-appointed after an apology says so."""
    if late and not overdue and not paused and due_at is not None:
        vi, en = time_left(due_at, now, paused, overdue)
        return f"Đã trễ hẹn, hẹn lại: {vi[0].lower()}{vi[1:]}", f"Late, new date: {en[0].lower()}{en[1:]}"
    if due_at is None:
        return "", ""
    if paused:
        return "Tạm dừng tính hạn", "Clock paused"
    cal, today, due_day = work_calendar(), to_local(now).date(), to_local(due_at).date()
    if overdue:
        days = cal.working_days_between(due_day, today)
        if days == 0:
            return "Quá hạn chưa đến 1 ngày làm việc", "Overdue by less than a working day"
        return f"Quá hạn {days} ngày làm việc", f"Overdue by {days} working day{'s' if days > 1 else ''}"
    if due_day == today:
        hours = max(1, math.ceil((due_at - now).total_seconds() / 3600))
        return f"Hạn hôm nay, còn {hours} giờ", f"Due today, {hours} h left"
    days = cal.working_days_between(today, due_day)
    return f"Còn {days} ngày làm việc", f"{days} working day{'s' if days > 1 else ''} left"


def agency_officers(db: Session, official_id: int | None) -> list[Officer]:
    """The officials of the caller's agency, who may be assigned its dossiers (by name)."""
    agency = _official_agency(db, official_id)
    query = (select(UserAccount).join(UserRole, col(UserRole.user_id) == col(UserAccount.id))
             .where(UserAccount.agency_id == agency.id, UserRole.role == "official")
             .order_by(col(UserAccount.full_name)))
    return [Officer(u.id, u.full_name) for u in db.exec(query).all() if u.id is not None]


def assign(db: Session, official_id: int | None, dossier_id: int, assignee_id: int | None,
           now: datetime | None = None) -> ProcDossier:
    """Assign an open dossier to a named official of the same agency (``None``: nobody), or reassign it."""
    dossier, _ = scoped_dossier(db, official_id, dossier_id)
    if dossier.status not in OPEN_STATUSES:
        raise DomainError("procedures.assign_closed")
    officers = {o.id: o.name for o in agency_officers(db, official_id)}
    if assignee_id is not None and assignee_id not in officers:
        raise DomainError("procedures.assignee_invalid")
    if dossier.assignee_id == assignee_id:
        return dossier
    previous, dossier.assignee_id = dossier.assignee_id, assignee_id
    append_event(db, dossier, kind="assignment", action="assigned" if assignee_id else "unassigned",
                 actor_id=official_id, data={"from": previous, "to": assignee_id}, now=now)
    audit(db, official_id, "assigned", dossier=dossier, assignee=assignee_id, previous=previous)
    if assignee_id is not None and assignee_id != official_id:
        NOTIFY(Notice(assignee_id, "procedures.notice.assigned", {"number": dossier.number}, dossier.id,
                            session=db, url=f"/procedures/backoffice/{dossier.id}"))
    return dossier


def view_dossier(db: Session, official_id: int | None, dossier_id: int, now: datetime | None = None) -> ProcDossier:
    """The official opens a dossier: always in the agency's audit, and in the citizen's own activity log with
    the official's name and agency, once per ``VIEW_WINDOW`` so that reloads and actions do not flood it."""
    dossier, _ = scoped_dossier(db, official_id, dossier_id)
    now = now or utcnow()
    query = select(ProcAudit.id).where(ProcAudit.dossier_id == dossier.id, ProcAudit.actor_id == official_id,
                                       ProcAudit.action == "official_viewed", col(ProcAudit.at) > now - VIEW_WINDOW,
                                       col(ProcAudit.on_behalf_of).is_not(None))
    recent = db.exec(query.limit(1)).first() is not None
    audit(db, official_id, "official_viewed", dossier=dossier, at=now,
          on_behalf_of=None if recent else dossier.applicant_id)
    return dossier


def _act(db: Session, official_id: int | None, dossier_id: int, action: str, *, reason: str = "",
         resume_to: int | None = None, data: dict | None = None, now: datetime | None = None,
         notify: bool = True) -> ProcDossier:
    """One official action; the citizen gets one notification saying what changed (unless a composed action,
    like ``flow.approve_and_deliver``, sends its own at the end)."""
    dossier, proc = scoped_dossier(db, official_id, dossier_id)
    transition(db, dossier, action, actor_id=official_id, actor_kind="official", reason=reason,
               resume_to=resume_to, data=data, now=now)
    audit(db, official_id, action, dossier=dossier, reason=reason)
    if action in NOTICE_ACTIONS:
        _tell_citizen(db, dossier, action, reason)
    return dossier


def _tell_citizen(db: Session, dossier: ProcDossier, action: str, reason: str) -> None:
    """The citizen's notification in plain words: what happened, why (the official's note), and the date."""
    notify_applicant(db, dossier, action, reason=reason.strip() or "—",
                     date=to_local(dossier.due_at).strftime("%d/%m/%Y") if dossier.due_at else "—",
                     amount=format_vnd(dossier.fee_amount))


def accept(db: Session, official_id: int | None, dossier_id: int, now: datetime | None = None) -> ProcDossier:
    """Intake accepts a complete dossier: receipt issued, the SLA clock starts (status 2)."""
    dossier = _act(db, official_id, dossier_id, "accept", now=now)
    dossier.accepted_at = now or utcnow()
    return dossier


def refuse(db: Session, official_id: int | None, dossier_id: int, reason: str) -> ProcDossier:
    return _act(db, official_id, dossier_id, "refuse", reason=reason)


def start_processing(db: Session, official_id: int | None, dossier_id: int,
                     now: datetime | None = None) -> ProcDossier:
    return _act(db, official_id, dossier_id, "start_processing", now=now)


def stop_processing(db: Session, official_id: int | None, dossier_id: int, reason: str) -> ProcDossier:
    return _act(db, official_id, dossier_id, "stop", reason=reason)


def _clean_items(proc: Procedure, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    known = {a["id"] for a in proc.attachments}
    cleaned = []
    for item in items:
        text = forms.nfc(item.get("text", ""))
        attachment = item.get("attachment_id")
        if not text or (attachment and attachment not in known):
            raise DomainError("procedures.supplement_item_invalid")
        cleaned.append({"text": text[:500], "attachment_id": attachment})
    if not cleaned:
        raise DomainError("procedures.supplement_items_required")
    return cleaned


def request_supplement(db: Session, official_id: int | None, dossier_id: int, items: list[dict[str, Any]],
                       note: str = "", now: datetime | None = None) -> ProcSupplement:
    """List what is missing (text, optionally an attachment slot); the clock stops (status 5)."""
    dossier, proc = scoped_dossier(db, official_id, dossier_id)
    cleaned = _clean_items(proc, items)
    reason = "; ".join(i["text"] for i in cleaned)
    _act(db, official_id, dossier_id, "request_supplement", reason=reason, resume_to=dossier.status,
         data={"items": cleaned}, now=now)
    supplement = ProcSupplement(dossier_id=dossier.id, items=cleaned, note=forms.nfc(note)[:2000],
                                requested_by=official_id)
    db.add(supplement)
    db.flush()
    return supplement


def request_fee(db: Session, official_id: int | None, dossier_id: int, amount: int,
                now: datetime | None = None) -> ProcDossier:
    """Ask for a fee during processing (status 6); the clock stops until ``mark_fee_paid``."""
    dossier, _ = scoped_dossier(db, official_id, dossier_id)
    if amount <= 0:
        raise DomainError("procedures.fee_amount_invalid")
    resume_to = dossier.status
    dossier.fee_amount, dossier.fee_order_ref, dossier.fee_paid_at = amount, None, None
    return _act(db, official_id, dossier_id, "request_fee", resume_to=resume_to, data={"amount": amount}, now=now)


def _last_review(events: list[ProcDossierEvent]) -> ProcDossierEvent | None:
    """The latest review event (a proposed or returned approval) since the dossier's last status change."""
    last_status = max((e.seq for e in events if e.kind == "status"), default=0)
    reviews = [e for e in events if e.kind == "review" and e.seq > last_status]
    return reviews[-1] if reviews else None


def approval_proposal(db: Session, dossier: ProcDossier) -> ProcDossierEvent | None:
    """The approval an official proposed and a second official has still to confirm (second-approver
    procedures); any status change since (supplement, stop) or a return voids it."""
    review = _last_review(dossier_events(db, dossier.id))
    return review if review is not None and review.action == "approval_proposed" else None


def _proposed_ids(db: Session, dossier_ids: list[int]) -> set[int]:
    if not dossier_ids:
        return set()
    query = select(ProcDossierEvent).where(col(ProcDossierEvent.dossier_id).in_(dossier_ids),
                                           col(ProcDossierEvent.kind).in_(("status", "review")))
    by_dossier: dict[int, list[ProcDossierEvent]] = {}
    for event in sorted(db.exec(query).all(), key=lambda e: (e.dossier_id, e.seq)):
        by_dossier.setdefault(event.dossier_id, []).append(event)
    return {d for d, events in by_dossier.items()
            if (review := _last_review(events)) is not None and review.action == "approval_proposed"}


def _note(note: str) -> str:
    text = forms.nfc(note)[:2000]
    if not text:
        raise DomainError("procedures.note_required")
    return text


def return_proposal(db: Session, official_id: int | None, dossier_id: int, note: str,
                    now: datetime | None = None) -> ProcDossier:
    """The second official does not confirm a proposed approval and sends it back with a note."""
    dossier, _ = scoped_dossier(db, official_id, dossier_id)
    proposal = approval_proposal(db, dossier)
    if proposal is None or proposal.actor_id == official_id:
        raise DomainError("procedures.second_approver_other")
    append_event(db, dossier, kind="review", action="approval_returned", actor_id=official_id, reason=_note(note),
                 now=now)
    audit(db, official_id, "approval_returned", dossier=dossier)
    return dossier


def approve(db: Session, official_id: int | None, dossier_id: int, note: str,
            now: datetime | None = None) -> ProcResult | None:
    """Processing done (status 9): render the result from its template, stored and marked "to be signed". The official's
    note is required. Where the procedure names a second approver, the first approval is only a proposal
    (``None`` is returned) and a different official of the agency must approve it."""
    now = now or utcnow()
    note = _note(note)
    dossier, proc = scoped_dossier(db, official_id, dossier_id)
    if proc.second_approver and dossier.status == statuses.PROCESSING:
        proposal = approval_proposal(db, dossier)
        if proposal is None:
            append_event(db, dossier, kind="review", action="approval_proposed", actor_id=official_id, reason=note,
                         now=now)
            audit(db, official_id, "approval_proposed", dossier=dossier)
            return None
        if proposal.actor_id == official_id:
            raise DomainError("procedures.second_approver_other")
    dossier = _act(db, official_id, dossier_id, "approve", reason=note, now=now)
    key, digest = files.store_bytes(documents.render_result(db, dossier, official_id, now))
    result = ProcResult(dossier_id=dossier.id, storage_key=key, sha256=digest, created_at=now)
    dossier.completed_at = now
    db.add(result)
    db.flush()
    return result


def sign_result(db: Session, official_id: int | None, dossier_id: int, sign_pdf: SignPdf,
                signer: Any) -> ProcResult:
    """Apply the identity pillar's signer to the stored PDF and keep the signed bytes."""
    dossier, _ = scoped_dossier(db, official_id, dossier_id)
    result = _result_row(db, dossier.id)
    if result.sign_state == "signed":
        raise DomainError("procedures.already_signed")
    signed = sign_pdf(files.read_bytes(result.storage_key), signer)
    if not signed.startswith(b"%PDF-"):
        raise DomainError("procedures.sign_failed")
    result.storage_key, result.sha256 = files.store_bytes(signed)
    result.sign_state, result.signed_by, result.signed_at = "signed", official_id, utcnow()
    documents.result_signed(db, dossier, signed, getattr(signer, "name", str(signer)))
    audit(db, official_id, "result_signed", dossier=dossier, sha256=result.sha256)
    return result


def deliver(db: Session, official_id: int | None, dossier_id: int) -> ProcDossier:
    """Result handed over (status 10); only a signed result may be delivered. Invites a rating.

    The citizen also receives a ``result`` credential in the wallet (see ``wallet_result``)."""
    dossier, _ = scoped_dossier(db, official_id, dossier_id)
    if _result_row(db, dossier.id).sign_state != "signed":
        raise DomainError("procedures.result_unsigned")
    dossier = _act(db, official_id, dossier_id, "deliver")
    agency = db.get(Agency, dossier.agency_id) if dossier.agency_id else None
    notify_applicant(db, dossier, "deliver", agency=agency.name_vi if agency else "")  # the one notice: result, rate
    wallet_result.issue_result_credential(db, official_id, dossier)  # the signed result lands in the wallet
    named.on_result(db, official_id, dossier)  # and the people it names are told, with their own credential
    return dossier


def _result_row(db: Session, dossier_id: int) -> ProcResult:
    result = db.exec(select(ProcResult).where(ProcResult.dossier_id == dossier_id)).first()
    if result is None:
        raise NotFound("procedures.result_missing")
    return result


def readable_dossier(db: Session, user_id: int | None, dossier_id: int) -> ProcDossier:
    """A dossier whose files this user may read: its citizen, a helper under consent, or the receiving official."""
    dossier = load_dossier(db, dossier_id)
    try:
        resolve_actor(db, user_id, dossier)
    except NotAllowed:
        scoped_dossier(db, user_id, dossier_id)
    return dossier


def result_pdf(db: Session, user_id: int | None, dossier_id: int) -> tuple[bytes, str]:
    """The result bytes and sign state, for the dossier's citizen (or a helper) or its agency's official."""
    dossier = readable_dossier(db, user_id, dossier_id)
    result = _result_row(db, dossier.id)
    return files.read_bytes(result.storage_key), result.sign_state


def issue_overdue_apologies(db: Session, now: datetime | None = None,
                            extension_days: int = APOLOGY_EXTENSION_DAYS) -> list[ProcApology]:
    """Scheduled job: for each overdue dossier without an apology for its current due date, issue one
    with a new appointment date and notify the citizen."""
    now = now or utcnow()
    cal = work_calendar()
    issued = []
    for dossier in db.exec(select(ProcDossier).where(col(ProcDossier.due_at) < now)).all():
        if not is_overdue(dossier, now) or not sla_state(db, dossier).running:
            continue
        new_due = end_of_office_day(cal.add_working_days(start_day(now, cal, True), extension_days))
        apology = ProcApology(dossier_id=dossier.id, old_due_at=dossier.due_at, new_due_at=new_due, issued_at=now)
        db.add(apology)
        append_event(db, dossier, kind="apology", action="apology_issued", actor_id=None,
                     data={"old_due_at": dossier.due_at.isoformat(), "new_due_at": new_due.isoformat()}, now=now)
        refresh_projection(db, dossier)
        audit(db, None, "apology_issued", dossier=dossier, new_due_at=new_due.isoformat())
        NOTIFY(Notice(dossier.applicant_id, "procedures.notice_apology",
                            {"number": dossier.number, "date": to_local(new_due).strftime("%d/%m/%Y")}, dossier.id,
                            session=db))
        issued.append(apology)
    return issued
