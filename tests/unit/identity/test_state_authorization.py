"""Handlers authorize on the server: a crafted event from a citizen's browser changes nothing."""

from __future__ import annotations

import reflex as rx
from reflex.istate.data import RouterData
from sqlmodel import Session

from citizen_app.core.db import session_scope
from citizen_app.identity import service
from citizen_app.identity.models import Agency, UserRole
from citizen_app.identity.state import AccountState, AdminState, AuthState, LoginState

PASSWORD = "Phuong2026xanh"


def _states(cookie: str = ""):
    root = rx.State()
    root.router = RouterData.from_router_data(
        {"headers": {"cookie": cookie}, "pathname": "/", "query": {}, "client_ip": "127.0.0.1"}
    )

    def sub(cls):
        return root.get_substate(cls.get_full_name().split(".")[1:])

    return root, sub


def _seed(engine) -> dict[str, int]:
    with Session(engine) as db:
        mai = service.register(db, "0903123456", PASSWORD, "Lê Thị Mai")
        lan = service.register(db, "0938000002", PASSWORD, "Võ Thị Lan")
        admin = service.register(db, "admin@congdanso.example", PASSWORD, "Quản trị")
        db.add(UserRole(user_id=admin.id, role="admin"))
        db.add(Agency(code="ca-ban-co", name_vi="Công an phường Bàn Cờ", name_en="Ban Co Police", kind="police"))
        db.commit()
        return {"mai": mai.id, "lan": lan.id, "admin": admin.id}


def _login_cookie(user_id: int) -> str:
    with session_scope() as db:
        token = service.open_session(db, user_id)
    return f"cds_sid={token}"


async def test_citizen_crafting_admin_event_is_refused(app_db) -> None:
    ids = _seed(app_db)
    root, sub = _states(_login_cookie(ids["mai"]))
    auth, admin_state = sub(AuthState), sub(AdminState)
    AuthState.load_session.fn(auth)
    assert auth.logged_in and auth._user_id == ids["mai"]
    form = {"user_id": str(ids["mai"]), "role_admin": "on", "role_official": "on", "agency": "ca-ban-co"}
    await AdminState.save_roles.fn(admin_state, form)
    assert admin_state.error["vi"] == "Bạn không có quyền thực hiện thao tác này."
    with session_scope() as db:
        assert service.roles_of(db, ids["mai"]) == {"citizen"}
    await AdminState.load.fn(admin_state)
    assert admin_state.users == []


async def test_anonymous_event_is_refused(app_db) -> None:
    ids = _seed(app_db)
    _, sub = _states("")
    admin_state = sub(AdminState)
    await AdminState.save_roles.fn(admin_state, {"user_id": str(ids["lan"]), "role_official": "on"})
    assert admin_state.error["en"] == "Please log in to continue."


async def test_admin_event_is_accepted(app_db) -> None:
    ids = _seed(app_db)
    _, sub = _states(_login_cookie(ids["admin"]))
    AuthState.load_session.fn(sub(AuthState))
    admin_state = sub(AdminState)
    form = {"user_id": str(ids["lan"]), "role_official": "on", "agency": "ca-ban-co"}
    await AdminState.save_roles.fn(admin_state, form)
    assert admin_state.error == {}
    with session_scope() as db:
        assert service.roles_of(db, ids["lan"]) == {"citizen", "official"}


def test_tampered_cookie_gives_notice_and_no_user(app_db) -> None:
    ids = _seed(app_db)
    _, sub = _states(_login_cookie(ids["mai"]) + "tampered")
    auth = sub(AuthState)
    AuthState.load_session.fn(auth)
    assert not auth.logged_in and auth._user_id is None
    assert auth.notice["vi"].startswith("Phiên đăng nhập không hợp lệ")


async def test_wrong_password_is_translated_and_recorded(app_db) -> None:
    _seed(app_db)
    _, sub = _states("")
    login = sub(LoginState)
    await LoginState.submit.fn(login, {"identifier": "0903123456", "password": "sai-mat-khau-1"})
    assert login.error == {"vi": "Số điện thoại/email hoặc mật khẩu không đúng.",
                           "en": "The phone/e-mail or the password is wrong."}


async def test_sign_out_other_users_device_refused(app_db) -> None:
    ids = _seed(app_db)
    lan_cookie = _login_cookie(ids["lan"])
    _, sub = _states(_login_cookie(ids["mai"]))
    AuthState.load_session.fn(sub(AuthState))
    account = sub(AccountState)
    await AccountState.sign_out_device.fn(account, service.token_hash(lan_cookie.split("=", 1)[1]))
    with session_scope() as db:
        assert service.lookup_session(db, lan_cookie.split("=", 1)[1])[0] == "ok"
