"""Receipts (in-app data and an invoice-like PDF made with fpdf2) for settled orders: one receipt per payment,
numbered with the order code (the metro receipt shows the same number), naming the product exactly (route and
validity of a ticket, dossier and procedure of a fee: the selling pillar's ``fulfilments.describes``), the method
in plain words and the gateway's transaction number. The e-invoice fields (seller and tax code, buyer, one line
with quantity, unit price and tax) are kept as data (``Receipt``, ``/api/pay/receipt/{code}.json``) for an
e-invoice provider; this receipt is not a VAT invoice."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from sqlmodel import Session, col, select

from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import format_datetime, format_vnd
from citizen_app.i18n.catalog import translate
from citizen_app.identity.models import Agency, UserAccount
from citizen_app.payments import service
from citizen_app.payments.catalog import merchant, product
from citizen_app.payments.models import PayRefund
from citizen_app.payments.providers import payment_providers
from citizen_app.payments.service import LATE_ACTOR, ReceiptLine, get_order, is_settled
from citizen_app.payments.views import method_text

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
)


@dataclass(frozen=True)
class ReceiptRefund:
    at: datetime
    amount_vnd: int
    reason: str
    provider_ref: str = ""


@dataclass(frozen=True)
class Receipt:
    lang: str
    order_code: str
    issued_at: datetime
    payer_name: str
    merchant_name: str
    product_label: str
    description: str
    amount_vnd: int
    refunds: list[ReceiptRefund]
    net_vnd: int
    status: str
    status_label: str
    provider_label: str
    provider_txn: str
    pay_method: str
    is_test: bool
    method_text: str = ""  # "Domestic bank card (ATM), through …"
    lines: tuple[ReceiptLine, ...] = ()  # route and validity, dossier and procedure …
    collector: str = ""  # the agency the money is for
    # e-invoice-ready data (Decree 123/2020: seller, tax code, buyer; one line with quantity and unit price)
    seller_name: str = ""
    seller_tax_code: str = ""
    seller_address: str = ""
    buyer_name: str = ""
    buyer_tax_code: str = ""  # optional; none for a citizen
    vat: str = "KCT"  # "không chịu thuế": fees and public transport tickets here carry no VAT
    quantity: int = 1

    def as_data(self) -> dict[str, object]:
        """The receipt as an e-invoice provider would take it (amounts in whole đồng)."""
        line = {"name": self.description, "quantity": self.quantity, "unit_price": self.amount_vnd,
                "amount": self.amount_vnd, "vat": self.vat,
                "details": [{"label": translate(item.label_key, self.lang),
                             "value": item.en if self.lang == "en" else item.vi} for item in self.lines]}
        return {"number": self.order_code, "issued_at": self.issued_at.isoformat(), "currency": "VND",
                "seller": {"name": self.seller_name, "tax_code": self.seller_tax_code, "address": self.seller_address},
                "collected_for": self.collector, "buyer": {"name": self.buyer_name, "tax_code": self.buyer_tax_code},
                "lines": [line], "total": self.amount_vnd, "refunded": self.amount_vnd - self.net_vnd,
                "net": self.net_vnd, "payment": {"method": self.method_text, "gateway_transaction": self.provider_txn},
                "status": self.status, "test": self.is_test}


def receipt_for(db: Session, user_id: int | None, code: str, lang: str = "vi") -> Receipt:
    """The receipt of a paid (or refunded) order, for its owner or an official/admin."""
    order = get_order(db, user_id, code)
    if not is_settled(order) or order.paid_at is None:
        raise DomainError("payments.receipt_not_available")
    refunds = db.exec(select(PayRefund).where(PayRefund.order_id == order.id).order_by(col(PayRefund.id))).all()
    payer = db.get(UserAccount, order.user_id)
    provider = next((p for p in payment_providers if p.id == order.provider), None)
    describe = service.fulfilments.describers.get(order.product_kind)
    agency = db.get(Agency, order.agency_id) if order.agency_id else None
    account = merchant()
    return Receipt(
        lang=lang, order_code=order.code, issued_at=order.paid_at, payer_name=payer.full_name if payer else "",
        merchant_name=account.merchant_name, product_label=product(order.product_kind).label(lang),
        description=(order.description_en or order.description) if lang == "en" else order.description,
        amount_vnd=order.amount_vnd,
        refunds=[ReceiptRefund(r.created_at, r.amount_vnd, _refund_reason(r, order.flag, lang), r.provider_ref)
                 for r in refunds],
        net_vnd=order.amount_vnd - order.refunded_vnd, status=order.status,
        status_label=translate(f"payments.status.{order.status}", lang),
        provider_label=provider.label(lang) if provider else (order.provider or ""),
        provider_txn=order.provider_txn or "", pay_method=order.pay_method or "",
        is_test=bool(provider and provider.is_demo), method_text=method_text(order, lang),
        lines=tuple(describe(db, order)) if describe else (),
        collector=(agency.name_en if lang == "en" else agency.name_vi) if agency else "",
        seller_name=account.seller_name, seller_tax_code=account.tax_code, seller_address=account.address,
        buyer_name=payer.full_name if payer else "",
    )


def _refund_reason(refund: PayRefund, flag: str, lang: str) -> str:
    """An automatic refund's reason in the reader's language; staff write theirs in their own words."""
    if refund.actor == LATE_ACTOR and flag:
        return translate(f"payments.flag.{flag}", lang)
    return refund.reason


def font_path() -> Path:
    """A TrueType font with Vietnamese glyphs (env ``PAYMENTS_PDF_FONT`` overrides)."""
    for candidate in (os.environ.get("PAYMENTS_PDF_FONT"), *FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise DomainError("payments.pdf_font_missing")


def _row(pdf: FPDF, label: str, value: str) -> None:
    pdf.set_text_color(90, 90, 90)
    pdf.cell(60, 8, label)
    pdf.set_text_color(0, 0, 0)
    pdf.multi_cell(0, 8, value, new_x="LMARGIN", new_y="NEXT")


def _header(pdf: FPDF, receipt: Receipt, t: Callable[[str], str]) -> None:
    pdf.set_font("body", size=16)
    pdf.cell(0, 10, t("payments.receipt.title"), new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font("body", size=10)
    pdf.cell(0, 6, receipt.merchant_name, new_x="LMARGIN", new_y="NEXT", align="C")
    if receipt.is_test:
        pdf.set_text_color(180, 0, 0)
        pdf.cell(0, 8, t("payments.sandbox.banner"), new_x="LMARGIN", new_y="NEXT", align="C")
        pdf.set_text_color(0, 0, 0)
    pdf.ln(4)


def _refund_lines(pdf: FPDF, receipt: Receipt, t: Callable[[str], str]) -> None:
    for refund in receipt.refunds:
        reference = f", {translate('payments.receipt.refund_ref', receipt.lang, ref=refund.provider_ref)}" \
            if refund.provider_ref else ""
        _row(pdf, t("payments.receipt.refund"),
             f"- {format_vnd(refund.amount_vnd)} ({format_datetime(refund.at)}{reference}) {refund.reason}")


def receipt_pdf(receipt: Receipt) -> bytes:
    def t(key: str) -> str:
        return translate(key, receipt.lang)

    pdf = FPDF(format="A4")
    pdf.set_title(f"{t('payments.receipt.title')} {receipt.order_code}")
    pdf.set_creator("Công dân số")
    pdf.add_font("body", fname=str(font_path()))
    pdf.add_page()
    pdf.set_auto_page_break(auto=True, margin=15)
    _header(pdf, receipt, t)
    pdf.set_font("body", size=11)
    _row(pdf, t("payments.receipt.number"), receipt.order_code)
    _row(pdf, t("payments.receipt.date"), format_datetime(receipt.issued_at))
    _row(pdf, t("payments.receipt.seller"), receipt.seller_name)
    _row(pdf, t("payments.receipt.tax_code"), receipt.seller_tax_code)
    if receipt.collector:
        _row(pdf, t("payments.receipt.collector"), receipt.collector)
    _row(pdf, t("payments.receipt.payer"), receipt.payer_name)
    _row(pdf, t("payments.receipt.item"), receipt.description)
    for line in receipt.lines:
        _row(pdf, t(line.label_key), line.en if receipt.lang == "en" else line.vi)
    _row(pdf, t("payments.receipt.method"), receipt.method_text or receipt.provider_label)
    _row(pdf, t("payments.receipt.txn"), receipt.provider_txn or "-")
    _row(pdf, t("payments.receipt.amount"), format_vnd(receipt.amount_vnd))
    _refund_lines(pdf, receipt, t)
    pdf.set_font("body", size=13)
    _row(pdf, t("payments.receipt.net"), format_vnd(receipt.net_vnd))
    pdf.set_font("body", size=11)
    _row(pdf, t("payments.receipt.status"), receipt.status_label)
    pdf.ln(6)
    pdf.set_font("body", size=9)
    pdf.multi_cell(0, 5, t("payments.receipt.footer"))
    return bytes(pdf.output())
