"""Gates and handheld validators: who may provision them, the one-time enrolment QR, rotation, revocation, and what
a device's pull records. Only hashes of the enrolment code and of the token are ever stored."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from citizen_app.core.errors import DomainError, NotAllowed, Unauthenticated
from citizen_app.metro import denylist, devices, keys
from citizen_app.metro.models import MetroGate
from tests.unit.metro.helpers import NOW, buy, make_staff, make_user


def _sha(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@pytest.fixture()
def operator(db: Session) -> int:
    return make_staff(db, "metro_operator", "hurc1", "Điều hành HURC1")


def _stored_values(db: Session) -> set[str]:
    values: set[str] = set()
    for row in db.exec(select(MetroGate)).all():
        values |= {str(v) for v in row.model_dump().values() if v is not None}
    return values


def test_operators_of_the_operating_agency_and_admins_provision(db: Session, operator: int) -> None:
    assert devices.register_device(db, operator, "BT-G01", "L1-01").gate_id == "BT-G01"
    admin = make_staff(db, "admin")
    assert devices.register_device(db, admin, "BT-H01", "L1-01", "handheld").gate_id == "BT-H01"
    other_agency = make_staff(db, "metro_operator", "sawaco", "Nhân viên cấp nước")
    with pytest.raises(NotAllowed, match="operator_agency"):
        devices.register_device(db, other_agency, "BT-G02", "L1-01")
    no_agency = make_staff(db, "metro_operator")
    with pytest.raises(NotAllowed, match="operator_agency"):
        devices.issue_credential(db, no_agency, "BT-G01")
    for outsider in (make_staff(db, "official", "hurc1"), make_user(db, "Hành khách")):
        with pytest.raises(NotAllowed):
            devices.revoke_device(db, outsider, "BT-G01")
    with pytest.raises(NotAllowed):
        devices.list_devices(db, None)


@pytest.mark.parametrize("gate_id", ["", "a:b", "staff-12", "x" * 41, "-lead", "BT G01"])
def test_device_ids_that_would_clash_with_scan_ids_are_refused(db: Session, operator: int, gate_id: str) -> None:
    with pytest.raises(DomainError, match="gate_id"):
        devices.register_device(db, operator, gate_id, "L1-01")


def test_registration_checks_station_kind_and_uniqueness(db: Session, operator: int) -> None:
    with pytest.raises(DomainError, match="station_unknown"):
        devices.register_device(db, operator, "X-1", "L9-01")
    with pytest.raises(DomainError, match="device_kind"):
        devices.register_device(db, operator, "X-1", "L1-01", "turnstile")
    devices.register_device(db, operator, "X-1", "L1-01")
    with pytest.raises(DomainError, match="gate_id"):
        devices.register_device(db, operator, "X-1", "L1-02")


def test_enrolment_hands_the_token_once_and_only_hashes_are_stored(db: Session, operator: int) -> None:
    enrolment = devices.register_device(db, operator, "BT-G01", "L1-01", label="Lối A", now=NOW)
    db.commit()
    assert enrolment.url.endswith(f"/metro/gate/#enrol={enrolment.code}")
    assert enrolment.expires_at == NOW + timedelta(minutes=30)
    row = db.get(MetroGate, "BT-G01")
    assert row is not None and row.enrol_hash == _sha(enrolment.code) and row.token_hash is None
    assert devices.list_devices(db, operator)[0].status == "pending"

    gate, token = devices.enrol(db, enrolment.url, now=NOW + timedelta(minutes=5))  # the QR's link, as scanned
    db.commit()
    assert gate.id == "BT-G01" and gate.token_hash == _sha(token) and gate.enrol_hash is None
    assert enrolment.code not in _stored_values(db) and token not in _stored_values(db)
    assert devices.authenticate_gate(db, token).station == "L1-01"
    with pytest.raises(Unauthenticated, match="enrol_code"):  # single use
        devices.enrol(db, enrolment.code)


def test_an_expired_or_made_up_code_enrols_nothing(db: Session, operator: int) -> None:
    enrolment = devices.register_device(db, operator, "BT-G01", "L1-01", now=NOW)
    db.commit()
    for text in (enrolment.code, "", "nope", "#enrol=" + "A" * 32):
        with pytest.raises(Unauthenticated, match="enrol_code"):
            devices.enrol(db, text, now=NOW + timedelta(minutes=31))
    assert db.get(MetroGate, "BT-G01").token_hash is None


def test_rotation_keeps_the_current_token_until_the_new_one_is_enrolled(db: Session, operator: int) -> None:
    first = devices.register_device(db, operator, "BT-G01", "L1-01")
    _gate, old_token = devices.enrol(db, first.code)
    rotation = devices.issue_credential(db, operator, "BT-G01")
    db.commit()
    view = devices.list_devices(db, operator)[0]
    assert view.status == "active" and view.new_credential_pending
    assert devices.authenticate_gate(db, old_token).id == "BT-G01"  # the gate keeps working meanwhile
    _gate, new_token = devices.enrol(db, rotation.code)
    db.commit()
    with pytest.raises(Unauthenticated):
        devices.authenticate_gate(db, old_token)
    assert devices.authenticate_gate(db, new_token).id == "BT-G01"
    assert not devices.list_devices(db, operator)[0].new_credential_pending


def test_a_revoked_device_is_refused_and_its_open_qr_too(db: Session, operator: int) -> None:
    first = devices.register_device(db, operator, "BT-G01", "L1-01")
    _gate, token = devices.enrol(db, first.code)
    pending = devices.issue_credential(db, operator, "BT-G01")
    devices.revoke_device(db, operator, "BT-G01", now=NOW)
    db.commit()
    with pytest.raises(Unauthenticated, match="gate_auth"):
        devices.authenticate_gate(db, token)
    with pytest.raises(Unauthenticated, match="enrol_code"):
        devices.enrol(db, pending.code)
    view = devices.list_devices(db, operator)[0]
    assert view.status == "revoked"
    # a new start: a fresh QR enrols the same device again
    again = devices.issue_credential(db, operator, "BT-G01")
    _gate, fresh = devices.enrol(db, again.code)
    db.commit()
    assert devices.authenticate_gate(db, fresh).id == "BT-G01"
    assert devices.list_devices(db, operator)[0].status == "active"


def test_the_pull_records_contact_queue_and_versions(db: Session, operator: int) -> None:
    token = devices.register_gate(db, operator, "BT-G01", "L1-01")
    db.commit()
    gate = devices.authenticate_gate(db, token)
    report = devices.DeviceReport.from_body({"queue": 7, "key_version": 1, "denylist_version": "stale"})
    answer = devices.pull(db, gate, report, now=NOW)
    db.commit()
    row = db.get(MetroGate, "BT-G01")
    assert (row.last_contact_at, row.queue_depth, row.key_version, row.denylist_version) == (NOW, 7, 1, "stale")
    assert answer["gate"]["station"] == "L1-01" and answer["key_version"] == keys.key_version()
    assert answer["rules"]["stations"][0] == {"code": "L1-01", "index": 1, "name_vi": "Ga Bến Thành",
                                              "name_en": "Ben Thanh"}
    assert answer["rules"]["products"]["1"]["kind"] == "single" and answer["rules"]["categories"]["1"] == "adult"
    view = devices.list_devices(db, operator)[0]
    assert view.queue_depth == 7 and not view.denylist_current  # it reported a denylist it does not have
    devices.pull(db, gate, devices.DeviceReport(0, keys.key_version(), answer["denylist_version"]))
    assert devices.list_devices(db, operator)[0].denylist_current
    # a revocation changes the denylist: the device is behind until its next pull
    ticket, _phone = buy(db, make_user(db))
    denylist.revoke_ticket(db, make_staff(db, "admin"), ticket.id)
    assert not devices.list_devices(db, operator)[0].denylist_current


def test_reports_are_bounded(db: Session) -> None:
    assert devices.DeviceReport.from_body({"queue": -3, "key_version": 0, "denylist_version": "x" * 40}) == \
        devices.DeviceReport(0, None, "x" * 16)
    assert devices.DeviceReport.from_body({"queue": "many", "key_version": "1"}) == devices.DeviceReport(0, None, "")
