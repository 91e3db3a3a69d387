"""Metro Line 1 tables: tickets (with their journey state), journeys, taps, denylist, gates and handheld validators,
offline conflicts, service alerts and the stations riders follow."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from citizen_app.core.timeutil import utcnow

TICKET_STATUSES = ("awaiting_payment", "active", "cancelled", "revoked")


class MetroTicket(SQLModel, table=True):
    """One purchased product. ``version`` is bumped by every admitted tap (conditional update = exactly once)."""

    __tablename__ = "metro_ticket"

    id: str = Field(primary_key=True, max_length=24)  # 96-bit random ticket id, hex
    user_id: int = Field(foreign_key="user_account.id", index=True)
    product_id: str = Field(max_length=32)
    rider_category: str = Field(default="adult", max_length=16)
    origin: str | None = Field(default=None, max_length=16)
    destination: str | None = Field(default=None, max_length=16)
    medium: str = Field(default="cashless", max_length=16)
    price_vnd: int = Field(default=0)
    fare_is_estimate: bool = Field(default=False)
    status: str = Field(default="awaiting_payment", max_length=20, index=True)
    order_ref: str = Field(max_length=40, unique=True)
    receipt_no: str | None = Field(default=None, max_length=32, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    paid_at: datetime | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    device_key: str = Field(max_length=64)  # base64url compressed P-256 point
    kid: int | None = None
    payload: str | None = Field(default=None, max_length=400)  # Base45 signed ticket, for the phone
    phase: str = Field(default="unused", max_length=8)
    entry_station: str | None = Field(default=None, max_length=16)
    entry_at: datetime | None = None
    last_tap_at: datetime | None = None
    version: int = Field(default=0)


class MetroJourney(SQLModel, table=True):
    __tablename__ = "metro_journey"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: str = Field(foreign_key="metro_ticket.id", index=True, max_length=24)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    entry_station: str | None = Field(default=None, max_length=16)
    entry_at: datetime | None = None
    exit_station: str | None = Field(default=None, max_length=16)
    exit_at: datetime | None = None
    status: str = Field(default="open", max_length=16)  # open, completed, incomplete
    source: str = Field(default="online", max_length=8)


class MetroTap(SQLModel, table=True):
    """An admitted tap. (ticket_id, seq) is unique: two gates cannot both admit version n -> n+1."""

    __tablename__ = "metro_tap"
    __table_args__ = (UniqueConstraint("ticket_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: str = Field(foreign_key="metro_ticket.id", index=True, max_length=24)
    seq: int | None = None  # None for late offline taps kept as history only
    direction: str = Field(max_length=4)
    station: str = Field(max_length=16)
    gate_id: str = Field(default="", max_length=64)
    at: datetime
    scan_id: str | None = Field(default=None, max_length=96, unique=True)
    source: str = Field(default="online", max_length=8)
    conflict: str = Field(default="", max_length=32)
    recorded_at: datetime = Field(default_factory=utcnow)


class MetroDenyEntry(SQLModel, table=True):
    """Revoked tickets (``t:<tid>``) or revoked device bindings (``d:<tid>:<key hash>``); ids only."""

    __tablename__ = "metro_deny_entry"

    key: str = Field(primary_key=True, max_length=64)
    ticket_id: str = Field(max_length=24, index=True)
    reason: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, index=True)


class MetroGate(SQLModel, table=True):
    """A station's gate or handheld validator. It authenticates with a bearer token of which only the SHA-256 is
    stored; the device gets the token once, in exchange for a one-time enrolment code (the QR the operator shows,
    also stored as a hash). What the device last reported (contact, queued offline taps, key and denylist versions)
    is kept for the operator's console."""

    __tablename__ = "metro_gate"

    id: str = Field(primary_key=True, max_length=64)
    station: str = Field(max_length=16)
    kind: str = Field(default="gate", max_length=16)  # gate, handheld
    label: str = Field(default="", max_length=80)
    token_hash: str | None = Field(default=None, max_length=64, unique=True)
    is_active: bool = Field(default=True)  # False once revoked
    created_at: datetime = Field(default_factory=utcnow)
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    credential_at: datetime | None = None  # when the current token was handed to the device
    enrol_hash: str | None = Field(default=None, max_length=64, unique=True)
    enrol_expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_sync_at: datetime | None = None
    last_contact_at: datetime | None = None
    queue_depth: int = Field(default=0)
    key_version: int | None = None
    denylist_version: str = Field(default="", max_length=16)


class MetroConflict(SQLModel, table=True):
    """A ticket used twice while gates were offline, found at sync: the tap the online rules would have refused
    (``tap_id``), the earlier one it clashes with, and what the fare rules charge (``data/metro/metro.json``)."""

    __tablename__ = "metro_conflict"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: str = Field(foreign_key="metro_ticket.id", index=True, max_length=24)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    kind: str = Field(max_length=16)  # ticket_used, passback, revoked
    tap_id: int = Field(foreign_key="metro_tap.id", unique=True)
    earlier_tap_id: int | None = Field(default=None, foreign_key="metro_tap.id")
    charge_vnd: int = Field(default=0)
    status: str = Field(default="due", max_length=8, index=True)  # due, waived, none (reported, not charged)
    detected_at: datetime = Field(default_factory=utcnow, index=True)
    handled_by: int | None = Field(default=None, foreign_key="user_account.id")
    resolved_at: datetime | None = None


class MetroAlert(SQLModel, table=True):
    """A service disruption posted by the operator, published as GTFS-Realtime ServiceAlerts."""

    __tablename__ = "metro_alert"

    id: int | None = Field(default=None, primary_key=True)
    cause: str = Field(max_length=24)  # GTFS-Realtime Alert.Cause name, e.g. TECHNICAL_PROBLEM
    effect: str = Field(max_length=24)  # GTFS-Realtime Alert.Effect name, e.g. SIGNIFICANT_DELAYS
    stations: str = Field(default="", max_length=400)  # stop ids, comma separated; empty = the whole line
    header_vi: str = Field(max_length=120)
    header_en: str = Field(max_length=120)
    description_vi: str = Field(default="", max_length=1000)
    description_en: str = Field(default="", max_length=1000)
    starts_at: datetime = Field(index=True)
    ends_at: datetime | None = Field(default=None, index=True)
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow)
    notified: int = Field(default=0)  # riders told when it was posted


class MetroStationFollow(SQLModel, table=True):
    """A rider follows a station: its service alerts reach them (in-app and on the metro alerts push topic)."""

    __tablename__ = "metro_station_follow"
    __table_args__ = (UniqueConstraint("user_id", "station"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    station: str = Field(max_length=16, index=True)
    created_at: datetime = Field(default_factory=utcnow)
