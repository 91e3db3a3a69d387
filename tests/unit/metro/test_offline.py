from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from citizen_app.core.timeutil import to_unix
from citizen_app.identity.models import UserRole
from citizen_app.metro import denylist, devices, gate_service, keys, sync
from citizen_app.metro.catalog import data
from citizen_app.metro.gate import OfflineGate
from citizen_app.metro.models import MetroGate, MetroJourney, MetroTap, MetroTicket
from tests.unit.metro.helpers import NOW, buy, make_user

T = to_unix(NOW)


def _gate(db: Session, station: str = "L1-01") -> tuple[OfflineGate, object]:
    admin = make_user(db, "Admin")
    db.add(UserRole(user_id=admin, role="admin"))
    db.commit()
    token = devices.register_gate(db, admin, f"gate-{station}", station)
    db.commit()
    gate_row = devices.authenticate_gate(db, token)
    published = keys.public_keys_from_jwks(keys.jwks())  # what the gate downloaded while online
    gate = OfflineGate(gate_row.id, station, data(), published)
    gate.update_denylist(denylist.denylist_entries(db), T - 3600)
    return gate, gate_row


def test_offline_gate_validates_and_sync_applies(db: Session, tmp_path) -> None:
    uid = make_user(db)
    ticket, phone = buy(db, uid, origin="L1-01", destination="L1-08")
    gate, row = _gate(db)
    assert gate.scan(phone.qr_text(ticket.payload, T), "in", T) == (True, "ok")
    assert gate.scan(phone.qr_text(ticket.payload, T + 5), "in", T + 5) == (False, "passback")
    assert gate.scan("garbage", "in", T) == (False, "malformed")
    gate.save(tmp_path / "gate.json")  # survives a reboot
    restored = OfflineGate(gate.gate_id, gate.station, data(), gate.keys)
    restored.load(tmp_path / "gate.json")
    events = restored.take_pending()
    assert len(events) == 1
    results = sync.sync_offline_taps(db, row, events)
    assert [r.status for r in results] == ["applied"]
    assert db.get(MetroTicket, ticket.id).phase == "in"
    again = sync.sync_offline_taps(db, row, events)
    assert [r.status for r in again] == ["duplicate"]
    # the online system now knows the rider is inside
    decision = gate_service.validate_at_gate(db, phone.qr_text(ticket.payload, T + 60), "L1-05", "in",
                                        now=NOW + timedelta(seconds=60))
    assert decision.reason == "passback"


def test_an_upload_is_committed_by_the_callers_transaction(db: Session) -> None:
    """``sync_offline_taps`` never commits: rolled back by its caller, the upload left nothing behind."""
    uid = make_user(db)
    ticket, _phone = buy(db, uid, "day_1")
    _, row = _gate(db)
    events = [{"scan_id": "g:1", "tid": ticket.id, "direction": "in", "station": "L1-01", "at": T}]
    assert [r.status for r in sync.sync_offline_taps(db, row, events)] == ["applied"]
    db.rollback()
    assert db.exec(select(MetroTap)).all() == [] and db.get(MetroTicket, ticket.id).phase == "idle"
    assert db.get(MetroGate, row.id).last_sync_at is None
    assert [r.status for r in sync.sync_offline_taps(db, row, events)] == ["applied"]  # not "duplicate"


def test_offline_gate_stale_data_refuses(db: Session) -> None:
    uid = make_user(db)
    ticket, phone = buy(db, uid)
    gate, _ = _gate(db)
    later = T + 25 * 3600
    assert gate.scan(phone.qr_text(ticket.payload, later), "in", later) == (False, "gate_data_stale")


def test_offline_gate_uses_cached_denylist(db: Session) -> None:
    uid = make_user(db)
    ticket, phone = buy(db, uid, "day_1")
    gate, _ = _gate(db)
    gate.update_denylist([f"t:{ticket.id}"], T)
    assert gate.scan(phone.qr_text(ticket.payload, T), "in", T) == (False, "revoked")


def test_sync_conflict_rules(db: Session) -> None:
    uid = make_user(db)
    ticket, phone = buy(db, uid, "day_1")
    gate_a, row_a = _gate(db, "L1-01")
    # online: rider entered at L1-03 at T
    assert gate_service.validate_at_gate(db, phone.qr_text(ticket.payload, T), "L1-03", "in", now=NOW).admitted
    # offline gate at L1-01 (its own view) admitted an entry 30 min later, and an older exit event
    events = [
        {"scan_id": "a:2", "tid": ticket.id, "direction": "in", "station": "L1-01", "at": T + 1800},
        {"scan_id": "a:1", "tid": ticket.id, "direction": "out", "station": "L1-01", "at": T - 600},
        {"scan_id": "a:3", "tid": "zz", "direction": "in", "station": "L1-01", "at": T},
        {"scan_id": "a:4", "tid": ticket.id, "direction": "in", "station": "L9-99", "at": T},
    ]
    results = {r.scan_id: (r.status, r.conflict) for r in sync.sync_offline_taps(db, row_a, events)}
    assert results["a:1"] == ("late", "late")
    assert results["a:2"] == ("applied", "passback")
    assert results["a:3"][0] == "invalid" and results["a:4"][0] == "invalid"
    journeys = db.exec(select(MetroJourney).order_by(MetroJourney.id)).all()
    assert [(j.entry_station, j.status, j.source) for j in journeys] == [
        ("L1-03", "incomplete", "online"), ("L1-01", "open", "offline")]
    assert len(db.exec(select(MetroTap)).all()) == 3
    # exit without entry (offline) becomes an incomplete journey
    out_event = [{"scan_id": "a:5", "tid": ticket.id, "direction": "out", "station": "L1-01", "at": T + 2000},
                 {"scan_id": "a:6", "tid": ticket.id, "direction": "out", "station": "L1-01", "at": T + 2400},
                 {"scan_id": "a:7", "tid": ticket.id, "direction": "out", "station": "L1-02", "at": T + 2500}]
    results = sync.sync_offline_taps(db, row_a, out_event)
    assert [(r.status, r.conflict) for r in results] == [("applied", ""), ("applied", "no_entry"),
                                                         ("invalid", "wrong_station")]


def test_an_offline_exit_lets_out_a_rider_who_entered_at_another_gate(db: Session) -> None:
    """An offline gate knows only its own taps: it used to refuse every exit of a rider who came in elsewhere
    ("no_entry"), keeping them inside. It lets them out (where it is checked) and sync reconciles."""
    uid = make_user(db)
    ticket, phone = buy(db, uid, origin="L1-01", destination="L1-08")
    assert gate_service.validate_at_gate(db, phone.qr_text(ticket.payload, T), "L1-01", "in", now=NOW).admitted
    exit_gate, row = _gate(db, "L1-08")
    later = T + 1200
    assert exit_gate.scan(phone.qr_text(ticket.payload, later), "out", later) == (True, "ok")
    assert exit_gate.scan(phone.qr_text(ticket.payload, later + 5), "out", later + 5) == (False, "ticket_used")
    beyond, beyond_phone = buy(db, uid, origin="L1-01", destination="L1-05")
    assert exit_gate.scan(beyond_phone.qr_text(beyond.payload, later), "out", later) == (False, "fare_adjustment")
    assert [r.status for r in sync.sync_offline_taps(db, row, exit_gate.take_pending())] == ["applied"]
    journey = db.exec(select(MetroJourney).where(MetroJourney.ticket_id == ticket.id)).one()
    assert (journey.entry_station, journey.exit_station, journey.status) == ("L1-01", "L1-08", "completed")
