"""Accounts, passwords, sessions and roles. Plain Python: no Reflex import."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam
from sqlalchemy import delete as sa_delete
from sqlalchemy import select as sa_select
from sqlalchemy import update as sa_update
from sqlmodel import Session, col, delete, func, select
from sqlmodel.sql.expression import SelectOfScalar

from citizen_app.core.config import settings
from citizen_app.core.db import run
from citizen_app.core.errors import DomainError, NotAllowed, NotFound, RecordedRefusal
from citizen_app.core.keystore import derive_key
from citizen_app.core.timeutil import utcnow
from citizen_app.identity import session_revision
from citizen_app.identity.models import (
    ROLES,
    Agency,
    LoginAttempt,
    LoginSession,
    LoginTicket,
    OidcLink,
    PendingRegistration,
    UserAccount,
    UserRole,
)

HASHER = PasswordHasher()
# A hash of a random password, so that unknown accounts cost the same time as known ones.
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))



def password_matches(stored: str, password: str) -> bool:
    return _matching_form(stored, password) is not None


def _matching_form(stored: str, password: str) -> str | None:
    """The form of ``password`` that ``stored`` was made from, if any.

    Text reaches the server NFC-normalised (``core.text.clean_text``), but hashes made before that were of the
    text as typed: a keyboard that writes Vietnamese marks as combining characters (NFD) made one that only the
    decomposed form matches, so that form is tried too.
    """
    for candidate in dict.fromkeys((password, unicodedata.normalize("NFD", password))):
        try:
            if HASHER.verify(stored, candidate):
                return candidate
        except (VerificationError, InvalidHashError):
            continue
    return None


ACCOUNT_LOCK_FAILURES = 5
IP_LOCK_FAILURES = 20
LOCK_WINDOW = timedelta(minutes=15)
TICKET_TTL = timedelta(seconds=60)
LAST_SEEN_GRANULARITY = timedelta(minutes=5)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128
COMMON_PASSWORDS = frozenset(
    {"1234567890", "12345678910", "0123456789", "password123", "matkhau123", "qwerty12345",
     "abc1234567", "iloveyou123", "1111111111", "0000000000", "admin12345", "vietnam123"}
)
_EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$")
_PHONE_RE = re.compile(r"^0[35789]\d{8}$")


@dataclass(frozen=True)
class Identifier:
    kind: str  # "phone" or "email"
    value: str


@dataclass(frozen=True)
class SessionInfo:
    session_id: str
    user_id: int
    full_name: str
    roles: frozenset[str]
    agency_id: int | None
    lang: str
    expires_at: datetime


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def normalize_text(value: str) -> str:
    return unicodedata.normalize("NFC", value or "").strip()


def parse_identifier(raw: str) -> Identifier:
    """Accept a Vietnamese mobile number (0…/+84…) or an e-mail address."""
    value = (raw or "").strip()
    if "@" in value:
        email = value.lower()
        if not _EMAIL_RE.match(email):
            raise DomainError("error.email_invalid")
        return Identifier("email", email)
    digits = re.sub(r"[\s.\-()]", "", value)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not _PHONE_RE.match(digits):
        raise DomainError("error.identifier_invalid")
    return Identifier("phone", digits)


def check_password_strength(password: str, *, personal: tuple[str, ...] = ()) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError("error.password_short", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise DomainError("error.password_long", n=MAX_PASSWORD_LENGTH)
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(password)) < 4:
        raise DomainError("error.password_common")
    if not (re.search(r"[^\W\d_]", password) and re.search(r"\d", password)):
        raise DomainError("error.password_mix")
    for item in personal:
        if item and len(item) >= 4 and item.lower() in lowered:
            raise DomainError("error.password_personal")


def check_full_name(full_name: str) -> str:
    name = normalize_text(full_name)
    if not 2 <= len(name) <= 120:
        raise DomainError("error.name_length")
    if re.search(r"[0-9<>{}\[\]@#$%^*=+|\\/]", name):
        raise DomainError("error.name_chars")
    return name


def find_by_identifier(db: Session, ident: Identifier) -> UserAccount | None:
    column = UserAccount.phone if ident.kind == "phone" else UserAccount.email
    return db.exec(select(UserAccount).where(column == ident.value)).first()


def check_registration(identifier: str, password: str, full_name: str, *, password_confirm: str | None = None,
                       consent: bool = True) -> tuple[Identifier, str]:
    """The rules of a new account (consent, identifier, name, password strength): the identifier and clean name.

    ``consent`` is the Decree 13/2023 agreement to process personal data."""
    if password_confirm is not None and password_confirm != password:
        raise DomainError("error.password_mismatch")
    if not consent:
        raise DomainError("error.consent_required")
    ident = parse_identifier(identifier)
    name = check_full_name(full_name)
    check_password_strength(password, personal=(ident.value.split("@")[0], *name.split()))
    return ident, name


def create_account(db: Session, ident: Identifier, full_name: str, password_hash: str, lang: str = "vi") -> UserAccount:
    """Insert a citizen account whose rules were checked (``check_registration``) and whose phone/e-mail was
    proved (``identity.registration``) or is trusted (demo data, tests)."""
    if find_by_identifier(db, ident) is not None:
        raise DomainError("error.account_exists")
    user = UserAccount(full_name=full_name, password_hash=password_hash, lang=lang, **{ident.kind: ident.value})
    db.add(user)
    db.flush()
    db.add(UserRole(user_id=user.id, role="citizen"))
    db.flush()
    return user


def register(db: Session, identifier: str, password: str, full_name: str, lang: str = "vi", *,
             password_confirm: str | None = None, consent: bool = True) -> UserAccount:
    """Create a citizen account at once, without proving the phone/e-mail: for seeds and tests. People register
    through ``identity.registration`` (a one-time code first)."""
    ident, name = check_registration(identifier, password, full_name, password_confirm=password_confirm,
                                     consent=consent)
    return create_account(db, ident, name, HASHER.hash(password), lang)


def _failures_by(column) -> SelectOfScalar[int]:
    return select(func.count()).select_from(LoginAttempt).where(
        column == bindparam("value"), LoginAttempt.at >= bindparam("since"), LoginAttempt.success == False
    )


_FAILURES = {"identifier": _failures_by(LoginAttempt.identifier), "ip": _failures_by(LoginAttempt.ip)}  # core/db.py


def _recent_failures(db: Session, column, value: str, now: datetime) -> int:
    return db.exec(_FAILURES[column.key], params={"value": value, "since": now - LOCK_WINDOW}).one()


def recent_failures(db: Session, identifier: str, now: datetime | None = None) -> int:
    """Failed attempts recorded under ``identifier`` within LOCK_WINDOW (for locks in other pillars too)."""
    return _recent_failures(db, LoginAttempt.identifier, identifier, now or utcnow())


def check_not_locked(db: Session, identifier: str, ip: str, now: datetime | None = None) -> None:
    now = now or utcnow()
    if _recent_failures(db, LoginAttempt.identifier, identifier, now) >= ACCOUNT_LOCK_FAILURES:
        raise DomainError("error.login_locked", minutes=int(LOCK_WINDOW.total_seconds() // 60))
    if ip and _recent_failures(db, LoginAttempt.ip, ip, now) >= IP_LOCK_FAILURES:
        raise DomainError("error.login_locked", minutes=int(LOCK_WINDOW.total_seconds() // 60))


def authenticate(db: Session, identifier: str, password: str, ip: str = "") -> UserAccount:
    """Check credentials. Failures are recorded by the caller's transaction *before* raising,
    so callers must commit even when this raises (see ``record_failed_login``)."""
    ident = parse_identifier(identifier)
    check_not_locked(db, ident.value, ip)
    user = find_by_identifier(db, ident)
    stored = user.password_hash if user and user.password_hash else _DUMMY_HASH
    matched = _matching_form(stored, password)
    if matched is None or user is None or user.password_hash is None or not user.is_active:
        raise DomainError("error.login_failed")
    db.add(LoginAttempt(identifier=ident.value, ip=ip, success=True))
    if HASHER.check_needs_rehash(stored) or matched != password:
        user.password_hash = HASHER.hash(password)  # a newer hash, or one of the normalised text
    return user


ATTEMPT_RETENTION = timedelta(days=90)


def purge_old_attempts(db: Session, now: datetime | None = None) -> int:
    """Delete login, recovery, registration and dossier-lookup attempts older than ATTEMPT_RETENTION. They hold
    phone numbers, e-mail and client addresses; the locks read only the last minutes, audits the last weeks.
    Expired pending registrations (a name, a phone/e-mail and a password hash) go at once."""
    now = now or utcnow()
    db.exec(delete(PendingRegistration).where(col(PendingRegistration.expires_at) < now))
    return db.exec(delete(LoginAttempt).where(col(LoginAttempt.at) < now - ATTEMPT_RETENTION)).rowcount or 0


def record_failed_login(db: Session, identifier: str, ip: str) -> None:
    try:
        value = parse_identifier(identifier).value
    except DomainError:
        value = (identifier or "").strip().lower()[:254]
    db.add(LoginAttempt(identifier=value, ip=ip, success=False))


_ROLE_ROWS = UserRole.__table__.c
_ROLES = sa_select(_ROLE_ROWS.role).where(_ROLE_ROWS.user_id == bindparam("user_id"))  # built once, Core: core/db.py


def roles_of(db: Session, user_id: int) -> frozenset[str]:
    rows = run(db, _ROLES, {"user_id": user_id}).scalars().all()
    return frozenset(rows) | {"citizen"}


def create_login_ticket(db: Session, user_id: int, next_path: str = "/", method: str = "password") -> str:
    raw = secrets.token_urlsafe(32)
    db.add(LoginTicket(id=token_hash(raw), user_id=user_id, next_path=safe_next_path(next_path),
                       method=method, expires_at=utcnow() + TICKET_TTL))
    return raw


def ticket_binding(raw_ticket: str) -> str:
    """The value of the binding cookie that the browser which made a login must show to redeem its ticket."""
    return _keyed("login-ticket", raw_ticket)


def device_owner_tag(user_id: int) -> str:
    """A pseudonym of the user for the device's scripts: whose data the browser's stores hold."""
    return _keyed("device-owner", str(user_id))[:32]


def _keyed(purpose: str, value: str) -> str:
    return hmac.new(derive_key(f"identity.session.{purpose}"), value.encode(), hashlib.sha256).hexdigest()


def safe_next_path(path: str | None) -> str:
    """Only same-site absolute paths; anything else goes home (no open redirect)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path[:300]


