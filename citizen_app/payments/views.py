"""Plain display rows for every page that shows an order (payments, metro, procedures, reconciliation): the one
state vocabulary. Strings only, dates dd/mm/yyyy, money in đồng, texts in both languages (``*_vi``/``*_en``).

States keep these small dicts (only what a page shows); nothing secret or belonging to someone else."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from sqlmodel import Session

from citizen_app.core.timeutil import format_datetime, format_vnd, utcnow
from citizen_app.i18n.catalog import LANGS, translate
from citizen_app.identity.models import Agency, UserAccount
from citizen_app.payments.catalog import products
from citizen_app.payments.models import OrderStatus, PayAudit, PayOrder
from citizen_app.payments.providers import METHODS, payment_providers
from citizen_app.payments.reports import ExceptionRow, MethodRow, SummaryRow
from citizen_app.payments.service import BankTransferQR, MoneyScope, is_settled, shown_status

STATUSES = tuple(s.value for s in OrderStatus)
# What may be done next, by the status every page shows (see docs/PAYMENTS.md).
NEXT_ACTIONS: dict[str, tuple[str, ...]] = {
    OrderStatus.PENDING: ("pay", "cancel"),
    OrderStatus.PAID: ("receipt",),
    OrderStatus.FAILED: ("pay_again",),
    OrderStatus.CANCELLED: ("pay_again",),
    OrderStatus.EXPIRED: ("pay_again",),
    OrderStatus.PARTIALLY_REFUNDED: ("receipt", "refund_status"),
    OrderStatus.REFUNDED: ("receipt", "refund_status"),
}


def both(key: str, **params: object) -> tuple[str, str]:
    return translate(key, "vi", **params), translate(key, "en", **params)


def pair(prefix: str, texts: tuple[str, str]) -> dict[str, str]:
    return {f"{prefix}_vi": texts[0], f"{prefix}_en": texts[1]}


def _product_labels(kind: str) -> tuple[str, str]:
    item = products().get(kind)
    return (item.label_vi, item.label_en) if item else (kind, kind)


def provider_labels(provider_id: str | None) -> tuple[str, str]:
    found = next((p for p in payment_providers if p.id == provider_id), None)
    if found is None:
        return provider_id or "", provider_id or ""
    return found.label("vi"), found.label("en")


def method_text(order: PayOrder, lang: str) -> str:
    """"Domestic bank card (ATM), through the sandbox gateway": the method in plain words."""
    provider = provider_labels(order.provider)[1 if lang == "en" else 0]
    if order.pay_method not in METHODS:
        return provider
    method = translate(f"payments.method.{order.pay_method}", lang)
    if order.pay_method == "bank_transfer":
        return method
    return translate("payments.method.via", lang, method=method, provider=provider)


def _service_path(return_path: str) -> str:
    """Where "back to the service" goes: the pillar's own page, not the payments pages themselves."""
    if return_path in ("", "/", "/payments") or return_path.startswith("/payments/"):
        return ""
    return return_path


def state_words(order: PayOrder, now: datetime | None = None) -> dict[str, str]:
    """The status every page shows, what it means and why, in both languages."""
    status = shown_status(order, now)
    why = order.status_reason if order.status_reason and status in ("cancelled", "failed", "expired") else ""
    if status == "expired" and not why:
        why = "deadline"
    words = {"status": status, **pair("status", both(f"payments.status.{status}")),
             **pair("hint", both(f"payments.hint.{status}", until=format_datetime(order.expires_at))),
             **pair("reason", both(f"payments.reason.{why}") if why else ("", "")),
             **pair("flag", both(f"payments.flag.{order.flag}") if order.flag else ("", "")), "flagged": ""}
    words["flagged"] = "1" if order.flag else ""
    return words


