"""The sandbox gateway: a VNPay-like test gateway served by the app itself ("Môi trường thử nghiệm").

Two halves live here, kept apart as they would be in real life:

* ``SandboxProvider`` — the merchant-side adapter (what a real VNPay adapter would be): it signs the
  redirect to the hosted page, verifies return/notification signatures, queries and refunds.
* the *gateway* simulator — ``open_checkout`` / ``decide`` / ``gateway_query`` / ``gateway_refund`` —
  which keeps its own ledger (``PaySandboxTxn``), signs its answers and sends the notification (IPN) as
  a real HTTP request to the app's own IPN URL through ``ipn_dispatcher`` (injectable for tests).

The shared HMAC secret is generated into ``instance_dir()`` on first use and never committed.
"""

from __future__ import annotations

import functools
import logging
import os
import secrets
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from sqlmodel import Session, select

from citizen_app.core.config import instance_dir, settings
from citizen_app.core.errors import DomainError
from citizen_app.core.keystore import load_or_create
from citizen_app.core.timeutil import VN_TZ, to_local, utcnow
from citizen_app.payments import signing
from citizen_app.payments.catalog import merchant
from citizen_app.payments.models import PayOrder, PaySandboxRefund, PaySandboxTxn
from citizen_app.payments.providers import (
    GW_CANCELLED,
    GW_FAILED,
    GW_PAID,
    GW_PENDING,
    GW_UNKNOWN,
    Ack,
    GatewayResult,
    PaymentProvider,
    PaymentStart,
    RefundResult,
    SettlementEntry,
    payment_providers,
)

log = logging.getLogger(__name__)

SECRET_FILE = "payments_sandbox_secret"
CHECKOUT_PATH = "/pay/sandbox/checkout"
VERSION = "2.1.0"
DATE_FMT = "%Y%m%d%H%M%S"
METHODS = ("card", "ewallet")
IPN_MODES = ("now", "late", "twice", "never")
DECISIONS = ("approve", "decline", "cancel", "abandon")  # abandon: back to the merchant without an answer
GATEWAY = "vnpay"
TEST_CARD = "9704 0000 0000 0018"  # fictitious test card shown on the hosted page
TEST_WALLET = "0900000000"  # fictitious test e-wallet

# Gateway response codes (VNPay-like). The service never reads them; it reads ``GatewayResult.status``.
RC_SUCCESS = "00"
RC_DECLINED = "51"
RC_EXPIRED = "11"
RC_CANCELLED = "24"  # "Khách hàng hủy giao dịch": the payer cancelled (or the merchant closed it)
CARD_TYPES = {"card": "ATM", "ewallet": "EWALLET"}
PLAIN_METHODS = {"ATM": "card_domestic", "EWALLET": "ewallet"}  # providers.METHODS
_ACKS = {
    "accepted": ("00", "Confirm Success"),
    "failed_recorded": ("00", "Confirm Success"),
    "duplicate": ("02", "Order already confirmed"),
    "unknown_order": ("01", "Order not found"),
    "wrong_amount": ("04", "Invalid amount"),
    "bad_signature": ("97", "Invalid signature"),
    "error": ("99", "Unknown error"),
}


def gateway_secret() -> str:
    """The HMAC key shared by the sandbox gateway and its adapter, created on first use (mode 0600)."""
    return _secret_at(instance_dir() / SECRET_FILE)


@functools.lru_cache(maxsize=8)
def _secret_at(path: Path) -> str:
    """Read once per process (every signed request and notification needs it); written once, never rotated."""
    return load_or_create(path, lambda: secrets.token_hex(32).encode()).decode().strip()


def _vn_time(value: datetime) -> str:
    return to_local(value).strftime(DATE_FMT)


def _parse_vn_time(value: str) -> datetime | None:
    try:
        local = datetime.strptime(value, DATE_FMT).replace(tzinfo=VN_TZ)
    except (TypeError, ValueError):
        return None
    return local.astimezone(UTC)


