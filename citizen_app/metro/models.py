"""Metro Line 1 tables: tickets (with their journey state), journeys, taps, denylist, gates."""

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
    """A registered gate; it authenticates with a bearer token whose SHA-256 is stored."""

    __tablename__ = "metro_gate"

    id: str = Field(primary_key=True, max_length=64)
    station: str = Field(max_length=16)
    token_hash: str = Field(max_length=64, unique=True)
    is_active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_sync_at: datetime | None = None