def redeem_login_ticket(db: Session, raw: str, user_agent: str = "", ip: str = "") -> tuple[str, str, int]:
    """Open the session of a login ticket: (session token, next path, user id). The caller has checked that the
    browser holds the ticket's binding cookie (``ticket_binding``)."""
    ticket = db.get(LoginTicket, token_hash(raw or ""))
    if ticket is None or ticket.used_at is not None or ticket.expires_at < utcnow():
        raise DomainError("error.ticket_invalid")
    ticket.used_at = utcnow()
    token = open_session(db, ticket.user_id, user_agent=user_agent, ip=ip, method=ticket.method)
    return token, ticket.next_path, ticket.user_id


def open_session(db: Session, user_id: int, *, user_agent: str = "", ip: str = "", method: str = "password") -> str:
    """Start a server-side session (one login) and record it in the citizen's activity log."""
    from citizen_app.identity.activity import record_activity  # the log imports models that import us

    raw = secrets.token_urlsafe(32)
    now = utcnow()
    db.add(LoginSession(id=token_hash(raw), user_id=user_id, created_at=now, last_seen_at=now,
                        expires_at=now + timedelta(days=settings().session_days),
                        user_agent=user_agent[:300], ip=ip[:64], method=method))
    record_activity(db, user_id, "login", "identity.activity.login", {"method": method})
    return raw


