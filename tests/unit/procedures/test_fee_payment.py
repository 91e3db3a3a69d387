"""The dossier fee through payments: one open order per dossier, a late payment for an abandoned order refunded,
the receipt naming the dossier and its procedure, and the dossier page's words for the payment."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlmodel import col, select

from citizen_app.core.timeutil import utcnow
from citizen_app.payments import bank, receipts, sandbox
from citizen_app.payments import service as payments
from citizen_app.payments.models import PayOrder
from citizen_app.procedures import backoffice_views, flow, service, statuses
from tests.unit.procedures.test_flow import PASSWORD, _draft, signer  # noqa: F401 - the fixture


@pytest.fixture()
def fee_due(db, signer, payments_sandbox):  # noqa: F811 - the imported fixture
    dossier_id = _draft(db, signer)
    view = flow.prepare_signature(db, signer.mai.id, dossier_id)
    flow.approve_signature(db, signer.mai.id, dossier_id, view.id, PASSWORD)
    service.submit(db, signer.mai.id, dossier_id)
    db.commit()
    return signer, dossier_id


def _orders(db, dossier_id: int) -> list[PayOrder]:
    return list(db.exec(select(PayOrder).where(PayOrder.product_ref == str(dossier_id))
                        .order_by(col(PayOrder.id))).all())


def _approve(db, url: str, decision: str = "approve") -> dict[str, str]:
    outcome = sandbox.decide(db, dict(parse_qsl(urlsplit(url).query)), decision, "card", "never")
    db.commit()
    return dict(parse_qsl(urlsplit(outcome.ipn_url or "").query))


def test_two_clicks_on_pay_make_one_order(db, fee_due) -> None:
    world, dossier_id = fee_due
    first = flow.start_fee_payment(db, world.mai.id, dossier_id)
    second = flow.start_fee_payment(db, world.mai.id, dossier_id)
    db.commit()
    assert len(_orders(db, dossier_id)) == 1
    ref = dict(parse_qsl(urlsplit(first).query))["vnp_TxnRef"]
    assert ref == dict(parse_qsl(urlsplit(second).query))["vnp_TxnRef"] == _orders(db, dossier_id)[0].code


def test_abandoned_order_approved_after_the_fee_was_paid_is_refunded(db, fee_due) -> None:
    """The issue's first finding, as the citizen met it: two tabs, the first approved last."""
    world, dossier_id = fee_due
    tab_one = flow.start_fee_payment(db, world.mai.id, dossier_id)
    db.commit()
    flow.cancel_fee_payment(db, world.mai.id, dossier_id)  # "cancel", then pay again in another tab
    tab_two = flow.start_fee_payment(db, world.mai.id, dossier_id)
    db.commit()
    first, second = _orders(db, dossier_id)
    assert payments.handle_notification(db, "sandbox", _approve(db, tab_two)).outcome == "accepted"
    db.commit()
    assert db.get(service.ProcDossier, dossier_id).status == statuses.NEW
    # The first tab's hosted page was opened before the cancel: a real gateway may still take that payment.
    late = sandbox.gateway_query(db, first.code)
    assert late["vnp_ResponseCode"] == sandbox.RC_CANCELLED  # the sandbox refused it...
    txn = db.exec(select(sandbox.PaySandboxTxn).where(sandbox.PaySandboxTxn.txn_ref == first.code)).one()
    txn.status, txn.response_code = "pending", ""  # ...so play a gateway that ignores cancellations
    db.commit()
    assert payments.handle_notification(db, "sandbox", _approve(db, tab_one)).outcome == "accepted"
    db.commit()
    db.refresh(first)
    db.refresh(second)
    assert (second.status, second.fulfils) == ("paid", second.purpose)
    assert (first.status, first.flag, first.refunded_vnd) == ("refunded", "late_after_cancel", first.amount_vnd)
    assert db.get(service.ProcDossier, dossier_id).fee_order_ref == second.code


