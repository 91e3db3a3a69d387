"""Dossiers, citizen side: drafts, pages, attachments, fees, submission, supplements, lookup.

Plain Python (no Reflex). Every function takes ``db`` and the acting user id, checks permission on the
server, and raises ``DomainError`` with an i18n key. The caller commits once per user action.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, func, select

from citizen_app.core.config import settings
from citizen_app.core.encoding import b64url_encode
from citizen_app.core.errors import DomainError, NotAllowed, NotFound, RecordedRefusal, TooManyAttempts
from citizen_app.core.keystore import derive_key
from citizen_app.core.timeutil import to_local, utcnow
from citizen_app.core.workdays import work_calendar
from citizen_app.i18n.catalog import catalog as messages
from citizen_app.identity.activity import record_activity
from citizen_app.identity.crypto import seal, unseal
from citizen_app.identity.models import Agency, LoginAttempt, UserAccount
from citizen_app.identity.service import LOCK_WINDOW, recent_failures
from citizen_app.procedures import files, forms, statuses
from citizen_app.procedures.catalog import Procedure, agency_kinds, agency_serves, get_procedure
from citizen_app.procedures.hooks import ACTIVITY, NOTIFY, ActivityEvent, Notice
from citizen_app.procedures.models import (
    ProcAttachment,
    ProcAudit,
    ProcDossier,
    ProcDossierEvent,
    ProcHelperConsent,
    ProcSupplement,
)
from citizen_app.procedures.sla import ClockEvent, SlaState, compute_sla

SCOPE_RANK = {"draft": 0, "submit": 1, "submit_pay": 2}
SIGNED_DOSSIER = "_signed_dossier"  # ProcAttachment.attachment_id of the citizen-signed dossier PDF
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ACCESS_CODE_KEY = "procedures.dossier.access-code"  # core.keystore purpose
ACCESS_CODE_PREFIX = "k1:"
EDITABLE = (statuses.DRAFT,)


class FormInvalid(DomainError):
    """The answers break the schema; ``errors`` lists each field problem. Nothing was saved."""

    def __init__(self, errors: list[forms.FieldError]) -> None:
        super().__init__("procedures.form_invalid", count=len(errors))
        self.errors = errors


@dataclass(frozen=True)
class Actor:
    """Who is acting: the account owner, or a helper under consent for the dossier's citizen."""

    user_id: int
    citizen_id: int
    consent_id: int | None = None

    @property
    def is_helper(self) -> bool:
        return self.user_id != self.citizen_id


@dataclass(frozen=True)
class FeeQuote:
    amount: int
    per: str
    units: int
    exempt_units: int
    text_vi: str
    source: str


@dataclass(frozen=True)
class SubmitReceipt:
    number: str
    access_code: str  # its HMAC answers the public lookup; a sealed copy lets the owner see it again
    status: int
    fee: FeeQuote


@dataclass(frozen=True)
class PublicStatus:
    """What anyone holding the number and access code may see. No personal data."""

    number: str
    procedure_vi: str
    procedure_en: str
    status: int
    status_vi: str
    status_en: str
    submitted_on: str
    due_on: str
    overdue: bool
    result_ready: bool


# --- helpers -------------------------------------------------------------------------------------


def today_local(now: datetime | None = None) -> date:
    return to_local(now or utcnow()).date()


def load_dossier(db: Session, dossier_id: int) -> ProcDossier:
    """The dossier or NotFound, with no permission check: the caller authorizes (``get_dossier`` does both)."""
    dossier = db.get(ProcDossier, dossier_id)
    if dossier is None:
        raise NotFound("procedures.dossier_not_found")
    return dossier


def audit(db: Session, actor: int | None, action: str, *, dossier: ProcDossier | None = None,
          on_behalf_of: int | None = None, consent_id: int | None = None, at: datetime | None = None,
          to_citizen_log: bool = False, **detail: Any) -> None:
    """Record an action; what someone else did for or to the citizen (``on_behalf_of``), and what the caller
    marks ``to_citizen_log`` (her own consents, their expiry), also goes to the citizen's activity log hook."""
    now = at or utcnow()
    db.add(ProcAudit(at=now, actor_id=actor, on_behalf_of=on_behalf_of, consent_id=consent_id,
                     dossier_id=dossier.id if dossier else None, action=action, detail=detail))
    by_other = actor is not None and actor != on_behalf_of
    if on_behalf_of is not None and (by_other or to_citizen_log):
        ACTIVITY(ActivityEvent(subject_id=on_behalf_of, actor_id=actor, action=action, at=now,
                                     dossier_id=dossier.id if dossier else None, consent_id=consent_id,
                                     detail=detail, session=db))


