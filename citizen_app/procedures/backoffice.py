"""Back office: an official's agency queue and the intake/processing/result actions.

An official sees and acts on only their own agency's dossiers: ``UserAccount.agency_id`` must equal the
dossier's agency, and that agency's kind must be the procedure's agency kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.timeutil import format_vnd, to_local, utcnow
from citizen_app.core.workdays import work_calendar
from citizen_app.identity.models import Agency, UserAccount
from citizen_app.identity.service import require_role
from citizen_app.procedures import documents, files, forms, named, statuses, wallet_result
from citizen_app.procedures.catalog import Procedure, agency_serves, get_procedure
from citizen_app.procedures.hooks import HOOKS, Notice
from citizen_app.procedures.models import ProcApology, ProcDossier, ProcResult, ProcSupplement
from citizen_app.procedures.service import (
    append_event,
    audit,
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


def agency_queue(db: Session, official_id: int | None, now: datetime | None = None) -> list[QueueItem]:
    """Open dossiers of the official's agency: overdue first, then by due date, then by submission."""
    agency = _official_agency(db, official_id)
    now = now or utcnow()
    query = select(ProcDossier).where(ProcDossier.agency_id == agency.id,
                                      col(ProcDossier.status).in_(OPEN_STATUSES))
    items = []
    for dossier in db.exec(query).all():
        proc = get_procedure(dossier.procedure_code)
        if not agency_serves(agency, proc.agency_kind):
            continue
        items.append(QueueItem(dossier.id, dossier.number, proc.code, proc.name["vi"], dossier.subject_name,
                               dossier.status, dossier.submitted_at, dossier.due_at, is_overdue(dossier, now),
                               dossier.paused))
    far = datetime.max.replace(tzinfo=UTC)
    items.sort(key=lambda i: (not i.overdue, i.due_at or far, i.submitted_at or far))
    return items


def view_dossier(db: Session, official_id: int | None, dossier_id: int) -> ProcDossier:
    dossier, _ = scoped_dossier(db, official_id, dossier_id)
    audit(db, official_id, "official_viewed", dossier=dossier)
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
    if notify:
        agency = db.get(Agency, dossier.agency_id) if dossier.agency_id else None
        amount = (data or {}).get("amount")
        notify_applicant(db, dossier, action, reason=reason, procedure=proc.name["vi"],
                         agency=agency.name_vi if agency else "", status=dossier.status,
                         amount=format_vnd(amount) if isinstance(amount, int) else "")
    return dossier


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


def approve(db: Session, official_id: int | None, dossier_id: int, now: datetime | None = None,
            notify: bool = True) -> ProcResult:
    """Processing done (status 9): render the result from its template, stored and marked "to be signed"."""
    now = now or utcnow()
    dossier = _act(db, official_id, dossier_id, "approve", now=now, notify=notify)
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
    dossier = _act(db, official_id, dossier_id, "deliver")  # the one notification: result ready, please rate
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
        HOOKS.notify(Notice(dossier.applicant_id, "procedures.notice_apology",
                            {"number": dossier.number, "date": to_local(new_due).strftime("%d/%m/%Y")}, dossier.id,
                            session=db))
        issued.append(apology)
    return issued
