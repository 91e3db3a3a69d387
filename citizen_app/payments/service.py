"""Payments: orders, one open order per purpose, their state machine, gateway notifications, late payments,
refunds and reconciliation.

Plain Python (no Reflex). Every function takes the caller's ``Session`` and never commits: the caller's
``session_scope()`` is the one transaction of the user (or gateway) action.

How other pillars use this module
---------------------------------
1. Add the product kind to ``data/payments/products.json`` (label, refund policy ``none|full|partial``,
   time to pay, maximum amount, and ``agency``: the code of the agency that owns every order of the kind,
   or ``per_order`` when the pillar names it for each order with ``open_order(..., agency_id=...)``).
2. Register what to do when an order is paid, once, at import time of the pillar's service::

       from citizen_app.payments.service import PurposeGone, fulfilments

       @fulfilments.on_paid("metro_ticket", notifies=True)   # notifies: the hook tells the payer itself
       def issue_ticket(db: Session, order: PayOrder) -> None:
           ...  # activate the ticket order.product_ref; raise PurposeGone if there is nothing to deliver

       @fulfilments.on_refunded("metro_ticket")     # optional; only for orders that were fulfilled
       def cancel_ticket(db: Session, order: PayOrder, amount_vnd: int) -> None: ...

       @fulfilments.describes("metro_ticket")       # optional: the receipt's product lines
       def lines(db: Session, order: PayOrder) -> list[ReceiptLine]: ...

   ``on_paid`` runs **at most once per purpose** (the fee of one dossier, one ticket), inside the transaction
   that marks a *pending* order paid. A confirmation for a closed order (cancelled, expired, failed), a second
   charge, or a hook raising ``PurposeGone`` is captured, flagged and refunded at once (``Flag``). Any other
   exception rolls the whole transaction back: the gateway is told to retry.
3. Open the order and send the user to pay::

       order = open_order(db, user_id, "metro_ticket", ticket.order_ref, 7000, "Vé lượt Bến Thành → Suối Tiên",
                          "/metro/tickets", description_en="Single journey Ben Thanh → Suoi Tien")
       start = start_payment(db, user_id, order.code, lang="vi", client_ip=ip)  # the configured provider
       # redirect the browser to start.redirect_url (start.order_code names the order actually paid)

   Paying again for the same purpose resumes its pending order; a new order (another amount or gateway, or
   the old one about to expire) supersedes it: cancelled locally and, where the gateway can, at the gateway.

A browser return never marks an order paid; only a verified notification or a verified query does.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import secrets
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import bindparam, exists, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select, update
from sqlmodel.sql.expression import SelectOfScalar

from citizen_app.core.config import settings
from citizen_app.core.db import insert_row, run
from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.timeutil import utcnow
from citizen_app.i18n.catalog import translate
from citizen_app.identity.models import Agency, UserAccount
from citizen_app.identity.service import require_role
from citizen_app.payments import bank as _bank  # noqa: F401 - registers the bank transfer (VietQR) provider
from citizen_app.payments import momo as _momo  # noqa: F401 - registers the MoMo-style provider
from citizen_app.payments import notices, vietqr
from citizen_app.payments import sandbox as _sandbox  # noqa: F401 - registers the sandbox provider
from citizen_app.payments.catalog import PER_ORDER, ProductKind, merchant, product
from citizen_app.payments.models import (
    CLOSED,
    SETTLED,
    TRANSITIONS,
    Flag,
    OrderStatus,
    PayAudit,
    PayNotification,
    PayOrder,
    PayRefund,
)
from citizen_app.payments.providers import (
    BANK_TRANSFER,
    GW_CANCELLED,
    GW_FAILED,
    GW_PAID,
    Ack,
    GatewayResult,
    PaymentProvider,
    PaymentStart,
    ProviderRegistry,
    payment_providers,
)

log = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_PREFIX = "CDS"
CODE_LENGTH = 10
CODE_RE = re.compile(rf"{CODE_PREFIX}[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
EXPIRY_GRACE = timedelta(minutes=5)  # a gateway may confirm a payment made before the deadline a little later
PAID_AT_GRACE = timedelta(minutes=1)  # clock difference allowed between the gateway's payment time and ours
RESUME_MARGIN = timedelta(minutes=2)  # an order closer than this to its deadline is replaced, not resumed
REMINDER_WINDOW = timedelta(minutes=10)  # "your order expires soon", for orders open at least this long
BANK_PROVIDER = "vietqr"
LATE_ACTOR = "system:late_payment"
# Who sees orders that are not their own: officials (read-only) and finance staff of the order's agency, and
# admins (every order). Only finance staff (their agency's orders) and admins refund.
READ_ROLES = ("official", "finance", "admin")
REFUND_ROLES = ("finance", "admin")
MAX_DESCRIPTION = 255

# Notification outcomes (the provider's ``ack`` turns them into the gateway's expected answer).
ACCEPTED = "accepted"
FAILED_RECORDED = "failed_recorded"
DUPLICATE = "duplicate"
UNKNOWN_ORDER = "unknown_order"
WRONG_AMOUNT = "wrong_amount"
BAD_SIGNATURE = "bad_signature"
IGNORED = "ignored"
ERROR = "error"


class PurposeGone(DomainError):
    """Raised by a fulfilment hook: there is nothing left to deliver for this payment (the dossier no longer
    owes the fee, the ticket was cancelled). The payment is kept, flagged ``purpose_gone`` and refunded."""


# --------------------------------------------------------------------------------------------------
# Fulfilment hooks
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiptLine:
    """One fact naming exactly what was paid for (route, validity, dossier, procedure), in both languages."""

    label_key: str
    vi: str
    en: str


PaidHook = Callable[[Session, PayOrder], None]
RefundedHook = Callable[[Session, PayOrder, int], None]
Describer = Callable[[Session, PayOrder], list[ReceiptLine]]
# The pillar's own record of what it delivered as paid between two instants (reconciliation's "fulfilled but
# not paid"): (product_ref, the paying order's code or "", the owning agency's id, when it was delivered).
FulfilledLister = Callable[[Session, datetime, datetime], list[tuple[str, str, int | None, datetime]]]


class FulfilmentRegistry:
    """Callbacks keyed by product kind; one of each per kind."""

    def __init__(self) -> None:
        self.paid: dict[str, PaidHook] = {}
        self.refunded: dict[str, RefundedHook] = {}
        self.describers: dict[str, Describer] = {}
        self.listers: dict[str, FulfilledLister] = {}
        self.notifies: set[str] = set()  # kinds whose paid hook sends its own "ready" notice

    @staticmethod
    def _once(table: dict[str, Any], kind: str, func: Any, what: str) -> Any:
        if kind in table:
            raise ValueError(f"{what} for {kind!r} already registered")
        table[kind] = func
        return func

    def on_paid(self, kind: str, *, notifies: bool = False) -> Callable[[PaidHook], PaidHook]:
        def decorator(func: PaidHook) -> PaidHook:
            self._once(self.paid, kind, func, "fulfilment")
            if notifies:
                self.notifies.add(kind)
            return func

        return decorator

    def on_refunded(self, kind: str) -> Callable[[RefundedHook], RefundedHook]:
        return lambda func: self._once(self.refunded, kind, func, "refund hook")

    def describes(self, kind: str) -> Callable[[Describer], Describer]:
        return lambda func: self._once(self.describers, kind, func, "describer")

    def lists_fulfilled(self, kind: str) -> Callable[[FulfilledLister], FulfilledLister]:
        return lambda func: self._once(self.listers, kind, func, "fulfilment lister")


fulfilments = FulfilmentRegistry()




# --------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------


def _clean_text(value: str | None, max_len: int) -> str:
    text = unicodedata.normalize("NFC", value or "").strip()
    return " ".join(text.split())[:max_len]


def _safe_path(path: str | None) -> str:
    """Same-site absolute paths only (no open redirect)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path[:300]


