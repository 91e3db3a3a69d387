"""Seam to ``citizen_app.payments``: one open payment order per ticket, its fulfilment, its receipt lines, and
what the rider's tickets page shows and offers for an unpaid ticket (continue, pay again, cancel).

Importing this module registers the fulfilment callbacks (``api.py`` imports it, so app start-up does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from citizen_app.core.errors import DomainError, NotFound
from citizen_app.core.timeutil import format_datetime, format_vnd
from citizen_app.identity.models import Agency
from citizen_app.metro import denylist, purchase
from citizen_app.metro.catalog import data
from citizen_app.metro.claims import verified_claims
from citizen_app.metro.models import MetroTicket
from citizen_app.notify import service as notify
from citizen_app.payments import service as payments
from citizen_app.payments.catalog import product as pay_product
from citizen_app.payments.models import PayOrder
from citizen_app.payments.service import PurposeGone, ReceiptLine

SINGLE_KIND, PASS_KIND = "metro_ticket", "metro_pass"
RETURN_PATH = "/metro/tickets"


@dataclass(frozen=True)
class Checkout:
    ticket_id: str
    redirect_url: str  # the payment page, or the rider's tickets when the product is free


@dataclass(frozen=True)
class PurchaseResult:
    ticket_id: str
    order_status: str  # the status every page shows: pending, paid, failed, cancelled, expired, refunded...
    ticket_status: str  # awaiting_payment, active, cancelled, revoked


def kind_of(ticket: MetroTicket) -> str:
    return SINGLE_KIND if data().products[ticket.product_id].kind == "single" else PASS_KIND


def _open_order(db: Session, user_id: int, ticket: MetroTicket, *, new_ticket: bool = False) -> PayOrder:
    """The ticket's one open payment order: resumed when it can be, else a new one replacing it (a ticket made in
    this transaction has no order yet: none is looked for)."""
    amount, description_vi, description_en = purchase.payment_terms(ticket)
    return payments.open_order(db, user_id, kind_of(ticket), ticket.order_ref, amount, description_vi,
                               RETURN_PATH, description_en=description_en, new_purpose=new_ticket)


def start_purchase(db: Session, user_id: int | None, product_id: str, device_key: str, *,
                   origin: str | None = None, destination: str | None = None, claims: dict[str, bool] | None = None,
                   return_path: str = "/metro") -> tuple[MetroTicket, PayOrder | None]:
    """Create the ticket (or take up the same unpaid purchase) and, unless it is free, its open payment order."""
    ticket, new = purchase.order_ticket(db, user_id, product_id, device_key, origin=origin, destination=destination,
                                        claims=claims)
    if ticket.status == "active":
        return ticket, None
    assert user_id is not None  # create_order refused anonymous users
    return ticket, _open_order(db, user_id, ticket, new_ticket=new)


def _pay(db: Session, user_id: int | None, order: PayOrder, lang: str, client_ip: str) -> str:
    return payments.start_payment_for(db, user_id, order, lang=lang, client_ip=client_ip).redirect_url


def checkout(db: Session, user_id: int | None, product_id: str, device_key: str, *, origin: str | None = None,
             destination: str | None = None, lang: str = "vi", client_ip: str = "") -> Checkout:
    """One user action: create ticket + payment order with the wallet's verified claims, and start paying with
    the configured provider (``PAYMENTS_PROVIDER``)."""
    claims = verified_claims(db, user_id)
    ticket, order = start_purchase(db, user_id, product_id, device_key, origin=origin, destination=destination,
                                   claims=claims, return_path=RETURN_PATH)
    if order is None:
        return Checkout(ticket.id, f"{RETURN_PATH}?ticket={ticket.id}")
    return Checkout(ticket.id, _pay(db, user_id, order, lang, client_ip))


def _unpaid_ticket(db: Session, user_id: int | None, ticket_id: str) -> MetroTicket:
    ticket = db.get(MetroTicket, ticket_id[:24])
    if ticket is None or user_id is None or ticket.user_id != user_id:
        raise NotFound("metro.error.ticket_unknown")
    if ticket.status != "awaiting_payment":
        raise DomainError("metro.error.order_not_payable")
    return ticket


def pay_ticket(db: Session, user_id: int | None, ticket_id: str, *, lang: str = "vi", client_ip: str = "") -> str:
    """"Continue paying" / "pay again" on the rider's tickets page: the ticket's open order (resumed, or a new
    one replacing a closed one), then the gateway."""
    ticket = _unpaid_ticket(db, user_id, ticket_id)
    assert user_id is not None
    return _pay(db, user_id, _open_order(db, user_id, ticket), lang, client_ip)


def cancel_ticket(db: Session, user_id: int | None, ticket_id: str) -> MetroTicket:
    """The rider gives up an unpaid purchase: its open order is cancelled (here and at the gateway), the
    ticket too. A payment that still arrives is refunded by the payments pillar."""
    ticket = _unpaid_ticket(db, user_id, ticket_id)
    order = payments.latest_order(db, kind_of(ticket), ticket.order_ref)
    if order is not None and order.status == "pending":
        payments.cancel_order(db, user_id, order.code)
    return purchase.cancel_order(db, ticket.order_ref)


def unpaid_orders(db: Session, tickets: list[MetroTicket]) -> dict[str, PayOrder]:
    """The newest payment order of each unpaid ticket, by ticket id (one query)."""
    refs = {t.order_ref: t.id for t in tickets if t.status == "awaiting_payment"}
    if not refs:
        return {}
    purposes = [payments.purpose_of(kind, ref) for ref in refs for kind in (SINGLE_KIND, PASS_KIND)]
    found: dict[str, PayOrder] = {}
    for order in db.exec(select(PayOrder).where(col(PayOrder.purpose).in_(purposes)).order_by(col(PayOrder.id))):
        found[refs[order.product_ref]] = order  # the newest wins
    return found


def purchase_result(db: Session, user_id: int | None, order_code: str) -> PurchaseResult:
    """Back from the payment page: ask the gateway (verified query, may mark the order paid) and report.

    Only the order's owner (or staff, through the payments rules) gets an answer; the ticket must be theirs.
    """
    order = payments.refresh_order(db, user_id, order_code[:64])
    ticket = purchase.ticket_by_order_ref(db, order.product_ref)  # NotFound("metro.error.order_unknown")
    if ticket.user_id != user_id or order.product_kind not in (SINGLE_KIND, PASS_KIND):
        raise NotFound("metro.error.order_unknown")
    return PurchaseResult(ticket.id, payments.shown_status(order), ticket.status)


def _on_paid(db: Session, order: PayOrder) -> None:
    try:
        ticket = purchase.fulfil_paid_order(db, order.product_ref, amount_vnd=order.amount_vnd, receipt_no=order.code)
    except DomainError as exc:  # cancelled, revoked or a changed price: nothing to deliver for this payment
        raise PurposeGone(exc.code) from exc
    _tell_ticket_ready(db, ticket, order)


def _tell_ticket_ready(db: Session, ticket: MetroTicket, order: PayOrder) -> None:
    product = data().products[ticket.product_id]
    route_vi, route_en = purchase.route_names(ticket)
    until = format_datetime(ticket.valid_until) if ticket.valid_until else ""
    notify.notify(db, ticket.user_id, "payments", "metro.notice.ticket_ready_title", "metro.notice.ticket_ready_body",
                  {"product_vi": product.name_vi, "product_en": product.name_en, "route_vi": route_vi,
                   "route_en": route_en, "amount": format_vnd(order.amount_vnd), "until": until, "code": order.code},
                  url=f"/metro/ticket/?id={ticket.id}")


def _on_refunded(db: Session, order: PayOrder, _amount_vnd: int) -> None:
    denylist.withdraw_ticket(db, order.product_ref, reason="refunded")


def _lines(db: Session, order: PayOrder) -> list[ReceiptLine]:
    """The receipt names the ticket exactly: route, validity and ticket id."""
    ticket = db.exec(select(MetroTicket).where(MetroTicket.order_ref == order.product_ref)).first()
    if ticket is None:
        return []
    route_vi, route_en = purchase.route_names(ticket)
    lines = [ReceiptLine("payments.receipt.route", route_vi, route_en)]
    if ticket.valid_from and ticket.valid_until and order.fulfilled_at:
        span = f"{format_datetime(ticket.valid_from)} – {format_datetime(ticket.valid_until)}"
        lines.append(ReceiptLine("payments.receipt.validity", span, span))
    lines.append(ReceiptLine("payments.receipt.ticket", ticket.id, ticket.id))
    return lines


def _fulfilled(kind: str):
    def lister(db: Session, start: datetime, end: datetime) -> list[tuple[str, str, int | None, datetime]]:
        """Paid tickets delivered between ``start`` and ``end``, for reconciliation."""
        is_single = kind == SINGLE_KIND
        agency = db.exec(select(Agency.id).where(Agency.code == pay_product(kind).agency)).first()
        rows = db.exec(select(MetroTicket).where(col(MetroTicket.paid_at) >= start, col(MetroTicket.paid_at) < end,
                                                 MetroTicket.price_vnd > 0, MetroTicket.medium == "cashless",
                                                 col(MetroTicket.status).in_(("active", "revoked")))).all()
        return [(t.order_ref, t.receipt_no or "", agency, t.paid_at) for t in rows
                if t.paid_at is not None and (data().products[t.product_id].kind == "single") == is_single]

    return lister


for _kind in (SINGLE_KIND, PASS_KIND):
    payments.fulfilments.on_paid(_kind, notifies=True)(_on_paid)
    payments.fulfilments.on_refunded(_kind)(_on_refunded)
    payments.fulfilments.describes(_kind)(_lines)
    payments.fulfilments.lists_fulfilled(_kind)(_fulfilled(_kind))
