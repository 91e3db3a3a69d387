"""Journeys that join the procedures service to other pillars: profile prefill, the citizen's signature,
the online fee payment, the agency-signed result, and plain-language views for the pages.

Plain Python (no Reflex). Like ``service``, every function takes ``db`` and the acting user id, checks
permission on the server and raises ``DomainError``; the caller commits once per user action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.text import fold
from citizen_app.core.timeutil import format_date, format_datetime, to_local, utcnow
from citizen_app.core.workdays import work_calendar
from citizen_app.identity.models import UserAccount
from citizen_app.identity.profile import get_profile
from citizen_app.payments import service as payments
from citizen_app.payments.models import PayOrder
from citizen_app.payments.service import PurposeGone, ReceiptLine
from citizen_app.procedures import backoffice, declaration, documents, files, service, statuses
from citizen_app.procedures.catalog import Procedure, catalog, get_procedure
from citizen_app.procedures.declaration import dossier_pdf
from citizen_app.procedures.documents import agency_names  # noqa: F401 - the pages read it from here
from citizen_app.procedures.forms import summary_lines, summary_rows  # noqa: F401 - the pages read them from here
from citizen_app.procedures.hooks import NOTIFY, Notice
from citizen_app.procedures.models import ProcAttachment, ProcAudit, ProcDossier, ProcResult
from citizen_app.procedures.sla import due_day, start_day
from citizen_app.signing import service as signing

FEE_KIND = "procedure_fee"
EXTRA_STEPS = ("attachments", "check", "sign")
_SEX_FROM_PROFILE = {"M": "nam", "F": "nu"}


# --- catalogue and search --------------------------------------------------------------------------


def search_procedures(query: str) -> list[Procedure]:
    """Procedures whose names (vi or en) or national code contain every word of the query, accents ignored."""
    words = fold(query[:100]).split()
    found = []
    for proc in catalog().values():
        haystack = fold(" ".join([proc.name["vi"], proc.name["en"], proc.national_code, proc.code]))
        if all(word in haystack for word in words):
            found.append(proc)
    return sorted(found, key=lambda p: fold(p.name["vi"]))


def steps(proc: Procedure) -> list[str]:
    """The question pages of the form, then attachments, check your answers and sign."""
    return [page["id"] for page in proc.pages] + list(EXTRA_STEPS)


def expected_completion(proc: Procedure, now: datetime | None = None) -> date:
    """The date the result is expected if the dossier were accepted now (the clock starts at intake)."""
    cal = work_calendar()
    spec = proc.processing_time
    first = start_day(now or utcnow(), cal, bool(spec.get("cutoff_15h")))
    return due_day(first, spec["value"], spec["unit"], cal)


# --- drafts with prefill ---------------------------------------------------------------------------


def profile_answers(db: Session, user_id: int) -> dict[str, Any]:
    """What the identity profile already knows, keyed by the catalogue's ``prefill`` names."""
    user = db.get(UserAccount, user_id)
    profile = get_profile(db, user_id)
    out: dict[str, Any] = {"full_name": profile.full_name if profile else (user.full_name if user else ""),
                           "phone": (user.phone if user else "") or (profile.phone if profile else ""),
                           "email": (user.email if user else "") or (profile.email if profile else "")}
    if profile is not None:
        out.update({"date_of_birth": profile.birth_date, "sex": _SEX_FROM_PROFILE.get(profile.sex, ""),
                    "personal_id": profile.id_number or ""})
    return {key: value for key, value in out.items() if value not in (None, "")}


def start(db: Session, user_id: int | None, procedure_code: str, for_citizen_id: int | None = None) -> ProcDossier:
    """A new draft prefilled from the citizen's profile (the helper's consent is checked by the service). A
    volunteer who presses "start" again for the same person and procedure gets the draft already open."""
    if user_id is None:
        raise NotAllowed("error.login_required")
    citizen_id = for_citizen_id or user_id
    if citizen_id != user_id:
        service.active_consent(db, user_id, citizen_id, procedure_code, "draft")
        query = select(ProcDossier).where(ProcDossier.helper_id == user_id, ProcDossier.applicant_id == citizen_id,
                                          ProcDossier.procedure_code == procedure_code,
                                          ProcDossier.status == statuses.DRAFT)
        open_draft = db.exec(query.order_by(col(ProcDossier.id).desc())).first()
        if open_draft is not None:
            return open_draft
    return service.start_draft(db, user_id, procedure_code, profile=profile_answers(db, citizen_id),
                               for_citizen_id=for_citizen_id if citizen_id != user_id else None)


