"""Payments: orders, their state machine, gateway notifications, refunds and reconciliation.

Plain Python (no Reflex). Every function takes the caller's ``Session`` and never commits: the caller's
``session_scope()`` is the one transaction of the user (or gateway) action.

How other pillars use this module
---------------------------------
1. Add the product kind to ``data/payments/products.json`` (label, refund policy ``none|full|partial``,
   time to pay, maximum amount, and ``agency``: the code of the agency that owns every order of the kind,
   or ``per_order`` when the pillar names it for each order with ``create_order(..., agency_id=...)``).
2. Register what to do when an order is paid, once, at import time of the pillar's service::

       from citizen_app.payments.service import fulfilments

       @fulfilments.on_paid("metro_ticket")
       def issue_ticket(db: Session, order: PayOrder) -> None:
           ...  # e.g. activate the ticket whose id is order.product_ref

       @fulfilments.on_refunded("metro_ticket")     # optional
       def cancel_ticket(db: Session, order: PayOrder, amount_vnd: int) -> None: ...

   ``on_paid`` is called **exactly once per order, inside the transaction that marks it paid** (a verified
   notification, a verified status query or the reconciliation job). The paid transition is a conditional
   ``UPDATE ... WHERE status IN ('pending','expired')``, so of ten replayed notifications only one wins.
   The callback must not commit; if it raises, the whole transaction rolls back, the order stays unpaid,
   the gateway is told to retry and ``reconcile_pending`` will try again later.
3. Create the order and send the user to pay::

       order = create_order(db, user_id, "metro_ticket", str(ticket.id), 7000, "Vé lượt Bến Thành → Suối Tiên",
                            "/metro/tickets")
       start = start_payment(db, user_id, order.code, "sandbox", lang="vi", client_ip=ip)
       # redirect the browser to start.redirect_url; after paying it comes back to
       # "/metro/tickets?pay_order=<code>" and the page shows the order state read from the database.

A browser return never marks an order paid; only a verified notification or a verified query does.
"""

from __future__ import annotations

import json
import logging
import secrets
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select, update
from sqlmodel.sql.expression import SelectOfScalar

from citizen_app.core.config import settings
from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.timeutil import format_vnd, utcnow
from citizen_app.identity.models import Agency, UserAccount
from citizen_app.identity.service import require_role
from citizen_app.notify import service as notify
from citizen_app.payments import sandbox as _sandbox  # noqa: F401 - registers the sandbox provider
from citizen_app.payments import vietqr
from citizen_app.payments.catalog import PER_ORDER, ProductKind, merchant, product
from citizen_app.payments.models import (
    FINAL,
    SETTLED,
    TRANSITIONS,
    OrderStatus,
    PayAudit,
    PayNotification,
    PayOrder,
    PayRefund,
)
from citizen_app.payments.providers import (
    GW_FAILED,
    GW_PAID,
    Ack,
    GatewayResult,
    PaymentStart,
    ProviderRegistry,
    payment_providers,
)

log = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_PREFIX = "CDS"
CODE_LENGTH = 10
EXPIRY_GRACE = timedelta(minutes=5)  # a gateway may confirm a little after our deadline
# Who sees orders that are not their own: officials (read-only) and finance staff of the order's agency, and
# admins (every order). Only finance staff (their agency's orders) and admins refund.
READ_ROLES = ("official", "finance", "admin")
REFUND_ROLES = ("finance", "admin")
REFUND_TOPIC = "payments"
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


# --------------------------------------------------------------------------------------------------
# Fulfilment hooks
# --------------------------------------------------------------------------------------------------

PaidHook = Callable[[Session, PayOrder], None]
RefundedHook = Callable[[Session, PayOrder, int], None]


class FulfilmentRegistry:
    """Callbacks keyed by product kind; one ``on_paid`` and at most one ``on_refunded`` per kind."""

    def __init__(self) -> None:
        self.paid: dict[str, PaidHook] = {}
        self.refunded: dict[str, RefundedHook] = {}

    def on_paid(self, kind: str) -> Callable[[PaidHook], PaidHook]:
        def decorator(func: PaidHook) -> PaidHook:
            if kind in self.paid:
                raise ValueError(f"fulfilment for {kind!r} already registered")
            self.paid[kind] = func
            return func

        return decorator

    def on_refunded(self, kind: str) -> Callable[[RefundedHook], RefundedHook]:
        def decorator(func: RefundedHook) -> RefundedHook:
            if kind in self.refunded:
                raise ValueError(f"refund hook for {kind!r} already registered")
            self.refunded[kind] = func
            return func

        return decorator


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


