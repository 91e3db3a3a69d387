"""Registration that proves the phone number or e-mail address before the account exists.

1. ``start_registration``: the rules of a new account (``service.check_registration``: consent, name, password
   strength), then a 6-digit code goes to the phone/e-mail through the messaging provider
   (``notify.messaging``), and a ``PendingRegistration`` keeps the name, the password's Argon2 hash and an HMAC
   of the code. If that phone/e-mail already has an account, no code is sent: its owner gets a message instead
   ("someone tried to register with your number; if it was you, log in or recover"), and the answer on screen
   is the same, so the form cannot tell anyone which numbers have accounts.
2. ``confirm_registration``: the right code, within ``CODE_TTL`` and ``MAX_CODE_ATTEMPTS`` tries, creates the
   account (``service.create_account``). A wrong code counts against the pending registration
   (``RecordedRefusal``, so the count commits); a new code replaces the previous one.

Sends are limited per phone/e-mail and per client address (``login_attempt`` rows ``register:<identifier>``),
which also limits the messages an attacker can make us send to someone else's phone.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select, update

from citizen_app.core.config import settings
from citizen_app.core.errors import DomainError, RecordedRefusal
from citizen_app.core.keystore import derive_key
from citizen_app.core.timeutil import utcnow
from citizen_app.i18n.catalog import normalize_lang
from citizen_app.identity.models import LoginAttempt, PendingRegistration, UserAccount
from citizen_app.identity.service import (
    HASHER,
    LOCK_WINDOW,
    check_registration,
    create_account,
    find_by_identifier,
    parse_identifier,
)
from citizen_app.notify import messaging

CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=10)
MAX_CODE_ATTEMPTS = 5
SENDS_PER_IDENTIFIER = 3  # per LOCK_WINDOW (15 minutes)
SENDS_PER_IDENTIFIER_DAY = 10
SENDS_PER_IP = 20  # per LOCK_WINDOW, like the login limit per address (mobile carriers share addresses)
_ATTEMPT_PREFIX = "register:"
_HMAC_LABEL = "cds-registration-code"  # keeps these digests apart from every other use of the secret key


class CodeRefused(RecordedRefusal):
    """A wrong code: the pending registration's attempt count must commit with the refusal."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, **params)


@dataclass(frozen=True)
class RegistrationStarted:
    pending_id: str  # kept server-side by the caller (a backend-only state var), never shown
    sent_to: str  # the normalised phone/e-mail the person typed
    expires_at: datetime


def _digest(pending_id: str, code: str) -> str:
    message = f"{_HMAC_LABEL}:{pending_id}:{code}".encode()
    return hmac.new(derive_key("identity.registration.code"), message, hashlib.sha256).hexdigest()


def _sends_since(db: Session, since: datetime, *, identifier: str | None = None, ip: str | None = None) -> int:
    query = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.at >= since)
    if identifier is not None:
        query = query.where(LoginAttempt.identifier == _ATTEMPT_PREFIX + identifier)
    if ip is not None:
        query = query.where(LoginAttempt.ip == ip, col(LoginAttempt.identifier).startswith(_ATTEMPT_PREFIX))
    return int(db.exec(query).one())


def _check_send_limits(db: Session, identifier: str, ip: str, now: datetime) -> None:
    minutes = int(LOCK_WINDOW.total_seconds() // 60)
    if (_sends_since(db, now - LOCK_WINDOW, identifier=identifier) >= SENDS_PER_IDENTIFIER
            or (ip and _sends_since(db, now - LOCK_WINDOW, ip=ip) >= SENDS_PER_IP)):
        raise DomainError("identity.register.too_many", minutes=minutes)
    if _sends_since(db, now - timedelta(days=1), identifier=identifier) >= SENDS_PER_IDENTIFIER_DAY:
        raise DomainError("identity.register.too_many_today")


def _retire_open_codes(db: Session, identifier: str, now: datetime) -> None:
    db.exec(update(PendingRegistration)
            .where(col(PendingRegistration.identifier) == identifier, col(PendingRegistration.used_at).is_(None))
            .values(used_at=now))


def start_registration(db: Session, identifier: str, password: str, full_name: str, lang: str = "vi", *,
                       password_confirm: str | None = None, consent: bool = False, ip: str = "",
                       now: datetime | None = None) -> RegistrationStarted:
    """Check the form, then send a code (or, for an existing account, a warning to its owner). Same answer
    either way. Raises ``notify.messaging.unavailable`` when no provider can reach the phone/e-mail."""
    ident, name = check_registration(identifier, password, full_name, password_confirm=password_confirm,
                                      consent=consent)
    messaging.require_provider(messaging.channel_of(ident.value))
    now = now or utcnow()
    _check_send_limits(db, ident.value, ip, now)
    db.add(LoginAttempt(identifier=_ATTEMPT_PREFIX + ident.value, ip=ip[:64], at=now, success=True))
    _retire_open_codes(db, ident.value, now)
    owner = find_by_identifier(db, ident)
    pending_id = secrets.token_urlsafe(32)
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    # For an existing account the stored digest is of a secret nobody learns: no code can ever match it.
    secret = code if owner is None else secrets.token_urlsafe(32)
    row = PendingRegistration(id=pending_id, identifier=ident.value, full_name=name,
                              password_hash=HASHER.hash(password), lang=normalize_lang(lang),
                              code_hash=_digest(pending_id, secret), ip=ip[:64], created_at=now,
                              expires_at=now + CODE_TTL)
    db.add(row)
    if owner is None:
        messaging.send_message(db, ident.value, "registration_code", "identity.register.msg_code",
                               {"code": code, "minutes": int(CODE_TTL.total_seconds() // 60)}, row.lang)
    else:
        messaging.send_message(db, ident.value, "registration_exists", "identity.register.msg_exists",
                               {"url": settings().public_url}, owner.lang)
    return RegistrationStarted(pending_id, ident.value, row.expires_at)


def normalize_code(raw: str) -> str:
    return re.sub(r"\D", "", raw or "")[:CODE_DIGITS + 1]


def confirm_registration(db: Session, pending_id: str, code: str, now: datetime | None = None) -> UserAccount:
    """The right code creates the account (a citizen) and uses the pending registration up."""
    now = now or utcnow()
    row = db.get(PendingRegistration, pending_id) if pending_id else None
    if row is None or row.used_at is not None or row.expires_at <= now or row.attempts >= MAX_CODE_ATTEMPTS:
        raise DomainError("identity.register.code_spent")
    if not hmac.compare_digest(row.code_hash, _digest(row.id, normalize_code(code))):
        row.attempts += 1
        left = MAX_CODE_ATTEMPTS - row.attempts
        if left <= 0:
            raise CodeRefused("identity.register.code_spent")
        raise CodeRefused("identity.register.code_wrong", left=left)
    row.used_at = now
    return create_account(db, parse_identifier(row.identifier), row.full_name, row.password_hash, row.lang)
