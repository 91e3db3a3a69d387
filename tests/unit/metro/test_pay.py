from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from sqlmodel import Session, select

from citizen_app.metro import denylist, pay, tickets
from citizen_app.metro.models import MetroTicket
from citizen_app.metro.phone import SimulatedPhone
from citizen_app.metro.state import MetroTicketsState
from citizen_app.notify.models import NotifyNotification
from citizen_app.notify.service import list_notifications
from citizen_app.payments import receipts, sandbox
from citizen_app.payments import service as payments
from citizen_app.payments.models import PayOrder
from citizen_app.payments.service import fulfilments
from tests.unit.metro.helpers import make_user


def test_start_purchase_creates_payment_order_and_paid_hook_activates(db: Session) -> None:
    uid = make_user(db)
    ticket, order = pay.start_purchase(db, uid, "single", SimulatedPhone().device_key, origin="L1-01",
                                       destination="L1-14")
    db.commit()
    assert order is not None and order.amount_vnd == 19000 and order.product_ref == ticket.order_ref
    assert order.product_kind == "metro_ticket"
    fulfilments.paid["metro_ticket"](db, order)
    db.commit()
    assert db.get(MetroTicket, ticket.id).status == "active"
    fulfilments.refunded["metro_ticket"](db, order, order.amount_vnd)
    db.commit()
    assert db.get(MetroTicket, ticket.id).status == "revoked"
    assert f"t:{ticket.id}" in denylist.denylist_entries(db)


def test_free_pass_needs_no_payment_order(db: Session) -> None:
    uid = make_user(db)
    ticket, order = pay.start_purchase(db, uid, "senior_free", SimulatedPhone().device_key,
                                       claims={"age_over_60": True})
    assert order is None and ticket.status == "active"


def _pay_url(db: Session, uid: int, product: str = "single", phone: SimulatedPhone | None = None) -> str:
    result = pay.checkout(db, uid, product, (phone or SimulatedPhone()).device_key, origin="L1-01",
                          destination="L1-11")
    db.commit()
    return result.redirect_url


def _decide(db: Session, url: str, decision: str) -> dict[str, str]:
    outcome = sandbox.decide(db, dict(parse_qsl(urlsplit(url).query)), decision, "card", "never")
    db.commit()
    return dict(parse_qsl(urlsplit(outcome.ipn_url or "").query))


def test_buying_the_same_ticket_again_resumes_its_payment(db: Session) -> None:
    uid, phone = make_user(db), SimulatedPhone()
    first, second = _pay_url(db, uid, phone=phone), _pay_url(db, uid, phone=phone)
    assert dict(parse_qsl(urlsplit(first).query))["vnp_TxnRef"] == dict(parse_qsl(urlsplit(second).query))["vnp_TxnRef"]
    assert len(db.exec(select(MetroTicket)).all()) == 1


def test_buying_the_same_pass_again_resumes_its_payment_and_another_route_does_not(db: Session) -> None:
    """The unpaid-ticket lookup is one prebuilt statement per kind of route: a pass has no stations (IS NULL), a
    single journey its two stations; both find the same purchase again, and only it."""
    uid, phone = make_user(db), SimulatedPhone()

    def pay_url(product: str, origin: str | None = None, destination: str | None = None) -> str:
        url = pay.checkout(db, uid, product, phone.device_key, origin=origin, destination=destination).redirect_url
        db.commit()
        return dict(parse_qsl(urlsplit(url).query))["vnp_TxnRef"]

    assert pay_url("monthly") == pay_url("monthly")
    single = pay_url("single", "L1-01", "L1-11")
    assert pay_url("single", "L1-01", "L1-11") == single and pay_url("single", "L1-01", "L1-08") != single
    assert len(db.exec(select(MetroTicket)).all()) == 3


