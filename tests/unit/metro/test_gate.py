from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from citizen_app.core.timeutil import to_unix
from citizen_app.metro import denylist, gate_service, tickets
from citizen_app.metro.models import MetroJourney, MetroTap, MetroTicket
from tests.unit.metro.helpers import NOW, buy, make_user


def ts(delta_min: float = 0) -> int:
    return to_unix(NOW + timedelta(minutes=delta_min))


def scan(db: Session, ticket: MetroTicket, phone, station: str, direction: str, minutes: float = 0,
         **kw) -> gate_service.GateDecision:
    at = NOW + timedelta(minutes=minutes)
    return gate_service.validate_at_gate(db, phone.qr_text(ticket.payload, to_unix(at)), station, direction,
                                    gate_id="G1", now=at, **kw)


def test_single_journey_in_then_out_then_used(db: Session) -> None:
    uid = make_user(db)
    ticket, phone = buy(db, uid, origin="L1-01", destination="L1-08")
    first = scan(db, ticket, phone, "L1-01", "in")
    assert first.admitted and first.reason == "ok" and first.message_vi
    assert scan(db, ticket, phone, "L1-01", "in", 1).reason == "passback"
    assert scan(db, ticket, phone, "L1-08", "out", 20).admitted
    assert scan(db, ticket, phone, "L1-01", "in", 30).reason == "ticket_used"
    journeys = db.exec(select(MetroJourney)).all()
    assert [(j.entry_station, j.exit_station, j.status) for j in journeys] == [("L1-01", "L1-08", "completed")]
    history = tickets.rider_history(db, uid)
    assert history.journeys[0].exit_station == "L1-08"


def test_single_exit_beyond_paid_zone_needs_fare_adjustment(db: Session) -> None:
    uid = make_user(db)
    ticket, phone = buy(db, uid, origin="L1-01", destination="L1-05")
    assert scan(db, ticket, phone, "L1-01", "in").admitted
    refused = scan(db, ticket, phone, "L1-09", "out", 15)
    assert (refused.admitted, refused.reason) == (False, "fare_adjustment")
    assert "điều chỉnh" in refused.message_vi and "fare adjustment" in refused.message_en
    assert scan(db, ticket, phone, "L1-04", "out", 16).admitted  # inside the paid zone


def test_single_entry_only_at_origin_and_max_journey_time(db: Session) -> None:
    uid = make_user(db)
    ticket, phone = buy(db, uid, origin="L1-03", destination="L1-10")
    assert scan(db, ticket, phone, "L1-04", "in").reason == "wrong_station"
    assert scan(db, ticket, phone, "L1-03", "in").admitted
    assert scan(db, ticket, phone, "L1-10", "out", 121).reason == "journey_time_exceeded"


def test_single_valid_only_on_day_bought(db: Session) -> None:
    uid = make_user(db)
    ticket, phone = buy(db, uid)
    assert scan(db, ticket, phone, "L1-01", "in", 60 * 24).reason == "expired"


def test_pass_anti_passback_and_reentry(db: Session) -> None:
    uid = make_user(db)
    ticket, phone = buy(db, uid, "day_1")
    assert scan(db, ticket, phone, "L1-05", "out").reason == "no_entry"
    assert scan(db, ticket, phone, "L1-05", "in").admitted
    assert scan(db, ticket, phone, "L1-06", "in", 5).reason == "passback"
    assert scan(db, ticket, phone, "L1-12", "out", 30).admitted
    assert scan(db, ticket, phone, "L1-12", "in", 31).admitted
    # forgot to tap out: after the passback window a pass may enter again; old journey closed incomplete
    assert scan(db, ticket, phone, "L1-01", "in", 80).admitted
    statuses = [j.status for j in db.exec(select(MetroJourney).order_by(MetroJourney.id)).all()]
    assert statuses == ["completed", "incomplete", "open"]


def test_the_admission_is_committed_by_the_callers_transaction(db: Session) -> None:
    """The service never commits: a caller that rolls back (as ``session_scope`` does on an error after the
    decision) leaves no tap, no journey and the ticket unused, so the next scan is a first entry again."""
    uid = make_user(db)
    ticket, phone = buy(db, uid, "day_1")
    assert scan(db, ticket, phone, "L1-01", "in").admitted
    db.rollback()
    assert db.exec(select(MetroTap)).all() == [] and db.exec(select(MetroJourney)).all() == []
    assert db.get(MetroTicket, ticket.id).version == 0
    again = scan(db, ticket, phone, "L1-01", "in", 1)
    assert again.admitted and not again.replay  # not "passback": the first tap never happened
    db.commit()
    assert len(db.exec(select(MetroTap)).all()) == 1