# The hottest statements of a purchase are built once (see core/db.py); values go in as parameters.
_BY_CODE = select(PayOrder).where(PayOrder.code == bindparam("code"))
_OPEN_FOR = select(PayOrder).where(PayOrder.open_purpose == bindparam("purpose"))
_CHARGE_KNOWN = select(PayOrder.id).where(PayOrder.provider == bindparam("provider"),
                                          PayOrder.provider_txn == bindparam("txn"))
# The other statements of a purchase and of a payment notification are Core statements on the tables, run with
# ``core.db.run``: the same statement through the ORM (an ORM-enabled UPDATE, a row added and flushed) costs three
# to six times the CPU, and these two actions are a third of a worker's (docs/DEPLOY.md, fifth round).
_ORDERS, _USERS, _AGENCIES = PayOrder.__table__, UserAccount.__table__, Agency.__table__
_CODE_TAKEN = select(_ORDERS.c.id).where(_ORDERS.c.code == bindparam("code"))
_USER_KNOWN = select(_USERS.c.id).where(_USERS.c.id == bindparam("user_id"))
_AGENCY_ID = select(_AGENCIES.c.id).where(_AGENCIES.c.code == bindparam("code"))
_ADD_AUDIT = insert(PayAudit.__table__)  # an audit row and a notification's log row: every column given, none read
_ADD_NOTIFICATION = insert(PayNotification.__table__)
_OTHER = _ORDERS.alias("other_order")
_CLAIM_PURPOSE = (update(_ORDERS)
                  .where(_ORDERS.c.id == bindparam("order_id"), _ORDERS.c.fulfils.is_(None),
                         ~exists().where(_OTHER.c.fulfils == bindparam("b_purpose")))
                  .values(fulfils=bindparam("b_purpose")))


def _new_code(db: Session) -> str:
    while True:
        code = CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if run(db, _CODE_TAKEN, {"code": code}).first() is None:
            return code


def _audit(db: Session, order: PayOrder, from_status: str, to_status: str, actor: str, reason: str,
           amount_vnd: int | None = None, detail: str = "", now: datetime | None = None) -> None:
    run(db, _ADD_AUDIT, {"order_id": order.id, "at": now or utcnow(), "from_status": from_status,
                         "to_status": to_status, "actor": actor[:64], "reason": reason[:64], "amount_vnd": amount_vnd,
                         "detail": detail[:500]})


def _transition(db: Session, order: PayOrder, to: OrderStatus, actor: str, reason: str, *,
                now: datetime | None = None, amount_vnd: int | None = None, detail: str = "",
                **values: object) -> bool:
    """Move ``order`` to ``to`` if the rules allow it and nobody changed it meanwhile (conditional UPDATE).

    Returns False when another transaction won the race (the caller treats it as a duplicate)."""
    current = OrderStatus(order.status)
    if to not in TRANSITIONS[current]:
        raise DomainError("payments.bad_transition", from_status=current.value, to_status=to.value)
    now = now or utcnow()
    values = {"status": to.value, "updated_at": now, **values}
    guard = {"b_status": current.value, "b_refunded": order.refunded_vnd}
    if _update_order(db, order, values, guard) != 1:
        db.refresh(order)
        return False
    for key, value in values.items():
        set_committed_value(order, key, value)  # the row now holds exactly these: no SELECT to read them back
    _audit(db, order, current.value, to.value, actor, reason, amount_vnd, detail, now)
    return True


def order_by_code(db: Session, code: str) -> PayOrder | None:
    return db.exec(_BY_CODE, params={"code": (code or "")[:20]}).first()


@dataclass(frozen=True)
class MoneyScope:
    """The orders a staff member may see or refund: one agency's, or every order (admins)."""

    agency_id: int | None = None
    everything: bool = False
    can_refund: bool = False  # finance staff and admins (the refund re-checks the order is in scope)

    def filter(self, stmt: SelectOfScalar[PayOrder]) -> SelectOfScalar[PayOrder]:
        """``stmt`` narrowed to the scope (an indexed ``pay_order.agency_id`` condition)."""
        return stmt if self.everything else stmt.where(col(PayOrder.agency_id) == self.agency_id)

    def covers(self, order: PayOrder) -> bool:
        return self.everything or (self.agency_id is not None and order.agency_id == self.agency_id)


