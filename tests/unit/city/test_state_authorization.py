"""Crafted events from a citizen's browser change nothing: every city handler authorizes on the server."""

from __future__ import annotations

import reflex as rx
from reflex.istate.data import RouterData
from sqlmodel import Session, select

from citizen_app.city import mydata, service
from citizen_app.city.models import CityAnnouncement, CityDataRequest, CityHelpRequest
from citizen_app.city.state import AdminDataState, AnnounceManageState, HelpRequestsState, MyDataState
from citizen_app.core.db import session_scope
from citizen_app.identity import service as identity
from citizen_app.identity.state import AuthState
from tests.unit.city.helpers import make_user

FORBIDDEN_VI = "Bạn không có quyền thực hiện thao tác này."


def _states(cookie: str = ""):
    root = rx.State()
    root.router = RouterData.from_router_data(
        {"headers": {"cookie": cookie}, "pathname": "/", "query": {}, "client_ip": "127.0.0.1"})

    def sub(cls):
        return root.get_substate(cls.get_full_name().split(".")[1:])

    AuthState.load_session.fn(sub(AuthState))
    return sub


def _cookie(user_id: int) -> str:
    with session_scope() as db:
        return f"cds_sid={identity.open_session(db, user_id)}"


async def test_citizen_cannot_publish_take_or_handle_requests(app_db) -> None:
    with Session(app_db) as db:
        mai = make_user(db, "0903123456", "Lê Thị Mai", "citizen")
        khoa = make_user(db, "0912000001", "Nguyễn Minh Khoa", "citizen")
        request = service.create_help_request(db, khoa, "cns-ban-co", "wallet")
        data_request = mydata.request_deletion(db, khoa)
        db.commit()
        request_id, data_request_id = request.id, data_request.id
    sub = _states(_cookie(mai))
    publisher = sub(AnnounceManageState)
    await AnnounceManageState.publish.fn(publisher, {"title_vi": "Giả", "body_vi": "Giả", "audience": "city"})
    assert publisher.error["vi"] == FORBIDDEN_VI
    helper = sub(HelpRequestsState)
    await HelpRequestsState.take.fn(helper, str(request_id))
    assert helper.error["vi"] == FORBIDDEN_VI
    admin = sub(AdminDataState)
    await AdminDataState.update.fn(admin, {"request_id": str(data_request_id), "status": "done", "note": ""})
    assert admin.error["vi"] == FORBIDDEN_VI
    with Session(app_db) as db:
        assert db.exec(select(CityAnnouncement)).all() == []
        assert db.get(CityHelpRequest, request_id).status == "open"
        assert db.get(CityDataRequest, data_request_id).status == "received"


async def test_my_data_page_shows_only_own_rows(app_db) -> None:
    with Session(app_db) as db:
        mai = make_user(db, "0903123456", "Lê Thị Mai", "citizen")
        khoa = make_user(db, "0912000001", "Nguyễn Minh Khoa", "citizen")
        service.create_help_request(db, khoa, "cns-ban-co", "wallet", "Tin nhắn của Khoa")
        db.commit()
    page = _states(_cookie(mai))(MyDataState)
    await MyDataState.load.fn(page)
    assert "city_help_request" not in {r["table"] for r in page.rows}
    await MyDataState.request_deletion.fn(page, {"note": "x"})  # no confirmation tick: refused
    assert page.error["en"] == "Please tick the confirmation box."
    await MyDataState.request_deletion.fn(page, {"note": "x", "confirm": "on"})
    assert page.requests and page.requests[0]["status"] == "received"
    anonymous = _states("")(MyDataState)
    await MyDataState.load.fn(anonymous)
    assert anonymous.rows == [] and anonymous.requests == []
