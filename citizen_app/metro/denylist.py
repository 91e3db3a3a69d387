"""Tickets and phones the gates must refuse: a ticket revoked by staff or withdrawn by a refund, the old phone
of a ticket moved to a new one; and the list that offline gates pull. Online scans look entries up at once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from citizen_app.core.errors import NotFound
from citizen_app.core.timeutil import utcnow
from citizen_app.metro.gate import deny_keys
from citizen_app.metro.models import MetroDenyEntry, MetroTicket
from citizen_app.metro.purchase import ticket_by_order_ref

STAFF_ROLES = ("admin", "official")  # may revoke tickets and scan at a station without a gate token
DENYLIST_RETENTION = timedelta(days=45)

# Built once with a bind parameter: looked up on every online scan.
_DENIED = select(MetroDenyEntry.key).where(col(MetroDenyEntry.key) == bindparam("key"))


def revoke_ticket(db: Session, actor_id: int | None, ticket_id: str, reason: str = "revoked") -> None:
    """Staff action: the ticket stops working everywhere (online at once, offline gates at next denylist pull)."""
    from citizen_app.identity.service import require_role

    require_role(db, actor_id, *STAFF_ROLES)
    ticket = db.get(MetroTicket, ticket_id)
    if ticket is None:
        raise NotFound("metro.error.ticket_unknown")
    _deny(db, ticket, reason)


def withdraw_ticket(db: Session, order_ref: str, reason: str = "refunded") -> None:
    """System action (payments refund hook): revoke the ticket of an order."""
    _deny(db, ticket_by_order_ref(db, order_ref), reason)


def _deny(db: Session, ticket: MetroTicket, reason: str) -> None:
    ticket.status = "revoked"
    key, _ = deny_keys(ticket.id, b"")
    if db.get(MetroDenyEntry, key) is None:
        db.add(MetroDenyEntry(key=key, ticket_id=ticket.id, reason=reason[:32]))
    db.add(ticket)


def deny_old_device(db: Session, ticket: MetroTicket, old_key: bytes) -> None:
    """The ticket moved to another phone: its binding to ``old_key`` is refused from now on."""
    _, device_entry = deny_keys(ticket.id, old_key)
    if db.get(MetroDenyEntry, device_entry) is None:
        db.add(MetroDenyEntry(key=device_entry, ticket_id=ticket.id, reason="rebound"))


def is_denied(db: Session, tid: str, device_key: bytes) -> bool:
    """Whether this binding of the ticket is on the denylist (a Core query: it runs on every scan)."""
    return db.connection().execute(_DENIED, {"key": deny_keys(tid, device_key)[1]}).first() is not None


def denylist_entries(db: Session, now: datetime | None = None) -> list[str]:
    since = (now or utcnow()) - DENYLIST_RETENTION
    return list(db.exec(select(MetroDenyEntry.key).where(col(MetroDenyEntry.created_at) >= since)).all())
