"""Payment orders, their audit trail, gateway notifications, refunds and the sandbox gateway's own ledger.

Amounts are whole Vietnamese đồng (``int``). Timestamps are timezone-aware UTC (``utcnow()``).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from citizen_app.core.timeutil import utcnow


class OrderStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


# Allowed transitions (the diagram is in docs/PAYMENTS.md). Only a *pending* order is ever fulfilled. A closed
# order (failed, cancelled, expired) goes to ``paid`` only when the gateway still confirms money for it: the
# money is captured (never lost), the order is flagged as a late payment and refunded at once.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.PAID, OrderStatus.FAILED, OrderStatus.CANCELLED,
                                    OrderStatus.EXPIRED}),
    OrderStatus.FAILED: frozenset({OrderStatus.PAID}),
    OrderStatus.CANCELLED: frozenset({OrderStatus.PAID}),
    OrderStatus.EXPIRED: frozenset({OrderStatus.PAID}),
    OrderStatus.PAID: frozenset({OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED}),
    OrderStatus.PARTIALLY_REFUNDED: frozenset({OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED}),
    OrderStatus.REFUNDED: frozenset(),
}

# Closed without money: a payment confirmed for such an order is a late payment.
CLOSED: frozenset[OrderStatus] = frozenset({OrderStatus.FAILED, OrderStatus.CANCELLED, OrderStatus.EXPIRED})
# States in which the money has been received (receipts exist, refunds are possible).
SETTLED: frozenset[OrderStatus] = frozenset({OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED})


class Flag(StrEnum):
    """Why a captured payment was not used for its purpose (reconciliation lists them; each is refunded)."""

    LATE_AFTER_CANCEL = "late_after_cancel"  # the order had been cancelled (superseded, or by the payer)
    LATE_AFTER_EXPIRY = "late_after_expiry"
    LATE_AFTER_FAILURE = "late_after_failure"
    PURPOSE_PAID = "purpose_paid"  # another order had already paid the same fee or ticket
    PURPOSE_GONE = "purpose_gone"  # nothing left to pay for (dossier withdrawn, ticket cancelled)
    DUPLICATE = "duplicate"  # a second charge for an order already paid (e.g. a transfer sent twice)


class PayOrder(SQLModel, table=True):
    """One thing to pay for, created by another pillar (metro ticket, procedure fee, ...). One order is at most
    one charge: a second charge for the same order gets its own row (flag ``duplicate``), refunded at once."""

    __tablename__ = "pay_order"
    # One agency's orders in a date range (the reconciliation page and CSV), without scanning other agencies'.
    # One charge is one row: a gateway's transaction number appears on one order only.
    __table_args__ = (Index("ix_pay_order_agency_created", "agency_id", "created_at"),
                      UniqueConstraint("provider", "provider_txn", name="uq_pay_order_provider_txn"),
                      UniqueConstraint("open_purpose", name="uq_pay_order_open_purpose"),
                      UniqueConstraint("fulfils", name="uq_pay_order_fulfils"))

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True, index=True)  # public reference sent to gateways
    user_id: int = Field(foreign_key="user_account.id", index=True)
    product_kind: str = Field(max_length=32, index=True)
    product_ref: str = Field(max_length=64)
    # The agency the money is for (the dossier's receiving agency, the metro operator...), fixed when the order
    # is created: its officials and finance staff see the order, its finance staff refund it. None: test orders.
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    # What is paid for: ``<kind>:<ref>`` (a dossier's fee, one ticket). While an order is pending,
    # ``open_purpose`` holds it (unique: one open order per purpose); the order that fulfilled the purpose holds
    # it in ``fulfils`` (unique: one fulfilment per purpose, even with two confirmations in the same instant).
    purpose: str = Field(default="", max_length=100, index=True)
    open_purpose: str | None = Field(default=None, max_length=100)
    fulfils: str | None = Field(default=None, max_length=100)
    description: str = Field(max_length=255)  # Vietnamese; also the gateway's order info
    description_en: str = Field(default="", max_length=255)
    amount_vnd: int
    refunded_vnd: int = Field(default=0)
    status: str = Field(default=OrderStatus.PENDING.value, max_length=20, index=True)
    status_reason: str = Field(default="", max_length=32)  # why it reached its status (superseded, by_payer...)
    flag: str = Field(default="", max_length=32, index=True)  # a ``Flag`` value: a late or duplicate payment
    provider: str | None = Field(default=None, max_length=32)
    provider_txn: str | None = Field(default=None, max_length=64)
    pay_method: str | None = Field(default=None, max_length=32)
    return_path: str = Field(default="/", max_length=300)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    paid_at: datetime | None = None
    fulfilled_at: datetime | None = None
    reminded_at: datetime | None = None  # "your order expires soon" was sent


class PayAudit(SQLModel, table=True):
    """Every state change of an order (and every refund), with who or what caused it."""

    __tablename__ = "pay_audit"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="pay_order.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    from_status: str = Field(max_length=20)
    to_status: str = Field(max_length=20)
    actor: str = Field(max_length=64)  # "user:5", "provider:sandbox", "system:reconcile"
    reason: str = Field(default="", max_length=64)
    amount_vnd: int | None = None
    detail: str = Field(default="", max_length=500)


class PayNotification(SQLModel, table=True):
    """Log of every server-to-server notification received, accepted or not."""

    __tablename__ = "pay_notification"

    id: int | None = Field(default=None, primary_key=True)
    provider: str = Field(max_length=32)
    received_at: datetime = Field(default_factory=utcnow, index=True)
    order_code: str = Field(default="", max_length=64)
    order_id: int | None = Field(default=None, foreign_key="pay_order.id", index=True)
    outcome: str = Field(max_length=24)  # see service.NotificationOutcome codes
    provider_txn: str = Field(default="", max_length=64)
    amount_vnd: int | None = None
    payload: str = Field(default="", max_length=2000)  # gateway parameters, no personal data


class PayRefund(SQLModel, table=True):
    __tablename__ = "pay_refund"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="pay_order.id", index=True)
    amount_vnd: int
    reason: str = Field(max_length=255)
    actor: str = Field(max_length=64)
    provider_ref: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow, index=True)


class PaySandboxTxn(SQLModel, table=True):
    """The sandbox gateways' own ledger: what the *gateway* knows (used by ``query`` after a restart, and for
    the gateway's settlement report). ``gateway`` is ``vnpay`` (``sandbox.py``) or ``momo`` (``momo.py``)."""

    __tablename__ = "pay_sandbox_txn"
    __table_args__ = (UniqueConstraint("txn_ref"),)

    id: int | None = Field(default=None, primary_key=True)
    gateway: str = Field(default="vnpay", max_length=16)
    txn_ref: str = Field(max_length=64)  # the merchant's order code
    request_id: str = Field(default="", max_length=64)
    transaction_no: str = Field(max_length=20, unique=True)
    amount_vnd: int
    status: str = Field(default="pending", max_length=16)  # pending | approved | declined | cancelled
    info: str = Field(default="", max_length=2000)  # the merchant's request as the gateway keeps it (JSON)
    response_code: str = Field(default="", max_length=4)
    method: str = Field(default="", max_length=16)
    refunded_vnd: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow)
    decided_at: datetime | None = None
    expires_at: datetime


