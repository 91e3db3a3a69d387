"""Issue 24: the queries every tab or purchase runs are built once (``core/db.py``), not on every call: building a
statement and its cache key cost about as much CPU as running it, on the worker's one event loop."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from sqlalchemy import event
from sqlmodel import Session

from citizen_app.core.errors import NotFound
from citizen_app.feedback import board, open311, updates, views
from citizen_app.feedback import service as feedback
from citizen_app.identity import service as identity
from citizen_app.identity.models import UserAccount
from citizen_app.metro import alerts, purchase, tickets
from citizen_app.metro.claims import verified_claims
from citizen_app.notify import service as notify
from citizen_app.payments import service as payments
from citizen_app.procedures import named
from citizen_app.procedures import service as procedures
from citizen_app.wallet import credentials
from tests.unit.feedback.fixtures import report_input, seed_agencies
from tests.unit.metro.helpers import make_user


@contextmanager
def executed(db: Session) -> Iterator[list[object]]:
    """The statement objects ``db`` runs while the block runs: through the session, and as Core statements on its
    connection (``core.db.run``)."""
    seen: list[object] = []
    bind = db.get_bind()

    def record(_conn, statement, *_args) -> None:
        if "Savepoint" not in type(statement).__name__:  # SAVEPOINT and RELEASE are made by the connection
            seen.append(statement)

    event.listen(bind, "before_execute", record)
    try:
        yield seen
    finally:
        event.remove(bind, "before_execute", record)


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
                 lambda: updates.may_moderate(db, report, uid),  # a Core read, not the viewer as an actor
                 lambda: views.agency_names(db)):
        _runs_the_same_statements(db, call)
    assert reporter is not None


def _open311_list(db: Session, params: dict[str, str]) -> list[dict[str, object]]:
    query = open311.parse_request_query(params, "vi")
    return open311.request_dicts(db, open311.find_requests(db, query), "vi", query.extensions)


def test_the_public_lists_and_the_visits_pages_reuse_their_statements(db: Session) -> None:
    """Issue 24, second round: the Open311 list (one statement per set of filters, whatever their values), the
    lists' first photos and agency names, /metro's and a purchase's concession claims, /procedures/mine."""
    seed_agencies(db)
    uid = make_user(db)
    report = feedback.create_report(db, uid, report_input())
    db.commit()
    for call in (lambda: _open311_list(db, {"status": "open"}),  # load.py's board visit
                 lambda: _open311_list(db, {}),
                 lambda: _open311_list(db, {"service_code": "road_damage,flooding", "lat": "10.7725",
                                            "long": "106.698", "page": "2"}),
                 lambda: _open311_list(db, {"service_request_id": f"{report.id},999"}),
                 lambda: open311.get_request(db, str(report.id)),
                 lambda: board._first_photos(db, [report.id]),  # the board list's thumbnails
                 lambda: verified_claims(db, uid),
                 lambda: procedures.list_my_dossiers(db, uid),
                 lambda: named.my_records(db, uid)):
        _runs_the_same_statements(db, call)
    with executed(db) as first:
        _open311_list(db, {"status": "open"})
    with executed(db) as second:  # other values, same filters: the same statement
        _open311_list(db, {"status": "closed,open", "page_size": "5"})
    assert [id(s) for s in first] == [id(s) for s in second]
    assert [row["service_request_id"] for row in _open311_list(db, {"status": "open"})] == [str(report.id)]
    assert _open311_list(db, {"status": "closed"}) == []


def _paid_notification(db: Session, user_id: int) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    from citizen_app.metro import pay
    from citizen_app.metro.phone import SimulatedPhone
    from citizen_app.payments import sandbox

    url = pay.checkout(db, user_id, "single", SimulatedPhone().device_key, origin="L1-01",
                       destination="L1-11").redirect_url
    db.commit()
    outcome = sandbox.decide(db, dict(parse_qsl(urlsplit(url).query)), "approve", "card", "never")
    db.commit()
    return dict(parse_qsl(urlsplit(outcome.ipn_url or "").query))


