"""Page loads re-prove the session cookie at most every SESSION_RECHECK_SECONDS; a closed session ends after."""

from __future__ import annotations

from reflex.istate.data import RouterData

from citizen_app.core.db import session_scope
from citizen_app.identity import cookies, service
from citizen_app.identity.state import SESSION_RECHECK_SECONDS, AuthState
from tests.conftest import sql_statements
from tests.unit.identity.test_state_authorization import _login_cookie, _seed, _states


def test_recent_proof_skips_the_database_until_it_is_stale(app_db) -> None:
    from citizen_app.core.db import engine

    ids = _seed(app_db)
    cookie = _login_cookie(ids["mai"])
    _, sub = _states(cookie)
    auth = sub(AuthState)
    AuthState.load_session.fn(auth)
    assert auth.logged_in and auth._user_id == ids["mai"]
    with sql_statements(engine()) as statements:
        AuthState.load_session.fn(auth)
    assert statements == [], "a page load within the re-check delay asks no database"

    with session_scope() as db:  # closed by another program: the session's revision does not move
        db.delete(db.get(service.LoginSession, auth._session_id))
    AuthState.load_session.fn(auth)
    assert auth.logged_in, "within the re-check delay the tab keeps its proof"

    auth._checked_at -= SESSION_RECHECK_SECONDS + 1
    AuthState.load_session.fn(auth)
    assert not auth.logged_in and auth._user_id is None and auth._session_id is None
    assert auth.notice["en"] != ""


def test_a_session_closed_elsewhere_ends_at_the_next_page_load(app_db) -> None:
    ids = _seed(app_db)
    _, sub = _states(_login_cookie(ids["mai"]))
    auth = sub(AuthState)
    AuthState.load_session.fn(auth)
    with session_scope() as db:  # "log out all devices" from another phone
        service.close_all_sessions(db, ids["mai"])
    AuthState.load_session.fn(auth)
    assert not auth.logged_in and auth._user_id is None


def test_another_cookie_is_always_proved(app_db) -> None:
    ids = _seed(app_db)
    root, sub = _states(_login_cookie(ids["mai"]))
    auth = sub(AuthState)
    AuthState.load_session.fn(auth)
    lan_cookie = _login_cookie(ids["lan"])
    root.router = RouterData.from_router_data(  # the browser logged in as someone else
        {"headers": {"cookie": lan_cookie}, "pathname": "/", "query": {}, "client_ip": "127.0.0.1"})
    AuthState.load_session.fn(auth)
    assert auth._user_id == ids["lan"]


def test_cookie_user_id_only_for_a_live_session(app_db) -> None:
    ids = _seed(app_db)
    raw = _login_cookie(ids["mai"]).split("=", 1)[1]
    with session_scope() as db:
        assert cookies.cookie_user_id(db, {cookies.SESSION_COOKIE: raw}) == ids["mai"]
        assert cookies.cookie_user_id(db, {cookies.SESSION_COOKIE: raw + "x"}) is None
        assert cookies.cookie_user_id(db, {}) is None
        service.close_all_sessions(db, ids["mai"])
    with session_scope() as db:
        assert cookies.cookie_user_id(db, {cookies.SESSION_COOKIE: raw}) is None


def test_cookie_user_id_is_one_query(app_db) -> None:
    """HTTP routes ask only whose request it is: the session and its user in one query, no roles query."""
    from citizen_app.core.db import engine

    ids = _seed(app_db)
    raw = _login_cookie(ids["mai"]).split("=", 1)[1]
    with sql_statements(engine()) as statements, session_scope() as db:
        assert cookies.cookie_user_id(db, {cookies.SESSION_COOKIE: raw}) == ids["mai"]
        one = len(statements)
        assert service.lookup_session(db, raw)[1].user_id == ids["mai"]
    assert one == 1 and len(statements) == 3  # lookup_session also reads the roles
