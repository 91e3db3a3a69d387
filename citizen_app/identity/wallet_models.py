"""Tables of the identity wallet: profile, credentials, status lists, replay caches, passkeys,
signing certificates and requests, and the hash-chained activity log.

Imported by ``citizen_app.identity.models`` so that Alembic and the test schema see them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from citizen_app.core.timeutil import utcnow


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


class StatusList(SQLModel, table=True):
    """One Token Status List (bits=1). Indices are handed out at random for herd privacy."""

    __tablename__ = "identity_status_list"

    id: str = Field(primary_key=True, max_length=16)
    size: int = Field(default=131072)
    used: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow)


class StatusEntry(SQLModel, table=True):
    __tablename__ = "identity_status_entry"
    __table_args__ = (UniqueConstraint("list_id", "idx"),)

    id: int | None = Field(default=None, primary_key=True)
    list_id: str = Field(foreign_key="identity_status_list.id", max_length=16, index=True)
    idx: int
    status: int = Field(default=0)  # 0 valid, 1 invalid (revoked)
    updated_at: datetime = Field(default_factory=utcnow)


class IssuedCredential(SQLModel, table=True):
    """A credential we issued. The credential itself lives in the wallet; we keep metadata only."""

    __tablename__ = "identity_credential"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    kind: str = Field(max_length=16, index=True)
    vct: str = Field(max_length=120)
    format: str = Field(default="dc+sd-jwt", max_length=16)
    holder_thumbprint: str = Field(max_length=64, index=True)
    key_mode: str = Field(default="browser", max_length=8)  # "browser" (WebCrypto) or "server" (fallback)
    status_list_id: str = Field(max_length=16)
    status_idx: int
    issued_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None
    issued_by: int | None = Field(default=None, foreign_key="user_account.id")


class ServerHolderKey(SQLModel, table=True):
    """Fallback holder key kept by the server when the browser has no WebCrypto (marked as such)."""

    __tablename__ = "identity_server_holder_key"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", unique=True, index=True)
    sealed_key: str = Field(sa_column=Column(Text, nullable=False))
    thumbprint: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class PresentationNonce(SQLModel, table=True):
    """A verifier's single-use challenge (mode B): five minutes, consumed on first use."""

    __tablename__ = "identity_vp_nonce"

    nonce: str = Field(primary_key=True, max_length=64)
    aud: str = Field(max_length=120)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)
    used_at: datetime | None = None


class SeenPresentation(SQLModel, table=True):
    """Replay cache: one-time identifiers (jti / nonce) already accepted, kept until they expire."""

    __tablename__ = "identity_vp_seen"

    key: str = Field(primary_key=True, max_length=100)
    seen_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)


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


class SigningCertificate(SQLModel, table=True):
    """A citizen's signing certificate from the development CA; the key is sealed server-side."""

    __tablename__ = "identity_signing_cert"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    serial: str = Field(max_length=64, unique=True)
    subject: str = Field(max_length=300)
    cert_pem: str = Field(sa_column=Column(Text, nullable=False))
    sealed_key: str = Field(sa_column=Column(Text, nullable=False))
    not_before: datetime
    not_after: datetime
    revoked_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class SigningRequest(SQLModel, table=True):
    """A document waiting for the citizen's approval ("what you see is what you sign")."""

    __tablename__ = "identity_signing_request"

    id: str = Field(primary_key=True, max_length=32)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    doc_hash: str = Field(max_length=64)
    reference_code: str = Field(max_length=16)
    pdf: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    signed_pdf: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    status: str = Field(default="pending", max_length=16)  # pending, signed, cancelled
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    signed_at: datetime | None = None


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
