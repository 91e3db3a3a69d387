"""Tables of digital signing: the citizen's signing certificates from the development CA and the documents
waiting for their approval."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary, Text
from sqlmodel import Field, SQLModel

from citizen_app.core.timeutil import utcnow


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


class CertRevocation(SQLModel, table=True):
    """A certificate of the development CA that is revoked: the CRL of its issuer lists it."""

    __tablename__ = "identity_cert_revocation"

    id: int | None = Field(default=None, primary_key=True)
    serial: str = Field(max_length=64, unique=True)  # lower-case hex, as SigningCertificate.serial
    issuer: str = Field(default="issuing", max_length=16, index=True)  # "issuing" or "root"
    subject: str = Field(max_length=300)
    reason: str = Field(max_length=32)  # a ``cryptography`` ReasonFlags value, e.g. "keyCompromise"
    revoked_at: datetime = Field(default_factory=utcnow)
    revoked_by: int | None = Field(default=None, foreign_key="user_account.id")
