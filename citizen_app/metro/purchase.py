"""Buying a ticket: the order (cashless, or active at once when the product is free), its fulfilment once the
payments pillar reports the money, cancellation, and the QR payload signed for the rider's phone.

The payments seam (``pay.py``) calls these functions; they take a ``db`` session, never commit, and raise
``DomainError("metro.error.*")``.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import Select, bindparam, update
from sqlalchemy import select as sa_select
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from citizen_app.core.db import insert_row, run
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
    return order_ticket(db, user_id, product_id, device_key, origin=origin, destination=destination, claims=claims,
                        now=now)[0]


def order_ticket(db: Session, user_id: int | None, product_id: str, device_key: str, *, origin: str | None = None,
                 destination: str | None = None, claims: dict[str, bool] | None = None,
                 now: datetime | None = None) -> tuple[MetroTicket, bool]:
    """:func:`create_order`, and whether the ticket is new (False: the same unpaid purchase taken up again)."""
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
        return unpaid, False
    tid = secrets.token_bytes(12).hex()
    ticket = MetroTicket(id=tid, user_id=user_id, product_id=product.id, rider_category=_category_for(metro, product),
                         origin=origin, destination=destination, medium="cashless" if price else "free",
                         price_vnd=price, fare_is_estimate=estimate, order_ref=f"MT-{tid.upper()}",
                         device_key=b64url_encode(key), created_at=now,
                         phase="unused" if product.kind == "single" else "idle")
    if price == 0:
        _activate(ticket, product, now)
    return insert_row(db, ticket), True


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


def _activation(ticket: MetroTicket, product: Product, now: datetime,
                receipt_no: str | None = None) -> dict[str, object]:
    """The columns an activation sets (validity, payment, the signed QR payload), not yet set on ``ticket``.

    ``receipt_no``: the payment's receipt number (one number per payment); a free ticket gets its own."""
    valid_from, valid_until = _validity(product, now)
    kid, payload = _signature(ticket, data(), product, valid_from, valid_until)
    return {"status": "active", "receipt_no": receipt_no or f"L1-{to_local(now):%Y%m%d}-{ticket.id[:10].upper()}",
            "paid_at": now, "valid_from": valid_from, "valid_until": valid_until, "kid": kid, "payload": payload}


def _activate(ticket: MetroTicket, product: Product, now: datetime, receipt_no: str | None = None) -> None:
    for name, value in _activation(ticket, product, now, receipt_no).items():
        setattr(ticket, name, value)


def _signature(ticket: MetroTicket, metro: MetroData, product: Product, valid_from: datetime | None,
               valid_until: datetime | None) -> tuple[int, str]:
    """(issuer key id, QR payload) of ``ticket`` valid over these instants, for its phone's key."""
    kid, key = issuer_keys.active_issuer_key()
    origin, dest = metro.station(ticket.origin or ""), metro.station(ticket.destination or "")
    body = TicketBody(kid, bytes.fromhex(ticket.id), product.code, metro.rider_categories[ticket.rider_category],
                      origin.index if origin else 0, dest.index if dest else 0, to_unix(valid_from),
                      to_unix(valid_until), parse_device_key(ticket.device_key))
    return kid, ticket_to_text(sign_ticket(body, key))


def _sign(ticket: MetroTicket, metro: MetroData, product: Product) -> None:
    ticket.kid, ticket.payload = _signature(ticket, metro, product, ticket.valid_from, ticket.valid_until)


def bind_to_device(ticket: MetroTicket, device_key: bytes) -> None:
    """Bind an active ticket to another phone's key: its QR payload is signed again for that key."""
    metro = data()
    ticket.device_key = b64url_encode(device_key)
    _sign(ticket, metro, metro.products[ticket.product_id])


_BY_ORDER_REF = select(MetroTicket).where(MetroTicket.order_ref == bindparam("order_ref"))  # see core/db.py
# A payment's activation is written by a prebuilt Core UPDATE (core.db.run): through the ORM's flush it cost
# about five times the CPU, on every payment notification (docs/DEPLOY.md, fifth round).
_TICKETS = MetroTicket.__table__
_STORE_ACTIVATION = (update(_TICKETS).where(_TICKETS.c.id == bindparam("b_id"))
                     .values({name: bindparam(f"v_{name}", type_=_TICKETS.c[name].type)
                              for name in ("status", "receipt_no", "paid_at", "valid_from", "valid_until", "kid",
                                           "payload")}))  # the columns of _activation


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
    activation = _activation(ticket, data().products[ticket.product_id], now or utcnow(), receipt_no)
    run(db, _STORE_ACTIVATION, {"b_id": ticket.id, **{f"v_{name}": value for name, value in activation.items()}})
    for name, value in activation.items():
        set_committed_value(ticket, name, value)  # what the row now holds: the session has nothing to write
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
    return payment_terms(ticket_by_order_ref(db, order_ref))


def payment_terms(ticket: MetroTicket) -> tuple[int, str, str]:
    """:func:`order_for_payment` for a ticket the caller holds."""
    product = data().products[ticket.product_id]
    route_vi, route_en = route_names(ticket)
    if product.kind == "single":
        return (ticket.price_vnd, f"Metro số 1 – {product.name_vi} {route_vi}",
                f"Metro Line 1 – {product.name_en} {route_en}")
    return ticket.price_vnd, f"Metro số 1 – {product.name_vi}", f"Metro Line 1 – {product.name_en}"


def _awaiting(no_origin: bool, no_destination: bool) -> Select[tuple[str, datetime]]:
    """(id, created_at) of the rider's newest unpaid ticket of a product and price, on a route (a pass has no
    stations: IS NULL, which a bound NULL would not match)."""
    origin, destination = _TICKETS.c.origin, _TICKETS.c.destination
    on_origin = origin.is_(None) if no_origin else origin == bindparam("origin")
    on_destination = destination.is_(None) if no_destination else destination == bindparam("destination")
    return (sa_select(_TICKETS.c.id, _TICKETS.c.created_at)
            .where(_TICKETS.c.user_id == bindparam("user_id"), _TICKETS.c.product_id == bindparam("product_id"),
                   on_origin, on_destination, _TICKETS.c.status == "awaiting_payment",
                   _TICKETS.c.price_vnd == bindparam("price_vnd"))
            .order_by(_TICKETS.c.created_at.desc()).limit(1))


# Built once, as Core statements (see core/db.py): every purchase asks, and almost always finds nothing.
_AWAITING = {(a, b): _awaiting(a, b) for a in (False, True) for b in (False, True)}


def awaiting_purchase(db: Session, user_id: int, product_id: str, origin: str | None, destination: str | None,
                      price_vnd: int, now: datetime) -> MetroTicket | None:
    """The rider's unpaid ticket for the same product, route and price bought today: buying it again pays
    for that one instead of creating a second ticket."""
    today = to_local(now).date()
    found = run(db, _AWAITING[origin is None, destination is None],
                {"user_id": user_id, "product_id": product_id, "origin": origin, "destination": destination,
                 "price_vnd": price_vnd}).first()
    if found is None or to_local(found.created_at).date() != today:
        return None
    return db.get(MetroTicket, found.id)
