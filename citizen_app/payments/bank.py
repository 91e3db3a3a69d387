"""Bank transfers by VietQR, matched to orders automatically, and the sandbox bank that feeds them.

Two halves, kept apart as they would be in real life:

* ``BankTransferProvider`` (``vietqr``) — the merchant side. The payer scans the order's VietQR code (the
  order code is the transfer note) and transfers to the merchant account. The bank's statement feed sends a
  signed notification for every incoming transfer (as bank-feed services such as Casso or SePay do), which
  the service matches to the order by its note; a refund is an outgoing transfer to the sender's account.
* the sandbox bank — the merchant account's statement (``PaySandboxBankTxn``), a page where a tester
  "transfers" the amount of a scanned VietQR code (at any time, also after the order closed: a late transfer),
  and the signed feed notification sent to the app like any gateway's IPN.

Without a statement feed an incoming transfer cannot be matched, so bank transfer is offered only while a
feed is configured; today that is the sandbox bank (``PAYMENTS_SANDBOX=1``). A real feed is another adapter of
the same contract.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from citizen_app.core.config import instance_dir, settings
from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import utcnow
from citizen_app.payments import vietqr
from citizen_app.payments.catalog import merchant
from citizen_app.payments.models import PayOrder, PaySandboxBankTxn
from citizen_app.payments.providers import (
    BANK_TRANSFER,
    GW_PAID,
    GW_PENDING,
    Ack,
    GatewayResult,
    PaymentProvider,
    PaymentStart,
    RefundResult,
    SettlementEntry,
    payment_providers,
)
from citizen_app.payments.sandbox import _secret_at
from citizen_app.payments.signing import same, utf8

SECRET_FILE = "payments_bank_secret"
PROVIDER_ID = "vietqr"
FEED_PATH = f"/api/pay/notify/{PROVIDER_ID}"
PAGE_PATH = "/pay/sandbox/bank"
SANDBOX_SENDER = "0900000000"  # the tester's fictitious account at the sandbox bank
SIGNED_FIELDS = ("account_no", "amount", "at", "counterparty", "direction", "note", "txn_no")
ORDER_CODE = re.compile(r"CDS[A-Z0-9]{10}")
FEED_MODES = ("now", "late", "never")


def feed_secret() -> str:
    """The HMAC key shared by the sandbox bank's statement feed and the app, created on first use."""
    return _secret_at(instance_dir() / SECRET_FILE)


def _canonical(fields: Mapping[str, Any]) -> str:
    return "&".join(f"{name}={fields.get(name, '')}" for name in SIGNED_FIELDS)


def sign(fields: Mapping[str, Any], secret: str | None = None) -> str:
    return hmac.new(utf8(secret or feed_secret()), utf8(_canonical(fields)), hashlib.sha256).hexdigest()


def _verified(fields: Mapping[str, Any]) -> bool:
    given = str(fields.get("signature") or "")
    return len(given) == 64 and same(given, sign(fields))


def _parse_at(value: object) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _amount(value: object) -> int | None:
    text = str(value)
    return int(text) if text.isdigit() else None


def order_code_in(note: str) -> str:
    """The order code in a transfer note (banks upper-case notes and may add their own words)."""
    found = ORDER_CODE.search(note.upper().replace(" ", ""))
    return found.group(0) if found else ""


def _incoming(db: Session, order_code: str) -> list[PaySandboxBankTxn]:
    stmt = (select(PaySandboxBankTxn).where(PaySandboxBankTxn.direction == "in",
                                            col(PaySandboxBankTxn.note).contains(order_code))
            .order_by(col(PaySandboxBankTxn.id)))
    return list(db.exec(stmt).all())


def _by_number(db: Session, txn_no: str) -> PaySandboxBankTxn | None:
    return db.exec(select(PaySandboxBankTxn).where(PaySandboxBankTxn.txn_no == txn_no)).first()


