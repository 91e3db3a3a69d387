"""Plain display rows for the payments pages (no Reflex): strings only, dates dd/mm/yyyy, money in đồng.

States keep these small dicts (only what a page shows); nothing secret or belonging to someone else."""

from __future__ import annotations

from sqlmodel import Session

from citizen_app.core.timeutil import format_datetime, format_vnd
from citizen_app.i18n.catalog import LANGS, translate
from citizen_app.identity.models import Agency, UserAccount
from citizen_app.payments.catalog import products
from citizen_app.payments.models import OrderStatus, PayAudit, PayOrder
from citizen_app.payments.providers import payment_providers
from citizen_app.payments.reports import SummaryRow
from citizen_app.payments.service import BankTransferQR, MoneyScope, is_settled

STATUSES = tuple(s.value for s in OrderStatus)


def _product_labels(kind: str) -> tuple[str, str]:
    item = products().get(kind)
    return (item.label_vi, item.label_en) if item else (kind, kind)


def _provider_labels(provider_id: str | None) -> tuple[str, str]:
    found = next((p for p in payment_providers if p.id == provider_id), None)
    if found is None:
        return provider_id or "", provider_id or ""
    return found.label("vi"), found.label("en")


def _service_path(return_path: str) -> str:
    """Where "back to the service" goes: the pillar's own page, not the payments pages themselves."""
    if return_path in ("", "/", "/payments") or return_path.startswith("/payments/"):
        return ""
    return return_path


def order_row(order: PayOrder) -> dict[str, str]:
    """One order as the list and the order page show it."""
    product_vi, product_en = _product_labels(order.product_kind)
    provider_vi, provider_en = _provider_labels(order.provider)
    return {
        "code": order.code, "description": order.description, "product_vi": product_vi, "product_en": product_en,
        "amount": format_vnd(order.amount_vnd), "status": order.status, "created": format_datetime(order.created_at),
        "expires": format_datetime(order.expires_at),
        "paid_at": format_datetime(order.paid_at) if order.paid_at else "",
        "refunded": format_vnd(order.refunded_vnd) if order.refunded_vnd else "",
        "net": format_vnd(order.amount_vnd - order.refunded_vnd),
        "provider_vi": provider_vi, "provider_en": provider_en, "txn": order.provider_txn or "",
        "settled": "1" if is_settled(order) else "", "pending": "1" if order.status == OrderStatus.PENDING else "",
        "started": "1" if order.provider else "", "service_path": _service_path(order.return_path),
    }


def staff_row(db: Session, order: PayOrder) -> dict[str, str]:
    """A reconciliation row: the order plus the payer's name and what may still be refunded."""
    payer = db.get(UserAccount, order.user_id)
    remaining = order.amount_vnd - order.refunded_vnd if is_settled(order) else 0
    return {**order_row(order), "payer": payer.full_name if payer else "", "remaining": str(remaining),
            "remaining_fmt": format_vnd(remaining)}


def scope_label(db: Session, scope: MoneyScope) -> dict[str, str]:
    """"Every agency's payments" or "Payments of <agency>", in both languages."""
    if scope.everything:
        return {lang: translate("payments.admin.scope_all", lang) for lang in LANGS}
    agency = db.get(Agency, scope.agency_id)
    return {lang: translate("payments.admin.scope_agency", lang,
                            agency=(agency.name_en if lang == "en" else agency.name_vi) if agency else "")
            for lang in LANGS}


def audit_row(entry: PayAudit) -> dict[str, str]:
    return {"at": format_datetime(entry.at), "status": entry.to_status if entry.to_status in STATUSES else "",
            "amount": format_vnd(entry.amount_vnd) if entry.amount_vnd else ""}


def qr_view(qr: BankTransferQR) -> dict[str, str]:
    return {"png": qr.png_data_uri, "bank": qr.bank_name, "account": qr.account_no, "merchant": qr.merchant_name,
            "amount": format_vnd(qr.amount_vnd), "reference": qr.reference, "payload": qr.payload}


def summary_row(row: SummaryRow) -> dict[str, str]:
    product_vi, product_en = _product_labels(row.product_kind) if row.product_kind else ("", "")
    return {
        "day": format_date_only(row), "product_vi": product_vi, "product_en": product_en, "orders": str(row.orders),
        "paid_count": str(row.paid_count), "paid": format_vnd(row.paid_vnd), "pending_count": str(row.pending_count),
        "pending": format_vnd(row.pending_vnd), "failed_count": str(row.failed_count),
        "expired_count": str(row.expired_count), "refunded": format_vnd(row.refunded_vnd),
        "net": format_vnd(row.net_vnd),
    }


def format_date_only(row: SummaryRow) -> str:
    return row.day.strftime("%d/%m/%Y")