def money_scope(db: Session, user_id: int | None, roles: tuple[str, ...] = READ_ROLES) -> MoneyScope:
    """Whose orders ``user_id`` may act on with one of ``roles`` (re-read from the database).

    Admins: every order. Officials and finance staff: their own agency's orders. Raises ``NotAllowed`` for
    anyone else, and for an official or finance officer who belongs to no agency."""
    held = require_role(db, user_id, *roles)
    can_refund = bool(held & set(REFUND_ROLES))
    if "admin" in held:
        return MoneyScope(everything=True, can_refund=can_refund)
    user = db.get(UserAccount, user_id)
    if user is None or user.agency_id is None:
        raise NotAllowed("payments.staff_without_agency")
    return MoneyScope(agency_id=user.agency_id, can_refund=can_refund)


def _staff_covers(db: Session, user_id: int, order: PayOrder) -> bool:
    try:
        return money_scope(db, user_id).covers(order)
    except NotAllowed:
        return False


def get_order(db: Session, user_id: int | None, code: str) -> PayOrder:
    """The order, for its payer, the owning agency's officials and finance staff, and admins.

    Anyone else is told it does not exist (no hint that another person's or agency's order is there)."""
    if user_id is None:
        raise NotAllowed("error.login_required")
    order = order_by_code(db, code)
    if order is None or (order.user_id != user_id and not _staff_covers(db, user_id, order)):
        raise NotFound("payments.order_not_found")
    return order


def list_orders(db: Session, user_id: int | None, limit: int = 50) -> list[PayOrder]:
    if user_id is None:
        raise NotAllowed("error.login_required")
    stmt = (select(PayOrder).where(PayOrder.user_id == user_id)
            .order_by(col(PayOrder.created_at).desc(), col(PayOrder.id).desc()).limit(limit))
    return list(db.exec(stmt).all())


def audit_trail(db: Session, user_id: int | None, code: str) -> list[PayAudit]:
    order = get_order(db, user_id, code)
    stmt = select(PayAudit).where(PayAudit.order_id == order.id).order_by(col(PayAudit.id))
    return list(db.exec(stmt).all())


# --------------------------------------------------------------------------------------------------
# Orders
# --------------------------------------------------------------------------------------------------


def _check_amount(amount_vnd: object, maximum: int) -> int:
    if isinstance(amount_vnd, bool) or not isinstance(amount_vnd, int):
        raise DomainError("payments.amount_invalid")
    if not 0 < amount_vnd <= maximum:
        raise DomainError("payments.amount_out_of_range", maximum=maximum)
    return amount_vnd


def _owning_agency(db: Session, kind: ProductKind, agency_id: int | None) -> int | None:
    """The agency an order belongs to: the one the pillar names, else the product's (``products.json``)."""
    if agency_id is not None:
        return agency_id
    if kind.agency == PER_ORDER:
        raise ValueError(f"{kind.kind} orders need agency_id (the agency the money is for)")
    if kind.agency is None:
        return None
    found = run(db, _AGENCY_ID, {"code": kind.agency}).scalar()
    if found is None:
        log.warning("payments: agency %r of %s is not in the database; only admins will see the order",
                    kind.agency, kind.kind)
    return found


def purpose_of(product_kind: str, product_ref: str) -> str:
    return f"{product_kind}:{product_ref}"[:100]


def shown_status(order: PayOrder, now: datetime | None = None) -> str:
    """The status every page shows: a pending order past its deadline is expired (it takes no payment means
    any more), even before the reconciliation job records it."""
    if order.status == OrderStatus.PENDING and (now or utcnow()) >= order.expires_at:
        return OrderStatus.EXPIRED.value
    return order.status


def latest_order(db: Session, product_kind: str, product_ref: str) -> PayOrder | None:
    """What a pillar's page shows next to the fee or the ticket: the order that paid for the purpose, else its
    newest order (a late or duplicate payment refunded after the purpose was paid is newer, not the truth)."""
    purpose = purpose_of(product_kind, product_ref)
    stmt = (select(PayOrder).where(PayOrder.purpose == purpose)
            .order_by(col(PayOrder.fulfils).is_(None), col(PayOrder.id).desc()).limit(1))
    return db.exec(stmt).first()


def _open_order_for(db: Session, purpose: str) -> PayOrder | None:
    return db.exec(_OPEN_FOR, params={"purpose": purpose}).first()


def _resumable(order: PayOrder, user_id: int, amount_vnd: int, now: datetime) -> bool:
    return (order.status == OrderStatus.PENDING and order.user_id == user_id and order.amount_vnd == amount_vnd
            and now < order.expires_at - RESUME_MARGIN)


def _close(db: Session, order: PayOrder, to: OrderStatus, actor: str, why: str, now: datetime, *,
           detail: str = "", **values: object) -> bool:
    """pending -> failed | cancelled | expired; the purpose is free for a new order."""
    if order.status != OrderStatus.PENDING:
        return False
    return _transition(db, order, to, actor, why, now=now, detail=detail, open_purpose=None, status_reason=why,
                       **values)


def _cancel_at_gateway(db: Session, order: PayOrder, registry: ProviderRegistry) -> None:
    """Best effort: a gateway that cannot cancel (or fails to) may still confirm; that is a late payment."""
    if not order.provider:
        return
    try:
        with db.begin_nested():
            registry.get(order.provider).cancel(db, order)
    except Exception:
        log.exception("payments: the gateway did not cancel %s", order.code)


def _supersede(db: Session, old: PayOrder, actor: str, now: datetime, registry: ProviderRegistry) -> None:
    if not _close(db, old, OrderStatus.CANCELLED, actor, "superseded", now) and old.status in SETTLED:
        raise DomainError("payments.already_paid")  # it was paid meanwhile: nothing more to pay
    _cancel_at_gateway(db, old, registry)


def create_order(db: Session, user_id: int, product_kind: str, product_ref: str, amount_vnd: int,
                 description: str, return_path: str, *, description_en: str = "", agency_id: int | None = None,
                 now: datetime | None = None, registry: ProviderRegistry = payment_providers) -> PayOrder:
    """A new pending order in whole đồng, superseding the purpose's open order if there is one. Called by other
    pillars inside their own transaction (``open_order`` resumes the open order instead when it can).

    ``agency_id`` names the agency the money is for (required for ``per_order`` kinds such as procedure fees);
    otherwise the product's agency in ``products.json`` owns the order."""
    current = _open_order_for(db, purpose_of(product_kind, _clean_text(product_ref, 64)))
    return _new_order(db, user_id, product_kind, product_ref, amount_vnd, description, return_path, current,
                      description_en=description_en, agency_id=agency_id, now=now, registry=registry)


