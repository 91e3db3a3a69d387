"""The register of documents we issued, found by the verification code printed on them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from citizen_app.core.timeutil import utcnow


class TrustDocument(SQLModel, table=True):
    """One issued document (a signed result, a dossier receipt). ``facts`` are public (type, number, agency,
    date); ``personal`` facts are shown on the public page only when the holder lists their key in ``shown``."""

    __tablename__ = "trust_document"
    __table_args__ = (UniqueConstraint("kind", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True, index=True)
    kind: str = Field(max_length=16)  # "result", "receipt"
    number: str = Field(max_length=64)
    ref: str = Field(default="", max_length=64, index=True)  # what it belongs to, e.g. the dossier number
    owner_id: int = Field(foreign_key="user_account.id", index=True)
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    title_vi: str = Field(max_length=200)
    title_en: str = Field(max_length=200)
    issued_at: datetime = Field(default_factory=utcnow)
    facts: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    personal: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    shown: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    signer: str = Field(default="", max_length=200)
    sha256: str | None = Field(default=None, max_length=64, index=True)
    cert_serial: str | None = Field(default=None, max_length=64)
    valid_until: datetime | None = None
    revoked_at: datetime | None = None
    revoke_reason: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