def hand_over_for_signing(db: Session, helper_id: int | None, dossier_id: int) -> bool:
    """A volunteer reached the signing step of a complete draft: the citizen is notified that it waits for her
    signature (the notification opens the signing page), once for each version of the answers and files.
    Returns whether she has been told about this version (now or before)."""
    dossier = service.load_dossier(db, dossier_id)
    actor = service.resolve_actor(db, helper_id, dossier, "draft")
    if not actor.is_helper or dossier.status != statuses.DRAFT or service.form_errors(db, dossier, None):
        return False
    if service.signature_current(db, dossier):
        return False
    version = service.fingerprint(db, dossier)
    query = select(ProcAudit).where(ProcAudit.dossier_id == dossier.id, ProcAudit.action == "handed_for_signing")
    if any(row.detail.get("fingerprint") == version for row in db.exec(query).all()):
        return True
    helper = db.get(UserAccount, helper_id)
    proc = get_procedure(dossier.procedure_code)
    service.audit(db, actor.user_id, "handed_for_signing", dossier=dossier, on_behalf_of=actor.citizen_id,
                  consent_id=actor.consent_id, fingerprint=version)
    NOTIFY(Notice(actor.citizen_id, "procedures.notice.sign_waiting",
                        {"number": dossier.number, "helper": helper.full_name if helper else "",
                         "procedure": proc.name["vi"]}, dossier.id, session=db,
                        url=f"/procedures/draft/{dossier.id}/sign"))
    return True


# --- the citizen's signature -----------------------------------------------------------------------


def remove_group_item(db: Session, user_id: int | None, dossier_id: int, group_id: str, index: int) -> ProcDossier:
    """Remove one person from a repeatable group of a draft (the list may become empty until Continue)."""
    dossier = service.load_dossier(db, dossier_id)
    actor = service.resolve_actor(db, user_id, dossier, "draft")
    if dossier.status != statuses.DRAFT:
        raise DomainError("procedures.not_editable")
    items = list(dossier.answers.get(group_id) or [])
    if not 0 <= index < len(items):
        raise NotFound()
    del items[index]
    dossier.answers = {**dossier.answers, group_id: items}
    dossier.updated_at = utcnow()
    service.audit(db, actor.user_id, "item_removed", dossier=dossier, on_behalf_of=actor.citizen_id,
                  consent_id=actor.consent_id, group=group_id)
    return dossier


def _own_draft(db: Session, user_id: int | None, dossier_id: int) -> ProcDossier:
    dossier = service.load_dossier(db, dossier_id)
    if user_id is None or user_id != dossier.applicant_id:
        raise NotAllowed("procedures.sign_own_only")  # a helper never signs for the citizen
    if dossier.status != statuses.DRAFT:
        raise DomainError("procedures.not_editable")
    return dossier


def prepare_signature(db: Session, user_id: int | None, dossier_id: int,
                      now: datetime | None = None) -> signing.SigningRequestView:
    """Render the complete dossier and open a signing request; its reference code is shown to the citizen."""
    dossier = _own_draft(db, user_id, dossier_id)
    errors = service.form_errors(db, dossier, now)
    if errors:
        raise service.FormInvalid(errors)
    view = signing.prepare_signing(db, user_id, dossier_pdf(db, dossier), declaration.reference_for(db, dossier))
    service.audit(db, user_id, "signature_prepared", dossier=dossier, on_behalf_of=user_id, request=view.id,
                  fingerprint=service.fingerprint(db, dossier), code=view.reference_code)
    return view


def _prepared(db: Session, dossier_id: int, request_id: str) -> ProcAudit | None:
    query = select(ProcAudit).where(ProcAudit.dossier_id == dossier_id, ProcAudit.action == "signature_prepared")
    return next((row for row in db.exec(query.order_by(col(ProcAudit.id).desc())).all()
                 if row.detail.get("request") == request_id), None)


def approve_signature(db: Session, user_id: int | None, dossier_id: int, request_id: str,
                      password: str) -> ProcAttachment:
    """The citizen approves with their password; the signed PDF is kept with the dossier."""
    dossier = _own_draft(db, user_id, dossier_id)
    prepared = _prepared(db, dossier.id, request_id)
    if prepared is None:
        raise NotFound("procedures.sign_request_unknown")
    if prepared.detail.get("fingerprint") != service.fingerprint(db, dossier):
        raise DomainError("procedures.sign_stale")
    signed = signing.approve_and_sign(db, request_id, user_id, signing.PasswordApproval(password[:256]))
    key, digest = files.store_bytes(signed)
    row = ProcAttachment(dossier_id=dossier.id, attachment_id=service.SIGNED_DOSSIER, filename="ho-so-da-ky.pdf",
                         mime="application/pdf", size=len(signed), sha256=digest, storage_key=key,
                         uploaded_by=user_id)
    db.add(row)
    db.flush()
    service.audit(db, user_id, "dossier_signed", dossier=dossier, on_behalf_of=user_id,
                  fingerprint=prepared.detail["fingerprint"], code=prepared.detail.get("code", ""), sha256=digest)
    return row