def lookup_session(db: Session, raw: str | None) -> tuple[str, SessionInfo | None]:
    """Return (status, info): status is "none", "ok", "invalid" (unknown/tampered/closed) or "expired"."""
    return session_status(db, token_hash(raw) if raw else None)


def session_status(db: Session, session_id: str | None) -> tuple[str, SessionInfo | None]:
    """``lookup_session`` for a session already known by its id (the SHA-256 of its token)."""
    status, found = _live_session(db, session_id)
    if found is None or session_id is None:
        return status, None
    return status, SessionInfo(session_id, found.user_id, found.full_name, roles_of(db, found.user_id),
                               found.agency_id, found.lang, found.expires_at)


# The session proof (every tab every SESSION_RECHECK_SECONDS, and HTTP routes with the cookie) as prebuilt Core
# statements in the caller's transaction (core/db.py): never cached, so a closed or expired session fails at once.
_SESSIONS, _ACCOUNTS = LoginSession.__table__, UserAccount.__table__
_LIVE_SESSION = (sa_select(_SESSIONS.c.user_id, _SESSIONS.c.expires_at, _SESSIONS.c.last_seen_at, _ACCOUNTS.c.is_active,
                           _ACCOUNTS.c.full_name, _ACCOUNTS.c.agency_id, _ACCOUNTS.c.lang)
                 .select_from(_SESSIONS.join(_ACCOUNTS, _ACCOUNTS.c.id == _SESSIONS.c.user_id))
                 .where(_SESSIONS.c.id == bindparam("session_id")))  # one round trip for both rows
