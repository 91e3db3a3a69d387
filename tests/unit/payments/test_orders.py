from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.timeutil import utcnow
from citizen_app.payments import sandbox, service
from citizen_app.payments.models import OrderStatus, PayAudit, PayNotification, PayOrder, PaySandboxTxn
from tests.conftest import sql_statements
from tests.unit.payments.helpers import gateway_ipn, make_user, new_order, started


@pytest.fixture(autouse=True)
def _fresh_hooks(monkeypatch: pytest.MonkeyPatch) -> service.FulfilmentRegistry:
    registry = service.FulfilmentRegistry()
    monkeypatch.setattr(service, "fulfilments", registry)
    return registry


def _audits(db: Session, order: PayOrder) -> list[tuple[str, str, str]]:
    rows = db.exec(select(PayAudit).where(PayAudit.order_id == order.id).order_by(col(PayAudit.id))).all()
    return [(r.from_status, r.to_status, r.reason) for r in rows]


def test_create_order_validates(db: Session) -> None:
    user = make_user(db)
    order = new_order(db, user, 12500)
    assert order.status == "pending" and order.code.startswith("CDS") and len(order.code) == 13
    assert order.expires_at - order.created_at == timedelta(minutes=15)
    for amount in (0, -5, 12.5, True, 10_000_001):
        with pytest.raises(DomainError):
            service.create_order(db, user.id, "sandbox_demo", "x", amount, "d", "/")  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="unknown_product"):
        service.create_order(db, user.id, "lottery", "x", 1000, "d", "/")
    evil = service.create_order(db, user.id, "sandbox_demo", "x", 1000, "d", "//evil.example")
    assert evil.return_path == "/"


def test_replayed_notification_pays_once(db: Session, _fresh_hooks: service.FulfilmentRegistry) -> None:
    calls: list[str] = []
    _fresh_hooks.on_paid("sandbox_demo")(lambda _db, order: calls.append(order.code))
    user = make_user(db)
    order = new_order(db, user)
    ipn = gateway_ipn(db, user, order)
    outcomes = []
    for _ in range(10):
        outcomes.append(service.handle_notification(db, "sandbox", ipn).outcome)
        db.commit()
    assert outcomes == ["accepted"] + ["duplicate"] * 9
    assert calls == [order.code]
    db.refresh(order)
    assert order.status == "paid" and order.paid_at and order.fulfilled_at and order.provider_txn
    assert _audits(db, order) == [("", "pending", "created"), ("pending", "paid", "ipn")]
    assert len(db.exec(select(PayNotification)).all()) == 10


def test_paid_order_in_memory_matches_the_row_without_reading_it_back(db: Session, engine) -> None:
    user = make_user(db)
    order = new_order(db, user)
    ipn = gateway_ipn(db, user, order)
    with sql_statements(engine) as statements:
        assert service.handle_notification(db, "sandbox", ipn).outcome == "accepted"
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM pay_order" in s]
    assert len(reads) == 1  # finding the order by its code; the conditional UPDATE is not followed by a SELECT
    seen = {key: getattr(order, key) for key in ("status", "updated_at", "paid_at", "provider_txn", "pay_method")}
    db.commit()
    db.expire(order)
    assert {key: getattr(order, key) for key in seen} == seen and seen["status"] == "paid"


def test_ack_codes_follow_gateway_format(db: Session) -> None:
    user = make_user(db)
    order = new_order(db, user)
    ipn = gateway_ipn(db, user, order)
    assert service.handle_notification(db, "sandbox", ipn).ack.body == {"RspCode": "00", "Message": "Confirm Success"}
    assert service.handle_notification(db, "sandbox", ipn).ack.body["RspCode"] == "02"


@pytest.mark.parametrize("field,value,outcome,code", [
    ("vnp_SecureHash", "ab" * 64, "bad_signature", "97"),
    ("vnp_ResponseCode", "00x", "bad_signature", "97"),
    ("vnp_SecureHash", "", "bad_signature", "97"),
])
def test_tampered_signature_rejected(db: Session, field: str, value: str, outcome: str, code: str) -> None:
    user = make_user(db)
    order = new_order(db, user)
    ipn = {**gateway_ipn(db, user, order), field: value}
    result = service.handle_notification(db, "sandbox", ipn)
    db.commit()
    assert (result.outcome, result.ack.body["RspCode"]) == (outcome, code)
    db.refresh(order)
    assert order.status == "pending"
    logged = db.exec(select(PayNotification)).one()
    assert logged.outcome == outcome


