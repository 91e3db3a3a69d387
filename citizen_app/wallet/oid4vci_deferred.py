"""OpenID4VCI 1.0 deferred issuance (§9) for credential types an official approves first
(``oid4vci.NEEDS_APPROVAL``): the credential endpoint answered ``202`` with a ``transaction_id``; the wallet asks
the deferred credential endpoint with it and the same access token, and gets ``202`` again until an official of
the citizen's ward (as at the identity desk, never for their own request) approves; then the credentials, bound to
the keys the wallet proved at the first request. A refusal, an expiry or a revoked token ends the transaction.
Officials decide on the wallet's back office page (/wallet/approvals, ``backoffice_state.py``) or over HTTP; a
refusal needs a reason, which the citizen reads; every decision goes to the citizen's activity log and alerts them.

No Reflex import. Only the SHA-256 of the transaction_id and of the access token are stored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.text import clean_text
from citizen_app.core.timeutil import utcnow
from citizen_app.identity.activity import record_activity
from citizen_app.identity.desk import desk_ward
from citizen_app.identity.models import Agency, UserAccount
from citizen_app.identity.profile import get_profile, same_ward, ward_of
from citizen_app.notify.service import alert_account
from citizen_app.wallet import oid4vci, oid4vci_authorize
from citizen_app.wallet.models import VciAuthCode, VciDeferred, VciToken


def _transaction(db: Session, access_token: str | None, transaction_id: str, now: datetime) -> VciDeferred:
    token = oid4vci.token_row(db, access_token, None)
    row = db.exec(select(VciDeferred).where(VciDeferred.transaction_hash == oid4vci.sha(transaction_id or ""))).first()
    if row is None or row.token_hash != token.token_hash or row.expires_at <= now or row.status in ("issued",
                                                                                                    "revoked"):
        raise oid4vci.OAuthRefusal("identity.oid4vci.transaction_invalid", "invalid_transaction_id")
    if row.status == "refused":
        raise oid4vci.OAuthRefusal("identity.oid4vci.transaction_refused", "credential_request_denied")
    return row


def deferred_request(db: Session, access_token: str | None, body: dict[str, Any]) -> list[str] | oid4vci.Deferred:
    """The deferred credential endpoint: still waiting (the same transaction_id and interval) or the credentials,
    once."""
    now = utcnow()
    transaction_id = str(body.get("transaction_id") or "")
    row = _transaction(db, access_token, transaction_id, now)
    if row.status == "pending":
        return oid4vci.Deferred(transaction_id, oid4vci.DEFERRED_INTERVAL)
    row.status = "issued"
    issued = oid4vci.issue_batch(db, row.user_id, row.kind, json.loads(row.holder_jwks), actor_id=row.decided_by)
    return [item.credential for item in issued]


NOTE_MAX = 500
APPROVED_TITLE = "identity.alert.vci_approved_title"
REFUSED_TITLE = "identity.alert.vci_refused_title"


@dataclass(frozen=True)
class Waiting:
    """A waiting request as the official reads it: who (enough to recognise the person, as at the desk: name and
    year of birth, never the ID number or address), which credential, which wallet asked (``None``: a wallet the
    citizen gave a one-time code to, with no registered name), how many copies, when."""

    id: int
    user_id: int
    citizen: str
    birth_year: str
    kind: str
    wallet: dict[str, str] | None
    copies: int
    created_at: datetime


def _of_ward(db: Session, ward: str, user_id: int) -> bool:
    profile = get_profile(db, user_id)
    return profile is not None and same_ward(ward, ward_of(profile.ward, profile.address))


def wallet_name(db: Session, row: VciDeferred) -> dict[str, str] | None:
    """The registered name (vi, en) of the wallet whose access token made the request; ``None`` for a token of a
    pre-authorized offer. A wallet since removed from the registry is named by its client_id."""
    token = db.get(VciToken, row.token_hash)
    code = db.get(VciAuthCode, token.auth_code_id) if token is not None and token.auth_code_id else None
    if code is None:
        return None
    client = oid4vci_authorize.wallet_clients().get(code.client_id)
    return client.name.model_dump() if client is not None else {"vi": code.client_id, "en": code.client_id}


def _waiting(db: Session, row: VciDeferred) -> Waiting:
    profile = get_profile(db, row.user_id)
    birth = profile.birth_date if profile is not None else None
    return Waiting(row.id or 0, row.user_id, profile.full_name if profile is not None else "",
                   str(birth.year) if birth else "", row.kind, wallet_name(db, row), len(json.loads(row.holder_jwks)),
                   row.created_at)


def waiting_for_approval(db: Session, actor_id: int | None) -> list[Waiting]:
    """The waiting requests of the acting ward official's own ward (as at the identity desk), not their own."""
    ward = desk_ward(db, actor_id)
    rows = db.exec(select(VciDeferred).where(VciDeferred.status == "pending", VciDeferred.expires_at > utcnow())
                   .order_by(col(VciDeferred.id))).all()
    return [_waiting(db, r) for r in rows if r.user_id != actor_id and _of_ward(db, ward, r.user_id)]


def _agency_name(db: Session, actor_id: int) -> dict[str, str]:
    actor = db.get(UserAccount, actor_id)
    agency = db.get(Agency, actor.agency_id) if actor is not None and actor.agency_id else None
    return {"vi": agency.name_vi, "en": agency.name_en} if agency else {"vi": "Công dân số", "en": "Công dân số"}


def decide(db: Session, actor_id: int | None, deferred_id: int, approve: bool, note: str = "") -> str:
    """An official approves or refuses (with a reason the citizen reads) a waiting request, not their own; the
    citizen's activity log records it and the citizen is told on every channel (a credential about them is going
    to a wallet, or is not). The wallet learns it at its next ask."""
    ward = desk_ward(db, actor_id)
    row = db.get(VciDeferred, deferred_id)
    if row is None or row.status != "pending" or row.expires_at <= utcnow() or not _of_ward(db, ward, row.user_id):
        raise NotFound("identity.oid4vci.transaction_invalid")
    if row.user_id == actor_id:
        raise NotAllowed("identity.oid4vci.approve_own")
    reason = " ".join(clean_text(note or "").split())[:NOTE_MAX]
    if not approve and not reason:
        raise DomainError("identity.oid4vci.refusal_note_required")
    row.status, row.decided_by, row.decided_at = ("approved" if approve else "refused"), actor_id, utcnow()
    row.note = None if approve else reason
    db.flush()
    params: dict[str, Any] = {"kind": row.kind, "agency": _agency_name(db, actor_id)}
    if approve:
        record_activity(db, row.user_id, "official_access", "identity.activity.vci_approved", params,
                        actor_id=actor_id)
        alert_account(db, row.user_id, APPROVED_TITLE, "identity.alert.vci_approved_body")
    else:
        record_activity(db, row.user_id, "official_access", "identity.activity.vci_refused",
                        {**params, "note": reason}, actor_id=actor_id)
        alert_account(db, row.user_id, REFUSED_TITLE, "identity.alert.vci_refused_body", {"note": reason})
    return row.status