@payment_providers(PROVIDER_ID)
class BankTransferProvider(PaymentProvider):
    """VietQR transfers to the merchant account, matched from the (sandbox) bank's signed statement feed."""

    is_demo = True
    label_vi = "Chuyển khoản ngân hàng (VietQR)"
    label_en = "Bank transfer (VietQR)"
    flow = BANK_TRANSFER
    notification_format = "json"
    order_field = "note"
    signature_field = "signature"

    def create_payment(self, db: Session, order: PayOrder, *, base_url: str, lang: str,
                       client_ip: str) -> PaymentStart:
        return PaymentStart(redirect_url=f"/payments/{order.code}", order_code=order.code)

    def verify_return(self, params: Mapping[str, str]) -> GatewayResult | None:
        return None  # a transfer has no browser return

    def parse_notification(self, params: Mapping[str, Any]) -> GatewayResult | None:
        if not _verified(params) or str(params.get("account_no")) != merchant().account_no:
            return None
        if params.get("direction") != "in":
            return None
        return GatewayResult(order_code=order_code_in(str(params.get("note", ""))),
                             amount_vnd=_amount(params.get("amount")), status=GW_PAID,
                             provider_txn=str(params.get("txn_no", ""))[:64], method="bank_transfer",
                             response_code="00", paid_at=_parse_at(params.get("at")), raw=dict(params))

    def order_code_of(self, params: Mapping[str, Any]) -> str:
        return order_code_in(str(params.get("note", "")))

    def ack(self, outcome: str) -> Ack:
        if outcome == "bad_signature":
            return Ack(status_code=401, body={"success": False})
        if outcome == "error":
            return Ack(status_code=500, body={"success": False})
        return Ack(status_code=200, body={"success": True})  # received: the feed must not send it again

    def query(self, db: Session, order: PayOrder) -> GatewayResult:
        """The statement, searched for a transfer naming the order (a feed notification that never came)."""
        for txn in _incoming(db, order.code):
            if order_code_in(txn.note) == order.code and txn.amount_vnd == order.amount_vnd:
                return GatewayResult(order_code=order.code, amount_vnd=txn.amount_vnd, status=GW_PAID,
                                     provider_txn=txn.txn_no, method="bank_transfer", response_code="00",
                                     paid_at=txn.at)
        return GatewayResult(order_code=order.code, amount_vnd=None, status=GW_PENDING)

    def refund(self, db: Session, order: PayOrder, amount_vnd: int, reason: str) -> RefundResult:
        paid = _by_number(db, order.provider_txn or "")
        if paid is None or paid.direction != "in":
            return RefundResult(ok=False, response_code="91")
        returned = sum(t.amount_vnd for t in db.exec(select(PaySandboxBankTxn).where(
            PaySandboxBankTxn.refunds_txn_no == paid.txn_no)).all())
        if amount_vnd <= 0 or returned + amount_vnd > paid.amount_vnd:
            return RefundResult(ok=False, response_code="94")
        out = PaySandboxBankTxn(txn_no=_new_number(db), direction="out", amount_vnd=amount_vnd,
                                note=f"HOAN TIEN {order.code}", counterparty=paid.counterparty,
                                refunds_txn_no=paid.txn_no)
        db.add(out)
        db.flush()
        return RefundResult(ok=True, provider_ref=out.txn_no, response_code="00")

    def settlement(self, db: Session, start: datetime, end: datetime) -> list[SettlementEntry]:
        rows = db.exec(select(PaySandboxBankTxn).where(col(PaySandboxBankTxn.at) >= start,
                                                       col(PaySandboxBankTxn.at) < end)).all()
        entries = []
        for txn in rows:
            if txn.direction == "in":
                entries.append(SettlementEntry(txn.at, order_code_in(txn.note), txn.txn_no, "capture",
                                               txn.amount_vnd))
            else:
                paid = _by_number(db, txn.refunds_txn_no)
                entries.append(SettlementEntry(txn.at, order_code_in(paid.note) if paid else "", txn.txn_no,
                                               "refund", txn.amount_vnd))
        return sorted(entries, key=lambda e: e.at)

    def loggable(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in params.items() if k != "counterparty"}  # the sender's account is theirs

    def check_config(self) -> None:
        if len(feed_secret()) < 32:
            raise ValueError("bank feed secret too short")


# --------------------------------------------------------------------------------------------------
# The sandbox bank (the "other side")
# --------------------------------------------------------------------------------------------------


def _new_number(db: Session) -> str:
    while True:
        number = "FT" + str(secrets.randbelow(9 * 10**11) + 10**11)
        if _by_number(db, number) is None:
            return number


def feed_url() -> str:
    return f"{settings().public_url}{FEED_PATH}"


def feed_message(txn: PaySandboxBankTxn) -> dict[str, Any]:
    """The signed statement-feed notification of one transfer."""
    fields: dict[str, Any] = {"txn_no": txn.txn_no, "account_no": merchant().account_no,
                              "amount": str(txn.amount_vnd), "note": txn.note, "at": txn.at.isoformat(),
                              "direction": txn.direction, "counterparty": txn.counterparty}
    return {**fields, "signature": sign(fields)}


def read_qr(payload: str) -> vietqr.ParsedVietQR:
    """A VietQR code as the tester's banking app reads it: ours, for an amount."""
    try:
        parsed = vietqr.parse_payload(payload.strip())
    except (vietqr.VietQRError, KeyError, ValueError):
        raise DomainError("payments.bank.bad_qr") from None
    account = merchant()
    if parsed.bank_bin != account.bank_bin or parsed.account_no != account.account_no or not parsed.amount_vnd:
        raise DomainError("payments.bank.bad_qr")
    return parsed


def transfer(db: Session, payload: str, now: datetime | None = None) -> PaySandboxBankTxn:
    """The tester's transfer of a scanned VietQR code's amount, with its note, into the merchant account."""
    parsed = read_qr(payload)
    txn = PaySandboxBankTxn(txn_no=_new_number(db), direction="in", amount_vnd=parsed.amount_vnd or 0,
                            note=parsed.purpose, counterparty=SANDBOX_SENDER, at=now or utcnow())
    db.add(txn)
    db.flush()
    return txn