def _amount_from(raw: str | None) -> int | None:
    """``vnp_Amount`` is đồng × 100, as an integer string."""
    if not raw or not raw.isdigit():
        return None
    value = int(raw)
    return value // 100 if value % 100 == 0 else None


def _result_from(params: Mapping[str, str]) -> GatewayResult:
    response = params.get("vnp_ResponseCode", "")
    txn_status = params.get("vnp_TransactionStatus", "")
    if response == RC_SUCCESS and txn_status == "00":
        status = GW_PAID
    elif response == RC_CANCELLED:
        status = GW_CANCELLED
    elif txn_status == "01":
        status = GW_PENDING
    elif txn_status == "":  # e.g. "91": the gateway has no such transaction
        status = GW_UNKNOWN
    else:
        status = GW_FAILED
    return GatewayResult(order_code=params.get("vnp_TxnRef", ""), amount_vnd=_amount_from(params.get("vnp_Amount")),
                         status=status, provider_txn=params.get("vnp_TransactionNo", ""),
                         method=PLAIN_METHODS.get(params.get("vnp_CardType", ""), ""), response_code=response,
                         paid_at=_parse_vn_time(params.get("vnp_PayDate", "")) if status == GW_PAID else None,
                         raw=dict(params))


@payment_providers("sandbox")
class SandboxProvider(PaymentProvider):
    """Merchant-side adapter for the sandbox gateway (same wire format as VNPay 2.1.0)."""

    is_demo = True
    label_vi = "Cổng thanh toán thử nghiệm"
    label_en = "Sandbox payment gateway"
    order_field = "vnp_TxnRef"
    signature_field = "vnp_SecureHash"

    def create_payment(self, db: Session, order: PayOrder, *, base_url: str, lang: str,
                       client_ip: str) -> PaymentStart:
        params = {
            "vnp_Version": VERSION, "vnp_Command": "pay", "vnp_TmnCode": merchant().sandbox_tmn_code,
            "vnp_Amount": str(order.amount_vnd * 100), "vnp_CurrCode": "VND", "vnp_TxnRef": order.code,
            "vnp_OrderInfo": f"Thanh toan don hang {order.code}", "vnp_OrderType": "other",
            "vnp_Locale": "en" if lang == "en" else "vn", "vnp_ReturnUrl": self.return_url(base_url),
            "vnp_IpAddr": client_ip or "127.0.0.1", "vnp_CreateDate": _vn_time(utcnow()),
            "vnp_ExpireDate": _vn_time(order.expires_at),
        }
        query = signing.signed_query(params, gateway_secret())
        return PaymentStart(redirect_url=f"{base_url.rstrip('/')}{CHECKOUT_PATH}?{query}")

    def _verified(self, params: Mapping[str, str]) -> GatewayResult | None:
        if not signing.verify(params, gateway_secret()):
            return None
        if params.get("vnp_TmnCode") != merchant().sandbox_tmn_code:
            return None
        return _result_from(params)

    def verify_return(self, params: Mapping[str, str]) -> GatewayResult | None:
        return self._verified(params)

    def parse_notification(self, params: Mapping[str, str]) -> GatewayResult | None:
        return self._verified(params)

    def ack(self, outcome: str) -> Ack:
        code, message = _ACKS.get(outcome, _ACKS["error"])
        return Ack(status_code=200, body={"RspCode": code, "Message": message})

    def query(self, db: Session, order: PayOrder) -> GatewayResult:
        answer = self._verified(gateway_query(db, order.code))
        if answer is None:  # cannot happen with an honest gateway; treat as "no information"
            return GatewayResult(order_code=order.code, amount_vnd=None, status=GW_UNKNOWN)
        return answer

    def refund(self, db: Session, order: PayOrder, amount_vnd: int, reason: str) -> RefundResult:
        return gateway_refund(db, order.code, amount_vnd)

    def cancel(self, db: Session, order: PayOrder) -> bool:
        return gateway_cancel(db, order.code, order.amount_vnd, order.expires_at)

    def settlement(self, db: Session, start: datetime, end: datetime) -> list[SettlementEntry]:
        return gateway_report(db, GATEWAY, start, end)

    def loggable(self, params: Mapping[str, str]) -> dict[str, str]:
        return {k: v for k, v in params.items() if k.startswith(signing.PREFIX)}

    def check_config(self) -> None:
        if len(gateway_secret()) < 32:
            raise ValueError("sandbox secret too short")


