"""OpenID4VCI 1.0 deferred issuance (§9) for credential types an official approves first
(``oid4vci.NEEDS_APPROVAL``): the credential endpoint answered ``202`` with a ``transaction_id``; the wallet asks
the deferred credential endpoint with it and the same access token, and gets ``202`` again until an official of
the citizen's ward (as at the identity desk, never for their own request) approves; then the credentials, bound to
the keys the wallet proved at the first request. A refusal, an expiry or a revoked token ends the transaction.

No Reflex import. Only the SHA-256 of the transaction_id and of the access token are stored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from citizen_app.core.errors import NotAllowed, NotFound
from citizen_app.core.timeutil import utcnow
from citizen_app.identity.desk import desk_ward
from citizen_app.identity.profile import get_profile, same_ward, ward_of
from citizen_app.wallet import oid4vci
from citizen_app.wallet.models import VciDeferred


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


@dataclass(frozen=True)
class Waiting:
    id: int
    user_id: int
    kind: str
    copies: int
    created_at: datetime


def _of_ward(db: Session, ward: str, user_id: int) -> bool:
    profile = get_profile(db, user_id)
    return profile is not None and same_ward(ward, ward_of(profile.ward, profile.address))


def waiting_for_approval(db: Session, actor_id: int | None) -> list[Waiting]:
    """The waiting requests of the acting ward official's own ward (as at the identity desk)."""
    ward = desk_ward(db, actor_id)
    rows = db.exec(select(VciDeferred).where(VciDeferred.status == "pending", VciDeferred.expires_at > utcnow())
                   .order_by(col(VciDeferred.id))).all()
    return [Waiting(r.id, r.user_id, r.kind, len(json.loads(r.holder_jwks)), r.created_at) for r in rows
            if _of_ward(db, ward, r.user_id)]


def decide(db: Session, actor_id: int | None, deferred_id: int, approve: bool) -> str:
    """An official approves or refuses a waiting request (not their own); the wallet learns it at its next ask."""
    ward = desk_ward(db, actor_id)
    row = db.get(VciDeferred, deferred_id)
    if row is None or row.status != "pending" or row.expires_at <= utcnow() or not _of_ward(db, ward, row.user_id):
        raise NotFound("identity.oid4vci.transaction_invalid")
    if row.user_id == actor_id:
        raise NotAllowed("identity.oid4vci.approve_own")
    row.status, row.decided_by, row.decided_at = ("approved" if approve else "refused"), actor_id, utcnow()
    db.flush()
    return row.status
