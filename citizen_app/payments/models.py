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
    EXPIRED = "expired"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


# Allowed transitions. ``expired -> paid`` exists only for a *verified* late confirmation from the gateway
# (the money was taken at the deadline): losing a real payment is worse than a late ticket.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.PAID, OrderStatus.FAILED, OrderStatus.EXPIRED}),
    OrderStatus.EXPIRED: frozenset({OrderStatus.PAID}),
    OrderStatus.PAID: frozenset({OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED}),
    OrderStatus.PARTIALLY_REFUNDED: frozenset({OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED}),
    OrderStatus.FAILED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
}

# No provider message can change an order in a final state.
FINAL: frozenset[OrderStatus] = frozenset({OrderStatus.FAILED, OrderStatus.REFUNDED})
# States in which the money has been received (receipts exist, refunds are possible).
SETTLED: frozenset[OrderStatus] = frozenset({OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED})


class PayOrder(SQLModel, table=True):
    """One thing to pay for, created by another pillar (metro ticket, procedure fee, ...)."""

    __tablename__ = "pay_order"
    # One agency's orders in a date range (the reconciliation page and CSV), without scanning other agencies'.
    __table_args__ = (Index("ix_pay_order_agency_created", "agency_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True, index=True)  # public reference sent to gateways
    user_id: int = Field(foreign_key="user_account.id", index=True)
    product_kind: str = Field(max_length=32, index=True)
    product_ref: str = Field(max_length=64)
    # The agency the money is for (the dossier's receiving agency, the metro operator...), fixed when the order
    # is created: its officials and finance staff see the order, its finance staff refund it. None: test orders.
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    description: str = Field(max_length=255)
    amount_vnd: int
    refunded_vnd: int = Field(default=0)
    status: str = Field(default=OrderStatus.PENDING.value, max_length=20, index=True)
    provider: str | None = Field(default=None, max_length=32)
    provider_txn: str | None = Field(default=None, max_length=64)
    pay_method: str | None = Field(default=None, max_length=32)
    return_path: str = Field(default="/", max_length=300)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    paid_at: datetime | None = None
    fulfilled_at: datetime | None = None


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
    """The sandbox gateway's own ledger: what the *gateway* knows (used by ``query`` after a restart)."""

    __tablename__ = "pay_sandbox_txn"
    __table_args__ = (UniqueConstraint("txn_ref"),)

    id: int | None = Field(default=None, primary_key=True)
    txn_ref: str = Field(max_length=64)  # the merchant's order code
    transaction_no: str = Field(max_length=20, unique=True)
    amount_vnd: int
    status: str = Field(default="pending", max_length=16)  # pending | approved | declined
    response_code: str = Field(default="", max_length=4)
    method: str = Field(default="", max_length=16)
    refunded_vnd: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow)
    decided_at: datetime | None = None
    expires_at: datetime