def order_row(order: PayOrder, now: datetime | None = None, *, purpose_paid: bool = False) -> dict[str, str]:
    """One order as every page shows it. ``purpose_paid``: another order already paid for the same thing, so
    "pay again" is not offered."""
    now = now or utcnow()
    words = state_words(order, now)
    actions = NEXT_ACTIONS[words["status"]]
    product_vi, product_en = _product_labels(order.product_kind)
    provider_vi, provider_en = provider_labels(order.provider)
    service = _service_path(order.return_path)
    pay_again = "pay_again" in actions and not purpose_paid and not order.flag
    return {
        **words, "code": order.code, "description": order.description, "description_vi": order.description,
        "description_en": order.description_en or order.description, "product_vi": product_vi,
        "product_en": product_en, "amount": format_vnd(order.amount_vnd), "created": format_datetime(order.created_at),
        "expires": format_datetime(order.expires_at),
        "paid_at": format_datetime(order.paid_at) if order.paid_at else "",
        "refunded": format_vnd(order.refunded_vnd) if order.refunded_vnd else "",
        "net": format_vnd(order.amount_vnd - order.refunded_vnd),
        "provider_vi": provider_vi, "provider_en": provider_en, "txn": order.provider_txn or "",
        "method_vi": method_text(order, "vi") if order.paid_at else "",
        "method_en": method_text(order, "en") if order.paid_at else "",
        "settled": "1" if is_settled(order) else "",
        "pending": "1" if "pay" in actions else "", "can_cancel": "1" if "cancel" in actions else "",
        "started": "1" if order.provider else "", "service_path": service,
        "pay_again": (service or "/payments#test-order") if pay_again else "",
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


def qr_view(qr: BankTransferQR, sandbox_bank: bool) -> dict[str, str]:
    view = {"png": qr.png_data_uri, "bank": qr.bank_name, "account": qr.account_no, "merchant": qr.merchant_name,
            "amount": format_vnd(qr.amount_vnd), "reference": qr.reference, "payload": qr.payload,
            **pair("until", both("payments.ui.transfer_auto", until=format_datetime(qr.expires_at)))}
    if sandbox_bank:
        view["bank_link"] = f"/pay/sandbox/bank?{urlencode({'payload': qr.payload})}"
    return view


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


def method_row(row: MethodRow) -> dict[str, str]:
    """Money of one day, gateway and method, with the gateway's own figures beside ours."""
    provider_vi, provider_en = provider_labels(row.provider)
    method = both(f"payments.method.{row.method}") if row.method in METHODS else ("—", "—")
    match = {True: "match", False: "mismatch", None: "no_report"}[row.matches]
    gateway = "" if row.gateway_captured_vnd is None else (
        f"{format_vnd(row.gateway_captured_vnd)} / −{format_vnd(row.gateway_refunded_vnd or 0)}")
    return {"day": row.day.strftime("%d/%m/%Y"), "provider_vi": provider_vi, "provider_en": provider_en,
            **pair("method", method), "count": str(row.captured_count), "captured": format_vnd(row.captured_vnd),
            "refunded": format_vnd(row.refunded_vnd), "gateway": gateway, "match": match,
            **pair("match", both(f"payments.admin.{match}"))}


def exception_row(row: ExceptionRow) -> dict[str, str]:
    """One thing to look at: a payment not delivered, a delivery not paid, a late payment and its refund."""
    purpose = f"{row.product_kind}:{row.product_ref}"
    detail = both(f"payments.flag.{row.flag}") if row.flag else (purpose, purpose)
    if row.kind == "late_payments":
        refund = (both("payments.admin.refund_done_auto", amount=format_vnd(row.refunded_vnd),
                       at=format_datetime(row.refunded_at)) if row.refunded_at and row.refunded_vnd
                  else both("payments.admin.refund_pending"))
    else:
        refund = ("", "")
    return {"kind": row.kind, "code": row.code, "at": format_datetime(row.at),
            "amount": format_vnd(row.amount_vnd) if row.amount_vnd else "", "status": row.status,
            **pair("detail", detail), **pair("refund", refund)}