_END_SESSION = sa_delete(_SESSIONS).where(_SESSIONS.c.id == bindparam("session_id"))
_SEEN_SESSION = (sa_update(_SESSIONS).where(_SESSIONS.c.id == bindparam("session_id"))
                 .values(last_seen_at=bindparam("now")))


def _live_session(db: Session, session_id: str | None) -> tuple[str, Any]:
    """(status, the session's row with its user's columns, or None). An expired session is deleted, a session's
    last use written at most every ``LAST_SEEN_GRANULARITY``: ``db`` must be a writable session (``session_scope``)."""
    if not session_id:
        return "none", None
    found = run(db, _LIVE_SESSION, {"session_id": session_id}).first()
    if found is None:
        return "invalid", None
    now = utcnow()
    if found.expires_at < now:
        run(db, _END_SESSION, {"session_id": session_id})
        return "expired", None
    if not found.is_active:
        return "invalid", None
    if now - found.last_seen_at > LAST_SEEN_GRANULARITY:
        run(db, _SEEN_SESSION, {"session_id": session_id, "now": now})
    return "ok", found


def token_user_id(db: Session, raw: str | None) -> int | None:
    """The user of a session token, or None (none, unknown, expired or closed).

    Cheaper than ``lookup_session``: an HTTP route that only needs whose request it is skips the roles query."""
    _status, found = _live_session(db, token_hash(raw) if raw else None)
    return found.user_id if found else None


def close_session(db: Session, session_id: str) -> None:
    from citizen_app.identity.activity import record_activity

    row = db.get(LoginSession, session_id)
    if row is not None:
        record_activity(db, row.user_id, "logout", "identity.activity.logout", {})
        db.delete(row)
        session_revision.bump_after_commit(db, [session_id])


def close_all_sessions(db: Session, user_id: int) -> int:
    """Sign the user out everywhere; open tabs of those sessions stop at their next action. Returns how many
    sessions were closed."""
    from citizen_app.identity.activity import record_activity

    closed = _close_sessions(db, user_id)
    record_activity(db, user_id, "logout", "identity.activity.logout", {})
    return closed


def _close_sessions(db: Session, user_id: int, keep: str | None = None) -> int:
    closing = _session_ids(db, user_id) - {keep}
    query = delete(LoginSession).where(LoginSession.user_id == user_id)
    db.exec(query.where(LoginSession.id != keep) if keep else query)
    session_revision.bump_after_commit(db, closing)  # their open tabs stop at once (identity.state.acting_user)
    return len(closing)


def change_password(db: Session, user_id: int | None, session_id: str | None, current: str, new: str,
                    confirm: str, ip: str = "") -> int:
    """Replace the password after checking the current one, and sign out every other session of the account.

    Returns how many sessions were closed. A wrong current password counts towards the account's login lock
    (``RecordedRefusal``: the caller's transaction keeps the failed attempt)."""
    from citizen_app.identity.activity import record_activity

    user = db.get(UserAccount, user_id) if user_id is not None else None
    if user is None or not user.is_active:
        raise NotAllowed("error.login_required")
    if user.password_hash is None:
        raise DomainError("error.password_not_set")
    login_name = user.phone or user.email or ""
    if new != confirm:
        raise DomainError("error.password_mismatch")
    if new == current:
        raise DomainError("error.password_unchanged")
    check_password_strength(new, personal=(login_name.split("@")[0], *user.full_name.split()))
    check_not_locked(db, login_name, ip)
    if not password_matches(user.password_hash, current):
        db.add(LoginAttempt(identifier=login_name, ip=ip, success=False))
        raise RecordedRefusal("error.current_password_wrong")
    user.password_hash = HASHER.hash(new)
    closed = _close_sessions(db, user.id, keep=session_id)
    record_activity(db, user.id, "password_changed", "identity.activity.password_changed", {"sessions": closed})
    return closed