# --------------------------------------------------------------------------------------------------
# The gateway simulator (the "other side")
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkout:
    """What the hosted page shows."""

    txn_ref: str
    amount_vnd: int
    order_info: str
    expires_at: datetime
    status: str  # the gateway ledger status
    params: dict[str, str]


@dataclass(frozen=True)
class Decision:
    redirect_url: str
    ipn_url: str | None  # None: nothing to send (abandoned)
    ipn_mode: str


def _ledger(db: Session, txn_ref: str) -> PaySandboxTxn | None:
    return db.exec(select(PaySandboxTxn).where(PaySandboxTxn.txn_ref == txn_ref)).first()


def _checked_request(params: Mapping[str, str]) -> tuple[int, datetime]:
    """Validate a merchant's pay request as a gateway would; return (amount, expiry)."""
    if not signing.verify(params, gateway_secret()):
        raise DomainError("payments.sandbox_bad_signature")
    if params.get("vnp_TmnCode") != merchant().sandbox_tmn_code or params.get("vnp_Command") != "pay":
        raise DomainError("payments.sandbox_bad_request")
    amount = _amount_from(params.get("vnp_Amount"))
    expires_at = _parse_vn_time(params.get("vnp_ExpireDate", ""))
    if not amount or amount <= 0 or expires_at is None or not params.get("vnp_TxnRef"):
        raise DomainError("payments.sandbox_bad_request")
    return amount, expires_at


def _new_transaction_no(db: Session) -> str:
    """A gateway transaction number no other transaction has (12 digits: 8 collided within a few thousand)."""
    while True:
        number = str(secrets.randbelow(9 * 10**11) + 10**11)
        if db.exec(select(PaySandboxTxn.id).where(PaySandboxTxn.transaction_no == number)).first() is None:
            return number


def open_checkout(db: Session, params: Mapping[str, str], now: datetime | None = None) -> Checkout:
    """Verify the signed request and open (or reopen) the gateway's transaction for it."""
    amount, expires_at = _checked_request(params)
    now = now or utcnow()
    txn = _ledger(db, params["vnp_TxnRef"])
    if txn is None:
        txn = PaySandboxTxn(txn_ref=params["vnp_TxnRef"], transaction_no=_new_transaction_no(db),
                            amount_vnd=amount, expires_at=expires_at, created_at=now)
        db.add(txn)
        db.flush()
    elif txn.amount_vnd != amount:
        raise DomainError("payments.sandbox_bad_request")
    clean = {k: v for k, v in params.items() if k.startswith(signing.PREFIX)}
    return Checkout(txn_ref=txn.txn_ref, amount_vnd=amount, order_info=params.get("vnp_OrderInfo", ""),
                    expires_at=expires_at, status=txn.status, params=clean)


def _response_params(txn: PaySandboxTxn, order_info: str, now: datetime) -> dict[str, str]:
    paid = txn.status == "approved"
    return {
        "vnp_Amount": str(txn.amount_vnd * 100), "vnp_BankCode": "SBXBANK" if txn.method == "card" else "SBXWALLET",
        "vnp_CardType": CARD_TYPES.get(txn.method, ""), "vnp_OrderInfo": order_info,
        "vnp_PayDate": _vn_time(txn.decided_at or now), "vnp_ResponseCode": txn.response_code,
        "vnp_TmnCode": merchant().sandbox_tmn_code, "vnp_TransactionNo": txn.transaction_no,
        "vnp_TransactionStatus": "00" if paid else "02", "vnp_TxnRef": txn.txn_ref,
    }


def _with_query(url: str, query: str) -> str:
    return f"{url}{'&' if urlsplit(url).query else '?'}{query}"


