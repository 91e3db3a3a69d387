"""The signed result lands in the citizen's wallet: a ``result`` credential (SD-JWT VC) on delivery.

The citizen's browser is not present when the official delivers, so the credential is bound to the
citizen's server-held holder key (``key_mode="server"``, shown as such in the wallet). Claims: the
procedure's code and name, the dossier number, the result date, the SHA-256 of the signed PDF, the
outcome (the result document's title) and the deciding agency. The wallet lists it with a link to
download the PDF (``result_links``, connected to ``wallet_service.CREDENTIAL_LINKS`` by the pillar's wiring).

It lives as long as the result covers: until the last listed stay ends (``documents.credential_expiry``), ten years
for a result without a period. The people the dossier names get one too, until their own stay ends
(``issue_credential_to``, called by ``named.on_result``).
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import VN_TZ, to_local, utcnow
from citizen_app.identity.crypto import public_jwk
from citizen_app.identity.models import Agency
from citizen_app.procedures.catalog import get_procedure
from citizen_app.procedures.models import ProcAudit, ProcDossier, ProcResult
from citizen_app.wallet import credentials as cr

log = logging.getLogger(__name__)
ACTION = "result_credential_issued"


def result_claims(db: Session, dossier: ProcDossier, result: ProcResult, now: datetime) -> dict[str, str]:
    proc = get_procedure(dossier.procedure_code)
    agency = db.get(Agency, dossier.agency_id) if dossier.agency_id else None
    when = result.signed_at or now
    return {"outcome": proc.result["title"]["vi"][:200], "procedure": proc.code[:200],
            "procedure_name": proc.name["vi"][:200], "dossier_ref": dossier.number,
            "result_date": to_local(when).date().isoformat(), "doc_hash": result.sha256,
            "agency": (agency.name_vi if agency else "—")[:200]}


def _issue(db: Session, official_id: int | None, dossier: ProcDossier, user_id: int, now: datetime,
           expires_at: datetime) -> int | None:
    """Issue to ``user_id`` inside the deliver transaction. A failure must not undo the delivery of the signed PDF:
    it is logged and the savepoint rolled back; returns the credential id, or None."""
    result = db.exec(select(ProcResult).where(ProcResult.dossier_id == dossier.id)).first()
    if result is None or result.sign_state != "signed":
        return None
    try:
        with db.begin_nested():
            jwk = public_jwk(cr.server_holder_key(db, user_id))
            issued = cr.issue_credential(db, user_id, "result", jwk, actor_id=official_id, key_mode="server",
                                         claims=result_claims(db, dossier, result, now), now=now,
                                         expires_at=expires_at)
            db.add(ProcAudit(at=now, actor_id=official_id, dossier_id=dossier.id, action=ACTION,
                             detail={"credential_id": issued.record.id, "sha256": result.sha256,
                                     "user_id": user_id}))
    except DomainError:
        log.exception("procedures: result credential for dossier %s not issued", dossier.id)
        return None
    return issued.record.id


def issue_result_credential(db: Session, official_id: int | None, dossier: ProcDossier,
                            now: datetime | None = None) -> int | None:
    """The result credential of the dossier's subject, living as long as the result covers."""
    from citizen_app.procedures.documents import credential_expiry

    now = now or utcnow()
    expires = credential_expiry(get_procedure(dossier.procedure_code), dossier.answers, now)
    return _issue(db, official_id, dossier, dossier.subject_id or dossier.applicant_id, now, expires)


def issue_credential_to(db: Session, official_id: int | None, dossier: ProcDossier, user_id: int, now: datetime,
                        until: date | None) -> int | None:
    """The credential of someone the dossier names: until their stay ends (end of that day, local time)."""
    from citizen_app.procedures.documents import NO_END_DAYS

    expires = (datetime.combine(until, time(23, 59, 59), VN_TZ).astimezone(UTC) if until
               else now + timedelta(days=NO_END_DAYS))
    return _issue(db, official_id, dossier, user_id, now, expires)


def result_links(db: Session, user_id: int) -> dict[int, str]:
    """Credential id -> download URL of the signed result, for the citizen's own result credentials."""
    dossiers = select(ProcDossier.id).where((ProcDossier.applicant_id == user_id) | (ProcDossier.subject_id == user_id))
    rows = db.exec(select(ProcAudit).where(ProcAudit.action == ACTION, col(ProcAudit.dossier_id).in_(dossiers)))
    links: dict[int, str] = {}
    for row in rows.all():
        credential_id = row.detail.get("credential_id")
        if isinstance(credential_id, int) and row.detail.get("user_id", user_id) == user_id:
            links[credential_id] = f"/api/procedures/dossiers/{row.dossier_id}/result.pdf"
    return links



def revoke_result_credentials(db: Session, actor_id: int | None, dossier: ProcDossier) -> int:
    """The result was revoked: every credential issued for it (the applicant's and the named people's) too."""
    rows = db.exec(select(ProcAudit).where(ProcAudit.action == ACTION, ProcAudit.dossier_id == dossier.id)).all()
    revoked = 0
    for row in rows:
        credential_id = row.detail.get("credential_id")
        if isinstance(credential_id, int):
            cr.revoke_credential(db, actor_id, credential_id)
            revoked += 1
    return revoked
