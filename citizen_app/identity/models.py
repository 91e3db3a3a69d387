"""Accounts, roles, agencies and login sessions; the citizen's identity profile, passkeys and activity log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from citizen_app.core.timeutil import utcnow

# lead: heads their agency (escalations); metro_operator: runs the operating agency's gates and alerts
ROLES = ("citizen", "volunteer", "official", "lead", "finance", "metro_operator", "admin")


class Agency(SQLModel, table=True):
    """A public body that receives work, e.g. "UBND phường Bàn Cờ" or "Công an phường Bàn Cờ"."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    name_vi: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    kind: str = Field(max_length=32)
    ward: str = Field(default="", max_length=100)
    parent_code: str | None = Field(default=None, max_length=64)


class UserAccount(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    phone: str | None = Field(default=None, max_length=15, unique=True, index=True)
    email: str | None = Field(default=None, max_length=254, unique=True, index=True)
    password_hash: str | None = Field(default=None, max_length=255)
    full_name: str = Field(max_length=120)
    lang: str = Field(default="vi", max_length=2)
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    identity_level: int = Field(default=1)
    is_active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)


class UserRole(SQLModel, table=True):
    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    role: str = Field(max_length=16)


class LoginSession(SQLModel, table=True):
    """A server-side session; the browser holds only a random token whose SHA-256 is the key."""

    __tablename__ = "login_session"

    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    user_agent: str = Field(default="", max_length=300)
    ip: str = Field(default="", max_length=64)
    method: str = Field(default="password", max_length=16)


class LoginTicket(SQLModel, table=True):
    """Single-use, one-minute hand-over from a verified login to the HttpOnly cookie route."""

    __tablename__ = "login_ticket"

    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user_account.id")
    next_path: str = Field(default="/", max_length=300)
    method: str = Field(default="password", max_length=16)
    expires_at: datetime
    used_at: datetime | None = None


class LoginAttempt(SQLModel, table=True):
    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    identifier: str = Field(max_length=254, index=True)
    ip: str = Field(default="", max_length=64, index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    success: bool = False


class PendingRegistration(SQLModel, table=True):
    """A registration waiting for the one-time code sent to its phone/e-mail; the account exists only after it.

    Holds the Argon2 hash of the chosen password (never the password) and an HMAC of the code (never the code).
    Deleted by ``identity.purge_old_attempts`` once expired.
    """

    __tablename__ = "identity_pending_registration"

    id: str = Field(primary_key=True, max_length=64)
    identifier: str = Field(max_length=254, index=True)
    full_name: str = Field(max_length=120)
    password_hash: str = Field(max_length=255)
    lang: str = Field(default="vi", max_length=2)
    code_hash: str = Field(max_length=64)
    attempts: int = Field(default=0)
    ip: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)
    used_at: datetime | None = None


class OidcLink(SQLModel, table=True):
    __tablename__ = "oidc_link"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    issuer: str = Field(max_length=300)
    subject: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow)


class IdentityProfile(SQLModel, table=True):
    """The citizen's identity data. ``level`` 1 = self-declared, 2 = verified."""

    __tablename__ = "identity_profile"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", unique=True, index=True)
    full_name: str = Field(max_length=120)
    birth_date: date | None = None
    sex: str = Field(default="", max_length=1)  # "M", "F" or "" (not given)
    id_number: str | None = Field(default=None, max_length=12, unique=True, index=True)
    address: str = Field(default="", max_length=300)
    ward: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=15)
    email: str = Field(default="", max_length=254)
    level: int = Field(default=1)
    verified_by: int | None = Field(default=None, foreign_key="user_account.id")
    verified_method: str = Field(default="", max_length=16)  # "id_card" or "oidc"
    verified_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class Passkey(SQLModel, table=True):
    __tablename__ = "identity_passkey"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    credential_id: str = Field(max_length=1400, unique=True, index=True)  # base64url
    public_key: str = Field(sa_column=Column(Text, nullable=False))  # base64url COSE key
    sign_count: int = Field(default=0)
    transports: str = Field(default="", max_length=200)
    device_type: str = Field(default="", max_length=32)
    backed_up: bool = Field(default=False)
    name: str = Field(default="", max_length=60)
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None


class WebauthnChallenge(SQLModel, table=True):
    __tablename__ = "identity_webauthn_challenge"

    id: str = Field(primary_key=True, max_length=64)
    user_id: int | None = Field(default=None, foreign_key="user_account.id")
    purpose: str = Field(max_length=16)  # "register", "login", "sign"
    challenge: str = Field(max_length=128)  # base64url
    expires_at: datetime
    used_at: datetime | None = None


class ActivityEntry(SQLModel, table=True):
    """One line of the citizen's activity log, chained by hash per user."""

    __tablename__ = "identity_activity"
    __table_args__ = (UniqueConstraint("user_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    seq: int
    kind: str = Field(max_length=32)
    summary_key: str = Field(max_length=100)
    params_json: str = Field(sa_column=Column(Text, nullable=False))
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, index=True)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)

