"""The provider contract, run over both gateway adapters: the VNPay-style sandbox (HMAC-SHA512 query strings)
and the MoMo-style e-wallet (HMAC-SHA256 over MoMo's documented raw strings, JSON IPN answered with 204).

The same rules hold for each, because they live in ``service.py``: a replayed notification pays once, a forged
or tampered one changes nothing, a signed wrong amount is refused, the browser's return never pays, a missed
notification is recovered by the verified query, a signed cancel closes the order, refunds go through the
gateway, and a payment for a superseded order is refunded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlmodel import Session, select

from citizen_app.core.timeutil import utcnow
from citizen_app.payments import momo, sandbox, service, signing
from citizen_app.payments.models import PayOrder
from tests.unit.payments.helpers import make_user, new_order


@pytest.fixture(autouse=True)
def _fresh_hooks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    registry = service.FulfilmentRegistry()
    monkeypatch.setattr(service, "fulfilments", registry)
    calls: list[str] = []
    registry.on_paid("sandbox_demo")(lambda _db, order: calls.append(order.code))
    return calls


@dataclass
class Decision:
    back: dict[str, str]  # the signed fields the browser brings back
    ipn: dict[str, Any]  # the signed notification the gateway sends


class VnpayStyle:
    id = "sandbox"
    accepted_ack = (200, {"RspCode": "00", "Message": "Confirm Success"})

    def decide(self, db: Session, url: str, decision: str, now=None) -> Decision:
        outcome = sandbox.decide(db, dict(parse_qsl(urlsplit(url).query)), decision, "card", "never", now=now)
        db.commit()
        return Decision(dict(parse_qsl(urlsplit(outcome.redirect_url).query)),
                        dict(parse_qsl(urlsplit(outcome.ipn_url or "").query)))

    def resign(self, fields: dict[str, Any], **changes: Any) -> dict[str, Any]:
        new = {**fields, **{f"vnp_{k}": v for k, v in changes.items()}}
        new["vnp_SecureHash"] = signing.sign(new, sandbox.gateway_secret())
        return new

    def code_field(self) -> str:
        return "vnp_TxnRef"

    def amount(self, value: int) -> str:
        return str(value * 100)


class MomoStyle:
    id = "momo"
    accepted_ack = (204, None)

    def decide(self, db: Session, url: str, decision: str, now=None) -> Decision:
        token = dict(parse_qsl(urlsplit(url).query))["t"]
        outcome = momo.decide(db, token, decision, "never", now=now)
        db.commit()
        return Decision(dict(parse_qsl(urlsplit(outcome.redirect_url).query)), dict(outcome.ipn_body or {}))

    def resign(self, fields: dict[str, Any], **changes: Any) -> dict[str, Any]:
        names = {"TxnRef": "orderId", "Amount": "amount"}
        new = {**fields, **{names.get(k, k): v for k, v in changes.items()}}
        new["signature"] = momo.sign(new, momo.RESULT_FIELDS, momo.sandbox_config())
        return new

    def code_field(self) -> str:
        return "orderId"

    def amount(self, value: int) -> int:
        return value


@pytest.fixture(params=[VnpayStyle(), MomoStyle()], ids=["vnpay_style", "momo_style"])
def gateway(request: pytest.FixtureRequest) -> VnpayStyle | MomoStyle:
    return request.param


def _start(db: Session, gateway, user, order: PayOrder, now=None) -> str:
    url = service.start_payment(db, user.id, order.code, gateway.id, base_url="http://testserver", now=now)
    db.commit()
    return url.redirect_url


def test_replayed_notification_pays_once_and_is_acknowledged(db: Session, gateway, _fresh_hooks) -> None:
    user = make_user(db)
    order = new_order(db, user)
    ipn = gateway.decide(db, _start(db, gateway, user, order), "approve").ipn
    results = [service.handle_notification(db, gateway.id, ipn) for _ in range(5)]
    db.commit()
    assert [r.outcome for r in results] == ["accepted"] + ["duplicate"] * 4
    assert (results[0].ack.status_code, results[0].ack.body) == gateway.accepted_ack
    db.refresh(order)
    assert order.status == "paid" and order.provider_txn and _fresh_hooks == [order.code]


def test_tampered_notification_changes_nothing(db: Session, gateway) -> None:
    user = make_user(db)
    order = new_order(db, user)
    ipn = gateway.decide(db, _start(db, gateway, user, order), "approve").ipn
    result_field = "resultCode" if gateway.id == "momo" else "vnp_ResponseCode"
    forged = {**ipn, gateway.code_field(): order.code, result_field: "7"}
    assert service.handle_notification(db, gateway.id, forged).outcome == "bad_signature"
    unsigned = {k: v for k, v in ipn.items() if k not in ("signature", "vnp_SecureHash")}
    assert service.handle_notification(db, gateway.id, unsigned).outcome == "bad_signature"
    db.refresh(order)
    assert order.status == "pending"


def test_signed_wrong_amount_and_unknown_order_are_refused(db: Session, gateway) -> None:
    user = make_user(db)
    order = new_order(db, user, 7000)
    ipn = gateway.decide(db, _start(db, gateway, user, order), "approve").ipn
    assert service.handle_notification(db, gateway.id, gateway.resign(ipn, Amount=gateway.amount(100))
                                       ).outcome == "wrong_amount"
    assert service.handle_notification(db, gateway.id, gateway.resign(ipn, TxnRef="CDSNOSUCHORDER")
                                       ).outcome == "unknown_order"
    db.refresh(order)
    assert order.status == "pending"


def test_the_return_never_pays_and_the_query_recovers_a_missed_notification(db: Session, gateway) -> None:
    user = make_user(db)
    order = new_order(db, user)
    back = gateway.decide(db, _start(db, gateway, user, order), "approve").back
    result = service.handle_return(db, gateway.id, back)
    db.commit()
    assert result.verified and result.redirect_path == f"/metro/tickets?pay_order={order.code}"
    db.refresh(order)
    assert order.status == "pending"  # shown, not trusted
    report = service.reconcile_pending(db)  # the notification never came: the gateway is asked
    db.commit()
    db.refresh(order)
    assert report.codes[order.code] == "paid" and order.status == "paid"


def test_a_forged_return_is_unverified_and_leaving_is_not_finished(db: Session, gateway) -> None:
    user = make_user(db)
    order = new_order(db, user)
    back = gateway.decide(db, _start(db, gateway, user, order), "approve").back
    forged = gateway.resign(back)
    forged = {k: (v + "0" if k in ("signature", "vnp_SecureHash") else v) for k, v in forged.items()}
    assert service.handle_return(db, gateway.id, forged).redirect_path.endswith("pay_notice=unverified")
    left = {gateway.code_field(): order.code}
    assert service.handle_return(db, gateway.id, left).redirect_path.endswith("pay_notice=not_finished")


@pytest.mark.parametrize("decision,status,notice", [("decline", "failed", "failed"),
                                                    ("cancel", "cancelled", "cancelled")])
def test_decline_and_cancel_close_the_order(db: Session, gateway, decision: str, status: str, notice: str) -> None:
    user = make_user(db)
    order = new_order(db, user)
    back = gateway.decide(db, _start(db, gateway, user, order), decision).back
    result = service.handle_return(db, gateway.id, back)
    db.commit()
    db.refresh(order)
    assert result.redirect_path.endswith(f"pay_notice={notice}") and order.status == status
    assert order.open_purpose is None


def test_refund_goes_through_the_gateway_and_its_report_agrees(db: Session, gateway) -> None:
    user, admin = make_user(db), make_user(db, "Quản trị", role="admin")
    order = new_order(db, user, 20_000)
    service.handle_notification(db, gateway.id, gateway.decide(db, _start(db, gateway, user, order), "approve").ipn)
    db.commit()
    refund = service.refund_order(db, admin.id, order.code, 5_000, "Thu thừa")
    db.commit()
    assert refund.provider_ref
    provider = service.payment_providers.get(gateway.id)
    entries = provider.settlement(db, utcnow() - timedelta(hours=1), utcnow() + timedelta(minutes=1))
    assert [(e.txn_ref, e.kind, e.amount_vnd) for e in entries] == [(order.code, "capture", 20_000),
                                                                   (order.code, "refund", 5_000)]


def test_a_payment_for_a_superseded_order_is_refunded_through_its_gateway(db: Session, gateway, _fresh_hooks) -> None:
    user = make_user(db)
    order = new_order(db, user, ref="ticket-9")
    ipn = gateway.decide(db, _start(db, gateway, user, order), "approve").ipn  # paid; the notification is slow
    replacement = service.create_order(db, user.id, "sandbox_demo", "ticket-9", 7000, "Vé", "/metro/tickets")
    db.commit()
    assert service.handle_notification(db, gateway.id, ipn).outcome == "accepted"
    db.commit()
    db.refresh(order)
    assert (order.status, order.flag, order.refunded_vnd) == ("refunded", "late_after_cancel", 7000)
    assert _fresh_hooks == [] and replacement.status == "pending"


def test_approval_after_the_deadline_is_refused_by_the_gateway(db: Session, gateway) -> None:
    user = make_user(db)
    t0 = utcnow()
    order = new_order(db, user, now=t0)
    url = _start(db, gateway, user, order, now=t0)
    back = gateway.decide(db, url, "approve", now=t0 + timedelta(minutes=120)).back
    service.handle_return(db, gateway.id, back)
    db.commit()
    db.refresh(order)
    assert order.status in ("failed", "cancelled") and order.paid_at is None


def test_momo_signatures_follow_the_documented_raw_strings() -> None:
    cfg = momo.MomoConfig("MOMO", "F8BBA842ECF85", "K951B6PE1waDMi640xX08PD3vg6EkVlz", None)
    body = {"partnerCode": "MOMO", "requestId": "R1", "amount": 50000, "orderId": "O1", "orderInfo": "pay with MoMo",
            "redirectUrl": "https://merchant.example/return", "ipnUrl": "https://merchant.example/ipn",
            "requestType": "captureWallet", "extraData": ""}
    assert momo.raw_signature(body, momo.CREATE_FIELDS, cfg.access_key) == (
        "accessKey=F8BBA842ECF85&amount=50000&extraData=&ipnUrl=https://merchant.example/ipn&orderId=O1"
        "&orderInfo=pay with MoMo&partnerCode=MOMO&redirectUrl=https://merchant.example/return&requestId=R1"
        "&requestType=captureWallet")
    import hashlib
    import hmac

    raw = momo.raw_signature(body, momo.CREATE_FIELDS, cfg.access_key)
    assert momo.sign(body, momo.CREATE_FIELDS, cfg) == hmac.new(cfg.secret_key.encode(), raw.encode(),
                                                                 hashlib.sha256).hexdigest()
    assert momo.raw_signature({"orderId": "O1", "partnerCode": "MOMO", "requestId": "Q1"}, momo.QUERY_FIELDS,
                              "AK") == "accessKey=AK&orderId=O1&partnerCode=MOMO&requestId=Q1"


def test_momo_over_http_against_the_sandbox_api(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """The adapter's HTTP transport (what a real MoMo endpoint gets) against the sandbox gateway's own API."""
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from citizen_app.payments import api

    @__import__("contextlib").contextmanager
    def sessions():
        yield db
        db.flush()

    client = TestClient(Starlette(routes=api.build_routes(sessions)), base_url="http://testserver")
    provider = service.payment_providers.get("momo")
    monkeypatch.setattr(provider, "api", momo.http_api(f"http://testserver{momo.SANDBOX_BASE}", client))
    user = make_user(db)
    order = new_order(db, user)
    url = _start(db, MomoStyle(), user, order)
    assert urlsplit(url).path == momo.PAY_PATH
    page = client.get(urlsplit(url).path + "?" + urlsplit(url).query)
    assert page.status_code == 200 and "Ví MoMo" in page.text and "<script" not in page.text
    MomoStyle().decide(db, url, "approve")
    assert service.refresh_order(db, user.id, order.code).status == "paid"  # query over HTTP, verified
    db.commit()
    assert service.refund_for_product(db, order.code, 7000, "Hoàn vé", by="metro").provider_ref
    assert db.exec(select(PayOrder)).one().status == "refunded"
