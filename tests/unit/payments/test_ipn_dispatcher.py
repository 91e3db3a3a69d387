"""The sandbox gateway: one HTTP client per process, a bounded log of notifications sent, unique transaction numbers."""

from __future__ import annotations

from citizen_app.payments import sandbox


def test_one_http_client_is_reused() -> None:
    assert sandbox._http_client() is sandbox._http_client()


def test_sent_log_keeps_only_the_latest() -> None:
    delivered: list[str] = []
    dispatcher = sandbox.IpnDispatcher(transport=lambda url, _body: delivered.append(url),
                                      schedule=lambda _delay, job: job())
    for i in range(150):
        assert dispatcher.dispatch(f"http://127.0.0.1/ipn/{i}", "now") == 1
    assert len(delivered) == 150
    assert len(dispatcher.sent) == 100 and dispatcher.sent[-1] == "http://127.0.0.1/ipn/149"


def test_transaction_numbers_are_unique_twelve_digits(db) -> None:
    from datetime import timedelta

    from citizen_app.core.timeutil import utcnow
    from citizen_app.payments.models import PaySandboxTxn

    numbers = set()
    for i in range(200):
        number = sandbox._new_transaction_no(db)
        assert len(number) == 12 and number.isdigit() and number not in numbers
        numbers.add(number)
        db.add(PaySandboxTxn(txn_ref=f"T{i}", transaction_no=number, amount_vnd=1000,
                             expires_at=utcnow() + timedelta(minutes=15), created_at=utcnow()))
    db.flush()