def test_a_payment_changes_its_order_with_statements_built_once(db: Session, payments_sandbox: None) -> None:
    """The order's conditional status change (capture) and its other updates (fulfilled) are built once per set
    of columns: two payments run the same UPDATE statements."""
    updates_run = []
    for user_id in (make_user(db), make_user(db, "Trần Thị B")):
        ipn = _paid_notification(db, user_id)
        with executed(db) as statements:
            assert payments.handle_notification(db, "sandbox", ipn).outcome == payments.ACCEPTED
        db.commit()
        updates_run.append([id(s) for s in statements if getattr(s, "is_update", False)])
    assert len(updates_run[0]) >= 2 and updates_run[0] == updates_run[1]


def _checkout(db: Session, user_id: int) -> str:
    from citizen_app.metro import pay
    from citizen_app.metro.phone import SimulatedPhone

    return pay.checkout(db, user_id, "single", SimulatedPhone().device_key, origin="L1-01",
                        destination="L1-11").redirect_url


@contextmanager
def orm_flushes(db: Session) -> Iterator[list[int]]:
    """How many objects each flush of ``db`` wrote while the block ran (a flush with nothing to write is none)."""
    flushes: list[int] = []

    def record(session, _context) -> None:
        flushes.append(len(session.new) + len(session.dirty) + len(session.deleted))

    event.listen(db, "after_flush", record)
    try:
        yield flushes
    finally:
        event.remove(db, "after_flush", record)


def test_a_purchase_and_its_payment_run_only_statements_built_once(db: Session, payments_sandbox: None) -> None:
    """Issue 24, fifth round: every statement of a purchase (ticket, payment order, audit, the gateway's URL) and of
    the bank's notification (capture, audit, the ticket's activation, the rider's notice, the notification's log)
    is built once: two citizens' purchases and payments run the same statement objects. A new ticket's purchase
    sends 9 statements (13 before), and neither action leaves the ORM's unit of work anything to write: the rows
    go in by prebuilt Core statements."""
    from tests.conftest import sql_statements

    runs: dict[str, list[list[int]]] = {"purchase": [], "notification": []}
    for user_id in (make_user(db), make_user(db, "Trần Thị B")):
        with executed(db) as statements, orm_flushes(db) as flushes, sql_statements(db.get_bind()) as sent:
            url = _checkout(db, user_id)
            db.commit()
        runs["purchase"].append([id(s) for s in statements])
        assert flushes == [] and len(sent) == 9
        ipn = _paid_notification_of(db, url)
        with executed(db) as statements, orm_flushes(db) as flushes:
            assert payments.handle_notification(db, "sandbox", ipn).outcome == payments.ACCEPTED
            db.commit()
        runs["notification"].append([id(s) for s in statements])
        assert flushes == []
    for name, (first, second) in runs.items():
        assert first and first == second, name


def _paid_notification_of(db: Session, url: str) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    from citizen_app.payments import sandbox

    outcome = sandbox.decide(db, dict(parse_qsl(urlsplit(url).query)), "approve", "card", "never")
    db.commit()
    return dict(parse_qsl(urlsplit(outcome.ipn_url or "").query))


def test_the_boards_load_runs_only_statements_built_once(db: Session) -> None:
    """Issue 24, sixth round: the board without search words (its usual visit) runs one statement built once per
    shape of filters, whatever their values, and its thumbnails' statement; its agency menu is not read again on
    every load."""
    from datetime import timedelta

    from citizen_app.core.timeutil import to_local, utcnow

    seed_agencies(db)
    uid = make_user(db)
    report = feedback.create_report(db, uid, report_input())
    db.commit()
    today = to_local(utcnow()).date()
    for filters in (board.BoardFilters(), board.BoardFilters(status="overdue"),
                    board.BoardFilters(category="road_damage", agency="so-gtvt", ward="Bến Thành", stage="triaged")):
        _runs_the_same_statements(db, lambda f=filters: board.list_reports(db, f))
    with executed(db) as first:
        assert [i.report_id for i in board.list_reports(db, board.BoardFilters(category="noise")).items] == []
    with executed(db) as second:  # other values, other page, same shape: the same statement
        page = board.list_reports(db, board.BoardFilters(category="road_damage"), page=1, page_size=5)
    assert [i.report_id for i in page.items] == [report.id]
    assert len(first) == 1 and [id(s) for s in first] == [id(s) for s in second[:1]]
    dated = board.BoardFilters(date_from=today - timedelta(days=1), date_to=today)
    with executed(db) as first:
        board.list_reports(db, dated)
    with executed(db) as second:
        board.list_reports(db, board.BoardFilters(date_from=today, date_to=today))
    assert id(first[-2]) == id(second[-2])  # the list (before the thumbnails)
    views.board_agency_options(db)
    with executed(db) as menu:
        assert views.board_agency_options(db)
    assert menu == []


