"""The sandbox gateway's notifications: one HTTP client per process, a bounded log of what was sent."""

from __future__ import annotations

from citizen_app.payments import sandbox


def test_one_http_client_is_reused() -> None:
    assert sandbox._http_client() is sandbox._http_client()


def test_sent_log_keeps_only_the_latest() -> None:
    delivered: list[str] = []
    dispatcher = sandbox.IpnDispatcher(transport=delivered.append, schedule=lambda _delay, job: job())
    for i in range(150):
        assert dispatcher.dispatch(f"http://127.0.0.1/ipn/{i}", "now") == 1
    assert len(delivered) == 150
    assert len(dispatcher.sent) == 100 and dispatcher.sent[-1] == "http://127.0.0.1/ipn/149"
