"""Seam to ``citizen_app.payments``: create the payment order for a ticket, fulfil it when paid.

Importing this module registers the fulfilment callbacks (``api.py`` imports it, so app start-up does).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from citizen_app.core.errors import NotFound
from citizen_app.metro import denylist, purchase
from citizen_app.metro.catalog import data
from citizen_app.metro.claims import verified_claims
from citizen_app.metro.models import MetroTicket
from citizen_app.payments import service as payments
from citizen_app.payments.models import PayOrder

SINGLE_KIND, PASS_KIND = "metro_ticket", "metro_pass"
PROVIDER = "sandbox"
RETURN_PATH = "/metro/tickets"


@dataclass(frozen=True)
class Checkout:
    ticket_id: str
    redirect_url: str  # the payment page, or the rider's tickets when the product is free


@dataclass(frozen=True)
class PurchaseResult:
    ticket_id: str
    order_status: str  # payments OrderStatus value: pending, paid, failed, expired, refunded...
    ticket_status: str  # awaiting_payment, active, cancelled, revoked


def start_purchase(db: Session, user_id: int | None, product_id: str, device_key: str, *,
                   origin: str | None = None, destination: str | None = None, claims: dict[str, bool] | None = None,
                   return_path: str = "/metro") -> tuple[MetroTicket, PayOrder | None]:
    """Create the ticket and, unless it is free, its pending payment order (same transaction)."""
    ticket = purchase.create_order(db, user_id, product_id, device_key, origin=origin, destination=destination,
                                   claims=claims)
    if ticket.status == "active":
        return ticket, None
    amount, description_vi, _en = purchase.order_for_payment(db, ticket.order_ref)
    kind = SINGLE_KIND if data().products[product_id].kind == "single" else PASS_KIND
    assert user_id is not None  # create_order refused anonymous users
    order = payments.create_order(db, user_id, kind, ticket.order_ref, amount, description_vi, return_path)
    return ticket, order


def checkout(db: Session, user_id: int | None, product_id: str, device_key: str, *, origin: str | None = None,
             destination: str | None = None, lang: str = "vi", client_ip: str = "") -> Checkout:
    """One user action: create ticket + payment order with the wallet's verified claims, and start paying."""
    claims = verified_claims(db, user_id)
    ticket, order = start_purchase(db, user_id, product_id, device_key, origin=origin, destination=destination,
                                   claims=claims, return_path=RETURN_PATH)
    if order is None:
        return Checkout(ticket.id, f"{RETURN_PATH}?ticket={ticket.id}")
    start = payments.start_payment(db, user_id, order.code, PROVIDER, lang=lang, client_ip=client_ip)
    return Checkout(ticket.id, start.redirect_url)


def purchase_result(db: Session, user_id: int | None, order_code: str) -> PurchaseResult:
    """Back from the payment page: ask the gateway (verified query, may mark the order paid) and report.

    Only the order's owner (or staff, through the payments rules) gets an answer; the ticket must be theirs.
    """
    order = payments.refresh_order(db, user_id, order_code[:64])
    ticket = db.exec(select(MetroTicket).where(MetroTicket.order_ref == order.product_ref)).first()
    if ticket is None or ticket.user_id != user_id or order.product_kind not in (SINGLE_KIND, PASS_KIND):
        raise NotFound("metro.error.order_unknown")
    return PurchaseResult(ticket.id, str(order.status), ticket.status)


def _on_paid(db: Session, order: PayOrder) -> None:
    purchase.fulfil_paid_order(db, order.product_ref, amount_vnd=order.amount_vnd)


def _on_refunded(db: Session, order: PayOrder, _amount_vnd: int) -> None:
    denylist.withdraw_ticket(db, order.product_ref, reason="refunded")


for _kind in (SINGLE_KIND, PASS_KIND):
    payments.fulfilments.on_paid(_kind)(_on_paid)
    payments.fulfilments.on_refunded(_kind)(_on_refunded)
