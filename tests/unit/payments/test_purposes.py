"""One open order per purpose, late and duplicate payments, honest states, and the payer told each time.

A purpose is what is paid for (a dossier's fee, one ticket). Paying again resumes its open order; a new order
supersedes it, here and at the gateway. Money that still arrives for a closed order, or for something already
paid, is captured, flagged and refunded at once, and the payer is told."""

from __future__ import annotations

import threading
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlmodel import Session, col, select

from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import utcnow
from citizen_app.notify.models import NotifyNotification
from citizen_app.payments import bank, sandbox, service, vietqr
from citizen_app.payments.catalog import merchant
from citizen_app.payments.models import OrderStatus, PayOrder, PayRefund, PaySandboxBankTxn, PaySandboxTxn
from citizen_app.payments.views import order_row
from tests.unit.payments.helpers import make_user, started

KIND = "sandbox_demo"


@pytest.fixture()
def delivered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A fresh hook registry whose paid hook records what was delivered."""
    registry = service.FulfilmentRegistry()
    monkeypatch.setattr(service, "fulfilments", registry)
    calls: list[str] = []
    registry.on_paid(KIND)(lambda _db, order: calls.append(order.code))
    return calls


def _open(db: Session, user, ref: str = "fee-1", amount: int = 10_000, now=None) -> PayOrder:
    order = service.open_order(db, user.id, KIND, ref, amount, "Lệ phí hồ sơ HS-1", "/procedures/dossiers/1",
                               description_en="Fee of dossier HS-1", now=now)
    db.commit()
    return order


def _approve(db: Session, user, order: PayOrder, now=None) -> dict[str, str]:
    """Approve at the hosted page; the signed IPN the gateway then sends."""
    params = started(db, user, order, now)
    decision = sandbox.decide(db, params, "approve", "card", "never", now=now)
    db.commit()
    return dict(parse_qsl(urlsplit(decision.ipn_url or "").query))


def _notices(db: Session, user) -> list[tuple[str, str]]:
    rows = db.exec(select(NotifyNotification).where(NotifyNotification.user_id == user.id)
                   .order_by(col(NotifyNotification.id))).all()
    return [(row.title_key.rsplit(".", 1)[1], row.url) for row in rows]


def test_paying_again_resumes_the_open_order(db: Session, delivered: list[str]) -> None:
    payer = make_user(db)
    first = _open(db, payer)
    assert _open(db, payer).code == first.code  # a second click, another tab: the same order
    url_a = service.start_payment(db, payer.id, first.code, "sandbox", base_url="http://t").redirect_url
    url_b = service.start_payment(db, payer.id, first.code, "sandbox", base_url="http://t").redirect_url
    assert dict(parse_qsl(urlsplit(url_a).query))["vnp_TxnRef"] == dict(parse_qsl(urlsplit(url_b).query))["vnp_TxnRef"]
    assert db.exec(select(PayOrder)).all() == [first]


def test_a_new_order_supersedes_the_open_one_here_and_at_the_gateway(db: Session, delivered: list[str]) -> None:
    payer = make_user(db)
    first = _open(db, payer)
    params = started(db, payer, first)
    sandbox.open_checkout(db, params)  # the payer opened the hosted page in one tab
    second = _open(db, payer, amount=12_000)  # the fee changed: a new order
    db.refresh(first)
    assert second.code != first.code
    assert (first.status, first.status_reason, first.open_purpose) == ("cancelled", "superseded", None)
    assert second.open_purpose == second.purpose == first.purpose
    assert db.exec(select(PaySandboxTxn).where(PaySandboxTxn.txn_ref == first.code)).one().status == "cancelled"
    with pytest.raises(DomainError, match="sandbox_already_decided"):
        sandbox.decide(db, params, "approve", "card", "now")  # the gateway takes no money for it any more


def test_an_order_about_to_expire_is_replaced_not_resumed(db: Session, delivered: list[str]) -> None:
    payer = make_user(db)
    t0 = utcnow() - timedelta(minutes=14)
    first = _open(db, payer, now=t0)  # 15 minutes to pay, one left
    second = _open(db, payer)
    assert second.code != first.code
    db.refresh(first)
    assert first.status == "cancelled"


def test_late_payment_for_a_superseded_order_is_refunded_and_the_payer_told(db: Session,
                                                                            delivered: list[str]) -> None:
    """The issue's first finding: an abandoned first order approved at the gateway after a second one paid."""
    payer = make_user(db)
    first = _open(db, payer)
    late_ipn = _approve(db, payer, first)  # paid in the first tab; its notification is slow
    service.start_payment(db, payer.id, first.code, "vietqr")  # the other tab chose a bank transfer: replaced
    db.commit()
    second = db.exec(select(PayOrder).where(PayOrder.open_purpose == first.purpose)).one()
    assert second.code != first.code
    assert service.handle_notification(db, "sandbox", late_ipn).outcome == "accepted"
    db.commit()
    db.refresh(first)
    assert (first.status, first.flag, first.refunded_vnd, first.fulfilled_at) == (
        "refunded", "late_after_cancel", 10_000, None)
    assert delivered == []  # nothing delivered for it
    refund = db.exec(select(PayRefund).where(PayRefund.order_id == first.id)).one()
    assert refund.actor == service.LATE_ACTOR and refund.provider_ref.startswith("RF")
    assert db.exec(select(PaySandboxTxn).where(PaySandboxTxn.txn_ref == first.code)).one().refunded_vnd == 10_000
    assert ("late_refunded_title", f"/payments/{first.code}") in _notices(db, payer)
    row = order_row(first)
    assert row["status"] == "refunded" and row["flagged"] == "1" and not row["pay_again"]
    assert "tiền đến sau khi đơn đã hủy" in row["flag_vi"] and "after the order was cancelled" in row["flag_en"]


