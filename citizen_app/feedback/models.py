"""Tables of the feedback board. Timestamps are aware UTC (see core.timeutil)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from citizen_app.core.timeutil import utcnow


class FeedbackReport(SQLModel, table=True):
    """One report. ``title``/``description``/``address`` are the originals (officials only);
    the ``public_*`` columns are the masked copies the board shows."""

    __tablename__ = "feedback_report"
    __table_args__ = (
        Index("ix_feedback_report_cat_id", "category_code", "id"),
        Index("ix_feedback_report_agency_id", "agency_code", "id"),
        Index("ix_feedback_report_ward_id", "ward_key", "id"),
        Index("ix_feedback_report_stage_id", "stage", "id"),
        Index("ix_feedback_report_open_id", "is_open", "id"),
        Index("ix_feedback_report_geo", "lat", "lon", "is_open", "hidden"),
        Index("ix_feedback_report_created", "created_at"),
        Index("ix_feedback_report_updated", "updated_at"),
        Index("ix_feedback_report_due", "is_open", "due_at"),
        Index("ix_feedback_report_assignee", "assignee_id", "is_open", "id"),
        Index("ix_feedback_report_pending", "pending_agency_code", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    category_code: str = Field(max_length=40)
    agency_code: str = Field(max_length=64)
    title: str = Field(max_length=200)
    description: str = Field(sa_column=Column(Text, nullable=False))
    public_title: str = Field(max_length=200)
    public_description: str = Field(sa_column=Column(Text, nullable=False))
    search_folded: str = Field(sa_column=Column(Text, nullable=False, default=""))
    lat: float | None = None
    lon: float | None = None
    address: str = Field(default="", max_length=300)
    public_address: str = Field(default="", max_length=300)
    ward: str = Field(default="", max_length=100)
    ward_key: str = Field(default="", max_length=100)
    attributes_json: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    reporter_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    hide_name: bool = False
    contact_json: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    channel: str = Field(default="web", max_length=16)
    api_key_id: int | None = Field(default=None, foreign_key="feedback_api_key.id")
    token: str | None = Field(default=None, max_length=64, unique=True)
    stage: str = Field(default="received", max_length=32)
    outcome: str | None = Field(default=None, max_length=32)
    is_open: bool = True
    hidden: bool = False
    priority: int = 1
    me_too_count: int = 0
    duplicate_of: int | None = Field(default=None, foreign_key="feedback_report.id")
    public_response: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    triaged_at: datetime | None = None
    first_response_at: datetime | None = None
    answered_at: datetime | None = None
    closed_at: datetime | None = None
    due_at: datetime | None = None
    expected_at: datetime | None = None
    last_progress_at: datetime | None = None
    escalation_level: int = 0
    escalated_at: datetime | None = None
    rating: int | None = None
    rating_reason: str = Field(default="", max_length=500)
    needs_review: bool = False
    # who works on it inside ``agency_code``: a named official, or a team of the routing table (never shown publicly)
    assignee_id: int | None = Field(default=None, foreign_key="user_account.id")
    team_code: str = Field(default="", max_length=40)
    # a proposed reroute waiting for that agency to accept or return it
    pending_agency_code: str | None = Field(default=None, max_length=64)


class FeedbackSearchToken(SQLModel, table=True):
    """Diacritic-folded word -> report (inverted index; portable to PostgreSQL, no FTS extension).
    ``category_code`` is copied from the report so a search inside one category is one index range."""

    __tablename__ = "feedback_search_token"
    __table_args__ = (Index("ix_feedback_search_token_cat", "token", "category_code", "report_id"),)

    token: str = Field(primary_key=True, max_length=40)
    report_id: int = Field(primary_key=True, foreign_key="feedback_report.id", index=True)
    category_code: str = Field(default="", max_length=40)


class FeedbackPhoto(SQLModel, table=True):
    __tablename__ = "feedback_photo"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int | None = Field(default=None, foreign_key="feedback_report.id", index=True)
    owner_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    kind: str = Field(default="report", max_length=16)  # report | info | after | progress | update
    update_id: int | None = Field(default=None, foreign_key="feedback_update.id", index=True)  # kind "update"
    storage_name: str = Field(max_length=80, unique=True)
    thumb_name: str = Field(max_length=80)
    mime: str = Field(default="image/jpeg", max_length=32)
    size: int = 0
    width: int = 0
    height: int = 0
    created_at: datetime = Field(default_factory=utcnow)


class FeedbackUpdate(SQLModel, table=True):
    """A public update on an open report by its reporter or another citizen (FixMyStreet's "updates").
    ``text`` is the original (officials only); ``public_text`` the masked copy. A moderator of the handling
    agency may hide it: ``hidden`` with who, when and why (the text stays for officials)."""

    __tablename__ = "feedback_update"
    __table_args__ = (Index("ix_feedback_update_report", "report_id", "id"),
                      Index("ix_feedback_update_author", "author_id", "created_at"))

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="feedback_report.id")
    author_id: int = Field(foreign_key="user_account.id")
    hide_name: bool = False
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    public_text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow)
    hidden: bool = False
    hidden_by: int | None = Field(default=None, foreign_key="user_account.id")
    hidden_at: datetime | None = None
    hidden_reason: str = Field(default="", max_length=500)


class FeedbackEvent(SQLModel, table=True):
    """Timeline entry. public=True rows form the public status timeline; others are internal notes.
    ``agency_code`` is the agency that acted (the public sees it, never the person); ``target_code`` /
    ``target_user_id`` what the step was about: the agency a report was routed or proposed to, a team, an official."""

    __tablename__ = "feedback_event"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="feedback_report.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    kind: str = Field(max_length=32)
    public: bool = True
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    actor_role: str = Field(default="", max_length=16)
    stage: str = Field(default="", max_length=32)
    outcome: str | None = Field(default=None, max_length=32)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    public_text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    photo_ids: str = Field(default="", max_length=200)
    agency_code: str = Field(default="", max_length=64)
    target_code: str = Field(default="", max_length=64)
    target_user_id: int | None = Field(default=None, foreign_key="user_account.id")


class FeedbackMeToo(SQLModel, table=True):
    __tablename__ = "feedback_me_too"
    __table_args__ = (UniqueConstraint("report_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="feedback_report.id", index=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    at: datetime = Field(default_factory=utcnow)


class FeedbackFollow(SQLModel, table=True):
    __tablename__ = "feedback_follow"
    __table_args__ = (UniqueConstraint("report_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="feedback_report.id", index=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    at: datetime = Field(default_factory=utcnow)


class FeedbackAreaSubscription(SQLModel, table=True):
    """New-report alerts for a ward or a circle around a point, optionally for one category."""

    __tablename__ = "feedback_area_sub"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    kind: str = Field(max_length=8)  # ward | radius
    ward_key: str = Field(default="", max_length=100, index=True)
    ward: str = Field(default="", max_length=100)
    lat: float | None = None
    lon: float | None = None
    radius_m: int = 0
    category_code: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow)


class FeedbackDraft(SQLModel, table=True):
    __tablename__ = "feedback_draft"

    user_id: int = Field(primary_key=True, foreign_key="user_account.id")
    data_json: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)


class FeedbackSubmission(SQLModel, table=True):
    """A report sent from a device's outbox, by its idempotency key: the same draft sent twice (a retry after a
    lost answer, Background Sync and the page at once) makes one report."""

    __tablename__ = "feedback_submission"

    user_id: int = Field(primary_key=True, foreign_key="user_account.id")
    key: str = Field(primary_key=True, max_length=64)
    report_id: int = Field(foreign_key="feedback_report.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class FeedbackApiKey(SQLModel, table=True):
    """Open311 POST key issued by an admin; only the SHA-256 of the key is stored."""

    __tablename__ = "feedback_api_key"

    id: int | None = Field(default=None, primary_key=True)
    key_hash: str = Field(max_length=64, unique=True)
    label: str = Field(max_length=120)
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


class FeedbackAudit(SQLModel, table=True):
    """Every action: who, what, when, before/after JSON. Rows are hash-chained (tamper evidence)."""

    __tablename__ = "feedback_audit"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    action: str = Field(max_length=40)
    report_id: int | None = Field(default=None, index=True)
    before_json: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    after_json: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    prev_hash: str = Field(default="", max_length=64)
    hash: str = Field(default="", max_length=64)
