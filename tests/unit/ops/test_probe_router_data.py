"""The probe client sends router data the way the compiled frontend does."""

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