def test_one_charge_stands_when_two_orders_of_a_purpose_are_both_paid(db: Session, delivered: list[str]) -> None:
    payer = make_user(db)
    first = _open(db, payer)
    ipn_first = _approve(db, payer, first)
    assert service.handle_notification(db, "sandbox", ipn_first).outcome == "accepted"
    db.commit()
    # A second pending order of the same purpose, as a race between two tabs could leave it:
    second = service.create_order(db, payer.id, KIND, "fee-1", 10_000, "Lệ phí hồ sơ HS-1", "/")
    db.commit()
    assert service.handle_notification(db, "sandbox", _approve(db, payer, second)).outcome == "accepted"
    db.commit()
    db.refresh(first)
    db.refresh(second)
    assert delivered == [first.code]
    assert (first.status, first.fulfils) == ("paid", first.purpose)
    assert (second.status, second.flag, second.refunded_vnd) == ("refunded", "purpose_paid", 10_000)


def test_expired_order_shows_no_payment_means_and_takes_no_transfer(db: Session, delivered: list[str]) -> None:
    """The issue's second finding: VietQR and "awaiting payment" after the deadline."""
    payer = make_user(db)
    t0 = utcnow() - timedelta(minutes=16)
    order = _open(db, payer, now=t0)
    assert order.status == "pending"  # the job has not run yet
    assert service.shown_status(order) == "expired"
    row = order_row(order)
    assert (row["status"], row["pending"], row["can_cancel"], row["pay_again"]) == (
        "expired", "", "", "/procedures/dossiers/1")
    assert "Đừng chuyển khoản" in row["hint_vi"]
    with pytest.raises(DomainError, match="order_expired"):
        service.bank_transfer_qr(db, payer.id, order.code)
    db.commit()
    db.refresh(order)
    assert order.status == "expired"


def test_reconcile_expires_tells_the_payer_and_a_late_transfer_is_refunded(db: Session,
                                                                         delivered: list[str]) -> None:
    payer = make_user(db)
    t0 = utcnow() - timedelta(minutes=40)
    order = _open(db, payer, now=t0)
    qr = service.bank_transfer_qr(db, payer.id, order.code, now=t0)
    db.commit()
    service.reconcile_pending(db)
    db.commit()
    db.refresh(order)
    assert order.status == "expired"
    assert ("expired_title", "/procedures/dossiers/1") in _notices(db, payer)
    txn = bank.transfer(db, qr.payload)  # the payer had scanned the code and transfers now, too late
    result = service.handle_notification(db, "vietqr", bank.feed_message(txn))
    db.commit()
    db.refresh(order)
    assert result.outcome == "accepted" and delivered == []
    assert (order.status, order.flag, order.pay_method) == ("refunded", "late_after_expiry", "bank_transfer")
    back = db.exec(select(PaySandboxBankTxn).where(PaySandboxBankTxn.direction == "out")).one()
    assert (back.amount_vnd, back.refunds_txn_no, back.counterparty) == (10_000, txn.txn_no, bank.SANDBOX_SENDER)
    assert _notices(db, payer)[-1] == ("late_refunded_title", f"/payments/{order.code}")


