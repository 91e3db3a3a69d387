"""A navigation is one event (``identity.state.InlinePageLoad``), through Reflex's own event processor.

The browser sends ``on_load_internal`` on every client-side navigation; Reflex's handler only queues the page's
on_load (``load_page``) and then ``set_is_hydrated``: three events, three updates. The app's middleware runs the
page's load inside the first one. These tests drive the real app's middlewares, Reflex's event processor and an
in-memory state manager, with a socket that records what would be sent.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from reflex.istate.manager.memory import StateManagerMemory
from reflex_base.event import Event
from reflex_base.event.processor.base_state_processor import BaseStateEventProcessor

from citizen_app.core.db import session_scope
from citizen_app.identity import service
from citizen_app.ops.probe import HYDRATE, ON_LOAD, ROOT_STATE, substate_key
from tests.unit.identity.test_state_authorization import _login_cookie, _seed

AUTH = substate_key("citizen_app.identity.state.AuthState")
METRO = substate_key("citizen_app.metro.state.MetroState")


@pytest.fixture(scope="module")
def app() -> Any:
    from citizen_app.citizen_app import app

    return app


class _Socket:
    """Stands for the tab's websocket: keeps every update the processor sends."""

    def __init__(self) -> None:
        self.updates: list[Any] = []

    async def emit_update(self, update: Any, token: str) -> None:
        self.updates.append(update)


class _Tab:
    def __init__(self, app: Any, cookie: str) -> None:
        self.socket, self.cookie, self.token = _Socket(), cookie, str(uuid.uuid4())
        self.processor = BaseStateEventProcessor(middleware=app,
                                                 backend_exception_handler=app.backend_exception_handler)
        self.processor.configure(state_manager=StateManagerMemory(), event_namespace=self.socket)  # type: ignore[arg-type]

    async def send(self, name: str, path: str, payload: dict[str, Any] | None = None) -> list[Any]:
        """One event as the socket's ``on_event`` hands it over (router data with the connection's headers);
        the updates sent until every event it chained has run."""
        sent = len(self.socket.updates)
        router_data = {"pathname": path, "asPath": path, "query": {}, "token": self.token, "sid": "sid-1",
                       "ip": "127.0.0.1", "headers": {"cookie": self.cookie, "origin": "http://127.0.0.1"}}
        future = await self.processor.enqueue(self.token, Event(name=name, payload=payload or {},
                                                                  router_data=router_data))
        await asyncio.wait_for(future.wait_all(), 30)  # the event and every event it chained
        return self.socket.updates[sent:]


def _hydrated(updates: list[Any]) -> list[Any]:
    return [u.delta[ROOT_STATE]["is_hydrated_rx_state_"] for u in updates
            if "is_hydrated_rx_state_" in u.delta.get(ROOT_STATE, {})]


async def test_a_navigation_is_one_event_with_one_update(app: Any, app_db: Any) -> None:
    ids = _seed(app_db)
    tab = _Tab(app, _login_cookie(ids["mai"]))
    async with tab.processor:
        await tab.send(HYDRATE, "/procedures/mine")  # connect: the page load
        updates = await tab.send(ON_LOAD, "/metro")  # a link tapped
    assert len(updates) == 1, [u.delta for u in updates]  # was three: on_load_internal, load_page, set_is_hydrated
    delta = updates[0].delta
    assert delta[ROOT_STATE]["is_hydrated_rx_state_"] is True
    assert delta[ROOT_STATE]["rx_router_url_rx_state_"].path == "/metro"
    assert METRO in delta, "the page's load ran in the same event"


async def test_the_page_load_after_connecting_is_hydrated_once(app: Any, app_db: Any) -> None:
    """The tab's first page load goes Reflex's way (its state is not hydrated yet); the set_is_hydrated that ends
    it has nothing to change, as load_page marked the page hydrated: no late second flip."""
    ids = _seed(app_db)
    tab = _Tab(app, _login_cookie(ids["mai"]))
    async with tab.processor:
        updates = await tab.send(HYDRATE, "/metro")
    assert _hydrated(updates) == [False, False, True], [u.delta for u in updates]  # snapshot, on_load, load_page
    assert any(u.delta.get(AUTH, {}).get("logged_in_rx_state_") for u in updates)


async def test_every_navigation_still_proves_the_session(app: Any, app_db: Any) -> None:
    """Running inline caches nothing: a session closed elsewhere ends at the next navigation's proof."""
    ids = _seed(app_db)
    tab = _Tab(app, _login_cookie(ids["mai"]))
    async with tab.processor:
        await tab.send(HYDRATE, "/metro")
        with session_scope() as db:
            service.close_all_sessions(db, ids["mai"])  # bumps the session's revision: proved again at once
        updates = await tab.send(ON_LOAD, "/procedures/mine")
    assert len(updates) == 2  # the page's update, then the script that ends the session in this browser
    assert updates[0].delta[AUTH]["logged_in_rx_state_"] is False
    assert updates[0].delta[ROOT_STATE]["is_hydrated_rx_state_"] is True
    assert any(e.name == "_call_script" for e in updates[1].events)