def notify_applicant(db: Session, dossier: ProcDossier, action: str, **params: Any) -> None:
    """One notification per user action, saying what changed: ``procedures.notice.<action>`` with the dossier
    number, its due date and whatever the action adds (reason, amount, agency); an action without its own text
    names the new status."""
    due = to_local(dossier.due_at).strftime("%d/%m") if dossier.due_at else ""
    key = f"procedures.notice.{action}"
    NOTIFY(Notice(dossier.applicant_id, key if key in messages() else "procedures.notice_status",
                        {"number": dossier.number, "due": due, "status": dossier.status, **params}, dossier.id,
                        session=db))


def consent_is_active(consent: ProcHelperConsent, now: datetime | None = None) -> bool:
    """What an active consent is: not revoked and not yet expired (``active_consents`` asks the same in SQL)."""
    return consent.revoked_at is None and consent.expires_at > (now or utcnow())


def active_consents(db: Session, helper_id: int, *, subject_id: int | None = None,
                    now: datetime | None = None) -> list[ProcHelperConsent]:
    """The helper's active consents (only this citizen's when ``subject_id`` is given)."""
    query = select(ProcHelperConsent).where(ProcHelperConsent.helper_id == helper_id,
                                            col(ProcHelperConsent.revoked_at).is_(None),
                                            ProcHelperConsent.expires_at > (now or utcnow()))
    if subject_id is not None:
        query = query.where(ProcHelperConsent.subject_id == subject_id)
    return list(db.exec(query).all())


def active_consent(db: Session, helper_id: int, citizen_id: int, procedure_code: str, need: str,
                   now: datetime | None = None) -> ProcHelperConsent:
    """The helper's active consent from this citizen covering the procedure and scope, or NotAllowed."""
    for consent in active_consents(db, helper_id, subject_id=citizen_id, now=now):
        if procedure_code in consent.procedures and SCOPE_RANK[consent.scope] >= SCOPE_RANK[need]:
            return consent
    raise NotAllowed("procedures.consent_missing")


def resolve_actor(db: Session, user_id: int | None, dossier: ProcDossier, need: str = "draft") -> Actor:
    """The owner acts as themselves; anyone else needs a live consent of sufficient scope."""
    if user_id is None:
        raise NotAllowed("error.login_required")
    if user_id == dossier.applicant_id:
        return Actor(user_id, dossier.applicant_id)
    consent = active_consent(db, user_id, dossier.applicant_id, dossier.procedure_code, need)
    return Actor(user_id, dossier.applicant_id, consent.id)


def dossier_events(db: Session, dossier_id: int) -> list[ProcDossierEvent]:
    query = select(ProcDossierEvent).where(ProcDossierEvent.dossier_id == dossier_id)
    return list(db.exec(query.order_by(col(ProcDossierEvent.seq))).all())


def derive_status(events: list[ProcDossierEvent]) -> int:
    """The current status is the target of the last status event (draft when there is none)."""
    last = [e for e in events if e.kind == "status"]
    return last[-1].to_status if last else statuses.DRAFT


def clock_events(events: list[ProcDossierEvent]) -> list[ClockEvent]:
    table = statuses.status_table()
    out: list[ClockEvent] = []
    started = False
    for event in events:
        if event.kind == "apology":
            out.append(ClockEvent(event.at, "extend", datetime.fromisoformat(event.data["new_due_at"])))
            continue
        if event.kind != "status":
            continue
        before, after = table.clock(event.from_status), table.clock(event.to_status)
        if after == "running" and before != "running":
            out.append(ClockEvent(event.at, "resume" if started else "start"))
            started = True
        elif after == "paused" and before == "running":
            out.append(ClockEvent(event.at, "pause"))
        elif after == "none" and started:
            out.append(ClockEvent(event.at, "stop"))
    return out


def sla_state(db: Session, dossier: ProcDossier) -> SlaState:
    proc = get_procedure(dossier.procedure_code)
    return compute_sla(proc.processing_time, clock_events(dossier_events(db, dossier.id)), work_calendar())


