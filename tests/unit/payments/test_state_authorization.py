"""Payments UI handlers authorize on the server: crafted events from another user's browser change nothing."""

from __future__ import annotations

import pytest
import reflex as rx
from reflex.istate.data import RouterData
from sqlmodel import Session, select

from citizen_app.core.db import session_scope
from citizen_app.identity import service as identity
from citizen_app.identity.state import AuthState
from citizen_app.payments import service
from citizen_app.payments.models import PayOrder
from citizen_app.payments.state import OrderState, PayAdminState, PaymentsState, clean_code, parse_amount
from tests.unit.payments.helpers import gateway_ipn, make_agency, make_user, new_order, paid_order


@pytest.fixture(autouse=True)
def _fresh_hooks(monkeypatch: pytest.MonkeyPatch) -> service.FulfilmentRegistry:
    """Other pillars' fulfilment hooks (e.g. metro, once imported by another test) must not run here."""
    registry = service.FulfilmentRegistry()
    monkeypatch.setattr(service, "fulfilments", registry)
    return registry



def _states(cookie: str = "", query: dict | None = None):
    root = rx.State()
    root.router = RouterData.from_router_data(
        {"headers": {"cookie": cookie}, "pathname": "/payments", "query": query or {}, "client_ip": "127.0.0.1"})

    def sub(cls):
        return root.get_substate(cls.get_full_name().split(".")[1:])

    return sub


def _login(user_id: int, query: dict | None = None):
    with session_scope() as db:
        token = identity.open_session(db, user_id)
    sub = _states(f"cds_sid={token}", query)
    AuthState.load_session.fn(sub(AuthState))
    return sub


def _paid_order(engine) -> tuple[int, int, int, str]:
    with Session(engine, expire_on_commit=False) as db:
        owner = make_user(db, "Lê Thị Mai")
        other = make_user(db, "Trần Thu Hà")
        admin = make_user(db, "Quản trị", role="admin")
        order = new_order(db, owner, 30000)
        service.handle_notification(db, "sandbox", gateway_ipn(db, owner, order))
        db.commit()
        return owner.id, other.id, admin.id, order.code


def _order(code: str) -> PayOrder:
    with session_scope() as db:
        return db.exec(select(PayOrder).where(PayOrder.code == code)).one()


async def test_someone_elses_order_is_not_shown_nor_payable(app_db) -> None:
    with Session(app_db, expire_on_commit=False) as db:
        owner, other = make_user(db, "Lê Thị Mai"), make_user(db, "Trần Thu Hà")
        code = new_order(db, owner).code
    sub = _login(other.id, {"pay_code": code})
    state = sub(OrderState)
    await OrderState.load.fn(state)
    assert state.order == {} and state.error["vi"] == "Không tìm thấy đơn thanh toán."
    await OrderState.pay.fn(state, {"provider": "sandbox"})
    await OrderState.show_qr.fn(state)
    assert state.qr == {}
    assert _order(code).provider is None

    owner_sub = _login(owner.id, {"pay_code": code})
    mine = owner_sub(OrderState)
    await OrderState.load.fn(mine)
    assert mine.order["code"] == code and mine.order["status"] == "pending" and mine.error == {}
    await OrderState.show_qr.fn(mine)
    assert mine.qr["reference"] == code and mine.qr["png"].startswith("data:image/png;base64,")


async def test_paid_order_shows_receipt_and_history(app_db) -> None:
    owner, _other, _admin, code = _paid_order(app_db)
    state = _login(owner, {"pay_code": code, "pay_order": code})(OrderState)
    await OrderState.load.fn(state)
    assert state.order["status"] == "paid" and state.receipt["amount"] == "30.000 ₫"
    assert [h["status"] for h in state.history] == ["pending", "paid"]
    assert state.watching is False  # nothing to wait for


async def test_only_staff_can_refund(app_db) -> None:
    owner, other, admin, code = _paid_order(app_db)
    for user_id in (owner, other):
        state = _login(user_id)(PayAdminState)
        await PayAdminState.load.fn(state)
        assert state.orders == [] and state.error["en"] == "You are not allowed to do this."
        state.refund_code = code
        await PayAdminState.refund.fn(state, {"amount": "30000", "reason": "muốn hoàn", "confirm": "on"})
        assert state.error["en"] == "You are not allowed to do this."
        assert _order(code).status == "paid"

    staff = _login(admin)(PayAdminState)
    await PayAdminState.load.fn(staff)
    assert [o["code"] for o in staff.orders] == [code]
    PayAdminState.pick_refund.fn(staff, code)
    assert staff.refund_code == code and staff.refund_max == "30.000 ₫"
    await PayAdminState.refund.fn(staff, {"amount": "10.000", "reason": "Thu trùng"})
    assert staff.error["en"] == "Please tick the confirmation box before refunding."
    await PayAdminState.refund.fn(staff, {"amount": "10.000", "reason": "Thu trùng", "confirm": "on"})
    assert staff.error == {} and "10.000 ₫" in staff.saved["vi"]
    assert _order(code).refunded_vnd == 10000 and _order(code).status == "partially_refunded"


