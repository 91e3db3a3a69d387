"""Issue 24: the queries every tab or purchase runs are built once (``core/db.py``), not on every call: building a
statement and its cache key cost about as much CPU as running it, on the worker's one event loop."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from sqlalchemy import event
from sqlmodel import Session

from citizen_app.core.errors import NotFound
from citizen_app.identity import service as identity
from citizen_app.metro import purchase
from citizen_app.notify import service as notify
from citizen_app.payments import service as payments
from citizen_app.wallet import credentials
from tests.unit.metro.helpers import make_user


@contextmanager
def executed(db: Session) -> Iterator[list[object]]:
    """The statement objects ``db`` runs while the block runs."""
    seen: list[object] = []

    def record(state) -> None:
        seen.append(state.statement)

    event.listen(db, "do_orm_execute", record)
    try:
        yield seen
    finally:
        event.remove(db, "do_orm_execute", record)


def _runs_the_same_statements(db: Session, call: Callable[[], object]) -> None:
    with executed(db) as first:
        call()
    with executed(db) as second:
        call()
    assert first and [id(s) for s in first] == [id(s) for s in second]


def _ticket(db: Session) -> None:
    with suppress(NotFound):
        purchase.ticket_by_order_ref(db, "no-such-order")


def test_hot_queries_reuse_one_statement(db: Session) -> None:
    uid = make_user(db)
    token = identity.open_session(db, uid)
    db.commit()
    session_id = identity.token_hash(token)
    assert identity.session_status(db, session_id)[1] is not None
    for call in (lambda: identity.session_status(db, session_id),  # every session proof: session + user, roles
                 lambda: payments.order_by_code(db, "DH0000000000"),
                 lambda: _ticket(db),
                 lambda: credentials.list_credentials(db, uid),
                 lambda: credentials.list_credentials(db, uid, include_inactive=True),
                 lambda: notify._topic_subscriptions(db, "payments", uid)):
        _runs_the_same_statements(db, call)