def _new_code(db: Session) -> str:
    while True:
        code = CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.exec(select(PayOrder.id).where(PayOrder.code == code)).first() is None:
            return code


def _audit(db: Session, order: PayOrder, from_status: str, to_status: str, actor: str, reason: str,
           amount_vnd: int | None = None, detail: str = "", now: datetime | None = None) -> None:
    db.add(PayAudit(order_id=order.id, at=now or utcnow(), from_status=from_status, to_status=to_status,
                    actor=actor[:64], reason=reason[:64], amount_vnd=amount_vnd, detail=detail[:500]))


def _transition(db: Session, order: PayOrder, to: OrderStatus, actor: str, reason: str, *,
                now: datetime | None = None, amount_vnd: int | None = None, detail: str = "",
                **values: object) -> bool:
    """Move ``order`` to ``to`` if the rules allow it and nobody changed it meanwhile (conditional UPDATE).

    Returns False when another transaction won the race (the caller treats it as a duplicate)."""
    current = OrderStatus(order.status)
    if to not in TRANSITIONS[current]:
        raise DomainError("payments.bad_transition", from_status=current.value, to_status=to.value)
    now = now or utcnow()
    stmt = (update(PayOrder)
            .where(col(PayOrder.id) == order.id, col(PayOrder.status) == current.value,
                   col(PayOrder.refunded_vnd) == order.refunded_vnd)
            .values(status=to.value, updated_at=now, **values)
            .execution_options(synchronize_session=False))
    if db.exec(stmt).rowcount != 1:
        db.refresh(order)
        return False
    for key, value in {"status": to.value, "updated_at": now, **values}.items():
        set_committed_value(order, key, value)  # the row now holds exactly these: no SELECT to read them back
    _audit(db, order, current.value, to.value, actor, reason, amount_vnd, detail, now)
    return True


def order_by_code(db: Session, code: str) -> PayOrder | None:
    return db.exec(select(PayOrder).where(PayOrder.code == (code or "")[:20])).first()


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
    found = db.exec(select(Agency.id).where(Agency.code == kind.agency)).first()
    if found is None:
        log.warning("payments: agency %r of %s is not in the database; only admins will see the order",
                    kind.agency, kind.kind)
    return found


def create_order(db: Session, user_id: int, product_kind: str, product_ref: str, amount_vnd: int,
                 description: str, return_path: str, *, agency_id: int | None = None,
                 now: datetime | None = None) -> PayOrder:
    """A pending order in whole đồng. Called by other pillars inside their own transaction.

    ``agency_id`` names the agency the money is for (required for ``per_order`` kinds such as procedure fees);
    otherwise the product's agency in ``products.json`` owns the order."""
    kind = product(product_kind)
    amount = _check_amount(amount_vnd, kind.max_amount_vnd)
    ref = _clean_text(product_ref, 64)
    text = _clean_text(description, MAX_DESCRIPTION)
    if not ref or not text:
        raise DomainError("payments.description_required")
    if db.get(UserAccount, user_id) is None:
        raise NotFound()
    owner = _owning_agency(db, kind, agency_id)
    now = now or utcnow()
    order = PayOrder(code=_new_code(db), user_id=user_id, product_kind=kind.kind, product_ref=ref, agency_id=owner,
                     description=text, amount_vnd=amount, return_path=_safe_path(return_path),
                     created_at=now, updated_at=now, expires_at=now + timedelta(minutes=kind.ttl_minutes))
    db.add(order)
    db.flush()
    _audit(db, order, "", OrderStatus.PENDING.value, f"user:{user_id}", "created", amount, now=now)
    return order


def start_payment(db: Session, user_id: int | None, code: str, provider_id: str, *, lang: str = "vi",
                  client_ip: str = "", base_url: str | None = None, now: datetime | None = None,
                  registry: ProviderRegistry = payment_providers) -> PaymentStart:
    """Where to send the user's browser to pay this order with this provider."""
    order = get_order(db, user_id, code)
    if order.user_id != user_id:
        raise NotAllowed()
    now = now or utcnow()
    if order.status != OrderStatus.PENDING:
        raise DomainError("payments.order_not_payable", status=order.status)
    if now >= order.expires_at:
        _transition(db, order, OrderStatus.EXPIRED, f"user:{user_id}", "expired_on_start", now=now)
        raise DomainError("payments.order_expired")
    provider = registry.get(provider_id)
    if order.provider and order.provider != provider.id:
        raise DomainError("payments.provider_locked")  # two gateways for one order could charge twice
    order.provider = provider.id
    db.flush()
    return provider.create_payment(db, order, base_url=base_url or settings().public_url, lang=lang,
                                   client_ip=client_ip)