def test_transfer_after_the_deadline_is_late_even_before_the_job_ran(db: Session, delivered: list[str]) -> None:
    payer = make_user(db)
    t0 = utcnow() - timedelta(minutes=20)
    order = _open(db, payer, now=t0)
    qr = service.bank_transfer_qr(db, payer.id, order.code, now=t0)
    db.commit()
    txn = bank.transfer(db, qr.payload)  # 20 minutes after: past the 15 minutes to pay
    service.handle_notification(db, "vietqr", bank.feed_message(txn))
    db.commit()
    db.refresh(order)
    assert (order.status, order.flag) == ("refunded", "late_after_expiry") and delivered == []


def test_a_transfer_sent_twice_is_refunded_once(db: Session, delivered: list[str]) -> None:
    payer = make_user(db)
    order = _open(db, payer)
    qr = service.bank_transfer_qr(db, payer.id, order.code)
    db.commit()
    first, second = bank.transfer(db, qr.payload), bank.transfer(db, qr.payload)
    outcomes = [service.handle_notification(db, "vietqr", bank.feed_message(t)).outcome
                for t in (first, second, second)]
    db.commit()
    assert outcomes == ["accepted", "accepted", "duplicate"]
    rows = db.exec(select(PayOrder).where(PayOrder.purpose == order.purpose).order_by(col(PayOrder.id))).all()
    assert [(r.status, r.flag, r.provider_txn) for r in rows] == [
        ("paid", "", first.txn_no), ("refunded", "duplicate", second.txn_no)]
    assert delivered == [order.code]
    assert service.latest_order(db, KIND, "fee-1").code == order.code  # pages show the charge that stands


def test_a_transfer_for_an_order_started_at_the_card_gateway_pays_it_and_closes_the_card_payment(
        db: Session, delivered: list[str]) -> None:
    payer = make_user(db)
    order = _open(db, payer)
    params = started(db, payer, order)
    payload = vietqr.build_payload(merchant().bank_bin, merchant().account_no, order.amount_vnd, order.code)
    txn = bank.transfer(db, payload)  # the payer copied the order code into a transfer by hand
    assert service.handle_notification(db, "vietqr", bank.feed_message(txn)).outcome == "accepted"
    db.commit()
    db.refresh(order)
    assert (order.status, order.provider, order.pay_method) == ("paid", "vietqr", "bank_transfer")
    with pytest.raises(DomainError, match="sandbox_already_decided"):
        sandbox.decide(db, params, "approve", "card", "now")  # the card payment can no longer be made


