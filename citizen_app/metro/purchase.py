"""Buying a ticket: the order (cashless, or active at once when the product is free), its fulfilment once the
payments pillar reports the money, cancellation, and the QR payload signed for the rider's phone.

The payments seam (``pay.py``) calls these functions; they take a ``db`` session, never commit, and raise
``DomainError("metro.error.*")``.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam
from sqlmodel import Session, select

from citizen_app.core.encoding import b64url_decode, b64url_encode
from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.timeutil import to_local, to_unix, utcnow
from citizen_app.core.workdays import END_OF_DAY, at_local_time
from citizen_app.metro import keys as issuer_keys
from citizen_app.metro.catalog import MetroData, Product, data, product_fare
from citizen_app.metro.fares import free_day_on, quote_single
from citizen_app.metro.models import MetroTicket
from citizen_app.metro.qr import TicketBody, device_public_key, sign_ticket, ticket_to_text


def parse_device_key(value: str) -> bytes:
    """A base64url compressed P-256 public key from the phone's WebCrypto key."""
    try:
        raw = b64url_decode(value, allow_padding=True)
    except ValueError as exc:
        raise DomainError("metro.error.device_key") from exc
    if len(raw) != 33 or device_public_key(raw) is None:
        raise DomainError("metro.error.device_key")
    return raw


def _category_for(metro: MetroData, product: Product) -> str:
    return next((c["rider_category"] for c in metro.concessions if c["product"] == product.id), "adult")


def _price(metro: MetroData, product: Product, origin: str | None, destination: str | None) -> tuple[int, bool]:
    if product.kind == "single":
        quote = quote_single(origin or "", destination or "")
        return quote.cashless_vnd, quote.is_estimate
    return product_fare(metro, product).amount_vnd, False


def create_order(db: Session, user_id: int | None, product_id: str, device_key: str, *, origin: str | None = None,
                 destination: str | None = None, claims: dict[str, bool] | None = None,
                 now: datetime | None = None) -> MetroTicket:
    """Create a ticket in "awaiting_payment" (cashless) — or active at once when the product is free.

    ``claims`` are verified claims from the identity wallet, e.g. ``{"age_over_60": True}``; they are used,
    never stored. The payments module charges ``price_vnd`` for ``order_ref``, then calls
    :func:`fulfil_paid_order`.
    """
    if user_id is None:
        raise NotAllowed("error.login_required")
    metro, now = data(), now or utcnow()
    product = metro.products.get(product_id)
    if product is None:
        raise DomainError("metro.error.product_unknown")
    if product.requires_claim and (claims or {}).get(product.requires_claim) is not True:
        raise DomainError(f"metro.error.needs_{product.requires_claim}")
    if product.only_on_free_days and free_day_on(to_local(now).date()) is None:
        raise DomainError("metro.error.not_free_day")
    key = parse_device_key(device_key)
    if product.kind != "single":
        origin = destination = None
    price, estimate = _price(metro, product, origin, destination)
    unpaid = awaiting_purchase(db, user_id, product.id, origin, destination, price, now) if price else None
    if unpaid is not None:  # the same purchase again: one ticket, one open payment (on this phone now)
        unpaid.device_key = b64url_encode(key)
        db.add(unpaid)
        return unpaid
    tid = secrets.token_bytes(12).hex()
    ticket = MetroTicket(id=tid, user_id=user_id, product_id=product.id, rider_category=_category_for(metro, product),
                         origin=origin, destination=destination, medium="cashless" if price else "free",
                         price_vnd=price, fare_is_estimate=estimate, order_ref=f"MT-{tid.upper()}",
                         device_key=b64url_encode(key), created_at=now,
                         phase="unused" if product.kind == "single" else "idle")
    db.add(ticket)
    if price == 0:
        _activate(ticket, product, now)
    db.flush()
    return ticket


def _validity_days(product: Product) -> int:
    """Calendar days a product lasts, the day bought counting as the first (``data/metro/metro.json``)."""
    return 1 if product.validity["type"] == "purchase_day" else int(product.validity["days"])


def _validity(product: Product, now: datetime) -> tuple[datetime, datetime]:
    today = to_local(now).date()
    return now.replace(microsecond=0), at_local_time(today + timedelta(days=_validity_days(product) - 1), END_OF_DAY)


def validity_rule(product: Product) -> tuple[str, dict[str, object]]:
    """When a product ends, as the rider reads it before buying (message key and parameters): the rule of
    ``_validity`` in words, so a 1-day pass says it ends at 23:59 on the day bought, not 24 hours later."""
    end = END_OF_DAY.strftime("%H:%M")
    days = _validity_days(product)
    if product.validity["type"] == "purchase_day":
        return "metro.validity.purchase_day", {"end": end}
    if days == 1:
        return "metro.validity.one_day", {"end": end}
    return "metro.validity.days", {"n": days, "end": end}