# --------------------------------------------------------------------------------------------------
# Applying what a gateway says
# --------------------------------------------------------------------------------------------------


def _mark_paid(db: Session, order: PayOrder, result: GatewayResult, actor: str, reason: str,
               now: datetime) -> bool:
    if order.status not in (OrderStatus.PENDING, OrderStatus.EXPIRED):
        return False
    detail = f"txn={result.provider_txn} code={result.response_code}"
    won = _transition(db, order, OrderStatus.PAID, actor, reason, now=now, amount_vnd=order.amount_vnd,
                      detail=detail, paid_at=now, provider_txn=result.provider_txn[:64] or None,
                      pay_method=result.method[:32] or None)
    if not won:
        return False
    hook = fulfilments.paid.get(order.product_kind)
    if hook is not None:
        hook(db, order)
        db.exec(update(PayOrder).where(col(PayOrder.id) == order.id).values(fulfilled_at=now))
        db.refresh(order)
    return True


def _mark_failed(db: Session, order: PayOrder, result: GatewayResult, actor: str, reason: str,
                 now: datetime) -> bool:
    if order.status != OrderStatus.PENDING:
        return False
    detail = f"txn={result.provider_txn} code={result.response_code}"
    return _transition(db, order, OrderStatus.FAILED, actor, reason, now=now, detail=detail,
                       provider_txn=result.provider_txn[:64] or None)


def _apply(db: Session, order: PayOrder, result: GatewayResult, actor: str, reason: str, now: datetime) -> str:
    if result.status == GW_PAID:
        return ACCEPTED if _mark_paid(db, order, result, actor, reason, now) else DUPLICATE
    if result.status == GW_FAILED:
        return FAILED_RECORDED if _mark_failed(db, order, result, actor, reason, now) else DUPLICATE
    return IGNORED


def _payload_text(params: Mapping[str, str]) -> str:
    safe = {k: str(v)[:100] for k, v in params.items() if k.startswith("vnp_")}
    return json.dumps(safe, ensure_ascii=False, sort_keys=True)[:2000]


@dataclass(frozen=True)
class NotificationResult:
    outcome: str
    ack: Ack
    order_code: str = ""


def _check_notification(db: Session, provider_id: str, result: GatewayResult | None) -> tuple[str, PayOrder | None]:
    if result is None:
        return BAD_SIGNATURE, None
    order = order_by_code(db, result.order_code)
    if order is None or order.provider != provider_id:
        return UNKNOWN_ORDER, None
    if result.amount_vnd != order.amount_vnd:
        return WRONG_AMOUNT, order
    return "", order


def handle_notification(db: Session, provider_id: str, params: Mapping[str, str], *, now: datetime | None = None,
                        registry: ProviderRegistry = payment_providers) -> NotificationResult:
    """A server-to-server notification (IPN). Idempotent; rejected ones are logged and change nothing."""
    provider = registry.get(provider_id)
    now = now or utcnow()
    result = provider.parse_notification(params)
    outcome, order = _check_notification(db, provider.id, result)
    if not outcome and order is not None and result is not None:
        outcome = _apply(db, order, result, f"provider:{provider.id}", "ipn", now)
    if outcome in (BAD_SIGNATURE, UNKNOWN_ORDER, WRONG_AMOUNT):
        log.warning("payments: rejected %s notification for %r: %s", provider.id, params.get("vnp_TxnRef"), outcome)
    db.add(PayNotification(provider=provider.id, received_at=now, order_code=str(params.get("vnp_TxnRef", ""))[:64],
                           order_id=order.id if order else None, outcome=outcome,
                           provider_txn=result.provider_txn[:64] if result else "",
                           amount_vnd=result.amount_vnd if result else None, payload=_payload_text(params)))
    return NotificationResult(outcome=outcome, ack=provider.ack(outcome), order_code=order.code if order else "")