def test_a_declined_purchase_reads_failed_with_pay_again_and_cancel(db: Session) -> None:
    """The issue: /metro/tickets said "Chờ thanh toán" with no retry or cancel after a decline."""
    uid = make_user(db)
    url = _pay_url(db, uid)
    payments.handle_notification(db, "sandbox", _decide(db, url, "decline"))
    db.commit()
    ticket = db.exec(select(MetroTicket)).one()
    row = MetroTicketsState._purchase_row(ticket, pay.unpaid_orders(db, [ticket]).get(ticket.id))
    assert (row["pay_status"], row["status_vi"], row["can_retry"], row["can_continue"]) == (
        "failed", "Thanh toán không thành công", "1", "")
    assert "chưa bị trừ tiền" in row["hint_vi"]
    again = pay.pay_ticket(db, uid, ticket.id)  # "pay again": a new order for the same ticket
    db.commit()
    orders = db.exec(select(PayOrder).order_by(PayOrder.id)).all()  # type: ignore[arg-type]
    assert [o.status for o in orders] == ["failed", "pending"]
    assert dict(parse_qsl(urlsplit(again).query))["vnp_TxnRef"] == orders[1].code
    pay.cancel_ticket(db, uid, ticket.id)
    db.commit()
    assert [o.status for o in db.exec(select(PayOrder).order_by(PayOrder.id)).all()] == [  # type: ignore[arg-type]
        "failed", "cancelled"]
    assert db.get(MetroTicket, ticket.id).status == "cancelled"


def test_one_receipt_number_names_the_pass_exactly(db: Session) -> None:
    """The issue: a 1-day pass read "Vé metro tháng", two receipt numbers, no route on the PDF."""
    uid = make_user(db)
    url = _pay_url(db, uid, product="day_1")
    payments.handle_notification(db, "sandbox", _decide(db, url, "approve"))
    db.commit()
    ticket, order = db.exec(select(MetroTicket)).one(), db.exec(select(PayOrder)).one()
    assert ticket.receipt_no == order.code  # the metro receipt and the payment receipt: one number
    assert tickets.get_receipt(db, uid, ticket.id).receipt_no == order.code
    vi = receipts.receipt_for(db, uid, order.code, "vi")
    assert vi.description == "Metro số 1 – Vé 1 ngày" and vi.product_label != "Vé metro tháng"
    assert [line.label_key for line in vi.lines] == ["payments.receipt.route", "payments.receipt.validity",
                                                     "payments.receipt.ticket"]
    assert vi.lines[0].vi == "Mọi ga tuyến số 1"
    single = _pay_url(db, uid)
    payments.handle_notification(db, "sandbox", _decide(db, single, "approve"))
    db.commit()
    code = dict(parse_qsl(urlsplit(single).query))["vnp_TxnRef"]
    en = receipts.receipt_for(db, uid, code, "en")
    assert en.description.startswith("Metro Line 1 – Single journey ") and "→" in en.description
    assert en.lines[0].en == en.description.split("Single journey ", 1)[1]
    assert en.method_text == "Domestic bank card (ATM), through Sandbox payment gateway"
    text = receipts.receipt_pdf(en)
    assert text.startswith(b"%PDF")


def test_the_rider_is_told_the_ticket_is_ready(db: Session) -> None:
    uid = make_user(db)
    url = _pay_url(db, uid)
    payments.handle_notification(db, "sandbox", _decide(db, url, "approve"))
    db.commit()
    ticket = db.exec(select(MetroTicket)).one()
    [notice] = db.exec(select(NotifyNotification).where(NotifyNotification.user_id == uid)).all()
    assert (notice.title_key, notice.url) == ("metro.notice.ticket_ready_title", f"/metro/ticket/?id={ticket.id}")
    [view] = list_notifications(db, uid, "en")
    assert view.title == "Your ticket is ready" and "13.000 ₫ paid" in view.body


def test_the_configured_provider_is_used(db: Session, monkeypatch) -> None:
    monkeypatch.setenv("PAYMENTS_PROVIDER", "momo")
    uid = make_user(db)
    url = _pay_url(db, uid)
    assert urlsplit(url).path == "/pay/sandbox/momo/pay"
    assert db.exec(select(PayOrder)).one().provider == "momo"


def test_checkout_does_not_read_back_the_order_it_just_opened(db: Session) -> None:
    """Issue 24: a purchase read its order about four times; the payment starts from the order it opened."""
    from tests.conftest import sql_statements

    uid = make_user(db)
    with sql_statements(db.get_bind()) as statements:
        url = _pay_url(db, uid)
    by_code = [s for s in statements if s.lstrip().startswith("SELECT pay_order.id, pay_order.code")
               and "WHERE pay_order.code" in s]
    assert by_code == [], "the new order is not read again by its code"
    open_reads = [s for s in statements if s.lstrip().startswith("SELECT") and "WHERE pay_order.open_purpose" in s]
    assert open_reads == [], "a ticket made in this purchase has no order yet: none is looked for (fifth round)"
    order = db.exec(select(PayOrder)).one()
    assert (order.provider, dict(parse_qsl(urlsplit(url).query))["vnp_TxnRef"]) == ("sandbox", order.code)
