"""The rider's own tickets: what the phone keeps for offline use, receipts, the history of purchases and
journeys, and moving a ticket to a new phone (restore from the account)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, bindparam
from sqlmodel import Session, col, select

from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.timeutil import utcnow
from citizen_app.metro.catalog import data
from citizen_app.metro.denylist import deny_old_device
from citizen_app.metro.gate import PHASE_DONE
from citizen_app.metro.models import MetroJourney, MetroTicket
from citizen_app.metro.purchase import bind_to_device, parse_device_key


@dataclass(frozen=True)
class Receipt:
    receipt_no: str
    ticket_id: str
    issued_at: datetime
    product_vi: str
    product_en: str
    origin: str | None
    destination: str | None
    amount_vnd: int
    medium: str
    fare_is_estimate: bool
    valid_from: datetime
    valid_until: datetime
    single_day_rule: bool  # show "valid only on the day bought, non-refundable"


@dataclass(frozen=True)
class JourneyView:
    ticket_id: str
    product_id: str
    entry_station: str | None
    entry_at: datetime | None
    exit_station: str | None
    exit_at: datetime | None
    status: str


@dataclass(frozen=True)
class History:
    purchases: list[MetroTicket]
    journeys: list[JourneyView]


def _own_ticket(db: Session, user_id: int | None, ticket_id: str) -> MetroTicket:
    if user_id is None:
        raise NotAllowed("error.login_required")
    ticket = db.get(MetroTicket, ticket_id)
    if ticket is None or ticket.user_id != user_id:
        raise NotFound("metro.error.ticket_unknown")
    return ticket


def get_receipt(db: Session, user_id: int | None, ticket_id: str) -> Receipt:
    ticket = _own_ticket(db, user_id, ticket_id)
    if ticket.status not in ("active", "revoked") or ticket.paid_at is None:
        raise DomainError("metro.error.not_paid")
    product = data().products[ticket.product_id]
    assert ticket.receipt_no and ticket.valid_from and ticket.valid_until
    return Receipt(ticket.receipt_no, ticket.id, ticket.paid_at, product.name_vi, product.name_en, ticket.origin,
                   ticket.destination, ticket.price_vnd, ticket.medium, ticket.fare_is_estimate, ticket.valid_from,
                   ticket.valid_until, product.kind == "single")


def status_key(ticket: MetroTicket) -> str:
    """The rider's word for a ticket's state: a single ticket that made its journey is used, not still valid."""
    if ticket.status == "active" and ticket.phase == PHASE_DONE and data().products[ticket.product_id].kind == "single":
        return "metro.status.used"
    return f"metro.status.{ticket.status}"


# The rider's pages and the phone's ticket list run these on every visit: built once (core/db.py).
_USABLE = (select(MetroTicket).where(MetroTicket.user_id == bindparam("user_id"), MetroTicket.status == "active",
                                     col(MetroTicket.valid_until) >= bindparam("now"), MetroTicket.phase != PHASE_DONE)
           .order_by(col(MetroTicket.valid_until)))
_PURCHASES = (select(MetroTicket).where(MetroTicket.user_id == bindparam("user_id"), MetroTicket.status != "cancelled")
              .order_by(col(MetroTicket.created_at).desc()).limit(bindparam("limit", type_=Integer)))
_JOURNEYS = (select(MetroJourney, MetroTicket.product_id).join(MetroTicket)
             .where(MetroJourney.user_id == bindparam("user_id"))
             .order_by(col(MetroJourney.id).desc()).limit(bindparam("limit", type_=Integer)))


def list_my_tickets(db: Session, user_id: int | None, now: datetime | None = None) -> list[MetroTicket]:
    """Active, not yet expired tickets (what the phone stores for offline use, payload included)."""
    if user_id is None:
        raise NotAllowed("error.login_required")
    return list(db.exec(_USABLE, params={"user_id": user_id, "now": now or utcnow()}).all())


def rider_history(db: Session, user_id: int | None, limit: int = 100) -> History:
    if user_id is None:
        raise NotAllowed("error.login_required")
    params = {"user_id": user_id, "limit": limit}
    purchases = db.exec(_PURCHASES, params=params).all()
    rows = db.exec(_JOURNEYS, params=params).all()
    journeys = [JourneyView(j.ticket_id, product_id, j.entry_station, j.entry_at, j.exit_station, j.exit_at, j.status)
                for j, product_id in rows]
    return History(list(purchases), journeys)


def rebind_device(db: Session, user_id: int | None, ticket_id: str, device_key: str) -> MetroTicket:
    """Move a ticket to a new phone (restore from account). The old phone's binding is denylisted."""
    ticket = _own_ticket(db, user_id, ticket_id)
    if ticket.status != "active":
        raise DomainError("metro.error.not_active")
    new_key = parse_device_key(device_key)
    old_key = parse_device_key(ticket.device_key)
    if new_key == old_key:
        return ticket
    deny_old_device(db, ticket, old_key)
    bind_to_device(ticket, new_key)
    db.add(ticket)
    return ticket