def record_notification_error(db: Session, provider_id: str, params: Mapping[str, str]) -> Ack:
    """Log a notification whose handling crashed (in a fresh transaction) and build the 'retry' answer."""
    db.add(PayNotification(provider=provider_id[:32], order_code=str(params.get("vnp_TxnRef", ""))[:64],
                           outcome=ERROR, payload=_payload_text(params)))
    return payment_providers.get(provider_id).ack(ERROR)


@dataclass(frozen=True)
class ReturnResult:
    redirect_path: str
    verified: bool
    order_code: str = ""


def _with_params(path: str, **params: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}{urlencode(params)}"


def handle_return(db: Session, provider_id: str, params: Mapping[str, str],
                  registry: ProviderRegistry = payment_providers) -> ReturnResult:
    """The browser came back from the gateway. Verify, then point it at the order's page. Changes nothing."""
    provider = registry.get(provider_id)
    result = provider.verify_return(params)
    code = result.order_code if result else str(params.get("vnp_TxnRef", ""))
    order = order_by_code(db, code)
    if order is None or order.provider != provider.id:
        return ReturnResult(redirect_path=_with_params("/", pay_notice="unknown"), verified=False)
    if result is None:
        path = _with_params(order.return_path, pay_order=order.code, pay_notice="unverified")
        return ReturnResult(redirect_path=path, verified=False, order_code=order.code)
    return ReturnResult(redirect_path=_with_params(order.return_path, pay_order=order.code), verified=True,
                        order_code=order.code)


# --------------------------------------------------------------------------------------------------
# Status queries, expiry and reconciliation
# --------------------------------------------------------------------------------------------------


def _query_and_apply(db: Session, order: PayOrder, actor: str, now: datetime,
                     registry: ProviderRegistry) -> str:
    """Ask the gateway about one order; apply a verified answer; expire abandoned ones. Returns what happened."""
    if order.provider:
        result = registry.get(order.provider).query(db, order)
        if result.order_code == order.code and result.status in (GW_PAID, GW_FAILED):
            if result.amount_vnd != order.amount_vnd:
                log.warning("payments: query for %s returned amount %s", order.code, result.amount_vnd)
                return WRONG_AMOUNT
            outcome = _apply(db, order, result, actor, "query", now)
            return {ACCEPTED: "paid", FAILED_RECORDED: "failed"}.get(outcome, "unchanged")
    if order.status == OrderStatus.PENDING and now >= order.expires_at + EXPIRY_GRACE:
        won = _transition(db, order, OrderStatus.EXPIRED, actor, "abandoned", now=now)
        return "expired" if won else "unchanged"
    return "unchanged"


def refresh_order(db: Session, user_id: int | None, code: str, *, now: datetime | None = None,
                  registry: ProviderRegistry = payment_providers) -> PayOrder:
    """'Check again' on the result page: a verified gateway query (may mark the order paid)."""
    order = get_order(db, user_id, code)
    if order.status in (OrderStatus.PENDING, OrderStatus.EXPIRED):
        _query_and_apply(db, order, f"user:{user_id}", now or utcnow(), registry)
    return order


@dataclass
class ReconcileReport:
    checked: int = 0
    paid: int = 0
    failed: int = 0
    expired: int = 0
    errors: int = 0
    codes: dict[str, str] = field(default_factory=dict)


def reconcile_pending(db: Session, now: datetime | None = None, *, limit: int = 500,
                      registry: ProviderRegistry = payment_providers) -> ReconcileReport:
    """Periodic job: query the gateway for every pending order (nothing is lost if a notification never
    came, e.g. the server restarted) and expire abandoned ones. One savepoint per order."""
    now = now or utcnow()
    report = ReconcileReport()
    stmt = (select(PayOrder).where(PayOrder.status == OrderStatus.PENDING.value)
            .order_by(col(PayOrder.created_at)).limit(limit))
    for order in list(db.exec(stmt).all()):
        report.checked += 1
        try:
            with db.begin_nested():
                what = _query_and_apply(db, order, "system:reconcile", now, registry)
        except Exception:  # one bad order must not stop the job
            log.exception("payments: reconcile failed for %s", order.code)
            db.expire(order)
            report.errors += 1
            continue
        report.codes[order.code] = what
        if what in ("paid", "failed", "expired"):
            setattr(report, what, getattr(report, what) + 1)
    return report


# --------------------------------------------------------------------------------------------------
# Refunds
# --------------------------------------------------------------------------------------------------