def _session_ids(db: Session, user_id: int) -> set[str]:
    return set(db.exec(select(LoginSession.id).where(LoginSession.user_id == user_id)).all())


def list_sessions(db: Session, user_id: int) -> list[LoginSession]:
    query = select(LoginSession).where(LoginSession.user_id == user_id)
    return list(db.exec(query.order_by(col(LoginSession.last_seen_at).desc())).all())


def close_own_session(db: Session, user_id: int, session_id: str) -> None:
    row = db.get(LoginSession, session_id)
    if row is None or row.user_id != user_id:
        raise NotFound()
    db.delete(row)
    session_revision.bump_after_commit(db, [session_id])


def set_lang(db: Session, user_id: int, lang: str) -> None:
    user = db.get(UserAccount, user_id)
    if user is not None and lang in ("vi", "en"):
        user.lang = lang


# --- roles and agencies (admin) -------------------------------------------------------------


def require_role(db: Session, user_id: int | None, *allowed: str) -> frozenset[str]:
    """Re-read roles from the database: state may outlive a role change."""
    if user_id is None:
        raise NotAllowed("error.login_required")
    roles = roles_of(db, user_id)
    if allowed and not roles & set(allowed):
        raise NotAllowed()
    return roles


def set_roles(db: Session, actor_id: int | None, target_id: int, roles: set[str], agency_code: str | None) -> None:
    require_role(db, actor_id, "admin")
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise DomainError("error.role_unknown")
    target = db.get(UserAccount, target_id)
    if target is None:
        raise NotFound()
    if target_id == actor_id and "admin" not in roles:
        raise DomainError("error.cannot_drop_own_admin")
    agency = None
    if agency_code:
        agency = db.exec(select(Agency).where(Agency.code == agency_code)).first()
        if agency is None:
            raise DomainError("error.agency_unknown")
    if "official" in roles and agency is None:
        raise DomainError("error.official_needs_agency")
    if "finance" in roles and agency is None:  # a finance officer handles one agency's money
        raise DomainError("error.finance_needs_agency")
    db.exec(delete(UserRole).where(UserRole.user_id == target_id))
    for role in sorted(set(roles) | {"citizen"}):
        db.add(UserRole(user_id=target_id, role=role))
    target.agency_id = agency.id if agency else None
    session_revision.bump_after_commit(db, _session_ids(db, target_id))  # open tabs re-read the roles


def search_users(db: Session, actor_id: int | None, text: str = "", limit: int = 50) -> list[UserAccount]:
    require_role(db, actor_id, "admin")
    query = select(UserAccount).order_by(UserAccount.id)
    needle = normalize_text(text)
    if needle:
        pattern = f"%{needle}%"
        query = query.where(col(UserAccount.full_name).ilike(pattern) | col(UserAccount.phone).ilike(pattern)
                            | col(UserAccount.email).ilike(pattern))
    return list(db.exec(query.limit(limit)).all())


def list_agencies(db: Session) -> list[Agency]:
    return list(db.exec(select(Agency).order_by(Agency.code)).all())


# --- OpenID Connect -------------------------------------------------------------------------


def login_with_oidc(db: Session, issuer: str, claims: dict) -> UserAccount:
    """First login creates the account or links it by verified e-mail; later logins find the link."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise DomainError("error.oidc_failed")
    link = db.exec(select(OidcLink).where(OidcLink.issuer == issuer, OidcLink.subject == subject)).first()
    if link is not None:
        user = db.get(UserAccount, link.user_id)
        if user is None or not user.is_active:
            raise DomainError("error.oidc_failed")
        return user
    user = None
    email = (claims.get("email") or "").lower()
    if email and claims.get("email_verified") is True:
        user = find_by_identifier(db, Identifier("email", email))
    if user is None:
        name = normalize_text(claims.get("name") or "") or email.split("@")[0] or "Công dân"
        user = UserAccount(full_name=name[:120], email=email if claims.get("email_verified") is True else None)
        db.add(user)
        db.flush()
        db.add(UserRole(user_id=user.id, role="citizen"))
    if claims.get("acr") in ("2", "level2", "urn:vneid:level2"):
        user.identity_level = max(user.identity_level, 2)
    db.add(OidcLink(user_id=user.id, issuer=issuer, subject=subject))
    db.flush()
    return user
