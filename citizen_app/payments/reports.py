"""Reconciliation summary per local day (UTC+7) and product kind, with CSV export.

Officials and finance staff see their own agency's orders, admins every order (``service.money_scope``)."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import VN_TZ, to_local
from citizen_app.i18n.catalog import translate
from citizen_app.payments.models import SETTLED, OrderStatus, PayOrder
from citizen_app.payments.service import MoneyScope, money_scope

MAX_DAYS = 366


@dataclass
class SummaryRow:
    day: date
    product_kind: str
    orders: int = 0
    paid_count: int = 0
    paid_vnd: int = 0
    pending_count: int = 0
    pending_vnd: int = 0
    failed_count: int = 0
    expired_count: int = 0
    refunded_vnd: int = 0
    net_vnd: int = 0


def _utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    if end < start or (end - start).days >= MAX_DAYS:
        raise DomainError("payments.report_range_invalid", days=MAX_DAYS)
    low = datetime.combine(start, time.min, VN_TZ).astimezone(UTC)
    high = datetime.combine(end + timedelta(days=1), time.min, VN_TZ).astimezone(UTC)
    return low, high


def _add(row: SummaryRow, order: PayOrder) -> None:
    row.orders += 1
    status = OrderStatus(order.status)
    if status in SETTLED:
        row.paid_count += 1
        row.paid_vnd += order.amount_vnd
        row.refunded_vnd += order.refunded_vnd
        row.net_vnd += order.amount_vnd - order.refunded_vnd
    elif status == OrderStatus.PENDING:
        row.pending_count += 1
        row.pending_vnd += order.amount_vnd
    elif status == OrderStatus.FAILED:
        row.failed_count += 1
    elif status == OrderStatus.EXPIRED:
        row.expired_count += 1


def _in_range(scope: MoneyScope, start: date, end: date) -> SelectOfScalar[PayOrder]:
    low, high = _utc_bounds(start, end)
    return scope.filter(select(PayOrder).where(col(PayOrder.created_at) >= low, col(PayOrder.created_at) < high))


def _summary(db: Session, scope: MoneyScope, start: date, end: date) -> list[SummaryRow]:
    rows: dict[tuple[date, str], SummaryRow] = {}
    for order in db.exec(_in_range(scope, start, end)).all():
        key = (to_local(order.created_at).date(), order.product_kind)
        _add(rows.setdefault(key, SummaryRow(day=key[0], product_kind=key[1])), order)
    return [rows[key] for key in sorted(rows)]


def _orders(db: Session, scope: MoneyScope, start: date, end: date, limit: int) -> list[PayOrder]:
    stmt = (_in_range(scope, start, end).order_by(col(PayOrder.created_at).desc(), col(PayOrder.id).desc())
            .limit(max(1, min(limit, 500))))
    return list(db.exec(stmt).all())


def reconciliation_summary(db: Session, actor_id: int | None, start: date, end: date) -> list[SummaryRow]:
    """Orders created between ``start`` and ``end`` (local dates, inclusive), grouped by day and product, within
    the actor's scope (their agency's orders; every order for admins).

    Refunds are counted against the day the order was created (so a day's figures add up per order)."""
    return _summary(db, money_scope(db, actor_id), start, end)


def summary_csv(rows: list[SummaryRow], lang: str = "vi") -> str:
    """CSV with translated headers, dates as dd/mm/yyyy, amounts as plain integers (đồng)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    names = [f.name for f in fields(SummaryRow)]
    writer.writerow([translate(f"payments.report.{name}", lang) for name in names])
    for row in rows:
        values = asdict(row)
        values["day"] = row.day.strftime("%d/%m/%Y")
        writer.writerow([values[name] for name in names])
    return buffer.getvalue()


def staff_orders(db: Session, actor_id: int | None, start: date, end: date, limit: int = 200) -> list[PayOrder]:
    """Orders created between ``start`` and ``end`` (local dates), newest first, within the actor's scope."""
    return _orders(db, money_scope(db, actor_id), start, end, limit)


@dataclass(frozen=True)
class StaffPage:
    """What the reconciliation page shows, read with one authorization."""

    scope: MoneyScope
    summary: list[SummaryRow]
    orders: list[PayOrder]


def staff_page(db: Session, actor_id: int | None, start: date, end: date, limit: int = 200) -> StaffPage:
    scope = money_scope(db, actor_id)
    return StaffPage(scope, _summary(db, scope, start, end), _orders(db, scope, start, end, limit))


def totals(rows: list[SummaryRow]) -> SummaryRow:
    """The sum of every numeric column (``day`` and ``product_kind`` of the first row are meaningless)."""
    total = SummaryRow(day=rows[0].day if rows else date.today(), product_kind="")
    for row in rows:
        for name in [f.name for f in fields(SummaryRow)][2:]:
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return total
