"""A MoMo-style e-wallet provider (MoMo's public payment API v2, ``captureWallet``) and its sandbox gateway.

The wire format follows MoMo's public developer documentation:

* **create** — ``POST {endpoint}/v2/gateway/api/create`` with JSON ``partnerCode, requestId, amount, orderId,
  orderInfo, redirectUrl, ipnUrl, requestType="captureWallet", extraData, lang, signature``; the signature is
  the hex HMAC-SHA256 with the secret key over ``accessKey=…&amount=…&extraData=…&ipnUrl=…&orderId=…&orderInfo=…
  &partnerCode=…&redirectUrl=…&requestId=…&requestType=…`` (this fixed order, raw values). The answer carries
  ``resultCode`` (0: created) and the ``payUrl`` the payer is sent to.
* **redirect and IPN** — fields ``partnerCode, orderId, requestId, amount, orderInfo, orderType, transId,
  resultCode, message, payType, responseTime, extraData, signature``, signed over ``accessKey=…&amount=…
  &extraData=…&message=…&orderId=…&orderInfo=…&orderType=…&partnerCode=…&payType=…&requestId=…&responseTime=…
  &resultCode=…&transId=…``. The redirect brings them in the query string; the IPN is a JSON ``POST`` that the
  merchant answers with HTTP 204.
* **query** — ``POST /v2/gateway/api/query`` with ``partnerCode, requestId, orderId, lang, signature`` over
  ``accessKey=…&orderId=…&partnerCode=…&requestId=…``; the answer has the IPN's fields (verified the same way).
* **refund** — ``POST /v2/gateway/api/refund`` with ``partnerCode, orderId`` (a new id for the refund)``,
  requestId, amount, transId, lang, description, signature`` over ``accessKey=…&amount=…&description=…&orderId=…
  &partnerCode=…&requestId=…&transId=…``.

``resultCode`` 0 is success; 1000, 7000, 7002 and 8000 are still waiting; 1003, 1005, 1006 and 1017 close the
payment without money (cancelled, expired, refused by the payer); anything else is a failure. MoMo's public API
cannot cancel an unpaid ``captureWallet`` payment, so this adapter does not either: a payment that still
arrives for a replaced order is a late payment, refunded by the service.

Configuration: ``MOMO_ENDPOINT`` (e.g. ``https://test-payment.momo.vn``), ``MOMO_PARTNER_CODE``,
``MOMO_ACCESS_KEY``, ``MOMO_SECRET_KEY``. Without ``MOMO_ENDPOINT`` the provider talks to the sandbox gateway
below, served by the app itself (only with ``PAYMENTS_SANDBOX=1``), in process: a request from an event handler
to its own server would wait for itself. ``PAYMENTS_PROVIDER=momo`` makes it the provider of every caller.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlmodel import Session, select

from citizen_app.core.config import instance_dir, settings
from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import from_unix, to_unix, utcnow
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
from citizen_app.payments.sandbox import _new_transaction_no, _secret_at, gateway_report
from citizen_app.payments.signing import same, utf8

log = logging.getLogger(__name__)

PROVIDER_ID = "momo"
GATEWAY = "momo"
SANDBOX_BASE = "/pay/sandbox/momo"
PAY_PATH = f"{SANDBOX_BASE}/pay"
CREATE, QUERY, REFUND = "/v2/gateway/api/create", "/v2/gateway/api/query", "/v2/gateway/api/refund"
REQUEST_TYPE = "captureWallet"
ORDER_TYPE = "momo_wallet"

CREATE_FIELDS = ("accessKey", "amount", "extraData", "ipnUrl", "orderId", "orderInfo", "partnerCode",
                 "redirectUrl", "requestId", "requestType")
RESULT_FIELDS = ("accessKey", "amount", "extraData", "message", "orderId", "orderInfo", "orderType",
                 "partnerCode", "payType", "requestId", "responseTime", "resultCode", "transId")
QUERY_FIELDS = ("accessKey", "orderId", "partnerCode", "requestId")
REFUND_FIELDS = ("accessKey", "amount", "description", "orderId", "partnerCode", "requestId", "transId")

RC_OK = 0
RC_DUPLICATE_ORDER = 41
RC_NOT_FOUND = 42
RC_BAD_SIGNATURE = 13  # "merchant authentication failed"
RC_BAD_REQUEST = 20
RC_WAITING = 1000
RC_DECLINED = 1001  # not enough balance
RC_EXPIRED = 1005
RC_CANCELLED = 1006  # the payer refused or cancelled
RC_REFUND_FAILED = 1080
WAITING = frozenset({1000, 7000, 7002, 8000})
CLOSED = frozenset({1003, 1005, 1006, 1017})
PAY_TYPES = {"qr": "momo_wallet", "webApp": "momo_wallet", "app": "momo_wallet", "miniapp": "momo_wallet",
             "credit": "card_international", "napas": "card_domestic"}  # providers.METHODS
MIN_AMOUNT, MAX_AMOUNT = 1_000, 50_000_000
DECISIONS = ("approve", "decline", "cancel", "abandon")
IPN_MODES = ("now", "late", "twice", "never")
ACCESS_FILE, SECRET_FILE = "payments_momo_access_key", "payments_momo_secret"


# --------------------------------------------------------------------------------------------------
# Configuration and signatures
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MomoConfig:
    partner_code: str
    access_key: str
    secret_key: str
    endpoint: str | None  # None: the app's own sandbox gateway, in process


def config() -> MomoConfig:
    endpoint = os.environ.get("MOMO_ENDPOINT", "").strip().rstrip("/")
    if endpoint:
        return MomoConfig(os.environ.get("MOMO_PARTNER_CODE", ""), os.environ.get("MOMO_ACCESS_KEY", ""),
                          os.environ.get("MOMO_SECRET_KEY", ""), endpoint)
    return sandbox_config()


def sandbox_config() -> MomoConfig:
    """The sandbox gateway's merchant credentials (generated into ``instance/`` on first use)."""
    return MomoConfig(merchant().momo_sandbox_partner_code, _secret_at(instance_dir() / ACCESS_FILE)[:20],
                      _secret_at(instance_dir() / SECRET_FILE), None)


