"""What the payer is told about their money, in the notification centre and by web push (topic ``payments``).

Each notice says what changed and what to do, in Vietnamese and English (the texts are in ``messages.py``), and
opens the page where that can be done. Called inside the transaction that changed the order, so a notice exists
exactly when the change does. Plain Python; no Reflex.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from citizen_app.core.timeutil import format_datetime, format_vnd
from citizen_app.notify import service as notify
from citizen_app.payments.models import PayOrder

TOPIC = "payments"


def order_page(order: PayOrder) -> str:
    return f"/payments/{order.code}"


def service_page(order: PayOrder) -> str:
    """The selling pillar's page (the dossier, the rider's tickets), or the order page for test orders."""
    path = order.return_path or "/"
    return order_page(order) if path in ("/", "/payments") or path.startswith("/payments/") else path


def params(order: PayOrder, amount_vnd: int | None = None, **extra: Any) -> dict[str, Any]:
    """The facts every money notice can name, in both languages (``{item_vi}`` / ``{item_en}``)."""
    return {"code": order.code, "amount": format_vnd(order.amount_vnd if amount_vnd is None else amount_vnd),
            "item_vi": order.description, "item_en": order.description_en or order.description, **extra}


def _send(db: Session, order: PayOrder, name: str, url: str, values: Mapping[str, Any]) -> None:
    notify.notify(db, order.user_id, TOPIC, f"payments.notice.{name}_title", f"payments.notice.{name}_body",
                  dict(values), url=url)


def paid(db: Session, order: PayOrder) -> None:
    """The money arrived and the fee or ticket is settled: the receipt is on the order page."""
    _send(db, order, "paid", service_page(order), params(order))


def failed(db: Session, order: PayOrder) -> None:
    """The gateway declined: nothing was charged; the service page offers to pay again."""
    _send(db, order, "failed", service_page(order), params(order))


def expired(db: Session, order: PayOrder) -> None:
    """An order the payer had started expired: no transfer must be made for it any more."""
    _send(db, order, "expired", service_page(order), params(order))


def expiring(db: Session, order: PayOrder) -> None:
    """An order the payer started closes soon."""
    _send(db, order, "expiring", order_page(order), params(order, until=format_datetime(order.expires_at)))


def refunded(db: Session, order: PayOrder, amount_vnd: int, reason: str) -> None:
    """Staff (or a pillar's rule) refunded all or part of a paid order."""
    _send(db, order, "refunded", order_page(order), params(order, amount_vnd, reason=reason))


def late_refunded(db: Session, order: PayOrder, amount_vnd: int) -> None:
    """A payment that could not be used (late, duplicate, nothing left to pay for) was refunded at once."""
    notify.notify(db, order.user_id, TOPIC, "payments.notice.late_refunded_title",
                  f"payments.notice.late_refunded_body_{order.flag}", params(order, amount_vnd),
                  url=order_page(order))


def late_refund_due(db: Session, order: PayOrder) -> None:
    """A payment that could not be used was captured, and the gateway did not take the refund yet."""
    _send(db, order, "late_refund_due", order_page(order), params(order))