def signed_dossier_pdf(db: Session, user_id: int | None, dossier_id: int) -> bytes:
    """The citizen-signed dossier, for its citizen, a helper under consent or the receiving official."""
    dossier = backoffice.readable_dossier(db, user_id, dossier_id)
    query = select(ProcAttachment).where(ProcAttachment.dossier_id == dossier.id,
                                         ProcAttachment.attachment_id == service.SIGNED_DOSSIER)
    row = db.exec(query.order_by(col(ProcAttachment.id).desc())).first()
    if row is None:
        raise NotFound("procedures.result_missing")
    return files.read_bytes(row.storage_key)


# --- fee payment -----------------------------------------------------------------------------------


def start_fee_payment(db: Session, user_id: int | None, dossier_id: int, *, lang: str = "vi",
                      client_ip: str = "") -> str:
    """The dossier's one open fee order (resumed, or a new one replacing a closed or stale one), then the
    configured gateway's URL (the browser leaves the app to pay)."""
    amount = service.fee_due(db, user_id, dossier_id)  # owner, or a helper with the submit_pay scope
    assert user_id is not None
    dossier = service.load_dossier(db, dossier_id)
    proc = get_procedure(dossier.procedure_code)
    order = payments.open_order(db, user_id, FEE_KIND, str(dossier.id), amount,
                                f"Lệ phí hồ sơ {dossier.number} – {proc.name['vi']}",
                                f"/procedures/dossiers/{dossier.id}",
                                description_en=f"Fee of dossier {dossier.number} – {proc.name['en']}",
                                agency_id=dossier.agency_id)  # the receiving agency's money
    start = payments.start_payment_for(db, user_id, order, lang=lang, client_ip=client_ip)
    service.audit(db, user_id, "fee_payment_started", dossier=dossier, on_behalf_of=dossier.applicant_id,
                  order=start.order_code, amount=amount)
    return start.redirect_url


def fee_order(db: Session, dossier_id: int) -> PayOrder | None:
    """The dossier's newest fee order (what the dossier page shows of the payment)."""
    return payments.latest_order(db, FEE_KIND, str(dossier_id))


def cancel_fee_payment(db: Session, user_id: int | None, dossier_id: int) -> None:
    """The payer gives up the open fee order (the fee stays due; "pay" starts a new order)."""
    service.get_dossier(db, user_id, dossier_id)
    order = fee_order(db, dossier_id)
    if order is None or order.status != "pending":
        raise DomainError("payments.order_not_payable")
    payments.cancel_order(db, user_id, order.code)


def on_fee_paid(db: Session, order: PayOrder) -> None:
    """Payments' fulfilment hook for ``procedure_fee``: runs once per dossier, inside the paid transaction.
    A fee that is no longer due (withdrawn, paid otherwise) or whose amount changed is refunded by payments."""
    dossier = service.load_dossier(db, int(order.product_ref))
    if order.amount_vnd != dossier.fee_amount:
        raise PurposeGone("procedures.fee_amount_invalid")
    if dossier.status != statuses.FEE and dossier.fee_order_ref != order.code:
        raise PurposeGone("procedures.fee_not_due")
    service.mark_fee_paid(db, dossier.id, order.code)


def fee_lines(db: Session, order: PayOrder) -> list[ReceiptLine]:
    """The receipt names the fee exactly: the dossier's number and its procedure."""
    dossier = db.get(ProcDossier, int(order.product_ref)) if order.product_ref.isdigit() else None
    if dossier is None:
        return []
    proc = get_procedure(dossier.procedure_code)
    return [ReceiptLine("payments.receipt.dossier", dossier.number, dossier.number),
            ReceiptLine("payments.receipt.procedure", proc.name["vi"], proc.name["en"])]


