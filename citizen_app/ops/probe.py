"""A minimal Reflex websocket client (Engine.IO 4 / Socket.IO 5 over aiohttp), for probes, tests and load.

It speaks what the compiled frontend speaks (``.web/utils/state.js``): connect to
``/_event/?EIO=4&transport=websocket&token=<tab token>``, join the ``/_event`` namespace, emit
``["event", {name, payload, router_data}]`` and receive ``["event", {delta, events}]`` updates.
Client-side actions the server sends back (``_call_script``, redirects) are recorded, not run.

    python -m citizen_app.ops.probe http://127.0.0.1:3000      # smoke check: hydrate the home page
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp

NAMESPACE = "/_event"
ROOT_STATE = "reflex___state____state"
HYDRATE = f"{ROOT_STATE}.hydrate_and_load"
ON_LOAD = f"{ROOT_STATE}.reflex___state____on_load_internal_state.on_load_internal"
UPDATE_VARS = f"{ROOT_STATE}.reflex___state____update_vars_internal_state.update_vars_internal"
PROBE_STATE = "citizen_app.ops.state.OpsProbeState"


def substate_key(state_path: str) -> str:
    """The key of a substate in deltas: ``substate_key("citizen_app.i18n.state.LangState")``."""
    module, _, cls = state_path.rpartition(".")
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in cls).lstrip("_")
    return f"{ROOT_STATE}.{module.replace('.', '___')}____{snake}"


def handler(state_path: str, name: str) -> str:
    """Full event name: ``handler("citizen_app.i18n.state.LangState", "set_lang")``."""
    return f"{substate_key(state_path)}.{name}"


MARK = handler(PROBE_STATE, "set_mark")


def has_mark(nonce: str) -> Callable[[Update], bool]:
    """Until the update that carries ``nonce`` (a looser test can match a late update of an earlier event)."""
    key = substate_key(PROBE_STATE)
    return lambda update: update.delta.get(key, {}).get("mark_rx_state_") == nonce


def _hydrated() -> Callable[[Update], bool]:
    """Until the page is hydrated again. A page load first sends ``is_hydrated`` false (the app's pages all have
    an on_load); a true before that is the previous page's late flip, and stopping there would let the next event
    overtake this page's load handlers."""
    reset = False

    def until(update: Update) -> bool:
        nonlocal reset
        value = update.delta.get(ROOT_STATE, {}).get("is_hydrated_rx_state_")
        reset = reset or value is False
        return reset and value is True

    return until


def _navigated(update: Update) -> bool:
    """Until the new page is hydrated. The browser marks the page not hydrated itself when a navigation starts,
    and the server answers a navigation with one update that holds the page's data and ``is_hydrated`` true
    (``identity.state.InlinePageLoad``), or, for a page with later load events, a false first and a true at the
    end: the first true is this page's, as no page load sends a second one any more."""
    return update.delta.get(ROOT_STATE, {}).get("is_hydrated_rx_state_") is True


@dataclass
class Update:
    delta: dict[str, Any] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)