def raw_signature(fields: Mapping[str, Any], names: tuple[str, ...], access_key: str) -> str:
    """``name=value`` joined by ``&`` in MoMo's documented order, ``accessKey`` included, values as sent."""
    values = {**fields, "accessKey": access_key}
    return "&".join(f"{name}={_text(values.get(name))}" for name in names)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def sign(fields: Mapping[str, Any], names: tuple[str, ...], cfg: MomoConfig) -> str:
    raw = raw_signature(fields, names, cfg.access_key)
    return hmac.new(utf8(cfg.secret_key), utf8(raw), hashlib.sha256).hexdigest()


def verify(fields: Mapping[str, Any], names: tuple[str, ...], cfg: MomoConfig) -> bool:
    given = _text(fields.get("signature")).lower()
    return len(given) == 64 and same(given, sign(fields, names, cfg))


def _int(value: Any) -> int | None:
    text = _text(value)
    return int(text) if text.lstrip("-").isdigit() else None


def _status(result_code: int | None) -> str:
    if result_code == RC_OK:
        return GW_PAID
    if result_code in WAITING:
        return GW_PENDING
    if result_code in CLOSED:
        return GW_CANCELLED
    if result_code == RC_NOT_FOUND or result_code is None:
        return GW_UNKNOWN
    return GW_FAILED