def append_event(db: Session, dossier: ProcDossier, *, kind: str, action: str, actor_id: int | None,
                 from_status: int | None = None, to_status: int | None = None, reason: str = "",
                 consent_id: int | None = None, data: dict | None = None, now: datetime | None = None
                 ) -> ProcDossierEvent:
    seq = db.exec(select(func.max(ProcDossierEvent.seq)).where(ProcDossierEvent.dossier_id == dossier.id)).one()
    event = ProcDossierEvent(dossier_id=dossier.id, seq=(seq or 0) + 1, kind=kind, action=action,
                             from_status=from_status, to_status=to_status, actor_id=actor_id,
                             helper_consent_id=consent_id, reason=reason[:2000], data=data or {},
                             at=now or utcnow())
    db.add(event)
    db.flush()
    return event


def refresh_projection(db: Session, dossier: ProcDossier) -> None:
    events = dossier_events(db, dossier.id)
    dossier.status = derive_status(events)
    state = compute_sla(get_procedure(dossier.procedure_code).processing_time, clock_events(events),
                        work_calendar())
    dossier.due_at, dossier.paused = state.due_at, state.paused
    dossier.updated_at = utcnow()


def transition(db: Session, dossier: ProcDossier, action: str, *, actor_id: int | None, actor_kind: str,
               reason: str = "", consent_id: int | None = None, resume_to: int | None = None,
               data: dict | None = None, now: datetime | None = None) -> ProcDossierEvent:
    """The only way a dossier changes status: legal per the data table, by the right kind of actor."""
    table = statuses.status_table()
    rule = table.find(dossier.status, action)
    if rule is None or rule.actor != actor_kind:
        raise DomainError("procedures.transition_illegal", action=action, status=dossier.status)
    if rule.reason_required and not reason.strip():
        raise DomainError("procedures.reason_required")
    target = dossier.resume_to if rule.target == statuses.RESUME else rule.target
    if rule.target == statuses.RESUME and target not in rule.allowed:
        raise DomainError("procedures.transition_illegal", action=action, status=dossier.status)
    event = append_event(db, dossier, kind="status", action=action, actor_id=actor_id,
                         from_status=dossier.status, to_status=target, reason=reason.strip(),
                         consent_id=consent_id, data=data, now=now)
    dossier.resume_to = resume_to if table.clock(target) == "paused" else None
    refresh_projection(db, dossier)
    return event


# --- drafts --------------------------------------------------------------------------------------


def start_draft(db: Session, user_id: int | None, procedure_code: str, *, profile: dict[str, Any] | None = None,
                for_citizen_id: int | None = None) -> ProcDossier:
    """Open a server-side draft, prefilled from the profile dict. A helper passes ``for_citizen_id``."""
    if user_id is None:
        raise NotAllowed("error.login_required")
    proc = get_procedure(procedure_code)
    citizen_id = for_citizen_id or user_id
    consent_id = None
    if citizen_id != user_id:
        consent_id = active_consent(db, user_id, citizen_id, proc.code, "draft").id
    dossier = ProcDossier(number=_new_number(), access_code_hash="", procedure_code=proc.code,
                          applicant_id=citizen_id, subject_id=citizen_id,
                          helper_id=user_id if citizen_id != user_id else None, consent_id=consent_id,
                          answers=forms.prefill(proc, profile or {}), current_page=proc.pages[0]["id"])
    citizen = db.get(UserAccount, citizen_id)
    dossier.subject_name = citizen.full_name if citizen else ""
    db.add(dossier)
    db.flush()
    audit(db, user_id, "draft_started", dossier=dossier, on_behalf_of=citizen_id, consent_id=consent_id,
          procedure=proc.code)
    return dossier


def get_dossier(db: Session, user_id: int | None, dossier_id: int) -> ProcDossier:
    dossier = load_dossier(db, dossier_id)
    resolve_actor(db, user_id, dossier)
    return dossier


def list_my_dossiers(db: Session, user_id: int | None) -> list[ProcDossier]:
    if user_id is None:
        raise NotAllowed("error.login_required")
    return list(db.exec(_MY_DOSSIERS, params={"user_id": user_id}).all())


_MY_DOSSIERS = (select(ProcDossier).where(ProcDossier.applicant_id == bindparam("user_id"))  # built once: core/db.py
                .order_by(col(ProcDossier.updated_at).desc()))


def _check_agency_answers(db: Session, proc: Procedure, specs: list[dict], answers: dict) -> list[forms.FieldError]:
    errors = []
    for spec in specs:
        value = answers.get(spec["id"])
        if spec["type"] == "agency" and value and _find_agency(db, value, spec["agency_kind"]) is None:
            errors.append(forms.FieldError(spec["id"], "procedures.err_agency"))
    return errors