def decide(db: Session, params: Mapping[str, str], decision: str, method: str, ipn_mode: str,
           now: datetime | None = None) -> Decision:
    """The tester approved, declined or abandoned on the hosted page. Schedule nothing here: the caller
    dispatches the notification after its transaction commits (the gateway ledger must be visible)."""
    if decision not in DECISIONS or method not in METHODS or ipn_mode not in IPN_MODES:
        raise DomainError("payments.sandbox_bad_request")
    now = now or utcnow()
    checkout = open_checkout(db, params, now)
    return_url = params.get("vnp_ReturnUrl", "")
    if decision == "abandon":
        return Decision(redirect_url=_with_query(return_url, f"vnp_TxnRef={checkout.txn_ref}&abandoned=1"),
                        ipn_url=None, ipn_mode="never")
    txn = _ledger(db, checkout.txn_ref)
    assert txn is not None
    if txn.status != "pending":
        raise DomainError("payments.sandbox_already_decided")
    expired = now > checkout.expires_at
    if decision == "cancel":
        txn.status, txn.response_code = "cancelled", RC_CANCELLED
    else:
        txn.status = "approved" if decision == "approve" and not expired else "declined"
        txn.response_code = RC_SUCCESS if txn.status == "approved" else (RC_EXPIRED if expired else RC_DECLINED)
    txn.method, txn.decided_at = method, now
    query = signing.signed_query(_response_params(txn, checkout.order_info, now), gateway_secret())
    ipn_url = f"{settings().public_url}/api/pay/ipn/sandbox?{query}"
    return Decision(redirect_url=_with_query(return_url, query), ipn_url=ipn_url, ipn_mode=ipn_mode)


def back_to_merchant(db: Session, params: Mapping[str, str], now: datetime | None = None) -> str:
    """The hosted page of a transaction already decided or closed: the signed way back to the merchant."""
    now = now or utcnow()
    checkout = open_checkout(db, params, now)
    txn = _ledger(db, checkout.txn_ref)
    if txn is None or txn.status == "pending":
        raise DomainError("payments.sandbox_bad_request")
    query = signing.signed_query(_response_params(txn, checkout.order_info, now), gateway_secret())
    return _with_query(params.get("vnp_ReturnUrl", ""), query)


def gateway_query(db: Session, txn_ref: str, now: datetime | None = None) -> dict[str, str]:
    """The gateway's signed answer to a status query (``querydr``)."""
    now = now or utcnow()
    txn = _ledger(db, txn_ref)
    if txn is None:
        params = {"vnp_TxnRef": txn_ref, "vnp_ResponseCode": "91", "vnp_TransactionStatus": "",
                  "vnp_TmnCode": merchant().sandbox_tmn_code}
    elif txn.status == "pending":
        params = {"vnp_TxnRef": txn_ref, "vnp_ResponseCode": "00", "vnp_TransactionStatus": "01",
                  "vnp_Amount": str(txn.amount_vnd * 100), "vnp_TmnCode": merchant().sandbox_tmn_code}
    else:
        params = _response_params(txn, f"Thanh toan don hang {txn_ref}", now)
    params["vnp_SecureHash"] = signing.sign(params, gateway_secret())
    return params


def gateway_refund(db: Session, txn_ref: str, amount_vnd: int) -> RefundResult:
    txn = _ledger(db, txn_ref)
    if txn is None or txn.status != "approved":
        return RefundResult(ok=False, response_code="91")
    if amount_vnd <= 0 or txn.refunded_vnd + amount_vnd > txn.amount_vnd:
        return RefundResult(ok=False, response_code="94")
    txn.refunded_vnd += amount_vnd
    number = f"RF{txn.transaction_no}-{txn.refunded_vnd}"
    db.add(txn)
    db.add(PaySandboxRefund(gateway=txn.gateway, txn_ref=txn_ref, refund_no=number, amount_vnd=amount_vnd))
    return RefundResult(ok=True, provider_ref=number, response_code="00")