def test_refusals_record_nothing(db: Session) -> None:
    uid = make_user(db)
    ticket, phone = buy(db, uid)
    at = NOW
    for text, station in [("garbage", "L1-01"), (phone.qr_text(ticket.payload, ts())[:100], "L1-01"),
                          (phone.qr_text(ticket.payload, ts(-5)), "L1-01"),
                          (phone.qr_text(ticket.payload, ts()), "L2-01")]:
        decision = gate_service.validate_at_gate(db, text, station, "in", now=at)
        assert not decision.admitted and decision.reason != "ok"
    assert db.exec(select(MetroTap)).all() == [] and db.exec(select(MetroJourney)).all() == []


def test_revoked_and_rebound_tickets_refused(db: Session) -> None:
    from citizen_app.identity.models import UserRole
    from citizen_app.metro.phone import SimulatedPhone

    uid = make_user(db)
    ticket, old_phone = buy(db, uid, "monthly")
    new_phone = SimulatedPhone()
    tickets.rebind_device(db, uid, ticket.id, new_phone.device_key)
    db.commit()
    old_text = old_phone.qr_text(ticket.payload, ts())  # new payload, old key: proof fails
    assert gate_service.validate_at_gate(db, old_text, "L1-01", "in", now=NOW).reason == "bad_device_proof"
    assert scan(db, ticket, new_phone, "L1-01", "in").admitted
    admin = make_user(db, "Admin")
    db.add(UserRole(user_id=admin, role="admin"))
    db.commit()
    denylist.revoke_ticket(db, admin, ticket.id)
    db.commit()
    assert scan(db, ticket, new_phone, "L1-02", "out", 5).reason == "revoked"


def test_unpaid_ticket_not_admitted(db: Session) -> None:
    uid = make_user(db)
    ticket, phone = buy(db, uid)
    ticket_row = db.get(MetroTicket, ticket.id)
    assert ticket_row is not None
    ticket_row.status = "cancelled"
    db.commit()
    assert scan(db, ticket, phone, "L1-01", "in").reason == "not_active"


def test_gate_retry_with_same_scan_id_is_idempotent(db: Session) -> None:
    uid = make_user(db)
    ticket, phone = buy(db, uid, "day_1")
    assert scan(db, ticket, phone, "L1-01", "in", scan_id="G1:1").admitted
    again = scan(db, ticket, phone, "L1-01", "in", scan_id="G1:1")
    assert again.admitted and again.replay
    assert len(db.exec(select(MetroTap)).all()) == 1


@pytest.mark.parametrize("scans", [50])
def test_exactly_once_under_concurrency(engine: Engine, db: Session, scans: int) -> None:
    uid = make_user(db)
    ticket, phone = buy(db, uid, origin="L1-01", destination="L1-08")
    texts = [phone.qr_text(ticket.payload, ts()) for _ in range(scans)]
    barrier = threading.Barrier(scans)
    results: list[bool] = []

    def worker(i: int) -> None:
        with Session(engine, expire_on_commit=False) as session:
            barrier.wait()
            gate = "G-A" if i % 2 else "G-B"
            decision = gate_service.validate_at_gate(session, texts[i], "L1-01", "in", gate_id=gate, now=NOW)
            session.commit()  # the caller's transaction ends here, as in session_scope()
            results.append(decision.admitted)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(scans)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 1 and len(results) == scans
    db.expire_all()
    assert len(db.exec(select(MetroTap)).all()) == 1
    assert len(db.exec(select(MetroJourney)).all()) == 1


def _process_worker(db_url: str, text: str, barrier, queue) -> None:
    from citizen_app.core.db import make_engine

    eng = make_engine(db_url)
    with Session(eng, expire_on_commit=False) as session:
        barrier.wait()
        decision = gate_service.validate_at_gate(session, text, "L1-01", "in", gate_id="P", now=NOW)
        session.commit()
        queue.put(decision.admitted)
    eng.dispose()


def test_exactly_once_across_processes(db_url: str, db: Session) -> None:
    import multiprocessing

    uid = make_user(db)
    ticket, phone = buy(db, uid, "day_1")
    ctx = multiprocessing.get_context("fork")
    barrier, queue = ctx.Barrier(8), ctx.Queue()
    procs = [ctx.Process(target=_process_worker, args=(db_url, phone.qr_text(ticket.payload, ts()), barrier, queue))
             for _ in range(8)]
    for proc in procs:
        proc.start()
    results = [queue.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    assert results.count(True) == 1


def test_tap_sequence_numbers_follow_versions(db: Session) -> None:
    uid = make_user(db)
    ticket, phone = buy(db, uid, "day_1")
    assert scan(db, ticket, phone, "L1-01", "in").admitted
    assert scan(db, ticket, phone, "L1-04", "out", 10).admitted
    assert [t.seq for t in db.exec(select(MetroTap).order_by(MetroTap.id)).all()] == [1, 2]
    assert db.get(MetroTicket, ticket.id).version == 2