def _find_agency(db: Session, code: str, kind: str) -> Agency | None:
    agency = db.exec(select(Agency).where(Agency.code == code)).first()
    return agency if agency is not None and agency_serves(agency, kind) else None


def agency_options(db: Session, kind: str) -> list[Agency]:
    """Agencies that receive this procedure kind (mapping in ``data/procedures/_meta/agency_kinds.json``)."""
    kinds = {match["kind"] for match in agency_kinds()[kind]}
    rows = db.exec(select(Agency).where(col(Agency.kind).in_(kinds)).order_by(col(Agency.name_vi))).all()
    return [agency for agency in rows if agency_serves(agency, kind)]


def save_page(db: Session, user_id: int | None, dossier_id: int, page_id: str, raw: dict[str, Any],
              now: datetime | None = None) -> ProcDossier:
    """Validate one page and store it in the draft; on any error raise FormInvalid and change nothing."""
    dossier = load_dossier(db, dossier_id)
    actor = resolve_actor(db, user_id, dossier, "draft")
    if dossier.status not in EDITABLE:
        raise DomainError("procedures.not_editable")
    proc = get_procedure(dossier.procedure_code)
    page = proc.page(page_id)
    if page is None:
        raise DomainError("procedures.err_unknown_page")
    merged = {**dossier.answers, **forms.normalize_page(proc, page_id, raw)}
    errors = forms.validate_page(proc, page_id, merged, today_local(now))
    errors += _check_agency_answers(db, proc, page["fields"], merged)
    if errors:
        raise FormInvalid(errors)
    dossier.answers = merged
    dossier.current_page = page_id
    dossier.updated_at = utcnow()
    audit(db, actor.user_id, "page_saved", dossier=dossier, on_behalf_of=actor.citizen_id,
          consent_id=actor.consent_id, page=page_id)
    return dossier


@dataclass(frozen=True)
class KeptAnswers:
    kept: list[str]  # field ids stored
    refused: list[str]  # field ids whose answer is not valid (left out; "Continue" will say why)


def keep_page_answers(db: Session, user_id: int | None, dossier_id: int, page_id: str, raw: dict[str, Any],
                      now: datetime | None = None) -> KeptAnswers:
    """Keep what was typed on a page of a draft without finishing the page: answers typed offline, saved when
    the connection returns (``assets/offline.js``). Every answer valid on its own is stored; a required answer
    still missing is no error yet; a wrong one is left out. "Continue" (``save_page``) still checks the page."""
    dossier = load_dossier(db, dossier_id)
    actor = resolve_actor(db, user_id, dossier, "draft")
    if dossier.status not in EDITABLE:
        raise DomainError("procedures.not_editable")
    proc = get_procedure(dossier.procedure_code)
    page = proc.page(page_id)
    if page is None:
        raise DomainError("procedures.err_unknown_page")
    plain = [spec for spec in page["fields"] if spec["type"] != "group"]  # a group's items are added one by one
    typed = forms.normalize_fields(plain, raw)
    merged = {**dossier.answers, **typed}
    errors = forms.validate_page(proc, page_id, merged, today_local(now))
    errors += _check_agency_answers(db, proc, plain, merged)
    wrong = {e.path for e in errors if e.code != "procedures.err_required"}
    kept = {fid: value for fid, value in typed.items() if fid not in wrong}
    dossier.answers = {**dossier.answers, **kept}
    dossier.updated_at = utcnow()
    audit(db, actor.user_id, "page_saved", dossier=dossier, on_behalf_of=actor.citizen_id,
          consent_id=actor.consent_id, page=page_id)
    return KeptAnswers(sorted(kept), sorted(wrong & typed.keys()))


def check_answers(db: Session, user_id: int | None, dossier_id: int, now: datetime | None = None
                  ) -> list[forms.FieldError]:
    """All problems left before submit (for the "check your answers" page)."""
    dossier = get_dossier(db, user_id, dossier_id)
    return form_errors(db, dossier, now)


def form_errors(db: Session, dossier: ProcDossier, now: datetime | None) -> list[forms.FieldError]:
    """Every problem left in a loaded dossier's answers and files (no permission check)."""
    proc = get_procedure(dossier.procedure_code)
    attached = {a.attachment_id for a in list_attachments(db, dossier.id)}
    errors = forms.validate_all(proc, dossier.answers, attached, today_local(now))
    return errors + _check_agency_answers(db, proc, proc.all_fields(), dossier.answers)


# --- attachments ---------------------------------------------------------------------------------


