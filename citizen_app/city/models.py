"""Tables of the city pillar.

* ``city_announcement`` — a city-wide or ward announcement published by an official or admin.
* ``city_help_request`` — a citizen asks a community digital-technology team for help.
* ``city_team_member`` — which volunteer accounts belong to which team of the directory.
* ``city_data_request`` — a Decree 13/2023 data-subject request (deletion), tracked to its end.
* ``city_trust_list`` — one list the link checker uses (trusted sites, a blacklist): where its entries came
  from, their date, when it was last imported or refreshed and the last refresh error.
* ``city_trust_entry`` — one domain or phone number of a list, with its provenance (for the city's own
  blacklist: the resident's scam report an official confirmed).
* ``city_scam_target`` — the link or number a resident's scam report is about (filled when it is filed).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from citizen_app.core.timeutil import utcnow

AUDIENCES = ("city", "ward")
HELP_STATUSES = ("open", "taken", "done", "cancelled")
DATA_REQUEST_STATUSES = ("received", "in_progress", "done", "rejected")


class CityAnnouncement(SQLModel, table=True):
    __tablename__ = "city_announcement"

    id: int | None = Field(default=None, primary_key=True)
    title_vi: str = Field(max_length=120)
    title_en: str = Field(max_length=120)
    body_vi: str = Field(sa_column=Column(Text, nullable=False))
    body_en: str = Field(sa_column=Column(Text, nullable=False))
    audience: str = Field(default="city", max_length=8)  # "city" or "ward"
    ward: str = Field(default="", max_length=100)
    ward_key: str = Field(default="", max_length=100, index=True)  # folded ward name
    valid_from: datetime = Field(index=True)
    valid_until: datetime | None = Field(default=None, index=True)
    author_id: int = Field(foreign_key="user_account.id", index=True)
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    push_requested: bool = False
    pushed_at: datetime | None = None
    push_recipients: int = 0
    withdrawn_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class CityHelpRequest(SQLModel, table=True):
    __tablename__ = "city_help_request"

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="user_account.id", index=True)
    team_code: str = Field(max_length=64, index=True)
    topic: str = Field(max_length=32)
    procedure_code: str = Field(default="", max_length=64)
    message: str = Field(default="", max_length=1000)
    status: str = Field(default="open", max_length=12, index=True)
    volunteer_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    consent_id: int | None = Field(default=None, foreign_key="proc_helper_consent.id")
    created_at: datetime = Field(default_factory=utcnow)
    taken_at: datetime | None = None
    closed_at: datetime | None = None


class CityTeamMember(SQLModel, table=True):
    __tablename__ = "city_team_member"
    __table_args__ = (UniqueConstraint("team_code", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_code: str = Field(max_length=64, index=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    added_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow)


class CityDataRequest(SQLModel, table=True):
    __tablename__ = "city_data_request"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    kind: str = Field(default="delete", max_length=16)
    status: str = Field(default="received", max_length=16, index=True)
    note: str = Field(default="", max_length=1000)
    plan_json: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    response_note: str = Field(default="", max_length=1000)
    handled_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow)
    due_at: datetime
    updated_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None


class CityTrustList(SQLModel, table=True):
    __tablename__ = "city_trust_list"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    kind: str = Field(max_length=16)  # "trusted" or "blacklist"
    origin: str = Field(default="snapshot", max_length=16)  # "snapshot" (shipped file) or "refresh" (source URL)
    source: str = Field(default="", max_length=500)  # the snapshot file name or the URL the entries came from
    as_of: date | None = None  # the date of the data itself
    sample: bool = False
    entry_count: int = 0
    imported_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)  # any change, confirmed reports included
    last_attempt_at: datetime | None = None
    last_error: str = Field(default="", max_length=500)


class CityTrustEntry(SQLModel, table=True):
    __tablename__ = "city_trust_entry"

    id: int | None = Field(default=None, primary_key=True)
    list_code: str = Field(max_length=40, index=True)
    kind: str = Field(max_length=8)  # "domain" (ascii host) or "phone" (national number)
    value: str = Field(max_length=255, index=True)
    name: str = Field(default="", max_length=200)
    brand: str = Field(default="", max_length=64)
    category: str = Field(default="", max_length=16)
    hotlines: str = Field(default="", max_length=200)  # national numbers, space separated
    note_vi: str = Field(default="", max_length=300)
    note_en: str = Field(default="", max_length=300)
    since: date | None = None
    sample: bool = False
    detail_json: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # source page, verify flag…
    report_id: int | None = Field(default=None, foreign_key="feedback_report.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class CityScamTarget(SQLModel, table=True):
    __tablename__ = "city_scam_target"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="feedback_report.id", unique=True)
    kind: str = Field(max_length=8)  # "domain" or "phone"
    value: str = Field(max_length=255)  # ascii host or national number
    display: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow)
