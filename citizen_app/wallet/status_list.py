"""Token Status List (draft-ietf-oauth-status-list): one bit per credential, 1 = revoked.

The list is served as a signed JWT (``typ: statuslist+jwt``) whose ``lst`` is the zlib-compressed,
base64url bit array; bit ``i`` lives in byte ``i // 8`` at position ``i % 8`` (least significant
bit first). Indices are drawn at random so neighbours in the list say nothing about each other.
"""

from __future__ import annotations

import secrets
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, func, select

from citizen_app.core.errors import DomainError, NotFound
from citizen_app.core.timeutil import utcnow
from citizen_app.identity.crypto import (
    ES256,
    JoseError,
    b64u,
    b64u_decode,
    epoch,
    jwk_to_public_key,
    jws_encode,
    jws_parse,
    verify_es256,
)
from citizen_app.wallet.issuer import issuer_key, issuer_kid, status_list_uri
from citizen_app.wallet.models import StatusEntry, StatusList

LIST_SIZE = 131072  # 16 KiB of bits before compression
FILL_LIMIT = 0.5  # open a new list when half the indices are used (keeps random draws cheap)
TTL_SECONDS = 300
EXP_SECONDS = 86400
TYP = "statuslist+jwt"
VALID, INVALID = 0, 1
_MAX_DRAWS = 64
_MAX_LIST_BYTES = 1 << 20


@dataclass(frozen=True)
class StatusRef:
    list_id: str
    idx: int

    @property
    def uri(self) -> str:
        return status_list_uri(self.list_id)


def _current_list(db: Session) -> StatusList:
    lists = db.exec(select(StatusList).order_by(StatusList.created_at.desc())).all()  # type: ignore[attr-defined]
    for row in lists:
        if row.used < row.size * FILL_LIMIT:
            return row
    count = db.exec(select(func.count()).select_from(StatusList)).one()
    row = StatusList(id=str(count + 1), size=LIST_SIZE)
    db.add(row)
    db.flush()
    return row


def allocate_index(db: Session) -> StatusRef:
    """Reserve a random, unused index in the current list (status 0 = valid)."""
    row = _current_list(db)
    for _ in range(_MAX_DRAWS):
        idx = secrets.randbelow(row.size)
        taken = db.exec(select(StatusEntry.id).where(StatusEntry.list_id == row.id,
                                                     StatusEntry.idx == idx)).first()
        if taken is None:
            db.add(StatusEntry(list_id=row.id, idx=idx, status=VALID))
            row.used += 1
            db.flush()
            return StatusRef(row.id, idx)
    raise DomainError("identity.status.full")


def set_status(db: Session, ref: StatusRef, status: int) -> None:
    if status not in (VALID, INVALID):
        raise DomainError("identity.status.bad_value")
    entry = db.exec(select(StatusEntry).where(StatusEntry.list_id == ref.list_id,
                                              StatusEntry.idx == ref.idx)).first()
    if entry is None:
        raise NotFound("identity.status.unknown")
    entry.status = status
    entry.updated_at = utcnow()


def encode_bits(invalid: list[int], size: int) -> str:
    """Bit array with ``invalid`` indices set, zlib-compressed and base64url-encoded."""
    data = bytearray(size // 8)
    for idx in invalid:
        data[idx // 8] |= 1 << (idx % 8)
    return b64u(zlib.compress(bytes(data), 9))


def read_bit(lst: str, idx: int) -> int:
    decomp = zlib.decompressobj()
    data = decomp.decompress(b64u_decode(lst), _MAX_LIST_BYTES)
    if decomp.unconsumed_tail:
        raise JoseError("identity.verify.status_unavailable")
    if idx < 0 or idx // 8 >= len(data):
        raise JoseError("identity.verify.status_unavailable")
    return (data[idx // 8] >> (idx % 8)) & 1


def build_status_list_jwt(db: Session, list_id: str, now: datetime | None = None) -> str:
    row = db.get(StatusList, list_id)
    if row is None:
        raise NotFound("identity.status.unknown")
    invalid = db.exec(select(StatusEntry.idx).where(StatusEntry.list_id == list_id,
                                                    StatusEntry.status == INVALID)).all()
    iat = epoch(now or utcnow())
    payload = {"sub": status_list_uri(list_id), "iat": iat, "exp": iat + EXP_SECONDS, "ttl": TTL_SECONDS,
               "status_list": {"bits": 1, "lst": encode_bits(list(invalid), row.size)}}
    header = {"alg": ES256, "typ": TYP, "kid": issuer_kid()}
    return jws_encode(header, payload, issuer_key())


def check_status(token: str, uri: str, idx: int, trusted_jwks: dict[str, Any], now: int) -> int:
    """Verify a status list JWT for ``uri`` and return the bit at ``idx``."""
    header, payload, signing_input, signature = jws_parse(token)
    if header.get("alg") != ES256 or header.get("typ") != TYP:
        raise JoseError("identity.verify.status_unavailable")
    jwk = find_key(trusted_jwks, header.get("kid"))
    if jwk is None or not verify_es256(jwk_to_public_key(jwk), signing_input, signature):
        raise JoseError("identity.verify.status_unavailable")
    if payload.get("sub") != uri:
        raise JoseError("identity.verify.status_unavailable")
    exp, iat = payload.get("exp"), payload.get("iat")
    if not isinstance(iat, int) or (isinstance(exp, int) and exp < now):
        raise JoseError("identity.verify.status_unavailable")
    status_list = payload.get("status_list") or {}
    if status_list.get("bits") != 1 or not isinstance(status_list.get("lst"), str):
        raise JoseError("identity.verify.status_unavailable")
    return read_bit(status_list["lst"], idx)


def list_uris(db: Session) -> list[str]:
    """The URI of every status list, for verifiers that cache them all (the offline verifier page)."""
    ids = db.exec(select(StatusList.id).order_by(StatusList.created_at)).all()  # type: ignore[arg-type]
    return [status_list_uri(list_id) for list_id in ids]


def find_key(jwks: dict[str, Any], kid: Any) -> dict[str, Any] | None:
    if not isinstance(kid, str):
        return None
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    for key in keys or []:
        if isinstance(key, dict) and key.get("kid") == kid:
            return key
    return None