def result_from(fields: Mapping[str, Any]) -> GatewayResult:
    code = _int(fields.get("resultCode"))
    status = _status(code)
    millis = _int(fields.get("responseTime"))
    return GatewayResult(order_code=_text(fields.get("orderId"))[:64], amount_vnd=_int(fields.get("amount")),
                         status=status, provider_txn=_text(fields.get("transId"))[:64] if status == GW_PAID else "",
                         method=PAY_TYPES.get(_text(fields.get("payType")), "momo_wallet" if status == GW_PAID
                                              else ""),
                         response_code=_text(code),
                         paid_at=from_unix(millis // 1000) if status == GW_PAID and millis else None,
                         raw=dict(fields))


# --------------------------------------------------------------------------------------------------
# Transport: HTTP to MoMo, or the in-process sandbox gateway
# --------------------------------------------------------------------------------------------------

Api = Callable[[Session, str, dict[str, Any]], dict[str, Any]]


def http_api(endpoint: str, client: httpx.Client | None = None) -> Api:
    def post(_db: Session, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = (client or _http_client()).post(f"{endpoint}{path}", json=body)
        response.raise_for_status()
        answer = response.json()
        return answer if isinstance(answer, dict) else {}

    return post


_client: list[httpx.Client] = []


def _http_client() -> httpx.Client:
    if not _client:
        _client.append(httpx.Client(timeout=30.0))  # MoMo asks partners to wait up to 30 s
    return _client[0]


def sandbox_api(db: Session, path: str, body: dict[str, Any]) -> dict[str, Any]:
    return SANDBOX_ROUTES[path](db, body)


# --------------------------------------------------------------------------------------------------
# The merchant-side adapter
# --------------------------------------------------------------------------------------------------


@payment_providers(PROVIDER_ID)
class MomoProvider(PaymentProvider):
    label_vi = "Ví MoMo"
    label_en = "MoMo e-wallet"
    notification_format = "json"
    order_field = "orderId"
    signature_field = "signature"
    api: Api | None = None  # tests replace the transport

    @property  # type: ignore[override]
    def is_demo(self) -> bool:
        return config().endpoint is None

    def label(self, lang: str) -> str:
        base = super().label(lang)
        return f"{base} ({'sandbox' if lang == 'en' else 'thử nghiệm'})" if self.is_demo else base

    def _post(self, db: Session, path: str, body: dict[str, Any]) -> dict[str, Any]:
        if self.api is not None:
            return self.api(db, path, body)
        endpoint = config().endpoint
        return http_api(endpoint)(db, path, body) if endpoint else sandbox_api(db, path, body)

    def create_payment(self, db: Session, order: PayOrder, *, base_url: str, lang: str,
                       client_ip: str) -> PaymentStart:
        cfg = config()
        minutes = max(1, int((order.expires_at - utcnow()).total_seconds() // 60))
        body: dict[str, Any] = {
            "partnerCode": cfg.partner_code, "requestId": f"{order.code}-{secrets.token_hex(4)}",
            "amount": order.amount_vnd, "orderId": order.code, "orderInfo": f"Thanh toan don hang {order.code}",
            "redirectUrl": self.return_url(base_url), "ipnUrl": self.ipn_url(base_url),
            "requestType": REQUEST_TYPE, "extraData": "", "lang": "en" if lang == "en" else "vi",
            "orderExpireTime": minutes,
        }
        body["signature"] = sign(body, CREATE_FIELDS, cfg)
        answer = self._post(db, CREATE, body)
        if _int(answer.get("resultCode")) != RC_OK or not answer.get("payUrl"):
            raise DomainError("payments.gateway_refused", response=_text(answer.get("resultCode")))
        return PaymentStart(redirect_url=_text(answer["payUrl"]), order_code=order.code)

    def _verified(self, fields: Mapping[str, Any]) -> GatewayResult | None:
        cfg = config()
        if not verify(fields, RESULT_FIELDS, cfg) or _text(fields.get("partnerCode")) != cfg.partner_code:
            return None
        return result_from(fields)

    def verify_return(self, params: Mapping[str, str]) -> GatewayResult | None:
        return self._verified(params)

    def parse_notification(self, params: Mapping[str, Any]) -> GatewayResult | None:
        return self._verified(params)

    def ack(self, outcome: str) -> Ack:
        if outcome == "bad_signature":
            return Ack(status_code=400, body={"message": "invalid signature"})
        if outcome == "error":
            return Ack(status_code=500, body={"message": "retry later"})
        return Ack(status_code=204, body=None)  # MoMo's documented answer to an IPN it need not repeat

    def query(self, db: Session, order: PayOrder) -> GatewayResult:
        cfg = config()
        body: dict[str, Any] = {"partnerCode": cfg.partner_code, "requestId": f"Q{order.code}-{secrets.token_hex(4)}",
                                "orderId": order.code, "lang": "vi"}
        body["signature"] = sign(body, QUERY_FIELDS, cfg)
        answer = self._post(db, QUERY, body)
        verified = self._verified(answer)
        if verified is None:  # unsigned or not ours: no information
            return GatewayResult(order_code=order.code, amount_vnd=None, status=GW_UNKNOWN,
                                 response_code=_text(answer.get("resultCode")))
        return verified

    def refund(self, db: Session, order: PayOrder, amount_vnd: int, reason: str) -> RefundResult:
        cfg = config()
        body: dict[str, Any] = {"partnerCode": cfg.partner_code, "orderId": f"{order.code}R{secrets.token_hex(3)}",
                                "requestId": f"R{order.code}-{secrets.token_hex(4)}", "amount": amount_vnd,
                                "transId": _int(order.provider_txn) or 0, "lang": "vi",
                                "description": reason[:200]}
        body["signature"] = sign(body, REFUND_FIELDS, cfg)
        answer = self._post(db, REFUND, body)
        code = _int(answer.get("resultCode"))
        return RefundResult(ok=code == RC_OK, provider_ref=_text(answer.get("transId")), response_code=_text(code))

    def settlement(self, db: Session, start: datetime, end: datetime) -> list[SettlementEntry] | None:
        return gateway_report(db, GATEWAY, start, end) if self.is_demo else None

    def check_config(self) -> None:
        cfg = config()
        if cfg.endpoint and not (cfg.partner_code and cfg.access_key and cfg.secret_key):
            raise ValueError("MOMO_ENDPOINT needs MOMO_PARTNER_CODE, MOMO_ACCESS_KEY and MOMO_SECRET_KEY")


# --------------------------------------------------------------------------------------------------
# The sandbox gateway (the "other side"): its API, its hosted page and its notifications
# --------------------------------------------------------------------------------------------------


def _ledger(db: Session, order_id: str) -> PaySandboxTxn | None:
    return db.exec(select(PaySandboxTxn).where(PaySandboxTxn.txn_ref == order_id,
                                               PaySandboxTxn.gateway == GATEWAY)).first()


def _info(txn: PaySandboxTxn) -> dict[str, Any]:
    try:
        info = json.loads(txn.info or "{}")
    except ValueError:
        return {}
    return info if isinstance(info, dict) else {}


def _token(order_id: str) -> str:
    mac = hmac.new(utf8(sandbox_config().secret_key), utf8(f"pay:{order_id}"), hashlib.sha256).hexdigest()
    return f"{order_id}.{mac[:24]}"


def _order_id_of(token: str) -> str:
    order_id = token.rsplit(".", 1)[0]
    if not same(token or "", _token(order_id)):
        raise DomainError("payments.sandbox_bad_request")
    return order_id


def _answer(base: Mapping[str, Any], result_code: int, message: str, **extra: Any) -> dict[str, Any]:
    return {"partnerCode": sandbox_config().partner_code, "orderId": base.get("orderId", ""),
            "requestId": base.get("requestId", ""), "resultCode": result_code, "message": message,
            "responseTime": to_unix(utcnow()) * 1000, **extra}


def api_create(db: Session, body: dict[str, Any]) -> dict[str, Any]:
    """``/v2/gateway/api/create``: a payment the payer can then approve on the hosted page."""
    cfg = sandbox_config()
    if not verify(body, CREATE_FIELDS, cfg) or body.get("partnerCode") != cfg.partner_code:
        return _answer(body, RC_BAD_SIGNATURE, "Merchant authentication failed")
    amount, order_id = _int(body.get("amount")), _text(body.get("orderId"))
    if (amount is None or not MIN_AMOUNT <= amount <= MAX_AMOUNT or not order_id
            or body.get("requestType") != REQUEST_TYPE):
        return _answer(body, RC_BAD_REQUEST, "Bad format request")
    txn = _ledger(db, order_id)
    if txn is not None and (txn.status != "pending" or txn.amount_vnd != amount):
        return _answer(body, RC_DUPLICATE_ORDER, "Duplicated orderId")
    if txn is None:
        minutes = _int(body.get("orderExpireTime")) or 100
        info = {k: _text(body.get(k)) for k in ("redirectUrl", "ipnUrl", "orderInfo", "extraData", "lang")}
        txn = PaySandboxTxn(gateway=GATEWAY, txn_ref=order_id, request_id=_text(body.get("requestId"))[:64],
                            transaction_no=_new_transaction_no(db), amount_vnd=amount,
                            expires_at=utcnow() + timedelta(minutes=minutes), info=json.dumps(info)[:2000])
        db.add(txn)
        db.flush()
    pay_url = f"{settings().public_url}{PAY_PATH}?t={_token(order_id)}"
    return _answer(body, RC_OK, "Thành công.", amount=amount, payUrl=pay_url, deeplink="", qrCodeUrl="")


def _result_fields(txn: PaySandboxTxn, result_code: int, message: str) -> dict[str, Any]:
    """The redirect/IPN/query fields of a transaction, signed."""
    info = _info(txn)
    paid = result_code == RC_OK
    fields: dict[str, Any] = {
        "partnerCode": sandbox_config().partner_code, "orderId": txn.txn_ref, "requestId": txn.request_id,
        "amount": txn.amount_vnd, "orderInfo": info.get("orderInfo", ""), "orderType": ORDER_TYPE,
        "transId": int(txn.transaction_no) if paid else 0, "resultCode": result_code, "message": message,
        "payType": "qr" if paid else "", "responseTime": to_unix(txn.decided_at or utcnow()) * 1000,
        "extraData": info.get("extraData", ""),
    }
    fields["signature"] = sign(fields, RESULT_FIELDS, sandbox_config())
    return fields


_CODES = {"approved": (RC_OK, "Thành công."), "declined": (RC_DECLINED, "Giao dịch thất bại do số dư không đủ."),
          "cancelled": (RC_CANCELLED, "Giao dịch bị từ chối bởi người dùng."),
          "expired": (RC_EXPIRED, "Giao dịch thất bại do hết thời gian thanh toán."),
          "pending": (RC_WAITING, "Giao dịch đang chờ người dùng xác nhận.")}


def _fields_now(txn: PaySandboxTxn) -> dict[str, Any]:
    status = txn.status if txn.response_code != str(RC_EXPIRED) else "expired"
    return _result_fields(txn, *_CODES[status])


def api_query(db: Session, body: dict[str, Any]) -> dict[str, Any]:
    """``/v2/gateway/api/query``: the transaction's state, signed like an IPN."""
    cfg = sandbox_config()
    if not verify(body, QUERY_FIELDS, cfg) or body.get("partnerCode") != cfg.partner_code:
        return _answer(body, RC_BAD_SIGNATURE, "Merchant authentication failed")
    txn = _ledger(db, _text(body.get("orderId")))
    if txn is None:
        return _answer(body, RC_NOT_FOUND, "Invalid orderId or orderId is not found")
    return _fields_now(txn)


def api_refund(db: Session, body: dict[str, Any]) -> dict[str, Any]:
    """``/v2/gateway/api/refund``: all or part of an approved payment back to the wallet."""
    cfg = sandbox_config()
    if not verify(body, REFUND_FIELDS, cfg) or body.get("partnerCode") != cfg.partner_code:
        return _answer(body, RC_BAD_SIGNATURE, "Merchant authentication failed")
    trans_id, amount = _text(body.get("transId")), _int(body.get("amount")) or 0
    txn = db.exec(select(PaySandboxTxn).where(PaySandboxTxn.transaction_no == trans_id,
                                              PaySandboxTxn.gateway == GATEWAY)).first()
    if txn is None or txn.status != "approved" or amount <= 0 or txn.refunded_vnd + amount > txn.amount_vnd:
        return _answer(body, RC_REFUND_FAILED, "Refund attempt failed")
    txn.refunded_vnd += amount
    number = _new_transaction_no(db)
    db.add(txn)
    db.add(PaySandboxRefund(gateway=GATEWAY, txn_ref=txn.txn_ref, refund_no=number, amount_vnd=amount))
    db.flush()
    return _answer(body, RC_OK, "Thành công.", amount=amount, transId=int(number))


SANDBOX_ROUTES: dict[str, Callable[[Session, dict[str, Any]], dict[str, Any]]] = {
    CREATE: api_create, QUERY: api_query, REFUND: api_refund}


@dataclass(frozen=True)
class MomoCheckout:
    token: str
    order_id: str
    amount_vnd: int
    order_info: str
    expires_at: datetime
    status: str


@dataclass(frozen=True)
class MomoDecision:
    redirect_url: str
    ipn_url: str | None
    ipn_body: dict[str, Any] | None
    ipn_mode: str


def open_checkout(db: Session, token: str) -> MomoCheckout:
    txn = _ledger(db, _order_id_of(token))
    if txn is None:
        raise DomainError("payments.sandbox_bad_request")
    return MomoCheckout(token, txn.txn_ref, txn.amount_vnd, _info(txn).get("orderInfo", ""), txn.expires_at,
                        txn.status)


def _with_query(url: str, fields: Mapping[str, Any]) -> str:
    from urllib.parse import urlencode

    return f"{url}{'&' if '?' in url else '?'}{urlencode({k: _text(v) for k, v in fields.items()})}"


def decide(db: Session, token: str, decision: str, ipn_mode: str, now: datetime | None = None) -> MomoDecision:
    """The tester approved, declined, cancelled or left the hosted page."""
    if decision not in DECISIONS or ipn_mode not in IPN_MODES:
        raise DomainError("payments.sandbox_bad_request")
    txn = _ledger(db, _order_id_of(token))
    if txn is None:
        raise DomainError("payments.sandbox_bad_request")
    info = _info(txn)
    if decision == "abandon":  # back to the merchant without an answer, as closing MoMo's page does
        return MomoDecision(_with_query(info.get("redirectUrl", ""), {"orderId": txn.txn_ref}), None, None, "never")
    if txn.status != "pending":
        raise DomainError("payments.sandbox_already_decided")
    now = now or utcnow()
    expired = now > txn.expires_at
    txn.status = {"approve": "approved", "decline": "declined", "cancel": "cancelled"}[decision]
    if expired and decision == "approve":
        txn.status, txn.response_code = "cancelled", str(RC_EXPIRED)
    txn.decided_at = now
    db.add(txn)
    fields = _fields_now(txn)
    return MomoDecision(_with_query(info.get("redirectUrl", ""), fields), info.get("ipnUrl") or None, fields,
                        ipn_mode)


def back_to_merchant(db: Session, token: str) -> str:
    """The signed way back for a transaction already decided."""
    txn = _ledger(db, _order_id_of(token))
    if txn is None or txn.status == "pending":
        raise DomainError("payments.sandbox_bad_request")
    return _with_query(_info(txn).get("redirectUrl", ""), _fields_now(txn))