def _new_order(db: Session, user_id: int, product_kind: str, product_ref: str, amount_vnd: int, description: str,
               return_path: str, current: PayOrder | None, *, description_en: str, agency_id: int | None,
               now: datetime | None, registry: ProviderRegistry) -> PayOrder:
    """``create_order`` once the purpose's open order (``current``, superseded) has been read."""
    kind = product(product_kind)
    amount = _check_amount(amount_vnd, kind.max_amount_vnd)
    ref = _clean_text(product_ref, 64)
    text = _clean_text(description, MAX_DESCRIPTION)
    if not ref or not text:
        raise DomainError("payments.description_required")
    if run(db, _USER_KNOWN, {"user_id": user_id}).first() is None:
        raise NotFound()
    owner = _owning_agency(db, kind, agency_id)
    now = now or utcnow()
    purpose = purpose_of(kind.kind, ref)
    if current is not None:
        _supersede(db, current, f"user:{user_id}", now, registry)
    order = insert_row(db, PayOrder(code=_new_code(db), user_id=user_id, product_kind=kind.kind, product_ref=ref,
                                    purpose=purpose, open_purpose=purpose, agency_id=owner, description=text,
                                    description_en=_clean_text(description_en, MAX_DESCRIPTION), amount_vnd=amount,
                                    return_path=_safe_path(return_path), created_at=now, updated_at=now,
                                    expires_at=now + timedelta(minutes=kind.ttl_minutes)))
    _audit(db, order, "", OrderStatus.PENDING.value, f"user:{user_id}", "created", amount, now=now)
    return order


def open_order(db: Session, user_id: int, product_kind: str, product_ref: str, amount_vnd: int,
               description: str, return_path: str, *, description_en: str = "", agency_id: int | None = None,
               new_purpose: bool = False, now: datetime | None = None,
               registry: ProviderRegistry = payment_providers) -> PayOrder:
    """The one open order of this purpose: the pending one when the same person can still pay it as asked
    (same amount, not about to expire), else a new one that supersedes it.

    ``new_purpose``: the pillar made the purpose in this transaction (a new ticket, its reference just drawn), so
    no order of it can exist and none is looked for (no other transaction can know the purpose yet)."""
    now = now or utcnow()
    if new_purpose:
        return _new_order(db, user_id, product_kind, product_ref, amount_vnd, description, return_path, None,
                          description_en=description_en, agency_id=agency_id, now=now, registry=registry)
    purpose = purpose_of(product_kind, _clean_text(product_ref, 64))
    current = _open_order_for(db, purpose)
    if current is not None and _resumable(current, user_id, amount_vnd, now):
        return current
    try:
        with db.begin_nested():  # the open order just read is the one to supersede: not read again
            return _new_order(db, user_id, product_kind, product_ref, amount_vnd, description, return_path, current,
                              description_en=description_en, agency_id=agency_id, now=now, registry=registry)
    except IntegrityError:  # another tab opened one in the same instant: resume that one
        current = _open_order_for(db, purpose)
        if current is None or not _resumable(current, user_id, amount_vnd, now):
            raise DomainError("payments.conflict") from None
        return current


def _replacement(db: Session, old: PayOrder, actor_id: int, now: datetime, registry: ProviderRegistry) -> PayOrder:
    """A new order for the same purpose and amount (another gateway was chosen): the old one is superseded."""
    return create_order(db, actor_id, old.product_kind, old.product_ref, old.amount_vnd, old.description,
                        old.return_path, description_en=old.description_en, agency_id=old.agency_id, now=now,
                        registry=registry)


def start_payment(db: Session, user_id: int | None, code: str, provider_id: str | None = None, *,
                  lang: str = "vi", client_ip: str = "", base_url: str | None = None, now: datetime | None = None,
                  registry: ProviderRegistry = payment_providers) -> PaymentStart:
    """Where to send the user's browser to pay this order (with ``provider_id``, else the configured provider).

    One order is paid through one gateway: choosing another one replaces the order by a new one for the same
    purpose (``PaymentStart.order_code`` names it), so two gateways can never both charge the same order."""
    return start_payment_for(db, user_id, get_order(db, user_id, code), provider_id, lang=lang, client_ip=client_ip,
                             base_url=base_url, now=now, registry=registry)


def start_payment_for(db: Session, user_id: int | None, order: PayOrder, provider_id: str | None = None, *,
                      lang: str = "vi", client_ip: str = "", base_url: str | None = None, now: datetime | None = None,
                      registry: ProviderRegistry = payment_providers) -> PaymentStart:
    """``start_payment`` for an order the caller holds (just opened in this transaction: no second read)."""
    if order.user_id != user_id or user_id is None:
        raise NotAllowed()
    now = now or utcnow()
    if order.status != OrderStatus.PENDING:
        raise DomainError("payments.order_not_payable")
    if now >= order.expires_at:
        _close(db, order, OrderStatus.EXPIRED, f"user:{user_id}", "deadline", now)
        raise DomainError("payments.order_expired")
    provider = registry.get(provider_id) if provider_id else registry.default()
    if order.provider and order.provider != provider.id:
        order = _replacement(db, order, user_id, now, registry)
    if order.provider != provider.id:
        _set(db, order, provider=provider.id)
    db.flush()  # the provider may read the database: everything this action wrote is there
    start = provider.create_payment(db, order, base_url=base_url or settings().public_url, lang=lang,
                                    client_ip=client_ip)
    return PaymentStart(redirect_url=start.redirect_url, order_code=order.code)


def cancel_order(db: Session, user_id: int | None, code: str, *, now: datetime | None = None,
                 registry: ProviderRegistry = payment_providers) -> PayOrder:
    """The payer gives up a pending order: closed here and, where the gateway can, at the gateway."""
    order = get_order(db, user_id, code)
    if order.user_id != user_id:
        raise NotAllowed()
    if order.status != OrderStatus.PENDING:
        raise DomainError("payments.order_not_payable")
    if not _close(db, order, OrderStatus.CANCELLED, f"user:{user_id}", "by_payer", now or utcnow()):
        raise DomainError("payments.conflict")
    _cancel_at_gateway(db, order, registry)
    return order


