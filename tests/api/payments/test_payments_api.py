from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from citizen_app.core.timeutil import to_local, utcnow
from citizen_app.identity.service import open_session
from citizen_app.payments import api, bank, momo, sandbox, service
from citizen_app.payments.models import PayNotification, PayOrder
from tests.unit.payments.helpers import make_agency, make_user, new_order, paid_order


class Harness:
    def __init__(self, engine) -> None:
        self.engine = engine
        self.jobs: list[Callable[[], None]] = []
        self.dispatcher = sandbox.IpnDispatcher(transport=self._deliver, schedule=lambda _d, job: self.jobs.append(job))
        app = Starlette(routes=api.build_routes(self.sessions, self.dispatcher))
        self.client = TestClient(app, base_url="http://testserver")

    @contextmanager
    def sessions(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as db:
            try:
                yield db
                db.commit()
            except BaseException:
                db.rollback()
                raise

    def _deliver(self, url: str, body: dict | None = None) -> None:
        parts = urlsplit(url)
        path = f"{parts.path}?{parts.query}" if parts.query else parts.path
        response = self.client.get(path) if body is None else self.client.post(path, json=body)
        assert response.status_code in (200, 204)

    def run_jobs(self) -> None:
        jobs, self.jobs = self.jobs, []
        for job in jobs:
            job()


@pytest.fixture()
def harness(engine) -> Harness:
    return Harness(engine)


def _checkout(harness: Harness, db: Session) -> tuple[PayOrder, str]:
    user = make_user(db)
    order = new_order(db, user, 7000)
    start = service.start_payment(db, user.id, order.code, "sandbox", base_url="http://testserver")
    db.commit()
    return order, start.redirect_url


def _submit(harness: Harness, url: str, decision: str, ipn_mode: str = "now"):
    params = dict(parse_qsl(urlsplit(url).query))
    return harness.client.post(sandbox.CHECKOUT_PATH, data={**params, "decision": decision, "method": "card",
                                                            "ipn_mode": ipn_mode}, follow_redirects=False)


def test_hosted_page_is_labelled_and_accessible(harness: Harness, db: Session) -> None:
    _, url = _checkout(harness, db)
    page = harness.client.get(urlsplit(url).path + "?" + urlsplit(url).query)
    assert page.status_code == 200
    text = page.text
    assert "Môi trường thử nghiệm" in text and "Sandbox" in text and 'lang="vi"' in text
    assert "7.000 ₫" in text and "min-height:44px" in text
    assert '<label for="ipn_mode">' in text and "<legend>" in text
    assert page.headers["cache-control"] == "no-store"


def test_tampered_checkout_request_refused(harness: Harness, db: Session) -> None:
    _, url = _checkout(harness, db)
    page = harness.client.get(url.replace("vnp_Amount=700000", "vnp_Amount=100"))
    assert page.status_code == 400 and "Chữ ký" in page.text


def test_approve_then_ipn_pays_and_return_redirects(harness: Harness, db: Session) -> None:
    order, url = _checkout(harness, db)
    response = _submit(harness, url, "approve", "twice")
    assert response.status_code == 303
    back = harness.client.get(response.headers["location"].replace("http://testserver", ""), follow_redirects=False)
    assert back.status_code == 303 and back.headers["location"] == f"/metro/tickets?pay_order={order.code}"
    db.refresh(order)
    assert order.status == "pending"  # the return alone did not pay
    assert len(harness.jobs) == 2
    harness.run_jobs()
    db.refresh(order)
    assert order.status == "paid"
    outcomes = [n.outcome for n in db.exec(select(PayNotification)).all()]
    assert outcomes == ["accepted", "duplicate"]


def test_decline_and_never_modes(harness: Harness, db: Session) -> None:
    order, url = _checkout(harness, db)
    assert _submit(harness, url, "decline", "never").status_code == 303
    assert harness.jobs == []
    db.refresh(order)
    assert order.status == "pending"
    service.reconcile_pending(db)
    db.commit()
    assert order.status == "failed"
    again = _submit(harness, url, "approve")  # the other tab, still on the gateway: decided, and the way back
    assert again.status_code == 200 and "sandbox-back" in again.text


def test_leaving_the_gateway_keeps_pending_and_says_so_calmly(harness: Harness, db: Session) -> None:
    order, url = _checkout(harness, db)
    response = _submit(harness, url, "abandon")
    location = response.headers["location"].replace("http://testserver", "")
    back = harness.client.get(location, follow_redirects=False)
    assert "pay_notice=not_finished" in back.headers["location"]  # not "could not verify": nothing is wrong
    db.refresh(order)
    assert order.status == "pending" and harness.jobs == []


def test_ipn_endpoint_rejects_forgery_and_unknown_provider(harness: Harness, db: Session) -> None:
    order, url = _checkout(harness, db)
    _submit(harness, url, "approve", "never")
    forged = harness.client.get(f"/api/pay/ipn/sandbox?vnp_TxnRef={order.code}&vnp_Amount=700000"
                                "&vnp_ResponseCode=00&vnp_TransactionStatus=00&vnp_SecureHash=" + "0" * 128)
    assert forged.json() == {"RspCode": "97", "Message": "Invalid signature"}
    assert harness.client.get("/api/pay/ipn/nope").status_code == 404
    db.refresh(order)
    assert order.status == "pending"


def test_receipt_pdf_and_csv_need_login(harness: Harness, db: Session) -> None:
    order, url = _checkout(harness, db)
    _submit(harness, url, "approve")
    harness.run_jobs()
    assert harness.client.get(f"/api/pay/receipt/{order.code}.pdf").status_code == 403
    token = open_session(db, order.user_id)
    db.commit()
    harness.client.cookies.set("cds_sid", token)
    pdf = harness.client.get(f"/api/pay/receipt/{order.code}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert harness.client.get("/api/pay/admin/reconciliation.csv?from=2026-01-01&to=2026-01-02").status_code == 403
    admin = make_user(db, "Quản trị", role="admin")
    harness.client.cookies.set("cds_sid", open_session(db, admin.id))
    db.commit()
    csv = harness.client.get("/api/pay/admin/reconciliation.csv?from=2026-01-01&to=2026-12-31&lang=en")
    assert csv.status_code == 200 and csv.text.lstrip("\ufeff").startswith("Day,Product kind")
    bad = harness.client.get("/api/pay/admin/reconciliation.csv?from=x&to=y")
    assert bad.status_code == 400


def test_module_routes_exposed() -> None:
    paths = {getattr(r, "path", "") for r in api.ROUTES}
    assert {"/pay/sandbox/checkout", "/api/pay/ipn/{provider}", "/pay/return/{provider}"} <= paths


def test_receipt_pdf_only_for_the_owning_agency(harness: Harness, db: Session,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "fulfilments", service.FulfilmentRegistry())  # no procedures hook on this fee
    ward = make_agency(db, "ubnd-ban-co", "UBND phường Bàn Cờ", "Ban Co Ward People's Committee")
    police = make_agency(db, "ca-ban-co", "Công an phường Bàn Cờ", "Ban Co Ward Police", kind="police")
    fee = paid_order(db, make_user(db, "Lê Thị Mai"), 30_000, ward.id)
    ward_official = make_user(db, "Phạm Văn Bình", role="official", agency_id=ward.id)
    police_official = make_user(db, "Võ Thị Lan", role="official", agency_id=police.id)
    tokens = {user.id: open_session(db, user.id) for user in (ward_official, police_official)}
    db.commit()

    harness.client.cookies.set("cds_sid", tokens[police_official.id])
    other = harness.client.get(f"/api/pay/receipt/{fee.code}.pdf?lang=en")
    unknown = harness.client.get("/api/pay/receipt/CDSZZZZZZZZZZ.pdf?lang=en")
    assert other.status_code == unknown.status_code == 404  # another agency's receipt looks like no receipt
    assert other.json() == unknown.json()
    assert other.json()["error"] == "payments.order_not_found"
    assert other.json()["message"]["en"] == "Payment order not found."
    today = to_local(utcnow()).date().isoformat()
    csv = harness.client.get(f"/api/pay/admin/reconciliation.csv?from={today}&to={today}")
    assert csv.status_code == 200 and "30000" not in csv.text

    harness.client.cookies.set("cds_sid", tokens[ward_official.id])
    mine = harness.client.get(f"/api/pay/receipt/{fee.code}.pdf")
    assert mine.status_code == 200 and mine.content.startswith(b"%PDF-")
    csv = harness.client.get(f"/api/pay/admin/reconciliation.csv?from={today}&to={today}")
    assert csv.status_code == 200 and ",30000," in csv.text


def test_momo_style_wallet_end_to_end_over_http(harness: Harness, db: Session) -> None:
    user = make_user(db)
    order = new_order(db, user, 9000)
    start = service.start_payment(db, user.id, order.code, "momo", base_url="http://testserver")
    db.commit()
    page = harness.client.get(urlsplit(start.redirect_url).path + "?" + urlsplit(start.redirect_url).query)
    assert page.status_code == 200 and "9.000 ₫" in page.text and "<script" not in page.text
    token = dict(parse_qsl(urlsplit(start.redirect_url).query))["t"]
    response = harness.client.post(momo.PAY_PATH, data={"t": token, "decision": "approve", "ipn_mode": "now"},
                                   follow_redirects=False)
    assert response.status_code == 303
    back = urlsplit(response.headers["location"])
    assert back.path == "/pay/return/momo" and "signature=" in back.query
    harness.run_jobs()  # the JSON IPN, answered 204
    db.refresh(order)
    assert (order.status, order.pay_method) == ("paid", "momo_wallet")
    notices = db.exec(select(PayNotification)).all()
    assert [n.outcome for n in notices] == ["accepted"] and "partnerCode" in notices[0].payload
    again = harness.client.get(f"{momo.PAY_PATH}?t={token}")
    assert "sandbox-back" in again.text  # decided: a signed way back to the merchant, not a dead end


def test_json_and_form_notifications_each_reach_only_their_providers(harness: Harness) -> None:
    assert harness.client.post("/api/pay/notify/sandbox", json={}).status_code == 404
    assert harness.client.get("/api/pay/ipn/momo").status_code == 404
    assert harness.client.post("/api/pay/notify/momo", json={"orderId": "CDSX"}).status_code == 400
    forged = harness.client.post("/api/pay/notify/vietqr", json={"note": "CDSX", "amount": "1", "signature": "0"})
    assert forged.status_code == 401 and forged.json() == {"success": False}


def test_sandbox_bank_transfer_pays_by_vietqr(harness: Harness, db: Session) -> None:
    user = make_user(db)
    order = new_order(db, user, 15000)
    qr = service.bank_transfer_qr(db, user.id, order.code)
    db.commit()
    page = harness.client.get(bank.PAGE_PATH, params={"payload": qr.payload})
    assert page.status_code == 200 and qr.payload in page.text and "<script" not in page.text
    done = harness.client.post(bank.PAGE_PATH, data={"payload": qr.payload, "feed": "now"})
    assert done.status_code == 200 and "15.000 ₫" in done.text and order.code in done.text
    harness.run_jobs()
    db.refresh(order)
    assert (order.status, order.provider, order.pay_method) == ("paid", "vietqr", "bank_transfer")
    wrong = harness.client.post(bank.PAGE_PATH, data={"payload": "000201", "feed": "now"})
    assert wrong.status_code == 400


def test_a_cancel_at_the_gateway_comes_back_in_plain_words(harness: Harness, db: Session) -> None:
    order, url = _checkout(harness, db)
    response = _submit(harness, url, "cancel", "never")
    back = harness.client.get(response.headers["location"].replace("http://testserver", ""), follow_redirects=False)
    assert back.headers["location"] == f"/metro/tickets?pay_order={order.code}&pay_notice=cancelled"
    db.refresh(order)
    assert order.status == "cancelled"
    page = harness.client.get(urlsplit(url).path + "?" + urlsplit(url).query)
    assert "đã bị hủy" in page.text and "sandbox-back" in page.text


def test_receipt_as_e_invoice_data_and_reconciliation_views(harness: Harness, db: Session) -> None:
    order, url = _checkout(harness, db)
    _submit(harness, url, "approve")
    harness.run_jobs()
    harness.client.cookies.set("cds_sid", open_session(db, order.user_id))
    db.commit()
    data = harness.client.get(f"/api/pay/receipt/{order.code}.json?lang=en").json()
    assert data["number"] == order.code and data["seller"]["tax_code"] == "0300000000"
    assert data["payment"]["method"] == "Domestic bank card (ATM), through Sandbox payment gateway"
    admin = make_user(db, "Quản trị", role="admin")
    harness.client.cookies.set("cds_sid", open_session(db, admin.id))
    db.commit()
    today = to_local(utcnow()).date().isoformat()
    for view, first in (("methods", "Day,Gateway,Method"), ("exceptions", "Kind,Order,Day")):
        csv = harness.client.get(f"/api/pay/admin/reconciliation.csv?from={today}&to={today}&view={view}&lang=en")
        assert csv.status_code == 200 and csv.text.lstrip("\ufeff").startswith(first), csv.text
