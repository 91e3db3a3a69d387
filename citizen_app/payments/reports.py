"""Reconciliation: orders per local day (UTC+7) and product kind; money per day, gateway and method set against
each gateway's own settlement report; and the exceptions someone must look at (paid but not fulfilled,
fulfilled but not paid, late or duplicate payments and their refunds). Each exports as CSV.

Officials and finance staff see their own agency's orders, admins every order (``service.money_scope``)."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import VN_TZ, format_datetime, to_local
from citizen_app.i18n.catalog import translate
from citizen_app.payments import service
from citizen_app.payments.models import SETTLED, OrderStatus, PayOrder, PayRefund
from citizen_app.payments.providers import SettlementEntry, payment_providers
from citizen_app.payments.service import MoneyScope, money_scope, order_by_code, purpose_of

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
    cancelled_count: int = 0
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
    elif status == OrderStatus.CANCELLED:
        row.cancelled_count += 1
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


# --------------------------------------------------------------------------------------------------
# Money per day, gateway and method, against each gateway's own report
# --------------------------------------------------------------------------------------------------


@dataclass
class MethodRow:
    day: date
    provider: str
    method: str
    captured_count: int = 0
    captured_vnd: int = 0
    refunded_vnd: int = 0
    gateway_captured_vnd: int | None = None  # None: the gateway gives no report
    gateway_refunded_vnd: int | None = None

    @property
    def matches(self) -> bool | None:
        if self.gateway_captured_vnd is None:
            return None
        return (self.gateway_captured_vnd, self.gateway_refunded_vnd) == (self.captured_vnd, self.refunded_vnd)


def _local_day(value: datetime) -> date:
    return to_local(value).date()


def _scoped_refunds(db: Session, scope: MoneyScope, low: datetime, high: datetime) -> list[tuple[PayRefund, PayOrder]]:
    stmt = (select(PayRefund, PayOrder).join(PayOrder, col(PayOrder.id) == PayRefund.order_id)
            .where(col(PayRefund.created_at) >= low, col(PayRefund.created_at) < high))
    if not scope.everything:
        stmt = stmt.where(col(PayOrder.agency_id) == scope.agency_id)
    return list(db.exec(stmt).all())


def _gateway_side(db: Session, scope: MoneyScope, rows: dict[tuple[date, str, str], MethodRow],
                  low: datetime, high: datetime) -> None:
    """Add each gateway's report to the rows, by the order each entry names (only orders in scope; an entry
    naming no order of ours is shown to admins, who see every agency's money)."""
    for provider in payment_providers:
        entries = provider.settlement(db, low, high)
        if entries is None:
            continue
        for key in [k for k in rows if k[1] == provider.id]:
            rows[key].gateway_captured_vnd = rows[key].gateway_captured_vnd or 0
            rows[key].gateway_refunded_vnd = rows[key].gateway_refunded_vnd or 0
        for entry in entries:
            _add_entry(db, scope, rows, provider.id, entry)


def _add_entry(db: Session, scope: MoneyScope, rows: dict[tuple[date, str, str], MethodRow], provider_id: str,
               entry: SettlementEntry) -> None:
    order = order_by_code(db, entry.txn_ref)
    if not (scope.covers(order) if order is not None else scope.everything):
        return
    method = (order.pay_method or "") if order is not None else ""
    key = (_local_day(entry.at), provider_id, method)
    row = rows.setdefault(key, MethodRow(*key))
    row.gateway_captured_vnd = (row.gateway_captured_vnd or 0) + (entry.amount_vnd if entry.kind == "capture" else 0)
    row.gateway_refunded_vnd = (row.gateway_refunded_vnd or 0) + (entry.amount_vnd if entry.kind == "refund" else 0)


def _method_rows(db: Session, scope: MoneyScope, start: date, end: date) -> list[MethodRow]:
    low, high = _utc_bounds(start, end)
    rows: dict[tuple[date, str, str], MethodRow] = {}
    paid = scope.filter(select(PayOrder).where(col(PayOrder.paid_at) >= low, col(PayOrder.paid_at) < high))
    for order in db.exec(paid).all():
        assert order.paid_at is not None
        key = (_local_day(order.paid_at), order.provider or "", order.pay_method or "")
        row = rows.setdefault(key, MethodRow(*key))
        row.captured_count += 1
        row.captured_vnd += order.amount_vnd
    for refund, order in _scoped_refunds(db, scope, low, high):
        key = (_local_day(refund.created_at), order.provider or "", order.pay_method or "")
        rows.setdefault(key, MethodRow(*key)).refunded_vnd += refund.amount_vnd
    _gateway_side(db, scope, rows, low, high)
    return [rows[key] for key in sorted(rows)]


# --------------------------------------------------------------------------------------------------
# Exceptions: what someone must look at
# --------------------------------------------------------------------------------------------------

PAID_NOT_FULFILLED, FULFILLED_NOT_PAID, LATE = "paid_not_fulfilled", "fulfilled_not_paid", "late_payments"


@dataclass
class ExceptionRow:
    kind: str  # PAID_NOT_FULFILLED | FULFILLED_NOT_PAID | LATE
    code: str
    at: datetime
    amount_vnd: int
    status: str
    flag: str = ""
    refunded_vnd: int = 0
    refunded_at: datetime | None = None
    product_kind: str = ""
    product_ref: str = ""