# --------------------------------------------------------------------------------------------------
# Applying what a gateway says
# --------------------------------------------------------------------------------------------------

_LATE_FLAGS = {OrderStatus.CANCELLED: Flag.LATE_AFTER_CANCEL, OrderStatus.EXPIRED: Flag.LATE_AFTER_EXPIRY,
               OrderStatus.FAILED: Flag.LATE_AFTER_FAILURE}


def _detail(result: GatewayResult) -> str:
    return f"txn={result.provider_txn} code={result.response_code}"


def _paid_values(result: GatewayResult, provider_id: str, now: datetime) -> dict[str, object]:
    return {"paid_at": now, "provider": provider_id, "provider_txn": result.provider_txn[:64] or None,
            "pay_method": result.method[:32] or None, "open_purpose": None}


def _paid_too_late(order: PayOrder, result: GatewayResult) -> bool:
    """The gateway reports a payment time after the order's deadline (a bank transfer made too late)."""
    return result.paid_at is not None and result.paid_at > order.expires_at + PAID_AT_GRACE


def _charge_known(db: Session, provider_id: str, txn: str) -> bool:
    return bool(txn) and db.exec(_CHARGE_KNOWN, params={"provider": provider_id, "txn": txn}).first() is not None


def _claim_purpose(db: Session, order: PayOrder) -> bool:
    """Mark this order as the one that fulfils its purpose, unless another order already does. Two
    concurrent claims: the unique ``fulfils`` makes the second one fail (IntegrityError) when the first
    commits."""
    return run(db, _CLAIM_PURPOSE, {"order_id": order.id, "b_purpose": order.purpose}).rowcount == 1


@functools.cache
def _order_update(columns: tuple[str, ...], guarded: bool) -> Any:
    """``UPDATE pay_order SET <columns> WHERE id`` (and, guarded, the status and refunds it was read with),
    built once per set of columns: building a statement and its cache key costs about as much as running it."""
    stmt = update(_ORDERS).where(_ORDERS.c.id == bindparam("b_id"))
    if guarded:
        stmt = stmt.where(_ORDERS.c.status == bindparam("b_status"), _ORDERS.c.refunded_vnd == bindparam("b_refunded"))
    return stmt.values({name: bindparam(f"v_{name}", type_=_ORDERS.c[name].type) for name in columns})


def _update_order(db: Session, order: PayOrder, values: Mapping[str, object],
                  guard: Mapping[str, object] | None = None) -> int:
    """Run ``_order_update`` for ``order``; returns the rows it changed."""
    params = {"b_id": order.id, **(guard or {}), **{f"v_{name}": value for name, value in values.items()}}
    return run(db, _order_update(tuple(values), guard is not None), params).rowcount


def _set(db: Session, order: PayOrder, **values: object) -> None:
    _update_order(db, order, values)
    for key, value in values.items():
        set_committed_value(order, key, value)


def _fulfil(db: Session, order: PayOrder, now: datetime, registry: ProviderRegistry) -> None:
    """Deliver what was paid for, once per purpose; a payment that cannot be used is refunded at once."""
    flag: Flag | None = None
    try:
        with db.begin_nested():
            if not _claim_purpose(db, order):
                raise _PurposeTaken
            set_committed_value(order, "fulfils", order.purpose)
            hook = fulfilments.paid.get(order.product_kind)
            if hook is not None:
                hook(db, order)
    except (_PurposeTaken, IntegrityError):
        flag = Flag.PURPOSE_PAID
    except PurposeGone as exc:
        log.info("payments: %s paid, but %s", order.code, exc.code)
        flag = Flag.PURPOSE_GONE
    if flag is not None:
        db.expire(order)
        _set(db, order, flag=flag.value)
        _refund_unused(db, order, now, registry)
        return
    _set(db, order, fulfilled_at=now)
    if order.product_kind not in fulfilments.notifies:
        notices.paid(db, order)


class _PurposeTaken(Exception):
    """Another order already fulfilled this purpose."""


def _duplicate_charge(db: Session, order: PayOrder, result: GatewayResult, provider_id: str, actor: str,
                      reason: str, now: datetime) -> PayOrder | None:
    """A second, different charge for an order already paid gets its own row (one row = one charge)."""
    amount = result.amount_vnd or order.amount_vnd
    extra = PayOrder(code=_new_code(db), user_id=order.user_id, product_kind=order.product_kind,
                     product_ref=order.product_ref, purpose=order.purpose, agency_id=order.agency_id,
                     description=order.description, description_en=order.description_en, amount_vnd=amount,
                     return_path=order.return_path, status=OrderStatus.PAID.value, status_reason="duplicate",
                     flag=Flag.DUPLICATE.value, created_at=now, updated_at=now, expires_at=now,
                     **_paid_values(result, provider_id, now))
    try:
        with db.begin_nested():
            db.add(extra)
            db.flush()
    except IntegrityError:  # the same charge reported twice at once: one row only
        return None
    _audit(db, extra, "", OrderStatus.PAID.value, actor, reason, amount,
           f"second charge for {order.code} {_detail(result)}", now)
    return extra


def _capture(db: Session, order: PayOrder, result: GatewayResult, provider_id: str, actor: str, reason: str,
             now: datetime, registry: ProviderRegistry, attempts: int = 2) -> str:
    """The gateway took money for ``order``. Exactly one of: fulfil it (a pending order, on time), record a
    replay (same charge), or keep the money as a flagged late or duplicate payment and refund it."""
    status = OrderStatus(order.status)
    if status in SETTLED:
        if not result.provider_txn or _charge_known(db, provider_id, result.provider_txn):
            return DUPLICATE
        extra = _duplicate_charge(db, order, result, provider_id, actor, reason, now)
        if extra is not None:
            _refund_unused(db, extra, now, registry)
        return ACCEPTED if extra is not None else DUPLICATE
    if status == OrderStatus.PENDING and _paid_too_late(order, result):
        _close(db, order, OrderStatus.EXPIRED, actor, "deadline", now)
        status = OrderStatus(order.status)
    previous = order.provider
    late = _LATE_FLAGS.get(status)
    marks = {"flag": late.value} if late else {"status_reason": ""}
    if status in (OrderStatus.PENDING, *CLOSED) and _transition(
            db, order, OrderStatus.PAID, actor, reason, now=now, amount_vnd=order.amount_vnd, detail=_detail(result),
            **marks, **_paid_values(result, provider_id, now)):
        if late:  # money for a closed order: kept, flagged, given back at once
            _refund_unused(db, order, now, registry)
            return ACCEPTED
        if previous and previous != provider_id:  # paid by bank transfer: close the gateway's transaction
            _cancel_previous(db, order, previous, registry)
        _fulfil(db, order, now, registry)
        return ACCEPTED
    if attempts <= 0:
        return DUPLICATE
    return _capture(db, order, result, provider_id, actor, reason, now, registry, attempts - 1)  # changed meanwhile