def list_attachments(db: Session, dossier_id: int) -> list[ProcAttachment]:
    query = select(ProcAttachment).where(ProcAttachment.dossier_id == dossier_id)
    return list(db.exec(query.order_by(col(ProcAttachment.id))).all())


def _open_supplement(db: Session, dossier_id: int) -> ProcSupplement | None:
    query = select(ProcSupplement).where(ProcSupplement.dossier_id == dossier_id,
                                         col(ProcSupplement.answered_at).is_(None))
    return db.exec(query.order_by(col(ProcSupplement.id).desc())).first()


def add_attachment(db: Session, user_id: int | None, dossier_id: int, attachment_id: str, filename: str,
                   content: bytes) -> ProcAttachment:
    """Check type by magic bytes and size, store outside the web root, record metadata."""
    dossier = load_dossier(db, dossier_id)
    actor = resolve_actor(db, user_id, dossier, "draft")
    supplement = _open_supplement(db, dossier.id) if dossier.status == statuses.SUPPLEMENT else None
    if dossier.status not in EDITABLE and supplement is None:
        raise DomainError("procedures.not_editable")
    proc = get_procedure(dossier.procedure_code)
    spec = next((a for a in proc.attachments if a["id"] == attachment_id), None)
    if spec is None:
        raise DomainError("procedures.attachment_unknown")
    mime = files.check_file(content, spec["accept"], spec["max_bytes"])
    key, digest = files.store_bytes(content)
    row = ProcAttachment(dossier_id=dossier.id, attachment_id=attachment_id, filename=files.safe_filename(filename),
                         mime=mime, size=len(content), sha256=digest, storage_key=key, uploaded_by=actor.user_id,
                         supplement_id=supplement.id if supplement else None)
    db.add(row)
    db.flush()
    audit(db, actor.user_id, "attachment_added", dossier=dossier, on_behalf_of=actor.citizen_id,
          consent_id=actor.consent_id, attachment=attachment_id, size=len(content))
    return row


def remove_attachment(db: Session, user_id: int | None, attachment_row_id: int) -> None:
    row = db.get(ProcAttachment, attachment_row_id)
    if row is None:
        raise NotFound("procedures.attachment_unknown")
    dossier = load_dossier(db, row.dossier_id)
    actor = resolve_actor(db, user_id, dossier, "draft")
    if dossier.status not in EDITABLE:
        raise DomainError("procedures.not_editable")
    db.delete(row)
    audit(db, actor.user_id, "attachment_removed", dossier=dossier, on_behalf_of=actor.citizen_id,
          consent_id=actor.consent_id, attachment=row.attachment_id)


# --- fees ----------------------------------------------------------------------------------------


def _exempt(proc: Procedure, answers: dict, item: dict | None = None) -> bool:
    return any("applies_when" in ex and forms.condition_holds(ex["applies_when"], answers, item)
               for ex in proc.fees["exemptions"])


def _page_fee(rate: dict, answers: dict) -> tuple[int, int]:
    pages, copies = answers.get(rate["pages_field"]) or 0, answers.get(rate["copies_field"]) or 0
    per_copy = 0
    for page in range(1, int(pages) + 1):
        tier = [t for t in rate["tiers"] if t["from_page"] <= page][-1]
        per_copy += tier["amount"]
    return min(per_copy, rate["cap_per_copy"]) * int(copies), int(copies)


def quote_fee(proc: Procedure, answers: dict[str, Any], channel: str = "online") -> FeeQuote:
    """The fee for these answers: per dossier, per person (list variant) or per page, minus exemptions."""
    rate = proc.fees[channel]
    per = rate["per"]
    text, source = proc.fees["text_vi"], proc.fees["source"]
    if per == "page":
        amount, copies = _page_fee(rate, answers)
        return FeeQuote(amount, per, copies, 0, text, source)
    if per == "person":
        people = answers.get(rate["group"]) or []
        exempt = sum(1 for item in people if _exempt(proc, answers, item))
        return FeeQuote(rate["amount"] * (len(people) - exempt), per, len(people), exempt, text, source)
    exempt = 1 if _exempt(proc, answers) else 0
    return FeeQuote(0 if exempt else rate["amount"], per, 1, exempt, text, source)


# --- the citizen's signature ---------------------------------------------------------------------