async def test_reconciliation_page_shows_only_the_agency_s_money(app_db) -> None:
    with Session(app_db, expire_on_commit=False) as db:
        ward = make_agency(db, "ubnd-ban-co", "UBND phường Bàn Cờ", "Ban Co Ward People's Committee")
        police = make_agency(db, "ca-ban-co", "Công an phường Bàn Cờ", "Ban Co Ward Police", kind="police")
        payer = make_user(db, "Lê Thị Mai")
        ward_fee = paid_order(db, payer, 40_000, ward.id).code
        police_fee = paid_order(db, payer, 15_000, police.id).code
        ward_official = make_user(db, "Phạm Văn Bình", "official", ward.id).id
        ward_finance = make_user(db, "Trương Ngọc Hân", "finance", ward.id).id
        police_official = make_user(db, "Võ Thị Lan", "official", police.id).id

    other = _login(police_official)(PayAdminState)
    await PayAdminState.load.fn(other)
    assert [o["code"] for o in other.orders] == [police_fee] and other.total["paid"] == "15.000 ₫"
    assert other.scope["vi"] == "Chỉ các khoản thu của Công an phường Bàn Cờ." and other.can_refund is False
    other.refund_code = ward_fee  # a crafted event naming the other agency's order
    await PayAdminState.refund.fn(other, {"amount": "40000", "reason": "Hoàn nhầm", "confirm": "on"})
    assert other.error["en"] == "You are not allowed to do this."

    reader = _login(ward_official)(PayAdminState)
    await PayAdminState.load.fn(reader)
    assert [o["code"] for o in reader.orders] == [ward_fee] and reader.can_refund is False
    PayAdminState.pick_refund.fn(reader, ward_fee)
    assert reader.refund_code == ""  # no refund form for officials
    reader.refund_code = ward_fee
    await PayAdminState.refund.fn(reader, {"amount": "40000", "reason": "Hoàn cho dân", "confirm": "on"})
    assert reader.error["en"] == "You are not allowed to do this." and _order(ward_fee).refunded_vnd == 0

    finance = _login(ward_finance)(PayAdminState)
    await PayAdminState.load.fn(finance)
    assert [o["code"] for o in finance.orders] == [ward_fee] and finance.can_refund is True
    finance.refund_code = police_fee  # crafted: the other agency's order does not exist for ward finance
    await PayAdminState.refund.fn(finance, {"amount": "15000", "reason": "Hoàn nhầm", "confirm": "on"})
    assert finance.error["en"] == "Payment order not found." and _order(police_fee).status == "paid"
    PayAdminState.pick_refund.fn(finance, ward_fee)
    await PayAdminState.refund.fn(finance, {"amount": "40000", "reason": "", "confirm": "on"})
    assert finance.error["en"] == "Please give a refund reason." and _order(ward_fee).status == "paid"
    await PayAdminState.refund.fn(finance, {"amount": "40000", "reason": "Hồ sơ bị trả lại", "confirm": "on"})
    assert finance.error == {} and _order(ward_fee).status == "refunded"


async def test_test_orders_need_a_login_and_a_whole_amount(app_db) -> None:
    state = _states()(PaymentsState)
    await PaymentsState.create_test_order.fn(state, {"amount": "10000"})
    assert state.error["en"] == "Please log in to continue."
    with Session(app_db, expire_on_commit=False) as db:
        user = make_user(db, "Nguyễn Minh Khoa")
    mine = _login(user.id)(PaymentsState)
    await PaymentsState.create_test_order.fn(mine, {"amount": "10 nghìn"})
    assert mine.error["vi"].startswith("Số tiền phải là số nguyên")
    await PaymentsState.create_test_order.fn(mine, {"amount": "10.000"})
    await PaymentsState.load.fn(mine)
    assert [(o["amount"], o["status"]) for o in mine.orders] == [("10.000 ₫", "pending")]
    assert mine.orders[0]["service_path"] == ""


def test_codes_and_amounts_are_cleaned() -> None:
    assert clean_code(" cdsabc234 ") == "CDSABC234" and clean_code("../x") == "" and clean_code(None) == ""
    assert parse_amount("12.000") == 12000 and parse_amount("7 000") == 7000


async def test_cancel_is_the_payers_alone_and_an_expired_order_shows_no_way_to_pay(app_db) -> None:
    from datetime import timedelta

    from citizen_app.core.timeutil import utcnow

    with Session(app_db, expire_on_commit=False) as db:
        owner, other = make_user(db, "Lê Thị Mai"), make_user(db, "Trần Thu Hà")
        code = new_order(db, owner).code
        stale = new_order(db, owner, now=utcnow() - timedelta(minutes=16)).code
    crafted = _login(other.id, {"pay_code": code})(OrderState)
    await OrderState.cancel.fn(crafted)
    assert crafted.error["en"] == "Payment order not found." and _order(code).status == "pending"

    mine = _login(owner.id, {"pay_code": code, "pay_order": code, "pay_notice": "cancelled"})(OrderState)
    await OrderState.load.fn(mine)
    assert mine.notice["en"] == "You cancelled the payment. Nothing was charged."
    await OrderState.cancel.fn(mine)
    assert (mine.order["status"], mine.order["pending"], mine.order["can_cancel"]) == ("cancelled", "", "")
    assert mine.notice["vi"] == "Đã hủy đơn. Không có khoản tiền nào bị trừ." and _order(code).status == "cancelled"

    late = _login(owner.id, {"pay_code": stale})(OrderState)
    await OrderState.load.fn(late)
    assert late.order["status"] == "expired" and late.order["pending"] == "" and late.qr == {}
    await OrderState.show_qr.fn(late)  # a crafted click: no VietQR for an order past its deadline
    assert late.qr == {} and late.error["en"].startswith("This order has expired")
