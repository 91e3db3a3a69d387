"""One on_load event per page: AuthState.load_page proves the session, then runs the page's own load."""

from __future__ import annotations

import asyncio

from reflex.istate.data import RouterData

from citizen_app.core.db import session_scope
from citizen_app.i18n.state import LangState
from citizen_app.identity import service
from citizen_app.identity.state import _SESSION_ENDED_JS, AuthState, page_on_load
from citizen_app.metro.state import MetroState
from citizen_app.payments.state import OrderState
from tests.unit.identity.test_state_authorization import _login_cookie, _seed, _states


def test_plain_page_loads_run_inside_the_one_event() -> None:
    events = page_on_load("/test/metro", [MetroState.load])
    assert len(events) == 1 and events[0].handler.fn is AuthState.load_page.fn
    assert "/test/metro" in str(events[0].args)


def test_handlers_that_cannot_run_inline_keep_their_own_event() -> None:
    background = OrderState.watch
    with_argument = MetroState.buy_product
    events = page_on_load("/test/mixed", [MetroState.load, background, with_argument])
    assert events[1:] == [background, with_argument]


def test_load_page_proves_the_session_then_loads_the_page(app_db) -> None:
    ids = _seed(app_db)
    page_on_load("/test/metro", [MetroState.load])
    _, sub = _states(_login_cookie(ids["mai"]))
    auth, metro = sub(AuthState), sub(MetroState)
    assert asyncio.run(AuthState.load_page.fn(auth, "/test/metro")) is None
    assert auth.logged_in and auth._user_id == ids["mai"]
    assert metro.stations and metro.products, "the page's own load ran in the same event"


def test_load_page_for_a_closed_session_clears_the_cookie_and_still_loads(app_db) -> None:
    ids = _seed(app_db)
    page_on_load("/test/metro", [MetroState.load])
    cookie = _login_cookie(ids["mai"])
    with session_scope() as db:
        service.close_all_sessions(db, ids["mai"])
    _, sub = _states(cookie)
    auth = sub(AuthState)
    followups = asyncio.run(AuthState.load_page.fn(auth, "/test/metro"))
    assert not auth.logged_in and auth._user_id is None
    assert followups and _SESSION_ENDED_JS in str(followups[0])
    assert sub(MetroState).stations, "public parts of the page still load"


def test_unknown_route_only_proves_the_session(app_db) -> None:
    ids = _seed(app_db)
    _, sub = _states(_login_cookie(ids["mai"]))
    auth = sub(AuthState)
    assert asyncio.run(AuthState.load_page.fn(auth, "/no/such/page")) is None
    assert auth.logged_in


def test_load_page_marks_the_page_hydrated_in_its_own_update(app_db) -> None:
    page_on_load("/test/metro", [MetroState.load])
    root, sub = _states()
    asyncio.run(AuthState.load_page.fn(sub(AuthState), "/test/metro"))
    assert root.is_hydrated


def test_a_page_with_later_load_events_is_not_hydrated_yet(app_db) -> None:
    page_on_load("/test/watch", [MetroState.load, OrderState.watch])
    root, sub = _states()
    asyncio.run(AuthState.load_page.fn(sub(AuthState), "/test/watch"))
    assert not root.is_hydrated, "Reflex's set_is_hydrated follows the remaining on_load events"


def test_remembered_language_applies_when_the_tab_connects_and_not_after(app_db) -> None:
    _, sub = _states("cds_lang=en; cds_large=1")
    auth, lang = sub(AuthState), sub(LangState)
    asyncio.run(AuthState.load_page.fn(auth, "/no/such/page"))
    assert (lang.lang, lang.large_text) == ("en", "1")
    LangState.set_lang.fn(lang, "vi")  # chosen in this tab; the socket's cookie header still says "en"
    asyncio.run(AuthState.load_page.fn(auth, "/no/such/page"))
    assert lang.lang == "vi"
    auth.router = RouterData.from_router_data({"headers": {"cookie": "cds_lang=vi; cds_large=0"}, "pathname": "/"})
    asyncio.run(AuthState.load_page.fn(auth, "/no/such/page"))  # reconnected with the new cookie
    assert (lang.lang, lang.large_text) == ("vi", "0")


def test_a_device_that_logged_out_offline_is_logged_out_here(app_db) -> None:  # noqa: ANN001
    """assets/session.js sets cds_logout when the person logged out without a connection (it cannot delete the
    HttpOnly session cookie): the tab that connects later is nobody's, before /auth/logout closes the session."""
    ids = _seed(app_db)
    _, sub = _states(_login_cookie(ids["mai"]) + "; cds_logout=1")
    auth = sub(AuthState)
    asyncio.run(AuthState.load_page.fn(auth, "/no/such/page"))
    assert not auth.logged_in and auth._user_id is None
