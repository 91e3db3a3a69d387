"""Home "your open items": orders still waiting for the user's money, each one tap from its order page (a
pending order past its deadline is not listed: it takes no money any more)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from citizen_app.core.timeutil import format_datetime, format_vnd, utcnow
from citizen_app.home.service import OpenItem
from citizen_app.i18n.catalog import translate
from citizen_app.payments.models import OrderStatus, PayOrder


def open_items(db: Session, user_id: int, lang: str) -> list[OpenItem]:
    now = utcnow()
    orders = db.exec(select(PayOrder).where(PayOrder.user_id == user_id, PayOrder.status == OrderStatus.PENDING.value,
                                            col(PayOrder.expires_at) > now)
                     .order_by(col(PayOrder.expires_at)).limit(5)).all()
    return [OpenItem("payment", (order.description_en or order.description) if lang == "en" else order.description,
                     f"{translate('payments.ui.pending_item', lang, amount=format_vnd(order.amount_vnd))} · "
                     f"{translate('payments.ui.expires', lang)} {format_datetime(order.expires_at)}",
                     f"/payments/{order.code}") for order in orders]
