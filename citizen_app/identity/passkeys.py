"""Passkeys (WebAuthn) with py_webauthn: registration, login, and approving a signature.

User verification is always required. Several passkeys per account, each with a name. The RP ID is
the host of PUBLIC_URL (override with WEBAUTHN_RP_ID); changing it later voids every passkey.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session, col, func, select
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from citizen_app.core.config import settings
from citizen_app.core.errors import DomainError, NotFound
from citizen_app.core.keystore import derive_key
from citizen_app.core.timeutil import utcnow
from citizen_app.identity.activity import record_activity
from citizen_app.identity.crypto import b64u
from citizen_app.identity.models import Passkey, UserAccount, WebauthnChallenge
from citizen_app.identity.service import normalize_text

CHALLENGE_TTL = timedelta(minutes=5)
MAX_PASSKEYS = 10
RP_NAME = "Công dân số"
USER_HANDLE_KEY = "identity.passkey.user-handle"  # core.keystore purpose


@dataclass(frozen=True)
class PasskeyOptions:
    challenge_id: str
    options_json: str  # hand to navigator.credentials.create()/get() (after base64url decoding)


@dataclass(frozen=True)
class PasskeyView:
    id: int
    name: str
    created_at: str
    last_used_at: str | None
    synced: bool


def rp_id() -> str:
    return os.environ.get("WEBAUTHN_RP_ID") or urlsplit(settings().public_url).hostname or "localhost"


def rp_origin() -> str:
    return os.environ.get("WEBAUTHN_ORIGIN") or settings().public_url


def _user_handle(user_id: int) -> bytes:
    """An opaque handle (no phone or e-mail inside the authenticator), stable while SECRET_KEY is. Sign-in never
    reads it back (a passkey is found by its credential id), so a new handle breaks no existing passkey."""
    return hmac.new(derive_key(USER_HANDLE_KEY), f"cds-user:{user_id}".encode(), hashlib.sha256).digest()[:16]


def _store_challenge(db: Session, user_id: int | None, purpose: str, challenge: bytes) -> str:
    now = utcnow()
    row = WebauthnChallenge(id=secrets.token_urlsafe(24), user_id=user_id, purpose=purpose,
                            challenge=b64u(challenge), expires_at=now + CHALLENGE_TTL)
    db.add(row)
    db.flush()
    return row.id


def _take_challenge(db: Session, challenge_id: str, purpose: str, user_id: int | None) -> bytes:
    row = db.get(WebauthnChallenge, challenge_id or "")
    if (row is None or row.purpose != purpose or row.used_at is not None or row.expires_at < utcnow()
            or (user_id is not None and row.user_id != user_id)):
        raise DomainError("identity.passkey.challenge_invalid")
    row.used_at = utcnow()
    return base64url_to_bytes(row.challenge)


def _descriptors(db: Session, user_id: int) -> list[PublicKeyCredentialDescriptor]:
    rows = db.exec(select(Passkey).where(Passkey.user_id == user_id)).all()
    return [PublicKeyCredentialDescriptor(id=base64url_to_bytes(r.credential_id),
                                          transports=[AuthenticatorTransport(t) for t in r.transports.split(",")
                                                      if t in {m.value for m in AuthenticatorTransport}])
            for r in rows]


def begin_registration(db: Session, user_id: int) -> PasskeyOptions:
    user = db.get(UserAccount, user_id)
    if user is None:
        raise NotFound()
    count = db.exec(select(func.count()).select_from(Passkey).where(Passkey.user_id == user_id)).one()
    if count >= MAX_PASSKEYS:
        raise DomainError("identity.passkey.too_many", n=MAX_PASSKEYS)
    options = generate_registration_options(
        rp_id=rp_id(), rp_name=RP_NAME, user_id=_user_handle(user_id),
        user_name=user.phone or user.email or f"user-{user_id}", user_display_name=user.full_name,
        exclude_credentials=_descriptors(db, user_id),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED, user_verification=UserVerificationRequirement.REQUIRED))
    challenge_id = _store_challenge(db, user_id, "register", options.challenge)
    return PasskeyOptions(challenge_id, options_to_json(options))


def _transports(response: dict[str, Any]) -> str:
    items = (response.get("response") or {}).get("transports") or []
    return ",".join(t for t in items if isinstance(t, str))[:200]


def _as_dict(response: str | dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(response) if isinstance(response, str) else response
    except ValueError as exc:
        raise DomainError("identity.passkey.failed") from exc
    if not isinstance(data, dict):
        raise DomainError("identity.passkey.failed")
    return data


def finish_registration(db: Session, user_id: int, challenge_id: str, response: str | dict[str, Any],
                        name: str = "") -> Passkey:
    data = _as_dict(response)
    challenge = _take_challenge(db, challenge_id, "register", user_id)
    try:
        verified = verify_registration_response(credential=data, expected_challenge=challenge,
                                                expected_rp_id=rp_id(), expected_origin=rp_origin(),
                                                require_user_verification=True)
    except (InvalidRegistrationResponse, ValueError, KeyError, TypeError) as exc:
        raise DomainError("identity.passkey.failed") from exc
    cred_id = b64u(verified.credential_id)
    if db.exec(select(Passkey).where(Passkey.credential_id == cred_id)).first() is not None:
        raise DomainError("identity.passkey.exists")
    label = normalize_text(name)[:60] or "Passkey"
    row = Passkey(user_id=user_id, credential_id=cred_id, public_key=b64u(verified.credential_public_key),
                  sign_count=verified.sign_count, transports=_transports(data),
                  device_type=str(getattr(verified.credential_device_type, "value", "")),
                  backed_up=bool(verified.credential_backed_up), name=label)
    db.add(row)
    db.flush()
    record_activity(db, user_id, "passkey_added", "identity.activity.passkey_added", {"name": label})
    return row


def begin_authentication(db: Session, user_id: int | None = None, challenge: bytes | None = None,
                         purpose: str = "login") -> PasskeyOptions:
    """Login options (discoverable credentials when ``user_id`` is None) or a fixed-challenge request."""
    allow = _descriptors(db, user_id) if user_id is not None else []
    if user_id is not None and not allow:
        raise DomainError("identity.passkey.none")
    options = generate_authentication_options(rp_id=rp_id(), challenge=challenge, allow_credentials=allow,
                                              user_verification=UserVerificationRequirement.REQUIRED)
    challenge_id = _store_challenge(db, user_id, purpose, options.challenge)
    return PasskeyOptions(challenge_id, options_to_json(options))


def _verify_assertion(db: Session, data: dict[str, Any], challenge: bytes, user_id: int | None) -> Passkey:
    row = db.exec(select(Passkey).where(Passkey.credential_id == str(data.get("id") or data.get("rawId") or "")
                                        )).first()
    if row is None or (user_id is not None and row.user_id != user_id):
        raise DomainError("identity.passkey.failed")
    try:
        verified = verify_authentication_response(
            credential=data, expected_challenge=challenge, expected_rp_id=rp_id(), expected_origin=rp_origin(),
            credential_public_key=base64url_to_bytes(row.public_key),
            credential_current_sign_count=row.sign_count, require_user_verification=True)
    except (InvalidAuthenticationResponse, ValueError, KeyError, TypeError) as exc:
        raise DomainError("identity.passkey.failed") from exc
    row.sign_count = verified.new_sign_count
    row.last_used_at = utcnow()
    return row


def finish_authentication(db: Session, challenge_id: str, response: str | dict[str, Any]) -> int:
    """Verify a login assertion and return the user id (the caller opens the session and logs it)."""
    data = _as_dict(response)
    challenge = _take_challenge(db, challenge_id, "login", None)
    stored = db.get(WebauthnChallenge, challenge_id)
    row = _verify_assertion(db, data, challenge, stored.user_id if stored else None)
    user = db.get(UserAccount, row.user_id)
    if user is None or not user.is_active:
        raise DomainError("identity.passkey.failed")
    return row.user_id


def verify_fixed_challenge(db: Session, user_id: int, response: str | dict[str, Any], challenge: bytes) -> Passkey:
    """Check an assertion over a challenge the server derived itself (e.g. a signing request)."""
    return _verify_assertion(db, _as_dict(response), challenge, user_id)


def list_passkeys(db: Session, user_id: int) -> list[PasskeyView]:
    rows = db.exec(select(Passkey).where(Passkey.user_id == user_id).order_by(col(Passkey.created_at))).all()
    return [PasskeyView(r.id, r.name, r.created_at.isoformat(), r.last_used_at.isoformat() if r.last_used_at
                        else None, r.backed_up) for r in rows]


def _own(db: Session, user_id: int, passkey_id: int) -> Passkey:
    row = db.get(Passkey, passkey_id)
    if row is None or row.user_id != user_id:
        raise NotFound()
    return row


def rename_passkey(db: Session, user_id: int, passkey_id: int, name: str) -> Passkey:
    label = normalize_text(name)[:60]
    if not label:
        raise DomainError("identity.passkey.name_required")
    row = _own(db, user_id, passkey_id)
    row.name = label
    return row


def remove_passkey(db: Session, user_id: int, passkey_id: int) -> None:
    """Remove one passkey; the last one may go only if the account still has a password."""
    row = _own(db, user_id, passkey_id)
    count = db.exec(select(func.count()).select_from(Passkey).where(Passkey.user_id == user_id)).one()
    user = db.get(UserAccount, user_id)
    if count <= 1 and (user is None or not user.password_hash):
        raise DomainError("identity.passkey.last_one")
    db.delete(row)
    record_activity(db, user_id, "passkey_removed", "identity.activity.passkey_removed", {"name": row.name})
