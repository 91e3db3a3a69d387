"""An open tab stops acting for its user as soon as its session is closed in another request.

Each test keeps a real tab (AuthState + the page states) logged in, closes its session from elsewhere (logout in
another tab, "log out of all devices", a password change, a recovery at the ward) and then fires the open tab's
handlers at once: reading the profile and creating a payment order must be refused, with no clock travel.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, func, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from citizen_app.core.db import engine, session_scope
from citizen_app.identity import recovery, service
from citizen_app.identity.api import ROUTES
from citizen_app.identity.profile_state import ProfileState
from citizen_app.identity.state import SESSION_RECHECK_SECONDS, AccountState, AuthState
from citizen_app.payments.models import PayOrder
from citizen_app.payments.state import PaymentsState
from tests.conftest import sql_statements
from tests.unit.identity.helpers import ID_NUMBER, make_verified_citizen, make_ward_official
from tests.unit.identity.test_state_authorization import PASSWORD, _login_cookie, _seed, _states

NEW_PASSWORD = "Phuong2026moi"

# The open tab proves it is still allowed by creating a payment order, through the sandbox gateway.
pytestmark = pytest.mark.usefixtures("payments_sandbox")


def _open_tab(cookie: str):
    """A logged-in tab: its page load proved the cookie, as AuthState.load_page does."""
    _, sub = _states(cookie)
    AuthState.load_session.fn(sub(AuthState))
    assert sub(AuthState).logged_in
    return sub


def _orders(user_id: int) -> int:
    with session_scope() as db:
        return db.exec(select(func.count()).select_from(PayOrder).where(PayOrder.user_id == user_id)).one()


async def _assert_refused(tab, user_id: int) -> None:
    profile, payments = tab(ProfileState), tab(PaymentsState)
    profile.values = {"full_name": "still shown"}
    await ProfileState.load.fn(profile)
    assert profile.values == {}, "the profile is no longer read for the closed session"
    await PaymentsState.create_test_order.fn(payments, {"amount": "10000"})
    assert payments.error["en"] == "Please log in to continue."
    assert _orders(user_id) == 0
    auth = tab(AuthState)
    assert not auth.logged_in and auth._user_id is None and auth.notice_key == "auth.session_ended"


async def _assert_allowed(tab, user_id: int) -> None:
    before = _orders(user_id)
    await PaymentsState.create_test_order.fn(tab(PaymentsState), {"amount": "10000"})
    assert _orders(user_id) == before + 1


async def test_logout_in_another_tab_stops_this_tab(app_db) -> None:
    ids = _seed(app_db)
    cookie = _login_cookie(ids["mai"])
    tab = _open_tab(cookie)
    client = TestClient(Starlette(routes=ROUTES), base_url="http://localhost:3000",
                        headers={"origin": "http://localhost:3000"})
    response = client.post("/auth/logout", headers={"cookie": cookie})  # the other tab of the same browser
    assert response.status_code == 200 and response.headers["clear-site-data"] == '"cache"'
    await _assert_refused(tab, ids["mai"])


async def test_logout_of_all_devices_stops_the_other_devices_tabs(app_db) -> None:
    ids = _seed(app_db)
    phone = _open_tab(_login_cookie(ids["mai"]))
    laptop = _open_tab(_login_cookie(ids["mai"]))
    await AccountState.logout_all.fn(laptop(AccountState))
    await _assert_refused(phone, ids["mai"])


async def test_password_change_stops_other_sessions_but_not_this_one(app_db) -> None:
    ids = _seed(app_db)
    phone = _open_tab(_login_cookie(ids["mai"]))
    laptop = _open_tab(_login_cookie(ids["mai"]))
    account = laptop(AccountState)
    await AccountState.change_password.fn(account, {"password_current": PASSWORD, "password_new": NEW_PASSWORD,
                                                    "password_new2": NEW_PASSWORD})
    assert account.password_error == {} and account.password_saved["en"].startswith("Password changed; 1 ")
    await _assert_refused(phone, ids["mai"])
    await _assert_allowed(laptop, ids["mai"])
    with session_scope() as db:
        assert service.authenticate(db, "0903123456", NEW_PASSWORD).id == ids["mai"]


async def test_recovery_at_the_ward_stops_open_tabs(app_db) -> None:
    with Session(app_db, expire_on_commit=False) as db:
        citizen = make_verified_citizen(db)
        citizen.phone = "0903555111"
        official = make_ward_official(db, "Phạm Văn Bình")
        db.commit()
    tab = _open_tab(_login_cookie(citizen.id))
    with session_scope() as db:
        code = recovery.issue_recovery_code(db, official.id, citizen.id, ID_NUMBER).code
    with session_scope() as db:  # the citizen redeems the code on another phone
        recovery.redeem_recovery_code(db, "0903555111", code, NEW_PASSWORD, NEW_PASSWORD)
    await _assert_refused(tab, citizen.id)


async def test_a_live_tab_asks_no_database_until_the_recheck_delay(app_db) -> None:
    ids = _seed(app_db)
    tab = _open_tab(_login_cookie(ids["mai"]))
    auth = tab(AuthState)
    with sql_statements(engine()) as statements:
        assert await auth._still_live()
    assert statements == []
    with session_scope() as db:  # closed by another program: no revision, the database re-check finds it
        db.delete(db.get(service.LoginSession, auth._session_id))
    assert await auth._still_live()
    auth._checked_at -= SESSION_RECHECK_SECONDS + 1
    await _assert_refused(tab, ids["mai"])


async def test_an_expired_session_stops_the_tab_without_waiting(app_db) -> None:
    ids = _seed(app_db)
    tab = _open_tab(_login_cookie(ids["mai"]))
    auth = tab(AuthState)
    with session_scope() as db:
        row = db.get(service.LoginSession, auth._session_id)
        row.expires_at = row.created_at  # expired in the database, and the tab knows when
    auth._expires_at = auth._checked_at - 1
    await _assert_refused(tab, ids["mai"])


async def test_wrong_current_password_changes_nothing_and_counts_towards_the_lock(app_db) -> None:
    ids = _seed(app_db)
    phone = _open_tab(_login_cookie(ids["mai"]))
    laptop = _open_tab(_login_cookie(ids["mai"]))
    account = laptop(AccountState)
    for _ in range(service.ACCOUNT_LOCK_FAILURES):
        await AccountState.change_password.fn(account, {"password_current": "Sai2026matkhau",
                                                        "password_new": NEW_PASSWORD, "password_new2": NEW_PASSWORD})
        assert account.password_error["en"] == "The current password is wrong."
    await AccountState.change_password.fn(account, {"password_current": PASSWORD, "password_new": NEW_PASSWORD,
                                                    "password_new2": NEW_PASSWORD})
    assert account.password_error["en"].startswith("Too many failed logins")
    await _assert_allowed(phone, ids["mai"])
    with session_scope() as db:
        assert service.HASHER.verify(db.get(service.UserAccount, ids["mai"]).password_hash, PASSWORD)


async def test_password_change_keeps_the_strength_rules(app_db) -> None:
    ids = _seed(app_db)
    account = _open_tab(_login_cookie(ids["mai"]))(AccountState)
    cases = [("Mai2026short", "Mai2026shor", "The two passwords do not match."),
             ("abc", "abc", "The password must have at least 10 characters."),
             (PASSWORD, PASSWORD, "The new password must differ from the current one."),
             ("Pw0903123456", "Pw0903123456", "The password must not contain your name, phone or e-mail.")]
    for new, again, message in cases:
        await AccountState.change_password.fn(account, {"password_current": PASSWORD, "password_new": new,
                                                        "password_new2": again})
        assert account.password_error["en"] == message
