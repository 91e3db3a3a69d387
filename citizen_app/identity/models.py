"""Accounts, roles, agencies and login sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from citizen_app.core.timeutil import utcnow

ROLES = ("citizen", "volunteer", "official", "lead", "finance", "admin")  # lead: heads their agency (escalations)


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
import citizen_app.identity.wallet_models  # noqa: E402,F401  (wallet tables live beside the account tables)
