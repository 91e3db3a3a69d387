"""The signed result lands in the citizen's wallet: a ``result`` credential (SD-JWT VC) on delivery.

The citizen's browser is not present when the official delivers, so the credential is bound to the
citizen's server-held holder key (``key_mode="server"``, shown as such in the wallet). Claims: the
procedure's code and name, the dossier number, the result date, the SHA-256 of the signed PDF, the
outcome (the result document's title) and the deciding agency. The wallet lists it with a link to
download the PDF (``result_links``, registered with ``wallet_service.CREDENTIAL_LINKS``).
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session, col, select

from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import to_local, utcnow
from citizen_app.identity.crypto import public_jwk
from citizen_app.identity.models import Agency
from citizen_app.procedures.catalog import get_procedure
from citizen_app.procedures.models import ProcAudit, ProcDossier, ProcResult
from citizen_app.wallet import credentials as cr
from citizen_app.wallet import service as wallet_service

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


def issue_result_credential(db: Session, official_id: int | None, dossier: ProcDossier,
                            now: datetime | None = None) -> int | None:
    """Issue the result credential to the dossier's subject (inside the deliver transaction).

    A failure here must not undo the delivery of the signed PDF: it is logged and the savepoint rolled back.
    Returns the credential id, or None when issuing failed.
    """
    now = now or utcnow()
    result = db.exec(select(ProcResult).where(ProcResult.dossier_id == dossier.id)).first()
    if result is None or result.sign_state != "signed":
        return None
    subject = dossier.subject_id or dossier.applicant_id
    try:
        with db.begin_nested():
            jwk = public_jwk(cr.server_holder_key(db, subject))
            issued = cr.issue_credential(db, subject, "result", jwk, actor_id=official_id, key_mode="server",
                                         claims=result_claims(db, dossier, result, now), now=now)
            db.add(ProcAudit(at=now, actor_id=official_id, dossier_id=dossier.id, action=ACTION,
                             detail={"credential_id": issued.record.id, "sha256": result.sha256}))
    except DomainError:
        log.exception("procedures: result credential for dossier %s not issued", dossier.id)
        return None
    return issued.record.id


def result_links(db: Session, user_id: int) -> dict[int, str]:
    """Credential id -> download URL of the signed result, for the citizen's own result credentials."""
    dossiers = select(ProcDossier.id).where((ProcDossier.applicant_id == user_id) | (ProcDossier.subject_id == user_id))
    rows = db.exec(select(ProcAudit).where(ProcAudit.action == ACTION, col(ProcAudit.dossier_id).in_(dossiers)))
    links: dict[int, str] = {}
    for row in rows.all():
        credential_id = row.detail.get("credential_id")
        if isinstance(credential_id, int):
            links[credential_id] = f"/api/procedures/dossiers/{row.dossier_id}/result.pdf"
    return links


if result_links not in wallet_service.CREDENTIAL_LINKS:
    wallet_service.CREDENTIAL_LINKS.append(result_links)
