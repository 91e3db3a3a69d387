"""The probe client speaks to the server the way the compiled frontend does."""

from __future__ import annotations

from citizen_app.ops.probe import ReflexClient


def test_dynamic_route_and_query_string() -> None:
    client = ReflexClient("http://127.0.0.1:1", session=None)  # type: ignore[arg-type]  # no I/O here
    client.path, client.query = "/feedback/[report_id]", {"report_id": "42", "joined": "1"}
    assert client._router_data() == {"pathname": "/feedback/[report_id]", "asPath": "/feedback/42?joined=1",
                                      "query": {"report_id": "42", "joined": "1"}}


def test_plain_route_has_no_query() -> None:
    client = ReflexClient("http://127.0.0.1:1", session=None)  # type: ignore[arg-type]
    client.path = "/metro"
    assert client._router_data() == {"pathname": "/metro", "asPath": "/metro"}


def test_new_token_sent_before_the_namespace_ack_is_taken() -> None:
    """Reflex's connect handler emits ``new_token`` for a token another live socket holds; the packet
    can arrive before the namespace ack, and a client that drops it keeps using the stale token."""
    import asyncio

    import aiohttp
    from aiohttp import web

    async def socket(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str('0{"sid":"s1","pingInterval":25000,"pingTimeout":20000}')
        assert await ws.receive_str() == "40/_event,"
        await ws.send_str('42/_event,["new_token","fresh-token"]')
        await ws.send_str('40/_event,{"sid":"n1"}')
        await ws.receive()  # until the client closes
        return ws

    async def scenario() -> str:
        app = web.Application()
        app.router.add_get("/_event/", socket)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        try:
            async with aiohttp.ClientSession() as session:
                client = ReflexClient(f"http://127.0.0.1:{port}", session, token="stale-token")
                await client.connect()
                await client.close()
                return client.token
        finally:
            await runner.cleanup()

    assert asyncio.run(scenario()) == "fresh-token"


def test_a_page_load_waits_for_its_own_page_to_hydrate() -> None:
    """``hydrate()``: a true before the page load's false (a late flip of an older server) must not end the wait:
    the page's load handlers have not run yet, and the next event would overtake them (the load benchmark's
    purchase found no pending order)."""
    from citizen_app.ops.probe import ROOT_STATE, Update, _hydrated

    def flip(value: bool) -> Update:
        return Update({ROOT_STATE: {"is_hydrated_rx_state_": value}})

    until = _hydrated()
    assert not until(flip(True))  # late, from the page before
    assert not until(Update({"other": {"x": 1}}))
    assert not until(flip(False))  # this page's load starts
    assert until(flip(True))


def test_a_navigation_ends_at_its_one_update() -> None:
    """A navigation is answered by one update with the page's data and ``is_hydrated`` true (the browser marks
    the page not hydrated itself): waiting for a false first would wait until the timeout."""
    from citizen_app.ops.probe import ROOT_STATE, Update, _navigated

    assert not _navigated(Update({"other": {"x": 1}}))
    assert not _navigated(Update({ROOT_STATE: {"is_hydrated_rx_state_": False}}))  # a page with later load events
    assert _navigated(Update({ROOT_STATE: {"is_hydrated_rx_state_": True}, "page": {"rows": []}}))