class PaySandboxBankTxn(SQLModel, table=True):
    """The sandbox bank's statement of the merchant account: transfers in (VietQR payments, matched by their
    note) and out (refunds to the sender's account)."""

    __tablename__ = "pay_sandbox_bank_txn"

    id: int | None = Field(default=None, primary_key=True)
    txn_no: str = Field(max_length=20, unique=True)
    direction: str = Field(max_length=3)  # in | out
    amount_vnd: int
    note: str = Field(default="", max_length=100)  # the transfer note: the order code for a VietQR payment
    counterparty: str = Field(default="", max_length=32)  # the sender's (or refund's receiving) account
    refunds_txn_no: str = Field(default="", max_length=20)  # an outgoing refund names the transfer it returns
    at: datetime = Field(default_factory=utcnow, index=True)


class PaySandboxRefund(SQLModel, table=True):
    """Refunds the sandbox gateways made (their settlement report lists them by day)."""

    __tablename__ = "pay_sandbox_refund"

    id: int | None = Field(default=None, primary_key=True)
    gateway: str = Field(max_length=16)
    txn_ref: str = Field(max_length=64, index=True)
    refund_no: str = Field(max_length=32, unique=True)
    amount_vnd: int
    at: datetime = Field(default_factory=utcnow, index=True)