def fingerprint(db: Session, dossier: ProcDossier) -> str:
    """Hash of the answers and attached files: a signature is only valid for what was shown."""
    attached = sorted(a.sha256 for a in list_attachments(db, dossier.id) if a.attachment_id != SIGNED_DOSSIER)
    body = json.dumps({"answers": dossier.answers, "files": attached}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def signature_current(db: Session, dossier: ProcDossier) -> bool:
    """Signed, and nothing changed since (answers and files have the fingerprint that was signed)."""
    query = select(ProcAudit).where(ProcAudit.dossier_id == dossier.id, ProcAudit.action == "dossier_signed")
    last = db.exec(query.order_by(col(ProcAudit.id).desc())).first()
    return last is not None and last.detail.get("fingerprint") == fingerprint(db, dossier)


# --- submission ----------------------------------------------------------------------------------


def _new_number() -> str:
    stamp = to_local(utcnow()).strftime("%y%m%d")
    return f"HS-{stamp}-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


def _code_hash(number: str, code: str) -> str:
    """What is stored of an access code: ``k1:`` and its HMAC under the purpose's derived key (base64url)."""
    mac = hmac.new(derive_key(ACCESS_CODE_KEY), f"{number}:{code.strip().upper()}".encode(), hashlib.sha256)
    return ACCESS_CODE_PREFIX + b64url_encode(mac.digest())


def _legacy_code_hash(number: str, code: str) -> str:
    """Codes given out before keys were derived per purpose: 64 hex digits, keyed with SECRET_KEY itself."""
    key = settings().secret_key.encode()
    return hmac.new(key, f"{number}:{code.strip().upper()}".encode(), hashlib.sha256).hexdigest()


def _access_code_matches(dossier: ProcDossier | None, number: str, code: str) -> bool:
    """A legacy hash that matches is replaced by the current form, so the legacy check serves each old code
    once at most (count ``access_code_hash NOT LIKE 'k1:%'`` to know when it can go)."""
    given = _code_hash(number, code)
    expected = dossier.access_code_hash if dossier else ""
    if not expected:
        return False
    if expected.startswith(ACCESS_CODE_PREFIX):
        return hmac.compare_digest(expected, given)
    if hmac.compare_digest(expected, _legacy_code_hash(number, code)):
        dossier.access_code_hash = given
        return True
    return False


def _new_access_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


def _set_access_code(dossier: ProcDossier, code: str) -> None:
    """The lookup compares the HMAC; the owner reads the sealed copy (AES-GCM, bound to the dossier number)."""
    dossier.access_code_hash = _code_hash(dossier.number, code)
    dossier.access_code_sealed = seal(code.encode(), f"access-code:{dossier.number}")


def _own_submitted(db: Session, user_id: int | None, dossier_id: int) -> ProcDossier:
    dossier = load_dossier(db, dossier_id)
    if user_id is None or user_id != dossier.applicant_id:
        raise NotAllowed("procedures.owner_only")
    if dossier.submitted_at is None:
        raise DomainError("procedures.not_submitted")
    return dossier


def access_code(db: Session, user_id: int | None, dossier_id: int) -> str | None:
    """The owner's current access code; None for a code given out before codes were kept (re-issue it)."""
    dossier = _own_submitted(db, user_id, dossier_id)
    if not dossier.access_code_sealed:
        return None
    return unseal(dossier.access_code_sealed, f"access-code:{dossier.number}").decode()


def reissue_access_code(db: Session, user_id: int | None, dossier_id: int) -> str:
    """A new access code for the owner; the old one stops working at once. Recorded in her activity log."""
    dossier = _own_submitted(db, user_id, dossier_id)
    code = _new_access_code()
    _set_access_code(dossier, code)
    dossier.updated_at = utcnow()
    audit(db, user_id, "access_code_reissued", dossier=dossier, on_behalf_of=user_id)
    record_activity(db, dossier.applicant_id, "dossier", "procedures.activity.access_code_reissued",
                    {"number": dossier.number})
    return code


def submit(db: Session, user_id: int | None, dossier_id: int, now: datetime | None = None) -> SubmitReceipt:
    """Validate everything, require the citizen's signature of exactly these answers and files (a helper with
    submit scope submits what the citizen signed), route to the agency, quote the fee; fee due -> status 6
    until paid, else 1."""
    dossier = load_dossier(db, dossier_id)
    actor = resolve_actor(db, user_id, dossier, "submit")
    if dossier.status != statuses.DRAFT:
        raise DomainError("procedures.transition_illegal", action="submit", status=dossier.status)
    errors = form_errors(db, dossier, now)
    if errors:
        raise FormInvalid(errors)
    if not signature_current(db, dossier):
        raise DomainError("procedures.sign_first")
    proc = get_procedure(dossier.procedure_code)
    receiver = next(f for f in proc.all_fields() if f["type"] == "agency")
    agency = _find_agency(db, dossier.answers[receiver["id"]], proc.agency_kind)
    fee = quote_fee(proc, dossier.answers)
    code = _new_access_code()
    dossier.agency_id, dossier.fee_amount = agency.id, fee.amount
    dossier.fee_exempt = fee.exempt_units > 0 and fee.amount == 0
    _set_access_code(dossier, code)
    dossier.submitted_at = now or utcnow()
    pay_first = fee.amount > 0 and proc.fees["pay_at"] == "submit"
    transition(db, dossier, "submit_with_fee" if pay_first else "submit", actor_id=actor.user_id,
               actor_kind="applicant", consent_id=actor.consent_id,
               resume_to=statuses.NEW if pay_first else None, now=now, data={"fee": fee.amount})
    audit(db, actor.user_id, "submitted", dossier=dossier, on_behalf_of=actor.citizen_id,
          consent_id=actor.consent_id, fee=fee.amount)
    from citizen_app.procedures import documents, named  # they build on this module

    documents.issue_receipt(db, dossier)
    notify_applicant(db, dossier, "submit", agency=agency.name_vi)
    named.record_named(db, dossier)
    return SubmitReceipt(dossier.number, code, dossier.status, fee)


def mark_fee_paid(db: Session, dossier_id: int, order_ref: str, now: datetime | None = None) -> ProcDossier:
    """Seam for the payments pillar: the fee order succeeded. Idempotent for the same order reference."""
    dossier = load_dossier(db, dossier_id)
    if dossier.fee_order_ref == order_ref and dossier.fee_paid_at is not None:
        return dossier
    if dossier.status != statuses.FEE:
        raise DomainError("procedures.fee_not_due")
    dossier.fee_order_ref, dossier.fee_paid_at = order_ref[:64], now or utcnow()
    transition(db, dossier, "pay_fee", actor_id=None, actor_kind="system", data={"order_ref": order_ref}, now=now)
    audit(db, None, "fee_paid", dossier=dossier, order_ref=order_ref, amount=dossier.fee_amount)
    agency = db.get(Agency, dossier.agency_id) if dossier.agency_id else None
    notify_applicant(db, dossier, "pay_fee", agency=agency.name_vi if agency else "")
    return dossier


def fee_due(db: Session, user_id: int | None, dossier_id: int) -> int:
    """Amount the payments pillar should charge; checks the caller may pay (owner or helper with pay scope)."""
    dossier = load_dossier(db, dossier_id)
    resolve_actor(db, user_id, dossier, "submit_pay")
    if dossier.status != statuses.FEE:
        raise DomainError("procedures.fee_not_due")
    return dossier.fee_amount


def withdraw(db: Session, user_id: int | None, dossier_id: int, reason: str = "") -> ProcDossier:
    dossier = load_dossier(db, dossier_id)
    actor = resolve_actor(db, user_id, dossier, "submit")
    transition(db, dossier, "withdraw", actor_id=actor.user_id, actor_kind="applicant", reason=reason,
               consent_id=actor.consent_id)
    audit(db, actor.user_id, "withdrawn", dossier=dossier, on_behalf_of=actor.citizen_id,
          consent_id=actor.consent_id)
    return dossier


def open_supplement(db: Session, user_id: int | None, dossier_id: int) -> ProcSupplement | None:
    dossier = get_dossier(db, user_id, dossier_id)
    return _open_supplement(db, dossier.id)


def answer_supplement(db: Session, user_id: int | None, dossier_id: int, changes: dict[str, Any] | None = None,
                      note: str = "", now: datetime | None = None) -> ProcDossier:
    """The citizen corrects answers and/or uploads the listed files in place, then sends it back."""
    dossier = load_dossier(db, dossier_id)
    actor = resolve_actor(db, user_id, dossier, "submit")
    supplement = _open_supplement(db, dossier.id)
    if dossier.status != statuses.SUPPLEMENT or supplement is None:
        raise DomainError("procedures.transition_illegal", action="answer_supplement", status=dossier.status)
    proc = get_procedure(dossier.procedure_code)
    if changes:
        normalized = forms.normalize_fields(proc.all_fields(), changes)
        dossier.answers = {**dossier.answers, **normalized}
    errors = form_errors(db, dossier, now) + _missing_supplement_files(db, supplement)
    if errors:
        raise FormInvalid(errors)
    supplement.answered_at, supplement.answer_note = now or utcnow(), note.strip()[:2000]
    transition(db, dossier, "answer_supplement", actor_id=actor.user_id, actor_kind="applicant",
               consent_id=actor.consent_id, now=now, data={"supplement_id": supplement.id})
    audit(db, actor.user_id, "supplement_answered", dossier=dossier, on_behalf_of=actor.citizen_id,
          consent_id=actor.consent_id)
    return dossier


def _missing_supplement_files(db: Session, supplement: ProcSupplement) -> list[forms.FieldError]:
    wanted = {i["attachment_id"] for i in supplement.items if i.get("attachment_id")}
    query = select(ProcAttachment.attachment_id).where(ProcAttachment.supplement_id == supplement.id)
    have = set(db.exec(query).all())
    return [forms.FieldError(f"attachment:{a}", "procedures.err_attachment_missing") for a in sorted(wanted - have)]


def rate_service(db: Session, user_id: int | None, dossier_id: int, stars: int, comment: str = "") -> ProcDossier:
    dossier = load_dossier(db, dossier_id)
    if user_id != dossier.applicant_id:
        raise NotAllowed()
    if dossier.status not in (statuses.DONE, statuses.DELIVERED):
        raise DomainError("procedures.rating_too_early")
    if not 1 <= int(stars) <= 5:
        raise DomainError("procedures.rating_range")
    dossier.rating, dossier.rating_comment, dossier.rated_at = int(stars), forms.nfc(comment)[:1000], utcnow()
    audit(db, user_id, "rated", dossier=dossier, on_behalf_of=user_id, stars=int(stars))
    return dossier


def history(db: Session, user_id: int | None, dossier_id: int) -> list[ProcDossierEvent]:
    dossier = get_dossier(db, user_id, dossier_id)
    return dossier_events(db, dossier.id)


def activity_log(db: Session, user_id: int | None, limit: int = 100) -> list[ProcAudit]:
    """Everything done on the citizen's dossiers or consents, by them or by a helper for them."""
    if user_id is None:
        raise NotAllowed("error.login_required")
    query = select(ProcAudit).where((ProcAudit.on_behalf_of == user_id) | (ProcAudit.actor_id == user_id))
    return list(db.exec(query.order_by(col(ProcAudit.id).desc()).limit(limit)).all())


# --- public lookup -------------------------------------------------------------------------------


LOOKUP_LOCK_FAILURES = 10  # wrong codes for one dossier number within identity's LOCK_WINDOW (15 minutes)


def _lookup_key(number: str) -> str:
    return f"dossier-lookup:{number}"[:254]


def _check_lookup_not_locked(db: Session, number: str, now: datetime) -> None:
    """The 6-digit access code must not be guessable: after LOOKUP_LOCK_FAILURES wrong codes a number is refused
    for the window, whoever asks (per number, not per address: many phones share one carrier address)."""
    if recent_failures(db, _lookup_key(number), now) >= LOOKUP_LOCK_FAILURES:
        raise TooManyAttempts("procedures.lookup_locked", minutes=int(LOCK_WINDOW.total_seconds() // 60))


def public_lookup(db: Session, number: str, access_code: str, now: datetime | None = None) -> PublicStatus:
    """Status by dossier number + access code. Same error for unknown number and wrong code; the failure is
    recorded (``RecordedRefusal`` commits it) and a number with too many lately is refused."""
    now = now or utcnow()
    number = forms.nfc(number).upper()
    _check_lookup_not_locked(db, number, now)
    dossier = db.exec(select(ProcDossier).where(ProcDossier.number == number)).first()
    if dossier is None or not _access_code_matches(dossier, number, access_code or ""):
        db.add(LoginAttempt(identifier=_lookup_key(number), at=now, success=False))
        raise RecordedRefusal("procedures.lookup_failed")
    proc = get_procedure(dossier.procedure_code)
    status = statuses.status_table().statuses[dossier.status]
    state = sla_state(db, dossier)
    due_on = to_local(dossier.due_at).strftime("%d/%m/%Y") if dossier.due_at else ""
    submitted = to_local(dossier.submitted_at).strftime("%d/%m/%Y") if dossier.submitted_at else ""
    return PublicStatus(dossier.number, proc.name["vi"], proc.name["en"], status.code, status.vi, status.en,
                        submitted, due_on, state.overdue(now),
                        dossier.status in (statuses.DONE, statuses.DELIVERED))