def _check_refund(order: PayOrder, amount_vnd: int) -> None:
    if order.status not in (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED):
        raise DomainError("payments.refund_not_paid")
    policy = product(order.product_kind).refund
    if policy == "none":
        raise DomainError("payments.refund_not_allowed")
    remaining = order.amount_vnd - order.refunded_vnd
    _check_amount(amount_vnd, remaining)
    if policy == "full" and (order.refunded_vnd or amount_vnd != order.amount_vnd):
        raise DomainError("payments.refund_full_only", amount=order.amount_vnd)


def _refund(db: Session, order: PayOrder, amount_vnd: int, reason: str, actor: str,
            registry: ProviderRegistry, now: datetime) -> PayRefund:
    text = _clean_text(reason, 255)
    if len(text) < 3:
        raise DomainError("payments.refund_reason_required")
    _check_refund(order, amount_vnd)
    total = order.refunded_vnd + amount_vnd
    to = OrderStatus.REFUNDED if total == order.amount_vnd else OrderStatus.PARTIALLY_REFUNDED
    # Claim first (conditional UPDATE on the refunded total), then ask the gateway: two officials
    # clicking at once cannot refund twice. A gateway refusal raises, so the claim rolls back.
    if not _transition(db, order, to, actor, "refund", now=now, amount_vnd=amount_vnd, detail=text,
                       refunded_vnd=total):
        raise DomainError("payments.conflict")
    answer = registry.get(order.provider or "").refund(db, order, amount_vnd, text)
    if not answer.ok:
        raise DomainError("payments.refund_rejected", code=answer.response_code)
    refund = PayRefund(order_id=order.id, amount_vnd=amount_vnd, reason=text, actor=actor,
                       provider_ref=answer.provider_ref[:64], created_at=now)
    db.add(refund)
    hook = fulfilments.refunded.get(order.product_kind)
    if hook is not None:
        hook(db, order, amount_vnd)
    notify.notify(db, order.user_id, REFUND_TOPIC, "payments.notice.refunded_title", "payments.notice.refunded_body",
                  {"amount": format_vnd(amount_vnd), "code": order.code, "reason": text}, url=f"/payments/{order.code}")
    return refund


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


def is_final(order: PayOrder) -> bool:
    return OrderStatus(order.status) in FINAL


def is_settled(order: PayOrder) -> bool:
    return OrderStatus(order.status) in SETTLED


# --------------------------------------------------------------------------------------------------
# VietQR bank transfer
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BankTransferQR:
    payload: str
    png_data_uri: str
    bank_bin: str
    bank_name: str
    account_no: str
    merchant_name: str
    amount_vnd: int
    reference: str


def bank_transfer_qr(db: Session, user_id: int | None, code: str, lang: str = "vi") -> BankTransferQR:
    """A VietQR code for paying a pending order by bank transfer (the order code is the transfer note).

    Matching incoming transfers to orders needs a bank statement feed, which is not part of this module yet."""
    order = get_order(db, user_id, code)
    if order.status != OrderStatus.PENDING:
        raise DomainError("payments.order_not_payable", status=order.status)
    account = merchant()
    payload = vietqr.build_payload(account.bank_bin, account.account_no, order.amount_vnd, order.code)
    return BankTransferQR(payload=payload, png_data_uri=vietqr.png_data_uri(payload), bank_bin=account.bank_bin,
                          bank_name=account.bank_name_en if lang == "en" else account.bank_name_vi,
                          account_no=account.account_no, merchant_name=account.merchant_name,
                          amount_vnd=order.amount_vnd, reference=order.code)


# --------------------------------------------------------------------------------------------------
# Sandbox test orders (the "try the gateway" form of the payments page)
# --------------------------------------------------------------------------------------------------

TEST_KIND = "sandbox_demo"
TEST_DESCRIPTION = "Giao dịch thử nghiệm cổng thanh toán"


def create_test_order(db: Session, user_id: int | None, amount_vnd: int, *, now: datetime | None = None) -> PayOrder:
    """A small ``sandbox_demo`` order for the logged-in user, only while the sandbox gateway is enabled.

    Its browser return lands on the generic order page ``/payments/<code>``."""
    if user_id is None:
        raise NotAllowed("error.login_required")
    payment_providers.get("sandbox")  # raises payments.unknown_provider when the sandbox is switched off
    order = create_order(db, user_id, TEST_KIND, f"test-{secrets.token_hex(6)}", amount_vnd, TEST_DESCRIPTION,
                         "/payments", now=now)
    order.return_path = f"/payments/{order.code}"
    db.add(order)
    db.flush()
    return order