def gateway_cancel(db: Session, txn_ref: str, amount_vnd: int, expires_at: datetime, gateway: str = GATEWAY) -> bool:
    """The merchant closes an unpaid transaction: the hosted page refuses to take money for it from now on
    (also when it was never opened). A transaction already decided stays as it is."""
    txn = _ledger(db, txn_ref)
    if txn is None:
        txn = PaySandboxTxn(gateway=gateway, txn_ref=txn_ref, transaction_no=_new_transaction_no(db),
                            amount_vnd=amount_vnd, expires_at=expires_at)
    elif txn.status != "pending":
        return False
    txn.status, txn.response_code, txn.decided_at = "cancelled", RC_CANCELLED, utcnow()
    db.add(txn)
    db.flush()
    return True


def gateway_report(db: Session, gateway: str, start: datetime, end: datetime) -> list[SettlementEntry]:
    """The gateway's settlement report: approved payments and refunds between ``start`` and ``end``."""
    paid = db.exec(select(PaySandboxTxn).where(PaySandboxTxn.gateway == gateway, PaySandboxTxn.status == "approved",
                                               PaySandboxTxn.decided_at >= start,  # type: ignore[operator]
                                               PaySandboxTxn.decided_at < end)).all()  # type: ignore[operator]
    refunds = db.exec(select(PaySandboxRefund).where(PaySandboxRefund.gateway == gateway,
                                                     PaySandboxRefund.at >= start,  # type: ignore[operator]
                                                     PaySandboxRefund.at < end)).all()  # type: ignore[operator]
    entries = [SettlementEntry(t.decided_at, t.txn_ref, t.transaction_no, "capture", t.amount_vnd)
               for t in paid if t.decided_at is not None]
    entries += [SettlementEntry(r.at, r.txn_ref, r.refund_no, "refund", r.amount_vnd) for r in refunds]
    return sorted(entries, key=lambda e: e.at)


# --------------------------------------------------------------------------------------------------
# Notification delivery (a real HTTP GET to our own IPN URL, in the background)
# --------------------------------------------------------------------------------------------------


@functools.cache
def _http_client() -> httpx.Client:
    # One client for the process: a new one per call loads the CA bundle again (~70 ms of CPU each time).
    return httpx.Client(timeout=10.0)


def http_send(url: str, body: dict | None = None) -> None:
    """GET the URL (VNPay-style IPN in the query), or POST ``body`` as JSON (MoMo IPN, bank webhook)."""
    client = _http_client()
    response = client.get(url) if body is None else client.post(url, json=body)
    log.info("sandbox IPN sent: HTTP %s %s", response.status_code, response.text[:200])


def thread_timer(delay: float, job: Callable[[], None]) -> None:
    timer = threading.Timer(delay, job)
    timer.daemon = True
    timer.start()


def _late_seconds() -> float:
    return float(os.environ.get("PAYMENTS_SANDBOX_LATE_SECONDS", "20"))


@dataclass
class IpnDispatcher:
    """Sends the gateway's notification. Replace ``transport``/``schedule`` in tests."""

    transport: Callable[[str, dict | None], None] = http_send
    schedule: Callable[[float, Callable[[], None]], None] = thread_timer
    late_seconds: Callable[[], float] = _late_seconds
    sent: deque[str] = field(default_factory=lambda: deque(maxlen=100))  # the latest, for tests and debugging

    def plan(self, mode: str) -> list[float]:
        return {"now": [0.5], "late": [self.late_seconds()], "twice": [0.5, 1.5], "never": []}[mode]

    def dispatch(self, url: str | None, mode: str, body: dict | None = None) -> int:
        if not url:
            return 0
        delays = self.plan(mode)
        for delay in delays:
            self.schedule(delay, lambda: self._send(url, body))
        return len(delays)

    def _send(self, url: str, body: dict | None) -> None:
        try:
            self.transport(url, body)
            self.sent.append(url)
        except Exception:  # a lost notification is recovered by reconcile_pending
            log.exception("sandbox IPN delivery failed")


ipn_dispatcher = IpnDispatcher()
