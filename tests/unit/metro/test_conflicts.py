"""A ticket used twice while gates were offline: found when the gates sync (in either order), reported once to the
operator, charged by the rule of metro.json (offline_conflicts), and told to the ticket holder."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from citizen_app.core.errors import DomainError, NotAllowed
from citizen_app.core.timeutil import to_unix, utcnow
from citizen_app.metro import conflicts, denylist, devices, gate_service, sync
from citizen_app.metro.catalog import data
from citizen_app.metro.models import MetroConflict, MetroGate, MetroTap
from citizen_app.notify.models import NotifyNotification
from tests.unit.metro.helpers import NOW, buy, make_staff, make_user

T = to_unix(NOW)
MAX_CASHLESS = 19_000  # the line's highest single fare (cashless), from fare_leg_rules.txt


@pytest.fixture()
def operator(db: Session) -> int:
    return make_staff(db, "metro_operator", "hurc1")


def _gate(db: Session, operator: int, gate_id: str, station: str) -> MetroGate:
    token = devices.register_gate(db, operator, gate_id, station)
    db.commit()
    return devices.authenticate_gate(db, token)


def _tap(tid: str, scan: str, station: str, at: int, direction: str = "in") -> dict:
    return {"scan_id": scan, "tid": tid, "direction": direction, "station": station, "at": at}


def _conflicts(db: Session) -> list[MetroConflict]:
    return list(db.exec(select(MetroConflict).order_by(MetroConflict.id)).all())


def _tap_of(db: Session, conflict_tap_id: int | None) -> MetroTap | None:
    return db.get(MetroTap, conflict_tap_id) if conflict_tap_id is not None else None


def test_a_single_ticket_through_two_offline_gates_is_charged_once(db: Session, operator: int) -> None:
    rider = make_user(db)
    ticket, _phone = buy(db, rider, origin="L1-01", destination="L1-08")
    gate_a, gate_b = _gate(db, operator, "BT-A", "L1-01"), _gate(db, operator, "BT-B", "L1-01")
    first = sync.sync_offline_taps(db, gate_a, [_tap(ticket.id, "BT-A:1", "L1-01", T)])
    assert [r.status for r in first] == ["applied"]
    assert _conflicts(db) == []
    result = sync.sync_offline_taps(db, gate_b, [_tap(ticket.id, "BT-B:1", "L1-01", T + 120)])
    db.commit()
    assert [(r.status, r.conflict) for r in result] == [("applied", "passback")]
    [found] = _conflicts(db)
    assert (found.kind, found.charge_vnd, found.status, found.user_id) == ("passback", MAX_CASHLESS, "due", rider)
    assert _tap_of(db, found.tap_id).gate_id == "BT-B" and _tap_of(db, found.earlier_tap_id).gate_id == "BT-A"
    notice = db.exec(select(NotifyNotification).where(NotifyNotification.user_id == rider)).one()
    assert notice.title_key == "metro.conflict.notice_title" and "19.000" in notice.params_json
    # uploading again changes nothing
    sync.sync_offline_taps(db, gate_b, [_tap(ticket.id, "BT-B:1", "L1-01", T + 120)])
    sync.sync_offline_taps(db, gate_a, [_tap(ticket.id, "BT-A:1", "L1-01", T)])
    assert len(_conflicts(db)) == 1


def test_the_later_use_is_the_conflict_whichever_gate_syncs_first(db: Session, operator: int) -> None:
    ticket, _phone = buy(db, make_user(db), origin="L1-01", destination="L1-08")
    gate_a, gate_b = _gate(db, operator, "BT-A", "L1-01"), _gate(db, operator, "BT-B", "L1-01")
    sync.sync_offline_taps(db, gate_b, [_tap(ticket.id, "BT-B:1", "L1-01", T + 300)])  # the later entry first
    result = sync.sync_offline_taps(db, gate_a, [_tap(ticket.id, "BT-A:1", "L1-01", T)])
    assert [r.status for r in result] == ["late"]  # history only: it does not rewind the ticket's state
    [found] = _conflicts(db)
    assert _tap_of(db, found.tap_id).gate_id == "BT-B" and _tap_of(db, found.earlier_tap_id).gate_id == "BT-A"


def test_a_used_single_entering_again_offline_is_ticket_used(db: Session, operator: int) -> None:
    ticket, phone = buy(db, make_user(db), origin="L1-01", destination="L1-08")
    assert gate_service.validate_at_gate(db, phone.qr_text(ticket.payload, T), "L1-01", "in", now=NOW).admitted
    later = NOW + timedelta(minutes=30)
    assert gate_service.validate_at_gate(db, phone.qr_text(ticket.payload, to_unix(later)), "L1-08", "out",
                                         now=later).admitted
    gate = _gate(db, operator, "BT-A", "L1-01")
    sync.sync_offline_taps(db, gate, [_tap(ticket.id, "BT-A:9", "L1-01", T + 3600)])
    assert [c.kind for c in _conflicts(db)] == ["ticket_used"]


def test_ordinary_offline_journeys_are_no_conflict(db: Session, operator: int) -> None:
    """Entry online, exit through an offline gate uploaded late; a pass re-entering after the passback time."""
    ticket, phone = buy(db, make_user(db), origin="L1-01", destination="L1-08")
    exit_gate = _gate(db, operator, "RC-A", "L1-08")
    assert gate_service.validate_at_gate(db, phone.qr_text(ticket.payload, T), "L1-01", "in", now=NOW).admitted
    sync.sync_offline_taps(db, exit_gate, [_tap(ticket.id, "RC-A:1", "L1-08", T + 1500, "out")])
    pass_ticket, _ = buy(db, make_user(db), "day_1", origin=None, destination=None)
    gate_a, gate_b = _gate(db, operator, "BT-A", "L1-01"), _gate(db, operator, "BT-B", "L1-01")
    sync.sync_offline_taps(db, gate_a, [_tap(pass_ticket.id, "BT-A:1", "L1-01", T)])
    sync.sync_offline_taps(db, gate_b, [_tap(pass_ticket.id, "BT-B:1", "L1-01", T + 25 * 60)])
    assert _conflicts(db) == []


def test_a_pass_shared_through_two_gates_is_passback(db: Session, operator: int) -> None:
    pass_ticket, _ = buy(db, make_user(db), "day_1", origin=None, destination=None)
    gate_a, gate_b = _gate(db, operator, "BT-A", "L1-01"), _gate(db, operator, "TD-A", "L1-11")
    sync.sync_offline_taps(db, gate_a, [_tap(pass_ticket.id, "BT-A:1", "L1-01", T)])
    sync.sync_offline_taps(db, gate_b, [_tap(pass_ticket.id, "TD-A:1", "L1-11", T + 60)])
    assert [(c.kind, c.charge_vnd) for c in _conflicts(db)] == [("passback", MAX_CASHLESS)]


def test_taps_after_a_revocation_are_charged_not_those_before(db: Session, operator: int) -> None:
    ticket, _phone = buy(db, make_user(db), "day_3", origin=None, destination=None)
    gate = _gate(db, operator, "BT-A", "L1-01")
    sync.sync_offline_taps(db, gate, [_tap(ticket.id, "BT-A:1", "L1-01", T - 7200)])  # before the revocation
    denylist.revoke_ticket(db, make_staff(db, "admin"), ticket.id)
    db.commit()
    sync.sync_offline_taps(db, gate, [_tap(ticket.id, "BT-A:2", "L1-01", to_unix(utcnow()) + 60)])
    assert [c.kind for c in _conflicts(db)] == ["revoked"]


def test_charge_rules_come_from_the_data() -> None:
    metro = data()
    row = type("Row", (), {"price_vnd": 13_000})()
    assert conflicts.charge_for(metro, "passback", row) == MAX_CASHLESS
    priced = replace(metro, conflict_charges={"passback": "ticket_price", "ticket_used": "none"})
    assert conflicts.charge_for(priced, "passback", row) == 13_000
    assert conflicts.charge_for(priced, "ticket_used", row) == 0
    cash = replace(metro, conflict_medium="cash")
    assert conflicts.charge_for(cash, "passback", row) == 20_000


def test_the_operator_lists_and_waives(db: Session, operator: int) -> None:
    ticket, _phone = buy(db, make_user(db))
    gate_a, gate_b = _gate(db, operator, "BT-A", "L1-01"), _gate(db, operator, "BT-B", "L1-01")
    sync.sync_offline_taps(db, gate_a, [_tap(ticket.id, "BT-A:1", "L1-01", T)])
    sync.sync_offline_taps(db, gate_b, [_tap(ticket.id, "BT-B:1", "L1-01", T + 60)])
    db.commit()
    [view] = conflicts.list_conflicts(db, operator)
    assert view.tap.station == "L1-01" and view.earlier is not None and view.status == "due"
    with pytest.raises(NotAllowed):
        conflicts.waive_conflict(db, make_user(db, "Hành khách"), view.id)
    with pytest.raises(NotAllowed):
        conflicts.list_conflicts(db, make_staff(db, "official", "hurc1"))
    conflicts.waive_conflict(db, operator, view.id)
    assert db.get(MetroConflict, view.id).status == "waived"
    with pytest.raises(DomainError, match="not_due"):
        conflicts.waive_conflict(db, operator, view.id)