def _cancel_previous(db: Session, order: PayOrder, previous: str, registry: ProviderRegistry) -> None:
    try:
        with db.begin_nested():
            registry.get(previous).cancel(db, order)
    except Exception:
        log.exception("payments: %s could not close %s", previous, order.code)


def _apply(db: Session, order: PayOrder, result: GatewayResult, provider_id: str, reason: str, now: datetime,
           registry: ProviderRegistry, actor: str = "") -> str:
    actor = actor or f"provider:{provider_id}"
    if result.status == GW_PAID:
        return _capture(db, order, result, provider_id, actor, reason, now, registry)
    closed = {GW_FAILED: (OrderStatus.FAILED, "declined"), GW_CANCELLED: (OrderStatus.CANCELLED, "at_gateway")}
    if result.status in closed:
        to, why = closed[result.status]
        if order.provider not in (None, provider_id):
            return IGNORED  # another gateway's news about an order now paid another way
        if not _close(db, order, to, actor, why, now, detail=_detail(result),
                      provider_txn=result.provider_txn[:64] or order.provider_txn):
            return DUPLICATE
        if to == OrderStatus.FAILED:
            notices.failed(db, order)
        return FAILED_RECORDED
    return IGNORED


def _payload_text(fields: Mapping[str, Any]) -> str:
    safe = {k: str(v)[:100] for k, v in fields.items()}
    return json.dumps(safe, ensure_ascii=False, sort_keys=True)[:2000]


@dataclass(frozen=True)
class NotificationResult:
    outcome: str
    ack: Ack
    order_code: str = ""


def _check_notification(db: Session, provider: PaymentProvider,
                        result: GatewayResult | None) -> tuple[str, PayOrder | None]:
    if result is None:
        return BAD_SIGNATURE, None
    order = order_by_code(db, result.order_code)
    # A bank transfer may name any order (its note is the order code); a gateway only its own transactions.
    if order is None or (order.provider != provider.id and provider.flow != BANK_TRANSFER):
        return UNKNOWN_ORDER, None
    if result.amount_vnd != order.amount_vnd:
        return WRONG_AMOUNT, order
    return "", order


def handle_notification(db: Session, provider_id: str, params: Mapping[str, Any], *, now: datetime | None = None,
                        registry: ProviderRegistry = payment_providers) -> NotificationResult:
    """A server-to-server notification (IPN, bank webhook). Idempotent; rejected ones are logged and change
    nothing."""
    provider = registry.get(provider_id)
    now = now or utcnow()
    result = provider.parse_notification(params)
    outcome, order = _check_notification(db, provider, result)
    if not outcome and order is not None and result is not None:
        outcome = _apply(db, order, result, provider.id, "ipn", now, registry)
    code = result.order_code if result else provider.order_code_of(params)
    if outcome in (BAD_SIGNATURE, UNKNOWN_ORDER, WRONG_AMOUNT):
        log.warning("payments: rejected %s notification for %r: %s", provider.id, code, outcome)
    run(db, _ADD_NOTIFICATION, {"provider": provider.id, "received_at": now, "order_code": code[:64],
                                "order_id": order.id if order else None, "outcome": outcome,
                                "provider_txn": result.provider_txn[:64] if result else "",
                                "amount_vnd": result.amount_vnd if result else None,
                                "payload": _payload_text(provider.loggable(params))})
    return NotificationResult(outcome=outcome, ack=provider.ack(outcome), order_code=order.code if order else "")


def record_notification_error(db: Session, provider_id: str, params: Mapping[str, Any]) -> Ack:
    """Log a notification whose handling crashed (in a fresh transaction) and build the 'retry' answer."""
    provider = payment_providers.get(provider_id)
    db.add(PayNotification(provider=provider.id, order_code=provider.order_code_of(params)[:64], outcome=ERROR,
                           payload=_payload_text(provider.loggable(params))))
    return provider.ack(ERROR)


@dataclass(frozen=True)
class ReturnResult:
    redirect_path: str
    verified: bool
    order_code: str = ""


def _with_params(path: str, **params: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}{urlencode(params)}"


RETURN_NOTICES = {GW_CANCELLED: "cancelled", GW_FAILED: "failed"}


def handle_return(db: Session, provider_id: str, params: Mapping[str, str], *, now: datetime | None = None,
                  registry: ProviderRegistry = payment_providers) -> ReturnResult:
    """The browser came back from the gateway: point it at the order's page with a notice in plain words.

    A signed "declined" or "cancelled" is applied (it closes the order, as the gateway's notification would);
    a signed "paid" is only displayed: the order is paid by the notification or a verified query."""
    provider = registry.get(provider_id)
    result = provider.verify_return(params)
    order = order_by_code(db, result.order_code if result else provider.order_code_of(params))
    if order is None or order.provider != provider.id:
        return ReturnResult(redirect_path=_with_params("/", pay_notice="unknown"), verified=False)
    notice = ""
    if result is None:  # back without the gateway's answer (left the page), or with a forged one
        notice = "unverified" if provider.is_signed(params) else "not_finished"
    elif result.status in RETURN_NOTICES and result.amount_vnd in (None, order.amount_vnd):
        _apply(db, order, result, provider.id, "return", now or utcnow(), registry)
        notice = RETURN_NOTICES[result.status]
    extra = {"pay_notice": notice} if notice else {}
    return ReturnResult(redirect_path=_with_params(order.return_path, pay_order=order.code, **extra),
                        verified=result is not None, order_code=order.code)


