"""Seam to ``citizen_app.payments``: create the payment order for a ticket, fulfil it when paid.

Importing this module registers the fulfilment callbacks (``api.py`` imports it, so app start-up does).
"""

from __future__ import annotations

from sqlmodel import Session

from citizen_app.metro import service
from citizen_app.metro.catalog import data
from citizen_app.metro.models import MetroTicket
from citizen_app.payments import service as payments
from citizen_app.payments.models import PayOrder

SINGLE_KIND, PASS_KIND = "metro_ticket", "metro_pass"


def start_purchase(db: Session, user_id: int | None, product_id: str, device_key: str, *,
                   origin: str | None = None, destination: str | None = None, claims: dict[str, bool] | None = None,
                   return_path: str = "/metro") -> tuple[MetroTicket, PayOrder | None]:
    """Create the ticket and, unless it is free, its pending payment order (same transaction)."""
    ticket = service.create_order(db, user_id, product_id, device_key, origin=origin, destination=destination,
                                  claims=claims)
    if ticket.status == "active":
        return ticket, None
    amount, description_vi, _en = service.order_for_payment(db, ticket.order_ref)
    kind = SINGLE_KIND if data().products[product_id].kind == "single" else PASS_KIND
    assert user_id is not None  # create_order refused anonymous users
    order = payments.create_order(db, user_id, kind, ticket.order_ref, amount, description_vi, return_path)
    return ticket, order


def _on_paid(db: Session, order: PayOrder) -> None:
    service.fulfil_paid_order(db, order.product_ref, amount_vnd=order.amount_vnd)


def _on_refunded(db: Session, order: PayOrder, _amount_vnd: int) -> None:
    service.withdraw_ticket(db, order.product_ref, reason="refunded")


for _kind in (SINGLE_KIND, PASS_KIND):
    payments.fulfilments.on_paid(_kind)(_on_paid)
    payments.fulfilments.on_refunded(_kind)(_on_refunded)