class ReflexClient:
    """One browser tab: a token, a websocket, a merged view of the state it has been sent."""

    def __init__(self, base_url: str, session: aiohttp.ClientSession, token: str | None = None,
                 path: str = "/", cookie: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session
        self.token = token or str(uuid.uuid4())
        self.path = path
        self.query: dict[str, str] = {}
        self.cookie = cookie
        self.state: dict[str, dict[str, Any]] = {}
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._updates: asyncio.Queue[Update] = asyncio.Queue()
        self._reader: asyncio.Task | None = None

    # --- connection ---------------------------------------------------------------------------
    async def connect(self, timeout: float = 30) -> None:
        ws_url = self.base_url.replace("http", "ws", 1) + f"/_event/?EIO=4&transport=websocket&token={self.token}"
        headers = {"Origin": self.base_url}
        if self.cookie:
            headers["Cookie"] = self.cookie
        self._ws = await self.session.ws_connect(ws_url, headers=headers, timeout=aiohttp.ClientWSTimeout(ws_close=5),
                                                 max_msg_size=0, autoping=True)
        opening = await asyncio.wait_for(self._ws.receive_str(), timeout)
        if not opening.startswith("0"):
            raise ConnectionError(f"unexpected Engine.IO open packet: {opening[:80]}")
        await self._ws.send_str(f"40{NAMESPACE},")
        while True:
            packet = await asyncio.wait_for(self._ws.receive_str(), timeout)
            if packet.startswith(f"40{NAMESPACE},"):
                break
            if packet.startswith(f"44{NAMESPACE},"):
                raise ConnectionError(f"namespace refused: {packet[:200]}")
            await self._dispatch(packet)  # the connect handler may emit (new_token) before the ack
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self._reader:
            self._reader.cancel()
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()

    async def _read(self) -> None:
        assert self._ws is not None
        async for message in self._ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            await self._dispatch(message.data)
        self._updates.put_nowait(Update(events=[{"name": "_closed"}]))

    async def _dispatch(self, data: str) -> None:
        assert self._ws is not None
        if data == "2":  # Engine.IO ping -> pong
            await self._ws.send_str("3")
        elif data.startswith(f"42{NAMESPACE},"):
            name, *args = json.loads(data[len(NAMESPACE) + 3:])
            if name == "new_token" and args:  # the server saw this token on another live socket
                self.token = str(args[0])
            elif name == "event" and args:
                update = Update(args[0].get("delta") or {}, args[0].get("events") or [])
                for substate, values in update.delta.items():
                    self.state.setdefault(substate, {}).update(values)
                self._updates.put_nowait(update)

    # --- events -------------------------------------------------------------------------------
    def _router_data(self) -> dict[str, Any]:
        """Like the browser: the route pattern's path, the real URL, and query + dynamic route params."""
        data: dict[str, Any] = {"pathname": self.path, "asPath": self.path}
        if self.query:
            data["query"] = dict(self.query)
            search = urlencode({k: v for k, v in self.query.items() if f"[{k}]" not in self.path})
            data["asPath"] = self._as_path() + (f"?{search}" if search else "")
        return data

    def _as_path(self) -> str:
        path = self.path
        for key, value in self.query.items():
            path = path.replace(f"[{key}]", value)
        return path

    async def emit(self, name: str, payload: dict[str, Any] | None = None) -> None:
        assert self._ws is not None
        event = {"name": name, "payload": payload or {}, "router_data": self._router_data()}
        await self._ws.send_str(f"42{NAMESPACE}," + json.dumps(["event", event]))

    async def call(self, name: str, payload: dict[str, Any] | None = None, timeout: float = 30,
                   until: Callable[[Update], bool] | None = None) -> list[Update]:
        """Send one event; return its updates, up to the first one for which ``until`` is true.

        Without ``until``, a marker event (``OpsProbeState.mark``) is sent right after: events of one tab
        are processed in order, so the marker's update closes the list.
        """
        while not self._updates.empty():
            self._updates.get_nowait()
        await self.emit(name, payload)
        if until is None:
            nonce = uuid.uuid4().hex
            await self.emit(MARK, {"nonce": nonce})
            until = has_mark(nonce)
        received: list[Update] = []
        while True:
            update = await asyncio.wait_for(self._updates.get(), timeout)
            if any(e.get("name") == "_closed" for e in update.events):
                raise ConnectionError("websocket closed")
            received.append(update)
            if until(update):
                return received

    async def hydrate(self, timeout: float = 30) -> list[Update]:
        """The page-load event (client storage, state, the page's on_load handlers)."""
        return await self.call(HYDRATE, {}, timeout=timeout, until=_hydrated())

    async def navigate(self, path: str, query: dict[str, str] | None = None, *,
                       storage: dict[str, str] | None = None, timeout: float = 30) -> list[Update]:
        """Client-side navigation, as the compiled router does it: the browser's storage vars (if any), then
        ``on_load_internal``, which runs the new page's on_load handlers and marks the page hydrated.

        ``path`` is the route pattern (``/feedback/[report_id]``); ``query`` holds its dynamic params and
        the query string, as the browser's router sends them.
        """
        self.path, self.query = path, dict(query or {})
        if storage:
            await self.emit(UPDATE_VARS, {"vars": storage})
        return await self.call(ON_LOAD, {}, timeout=timeout, until=_navigated)

    def var(self, state_path: str, name: str) -> Any:
        """A var of a substate, as last sent: ``var("citizen_app.i18n.state.LangState", "lang")``."""
        values = self.state.get(substate_key(state_path), {})
        return values.get(f"{name}_rx_state_", values.get(name))


async def smoke(base_url: str) -> float:
    """Connect, hydrate the home page, return the seconds it took (raises on any failure)."""
    started = time.perf_counter()
    async with aiohttp.ClientSession() as session:
        client = ReflexClient(base_url, session)
        await client.connect()
        try:
            await client.hydrate()
        finally:
            await client.close()
    return time.perf_counter() - started


if __name__ == "__main__":
    url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:3000"
    print(f"websocket hydrate OK in {asyncio.run(smoke(url)) * 1000:.0f} ms")