def _resign(params: dict[str, str], **changes: str) -> dict[str, str]:
    from citizen_app.payments import signing

    new = {**params, **changes}
    new["vnp_SecureHash"] = signing.sign(new, sandbox.gateway_secret())
    return new


def test_wrong_amount_rejected_even_if_signed(db: Session) -> None:
    user = make_user(db)
    order = new_order(db, user, 7000)
    ipn = _resign(gateway_ipn(db, user, order), vnp_Amount="100")
    result = service.handle_notification(db, "sandbox", ipn)
    assert (result.outcome, result.ack.body["RspCode"]) == ("wrong_amount", "04")
    db.refresh(order)
    assert order.status == "pending"


def test_unknown_order_rejected(db: Session) -> None:
    user = make_user(db)
    order = new_order(db, user)
    ipn = _resign(gateway_ipn(db, user, order), vnp_TxnRef="CDSNOSUCHORDER")
    result = service.handle_notification(db, "sandbox", ipn)
    assert (result.outcome, result.ack.body["RspCode"]) == ("unknown_order", "01")
    assert db.exec(select(PayNotification)).one().outcome == "unknown_order"


def test_declined_payment_fails_and_a_later_paid_message_delivers_nothing(db: Session) -> None:
    user = make_user(db)
    order = new_order(db, user)
    ipn = gateway_ipn(db, user, order, decision="decline")
    assert service.handle_notification(db, "sandbox", ipn).outcome == "failed_recorded"
    db.refresh(order)
    assert order.status == "failed" and order.open_purpose is None
    assert service.handle_notification(db, "sandbox", ipn).outcome == "duplicate"
    # A signed "paid" after the failure (a gateway contradicting itself): the money is kept as a late payment,
    # nothing is delivered, and the refund is due (this gateway's ledger refuses it: it never took the money).
    signed_paid = _resign(ipn, vnp_ResponseCode="00", vnp_TransactionStatus="00")
    assert service.handle_notification(db, "sandbox", signed_paid).outcome == "accepted"
    db.refresh(order)
    assert (order.status, order.flag, order.fulfilled_at) == ("paid", "late_after_failure", None)


def test_return_url_never_pays(db: Session) -> None:
    user = make_user(db)
    order = new_order(db, user)
    params = started(db, user, order)
    decision = sandbox.decide(db, params, "approve", "card", "never")
    db.commit()
    from urllib.parse import parse_qsl, urlsplit

    back = dict(parse_qsl(urlsplit(decision.redirect_url).query))
    result = service.handle_return(db, "sandbox", back)
    db.refresh(order)
    assert result.verified and result.redirect_path == f"/metro/tickets?pay_order={order.code}"
    assert order.status == "pending"
    forged = service.handle_return(db, "sandbox", {**back, "vnp_Amount": "1"})
    assert not forged.verified and "pay_notice=unverified" in forged.redirect_path
    # but a verified query does pay it (the user presses "check again")
    service.refresh_order(db, user.id, order.code)
    assert order.status == "paid"
    assert _audits(db, order)[-1] == ("pending", "paid", "query")


def test_return_signed_success_without_gateway_record_does_not_pay(db: Session) -> None:
    user = make_user(db)
    order = new_order(db, user)
    started(db, user, order)
    fake = _resign({"vnp_TxnRef": order.code, "vnp_Amount": str(order.amount_vnd * 100), "vnp_ResponseCode": "00",
                    "vnp_TransactionStatus": "00", "vnp_TmnCode": "CDSSBX01"})
    assert service.handle_return(db, "sandbox", fake).verified
    db.refresh(order)
    assert order.status == "pending"