def _paid_not_fulfilled(db: Session, scope: MoneyScope, low: datetime, high: datetime) -> list[ExceptionRow]:
    stmt = scope.filter(select(PayOrder).where(col(PayOrder.paid_at) >= low, col(PayOrder.paid_at) < high,
                                               col(PayOrder.fulfilled_at).is_(None), PayOrder.flag == "",
                                               col(PayOrder.status).in_([s.value for s in SETTLED])))
    return [ExceptionRow(PAID_NOT_FULFILLED, o.code, o.paid_at or o.created_at, o.amount_vnd, o.status,
                         product_kind=o.product_kind, product_ref=o.product_ref) for o in db.exec(stmt).all()]


def _fulfilled_not_paid(db: Session, scope: MoneyScope, low: datetime, high: datetime) -> list[ExceptionRow]:
    """What the selling pillars delivered as paid, with no settled order of ours fulfilling it."""
    found = []
    for kind, lister in service.fulfilments.listers.items():
        for ref, code, agency_id, at in lister(db, low, high):
            if not (scope.everything or agency_id == scope.agency_id):
                continue
            order = order_by_code(db, code) if code else None
            if order is None or order.status not in SETTLED or order.purpose != purpose_of(kind, ref):
                found.append(ExceptionRow(FULFILLED_NOT_PAID, code, at, 0, order.status if order else "",
                                          product_kind=kind, product_ref=ref))
    return found


def _late(db: Session, scope: MoneyScope, low: datetime, high: datetime) -> list[ExceptionRow]:
    stmt = scope.filter(select(PayOrder).where(col(PayOrder.paid_at) >= low, col(PayOrder.paid_at) < high,
                                               PayOrder.flag != ""))
    rows = []
    for order in db.exec(stmt.order_by(col(PayOrder.paid_at))).all():
        last = db.exec(select(PayRefund).where(PayRefund.order_id == order.id)
                       .order_by(col(PayRefund.id).desc())).first()
        rows.append(ExceptionRow(LATE, order.code, order.paid_at or order.created_at, order.amount_vnd, order.status,
                                 order.flag, order.refunded_vnd, last.created_at if last else None,
                                 order.product_kind, order.product_ref))
    return rows


def _exceptions(db: Session, scope: MoneyScope, start: date, end: date) -> list[ExceptionRow]:
    low, high = _utc_bounds(start, end)
    return [*_paid_not_fulfilled(db, scope, low, high), *_fulfilled_not_paid(db, scope, low, high),
            *_late(db, scope, low, high)]


# --------------------------------------------------------------------------------------------------
# The page and its CSV files
# --------------------------------------------------------------------------------------------------

CSV_VIEWS = ("days", "methods", "exceptions")


@dataclass(frozen=True)
class Reconciliation:
    scope: MoneyScope
    methods: list[MethodRow]
    exceptions: list[ExceptionRow]


def reconciliation(db: Session, actor_id: int | None, start: date, end: date) -> Reconciliation:
    scope = money_scope(db, actor_id)
    return Reconciliation(scope, _method_rows(db, scope, start, end), _exceptions(db, scope, start, end))


def _yes_no(value: bool | None, lang: str) -> str:
    return "" if value is None else translate(f"payments.report.{'yes' if value else 'no'}", lang)


def _csv(header: list[str], rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def methods_csv(rows: list[MethodRow], lang: str = "vi") -> str:
    names = ["day", "provider", "method", "captured_count", "captured_vnd", "refunded_vnd", "gateway_captured_vnd",
             "gateway_refunded_vnd", "matches"]
    body = [[r.day.strftime("%d/%m/%Y"), r.provider, translate(f"payments.method.{r.method}", lang) if r.method
             else "", r.captured_count, r.captured_vnd, r.refunded_vnd,
             "" if r.gateway_captured_vnd is None else r.gateway_captured_vnd,
             "" if r.gateway_refunded_vnd is None else r.gateway_refunded_vnd, _yes_no(r.matches, lang)]
            for r in rows]
    return _csv([translate(f"payments.report.{n}", lang) for n in names], body)


def exceptions_csv(rows: list[ExceptionRow], lang: str = "vi") -> str:
    names = ["kind", "code", "day", "amount_vnd", "status", "detail", "refunded_vnd"]
    body = [[translate(f"payments.admin.{r.kind}", lang), r.code, format_datetime(r.at), r.amount_vnd,
             translate(f"payments.status.{r.status}", lang) if r.status else "",
             translate(f"payments.flag.{r.flag}", lang) if r.flag else f"{r.product_kind}:{r.product_ref}",
             r.refunded_vnd] for r in rows]
    return _csv([translate(f"payments.report.{n}", lang) for n in names], body)


def reconciliation_csv(db: Session, actor_id: int | None, start: date, end: date, view: str, lang: str = "vi") -> str:
    if view == "methods":
        return methods_csv(reconciliation(db, actor_id, start, end).methods, lang)
    if view == "exceptions":
        return exceptions_csv(reconciliation(db, actor_id, start, end).exceptions, lang)
    return summary_csv(reconciliation_summary(db, actor_id, start, end), lang)