def test_fee_no_longer_due_is_refunded(db, fee_due) -> None:
    world, dossier_id = fee_due
    url = flow.start_fee_payment(db, world.mai.id, dossier_id)
    db.commit()
    service.withdraw(db, world.mai.id, dossier_id, "Không thuê nữa")
    db.commit()
    assert payments.handle_notification(db, "sandbox", _approve(db, url)).outcome == "accepted"
    db.commit()
    order = _orders(db, dossier_id)[0]
    assert (order.status, order.flag) == ("refunded", "purpose_gone")


def test_fee_receipt_names_the_dossier_and_procedure(db, fee_due) -> None:
    world, dossier_id = fee_due
    url = flow.start_fee_payment(db, world.mai.id, dossier_id)
    db.commit()
    payments.handle_notification(db, "sandbox", _approve(db, url))
    db.commit()
    order = _orders(db, dossier_id)[0]
    number = db.get(service.ProcDossier, dossier_id).number
    vi = receipts.receipt_for(db, world.mai.id, order.code, "vi")
    en = receipts.receipt_for(db, world.mai.id, order.code, "en")
    assert [(line.label_key, line.vi) for line in vi.lines] == [
        ("payments.receipt.dossier", number), ("payments.receipt.procedure", "Đăng ký tạm trú theo danh sách")]
    assert vi.description == f"Lệ phí hồ sơ {number} – Đăng ký tạm trú theo danh sách"
    assert en.description.startswith(f"Fee of dossier {number} – ")
    assert vi.method_text == "Thẻ ngân hàng nội địa (ATM), qua Cổng thanh toán thử nghiệm"
    assert vi.collector == "Công an phường Bàn Cờ"
    data = vi.as_data()
    assert data["seller"]["tax_code"] == "0300000000" and data["buyer"]["name"] == world.mai.full_name
    assert data["lines"][0]["details"][0] == {"label": "Hồ sơ", "value": number}


def test_fee_transferred_twice_reads_paid_to_the_citizen_and_the_officer(db, fee_due) -> None:
    """The second transfer is refunded; the dossier page and the back office still show the fee as paid."""
    world, dossier_id = fee_due
    flow.start_fee_payment(db, world.mai.id, dossier_id)
    qr = payments.bank_transfer_qr(db, world.mai.id, _orders(db, dossier_id)[0].code)  # replaces the card order
    db.commit()
    for txn in (bank.transfer(db, qr.payload), bank.transfer(db, qr.payload)):
        assert payments.handle_notification(db, "vietqr", bank.feed_message(txn)).outcome == "accepted"
        db.commit()
    assert [(o.status, o.flag) for o in _orders(db, dossier_id)] == [
        ("cancelled", ""), ("paid", ""), ("refunded", "duplicate")]
    assert flow.fee_order(db, dossier_id).code == qr.order_code
    fee = backoffice_views.fee_status(db, world.lan.id, dossier_id)
    assert fee.state == "paid" and qr.order_code in fee.vi


def test_the_fee_is_paid_with_the_configured_provider(db, fee_due, monkeypatch) -> None:
    monkeypatch.setenv("PAYMENTS_PROVIDER", "momo")
    world, dossier_id = fee_due
    url = flow.start_fee_payment(db, world.mai.id, dossier_id)
    assert urlsplit(url).path == "/pay/sandbox/momo/pay"
    assert _orders(db, dossier_id)[0].provider == "momo"


def test_the_officer_reads_an_unpaid_fee_in_the_words_of_the_payment_pages(db, fee_due) -> None:
    world, dossier_id = fee_due
    flow.start_fee_payment(db, world.mai.id, dossier_id)
    db.commit()
    [order] = _orders(db, dossier_id)
    fee = backoffice_views.fee_status(db, world.lan.id, dossier_id)
    assert (fee.state, fee.vi.split(" — ")[1]) == ("waiting", f"đơn {order.code}: Chờ thanh toán")
    order.expires_at = utcnow() - timedelta(minutes=1)  # past its deadline, before the job records it
    db.commit()
    fee = backoffice_views.fee_status(db, world.lan.id, dossier_id)
    assert fee.vi.endswith(f"đơn {order.code}: Hết hạn") and fee.en.endswith(f"order {order.code}: Expired")
