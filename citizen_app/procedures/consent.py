"""Helper mode: a citizen's scoped, time-limited consent for a volunteer to prepare or submit dossiers."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.timeutil import utcnow
from citizen_app.identity.service import require_role
from citizen_app.procedures import service
from citizen_app.procedures.catalog import catalog
from citizen_app.procedures.models import ProcAudit, ProcConsentCode, ProcDossier, ProcHelperConsent
from citizen_app.procedures.service import SCOPE_RANK, active_consents, audit

MAX_HOURS = 24 * 7
CODE_TTL = timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5
CONSENT_TEXT_VERSION = "procedures.consent_text.v2"  # v2: the data the volunteer will see is part of the text
PROFILE_DATA = ("full_name", "date_of_birth", "sex", "personal_id", "phone", "email")  # profile prefill names


def data_seen(procedures: list[str]) -> list[str]:
    """The citizen's profile data these procedures prefill, so the volunteer sees it (``PROFILE_DATA`` order);
    she is shown each by name ("procedures.data.<name>") before she agrees."""
    known = catalog()
    used = {spec["prefill"] for code in procedures if code in known
            for spec in known[code].all_fields() if spec.get("prefill")}
    return [name for name in PROFILE_DATA if name in used]


def check_scope(procedures: list[str], scope: str, hours: int) -> list[str]:
    if scope not in SCOPE_RANK:
        raise DomainError("procedures.consent_scope_invalid")
    known = catalog()
    chosen = sorted(set(procedures))
    if not chosen or any(code not in known for code in chosen):
        raise DomainError("procedures.consent_procedures_invalid")
    if not 1 <= hours <= MAX_HOURS:
        raise DomainError("procedures.consent_hours_invalid", max=MAX_HOURS)
    return chosen


def consent_text_hash(procedures: list[str], scope: str, hours: int) -> str:
    """Hash of what the citizen was shown (text version, procedures, scope, duration and the data the volunteer
    will see), kept as proof of the agreement."""
    shown = f"{CONSENT_TEXT_VERSION}|{','.join(procedures)}|{scope}|{hours}|{','.join(data_seen(procedures))}"
    return hashlib.sha256(shown.encode()).hexdigest()


def _create(db: Session, subject_id: int, helper_id: int, procedures: list[str], scope: str, hours: int,
            method: str) -> ProcHelperConsent:
    if subject_id == helper_id:
        raise DomainError("procedures.consent_self")
    consent = ProcHelperConsent(subject_id=subject_id, helper_id=helper_id, procedures=procedures, scope=scope,
                                method=method, text_hash=consent_text_hash(procedures, scope, hours),
                                expires_at=utcnow() + timedelta(hours=hours))
    db.add(consent)
    db.flush()
    audit(db, subject_id, "consent_granted", on_behalf_of=subject_id, consent_id=consent.id, to_citizen_log=True,
          helper_id=helper_id, procedures=procedures, scope=scope, method=method)
    return consent


def grant_consent(db: Session, subject_id: int | None, helper_id: int, procedures: list[str], scope: str,
                  hours: int = 24) -> ProcHelperConsent:
    """From the citizen's own account: allow this volunteer these procedures, for this long."""
    if subject_id is None:
        raise NotAllowed("error.login_required")
    chosen = check_scope(procedures, scope, hours)
    if "volunteer" not in require_role(db, helper_id):
        raise DomainError("procedures.helper_not_volunteer")
    return _create(db, subject_id, helper_id, chosen, scope, hours, "account")


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


def create_consent_code(db: Session, helper_id: int | None, procedures: list[str], scope: str,
                        hours: int = 24) -> str:
    """The volunteer asks; an 8-digit one-time code is shown on their screen for the citizen to read."""
    require_role(db, helper_id, "volunteer")
    chosen = check_scope(procedures, scope, hours)
    code = f"{secrets.randbelow(10**8):08d}"
    db.add(ProcConsentCode(code_hash=_code_hash(code), helper_id=helper_id, procedures=chosen, scope=scope,
                           valid_hours=hours, expires_at=utcnow() + CODE_TTL))
    audit(db, helper_id, "consent_code_created", procedures=chosen, scope=scope)
    return code


def describe_consent_code(db: Session, subject_id: int | None, code: str) -> ProcConsentCode:
    """What the citizen is about to agree to (shown before they confirm)."""
    if subject_id is None:
        raise NotAllowed("error.login_required")
    row = db.exec(select(ProcConsentCode).where(ProcConsentCode.code_hash == _code_hash(code))).first()
    if row is None or row.used_at is not None or row.expires_at < utcnow() or row.attempts >= CODE_MAX_ATTEMPTS:
        raise DomainError("procedures.consent_code_invalid")
    return row


def redeem_consent_code(db: Session, subject_id: int | None, code: str) -> ProcHelperConsent:
    """The citizen, logged in on their own device, types the code and agrees."""
    row = describe_consent_code(db, subject_id, code)
    row.used_at = utcnow()
    return _create(db, subject_id, row.helper_id, list(row.procedures), row.scope, row.valid_hours, "code")


def revoke_consent(db: Session, subject_id: int | None, consent_id: int) -> ProcHelperConsent:
    consent = db.get(ProcHelperConsent, consent_id)
    if consent is None or consent.subject_id != subject_id:
        raise NotFound()
    if consent.revoked_at is None and service.consent_is_active(consent):
        consent.revoked_at = utcnow()
        audit(db, subject_id, "consent_revoked", on_behalf_of=subject_id, consent_id=consent.id, to_citizen_log=True)
    return consent


def log_expired_consents(db: Session, now: datetime | None = None) -> list[ProcHelperConsent]:
    """Scheduled job: each consent that ran out (not revoked) gets one "expired" line in its citizen's activity
    log. Idempotent: the audit row ``consent_expired`` marks a consent already told."""
    now = now or utcnow()
    told = select(ProcAudit.consent_id).where(ProcAudit.action == "consent_expired")
    query = select(ProcHelperConsent).where(col(ProcHelperConsent.revoked_at).is_(None),
                                            col(ProcHelperConsent.expires_at) <= now,
                                            col(ProcHelperConsent.id).not_in(told))
    expired = list(db.exec(query.order_by(col(ProcHelperConsent.id))).all())
    for consent in expired:
        audit(db, None, "consent_expired", on_behalf_of=consent.subject_id, consent_id=consent.id, at=now,
              to_citizen_log=True)
    return expired


def list_consents(db: Session, subject_id: int | None) -> list[ProcHelperConsent]:
    if subject_id is None:
        raise NotAllowed("error.login_required")
    query = select(ProcHelperConsent).where(ProcHelperConsent.subject_id == subject_id)
    return list(db.exec(query.order_by(col(ProcHelperConsent.id).desc())).all())


def helper_consents(db: Session, helper_id: int | None) -> list[ProcHelperConsent]:
    """The volunteer's live consents (whom they may help now)."""
    require_role(db, helper_id, "volunteer")
    return active_consents(db, helper_id)


def helped_dossiers(db: Session, helper_id: int | None, limit: int = 50) -> list[ProcDossier]:
    """Dossiers the volunteer prepared, only for citizens whose consent is still live (newest first)."""
    subjects = {row.subject_id for row in helper_consents(db, helper_id)}
    if not subjects:
        return []
    query = select(ProcDossier).where(ProcDossier.helper_id == helper_id, col(ProcDossier.applicant_id).in_(subjects))
    return list(db.exec(query.order_by(col(ProcDossier.updated_at).desc()).limit(limit)).all())
