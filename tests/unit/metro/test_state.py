"""Metro UI handlers authorize on the server: crafted events from a browser change nothing they may not."""

from __future__ import annotations

import time
from datetime import timedelta

import reflex as rx
from reflex.istate.data import RouterData
from sqlmodel import Session, select

from citizen_app.core.db import session_scope
from citizen_app.core.timeutil import utcnow
from citizen_app.identity import service as identity
from citizen_app.identity.models import UserRole
from citizen_app.identity.state import AuthState
from citizen_app.metro import purchase
from citizen_app.metro.claims import verified_claims
from citizen_app.metro.models import MetroTap, MetroTicket
from citizen_app.metro.phone import SimulatedPhone
from citizen_app.metro.state import MetroGateState, MetroReceiptState, MetroState, MetroTicketsState
from citizen_app.wallet.models import IssuedCredential

PASSWORD = "Metro2026benthanh"


def _states(cookie: str = "", query: dict | None = None):
    root = rx.State()
    root.router = RouterData.from_router_data(
        {"headers": {"cookie": cookie}, "pathname": "/metro", "query": query or {}, "client_ip": "127.0.0.1"}
    )

    def sub(cls):
        return root.get_substate(cls.get_full_name().split(".")[1:])

    return root, sub


def _seed(engine) -> dict[str, int]:
    with Session(engine) as db:
        khoa = identity.register(db, "0912000001", PASSWORD, "Nguyễn Minh Khoa")
        ha = identity.register(db, "0912000002", PASSWORD, "Trần Thu Hà")
        binh = identity.register(db, "0938000001", PASSWORD, "Phạm Văn Bình")
        db.add(UserRole(user_id=binh.id, role="official"))
        db.commit()
        return {"khoa": khoa.id, "ha": ha.id, "binh": binh.id}


def _as(user_id: int | None, query: dict | None = None):
    cookie = ""
    if user_id is not None:
        with session_scope() as db:
            cookie = f"cds_sid={identity.open_session(db, user_id)}"
    _, sub = _states(cookie, query)
    AuthState.load_session.fn(sub(AuthState))
    return sub


def _credential(user_id: int, kind: str, *, revoked: bool = False) -> None:
    with session_scope() as db:
        now = utcnow()
        db.add(IssuedCredential(user_id=user_id, kind=kind, vct=f"test:{kind}", holder_thumbprint="t" * 43,
                                status_list_id="test", status_idx=1, issued_at=now, expires_at=now + timedelta(days=30),
                                revoked_at=now if revoked else None))


def _paid_ticket(user_id: int) -> tuple[MetroTicket, SimulatedPhone]:
    phone = SimulatedPhone()
    with session_scope() as db:
        ticket = purchase.create_order(db, user_id, "single", phone.device_key, origin="L1-01", destination="L1-11")
        purchase.fulfil_paid_order(db, ticket.order_ref, amount_vnd=ticket.price_vnd)
    return ticket, phone


def test_verified_claims_reads_only_valid_credentials(app_db) -> None:
    ids = _seed(app_db)
    _credential(ids["khoa"], "student")
    _credential(ids["ha"], "student", revoked=True)
    _credential(ids["ha"], "identity")
    with session_scope() as db:
        assert verified_claims(db, ids["khoa"]) == {"student": True, "age_over_60": False}
        assert verified_claims(db, ids["ha"]) == {"student": False, "age_over_60": False}
        assert verified_claims(db, None) == {"student": False, "age_over_60": False}


async def test_student_pass_needs_the_credential(app_db) -> None:
    ids = _seed(app_db)
    key = SimulatedPhone().device_key
    sub = _as(ids["ha"])
    state = sub(MetroState)
    await MetroState.load.fn(state)
    student = next(p for p in state.products if p["id"] == "student_monthly")
    assert student["eligible"] == "" and student["needs"] == "student"
    MetroState.buy_product.fn(state, "student_monthly")
    assert await MetroState.purchase.fn(state, key) is None
    assert state.error["en"].startswith("The student monthly pass needs")
    with session_scope() as db:
        assert db.exec(select(MetroTicket)).all() == []

    _credential(ids["khoa"], "student")
    state = _as(ids["khoa"])(MetroState)
    await MetroState.load.fn(state)
    assert next(p for p in state.products if p["id"] == "student_monthly")["eligible"] == "1"
    MetroState.buy_product.fn(state, "student_monthly")
    redirect = await MetroState.purchase.fn(state, key)
    assert redirect is not None and state.error == {}
    with session_scope() as db:
        ticket = db.exec(select(MetroTicket)).one()
        assert ticket.user_id == ids["khoa"] and ticket.price_vnd == 150000 and ticket.rider_category == "student"


async def test_anonymous_purchase_is_refused(app_db) -> None:
    _seed(app_db)
    state = _as(None)(MetroState)
    MetroState.buy_single.fn(state)
    assert await MetroState.purchase.fn(state, SimulatedPhone().device_key) is None
    assert state.error["en"] == "Please log in to continue."


async def test_gate_scan_needs_staff_role(app_db) -> None:
    ids = _seed(app_db)
    ticket, phone = _paid_ticket(ids["khoa"])
    text = phone.qr_text(ticket.payload or "", int(time.time()))
    form = {"station": "L1-01", "direction": "in", "qr": text}
    for user in (None, ids["khoa"]):
        gate = _as(user)(MetroGateState)
        await MetroGateState.scan.fn(gate, form)
        assert gate.result == {} and gate.error
    with session_scope() as db:
        assert db.exec(select(MetroTap)).all() == []

    gate = _as(ids["binh"])(MetroGateState)
    await MetroGateState.scan.fn(gate, form)
    assert gate.result["admitted"] == "1" and gate.error == {}
    await MetroGateState.scan.fn(gate, form)
    assert gate.result["admitted"] == "" and gate.result["reason"] == "passback"
    with session_scope() as db:
        assert len(db.exec(select(MetroTap)).all()) == 1


async def test_other_riders_orders_and_receipts_stay_private(app_db) -> None:
    ids = _seed(app_db)
    ticket, _ = _paid_ticket(ids["khoa"])
    receipt = _as(ids["ha"], {"id": ticket.id})(MetroReceiptState)
    await MetroReceiptState.load.fn(receipt)
    assert receipt.receipt == {} and receipt.error
    mine = _as(ids["khoa"], {"id": ticket.id})(MetroReceiptState)
    await MetroReceiptState.load.fn(mine)
    assert mine.receipt["amount"] == "13.000 ₫" and mine.receipt["estimate"] == "1"

    tickets = _as(ids["ha"], {"ticket": ticket.id})(MetroTicketsState)
    await MetroTicketsState.load.fn(tickets)
    assert tickets.result == {} and tickets.purchases == []


def test_home_lists_active_tickets(app_db) -> None:
    from citizen_app.metro.summary import open_items

    ids = _seed(app_db)
    ticket, _ = _paid_ticket(ids["khoa"])
    with session_scope() as db:
        items = open_items(db, ids["khoa"], "en")
        assert [i.href for i in items] == [f"/metro/ticket/?id={ticket.id}"]
        assert items[0].title == "Single journey · Ben Thanh → Thu Duc" and items[0].status.startswith("Valid until")
        assert open_items(db, ids["ha"], "vi") == []