def _activate(ticket: MetroTicket, product: Product, now: datetime, receipt_no: str | None = None) -> None:
    """``receipt_no``: the payment's receipt number (one number per payment); a free ticket gets its own."""
    metro = data()
    ticket.valid_from, ticket.valid_until = _validity(product, now)
    ticket.paid_at, ticket.status = now, "active"
    ticket.receipt_no = receipt_no or f"L1-{to_local(now):%Y%m%d}-{ticket.id[:10].upper()}"
    _sign(ticket, metro, product)


def _sign(ticket: MetroTicket, metro: MetroData, product: Product) -> None:
    kid, key = issuer_keys.active_issuer_key()
    origin, dest = metro.station(ticket.origin or ""), metro.station(ticket.destination or "")
    body = TicketBody(kid, bytes.fromhex(ticket.id), product.code, metro.rider_categories[ticket.rider_category],
                      origin.index if origin else 0, dest.index if dest else 0, to_unix(ticket.valid_from),
                      to_unix(ticket.valid_until), parse_device_key(ticket.device_key))
    ticket.kid, ticket.payload = kid, ticket_to_text(sign_ticket(body, key))


def bind_to_device(ticket: MetroTicket, device_key: bytes) -> None:
    """Bind an active ticket to another phone's key: its QR payload is signed again for that key."""
    metro = data()
    ticket.device_key = b64url_encode(device_key)
    _sign(ticket, metro, metro.products[ticket.product_id])


_BY_ORDER_REF = select(MetroTicket).where(MetroTicket.order_ref == bindparam("order_ref"))  # see core/db.py


def ticket_by_order_ref(db: Session, order_ref: str) -> MetroTicket:
    ticket = db.exec(_BY_ORDER_REF, params={"order_ref": order_ref}).first()
    if ticket is None:
        raise NotFound("metro.error.order_unknown")
    return ticket


def fulfil_paid_order(db: Session, order_ref: str, *, amount_vnd: int | None = None, receipt_no: str | None = None,
                      now: datetime | None = None) -> MetroTicket:
    """Called by the payments module once money is captured. Idempotent: a second call changes nothing.

    Validity starts at fulfilment ("valid only on the day bought" counts from the payment day). The receipt
    number is the payment's, so the metro receipt and the payment receipt show one number.
    """
    ticket = ticket_by_order_ref(db, order_ref)
    if ticket.status == "active":
        return ticket
    if ticket.status != "awaiting_payment":
        raise DomainError("metro.error.order_not_payable")
    if amount_vnd is not None and amount_vnd != ticket.price_vnd:
        raise DomainError("metro.error.amount_mismatch")
    _activate(ticket, data().products[ticket.product_id], now or utcnow(), receipt_no)
    db.add(ticket)
    db.flush()
    return ticket


def cancel_order(db: Session, order_ref: str) -> MetroTicket:
    """Payment failed or abandoned: the unpaid ticket is cancelled (paid ones are never touched)."""
    ticket = ticket_by_order_ref(db, order_ref)
    if ticket.status == "awaiting_payment":
        ticket.status = "cancelled"
        db.add(ticket)
    return ticket


def route_names(ticket: MetroTicket) -> tuple[str, str]:
    """"Ga Bến Thành → Ga Thủ Đức", or every station for a pass, in both languages."""
    metro = data()
    origin, dest = metro.station(ticket.origin or ""), metro.station(ticket.destination or "")
    if origin is None or dest is None:
        return "Mọi ga tuyến số 1", "Any station of Line 1"
    return f"{origin.name_vi} → {dest.name_vi}", f"{origin.name_en} → {dest.name_en}"


def order_for_payment(db: Session, order_ref: str) -> tuple[int, str, str]:
    """(amount VND, description vi, description en) for the payments module: the product exactly."""
    ticket = ticket_by_order_ref(db, order_ref)
    product = data().products[ticket.product_id]
    route_vi, route_en = route_names(ticket)
    if product.kind == "single":
        return (ticket.price_vnd, f"Metro số 1 – {product.name_vi} {route_vi}",
                f"Metro Line 1 – {product.name_en} {route_en}")
    return ticket.price_vnd, f"Metro số 1 – {product.name_vi}", f"Metro Line 1 – {product.name_en}"


def awaiting_purchase(db: Session, user_id: int, product_id: str, origin: str | None, destination: str | None,
                      price_vnd: int, now: datetime) -> MetroTicket | None:
    """The rider's unpaid ticket for the same product, route and price bought today: buying it again pays
    for that one instead of creating a second ticket."""
    today = to_local(now).date()
    query = (select(MetroTicket).where(MetroTicket.user_id == user_id, MetroTicket.product_id == product_id,
                                       MetroTicket.origin == origin, MetroTicket.destination == destination,
                                       MetroTicket.status == "awaiting_payment", MetroTicket.price_vnd == price_vnd)
             .order_by(MetroTicket.created_at.desc()))  # type: ignore[attr-defined]
    found = db.exec(query).first()
    return found if found is not None and to_local(found.created_at).date() == today else None
