"""Account recovery at the ward: re-proofing with the ID card instead of SMS.

An official of the citizen's ward, with the citizen and their chip ID card at the desk, types the number
printed on it; if it matches the citizen's verified (level-2) profile, they get a one-time recovery code valid
for 15 minutes, bound to that account. Who may do this and the limits on wrong ID numbers are the desk's rules
(``desk.py``): volunteers never can. The citizen is alerted on every channel when a code is issued and when it
is used. They enter it on /recover with their phone or e-mail and a new password: every session is signed out
(and, if they choose, every passkey removed). Every step goes to the citizen's activity log.

Storage: the ``identity_webauthn_challenge`` table (purpose ``"recovery"``): random id, the citizen,
an HMAC of the code (never the code), expiry and single use. Wrong codes count as failed attempts
in ``login_attempt`` under ``recovery:<identifier>``, so guessing locks out like password guessing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select

from citizen_app.core.errors import DomainError, NotFound
from citizen_app.core.keystore import derive_key
from citizen_app.core.timeutil import utcnow
from citizen_app.identity.activity import record_activity
from citizen_app.identity.desk import check_card, citizen_at_desk
from citizen_app.identity.models import LoginAttempt, Passkey, UserAccount, WebauthnChallenge
from citizen_app.identity.service import (
    HASHER,
    check_not_locked,
    check_password_strength,
    close_all_sessions,
    find_by_identifier,
    parse_identifier,
)
from citizen_app.notify.service import alert_account

PURPOSE = "recovery"
CODE_TTL = timedelta(minutes=15)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
CODE_LENGTH = 10  # 50 bits; with the 5-failure lock-out guessing is hopeless


class RecoveryInvalid(DomainError):
    """Unknown account, wrong, used or expired code (one message for all: nothing is revealed)."""

    def __init__(self) -> None:
        super().__init__("identity.recovery.invalid")


@dataclass(frozen=True)
class RecoveryCode:
    code: str  # shown once to the official, who hands it to the citizen
    expires_at: datetime
    full_name: str


@dataclass(frozen=True)
class RecoveryResult:
    user_id: int
    sessions_closed: int
    passkeys_removed: int


def normalize_code(raw: str) -> str:
    return re.sub(r"[\s\-]", "", raw or "").upper()[:32]


def _digest(user_id: int, code: str) -> str:
    message = f"{PURPOSE}:{user_id}:{normalize_code(code)}".encode()
    return hmac.new(derive_key("identity.recovery.code"), message, hashlib.sha256).hexdigest()


def _open_codes(db: Session, user_id: int, now: datetime) -> list[WebauthnChallenge]:
    query = select(WebauthnChallenge).where(WebauthnChallenge.user_id == user_id, WebauthnChallenge.purpose == PURPOSE,
                                            col(WebauthnChallenge.used_at).is_(None),
                                            WebauthnChallenge.expires_at > now)
    return list(db.exec(query).all())


def issue_recovery_code(db: Session, actor_id: int | None, user_id: int, id_number_on_card: str,
                        now: datetime | None = None) -> RecoveryCode:
    """An official of the citizen's ward saw the ID card: the typed number must match the level-2 profile.

    Any earlier unused code of the citizen stops working. A wrong number is counted (``desk.check_card``)."""
    profile = citizen_at_desk(db, actor_id, user_id, "identity.recovery.not_self")
    user = db.get(UserAccount, user_id)
    if user is None or not user.is_active:
        raise NotFound("identity.desk.not_found")
    if profile.level < 2 or not profile.id_number:
        raise DomainError("identity.recovery.needs_level2")
    check_card(db, actor_id, profile, id_number_on_card, now)  # type: ignore[arg-type]
    now = now or utcnow()
    for old in _open_codes(db, user_id, now):
        old.used_at = now
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    row = WebauthnChallenge(id=secrets.token_urlsafe(24), user_id=user_id, purpose=PURPOSE,
                            challenge=_digest(user_id, code), expires_at=now + CODE_TTL)
    db.add(row)
    db.flush()
    record_activity(db, user_id, "recovery", "identity.activity.recovery_code_issued", {}, actor_id=actor_id)
    alert_account(db, user_id, "identity.alert.recovery_issued_title", "identity.alert.recovery_issued_body")
    return RecoveryCode(f"{code[:5]}-{code[5:]}", row.expires_at, profile.full_name)


def _attempt_key(identifier: str) -> str:
    return f"{PURPOSE}:{identifier}"[:254]


def _find_user(db: Session, identifier: str) -> UserAccount | None:
    return find_by_identifier(db, parse_identifier(identifier))


def redeem_recovery_code(db: Session, identifier: str, code: str, new_password: str, confirm: str, *,
                         drop_passkeys: bool = False, ip: str = "", now: datetime | None = None) -> RecoveryResult:
    """Set a new password with a valid code: the code is used up and every session signed out.

    Raises ``RecoveryInvalid`` for an unknown account or a wrong/used/expired code; the caller then
    records the failure with ``record_recovery_failure`` in its own committed transaction.
    A weak or mismatched password is refused without using up the code.
    """
    ident = parse_identifier(identifier)
    check_not_locked(db, _attempt_key(ident.value), ip)
    if new_password != confirm:
        raise DomainError("identity.recovery.mismatch")
    now = now or utcnow()
    user = _find_user(db, identifier)
    if user is None or not user.is_active:
        raise RecoveryInvalid()
    wanted = _digest(user.id, code)
    row = next((r for r in _open_codes(db, user.id, now) if hmac.compare_digest(r.challenge, wanted)), None)
    if row is None:
        raise RecoveryInvalid()
    check_password_strength(new_password, personal=(ident.value.split("@")[0], *user.full_name.split()))
    row.used_at = now
    user.password_hash = HASHER.hash(new_password)
    sessions = close_all_sessions(db, user.id)
    passkeys = 0
    if drop_passkeys:
        passkeys = db.exec(delete(Passkey).where(Passkey.user_id == user.id)).rowcount or 0
    db.add(LoginAttempt(identifier=_attempt_key(ident.value), ip=ip, success=True))
    record_activity(db, user.id, "recovery", "identity.activity.recovery_used",
                    {"sessions": sessions, "passkeys": passkeys})
    alert_account(db, user.id, "identity.alert.recovery_used_title", "identity.alert.recovery_used_body")
    return RecoveryResult(user.id, sessions, passkeys)


def record_recovery_failure(db: Session, identifier: str, ip: str = "") -> None:
    """Count a failed attempt (towards the lock-out) and tell the account owner, if there is one."""
    try:
        value = parse_identifier(identifier).value
    except DomainError:
        return
    db.add(LoginAttempt(identifier=_attempt_key(value), ip=ip, success=False))
    user = _find_user(db, identifier)
    if user is not None:
        record_activity(db, user.id, "recovery", "identity.activity.recovery_failed", {})