# --------------------------------------------------------------------------------------------------
# Status queries, expiry, reminders and reconciliation
# --------------------------------------------------------------------------------------------------


def _expire(db: Session, order: PayOrder, actor: str, now: datetime, registry: ProviderRegistry) -> bool:
    if not _close(db, order, OrderStatus.EXPIRED, actor, "abandoned", now):
        return False
    _cancel_at_gateway(db, order, registry)
    if order.provider:  # they had started paying: tell them this order takes no money any more
        notices.expired(db, order)
    return True


def _query_and_apply(db: Session, order: PayOrder, actor: str, now: datetime,
                     registry: ProviderRegistry) -> str:
    """Ask the gateway about one order; apply a verified answer; expire abandoned ones. Returns what happened."""
    if order.provider:
        result = registry.get(order.provider).query(db, order)
        if result.order_code == order.code and result.status in (GW_PAID, GW_FAILED, GW_CANCELLED):
            if result.status == GW_PAID and result.amount_vnd != order.amount_vnd:
                log.warning("payments: query for %s returned amount %s", order.code, result.amount_vnd)
                return WRONG_AMOUNT
            before = order.status
            outcome = _apply(db, order, result, order.provider, "query", now, registry, actor=actor)
            if outcome in (ACCEPTED, FAILED_RECORDED) and order.status != before:
                return "paid" if order.status in SETTLED else order.status
    if order.status == OrderStatus.PENDING and now >= order.expires_at + EXPIRY_GRACE:
        return "expired" if _expire(db, order, actor, now, registry) else "unchanged"
    return "unchanged"


def refresh_order(db: Session, user_id: int | None, code: str, *, now: datetime | None = None,
                  registry: ProviderRegistry = payment_providers) -> PayOrder:
    """'Check again' on the result page: a verified gateway query (may mark the order paid)."""
    order = get_order(db, user_id, code)
    if order.status == OrderStatus.PENDING:
        _query_and_apply(db, order, f"user:{user_id}", now or utcnow(), registry)
    return order


@dataclass
class ReconcileReport:
    checked: int = 0
    paid: int = 0
    failed: int = 0
    cancelled: int = 0
    expired: int = 0
    reminded: int = 0
    refunded: int = 0
    errors: int = 0
    codes: dict[str, str] = field(default_factory=dict)


def _each(db: Session, orders: list[PayOrder], report: ReconcileReport, step: Callable[[PayOrder], str]) -> None:
    """Run ``step`` for every order in its own savepoint: one bad order must not stop the job."""
    for order in orders:
        try:
            with db.begin_nested():
                what = step(order)
        except Exception:
            log.exception("payments: reconcile failed for %s", order.code)
            db.expire(order)
            report.errors += 1
            continue
        report.codes[order.code] = what
        if what in ("paid", "failed", "cancelled", "expired", "reminded", "refunded"):
            setattr(report, what, getattr(report, what) + 1)


def _remind(db: Session, order: PayOrder, now: datetime) -> str:
    _set(db, order, reminded_at=now)
    notices.expiring(db, order)
    return "reminded"


def _retry_refund(db: Session, order: PayOrder, now: datetime, registry: ProviderRegistry) -> str:
    return "refunded" if _refund_unused(db, order, now, registry, tell_if_due=False) else "unchanged"


def reconcile_pending(db: Session, now: datetime | None = None, *, limit: int = 500,
                      registry: ProviderRegistry = payment_providers) -> ReconcileReport:
    """Periodic job: query the gateway for every pending order (nothing is lost if a notification never
    came, e.g. the server restarted), expire abandoned ones, remind payers of orders about to close, and
    retry refunds of late payments the gateway did not take yet. One savepoint per order."""
    now = now or utcnow()
    report = ReconcileReport()
    pending = list(db.exec(select(PayOrder).where(PayOrder.status == OrderStatus.PENDING.value)
                           .order_by(col(PayOrder.created_at)).limit(limit)).all())
    report.checked = len(pending)
    _each(db, pending, report, lambda order: _query_and_apply(db, order, "system:reconcile", now, registry))
    due = [o for o in pending if o.status == OrderStatus.PENDING and o.provider and o.reminded_at is None
           and o.expires_at - REMINDER_WINDOW <= now < o.expires_at and o.created_at <= now - REMINDER_WINDOW]
    _each(db, due, report, lambda order: _remind(db, order, now))
    unrefunded = list(db.exec(select(PayOrder).where(col(PayOrder.flag) != "",
                                                     PayOrder.status == OrderStatus.PAID.value).limit(limit)).all())
    _each(db, unrefunded, report, lambda order: _retry_refund(db, order, now, registry))
    return report


# --------------------------------------------------------------------------------------------------
# Refunds
# --------------------------------------------------------------------------------------------------


def _check_refund(order: PayOrder, amount_vnd: int, *, by_policy: bool = True) -> None:
    if order.status not in (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED):
        raise DomainError("payments.refund_not_paid")
    remaining = order.amount_vnd - order.refunded_vnd
    _check_amount(amount_vnd, remaining)
    if not by_policy:  # money that could not be used goes back whatever the product's policy
        return
    policy = product(order.product_kind).refund
    if policy == "none":
        raise DomainError("payments.refund_not_allowed")
    if policy == "full" and (order.refunded_vnd or amount_vnd != order.amount_vnd):
        raise DomainError("payments.refund_full_only", amount=order.amount_vnd)