def _race(engine, deliveries: list) -> list[str]:
    """Deliver each notification in its own session and thread, released together."""
    barrier = threading.Barrier(len(deliveries))
    outcomes: list[str] = []

    def worker(provider: str, params: dict) -> None:
        with Session(engine) as session:
            barrier.wait()
            outcomes.append(service.handle_notification(session, provider, params).outcome)
            session.commit()

    threads = [threading.Thread(target=worker, args=delivery) for delivery in deliveries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _purpose_rows(db: Session, purpose: str) -> list[PayOrder]:
    db.expire_all()  # the threads' sessions changed them
    return list(db.exec(select(PayOrder).where(PayOrder.purpose == purpose)).all())


def test_two_confirmations_for_one_purpose_in_the_same_second(db: Session, engine, delivered: list[str]) -> None:
    """Two charges for one fee in the same instant (two transfers naming it): one fulfilment, one refund."""
    payer = make_user(db)
    order = _open(db, payer)
    qr = service.bank_transfer_qr(db, payer.id, order.code)
    first, second = bank.transfer(db, qr.payload), bank.transfer(db, qr.payload)
    db.commit()
    outcomes = _race(engine, [("vietqr", bank.feed_message(first)), ("vietqr", bank.feed_message(second))])
    assert sorted(outcomes) == ["accepted", "accepted"]
    rows = _purpose_rows(db, order.purpose)
    assert delivered == [order.code]
    assert sorted((r.status, r.flag) for r in rows) == [("paid", ""), ("refunded", "duplicate")]
    assert sum(r.refunded_vnd for r in rows) == 10_000
    assert len(db.exec(select(PaySandboxBankTxn).where(PaySandboxBankTxn.direction == "out")).all()) == 1


def test_two_orders_of_one_purpose_confirmed_at_once_fulfil_once(db: Session, engine, delivered: list[str]) -> None:
    """The database keeps one fulfilment per purpose (unique ``fulfils``), also when two pending orders of it
    are confirmed concurrently: on PostgreSQL the second claim waits for the first and then fails."""
    payer = make_user(db)
    first = _open(db, payer)
    ipn_first = _approve(db, payer, first)
    db.exec(PayOrder.__table__.update().where(PayOrder.__table__.c.id == first.id).values(open_purpose=None))
    db.commit()
    second = service.create_order(db, payer.id, KIND, "fee-1", 10_000, "Lệ phí hồ sơ HS-1", "/")
    db.commit()
    ipn_second = _approve(db, payer, second)
    outcomes = _race(engine, [("sandbox", ipn_first), ("sandbox", ipn_second)])
    assert outcomes == ["accepted", "accepted"]
    rows = _purpose_rows(db, first.purpose)
    assert len(delivered) == 1
    assert sorted((r.status, r.flag) for r in rows) == [("paid", ""), ("refunded", "purpose_paid")]
    assert [r.code for r in rows if r.fulfils] == delivered


def test_cancel_by_the_payer(db: Session, delivered: list[str]) -> None:
    payer, other = make_user(db, "A"), make_user(db, "B")
    order = _open(db, payer)
    params = started(db, payer, order)
    with pytest.raises(DomainError):
        service.cancel_order(db, other.id, order.code)
    service.cancel_order(db, payer.id, order.code)
    db.commit()
    assert (order.status, order.status_reason) == ("cancelled", "by_payer")
    assert order_row(order)["pay_again"] == "/procedures/dossiers/1"
    with pytest.raises(DomainError, match="sandbox_already_decided"):
        sandbox.decide(db, params, "approve", "card", "now")


def test_payer_told_of_success_failure_and_an_order_about_to_close(db: Session, delivered: list[str]) -> None:
    payer = make_user(db)
    paid = _open(db, payer, ref="a")
    service.handle_notification(db, "sandbox", _approve(db, payer, paid))
    declined = _open(db, payer, ref="b")
    params = started(db, payer, declined)
    decision = sandbox.decide(db, params, "decline", "card", "never")
    service.handle_notification(db, "sandbox", dict(parse_qsl(urlsplit(decision.ipn_url or "").query)))
    t0 = utcnow() - timedelta(minutes=11)
    closing = _open(db, payer, ref="c", now=t0)
    started(db, payer, closing, now=t0)
    db.commit()
    report = service.reconcile_pending(db)
    db.commit()
    assert report.reminded == 1
    assert _notices(db, payer) == [("paid_title", "/procedures/dossiers/1"), ("failed_title", "/procedures/dossiers/1"),
                                   ("expiring_title", f"/payments/{closing.code}")]
    assert service.reconcile_pending(db).reminded == 0  # once


def test_signed_cancel_at_the_gateway_closes_the_order_with_calm_words(db: Session, delivered: list[str]) -> None:
    """The issue's third finding: cancelling at the bank said the answer "could not be verified"."""
    payer = make_user(db)
    order = _open(db, payer)
    params = started(db, payer, order)
    decision = sandbox.decide(db, params, "cancel", "card", "never")
    back = dict(parse_qsl(urlsplit(decision.redirect_url).query))
    result = service.handle_return(db, "sandbox", back)
    db.commit()
    assert result.redirect_path == f"/procedures/dossiers/1?pay_order={order.code}&pay_notice=cancelled"
    assert (order.status, order.status_reason) == ("cancelled", "at_gateway")


def test_a_closed_order_cannot_be_paid_again(db: Session, delivered: list[str]) -> None:
    payer = make_user(db)
    order = _open(db, payer)
    service.cancel_order(db, payer.id, order.code)
    db.commit()
    for attempt in (lambda: service.start_payment(db, payer.id, order.code, "sandbox"),
                    lambda: service.bank_transfer_qr(db, payer.id, order.code)):
        with pytest.raises(DomainError, match="order_not_payable"):
            attempt()
    assert OrderStatus(order.status) == OrderStatus.CANCELLED