def test_the_session_proof_is_core_reads_each_time(db: Session) -> None:
    """Issue 24, sixth round: the session proof (session and user, then roles) runs prebuilt Core statements and loads
    no ORM objects; nothing of it is cached, so a session closed, expired or whose account was disabled fails on the
    next proof; the last use is still written at most every ``LAST_SEEN_GRANULARITY``."""
    from datetime import timedelta

    from sqlalchemy import update

    from citizen_app.core.timeutil import utcnow
    from citizen_app.identity.models import LoginSession

    uid = make_user(db)
    session_id = identity.token_hash(identity.open_session(db, uid))
    db.commit()
    db.expunge_all()
    loaded: list[object] = []
    event.listen(db, "loaded_as_persistent", lambda _session, instance: loaded.append(instance))
    with executed(db) as first:
        status, info = identity.session_status(db, session_id)
    assert status == "ok" and info is not None and info.user_id == uid and "citizen" in info.roles
    assert info.session_id == session_id and info.expires_at > utcnow()
    assert loaded == [] and len(first) == 2  # session with its user, roles; no ORM entity loaded
    with executed(db) as second:
        assert identity.token_user_id(db, None) is None
        identity.session_status(db, session_id)
    assert [id(s) for s in first] == [id(s) for s in second]
    sessions = LoginSession.__table__
    seen_long_ago = utcnow() - identity.LAST_SEEN_GRANULARITY - timedelta(minutes=1)
    db.exec(update(sessions).where(sessions.c.id == session_id).values(last_seen_at=seen_long_ago))
    db.commit()
    assert identity.session_status(db, session_id)[0] == "ok"
    db.commit()
    assert db.get(LoginSession, session_id).last_seen_at > seen_long_ago
    db.expunge_all()
    account = db.get(UserAccount, uid)
    account.is_active = False
    db.commit()
    assert identity.session_status(db, session_id) == ("invalid", None)
    account.is_active = True
    db.commit()
    db.exec(update(sessions).where(sessions.c.id == session_id).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    assert identity.session_status(db, session_id) == ("expired", None)
    db.commit()
    db.expunge_all()
    assert db.get(LoginSession, session_id) is None
    assert identity.session_status(db, session_id) == ("invalid", None)
    other = identity.token_hash(identity.open_session(db, uid))
    db.commit()
    assert identity.session_status(db, other)[0] == "ok"
    identity.close_session(db, other)
    db.commit()
    assert identity.session_status(db, other) == ("invalid", None)


def test_open311s_single_request_is_core_reads(db: Session) -> None:
    """Issue 24, eighth round: Open311's single request (one action of every visit) runs the list's statement for
    ids as Core, with and without extensions, loads no ORM object, and a hidden or unknown report is not found."""
    import pytest
    from sqlalchemy.orm import Session as OrmSession

    from citizen_app.feedback.models import FeedbackReport

    seed_agencies(db)
    uid = make_user(db)
    report = feedback.create_report(db, uid, report_input())
    db.commit()
    db.expunge_all()
    through_orm: list[object] = []

    def orm_statement(state) -> None:
        through_orm.append(state.statement)

    event.listen(OrmSession, "do_orm_execute", orm_statement)
    try:
        for extensions in (False, True):
            _runs_the_same_statements(db, lambda e=extensions: open311.get_request(db, str(report.id), "en", e))
        plain = open311.get_request(db, str(report.id), "en")
        extended = open311.get_request(db, str(report.id), "en", True)
        for missing in ("999999", "abc", "-1"):
            with pytest.raises(NotFound):
                open311.get_request(db, missing)
    finally:
        event.remove(OrmSession, "do_orm_execute", orm_statement)
    assert through_orm == []
    assert [row["service_request_id"] for row in plain] == [str(report.id)]
    assert extended[0]["notes"] and extended[0]["extended_attributes"] == {"channel": "web", "me_too_count": 0}
    assert extended[0]["attributes"] == [{"code": "severity", "value": "high"}]
    assert "0901 234 567" not in str(extended)
    hidden = db.get(FeedbackReport, report.id)
    hidden.hidden = True
    db.commit()
    with pytest.raises(NotFound):
        open311.get_request(db, str(report.id))