def _refund(db: Session, order: PayOrder, amount_vnd: int, reason: str, actor: str,
            registry: ProviderRegistry, now: datetime, *, late: bool = False) -> PayRefund:
    text = _clean_text(reason, 255)
    if len(text) < 3:
        raise DomainError("payments.refund_reason_required")
    _check_refund(order, amount_vnd, by_policy=not late)
    total = order.refunded_vnd + amount_vnd
    to = OrderStatus.REFUNDED if total == order.amount_vnd else OrderStatus.PARTIALLY_REFUNDED
    # Claim first (conditional UPDATE on the refunded total), then ask the gateway: two officials
    # clicking at once cannot refund twice. A gateway refusal raises, so the claim rolls back.
    released = {"fulfils": None} if to == OrderStatus.REFUNDED else {}  # fully refunded: may be paid again
    if not _transition(db, order, to, actor, "refund", now=now, amount_vnd=amount_vnd, detail=text,
                       refunded_vnd=total, **released):
        raise DomainError("payments.conflict")
    answer = registry.get(order.provider or "").refund(db, order, amount_vnd, text)
    if not answer.ok:
        raise DomainError("payments.refund_rejected", response=answer.response_code)
    refund = PayRefund(order_id=order.id, amount_vnd=amount_vnd, reason=text, actor=actor,
                       provider_ref=answer.provider_ref[:64], created_at=now)
    db.add(refund)
    hook = fulfilments.refunded.get(order.product_kind)
    if hook is not None and order.fulfilled_at is not None:  # only what was delivered is taken back
        hook(db, order, amount_vnd)
    if late:
        notices.late_refunded(db, order, amount_vnd)
    else:
        notices.refunded(db, order, amount_vnd, text)
    return refund


def _refund_unused(db: Session, order: PayOrder, now: datetime, registry: ProviderRegistry, *,
                   tell_if_due: bool = True) -> bool:
    """Give back a flagged payment in full. If the gateway refuses now, the order stays paid and flagged,
    the payer is told the refund is on its way, and ``reconcile_pending`` tries again."""
    reason = translate(f"payments.flag.{order.flag}", "vi")
    try:
        with db.begin_nested():
            _refund(db, order, order.amount_vnd - order.refunded_vnd, reason, LATE_ACTOR, registry, now, late=True)
    except DomainError as exc:
        log.warning("payments: automatic refund of %s failed: %s", order.code, exc.code)
        db.expire(order)
        if tell_if_due:
            notices.late_refund_due(db, order)
        return False
    return True


def refund_order(db: Session, actor_id: int | None, code: str, amount_vnd: int, reason: str, *,
                 now: datetime | None = None, registry: ProviderRegistry = payment_providers) -> PayRefund:
    """Finance staff of the order's agency, or an admin, refund all or part of a paid order (as the product's
    policy allows). The audit row names the actor, the amount and the reason; the payer is notified.

    Another agency's order is "not found", exactly like an order that does not exist."""
    scope = money_scope(db, actor_id, REFUND_ROLES)
    order = db.exec(scope.filter(select(PayOrder).where(PayOrder.code == (code or "")[:20]))).first()
    if order is None:
        raise NotFound("payments.order_not_found")
    return _refund(db, order, amount_vnd, reason, f"user:{actor_id}", registry, now or utcnow())


def refund_for_product(db: Session, code: str, amount_vnd: int, reason: str, *, by: str,
                       now: datetime | None = None, registry: ProviderRegistry = payment_providers) -> PayRefund:
    """A pillar refunds by its own rules (e.g. an unused metro ticket); ``by`` names it in the audit."""
    order = order_by_code(db, code)
    if order is None:
        raise NotFound("payments.order_not_found")
    return _refund(db, order, amount_vnd, reason, f"system:{by}"[:64], registry, now or utcnow())


def is_settled(order: PayOrder) -> bool:
    return OrderStatus(order.status) in SETTLED


# --------------------------------------------------------------------------------------------------
# VietQR bank transfer
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BankTransferQR:
    order_code: str
    payload: str
    png_data_uri: str
    bank_bin: str
    bank_name: str
    account_no: str
    merchant_name: str
    amount_vnd: int
    reference: str
    expires_at: datetime


def bank_transfer_available(registry: ProviderRegistry = payment_providers) -> bool:
    """Only when incoming transfers are matched to orders automatically (a bank statement feed)."""
    return any(p.id == BANK_PROVIDER for p in registry)


def bank_transfer_qr(db: Session, user_id: int | None, code: str, lang: str = "vi", *, now: datetime | None = None,
                     registry: ProviderRegistry = payment_providers) -> BankTransferQR:
    """A VietQR code for paying a pending order by bank transfer (the order code is the transfer note).

    Choosing bank transfer is choosing a provider: an order started at a card gateway is replaced by a new one
    (its code is the new transfer note), so the two can never both charge the same order."""
    start = start_payment(db, user_id, code, BANK_PROVIDER, lang=lang, now=now, registry=registry)
    order = order_by_code(db, start.order_code)
    assert order is not None
    account = merchant()
    payload = vietqr.build_payload(account.bank_bin, account.account_no, order.amount_vnd, order.code)
    return BankTransferQR(order_code=order.code, payload=payload, png_data_uri=vietqr.png_data_uri(payload),
                          bank_bin=account.bank_bin,
                          bank_name=account.bank_name_en if lang == "en" else account.bank_name_vi,
                          account_no=account.account_no, merchant_name=account.merchant_name,
                          amount_vnd=order.amount_vnd, reference=order.code, expires_at=order.expires_at)


# --------------------------------------------------------------------------------------------------
# Sandbox test orders (the "try the gateway" form of the payments page)
# --------------------------------------------------------------------------------------------------

TEST_KIND = "sandbox_demo"
TEST_DESCRIPTION = "Giao dịch thử nghiệm cổng thanh toán"
TEST_DESCRIPTION_EN = "Payment gateway test transaction"


def create_test_order(db: Session, user_id: int | None, amount_vnd: int, *, now: datetime | None = None) -> PayOrder:
    """A small ``sandbox_demo`` order for the logged-in user, only while the sandbox gateway is enabled.

    Its browser return lands on the generic order page ``/payments/<code>``."""
    if user_id is None:
        raise NotAllowed("error.login_required")
    payment_providers.get("sandbox")  # raises payments.unknown_provider when the sandbox is switched off
    order = create_order(db, user_id, TEST_KIND, f"test-{secrets.token_hex(6)}", amount_vnd, TEST_DESCRIPTION,
                         "/payments", description_en=TEST_DESCRIPTION_EN, now=now)
    order.return_path = f"/payments/{order.code}"
    db.add(order)
    db.flush()
    return order


def purpose_paid_elsewhere(db: Session, order: PayOrder) -> bool:
    """Another order already paid for the same thing (so "pay again" is not offered)."""
    stmt = select(PayOrder.id).where(PayOrder.fulfils == order.purpose, col(PayOrder.id) != order.id)
    return bool(order.purpose) and db.exec(stmt).first() is not None
