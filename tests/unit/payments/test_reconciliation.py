"""The reconciliation page of an agency's finance staff: money per day, gateway and method set against each
gateway's own report; paid but not fulfilled, fulfilled but not paid, late payments and their refunds; CSV."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlmodel import Session

from citizen_app.core.timeutil import to_local, utcnow
from citizen_app.payments import bank, momo, reports, sandbox, service
from citizen_app.payments.views import exception_row, method_row
from tests.unit.payments.helpers import make_agency, make_user

KIND = "procedure_fee"


@pytest.fixture()
def hooks(monkeypatch: pytest.MonkeyPatch) -> service.FulfilmentRegistry:
    registry = service.FulfilmentRegistry()
    monkeypatch.setattr(service, "fulfilments", registry)
    registry.on_paid(KIND)(lambda _db, _order: None)
    return registry


@pytest.fixture()
def ward(db: Session, hooks) -> SimpleNamespace:
    a = make_agency(db, "ubnd-ban-co", "UBND phường Bàn Cờ", "Ban Co Ward People's Committee")
    b = make_agency(db, "ca-ban-co", "Công an phường Bàn Cờ", "Ban Co Ward Police", kind="police")
    return SimpleNamespace(a=a, b=b, payer=make_user(db, "Lê Thị Mai"),
                           finance_a=make_user(db, "Trương Ngọc Hân", "finance", a.id),
                           admin=make_user(db, "Quản trị", "admin"))


def _order(db: Session, w, ref: str, amount: int, agency=None, now=None):
    order = service.open_order(db, w.payer.id, KIND, ref, amount, f"Lệ phí {ref}", "/procedures/dossiers/1",
                               agency_id=(agency or w.a).id, now=now)
    db.commit()
    return order


def _pay_card(db: Session, w, order) -> None:
    start = service.start_payment(db, w.payer.id, order.code, "sandbox", base_url="http://t")
    decision = sandbox.decide(db, dict(parse_qsl(urlsplit(start.redirect_url).query)), "approve", "card", "never")
    service.handle_notification(db, "sandbox", dict(parse_qsl(urlsplit(decision.ipn_url or "").query)))
    db.commit()


def _pay_momo(db: Session, w, order) -> None:
    start = service.start_payment(db, w.payer.id, order.code, "momo", base_url="http://t")
    decision = momo.decide(db, dict(parse_qsl(urlsplit(start.redirect_url).query))["t"], "approve", "never")
    service.handle_notification(db, "momo", decision.ipn_body or {})
    db.commit()


def _today():
    today = to_local(utcnow()).date()
    return today, today


def test_money_per_method_matches_every_gateways_report(db: Session, ward) -> None:
    _pay_card(db, ward, _order(db, ward, "d1", 10_000))
    _pay_momo(db, ward, _order(db, ward, "d2", 20_000))
    late = _order(db, ward, "d3", 30_000, now=utcnow() - timedelta(minutes=40))
    qr = service.bank_transfer_qr(db, ward.payer.id, late.code, now=utcnow() - timedelta(minutes=40))
    db.commit()
    service.reconcile_pending(db)
    db.commit()
    txn = bank.transfer(db, qr.payload)  # a transfer after the order expired: captured and refunded
    service.handle_notification(db, "vietqr", bank.feed_message(txn))
    _pay_card(db, ward, _order(db, ward, "police", 5_000, agency=ward.b))  # another agency's money
    db.commit()
    page = reports.reconciliation(db, ward.finance_a.id, *_today())
    got = {(r.provider, r.method): (r.captured_count, r.captured_vnd, r.refunded_vnd, r.matches)
           for r in page.methods}
    assert got == {("sandbox", "card_domestic"): (1, 10_000, 0, True),
                   ("momo", "momo_wallet"): (1, 20_000, 0, True),
                   ("vietqr", "bank_transfer"): (1, 30_000, 30_000, True)}
    row = method_row(next(r for r in page.methods if r.provider == "vietqr"))
    assert (row["match"], row["method_vi"], row["gateway"]) == ("match", "Chuyển khoản ngân hàng (VietQR)",
                                                                 "30.000 ₫ / −30.000 ₫")
    [exception] = page.exceptions
    assert (exception.kind, exception.code, exception.flag, exception.refunded_vnd) == (
        "late_payments", late.code, "late_after_expiry", 30_000)
    shown = exception_row(exception)
    assert shown["refund_vi"].startswith("Đã hoàn 30.000 ₫") and "hết hạn" in shown["detail_vi"]
    admin_total = sum(r.captured_vnd for r in reports.reconciliation(db, ward.admin.id, *_today()).methods)
    assert admin_total == 65_000


def test_a_gateway_report_that_differs_is_flagged(db: Session, ward) -> None:
    order = _order(db, ward, "d1", 10_000)
    _pay_card(db, ward, order)
    txn = db.exec(sandbox.select(sandbox.PaySandboxTxn)).one()
    txn.amount_vnd = 9_000  # the gateway settled another amount
    db.commit()
    [row] = reports.reconciliation(db, ward.finance_a.id, *_today()).methods
    assert (row.captured_vnd, row.gateway_captured_vnd, row.matches) == (10_000, 9_000, False)
    assert method_row(row)["match_vi"] == "Lệch"


def test_paid_but_not_fulfilled_and_fulfilled_but_not_paid(db: Session, ward, hooks) -> None:
    done = _order(db, ward, "d1", 10_000)
    _pay_card(db, ward, done)
    stuck = _order(db, ward, "d2", 12_000)
    _pay_card(db, ward, stuck)
    service._set(db, stuck, fulfilled_at=None)  # e.g. delivered by hand later, or a bug
    db.commit()
    hooks.lists_fulfilled(KIND)(lambda _db, start, _end: [
        ("d1", done.code, ward.a.id, start), ("d9", "CDSNOSUCHCODE", ward.a.id, start),
        ("d8", "", ward.b.id, start)])  # the last is another agency's: not theirs to see
    page = reports.reconciliation(db, ward.finance_a.id, *_today())
    assert [(e.kind, e.code or e.product_ref) for e in page.exceptions] == [
        ("paid_not_fulfilled", stuck.code), ("fulfilled_not_paid", "CDSNOSUCHCODE")]
    text = reports.reconciliation_csv(db, ward.finance_a.id, *_today(), "exceptions", "en")
    assert "Paid but not fulfilled" in text and "Fulfilled but not paid" in text and stuck.code in text
    methods = reports.reconciliation_csv(db, ward.finance_a.id, *_today(), "methods", "en")
    assert methods.splitlines()[0].startswith("Day,Gateway,Method,Payments,Received (VND)")
    assert "Domestic bank card (ATM)" in methods and ",yes" in methods
