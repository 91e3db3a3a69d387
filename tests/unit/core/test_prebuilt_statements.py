"""Issue 24: the queries every tab or purchase runs are built once (``core/db.py``), not on every call: building a
statement and its cache key cost about as much CPU as running it, on the worker's one event loop."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from sqlalchemy import event
from sqlmodel import Session

from citizen_app.core.errors import NotFound
from citizen_app.feedback import board, updates, views
from citizen_app.feedback import service as feedback
from citizen_app.identity import service as identity
from citizen_app.identity.models import UserAccount
from citizen_app.metro import alerts, purchase, tickets
from citizen_app.notify import service as notify
from citizen_app.payments import service as payments
from citizen_app.wallet import credentials
from tests.unit.feedback.fixtures import report_input, seed_agencies
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
                 lambda: identity.check_not_locked(db, "0912000002", "203.0.113.7"),  # logins, dossier lookups
                 lambda: payments.order_by_code(db, "DH0000000000"),
                 lambda: _ticket(db),
                 lambda: credentials.list_credentials(db, uid),
                 lambda: credentials.list_credentials(db, uid, include_inactive=True),
                 lambda: notify._topic_subscriptions(db, "payments", uid),
                 lambda: alerts.active_alerts(db),  # /metro
                 lambda: tickets.rider_history(db, uid),  # /metro/tickets
                 lambda: tickets.list_my_tickets(db, uid)):  # the phone's ticket list
        _runs_the_same_statements(db, call)


def test_a_report_page_reuses_its_statements(db: Session) -> None:
    seed_agencies(db)
    uid = make_user(db)
    report = feedback.create_report(db, uid, report_input())
    db.commit()
    reporter = db.get(UserAccount, uid)  # held in the session: its name is read by primary key, not by a query
    for call in (lambda: board.get_public_report(db, report.id, uid),  # agency, photos, public timeline
                 lambda: feedback.viewer_flags(db, report.id, uid),
                 lambda: updates.report_updates(db, report, uid, moderator=False),
                 lambda: views.agency_names(db)):
        _runs_the_same_statements(db, call)
    assert reporter is not None
