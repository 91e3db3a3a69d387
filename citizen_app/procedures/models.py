"""Tables for online procedures: dossiers, their append-only history, files, consents and results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from citizen_app.core.timeutil import utcnow


class ProcDossier(SQLModel, table=True):
    """One application. ``status``/``due_at``/``paused`` are projections of the event log, rewritten
    only by the service's transition function in the same transaction as the event they follow."""

    __tablename__ = "proc_dossier"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=32, unique=True, index=True)
    access_code_hash: str = Field(max_length=64)
    access_code_sealed: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # the owner sees it
    procedure_code: str = Field(max_length=64, index=True)
    applicant_id: int = Field(foreign_key="user_account.id", index=True)
    subject_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    helper_id: int | None = Field(default=None, foreign_key="user_account.id")
    consent_id: int | None = Field(default=None, foreign_key="proc_helper_consent.id")
    subject_name: str = Field(default="", max_length=120)
    agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    assignee_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)  # the officer on it
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    current_page: str = Field(default="", max_length=64)
    status: int = Field(default=0, index=True)
    resume_to: int | None = None
    due_at: datetime | None = Field(default=None, index=True)
    paused: bool = False
    fee_amount: int = 0
    fee_exempt: bool = False
    fee_order_ref: str | None = Field(default=None, max_length=64)
    fee_paid_at: datetime | None = None
    submitted_at: datetime | None = None
    accepted_at: datetime | None = None
    completed_at: datetime | None = None
    rating: int | None = None
    rating_comment: str = Field(default="", max_length=1000)
    rated_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ProcDossierEvent(SQLModel, table=True):
    """Append-only history. The current status is the ``to_status`` of the last status event."""

    __tablename__ = "proc_dossier_event"
    __table_args__ = (UniqueConstraint("dossier_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="proc_dossier.id", index=True)
    seq: int
    kind: str = Field(max_length=24)  # "status", "apology", "assignment", "review" (a proposed approval)
    action: str = Field(max_length=32)
    from_status: int | None = None
    to_status: int | None = None
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    helper_consent_id: int | None = Field(default=None, foreign_key="proc_helper_consent.id")
    reason: str = Field(default="", max_length=2000)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime = Field(default_factory=utcnow, index=True)


class ProcAttachment(SQLModel, table=True):
    __tablename__ = "proc_attachment"

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="proc_dossier.id", index=True)
    attachment_id: str = Field(max_length=64)
    filename: str = Field(max_length=200)
    mime: str = Field(max_length=64)
    size: int
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=128)
    uploaded_by: int = Field(foreign_key="user_account.id")
    supplement_id: int | None = Field(default=None, foreign_key="proc_supplement.id")
    created_at: datetime = Field(default_factory=utcnow)


class ProcSupplement(SQLModel, table=True):
    """A supplement request (status 5): what is missing, and the citizen's answer."""

    __tablename__ = "proc_supplement"

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="proc_dossier.id", index=True)
    items: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", max_length=2000)
    requested_by: int = Field(foreign_key="user_account.id")
    requested_at: datetime = Field(default_factory=utcnow)
    answered_at: datetime | None = None
    answer_note: str = Field(default="", max_length=2000)


class ProcHelperConsent(SQLModel, table=True):
    """A citizen's scoped, time-limited permission for a helper (volunteer) to act for them."""

    __tablename__ = "proc_helper_consent"

    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="user_account.id", index=True)
    helper_id: int = Field(foreign_key="user_account.id", index=True)
    procedures: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    scope: str = Field(max_length=16)  # "draft", "submit", "submit_pay"
    method: str = Field(max_length=16)  # "account", "code"
    text_hash: str = Field(max_length=64)
    granted_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None


class ProcConsentCode(SQLModel, table=True):
    """A one-time code shown on the helper's screen; the citizen types it in their own account."""

    __tablename__ = "proc_consent_code"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True, index=True)
    helper_id: int = Field(foreign_key="user_account.id")
    procedures: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    scope: str = Field(max_length=16)
    valid_hours: int = 24
    expires_at: datetime
    used_at: datetime | None = None
    attempts: int = 0


class ProcApology(SQLModel, table=True):
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả, issued automatically when a dossier is overdue."""

    __tablename__ = "proc_apology"

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="proc_dossier.id", index=True)
    old_due_at: datetime
    new_due_at: datetime
    issued_at: datetime = Field(default_factory=utcnow)


class ProcResult(SQLModel, table=True):
    __tablename__ = "proc_result"

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="proc_dossier.id", index=True, unique=True)
    storage_key: str = Field(max_length=128)
    sha256: str = Field(max_length=64)
    sign_state: str = Field(default="to_be_signed", max_length=16)  # "to_be_signed", "signed"
    signed_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow)
    signed_at: datetime | None = None


class ProcAudit(SQLModel, table=True):
    """Every action on a dossier or consent, for the agency's audit and the citizen's activity log."""

    __tablename__ = "proc_audit"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    on_behalf_of: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    dossier_id: int | None = Field(default=None, foreign_key="proc_dossier.id", index=True)
    consent_id: int | None = Field(default=None, foreign_key="proc_helper_consent.id")
    action: str = Field(max_length=40)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ProcNamedPerson(SQLModel, table=True):
    """Someone a dossier names (a tenant, a household member) who has an account, matched on a verified identifier
    only. They see a read-only record of it and get the result credential; the submitter is never told."""

    __tablename__ = "proc_named_person"
    __table_args__ = (UniqueConstraint("dossier_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="proc_dossier.id", index=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    matched_by: str = Field(max_length=16)  # "personal_id" (verified at the desk) or "phone" (the login phone)
    full_name: str = Field(max_length=120)
    stay_from: str = Field(default="", max_length=10)  # dd/mm/yyyy as in the dossier
    stay_to: str = Field(default="", max_length=10)
    credential_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