def test_expiry_and_reconciliation_after_restart(db: Session) -> None:
    user = make_user(db)
    t0 = utcnow()
    abandoned = new_order(db, user, now=t0)
    started(db, user, abandoned, now=t0)
    never_started = new_order(db, user, now=t0)
    lost_ipn = new_order(db, user, now=t0)
    params = started(db, user, lost_ipn, now=t0)
    sandbox.decide(db, params, "approve", "ewallet", "never", now=t0 + timedelta(minutes=1))
    db.commit()  # ... the server restarts here; no notification ever arrives
    early = service.reconcile_pending(db, t0 + timedelta(minutes=2))
    db.commit()
    assert (early.paid, early.expired) == (1, 0)
    report = service.reconcile_pending(db, t0 + timedelta(minutes=25))
    db.commit()
    assert (report.checked, report.expired, report.errors) == (2, 2, 0), report
    for order, status in ((abandoned, "expired"), (never_started, "expired"), (lost_ipn, "paid")):
        db.refresh(order)
        assert order.status == status
    assert _audits(db, abandoned)[-1] == ("pending", "expired", "abandoned")
    with pytest.raises(DomainError, match="not_payable"):
        service.start_payment(db, user.id, abandoned.code, "sandbox")


def test_gateway_refuses_after_expiry_and_start_expires(db: Session) -> None:
    user = make_user(db)
    t0 = utcnow()
    order = new_order(db, user, now=t0)
    params = started(db, user, order, now=t0)
    sandbox.decide(db, params, "approve", "card", "now", now=t0 + timedelta(minutes=16))
    assert db.exec(select(PaySandboxTxn)).one().status == "declined"
    other = new_order(db, user, now=t0)
    with pytest.raises(DomainError, match="order_expired"):
        service.start_payment(db, user.id, other.code, "sandbox", now=t0 + timedelta(minutes=16))


def test_notification_after_the_order_expired_is_captured_and_refunded(db: Session) -> None:
    user = make_user(db)
    t0 = utcnow()
    order = new_order(db, user, now=t0)
    ipn = gateway_ipn(db, user, order, now=t0 + timedelta(minutes=14))  # approved just before the deadline
    assert service._transition(db, order, OrderStatus.EXPIRED, "system:test", "abandoned")
    assert service.handle_notification(db, "sandbox", ipn).outcome == "accepted"
    db.refresh(order)
    assert (order.status, order.flag, order.refunded_vnd, order.fulfilled_at) == (
        "refunded", "late_after_expiry", order.amount_vnd, None)
    assert _audits(db, order)[-3:] == [("pending", "expired", "abandoned"), ("expired", "paid", "ipn"),
                                       ("paid", "refunded", "refund")]


def test_fulfilment_error_rolls_back(db: Session, _fresh_hooks: service.FulfilmentRegistry) -> None:
    def boom(_db: Session, _order: PayOrder) -> None:
        raise RuntimeError("ticket system down")

    _fresh_hooks.on_paid("sandbox_demo")(boom)
    user = make_user(db)
    order = new_order(db, user)
    ipn = gateway_ipn(db, user, order)
    with pytest.raises(RuntimeError):
        service.handle_notification(db, "sandbox", ipn)
    db.rollback()
    db.refresh(order)
    assert order.status == "pending"


def test_ownership_and_provider_lock(db: Session) -> None:
    owner, other = make_user(db, "A"), make_user(db, "B")
    order = new_order(db, owner)
    with pytest.raises(NotFound):
        service.get_order(db, other.id, order.code)
    with pytest.raises(NotAllowed):
        service.get_order(db, None, order.code)
    with pytest.raises(DomainError, match="unknown_provider"):
        service.start_payment(db, owner.id, order.code, "no_such_gateway")
    official = make_user(db, "C", role="official")
    with pytest.raises(NotFound):
        service.get_order(db, official.id, order.code)  # a test order belongs to no agency
    admin = make_user(db, "D", role="admin")
    assert service.get_order(db, admin.id, order.code).id == order.id


def test_bad_transition_refused(db: Session) -> None:
    user = make_user(db)
    order = new_order(db, user)
    with pytest.raises(DomainError, match="bad_transition"):
        service._transition(db, order, OrderStatus.REFUNDED, "test", "x")


def test_concurrent_replays_pay_once(db: Session, engine, _fresh_hooks: service.FulfilmentRegistry) -> None:
    import threading

    calls: list[str] = []
    _fresh_hooks.on_paid("sandbox_demo")(lambda _db, order: calls.append(order.code))
    user = make_user(db)
    order = new_order(db, user)
    ipn = gateway_ipn(db, user, order)
    outcomes: list[str] = []
    barrier = threading.Barrier(10)

    def worker() -> None:
        with Session(engine) as session:
            barrier.wait()
            outcomes.append(service.handle_notification(session, "sandbox", ipn).outcome)
            session.commit()

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["accepted"] + ["duplicate"] * 9
    assert calls == [order.code]