def fees_paid(db: Session, start: datetime, end: datetime) -> list[tuple[str, str, int | None, datetime]]:
    """Dossiers whose fee was recorded as paid between ``start`` and ``end`` (for reconciliation)."""
    rows = db.exec(select(ProcDossier).where(col(ProcDossier.fee_paid_at) >= start,
                                             col(ProcDossier.fee_paid_at) < end)).all()
    return [(str(d.id), d.fee_order_ref or "", d.agency_id, d.fee_paid_at) for d in rows if d.fee_paid_at]


def refresh_fee_payment(db: Session, user_id: int | None, dossier_id: int, order_code: str) -> str:
    """After the browser returns: ask the gateway (verified query) and report the state every page shows."""
    order = payments.get_order(db, user_id, order_code)
    if order.product_kind != FEE_KIND or order.product_ref != str(dossier_id):
        raise NotFound("payments.order_not_found")
    return payments.shown_status(payments.refresh_order(db, user_id, order_code))


# --- back office: approve, sign with the agency certificate, deliver -----------------------------


def approve_and_deliver(db: Session, official_id: int | None, dossier_id: int, note: str,
                        now: datetime | None = None) -> ProcResult | None:
    """Approve (status 9) with the official's note, render the result from its template, sign it with the agency's
    certificate into its signature block, deliver (status 10). One user action, so the citizen gets one notification
    (on delivery). ``None`` when the approval is only proposed and waits for a second official."""
    if backoffice.approve(db, official_id, dossier_id, note, now=now) is None:
        return None
    dossier = service.load_dossier(db, dossier_id)
    signer = documents.agency_signer(db, dossier, official_id)
    result = backoffice.sign_result(db, official_id, dossier_id, documents.sign_with_agency, signer)
    backoffice.deliver(db, official_id, dossier_id)
    return result


# --- plain-language views --------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineRow:
    when: str
    vi: str
    en: str
    reason: str


def status_label(code: int, lang: str) -> str:
    return statuses.status_table().statuses[code].label(lang)


def status_key(code: int) -> str:
    return statuses.status_table().statuses[code].key


def _timeline(events: list) -> list[TimelineRow]:
    table = statuses.status_table().statuses
    rows = []
    for event in events:
        if event.kind == "status" and event.to_status is not None:
            target = table[event.to_status]
            rows.append(TimelineRow(format_datetime(event.at), target.vi, target.en, event.reason))
        elif event.kind == "apology":
            new_due = format_date(datetime.fromisoformat(event.data["new_due_at"]))
            rows.append(TimelineRow(format_datetime(event.at), f"Phiếu xin lỗi, hẹn lại ngày {new_due}",
                                    f"Apology, new date {new_due}", ""))
    return rows


def timeline(db: Session, user_id: int | None, dossier_id: int) -> list[TimelineRow]:
    """Each status change (and apology notice) with its date, oldest first, for the citizen or a helper."""
    return _timeline(service.history(db, user_id, dossier_id))


def backoffice_timeline(db: Session, official_id: int | None, dossier_id: int) -> list[TimelineRow]:
    """The same history for an official of the receiving agency."""
    dossier, _ = backoffice.scoped_dossier(db, official_id, dossier_id)
    return _timeline(service.dossier_events(db, dossier.id))


def backoffice_attachments(db: Session, official_id: int | None, dossier_id: int) -> list[ProcAttachment]:
    dossier, _ = backoffice.scoped_dossier(db, official_id, dossier_id)
    return service.list_attachments(db, dossier.id)


def attachment_bytes(db: Session, user_id: int | None, row_id: int) -> tuple[bytes, str, str]:
    """An attached file for the dossier's citizen (or helper) or the receiving agency's official."""
    row = db.get(ProcAttachment, row_id)
    if row is None:
        raise NotFound()
    backoffice.readable_dossier(db, user_id, row.dossier_id)
    return files.read_bytes(row.storage_key), row.mime, row.filename


def draft_pdf(db: Session, user_id: int | None, dossier_id: int) -> bytes:
    """Preview of the document the citizen is about to sign ("what you see is what you sign")."""
    return dossier_pdf(db, service.get_dossier(db, user_id, dossier_id))


def due_text(dossier: ProcDossier) -> str:
    return to_local(dossier.due_at).strftime("%d/%m/%Y") if dossier.due_at else ""


def people_of(db: Session, dossier: ProcDossier) -> dict[str, str]:
    """Names of the subject (chủ hồ sơ), applicant and helper, for the dossier page."""
    def name(user_id: int | None) -> str:
        user = db.get(UserAccount, user_id) if user_id else None
        return user.full_name if user else ""

    return {"subject": dossier.subject_name or name(dossier.subject_id), "applicant": name(dossier.applicant_id),
            "helper": name(dossier.helper_id)}
